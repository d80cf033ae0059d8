/* runtime_ps.c: the processes of a container, as the host numbers them:
 * `ps [--format table|json] ID [PS_ARGS...]`, which containerd's shim
 * runs for `ctr task ps` (json), and `kill --all`.
 *
 * A container with a pid namespace of its own holds every process in it
 * (/proc/PID/ns/pid names it, namespaces(7)): its first process and all
 * that exec added or its command forked. A container in the host's pid
 * namespace is its first process alone here. runc asks the container's
 * cgroup instead; this runtime makes one only where a limit is set. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "json.h"
#include "mydocker.h"

/* Appends pid to the list, growing it; false when memory runs out. */
static bool add_pid(pid_t **pids, size_t *n, pid_t pid)
{
	pid_t *more = realloc(*pids, (*n + 1) * sizeof **pids);

	if (!more)
		return false;
	*pids = more;
	more[(*n)++] = pid;
	return true;
}

/* The pids of first's container, first's among them; NULL if none. */
pid_t *container_pids(pid_t first, size_t *n)
{
	char ns[64], self_ns[64], path[64], other[64];
	pid_t *pids = NULL;
	struct dirent *e;
	ssize_t len;
	DIR *proc;

	*n = 0;
	snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)first);
	if ((len = readlink(path, ns, sizeof ns - 1)) <= 0)
		return NULL;
	ns[len] = '\0';
	if ((len = readlink("/proc/self/ns/pid", self_ns, sizeof self_ns - 1)) > 0 &&
	    (self_ns[len] = '\0', strcmp(ns, self_ns) == 0))
		return add_pid(&pids, n, first) ? pids : NULL;
	if (!(proc = opendir("/proc")))
		return NULL;
	while ((e = readdir(proc))) {
		pid_t pid = (pid_t)atoi(e->d_name);
		snprintf(path, sizeof path, "/proc/%.20s/ns/pid", e->d_name);
		if (pid > 0 && (len = readlink(path, other, sizeof other - 1)) > 0 &&
		    (other[len] = '\0', strcmp(other, ns) == 0) && !add_pid(&pids, n, pid))
			break;
	}
	closedir(proc);
	return pids;
}

static bool listed(const pid_t *pids, size_t n, long pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* The column of the header ps(1) printed whose title is PID; -1 if none. */
static int pid_column(const char *header)
{
	char *copy = strdup(header), *save = NULL, *word;
	int column = 0;

	for (word = copy ? strtok_r(copy, " \t", &save) : NULL; word; word = strtok_r(NULL, " \t", &save), column++)
		if (strcmp(word, "PID") == 0)
			break;
	free(copy);
	return word ? column : -1;
}

/* Does the line's field at column hold one of the pids? */
static bool line_is_listed(const char *line, int column, const pid_t *pids, size_t n)
{
	char *copy = strdup(line), *save = NULL, *word = copy ? strtok_r(copy, " \t", &save) : NULL;
	bool yes;

	for (int i = 0; word && i < column; i++)
		word = strtok_r(NULL, " \t", &save);
	yes = word && listed(pids, n, atol(word));
	free(copy);
	return yes;
}

/* What the host's ps(1) prints with args (-ef without any); NULL if it
 * fails (it said why on stderr). */
static char *host_ps(char **args)
{
	char *argv[64] = { "ps", "-ef" }, *out;
	int argc = 1, fds[2], status;
	pid_t pid;

	for (; args && *args && argc < 63; args++)
		argv[argc++] = *args;
	argv[argc < 2 ? 2 : argc] = NULL;
	if (pipe2(fds, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		error_errno("ps: run ps(1)");
		return NULL;
	}
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		execvp("ps", argv);
		die_errno(EXIT_NOT_FOUND, "ps: exec ps(1)");
	}
	close(fds[1]);
	out = read_fd_all(fds[0]);
	close(fds[0]);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* --format table, runc's: ps(1)'s header and the lines of the
 * container's processes. */
static int print_table(const pid_t *pids, size_t n, char **ps_args)
{
	char *out = host_ps(ps_args), *line, *save = NULL;
	int column;

	if (!out) {
		error_msg("ps: ps(1) failed");
		return -1;
	}
	line = strtok_r(out, "\n", &save);
	if (!line || (column = pid_column(line)) < 0) {
		error_msg("ps: ps(1) printed no PID column");
		free(out);
		return -1;
	}
	printf("%s\n", line);
	while ((line = strtok_r(NULL, "\n", &save)))
		if (line_is_listed(line, column, pids, n))
			printf("%s\n", line);
	free(out);
	return 0;
}

/* ps ID: the pids as a JSON array, or ps(1)'s table of them. A stopped
 * container has none. */
int runtime_ps(const struct runtime *rt, const char *id, const char *format, char **ps_args)
{
	struct container_state s;
	pid_t *pids = NULL;
	size_t n = 0;
	int ret = 0;

	if (strcmp(format, "json") != 0 && strcmp(format, "table") != 0) {
		error_msg("ps: --format %s: expected table or json", format);
		return -1;
	}
	if (state_read(rt, id, &s) < 0)
		return -1;
	if (strcmp(s.status, "stopped") != 0)
		pids = container_pids(s.pid, &n);
	if (strcmp(format, "json") == 0) {
		printf("[");
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		printf("]\n");
	} else {
		ret = print_table(pids, n, ps_args);
	}
	free(pids);
	cJSON_Delete(s.json);
	return ret;
}
