/* workspace.c: each container's own layer (the book's NewWorkSpace and
 * DeleteWorkSpace). The image stays read-only; an overlay filesystem
 * (联合文件系统) shows the container the image with its own changes on top:
 *
 *   MYDOCKER_ROOT/images/busybox/         lower: the image, never written
 *   MYDOCKER_ROOT/containers/ID/upper/    upper: the container's changes
 *   MYDOCKER_ROOT/containers/ID/work/     work:  overlayfs's scratch space
 *   MYDOCKER_ROOT/containers/ID/merged/   the two merged: the container's root
 *
 * Kernel docs: filesystems/overlayfs.rst. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

/* 12 hex digits, 48 random bits, as `docker ps` shows an id. */
int make_container_id(char id[CONTAINER_ID_LEN + 1])
{
	unsigned char bytes[CONTAINER_ID_LEN / 2];

	if (getrandom(bytes, sizeof bytes, 0) != (ssize_t)sizeof bytes)
		return -1;
	for (size_t i = 0; i < sizeof bytes; i++)
		snprintf(id + 2 * i, 3, "%02x", bytes[i]);
	return 0;
}

bool container_id_is_valid(const char *id)
{
	return strlen(id) == CONTAINER_ID_LEN && strspn(id, "0123456789abcdef") == CONTAINER_ID_LEN;
}

/* overlayfs takes its directories in one option string, where ',' and
 * ':' separate; refuse paths that contain them. */
int overlay_options(char *out, size_t size, const char *lower, const char *upper, const char *work)
{
	const char *dirs[] = { lower, upper, work };

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		if (strpbrk(dirs[i], i == 0 ? "," : ",:")) { /* lower: layers, ':' between */
			errno = EINVAL;
			return -1;
		}
	}
	if (snprintf(out, size, "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work) >= (int)size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* The mydocker that runs a container holds flock(2) on its directory until
 * it has cleaned up; the kernel lets go when the process dies, even by
 * kill -9. `mydocker prune` can take the lock only of what nobody looks
 * after. (The fd is close-on-exec: the container does not inherit it.) */
static int lock_workspace(struct workspace *ws)
{
	ws->lock = open(ws->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ws->lock < 0 || flock(ws->lock, LOCK_EX) < 0) {
		error_errno("lock %s", ws->dir);
		return -1;
	}
	return 0;
}

bool workspace_is_abandoned(const char *id)
{
	char dir[PATH_MAX];
	bool abandoned;
	int fd;

	fd = root_path(dir, sizeof dir, "containers/%s", id) < 0 ? -1 : open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT;
	abandoned = flock(fd, LOCK_EX | LOCK_NB) == 0;
	close(fd);
	return abandoned;
}

/* MYDOCKER_ROOT/containers/ID, with a new ID until one is free: mkdir(2)
 * either creates the directory or fails, so two mydockers never share one. */
static int create_container_dir(struct workspace *ws)
{
	char containers[PATH_MAX];

	if (root_path(containers, sizeof containers, "containers") < 0 || mkdir_p(containers, 0700) < 0) {
		error_errno("mkdir %s", containers);
		return -1;
	}
	for (int tries = 0; tries < 10; tries++) {
		if (make_container_id(ws->id) < 0) {
			error_errno("make a container id");
			return -1;
		}
		if (path_join(ws->dir, sizeof ws->dir, containers, ws->id) < 0) {
			error_msg("path too long below %s", containers);
			return -1;
		}
		if (mkdir(ws->dir, 0700) == 0)
			return lock_workspace(ws);
		if (errno != EEXIST) {
			error_errno("mkdir %s", ws->dir);
			return -1;
		}
	}
	error_msg("no free container id in %s", containers);
	return -1;
}

static int make_layer_dir(struct workspace *ws, char *path, const char *name)
{
	if (snprintf(path, PATH_MAX, "%s/%s", ws->dir, name) >= PATH_MAX || mkdir(path, 0755) < 0) {
		error_errno("mkdir %s/%s", ws->dir, name);
		return -1;
	}
	return 0;
}

/* The book's NewWorkSpace: CreateWriteLayer, CreateMountPoint, and the
 * overlay mounted on it. On failure, workspace_delete() undoes what was done. */
int workspace_create(struct workspace *ws, const char *image_dir)
{
	char options[3 * PATH_MAX];

	memset(ws, 0, sizeof *ws);
	ws->lock = -1;
	if (create_container_dir(ws) < 0 ||
	    make_layer_dir(ws, ws->upper, "upper") < 0 ||
	    make_layer_dir(ws, ws->work, "work") < 0 ||
	    make_layer_dir(ws, ws->merged, "merged") < 0)
		return -1;
	if (overlay_options(options, sizeof options, image_dir, ws->upper, ws->work) < 0) {
		error_errno("overlay options for %s (no ',' or ':' in MYDOCKER_ROOT)", ws->dir);
		return -1;
	}
	if (mount("overlay", ws->merged, "overlay", 0, options) < 0) {
		error_msg("mount overlay on %s: %s" CHECK_HINT, ws->merged, strerror(errno));
		return -1;
	}
	ws->mounted = true;
	debug("container %s: mounted overlay on %s (%s)", ws->id, ws->merged, options);
	return 0;
}

/* The book's DeleteWorkSpace: DeleteMountPoint, DeleteWriteLayer. Safe
 * after a partial workspace_create(); a second call does nothing. */
int workspace_delete(struct workspace *ws)
{
	if (!ws->dir[0])
		return 0;
	/* MNT_DETACH: gone from the mount table now, even if a shell on the
	 * host still has its working directory inside. */
	if (ws->mounted && umount2(ws->merged, MNT_DETACH) < 0 && errno != EINVAL) {
		error_errno("unmount %s; leaving %s in place", ws->merged, ws->dir);
		return -1;
	}
	ws->mounted = false;
	if (remove_tree(ws->dir) < 0) {
		error_errno("remove %s", ws->dir);
		return -1;
	}
	debug("container %s: unmounted and removed %s", ws->id, ws->dir);
	ws->dir[0] = '\0';
	if (ws->lock >= 0)
		close(ws->lock);
	ws->lock = -1;
	return 0;
}

/* statfs(2)'s f_type, as a name. */
static const char *filesystem_name(long type)
{
	static const struct { long magic; const char *name; } names[] = {
		{ 0xEF53, "ext4" }, { 0x58465342, "xfs" }, { 0x9123683E, "btrfs" },
		{ 0x01021994, "tmpfs" }, { 0x794c7630, "overlay" }, { 0x6969, "nfs" },
		{ 0x65735546, "fuse" }, { 0x858458f6, "ramfs" }, { 0x2fc12fc1, "zfs" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].magic == type)
			return names[i].name;
	return "an unknown filesystem";
}

/* Mounts a small overlay whose upper layer is on MYDOCKER_ROOT, in a
 * mount namespace of a child process (so the host never sees it). */
static int try_overlay(const char *dir)
{
	char lower[PATH_MAX], upper[PATH_MAX], work[PATH_MAX], merged[PATH_MAX], options[4 * PATH_MAX];
	int status, error = 0;
	pid_t pid;

	if (path_join(lower, sizeof lower, dir, "lower") < 0 || mkdir_p(lower, 0700) < 0 ||
	    path_join(upper, sizeof upper, dir, "upper") < 0 || mkdir_p(upper, 0700) < 0 ||
	    path_join(work, sizeof work, dir, "work") < 0 || mkdir_p(work, 0700) < 0 ||
	    path_join(merged, sizeof merged, dir, "merged") < 0 || mkdir_p(merged, 0700) < 0 ||
	    overlay_options(options, sizeof options, lower, upper, work) < 0)
		error = errno;
	else if ((pid = fork()) == 0)
		_exit(unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		      mount("overlay", merged, "overlay", 0, options) < 0 ? errno : 0);
	else if (pid < 0 || waitpid(pid, &status, 0) < 0)
		error = errno;
	else
		error = WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;
	remove_tree(dir);
	return error;
}

/* The write layers live in MYDOCKER_ROOT: overlayfs must accept its
 * filesystem as an upper layer (not overlayfs itself, for one). */
void check_overlay(void)
{
	char dir[PATH_MAX], detail[PATH_MAX + 128];
	struct statfs st;
	const char *type = "?";
	int error;

	if (mkdir_p(mydocker_root(), 0700) == 0 && statfs(mydocker_root(), &st) == 0)
		type = filesystem_name((long)st.f_type);
	error = root_path(dir, sizeof dir, "containers/.check-%d", (int)getpid()) < 0 ? ENAMETOOLONG : try_overlay(dir);
	snprintf(detail, sizeof detail, "%s is on %s: %s", mydocker_root(), type,
		 error ? strerror(error) : "an overlay with its upper layer there mounts");
	check_report("overlay", error == 0, detail,
	       error == ENODEV ? "load overlayfs: modprobe overlay"
			       : "set MYDOCKER_ROOT to a directory on ext4, xfs, btrfs or tmpfs "
				 "(see notes/troubleshooting.md, chapter 4.2)");
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
void prune_layers(void)
{
	char dir[PATH_MAX], path[PATH_MAX + 256];
	DIR *containers;
	struct dirent *e;

	containers = root_path(dir, sizeof dir, "containers") < 0 ? NULL : opendir(dir);
	while (containers && (e = readdir(containers)) != NULL) {
		long pid = strncmp(e->d_name, ".check-", 7) == 0 ? atol(e->d_name + 7) : 0;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (container_id_is_valid(e->d_name) && workspace_is_abandoned(e->d_name))
			prune_leftover("layer", path, "its mydocker is gone", remove_layer);
		else if (pid > 0 && !mydocker_runs_as(pid))
			prune_leftover("layer", path, "left by a check that is gone", remove_layer);
	}
	if (containers)
		closedir(containers);
}
