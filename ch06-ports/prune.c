/* prune.c: `mydocker prune [--force]`: what containers left behind when
 * their mydocker could not clean up (kill -9, a crash, a reboot): lists it,
 * and with --force removes it. It touches only what mydocker makes and
 * nobody looks after any more. Each kind of leftover is found by a
 * function next to the code that makes and removes it, and prune_command()
 * calls each, a line per kind. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Is pid a running mydocker? A leftover named after the pid of the
 * mydocker that made it is stale once that pid is not one. (A pid may
 * since belong to another program.) */
bool mydocker_runs_as(long pid)
{
	char exe[64], target[PATH_MAX];
	ssize_t n;

	snprintf(exe, sizeof exe, "/proc/%ld/exe", pid);
	n = readlink(exe, target, sizeof target - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return strcmp(strrchr(target, '/') ? strrchr(target, '/') + 1 : target, "mydocker") == 0;
}

/* Temp files in dir, named NAME<marker>PID after the mydocker writing
 * them, whose mydocker is gone: a write cut short. */
void prune_temp_files(const char *dir, const char *marker, const char *what, int (*remove)(const char *))
{
	char path[PATH_MAX + 256], why[128];
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d)) != NULL) {
		const char *at = strstr(e->d_name, marker);
		long pid = at && e->d_name[0] == '.' ? atol(at + strlen(marker)) : 0;
		if (pid <= 0 || mydocker_runs_as(pid))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		snprintf(why, sizeof why, "left half-written by mydocker %ld, which is gone", pid);
		prune_leftover(what, path, why, remove);
	}
	if (d)
		closedir(d);
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
	prune_layers(); /* first: a layer's cgroup is stale once its layer is */
	prune_cgroups();
	prune_images();
	prune_commits();
	prune_records();
	prune_addresses();
	prune_links();
	prune_ports();
	if (found == 0)
		printf("nothing to prune\n");
	else if (!force)
		printf("%d leftover%s: mydocker prune --force removes %s\n", found, found > 1 ? "s" : "",
		       found > 1 ? "them" : "it");
	return failed ? EXIT_MYDOCKER : 0;
}
