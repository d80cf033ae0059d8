/* paths.c: where mydocker keeps what outlives a run: MYDOCKER_ROOT
 * (default /var/lib/mydocker) holds the images and the containers' layers,
 * MYDOCKER_RUN (default /var/run/mydocker) the containers' records and
 * logs. Every path below them is made by root_path() or run_path(), which
 * fail with ENAMETOOLONG rather than cut a path short. */
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>

#include "common.h"
#include "mydocker.h"

const char *mydocker_root(void)
{
	const char *root = getenv("MYDOCKER_ROOT");

	return root && *root ? root : "/var/lib/mydocker";
}

/* MYDOCKER_ROOT/<what fmt makes>: 0, or -1 with ENAMETOOLONG. */
int root_path(char *out, size_t size, const char *fmt, ...)
{
	char below[PATH_MAX];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = path_vprintf(below, sizeof below, fmt, ap);
	va_end(ap);
	return ret < 0 ? -1 : path_join(out, size, mydocker_root(), below);
}

const char *mydocker_run_dir(void)
{
	const char *dir = getenv("MYDOCKER_RUN");

	return dir && *dir ? dir : "/var/run/mydocker";
}

/* MYDOCKER_RUN/<what fmt makes>: 0, or -1 with ENAMETOOLONG. */
int run_path(char *out, size_t size, const char *fmt, ...)
{
	char below[PATH_MAX];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = path_vprintf(below, sizeof below, fmt, ap);
	va_end(ap);
	return ret < 0 ? -1 : path_join(out, size, mydocker_run_dir(), below);
}
