/* bundle_mounts.c: config.json's mounts, each as mount(8) would take it:
 * a type, a source, a destination inside the container, and options. An
 * option is a flag of mount(2) ("nosuid" is MS_NOSUID), a propagation
 * ("rprivate"), or text for the file system itself ("mode=755"). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

/* The options that are flags: set, or cleared ("rw" clears MS_RDONLY). */
static const struct { const char *name; unsigned long flag; bool clear; } flag_options[] = {
	{ "ro", MS_RDONLY, false }, { "rw", MS_RDONLY, true }, { "nosuid", MS_NOSUID, false },
	{ "suid", MS_NOSUID, true }, { "nodev", MS_NODEV, false }, { "dev", MS_NODEV, true },
	{ "noexec", MS_NOEXEC, false }, { "exec", MS_NOEXEC, true }, { "sync", MS_SYNCHRONOUS, false },
	{ "async", MS_SYNCHRONOUS, true }, { "dirsync", MS_DIRSYNC, false },
	{ "noatime", MS_NOATIME, false }, { "atime", MS_NOATIME, true },
	{ "nodiratime", MS_NODIRATIME, false }, { "diratime", MS_NODIRATIME, true },
	{ "relatime", MS_RELATIME, false }, { "norelatime", MS_RELATIME, true },
	{ "strictatime", MS_STRICTATIME, false }, { "nostrictatime", MS_STRICTATIME, true },
	{ "bind", MS_BIND, false }, { "rbind", MS_BIND | MS_REC, false },
};

/* Propagation (mount_namespaces(7)), set by a mount(2) call of its own. */
static const struct { const char *name; unsigned long flag; } propagations[] = {
	{ "private", MS_PRIVATE }, { "rprivate", MS_PRIVATE | MS_REC }, { "shared", MS_SHARED },
	{ "rshared", MS_SHARED | MS_REC }, { "slave", MS_SLAVE }, { "rslave", MS_SLAVE | MS_REC },
	{ "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
};

static bool flag_option(struct bundle_mount *m, const char *option)
{
	for (size_t i = 0; i < ARRAY_SIZE(flag_options); i++) {
		if (strcmp(option, flag_options[i].name) != 0)
			continue;
		if (flag_options[i].clear)
			m->flags &= ~flag_options[i].flag;
		else
			m->flags |= flag_options[i].flag;
		return true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(propagations); i++)
		if (strcmp(option, propagations[i].name) == 0) {
			m->propagation = propagations[i].flag;
			return true;
		}
	return false;
}

/* One mount's options; every other option is the file system's data. */
int mount_options(struct bundle_mount *m, char *const *options, char *error, size_t size)
{
	size_t used = 0;

	if (!m->destination || m->destination[0] != '/') {
		snprintf(error, size, "config.json: mounts[]: destination %s is not an absolute path",
			 m->destination ? m->destination : "(none)");
		return -1;
	}
	if (m->type && strcmp(m->type, "bind") == 0)
		m->flags |= MS_BIND; /* containerd writes binds so */
	for (char *const *o = options; o && *o; o++) {
		if (flag_option(m, *o))
			continue;
		if (used + strlen(*o) + 2 > sizeof m->data) {
			snprintf(error, size, "config.json: mounts[] %s: options too long", m->destination);
			return -1;
		}
		used += (size_t)snprintf(m->data + used, sizeof m->data - used, "%s%s", used ? "," : "", *o);
	}
	if (!m->type && !(m->flags & MS_BIND)) {
		snprintf(error, size, "config.json: mounts[] %s: a mount needs a type, or the bind option",
			 m->destination);
		return -1;
	}
	return 0;
}

/* A bind mount's destination is of the source's kind: a directory for a
 * directory, an empty file for anything else. */
static void make_destination(const struct bundle_mount *m, const char *target)
{
	struct stat st;
	char parent[PATH_MAX];
	int fd;

	if (!(m->flags & MS_BIND) || (stat(m->source, &st) == 0 && S_ISDIR(st.st_mode))) {
		if (mkdir_p(target, 0755) < 0)
			die_errno(EXIT_MYDOCKER, "init: mkdir %s", target);
		return;
	}
	snprintf(parent, sizeof parent, "%s", target);
	*strrchr(parent, '/') = '\0';
	if (mkdir_p(parent, 0755) < 0 || (fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) < 0)
		die_errno(EXIT_MYDOCKER, "init: make %s", target);
	close(fd);
}

/* A bind mount takes flags such as ro only from a remount (mount(2)). */
static void mount_one(const struct bundle_mount *m, const char *target)
{
	unsigned long bind_flags = m->flags & (MS_BIND | MS_REC);

	if (bind_flags) {
		if (mount(m->source, target, NULL, bind_flags, NULL) < 0 ||
		    (m->flags != bind_flags &&
		     mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | (m->flags & ~MS_REC), NULL) < 0))
			die_errno(EXIT_MYDOCKER, "init: bind mount %s on %s", m->source, m->destination);
	} else if (mount(m->source, target, m->type, m->flags, m->data[0] ? m->data : NULL) < 0) {
		die_errno(EXIT_MYDOCKER, "init: mount %s on %s", m->type, m->destination);
	}
	if (m->propagation && mount(NULL, target, NULL, m->propagation, NULL) < 0)
		die_errno(EXIT_MYDOCKER, "init: set the propagation of %s", m->destination);
}

/* In order, before pivot_root(2), while the sources of binds are still
 * reachable; a destination is resolved inside root, as volumes are, so a
 * symlink in the root filesystem cannot send a mount onto the host. */
void mount_bundle_mounts(const char *root, const struct bundle *b)
{
	char target[PATH_MAX];

	for (int i = 0; i < b->n_mounts; i++) {
		const struct bundle_mount *m = &b->mounts[i];
		if (resolve_in_root(root, m->destination, target, sizeof target) < 0)
			die_errno(EXIT_MYDOCKER, "init: mount destination %s in the root", m->destination);
		make_destination(m, target);
		if (m->type && strcmp(m->type, "cgroup") == 0)
			mount_cgroups(m, target, &b->resources);
		else
			mount_one(m, target);
	}
	debug("init: mounted config.json's %d mounts", b->n_mounts);
}
