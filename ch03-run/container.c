/* container.c: the parent's side of `mydocker run` (the book's Run and
 * NewParentProcess). run_container() lists the steps in order: what the
 * container needs is made first; then a child is cloned into new
 * namespaces, where it runs mydocker again as `init`; mydocker passes
 * signals on, waits for it, removes what it made, and exits with the
 * container's status. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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
	char **init_argv; /* mydocker [--debug] init -- COMMAND [ARG...] */
	bool interactive;
	bool tty;
	int go_fd;        /* read end of the pipe on which we say "go" */
	int our_fd;       /* its write end, ours: the child closes its copy */
	int parent;       /* a pidfd of mydocker, or -1 */
};

/* mydocker [--debug] init -- COMMAND [ARG...] */
static char **build_init_argv(char **command)
{
	size_t n = 0, i = 0;
	char **argv;

	while (command[n])
		n++;
	argv = calloc(n + 5, sizeof *argv);
	if (!argv)
		return NULL;
	argv[i++] = "mydocker";
	if (debug_enabled())
		argv[i++] = (char *)debug_flag(); /* with the start of our timeline */
	argv[i++] = "init";
	argv[i++] = "--";
	memcpy(argv + i, command, n * sizeof *argv);
	return argv;
}

/* Blocks until the parent writes its byte. EOF means the parent is gone. */
static int wait_for_go(int fd)
{
	char go;
	ssize_t n;

	do
		n = read(fd, &go, 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	return n == 1 ? 0 : -1;
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
	/* A pipe reads EOF only once every copy of its write end is closed,
	 * and clone() gave us a copy of mydocker's. */
	close(child->our_fd);
	if (wait_for_go(child->go_fd) < 0)
		_exit(EXIT_MYDOCKER);
	if (!child->interactive)
		stdin_from_dev_null();
	leave_our_process_group(child->tty);
	if (child->tty)
		take_terminal();
	execv("/proc/self/exe", child->init_argv);
	die_errno(EXIT_MYDOCKER, "exec /proc/self/exe init");
}

/* clone(2) with new UTS, PID, mount, network and IPC namespaces. The child
 * is PID 1 in its PID namespace; we see it under its host pid. */
static pid_t clone_child(struct child_args *child)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));

	return clone(child_main, stack + sizeof stack, NAMESPACES | SIGCHLD, child);
}

/* The book's NewParentProcess + Start: returns the child's pid and the
 * pipe to say "go" on, or -1. */
static pid_t start_child(const struct run_options *opts, int *go_fd)
{
	struct child_args child = { .interactive = opts->interactive, .tty = opts->tty };
	int pipe_fds[2];
	pid_t pid = -1;

	child.init_argv = build_init_argv(opts->command);
	if (!child.init_argv || pipe2(pipe_fds, O_CLOEXEC) < 0) {
		error_errno("prepare the container's first process");
		free(child.init_argv);
		return -1;
	}
	child.go_fd = pipe_fds[0];
	child.our_fd = pipe_fds[1];
	child.parent = (int)syscall(SYS_pidfd_open, getpid(), 0);
	pid = clone_child(&child);
	if (child.parent >= 0)
		close(child.parent);
	if (pid < 0)
		error_msg("clone into new namespaces: %s" CHECK_HINT, strerror(errno));
	else
		debug("cloned pid %d into new uts, pid, mount, network and ipc namespaces", pid);
	close(pipe_fds[0]);
	free(child.init_argv);
	if (pid < 0)
		close(pipe_fds[1]);
	*go_fd = pipe_fds[1];
	return pid;
}

static int say_go(int go_fd)
{
	ssize_t n = write(go_fd, "g", 1);

	close(go_fd);
	return n == 1 ? 0 : -1;
}

/* One run: the container's first process, the pipe to it and its exit
 * status. */
struct container {
	const struct run_options *opts;
	pid_t pid;
	int go_fd;
	int code;
};

/* The container's first process, told to go: 0, or -1 if it never ran
 * (its exit status in c->code). */
static int start(struct container *c)
{
	c->pid = start_child(c->opts, &c->go_fd);
	if (c->pid < 0)
		return -1;
	forward_signals_to(c->pid);
	if (signal_before_start()) {
		/* Stopped while starting: without "go" the child reads EOF and
		 * exits before it runs anything. */
		close(c->go_fd);
		wait_for_exit(c->pid);
		c->code = 128 + signal_before_start();
		return -1;
	}
	if (say_go(c->go_fd) < 0)
		error_errno("tell the container to start");
	return 0;
}

/* The book's Run. */
int run_container(const struct run_options *opts)
{
	struct container c = { .opts = opts, .code = EXIT_MYDOCKER };

	handle_signals();
	if (start(&c) == 0)
		c.code = wait_for_exit(c.pid);
	return c.code;
}
