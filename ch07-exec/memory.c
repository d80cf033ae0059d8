/* memory.c: the memory subsystem. A limit on the memory the container's
 * processes may use; past it the kernel reclaims, then its OOM killer kills
 * one of them. No swap on top: the limit is the limit.
 * Files: memory.limit_in_bytes, memory.memsw.limit_in_bytes (v1),
 * memory.max, memory.swap.max (v2); kernel docs: cgroup-v1/memory.rst,
 * cgroup-v2.rst. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

static bool memory_wanted(const struct resources *r)
{
	return r->memory != 0;
}

static int memory_set_v1(const char *dir, const struct resources *r)
{
	char bytes[32];

	snprintf(bytes, sizeof bytes, "%" PRIu64, r->memory);
	if (cgroup_write(dir, "memory.limit_in_bytes", bytes) < 0)
		return -1;
	/* memsw is memory + swap, so the same number means no swap. */
	if (has_file(dir, "memory.memsw.limit_in_bytes"))
		return cgroup_write(dir, "memory.memsw.limit_in_bytes", bytes);
	return 0;
}

static int memory_set_v2(const char *dir, const struct resources *r)
{
	char bytes[32];

	snprintf(bytes, sizeof bytes, "%" PRIu64, r->memory);
	if (cgroup_write(dir, "memory.max", bytes) < 0)
		return -1;
	if (has_file(dir, "memory.swap.max"))
		return cgroup_write(dir, "memory.swap.max", "0");
	return 0;
}

/* The "oom_kill N" line of memory.oom_control (v1) or memory.events (v2):
 * how many processes the OOM killer killed in this cgroup. */
uint64_t memory_oom_kills(const char *dir, int version)
{
	char path[PATH_MAX], text[4096], *save = NULL;
	uint64_t kills;

	if (path_join(path, sizeof path, dir, version == 1 ? "memory.oom_control" : "memory.events") < 0 ||
	    read_file(path, text, sizeof text) < 0)
		return 0;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, "oom_kill %" SCNu64, &kills) == 1)
			return kills;
	return 0;
}

const struct subsystem memory_subsystem = {
	.name = "memory",
	.wanted = memory_wanted,
	.set_v1 = memory_set_v1,
	.set_v2 = memory_set_v2,
};
