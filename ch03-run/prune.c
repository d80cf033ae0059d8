/* prune.c: `mydocker prune [--force]`: what containers left behind when
 * their mydocker could not clean up (kill -9, a crash, a reboot): lists it,
 * and with --force removes it. It touches only what mydocker makes and
 * nobody looks after any more. Each kind of leftover is found by a
 * function next to the code that makes and removes it, and prune_command()
 * calls each, a line per kind. */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "mydocker.h"

static bool force;
static int found, failed;

/* One leftover, as a finder reports it: say what it is, and with --force
 * remove it. */
void prune_leftover(const char *what, const char *path, const char *why, int (*remove)(const char *))
{
	found++;
	if (!force) {
		printf("stale %-9s %s (%s)\n", what, path, why);
		return;
	}
	if (remove(path) < 0) {
		error_errno("remove %s %s", what, path);
		failed++;
		return;
	}
	printf("removed %-7s %s\n", what, path);
}

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
	if (found == 0)
		printf("nothing to prune\n");
	else if (!force)
		printf("%d leftover%s: mydocker prune --force removes %s\n", found, found > 1 ? "s" : "",
		       found > 1 ? "them" : "it");
	return failed ? EXIT_MYDOCKER : 0;
}
