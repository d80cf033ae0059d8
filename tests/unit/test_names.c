/* test_names.c: a container's record as JSON (round trip, and what is
 * refused) and its name (valid, made up). since: ch05-records */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "common.h"
#include "mydocker.h"

static char *command[] = { "sh", "-c", "echo \"quoted\"\nnext line", NULL };
static char *volumes[] = { "/srv:/data:ro", NULL };

static struct record sample(const char *id, const char *name, const char *status)
{
	struct record r = { .pid = 4242, .pid_start = 99, .monitor_pid = 4240, .monitor_start = 98,
			    .command = command, .volumes = volumes,
			    .limits = { .memory = 100ULL << 20, .cpu_shares = 512, .cpuset_cpus = "0-1" } };

	snprintf(r.id, sizeof r.id, "%s", id);
	snprintf(r.name, sizeof r.name, "%s", name);
	snprintf(r.status, sizeof r.status, "%s", status);
	snprintf(r.image, sizeof r.image, "busybox");
	snprintf(r.created, sizeof r.created, "2026-11-23T08:10:00Z");
	return r;
}

static void test_record_json_round_trip(void **state)
{
	struct record in = sample("0123456789ab", "web", "running"), out;
	char *json = record_to_json(&in);
	(void)state;

	assert_non_null(json);
	assert_int_equal(record_from_json(json, &out), 0);
	assert_string_equal(out.id, in.id);
	assert_string_equal(out.name, "web");
	assert_int_equal(out.pid, 4242);
	assert_int_equal(out.pid_start, 99);
	assert_int_equal(out.monitor_pid, 4240);
	assert_int_equal(out.monitor_start, 98);
	assert_string_equal(out.command[2], command[2]);
	assert_null(out.command[3]);
	assert_string_equal(out.created, in.created);
	assert_string_equal(out.status, "running");
	assert_string_equal(out.image, "busybox");
	assert_string_equal(out.volumes[0], "/srv:/data:ro");
	assert_int_equal(out.limits.memory, 100ULL << 20);
	assert_int_equal(out.limits.cpu_shares, 512);
	assert_string_equal(out.limits.cpuset_cpus, "0-1");
	record_free(&out);
	free(json);
}

static void test_broken_records_are_refused(void **state)
{
	struct record in = sample("0123456789ab", "web", "running"), out;
	char *json = record_to_json(&in), *cut;
	(void)state;

	cut = strndup(json, strlen(json) / 2); /* half a file */
	assert_int_equal(record_from_json(cut, &out), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(record_from_json("{}", &out), -1);
	assert_int_equal(record_from_json("not json", &out), -1);
	assert_int_equal(record_from_json("{\"id\": 5}", &out), -1);
	assert_null(out.command);
	free(cut);
	free(json);
}

static void test_names(void **state)
{
	const char *good[] = { "web", "a", "Web-1.2_x", "0day" };
	const char *bad[] = { "", "-x", "_x", ".x", "..", "../../etc", "a/b", "a b", "a:b", "é" };
	char long_name[201], made[MAX_NAME_LEN + 1];
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		assert_true(container_name_is_valid(good[i]));
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_false(container_name_is_valid(bad[i]));
	memset(long_name, 'a', 200);
	long_name[200] = '\0';
	assert_false(container_name_is_valid(long_name));
	long_name[64] = '\0';
	assert_true(container_name_is_valid(long_name));
	long_name[64] = 'a';
	long_name[65] = '\0';
	assert_false(container_name_is_valid(long_name));
	for (int i = 0; i < 100; i++) {
		generate_name(made, sizeof made);
		assert_true(container_name_is_valid(made));
		assert_non_null(strchr(made, '_'));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_json_round_trip),
		cmocka_unit_test(test_broken_records_are_refused),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests_name("names", tests, NULL, NULL);
}
