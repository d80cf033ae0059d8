/* image_config.c: what an image says about the containers made from it,
 * as their defaults (docker's rules, `docker run --help`):
 *
 *   the command   Entrypoint + Cmd; COMMAND given to run replaces Cmd,
 *                 --entrypoint replaces Entrypoint and drops Cmd
 *   Env           under -e and --env-file: theirs win
 *   WorkingDir    unless -w; made if the image lacks it
 *   User          unless -u (user.c)
 *   StopSignal    what stop sends first, instead of SIGTERM
 *
 * A loaded image keeps its OCI config's "config" object in
 * images/NAME.json (load.c); an image of one tar (install-image, commit)
 * has only "cmd", which is its Cmd. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "json.h"
#include "mydocker.h"

/* images/NAME.json, parsed, or NULL (said). */
static cJSON *read_image_json(const char *name)
{
	char path[PATH_MAX], tar[PATH_MAX], *text;
	cJSON *json;

	if (image_tar_path(name, tar, sizeof tar) < 0 || image_config_path(name, path, sizeof path) < 0 ||
	    (access(tar, F_OK) < 0 && access(path, F_OK) < 0)) { /* a loaded image has no tar */
		error_msg("image %s not found: %s: %s", name, tar, strerror(errno));
		return NULL;
	}
	text = read_file_all(path);
	json = text ? cJSON_Parse(text) : NULL;
	free(text);
	if (!json)
		json = cJSON_CreateObject(); /* a tar without its .json: no defaults */
	return json;
}

/* One string of the image's config ("" when it has none). */
static const char *config_string(const cJSON *image, const char *key)
{
	const char *s = json_string(cJSON_GetObjectItemCaseSensitive(image, "config"), key);

	return s ? s : "";
}

/* first, then second: a new list (strings_free() it), or NULL. */
static char **joined(char *const *first, char *const *second)
{
	char **all = strings_copy(first);

	for (size_t i = 0; all && second && second[i]; i++)
		if (strings_add(&all, second[i]) < 0) {
			strings_free(all);
			return NULL;
		}
	return all;
}

/* The image's Env, its NAME=VALUE entries (a NAME alone takes nothing
 * from our environment, as -e NAME does), then given, -e's: a new list
 * (strings_free() it), or NULL. */
static char **image_environment(const cJSON *image, char *const *given)
{
	char **env = json_strings(cJSON_GetObjectItemCaseSensitive(image, "config"), "Env");
	char **own = strings_copy(NULL), **all = NULL;
	bool ok = own != NULL;

	for (size_t i = 0; ok && env && env[i]; i++)
		if (env[i][0] != '=' && strchr(env[i], '='))
			ok = strings_add(&own, env[i]) == 0;
	if (ok)
		all = joined(own, given);
	strings_free(own);
	strings_free(env);
	return all;
}

/* The command, docker's way: Entrypoint + (COMMAND or Cmd). */
static char **default_command(const cJSON *image, const struct run_options *opts)
{
	const cJSON *config = cJSON_GetObjectItemCaseSensitive(image, "config");
	char **entrypoint = json_strings(config, "Entrypoint"), **cmd = NULL, **command;

	if (opts->entrypoint) { /* --entrypoint: the image's Cmd goes with its entrypoint */
		char *given[] = { (char *)opts->entrypoint, NULL };
		strings_free(entrypoint);
		entrypoint = strings_copy(opts->entrypoint[0] ? given : NULL);
	} else if (!opts->command[0]) {
		cmd = json_strings(config ? config : image, config ? "Cmd" : "cmd");
	}
	command = joined(entrypoint, opts->command[0] ? opts->command : cmd);
	strings_free(entrypoint);
	strings_free(cmd);
	return command;
}

/* Fills in what run was not told: the command, the image's environment
 * under -e, the working directory and the user. 0, or -1 (said). */
int image_defaults(struct run_options *opts)
{
	cJSON *image = read_image_json(opts->image);
	char **command;
	int ret = -1;

	if (!image)
		return -1;
	command = default_command(image, opts);
	if (!command || !command[0]) {
		error_msg("image %s has no default command: give one: mydocker run %s COMMAND", opts->image,
			  opts->image);
	} else if (!(opts->env = image_environment(image, opts->env))) {
		error_errno("image %s: its environment", opts->image);
	} else {
		opts->command = command;
		command = NULL;
		if (!opts->workdir && config_string(image, "WorkingDir")[0])
			opts->workdir = strdup(config_string(image, "WorkingDir"));
		if (!opts->user && config_string(image, "User")[0])
			opts->user = strdup(config_string(image, "User"));
		ret = 0;
	}
	strings_free(command);
	cJSON_Delete(image);
	return ret;
}

/* A signal by its name or number, as docker takes StopSignal: "SIGQUIT",
 * "QUIT" or "3" (sigabbrev_np(3) knows the names). 0 if it is none. */
int signal_number(const char *text)
{
	char *end;
	long n = strtol(text, &end, 10);

	if (text[0] >= '0' && text[0] <= '9')
		return *end || n < 1 || n >= NSIG ? 0 : (int)n;
	if (strncmp(text, "SIG", 3) == 0)
		text += 3;
	for (int sig = 1; sig < NSIG; sig++)
		if (sigabbrev_np(sig) && strcmp(sigabbrev_np(sig), text) == 0)
			return sig;
	return 0;
}

/* What stop sends a container of image name first: its StopSignal, or
 * SIGTERM. */
int image_stop_signal(const char *name)
{
	cJSON *image = read_image_json(name);
	int sig = image ? signal_number(config_string(image, "StopSignal")) : 0;

	cJSON_Delete(image);
	return sig ? sig : SIGTERM;
}
