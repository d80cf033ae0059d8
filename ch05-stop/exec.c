/* exec.c: `mydocker exec [-i] [-t] [-e K=V]... [-w DIR] CONTAINER COMMAND
 * [ARG...]` (the book's ExecContainer): a command in a running container.
 *
 * The book runs itself again with the container's pid in environment
 * variables, and a cgo constructor (nsenter.go's enter_namespace) calls
 * setns(2) before the Go runtime starts its threads, because a process
 * with more than one thread cannot join a mount namespace. A C program has
 * no threads it did not start: mydocker calls setns(2) itself. In order:
 *  - the container must be running, checked before anything is joined, and
 *    held by a pidfd (pidfd_open(2)): a pid that is reused meanwhile is not;
 *  - mydocker joins the container's cgroups (its limits hold for the
 *    command too), then starts `mydocker exec-init` from the read-only view,
 *    as run starts init (sealed_exe.c), on the host's root still: the
 *    container's root has no dynamic loader for it;
 *  - exec-init joins all the container's namespaces at once: setns(2) on
 *    the pidfd, which fails if the container has gone, so a command never
 *    runs on the host;
 *  - and forks: setns(CLONE_NEWPID) puts only children in the PID
 *    namespace (pid_namespaces(7)). The child takes the container's
 *    capabilities and environment, and execs the command (init.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

/* The namespaces a container has (container.c's NAMESPACES), and the files
 * of /proc/PID/ns that name them: mnt last, it changes what paths mean. */
#define EXEC_NAMESPACES (CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWNS)
#define EXEC_PIDFD 4 /* exec-init finds the container's pidfd here */
static const char *const ns_files[] = { "ipc", "uts", "net", "pid", "mnt" };

struct exec_options {
	bool interactive, tty;
	char **env;          /* -e K=V, in the order given */
	const char *workdir; /* -w */
	const char *container;
	char **command;      /* inside argv */
};

static void print_exec_usage(FILE *out)
{
	fprintf(out,
		"Usage: mydocker exec [OPTIONS] CONTAINER COMMAND [ARG...]\n"
		"\n"
		"Run a command in a running container (a name, an id, or the start of one).\n"
		"\n"
		"Options:\n"
		"  -i, --interactive     keep stdin attached (else it is /dev/null)\n"
		"  -t, --tty             a terminal of its own\n"
		"  -e, --env K=V         set a variable (K alone: its value here); repeatable\n"
		"  -w, --workdir DIR     the command's working directory (default /)\n"
		"  -h, --help            print this help\n");
}

/* -e K=V, or -e K: K's value in our environment, as docker takes it. */
static int add_env(struct exec_options *opts, const char *text)
{
	char var[4096];

	if (text[0] == '\0' || text[0] == '=') {
		error_msg("invalid -e %s: expected NAME=VALUE or NAME", text);
		return -1;
	}
	if (!strchr(text, '=')) {
		const char *value = getenv(text);
		if (!value)
			return 0; /* docker leaves out a variable we do not have */
		snprintf(var, sizeof var, "%s=%s", text, value);
		text = var;
	}
	return strings_add(&opts->env, text);
}

/* 0, or the exit code: 0 after --help, 125 after a mistake (said). */
static int parse_exec_options(int argc, char **argv, struct exec_options *opts, int *code)
{
	static const struct option flags[] = {
		{ "interactive", no_argument, NULL, 'i' }, { "tty", no_argument, NULL, 't' },
		{ "env", required_argument, NULL, 'e' },   { "workdir", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },        { NULL, 0, NULL, 0 },
	};
	int c;

	*code = EXIT_MYDOCKER;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:ite:w:h", flags, NULL)) != -1) {
		switch (c) {
		case 'i': opts->interactive = true; break;
		case 't': opts->tty = true; break;
		case 'w': opts->workdir = optarg; break;
		case 'e':
			if (add_env(opts, optarg) < 0)
				return -1;
			break;
		case 'h':
			print_exec_usage(stdout);
			*code = 0;
			return -1;
		default:
			error_msg("%s: %s", c == ':' ? "flag needs a value" : "unknown flag", argv[optind - 1]);
			print_exec_usage(stderr);
			return -1;
		}
	}
	if (argc - optind < 2) {
		error_msg("exec needs a container and a command");
		print_exec_usage(stderr);
		return -1;
	}
	opts->container = argv[optind];
	opts->command = argv + optind + 1;
	return 0;
}

/* A pidfd of the container's PID 1 (record.c), or -1, said. */
static int open_container(struct record *r)
{
	int fd = container_pidfd(r);

	if (fd < 0)
		error_msg("container %s is not running", r->name);
	return fd;
}

/* Is the process the pidfd holds still alive? (pidfd_send_signal(2) with
 * signal 0 sends nothing: ESRCH once it has exited, even if its pid has
 * been given to another process since.) */
static bool still_running(int pidfd)
{
	return syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) == 0;
}

/* The cgroups of whatever has the pid now (/proc/PID/cgroup): the
 * container's only if it still runs once they are joined. */
static int join_cgroups(int pidfd, pid_t pid)
{
	if (cgroup_join(pid) < 0)
		return -1;
	if (!still_running(pidfd)) {
		error_msg("join the container's cgroups: the container has exited");
		return -1;
	}
	return 0;
}

/* Before Linux 5.8 setns(2) takes no pidfd: one /proc/PID/ns/ file per
 * namespace, all opened before the first setns changes what /proc is. The
 * files are those of whatever has pid now: only if the container is still
 * running once they are open are they its. */
static int enter_one_by_one(int pidfd, pid_t pid)
{
	int fds[ARRAY_SIZE(ns_files)], ret = 0;
	char path[64];

	for (size_t i = 0; i < ARRAY_SIZE(ns_files); i++) {
		snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, ns_files[i]);
		fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0)
			ret = -1;
	}
	if (ret == 0 && !still_running(pidfd))
		ret = -1; /* ESRCH: it has exited; EBADF: fd 4 is no pidfd */
	for (size_t i = 0; i < ARRAY_SIZE(ns_files); i++) {
		if (ret == 0 && setns(fds[i], 0) < 0)
			ret = -1;
		if (fds[i] >= 0)
			close(fds[i]);
	}
	return ret;
}

/* All of the container's namespaces at once; the pidfd pins the process:
 * if it has exited, setns fails (ESRCH) and nothing was joined. EINVAL is
 * a kernel whose setns takes no pidfd (before 5.8), or an fd 4 that is no
 * pidfd: the fallback tells them apart. */
static int enter_namespaces(int pidfd, pid_t pid)
{
	if (setns(pidfd, EXEC_NAMESPACES) == 0 || (errno == EINVAL && enter_one_by_one(pidfd, pid) == 0)) {
		debug("exec-init: joined the namespaces of pid %d", (int)pid);
		return 0;
	}
	error_msg("join the container's namespaces: %s",
		  errno == ESRCH ? "the container has exited" : strerror(errno));
	return -1;
}

/* The child of mydocker exec, on the host still: its fds 0-2 (stdio.c),
 * then exec-init from the read-only view, with the command on fd 3 and the
 * pidfd on fd 4. PR_SET_PDEATHSIG covers the deaths of mydocker (pid
 * parent) from now on only: if it has died since fork(2), we have another
 * parent already (prctl(2)), and run nothing. */
static void exec_child(int pipe_fd, int pidfd, int exe_fd, const struct stdio *io, pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die_errno(EXIT_MYDOCKER, "prctl PR_SET_PDEATHSIG");
	if (getppid() != parent)
		_exit(EXIT_MYDOCKER);
	stdio_attach(io); /* first: its pipes' fds may be 3 or 4 */
	/* The pidfd may be fd 3, where the pipe goes, or already fd 4, where
	 * dup2(2) onto itself would leave it close-on-exec: first above both. */
	pidfd = fcntl(pidfd, F_DUPFD_CLOEXEC, EXEC_PIDFD + 1);
	if (pidfd < 0)
		die_errno(EXIT_MYDOCKER, "move the container's pidfd");
	pass_fd_as(pipe_fd, INIT_PIPE_FD);
	if (dup2(pidfd, EXEC_PIDFD) < 0)
		die_errno(EXIT_MYDOCKER, "pass the container's pidfd as fd %d", EXEC_PIDFD);
	fexecve(exe_fd, build_init_argv("exec-init"), (char *[]){ NULL });
	die_errno(EXIT_MYDOCKER, "exec mydocker exec-init from its read-only view");
}

static int send_exec_command(int pipe_fd, const struct exec_options *opts, char **env, pid_t pid)
{
	char pid_text[32];
	struct init_config config = { .argv = opts->command, .env = env, .dir = (char *)opts->workdir,
				      .pid = pid_text, .tty = opts->tty ? "1" : NULL };

	snprintf(pid_text, sizeof pid_text, "%d", (int)pid);
	if (send_init_config(pipe_fd, &config) < 0) {
		error_errno("send the command to exec-init");
		return -1;
	}
	debug("exec: sent the command to exec-init over the pipe");
	return 0;
}

/* Joined the cgroups already: start exec-init, tell it the command, and
 * wait, relaying its fds 0-2 as run does until exec-init has exited (a
 * process the command leaves behind does not keep exec waiting). */
static int start_exec_init(const struct exec_options *opts, char **env, int pidfd, pid_t pid)
{
	int pipe_fds[2], exe_fd = open_sealed_exe(), code = EXIT_MYDOCKER;
	struct stdio io = STDIO_NONE;
	pid_t child, us = getpid();

	if (exe_fd < 0) {
		error_msg("make a read-only view of mydocker for exec-init: %s" CHECK_HINT, strerror(errno));
		return EXIT_MYDOCKER;
	}
	if (stdio_open(&io, opts->tty, opts->interactive) < 0 || pipe2(pipe_fds, O_CLOEXEC) < 0 ||
	    (child = fork()) < 0) {
		error_errno("start exec-init");
		goto out;
	}
	if (child == 0)
		exec_child(pipe_fds[0], pidfd, exe_fd, &io, us);
	close(pipe_fds[0]);
	forward_signals_to(child);
	if (send_exec_command(pipe_fds[1], opts, env, pid) < 0 || stdio_connect(&io) < 0) {
		wait_for_exit(child);
		goto out;
	}
	stdio_relay(&io, child);
	code = wait_for_exit(child);
out:
	close(exe_fd);
	stdio_close(&io);
	return code;
}

/* The book's ExecContainer. */
int exec_command(int argc, char **argv)
{
	struct exec_options opts = { 0 };
	char id[CONTAINER_ID_LEN + 1], **env = NULL;
	struct record r;
	int code = EXIT_MYDOCKER, pidfd;

	if (parse_exec_options(argc, argv, &opts, &code) < 0) {
		strings_free(opts.env);
		return code;
	}
	if (require_root() < 0 || find_container(opts.container, id) < 0 || record_read(id, &r) < 0) {
		strings_free(opts.env);
		return EXIT_MYDOCKER;
	}
	handle_signals();
	pidfd = open_container(&r);
	env = container_environment(r.id, opts.tty);
	for (char **e = opts.env; env && e && *e; e++)
		if (strings_add(&env, *e) < 0)
			break;
	if (pidfd >= 0 && env && join_cgroups(pidfd, (pid_t)r.pid) == 0)
		code = start_exec_init(&opts, env, pidfd, (pid_t)r.pid);
	if (pidfd >= 0)
		close(pidfd);
	strings_free(env);
	strings_free(opts.env);
	record_free(&r);
	return code;
}

/* `mydocker exec-init`, from the read-only view, its command on fd 3 and the
 * container's pidfd on fd 4: joins the namespaces, forks the command into
 * the container's PID namespace, passes signals on, and exits as it did. */
int join_container(void)
{
	struct init_config config;
	pid_t pid;

	if (!read_init_config(INIT_PIPE_FD, &config) || !config.pid) {
		error_errno("exec-init: read the command from fd %d", INIT_PIPE_FD);
		return EXIT_MYDOCKER;
	}
	close(INIT_PIPE_FD);
	handle_signals();
	if (enter_namespaces(EXEC_PIDFD, (pid_t)atoi(config.pid)) < 0)
		return EXIT_MYDOCKER;
	close(EXEC_PIDFD);
	if (config.tty)
		console_make(); /* in the container's devpts, which we see now */
	pid = fork();
	if (pid < 0) {
		/* ENOMEM: the PID namespace's init has exited (pid_namespaces(7)) */
		error_msg("fork into the container: %s", errno == ENOMEM ? "the container has exited" : strerror(errno));
		return EXIT_MYDOCKER;
	}
	if (pid == 0) {
		leave_our_process_group();
		if (config.tty)
			console_take();
		become_command(&config);
		_exit(EXIT_MYDOCKER); /* not reached: become_command() execs or dies */
	}
	forward_signals_to(pid);
	return wait_for_exit(pid);
}

/* mydocker check: can this kernel join a process's namespaces through a
 * pidfd (Linux 5.8), or else through /proc/PID/ns? A child tries ours. */
void check_exec(void)
{
	int status, pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	pid_t pid = pidfd < 0 ? -1 : fork();

	if (pid == 0)
		_exit(setns(pidfd, CLONE_NEWUTS) == 0 ? 0 : access("/proc/self/ns/mnt", R_OK) == 0 ? 1 : 2);
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		status = 2 << 8;
	if (pidfd >= 0)
		close(pidfd);
	check_report("exec", WIFEXITED(status) && WEXITSTATUS(status) < 2,
		     WEXITSTATUS(status) == 0 ? "setns(2) takes a pidfd" : "setns(2) through /proc/PID/ns/",
		     "a kernel with pidfd_open(2) (5.3) and /proc/PID/ns/");
}
