/* pids.c: the pids subsystem. A limit on how many processes and threads
 * the container may have at once: past it, fork(2) and clone(2) fail with
 * EAGAIN, and a fork bomb stops there instead of filling the host's pid
 * table. The same file, pids.max, on v1 and v2 ("max" for no limit).
 * Kernel docs: cgroup-v1/pids.rst, cgroup-v2.rst. */
#include <stdio.h>

#include "common.h"
#include "mydocker.h"

static bool pids_wanted(const struct resources *r)
{
	return r->pids != 0;
}

static int pids_set(const char *dir, const struct resources *r)
{
	char limit[32] = "max";

	if (r->pids > 0)
		snprintf(limit, sizeof limit, "%lld", r->pids);
	return cgroup_write(dir, "pids.max", limit);
}

const struct subsystem pids_subsystem = {
	.name = "pids",
	.wanted = pids_wanted,
	.set_v1 = pids_set,
	.set_v2 = pids_set,
};
