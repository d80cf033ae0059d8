/* bundle_init.c: the first process of a container made from a bundle. It
 * gets create's flags and config.json on fd 3, does what it says in the
 * order bundle_init() lists, tells `create` on fd 4 that the container is
 * made, and waits on exec.fifo (fd 5) until `start` opens it: only then
 * does it become the container's command, with the caller's fds that
 * --preserve-fds keeps. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

/* setns(2) into each namespace the config names by path (a pid
 * namespace was joined by create, before the clone: setns into one only
 * moves the children). */
static void join_namespaces(const struct bundle *b)
{
	for (int i = 0; i < b->n_joined; i++) {
		int fd;
		if (b->joined[i].flag == CLONE_NEWPID)
			continue;
		fd = open(b->joined[i].path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, b->joined[i].flag) < 0)
			die_errno(EXIT_MYDOCKER, "init: join the namespace %s", b->joined[i].path);
		close(fd);
	}
}

/* mount(2) of the new root: made private first (as run's init does), and
 * read-only at the end if root.readonly says so. */
static void enter_root(const struct bundle *b, bool no_pivot)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die_errno(EXIT_MYDOCKER, "init: make / private");
	mount_bundle_mounts(b->root, b);
	if (no_pivot)
		move_root_into(b->root);
	else
		pivot_into(b->root);
	make_default_devices(false); /* /dev is not nodev here: no bind needed */
	for (char **p = b->masked; p && *p; p++)
		mask_path(*p);
	for (char **p = b->read_only_paths; p && *p; p++)
		make_read_only(*p);
	if (b->read_only && mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NODEV, NULL) < 0)
		die_errno(EXIT_MYDOCKER, "init: make the root read-only");
}

/* process.oomScoreAdj and process.rlimits (setrlimit(2)). */
static void set_limits(const struct bundle *b)
{
	char score[16];

	snprintf(score, sizeof score, "%d", b->oom_score_adj);
	if (b->has_oom_score && write_file("/proc/self/oom_score_adj", score) < 0)
		die_errno(EXIT_MYDOCKER, "init: oom_score_adj %s", score);
	for (int i = 0; i < b->n_rlimits; i++) {
		struct rlimit r = { b->rlimits[i].soft, b->rlimits[i].hard };
		if (setrlimit(b->rlimits[i].resource, &r) < 0)
			die_errno(EXIT_MYDOCKER, "init: setrlimit %d", b->rlimits[i].resource);
	}
}

/* process.user: the groups first, while we may still change them. The
 * capabilities of process.capabilities are kept across setuid(2) with
 * PR_SET_KEEPCAPS, then set (capabilities.c). */
static void become_bundle_user(const struct bundle *b)
{
	if (prctl(PR_SET_KEEPCAPS, 1) < 0 || setgroups((size_t)b->n_groups, b->groups) < 0 ||
	    setgid(b->gid) < 0 || setuid(b->uid) < 0)
		die_errno(EXIT_MYDOCKER, "init: become uid %u gid %u", b->uid, b->gid);
	set_capabilities(b->caps);
	if (b->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die_errno(EXIT_MYDOCKER, "init: no new privileges");
	if (chdir(b->cwd) < 0)
		die_errno(EXIT_MYDOCKER, "init: cwd %s", b->cwd);
}

/* The container is made: say so on fd 4, then block in open(2) of the
 * fifo for writing until `start` opens it for reading (fifo(7)). fd 5 is
 * the fifo as an O_PATH fd, from outside the container's root: opened
 * again through /proc/self/fd, as the container's user, who owns it. */
static void wait_for_start(void)
{
	char path[32];
	int fifo;

	if (write(INIT_EXEC_FD, "r", 1) != 1)
		die_errno(EXIT_MYDOCKER, "init: tell create the container is made");
	close(INIT_EXEC_FD);
	snprintf(path, sizeof path, "/proc/self/fd/%d", BUNDLE_FIFO_FD);
	fifo = open(path, O_WRONLY | O_CLOEXEC);
	if (fifo < 0 || write(fifo, "0", 1) != 1)
		die_errno(EXIT_MYDOCKER, "init: wait for start on exec.fifo");
	close(fifo);
	close(BUNDLE_FIFO_FD);
	debug("init: started");
}

/* --preserve-fds N: create moved the caller's fds 3.. to 6..; they go
 * back to 3.. for the command, where runc puts them, once init's own are
 * closed. */
static void restore_preserved_fds(int n)
{
	for (int i = 0; i < n; i++) {
		if (dup2(BUNDLE_PRESERVED_FD + i, 3 + i) < 0)
			die_errno(EXIT_MYDOCKER, "init: the preserved fd %d", 3 + i);
		close(BUNDLE_PRESERVED_FD + i);
	}
}

/* fd 3: "NO_PIVOT PRESERVE_FDS\n" (create's flags), then config.json. */
int bundle_init(void)
{
	struct bundle b;
	char *text = read_fd_all(INIT_PIPE_FD), error[512];
	int no_pivot = 0, preserved = 0, offset = 0;

	if (!text || sscanf(text, "%d %d\n%n", &no_pivot, &preserved, &offset) < 2 || offset == 0 ||
	    bundle_parse(text + offset, NULL, &b, error, sizeof error) < 0)
		die_msg(EXIT_MYDOCKER, "init: config.json on fd %d: %s", INIT_PIPE_FD, text && offset ? error : "unreadable");
	free(text);
	close(INIT_PIPE_FD);
	debug("init: read config.json from fd %d", INIT_PIPE_FD);
	close_fds_from(BUNDLE_PRESERVED_FD + preserved);
	join_namespaces(&b);
	if (b.hostname && sethostname(b.hostname, strlen(b.hostname)) < 0)
		die_errno(EXIT_MYDOCKER, "init: sethostname %s", b.hostname);
	enter_root(&b, no_pivot);
	set_limits(&b);
	drop_bounding_set(b.caps[CAP_SET_BOUNDING]);
	become_bundle_user(&b);
	wait_for_start();
	restore_preserved_fds(preserved);
	set_default_home(&b.env, b.uid);
	reset_signals();
	replace_init(b.args, b.env, -1);
	return EXIT_MYDOCKER; /* not reached */
}
