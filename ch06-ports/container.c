/* container.c: the parent's side of `mydocker run` (the book's Run and
 * NewParentProcess). run_container() lists the steps in order: what the
 * container needs is made first; then a child is cloned into new
 * namespaces, where it runs mydocker again as `init`; mydocker passes
 * signals on, waits for it, removes what it made, and exits with the
 * container's status. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

#define NAMESPACES (CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC)

/* What the cloned child needs; it gets its own copy of our memory. */
struct child_args {
	char **init_argv; /* mydocker [--debug] init */
	bool interactive;
	bool tty;
	int pipe_fd;      /* read end of the pipe the command comes on */
	int log_fd;       /* -d: the log's pty, for stdout and stderr; else -1 */
	int exe_fd;       /* the sealed copy of mydocker that init runs from */
};

static pid_t container_pid;               /* once the child exists */
static volatile sig_atomic_t stop_signal; /* a signal that came before */

/* Signals from now on go to pid (the command of mydocker exec). */
void forward_signals_to(pid_t pid)
{
	container_pid = pid;
}

static void forward_signal(int sig)
{
	if (container_pid > 0)
		kill(container_pid, sig);
	else
		stop_signal = sig;
}

/* SIGINT (Ctrl-C), SIGTERM (kill) and SIGHUP (terminal closed) are meant
 * for the container, so pass them on to its PID 1. No SA_RESTART: waitpid()
 * returns EINTR and we go back to waiting. A write to a pipe whose reader
 * has died fails with EPIPE instead of killing us (init resets all of this
 * to the defaults before the container's command runs). */
void handle_signals(void)
{
	struct sigaction sa = { .sa_handler = forward_signal };
	int signals[] = { SIGINT, SIGTERM, SIGHUP };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
		sigaction(signals[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* mydocker [--debug] init (or exec-init): the command comes on the pipe. */
char **build_init_argv(const char *init)
{
	size_t i = 0;
	char **argv = calloc(4, sizeof *argv);

	if (!argv)
		return NULL;
	argv[i++] = "mydocker";
	if (debug_enabled())
		argv[i++] = "--debug";
	argv[i++] = (char *)init;
	return argv;
}

/* init finds the pipe on fd 3, as the book's cmd.ExtraFiles puts it: the
 * first fd after stdin, stdout and stderr. dup2(2) clears close-on-exec
 * on the copy; if the pipe already is fd 3, clear it by hand. */
void pass_pipe_as_fd_3(int fd)
{
	int ret;

	if (fd == INIT_PIPE_FD)
		ret = fcntl(fd, F_SETFD, 0);
	else
		ret = dup2(fd, INIT_PIPE_FD);
	if (ret < 0)
		die_errno(EXIT_MYDOCKER, "pass the pipe to init as fd %d", INIT_PIPE_FD);
}

void stdin_from_dev_null(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || dup2(fd, STDIN_FILENO) < 0)
		die_errno(EXIT_MYDOCKER, "open /dev/null as stdin");
	close(fd);
}

/* The container's signals stay inside it: kill(2) with pid 0 or -PGRP
 * signals a whole process group, and a container left in mydocker's group
 * (and its caller's) could kill them with `kill -9 0`. Without -t, the
 * container gets a session of its own, setsid(2), which also has no
 * controlling terminal; with -t, only a process group, setpgid(2). */
void leave_our_process_group(bool tty)
{
	if ((tty ? setpgid(0, 0) : setsid()) < 0)
		die_errno(EXIT_MYDOCKER, "give the container a process group of its own");
}

/* With -t on a terminal, make the container's process group the terminal's
 * foreground one (credentials(7), tcsetpgrp(3)): Ctrl-C then reaches the
 * container's processes, not mydocker, and a shell in it can hand the
 * terminal back to a process group it can see when it exits. */
void take_terminal(void)
{
	sigset_t ttou, old;

	if (!isatty(STDIN_FILENO))
		return;
	/* We are leaving the foreground group, and a background process that
	 * calls tcsetpgrp() gets SIGTTOU (which stops it) unless blocked. */
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, &old);
	if (tcsetpgrp(STDIN_FILENO, getpgrp()) < 0)
		die_errno(EXIT_MYDOCKER, "make the container the terminal's foreground");
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* -d: the container's stdout and stderr go to its log (detach.c). */
static void output_to_log(int log_fd)
{
	if (dup2(log_fd, STDOUT_FILENO) < 0 || dup2(log_fd, STDERR_FILENO) < 0)
		die_errno(EXIT_MYDOCKER, "send the container's output to its log");
}

/* Runs in the child, already inside the new namespaces, until it execs. */
static int child_main(void *arg)
{
	struct child_args *child = arg;

	/* prctl(2): when mydocker dies, the kernel sends us SIGKILL, so no
	 * container outlives a foreground mydocker. The setting only covers a
	 * death from now on; mydocker may already have died since clone(), and
	 * then nobody will send the command and init reads end-of-file. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die_errno(EXIT_MYDOCKER, "prctl PR_SET_PDEATHSIG");
	pass_pipe_as_fd_3(child->pipe_fd);
	if (!child->interactive)
		stdin_from_dev_null();
	leave_our_process_group(child->tty);
	if (child->tty)
		take_terminal();
	if (child->log_fd >= 0)
		output_to_log(child->log_fd);
	/* init needs no environment, and ours is not the container's */
	fexecve(child->exe_fd, child->init_argv, (char *[]){ NULL });
	die_errno(EXIT_MYDOCKER, "exec mydocker init from its sealed copy");
}

/* clone(2) with new UTS, PID, mount, network and IPC namespaces. The child
 * is PID 1 in its PID namespace; we see it under its host pid. */
static pid_t clone_child(struct child_args *child)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));

	return clone(child_main, stack + sizeof stack, NAMESPACES | SIGCHLD, child);
}

/* The book's NewParentProcess + Start: returns the child's pid and the
 * pipe to send the command on, or -1. */
static pid_t start_child(const struct run_options *opts, int *pipe_fd, int log_fd)
{
	struct child_args child = { .interactive = opts->interactive, .tty = opts->tty,
				    .log_fd = log_fd };
	int pipe_fds[2];
	pid_t pid = -1;

	child.exe_fd = open_sealed_exe();
	if (child.exe_fd < 0) {
		error_msg("make a sealed copy of mydocker for init: %s" CHECK_HINT, strerror(errno));
		return -1;
	}
	child.init_argv = build_init_argv("init");
	if (!child.init_argv || pipe2(pipe_fds, O_CLOEXEC) < 0) {
		error_errno("prepare the container's first process");
		free(child.init_argv);
		close(child.exe_fd);
		return -1;
	}
	child.pipe_fd = pipe_fds[0];
	pid = clone_child(&child);
	if (pid < 0)
		error_msg("clone into new namespaces: %s" CHECK_HINT, strerror(errno));
	else
		debug("cloned pid %d into new uts, pid, mount, network and ipc namespaces; "
		      "it runs init from a sealed copy of mydocker", pid);
	close(pipe_fds[0]);
	close(child.exe_fd);
	free(child.init_argv);
	if (pid < 0)
		close(pipe_fds[1]);
	*pipe_fd = pipe_fds[1];
	return pid;
}

/* The book's sendInitCommand; env is the one the record keeps; net, the
 * container's network connection, if it has one. */
static int send_command(int pipe_fd, const struct run_options *opts, struct workspace *ws, char **env,
			const struct connection *net)
{
	struct init_config config = { .argv = opts->command, .root = ws->merged, .hostname = ws->id, .env = env };
	char specs[MAX_VOLUMES][2 * PATH_MAX + 4], *volumes[MAX_VOLUMES + 1] = { 0 };
	char address[32], gateway[32];

	for (int i = 0; i < opts->n_volumes; i++) {
		format_volume(&opts->volumes[i], specs[i], sizeof specs[i]);
		volumes[i] = specs[i];
	}
	config.volumes = volumes;
	if (net->linked) {
		network_init_keys(net, address, sizeof address, gateway, sizeof gateway);
		config.link = "eth0";
		config.address = address;
		config.gateway = gateway;
	}
	if (send_init_config(pipe_fd, &config) < 0) {
		error_errno("send the command to the container");
		return -1;
	}
	debug("sent the command to init over the pipe");
	return 0;
}

/* Exit status as a shell reports it: the code, or 128+N for signal N. */
static int exit_code_of(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_MYDOCKER;
}

int wait_for_exit(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			error_errno("waitpid %d", pid);
			return EXIT_MYDOCKER;
		}
	}
	debug("container exited: status 0x%x", status);
	return exit_code_of(status);
}

/* The book's NewCgroupManager, Set: the cgroup exists, with its limits,
 * before the container does. Without limits there is no cgroup. */
static int setup_cgroup(struct cgroup *cg, const struct resources *resources, const char *id)
{
	char name[64];

	snprintf(name, sizeof name, "mydocker-%s", id);
	if (cgroup_find(cg, &real_cgroup_host, name, resources) < 0 ||
	    cgroup_create(cg) < 0 || cgroup_set(cg) < 0)
		return -1;
	return 0;
}

/* The OOM killer killed a process of the container: say so, and exit 137
 * as if the container had been killed, whichever process it chose. */
static int check_oom(const struct cgroup *cg, int code)
{
	uint64_t kills = cgroup_oom_kills(cg);
	char limit[32];

	if (kills == 0)
		return code;
	format_size(cg->resources->memory, limit, sizeof limit);
	error_msg("the container ran out of memory: the OOM killer killed %llu of its processes "
		  "(memory limit -m %s)", (unsigned long long)kills, limit);
	return 128 + SIGKILL;
}

/* -p: the container's ports, mapped to its address. */
static int publish_ports(const struct connection *net, const struct run_options *opts)
{
	char address[32];

	address_format(net->address, address, sizeof address);
	return nat_add_ports(net->id, address, opts->ports, opts->n_ports);
}

/* The book's Run. */
int run_container(const struct run_options *opts, int ready_fd)
{
	struct container_log log = { .file = -1, .master = -1, .slave = -1 };
	struct workspace ws = { 0 };
	struct record rec = { 0 };
	struct cgroup cg = { 0 };
	struct connection net = { 0 };
	int pipe_fd, code = EXIT_MYDOCKER;
	char image_dir[PATH_MAX];
	bool started = false;
	pid_t pid;

	handle_signals();
	if (opts->name && record_name_taken(opts->name)) {
		error_msg("the name %s is taken by another container (mydocker rm %s frees it)",
			  opts->name, opts->name);
		return EXIT_MYDOCKER;
	}
	if (image_unpack(opts->image, image_dir, sizeof image_dir) < 0 ||
	    check_volumes(opts->volumes, opts->n_volumes, image_dir) < 0 ||
	    create_volume_dirs(opts->volumes, opts->n_volumes) < 0 ||
	    workspace_create(&ws, image_dir) < 0 ||
	    record_create_for_run(&rec, opts, ws.id) < 0 ||
	    (opts->network && network_connect(&net, opts->network, opts->ip, ws.id) < 0) ||
	    (opts->detach && log_open(&log, ws.id) < 0) ||
	    setup_cgroup(&cg, &opts->resources, ws.id) < 0)
		goto out;
	pid = start_child(opts, &pipe_fd, log.slave);
	if (log.slave >= 0) { /* the container has its copy */
		close(log.slave);
		log.slave = -1;
	}
	if (pid < 0)
		goto out;
	container_pid = pid;
	/* The book's Apply: init waits for its command, so it is in the cgroup
	 * before the command runs. */
	if (cgroup_apply(&cg, pid) < 0 || (net.allocated && network_plug(&net, pid) < 0) ||
	    (net.allocated && publish_ports(&net, opts) < 0) || stop_signal) {
		/* Without a command init reads EOF and exits before it runs anything. */
		close(pipe_fd);
		wait_for_exit(pid);
		code = stop_signal ? 128 + stop_signal : EXIT_MYDOCKER;
		goto out;
	}
	if (send_command(pipe_fd, opts, &ws, rec.env, &net) < 0) {
		wait_for_exit(pid); /* init got end-of-file or died: it runs nothing */
		goto out;
	}
	if (net.allocated) {
		snprintf(rec.network, sizeof rec.network, "%s", net.network.name);
		address_format(net.address, rec.ip, sizeof rec.ip);
	}
	record_started(&rec, pid);
	started = true;
	if (ready_fd >= 0) {
		monitor_ready(ready_fd, ws.id, log.file);
		relay_output(&log);
	}
	code = check_oom(&cg, wait_for_exit(pid));
out:
	cgroup_destroy(&cg);
	if (opts->n_ports > 0 && net.allocated)
		nat_remove_ports(ws.id);
	network_disconnect(&net);
	workspace_delete(&ws);
	record_finished(&rec, started, opts->remove, code);
	log_close(&log);
	return code;
}
