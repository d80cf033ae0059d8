/* test_cgroup_fake_tree.c: the cgroup manager and its subsystems against a
 * fake cgroup tree in a temp dir, for v1 and for v2. The test plays the
 * kernel: after mkdir it creates the files a real cgroup would have, then
 * reads what mydocker wrote into them. since: ch03-cgroups */
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
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "common.h"
#include "mydocker.h"

#include "common/fake_cgroup_tree.h"

/* What the kernel does at rmdir: a cgroup's files go with it. */
static void kernel_rmdir_files(const char *dir)
{
	const char *names[] = { "memory.limit_in_bytes", "memory.memsw.limit_in_bytes",
				"memory.oom_control", "memory.max", "memory.swap.max",
				"memory.events", "cpu.shares", "cpu.weight", "cpuset.cpus",
				"cpuset.mems", "cgroup.procs", "cgroup.controllers",
				"cgroup.subtree_control" };
	char path[PATH_MAX * 2];

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
}

static const struct resources all_limits = {
	.memory = 100ULL << 20,
	.cpu_shares = 512,
	.cpuset_cpus = "1",
};

static void test_v1_fake_tree(void **state)
{
	char buf[PATH_MAX * 2], memory[PATH_MAX], cpu[PATH_MAX], cpuset[PATH_MAX];
	struct cgroup cg;
	(void)state;

	snprintf(buf, sizeof buf,
		 "30 25 0:26 / %s/memory rw - cgroup cgroup rw,memory\n"
		 "31 25 0:27 / %s/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
		 "32 25 0:28 / %s/cpuset rw - cgroup cgroup rw,cpuset\n"
		 "33 25 0:29 / %s/unified rw - cgroup2 cgroup2 rw\n", top, top, top, top);
	fake_file(top, "mountinfo", buf);
	fake_file(top, "self_cgroup", "4:memory:/user/me\n2:cpu,cpuacct:/\n3:cpuset:/\n0::/\n");
	snprintf(memory, sizeof memory, "%s/memory/user/me", top);
	snprintf(cpu, sizeof cpu, "%s/cpu,cpuacct", top);
	snprintf(cpuset, sizeof cpuset, "%s/cpuset", top);
	assert_int_equal(mkdir_p(memory, 0755), 0);
	assert_int_equal(mkdir_p(cpu, 0755), 0);
	assert_int_equal(mkdir_p(cpuset, 0755), 0);
	fake_file(cpuset, "cpuset.cpus", "0-3\n");
	fake_file(cpuset, "cpuset.mems", "0\n");

	assert_int_equal(cgroup_find(&cg, &fake, "mydocker-test", &all_limits), 0);
	assert_int_equal(cg.version, 1); /* a hybrid host: v1 wins */
	snprintf(buf, sizeof buf, "%s/mydocker-test", memory);
	assert_string_equal(cg.dir[SUBSYSTEM_MEMORY], buf);
	snprintf(buf, sizeof buf, "%s/mydocker-test", cpu);
	assert_string_equal(cg.dir[SUBSYSTEM_CPU], buf);
	snprintf(buf, sizeof buf, "%s/mydocker-test", cpuset);
	assert_string_equal(cg.dir[SUBSYSTEM_CPUSET], buf);

	assert_int_equal(cgroup_create(&cg), 0);
	/* the kernel fills each new cgroup with files */
	fake_file(cg.dir[SUBSYSTEM_MEMORY], "memory.limit_in_bytes", "9223372036854771712\n");
	fake_file(cg.dir[SUBSYSTEM_MEMORY], "memory.oom_control",
		  "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
	fake_file(cg.dir[SUBSYSTEM_CPU], "cpu.shares", "1024\n");
	fake_file(cg.dir[SUBSYSTEM_CPUSET], "cpuset.cpus", "");
	fake_file(cg.dir[SUBSYSTEM_CPUSET], "cpuset.mems", "");
	for (int i = 0; i < N_SUBSYSTEMS; i++)
		if (cg.dir[i][0]) /* the subsystems all_limits sets */
			fake_file(cg.dir[i], "cgroup.procs", "");

	assert_int_equal(cgroup_set(&cg), 0);
	expect_file(cg.dir[SUBSYSTEM_MEMORY], "memory.limit_in_bytes", "104857600");
	expect_file(cg.dir[SUBSYSTEM_CPU], "cpu.shares", "512");
	expect_file(cg.dir[SUBSYSTEM_CPUSET], "cpuset.mems", "0"); /* copied from the parent */
	expect_file(cg.dir[SUBSYSTEM_CPUSET], "cpuset.cpus", "1");

	assert_int_equal(cgroup_apply(&cg, 4242), 0);
	for (int i = 0; i < N_SUBSYSTEMS; i++)
		if (cg.dir[i][0])
			expect_file(cg.dir[i], "cgroup.procs", "4242");
	assert_int_equal(cgroup_oom_kills(&cg), 2);

	for (int i = 0; i < N_SUBSYSTEMS; i++)
		if (cg.dir[i][0])
			kernel_rmdir_files(cg.dir[i]);
	snprintf(buf, sizeof buf, "%s", cg.dir[SUBSYSTEM_MEMORY]);
	assert_int_equal(cgroup_destroy(&cg), 0);
	assert_int_equal(access(buf, F_OK), -1);
	assert_false(cgroup_in_use(&cg));
}

static void setup_v2(const char *controllers)
{
	char buf[PATH_MAX * 2];

	snprintf(buf, sizeof buf, "26 23 0:24 / %s/v2 rw - cgroup2 cgroup2 rw,nsdelegate\n", top);
	fake_file(top, "mountinfo", buf);
	fake_file(top, "self_cgroup", "0::/user.slice/session-1.scope\n");
	snprintf(buf, sizeof buf, "%s/v2/mydocker", top);
	assert_int_equal(mkdir_p(buf, 0755), 0);
	snprintf(buf, sizeof buf, "%s/v2", top);
	fake_file(buf, "cgroup.controllers", controllers);
	fake_file(buf, "cgroup.subtree_control", "cpu\n");
	/* the kernel gives the new /mydocker group the controllers of its parent */
	snprintf(buf, sizeof buf, "%s/v2/mydocker", top);
	fake_file(buf, "cgroup.controllers", "cpu\n");
	fake_file(buf, "cgroup.subtree_control", "\n");
}

static void test_v2_fake_tree(void **state)
{
	char buf[PATH_MAX * 2], dir[PATH_MAX];
	struct cgroup cg;
	(void)state;

	setup_v2("cpuset cpu io memory pids\n");
	assert_int_equal(cgroup_find(&cg, &fake, "mydocker-test", &all_limits), 0);
	assert_int_equal(cg.version, 2);
	snprintf(dir, sizeof dir, "%s/v2/mydocker/mydocker-test", top);
	for (int i = 0; i <= SUBSYSTEM_CPUSET; i++) /* the three all_limits sets */
		assert_string_equal(cg.dir[i], dir);

	/* the kernel would now list the newly enabled controllers in /mydocker */
	snprintf(buf, sizeof buf, "%s/v2/mydocker", top);
	fake_file(buf, "cgroup.controllers", "cpuset cpu memory\n");
	assert_int_equal(cgroup_create(&cg), 0);
	snprintf(buf, sizeof buf, "%s/v2", top);
	expect_file(buf, "cgroup.subtree_control", "+memory +cpuset"); /* cpu was on */
	snprintf(buf, sizeof buf, "%s/v2/mydocker", top);
	expect_file(buf, "cgroup.subtree_control", "+memory +cpu +cpuset");

	fake_file(dir, "memory.max", "max\n");
	fake_file(dir, "memory.swap.max", "max\n");
	fake_file(dir, "memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
	fake_file(dir, "cpu.weight", "100\n");
	fake_file(dir, "cpuset.cpus", "\n");
	fake_file(dir, "cgroup.procs", "");
	assert_int_equal(cgroup_set(&cg), 0);
	expect_file(dir, "memory.max", "104857600");
	expect_file(dir, "memory.swap.max", "0");
	expect_file(dir, "cpu.weight", "59");
	expect_file(dir, "cpuset.cpus", "1");
	assert_int_equal(cgroup_apply(&cg, 4242), 0);
	expect_file(dir, "cgroup.procs", "4242");
	assert_int_equal(cgroup_oom_kills(&cg), 1);

	kernel_rmdir_files(dir);
	assert_int_equal(cgroup_destroy(&cg), 0);
	assert_int_equal(access(dir, F_OK), -1);
	snprintf(buf, sizeof buf, "%s/v2/mydocker", top);
	assert_int_equal(access(buf, F_OK), 0); /* the shared group stays */
}

static void test_v2_missing_controller_is_refused(void **state)
{
	struct resources memory_only = { .memory = 100ULL << 20 };
	char dir[PATH_MAX];
	struct cgroup cg;
	(void)state;

	setup_v2("cpu io pids\n");
	assert_int_equal(cgroup_find(&cg, &fake, "mydocker-nomem", &memory_only), 0);
	assert_int_equal(cgroup_create(&cg), -1);
	snprintf(dir, sizeof dir, "%s/v2/mydocker/mydocker-nomem", top);
	assert_int_equal(access(dir, F_OK), -1); /* nothing created */
	assert_int_equal(cgroup_destroy(&cg), 0);
}

/* mydocker check on v2 only looks: enabled, or could be, or not there. */
static void test_v2_probe_only_looks(void **state)
{
	struct resources memory_only = { .memory = 100ULL << 20 };
	char detail[512], dir[PATH_MAX];
	struct cgroup cg;
	(void)state;

	setup_v2("cpuset cpu io memory pids\n");
	assert_int_equal(cgroup_find(&cg, &fake, "mydocker-check-1", &memory_only), 0);
	assert_int_equal(cgroup_probe(&cg, detail, sizeof detail), 0);
	assert_non_null(strstr(detail, "v2, can be enabled for"));
	snprintf(dir, sizeof dir, "%s/v2/mydocker/mydocker-check-1", top);
	assert_int_equal(access(dir, F_OK), -1); /* nothing made */
	snprintf(dir, sizeof dir, "%s/v2/mydocker", top);
	fake_file(dir, "cgroup.subtree_control", "memory\n");
	assert_int_equal(cgroup_probe(&cg, detail, sizeof detail), 0);
	assert_non_null(strstr(detail, "v2, enabled for containers in"));
	setup_v2("cpu io\n");
	error_capture(detail, sizeof detail);
	assert_int_equal(cgroup_probe(&cg, detail, sizeof detail), -1);
	error_capture(NULL, 0);
	assert_non_null(strstr(detail, "memory is not in"));
}

static void test_no_limits_no_cgroup(void **state)
{
	struct resources none = { 0 };
	const struct cgroup_host nowhere = { "/no/such/mountinfo", "/no/such/cgroup" };
	struct cgroup cg;
	(void)state;

	assert_int_equal(cgroup_find(&cg, &nowhere, "mydocker-x", &none), 0);
	assert_false(cgroup_in_use(&cg));
	assert_int_equal(cgroup_create(&cg), 0);
	assert_int_equal(cgroup_apply(&cg, 1), 0);
	assert_int_equal(cgroup_destroy(&cg), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_v1_fake_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v2_fake_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v2_missing_controller_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v2_probe_only_looks, setup, teardown),
		cmocka_unit_test(test_no_limits_no_cgroup),
	};
	return cmocka_run_group_tests_name("cgroup fake tree", tests, NULL, NULL);
}
