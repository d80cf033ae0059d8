/* environment.c: the environment the container's command starts with.
 * Not mydocker's own: the shell that runs mydocker may hold tokens, keys
 * and the user's own paths, which are the host's business. A container
 * gets docker's defaults: PATH, HOSTNAME, HOME, and TERM with -t; then
 * what -e and --env-file ask for, which may replace a default. */
#define _GNU_SOURCE /* asprintf */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

/* Sets NAME=VALUE in *env: replaces a variable of that name, or appends. */
int environment_set(char ***env, const char *variable)
{
	size_t name_len = strcspn(variable, "=");
	char *copy;

	for (size_t i = 0; *env && (*env)[i]; i++) {
		if (strncmp((*env)[i], variable, name_len) == 0 && (*env)[i][name_len] == '=') {
			if (!(copy = strdup(variable)))
				return -1;
			free((*env)[i]);
			(*env)[i] = copy;
			return 0;
		}
	}
	return strings_add(env, variable);
}

/* -e NAME=VALUE, or -e NAME: NAME's value in our environment, as docker
 * takes it (left out if we have no NAME). A name is not empty. */
int environment_flag(char ***env, const char *text, char *error, size_t size)
{
	char *variable;
	int ret;

	if (text[0] == '\0' || text[0] == '=') {
		snprintf(error, size, "invalid -e %.80s: expected NAME=VALUE or NAME", text);
		return -1;
	}
	if (strchr(text, '=')) {
		ret = environment_set(env, text);
	} else {
		const char *value = getenv(text);
		if (!value)
			return 0;
		if (asprintf(&variable, "%s=%s", text, value) < 0) {
			ret = -1;
		} else {
			ret = environment_set(env, variable);
			free(variable);
		}
	}
	if (ret < 0)
		snprintf(error, size, "-e %.80s: %s", text, strerror(ENOMEM));
	return ret;
}

#define ENV_FILE_LINE_MAX (64 * 1024) /* docker's: bufio.Scanner's limit */

/* A regular file only, opened without waiting: a FIFO would hang the
 * start and /dev/zero never end. NULL with errno (EINVAL: not a file). */
static FILE *open_env_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), saved_errno;
	struct stat st;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0) {
		FILE *f = S_ISREG(st.st_mode) ? fdopen(fd, "r") : NULL;
		if (f)
			return f;
		if (!S_ISREG(st.st_mode))
			errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
	}
	saved_errno = errno;
	close(fd);
	errno = saved_errno;
	return NULL;
}

/* A variable's line's fault, or NULL: what docker's --env-file refuses. */
static const char *env_line_fault(const char *line, size_t len)
{
	if (len > ENV_FILE_LINE_MAX)
		return "is longer than 64 KiB";
	if (strcspn(line, " \t=") < strcspn(line, "="))
		return "its variable's name has a blank in it";
	return NULL;
}

/* --env-file FILE: one -e per line, as docker reads it: blank lines and
 * lines starting with '#' are skipped, leading blanks and a CR before the
 * newline (a file written on Windows) dropped. */
int environment_file(char ***env, const char *path, char *error, size_t size)
{
	FILE *f = open_env_file(path);
	char *line = NULL, why[256];
	const char *fault = NULL;
	size_t capacity = 0;
	ssize_t len;
	int number = 0, ret;

	if (!f) {
		snprintf(error, size, "--env-file %.200s: %s", path,
			 errno == EINVAL ? "not a regular file" : strerror(errno));
		return -1;
	}
	while (!fault && (len = getline(&line, &capacity, f)) >= 0) {
		number++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		char *start = line + strspn(line, " \t");
		if (strlen(line) != (size_t)len)
			fault = "holds a NUL byte"; /* execve(2) would cut the variable there */
		else if (start[0] == '\0' || start[0] == '#')
			continue;
		else if (!(fault = env_line_fault(start, (size_t)len)) &&
			 environment_flag(env, start, why, sizeof why) < 0)
			fault = why;
	}
	if (fault)
		snprintf(error, size, "--env-file %.200s, line %d: %s", path, number, fault);
	else if (ferror(f))
		snprintf(error, size, "--env-file %.200s: %s", path, strerror(errno));
	ret = fault || ferror(f) ? -1 : 0;
	free(line);
	fclose(f);
	return ret;
}

/* The defaults, then extra (already checked), in that order; a
 * NULL-terminated list on the heap (strings_free() it), or NULL. */
char **container_environment(const char *hostname, bool tty, char *const *extra)
{
	char **env = NULL, host[HOST_NAME_MAX + 16];
	bool ok;

	snprintf(host, sizeof host, "HOSTNAME=%s", hostname);
	ok = strings_add(&env, "PATH=" DEFAULT_PATH) == 0 && strings_add(&env, host) == 0 &&
	     strings_add(&env, "HOME=/root") == 0 && (!tty || strings_add(&env, "TERM=xterm") == 0);
	for (size_t i = 0; ok && extra && extra[i]; i++)
		ok = environment_set(&env, extra[i]) == 0;
	if (!ok) {
		strings_free(env);
		return NULL;
	}
	return env;
}
