/* ps.c: `mydocker ps [-a] [--format json]` (the book's ListContainers):
 * the records under MYDOCKER_RUN as a table, running containers only
 * unless -a, newest first. */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "mydocker.h"

/* The command as one line, cut to fit its column. */
static void command_line(char **command, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (char **arg = command; arg && *arg && len < size; arg++)
		len += (size_t)snprintf(out + len, size - len, "%s%s", arg == command ? "" : " ", *arg);
	if (len >= size && size > 4)
		strcpy(out + size - 4, "...");
	for (char *p = out; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
}

/* "2026-11-23T08:10:00.123456789Z" -> "2026-11-23 08:10:00", local time. */
static void local_time(const char *iso, char *out, size_t size)
{
	struct tm tm = { 0 };
	time_t t;

	if (!strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm)) {
		snprintf(out, size, "%s", iso);
		return;
	}
	t = timegm(&tm);
	localtime_r(&t, &tm);
	strftime(out, size, "%Y-%m-%d %H:%M:%S", &tm);
}

static void status_text(const struct record *r, char *out, size_t size)
{
	if (strcmp(r->status, "exited") != 0)
		snprintf(out, size, "%s", r->status);
	else if (r->exit_code < 0)
		snprintf(out, size, "exited (?)");
	else
		snprintf(out, size, "exited (%lld)", r->exit_code);
}

static bool shown(const struct record *r, bool all)
{
	return all || strcmp(r->status, "running") == 0;
}

void print_ps_table(FILE *out, struct record *records, size_t n, bool all)
{
	int name_width = 4;

	for (size_t i = 0; i < n; i++)
		if (shown(&records[i], all) && (int)strlen(records[i].name) > name_width)
			name_width = (int)strlen(records[i].name);
	fprintf(out, "%-12s  %-*s  %-7s  %-12s  %-24s  %-19s  %s\n", "CONTAINER ID", name_width, "NAME",
		"PID", "STATUS", "COMMAND", "CREATED", "IP");
	for (size_t i = 0; i < n; i++) {
		const struct record *r = &records[i];
		char pid[24] = "-", status[40], command[25], created[48];
		if (!shown(r, all))
			continue;
		if (strcmp(r->status, "running") == 0)
			snprintf(pid, sizeof pid, "%lld", r->pid);
		status_text(r, status, sizeof status);
		command_line(r->command, command, sizeof command);
		local_time(r->created, created, sizeof created);
		fprintf(out, "%-12s  %-*s  %-7s  %-12s  %-24s  %-19s  %s\n", r->id, name_width, r->name, pid,
			status, command, created, r->ip[0] ? r->ip : "-");
	}
}

/* The records as a JSON array, for scripts: what config.json holds, with
 * the status as ps sees it. */
int print_ps_json(FILE *out, struct record *records, size_t n, bool all)
{
	cJSON *array = cJSON_CreateArray();
	char *text;

	for (size_t i = 0; array && i < n; i++) {
		char *json;
		if (!shown(&records[i], all) || !(json = record_to_json(&records[i])))
			continue;
		cJSON_AddItemToArray(array, cJSON_Parse(json));
		free(json);
	}
	text = array ? cJSON_Print(array) : NULL;
	cJSON_Delete(array);
	if (!text)
		return -1;
	fprintf(out, "%s\n", text);
	free(text);
	return 0;
}

static void print_ps_usage(FILE *out)
{
	fprintf(out,
		"Usage: mydocker ps [-a] [--format table|json]\n"
		"\n"
		"List containers: the running ones, or with -a all that have a record.\n"
		"\n"
		"Options:\n"
		"  -a, --all            also the containers that have exited\n"
		"      --format FORMAT  table (the default) or json\n"
		"  -h, --help           print this help\n");
}

int ps_command(int argc, char **argv)
{
	bool all = false, json;
	const char *format = "table";
	const struct flag flags[] = { { "--all", 'a', &all, NULL }, { "--format", 0, NULL, &format },
				      { NULL, 0, NULL, NULL } };
	struct record *records;
	size_t n;
	int code, ret = 0, i = command_flags(argc, argv, flags, print_ps_usage, &code);

	if (i < 0)
		return code;
	if (i < argc) {
		error_msg("ps takes no arguments");
		print_ps_usage(stderr);
		return EXIT_MYDOCKER;
	}
	if (strcmp(format, "json") != 0 && strcmp(format, "table") != 0) {
		error_msg("invalid --format %s: table or json", format);
		return EXIT_MYDOCKER;
	}
	json = strcmp(format, "json") == 0;
	if (record_list(&records, &n) < 0) {
		error_errno("read the records in %s", mydocker_run_dir());
		return EXIT_MYDOCKER;
	}
	if (json)
		ret = print_ps_json(stdout, records, n, all) < 0 ? EXIT_MYDOCKER : 0;
	else
		print_ps_table(stdout, records, n, all);
	record_list_free(records, n);
	return ret;
}
