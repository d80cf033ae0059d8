/* environment.c: the environment the container's command starts with.
 * Not mydocker's own: the shell that runs mydocker may hold tokens, keys
 * and the user's own paths, which are the host's business. A container
 * gets docker's defaults: PATH, HOSTNAME, HOME, and TERM with -t; then
 * what -e and --env-file ask for, which may replace a default. */
#define _GNU_SOURCE /* asprintf */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* --env-file FILE: one -e per line; blank lines and lines starting with
 * '#' are skipped, as docker does. A NUL cannot be in a variable (execve(2)
 * would cut it there), so a line with one is an error. */
int environment_file(char ***env, const char *path, char *error, size_t size)
{
	FILE *f = fopen(path, "re");
	char *line = NULL, why[256];
	size_t capacity = 0;
	ssize_t len;
	int number = 0, ret = 0;

	if (!f) {
		snprintf(error, size, "--env-file %.200s: %s", path, strerror(errno));
		return -1;
	}
	while (ret == 0 && (len = getline(&line, &capacity, f)) >= 0) {
		number++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (strlen(line) != (size_t)len) {
			snprintf(error, size, "--env-file %.200s, line %d: holds a NUL byte", path, number);
			ret = -1;
		} else if (len > 0 && line[0] != '#' && environment_flag(env, line, why, sizeof why) < 0) {
			snprintf(error, size, "--env-file %.200s, line %d: %s", path, number, why);
			ret = -1;
		}
	}
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
