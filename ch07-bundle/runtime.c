/* runtime.c: a bundle run the way runc runs one, `run --bundle DIR ID`:
 * the container is made from config.json, runs in the foreground, and
 * its exit status is ours. The same program keeps docker's command line:
 * a call is the runtime's when it runs a bundle (run --bundle). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

static bool is_one_of(const char *arg, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(arg, *list) == 0 ||
		    (strncmp(arg, *list, strlen(*list)) == 0 && arg[strlen(*list)] == '='))
			return true;
	return false;
}

bool is_runtime_call(int argc, char **argv)
{
	int i = argc > 1 && strncmp(argv[1], "--debug", 7) == 0 ? 2 : 1;

	for (int j = i + 1; i < argc && strcmp(argv[i], "run") == 0 && j < argc && argv[j][0] == '-'; j++)
		if (strcmp(argv[j], "-b") == 0 || is_one_of(argv[j], (const char *const[]){ "--bundle", NULL }))
			return true;
	return false;
}

static void print_runtime_usage(FILE *out)
{
	fprintf(out, "Usage: mydocker run --bundle DIR ID\n\n"
		     "Runs the container of an OCI bundle (a directory with config.json) and waits for it.\n");
}

/* run --bundle DIR ID: make the container, wait for it; the container's
 * exit status is ours. */
static int runtime_run(const char *bundle)
{
	pid_t pid;

	handle_signals();
	pid = bundle_start(bundle);
	if (pid < 0)
		return EXIT_MYDOCKER;
	forward_signals_to(pid);
	return wait_for_exit(pid);
}

/* The container's id, the last argument: a name, as runc allows. */
static const char *container_id(int argc, char **argv, int i)
{
	if (i != argc - 1 || !name_is_valid(argv[i], RUNTIME_ID_MAX)) {
		error_msg("%s: expected one container id ([a-zA-Z0-9][a-zA-Z0-9_.-]*), got %s", argv[0],
			  i < argc ? argv[i] : "none");
		return NULL;
	}
	return argv[i];
}

static int container_command(int argc, char **argv)
{
	const char *bundle = ".";
	const struct flag flags[] = { { "--bundle", 'b', NULL, &bundle }, { NULL, 0, NULL, NULL } };
	int code, i = command_flags(argc, argv, flags, print_runtime_usage, &code);

	if (i < 0)
		return code;
	if (!container_id(argc, argv, i))
		return EXIT_MYDOCKER;
	return runtime_run(bundle);
}

int runtime_main(int argc, char **argv)
{
	bool debug_on = false;
	const struct flag flags[] = { { "--debug", 0, &debug_on, NULL }, { NULL, 0, NULL, NULL } };
	int code, i = command_flags(argc, argv, flags, print_runtime_usage, &code);

	if (i < 0)
		return code;
	debug_set(debug_on, NULL);
	if (require_root() < 0)
		return EXIT_MYDOCKER;
	return container_command(argc - i, argv + i);
}
