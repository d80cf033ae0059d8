/* stop.c: `mydocker stop [-t SECONDS] CONTAINER...` (the book's
 * stopContainer): its image's StopSignal (else SIGTERM) to each
 * container's PID 1, up to SECONDS
 * (default 10, docker's) for it to exit, then SIGKILL; stop returns once
 * each container is gone and its monitor has written how it ended.
 *
 * The book sends SIGTERM and writes "stopped" at once. But the first
 * process of a PID namespace gets only the signals it has a handler for,
 * even from the host (pid_namespaces(7)): `sh` or `top` as PID 1 ignores
 * SIGTERM and keeps running while ps says it stopped. SIGKILL is the one
 * signal a namespace's init cannot ignore from outside.
 *
 * Signals go through a pidfd (pidfd_open(2), pidfd_send_signal(2)),
 * opened while the pid is still the container's (its start time): a pid
 * that is reused later is never signalled. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

#define DEFAULT_STOP_SECONDS 10
#define MONITOR_MILLISECONDS 10000 /* the monitor only has its cleanup to do */

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

/* Waits until every process of fds[] has exited, or ms have passed: an
 * exited one's fd is closed and set to -1, poll(2) skips it. A pidfd is
 * readable once its process has exited. */
static void wait_for_exits(int *fds, size_t n, long long ms)
{
	long long deadline = now_ms() + ms;
	struct pollfd *p = calloc(n, sizeof *p);
	size_t left = 0;

	if (!p)
		return;
	for (size_t i = 0; i < n; i++)
		left += fds[i] >= 0;
	while (left > 0 && now_ms() < deadline) {
		for (size_t i = 0; i < n; i++)
			p[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		if (poll(p, n, (int)(deadline - now_ms())) < 0 && errno != EINTR)
			break;
		for (size_t i = 0; i < n; i++) {
			if (fds[i] >= 0 && (p[i].revents & (POLLIN | POLLHUP | POLLERR))) {
				close(fds[i]);
				fds[i] = -1;
				left--;
			}
		}
	}
	free(p);
}

/* The process that runs the container (the monitor of a detached one, or
 * the `run` in the foreground) writes its exit code and cleans up once the
 * container has exited: wait for that, so that ps then shows the truth. */
void wait_for_monitor(const struct record *r)
{
	int fd = -1;

	if (process_start_time(r->monitor_pid) == r->monitor_start)
		fd = (int)syscall(SYS_pidfd_open, (pid_t)r->monitor_pid, 0);
	if (fd >= 0)
		wait_for_exits(&fd, 1, MONITOR_MILLISECONDS);
	if (fd >= 0)
		close(fd);
}

/* Sends sig to each process of fds[] that has not exited. */
static void signal_all(const int *fds, size_t n, int sig)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0 && syscall(SYS_pidfd_send_signal, fds[i], sig, NULL, 0) < 0 && errno != ESRCH)
			error_errno("send signal %d", sig);
}

/* Stops every running container of records[] at once, so that stopping
 * ten takes one timeout, not ten. */
void stop_containers(struct record *records, size_t n, int seconds)
{
	int *fds = calloc(n ? n : 1, sizeof *fds);

	if (!fds)
		return;
	for (size_t i = 0; i < n; i++)
		fds[i] = container_pidfd(&records[i]);
	for (size_t i = 0; i < n; i++) /* the image's StopSignal, else SIGTERM */
		signal_all(&fds[i], 1, image_stop_signal(records[i].image));
	debug("stop: the stop signals sent, waiting up to %d s", seconds);
	wait_for_exits(fds, n, seconds * 1000LL);
	signal_all(fds, n, SIGKILL);
	wait_for_exits(fds, n, MONITOR_MILLISECONDS);
	for (size_t i = 0; i < n; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		wait_for_monitor(&records[i]);
	}
	free(fds);
}

static void print_stop_usage(FILE *out)
{
	fprintf(out,
		"Usage: mydocker stop [-t SECONDS] NAME|ID...\n"
		"\n"
		"Stop running containers: their image's StopSignal (else SIGTERM), then SIGKILL\n"
		"after SECONDS.\n"
		"\n"
		"Options:\n"
		"  -t, --time SECONDS   how long to wait before SIGKILL (default 10)\n"
		"  -h, --help           print this help\n");
}

/* -t SECONDS: 0 or more, at most a day. */
static int parse_seconds(const char *text, int *seconds)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(text, &end, 10);
	if (text[0] < '0' || text[0] > '9' || *end || errno || n > 86400) {
		error_msg("invalid -t %s: expected seconds, 0 to 86400", text);
		return -1;
	}
	*seconds = (int)n;
	return 0;
}

int stop_command(int argc, char **argv)
{
	const char *time_text = NULL;
	const struct flag flags[] = { { "--time", 't', NULL, &time_text }, { NULL, 0, NULL, NULL } };
	int code, failed = 0, seconds = DEFAULT_STOP_SECONDS, i = command_flags(argc, argv, flags, print_stop_usage, &code);
	struct record *records;
	const char **given;
	size_t n = 0;
	char id[CONTAINER_ID_LEN + 1];

	if (i < 0)
		return code;
	if (time_text && parse_seconds(time_text, &seconds) < 0)
		return EXIT_MYDOCKER;
	if (i == argc) {
		error_msg("stop needs at least one container, by name or id");
		return EXIT_MYDOCKER;
	}
	if (require_root() < 0)
		return EXIT_MYDOCKER;
	records = calloc((size_t)(argc - i), sizeof *records);
	given = calloc((size_t)(argc - i), sizeof *given);
	if (!records || !given) {
		error_errno("stop");
		free(records);
		free(given);
		return EXIT_MYDOCKER;
	}
	for (; i < argc; i++) {
		if (find_container(argv[i], id) < 0 || record_read(id, &records[n]) < 0) {
			failed = 1;
			continue;
		}
		given[n++] = argv[i];
	}
	stop_containers(records, n, seconds);
	for (size_t k = 0; k < n; k++) {
		printf("%s\n", given[k]);
		record_free(&records[k]);
	}
	free(records);
	free(given);
	return failed ? EXIT_MYDOCKER : 0;
}
