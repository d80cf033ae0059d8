/* sysctl.c: linux.sysctl, kernel settings for the container, written to
 * /proc/sys (proc(5); sysctl(8) names them with dots: net.ipv4.ip_forward
 * is /proc/sys/net/ipv4/ip_forward). Most settings are the whole host's:
 * a container that set kernel.core_pattern would set it for every process
 * on the machine. Only those that a namespace of the container's own
 * holds are allowed, the list runc and docker keep (runc's
 * libcontainer/configs/validate, sysctl()): the IPC ones with a new ipc
 * namespace, net.* with a new network namespace, the names with a new uts
 * namespace. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "common.h"
#include "json.h"
#include "mydocker.h"

/* A name, or a prefix (ending in '.'), and the new namespace it needs. */
static const struct { const char *name; int namespace; } namespaced[] = {
	{ "kernel.msgmax", CLONE_NEWIPC }, { "kernel.msgmnb", CLONE_NEWIPC }, { "kernel.msgmni", CLONE_NEWIPC },
	{ "kernel.sem", CLONE_NEWIPC }, { "kernel.shmall", CLONE_NEWIPC }, { "kernel.shmmax", CLONE_NEWIPC },
	{ "kernel.shmmni", CLONE_NEWIPC }, { "kernel.shm_rmid_forced", CLONE_NEWIPC },
	{ "fs.mqueue.", CLONE_NEWIPC }, { "net.", CLONE_NEWNET },
	{ "kernel.hostname", CLONE_NEWUTS }, { "kernel.domainname", CLONE_NEWUTS },
};

/* Which new namespace holds the setting name; 0 if none does. */
static int namespace_of(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(namespaced); i++) {
		const char *n = namespaced[i].name;
		size_t len = strlen(n);
		if (n[len - 1] == '.' ? strncmp(name, n, len) == 0 : strcmp(name, n) == 0)
			return namespaced[i].namespace;
	}
	return 0;
}

/* Each name is a word of letters, digits, '_' and '-' between dots (no
 * '/': it would climb in /proc/sys), held by a namespace the container
 * gets new, and its value a string. */
int check_sysctls(const struct bundle *b, char *error, size_t size)
{
	const cJSON *s;

	cJSON_ArrayForEach(s, b->sysctl) {
		const char *name = s->string;
		int ns = namespace_of(name);
		if (strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") != strlen(name) || strstr(name, "..") ||
		    !cJSON_IsString(s)) {
			snprintf(error, size, "config.json: linux.sysctl: %s is not a setting's name with a string value",
				 name);
			return -1;
		}
		if (!ns || !(b->namespaces & ns)) {
			snprintf(error, size, "config.json: linux.sysctl: %s is %s", name,
				 ns ? "the host's: the container has no namespace of its own for it"
				    : "not a setting a container's namespaces hold; it would change the host");
			return -1;
		}
	}
	return 0;
}

/* Inside the container, once /proc is its own. The file must be on a
 * proc file system: a /proc that the root's image made a symlink, or a
 * bind of something else, would take the write somewhere else (runc
 * checks this since CVE-2019-19921, statfs(2): PROC_SUPER_MAGIC). */
void write_sysctls(const struct bundle *b)
{
	const cJSON *s;

	cJSON_ArrayForEach(s, b->sysctl) {
		char path[PATH_MAX];
		struct statfs fs;
		int fd;
		snprintf(path, sizeof path, "/proc/sys/%s", s->string);
		for (char *dot = strchr(path + strlen("/proc/sys/"), '.'); dot; dot = strchr(dot, '.'))
			*dot = '/';
		fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fstatfs(fd, &fs) < 0 || fs.f_type != PROC_SUPER_MAGIC)
			die_msg(EXIT_MYDOCKER, "init: sysctl %s: %s is not a file of the container's /proc", s->string,
				path);
		if (write_all(fd, s->valuestring, strlen(s->valuestring)) < 0)
			die_errno(EXIT_MYDOCKER, "init: sysctl %s=%s", s->string, s->valuestring);
		close(fd);
	}
}
