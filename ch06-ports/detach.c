/* detach.c: `run -d` (the book's detach, 后台运行). A container is a child
 * of the process that started it; if mydocker simply exited, the container
 * would be reparented to the host's init and nobody would be left to remove
 * its layer and cgroup or to record how it ended. So mydocker forks a
 * monitor, one per container, as conmon (podman) or containerd-shim
 * (docker) are: the monitor starts the container, stays its parent, cleans
 * up and records the exit code when it ends. mydocker itself waits only
 * until the container has started, prints its id and returns.
 *
 * The container's stdout and stderr are a pseudo-terminal (pty(7)) whose
 * other end the monitor copies into MYDOCKER_RUN/ID/container.log. Not the
 * file itself: C's stdio flushes each line only when stdout is a terminal,
 * and otherwise waits for 4 KiB (setvbuf(3)); busybox top would show
 * nothing in the log for a minute. (docker does this only with -t.) */
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

/* A new pseudo-terminal: the master for the monitor to read, the slave
 * for the container to write. Raw mode: no "\n" -> "\r\n", no echo. */
static int open_pty(int *master, int *slave)
{
	struct termios raw;
	char name[64];

	*slave = -1;
	*master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0 || grantpt(*master) < 0 || unlockpt(*master) < 0 ||
	    ptsname_r(*master, name, sizeof name) != 0)
		return -1;
	*slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0 || tcgetattr(*slave, &raw) < 0)
		return -1;
	cfmakeraw(&raw);
	return tcsetattr(*slave, TCSANOW, &raw);
}

/* MYDOCKER_RUN/ID/container.log, and the pty that feeds it. */
int log_open(struct container_log *log, const char *id)
{
	*log = (struct container_log){ .file = -1, .master = -1, .slave = -1 };
	if (snprintf(log->path, sizeof log->path, "%s/%s/container.log", mydocker_run_dir(), id) >=
	    (int)sizeof log->path) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	log->file = open(log->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (log->file < 0 || open_pty(&log->master, &log->slave) < 0)
		goto fail;
	return 0;
fail:
	error_errno("open the log of container %s", id);
	log_close(log);
	return -1;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void log_close(struct container_log *log)
{
	close_fd(&log->file);
	close_fd(&log->master);
	close_fd(&log->slave);
}

/* The log is capped, so that a chatty container cannot fill MYDOCKER_RUN
 * (a tmpfs on most hosts): at LOG_MAX_BYTES, container.log becomes
 * container.log.1, replacing an older one, and a new container.log starts.
 * The monitor's own stderr is the log (monitor_ready()): it moves along. */
static int rotate_log(struct container_log *log)
{
	char old[PATH_MAX + 2];

	snprintf(old, sizeof old, "%s.1", log->path);
	if (rename(log->path, old) < 0)
		return -1;
	close(log->file);
	log->file = open(log->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	log->size = 0;
	if (log->file < 0)
		return -1;
	dup2(log->file, STDERR_FILENO);
	return 0;
}

/* Copies what the container writes into the log, until it has closed its
 * end: read(2) on a pty master fails with EIO once no process has the
 * slave open, that is, once the container's processes are gone. */
void relay_output(struct container_log *log)
{
	char buf[65536];

	for (;;) {
		ssize_t n = read(log->master, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (log->size + n > LOG_MAX_BYTES && rotate_log(log) < 0)
			return;
		log->size += n;
		for (ssize_t done = 0, w; done < n; done += w) {
			w = write(log->file, buf + done, (size_t)(n - done));
			if (w < 0 && errno == EINTR)
				w = 0;
			else if (w < 0)
				return;
		}
	}
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

/* The container runs: tell mydocker its id; from now on nobody reads our
 * stderr, so what the monitor still has to say goes to the log. */
void monitor_ready(int ready_fd, const char *id, int log_fd)
{
	if (write(ready_fd, id, strlen(id)) < 0)
		error_errno("tell mydocker that container %s runs", id);
	close(ready_fd);
	if (log_fd >= 0)
		dup2(log_fd, STDERR_FILENO);
	debug("container %s: running, detached; this monitor is pid %d", id, (int)getpid());
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
