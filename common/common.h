/* common.h: the toolbox every chapter links. Nothing here knows about
 * containers; it reports errors, logs, reads and writes files and parses
 * sizes, so that each chapter's own files hold only the container ideas.
 *
 * The error contract, for all code in this repository:
 *  - Helpers return 0 (or a count) on success and -1 on failure, with errno
 *    kept as the failing call left it. Helpers never print and never exit.
 *  - A chapter's functions named after a step of a container's life
 *    (cgroup_create(), mount_overlay(), ...) know what they were doing and
 *    report their own failure, once, with error_errno() or error_msg(), then
 *    return -1; their callers only clean up and pass the failure on.
 *  - main() returns the exit code; a child process with nothing to clean up
 *    calls die_errno() or die_msg(), which exit at once with _exit(2).
 *  - A parser of text a user typed (a flag's value, a line of a file) takes
 *    (..., char *error, size_t size) last and returns 0, or -1 with why in
 *    error, one line that names the text ("invalid -p 80: expected
 *    HOSTPORT:CONTAINERPORT"): the command that called it says it once.
 *  - Exit codes follow docker: 125 when mydocker itself failed, 126 when the
 *    command cannot be invoked, 127 when it is not found; otherwise the
 *    container's own status (128+N when killed by signal N). */
#ifndef MYDOCKER_COMMON_H
#define MYDOCKER_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum exit_code {
	EXIT_MYDOCKER = 125,      /* mydocker failed */
	EXIT_CANNOT_INVOKE = 126, /* the command is not executable */
	EXIT_NOT_FOUND = 127,     /* the command does not exist */
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* error.c: one line on stderr, "mydocker: <what>[: <strerror(errno)>]". */
void error_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void error_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void die_errno(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
void die_msg(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
void error_capture(char *buf, size_t size);
void error_also_to(void (*log)(const char *message));

/* debug.c: with --debug, narrate each step, with its time since the
 * start, as "mydocker:   1.234 ms => ...". */
void debug_set(bool on, const char *since);
bool debug_enabled(void);
const char *debug_flag(void);
void debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* file.c: small files, such as those under /proc and /sys/fs/cgroup. */
ssize_t read_file(const char *path, char *buf, size_t size);
char *read_fd_all(int fd);
char *read_file_all(const char *path);
int write_all(int fd, const char *text, size_t len);
void close_fd(int *fd);
int copy_once(int from, int to);
void copy_what_is_ready(int from, int to);
int write_file(const char *path, const char *text);
int write_file_atomic(const char *path, const char *text);
int write_file_replace(const char *path, const char *text);
int mkdir_p(const char *path, mode_t mode);
/* An exclusive flock(2) on path (made if missing), waited for: an fd whose
 * close() lets go, or -1. */
int lock_file(const char *path);
int remove_tree(const char *path);
off_t tree_size(const char *path);
int copy_file(const char *from, const char *to);

/* digest.c: "sha256:HEX" of what a nettle sha256 context has hashed, of a
 * string, of a file. */
struct sha256_ctx;
void sha256_hex(struct sha256_ctx *sha, char *out, size_t size);
void sha256_text(const char *text, char *out, size_t size);
int sha256_file(const char *path, char *out, size_t size);
/* A copy that never waits for a slow reader: copy_buffered() reads from
 * only once what it read before has all been written to `to`, which is
 * non-blocking; so the caller polls `to` for POLLOUT while b->len > 0,
 * else `from` for POLLIN. -1 once `from` has ended or `to` has failed. */
struct copy_buffer {
	char data[4096];
	size_t len;
};
int copy_buffered(struct copy_buffer *b, int from, int to);
/* nftables.c: one nft command, `out` (if not NULL) what it prints, with
 * the rules' handles (malloc'd): 0, or -1 with nft's own message in error. */
int nft_run(const char *command, char **out, char *error, size_t size);
/* terminal.c: our terminal in raw mode while we relay; its size. */
void terminal_make_raw(int fd);
void terminal_restore(void);
void terminal_copy_size(int from, int to);
/* fd_passing.c: an fd over a unix socket (SCM_RIGHTS): 0 or the fd, or -1. */
int send_fd(int socket, int fd);
int receive_fd(int socket);
/* Paths are built with these, never cut short: 0, or -1 with ENAMETOOLONG
 * when the path does not fit in out. */
int path_join(char *out, size_t size, const char *dir, const char *name);
bool has_file(const char *dir, const char *name);
int path_printf(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int path_vprintf(char *out, size_t size, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));

/* flags.c: a small command's flags. A flag sets *on, or, if it has a
 * value (--format json, --format=json), stores it in *value. flags ends
 * with { NULL }. parse_flags() returns the index in argv of the first
 * argument after the flags (argv[0] is the command), FLAGS_HELP for -h or
 * --help, or FLAGS_WRONG with why filled in. */
struct flag {
	const char *name;   /* "--force" */
	char letter;        /* 'f' for -f, or 0 */
	bool *on;           /* a flag without a value; with value too, one
			       whose value is optional: NAME=VALUE only */
	const char **value; /* a flag with one */
};
enum { FLAGS_HELP = -1, FLAGS_WRONG = -2 };
int parse_flags(int argc, char **argv, const struct flag *flags, char *why, size_t size);

/* strings.c: NULL-terminated lists of strings on the heap (argv, environ),
 * and the names mydocker lets a user give (containers, images, networks). */
size_t strings_count(char *const *list);
int strings_add(char ***list, const char *s);
char **strings_copy(char *const *list);
void strings_free(char **list);
bool name_is_valid(const char *name, size_t max);

/* run.c: another program, its stderr silenced: its exit status, or -1. */
int run_quietly(char *const argv[]);

/* size.c: "100m" -> 104857600, as docker's --memory reads it. */
int parse_size(const char *text, uint64_t *bytes);
void format_size(uint64_t bytes, char *out, size_t size);

#endif
