/* sealed_exe.c: the binary init runs from. The book re-executes
 * /proc/self/exe, the mydocker file on the host's disk. But a container can
 * get that file run inside it once more (an image whose command is a
 * script starting "#!/proc/self/exe" makes the kernel run init's own
 * binary as its interpreter, with the image's dynamic loader), and then
 * /proc/self/exe leads the image's code to the host's file: it can chmod
 * it setuid, chown it, or overwrite it once it is no longer running, and
 * the next `sudo mydocker` runs the image's code as root on the host
 * (CVE-2019-5736, in runc). So init runs from a read-only view of the file
 * instead: a bind mount of that one file, made read-only and attached to
 * no mount namespace (open_tree(2) with OPEN_TREE_CLONE, then
 * mount_setattr(2), Linux 5.12), as crun does. In the container,
 * /proc/self/exe leads to the view, where chmod, chown and any write fail
 * with EROFS. Nothing is copied: the kernel maps the pages of the host's
 * file, which every start shares. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

/* The child that execs the view first places its own fds on 3 and up
 * (init's pipe, ...), and dup2(2) onto an fd closes what was there: the
 * view's fd goes above them. */
#define SEALED_EXE_LOWEST_FD 16

/* An O_PATH fd of this program's file on a read-only mount of its own
 * that no namespace holds: the mount goes when the last fd and the last
 * process running from it do. -1 with errno on failure. */
int open_sealed_exe(void)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV };
	int view = (int)syscall(SYS_open_tree, AT_FDCWD, "/proc/self/exe", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	int high = -1, saved_errno;

	if (view < 0)
		return -1;
	if (syscall(SYS_mount_setattr, view, "", AT_EMPTY_PATH, &attr, sizeof attr) == 0)
		high = fcntl(view, F_DUPFD_CLOEXEC, SEALED_EXE_LOWEST_FD);
	saved_errno = errno;
	close(view);
	errno = saved_errno;
	return high;
}

/* init runs from a read-only view of mydocker (sealed_exe.c). */
void check_sealed_exe(void)
{
	int fd = open_sealed_exe();

	check_report("read-only view of mydocker", fd >= 0,
	       fd >= 0 ? "open_tree(2) and mount_setattr(2) work" : strerror(errno),
	       "run as root on the host, on Linux 5.12 or later");
	if (fd >= 0)
		close(fd);
}
