/* test_environment.c: the environment a container starts with (docker's
 * defaults, nothing of ours), and its way to init over the pipe.
 * since: ch04-defaults before: ch05-images-env (-e: test_environment_flags.c) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common.h"
#include "mydocker.h"

static void test_docker_s_defaults(void **state)
{
	char **env = container_environment("c0ffee15b00c", false);
	(void)state;

	assert_non_null(env);
	assert_int_equal(strings_count(env), 3);
	assert_string_equal(env[0], "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	assert_string_equal(env[1], "HOSTNAME=c0ffee15b00c");
	assert_string_equal(env[2], "HOME=/root");
	strings_free(env);
}

static void test_tty_adds_term(void **state)
{
	char **env = container_environment("h", true);
	(void)state;

	assert_int_equal(strings_count(env), 4);
	assert_string_equal(env[3], "TERM=xterm");
	strings_free(env);
}

static void test_nothing_of_ours_gets_in(void **state)
{
	char **env;
	(void)state;

	setenv("MYDOCKER_TEST_SECRET", "leaked", 1);
	env = container_environment("h", true);
	for (size_t i = 0; env[i]; i++)
		assert_null(strstr(env[i], "MYDOCKER_TEST_SECRET"));
	strings_free(env);
	unsetenv("MYDOCKER_TEST_SECRET");
}

static void test_environment_crosses_the_pipe(void **state)
{
	char *argv[] = { "sh", NULL }, *env[] = { "A=1", "B=two words", "EMPTY=", NULL };
	struct init_config in = { .argv = argv, .root = "/r", .env = env }, out;
	size_t len;
	char *msg = encode_init_config(&in, &len);
	(void)state;

	assert_int_equal(decode_init_config(msg, len, &out), 0);
	for (int i = 0; env[i]; i++)
		assert_string_equal(out.env[i], env[i]);
	assert_null(out.env[3]);
	free(out.argv);
	free(out.env);
	free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_s_defaults),
		cmocka_unit_test(test_tty_adds_term),
		cmocka_unit_test(test_nothing_of_ours_gets_in),
		cmocka_unit_test(test_environment_crosses_the_pipe),
	};
	return cmocka_run_group_tests_name("environment", tests, NULL, NULL);
}
