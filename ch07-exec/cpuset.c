/* cpuset.c: the cpuset subsystem. --cpuset-cpus pins the container to a
 * list of CPUs, "0-1,3". A new v1 cpuset cgroup starts with empty
 * cpuset.cpus and cpuset.mems and takes no process until both are filled
 * (cpuset(7)); v2 fills them from the parent. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "mydocker.h"

static bool cpuset_wanted(const struct resources *r)
{
	return r->cpuset_cpus[0] != '\0';
}

/* One number of a CPU list: digits only, below MAX_CPUS. */
static int parse_cpu(const char **p, unsigned *cpu)
{
	char *end;
	unsigned long n;

	if (**p < '0' || **p > '9')
		return -1;
	n = strtoul(*p, &end, 10);
	if (n >= MAX_CPUS)
		return -1;
	*cpu = (unsigned)n;
	*p = end;
	return 0;
}

/* "0-3,8,10-11" -> mask. Ranges go up ("42-3" is refused); no empty items,
 * no spaces. The kernel's format (cpuset(7), "List format"). */
int cpuset_parse(const char *list, struct cpu_mask *mask)
{
	const char *p = list;

	memset(mask, 0, sizeof *mask);
	for (;;) {
		unsigned first, last;
		if (parse_cpu(&p, &first) < 0)
			goto bad;
		last = first;
		if (*p == '-') {
			p++;
			if (parse_cpu(&p, &last) < 0 || last < first)
				goto bad;
		}
		for (unsigned cpu = first; cpu <= last; cpu++)
			mask->cpu[cpu] = 1;
		if (*p == '\0')
			return 0;
		if (*p++ != ',')
			goto bad;
	}
bad:
	errno = EINVAL;
	return -1;
}

/* The first CPU in mask that allowed does not have, or -1. */
int cpuset_first_outside(const struct cpu_mask *mask, const struct cpu_mask *allowed)
{
	for (int cpu = 0; cpu < MAX_CPUS; cpu++)
		if (mask->cpu[cpu] && !allowed->cpu[cpu])
			return cpu;
	return -1;
}

/* Copies a cpuset file from the parent cgroup, as a new v1 cgroup needs;
 * a parent just made (by a config's cgroupsPath) is filled first. */
static int copy_from_parent(const char *dir, const char *file)
{
	char parent[PATH_MAX], path[PATH_MAX + 32], value[4096];
	char *slash;

	snprintf(parent, sizeof parent, "%s", dir);
	slash = strrchr(parent, '/');
	if (slash)
		*slash = '\0';
	snprintf(path, sizeof path, "%s/%s", parent, file);
	if (read_file(path, value, sizeof value) < 0) {
		error_errno("read %s", path);
		return -1;
	}
	if (value[0] == '\n' && (copy_from_parent(parent, file) < 0 || read_file(path, value, sizeof value) < 0))
		return -1;
	value[strcspn(value, "\n")] = '\0';
	return cgroup_write(dir, file, value);
}

static int cpuset_set_v1(const char *dir, const struct resources *r)
{
	if (copy_from_parent(dir, "cpuset.mems") < 0 || copy_from_parent(dir, "cpuset.cpus") < 0)
		return -1;
	return cgroup_write(dir, "cpuset.cpus", r->cpuset_cpus);
}

static int cpuset_set_v2(const char *dir, const struct resources *r)
{
	return cgroup_write(dir, "cpuset.cpus", r->cpuset_cpus);
}

const struct subsystem cpuset_subsystem = {
	.name = "cpuset",
	.wanted = cpuset_wanted,
	.set_v1 = cpuset_set_v1,
	.set_v2 = cpuset_set_v2,
};
