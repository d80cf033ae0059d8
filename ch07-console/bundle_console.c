/* bundle_console.c: a container with process.terminal gets a pseudo-
 * terminal (pty(7)) of its own, and its caller gets the master over the
 * unix socket it named with --console-socket: runc's way, which
 * containerd's shim and podman's conmon use for `-t`. The caller keeps
 * the master and copies between it and the user's terminal; the runtime
 * can exit, and the container keeps its terminal. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

/* create, before the clone: a connection to the caller's socket, for
 * init to send the master on. */
int connect_console_socket(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof addr.sun_path) {
		error_msg("--console-socket %s: path too long for a unix socket", path);
		return -1;
	}
	memcpy(addr.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
		error_errno("--console-socket %s", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* In init, after pivot_root: a new pty of the container's own devpts
 * (/dev/pts/ptmx, which a root cannot swap for the host's), the slave
 * opened from the master (TIOCGPTPEER, ioctl_tty(2)) as init's stdin,
 * stdout, stderr and controlling terminal (setsid(2), TIOCSCTTY), sized
 * as process.consoleSize says; the master sent on fd 6 (SCM_RIGHTS),
 * and not kept. */
void open_bundle_console(const struct bundle *b)
{
	struct winsize size = { .ws_row = b->console_rows, .ws_col = b->console_cols };
	int slave = -1, master = console_open(&slave);

	if (size.ws_row && size.ws_col && ioctl(master, TIOCSWINSZ, &size) < 0)
		die_errno(EXIT_MYDOCKER, "init: size the pseudo-terminal");
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		die_errno(EXIT_MYDOCKER, "init: make the pseudo-terminal the container's own");
	console_as_stdio(slave);
	if (send_fd(BUNDLE_CONSOLE_FD, master) < 0)
		die_errno(EXIT_MYDOCKER, "init: send the pseudo-terminal to --console-socket");
	close(slave);
	close(master);
	close(BUNDLE_CONSOLE_FD);
	debug("init: the pseudo-terminal's master went to the console socket");
}
