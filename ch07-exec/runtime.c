/* runtime.c: the OCI runtime's command line, runc's (the runtime spec's
 * runtime.md names the operations; runc's flags are what containerd's
 * shim and podman's conmon pass). The same program keeps docker's
 * command line: a call is the runtime's when it starts with one of the
 * runtime's global flags, names one of its own commands, or runs a
 * bundle (run --bundle). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common.h"
#include "json.h"
#include "mydocker.h"

static const char *const global_flags[] = { "--root", "--log", "--log-format", "--systemd-cgroup",
					    "--version", "-v", NULL };
static const char *const own_commands[] = { "create", "start", "state", "kill", "delete", "spec",
					    "features", NULL };
/* exec and ps are docker's too: the runtime's after a global flag
 * (containerd's shim gives --root and --log), or exec with a flag that
 * docker's exec has not (conmon gives --pid-file and --process first). */
static const char *const shared_commands[] = { "exec", "ps", NULL };
static const char *const exec_flags[] = { "--process", "-p", "--pid-file", "--console-socket", "--detach", "-d",
					  "--cwd", "--preserve-fds", NULL };

static bool is_one_of(const char *arg, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(arg, *list) == 0 ||
		    (strncmp(arg, *list, strlen(*list)) == 0 && arg[strlen(*list)] == '='))
			return true;
	return false;
}

bool is_runtime_call(int argc, char **argv)
{
	int i = argc > 1 && strncmp(argv[1], "--debug", 7) == 0 ? 2 : 1;

	if (i >= argc || is_one_of(argv[i], global_flags) || is_one_of(argv[i], own_commands))
		return i < argc;
	for (int j = i + 1; strcmp(argv[i], "exec") == 0 && j < argc && argv[j][0] == '-'; j++)
		if (is_one_of(argv[j], exec_flags))
			return true;
	for (int j = i + 1; strcmp(argv[i], "run") == 0 && j < argc && argv[j][0] == '-'; j++)
		if (strcmp(argv[j], "-b") == 0 || is_one_of(argv[j], (const char *const[]){ "--bundle", NULL }))
			return true;
	return false;
}

/* kill --all: every other process of the container (runtime_ps.c); the
 * first gets the signal through its pidfd. */
static void signal_all(pid_t first, int sig)
{
	size_t n;
	pid_t *pids = container_pids(first, &n);

	for (size_t i = 0; i < n; i++)
		if (pids[i] != first)
			kill(pids[i], sig);
	free(pids);
}

/* kill [--all] ID [SIGNAL]: SIGTERM unless named; a stopped container
 * cannot be signalled (the spec's MUST). */
static int runtime_kill(const struct runtime *rt, const char *id, const char *name, bool all)
{
	struct container_state s;
	int sig = signal_number(name), pidfd, ret;

	if (!sig) {
		error_msg("kill: unknown signal %s", name);
		return -1;
	}
	if (state_read(rt, id, &s) < 0)
		return -1;
	cJSON_Delete(s.json);
	if ((pidfd = live_pidfd(id, &s)) < 0)
		return -1;
	if (all)
		signal_all(s.pid, sig);
	ret = (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
	if (ret < 0 && errno != ESRCH)
		error_errno("kill container %s", id);
	close(pidfd);
	return ret < 0 && errno != ESRCH ? -1 : 0;
}

/* delete [--force] ID: a stopped container's state goes, and its cgroups;
 * a created or running one is an error, unless --force kills it first.
 * Its mounts and namespaces went with its last process. */
static int runtime_delete(const struct runtime *rt, const char *id, bool force)
{
	struct container_state s;
	char state[PATH_MAX];
	int pidfd, ret;

	/* --force of one that is gone succeeds, as runc's: containerd's shim
	 * deletes again when it cleans up after a container */
	if (force && name_is_valid(id, RUNTIME_ID_MAX) &&
	    path_printf(state, sizeof state, "%s/%s/state.json", rt->root, id) == 0 && access(state, F_OK) < 0)
		return 0;
	if (state_read(rt, id, &s) < 0)
		return -1;
	if (strcmp(s.status, "stopped") != 0 && !force) {
		error_msg("container %s is %s: delete --force kills it first", id, s.status);
		cJSON_Delete(s.json);
		return -1;
	}
	if (strcmp(s.status, "stopped") != 0 && (pidfd = live_pidfd(id, &s)) >= 0) {
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		while (poll(&(struct pollfd){ .fd = pidfd, .events = POLLIN }, 1, -1) < 0 && errno == EINTR)
			;
		close(pidfd);
	}
	ret = bundle_cgroup_remove(cJSON_GetObjectItemCaseSensitive(s.json, "cgroups"));
	if (ret == 0 && (ret = remove_tree(s.dir)) < 0)
		error_errno("remove %s", s.dir);
	else if (ret == 0)
		run_state_hooks(&s, "poststop", "stopped");
	cJSON_Delete(s.json);
	return ret;
}

/* exec [--process FILE] [--detach] [--pid-file FILE] [--console-socket
 * PATH] [--tty] [--cwd DIR] ID [ARGS...]: runtime_exec.c. */
static int exec_command_of_runtime(const struct runtime *rt, int argc, char **argv)
{
	struct exec_request req = { 0 };
	const char *preserve = NULL;
	const struct flag flags[] = { { "--process", 'p', NULL, &req.process }, { "--pid-file", 0, NULL, &req.pid_file },
		{ "--console-socket", 0, NULL, &req.console }, { "--cwd", 0, NULL, &req.cwd },
		{ "--preserve-fds", 0, NULL, &preserve }, { "--detach", 'd', &req.detach, NULL },
		{ "--tty", 't', &req.tty, NULL }, { NULL, 0, NULL, NULL } };
	int code, i = command_flags(argc, argv, flags, print_runtime_usage, &code);

	if (i < 0)
		return code;
	if (preserve && strcmp(preserve, "0") != 0) {
		error_msg("exec: --preserve-fds is not supported by this runtime");
		return EXIT_MYDOCKER;
	}
	if (i == argc || !name_is_valid(argv[i], RUNTIME_ID_MAX)) {
		error_msg("exec: expected a container id, got %s", i < argc ? argv[i] : "none");
		return EXIT_MYDOCKER;
	}
	if (req.process && i + 1 < argc) {
		error_msg("exec: --process gives the command; %s is one too many", argv[i + 1]);
		return EXIT_MYDOCKER;
	}
	req.args = argv + i + 1;
	return runtime_exec(rt, argv[i], &req);
}

/* ps [--format table|json] ID [PS_ARGS...]: runtime_ps.c. */
static int ps_command_of_runtime(const struct runtime *rt, int argc, char **argv)
{
	const char *format = "table";
	const struct flag flags[] = { { "--format", 'f', NULL, &format }, { NULL, 0, NULL, NULL } };
	int code, i = command_flags(argc, argv, flags, print_runtime_usage, &code);

	if (i < 0)
		return code;
	if (i == argc || !name_is_valid(argv[i], RUNTIME_ID_MAX)) {
		error_msg("ps: expected a container id, got %s", i < argc ? argv[i] : "none");
		return EXIT_MYDOCKER;
	}
	return runtime_ps(rt, argv[i], format, argv + i + 1) < 0 ? EXIT_MYDOCKER : 0;
}

/* run [create's flags] ID: create, start, wait, delete; the container's
 * exit status is ours. */
static int runtime_run(const struct runtime *rt, const char *id, const struct create_options *o)
{
	pid_t pid;
	int code = EXIT_MYDOCKER;

	handle_signals();
	pid = runtime_create(rt, id, o);
	if (pid < 0)
		return EXIT_MYDOCKER;
	forward_signals_to(pid);
	if (runtime_start(rt, id) == 0) {
		code = wait_for_exit(pid);
	} else {
		kill(pid, SIGKILL);
		wait_for_exit(pid);
	}
	runtime_delete(rt, id, true); /* its poststop hooks too */
	return code;
}

/* The container's id, the last argument: a name, as runc allows. */
static const char *container_id(int argc, char **argv, int i)
{
	if (i != argc - 1 || !name_is_valid(argv[i], RUNTIME_ID_MAX)) {
		error_msg("%s: expected one container id ([a-zA-Z0-9][a-zA-Z0-9_.-]*), got %s", argv[0],
			  i < argc ? argv[i] : "none");
		return NULL;
	}
	return argv[i];
}

/* --preserve-fds N: the caller's fds 3 to 3+N-1, which must be open. */
static int preserved_fds(const char *text, int *n)
{
	char *end;
	long count = text ? strtol(text, &end, 10) : 0;

	if (text && (*text < '0' || *text > '9' || *end || count > 1000)) {
		error_msg("--preserve-fds %s: expected a number of fds from 0 to 1000", text);
		return -1;
	}
	for (int fd = 3; fd < 3 + count; fd++) {
		if (fcntl(fd, F_GETFD) < 0) {
			error_msg("--preserve-fds %ld: fd %d is not open", count, fd);
			return -1;
		}
	}
	*n = (int)count;
	return 0;
}

static int container_command(const struct runtime *rt, int argc, char **argv)
{
	struct create_options o = { .bundle = "." };
	const char *preserve = NULL, *id;
	bool all = false, force = false, keyring = false;
	const struct flag flags[] = { { "--bundle", 'b', NULL, &o.bundle }, { "--pid-file", 0, NULL, &o.pid_file },
		{ "--console-socket", 0, NULL, &o.console }, { "--preserve-fds", 0, NULL, &preserve },
		{ "--no-pivot", 0, &o.no_pivot, NULL }, { "--no-new-keyring", 0, &keyring, NULL },
		{ "--all", 'a', &all, NULL }, { "--force", 'f', &force, NULL }, { NULL, 0, NULL, NULL } };
	int code, i = command_flags(argc, argv, flags, print_runtime_usage, &code);
	bool is_kill = strcmp(argv[0], "kill") == 0;

	if (i < 0)
		return code;
	if (preserved_fds(preserve, &o.preserve_fds) < 0)
		return EXIT_MYDOCKER;
	if (!(id = container_id(is_kill && argc - i == 2 ? argc - 1 : argc, argv, i)))
		return EXIT_MYDOCKER;
	if (strcmp(argv[0], "run") == 0)
		return runtime_run(rt, id, &o);
	if (strcmp(argv[0], "create") == 0)
		return runtime_create(rt, id, &o) < 0 ? EXIT_MYDOCKER : 0;
	if (strcmp(argv[0], "start") == 0)
		return runtime_start(rt, id) < 0 ? EXIT_MYDOCKER : 0;
	if (strcmp(argv[0], "state") == 0)
		return runtime_state(rt, id) < 0 ? EXIT_MYDOCKER : 0;
	if (is_kill)
		return runtime_kill(rt, id, argc - i == 2 ? argv[argc - 1] : "SIGTERM", all) < 0 ? EXIT_MYDOCKER : 0;
	return runtime_delete(rt, id, force) < 0 ? EXIT_MYDOCKER : 0;
}

static int log_fd = -1;
static bool log_json;

/* A line of --log: JSON as runc writes it, which containerd reads back
 * when a call fails: {"level":"error","msg":"...","time":"..."}. */
static void log_line(const char *message)
{
	char now[40], *line = NULL;
	cJSON *entry = log_json ? cJSON_CreateObject() : NULL;

	now_iso8601(now, sizeof now);
	if (entry && cJSON_AddStringToObject(entry, "level", "error") &&
	    cJSON_AddStringToObject(entry, "msg", message) && cJSON_AddStringToObject(entry, "time", now))
		line = cJSON_PrintUnformatted(entry);
	dprintf(log_fd, "%s\n", line ? line : message);
	free(line);
	cJSON_Delete(entry);
}

/* --log FILE: errors go there too; as JSON with --log-format json. */
static int open_log(const char *log, const char *format)
{
	if (format && strcmp(format, "json") != 0 && strcmp(format, "text") != 0) {
		error_msg("--log-format %s: expected text or json", format);
		return -1;
	}
	if (!log)
		return 0;
	log_fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (log_fd < 0) {
		error_errno("--log %s", log);
		return -1;
	}
	log_json = format && strcmp(format, "json") == 0;
	error_also_to(log_line);
	return 0;
}

int runtime_main(int argc, char **argv)
{
	struct runtime rt = { 0 };
	const char *root = NULL, *log = NULL, *format = NULL;
	bool debug_on = false, systemd = false, version = false;
	const struct flag flags[] = { { "--root", 0, NULL, &root }, { "--log", 0, NULL, &log },
		{ "--log-format", 0, NULL, &format }, { "--systemd-cgroup", 0, &systemd, NULL },
		{ "--debug", 0, &debug_on, NULL }, { "--version", 'v', &version, NULL }, { NULL, 0, NULL, NULL } };
	int code, i = command_flags(argc, argv, flags, print_runtime_usage, &code);

	if (i < 0)
		return code;
	debug_set(debug_on, NULL);
	if (version) {
		printf("mydocker version 1.0.0\ncommit: ch07-runc\nspec: 1.0.2\n");
		return 0;
	}
	if (open_log(log, format) < 0)
		return EXIT_MYDOCKER;
	if (systemd) {
		error_msg("--systemd-cgroup: this runtime does not ask systemd for cgroups");
		return EXIT_MYDOCKER;
	}
	if (root)
		snprintf(rt.root, sizeof rt.root, "%s", root);
	else if (run_path(rt.root, sizeof rt.root, "runtime") < 0)
		return EXIT_MYDOCKER;
	if (i == argc) {
		print_runtime_usage(stderr);
		return EXIT_MYDOCKER;
	}
	if (strcmp(argv[i], "spec") == 0 || strcmp(argv[i], "features") == 0)
		return runtime_documents(argc - i, argv + i);
	if (!is_one_of(argv[i], own_commands) && !is_one_of(argv[i], shared_commands) && strcmp(argv[i], "run") != 0) {
		error_msg("unknown command: %s", argv[i]);
		return EXIT_MYDOCKER;
	}
	if (require_root() < 0)
		return EXIT_MYDOCKER;
	if (strcmp(argv[i], "exec") == 0)
		return exec_command_of_runtime(&rt, argc - i, argv + i);
	if (strcmp(argv[i], "ps") == 0)
		return ps_command_of_runtime(&rt, argc - i, argv + i);
	return container_command(&rt, argc - i, argv + i);
}
