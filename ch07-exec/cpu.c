/* cpu.c: the cpu subsystem. --cpu-shares is a relative weight: when CPUs
 * are busy, a cgroup with 512 gets half the time of one with 1024; when
 * they are idle, it changes nothing. v1 takes it as cpu.shares (2..262144,
 * default 1024); v2 as cpu.weight (1..10000, default 100).
 * Kernel docs: scheduler/sched-design-CFS.rst, cgroup-v2.rst. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "common.h"
#include "mydocker.h"

static bool cpu_wanted(const struct resources *r)
{
	return r->cpu_shares != 0;
}

/* runc's conversion (libcontainer/cgroups, ConvertCPUSharesToCgroupV2Value):
 * a quadratic in log2(shares) through the three points that matter,
 * 2 -> 1 (minimum), 1024 -> 100 (default), 262144 -> 10000 (maximum). */
uint64_t cpu_shares_to_weight(uint64_t shares)
{
	double l, exponent;

	if (shares == 0)
		return 0;
	if (shares <= 2)
		return 1;
	if (shares >= 262144)
		return 10000;
	l = log2((double)shares);
	exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
	return (uint64_t)ceil(pow(10, exponent));
}

static int cpu_set_v1(const char *dir, const struct resources *r)
{
	char shares[32];

	snprintf(shares, sizeof shares, "%" PRIu64, r->cpu_shares);
	return cgroup_write(dir, "cpu.shares", shares);
}

static int cpu_set_v2(const char *dir, const struct resources *r)
{
	char weight[32];

	snprintf(weight, sizeof weight, "%" PRIu64, cpu_shares_to_weight(r->cpu_shares));
	return cgroup_write(dir, "cpu.weight", weight);
}

const struct subsystem cpu_subsystem = {
	.name = "cpu",
	.wanted = cpu_wanted,
	.set_v1 = cpu_set_v1,
	.set_v2 = cpu_set_v2,
};
