/* container.c: the parent's side of `mydocker run` (the book's Run and
 * NewParentProcess). run_container() lists the steps in order: what the
 * container needs is made first; then a child is cloned into new
 * namespaces, where it runs mydocker again as `init`; mydocker passes
 * signals on, waits for it, removes what it made, and exits with the
 * container's status. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

#define NAMESPACES (CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC)

/* What the cloned child needs; it gets its own copy of our memory. */
struct child_args {
	char **init_argv; /* mydocker [--debug] init */
	int pipe_fd;      /* read end of the pipe the command comes on */
	int log_fd;       /* -d: the log's pty, for stdout and stderr; else -1 */
	int exe_fd;       /* the read-only view of mydocker that init runs from */
	const struct stdio *io; /* its fds 0-2 (stdio.c) */
	int exec_fd;      /* write end of the exec pipe: init's fd 4 */
	int parent;       /* a pidfd of mydocker, or -1 */
};

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
	 * death from now on, and mydocker may have died since clone(), after
	 * it let us go: a pidfd of it is readable once it has exited (poll(2),
	 * pidfd_open(2)). */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die_errno(EXIT_MYDOCKER, "prctl PR_SET_PDEATHSIG");
	if (poll(&(struct pollfd){ .fd = child->parent, .events = POLLIN }, 1, 0) > 0)
		_exit(EXIT_MYDOCKER);
	stdio_attach(child->io); /* first: its pipes' fds may be 3 */
	pass_fd_as(child->pipe_fd, INIT_PIPE_FD);
	leave_our_process_group();
	if (child->log_fd >= 0)
		output_to_log(child->log_fd);
	pass_fd_as(child->exec_fd, INIT_EXEC_FD);
	/* init needs no environment, and ours is not the container's */
	fexecve(child->exe_fd, child->init_argv, (char *[]){ NULL });
	die_errno(EXIT_MYDOCKER, "exec mydocker init from its read-only view");
}

/* clone(2) with new UTS, PID, mount, network and IPC namespaces. The child
 * is PID 1 in its PID namespace; we see it under its host pid. */
static pid_t clone_child(struct child_args *child)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));

	return clone(child_main, stack + sizeof stack, NAMESPACES | SIGCHLD, child);
}

/* The pipe the command goes to init on, and the exec pipe (below). */
static int make_pipes(int pipe_fds[2], int exec_fds[2])
{
	if (pipe2(pipe_fds, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(exec_fds, O_CLOEXEC) < 0) {
		close(pipe_fds[0]);
		close(pipe_fds[1]);
		return -1;
	}
	return 0;
}

/* The book's NewParentProcess + Start: returns the child's pid and the
 * pipe to send the command on, or -1. */
static pid_t start_child(int *pipe_fd, int log_fd, const struct stdio *io,
			 int *exec_fd)
{
	struct child_args child = { .io = io, .log_fd = log_fd };
	int pipe_fds[2], exec_fds[2];
	pid_t pid = -1;

	child.exe_fd = open_sealed_exe();
	if (child.exe_fd < 0) {
		error_msg("make a read-only view of mydocker for init: %s" CHECK_HINT, strerror(errno));
		return -1;
	}
	child.init_argv = build_init_argv("init");
	if (!child.init_argv || make_pipes(pipe_fds, exec_fds) < 0) {
		error_errno("prepare the container's first process");
		free(child.init_argv);
		close(child.exe_fd);
		return -1;
	}
	child.pipe_fd = pipe_fds[0];
	child.exec_fd = exec_fds[1];
	child.parent = (int)syscall(SYS_pidfd_open, getpid(), 0);
	pid = clone_child(&child);
	if (child.parent >= 0)
		close(child.parent);
	if (pid < 0)
		error_msg("clone into new namespaces: %s" CHECK_HINT, strerror(errno));
	else
		debug("cloned pid %d into new uts, pid, mount, network and ipc namespaces; "
		      "it runs init from a read-only view of mydocker", pid);
	close(pipe_fds[0]);
	close(exec_fds[1]);
	close(child.exe_fd);
	free(child.init_argv);
	if (pid < 0) {
		close(pipe_fds[1]);
		close(exec_fds[0]);
	}
	*pipe_fd = pipe_fds[1];
	*exec_fd = exec_fds[0];
	return pid;
}

/* The exec pipe: init's fd 4 is close-on-exec, so it closes without a
 * byte when the command's execve(2) succeeds; init writes a byte before it
 * dies when it fails (runc's "exec fifo"). Did the command start? */
static bool command_started(int exec_fd)
{
	char byte;
	ssize_t n;

	while ((n = read(exec_fd, &byte, 1)) < 0 && errno == EINTR)
		;
	close(exec_fd);
	return n == 0;
}

/* run -d of a command that did not start: what init said is in the log's
 * pty, and the user's terminal is still our stderr: copy it there. */
static void show_output(struct container_log *log)
{
	if (dup2(STDERR_FILENO, log->file) >= 0)
		relay_output(log);
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

/* What one run makes, for tear_down() to undo whatever of it exists, and
 * the container's first process, the pipe to it and its exit status. */
struct container {
	const struct run_options *opts;
	char image_dir[PATH_MAX]; /* the image, unpacked */
	char **volumes;       /* HOST:CONTAINER:ro|rw */
	struct workspace ws;  /* its id, and its root: an overlay on the image */
	char **env;           /* the command's */
	struct record rec;    /* what ps shows, and its name */
	struct connection net; /* --net: its address, its veth */
	struct container_log log; /* -d: its output */
	struct cgroup cg;
	struct stdio io;      /* its fds 0-2 (stdio.c) */
	pid_t pid;
	int pipe_fd;
	int exec_fd;          /* the exec pipe's read end */
	bool started;         /* its command ran */
	int code;
};

/* The book's sendInitCommand. */
static int send_command(struct container *c)
{
	struct init_config config = { .argv = c->opts->command, .root = (char *)c->ws.merged,
				      .hostname = (char *)c->ws.id, .env = c->env, .volumes = c->volumes,
				      .tty = c->opts->tty ? "1" : NULL, .dir = (char *)c->opts->workdir,
				      .user = (char *)c->opts->user };

	network_init_keys(&c->net, &config);
	if (send_init_config(c->pipe_fd, &config) < 0) {
		error_errno("send the command to the container");
		return -1;
	}
	debug("sent the command to init over the pipe");
	return 0;
}

/* The environment the command starts with: docker's defaults, its
 * hostname the id, and -e on top. */
static int make_environment(struct container *c)
{
	c->env = container_environment(c->ws.id, c->opts->tty, c->opts->env);
	if (!c->env)
		error_errno("the container's environment");
	return c->env ? 0 : -1;
}

/* -t: a pty of the container's own; else pipes in place of our terminal. */
static int open_stdio(struct container *c)
{
	if (!c->opts->detach && stdio_open(&c->io, c->opts->tty, c->opts->interactive) < 0) {
		error_errno("open the container's %s", c->opts->tty ? "socket for its pty" : "pipes");
		return -1;
	}
	return 0;
}

/* Before the container exists: what it needs, in order. */
static int prepare(struct container *c)
{
	const struct run_options *opts = c->opts;

	if (check_name_is_free(opts->name) < 0 ||
	    image_unpack(opts->image, c->image_dir, sizeof c->image_dir) < 0 ||
	    prepare_volumes(opts->volumes, opts->n_volumes, c->image_dir, &c->volumes) < 0 ||
	    workspace_create(&c->ws, c->image_dir) < 0 ||
	    make_environment(c) < 0 || open_stdio(c) < 0 ||
	    record_create_for_run(&c->rec, opts, c->ws.id, c->volumes, c->env) < 0 ||
	    network_connect(&c->net, opts, c->ws.id) < 0 ||
	    log_open(&c->log, opts->detach, c->ws.id) < 0 ||
	    setup_cgroup(&c->cg, &opts->resources, c->ws.id) < 0)
		return -1;
	return 0;
}

/* Once its first process exists, before it runs anything: what surrounds
 * it. (The book's Apply: init waits for its command, so it is in the
 * cgroup before the command runs.) */
static int surround(struct container *c)
{
	if (cgroup_apply(&c->cg, c->pid) < 0 || network_plug(&c->net, c->pid) < 0)
		return -1;
	return 0;
}

/* Undoes prepare() and surround(), in reverse, whatever of them was done;
 * but the record goes last: once it says the container has exited, nothing
 * of the container is left. */
static void tear_down(struct container *c)
{
	cgroup_destroy(&c->cg);
	stdio_close(&c->io);
	network_disconnect(&c->net);
	strings_free(c->env);
	workspace_delete(&c->ws);
	strings_free(c->volumes);
	record_finished(&c->rec, c->started, c->opts->remove, c->code);
	log_close(&c->log);
}

/* The container's first process, surrounded, sent its command: 0, or -1
 * if it never ran (its exit status in c->code). */
static int start(struct container *c)
{
	c->pid = start_child(&c->pipe_fd, c->log.slave, &c->io, &c->exec_fd);
	log_handed_over(&c->log);
	if (c->pid < 0)
		return -1;
	forward_signals_to(c->pid);
	if (surround(c) < 0 || signal_before_start()) {
		/* Without a command init reads EOF and exits before it runs anything. */
		close(c->pipe_fd);
		close(c->exec_fd);
		wait_for_exit(c->pid);
		if (signal_before_start())
			c->code = 128 + signal_before_start();
		return -1;
	}
	if (send_command(c) < 0 || stdio_connect(&c->io) < 0) {
		close(c->exec_fd);
		wait_for_exit(c->pid); /* init got end-of-file or died: it runs nothing */
		return -1;
	}
	return 0;
}

/* Once its command has replaced init (the exec pipe), the container runs:
 * its record says so, so exec joins a container that is whole; a detached
 * one's monitor tells mydocker and copies its output into its log, its fds
 * 0-2 are relayed; then how it ended. */
static int run_until_exit(struct container *c, int ready_fd)
{
	bool command_ran = command_started(c->exec_fd);

	if (!command_ran && ready_fd >= 0) {
		int code = wait_for_exit(c->pid); /* 126, 127: as docker run -d says at once */

		show_output(&c->log);
		return code;
	}
	network_record(&c->net, &c->rec);
	record_started(&c->rec, c->pid);
	c->started = true;
	if (ready_fd >= 0) {
		monitor_ready(ready_fd, c->ws.id, c->log.file);
		relay_output(&c->log);
	}
	stdio_relay(&c->io, c->pid);
	return check_oom(&c->cg, wait_for_exit(c->pid));
}

/* The book's Run. */
int run_container(const struct run_options *opts, int ready_fd)
{
	struct container c = { .opts = opts, .code = EXIT_MYDOCKER,
			       .log = { .file = -1, .master = -1, .slave = -1 },
			       .io = STDIO_NONE };

	handle_signals();
	if (prepare(&c) == 0 && start(&c) == 0)
		c.code = run_until_exit(&c, ready_fd);
	tear_down(&c);
	return c.code;
}
