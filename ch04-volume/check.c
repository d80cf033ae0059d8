/* check.c: `mydocker check`: can this host run this stage's containers?
 * One line per item, ok or FAIL, and for a failure what to do about it
 * (notes/troubleshooting.md has more). Each chapter adds the checks that
 * its own idea needs. */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/statfs.h>
#include <sys/mount.h>
#include <stdlib.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

static int failures;

static void report(const char *item, bool ok, const char *detail, const char *fix)
{
	if (ok) {
		printf("ok    %s%s%s\n", item, detail[0] ? ": " : "", detail);
		return;
	}
	printf("FAIL  %s: %s -> fix: %s\n", item, detail, fix);
	failures++;
}

static void check_root(void)
{
	report("root", geteuid() == 0, geteuid() == 0 ? "" : "not root",
	       "run mydocker as root (sudo)");
}

/* The course needs Linux 5.4 or later (pidfd_open is 5.3, close_range 5.9
 * with a fallback). */
static void check_kernel(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	uname(&u);
	sscanf(u.release, "%d.%d", &major, &minor);
	report("kernel", major > 5 || (major == 5 && minor >= 4), u.release,
	       "use Linux 5.4 or later");
}

/* Tries unshare(2) with one CLONE_NEW* flag in a child process, so that
 * this process keeps its own namespaces. Returns 0 or the errno. */
static int try_unshare(int flag)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(unshare(flag) == 0 ? 0 : errno);
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;
}

static void check_namespaces(void)
{
	static const struct { const char *name; int flag; } namespaces[] = {
		{ "uts", CLONE_NEWUTS }, { "pid", CLONE_NEWPID }, { "mount", CLONE_NEWNS },
		{ "net", CLONE_NEWNET }, { "ipc", CLONE_NEWIPC },
	};

	for (size_t i = 0; i < ARRAY_SIZE(namespaces); i++) {
		char item[64];
		int error = try_unshare(namespaces[i].flag);
		snprintf(item, sizeof item, "%s namespace", namespaces[i].name);
		report(item, error == 0, error ? strerror(error) : "can be created",
		       error == EPERM ? "run as root on the host; inside a container, start it with --privileged"
				      : "use a kernel built with this namespace (CONFIG_*_NS)");
	}
}

/* For each controller run uses: can a container's cgroup be made where
 * mydocker would make it? */
static void check_cgroups(void)
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
		snprintf(item, sizeof item, "cgroup %s", subsystems[i]->name);
		error_capture(detail, sizeof detail);
		ok = cgroup_find(&cg, &real_cgroup_host, name, &one_limit[i]) == 0 &&
		     cgroup_probe(&cg, detail, sizeof detail) == 0;
		error_capture(NULL, 0);
		report(item, ok, detail,
		       "cgroup v1: mount this controller's hierarchy; cgroup v2: enable it in the root's "
		       "cgroup.subtree_control (see notes/troubleshooting.md, chapter 3.2)");
	}
}

/* pivot_root(2) cannot move the initramfs ("rootfs"), which is what / is
 * on a system that never switched to a real root filesystem. */
static void check_root_filesystem(void)
{
	char *mounts = read_file_all("/proc/self/mountinfo"), type[64] = "?", detail[128];

	for (char *line = mounts ? strtok(mounts, "\n") : NULL; line; line = strtok(NULL, "\n")) {
		char point[PATH_MAX], *dash = strstr(line, " - ");
		if (dash && sscanf(line, "%*s %*s %*s %*s %4095s", point) == 1 && strcmp(point, "/") == 0)
			sscanf(dash + 3, "%63s", type); /* the last mount on / is the one seen */
	}
	free(mounts);
	snprintf(detail, sizeof detail, "/ is %s", type);
	report("root filesystem", strcmp(type, "rootfs") != 0, detail,
	       "pivot_root cannot leave the initramfs: boot with a real root filesystem");
}

static void check_image(void)
{
	char path[PATH_MAX];
	bool ok;

	snprintf(path, sizeof path, "%s/images/busybox.tar", mydocker_root());
	ok = access(path, R_OK) == 0;
	report("busybox image", ok, ok ? path : strerror(errno),
	       "make ch04-rootfs installs it (as root), or MYDOCKER_ROOT points elsewhere");
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
static void check_overlay(void)
{
	char dir[PATH_MAX], detail[PATH_MAX + 128];
	struct statfs st;
	const char *type = "?";
	int error;

	snprintf(dir, sizeof dir, "%s/containers/.check-%d", mydocker_root(), (int)getpid());
	if (mkdir_p(mydocker_root(), 0700) == 0 && statfs(mydocker_root(), &st) == 0)
		type = filesystem_name((long)st.f_type);
	error = try_overlay(dir);
	snprintf(detail, sizeof detail, "%s is on %s: %s", mydocker_root(), type,
		 error ? strerror(error) : "an overlay with its upper layer there mounts");
	report("overlay", error == 0, detail,
	       error == ENODEV ? "load overlayfs: modprobe overlay"
			       : "set MYDOCKER_ROOT to a directory on ext4, xfs, btrfs or tmpfs "
				 "(see notes/troubleshooting.md, chapter 4.2)");
}

/* init runs from a sealed copy of mydocker in memory (sealed_exe.c). */
static void check_sealed_exe(void)
{
	int fd = open_sealed_exe();

	report("sealed copy of mydocker", fd >= 0, fd >= 0 ? "memfd_create(2) works" : strerror(errno),
	       "a kernel with memfd_create(2) (3.17) and file seals, with sysctl vm.memfd_noexec below 2");
	if (fd >= 0)
		close(fd);
}

int check_host(void)
{
	check_root();
	check_kernel();
	check_namespaces();
	check_cgroups();
	check_root_filesystem();
	check_image();
	check_sealed_exe();
	check_overlay();
	if (failures)
		printf("%d problem%s found: see notes/troubleshooting.md\n", failures, failures > 1 ? "s" : "");
	return failures ? 1 : 0;
}
