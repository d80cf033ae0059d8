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
	int exe_fd;       /* the read-only view of mydocker that init runs from */
	const struct stdio *io; /* its fds 0-2 (stdio.c) */
	int parent;       /* a pidfd of mydocker, or -1 */
};

/* mydocker [--debug] init: the command comes on the pipe. */
static char **build_init_argv(void)
{
	size_t i = 0;
	char **argv = calloc(4, sizeof *argv);

	if (!argv)
		return NULL;
	argv[i++] = "mydocker";
	if (debug_enabled())
		argv[i++] = (char *)debug_flag(); /* with the start of our timeline */
	argv[i++] = "init";
	return argv;
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
	pass_pipe_as_fd_3(child->pipe_fd);
	leave_our_process_group();
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

/* The book's NewParentProcess + Start: returns the child's pid and the
 * pipe to send the command on, or -1. */
static pid_t start_child(int *pipe_fd, const struct stdio *io)
{
	struct child_args child = { .io = io };
	int pipe_fds[2];
	pid_t pid = -1;

	child.exe_fd = open_sealed_exe();
	if (child.exe_fd < 0) {
		error_msg("make a read-only view of mydocker for init: %s" CHECK_HINT, strerror(errno));
		return -1;
	}
	child.init_argv = build_init_argv();
	if (!child.init_argv || pipe2(pipe_fds, O_CLOEXEC) < 0) {
		error_errno("prepare the container's first process");
		free(child.init_argv);
		close(child.exe_fd);
		return -1;
	}
	child.pipe_fd = pipe_fds[0];
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
	close(child.exe_fd);
	free(child.init_argv);
	if (pid < 0)
		close(pipe_fds[1]);
	*pipe_fd = pipe_fds[1];
	return pid;
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
	struct workspace ws;  /* its id, and its root: an overlay on the image */
	char **env;           /* the command's */
	struct cgroup cg;
	struct stdio io;      /* its fds 0-2 (stdio.c) */
	pid_t pid;
	int pipe_fd;
	int code;
};

/* The book's sendInitCommand. */
static int send_command(const struct container *c)
{
	struct init_config config = { .argv = c->opts->command, .root = (char *)c->ws.merged,
				      .hostname = (char *)c->ws.id, .env = c->env,
				      .tty = c->opts->tty ? "1" : NULL };

	if (send_init_config(c->pipe_fd, &config) < 0) {
		error_errno("send the command to the container");
		return -1;
	}
	debug("sent the command to init over the pipe");
	return 0;
}

/* The environment the command starts with; its hostname is the id. */
static int make_environment(struct container *c)
{
	c->env = container_environment(c->ws.id, c->opts->tty);
	if (!c->env)
		error_errno("the container's environment");
	return c->env ? 0 : -1;
}

/* -t: a pty of the container's own; else pipes in place of our terminal. */
static int open_stdio(struct container *c)
{
	if (stdio_open(&c->io, c->opts->tty, c->opts->interactive) < 0) {
		error_errno("open the container's %s", c->opts->tty ? "socket for its pty" : "pipes");
		return -1;
	}
	return 0;
}

/* Before the container exists: what it needs, in order. */
static int prepare(struct container *c)
{
	const struct run_options *opts = c->opts;

	if (image_unpack(opts->image, c->image_dir, sizeof c->image_dir) < 0 ||
	    workspace_create(&c->ws, c->image_dir) < 0 ||
	    make_environment(c) < 0 || open_stdio(c) < 0 ||
	    setup_cgroup(&c->cg, &opts->resources, c->ws.id) < 0)
		return -1;
	return 0;
}

/* Once its first process exists, before it runs anything: what surrounds
 * it. (The book's Apply: init waits for its command, so it is in the
 * cgroup before the command runs.) */
static int surround(struct container *c)
{
	if (cgroup_apply(&c->cg, c->pid) < 0)
		return -1;
	return 0;
}

/* Undoes prepare() and surround(), in reverse, whatever of them was done. */
static void tear_down(struct container *c)
{
	cgroup_destroy(&c->cg);
	stdio_close(&c->io);
	strings_free(c->env);
	workspace_delete(&c->ws);
}

/* The container's first process, surrounded, sent its command: 0, or -1
 * if it never ran (its exit status in c->code). */
static int start(struct container *c)
{
	c->pid = start_child(&c->pipe_fd, &c->io);
	if (c->pid < 0)
		return -1;
	forward_signals_to(c->pid);
	if (surround(c) < 0 || signal_before_start()) {
		/* Without a command init reads EOF and exits before it runs anything. */
		close(c->pipe_fd);
		wait_for_exit(c->pid);
		if (signal_before_start())
			c->code = 128 + signal_before_start();
		return -1;
	}
	if (send_command(c) < 0 || stdio_connect(&c->io) < 0) {
		wait_for_exit(c->pid); /* init got end-of-file or died: it runs nothing */
		return -1;
	}
	return 0;
}

/* The container runs, its fds 0-2 relayed; then how it ended. */
static int run_until_exit(struct container *c)
{
	stdio_relay(&c->io, c->pid);
	return check_oom(&c->cg, wait_for_exit(c->pid));
}

/* The book's Run. */
int run_container(const struct run_options *opts)
{
	struct container c = { .opts = opts, .code = EXIT_MYDOCKER,
			       .io = STDIO_NONE };

	handle_signals();
	if (prepare(&c) == 0 && start(&c) == 0)
		c.code = run_until_exit(&c);
	tear_down(&c);
	return c.code;
}
