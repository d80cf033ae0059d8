/* debug.c: `mydocker --debug` narrates the steps of a start, in order, so a
 * learner sees what happens when, and a test can look for a step. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "common.h"

static bool debug_on;

void debug_set(bool on)
{
	debug_on = on;
}

bool debug_enabled(void)
{
	return debug_on;
}

void debug(const char *fmt, ...)
{
	int saved_errno = errno;
	char line[1024];
	va_list ap;

	if (!debug_on)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	fprintf(stderr, "mydocker: => %s\n", line);
	errno = saved_errno;
}
