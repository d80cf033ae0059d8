/* process.c: what mydocker does with processes, whichever command starts
 * them: the signals it passes on to the one it runs, the stdin, process
 * group and terminal it gives it, and the wait for its exit status. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

/* volatile: the handler reads one and writes the other, so the compiler
 * must keep forward_signals_to()'s store and load in the order written */
static volatile pid_t forward_to;          /* once there is a process */
static volatile sig_atomic_t early_signal; /* a signal that came before */

static void forward_signal(int sig)
{
	if (forward_to > 0)
		kill(forward_to, sig);
	else
		early_signal = sig;
}

/* SIGINT (Ctrl-C), SIGTERM (kill) and SIGHUP (terminal closed) are meant
 * for the container, so pass them on to its PID 1. No SA_RESTART: waitpid()
 * returns EINTR and we go back to waiting. A write to a pipe whose reader
 * has died fails with EPIPE instead of killing us (init resets all of this
 * to the defaults before the container's command runs). */
void handle_signals(void)
{
	struct sigaction sa = { .sa_handler = forward_signal };
	int signals[] = { SIGINT, SIGTERM, SIGHUP };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
		sigaction(signals[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Signals from now on go to pid, and one that came before goes to it now:
 * the process may be running already (a forked command can print that it
 * is ready before fork(2) has returned in us). */
void forward_signals_to(pid_t pid)
{
	forward_to = pid;
	if (early_signal)
		kill(pid, early_signal);
}

/* The signal that came before there was a process to pass it to, or 0. */
int signal_before_start(void)
{
	return early_signal;
}

/* mydocker [--debug] init (or exec-init): the command comes on the pipe. */
char **build_init_argv(const char *init)
{
	size_t i = 0;
	char **argv = calloc(4, sizeof *argv);

	if (!argv)
		return NULL;
	argv[i++] = "mydocker";
	if (debug_enabled())
		argv[i++] = (char *)debug_flag(); /* with the start of our timeline */
	argv[i++] = (char *)init;
	return argv;
}

/* init finds the pipe on fd 3, as the book's cmd.ExtraFiles puts it: the
 * first fd after stdin, stdout and stderr; and run's init the exec pipe on
 * fd 4 (container.c). dup2(2) clears close-on-exec on the copy; if fd
 * already is target, clear it by hand. */
void pass_fd_as(int fd, int target)
{
	int ret;

	if (fd == target)
		ret = fcntl(fd, F_SETFD, 0);
	else
		ret = dup2(fd, target);
	if (ret < 0)
		die_errno(EXIT_MYDOCKER, "pass fd %d to init as fd %d", fd, target);
}

void stdin_from_dev_null(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || dup2(fd, STDIN_FILENO) < 0)
		die_errno(EXIT_MYDOCKER, "open /dev/null as stdin");
	close(fd);
}

/* The container's signals stay inside it: kill(2) with pid 0 or -PGRP
 * signals a whole process group, and a container left in mydocker's group
 * (and its caller's) could kill them with `kill -9 0`. The container gets
 * a session of its own, setsid(2), which also has no controlling terminal
 * (with -t, its own pty becomes one: console.c). */
void leave_our_process_group(void)
{
	if (setsid() < 0)
		die_errno(EXIT_MYDOCKER, "give the container a session of its own");
}

/* Exit status as a shell reports it: the code, or 128+N for signal N. */
static int exit_code_of(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_MYDOCKER;
}

int wait_for_exit(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			error_errno("waitpid %d", pid);
			return EXIT_MYDOCKER;
		}
	}
	debug("container exited: status 0x%x", status);
	return exit_code_of(status);
}

/* Is pid a running mydocker? A leftover named after the pid of the
 * mydocker that made it is stale once that pid is not one. (A pid may
 * since belong to another program.) */
bool mydocker_runs_as(long pid)
{
	char exe[64], target[PATH_MAX];
	ssize_t n;

	snprintf(exe, sizeof exe, "/proc/%ld/exe", pid);
	n = readlink(exe, target, sizeof target - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return strcmp(strrchr(target, '/') ? strrchr(target, '/') + 1 : target, "mydocker") == 0;
}
