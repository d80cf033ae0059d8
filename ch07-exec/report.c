/* report.c: how `mydocker check` and `mydocker prune` say what they find,
 * one line per item, whichever file found it: a check reports with
 * check_report(), a finder of leftovers with prune_leftover(). The file of
 * each idea calls these; check.c and prune.c only call the files. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "mydocker.h"

static int check_failures;

static struct {
	bool force;       /* remove what is found */
	int found, failed;
} prune;

void check_report(const char *item, bool ok, const char *detail, const char *fix)
{
	if (ok) {
		printf("ok    %s%s%s\n", item, detail[0] ? ": " : "", detail);
		return;
	}
	printf("FAIL  %s: %s -> fix: %s\n", item, detail, fix);
	check_failures++;
}

/* After the last check: how many failed, and check's exit status. */
int check_summary(void)
{
	if (check_failures)
		printf("%d problem%s found: see notes/troubleshooting.md\n", check_failures,
		       check_failures > 1 ? "s" : "");
	return check_failures ? 1 : 0;
}

void prune_begin(bool force)
{
	prune.force = force;
}

/* One leftover, as a finder reports it: say what it is, and with --force
 * remove it. */
void prune_leftover(const char *what, const char *path, const char *why, int (*remove)(const char *))
{
	prune.found++;
	if (!prune.force) {
		printf("stale %-9s %s (%s)\n", what, path, why);
		return;
	}
	if (remove(path) < 0) {
		error_errno("remove %s %s", what, path);
		prune.failed++;
		return;
	}
	printf("removed %-7s %s\n", what, path);
}

/* After the last finder: what was found, and prune's exit status. */
int prune_summary(void)
{
	if (prune.found == 0)
		printf("nothing to prune\n");
	else if (!prune.force)
		printf("%d leftover%s: mydocker prune --force removes %s\n", prune.found,
		       prune.found > 1 ? "s" : "", prune.found > 1 ? "them" : "it");
	return prune.failed ? EXIT_MYDOCKER : 0;
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
