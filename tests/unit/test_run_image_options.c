/* test_run_image_options.c: `mydocker run [OPTIONS] IMAGE [COMMAND]`, as
 * docker and the book (from its section 5.7) write it, and -e, --env-file.
 * since: ch05-images-env */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "mydocker.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1)

static void test_the_image_comes_first(void **state)
{
	struct run_options o;
	char *a[] = { "run", "-d", "--name", "c1", "-v", "/tmp/from1:/to1", "busybox", "top", NULL };
	(void)state;

	assert_int_equal(parse_run_options(ARGC(a), a, &o), PARSE_OK);
	assert_true(o.detach);
	assert_string_equal(o.name, "c1");
	assert_string_equal(o.image, "busybox");
	assert_string_equal(o.command[0], "top");
	assert_null(o.command[1]);
}

static void test_flags_after_the_image_belong_to_the_command(void **state)
{
	struct run_options o;
	char *a[] = { "run", "-it", "busybox", "ls", "-t", "-l", NULL };
	(void)state;

	assert_int_equal(parse_run_options(ARGC(a), a, &o), PARSE_OK);
	assert_false(o.detach);
	assert_string_equal(o.image, "busybox");
	assert_string_equal(o.command[0], "ls");
	assert_string_equal(o.command[1], "-t");
	assert_string_equal(o.command[2], "-l");
}

static void test_no_command_is_the_image_s_own(void **state)
{
	struct run_options o;
	char *a[] = { "run", "-it", "busybox", NULL };
	(void)state;

	assert_int_equal(parse_run_options(ARGC(a), a, &o), PARSE_OK);
	assert_null(o.command[0]);
}

static void test_no_image_and_the_old_flag(void **state)
{
	struct run_options o;
	char *a[] = { "run", "-it", NULL };
	char *b[] = { "run", "--image", "busybox", "sh", NULL };
	char *c[] = { "run", "../etc", "sh", NULL };
	(void)state;

	assert_int_equal(parse_run_options(ARGC(a), a, &o), PARSE_USAGE_ERROR);
	assert_string_equal(o.error, "run needs an image (mydocker images lists them)");
	assert_int_equal(parse_run_options(ARGC(b), b, &o), PARSE_VALUE_ERROR); /* the line says the new order */
	assert_non_null(strstr(o.error, "--image is gone"));
	assert_int_equal(parse_run_options(ARGC(c), c, &o), PARSE_VALUE_ERROR);
	assert_non_null(strstr(o.error, "invalid image name ../etc"));
}

static void test_e_and_env_file(void **state)
{
	struct run_options o;
	char path[] = "/tmp/mydocker-unit-env.XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	char *a[] = { "run", "-e", "A=1", "--env-file", path, "-e", "B=3", "busybox", "env", NULL };
	(void)state;

	fputs("# comment\n\nB=2\nC=x y\n", f);
	fclose(f);
	assert_int_equal(parse_run_options(ARGC(a), a, &o), PARSE_OK);
	assert_int_equal(strings_count(o.env), 3);
	assert_string_equal(o.env[0], "A=1");
	assert_string_equal(o.env[1], "B=3"); /* -e B=3 replaced the file's B */
	assert_string_equal(o.env[2], "C=x y");
	strings_free(o.env);
	unlink(path);
}

static void test_malformed_e(void **state)
{
	struct run_options o;
	char *a[] = { "run", "-e", "=x", "busybox", NULL };
	char *b[] = { "run", "-e", "", "busybox", NULL };
	(void)state;

	assert_int_equal(parse_run_options(ARGC(a), a, &o), PARSE_VALUE_ERROR);
	assert_string_equal(o.error, "invalid -e =x: expected NAME=VALUE or NAME");
	strings_free(o.env);
	assert_int_equal(parse_run_options(ARGC(b), b, &o), PARSE_VALUE_ERROR);
	strings_free(o.env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_image_comes_first),
		cmocka_unit_test(test_flags_after_the_image_belong_to_the_command),
		cmocka_unit_test(test_no_command_is_the_image_s_own),
		cmocka_unit_test(test_no_image_and_the_old_flag),
		cmocka_unit_test(test_e_and_env_file),
		cmocka_unit_test(test_malformed_e),
	};
	return cmocka_run_group_tests_name("run image options", tests, NULL, NULL);
}
