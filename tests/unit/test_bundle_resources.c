/* test_bundle_resources.c: what containerd's and podman's config.json
 * ask beyond the earlier stages, as this runtime reads it: linux.resources
 * as cgroup limits and device rules, linux.cgroupsPath (made with its
 * parents in a fake cgroup tree, and removed with them), linux.sysctl
 * only where a namespace of the container's own holds it, and
 * process.user.umask. since: ch07-callers */
#define _GNU_SOURCE
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common.h"
#include "mydocker.h"

#include "common/fake_cgroup_tree.h"

/* A config with the given members of process.user and linux. */
static int parse(const char *user, const char *linux_, struct bundle *b, char *error, size_t size)
{
	char text[4096];

	snprintf(text, sizeof text,
		 "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"/\"},"
		 " \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": 0%s}},"
		 " \"linux\": {\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"network\"}]%s}}",
		 user, linux_);
	return bundle_parse(text, NULL, b, error, size);
}

static void test_resources_and_umask_are_read(void **state)
{
	struct bundle b;
	char error[256] = "";
	(void)state;

	assert_int_equal(parse(", \"umask\": 18",
			       ", \"cgroupsPath\": \"/default/c1\", \"resources\": {\"memory\": {\"limit\": 67108864},"
			       " \"cpu\": {\"shares\": 512, \"quota\": 50000, \"period\": 100000, \"cpus\": \"0\"}, \"pids\": {\"limit\": -1},"
			       " \"devices\": [{\"allow\": false, \"access\": \"rwm\"},"
			       " {\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 3, \"access\": \"rw\"},"
			       " {\"allow\": true, \"type\": \"c\", \"major\": 136}]}",
			       &b, error, sizeof error), 0);
	assert_string_equal(error, "");
	assert_true(b.has_umask);
	assert_int_equal(b.umask, 022);
	assert_string_equal(b.cgroups_path, "/default/c1");
	assert_int_equal(b.resources.memory, 67108864);
	assert_int_equal(b.resources.cpu_shares, 512);
	assert_int_equal(b.resources.cpu_quota, 50000);
	assert_int_equal(b.resources.cpu_period, 100000);
	assert_string_equal(b.resources.cpuset_cpus, "0");
	assert_int_equal(b.resources.pids, -1); /* no limit: "max" */
	assert_int_equal(b.resources.n_devices, 3);
	assert_false(b.resources.devices[0].allow);
	assert_string_equal(b.resources.devices[0].rule, "a *:* rwm");
	assert_string_equal(b.resources.devices[1].rule, "c 1:3 rw");
	assert_string_equal(b.resources.devices[2].rule, "c 136:* rwm");
	bundle_free(&b);
}

static void expect_refused(const char *user, const char *linux_, const char *words)
{
	struct bundle b;
	char error[256] = "";

	assert_int_equal(parse(user, linux_, &b, error, sizeof error), -1);
	if (!strstr(error, words))
		fail_msg("expected \"%s\" in: %s", words, error);
	bundle_free(&b);
}

static void test_what_is_refused_by_name(void **state)
{
	(void)state;
	expect_refused("", ", \"resources\": {\"memory\": {\"limit\": 1, \"swap\": 2}}",
		       "linux.resources.memory.swap is not supported");
	expect_refused("", ", \"resources\": {\"cpu\": {\"realtimeRuntime\": 1000}}", "linux.resources.cpu.realtimeRuntime");
	expect_refused("", ", \"resources\": {\"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 1}]}",
		       "linux.resources.hugepageLimits");
	expect_refused("", ", \"resources\": {\"devices\": [{\"allow\": true, \"access\": \"rwx\"}]}",
		       "a rule needs allow");
	expect_refused("", ", \"resources\": {\"devices\": [{\"access\": \"r\"}]}", "a rule needs allow");
	expect_refused("", ", \"cgroupsPath\": \"a/../../b\"", "climbs out");
	expect_refused("", ", \"cgroupsPath\": \"/\"", "not a cgroup of its own");
}

/* Each setting needs the namespace that holds it, new: net.* the network
 * namespace the config makes; kernel.shmmax an ipc namespace it does not. */
static void test_sysctl_only_in_the_container_s_namespaces(void **state)
{
	struct bundle b;
	char error[256] = "";
	(void)state;

	assert_int_equal(parse("", ", \"sysctl\": {\"net.ipv4.ip_forward\": \"1\"}", &b, error, sizeof error), 0);
	bundle_free(&b);
	expect_refused("", ", \"sysctl\": {\"kernel.shmmax\": \"1\"}", "kernel.shmmax is the host's");
	expect_refused("", ", \"sysctl\": {\"kernel.core_pattern\": \"core\"}",
		       "not a setting a container's namespaces hold");
	expect_refused("", ", \"sysctl\": {\"vm.overcommit_memory\": \"1\"}", "it would change the host");
	expect_refused("", ", \"sysctl\": {\"net/../kernel/core_pattern\": \"x\"}", "not a setting's name");
	expect_refused("", ", \"sysctl\": {\"net..ipv4\": \"x\"}", "not a setting's name");
	expect_refused("", ", \"sysctl\": {\"net.ipv4.ip_forward\": 1}", "with a string value");
}

/* v1: an absolute cgroupsPath is a path from each hierarchy's root; its
 * parent is made, and removed with it. pids.max, and the device rules in
 * order, the defaults last. */
static void test_v1_cgroups_path_with_its_parents(void **state)
{
	struct resources r = { .pids = 100, .n_devices = 1, .devices = { { false, "a *:* rwm" } } };
	char buf[PATH_MAX * 2], pids[PATH_MAX], devices[PATH_MAX];
	struct cgroup cg;
	(void)state;

	snprintf(buf, sizeof buf,
		 "30 25 0:26 / %s/pids rw - cgroup cgroup rw,pids\n"
		 "31 25 0:27 / %s/devices rw - cgroup cgroup rw,devices\n", top, top);
	fake_file(top, "mountinfo", buf);
	fake_file(top, "self_cgroup", "8:pids:/user/me\n5:devices:/user/me\n0::/\n");
	snprintf(pids, sizeof pids, "%s/pids/default/c1", top);
	snprintf(devices, sizeof devices, "%s/devices/default/c1", top);
	snprintf(buf, sizeof buf, "%s/pids", top);
	assert_int_equal(mkdir_p(buf, 0755), 0);
	snprintf(buf, sizeof buf, "%s/devices", top);
	assert_int_equal(mkdir_p(buf, 0755), 0);

	assert_int_equal(cgroup_find(&cg, &fake, "/default/c1", &r), 0);
	assert_string_equal(cg.dir[SUBSYSTEM_PIDS], pids);
	assert_string_equal(cg.dir[SUBSYSTEM_DEVICES], devices);
	assert_string_equal(cg.dir[SUBSYSTEM_MEMORY], "");
	assert_int_equal(cgroup_create(&cg), 0);
	snprintf(buf, sizeof buf, "%s/pids/default", top);
	assert_string_equal(cg.made[SUBSYSTEM_PIDS], buf);

	fake_file(pids, "pids.max", "max\n");
	fake_file(devices, "devices.deny", "");
	fake_file(devices, "devices.allow", "");
	assert_int_equal(cgroup_set(&cg), 0);
	expect_file(pids, "pids.max", "100");
	expect_file(devices, "devices.deny", "a *:* rwm");
	expect_file(devices, "devices.allow", "c 136:* rwm"); /* the last default: the ptys */

	unlink(strcat(strcpy(buf, pids), "/pids.max"));
	unlink(strcat(strcpy(buf, devices), "/devices.deny"));
	unlink(strcat(strcpy(buf, devices), "/devices.allow"));
	assert_int_equal(cgroup_destroy(&cg), 0);
	snprintf(buf, sizeof buf, "%s/pids/default", top);
	assert_int_equal(access(buf, F_OK), -1);
	snprintf(buf, sizeof buf, "%s/pids", top);
	assert_int_equal(access(buf, F_OK), 0);
}

/* v2: controllers enabled at each level from the root down to the
 * parent; device rules refused (v2 has no devices files). */
static void test_v2_cgroups_path_and_no_device_rules(void **state)
{
	struct resources r = { .pids = 10 };
	char buf[PATH_MAX * 2], dir[PATH_MAX];
	struct cgroup cg;
	(void)state;

	snprintf(buf, sizeof buf, "26 23 0:24 / %s/v2 rw - cgroup2 cgroup2 rw\n", top);
	fake_file(top, "mountinfo", buf);
	fake_file(top, "self_cgroup", "0::/user.slice\n");
	snprintf(buf, sizeof buf, "%s/v2/machine/pods", top);
	assert_int_equal(mkdir_p(buf, 0755), 0);
	for (const char *level = "", *next = "/machine";; level = next, next = "/machine/pods") {
		snprintf(buf, sizeof buf, "%s/v2%s", top, level);
		fake_file(buf, "cgroup.controllers", "cpu memory pids\n");
		fake_file(buf, "cgroup.subtree_control", "\n");
		if (strcmp(level, "/machine/pods") == 0)
			break;
	}
	assert_int_equal(cgroup_find(&cg, &fake, "/machine/pods/c1", &r), 0);
	snprintf(dir, sizeof dir, "%s/v2/machine/pods/c1", top);
	assert_string_equal(cg.dir[SUBSYSTEM_PIDS], dir);
	assert_int_equal(cgroup_create(&cg), 0);
	snprintf(buf, sizeof buf, "%s/v2", top);
	expect_file(buf, "cgroup.subtree_control", "+pids");
	snprintf(buf, sizeof buf, "%s/v2/machine/pods", top);
	expect_file(buf, "cgroup.subtree_control", "+pids");
	assert_int_equal(cgroup_destroy(&cg), 0);
	assert_int_equal(access(dir, F_OK), -1);
	assert_int_equal(access(buf, F_OK), 0); /* not made by us: it stays */

	r.n_devices = 1;
	snprintf(r.devices[0].rule, sizeof r.devices[0].rule, "a *:* rwm");
	assert_int_equal(cgroup_find(&cg, &fake, "/machine/pods/c2", &r), -1);

	r = (struct resources){ .cpu_quota = 50000 }; /* cpu.quota, the kernel's period */
	assert_int_equal(cgroup_find(&cg, &fake, "/machine/pods/c3", &r), 0);
	assert_int_equal(cgroup_create(&cg), 0);
	snprintf(dir, sizeof dir, "%s/v2/machine/pods/c3", top);
	fake_file(dir, "cpu.max", "max 100000\n");
	assert_int_equal(cgroup_set(&cg), 0);
	expect_file(dir, "cpu.max", "50000 100000");
	unlink(strcat(strcpy(buf, dir), "/cpu.max"));
	assert_int_equal(cgroup_destroy(&cg), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resources_and_umask_are_read),
		cmocka_unit_test(test_what_is_refused_by_name),
		cmocka_unit_test(test_sysctl_only_in_the_container_s_namespaces),
		cmocka_unit_test_setup_teardown(test_v1_cgroups_path_with_its_parents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v2_cgroups_path_and_no_device_rules, setup, teardown),
	};
	return cmocka_run_group_tests_name("bundle resources", tests, NULL, NULL);
}
