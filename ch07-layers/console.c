/* console.c: with -t, the container gets a pseudo-terminal of its own
 * (pty(7)), as docker's -t does; the caller's terminal never reaches it.
 * A process whose controlling terminal is the caller's could push input
 * into the caller's shell (ioctl TIOCSTI, ioctl_tty(2)), take its
 * foreground, or read what the caller types after the container is gone.
 * init makes the pty in the container's own devpts, so `tty` names it
 * there, and sends the master to mydocker over a unix socket (runc's
 * --console-socket does the same); the slave is the container's stdin,
 * stdout and stderr and its controlling terminal. mydocker copies between
 * its own stdin and stdout and the master, with its own terminal in raw
 * mode meanwhile (the pty does the line editing and turns Ctrl-C into
 * SIGINT, inside). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

/* A new pty of the container's own devpts: its master, and its slave in
 * *slave. /dev/pts/ptmx, not /dev/ptmx: the container may have replaced
 * that link, not the devpts mount. TIOCGPTPEER opens the slave from the
 * master, with no path to look up (ioctl_tty(2)). Exits on failure. */
static int console_open(int *slave)
{
	int master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (master < 0 || unlockpt(master) < 0 ||
	    (*slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		die_errno(EXIT_MYDOCKER, "open a pseudo-terminal in the container's /dev/pts");
	return master;
}

/* The pty's slave as our fds 0-2. */
static void console_as_stdio(int slave)
{
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			die_errno(EXIT_MYDOCKER, "make the pseudo-terminal fd %d", fd);
}

/* In init, inside the container, its socket to mydocker on fd 0: a new pty,
 * the master sent to mydocker, the slave our fds 0-2. mydocker sizes the
 * pty before it says go: the command starts at the size of our terminal. */
void console_make(void)
{
	int slave = -1, master = console_open(&slave);
	char go;

	if (send_fd(STDIN_FILENO, master) < 0 || read(STDIN_FILENO, &go, 1) != 1)
		die_errno(EXIT_MYDOCKER, "hand the pseudo-terminal to mydocker");
	console_as_stdio(slave);
	close(slave);
	close(master);
}

/* In the process that becomes the container's, the leader of a session of
 * its own: the slave on fd 0 becomes its controlling terminal (TIOCSCTTY,
 * ioctl_tty(2)). */
void console_take(void)
{
	if (ioctl(STDIN_FILENO, TIOCSCTTY, 0) < 0)
		die_errno(EXIT_MYDOCKER, "make the pseudo-terminal the container's own");
}

/* The pty's size follows our terminal's: at the start, and on SIGWINCH,
 * which the kernel sends us when our terminal is resized; the pty then
 * sends it on to the container's foreground (ioctl_tty(2), TIOCSWINSZ). */
static volatile sig_atomic_t resized = 1;

static void note_resize(int sig)
{
	(void)sig;
	resized = 1;
}

/* Our stdin has ended: the container's terminal says so as a terminal
 * does, with its end-of-file character (VEOF, ^D: termios(3)), so that
 * `echo ls | mydocker run -it sh` ends. */
static void send_end_of_input(int master)
{
	struct termios t;
	char eof = tcgetattr(master, &t) == 0 ? (char)t.c_cc[VEOF] : '\004';

	write_all(master, &eof, 1);
}

/* In mydocker, until the process behind pidfd has exited, then what it
 * left in the pty: a process it left behind may keep the slave open, and
 * read(2) on the master fails with EIO only once no process has it open.
 * Our stdin goes in with -i. */
void console_relay(int master, bool interactive, int pidfd)
{
	struct pollfd fds[3] = { { .fd = master, .events = POLLIN },
				 { .fd = interactive ? STDIN_FILENO : -1, .events = POLLIN },
				 { .fd = pidfd, .events = POLLIN } };

	signal(SIGWINCH, note_resize); /* poll(2) returns EINTR, signal(7) */
	terminal_make_raw(STDIN_FILENO);
	for (;;) {
		if (resized) {
			resized = 0;
			terminal_copy_size(STDIN_FILENO, master);
		}
		if (poll(fds, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[0].revents && copy_once(master, STDOUT_FILENO) < 0)
			break;
		if (fds[1].revents && copy_once(STDIN_FILENO, master) < 0) {
			send_end_of_input(master);
			fds[1].fd = -1; /* the container goes on */
		}
		if (fds[2].revents) {
			copy_what_is_ready(master, STDOUT_FILENO);
			break;
		}
	}
	terminal_restore();
	close(master);
}
