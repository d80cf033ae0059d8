/* logs.c: `mydocker logs [-f] NAME|ID` (the book's logContainer): what a
 * detached container wrote to its stdout and stderr, which went to
 * MYDOCKER_RUN/ID/container.log. With -f, follow it until the container
 * has exited: inotify(7) says when the file grows, a pidfd (pidfd_open(2))
 * when its monitor, which copies the last of its output into the log
 * after it exits, is done too; no polling. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

/* Copies from fd's current offset to its end onto stdout. */
static int copy_to_stdout(int fd)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			return -1;
	}
	return fflush(stdout);
}

/* A pidfd for the container's monitor, if it is still the same process. */
static int open_pidfd(struct record *r)
{
	int fd;

	if (!record_is_running(r))
		return -1;
	fd = (int)syscall(SYS_pidfd_open, (pid_t)r->monitor_pid, 0);
	/* the pid may have been reused between the check and the open */
	if (fd >= 0 && process_start_time(r->monitor_pid) != r->monitor_start) {
		close(fd);
		return -1;
	}
	return fd;
}

static int follow(int log_fd, const char *path, struct record *r)
{
	int watch = inotify_init1(IN_CLOEXEC), pidfd = open_pidfd(r), ret = -1;

	if (watch < 0 || inotify_add_watch(watch, path, IN_MODIFY) < 0)
		goto out;
	/* the container may have written between our first copy and the watch */
	if (copy_to_stdout(log_fd) < 0)
		goto out;
	while (pidfd >= 0) {
		struct pollfd fds[2] = { { .fd = watch, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
		char events[4096];
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			goto out;
		}
		if (fds[0].revents & POLLIN && read(watch, events, sizeof events) < 0)
			goto out;
		if (copy_to_stdout(log_fd) < 0)
			goto out;
		if (fds[1].revents & POLLIN)
			break; /* the monitor is done: the log is whole */
	}
	ret = copy_to_stdout(log_fd);
out:
	if (ret < 0)
		error_errno("follow %s", path);
	if (watch >= 0)
		close(watch);
	if (pidfd >= 0)
		close(pidfd);
	return ret;
}

static void print_logs_usage(FILE *out)
{
	fprintf(out,
		"Usage: mydocker logs [-f] NAME|ID\n"
		"\n"
		"Print what a detached container wrote to stdout and stderr.\n"
		"\n"
		"Options:\n"
		"  -f, --follow   keep printing until the container exits\n"
		"  -h, --help     print this help\n");
}

int logs_command(int argc, char **argv)
{
	char id[CONTAINER_ID_LEN + 1], path[PATH_MAX];
	bool follow_it = false;
	struct record r;
	int i = 1, fd, ret;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "--follow") == 0) {
			follow_it = true;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			print_logs_usage(stdout);
			return 0;
		} else {
			error_msg("unknown flag: %s", argv[i]);
			print_logs_usage(stderr);
			return EXIT_MYDOCKER;
		}
	}
	if (argc - i != 1) {
		error_msg("logs needs one container, by name or id");
		print_logs_usage(stderr);
		return EXIT_MYDOCKER;
	}
	if (record_lookup(argv[i], id) < 0 || record_read(id, &r) < 0) {
		error_msg("no container %s", argv[i]);
		return EXIT_MYDOCKER;
	}
	if (!r.detached) {
		error_msg("container %s ran in the foreground: its output went to the terminal, not to a log",
			  argv[i]);
		record_free(&r);
		return EXIT_MYDOCKER;
	}
	snprintf(path, sizeof path, "%s/%s/container.log", mydocker_run_dir(), id);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		error_errno("open %s", path);
		record_free(&r);
		return EXIT_MYDOCKER;
	}
	ret = follow_it ? follow(fd, path, &r) : copy_to_stdout(fd);
	close(fd);
	record_free(&r);
	return ret < 0 ? EXIT_MYDOCKER : 0;
}
