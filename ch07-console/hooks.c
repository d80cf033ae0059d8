/* hooks.c: config.json's hooks (bundle.c reads them), programs the
 * runtime runs at points of a container's life, each with the
 * container's state as JSON on its stdin (config.md, "POSIX-platform
 * Hooks"): prestart and createRuntime once the namespaces exist and
 * before pivot_root (a caller sets up the container's network there),
 * poststart once the command runs, poststop once the container is
 * deleted. They run on the host, as root: only the caller that wrote
 * config.json chooses them. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "json.h"
#include "mydocker.h"

/* Waits for the hook, killing it after its timeout (seconds; none: no
 * limit), through a pidfd: its exit status, or -1. */
static int wait_for_hook(pid_t pid, const cJSON *hook)
{
	long long timeout = 0;
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0), status;

	json_number(hook, "timeout", &timeout);
	if (pidfd >= 0 && timeout > 0 &&
	    poll(&(struct pollfd){ .fd = pidfd, .events = POLLIN }, 1, (int)(timeout * 1000)) == 0) {
		error_msg("hook %s: killed after its timeout of %llds", json_string(hook, "path"), timeout);
		kill(pid, SIGKILL);
	}
	if (pidfd >= 0)
		close(pidfd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

/* A poststart or poststop hook that fails is a warning: the container
 * runs, or is gone, whatever it says (config.md). */
static bool is_post(const char *kind)
{
	return strncmp(kind, "post", 4) == 0;
}

/* In the hook's child: stdin from the state's pipe, then the hook's
 * program with args (args[0] is its name) and env. */
static void exec_hook(const char *path, char **args, char **env, int state_fd)
{
	char *only_path[] = { (char *)path, NULL }, *no_env[] = { NULL };

	signal(SIGPIPE, SIG_DFL); /* run ignores it; the hook need not */
	if (dup2(state_fd, STDIN_FILENO) < 0)
		_exit(127);
	/* stdin, stdout and stderr only, as runc's hooks get (Go's os/exec):
	 * a caller's other fds, --preserve-fds's among them, are not theirs */
	close_fds_from(3);
	execve(path, args && args[0] ? args : only_path, env ? env : no_env);
	_exit(127);
}

/* One hook, the state on its stdin. */
static int run_hook(const cJSON *hook, const char *kind, const char *state)
{
	const char *path = json_string(hook, "path");
	char **args = json_strings(hook, "args"), **env = json_strings(hook, "env");
	int in[2] = { -1, -1 }, status = -1;
	pid_t pid = -1;

	if (pipe2(in, O_CLOEXEC) == 0 && (pid = fork()) == 0)
		exec_hook(path, args, env, in[0]);
	close_fd(&in[0]);
	if (pid > 0) {
		signal(SIGPIPE, SIG_IGN); /* a hook that does not read its state */
		write_all(in[1], state, strlen(state));
		close_fd(&in[1]);
		status = wait_for_hook(pid, hook);
	}
	close_fd(&in[1]);
	json_free_strings(args);
	json_free_strings(env);
	if (status == 0)
		return 0;
	if (status > 0 && WIFSIGNALED(status))
		error_msg("%s%s hook %s failed (signal %d)", is_post(kind) ? "warning: " : "", kind, path,
			  WTERMSIG(status));
	else
		error_msg("%s%s hook %s failed (exit status %d)", is_post(kind) ? "warning: " : "", kind, path,
			  status > 0 ? WEXITSTATUS(status) : -1);
	return -1;
}

/* The hooks of kind, in order; the first that fails stops them (-1),
 * but for the post hooks, which all run. */
int run_hooks(const cJSON *hooks, const char *kind, const char *state)
{
	const cJSON *hook;

	cJSON_ArrayForEach(hook, cJSON_GetObjectItemCaseSensitive(hooks, kind)) {
		if (run_hook(hook, kind, state) < 0 && !is_post(kind))
			return -1;
		debug("ran the %s hook %s", kind, json_string(hook, "path"));
	}
	return 0;
}

bool has_hooks(const cJSON *hooks, const char *kind)
{
	return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(hooks, kind)) > 0;
}
