/* test_cgroup_options.c: the resource flags of `mydocker run`: sizes,
 * bounds, CPU lists, the book's spellings. since: ch03-cgroups */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mydocker.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

static void test_memory_flag(void **state)
{
	struct run_options o;
	char *a[] = { "run", "-m", "100m", "sh", NULL };
	char *b[] = { "run", "--memory=1g", "sh", NULL };
	char *c[] = { "run", "-memory", "6m", "sh", NULL };
	(void)state;

	assert_int_equal(parse_run_options(ARGC(a), a, &o), PARSE_OK);
	assert_int_equal(o.resources.memory, 100ULL << 20);
	assert_int_equal(parse_run_options(ARGC(b), b, &o), PARSE_OK);
	assert_int_equal(o.resources.memory, 1ULL << 30);
	assert_int_equal(parse_run_options(ARGC(c), c, &o), PARSE_OK);
	assert_int_equal(o.resources.memory, 6ULL << 20);
}

static void test_memory_below_6m_or_garbage_is_refused(void **state)
{
	struct run_options o;
	char *a[] = { "run", "-m", "5m", "sh", NULL };
	char *b[] = { "run", "-m", "abc", "sh", NULL };
	char *c[] = { "run", "-m", NULL };
	(void)state;

	assert_int_equal(parse_run_options(ARGC(a), a, &o), PARSE_VALUE_ERROR);
	assert_string_equal(o.error, "invalid --memory 5m: the minimum memory limit is 6m");
	assert_int_equal(parse_run_options(ARGC(b), b, &o), PARSE_VALUE_ERROR);
	assert_non_null(strstr(o.error, "abc"));
	assert_int_equal(parse_run_options(ARGC(c), c, &o), PARSE_USAGE_ERROR);
	assert_string_equal(o.error, "flag needs a value: -m");
}

static void test_cpu_shares_bounds(void **state)
{
	struct run_options o;
	char *ok2[] = { "run", "--cpu-shares", "2", "sh", NULL };
	char *okmax[] = { "run", "--cpu-shares", "262144", "sh", NULL };
	char *one[] = { "run", "--cpu-shares", "1", "sh", NULL };
	char *big[] = { "run", "--cpu-shares", "262145", "sh", NULL };
	char *neg[] = { "run", "--cpu-shares", "-5", "sh", NULL };
	(void)state;

	assert_int_equal(parse_run_options(ARGC(ok2), ok2, &o), PARSE_OK);
	assert_int_equal(o.resources.cpu_shares, 2);
	assert_int_equal(parse_run_options(ARGC(okmax), okmax, &o), PARSE_OK);
	assert_int_equal(parse_run_options(ARGC(one), one, &o), PARSE_VALUE_ERROR);
	assert_int_equal(parse_run_options(ARGC(big), big, &o), PARSE_VALUE_ERROR);
	assert_int_equal(parse_run_options(ARGC(neg), neg, &o), PARSE_VALUE_ERROR);
}

static void test_book_spellings(void **state)
{
	struct run_options o;
	char *a[] = { "run", "-ti", "-m", "100m", "-cpushare", "512", "-cpuset", "0", "sh", NULL };
	(void)state;

	assert_int_equal(parse_run_options(ARGC(a), a, &o), PARSE_OK);
	assert_true(o.interactive && o.tty);
	assert_int_equal(o.resources.memory, 100ULL << 20);
	assert_int_equal(o.resources.cpu_shares, 512);
	assert_string_equal(o.resources.cpuset_cpus, "0");
}

static void test_cpuset_checked_against_online_cpus(void **state)
{
	struct run_options o;
	char *a[] = { "run", "--cpuset-cpus", "0", "sh", NULL };
	char *b[] = { "run", "--cpuset-cpus", "1023", "sh", NULL };
	char *c[] = { "run", "--cpuset-cpus", "42-3", "sh", NULL };
	(void)state;

	assert_int_equal(parse_run_options(ARGC(a), a, &o), PARSE_OK); /* CPU 0 is always online */
	assert_int_equal(parse_run_options(ARGC(b), b, &o), PARSE_VALUE_ERROR);
	assert_non_null(strstr(o.error, "CPU 1023 is not online"));
	assert_int_equal(parse_run_options(ARGC(c), c, &o), PARSE_VALUE_ERROR);
	assert_non_null(strstr(o.error, "expected a CPU list"));
}

/* stress's own -m is not mydocker's (the book's example without "--") */
static void test_flags_after_the_command_are_the_command_s(void **state)
{
	struct run_options o;
	char *a[] = { "run", "-m", "100m", "stress", "--vm-bytes", "800m", "-m", "1", NULL };
	size_t n;
	(void)state;

	assert_int_equal(parse_run_options(ARGC(a), a, &o), PARSE_OK);
	assert_int_equal(o.resources.memory, 100ULL << 20);
	/* (from ch05-images-env on, "stress" is taken as the image: the
	 * command's own -m 1 is what matters) */
	n = strings_count(o.command);
	assert_true(n >= 2);
	assert_string_equal(o.command[n - 2], "-m");
	assert_string_equal(o.command[n - 1], "1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory_flag),
		cmocka_unit_test(test_memory_below_6m_or_garbage_is_refused),
		cmocka_unit_test(test_cpu_shares_bounds),
		cmocka_unit_test(test_book_spellings),
		cmocka_unit_test(test_cpuset_checked_against_online_cpus),
		cmocka_unit_test(test_flags_after_the_command_are_the_command_s),
	};
	return cmocka_run_group_tests_name("cgroup options", tests, NULL, NULL);
}
