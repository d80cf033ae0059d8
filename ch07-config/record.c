/* record.c: container records. Each container has a directory
 * MYDOCKER_RUN/ID/ (default /var/run/mydocker) holding config.json, what
 * `ps` shows about it, and container.log for a detached one; a name is a
 * symlink MYDOCKER_RUN/names/NAME -> ../ID. The record of a container is
 * written only by the process that runs it (its monitor), always whole: a
 * temp file renamed over the old one, so `ps` never reads half a record. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "json.h"
#include "mydocker.h"

/* --- JSON ------------------------------------------------------------ */

char *record_to_json(const struct record *r)
{
	cJSON *o = cJSON_CreateObject(), *limits;
	char *text = NULL;

	if (!o || !cJSON_AddStringToObject(o, "id", r->id) ||
	    !cJSON_AddStringToObject(o, "name", r->name) ||
	    !cJSON_AddNumberToObject(o, "pid", (double)r->pid) ||
	    !cJSON_AddNumberToObject(o, "pid_start_time", (double)r->pid_start) ||
	    !cJSON_AddNumberToObject(o, "monitor_pid", (double)r->monitor_pid) ||
	    !cJSON_AddNumberToObject(o, "monitor_start_time", (double)r->monitor_start) ||
	    json_add_strings(o, "command", r->command) < 0 ||
	    !cJSON_AddStringToObject(o, "created", r->created) ||
	    !cJSON_AddStringToObject(o, "status", r->status) ||
	    !cJSON_AddNumberToObject(o, "exit_code", (double)r->exit_code) ||
	    !cJSON_AddStringToObject(o, "image", r->image) ||
	    json_add_strings(o, "volumes", r->volumes) < 0 ||
	    json_add_strings(o, "env", r->env) < 0 ||
	    !cJSON_AddStringToObject(o, "network", r->network) ||
	    !cJSON_AddStringToObject(o, "ip", r->ip) ||
	    !cJSON_AddStringToObject(o, "user", r->user) ||
	    !cJSON_AddStringToObject(o, "workdir", r->workdir) ||
	    !cJSON_AddBoolToObject(o, "detached", r->detached) ||
	    !(limits = cJSON_AddObjectToObject(o, "limits")) ||
	    !cJSON_AddNumberToObject(limits, "memory", (double)r->limits.memory) ||
	    !cJSON_AddNumberToObject(limits, "cpu_shares", (double)r->limits.cpu_shares) ||
	    !cJSON_AddStringToObject(limits, "cpuset_cpus", r->limits.cpuset_cpus))
		goto out;
	text = cJSON_Print(o);
out:
	cJSON_Delete(o);
	return text;
}

static int copy_string(char *out, size_t size, const cJSON *o, const char *key)
{
	const char *s = json_string(o, key);

	if (!s || strlen(s) >= size)
		return -1;
	strcpy(out, s);
	return 0;
}

/* 0, or -1 with EINVAL for text that is not a whole record. */
int record_from_json(const char *text, struct record *r)
{
	cJSON *o = cJSON_Parse(text);
	const cJSON *limits = cJSON_GetObjectItemCaseSensitive(o, "limits");
	long long memory, shares, detached;
	int ret = -1;

	memset(r, 0, sizeof *r);
	if (!o || copy_string(r->id, sizeof r->id, o, "id") < 0 ||
	    copy_string(r->name, sizeof r->name, o, "name") < 0 ||
	    json_number(o, "pid", &r->pid) < 0 ||
	    json_number(o, "pid_start_time", &r->pid_start) < 0 ||
	    json_number(o, "monitor_pid", &r->monitor_pid) < 0 ||
	    json_number(o, "monitor_start_time", &r->monitor_start) < 0 ||
	    !(r->command = json_strings(o, "command")) ||
	    copy_string(r->created, sizeof r->created, o, "created") < 0 ||
	    copy_string(r->status, sizeof r->status, o, "status") < 0 ||
	    json_number(o, "exit_code", &r->exit_code) < 0 ||
	    copy_string(r->image, sizeof r->image, o, "image") < 0 ||
	    !(r->volumes = json_strings(o, "volumes")) ||
	    json_number(limits, "memory", &memory) < 0 ||
	    json_number(limits, "cpu_shares", &shares) < 0 ||
	    copy_string(r->limits.cpuset_cpus, sizeof r->limits.cpuset_cpus, limits, "cpuset_cpus") < 0)
		goto out;
	/* a record an earlier stage wrote has no env: an empty one */
	r->env = cJSON_GetObjectItemCaseSensitive(o, "env") ? json_strings(o, "env") : strings_copy(NULL);
	if (!r->env)
		goto out;
	/* and no network: "" */
	if (json_string(o, "network"))
		copy_string(r->network, sizeof r->network, o, "network");
	if (json_string(o, "ip"))
		copy_string(r->ip, sizeof r->ip, o, "ip");
	if (json_string(o, "user")) /* and no user, no working directory */
		copy_string(r->user, sizeof r->user, o, "user");
	if (json_string(o, "workdir"))
		copy_string(r->workdir, sizeof r->workdir, o, "workdir");
	detached = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "detached"));
	r->detached = detached;
	r->limits.memory = (uint64_t)memory;
	r->limits.cpu_shares = (uint64_t)shares;
	ret = 0;
out:
	cJSON_Delete(o);
	if (ret < 0) {
		record_free(r);
		errno = EINVAL;
	}
	return ret;
}

void record_free(struct record *r)
{
	json_free_strings(r->command);
	json_free_strings(r->volumes);
	json_free_strings(r->env);
	r->command = r->volumes = r->env = NULL;
}

/* --- on disk --------------------------------------------------------- */

int record_write(const struct record *r)
{
	char path[PATH_MAX], *text = record_to_json(r);
	int ret = -1;

	if (!text)
		errno = ENOMEM;
	else if (run_path(path, sizeof path, "%s/config.json", r->id) == 0)
		ret = write_file_replace(path, text); /* no fsync: a reboot ends what it records */
	if (ret < 0)
		error_errno("write the record of container %s", r->id);
	free(text);
	return ret;
}

/* The name that links to container id, looked for in names/; "" if none. */
static void name_of(const char *id, char *name, size_t size)
{
	char dir[PATH_MAX], link[PATH_MAX + 256], target[64], expected[64];
	DIR *names;
	struct dirent *e;

	name[0] = '\0';
	snprintf(expected, sizeof expected, "../%s", id);
	if (run_path(dir, sizeof dir, "names") < 0 || !(names = opendir(dir)))
		return;
	while ((e = readdir(names)) != NULL) {
		ssize_t n;
		snprintf(link, sizeof link, "%s/%s", dir, e->d_name);
		n = readlink(link, target, sizeof target - 1);
		if (n <= 0 || strlen(e->d_name) >= size)
			continue;
		target[n] = '\0';
		if (strcmp(target, expected) == 0) {
			strcpy(name, e->d_name);
			break;
		}
	}
	closedir(names);
}

/* A record whose config.json cannot be read (cut short or corrupt: a crash
 * while the disk was full, a hand edit) still belongs to a container: it
 * is read as "broken", with the name that links to it, so that ps -a shows
 * it and rm and prune can remove it and free its name. */
static int broken_record(const char *id, struct record *r)
{
	*r = (struct record){ .exit_code = -1 };
	snprintf(r->id, sizeof r->id, "%s", id);
	snprintf(r->status, sizeof r->status, "broken");
	name_of(id, r->name, sizeof r->name);
	r->command = strings_copy(NULL);
	r->volumes = strings_copy(NULL);
	r->env = strings_copy(NULL);
	return r->command && r->volumes && r->env ? 0 : -1;
}

/* -1 with ENOENT when there is no container id. */
int record_read(const char *id, struct record *r)
{
	char dir[PATH_MAX], path[PATH_MAX], *text;
	struct stat st;
	int ret;

	if (run_path(dir, sizeof dir, "%s", id) < 0 || stat(dir, &st) < 0 ||
	    run_path(path, sizeof path, "%s/config.json", id) < 0)
		return -1;
	text = read_file_all(path);
	ret = text ? record_from_json(text, r) : -1;
	free(text);
	return ret == 0 ? 0 : broken_record(id, r);
}

/* The record's directory, and its name, taken with symlink(2), which fails
 * with EEXIST if the name is taken: two containers never get one name.
 * -1 with EEXIST, and nothing said, when the name is taken. */
int record_create(struct record *r)
{
	char dir[PATH_MAX], names[PATH_MAX], link[PATH_MAX], target[64];

	if (run_path(dir, sizeof dir, "%s", r->id) < 0 ||
	    run_path(names, sizeof names, "names") < 0 ||
	    run_path(link, sizeof link, "names/%s", r->name) < 0 || mkdir_p(names, 0700) < 0 ||
	    mkdir(dir, 0700) < 0) {
		error_errno("create the record of container %s in %s", r->id, mydocker_run_dir());
		return -1;
	}
	snprintf(target, sizeof target, "../%s", r->id);
	if (symlink(target, link) < 0) {
		int saved_errno = errno;
		if (errno != EEXIST) /* a taken name is the caller's to report */
			error_errno("reserve the name %s", r->name);
		rmdir(dir);
		errno = saved_errno;
		return -1;
	}
	if (record_write(r) < 0) {
		record_remove(r);
		return -1;
	}
	debug("container %s: record %s/config.json, name %s", r->id, dir, r->name);
	return 0;
}

/* The name goes first: a name that points at no record is free anyway. */
int record_remove(const struct record *r)
{
	char dir[PATH_MAX], link[PATH_MAX];

	if (run_path(link, sizeof link, "names/%s", r->name) == 0)
		unlink(link);
	if (run_path(dir, sizeof dir, "%s", r->id) < 0 || remove_tree(dir) < 0) {
		error_errno("remove the record of container %s", r->id);
		return -1;
	}
	debug("container %s: record removed", r->id);
	return 0;
}

/* Is the name taken by a container whose record exists? */
bool record_name_taken(const char *name)
{
	char link[PATH_MAX];
	struct stat st;

	return run_path(link, sizeof link, "names/%s", name) == 0 && stat(link, &st) == 0;
}

/* --name NAME, before anything is made for the container: 0 if free (or
 * no name is asked for), or -1, said. */
int check_name_is_free(const char *name)
{
	if (!name || !record_name_taken(name))
		return 0;
	error_msg("the name %s is taken by another container (mydocker rm %s frees it)", name, name);
	return -1;
}

/* The one container whose id starts with prefix: 0, or -1 with ENOENT
 * when none does, ENOTUNIQ when several do. */
static int lookup_prefix(const char *prefix, char id[CONTAINER_ID_LEN + 1])
{
	size_t len = strlen(prefix), found = 0;
	DIR *dir;
	struct dirent *e;

	if (len == 0 || len >= CONTAINER_ID_LEN || strspn(prefix, "0123456789abcdef") != len ||
	    !(dir = opendir(mydocker_run_dir()))) {
		errno = ENOENT;
		return -1;
	}
	while ((e = readdir(dir)) != NULL) {
		if (container_id_is_valid(e->d_name) && strncmp(e->d_name, prefix, len) == 0 && found++ == 0)
			strcpy(id, e->d_name);
	}
	closedir(dir);
	errno = found > 1 ? ENOTUNIQ : ENOENT;
	return found == 1 ? 0 : -1;
}

/* NAME, ID or a unique prefix of an ID -> id. A name is looked up first,
 * as docker does. -1 with ENOENT, or ENOTUNIQ for a prefix of several. */
int record_lookup(const char *name_or_id, char id[CONTAINER_ID_LEN + 1])
{
	char link[PATH_MAX], target[PATH_MAX], dir[PATH_MAX];
	ssize_t n;
	struct stat st;

	if (container_name_is_valid(name_or_id) &&
	    run_path(link, sizeof link, "names/%s", name_or_id) == 0 &&
	    (n = readlink(link, target, sizeof target - 1)) > 0) {
		const char *base;
		target[n] = '\0';
		base = strrchr(target, '/');
		base = base ? base + 1 : target;
		if (container_id_is_valid(base) && run_path(dir, sizeof dir, "%s", base) == 0 &&
		    stat(dir, &st) == 0) {
			strcpy(id, base);
			return 0;
		}
	}
	if (container_id_is_valid(name_or_id) && run_path(dir, sizeof dir, "%s", name_or_id) == 0 &&
	    stat(dir, &st) == 0) {
		strcpy(id, name_or_id);
		return 0;
	}
	return lookup_prefix(name_or_id, id);
}

/* record_lookup(), saying what went wrong, as every command that takes a
 * container says it. */
int find_container(const char *name_or_id, char id[CONTAINER_ID_LEN + 1])
{
	if (record_lookup(name_or_id, id) == 0)
		return 0;
	if (errno == ENOTUNIQ)
		error_msg("%s is the start of more than one container's id: give more of it", name_or_id);
	else
		error_msg("no container %s (mydocker ps -a lists them)", name_or_id);
	return -1;
}

/* --- a container's life ---------------------------------------------- */

/* The record ps shows, and the container's name: given, or made up until
 * one is free. record_create() fails with EEXIST when a name is taken. */
int record_create_for_run(struct record *rec, const struct run_options *opts, const char *id,
			  char *const *volumes, char *const *env)
{
	*rec = (struct record){ .monitor_pid = getpid(), .monitor_start = process_start_time(getpid()),
				.exit_code = -1, .detached = opts->detach, .limits = opts->resources };
	snprintf(rec->id, sizeof rec->id, "%s", id);
	snprintf(rec->image, sizeof rec->image, "%s", opts->image);
	snprintf(rec->status, sizeof rec->status, "created");
	snprintf(rec->user, sizeof rec->user, "%s", opts->user ? opts->user : "");
	snprintf(rec->workdir, sizeof rec->workdir, "%s", opts->workdir ? opts->workdir : "");
	now_iso8601(rec->created, sizeof rec->created);
	rec->command = strings_copy(opts->command);
	rec->volumes = strings_copy(volumes);
	rec->env = strings_copy(env);
	if (!rec->command || !rec->volumes || !rec->env) {
		error_errno("create the record of container %s", id);
		return -1;
	}
	for (int tries = 0; tries < 20; tries++) {
		if (opts->name)
			snprintf(rec->name, sizeof rec->name, "%s", opts->name);
		else
			generate_name(rec->name, sizeof rec->name);
		if (record_create(rec) == 0)
			return 0;
		if (errno != EEXIST || opts->name)
			break;
	}
	if (errno == EEXIST)
		error_msg("the name %s is taken by another container (mydocker rm %s frees it)",
			  rec->name, rec->name);
	record_free(rec);
	rec->id[0] = '\0';
	return -1;
}

void record_started(struct record *rec, pid_t pid)
{
	rec->pid = pid;
	rec->pid_start = process_start_time(pid);
	snprintf(rec->status, sizeof rec->status, "running");
	record_write(rec);
}

/* A container that ran keeps its record, with its exit code, until
 * `mydocker rm` (as docker does); with --rm, or if it never ran, it goes. */
void record_finished(struct record *rec, bool started, bool remove, int code)
{
	if (!rec->id[0])
		return;
	if (!started || remove) {
		record_remove(rec);
	} else {
		snprintf(rec->status, sizeof rec->status, "exited");
		rec->exit_code = code;
		record_write(rec);
	}
	record_free(rec);
}

/* --- status ---------------------------------------------------------- */

/* Field 22 of /proc/PID/stat: when the process started, in clock ticks
 * after boot. With the pid, it names one process, even once the pid has
 * been reused (proc(5)). 0 when there is no such process, or only its
 * zombie (state Z, field 3): dead, not yet reaped by its parent. */
long long process_start_time(long long pid)
{
	char path[64], text[1024], *p;
	long long start = 0;

	snprintf(path, sizeof path, "/proc/%lld/stat", pid);
	if (pid <= 0 || read_file(path, text, sizeof text) < 0 || !(p = strrchr(text, ')')))
		return 0;
	p += 2; /* after "pid (comm) ": field 3, the state */
	if (*p == 'Z' || *p == 'X')
		return 0;
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			return 0;
		p++;
	}
	sscanf(p, "%lld", &start);
	return start;
}

/* A record says "created" or "running" until its mydocker writes
 * "exited", which it does once it has cleaned up. A mydocker that is gone
 * (killed, or the host rebooted) will never write it: such a record is
 * shown as exited, with an unknown exit code. */
void record_refresh_status(struct record *r)
{
	if (strcmp(r->status, "exited") != 0 && process_start_time(r->monitor_pid) != r->monitor_start) {
		snprintf(r->status, sizeof r->status, "exited");
		r->exit_code = -1;
	}
}

bool record_is_running(struct record *r)
{
	record_refresh_status(r);
	return strcmp(r->status, "running") == 0;
}

/* Running, or starting ("created") under a mydocker that is alive: a
 * container that holds its image (and its address) already. */
bool record_is_live(struct record *r)
{
	record_refresh_status(r);
	return strcmp(r->status, "exited") != 0;
}

/* A pidfd of the container's PID 1 if the record says it runs and the pid
 * still is that process (a pid may be reused); -1 if it has exited. */
int container_pidfd(struct record *r)
{
	int fd = -1;

	if (record_is_running(r))
		fd = (int)syscall(SYS_pidfd_open, (pid_t)r->pid, 0);
	if (fd >= 0 && process_start_time(r->pid) == r->pid_start)
		return fd;
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Every record in MYDOCKER_RUN, newest first. */
static int newest_first(const void *a, const void *b)
{
	const struct record *ra = a, *rb = b;
	int by_time = strcmp(rb->created, ra->created);

	return by_time ? by_time : strcmp(ra->id, rb->id);
}

static int add_record(struct record **records, size_t *count, const struct record *r)
{
	struct record *bigger = realloc(*records, (*count + 1) * sizeof *bigger);

	if (!bigger)
		return -1;
	*records = bigger;
	bigger[(*count)++] = *r;
	return 0;
}

int record_list(struct record **out, size_t *n)
{
	DIR *dir = opendir(mydocker_run_dir());
	struct dirent *e;
	struct record r;

	*out = NULL;
	*n = 0;
	if (!dir)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(dir)) != NULL) {
		if (!container_id_is_valid(e->d_name) || record_read(e->d_name, &r) < 0)
			continue;
		record_refresh_status(&r);
		if (add_record(out, n, &r) < 0) {
			record_free(&r);
			break;
		}
	}
	closedir(dir);
	if (*n)
		qsort(*out, *n, sizeof **out, newest_first);
	return 0;
}

void record_list_free(struct record *records, size_t n)
{
	for (size_t i = 0; i < n; i++)
		record_free(&records[i]);
	free(records);
}

/* "2026-11-23T08:10:00.123456789Z", now (RFC 3339 with nanoseconds, as
 * docker writes it: containers started within one second still sort). */
void now_iso8601(char *out, size_t size)
{
	struct timespec now;
	struct tm tm;
	char seconds[32];

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(seconds, sizeof seconds, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, size, "%s.%09ldZ", seconds, now.tv_nsec);
}

static int remove_record(const char *dir)
{
	struct record r;
	int ret;

	if (record_read(strrchr(dir, '/') + 1, &r) < 0)
		return remove_tree(dir);
	ret = record_remove(&r);
	record_free(&r);
	return ret;
}

/* Records that still say created or running, of containers nobody looks
 * after any more (their layer's lock is free: their mydocker was killed,
 * or the host rebooted); names that point at no record. Exited
 * containers' records are not leftovers: `mydocker rm` removes them. */
void prune_records(void)
{
	char path[PATH_MAX + 256], why[128];
	DIR *dir = opendir(mydocker_run_dir());
	struct dirent *e;
	struct record r;
	struct stat st;

	while (dir && (e = readdir(dir)) != NULL) {
		if (!container_id_is_valid(e->d_name) || record_read(e->d_name, &r) < 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", mydocker_run_dir(), e->d_name);
		if (strcmp(r.status, "broken") == 0)
			snprintf(why, sizeof why, "its config.json is cut short or corrupt");
		else
			snprintf(why, sizeof why, "%s says %s, but nobody looks after it", r.name, r.status);
		if (strcmp(r.status, "exited") != 0 && workspace_is_abandoned(e->d_name))
			prune_leftover("record", path, why, remove_record);
		record_free(&r);
	}
	if (dir)
		closedir(dir);
	snprintf(path, sizeof path, "%s/names", mydocker_run_dir());
	dir = opendir(path);
	while (dir && (e = readdir(dir)) != NULL) {
		snprintf(path, sizeof path, "%s/names/%s", mydocker_run_dir(), e->d_name);
		if (e->d_name[0] != '.' && stat(path, &st) < 0 && errno == ENOENT)
			prune_leftover("name", path, "points at no record", unlink);
	}
	if (dir)
		closedir(dir);
}
