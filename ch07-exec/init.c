/* init.c: the child's side (the book's RunContainerInitProcess). It runs as
 * PID 1 of the new PID namespace, sets up what the container's command
 * will see, in the order init_container() lists, and replaces itself with
 * that command. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

/* The book's readUserCommand: blocks until the parent has sent it all. */
static char *read_command(struct init_config *config)
{
	char *message = read_init_config(INIT_PIPE_FD, config);
	size_t n = 0;

	if (!message && errno == ENODATA)
		_exit(EXIT_MYDOCKER); /* mydocker gave the start up, and says why */
	if (!message)
		die_errno(EXIT_MYDOCKER, "init: read the command from fd %d", INIT_PIPE_FD);
	close(INIT_PIPE_FD);
	while (config->argv[n])
		n++;
	debug("init: read a command of %zu arguments from fd %d", n, INIT_PIPE_FD);
	return message;
}

/* Only stdin, stdout and stderr go on to the command: any other fd that
 * mydocker was started with (`exec 7</etc` in the shell) would leak into
 * the container. close_range(2) is Linux 5.9; before that, one by one. */
void close_fds_from(int first)
{
	if (close_range((unsigned int)first, ~0U, 0) == 0)
		return;
	for (long fd = first; fd < sysconf(_SC_OPEN_MAX); fd++)
		close((int)fd);
}

/* The exec pipe (fd 4) stays open until the command's execve(2) closes it:
 * that end-of-file tells mydocker the command runs, in a container that is
 * whole. Without a byte before it, that is; see exec_failed(). */
static void keep_exec_pipe_until_exec(void)
{
	if (fcntl(INIT_EXEC_FD, F_SETFD, FD_CLOEXEC) < 0)
		die_errno(EXIT_MYDOCKER, "init: the exec pipe on fd %d", INIT_EXEC_FD);
}

/* The command cannot start: say so on the exec pipe with a byte, before
 * init dies with 126 or 127. errno is kept for the message that follows. */
static void exec_failed(int exec_fd)
{
	int saved_errno = errno;

	if (exec_fd >= 0 && write(exec_fd, "x", 1) < 0)
		debug("init: write to the exec pipe: %s", strerror(errno));
	errno = saved_errno;
}

/* The container's id is its hostname, as in docker (in its own UTS
 * namespace, so the host's is untouched). */
static void set_hostname(const char *name)
{
	if (sethostname(name, strlen(name)) < 0)
		die_errno(EXIT_MYDOCKER, "sethostname %s", name);
	debug("init: hostname %s", name);
}

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
void reset_signals(void)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* The value of the variable name in env ("NAME=value"), or NULL. */
static const char *env_value(char **env, const char *name)
{
	size_t len = strlen(name);

	for (; env && *env; env++)
		if (strncmp(*env, name, len) == 0 && (*env)[len] == '=')
			return *env + len + 1;
	return NULL;
}

/* The book's exec.LookPath: a name without a '/' is looked for in each
 * directory of dirs, the container's $PATH, as a shell does. 0 when found;
 * -1 with ENOENT when nowhere, EACCES when only a file that cannot be
 * executed was found. */
static int look_path(const char *name, const char *dirs, char *path, size_t size)
{
	char copy[4096], *save = NULL;
	int error = ENOENT;

	if (strchr(name, '/')) {
		snprintf(path, size, "%s", name);
		return 0;
	}
	if (!dirs || !*dirs)
		dirs = DEFAULT_PATH;
	snprintf(copy, sizeof copy, "%s", dirs);
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		struct stat st;
		if (snprintf(path, size, "%s/%s", dir, name) >= (int)size ||
		    stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (access(path, X_OK) == 0)
			return 0;
		error = EACCES;
	}
	errno = error;
	return -1;
}

/* The book's syscall.Exec: the command replaces init and keeps PID 1, and
 * starts with the container's environment, not init's. exec_fd: the exec
 * pipe, or -1 (mydocker exec waits for its command anyway). */
void replace_init(char **command, char **env, int exec_fd)
{
	char *no_env[] = { NULL }, path[PATH_MAX];

	if (look_path(command[0], env_value(env, "PATH"), path, sizeof path) < 0) {
		exec_failed(exec_fd);
		if (errno == ENOENT)
			die_msg(EXIT_NOT_FOUND, "exec %s: executable file not found in $PATH", command[0]);
		die_errno(EXIT_CANNOT_INVOKE, "exec %s", command[0]);
	}
	debug("init: exec %s", path);
	execve(path, command, env ? env : no_env);
	exec_failed(exec_fd);
	if (errno == ENOENT)
		die_errno(EXIT_NOT_FOUND, "exec %s", path);
	die_errno(EXIT_CANNOT_INVOKE, "exec %s", path);
}

/* -w or the image's WorkingDir: made if the image lacks it, as docker
 * makes it, then the command's current directory. */
static void enter_workdir(const char *dir)
{
	if (!dir)
		return;
	if (mkdir_p(dir, 0755) < 0 || chdir(dir) < 0)
		die_errno(EXIT_MYDOCKER, "init: working directory %s", dir);
	debug("init: working directory %s", dir);
}

/* The command of `mydocker exec`, in the container's namespaces and
 * cgroups already (exec.c): what init does last, and no more, since the
 * container has its mounts. */
void become_command(const struct init_config *config)
{
	close_fds_from(3);
	if (chdir(config->dir ? config->dir : "/") < 0)
		die_errno(EXIT_MYDOCKER, "exec: chdir %s in the container", config->dir ? config->dir : "/");
	drop_capabilities();
	become_user(config->user, config->env);
	reset_signals();
	replace_init(config->argv, config->env, -1);
}

int init_container(void)
{
	struct init_config config;

	read_command(&config);
	if (!config.root || !config.hostname)
		die_msg(EXIT_MYDOCKER, "init: no root or hostname came on fd %d", INIT_PIPE_FD);
	keep_exec_pipe_until_exec();
	close_fds_from(INIT_EXEC_FD + 1);
	set_hostname(config.hostname);
	configure_network(&config);
	make_mounts_private();
	mount_volumes(config.root, config.volumes);
	pivot_into(config.root);
	make_mount_points();
	mount_proc();
	mount_dev();
	if (config.tty) {
		console_make();
		console_take();
	}
	mount_sys();
	mask_kernel_files();
	drop_capabilities();
	enter_workdir(config.dir);
	become_user(config.user, config.env);
	reset_signals();
	replace_init(config.argv, config.env, INIT_EXEC_FD);
	return EXIT_MYDOCKER; /* not reached */
}
