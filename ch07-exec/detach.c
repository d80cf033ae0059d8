/* detach.c: `run -d` (the book's detach, 后台运行). A container is a child
 * of the process that started it; if mydocker simply exited, the container
 * would be reparented to the host's init and nobody would be left to remove
 * its layer and cgroup or to record how it ended. So mydocker forks a
 * monitor, one per container, as conmon (podman) or containerd-shim
 * (docker) are: the monitor starts the container, stays its parent, cleans
 * up and records the exit code when it ends (its output goes to its log,
 * container_log.c). mydocker itself waits only until the container has
 * started, prints its id and returns. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

static pid_t monitor_pid;

static void forward_to_monitor(int sig)
{
	if (monitor_pid > 0)
		kill(monitor_pid, sig);
}

/* The monitor leaves mydocker's session, so that closing the terminal
 * does not end it, and lets go of mydocker's stdin and stdout, so that
 * `id=$(mydocker run -d ...)` does not wait for the container to end.
 * Its stderr stays until the container has started: errors before that
 * are the user's to see. */
static void become_monitor(void)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (setsid() < 0 || null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0)
		die_errno(EXIT_MYDOCKER, "become the container's monitor");
	close(null);
}

static ssize_t read_id(int fd, char *id, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len < size - 1 && (n = read(fd, id + len, size - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		len += (size_t)n;
	}
	id[len] = '\0';
	return (ssize_t)len;
}

int run_detached(const struct run_options *opts)
{
	struct sigaction forward = { .sa_handler = forward_to_monitor };
	char id[CONTAINER_ID_LEN + 1];
	int ready[2], status;

	if (pipe2(ready, O_CLOEXEC) < 0) {
		error_errno("pipe for the monitor");
		return EXIT_MYDOCKER;
	}
	monitor_pid = fork();
	if (monitor_pid < 0) {
		error_errno("fork the monitor");
		close(ready[0]);
		close(ready[1]);
		return EXIT_MYDOCKER;
	}
	if (monitor_pid == 0) {
		close(ready[0]);
		become_monitor();
		_exit(run_container(opts, ready[1]));
	}
	close(ready[1]);
	/* Ctrl-C while it starts: the monitor undoes the start. */
	sigemptyset(&forward.sa_mask);
	sigaction(SIGINT, &forward, NULL);
	sigaction(SIGTERM, &forward, NULL);
	if (read_id(ready[0], id, sizeof id) == CONTAINER_ID_LEN) {
		close(ready[0]);
		printf("%s\n", id);
		return 0;
	}
	/* No id: the monitor failed before the container ran, and said why. */
	close(ready[0]);
	while (waitpid(monitor_pid, &status, 0) < 0)
		if (errno != EINTR)
			return EXIT_MYDOCKER;
	return WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_MYDOCKER;
}

/* run -d needs somewhere to keep records, pseudo-terminals for logs, and
 * pidfds (Linux 5.3) for logs -f and rm -f. */
void check_detach(void)
{
	int fd;

	check_report("records", mkdir_p(mydocker_run_dir(), 0700) == 0 && access(mydocker_run_dir(), W_OK) == 0,
	       mydocker_run_dir(), "MYDOCKER_RUN must be a writable directory");
	fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	check_report("pseudo-terminals", fd >= 0, fd >= 0 ? "/dev/ptmx" : strerror(errno),
	       "mount devpts on /dev/pts (mount -t devpts devpts /dev/pts)");
	if (fd >= 0)
		close(fd);
	fd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	check_report("pidfd", fd >= 0, fd >= 0 ? "pidfd_open works" : strerror(errno), "use Linux 5.3 or later");
	if (fd >= 0)
		close(fd);
}
