/* init.c: the child's side (the book's RunContainerInitProcess). It runs as
 * PID 1 of the new PID namespace, sets up what the container's command
 * will see, in the order init_container() lists, and replaces itself with
 * that command. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

/* Our mount namespace is a copy of the host's, and on most hosts '/' is a
 * shared mount (mount_namespaces(7)): a mount made here would propagate back
 * to the host, /proc included. Making every mount private first cuts that. */
static void make_mounts_private(void)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die_errno(EXIT_MYDOCKER, "make / private (mount --make-rprivate /)");
	debug("init: made / recursively private");
}

/* A new proc(5) mount shows the PID namespace of whoever mounts it. */
static void mount_proc(void)
{
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL) < 0)
		die_errno(EXIT_MYDOCKER, "mount proc on /proc");
	debug("init: mounted proc on /proc");
}

/* Ignored signals and the signal mask survive execve(2): whatever mydocker
 * inherited, the container starts with default signal handling. */
static void reset_signals(void)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* The book's syscall.Exec: the command replaces init and keeps PID 1. */
static void replace_init(char **command)
{
	debug("init: exec %s", command[0]);
	execv(command[0], command);
	if (errno == ENOENT)
		die_errno(EXIT_NOT_FOUND, "exec %s", command[0]);
	die_errno(EXIT_CANNOT_INVOKE, "exec %s", command[0]);
}

int init_container(char **command)
{
	make_mounts_private();
	mount_proc();
	reset_signals();
	replace_init(command);
	return EXIT_MYDOCKER; /* not reached */
}
