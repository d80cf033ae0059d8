/* devices.c: the devices subsystem. Which device nodes the container's
 * processes may open (r, w) or make with mknod(2) (m): a container that
 * could open the host's disk, /dev/sda, could read any file on it.
 * On v1 each rule is written in order to devices.allow or devices.deny;
 * "a *:* rwm" to devices.deny first takes everything away.
 * Kernel docs: cgroup-v1/devices.rst. */
#include <stdio.h>

#include "common.h"
#include "mydocker.h"

/* The devices every container gets (make_default_devices() makes them),
 * allowed after the config's rules, as runc does (its AllowedDevices):
 * null, zero, full, random, urandom, tty, console, ptmx and the ptys. */
static const char *const default_devices[] = {
	"c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm",
	"c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm",
};

static bool devices_wanted(const struct resources *r)
{
	return r->n_devices > 0;
}

static int devices_set_v1(const char *dir, const struct resources *r)
{
	for (int i = 0; i < r->n_devices; i++) {
		const struct device_rule *d = &r->devices[i];
		if (cgroup_write(dir, d->allow ? "devices.allow" : "devices.deny", d->rule) < 0)
			return -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++)
		if (cgroup_write(dir, "devices.allow", default_devices[i]) < 0)
			return -1;
	return 0;
}

/* cgroup v2 has no devices files: its rules are a BPF program attached
 * to the cgroup (BPF_PROG_TYPE_CGROUP_DEVICE, bpf(2)), which runc and crun
 * load. This runtime does not, so on v2 it refuses rules it cannot apply. */
const struct subsystem devices_subsystem = {
	.name = "devices",
	.wanted = devices_wanted,
	.set_v1 = devices_set_v1,
	.set_v2 = NULL,
};
