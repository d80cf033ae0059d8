/* capabilities.c: root in a container is not all of root. The kernel
 * splits root's powers into capabilities (capabilities(7)); the container
 * keeps docker's default set and loses the rest, such as CAP_SYS_ADMIN
 * (mount, and much else), CAP_SYS_MODULE, CAP_SYS_TIME, CAP_NET_ADMIN. */
#define _GNU_SOURCE
#include <sys/capability.h>

#include "common.h"
#include "mydocker.h"

/* Docker's default set: 0x00000000a80425fb in /proc/PID/status. */
static const cap_value_t kept[] = {
	CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD,
	CAP_NET_RAW, CAP_SETGID, CAP_SETUID, CAP_SETFCAP, CAP_SETPCAP,
	CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE,
};

static bool is_kept(cap_value_t cap)
{
	for (size_t i = 0; i < ARRAY_SIZE(kept); i++)
		if (kept[i] == cap)
			return true;
	return false;
}

/* The bounding set limits what any later execve(2) can grant, so drop
 * from it first (which needs CAP_SETPCAP, still ours); then set the
 * permitted and effective sets, and leave the inheritable and ambient ones
 * empty. A root process that execs gets its bounding set as its permitted
 * and effective sets: exactly the kept ones. An inheritable set would let
 * a non-root user in the container gain capabilities from a program's file
 * capabilities (CVE-2022-24769); docker keeps it empty too. */
void drop_capabilities(void)
{
	cap_t caps;

	for (cap_value_t cap = 0; cap < (cap_value_t)cap_max_bits(); cap++)
		if (!is_kept(cap) && cap_drop_bound(cap) < 0)
			die_errno(EXIT_MYDOCKER, "drop capability %s from the bounding set", cap_to_name(cap));
	caps = cap_init();
	if (!caps ||
	    cap_set_flag(caps, CAP_PERMITTED, ARRAY_SIZE(kept), kept, CAP_SET) < 0 ||
	    cap_set_flag(caps, CAP_EFFECTIVE, ARRAY_SIZE(kept), kept, CAP_SET) < 0 ||
	    cap_set_proc(caps) < 0)
		die_errno(EXIT_MYDOCKER, "set the container's capabilities");
	cap_free(caps);
	if (cap_reset_ambient() < 0)
		die_errno(EXIT_MYDOCKER, "clear the ambient capabilities");
	debug("init: kept docker's default capabilities, dropped the rest");
}

/* config.json's process.capabilities, where the caller names each set
 * (bundle.c): the bounding set first, while we are still root with every
 * capability (dropping needs CAP_SETPCAP). */
void drop_bounding_set(uint64_t bounding)
{
	for (cap_value_t cap = 0; cap < (cap_value_t)cap_max_bits(); cap++)
		if (!(bounding & (1ULL << cap)) && cap_drop_bound(cap) < 0)
			die_errno(EXIT_MYDOCKER, "drop capability %s from the bounding set", cap_to_name(cap));
}

/* The kernel raises an ambient capability only if it is permitted and
 * inheritable already (capabilities(7)). `runc spec` writes ambient ones
 * that are not inheritable; runc warns and goes on, and so do we: the
 * config contradicts itself, and the process gets the rest of it. */
static void raise_ambient(cap_value_t cap, const uint64_t sets[N_CAP_SETS])
{
	uint64_t bit = 1ULL << cap;

	if (!(sets[CAP_SET_INHERITABLE] & bit) || !(sets[CAP_SET_PERMITTED] & bit))
		error_msg("warning: ambient capability %s is not also permitted and inheritable: not raised",
			  cap_to_name(cap));
	else if (cap_set_ambient(cap, CAP_SET) < 0)
		die_errno(EXIT_MYDOCKER, "raise the ambient capability %s", cap_to_name(cap));
}

/* ... then, once the user is set, the effective, permitted and inheritable
 * sets, and last the ambient set, whose capabilities must be in the
 * permitted and inheritable ones (capabilities(7)). A set the config does
 * not list is empty. */
void set_capabilities(const uint64_t sets[N_CAP_SETS])
{
	static const cap_flag_t flags[] = { [CAP_SET_EFFECTIVE] = CAP_EFFECTIVE,
		[CAP_SET_PERMITTED] = CAP_PERMITTED, [CAP_SET_INHERITABLE] = CAP_INHERITABLE };
	cap_t caps = cap_init();

	for (cap_value_t cap = 0; caps && cap < (cap_value_t)cap_max_bits(); cap++)
		for (int set = CAP_SET_EFFECTIVE; set <= CAP_SET_INHERITABLE; set++)
			if ((sets[set] & (1ULL << cap)) && cap_set_flag(caps, flags[set], 1, &cap, CAP_SET) < 0)
				die_errno(EXIT_MYDOCKER, "capability %s", cap_to_name(cap));
	if (!caps || cap_set_proc(caps) < 0)
		die_errno(EXIT_MYDOCKER, "set the container's capabilities");
	cap_free(caps);
	if (cap_reset_ambient() < 0)
		die_errno(EXIT_MYDOCKER, "clear the ambient capabilities");
	for (cap_value_t cap = 0; cap < (cap_value_t)cap_max_bits(); cap++)
		if (sets[CAP_SET_AMBIENT] & (1ULL << cap))
			raise_ambient(cap, sets);
}
