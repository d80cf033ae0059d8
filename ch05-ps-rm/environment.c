/* environment.c: the environment the container's command starts with.
 * Not mydocker's own: the shell that runs mydocker may hold tokens, keys
 * and the user's own paths, which are the host's business. A container
 * gets docker's defaults: PATH, HOSTNAME, HOME, and TERM with -t. */
#include <limits.h>
#include <stdio.h>

#include "common.h"
#include "mydocker.h"

/* A NULL-terminated list on the heap (strings_free() it), or NULL. */
char **container_environment(const char *hostname, bool tty)
{
	char **env = NULL, host[HOST_NAME_MAX + 16];

	snprintf(host, sizeof host, "HOSTNAME=%s", hostname);
	if (strings_add(&env, "PATH=" DEFAULT_PATH) < 0 || strings_add(&env, host) < 0 ||
	    strings_add(&env, "HOME=/root") < 0 || (tty && strings_add(&env, "TERM=xterm") < 0)) {
		strings_free(env);
		return NULL;
	}
	return env;
}
