/* runtime_create.c: a container made in two steps, as the runtime spec's
 * lifecycle has it (runtime.md). `create` makes everything (namespaces,
 * mounts, the root, the user) and leaves the container's first process
 * waiting; `start` lets it run its command. Between the two, a caller
 * such as containerd or podman puts the container on its network, or
 * runs its hooks, while the command has not begun. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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
	int exe, config, sync, fifo, console; /* console: -1 without a terminal */
	int preserved;         /* --preserve-fds N */
};

/* An fd above those init finds its own and the preserved ones on, so that
 * moving one onto 3, 4, 5 or 6 cannot close another. */
static int above_init_fds(int fd, int preserved)
{
	int high = fcntl(fd, F_DUPFD_CLOEXEC, BUNDLE_PRESERVED_FD + preserved);

	if (high < 0)
		die_errno(EXIT_MYDOCKER, "move fd %d", fd);
	return high;
}

/* --preserve-fds N: the caller's fds 3.. move to 7.., out of the way of
 * init's own, until its command's exec (bundle_init.c). From the last, so
 * that no copy lands on one not yet moved. dup2(2)'s copy stays open
 * across execve(2). */
static void move_preserved_fds(int n)
{
	for (int i = n - 1; i >= 0; i--) {
		if (dup2(3 + i, BUNDLE_PRESERVED_FD + i) < 0)
			die_errno(EXIT_MYDOCKER, "move the preserved fd %d", 3 + i);
	}
}

static int bundle_child_main(void *arg)
{
	struct bundle_child *c = arg;
	int exe = above_init_fds(c->exe, c->preserved), config = above_init_fds(c->config, c->preserved);
	int sync = above_init_fds(c->sync, c->preserved), fifo = above_init_fds(c->fifo, c->preserved);
	int console = c->console >= 0 ? above_init_fds(c->console, c->preserved) : -1;

	move_preserved_fds(c->preserved);
	pass_fd_as(config, INIT_PIPE_FD);
	pass_fd_as(sync, INIT_EXEC_FD);
	pass_fd_as(fifo, BUNDLE_FIFO_FD);
	if (console >= 0)
		pass_fd_as(console, BUNDLE_CONSOLE_FD);
	fexecve(exe, c->argv, (char *[]){ NULL });
	die_errno(EXIT_MYDOCKER, "exec mydocker bundle-init from its read-only view");
}

/* setns(2) into a pid namespace moves only the processes we make next:
 * the container's first process is born in it. */
static int join_pid_namespace(const struct bundle *b)
{
	for (int i = 0; i < b->n_joined; i++) {
		int fd;
		if (b->joined[i].flag != CLONE_NEWPID)
			continue;
		fd = open(b->joined[i].path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWPID) < 0) {
			error_errno("join the pid namespace %s", b->joined[i].path);
			return -1;
		}
		close(fd);
	}
	return 0;
}

/* Clones the first process into the config's namespaces; it runs
 * `mydocker bundle-init` from a read-only view, as run's init does. */
static pid_t clone_bundle_init(const struct bundle *b, const struct create_options *o, int fifo, int console,
			       int *config_fd, int *sync_fd)
{
	struct bundle_child c = { .fifo = fifo, .console = console, .preserved = o->preserve_fds };
	int config[2] = { -1, -1 }, sync[2] = { -1, -1 };
	pid_t pid = -1;

	c.exe = open_sealed_exe();
	c.argv = build_init_argv("bundle-init");
	/* sync: a socket both ways (unix(7)): init's "h" and "r", our "c" */
	if (c.exe < 0 || !c.argv || pipe2(config, O_CLOEXEC) < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sync) < 0)
		error_errno("prepare the container's first process");
	else if (join_pid_namespace(b) == 0) {
		static char stack[64 * 1024] __attribute__((aligned(16)));

		c.config = config[0];
		c.sync = sync[1];
		/* create's flags that init acts on, before config.json */
		dprintf(config[1], "%d %d\n", o->no_pivot, o->preserve_fds);
		pid = clone(bundle_child_main, stack + sizeof stack, b->namespaces | SIGCHLD, &c);
		if (pid < 0)
			error_errno("clone into the config's namespaces");
		else
			debug("cloned pid %d into the config's namespaces; it runs bundle-init", pid);
	}
	close_fd(&c.exe);
	free(c.argv);
	close_fd(&config[0]);
	close_fd(&sync[1]);
	*config_fd = config[1];
	*sync_fd = sync[0];
	return pid;
}

/* prestart and createRuntime hooks, when init stops before pivot_root
 * and says "h": the container's namespaces exist, its command does not
 * run; init goes on once it reads "c". */
static int run_create_hooks(const struct bundle *b, pid_t pid, int sync_fd, const char *id,
			    const char *bundle_dir)
{
	cJSON *state = state_object(id, bundle_dir, pid, b);
	char *text = state ? hook_state(state, "creating") : NULL;
	int ret = text && run_hooks(b->hooks, "prestart", text) == 0 &&
			  run_hooks(b->hooks, "createRuntime", text) == 0 && write(sync_fd, "c", 1) == 1 ? 0 : -1;

	free(text);
	cJSON_Delete(state);
	return ret;
}

/* Sends config.json to init and waits for its "r": the container is made.
 * Without it, init has died, and said why on stderr. */
static int wait_until_made(const struct bundle *b, pid_t pid, int config_fd, int sync_fd, const char *id,
			   const char *bundle_dir)
{
	char *text = cJSON_PrintUnformatted(b->json), byte = 0;
	int ret = text && write_all(config_fd, text, strlen(text)) == 0 ? 0 : -1;

	free(text);
	close(config_fd);
	while (ret == 0 && read(sync_fd, &byte, 1) == 1 && byte == 'h')
		ret = run_create_hooks(b, pid, sync_fd, id, bundle_dir);
	close(sync_fd);
	if (ret == 0 && byte == 'r') {
		debug("init says the container is made");
		return 0;
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	error_msg("create: the container's first process failed (its message is above)");
	return -1;
}

/* ROOT/ID, with exec.fifo in it: the container's state, made first, so
 * that a second create of the same id fails before anything else. The
 * fifo belongs to the container's user, who opens it last (runc's too);
 * the directory stays root's alone. Returns the fifo as an O_PATH fd,
 * which init reopens through /proc/self/fd (open(2), O_PATH). */
static int make_state_dir(const struct runtime *rt, const char *id, const struct bundle *b, char *dir,
			  size_t size)
{
	char fifo[PATH_MAX];
	int fd;

	if (mkdir_p(rt->root, 0700) < 0 || path_printf(dir, size, "%s/%s", rt->root, id) < 0) {
		error_errno("state directory %s", rt->root);
		return -1;
	}
	if (mkdir(dir, 0700) < 0) {
		if (errno == EEXIST)
			error_msg("container %s already exists", id);
		else
			error_errno("mkdir %s", dir);
		return -1;
	}
	if (path_printf(fifo, sizeof fifo, "%s/exec.fifo", dir) < 0 || mkfifo(fifo, 0600) < 0 ||
	    chown(fifo, b->uid, b->gid) < 0 || (fd = open(fifo, O_PATH | O_CLOEXEC)) < 0) {
		error_errno("mkfifo %s", fifo);
		remove_tree(dir);
		return -1;
	}
	return fd;
}

/* The container is made: its state.json, with the cgroups delete
 * removes, and --pid-file's file. */
static int record_created(const char *dir, const char *id, const char *bundle_dir, pid_t pid,
			  const struct bundle *b, const struct cgroup *cg, const char *pid_file)
{
	cJSON *state = state_object(id, bundle_dir, pid, b);
	char pid_text[32];
	int ret;

	snprintf(pid_text, sizeof pid_text, "%d", pid);
	debug("state.json of %s, pid %d", id, pid);
	ret = state && cJSON_AddItemToObject(state, "cgroups", bundle_cgroup_list(cg)) &&
	      state_write(dir, state) == 0 &&
	      (!pid_file || write_file_replace(pid_file, pid_text) == 0) ? 0 : -1;
	if (ret < 0)
		error_errno("write the state of container %s", id);
	cJSON_Delete(state);
	return ret;
}

/* Kills the first process, which waits for us, and reaps it. */
static void stop_init(pid_t *pid)
{
	kill(*pid, SIGKILL);
	waitpid(*pid, NULL, 0);
	*pid = -1;
}

/* process.terminal and --console-socket go together (runc's rule): a
 * terminal needs a caller to hand the master to, and a socket is for a
 * terminal. Returns the connection, -1 for none, or -2. */
static int console_for(const struct bundle *b, const char *console)
{
	int fd;

	if (b->terminal != (console != NULL)) {
		error_msg(b->terminal ? "process.terminal: a terminal needs --console-socket, to send its master to"
				      : "--console-socket: config.json asks for no terminal (process.terminal)");
		return -2;
	}
	if (!console)
		return -1;
	fd = connect_console_socket(console);
	return fd < 0 ? -2 : fd;
}

/* create [--bundle DIR] [--pid-file FILE] [--console-socket PATH]
 * [--no-pivot] [--preserve-fds N] ID: returns the first process's pid, our
 * child (run waits for it), or -1 with nothing left behind. */
pid_t runtime_create(const struct runtime *rt, const char *id, const struct create_options *o)
{
	char dir[PATH_MAX], error[512];
	static struct cgroup cg; /* large: PATH_MAX per subsystem */
	struct bundle b;
	int fifo, config_fd = -1, sync_fd = -1, console_fd;
	pid_t pid = -1;

	if (bundle_read(o->bundle, &b, error, sizeof error) < 0) {
		error_msg("%s", error);
		bundle_free(&b);
		return -1;
	}
	debug("read %s/config.json", o->bundle);
	if ((console_fd = console_for(&b, o->console)) == -2) {
		bundle_free(&b);
		return -1;
	}
	if ((fifo = make_state_dir(rt, id, &b, dir, sizeof dir)) >= 0) {
		pid = clone_bundle_init(&b, o, fifo, console_fd, &config_fd, &sync_fd);
		if (pid >= 0 && bundle_cgroup_enter(&b, id, pid, &cg) < 0)
			stop_init(&pid);
		if (pid < 0) {
			close_fd(&config_fd);
			close_fd(&sync_fd);
		} else if (wait_until_made(&b, pid, config_fd, sync_fd, id, o->bundle) < 0) {
			pid = -1;
		} else if (record_created(dir, id, o->bundle, pid, &b, &cg, o->pid_file) < 0) {
			stop_init(&pid);
		}
		if (pid < 0) {
			cgroup_destroy(&cg);
			remove_tree(dir);
		}
		close(fifo);
	}
	close_fd(&console_fd);
	bundle_free(&b);
	return pid;
}

/* The hooks of kind in state.json, the state with status on their stdin. */
void run_state_hooks(const struct container_state *s, const char *kind, const char *status)
{
	char *text = hook_state(s->json, status);

	if (text)
		run_hooks(cJSON_GetObjectItemCaseSensitive(s->json, "hooks"), kind, text);
	free(text);
}

/* start ID: opens exec.fifo for reading, which lets init's open for
 * writing return; init writes one byte and runs the command. The fifo is
 * opened without blocking and polled with the init's pidfd, so a
 * container that died while created is an error, not a hang. */
int runtime_start(const struct runtime *rt, const char *id)
{
	char fifo[PATH_MAX], byte;
	struct container_state s;
	struct pollfd fds[2] = { { .fd = -1, .events = POLLIN }, { .fd = -1, .events = POLLIN } };
	int ret = -1;

	if (state_read(rt, id, &s) < 0)
		return -1;
	if (strcmp(s.status, "created") != 0) {
		error_msg("container %s is %s: only a created container can start", id, s.status);
		cJSON_Delete(s.json);
		return -1;
	}
	path_printf(fifo, sizeof fifo, "%s/exec.fifo", s.dir);
	fds[0].fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	fds[1].fd = (int)syscall(SYS_pidfd_open, s.pid, 0);
	while (fds[0].fd >= 0 && fds[1].fd >= 0 && poll(fds, 2, -1) < 0 && errno == EINTR)
		;
	if (fds[0].fd >= 0 && (fds[0].revents & POLLIN) && read(fds[0].fd, &byte, 1) == 1) {
		unlink(fifo);
		debug("start: init opened exec.fifo; its command runs");
		ret = 0;
	} else {
		error_msg("container %s: its first process exited before it could start", id);
	}
	close_fd(&fds[0].fd);
	close_fd(&fds[1].fd);
	if (ret == 0)
		run_state_hooks(&s, "poststart", "running");
	cJSON_Delete(s.json);
	return ret;
}
