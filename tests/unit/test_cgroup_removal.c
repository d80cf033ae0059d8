/* test_cgroup_removal.c: a cgroup that stays busy. rmdir(2) of a cgroup
 * fails with EBUSY while a process is in it; cgroup_destroy() tries again,
 * waiting longer each time, and gives up after about two seconds, right
 * after a last try. A mount point plays the busy cgroup here (rmdir of a
 * mount point is EBUSY too): a tmpfs, mounted and unmounted by the test,
 * which therefore needs root. since: ch03-memory */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "common.h"
#include "mydocker.h"

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void test_a_busy_cgroup_is_given_up_after_about_two_seconds(void **state)
{
	char top[] = "/tmp/mydocker-unit.XXXXXX", busy[PATH_MAX], message[512];
	struct cgroup cg = { .version = 1 };
	struct timespec start;
	double waited;
	int ret, saved_errno;
	(void)state;

	if (geteuid() != 0)
		skip();
	assert_non_null(mkdtemp(top));
	snprintf(busy, sizeof busy, "%s/mydocker-busy", top);
	assert_int_equal(mkdir(busy, 0755), 0);
	assert_int_equal(mount("tmpfs", busy, "tmpfs", 0, "size=4k"), 0);
	snprintf(cg.dir[SUBSYSTEM_MEMORY], sizeof cg.dir[SUBSYSTEM_MEMORY], "%s", busy);
	error_capture(message, sizeof message);
	clock_gettime(CLOCK_MONOTONIC, &start);
	ret = cgroup_destroy(&cg);
	saved_errno = errno;
	waited = seconds_since(&start);
	error_capture(NULL, 0);
	umount(busy);
	rmdir(busy);
	rmdir(top);
	assert_int_equal(ret, -1);
	assert_int_equal(saved_errno, EBUSY);
	assert_non_null(strstr(message, "remove cgroup"));
	print_message("# gave up after %.2f s\n", waited);
	assert_true(waited > 1.5);
	assert_true(waited < 2.5); /* not a last wait of a second with no try after it */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_busy_cgroup_is_given_up_after_about_two_seconds),
	};
	return cmocka_run_group_tests_name("cgroup removal", tests, NULL, NULL);
}
