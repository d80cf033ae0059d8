/* runtime_create.c: a container made from a bundle: its first process is
 * cloned into the namespaces config.json asks for, runs mydocker again as
 * `bundle-init`, and gets config.json on a pipe, as run's init gets its
 * command (init.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "json.h"
#include "mydocker.h"

/* What the child of clone(2) needs, each fd moved to where init finds it. */
struct bundle_child {
	char **argv;           /* mydocker [--debug] bundle-init */
	int exe, config;
};

/* An fd above the one init finds its own on, so that moving one onto 3
 * cannot close another. */
static int above_init_fds(int fd)
{
	int high = fcntl(fd, F_DUPFD_CLOEXEC, INIT_PIPE_FD + 1);

	if (high < 0)
		die_errno(EXIT_MYDOCKER, "move fd %d", fd);
	return high;
}

static int bundle_child_main(void *arg)
{
	struct bundle_child *c = arg;
	int exe = above_init_fds(c->exe), config = above_init_fds(c->config);

	pass_fd_as(config, INIT_PIPE_FD);
	fexecve(exe, c->argv, (char *[]){ NULL });
	die_errno(EXIT_MYDOCKER, "exec mydocker bundle-init from its read-only view");
}

/* Clones the first process into the config's namespaces; it runs
 * `mydocker bundle-init` from a read-only view, as run's init does. */
static pid_t clone_bundle_init(const struct bundle *b, int *config_fd)
{
	struct bundle_child c = { 0 };
	int config[2] = { -1, -1 };
	pid_t pid = -1;

	c.exe = open_sealed_exe();
	c.argv = build_init_argv("bundle-init");
	if (c.exe < 0 || !c.argv || pipe2(config, O_CLOEXEC) < 0)
		error_errno("prepare the container's first process");
	else {
		static char stack[64 * 1024] __attribute__((aligned(16)));

		c.config = config[0];
		pid = clone(bundle_child_main, stack + sizeof stack, b->namespaces | SIGCHLD, &c);
		if (pid < 0)
			error_errno("clone into the config's namespaces");
		else
			debug("cloned pid %d into the config's namespaces; it runs bundle-init", pid);
	}
	close_fd(&c.exe);
	free(c.argv);
	close_fd(&config[0]);
	*config_fd = config[1];
	return pid;
}

/* Sends config.json to init, which does what it says, or dies saying why
 * on stderr (its exit status is then ours). */
static void send_config(const struct bundle *b, int config_fd)
{
	char *text = cJSON_PrintUnformatted(b->json);

	if (!text || write_all(config_fd, text, strlen(text)) < 0)
		error_errno("send config.json to the container's first process");
	free(text);
	close(config_fd);
}

/* run --bundle DIR: returns the first process's pid, our child, or -1. */
pid_t bundle_start(const char *bundle_dir)
{
	char error[512];
	struct bundle b;
	int config_fd = -1;
	pid_t pid;

	if (bundle_read(bundle_dir, &b, error, sizeof error) < 0) {
		error_msg("%s", error);
		bundle_free(&b);
		return -1;
	}
	debug("read %s/config.json", bundle_dir);
	pid = clone_bundle_init(&b, &config_fd);
	if (pid > 0)
		send_config(&b, config_fd);
	else
		close_fd(&config_fd);
	bundle_free(&b);
	return pid;
}
