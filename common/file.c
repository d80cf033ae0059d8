/* file.c: reading and writing the small files a runtime lives on (the files
 * under /proc and /sys/fs/cgroup, records), making and removing directories. */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

/* Reads up to size-1 bytes and ends them with '\0'; returns the length. */
ssize_t read_file(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (n < 0) {
		int saved_errno = errno;
		close(fd);
		errno = saved_errno;
		return -1;
	}
	close(fd);
	return (ssize_t)len;
}

/* Reads what fd gives until end-of-file into a malloc'd, '\0'-ended
 * string (a pipe's writer closing it, or a file of any size). */
char *read_fd_all(int fd)
{
	size_t size = 4096, len = 0;
	char *buf = malloc(size);

	while (buf) {
		ssize_t n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			buf[len] = '\0';
			if (n == 0)
				return buf;
			break;
		}
		len += (size_t)n;
		if (len + 1 == size) {
			char *bigger = realloc(buf, size * 2);
			if (!bigger)
				break;
			buf = bigger;
			size *= 2;
		}
	}
	free(buf);
	return NULL;
}

/* A whole file. (Files under /proc report size 0, so read until EOF
 * rather than stat.) */
char *read_file_all(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), saved_errno;
	char *text;

	if (fd < 0)
		return NULL;
	text = read_fd_all(fd);
	saved_errno = errno;
	close(fd);
	errno = saved_errno;
	return text;
}

/* Writes all of text: write(2) may write less than it is given (a pipe,
 * a signal), so write again until it is all written. */
int write_all(int fd, const char *text, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, text, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		text += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Closes *fd if it is open, and marks it closed (-1). */
void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* One read(2) from `from`, written whole to `to`: 1 if it copied, 0 if
 * nothing was ready (EAGAIN) or a signal came first (EINTR), -1 at the
 * end of `from` or when either fails. */
int copy_once(int from, int to)
{
	char buf[4096];
	ssize_t n = read(from, buf, sizeof buf);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0 || write_all(to, buf, (size_t)n) < 0)
		return -1;
	return 1;
}

/* All that `from` holds now, copied to `to`, without waiting for more:
 * what a process wrote before it exited, while another one it left
 * behind may keep the pipe or pty open and write nothing. */
void copy_what_is_ready(int from, int to)
{
	if (fcntl(from, F_SETFL, fcntl(from, F_GETFL) | O_NONBLOCK) < 0)
		return;
	while (copy_once(from, to) > 0)
		;
}

int copy_buffered(struct copy_buffer *b, int from, int to)
{
	ssize_t n;

	if (b->len == 0) {
		n = read(from, b->data, sizeof b->data);
		if (n < 0 && errno == EINTR)
			return 0;
		if (n <= 0)
			return -1;
		b->len = (size_t)n;
	}
	n = write(to, b->data, b->len);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	memmove(b->data, b->data + n, b->len - (size_t)n);
	b->len -= (size_t)n;
	return 0;
}

/* Writes text into an existing file, as one write(2) where it fits: the
 * kernel parses a cgroup or /proc file's value per write call. Does not
 * create the file: a missing cgroup file means a missing controller. */
int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -1;
	ret = write_all(fd, text, strlen(text));
	if (close(fd) < 0 && ret == 0)
		ret = -1;
	return ret;
}

/* Writes a new version of a file so that a reader sees either the old or
 * the new one, never half of it: write a temp file next to it, fsync if
 * durable, rename(2) over (rename is atomic within one filesystem). */
static int write_file_whole(const char *path, const char *text, bool durable)
{
	char tmp[PATH_MAX];
	int fd, ret = -1;

	if (snprintf(tmp, sizeof tmp, "%s.tmp-%d", path, (int)getpid()) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (write_all(fd, text, strlen(text)) == 0 && (!durable || fsync(fd) == 0))
		ret = 0;
	if (close(fd) < 0)
		ret = -1;
	if (ret == 0)
		ret = rename(tmp, path);
	if (ret < 0) {
		int saved_errno = errno;
		unlink(tmp);
		errno = saved_errno;
	}
	return ret;
}

/* ... that survives a crash of the machine too (fsync(2) before the
 * rename): a record that must outlive a reboot. */
int write_file_atomic(const char *path, const char *text)
{
	return write_file_whole(path, text, true);
}

/* ... whole, but not made durable: a file that means nothing after a
 * reboot (the state of a process that a reboot ends), where an fsync
 * would only cost a disk's write. */
int write_file_replace(const char *path, const char *text)
{
	return write_file_whole(path, text, false);
}

/* mkdir -p: an existing directory is fine. */
int mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof buf) {
		errno = len ? ENAMETOOLONG : ENOENT;
		return -1;
	}
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* One pass over the directory dirfd: unlinks what is not a directory and
 * names in subdir the first directory found (or leaves it empty): 0, or
 * -1 with errno. */
static int empty_files_of(int dirfd, char subdir[NAME_MAX + 1])
{
	int fd = dup(dirfd), ret = 0;
	DIR *dir = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *e;

	subdir[0] = '\0';
	if (!dir) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	rewinddir(dir); /* the dup shares its offset with an earlier pass's */
	while (ret == 0 && (e = readdir(dir))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd, e->d_name, 0) == 0 || errno == ENOENT)
			continue;
		if (errno != EISDIR)
			ret = -1;
		else if (!subdir[0])
			snprintf(subdir, NAME_MAX + 1, "%s", e->d_name);
	}
	closedir(dir);
	return ret;
}

/* cp from to, where to is a new file (O_EXCL): 0, or -1 with errno (to
 * may be left, half-written). */
int copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	int out = in < 0 ? -1 : open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	ssize_t n = -1;

	if (out >= 0) {
		char buf[64 * 1024];
		while ((n = read(in, buf, sizeof buf)) > 0 && write_all(out, buf, (size_t)n) == 0)
			;
		if (close(out) < 0)
			n = -1;
	}
	if (in >= 0)
		close(in);
	return n == 0 ? 0 : -1;
}

/* du --apparent-size: the size of the files below path, in bytes. */
static off_t counted; /* nftw(3) passes no data to its callback */

static int count_file(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)path;
	(void)ftw;
	if (type == FTW_F)
		counted += st->st_size;
	return 0;
}

off_t tree_size(const char *path)
{
	counted = 0;
	nftw(path, count_file, 16, FTW_PHYS);
	return counted;
}

/* rm -rf, with one directory open at a time and every call relative to
 * it (unlinkat(2)), so that a tree deeper than PATH_MAX goes too (nftw(3)
 * builds full paths and fails on it). It never crosses into another
 * filesystem: a mount left inside fails it with EBUSY, and what is below
 * the mount is left alone. A missing tree counts as removed. */
int remove_tree(const char *path)
{
	char **way_down = NULL, subdir[NAME_MAX + 1];
	size_t depth = 0;
	struct stat top, st;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), next, ret = -1;

	if (fd < 0 && (errno == ENOTDIR || errno == ELOOP))
		return unlink(path); /* a file, or a symbolic link */
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (fstat(fd, &top) < 0)
		goto out;
	for (;;) {
		if (empty_files_of(fd, subdir) < 0)
			goto out;
		if (subdir[0]) { /* down into it */
			char **longer = realloc(way_down, (depth + 1) * sizeof *way_down);
			if (!longer || !(longer[depth] = strdup(subdir))) {
				way_down = longer ? longer : way_down;
				goto out;
			}
			way_down = longer;
			depth++;
			next = openat(fd, subdir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		} else if (depth > 0) { /* empty: up, and remove it */
			next = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (next >= 0 && unlinkat(next, way_down[depth - 1], AT_REMOVEDIR) < 0) {
				close(next);
				next = -1;
			}
			if (next >= 0)
				free(way_down[--depth]);
		} else {
			break;
		}
		close(fd);
		fd = next;
		if (fd < 0 || fstat(fd, &st) < 0)
			goto out;
		if (st.st_dev != top.st_dev) {
			errno = EBUSY; /* a mount point */
			goto out;
		}
	}
	ret = rmdir(path);
out:
	if (fd >= 0)
		close(fd);
	while (depth > 0)
		free(way_down[--depth]);
	free(way_down);
	return ret;
}

/* Whether dir/name exists (the swap files of a memory cgroup, which are
 * there only where the kernel accounts swap; the index of an image's
 * archive). */
bool has_file(const char *dir, const char *name)
{
	char path[PATH_MAX];

	return path_join(path, sizeof path, dir, name) == 0 && access(path, F_OK) == 0;
}

int path_join(char *out, size_t size, const char *dir, const char *name)
{
	return path_printf(out, size, "%s/%s", dir, name);
}

int path_vprintf(char *out, size_t size, const char *fmt, va_list ap)
{
	int n = vsnprintf(out, size, fmt, ap);

	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int path_printf(char *out, size_t size, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = path_vprintf(out, size, fmt, ap);
	va_end(ap);
	return ret;
}

int lock_file(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd >= 0 && flock(fd, LOCK_EX) < 0) {
		int saved_errno = errno;
		close(fd);
		errno = saved_errno;
		return -1;
	}
	return fd;
}
