/* prune.c: `mydocker prune [--force]`: what containers left behind when
 * their mydocker could not clean up (kill -9, a crash, a reboot): lists
 * it, and with --force removes it. It only touches what mydocker makes:
 * cgroups named mydocker-* and files in MYDOCKER_ROOT whose mydocker is
 * gone. Each chapter teaches
 * it about what its own idea may leave. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

static bool force;
static int found, failed;

/* One leftover: say what it is, and with --force remove it. */
static void leftover(const char *what, const char *path, const char *why, int (*remove)(const char *))
{
	found++;
	if (!force) {
		printf("stale %-9s %s (%s)\n", what, path, why);
		return;
	}
	if (remove(path) < 0) {
		error_errno("remove %s %s", what, path);
		failed++;
		return;
	}
	printf("removed %-7s %s\n", what, path);
}

/* Is pid a running mydocker? (A pid may since belong to another program.) */
static bool mydocker_runs_as(long pid)
{
	char exe[64], target[PATH_MAX];
	ssize_t n;

	snprintf(exe, sizeof exe, "/proc/%ld/exe", pid);
	n = readlink(exe, target, sizeof target - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return strcmp(strrchr(target, '/') ? strrchr(target, '/') + 1 : target, "mydocker") == 0;
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
		leftover("cgroup", path, why, remove_cgroup);
	return 0;
}

/* Every cgroup hierarchy mounted here, walked for mydocker-* cgroups. */
static void prune_cgroups(void)
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

/* Temp files in images/, named after the pid of the mydocker writing them. */
static const struct temp_file {
	const char *marker, *what;
	int (*remove)(const char *path);
} temp_files[] = {
	{ ".unpacking-", "image", remove_tree },   /* image_unpack() */
};

static void prune_images(void)
{
	char dir[PATH_MAX], path[PATH_MAX + 256], why[128];
	DIR *images;
	struct dirent *e;

	snprintf(dir, sizeof dir, "%s/images", mydocker_root());
	images = opendir(dir);
	while (images && (e = readdir(images)) != NULL) {
		for (size_t i = 0; e->d_name[0] == '.' && i < ARRAY_SIZE(temp_files); i++) {
			const char *marker = strstr(e->d_name, temp_files[i].marker);
			long pid = marker ? atol(marker + strlen(temp_files[i].marker)) : 0;
			if (pid <= 0 || mydocker_runs_as(pid))
				continue;
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			snprintf(why, sizeof why, "left half-written by mydocker %ld, which is gone", pid);
			leftover(temp_files[i].what, path, why, temp_files[i].remove);
		}
	}
	if (images)
		closedir(images);
}

/* A container's write layer and overlay, unmounted first (MNT_DETACH:
 * nobody uses it, but a shell may sit in it). */
static int remove_layer(const char *dir)
{
	char merged[PATH_MAX + 8];

	snprintf(merged, sizeof merged, "%s/merged", dir);
	if (umount2(merged, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return -1;
	return remove_tree(dir);
}

/* containers/ID whose lock is free; containers/.check-PID of a check. */
static void prune_layers(void)
{
	char dir[PATH_MAX], path[PATH_MAX + 256];
	DIR *containers;
	struct dirent *e;

	snprintf(dir, sizeof dir, "%s/containers", mydocker_root());
	containers = opendir(dir);
	while (containers && (e = readdir(containers)) != NULL) {
		long pid = strncmp(e->d_name, ".check-", 7) == 0 ? atol(e->d_name + 7) : 0;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (container_id_is_valid(e->d_name) && workspace_is_abandoned(e->d_name))
			leftover("layer", path, "its mydocker is gone", remove_layer);
		else if (pid > 0 && !mydocker_runs_as(pid))
			leftover("layer", path, "left by a check that is gone", remove_layer);
	}
	if (containers)
		closedir(containers);
}

static void print_prune_usage(FILE *out)
{
	fprintf(out,
		"Usage: mydocker prune [--force]\n"
		"\n"
		"List what containers left behind when their mydocker could not clean\n"
		"up (kill -9, a crash, a reboot); --force removes it.\n");
}

int prune_command(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--force") == 0 || strcmp(argv[i], "-f") == 0) {
			force = true;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_prune_usage(stdout);
			return 0;
		} else {
			error_msg("unknown flag: %s", argv[i]);
			print_prune_usage(stderr);
			return EXIT_MYDOCKER;
		}
	}
	prune_layers(); /* first: a layer's cgroup is stale once its layer is */
	prune_cgroups();
	prune_images();
	if (found == 0)
		printf("nothing to prune\n");
	else if (!force)
		printf("%d leftover%s: mydocker prune --force removes %s\n", found, found > 1 ? "s" : "",
		       found > 1 ? "them" : "it");
	return failed ? EXIT_MYDOCKER : 0;
}
