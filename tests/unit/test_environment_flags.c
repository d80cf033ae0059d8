/* test_environment_flags.c: docker's defaults, then -e and --env-file on
 * top of them; nothing of ours unless asked for by name.
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

#include "common.h"
#include "mydocker.h"

static void test_defaults_then_extra(void **state)
{
	char *extra[] = { "A=1", "PATH=/bin", NULL };
	char **env = container_environment("c0ffee15b00c", true, extra);
	(void)state;

	assert_int_equal(strings_count(env), 5);
	assert_string_equal(env[0], "PATH=/bin");
	assert_string_equal(env[1], "HOSTNAME=c0ffee15b00c");
	assert_string_equal(env[2], "HOME=/root");
	assert_string_equal(env[3], "TERM=xterm");
	assert_string_equal(env[4], "A=1");
	strings_free(env);
}

static void test_e_name_takes_our_value_or_nothing(void **state)
{
	char **env = NULL, error[256];
	(void)state;

	setenv("MYDOCKER_TEST_GIVEN", "v a l", 1);
	unsetenv("MYDOCKER_TEST_ABSENT");
	assert_int_equal(environment_flag(&env, "MYDOCKER_TEST_GIVEN", error, sizeof error), 0);
	assert_int_equal(environment_flag(&env, "MYDOCKER_TEST_ABSENT", error, sizeof error), 0);
	assert_int_equal(strings_count(env), 1);
	assert_string_equal(env[0], "MYDOCKER_TEST_GIVEN=v a l");
	strings_free(env);
	unsetenv("MYDOCKER_TEST_GIVEN");
}

static void test_nothing_of_ours_gets_in(void **state)
{
	char **env;
	(void)state;

	setenv("MYDOCKER_TEST_SECRET", "leaked", 1);
	env = container_environment("h", false, NULL);
	for (size_t i = 0; env[i]; i++)
		assert_null(strstr(env[i], "MYDOCKER_TEST_SECRET"));
	strings_free(env);
	unsetenv("MYDOCKER_TEST_SECRET");
}

static void test_env_file_with_a_nul_is_refused(void **state)
{
	char path[] = "/tmp/mydocker-unit-env.XXXXXX", **env = NULL, error[256];
	int fd = mkstemp(path);
	(void)state;

	assert_int_equal(write(fd, "A=1\nB=\0x\n", 9), 9);
	close(fd);
	assert_int_equal(environment_file(&env, path, error, sizeof error), -1);
	assert_non_null(strstr(error, "line 2: holds a NUL byte"));
	strings_free(env);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_then_extra),
		cmocka_unit_test(test_e_name_takes_our_value_or_nothing),
		cmocka_unit_test(test_nothing_of_ours_gets_in),
		cmocka_unit_test(test_env_file_with_a_nul_is_refused),
	};
	return cmocka_run_group_tests_name("environment flags", tests, NULL, NULL);
}
