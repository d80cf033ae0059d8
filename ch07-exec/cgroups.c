/* cgroups.c: the cgroup manager (the book's CgroupManager): where the
 * container's cgroup goes, creating it, setting its limits, putting the
 * container in it, and removing it. cgroups(7) has the whole story.
 *
 *  cgroup v1: one hierarchy per controller, mounted at /sys/fs/cgroup/memory
 *    and so on. The container's cgroup is a new directory below our own
 *    cgroup of each hierarchy it needs.
 *  cgroup v2: one hierarchy (/sys/fs/cgroup) for all controllers. A cgroup
 *    can give controllers to its children only while it holds no process
 *    itself (the "no internal processes" rule), and ours usually holds us;
 *    so containers go below a group of their own, /sys/fs/cgroup/mydocker,
 *    which holds no process.
 *
 * The version is chosen at run time: v1 when a v1 hierarchy holds one of
 * our controllers (a "hybrid" host mounts both), else v2. */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

const struct cgroup_host real_cgroup_host = {
	.mountinfo = "/proc/self/mountinfo",
	.self_cgroup = "/proc/self/cgroup",
};

const struct subsystem *const subsystems[N_SUBSYSTEMS] = {
	[SUBSYSTEM_MEMORY] = &memory_subsystem,
	[SUBSYSTEM_CPU] = &cpu_subsystem,
	[SUBSYSTEM_CPUSET] = &cpuset_subsystem,
	[SUBSYSTEM_PIDS] = &pids_subsystem,
	[SUBSYSTEM_DEVICES] = &devices_subsystem,
};

/* "/a/b/c" -> "/a/b", in a static buffer. */
static const char *dirname_of(const char *path)
{
	static char dir[PATH_MAX];

	snprintf(dir, sizeof dir, "%s", path);
	*strrchr(dir, '/') = '\0';
	return dir;
}

/* On v2 all subsystems share one directory: do each directory once. */
static bool first_use(const struct cgroup *cg, int i)
{
	if (!cg->dir[i][0])
		return false;
	for (int j = 0; j < i; j++)
		if (strcmp(cg->dir[j], cg->dir[i]) == 0)
			return false;
	return true;
}

bool cgroup_in_use(const struct cgroup *cg)
{
	for (int i = 0; i < N_SUBSYSTEMS; i++)
		if (cg->dir[i][0])
			return true;
	return false;
}

static int uses_v1(const char *mountinfo)
{
	struct cgroup_mount m;

	for (int i = 0; i < N_SUBSYSTEMS; i++)
		if (find_cgroup_mount(mountinfo, subsystems[i]->name, &m) == 0)
			return true;
	return false;
}

/* v1: <mount point>/<our cgroup, relative to the mount's root>/<name>;
 * a name that starts with / is a path from the mount point instead. */
static int find_v1_dir(const char *mountinfo, const char *self_cgroup, const char *controller,
		       const char *name, char *dir)
{
	struct cgroup_mount m;
	char own[PATH_MAX];
	const char *rel;

	if (find_cgroup_mount(mountinfo, controller, &m) < 0) {
		error_msg("cgroup v1: no hierarchy with the %s controller is mounted" CHECK_HINT, controller);
		return -1;
	}
	if (name[0] == '/') {
		if (snprintf(dir, PATH_MAX, "%s%s", m.point, name) >= PATH_MAX)
			goto too_long;
		return 0;
	}
	if (find_own_cgroup(self_cgroup, controller, own, sizeof own) < 0) {
		error_msg("cgroup v1: /proc/self/cgroup names no %s cgroup", controller);
		return -1;
	}
	/* In a cgroup namespace or a bind mount, the mount shows the cgroup
	 * m.root at m.point: our path is relative to that. */
	rel = own;
	if (strcmp(m.root, "/") != 0 && strncmp(own, m.root, strlen(m.root)) == 0)
		rel = own + strlen(m.root);
	if (snprintf(dir, PATH_MAX, "%s%s/%s", m.point, strcmp(rel, "/") == 0 ? "" : rel, name) < PATH_MAX)
		return 0;
too_long:
	error_msg("cgroup v1: path too long below %s", m.point);
	return -1;
}

/* v2: <mount point>/mydocker/<name>, or <mount point><name> for a name
 * that starts with /. */
static int find_v2_dir(struct cgroup *cg, const char *mountinfo, const char *name)
{
	struct cgroup_mount m;
	char dir[PATH_MAX];

	if (find_cgroup_mount(mountinfo, NULL, &m) < 0) {
		error_msg("no cgroup filesystem is mounted (neither v1 nor v2)" CHECK_HINT);
		return -1;
	}
	memcpy(cg->v2_mount, m.point, sizeof cg->v2_mount);
	if (name[0] == '/' ? path_printf(dir, sizeof dir, "%s%s", m.point, name) < 0
			   : path_printf(dir, sizeof dir, "%s/mydocker/%s", m.point, name) < 0)
		goto too_long;
	snprintf(cg->v2_parent, sizeof cg->v2_parent, "%s", dirname_of(dir));
	for (int i = 0; i < N_SUBSYSTEMS; i++) {
		if (!subsystems[i]->wanted(cg->resources))
			continue;
		if (!subsystems[i]->set_v2) {
			error_msg("cgroup v2 has no %s files: its rules are a BPF program, which this runtime "
				  "does not load", subsystems[i]->name);
			return -1;
		}
		snprintf(cg->dir[i], sizeof cg->dir[i], "%s", dir);
	}
	return 0;
too_long:
	error_msg("cgroup v2: path too long below %s", m.point);
	return -1;
}

/* Was a limit asked for, of any subsystem? */
static bool any_wanted(const struct resources *r)
{
	for (int i = 0; i < N_SUBSYSTEMS; i++)
		if (subsystems[i]->wanted(r))
			return true;
	return false;
}

/* Works out where the container's cgroup goes; creates nothing. A cgroup
 * directory is found only for the subsystems whose limit was asked for.
 * name: below our own cgroup (v1) or the mydocker group (v2), or, if it
 * starts with /, a path from the hierarchy's root; a path is made with
 * its parents, which go with it (made[]). */
int cgroup_find(struct cgroup *cg, const struct cgroup_host *host, const char *name,
		const struct resources *resources)
{
	char *mountinfo = NULL, *self_cgroup = NULL;
	int ret = -1;

	memset(cg, 0, sizeof *cg);
	cg->resources = resources;
	if (!any_wanted(resources))
		return 0; /* no limits, no cgroup */
	mountinfo = read_file_all(host->mountinfo);
	self_cgroup = read_file_all(host->self_cgroup);
	if (!mountinfo || !self_cgroup) {
		error_errno("read %s and %s", host->mountinfo, host->self_cgroup);
		goto out;
	}
	cg->version = uses_v1(mountinfo) ? 1 : 2;
	if (cg->version == 2) {
		ret = find_v2_dir(cg, mountinfo, name);
		goto out;
	}
	for (int i = 0; i < N_SUBSYSTEMS; i++) {
		if (subsystems[i]->wanted(resources) &&
		    find_v1_dir(mountinfo, self_cgroup, subsystems[i]->name, name, cg->dir[i]) < 0)
			goto out;
	}
	ret = 0;
out:
	for (int i = 0; i < N_SUBSYSTEMS && !strchr(name, '/'); i++)
		memcpy(cg->made[i], cg->dir[i], sizeof cg->made[i]); /* the leaf alone */
	free(mountinfo);
	free(self_cgroup);
	return ret;
}

/* Is word one of the space-separated words of the file dir/file? */
static int file_has_word(const char *dir, const char *file, const char *word, bool *has)
{
	char path[PATH_MAX], text[1024], *save = NULL;

	if (path_join(path, sizeof path, dir, file) < 0 || read_file(path, text, sizeof text) < 0) {
		error_errno("read %s/%s", dir, file);
		return -1;
	}
	*has = false;
	for (char *w = strtok_r(text, " \n", &save); w; w = strtok_r(NULL, " \n", &save))
		if (strcmp(w, word) == 0)
			*has = true;
	return 0;
}

/* v2: a controller must be listed in the parent's cgroup.subtree_control
 * for its files (memory.max, ...) to appear in the children. One write
 * enables several: "+memory +cpu". */
static int enable_controllers(const struct cgroup *cg, const char *dir)
{
	char enable[128] = "";
	bool available, enabled;

	for (int i = 0; i < N_SUBSYSTEMS; i++) {
		const char *name = subsystems[i]->name;
		if (!cg->dir[i][0])
			continue;
		if (file_has_word(dir, "cgroup.controllers", name, &available) < 0 ||
		    file_has_word(dir, "cgroup.subtree_control", name, &enabled) < 0)
			return -1;
		if (!available) {
			error_msg("cgroup v2: the %s controller is not available in %s" CHECK_HINT, name, dir);
			return -1;
		}
		if (!enabled)
			snprintf(enable + strlen(enable), sizeof enable - strlen(enable), "%s+%s",
				 enable[0] ? " " : "", name);
	}
	return enable[0] ? cgroup_write(dir, "cgroup.subtree_control", enable) : 0;
}

/* v2: the group all containers go below, with their controllers enabled
 * from the root down, each level made if it is missing. The mydocker
 * group stays, as /sys/fs/cgroup/docker does for docker. */
static int create_v2_parent(struct cgroup *cg)
{
	char path[PATH_MAX];

	snprintf(path, sizeof path, "%s", cg->v2_parent);
	if (enable_controllers(cg, cg->v2_mount) < 0)
		return -1;
	for (char *p = path + strlen(cg->v2_mount); *p == '/';) {
		char *slash = strchr(p + 1, '/');
		if (slash)
			*slash = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			error_errno("create cgroup %s", path);
			return -1;
		}
		if (enable_controllers(cg, path) < 0)
			return -1;
		if (!slash)
			break;
		*slash = '/';
		p = slash;
	}
	return 0;
}

/* mkdir(2) of each missing directory above dir, the highest first. made:
 * the highest one made, or dir itself when all were there. */
static int make_parents(const char *dir, char *made)
{
	char path[PATH_MAX];

	snprintf(made, PATH_MAX, "%s", dir);
	snprintf(path, sizeof path, "%s", dir);
	for (char *slash = strchr(path + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(path, 0755) == 0) {
			if (strcmp(made, dir) == 0)
				snprintf(made, PATH_MAX, "%s", path);
		} else if (errno != EEXIST) {
			error_errno("create cgroup %s", path);
			return -1;
		}
		*slash = '/';
	}
	return 0;
}

/* mkdir(2) in a cgroup filesystem creates a cgroup, its files included. */
int cgroup_create(struct cgroup *cg)
{
	for (int i = 0; i < N_SUBSYSTEMS; i++) {
		if (first_use(cg, i) && !cg->made[i][0] && make_parents(cg->dir[i], cg->made[i]) < 0) {
			cgroup_destroy(cg);
			return -1;
		}
	}
	if (cg->version == 2 && cgroup_in_use(cg) && create_v2_parent(cg) < 0) {
		cgroup_destroy(cg);
		return -1;
	}
	for (int i = 0; i < N_SUBSYSTEMS; i++) {
		if (!first_use(cg, i))
			continue;
		if (mkdir(cg->dir[i], 0755) < 0) {
			error_msg("create cgroup %s: %s" CHECK_HINT, cg->dir[i], strerror(errno));
			for (int j = i; j < N_SUBSYSTEMS; j++)
				if (!first_use(cg, j) || strcmp(cg->made[j], cg->dir[j]) == 0)
					cg->dir[j][0] = '\0'; /* not ours to remove */
			cgroup_destroy(cg);
			return -1;
		}
		debug("cgroup: created %s", cg->dir[i]);
	}
	return 0;
}

/* The book's Set: each subsystem writes its limit. */
int cgroup_set(struct cgroup *cg)
{
	for (int i = 0; i < N_SUBSYSTEMS; i++) {
		if (!cg->dir[i][0])
			continue;
		if (cg->version == 1 ? subsystems[i]->set_v1(cg->dir[i], cg->resources)
				     : subsystems[i]->set_v2(cg->dir[i], cg->resources))
			return -1;
	}
	return 0;
}

/* The book's Apply: writing a pid to cgroup.procs moves that process. */
int cgroup_apply(struct cgroup *cg, pid_t pid)
{
	char text[32];

	snprintf(text, sizeof text, "%d", (int)pid);
	for (int i = 0; i < N_SUBSYSTEMS; i++) {
		if (first_use(cg, i) && cgroup_write(cg->dir[i], "cgroup.procs", text) < 0)
			return -1;
	}
	return 0;
}

/* The directory of the cgroup that self_cgroup (a /proc/PID/cgroup) names
 * for controller, on v1, or with controller NULL on v2; "" if none. */
void cgroup_dir_of(const char *mountinfo, const char *self_cgroup, const char *controller,
			  char *dir, size_t size)
{
	struct cgroup_mount m;
	char path[PATH_MAX];
	const char *rel = path;

	dir[0] = '\0';
	if (find_cgroup_mount(mountinfo, controller, &m) < 0 ||
	    find_own_cgroup(self_cgroup, controller ? controller : "", path, sizeof path) < 0)
		return;
	if (strcmp(m.root, "/") != 0 && strncmp(path, m.root, strlen(m.root)) == 0)
		rel = path + strlen(m.root);
	if (snprintf(dir, size, "%s%s", m.point, strcmp(rel, "/") == 0 ? "" : rel) >= (int)size)
		dir[0] = '\0';
}

/* mydocker exec: this process joins the cgroups of process pid (the
 * container's PID 1): those that differ from ours, for each subsystem, on
 * v1 its hierarchy, on v2 the one tree. Then the memory limit holds for the
 * command too, and cgroup_destroy() waits for it. */
int cgroup_join(pid_t pid)
{
	char path[64], theirs_dir[PATH_MAX], ours_dir[PATH_MAX], me[32];
	char *mountinfo = read_file_all("/proc/self/mountinfo"), *ours = read_file_all("/proc/self/cgroup");
	char *theirs;
	bool v1 = mountinfo && uses_v1(mountinfo);
	int ret = 0;

	snprintf(path, sizeof path, "/proc/%d/cgroup", (int)pid);
	theirs = read_file_all(path);
	if (!mountinfo || !ours || !theirs) {
		error_errno("read the cgroups of the container (%s)", path);
		ret = -1;
	}
	snprintf(me, sizeof me, "%d", (int)getpid());
	for (int i = 0; ret == 0 && i < (v1 ? N_SUBSYSTEMS : 1); i++) {
		const char *controller = v1 ? subsystems[i]->name : NULL;
		cgroup_dir_of(mountinfo, theirs, controller, theirs_dir, sizeof theirs_dir);
		cgroup_dir_of(mountinfo, ours, controller, ours_dir, sizeof ours_dir);
		if (theirs_dir[0] && strcmp(theirs_dir, ours_dir) != 0)
			ret = cgroup_write(theirs_dir, "cgroup.procs", me);
	}
	free(mountinfo);
	free(ours);
	free(theirs);
	return ret;
}

/* mydocker check: could the container's cgroup be made? On v1 it makes
 * and removes it; on v2, where enabling a controller changes the host,
 * it only looks whether the controller is enabled or could be. */
int cgroup_probe(struct cgroup *cg, char *detail, size_t size)
{
	bool available, enabled = false;
	int i = 0;

	while (i < N_SUBSYSTEMS && !cg->dir[i][0])
		i++;
	if (i == N_SUBSYSTEMS)
		return -1;
	if (cg->version == 1) {
		snprintf(detail, size, "v1, can create cgroups in %.400s", dirname_of(cg->dir[i]));
		return cgroup_create(cg) < 0 || cgroup_destroy(cg) < 0 ? -1 : 0;
	}
	if (file_has_word(cg->v2_mount, "cgroup.controllers", subsystems[i]->name, &available) < 0)
		return -1;
	if (!available) {
		error_msg("%s is not in %s/cgroup.controllers", subsystems[i]->name, cg->v2_mount);
		return -1;
	}
	if (access(cg->v2_parent, F_OK) == 0 &&
	    file_has_word(cg->v2_parent, "cgroup.subtree_control", subsystems[i]->name, &enabled) < 0)
		return -1;
	snprintf(detail, size, "v2, %s %.300s", enabled ? "enabled for containers in" : "can be enabled for",
		 cg->v2_parent);
	return 0;
}

/* How many processes the OOM killer killed in the container's cgroup. */
uint64_t cgroup_oom_kills(const struct cgroup *cg)
{
	if (!cg->dir[SUBSYSTEM_MEMORY][0])
		return 0;
	return memory_oom_kills(cg->dir[SUBSYSTEM_MEMORY], cg->version);
}

/* rmdir(2) removes a cgroup once no process is in it. The container's PID 1
 * has been reaped, and with it every process of its PID namespace, but the
 * kernel may not have finished taking them out of the cgroup: on EBUSY, try
 * again after 1, 2, 4 ... 1024 ms, twelve tries in about two seconds. */
static int remove_cgroup_dir(const char *dir)
{
	for (long wait_ms = 1;; wait_ms *= 2) {
		if (rmdir(dir) == 0 || errno == ENOENT) {
			debug("cgroup: removed %s", dir);
			return 0;
		}
		if (errno != EBUSY || wait_ms > 1024)
			break;
		nanosleep(&(struct timespec){ wait_ms / 1000, wait_ms % 1000 * 1000000 }, NULL);
	}
	error_errno("remove cgroup %s", dir);
	return -1;
}

/* dir, then each directory above it up to made, which create made for
 * it; a parent another container still uses stays (rmdir(2): EBUSY). */
int cgroup_remove_made(const char *dir, const char *made)
{
	char parent[PATH_MAX];

	if (remove_cgroup_dir(dir) < 0)
		return -1;
	snprintf(parent, sizeof parent, "%s", dir);
	while (strcmp(parent, made) != 0 && strncmp(parent, made, strlen(made)) == 0) {
		*strrchr(parent, '/') = '\0';
		if (rmdir(parent) < 0)
			break;
		debug("cgroup: removed %s", parent);
	}
	return 0;
}

/* The book's Remove. Safe after a partial cgroup_create(). */
int cgroup_destroy(struct cgroup *cg)
{
	int ret = 0;

	for (int i = N_SUBSYSTEMS - 1; i >= 0; i--) {
		if (first_use(cg, i) && cgroup_remove_made(cg->dir[i], cg->made[i][0] ? cg->made[i] : cg->dir[i]) < 0)
			ret = -1;
	}
	for (int i = 0; i < N_SUBSYSTEMS; i++)
		cg->dir[i][0] = cg->made[i][0] = '\0';
	return ret;
}

/* For each controller run uses: can a container's cgroup be made where
 * mydocker would make it? */
void check_cgroups(void)
{
	static const struct resources one_limit[N_SUBSYSTEMS] = {
		[SUBSYSTEM_MEMORY] = { .memory = 6 << 20 },
		[SUBSYSTEM_CPU] = { .cpu_shares = 1024 },
		[SUBSYSTEM_CPUSET] = { .cpuset_cpus = "0" },
	};
	char name[64], detail[512], item[64];

	snprintf(name, sizeof name, "mydocker-check-%d", (int)getpid());
	for (int i = 0; i < N_SUBSYSTEMS; i++) {
		struct cgroup cg;
		bool ok;
		if (!subsystems[i]->wanted(&one_limit[i]))
			continue; /* not one run limits */
		snprintf(item, sizeof item, "cgroup %s", subsystems[i]->name);
		error_capture(detail, sizeof detail);
		ok = cgroup_find(&cg, &real_cgroup_host, name, &one_limit[i]) == 0 &&
		     cgroup_probe(&cg, detail, sizeof detail) == 0;
		error_capture(NULL, 0);
		check_report(item, ok, detail,
		       "cgroup v1: mount this controller's hierarchy; cgroup v2: enable it in the root's "
		       "cgroup.subtree_control (see notes/troubleshooting.md, chapter 3.2)");
	}
}

/* "mydocker-4242" (run before ch04-overlay) and "mydocker-check-4242"
 * (check) are named after the pid of the mydocker that made them;
 * "mydocker-ID" after a container, gone when its workspace is abandoned. */
static bool owner_is_gone(const char *name, char *why, size_t size)
{
	const char *p = name + strlen("mydocker-");
	char *end;
	long pid;

	if (container_id_is_valid(p)) {
		snprintf(why, size, "container %s is not looked after", p);
		return workspace_is_abandoned(p);
	}
	if (strncmp(p, "check-", 6) == 0)
		p += 6;
	pid = strtol(p, &end, 10);
	if (end == p || *end)
		return false; /* not a name we know: leave it alone */
	snprintf(why, size, "its mydocker, pid %ld, is gone", pid);
	return !mydocker_runs_as(pid);
}

static bool has_processes(const char *dir)
{
	char path[PATH_MAX], procs[64];

	return path_join(path, sizeof path, dir, "cgroup.procs") == 0 &&
	       read_file(path, procs, sizeof procs) > 0;
}

static int remove_cgroup(const char *dir)
{
	return rmdir(dir);
}

static int visit_cgroup(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	const char *name = path + ftw->base;
	char why[128];

	(void)st;
	if (type == FTW_DP && strncmp(name, "mydocker-", 9) == 0 && owner_is_gone(name, why, sizeof why) &&
	    !has_processes(path))
		prune_leftover("cgroup", path, why, remove_cgroup);
	return 0;
}

/* Every cgroup hierarchy mounted here, walked for mydocker-* cgroups. */
void prune_cgroups(void)
{
	char *mounts = read_file_all("/proc/self/mountinfo"), *save = NULL;

	for (char *line = mounts ? strtok_r(mounts, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
		char point[PATH_MAX], type[32];
		const char *dash = strstr(line, " - ");
		if (dash && sscanf(line, "%*s %*s %*s %*s %4095s", point) == 1 &&
		    sscanf(dash + 3, "%31s", type) == 1 &&
		    (strcmp(type, "cgroup") == 0 || strcmp(type, "cgroup2") == 0))
			nftw(point, visit_cgroup, 16, FTW_PHYS | FTW_MOUNT | FTW_DEPTH);
	}
	free(mounts);
}
