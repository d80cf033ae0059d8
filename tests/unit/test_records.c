/* test_records.c: what ps shows: the exit code in a record, the table, and
 * telling a live mydocker from a gone one. since: ch05-ps-rm */
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

static struct record sample(const char *id, const char *name, const char *status, long long code)
{
	struct record r = { .pid = 4242, .pid_start = 99, .monitor_pid = 4240, .monitor_start = 98, .exit_code = code,
			    .command = command, .volumes = volumes,
			    .limits = { .memory = 100ULL << 20, .cpu_shares = 512, .cpuset_cpus = "0-1" } };

	snprintf(r.id, sizeof r.id, "%s", id);
	snprintf(r.name, sizeof r.name, "%s", name);
	snprintf(r.status, sizeof r.status, "%s", status);
	snprintf(r.image, sizeof r.image, "busybox");
	snprintf(r.created, sizeof r.created, "2026-11-23T08:10:00Z");
	return r;
}

/* the rest of the record: test_names.c */
static void test_exit_code_round_trip(void **state)
{
	struct record in = sample("0123456789ab", "web", "exited", 137), out;
	char *json = record_to_json(&in);
	(void)state;

	assert_non_null(json);
	assert_int_equal(record_from_json(json, &out), 0);
	assert_string_equal(out.status, "exited");
	assert_int_equal(out.exit_code, 137);
	record_free(&out);
	free(json);
}

static void test_ps_table(void **state)
{
	struct record records[] = {
		sample("0123456789ab", "web", "running", -1),
		sample("ba9876543210", "a-longer-name", "exited", 137),
		sample("cccccccccccc", "ghost", "exited", -1),
	};
	char *out = NULL;
	size_t size = 0;
	FILE *f;
	(void)state;

	setenv("TZ", "UTC", 1);
	tzset();
	f = open_memstream(&out, &size);
	print_ps_table(f, records, 3, true);
	fclose(f);
	/* each line as it starts (from ch06-network on, an IP column follows) */
	assert_non_null(strstr(out,
		"CONTAINER ID  NAME           PID      STATUS        COMMAND                   CREATED"));
	assert_non_null(strstr(out,
		"\n0123456789ab  web            4242     running       sh -c echo \"quoted\" n...  2026-11-23 08:10:00"));
	assert_non_null(strstr(out,
		"\nba9876543210  a-longer-name  -        exited (137)  sh -c echo \"quoted\" n...  2026-11-23 08:10:00"));
	assert_non_null(strstr(out,
		"\ncccccccccccc  ghost          -        exited (?)    sh -c echo \"quoted\" n...  2026-11-23 08:10:00"));
	free(out);
	f = open_memstream(&out, &size);
	print_ps_table(f, records, 3, false); /* running only */
	fclose(f);
	assert_non_null(strstr(out, "web"));
	assert_null(strstr(out, "ghost"));
	free(out);
}

static void test_a_gone_process_shows_as_exited(void **state)
{
	struct record r = sample("0123456789ab", "web", "running", -1);
	(void)state;

	r.monitor_pid = getpid();
	r.monitor_start = process_start_time(getpid());
	assert_true(r.monitor_start > 0);
	assert_true(record_is_running(&r));
	r.monitor_start += 1; /* the pid now names another process */
	assert_false(record_is_running(&r));
	assert_string_equal(r.status, "exited");
	assert_int_equal(r.exit_code, -1);
	assert_int_equal(process_start_time(4194300), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_code_round_trip),
		cmocka_unit_test(test_ps_table),
		cmocka_unit_test(test_a_gone_process_shows_as_exited),
	};
	return cmocka_run_group_tests_name("records", tests, NULL, NULL);
}
