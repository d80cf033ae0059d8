/* test_common.c: the helpers in common/ (size parsing, files, directories,
 * lists of strings, flags). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/close_range.h>
#include <cmocka.h>

#include "common.h"

static void test_parse_size_units(void **state)
{
	uint64_t n;
	(void)state;

	assert_int_equal(parse_size("4096", &n), 0);
	assert_int_equal(n, 4096);
	assert_int_equal(parse_size("100m", &n), 0);
	assert_int_equal(n, 100ULL << 20);
	assert_int_equal(parse_size("100MB", &n), 0);
	assert_int_equal(n, 100ULL << 20);
	assert_int_equal(parse_size("512k", &n), 0);
	assert_int_equal(n, 512ULL << 10);
	assert_int_equal(parse_size("2g", &n), 0);
	assert_int_equal(n, 2ULL << 30);
	assert_int_equal(parse_size("7b", &n), 0);
	assert_int_equal(n, 7);
}

static void test_parse_size_rejects_garbage(void **state)
{
	const char *bad[] = { "", "abc", "m", "-1m", "10x", "10 m", "1.5g", "10mm" };
	uint64_t n;
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		assert_int_equal(parse_size(bad[i], &n), -1);
		assert_int_equal(errno, EINVAL);
	}
}

static void test_parse_size_rejects_overflow(void **state)
{
	uint64_t n;
	(void)state;

	assert_int_equal(parse_size("99999999999999999999", &n), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(parse_size("17179869184g", &n), -1); /* 2^34 GiB */
	assert_int_equal(errno, ERANGE);
}

static char dir[64];

static int make_temp_dir(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/mydocker-unit.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_temp_dir(void **state)
{
	(void)state;
	return remove_tree(dir);
}

static void test_write_then_read_file(void **state)
{
	char path[PATH_MAX], buf[64];
	(void)state;

	path_join(path, sizeof path, dir, "f");
	assert_int_equal(write_file(path, "x"), -1); /* does not create */
	assert_int_equal(errno, ENOENT);
	assert_int_equal(write_file_atomic(path, "first\n"), 0);
	assert_int_equal(write_file(path, "12345"), 0);
	assert_int_equal(read_file(path, buf, sizeof buf), 5);
	assert_string_equal(buf, "12345");
	assert_int_equal(read_file(path, buf, 3), 2); /* truncated, still ended */
	assert_string_equal(buf, "12");
}

static void test_read_file_all_reads_big_files(void **state)
{
	char path[PATH_MAX];
	char *big = malloc(100001), *back;
	(void)state;

	memset(big, 'a', 100000);
	big[100000] = '\0';
	path_join(path, sizeof path, dir, "big");
	assert_int_equal(write_file_atomic(path, big), 0);
	back = read_file_all(path);
	assert_non_null(back);
	assert_int_equal(strlen(back), 100000);
	free(back);
	free(big);
	assert_null(read_file_all("/no/such/file"));
	assert_int_equal(errno, ENOENT);
}

static void test_write_file_atomic_leaves_no_temp_file(void **state)
{
	char path[PATH_MAX], tmp[PATH_MAX + 32];
	(void)state;

	path_join(path, sizeof path, dir, "record.json");
	assert_int_equal(write_file_atomic(path, "{}"), 0);
	snprintf(tmp, sizeof tmp, "%s.tmp-%d", path, (int)getpid());
	assert_int_equal(access(tmp, F_OK), -1);
}

static void test_mkdir_p_and_remove_tree(void **state)
{
	char path[PATH_MAX], file[PATH_MAX + 8];
	struct stat st;
	(void)state;

	snprintf(path, sizeof path, "%s/a/b/c", dir);
	assert_int_equal(mkdir_p(path, 0755), 0);
	assert_int_equal(mkdir_p(path, 0755), 0); /* exists: fine */
	snprintf(file, sizeof file, "%s/f", path);
	assert_int_equal(write_file_atomic(file, "x"), 0);
	snprintf(path, sizeof path, "%s/a", dir);
	assert_int_equal(remove_tree(path), 0);
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(remove_tree(path), 0); /* gone: fine */
}

/* Deeper than PATH_MAX, made relative to an open directory; a symbolic
 * link inside to a directory outside is removed, not followed. */
static void test_remove_tree_deeper_than_path_max_and_not_through_links(void **state)
{
	char path[PATH_MAX], outside[PATH_MAX];
	struct stat st;
	int fd, next;
	(void)state;

	snprintf(path, sizeof path, "%s/deep", dir);
	snprintf(outside, sizeof outside, "%s/outside", dir);
	assert_int_equal(mkdir_p(outside, 0755), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	fd = open(path, O_RDONLY | O_DIRECTORY);
	for (int i = 0; i < 300; i++) { /* 300 * 21 bytes */
		assert_int_equal(mkdirat(fd, "a_directory_named_20", 0755), 0);
		next = openat(fd, "a_directory_named_20", O_RDONLY | O_DIRECTORY);
		assert_true(next >= 0);
		close(fd);
		fd = next;
		close(openat(fd, "file", O_WRONLY | O_CREAT, 0644));
	}
	assert_int_equal(symlinkat(outside, fd, "link"), 0);
	close(fd);
	close(open(strcat(outside, "/kept"), O_WRONLY | O_CREAT, 0644));
	assert_int_equal(remove_tree(path), 0);
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(stat(outside, &st), 0);
}

static void test_path_join_refuses_too_long(void **state)
{
	char out[16];
	(void)state;

	assert_int_equal(path_join(out, sizeof out, "/a", "b"), 0);
	assert_string_equal(out, "/a/b");
	assert_int_equal(path_join(out, sizeof out, "/a-long-dir", "a-long-name"), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

static void test_run_quietly(void **state)
{
	char *ok[] = { "true", NULL }, *seven[] = { "sh", "-c", "echo noise >&2; exit 7", NULL };
	char *killed[] = { "sh", "-c", "kill -9 $$", NULL }, *missing[] = { "no-such-program-x", NULL };
	(void)state;

	assert_int_equal(run_quietly(ok), 0);
	assert_int_equal(run_quietly(seven), 7);
	assert_int_equal(run_quietly(killed), 128 + 9);
	assert_int_equal(run_quietly(missing), 127);
}

static void test_strings_add_count_free(void **state)
{
	char **list = NULL;
	(void)state;

	assert_int_equal(strings_count(list), 0);
	assert_int_equal(strings_add(&list, "a"), 0);
	assert_int_equal(strings_add(&list, ""), 0);
	assert_int_equal(strings_add(&list, "c=d e"), 0);
	assert_int_equal(strings_count(list), 3);
	assert_string_equal(list[0], "a");
	assert_string_equal(list[1], "");
	assert_string_equal(list[2], "c=d e");
	assert_null(list[3]);
	strings_free(list);
	strings_free(NULL);
}

static void test_parse_flags(void **state)
{
	bool force = false, all = false;
	const char *format = "table";
	const struct flag flags[] = { { "--force", 'f', &force, NULL }, { "--all", 'a', &all, NULL },
				      { "--format", 0, NULL, &format }, { NULL, 0, NULL, NULL } };
	char *ok[] = { "ps", "-f", "--all", "--format", "json", "name", "-x", NULL };
	char *eq[] = { "ps", "--format=table", "--", "-a", NULL };
	char *help[] = { "ps", "-a", "--help", NULL };
	char *unknown[] = { "ps", "-x", NULL };
	char *no_value[] = { "ps", "--format", NULL };
	char why[64];
	(void)state;

	assert_int_equal(parse_flags(7, ok, flags, why, sizeof why), 5); /* stops at "name" */
	assert_true(force);
	assert_true(all);
	assert_string_equal(format, "json");
	all = false;
	assert_int_equal(parse_flags(4, eq, flags, why, sizeof why), 3); /* "--" ends the flags */
	assert_string_equal(format, "table");
	assert_false(all);
	assert_int_equal(parse_flags(3, help, flags, why, sizeof why), FLAGS_HELP);
	assert_int_equal(parse_flags(2, unknown, flags, why, sizeof why), FLAGS_WRONG);
	assert_string_equal(why, "unknown flag: -x");
	assert_int_equal(parse_flags(2, no_value, flags, why, sizeof why), FLAGS_WRONG);
	assert_string_equal(why, "flag needs a value: --format");
}

/* The program run gets stdin, stdout and stderr (the last on /dev/null),
 * and no other fd that run_quietly() opened. (Ours, which whoever runs the
 * test may have left open on /dev/null, are made close-on-exec first.) */
static void test_run_quietly_leaks_no_fd(void **state)
{
	char *argv[] = { "/bin/sh", "-c",
			 "for fd in /proc/$$/fd/*; do [ \"$(readlink $fd)\" != /dev/null ] || "
			 "[ ${fd##*/} -le 2 ] || exit 3; done; exit 0", NULL };
	(void)state;

	assert_int_equal(close_range(3, ~0U, CLOSE_RANGE_CLOEXEC), 0);
	assert_int_equal(run_quietly(argv), 0);
}

/* lock_file(): the lock is held until close; another open file cannot
 * take it meanwhile (flock(2) locks belong to open files). */
static void test_lock_file_holds_until_close(void **state)
{
	char path[] = "/tmp/mydocker-unit-lock.XXXXXX";
	int made = mkstemp(path), fd, other;
	(void)state;

	assert_true(made >= 0);
	close(made);
	fd = lock_file(path);
	assert_true(fd >= 0);
	other = open(path, O_RDONLY);
	assert_int_equal(flock(other, LOCK_EX | LOCK_NB), -1);
	assert_int_equal(errno, EWOULDBLOCK);
	close(fd);
	assert_int_equal(flock(other, LOCK_EX | LOCK_NB), 0);
	close(other);
	unlink(path);
	assert_int_equal(lock_file("/nonexistent-dir/lock"), -1);
}

/* An fd sent over a unix socket arrives as the same open file, close-on-
 * exec; a sender that closes without sending is ECONNRESET. */
static void test_fd_travels_over_a_socket(void **state)
{
	int sv[2], p[2], got;
	char c = 0;
	(void)state;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(send_fd(sv[1], p[1]), 0);
	got = receive_fd(sv[0]);
	assert_true(got >= 0);
	assert_int_equal(fcntl(got, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	assert_int_equal(write(got, "x", 1), 1);
	assert_int_equal(read(p[0], &c, 1), 1);
	assert_int_equal(c, 'x');
	close(sv[1]);
	errno = 0;
	assert_int_equal(receive_fd(sv[0]), -1);
	assert_int_equal(errno, ECONNRESET);
	close(got);
	close(sv[0]);
	close(p[0]);
	close(p[1]);
}

/* copy_buffered() never blocks on a full pipe: it keeps what did not fit
 * and reads nothing more until that has gone; -1 at the end of input. */
static void test_copy_buffered_waits_for_a_slow_reader(void **state)
{
	struct copy_buffer b = { .len = 0 };
	int in[2], out[2], size;
	static char chunk[4096], sink[1 << 20];
	(void)state;

	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe2(out, O_NONBLOCK), 0);
	size = fcntl(out[1], F_GETPIPE_SZ);
	memset(chunk, 'a', sizeof chunk);
	for (int i = 0; i < size / (int)sizeof chunk + 2; i++) {
		assert_int_equal(write(in[1], chunk, sizeof chunk), (ssize_t)sizeof chunk);
		assert_int_equal(copy_buffered(&b, in[0], out[1]), 0);
	}
	assert_true(b.len > 0); /* the pipe is full: the rest waits */
	assert_int_equal(read(out[0], sink, sizeof sink), size);
	assert_int_equal(copy_buffered(&b, in[0], out[1]), 0);
	assert_int_equal(b.len, 0);
	close(in[1]);
	while (b.len == 0 && copy_buffered(&b, in[0], out[1]) == 0)
		;
	assert_int_equal(copy_buffered(&b, in[0], out[1]), -1);
	close(in[0]);
	close(out[0]);
	close(out[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_size_units),
		cmocka_unit_test(test_parse_size_rejects_garbage),
		cmocka_unit_test(test_parse_size_rejects_overflow),
		cmocka_unit_test(test_write_then_read_file),
		cmocka_unit_test(test_read_file_all_reads_big_files),
		cmocka_unit_test(test_write_file_atomic_leaves_no_temp_file),
		cmocka_unit_test(test_mkdir_p_and_remove_tree),
		cmocka_unit_test(test_remove_tree_deeper_than_path_max_and_not_through_links),
		cmocka_unit_test(test_path_join_refuses_too_long),
		cmocka_unit_test(test_run_quietly),
		cmocka_unit_test(test_strings_add_count_free),
		cmocka_unit_test(test_parse_flags),
		cmocka_unit_test(test_run_quietly_leaks_no_fd),
		cmocka_unit_test(test_lock_file_holds_until_close),
		cmocka_unit_test(test_fd_travels_over_a_socket),
		cmocka_unit_test(test_copy_buffered_waits_for_a_slow_reader),
	};
	return cmocka_run_group_tests_name("common", tests, make_temp_dir, remove_temp_dir);
}
