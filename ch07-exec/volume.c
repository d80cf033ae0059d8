/* volume.c: volumes (数据卷), -v HOST:CONTAINER[:ro|:rw]. A directory of the
 * host bind-mounted into the container's root, so what the container writes
 * there outlives its write layer. The mount is made by init, in the
 * container's own mount namespace: the host's mount table never shows it,
 * it ends with the container, and `commit` (which reads the merged view on
 * the host) does not see into it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

static bool has_dotdot(const char *path)
{
	for (const char *p = path; (p = strstr(p, "..")) != NULL; p += 2)
		if ((p == path || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
			return true;
	return false;
}

static int spec_error(char *error, size_t size, const char *spec, const char *why)
{
	snprintf(error, size, "invalid volume %s: %s", spec, why);
	return -1;
}

/* "HOST:CONTAINER[:ro|:rw]" -> v. Both paths absolute; CONTAINER not "/"
 * and without "..". Fills error and returns -1 when the spec is refused. */
int parse_volume(const char *spec, struct volume *v, char *error, size_t size)
{
	char copy[2 * PATH_MAX], *rest = copy, *parts[3];
	int n = 0;

	memset(v, 0, sizeof *v);
	if (strlen(spec) >= sizeof copy)
		return spec_error(error, size, spec, "too long");
	strcpy(copy, spec);
	/* strsep, not strtok: in "a::b" the empty part is an error, not skipped */
	while (rest && n < 3)
		parts[n++] = strsep(&rest, ":");
	if (rest || n < 2)
		return spec_error(error, size, spec, "expected HOST:CONTAINER or HOST:CONTAINER:ro|rw");
	if (parts[0][0] != '/' || parts[1][0] != '/')
		return spec_error(error, size, spec, "both paths must be absolute");
	if (strspn(parts[1], "/") == strlen(parts[1]))
		return spec_error(error, size, spec, "cannot mount over the container's /");
	if (has_dotdot(parts[1]))
		return spec_error(error, size, spec, "the container path may not contain '..'");
	if (n == 3 && strcmp(parts[2], "ro") != 0 && strcmp(parts[2], "rw") != 0)
		return spec_error(error, size, spec, "the mode must be ro or rw");
	if (strlen(parts[0]) >= sizeof v->host || strlen(parts[1]) >= sizeof v->container)
		return spec_error(error, size, spec, "path too long");
	strcpy(v->host, parts[0]);
	strcpy(v->container, parts[1]);
	v->read_only = n == 3 && strcmp(parts[2], "ro") == 0;
	return 0;
}

/* v -> "HOST:CONTAINER:ro|rw", as parse_volume() reads it back. */
static void format_volume(const struct volume *v, char *out, size_t size)
{
	snprintf(out, size, "%s:%s:%s", v->host, v->container, v->read_only ? "ro" : "rw");
}

/* Takes the first component off *rest ("a/b/c" -> "a", rest "b/c"). */
static int next_component(char *rest, char *name)
{
	size_t skip = strspn(rest, "/"), len = strcspn(rest + skip, "/");

	if (len > NAME_MAX)
		return -1;
	memcpy(name, rest + skip, len);
	name[len] = '\0';
	memmove(rest, rest + skip + len, strlen(rest + skip + len) + 1);
	return 0;
}

/* Resolves path (as the container will see it) inside root, the way the
 * kernel will once root is '/': symlinks are followed, and an absolute one
 * starts again from root. A link that climbs above root is refused with
 * EXDEV (the kernel would stop at '/', but such a link is almost certainly
 * meant to point at the host). What does not exist yet is kept as given.
 * out gets root followed by the resolved path. */
int resolve_in_root(const char *root, const char *path, char *out, size_t size)
{
	char rest[PATH_MAX], done[PATH_MAX] = "", name[NAME_MAX + 1], full[2 * PATH_MAX];
	int links = 0;

	if (snprintf(rest, sizeof rest, "%s", path) >= (int)sizeof rest)
		goto too_long;
	while (rest[0]) {
		struct stat st;
		if (next_component(rest, name) < 0)
			goto too_long;
		if (name[0] == '\0' || strcmp(name, ".") == 0)
			continue;
		if (strcmp(name, "..") == 0) {
			if (!done[0]) {
				errno = EXDEV;
				return -1;
			}
			*strrchr(done, '/') = '\0';
			continue;
		}
		if (strlen(done) + 1 + strlen(name) >= sizeof done)
			goto too_long;
		strcat(strcat(done, "/"), name);
		snprintf(full, sizeof full, "%s%s", root, done);
		if (lstat(full, &st) < 0 || !S_ISLNK(st.st_mode))
			continue; /* a directory, or not there (yet) */
		if (++links > 40) {
			errno = ELOOP;
			return -1;
		}
		char target[PATH_MAX], joined[2 * PATH_MAX];
		ssize_t n = readlink(full, target, sizeof target - 1);
		if (n < 0)
			return -1;
		target[n] = '\0';
		*strrchr(done, '/') = '\0'; /* the link itself is replaced by its target */
		if (target[0] == '/')
			done[0] = '\0';
		if (snprintf(joined, sizeof joined, "%s/%s", target, rest) >= (int)sizeof rest)
			goto too_long;
		strcpy(rest, joined);
	}
	if (snprintf(out, size, "%s%s", root, done[0] ? done : "/") >= (int)size)
		goto too_long;
	return 0;
too_long:
	errno = ENAMETOOLONG;
	return -1;
}

/* Parent, before anything is created: every volume's container path must
 * stay inside the image (the container's root starts as the image). */
static int check_volumes(const struct volume *volumes, int n, const char *image_dir)
{
	char target[PATH_MAX];

	for (int i = 0; i < n; i++) {
		if (resolve_in_root(image_dir, volumes[i].container, target, sizeof target) < 0) {
			if (errno == EXDEV)
				error_msg("volume %s:%s: %s leads out of the container's root through a symlink in the image",
					  volumes[i].host, volumes[i].container, volumes[i].container);
			else
				error_errno("volume %s:%s: resolve %s in the image", volumes[i].host,
					    volumes[i].container, volumes[i].container);
			return -1;
		}
	}
	return 0;
}

/* Parent: HOST is created when missing, as docker does. */
static int create_volume_dirs(const struct volume *volumes, int n)
{
	for (int i = 0; i < n; i++) {
		if (mkdir_p(volumes[i].host, 0755) < 0) {
			error_errno("volume %s: mkdir %s", volumes[i].container, volumes[i].host);
			return -1;
		}
	}
	return 0;
}

/* Before the container exists: every volume checked, then its host
 * directory made, as docker does; *specs, the volumes as init takes them,
 * "HOST:CONTAINER:ro|rw" (a list for strings_free()). 0, or -1, said. */
int prepare_volumes(const struct volume *volumes, int n, const char *image_dir, char ***specs)
{
	char spec[2 * PATH_MAX + 4];

	if (check_volumes(volumes, n, image_dir) < 0 || create_volume_dirs(volumes, n) < 0)
		return -1;
	*specs = strings_copy(NULL);
	for (int i = 0; *specs && i < n; i++) {
		format_volume(&volumes[i], spec, sizeof spec);
		if (strings_add(specs, spec) < 0) {
			strings_free(*specs);
			*specs = NULL;
		}
	}
	if (!*specs) {
		error_errno("the container's volumes");
		return -1;
	}
	return 0;
}

/* The mount point must be of the same kind as what is mounted on it. */
static void make_mount_point(const char *host, const char *target)
{
	struct stat st;

	if (stat(host, &st) == 0 && !S_ISDIR(st.st_mode)) {
		char parent[PATH_MAX];
		int fd = -1;
		snprintf(parent, sizeof parent, "%s", target);
		*strrchr(parent, '/') = '\0';
		if (mkdir_p(parent, 0755) == 0)
			fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			die_errno(EXIT_MYDOCKER, "create the mount point %s", target);
		close(fd);
	} else if (mkdir_p(target, 0755) < 0) {
		die_errno(EXIT_MYDOCKER, "create the mount point %s", target);
	}
}

/* nosuid and nodev, and with :ro read-only, on the volume and on every
 * mount below it: the container can use no setuid program and no device
 * node of the host's directory. (Its root can still leave such files there
 * for the host: only the host's own mount options, or a user namespace,
 * stop that.) A bind mount takes flags only from a second call: here
 * mount_setattr(2), which (Linux 5.12 on) sets them on the whole tree at
 * once, as docker 25 does for :ro; an older kernel gets a remount (mount(2),
 * MS_REMOUNT), which sets them on the top mount only. */
static void restrict_volume(const char *target, bool read_only)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					       (read_only ? MOUNT_ATTR_RDONLY : 0) };
	unsigned long flags = MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NODEV | (read_only ? MS_RDONLY : 0);

	if (mount_setattr(AT_FDCWD, target, AT_RECURSIVE, &attr, sizeof attr) == 0)
		return;
	if (errno != ENOSYS || mount(NULL, target, NULL, flags, NULL) < 0)
		die_errno(EXIT_MYDOCKER, "make %s nosuid, nodev%s", target, read_only ? ", read-only" : "");
}

/* init, before pivot_root: bind each HOST at CONTAINER in the new root.
 * MS_REC takes along what is mounted below HOST; MS_PRIVATE keeps mounts
 * under it from propagating either way. */
void mount_volumes(const char *root, char **specs)
{
	char error[256], target[PATH_MAX];
	struct volume v;

	for (; specs && *specs; specs++) {
		if (parse_volume(*specs, &v, error, sizeof error) < 0)
			die_msg(EXIT_MYDOCKER, "init: %s", error);
		if (resolve_in_root(root, v.container, target, sizeof target) < 0)
			die_errno(EXIT_MYDOCKER, "init: volume %s", v.container);
		make_mount_point(v.host, target);
		if (mount(v.host, target, NULL, MS_BIND | MS_REC, NULL) < 0 ||
		    mount(NULL, target, NULL, MS_PRIVATE | MS_REC, NULL) < 0)
			die_errno(EXIT_MYDOCKER, "bind mount %s on %s", v.host, target);
		restrict_volume(target, v.read_only);
		debug("init: volume %s on %s%s", v.host, v.container, v.read_only ? ", read-only" : "");
	}
}
