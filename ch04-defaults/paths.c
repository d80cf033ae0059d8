/* paths.c: where mydocker keeps what outlives a run: MYDOCKER_ROOT
 * (default /var/lib/mydocker) holds the images and the containers' layers.
 * Every path below it is made by root_path(), which fails with
 * ENAMETOOLONG rather than cut a path short. */
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
