/* masks.c: what of the kernel's own files a container may not read or
 * change. /proc and /sys show the host's kernel, not the container: some
 * files leak what other users do (/proc/keys, /proc/timer_list), one is
 * the host's memory (/proc/kcore), and /proc/sys holds the kernel's
 * settings for the whole machine (kernel/core_pattern names a program the
 * kernel runs as root on the host when any process crashes). Docker's
 * answer, which we copy: its masked paths show nothing, and its read-only
 * paths cannot be written, even by the container's root. */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "common.h"
#include "mydocker.h"

/* Docker's MaskedPaths (runc's maskPath). */
static const char *const masked[] = {
	"/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore", "/proc/keys",
	"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
	"/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
};

/* Docker's ReadonlyPaths (runc's readonlyPath). */
static const char *const read_only[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

/* A file is covered by /dev/null, a directory by an empty read-only tmpfs.
 * What this kernel does not have is nothing to hide. */
void mask_path(const char *path)
{
	struct stat st;
	int ret;

	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return;
		die_errno(EXIT_MYDOCKER, "mask %s", path);
	}
	if (S_ISDIR(st.st_mode))
		ret = mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0");
	else
		ret = mount("/dev/null", path, NULL, MS_BIND, NULL);
	if (ret < 0)
		die_errno(EXIT_MYDOCKER, "mask %s", path);
}

/* A bind mount of the path onto itself, then made read-only: a bind mount
 * takes its flags only from a second call, a remount (mount(2),
 * MS_REMOUNT | MS_BIND), which must repeat the flags /proc already has. */
void make_read_only(const char *path)
{
	if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) {
		if (errno == ENOENT)
			return;
		die_errno(EXIT_MYDOCKER, "bind mount %s onto itself", path);
	}
	if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		die_errno(EXIT_MYDOCKER, "make %s read-only", path);
}

/* After /proc, /dev (for /dev/null) and /sys are mounted; before the
 * capabilities go, since mounting needs CAP_SYS_ADMIN, and without it the
 * container cannot unmount what covers these paths. */
void mask_kernel_files(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(masked); i++)
		mask_path(masked[i]);
	for (size_t i = 0; i < ARRAY_SIZE(read_only); i++)
		make_read_only(read_only[i]);
	debug("init: masked docker's %zu paths of /proc and /sys, made %zu read-only",
	      ARRAY_SIZE(masked), ARRAY_SIZE(read_only));
}
