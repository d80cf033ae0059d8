/* runtime_state.c: what the runtime knows of a container between its
 * commands, in ROOT/ID/state.json, and the state the spec defines
 * (runtime.md, "State"): created while init waits on exec.fifo, running
 * once it has run the command, stopped when that process is gone. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common.h"
#include "json.h"
#include "mydocker.h"

#define OCI_VERSION "1.0.2"

/* The state a container has from its creation on, without its status:
 * state.json keeps it, with when the first process started (pid_start)
 * and the hooks for start and delete to run. */
cJSON *state_object(const char *id, const char *bundle, pid_t pid, const struct bundle *b)
{
	char created[40], real_bundle[PATH_MAX];
	cJSON *state = cJSON_CreateObject(), *annotations, *hooks;

	now_iso8601(created, sizeof created);
	annotations = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(b->json, "annotations"), true);
	hooks = cJSON_Duplicate(b->hooks, true);
	if (state && realpath(bundle, real_bundle) &&
	    cJSON_AddStringToObject(state, "ociVersion", OCI_VERSION) && cJSON_AddStringToObject(state, "id", id) &&
	    cJSON_AddNumberToObject(state, "pid", pid) &&
	    cJSON_AddNumberToObject(state, "pid_start", (double)process_start_time(pid)) &&
	    cJSON_AddStringToObject(state, "bundle", real_bundle) &&
	    cJSON_AddStringToObject(state, "rootfs", b->root) &&
	    cJSON_AddStringToObject(state, "created", created) &&
	    cJSON_AddItemToObject(state, "annotations", annotations ? annotations : cJSON_CreateObject()) &&
	    cJSON_AddItemToObject(state, "hooks", hooks ? hooks : cJSON_CreateObject()))
		return state;
	cJSON_Delete(state);
	return NULL;
}

/* Written once by create; the status is never stored, always seen. */
int state_write(const char *dir, const cJSON *state)
{
	char path[PATH_MAX], *text = cJSON_Print(state);
	int ret = -1;

	if (text && path_printf(path, sizeof path, "%s/state.json", dir) == 0)
		ret = write_file_replace(path, text);
	free(text);
	return ret;
}

/* The state as the spec has it, with status: what `state` prints and
 * what a hook reads on its stdin. */
char *hook_state(const cJSON *state, const char *status)
{
	cJSON *copy = cJSON_Duplicate(state, true);
	char *text = NULL;

	if (copy) {
		cJSON_DeleteItemFromObjectCaseSensitive(copy, "pid_start");
		cJSON_DeleteItemFromObjectCaseSensitive(copy, "hooks");
		cJSON_DeleteItemFromObjectCaseSensitive(copy, "cgroups");
		cJSON_AddStringToObject(copy, "status", status);
		if (strcmp(status, "stopped") == 0) /* its pid may be another's by now */
			cJSON_ReplaceItemInObjectCaseSensitive(copy, "pid", cJSON_CreateNumber(0));
		text = cJSON_Print(copy);
	}
	cJSON_Delete(copy);
	return text;
}

/* Its first process is gone, a zombie (its parent has not waited for it
 * yet), or another process with its pid: process_start_time() says. */
static void see_status(struct container_state *s)
{
	char fifo[PATH_MAX];

	if (process_start_time(s->pid) != s->pid_start)
		snprintf(s->status, sizeof s->status, "stopped");
	else if (path_printf(fifo, sizeof fifo, "%s/exec.fifo", s->dir) == 0 && access(fifo, F_OK) == 0)
		snprintf(s->status, sizeof s->status, "created");
	else
		snprintf(s->status, sizeof s->status, "running");
}

/* ROOT/ID/state.json, and the status as of now. */
int state_read(const struct runtime *rt, const char *id, struct container_state *s)
{
	char path[PATH_MAX], *text;
	long long pid = 0, start = 0;

	*s = (struct container_state){ 0 };
	if (!name_is_valid(id, RUNTIME_ID_MAX) || path_printf(s->dir, sizeof s->dir, "%s/%s", rt->root, id) < 0 ||
	    path_printf(path, sizeof path, "%s/state.json", s->dir) < 0 || !(text = read_file_all(path))) {
		error_msg("container %s does not exist", id);
		return -1;
	}
	s->json = cJSON_Parse(text);
	free(text);
	if (!s->json || json_number(s->json, "pid", &pid) < 0 || json_number(s->json, "pid_start", &start) < 0) {
		error_msg("container %s: %s is not a state this runtime wrote", id, path);
		cJSON_Delete(s->json);
		return -1;
	}
	s->pid = (pid_t)pid;
	s->pid_start = start;
	see_status(s);
	return 0;
}

/* The pidfd of a created or running container's first process, once
 * we know the pid is still its (pidfd_open(2), then the start time). */
int live_pidfd(const char *id, const struct container_state *s)
{
	int pidfd;

	if (strcmp(s->status, "stopped") == 0) {
		error_msg("container %s is stopped", id);
		return -1;
	}
	pidfd = (int)syscall(SYS_pidfd_open, s->pid, 0);
	if (pidfd >= 0 && process_start_time(s->pid) != s->pid_start)
		close_fd(&pidfd);
	if (pidfd < 0)
		error_msg("container %s is stopped", id);
	return pidfd;
}

/* state ID: the spec's state, as JSON on stdout. */
int runtime_state(const struct runtime *rt, const char *id)
{
	struct container_state s;
	char *text;

	if (state_read(rt, id, &s) < 0)
		return -1;
	text = hook_state(s.json, s.status);
	if (text)
		printf("%s\n", text);
	free(text);
	cJSON_Delete(s.json);
	return text ? 0 : -1;
}
