/* user.c: who the command runs as, -u USER[:GROUP] or the image's User,
 * as docker reads it: each part a name or a number. A name is looked up
 * in the container's own /etc/passwd and /etc/group, read here by init,
 * inside the container's root: getpwnam(3) could ask NSS modules of the
 * host's configuration instead. A user given without GROUP gets the group
 * its passwd line names, and the groups /etc/group lists it in (its
 * supplementary groups, setgroups(2)). Then setgid(2) and setuid(2): for
 * a uid other than 0, setuid clears the capabilities init kept
 * (capabilities(7), "Effect of user ID changes on capabilities"), as in
 * docker. */
#define _GNU_SOURCE
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

#define MAX_GROUPS 64

/* A number made of digits only, into *id: 0, or -1. */
static int parse_id(const char *text, unsigned *id)
{
	char *end;
	unsigned long n = strtoul(text, &end, 10);

	if (text[0] < '0' || text[0] > '9' || *end || n > 0xfffffffeUL)
		return -1;
	*id = (unsigned)n;
	return 0;
}

/* A line of a passwd(5) or group(5) file, its newline dropped, split on
 * ':' into f[0..n-1] ("" past its last field). */
static void split_fields(char *line, char **f, int n)
{
	char *rest = line;

	line[strcspn(line, "\n")] = '\0';
	for (int i = 0; i < n; i++)
		f[i] = rest ? strsep(&rest, ":") : "";
}

/* The line of a passwd(5) or group(5) file whose name (its first field)
 * is key, or, when key is a number, whose id (its third) is: its fields
 * split on ':' into f[0..5] ("" past the last), in line. 0, or -1 if
 * there is none. */
static int find_entry(const char *file, const char *key, char *line, int size, char *f[6])
{
	FILE *in = fopen(file, "re");
	unsigned id;
	int found = -1;

	while (in && found < 0 && fgets(line, size, in)) {
		split_fields(line, f, 6);
		if (strcmp(f[0], key) == 0 || (parse_id(key, &id) == 0 && strcmp(f[2], key) == 0))
			found = 0;
	}
	if (in)
		fclose(in);
	return found;
}

/* The groups /etc/group lists user in (its fourth field, names with ','
 * between), into groups: how many. */
static int supplementary_groups(const char *user, gid_t groups[MAX_GROUPS])
{
	FILE *in = fopen("/etc/group", "re");
	char line[1024];
	int n = 0;

	while (in && n < MAX_GROUPS && fgets(line, sizeof line, in)) {
		char *f[4], *member;
		split_fields(line, f, 4);
		while ((member = strsep(&f[3], ",")))
			if (strcmp(member, user) == 0 && parse_id(f[2], &groups[n]) == 0)
				n++;
	}
	if (in)
		fclose(in);
	return n;
}

/* HOME: the user's home, as its passwd line says, unless the command was
 * given one (-e HOME, the image's Env): "/root" is only the default that
 * every container's environment has. (env's strings are in init's
 * message, not each malloc'd: one is replaced, never freed.) */
static void set_home(char **env, const char *home)
{
	char *variable;

	for (size_t i = 0; home[0] && env && env[i]; i++) {
		if (strcmp(env[i], "HOME=/root") != 0)
			continue;
		if (asprintf(&variable, "HOME=%s", home) < 0)
			die_errno(EXIT_MYDOCKER, "init: set HOME");
		env[i] = variable;
	}
}

/* Becomes the user of spec ("USER[:GROUP]"; NULL or "": stays root), or
 * dies with 125: an unknown name is an error, as in docker. The user's
 * home goes into env as HOME. */
void become_user(const char *spec, char **env)
{
	char user[256], *group, line[1024], *f[6];
	unsigned uid = 0, gid = 0;
	gid_t groups[MAX_GROUPS];
	int n = 0;

	if (!spec || !spec[0])
		return;
	snprintf(user, sizeof user, "%s", spec);
	if ((group = strchr(user, ':')))
		*group++ = '\0';
	if (find_entry("/etc/passwd", user, line, sizeof line, f) == 0) {
		if (parse_id(f[2], &uid) < 0 || parse_id(f[3], &gid) < 0)
			die_msg(EXIT_MYDOCKER, "user %s: a broken line in /etc/passwd", user);
		n = supplementary_groups(f[0], groups);
		set_home(env, f[5]);
	} else if (parse_id(user, &uid) < 0) {
		die_msg(EXIT_MYDOCKER, "unable to find user %s: no matching entries in passwd file", user);
	}
	if (group) {
		bool bad;
		n = 0; /* USER:GROUP: that group alone */
		if (find_entry("/etc/group", group, line, sizeof line, f) == 0)
			bad = parse_id(f[2], &gid) < 0;
		else
			bad = parse_id(group, &gid) < 0;
		if (bad)
			die_msg(EXIT_MYDOCKER, "unable to find group %s: no matching entries in group file", group);
	}
	if (setgroups((size_t)n, groups) < 0 || setgid(gid) < 0 || setuid(uid) < 0)
		die_errno(EXIT_MYDOCKER, "init: become user %s", spec);
	debug("init: user %u, group %u and %d more", uid, gid, n);
}

/* A bundle's process with no HOME gets its user's home from the root's
 * /etc/passwd, or "/": what runc and crun do (the spec is silent). */
void set_default_home(char ***env, uid_t uid)
{
	char key[16], line[1024], *f[6], variable[PATH_MAX + 8];

	for (char **e = *env; e && *e; e++)
		if (strncmp(*e, "HOME=", 5) == 0)
			return;
	snprintf(key, sizeof key, "%u", uid);
	snprintf(variable, sizeof variable, "HOME=%s",
		 find_entry("/etc/passwd", key, line, sizeof line, f) == 0 && f[5][0] ? f[5] : "/");
	if (environment_set(env, variable) < 0)
		die_errno(EXIT_MYDOCKER, "init: set HOME");
}
