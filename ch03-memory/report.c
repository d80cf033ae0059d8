/* report.c: how `mydocker check` and `mydocker prune` say what they find,
 * one line per item, whichever file found it: a check reports with
 * check_report(), a finder of leftovers with prune_leftover(). The file of
 * each idea calls these; check.c and prune.c only call the files. */
#include <stdio.h>

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
