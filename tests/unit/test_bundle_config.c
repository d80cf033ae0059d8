/* test_bundle_config.c: config.json as this runtime reads it: what it
 * applies, what it refuses by name, and a mount's option words as the
 * flags and data of mount(2). since: ch07-spec */
#define _GNU_SOURCE
#include <limits.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <cmocka.h>

#include "common.h"
#include "mydocker.h"

/* A config around the given process and linux members, with a root
 * that exists ("/"). */
static int parse(const char *process, const char *linux_, struct bundle *b, char *error, size_t size)
{
	char text[2048];

	snprintf(text, sizeof text,
		 "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"/\"},"
		 " \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\"%s},"
		 " \"linux\": {\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"pid\"}]%s}}",
		 process, linux_);
	return bundle_parse(text, NULL, b, error, size);
}

static void test_what_is_applied(void **state)
{
	struct bundle b;
	char error[256] = "";
	(void)state;

	assert_int_equal(parse(", \"user\": {\"uid\": 1000, \"gid\": 100, \"additionalGids\": [5, 20]},"
			       " \"capabilities\": {\"bounding\": [\"CAP_KILL\"], \"ambient\": [\"CAP_CHOWN\"]},"
			       " \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 10, \"hard\": 20}]",
			       ", \"maskedPaths\": [\"/proc/kcore\"]", &b, error, sizeof error), 0);
	assert_int_equal(b.uid, 1000);
	assert_int_equal(b.gid, 100);
	assert_int_equal(b.n_groups, 2);
	assert_int_equal(b.caps[CAP_SET_BOUNDING], 1ULL << 5);  /* CAP_KILL */
	assert_int_equal(b.caps[CAP_SET_AMBIENT], 1ULL << 0);   /* CAP_CHOWN */
	assert_int_equal(b.caps[CAP_SET_EFFECTIVE], 0);         /* not listed: empty */
	assert_int_equal(b.n_rlimits, 1);
	assert_int_equal(b.namespaces, CLONE_NEWNS | CLONE_NEWPID);
	assert_string_equal(b.masked[0], "/proc/kcore");
	bundle_free(&b);
}

static void test_what_is_refused_by_name(void **state)
{
	const char *linux_cases[][2] = {
		{ ", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\"}", "linux.seccomp is not supported" },
		/* all of it before ch07-callers, blockIO from there on */
		{ ", \"resources\": {\"blockIO\": {\"weight\": 10}}", "linux.resources" },
		{ ", \"resources\": {}", NULL }, /* asks for nothing */
		{ ", \"sysctl\": null", NULL },
	};
	struct bundle b;
	char error[256];
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(linux_cases); i++) {
		int ret = parse("", linux_cases[i][0], &b, error, sizeof error);
		if (linux_cases[i][1]) {
			assert_int_equal(ret, -1);
			assert_non_null(strstr(error, linux_cases[i][1]));
		} else {
			assert_int_equal(ret, 0);
		}
		bundle_free(&b);
	}
#ifdef BUNDLE_CONSOLE_FD /* ch07-console on: a terminal, given through --console-socket */
	assert_int_equal(parse(", \"terminal\": true", "", &b, error, sizeof error), 0);
	assert_true(b.terminal);
#else
	assert_int_equal(parse(", \"terminal\": true", "", &b, error, sizeof error), -1);
	assert_non_null(strstr(error, "process.terminal"));
#endif
	bundle_free(&b);
}

#ifdef EXEC_REPORT_FD /* ch07-exec on: exec's --process, a process object alone */
static void test_a_process_alone(void **state)
{
	struct bundle b;
	char error[256] = "";
	(void)state;

	assert_int_equal(process_parse("{\"args\": [\"sh\", \"-c\", \"id\"], \"cwd\": \"/tmp\", \"env\": [\"A=1\"],"
				       " \"user\": {\"uid\": 7, \"gid\": 8}, \"terminal\": true}",
				       &b, error, sizeof error), 0);
	assert_string_equal(b.args[2], "id");
	assert_string_equal(b.cwd, "/tmp");
	assert_string_equal(b.env[0], "A=1");
	assert_int_equal(b.uid, 7);
	assert_int_equal(b.gid, 8);
	assert_true(b.terminal);
	bundle_free(&b);
	assert_int_equal(process_parse("{\"args\": [\"sh\"], \"cwd\": \"/\", \"apparmorProfile\": \"x\"}", &b, error,
				       sizeof error), -1);
	assert_non_null(strstr(error, "process.apparmorProfile is not supported"));
	bundle_free(&b);
	assert_int_equal(process_parse("{\"args\": [\"sh\"]}", &b, error, sizeof error), -1); /* no cwd */
	bundle_free(&b);
	assert_int_equal(process_parse("[1]", &b, error, sizeof error), -1);
	assert_non_null(strstr(error, "not a JSON object"));
	bundle_free(&b);
}
#endif

static void test_mount_options(void **state)
{
	struct bundle_mount m = { .destination = "/dev", .type = "tmpfs", .source = "tmpfs" };
	char *options[] = { "nosuid", "strictatime", "mode=755", "size=65536k", "rprivate", NULL };
	struct bundle_mount bind = { .destination = "/data", .type = "bind", .source = "/srv" };
	char *bind_options[] = { "rbind", "ro", "rw", "nodev", NULL };
	char error[256];
	(void)state;

	assert_int_equal(mount_options(&m, options, error, sizeof error), 0);
	assert_int_equal(m.flags, MS_NOSUID | MS_STRICTATIME);
	assert_int_equal(m.propagation, MS_PRIVATE | MS_REC);
	assert_string_equal(m.data, "mode=755,size=65536k");
	assert_int_equal(mount_options(&bind, bind_options, error, sizeof error), 0);
	assert_int_equal(bind.flags, MS_BIND | MS_REC | MS_NODEV); /* "rw" cleared "ro" */
	assert_string_equal(bind.data, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_what_is_applied),
		cmocka_unit_test(test_what_is_refused_by_name),
		cmocka_unit_test(test_mount_options),
#ifdef EXEC_REPORT_FD
		cmocka_unit_test(test_a_process_alone),
#endif
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
