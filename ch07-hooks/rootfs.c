/* rootfs.c: the container's own root (the book's setUpMount and pivotRoot).
 * init moves into the image's root with pivot_root(2), and mounts what a
 * root needs besides /proc: a /dev with the usual devices, and /sys.
 *
 * Which devices a container may open is decided by the mounts: nodev, a
 * flag of a mount and not of a file (mount(2), MS_NODEV), makes the kernel
 * refuse to open any device node on it. Every mount the container can
 * write to is nodev, so a node it makes with mknod(2) (CAP_MKNOD stays, as
 * in docker) or brings in its image is useless; only the devices below
 * are not. (Docker gets the same guarantee from the devices cgroup.) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

/* new_root must be a mount point: bind it onto itself; nodev. */
static void bind_onto_itself(const char *root)
{
	if (mount(root, root, NULL, MS_BIND | MS_REC, NULL) < 0 ||
	    mount(NULL, root, NULL, MS_BIND | MS_REMOUNT | MS_NODEV, NULL) < 0)
		die_errno(EXIT_MYDOCKER, "bind mount %s onto itself", root);
}

/* pivot_root(2) moves the whole mount tree: new_root becomes /, the old
 * root goes to put_old below it, and once unmounted nothing of the host's
 * files is reachable. chroot(2) only changes where one process's paths
 * start, and a root process can climb out of it. */
void pivot_into(const char *root)
{
	char put_old[PATH_MAX];
	const char *old;

	bind_onto_itself(root);
	if (snprintf(put_old, sizeof put_old, "%s/.pivot_root.XXXXXX", root) >= (int)sizeof put_old ||
	    !mkdtemp(put_old))
		die_errno(EXIT_MYDOCKER, "make a directory for the old root in %s", root);
	if (syscall(SYS_pivot_root, root, put_old) < 0)
		die_msg(EXIT_MYDOCKER, "pivot_root into %s: %s" CHECK_HINT, root, strerror(errno));
	if (chdir("/") < 0)
		die_errno(EXIT_MYDOCKER, "chdir / in the new root");
	old = put_old + strlen(root); /* its path from the new / */
	/* MNT_DETACH: the old root is busy (our own stdio may live on it). */
	if (umount2(old, MNT_DETACH) < 0)
		die_errno(EXIT_MYDOCKER, "unmount the old root at %s", old);
	if (rmdir(old) < 0)
		die_errno(EXIT_MYDOCKER, "remove %s", old);
	debug("init: pivot_root into %s; the old root is unmounted", root);
}

/* The mount point of a whole proc or sysfs (its root is the filesystem's
 * root) outside the new root, from mountinfo (proc(5)), read again from
 * its start: the host's /proc may be gone, the open file is not. */
static bool find_host_proc_or_sys(int mountinfo, const char *root, char point[PATH_MAX])
{
	char *mounts = lseek(mountinfo, 0, SEEK_SET) == 0 ? read_fd_all(mountinfo) : NULL;
	size_t len = strlen(root);
	bool found = false;

	if (!mounts)
		die_errno(EXIT_MYDOCKER, "init: read /proc/self/mountinfo");
	for (char *line = strtok(mounts, "\n"); line && !found; line = strtok(NULL, "\n")) {
		char fs_root[PATH_MAX], type[64] = "", *dash = strstr(line, " - ");
		if (!dash || sscanf(line, "%*s %*s %*s %4095s %4095s", fs_root, point) != 2 ||
		    sscanf(dash + 3, "%63s", type) != 1)
			continue;
		found = strcmp(fs_root, "/") == 0 && (strcmp(type, "proc") == 0 || strcmp(type, "sysfs") == 0) &&
			!(strncmp(point, root, len) == 0 && (point[len] == '/' || point[len] == '\0'));
	}
	free(mounts);
	return found;
}

/* --no-pivot, for a root that pivot_root(2) cannot leave (the initramfs):
 * the new root is moved onto / (MS_MOVE) and chroot(2) starts our paths
 * there. ".." cannot climb above it: a path walk goes down into the mount
 * on top (path_resolution(7)). But the old root stays in the mount
 * namespace, under the new one, with the host's proc and sysfs on it, and
 * the kernel lets a user namespace mount a new proc or sysfs where it
 * sees a whole one (mount_too_revealing(), fs/namespace.c). runc's
 * msMoveRoot unmounts them first, and so do we, until none is left. */
void move_root_into(const char *root)
{
	char point[PATH_MAX];
	int mountinfo = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);

	bind_onto_itself(root);
	while (find_host_proc_or_sys(mountinfo, root, point)) {
		if (umount2(point, MNT_DETACH) < 0)
			die_errno(EXIT_MYDOCKER, "init: unmount the host's %s", point);
	}
	close(mountinfo);
	if (chdir(root) < 0 || mount(root, "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 || chdir("/") < 0)
		die_errno(EXIT_MYDOCKER, "init: move %s onto / and chroot into it", root);
	debug("init: %s moved onto / and chroot(2) into it; no pivot_root", root);
}

/* An image may lack the directories we mount on. */
void make_mount_points(void)
{
	const char *dirs[] = { "/proc", "/dev", "/sys" };

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (mkdir(dirs[i], 0755) < 0 && errno != EEXIST)
			die_errno(EXIT_MYDOCKER, "mkdir %s", dirs[i]);
}

/* The devices every container gets (docker's and runc's defaults). */
static const struct device {
	const char *path;
	unsigned major, minor;
} devices[] = {
	{ "/dev/null", 1, 3 },    { "/dev/zero", 1, 5 },    { "/dev/full", 1, 7 },
	{ "/dev/random", 1, 8 },  { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
};

static const struct link {
	const char *target, *path;
} dev_links[] = {
	{ "/proc/self/fd", "/dev/fd" },     { "/proc/self/fd/0", "/dev/stdin" },
	{ "/proc/self/fd/1", "/dev/stdout" }, { "/proc/self/fd/2", "/dev/stderr" },
	{ "pts/ptmx", "/dev/ptmx" },
};

static void mount_or_die(const char *source, const char *target, const char *type,
			 unsigned long flags, const char *data)
{
	if (mkdir(target, 0755) < 0 && errno != EEXIST)
		die_errno(EXIT_MYDOCKER, "mkdir %s", target);
	if (mount(source, target, type, flags, data) < 0)
		die_errno(EXIT_MYDOCKER, "mount %s on %s", type, target);
}

/* A device the container may open: its node, and with bind a bind mount
 * of the node onto itself, a mount of its own that stays "dev" when /dev
 * becomes nodev. */
static void make_device(const struct device *d, bool bind)
{
	/* mknod(2) applies the umask; chmod(2) does not */
	if (mknod(d->path, S_IFCHR | 0666, makedev(d->major, d->minor)) < 0 ||
	    chmod(d->path, 0666) < 0 ||
	    (bind && mount(d->path, d->path, NULL, MS_BIND, NULL) < 0))
		die_errno(EXIT_MYDOCKER, "mknod %s", d->path);
}

/* The devices above and /dev's links, where the root has none yet (the
 * runtime spec's "default devices" too: a bundle's /dev has them). */
void make_default_devices(bool bind)
{
	for (size_t i = 0; i < ARRAY_SIZE(devices); i++)
		if (access(devices[i].path, F_OK) < 0)
			make_device(&devices[i], bind);
	for (size_t i = 0; i < ARRAY_SIZE(dev_links); i++)
		if (symlink(dev_links[i].target, dev_links[i].path) < 0 && errno != EEXIST)
			die_errno(EXIT_MYDOCKER, "symlink %s -> %s", dev_links[i].path, dev_links[i].target);
}

/* A fresh tmpfs on /dev holding only the devices above, not the host's
 * /dev with its disks; devpts with newinstance gives the container its own
 * pseudo-terminals (devpts(5)); /dev/shm for shared memory, /dev/mqueue
 * for POSIX message queues (mq_overview(7)). Then /dev itself is made
 * nodev: a node the container makes there cannot be opened. */
void mount_dev(void)
{
	mount_or_die("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
	make_default_devices(true);
	mount_or_die("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		     "newinstance,ptmxmode=0666,mode=0620,gid=5");
	mount_or_die("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		     "mode=1777,size=65536k");
	mount_or_die("mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	if (mount(NULL, "/dev", NULL, MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NODEV | MS_STRICTATIME, NULL) < 0)
		die_errno(EXIT_MYDOCKER, "make /dev nodev");
	debug("init: mounted /dev with null, zero, full, random, urandom, tty, pts, shm, mqueue");
}

/* sysfs(5), read-only: the container may look at the kernel's devices and
 * settings, not change them. (Mounting sysfs needs our own network
 * namespace, which we have.) */
void mount_sys(void)
{
	mount_or_die("sysfs", "/sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	debug("init: mounted /sys read-only");
}

/* pivot_root(2) cannot move the initramfs ("rootfs"), which is what / is
 * on a system that never switched to a real root filesystem. */
void check_root_filesystem(void)
{
	char *mounts = read_file_all("/proc/self/mountinfo"), type[64] = "?", detail[128];

	for (char *line = mounts ? strtok(mounts, "\n") : NULL; line; line = strtok(NULL, "\n")) {
		char point[PATH_MAX], *dash = strstr(line, " - ");
		if (dash && sscanf(line, "%*s %*s %*s %*s %4095s", point) == 1 && strcmp(point, "/") == 0)
			sscanf(dash + 3, "%63s", type); /* the last mount on / is the one seen */
	}
	free(mounts);
	snprintf(detail, sizeof detail, "/ is %s", type);
	check_report("root filesystem", strcmp(type, "rootfs") != 0, detail,
	       "pivot_root cannot leave the initramfs: boot with a real root filesystem");
}
