/* container_log.c: a detached container's output, MYDOCKER_RUN/ID/
 * container.log. The container's stdout and stderr are a pseudo-terminal
 * (pty(7)) whose other end its monitor copies into the log. Not the file
 * itself: C's stdio flushes each line only when stdout is a terminal, and
 * otherwise waits for 4 KiB (setvbuf(3)); busybox top would show nothing
 * in the log for a minute. (docker does this only with -t.) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

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

/* A detached container's MYDOCKER_RUN/ID/container.log, and the pty that
 * feeds it; a container in the foreground has none (every fd -1). */
int log_open(struct container_log *log, bool detached, const char *id)
{
	*log = (struct container_log){ .file = -1, .master = -1, .slave = -1 };
	if (!detached)
		return 0;
	if (run_path(log->path, sizeof log->path, "%s/container.log", id) < 0)
		goto fail;
	log->file = open(log->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (log->file < 0 || open_pty(&log->master, &log->slave) < 0)
		goto fail;
	return 0;
fail:
	error_errno("open the log of container %s", id);
	log_close(log);
	return -1;
}

/* The container's first process has its copy of the pty's slave; ours
 * goes, so that the master reads EIO once the container's last is closed. */
void log_handed_over(struct container_log *log)
{
	close_fd(&log->slave);
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
		if (write_all(log->file, buf, (size_t)n) < 0)
			return;
	}
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
