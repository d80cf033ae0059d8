/* test_pipe_message.c: the message that carries init's command over the
 * pipe: a round trip, and every way it can arrive broken. since: ch03-pipe */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "mydocker.h"

static void test_round_trip_keeps_every_byte(void **state)
{
	char *argv[] = { "sh", "-c", "echo \"a b\" 'c'", "", "line1\nline2", "tab\there", NULL };
	struct init_config in = { .argv = argv }, out;
	size_t len;
	char *msg = encode_init_config(&in, &len);
	(void)state;

	assert_non_null(msg);
	assert_int_equal(decode_init_config(msg, len, &out), 0);
	for (int i = 0; argv[i]; i++)
		assert_string_equal(out.argv[i], argv[i]);
	assert_null(out.argv[6]);
	free(out.argv);
	free(msg);
}

static void test_message_format(void **state)
{
	char *argv[] = { "ls", "-l", NULL };
	struct init_config in = { .argv = argv };
	const char expected[] = "arg\0ls\0arg\0-l\0end\0";
	size_t len;
	char *msg = encode_init_config(&in, &len);
	(void)state;

	assert_int_equal(len, sizeof expected); /* with the final '\0' of "end"'s value */
	assert_memory_equal(msg, expected, len);
	free(msg);
}

static void expect_refused(const char *msg, size_t len)
{
	struct init_config out;

	errno = 0;
	assert_int_equal(decode_init_config(msg, len, &out), -1);
	assert_int_equal(errno, EINVAL);
	assert_null(out.argv);
}

static void test_broken_messages_are_refused(void **state)
{
	(void)state;
	expect_refused("", 0);                                   /* nothing: mydocker died */
	expect_refused("arg\0ls\0", 7);                          /* no end: cut short */
	expect_refused("arg\0ls\0end", 10);                      /* cut in the end */
	expect_refused("arg\0l", 5);                             /* cut in a value */
	expect_refused("end\0\0", 5);                            /* no command */
	expect_refused("arg\0ls\0end\0\0arg\0x\0", 19);          /* more after the end */
	expect_refused("cmd\0ls\0end\0\0", 12);                  /* unknown key */
}

/* 200 kB of arguments through a real pipe: more than the pipe holds
 * (64 KiB), so writer and reader must take turns. */
static void test_big_command_through_a_pipe(void **state)
{
	char *big1 = malloc(100001), *big2 = malloc(100001);
	char *argv[] = { "probe", big1, big2, NULL };
	struct init_config in = { .argv = argv }, out;
	int fds[2], status;
	pid_t pid;
	char *msg;
	(void)state;

	memset(big1, 'x', 100000);
	big1[100000] = '\0';
	memset(big2, 'y', 100000);
	big2[100000] = '\0';
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		_exit(send_init_config(fds[1], &in) == 0 ? 0 : 1);
	}
	close(fds[1]);
	msg = read_init_config(fds[0], &out);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);
	assert_non_null(msg);
	assert_string_equal(out.argv[1], big1);
	assert_string_equal(out.argv[2], big2);
	free(out.argv);
	free(msg);
	free(big1);
	free(big2);
}

static void test_writer_that_dies_early_is_noticed(void **state)
{
	struct init_config out;
	int fds[2];
	(void)state;

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "arg\0sh\0arg\0-c", 13), 13);
	close(fds[1]); /* the writer is gone before "end" */
	assert_null(read_init_config(fds[0], &out));
	assert_int_equal(errno, EINVAL);
	close(fds[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_keeps_every_byte),
		cmocka_unit_test(test_message_format),
		cmocka_unit_test(test_broken_messages_are_refused),
		cmocka_unit_test(test_big_command_through_a_pipe),
		cmocka_unit_test(test_writer_that_dies_early_is_noticed),
	};
	return cmocka_run_group_tests_name("pipe message", tests, NULL, NULL);
}
