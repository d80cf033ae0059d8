/* cpu.c: the cpu subsystem. --cpu-shares is a relative weight: when CPUs
 * are busy, a cgroup with 512 gets half the time of one with 1024; when
 * they are idle, it changes nothing. v1 takes it as cpu.shares (2..262144,
 * default 1024); v2 as cpu.weight (1..10000, default 100).
 * A bundle's cpu.quota and cpu.period are a ceiling instead, busy or not:
 * quota µs of CPU time in every period µs, all CPUs together (50000 of
 * 100000 is half a CPU). v1 takes them as cpu.cfs_quota_us and
 * cpu.cfs_period_us, v2 as cpu.max "QUOTA PERIOD"; the kernel refuses a
 * quota under 1000 µs (EINVAL).
 * Kernel docs: scheduler/sched-design-CFS.rst, scheduler/sched-bwc.rst,
 * cgroup-v2.rst. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "common.h"
#include "mydocker.h"

static bool cpu_wanted(const struct resources *r)
{
	return r->cpu_shares != 0 || r->cpu_quota != 0 || r->cpu_period != 0;
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

#define CPU_PERIOD_DEFAULT 100000 /* µs, the kernel's */

/* The period first: a quota is checked against the period in place. */
static int cpu_set_v1(const char *dir, const struct resources *r)
{
	char shares[32], period[32], quota[32];

	snprintf(shares, sizeof shares, "%" PRIu64, r->cpu_shares);
	snprintf(period, sizeof period, "%" PRIu64, r->cpu_period);
	snprintf(quota, sizeof quota, "%" PRIu64, r->cpu_quota);
	if (r->cpu_shares && cgroup_write(dir, "cpu.shares", shares) < 0)
		return -1;
	if (r->cpu_period && cgroup_write(dir, "cpu.cfs_period_us", period) < 0)
		return -1;
	return r->cpu_quota ? cgroup_write(dir, "cpu.cfs_quota_us", quota) : 0;
}

static int cpu_set_v2(const char *dir, const struct resources *r)
{
	char weight[32], max[64];

	snprintf(weight, sizeof weight, "%" PRIu64, cpu_shares_to_weight(r->cpu_shares));
	if (r->cpu_quota)
		snprintf(max, sizeof max, "%" PRIu64 " %" PRIu64, r->cpu_quota,
			 r->cpu_period ? r->cpu_period : CPU_PERIOD_DEFAULT);
	else
		snprintf(max, sizeof max, "max %" PRIu64, r->cpu_period);
	if (r->cpu_shares && cgroup_write(dir, "cpu.weight", weight) < 0)
		return -1;
	return r->cpu_quota || r->cpu_period ? cgroup_write(dir, "cpu.max", max) : 0;
}

const struct subsystem cpu_subsystem = {
	.name = "cpu",
	.wanted = cpu_wanted,
	.set_v1 = cpu_set_v1,
	.set_v2 = cpu_set_v2,
};
