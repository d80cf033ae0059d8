/* main.c: mydocker's commands. `init` is not one for users: `run` makes
 * the container's first process execute it, by running this same program
 * again, as the book does. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

static void print_usage(FILE *out)
{
	fprintf(out,
		"Usage: mydocker [--debug] COMMAND [ARG...]\n"
		"\n"
		"A container runtime, rebuilt one chapter at a time.\n"
		"\n"
		"Commands:\n"
		"  run     run a command in a new container\n"
		"  check   can this host run containers? what to fix if not\n"
		"  prune   list (and --force remove) what crashed containers left\n"
		"  commit  save a running container's root as an image\n"
		"  init    (internal) the container's first process; not run by hand\n"
		"\n"
		"Flags:\n"
		"  --debug  narrate each step on stderr\n"
		"  --help   print this help\n"
		"\n"
		"Run 'mydocker COMMAND --help' for a command's flags.\n");
}

static int require_root(void)
{
	if (geteuid() == 0)
		return 0;
	error_msg("must run as root (namespaces, mounts and cgroups need it): try sudo");
	return -1;
}

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
	return run_container(&opts);
}

static void print_commit_usage(FILE *out)
{
	fprintf(out,
		"Usage: mydocker commit [--force] CONTAINER IMAGE\n"
		"\n"
		"Save a running container's root (without its volumes) as\n"
		"MYDOCKER_ROOT/images/IMAGE.tar; run it with 'mydocker run --image IMAGE'.\n"
		"CONTAINER is the container's id, its hostname.\n"
		"\n"
		"Options:\n"
		"  -f, --force   replace an existing image\n"
		"  -h, --help    print this help\n");
}

static int commit_command(int argc, char **argv)
{
	bool force = false;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--force") == 0 || strcmp(argv[i], "-f") == 0) {
			force = true;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_commit_usage(stdout);
			return 0;
		} else {
			error_msg("unknown flag: %s", argv[i]);
			print_commit_usage(stderr);
			return EXIT_MYDOCKER;
		}
	}
	if (argc - i != 2) {
		error_msg("commit needs a container and an image name");
		print_commit_usage(stderr);
		return EXIT_MYDOCKER;
	}
	if (!container_id_is_valid(argv[i])) {
		error_msg("invalid container %s: an id is 12 hex digits (the container's hostname)", argv[i]);
		return EXIT_MYDOCKER;
	}
	if (!image_name_is_valid(argv[i + 1])) {
		error_msg("invalid image name %s: letters, digits and '_', '.', '-', "
			  "starting with a letter or digit", argv[i + 1]);
		return EXIT_MYDOCKER;
	}
	if (require_root() < 0)
		return EXIT_MYDOCKER;
	return commit_container(argv[i], argv[i + 1], force) == 0 ? 0 : EXIT_MYDOCKER;
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

int main(int argc, char **argv)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--debug") == 0) {
			debug_set(true);
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_usage(stdout);
			return 0;
		} else {
			error_msg("unknown flag: %s", argv[i]);
			print_usage(stderr);
			return EXIT_MYDOCKER;
		}
	}
	if (i == argc) {
		print_usage(stderr);
		return EXIT_MYDOCKER;
	}
	if (strcmp(argv[i], "run") == 0)
		return run_command(argc - i, argv + i);
	if (strcmp(argv[i], "init") == 0)
		return init_command(argc - i, argv + i);
	if (strcmp(argv[i], "check") == 0)
		return check_host();
	if (strcmp(argv[i], "prune") == 0) {
		if (require_root() < 0)
			return EXIT_MYDOCKER;
		return prune_command(argc - i, argv + i);
	}
	if (strcmp(argv[i], "commit") == 0)
		return commit_command(argc - i, argv + i);
	error_msg("unknown command: %s", argv[i]);
	print_usage(stderr);
	return EXIT_MYDOCKER;
}
