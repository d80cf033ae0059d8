/* error.c: every failure is reported the same way, on one line, naming the
 * call or object that failed and the reason, so a learner can search for it
 * (bubblewrap's die_with_error, crun's error objects). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static void (*also)(const char *message); /* error_also_to(): a log */
static char *captured;     /* error_capture(): the last message goes here */
static size_t captured_size;

static void vreport(int saved_errno, const char *fmt, va_list ap)
{
	char line[1024];
	int n = snprintf(line, sizeof line, "mydocker: ");

	vsnprintf(line + n, sizeof line - n, fmt, ap);
	if (captured && saved_errno)
		snprintf(captured, captured_size, "%s: %s", line + n, strerror(saved_errno));
	else if (captured)
		snprintf(captured, captured_size, "%s", line + n);
	else if (saved_errno)
		fprintf(stderr, "%s: %s\n", line, strerror(saved_errno));
	else
		fprintf(stderr, "%s\n", line);
	if (also && saved_errno)
		snprintf(line + strlen(line), sizeof line - strlen(line), ": %s", strerror(saved_errno));
	if (also)
		also(line + n);
}

/* From now on, every message (without "mydocker: ") is also given to
 * log, which writes it where the program keeps its log. */
void error_also_to(void (*log)(const char *message))
{
	also = log;
}

/* Until error_capture(NULL, 0), error_errno() and error_msg() keep their
 * last message (without "mydocker: ") in buf instead of printing it. */
void error_capture(char *buf, size_t size)
{
	captured = buf;
	captured_size = size;
	if (buf && size)
		buf[0] = '\0';
}

void error_errno(const char *fmt, ...)
{
	int saved_errno = errno;
	va_list ap;

	va_start(ap, fmt);
	vreport(saved_errno, fmt, ap);
	va_end(ap);
	errno = saved_errno;
}

void error_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(0, fmt, ap);
	va_end(ap);
}

void die_errno(int code, const char *fmt, ...)
{
	int saved_errno = errno;
	va_list ap;

	va_start(ap, fmt);
	vreport(saved_errno, fmt, ap);
	va_end(ap);
	_exit(code);
}

void die_msg(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(0, fmt, ap);
	va_end(ap);
	_exit(code);
}
