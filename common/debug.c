/* debug.c: `mydocker --debug` narrates the steps of a start, in order, so a
 * learner sees what happens when, and what each step costs: every line
 * says its time since the start, "mydocker:   1.234 ms => ...". A test can
 * look for a step.
 *
 * The start is when the first mydocker of a command turned --debug on. The
 * processes it starts by exec (init, exec-init) are given it on their
 * command line, "--debug=NANOSECONDS" (debug_flag()): one clock for all of
 * them, CLOCK_MONOTONIC, which every process of the host shares
 * (clock_gettime(2)). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "common.h"

static bool debug_on;
static long long zero_ns; /* the start, on CLOCK_MONOTONIC */

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* on: --debug was given; since: its value, the start of the command that
 * started this process ("--debug=NANOSECONDS"), or NULL: now. */
void debug_set(bool on, const char *since)
{
	debug_on = on;
	if (!on)
		return; /* no clock read on a start without --debug */
	zero_ns = since ? atoll(since) : 0;
	if (zero_ns <= 0)
		zero_ns = now_ns();
}

bool debug_enabled(void)
{
	return debug_on;
}

/* "--debug=NANOSECONDS", for the command line of a process we exec. */
const char *debug_flag(void)
{
	static char flag[40];

	snprintf(flag, sizeof flag, "--debug=%lld", zero_ns);
	return flag;
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
	fprintf(stderr, "mydocker: %7.3f ms => %s\n", (double)(now_ns() - zero_ns) / 1e6, line);
	errno = saved_errno;
}
