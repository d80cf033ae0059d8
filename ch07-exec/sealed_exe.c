/* sealed_exe.c: the binary init runs from. The book re-executes
 * /proc/self/exe, the mydocker file on the host's disk. But a container can
 * get that file run inside it once more (an image whose command is a
 * script starting "#!/proc/self/exe" makes the kernel run init's own
 * binary as its interpreter, with the image's dynamic loader), and then
 * /proc/self/exe leads the image's code to the host's file: it can chmod
 * it setuid, chown it, or overwrite it once it is no longer running, and
 * the next `sudo mydocker` runs the image's code as root on the host
 * (CVE-2019-5736, in runc). So init runs from a copy in memory instead,
 * memfd_create(2), sealed against any change (fcntl(2), F_ADD_SEALS): in
 * the container, /proc/self/exe leads to that copy, not the host's file. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U /* Linux 6.3, linux/memfd.h */
#endif

/* A memfd we may exec. Since Linux 6.3 a host may make memfds
 * non-executable by default (the sysctl vm.memfd_noexec, memfd_create(2)),
 * unless MFD_EXEC asks otherwise; a kernel before 6.3 refuses MFD_EXEC as
 * unknown (EINVAL), and every memfd is executable there. */
static int executable_memfd(const char *name)
{
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);

	if (fd < 0 && errno == EINVAL)
		fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	return fd;
}

/* An fd of a sealed copy of this program, for fexecve(3); -1 on failure. */
int open_sealed_exe(void)
{
	int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC), copy = -1, saved_errno;
	struct stat st;
	off_t done = 0;

	if (exe < 0 || fstat(exe, &st) < 0)
		goto fail;
	copy = executable_memfd("mydocker");
	if (copy < 0)
		goto fail;
	while (done < st.st_size) { /* sendfile(2) copies inside the kernel */
		ssize_t n = sendfile(copy, exe, &done, (size_t)(st.st_size - done));
		if (n < 0 && errno == EINTR)
			continue; /* a signal (Ctrl-C) came: run_container() sees it next */
		if (n <= 0)
			goto fail;
	}
	if (fcntl(copy, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
		goto fail;
	close(exe);
	return copy;
fail:
	saved_errno = errno;
	if (exe >= 0)
		close(exe);
	if (copy >= 0)
		close(copy);
	errno = saved_errno;
	return -1;
}

/* init runs from a sealed copy of mydocker in memory (sealed_exe.c). */
void check_sealed_exe(void)
{
	int fd = open_sealed_exe();

	check_report("sealed copy of mydocker", fd >= 0, fd >= 0 ? "memfd_create(2) works" : strerror(errno),
	       "a kernel with memfd_create(2) (3.17) and file seals, with sysctl vm.memfd_noexec below 2");
	if (fd >= 0)
		close(fd);
}
