/* terminal.c: our own terminal, while we copy between it and a pty: raw
 * mode, so that each key goes on as it is typed and the pty at the other
 * end does the line editing (termios(3)), and the window's size. */
#define _GNU_SOURCE
#include <stdbool.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "common.h"

static struct termios saved;
static int raw_fd = -1;

/* Nothing to do where fd is no terminal. */
void terminal_make_raw(int fd)
{
	struct termios t;

	if (!isatty(fd) || tcgetattr(fd, &saved) < 0)
		return;
	t = saved;
	cfmakeraw(&t);
	if (tcsetattr(fd, TCSANOW, &t) == 0)
		raw_fd = fd;
}

/* The modes terminal_make_raw() found. */
void terminal_restore(void)
{
	if (raw_fd >= 0)
		tcsetattr(raw_fd, TCSANOW, &saved);
	raw_fd = -1;
}

/* The size of terminal from, given to terminal to (ioctl_tty(2)). */
void terminal_copy_size(int from, int to)
{
	struct winsize size;

	if (ioctl(from, TIOCGWINSZ, &size) == 0)
		ioctl(to, TIOCSWINSZ, &size);
}
