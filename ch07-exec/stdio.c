/* stdio.c: the container's stdin, stdout and stderr: with -t, a pty of its
 * own, which init makes (console.c); else, wherever ours is a terminal, a
 * pipe that mydocker copies to or from it, as docker does. (A process
 * holding our terminal could read what we type once the container is
 * gone, change its modes, termios(3), or write over the screen.) Without
 * -i, stdin is /dev/null. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

/* A pipe for each of our fds 0-2 that is a terminal (stdin only with -i):
 * the container reads from its stdin's and writes into the others. */
static int pipe_terminals(struct stdio *io)
{
	for (int fd = 0; fd < 3; fd++) {
		int ends[2];
		if ((fd == STDIN_FILENO && !io->interactive) || !isatty(fd))
			continue;
		if (pipe2(ends, O_CLOEXEC) < 0)
			return -1;
		io->theirs[fd] = fd == STDIN_FILENO ? ends[0] : ends[1];
		io->ours[fd] = fd == STDIN_FILENO ? ends[1] : ends[0];
	}
	/* our stdin's writes never block the relay (below) */
	return io->ours[0] >= 0 ? fcntl(io->ours[0], F_SETFL, O_NONBLOCK) : 0;
}

/* With -t the socket the pty will come on, else pipes: 0, or -1 with
 * errno (stdio_close() undoes). */
int stdio_open(struct stdio *io, bool tty, bool interactive)
{
	io->interactive = interactive;
	if (tty)
		return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, io->socket);
	return pipe_terminals(io);
}

/* In the child, before it execs: its fds 0, 1 and 2 (with -t, until init
 * makes the pty, the socket is its stdin). */
void stdio_attach(const struct stdio *io)
{
	if (io->socket[1] >= 0) {
		if (dup2(io->socket[1], STDIN_FILENO) < 0)
			die_errno(EXIT_MYDOCKER, "pass the socket for the pty as fd 0");
		return;
	}
	if (!io->interactive)
		stdin_from_dev_null();
	for (int fd = 0; fd < 3; fd++)
		if (io->theirs[fd] >= 0 && dup2(io->theirs[fd], fd) < 0)
			die_errno(EXIT_MYDOCKER, "give the container its fd %d", fd);
}

/* In mydocker, once the child has its ends and its command; with -t, the
 * master of the pty init has made, sized as our terminal before init goes
 * on: 0, or -1 if init failed first (it said why). */
int stdio_connect(struct stdio *io)
{
	close_fd(&io->socket[1]);
	for (int fd = 0; fd < 3; fd++)
		close_fd(&io->theirs[fd]);
	if (io->socket[0] < 0)
		return 0;
	io->master = receive_fd(io->socket[0]);
	if (io->master >= 0) {
		terminal_copy_size(STDIN_FILENO, io->master);
		write_all(io->socket[0], "g", 1);
		debug("received the master of the container's pty from init");
	}
	close_fd(&io->socket[0]);
	return io->master >= 0 ? 0 : -1;
}

/* Until the process behind pidfd has exited, then what its pipes hold: a
 * process it left behind cannot keep us waiting. */
static void relay_pipes(struct stdio *io, int pidfd)
{
	struct copy_buffer in = { .len = 0 }; /* our stdin, on its way in */
	struct pollfd fds[4] = { { .fd = pidfd, .events = POLLIN } };

	for (;;) {
		fds[1] = (struct pollfd){ .fd = io->ours[1], .events = POLLIN };
		fds[2] = (struct pollfd){ .fd = io->ours[2], .events = POLLIN };
		fds[3] = in.len ? (struct pollfd){ .fd = io->ours[0], .events = POLLOUT }
				: (struct pollfd){ .fd = io->ours[0] < 0 ? -1 : STDIN_FILENO, .events = POLLIN };
		if (poll(fds, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int fd = 1; fd < 3; fd++)
			if (fds[fd].revents && copy_once(io->ours[fd], fd) < 0)
				close_fd(&io->ours[fd]); /* its end, or ours has failed */
		/* a container that does not read its stdin cannot stop the relay */
		if (fds[3].revents && copy_buffered(&in, STDIN_FILENO, io->ours[0]) < 0)
			close_fd(&io->ours[0]); /* our stdin has ended, or its stdin is closed */
		if (fds[0].revents || (pidfd < 0 && io->ours[1] < 0 && io->ours[2] < 0))
			break;
	}
	for (int fd = 1; fd < 3; fd++)
		if (io->ours[fd] >= 0)
			copy_what_is_ready(io->ours[fd], fd);
}

/* In mydocker, once connected: relays until process pid (the container's
 * first, or exec's) has exited. */
void stdio_relay(struct stdio *io, pid_t pid)
{
	bool pipes = io->ours[0] >= 0 || io->ours[1] >= 0 || io->ours[2] >= 0;
	int pidfd = -1;

	if ((io->master >= 0 || pipes) && (pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0)
		error_errno("pidfd_open %d (the relay waits for the end of the output)", (int)pid);
	if (io->master >= 0)
		console_relay(io->master, io->interactive, pidfd);
	else if (pipes)
		relay_pipes(io, pidfd);
	io->master = -1; /* console_relay() closed it */
	if (pidfd >= 0)
		close(pidfd);
	stdio_close(io);
}

void stdio_close(struct stdio *io)
{
	close_fd(&io->master);
	close_fd(&io->socket[0]);
	close_fd(&io->socket[1]);
	for (int fd = 0; fd < 3; fd++) {
		close_fd(&io->ours[fd]);
		close_fd(&io->theirs[fd]);
	}
}
