/* cgroup_paths.c: finding cgroups, and writing to them. A cgroup is a
 * directory in a cgroup filesystem; /proc/self/mountinfo says where each
 * hierarchy is mounted, and /proc/self/cgroup says which cgroup of each
 * hierarchy we are in (cgroups(7), proc(5)). These functions read the text
 * of those two files, so the tests can give them samples from v1, v2 and
 * hybrid hosts; cgroup_write() is how every subsystem sets a value. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "mydocker.h"

/* mountinfo escapes space, tab, newline and backslash as \040 and so on. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		unsigned a, b, c;
		if (s[0] == '\\' && sscanf(s + 1, "%1o%1o%1o", &a, &b, &c) == 3) {
			*out++ = (char)(a * 64 + b * 8 + c);
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* Is word one of the comma-separated words of list? */
static bool in_list(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while (p) {
		if (strncmp(p, word, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

/* One line of mountinfo: "36 35 98:0 ROOT POINT OPTIONS [TAGS...] - FSTYPE SOURCE SUPER" */
static int parse_mount_line(char *line, struct cgroup_mount *m, char **fstype, char **super)
{
	char *field[6], *save = NULL, *word;
	int n = 0;

	for (word = strtok_r(line, " ", &save); word && n < 6; word = strtok_r(NULL, " ", &save))
		field[n++] = word;
	if (n < 6)
		return -1;
	while (word && strcmp(word, "-") != 0) /* skip the optional tags */
		word = strtok_r(NULL, " ", &save);
	*fstype = strtok_r(NULL, " ", &save);
	strtok_r(NULL, " ", &save); /* source */
	*super = strtok_r(NULL, " \n", &save);
	if (!*fstype || !*super)
		return -1;
	snprintf(m->root, sizeof m->root, "%s", field[3]);
	snprintf(m->point, sizeof m->point, "%s", field[4]);
	unescape(m->root);
	unescape(m->point);
	return 0;
}

/* The mount of the v1 hierarchy holding controller, or with controller NULL,
 * the v2 hierarchy. 0 when found; -1 (ENOENT) when not. */
int find_cgroup_mount(const char *mountinfo, const char *controller, struct cgroup_mount *out)
{
	char line[8192];

	for (const char *p = mountinfo; *p;) {
		size_t len = strcspn(p, "\n");
		char *fstype, *super;

		snprintf(line, sizeof line, "%.*s", (int)len, p);
		p += len + (p[len] == '\n');
		if (parse_mount_line(line, out, &fstype, &super) < 0)
			continue;
		if (!controller && strcmp(fstype, "cgroup2") == 0) {
			out->version = 2;
			return 0;
		}
		if (controller && strcmp(fstype, "cgroup") == 0 && in_list(super, controller)) {
			out->version = 1;
			return 0;
		}
	}
	errno = ENOENT;
	return -1;
}

/* Our cgroup in the v1 hierarchy holding controller ("N:cpu,cpuacct:/a/b"),
 * or with controller "", in the v2 hierarchy ("0::/a/b"). */
int find_own_cgroup(const char *self_cgroup, const char *controller, char *path, size_t size)
{
	char line[4096];

	for (const char *p = self_cgroup; *p;) {
		size_t len = strcspn(p, "\n");
		char *controllers, *cgroup;

		snprintf(line, sizeof line, "%.*s", (int)len, p);
		p += len + (p[len] == '\n');
		controllers = strchr(line, ':');
		cgroup = controllers ? strchr(controllers + 1, ':') : NULL;
		if (!cgroup)
			continue;
		*cgroup++ = '\0';
		controllers++;
		if (controller[0] ? in_list(controllers, controller) : controllers[0] == '\0') {
			snprintf(path, size, "%s", cgroup);
			return 0;
		}
	}
	errno = ENOENT;
	return -1;
}

/* Writes one value into one cgroup file, saying which on failure. */
int cgroup_write(const char *dir, const char *file, const char *value)
{
	char path[PATH_MAX];

	if (path_join(path, sizeof path, dir, file) < 0 || write_file(path, value) < 0) {
		error_errno("write %s to %s/%s", value, dir, file);
		return -1;
	}
	debug("cgroup: wrote %s to %s", value, path);
	return 0;
}
