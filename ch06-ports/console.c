/* console.c: with -t, the container gets a pseudo-terminal of its own
 * (pty(7)), as docker's -t does; the caller's terminal never reaches it.
 * A process whose controlling terminal is the caller's could push input
 * into the caller's shell (ioctl TIOCSTI, ioctl_tty(2)), take its
 * foreground, or read what the caller types after the container is gone.
 * So the container's stdin, stdout and stderr are the pty's slave, its
 * controlling terminal; mydocker copies between its own stdin and stdout
 * and the pty's master, with its own terminal in raw mode meanwhile (the
 * pty does the line editing and turns Ctrl-C into SIGINT, inside). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

/* A new pty, both ends close-on-exec, the slave the size of our terminal:
 * 0, or -1 with errno. */
int console_open(int *master, int *slave)
{
	struct winsize size;

	*slave = -1;
	*master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0 || grantpt(*master) < 0 || unlockpt(*master) < 0 ||
	    (*slave = ioctl(*master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		int saved_errno = errno;
		if (*master >= 0)
			close(*master);
		*master = -1;
		errno = saved_errno;
		return -1;
	}
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &size) == 0)
		ioctl(*master, TIOCSWINSZ, &size);
	return 0;
}

/* In the process that becomes the container's: a session of its own, with
 * the slave on fd 0 as its controlling terminal (TIOCSCTTY, ioctl_tty(2)). */
void console_take(void)
{
	if (setsid() < 0 || ioctl(STDIN_FILENO, TIOCSCTTY, 0) < 0)
		die_errno(EXIT_MYDOCKER, "make the pseudo-terminal the container's own");
}

static struct termios saved;
static bool raw;

static void restore_terminal(void)
{
	if (raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	raw = false;
}

static void make_terminal_raw(void)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved) < 0)
		return;
	t = saved;
	cfmakeraw(&t);
	raw = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
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

	make_terminal_raw();
	for (;;) {
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
	restore_terminal();
	close(master);
}
