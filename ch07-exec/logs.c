/* logs.c: `mydocker logs [-f] NAME|ID` (the book's logContainer): what a
 * detached container wrote to its stdout and stderr, which went to
 * MYDOCKER_RUN/ID/container.log (and, once that reached its cap, the older
 * container.log.1 before it). With -f, follow it until the container has
 * exited: inotify(7) on the log's directory says when the file grows or is
 * rotated, a pidfd (pidfd_open(2)) when its monitor, which copies the last
 * of its output into the log after it exits, is done too; no polling. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
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

/* The older log, container.log.1, whole, if the log has been rotated. */
static int copy_rotated(const char *path)
{
	char old[PATH_MAX + 2];
	int fd, ret;

	snprintf(old, sizeof old, "%s.1", path);
	fd = open(old, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	ret = copy_to_stdout(fd);
	close(fd);
	return ret;
}

/* If the monitor has rotated the log since *fd was opened, the rest of the
 * old file, then the new one from its start. */
static int follow_rotation(int *fd, const char *path)
{
	struct stat now, ours;

	if (stat(path, &now) < 0 || fstat(*fd, &ours) < 0 || now.st_ino == ours.st_ino)
		return 0;
	if (copy_to_stdout(*fd) < 0)
		return -1;
	close(*fd);
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	return *fd < 0 ? -1 : copy_to_stdout(*fd);
}

static int follow(int *log_fd, const char *path, struct record *r)
{
	int watch = inotify_init1(IN_CLOEXEC), pidfd = open_pidfd(r), ret = -1;
	char dir[PATH_MAX];

	snprintf(dir, sizeof dir, "%s", path);
	*strrchr(dir, '/') = '\0';
	if (watch < 0 || inotify_add_watch(watch, dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO) < 0)
		goto out;
	/* the container may have written between our first copy and the watch */
	if (copy_to_stdout(*log_fd) < 0)
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
		if (copy_to_stdout(*log_fd) < 0 || follow_rotation(log_fd, path) < 0)
			goto out;
		if (fds[1].revents & POLLIN)
			break; /* the monitor is done: the log is whole */
	}
	ret = copy_to_stdout(*log_fd) < 0 || follow_rotation(log_fd, path) < 0 ? -1 : 0;
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
	const struct flag flags[] = { { "--follow", 'f', &follow_it, NULL }, { NULL, 0, NULL, NULL } };
	struct record r;
	int code, fd, ret, i = command_flags(argc, argv, flags, print_logs_usage, &code);

	if (i < 0)
		return code;
	if (argc - i != 1) {
		error_msg("logs needs one container, by name or id");
		print_logs_usage(stderr);
		return EXIT_MYDOCKER;
	}
	if (find_container(argv[i], id) < 0)
		return EXIT_MYDOCKER;
	if (record_read(id, &r) < 0) {
		error_errno("read the record of container %s", argv[i]);
		return EXIT_MYDOCKER;
	}
	if (!r.detached && strcmp(r.status, "broken") != 0) {
		error_msg("container %s ran in the foreground: its output went to the terminal, not to a log",
			  argv[i]);
		record_free(&r);
		return EXIT_MYDOCKER;
	}
	fd = run_path(path, sizeof path, "%s/container.log", id) < 0 ? -1 : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		error_errno("open %s", path);
		record_free(&r);
		return EXIT_MYDOCKER;
	}
	if (copy_rotated(path) < 0)
		ret = -1;
	else
		ret = follow_it ? follow(&fd, path, &r) : copy_to_stdout(fd);
	close(fd);
	record_free(&r);
	return ret < 0 ? EXIT_MYDOCKER : 0;
}
