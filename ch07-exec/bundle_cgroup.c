/* bundle_cgroup.c: the container's cgroup, as config.json asks: its
 * limits in linux.resources, its place in linux.cgroupsPath (else the
 * container's id, below our own cgroup, as run's are). create puts the
 * first process in it before that process reads its config, so that
 * everything the container does counts; delete removes it, with the
 * parents create made for it. A `cgroup` mount shows the container its
 * own cgroups, read-only. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "common.h"
#include "json.h"
#include "mydocker.h"

int bundle_cgroup_enter(const struct bundle *b, const char *id, pid_t pid, struct cgroup *cg)
{
	const char *name = b->cgroups_path ? b->cgroups_path : id;

	if (cgroup_find(cg, &real_cgroup_host, name, &b->resources) < 0) {
		memset(cg, 0, sizeof *cg); /* found, not made: nothing to remove */
		return -1;
	}
	if (cgroup_create(cg) < 0 || cgroup_set(cg) < 0 || cgroup_apply(cg, pid) < 0) {
		cgroup_destroy(cg);
		return -1;
	}
	if (cgroup_in_use(cg))
		debug("cgroup: pid %d is in %s", pid, name);
	return 0;
}

/* [{"dir": D, "made": M}, ...] for state.json: what delete removes. */
cJSON *bundle_cgroup_list(const struct cgroup *cg)
{
	cJSON *list = cJSON_CreateArray();

	for (int i = 0; list && i < N_SUBSYSTEMS; i++) {
		cJSON *item;
		bool seen = false;
		for (int j = 0; j < i; j++)
			seen |= strcmp(cg->dir[j], cg->dir[i]) == 0;
		if (!cg->dir[i][0] || seen)
			continue;
		item = cJSON_CreateObject();
		cJSON_AddStringToObject(item, "dir", cg->dir[i]);
		cJSON_AddStringToObject(item, "made", cg->made[i]);
		cJSON_AddItemToArray(list, item);
	}
	return list;
}

/* Each cgroup of the list, once its processes are gone. */
int bundle_cgroup_remove(const cJSON *list)
{
	const cJSON *item;
	int ret = 0;

	cJSON_ArrayForEach(item, list) {
		const char *dir = json_string(item, "dir"), *made = json_string(item, "made");
		if (dir && made && cgroup_remove_made(dir, made) < 0)
			ret = -1;
	}
	return ret;
}

/* One cgroup directory of ours, bound at target/name. */
static void bind_cgroup(const char *dir, const char *target, const char *name, unsigned long flags)
{
	char at[PATH_MAX];

	if (path_printf(at, sizeof at, "%s%s%s", target, name[0] ? "/" : "", name) < 0 || mkdir_p(at, 0755) < 0 ||
	    mount(dir, at, NULL, MS_BIND, NULL) < 0 ||
	    mount(NULL, at, NULL, MS_BIND | MS_REMOUNT | (flags & ~MS_REC), NULL) < 0)
		die_errno(EXIT_MYDOCKER, "init: bind the cgroup %s on %s", dir, at);
}

/* mounts[] of type cgroup, in init, which create has put in its cgroups.
 * The container sees its own cgroup of each hierarchy it has one in, and
 * nothing above it: on v1 a tmpfs with a directory per controller, on v2
 * the one directory (an empty tmpfs if it has no cgroup of its own).
 * /proc/self/cgroup says where init is. */
void mount_cgroups(const struct bundle_mount *m, const char *target, const struct resources *r)
{
	char *mountinfo = read_file_all("/proc/self/mountinfo"), *self = read_file_all("/proc/self/cgroup");
	char dir[PATH_MAX];
	struct cgroup_mount v1;
	bool v1_host = false, own = false;

	if (!mountinfo || !self)
		die_errno(EXIT_MYDOCKER, "init: read /proc/self/mountinfo and /proc/self/cgroup");
	for (int i = 0; i < N_SUBSYSTEMS; i++) {
		v1_host |= find_cgroup_mount(mountinfo, subsystems[i]->name, &v1) == 0;
		own |= subsystems[i]->wanted(r);
	}
	if (!v1_host && own) {
		cgroup_dir_of(mountinfo, self, NULL, dir, sizeof dir);
		if (dir[0])
			bind_cgroup(dir, target, "", m->flags);
	} else {
		if (mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0)
			die_errno(EXIT_MYDOCKER, "init: mount a tmpfs on %s", m->destination);
		for (int i = 0; i < N_SUBSYSTEMS; i++) {
			if (!subsystems[i]->wanted(r))
				continue; /* no cgroup of its own there: ours, the host's */
			cgroup_dir_of(mountinfo, self, subsystems[i]->name, dir, sizeof dir);
			if (dir[0])
				bind_cgroup(dir, target, subsystems[i]->name, m->flags);
		}
		if (m->flags & MS_RDONLY && mount(NULL, target, NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV |
						  MS_NOEXEC, "mode=755") < 0)
			die_errno(EXIT_MYDOCKER, "init: make %s read-only", m->destination);
	}
	free(mountinfo);
	free(self);
}
