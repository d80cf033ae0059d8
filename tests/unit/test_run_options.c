/* test_run_options.c: the flags of `mydocker run`, as every stage parses
 * them. since: ch03-run before: ch05-images-env (run IMAGE [COMMAND]: test_run_image_options.c) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mydocker.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

static void test_it_and_ti(void **state)
{
	struct run_options o;
	char *a[] = { "run", "-it", "sh", NULL };
	char *b[] = { "run", "-ti", "sh", NULL };
	char *c[] = { "run", "--interactive", "--tty", "sh", NULL };
	(void)state;

	assert_int_equal(parse_run_options(ARGC(a), a, &o), PARSE_OK);
	assert_true(o.interactive && o.tty);
	assert_int_equal(parse_run_options(ARGC(b), b, &o), PARSE_OK);
	assert_true(o.interactive && o.tty);
	assert_int_equal(parse_run_options(ARGC(c), c, &o), PARSE_OK);
	assert_true(o.interactive && o.tty);
	assert_string_equal(o.command[0], "sh");
	assert_null(o.command[1]);
}

static void test_no_flags(void **state)
{
	struct run_options o;
	char *a[] = { "run", "/bin/true", NULL };
	(void)state;

	assert_int_equal(parse_run_options(ARGC(a), a, &o), PARSE_OK);
	assert_false(o.interactive);
	assert_false(o.tty);
	assert_string_equal(o.command[0], "/bin/true");
}

static void test_flags_stop_at_the_command(void **state)
{
	struct run_options o;
	char *a[] = { "run", "-i", "ls", "-t", "-l", NULL };
	(void)state;

	assert_int_equal(parse_run_options(ARGC(a), a, &o), PARSE_OK);
	assert_true(o.interactive);
	assert_false(o.tty);
	assert_string_equal(o.command[0], "ls");
	assert_string_equal(o.command[1], "-t");
	assert_string_equal(o.command[2], "-l");
	assert_null(o.command[3]);
}

static void test_double_dash_ends_the_flags(void **state)
{
	struct run_options o;
	char *a[] = { "run", "-t", "--", "-weird-name", "x", NULL };
	(void)state;

	assert_int_equal(parse_run_options(ARGC(a), a, &o), PARSE_OK);
	assert_string_equal(o.command[0], "-weird-name");
}

static void test_unknown_flag(void **state)
{
	struct run_options o;
	char *a[] = { "run", "--bogus", "sh", NULL };
	char *b[] = { "run", "-x", "sh", NULL };
	(void)state;

	assert_int_equal(parse_run_options(ARGC(a), a, &o), PARSE_USAGE_ERROR);
	assert_string_equal(o.error, "unknown flag: --bogus");
	assert_int_equal(parse_run_options(ARGC(b), b, &o), PARSE_USAGE_ERROR);
	assert_string_equal(o.error, "unknown flag: -x");
}

static void test_missing_command(void **state)
{
	struct run_options o;
	char *a[] = { "run", "-it", NULL };
	(void)state;

	assert_int_equal(parse_run_options(ARGC(a), a, &o), PARSE_USAGE_ERROR);
	assert_string_equal(o.error, "run needs a command to run");
}

static void test_help(void **state)
{
	struct run_options o;
	char *a[] = { "run", "--help", NULL };
	char *b[] = { "run", "-h", "sh", NULL };
	(void)state;

	assert_int_equal(parse_run_options(ARGC(a), a, &o), PARSE_HELP);
	assert_int_equal(parse_run_options(ARGC(b), b, &o), PARSE_HELP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_it_and_ti),
		cmocka_unit_test(test_no_flags),
		cmocka_unit_test(test_flags_stop_at_the_command),
		cmocka_unit_test(test_double_dash_ends_the_flags),
		cmocka_unit_test(test_unknown_flag),
		cmocka_unit_test(test_missing_command),
		cmocka_unit_test(test_help),
	};
	return cmocka_run_group_tests_name("run options", tests, NULL, NULL);
}
