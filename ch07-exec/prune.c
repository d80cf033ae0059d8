/* prune.c: `mydocker prune [--force]`: what containers left behind when
 * their mydocker could not clean up (kill -9, a crash, a reboot): lists it,
 * and with --force removes it. It touches only what mydocker makes and
 * nobody looks after any more. Each kind of leftover is found by a
 * function next to the code that makes and removes it, which says what it
 * finds with prune_leftover() (report.c), and prune_command() calls each, a
 * line per kind. */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "mydocker.h"

static void print_prune_usage(FILE *out)
{
	fprintf(out,
		"Usage: mydocker prune [--force]\n"
		"\n"
		"List what containers left behind when their mydocker could not clean\n"
		"up (kill -9, a crash, a reboot); --force removes it.\n");
}

int prune_command(int argc, char **argv)
{
	bool force = false;
	const struct flag flags[] = { { "--force", 'f', &force, NULL }, { NULL, 0, NULL, NULL } };
	int code, i = command_flags(argc, argv, flags, print_prune_usage, &code);

	if (i < 0)
		return code;
	if (i < argc) {
		error_msg("prune takes no arguments");
		print_prune_usage(stderr);
		return EXIT_MYDOCKER;
	}
	if (require_root() < 0)
		return EXIT_MYDOCKER;
	prune_begin(force);
	prune_layers(); /* first: a layer's cgroup is stale once its layer is */
	prune_cgroups();
	prune_images();
	prune_commits();
	prune_records();
	prune_addresses();
	prune_links();
	prune_ports();
	return prune_summary();
}
