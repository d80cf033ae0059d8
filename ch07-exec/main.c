/* main.c: mydocker's commands. `init` is not one for users: `run` makes
 * the container's first process execute it, by running this same program
 * again, as the book does. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

static int run_command(int argc, char **argv)
{
	struct run_options opts;

	switch (parse_run_options(argc, argv, &opts)) {
	case PARSE_HELP:
		print_run_usage(stdout);
		return 0;
	case PARSE_USAGE_ERROR:
		error_msg("%s", opts.error);
		print_run_usage(stderr);
		return EXIT_MYDOCKER;
	case PARSE_VALUE_ERROR:
		error_msg("%s", opts.error);
		return EXIT_MYDOCKER;
	case PARSE_OK:
		break;
	}
	if (require_root() < 0)
		return EXIT_MYDOCKER;
	if (image_defaults(&opts) < 0)
		return EXIT_MYDOCKER;
	if (opts.detach)
		return run_detached(&opts);
	return run_container(&opts, -1);
}

/* `mydocker init`, as run_container() starts it; the command comes on fd 3. */
static int init_command(int argc, char **argv)
{
	/* Only a container's PID 1 may do what init does (make every mount
	 * private, mount /proc): on the host it would hide the host's /proc. */
	if (getpid() != 1) {
		error_msg("init runs inside a new container, started by 'mydocker run'; not by hand");
		return EXIT_MYDOCKER;
	}
	if (argc != 1) {
		error_msg("init: unexpected argument %s (the command comes on fd %d)", argv[1],
			  INIT_PIPE_FD);
		return EXIT_MYDOCKER;
	}
	return init_container();
}

/* `mydocker exec-init`, as exec_command() starts it: the command
 * comes on fd 3, the container's pidfd on fd 4. */
static int exec_init_command(int argc, char **argv)
{
	if (argc != 1) {
		error_msg("%s: unexpected argument %s (the command comes on fd %d)", argv[0], argv[1],
			  INIT_PIPE_FD);
		return EXIT_MYDOCKER;
	}
	return join_container();
}

/* `mydocker bundle-init`, as create starts it: config.json on fd 3. */
static int bundle_init_command(int argc, char **argv)
{
	if (argc != 1) {
		error_msg("%s: unexpected argument %s (config.json comes on fd %d)", argv[0], argv[1],
			  INIT_PIPE_FD);
		return EXIT_MYDOCKER;
	}
	return bundle_init();
}

/* `mydocker bundle-exec`, as the runtime's exec starts it: the process
 * comes on fd 3. */
static int bundle_exec_command(int argc, char **argv)
{
	if (argc != 1) {
		error_msg("%s: unexpected argument %s (the process comes on fd %d)", argv[0], argv[1],
			  INIT_PIPE_FD);
		return EXIT_MYDOCKER;
	}
	return bundle_exec();
}

/* The commands, as `mydocker --help` lists them. Each gets its own
 * arguments: argv[0] is its name. */
static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "run", run_command, "run a command in a new container" },
	{ "exec", exec_command, "run a command in a running container" },
	{ "stop", stop_command, "stop running containers (SIGTERM, then SIGKILL)" },
	{ "ps", ps_command, "list containers" },
	{ "logs", logs_command, "print a detached container's output" },
	{ "rm", rm_command, "remove exited containers" },
	{ "commit", commit_command, "save a running container's root as an image" },
	{ "load", load_command, "load images from an OCI image layout, or its tar" },
	{ "save", save_command, "write an image as a tar of an OCI image layout" },
	{ "images", images_command, "list images" },
	{ "inspect", inspect_command, "print an image's id, names, config and layers as JSON" },
	{ "rmi", rmi_command, "remove images no running container uses" },
	{ "network", network_command, "create, list and remove networks" },
	{ "check", check_command, "can this host run containers? what to fix if not" },
	{ "prune", prune_command, "list (and --force remove) what crashed containers left" },
	{ "init", init_command, "(internal) the container's first process; not run by hand" },
	{ "exec-init", exec_init_command, "(internal) the command of exec; not run by hand" },
	{ "bundle-init", bundle_init_command, "(internal) a bundle's first process; not run by hand" },
	{ "bundle-exec", bundle_exec_command, "(internal) the process of the runtime's exec; not run by hand" },
};

static void print_usage(FILE *out)
{
	fprintf(out, "Usage: mydocker [--debug] COMMAND [ARG...]\n\n"
		     "A container runtime, rebuilt one chapter at a time.\n\nCommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-7s %s\n", commands[i].name, commands[i].help);
	fprintf(out, "\nFlags:\n"
		     "  --debug  narrate each step on stderr\n"
		     "  --help   print this help\n"
		     "\nRun 'mydocker COMMAND --help' for a command's flags.\n"
		     "As an OCI runtime (create, start, state, kill, delete): 'mydocker --root DIR --help'.\n");
}

int main(int argc, char **argv)
{
	bool debug_on = false;
	const char *debug_since = NULL; /* --debug=START: from the mydocker that exec'd us */
	const struct flag flags[] = { { "--debug", 0, &debug_on, &debug_since }, { NULL, 0, NULL, NULL } };
	int code, i;

	if (is_runtime_call(argc, argv))
		return runtime_main(argc, argv);
	i = command_flags(argc, argv, flags, print_usage, &code);
	if (i < 0)
		return code;
	debug_set(debug_on, debug_since);
	if (i == argc) {
		print_usage(stderr);
		return EXIT_MYDOCKER;
	}
	for (size_t c = 0; c < ARRAY_SIZE(commands); c++)
		if (strcmp(argv[i], commands[c].name) == 0)
			return commands[c].run(argc - i, argv + i);
	error_msg("unknown command: %s", argv[i]);
	print_usage(stderr);
	return EXIT_MYDOCKER;
}
