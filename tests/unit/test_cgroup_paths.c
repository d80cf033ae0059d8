/* test_cgroup_paths.c: finding hierarchies and our own cgroup in samples
 * of /proc/self/mountinfo and /proc/self/cgroup from v1, v2 and hybrid
 * hosts, and the CPU list and CPU weight arithmetic. since: ch03-cgroups */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mydocker.h"

/* A systemd host with cgroup v1 (Ubuntu 18.04, CentOS 7). */
static const char v1_mountinfo[] =
	"22 27 0:21 / /proc rw,relatime shared:13 - proc proc rw\n"
	"31 23 0:28 / /sys/fs/cgroup ro,nosuid shared:9 - tmpfs tmpfs ro,mode=755\n"
	"32 31 0:29 / /sys/fs/cgroup/systemd rw shared:10 - cgroup cgroup rw,xattr,name=systemd\n"
	"35 31 0:32 / /sys/fs/cgroup/cpu,cpuacct rw shared:15 - cgroup cgroup rw,cpu,cpuacct\n"
	"36 31 0:33 / /sys/fs/cgroup/memory rw shared:16 - cgroup cgroup rw,memory\n"
	"37 31 0:34 / /sys/fs/cgroup/cpuset rw shared:17 - cgroup cgroup rw,cpuset\n";
static const char v1_self_cgroup[] =
	"11:cpuset:/\n"
	"8:memory:/user.slice/user-0.slice/session-3.scope\n"
	"4:cpu,cpuacct:/user.slice\n"
	"1:name=systemd:/user.slice/user-0.slice/session-3.scope\n";

/* A cgroup v2 host (Debian 11+, Ubuntu 21.10+, Fedora 31+). */
static const char v2_mountinfo[] =
	"22 27 0:21 / /proc rw,relatime shared:13 - proc proc rw\n"
	"26 23 0:24 / /sys/fs/cgroup rw,nosuid,nodev,noexec shared:4 - cgroup2 cgroup2 rw,nsdelegate\n";
static const char v2_self_cgroup[] = "0::/user.slice/user-0.slice/session-1.scope\n";

/* A hybrid host: v1 controllers, a v2 tree beside them, like this
 * project's test machine; and a mount point with a space in it. */
static const char hybrid_mountinfo[] =
	"34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
	"35 31 0:32 / /sys/fs/cgroup/my\\040memory rw,relatime - cgroup cgroup rw,memory\n"
	"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
static const char hybrid_self_cgroup[] =
	"4:memory:/process_api/fff4\n3:cpuset:/\n0::/\n";

static void test_v1_hierarchies_are_found(void **state)
{
	struct cgroup_mount m;
	(void)state;

	assert_int_equal(find_cgroup_mount(v1_mountinfo, "memory", &m), 0);
	assert_int_equal(m.version, 1);
	assert_string_equal(m.point, "/sys/fs/cgroup/memory");
	assert_string_equal(m.root, "/");
	assert_int_equal(find_cgroup_mount(v1_mountinfo, "cpu", &m), 0);
	assert_string_equal(m.point, "/sys/fs/cgroup/cpu,cpuacct");
	assert_int_equal(find_cgroup_mount(v1_mountinfo, "cpuacct", &m), 0);
	assert_string_equal(m.point, "/sys/fs/cgroup/cpu,cpuacct");
	assert_int_equal(find_cgroup_mount(v1_mountinfo, "pids", &m), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(find_cgroup_mount(v1_mountinfo, NULL, &m), -1); /* no v2 here */
}

static void test_v1_own_cgroups_are_found(void **state)
{
	char path[256];
	(void)state;

	assert_int_equal(find_own_cgroup(v1_self_cgroup, "memory", path, sizeof path), 0);
	assert_string_equal(path, "/user.slice/user-0.slice/session-3.scope");
	assert_int_equal(find_own_cgroup(v1_self_cgroup, "cpu", path, sizeof path), 0);
	assert_string_equal(path, "/user.slice");
	assert_int_equal(find_own_cgroup(v1_self_cgroup, "cpuset", path, sizeof path), 0);
	assert_string_equal(path, "/");
	assert_int_equal(find_own_cgroup(v1_self_cgroup, "", path, sizeof path), -1);
}

static void test_v2_hierarchy_is_found(void **state)
{
	struct cgroup_mount m;
	char path[256];
	(void)state;

	assert_int_equal(find_cgroup_mount(v2_mountinfo, "memory", &m), -1); /* no v1 */
	assert_int_equal(find_cgroup_mount(v2_mountinfo, NULL, &m), 0);
	assert_int_equal(m.version, 2);
	assert_string_equal(m.point, "/sys/fs/cgroup");
	assert_int_equal(find_own_cgroup(v2_self_cgroup, "", path, sizeof path), 0);
	assert_string_equal(path, "/user.slice/user-0.slice/session-1.scope");
	assert_int_equal(find_own_cgroup(v2_self_cgroup, "memory", path, sizeof path), -1);
}

static void test_hybrid_host_has_both(void **state)
{
	struct cgroup_mount m;
	char path[256];
	(void)state;

	assert_int_equal(find_cgroup_mount(hybrid_mountinfo, "memory", &m), 0);
	assert_string_equal(m.point, "/sys/fs/cgroup/my memory"); /* \040 unescaped */
	assert_int_equal(find_cgroup_mount(hybrid_mountinfo, NULL, &m), 0);
	assert_string_equal(m.point, "/sys/fs/cgroup/unified");
	assert_int_equal(find_own_cgroup(hybrid_self_cgroup, "memory", path, sizeof path), 0);
	assert_string_equal(path, "/process_api/fff4");
	assert_int_equal(find_own_cgroup(hybrid_self_cgroup, "", path, sizeof path), 0);
	assert_string_equal(path, "/");
}

static void test_cpuset_lists(void **state)
{
	struct cpu_mask m, online;
	const char *bad[] = { "", "a", "1-10,11--", "42-3", "0,", ",0", "0--1", "0 1", "1024", "-1", "0-" };
	(void)state;

	assert_int_equal(cpuset_parse("0-3,8,10-11", &m), 0);
	for (int cpu = 0; cpu < 16; cpu++)
		assert_int_equal(m.cpu[cpu], cpu <= 3 || cpu == 8 || cpu == 10 || cpu == 11);
	assert_int_equal(cpuset_parse("5", &m), 0);
	assert_int_equal(cpuset_parse("0-1", &online), 0);
	assert_int_equal(cpuset_first_outside(&m, &online), 5);
	assert_int_equal(cpuset_parse("1", &m), 0);
	assert_int_equal(cpuset_first_outside(&m, &online), -1);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		assert_int_equal(cpuset_parse(bad[i], &m), -1);
		assert_int_equal(errno, EINVAL);
	}
}

static void test_cpu_shares_to_weight_like_runc(void **state)
{
	(void)state;
	assert_int_equal(cpu_shares_to_weight(0), 0);
	assert_int_equal(cpu_shares_to_weight(2), 1);
	assert_int_equal(cpu_shares_to_weight(512), 59);
	assert_int_equal(cpu_shares_to_weight(1024), 100);
	assert_int_equal(cpu_shares_to_weight(262144), 10000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1_hierarchies_are_found),
		cmocka_unit_test(test_v1_own_cgroups_are_found),
		cmocka_unit_test(test_v2_hierarchy_is_found),
		cmocka_unit_test(test_hybrid_host_has_both),
		cmocka_unit_test(test_cpuset_lists),
		cmocka_unit_test(test_cpu_shares_to_weight_like_runc),
	};
	return cmocka_run_group_tests_name("cgroup paths", tests, NULL, NULL);
}
