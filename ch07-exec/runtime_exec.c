/* runtime_exec.c: another process in a created or running container, as
 * containerd (`ctr task exec`) and podman (`podman exec`) ask runc for
 * one: `exec [--process FILE] [--detach] [--pid-file FILE]
 * [--console-socket PATH] [--tty] [--cwd DIR] ID [ARGS...]`.
 *
 * The process is the runtime spec's process object: --process's file, or
 * else the container's config.json's process with ARGS as its args (runc
 * does the same). mydocker joins the container's cgroups (exec.c's
 * cgroup_join) and starts `mydocker bundle-exec` from the read-only view,
 * which joins the container's namespaces through its pidfd (exec.c's
 * enter_namespaces) and forks the process into them. The process takes
 * what the object says as the container's first process took it
 * (bundle_init.c), and bundle-exec tells us its pid and whether its
 * command started.
 *
 * --detach: mydocker returns once the command runs, and bundle-exec
 * exits too. The process is then no child of ours: the kernel gives it to
 * the caller, a subreaper (PR_SET_CHILD_SUBREAPER, prctl(2)), as
 * containerd's shim and conmon are; they wait for the pid in --pid-file. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "json.h"
#include "mydocker.h"

/* Sets key in object, which may not have it yet. */
static bool set_item(cJSON *object, const char *key, cJSON *item)
{
	cJSON_DeleteItemFromObjectCaseSensitive(object, key);
	return item && cJSON_AddItemToObject(object, key, item);
}

/* --process FILE: a process object, as it is. */
static cJSON *process_from_file(const char *path)
{
	char *text = read_file_all(path);
	cJSON *process = text ? cJSON_Parse(text) : NULL;

	if (!text)
		error_errno("--process %s", path);
	else if (!process)
		error_msg("--process %s is not JSON", path);
	free(text);
	return process;
}

/* Without --process: the process of the container's config.json, with
 * ARGS, --tty and --cwd in place of its args, terminal and cwd. */
static cJSON *process_from_config(const struct exec_request *req, const struct container_state *s)
{
	char path[PATH_MAX], *text = NULL;
	const char *bundle = json_string(s->json, "bundle");
	cJSON *config = NULL, *process = NULL;
	int n = 0;

	while (req->args[n])
		n++;
	if (n == 0) {
		error_msg("exec: give a command, or --process FILE");
		return NULL;
	}
	if (bundle && path_printf(path, sizeof path, "%s/config.json", bundle) == 0 && (text = read_file_all(path)))
		config = cJSON_Parse(text);
	free(text);
	process = cJSON_DetachItemFromObjectCaseSensitive(config, "process");
	cJSON_Delete(config);
	if (!cJSON_IsObject(process) ||
	    !set_item(process, "args", cJSON_CreateStringArray((const char *const *)req->args, n)) ||
	    !set_item(process, "terminal", cJSON_CreateBool(req->tty)) ||
	    (req->cwd && !set_item(process, "cwd", cJSON_CreateString(req->cwd)))) {
		error_msg("exec: the process of %s/config.json", bundle ? bundle : "(no bundle)");
		cJSON_Delete(process);
		return NULL;
	}
	return process;
}

/* The process object as text, checked as create checks config.json's
 * process: what this runtime cannot apply is refused by name. */
static char *exec_process(const struct exec_request *req, const struct container_state *s, struct bundle *b)
{
	cJSON *process = req->process ? process_from_file(req->process) : process_from_config(req, s);
	char *text = process ? cJSON_PrintUnformatted(process) : NULL, error[512];

	cJSON_Delete(process);
	*b = (struct bundle){ 0 };
	if (text && process_parse(text, b, error, sizeof error) < 0) {
		error_msg("exec: %s", error);
		free(text);
		return NULL;
	}
	return text;
}

/* What the child of fork(2) needs, each fd moved to where bundle-exec
 * finds it: the process on 3, the pidfd on 4, the report on 5, the
 * console socket on 6. */
struct exec_child {
	int exe, process, pidfd, report, console; /* console: -1 without a terminal */
};

static void start_bundle_exec(const struct exec_child *c)
{
	int fds[] = { c->process, c->pidfd, c->report, c->console, c->exe };
	int targets[] = { INIT_PIPE_FD, EXEC_PIDFD, EXEC_REPORT_FD, BUNDLE_CONSOLE_FD, -1 };

	/* first above them all, so that moving one onto 3-6 closes no other */
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (fds[i] >= 0 && (fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, BUNDLE_CONSOLE_FD + 1)) < 0)
			die_errno(EXIT_MYDOCKER, "exec: move an fd for bundle-exec");
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (fds[i] >= 0 && targets[i] >= 0)
			pass_fd_as(fds[i], targets[i]);
	fexecve(fds[4], build_init_argv("bundle-exec"), (char *[]){ NULL });
	die_errno(EXIT_MYDOCKER, "exec mydocker bundle-exec from its read-only view");
}

/* bundle-exec's report: "PID started" or "PID failed"; 0 when its
 * command runs, with *pid set. */
static int read_report(int fd, pid_t *pid)
{
	char *text = read_fd_all(fd), word[16] = "";
	long long n = 0;
	int ret = text && sscanf(text, "%lld %15s", &n, word) == 2 && strcmp(word, "started") == 0 ? 0 : -1;

	free(text);
	*pid = (pid_t)n;
	return ret;
}

/* Starts bundle-exec, sends it the container's pid, whether to detach,
 * and the process; writes --pid-file once the command runs. Returns the
 * command's exit status (0 with --detach), or 125 said. */
static int run_bundle_exec(const struct exec_request *req, const char *process, pid_t container, int pidfd,
			   int console)
{
	struct exec_child c = { .exe = open_sealed_exe(), .pidfd = pidfd, .console = console };
	int to_child[2] = { -1, -1 }, report[2] = { -1, -1 }, code = EXIT_MYDOCKER;
	pid_t child = -1, pid;
	char pid_text[32];

	if (c.exe < 0 || pipe2(to_child, O_CLOEXEC) < 0 || pipe2(report, O_CLOEXEC) < 0 || (child = fork()) < 0) {
		error_errno("exec: start bundle-exec");
		goto out;
	}
	if (child == 0) {
		c.process = to_child[0];
		c.report = report[1];
		start_bundle_exec(&c);
	}
	close_fd(&to_child[0]);
	close_fd(&report[1]);
	forward_signals_to(child);
	if (dprintf(to_child[1], "%d %d\n%s", (int)container, req->detach, process) < 0)
		error_errno("exec: send the process to bundle-exec");
	close_fd(&to_child[1]);
	if (read_report(report[0], &pid) == 0) {
		snprintf(pid_text, sizeof pid_text, "%d", (int)pid);
		debug("exec: the process runs as pid %d", (int)pid);
		if (req->pid_file && write_file_replace(req->pid_file, pid_text) < 0)
			error_errno("exec: --pid-file %s", req->pid_file);
		code = wait_for_exit(child);
	} else if ((code = wait_for_exit(child)) == 0) {
		code = EXIT_MYDOCKER; /* bundle-exec said why */
	}
out:
	close_fd(&c.exe);
	close_fd(&to_child[1]);
	close_fd(&report[0]);
	return code;
}

int runtime_exec(const struct runtime *rt, const char *id, const struct exec_request *req)
{
	struct container_state s;
	struct bundle b = { 0 };
	char *process = NULL;
	int pidfd = -1, console = -1, code = EXIT_MYDOCKER;

	if (state_read(rt, id, &s) < 0)
		return EXIT_MYDOCKER;
	if ((pidfd = live_pidfd(id, &s)) >= 0 && (process = exec_process(req, &s, &b)) &&
	    (console = console_for(&b, req->console)) != -2 && cgroup_join(s.pid) == 0) {
		handle_signals();
		code = run_bundle_exec(req, process, s.pid, pidfd, console);
	}
	if (console >= 0)
		close(console);
	close_fd(&pidfd);
	free(process);
	bundle_free(&b);
	cJSON_Delete(s.json);
	return code;
}

/* In bundle-exec's child, in the container's namespaces: the process,
 * as the object says; "s" on report just before its command, "x" if
 * that cannot start (replace_init). */
static void become_exec_process(struct bundle *b, int report)
{
	if (b->terminal)
		open_bundle_console(b);
	take_bundle_process(b);
	if (write(report, "s", 1) != 1)
		_exit(EXIT_MYDOCKER);
	exec_bundle_command(b, report);
}

/* Forks the process into the container's pid namespace; true in
 * *started once its command runs, which closes the report pipe. */
static pid_t fork_exec_process(struct bundle *b, bool *started)
{
	char news[8] = "";
	int report[2];
	pid_t pid;
	ssize_t n;
	size_t got = 0;

	if (pipe2(report, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		/* ENOMEM: the pid namespace's init has exited (pid_namespaces(7)) */
		error_msg("exec: fork into the container: %s", errno == ENOMEM ? "it has exited" : strerror(errno));
		return -1;
	}
	if (pid == 0) {
		close(report[0]);
		close(EXEC_REPORT_FD);
		become_exec_process(b, report[1]);
	}
	close(report[1]);
	while (got < sizeof news - 1 && (n = read(report[0], news + got, sizeof news - 1 - got)) > 0)
		got += (size_t)n;
	close(report[0]);
	*started = strchr(news, 's') && !strchr(news, 'x');
	return pid;
}

/* `mydocker bundle-exec`, from the read-only view: on fd 3 "PID DETACH\n"
 * and the process object; the container's pidfd on fd 4. It joins the
 * container, forks the process, reports on fd 5, and then waits for the
 * process, or with DETACH leaves it to the caller's subreaper. */
int bundle_exec(void)
{
	char *text = read_fd_all(INIT_PIPE_FD), *json = NULL, error[512];
	int container = 0, detach = 0, offset = 0;
	bool started = false;
	struct bundle b;
	pid_t pid;

	if (!text || sscanf(text, "%d %d\n%n", &container, &detach, &offset) < 2 || offset == 0)
		die_msg(EXIT_MYDOCKER, "bundle-exec: no process on fd %d", INIT_PIPE_FD);
	json = text + offset;
	if (process_parse(json, &b, error, sizeof error) < 0)
		die_msg(EXIT_MYDOCKER, "bundle-exec: %s", error);
	free(text);
	close(INIT_PIPE_FD);
	close_fds_from(BUNDLE_CONSOLE_FD + (b.terminal ? 1 : 0));
	handle_signals();
	if (enter_namespaces(EXEC_PIDFD, (pid_t)container) < 0)
		return EXIT_MYDOCKER;
	close(EXEC_PIDFD);
	if ((pid = fork_exec_process(&b, &started)) < 0)
		return EXIT_MYDOCKER;
	if (b.terminal)
		close(BUNDLE_CONSOLE_FD); /* the process has sent the master on its copy */
	dprintf(EXEC_REPORT_FD, "%d %s\n", (int)pid, started ? "started" : "failed");
	close(EXEC_REPORT_FD);
	if (detach && started)
		return 0;
	forward_signals_to(pid);
	return wait_for_exit(pid);
}
