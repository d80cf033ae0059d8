/* bundle_init.c: the first process of a container made from a bundle. It
 * gets config.json on fd 3, does what it says in the order bundle_init()
 * lists, and becomes the container's command. */
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
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

/* The new root: / made private first (as run's init does), then
 * pivot_root(2), and read-only if root.readonly says so. */
static void enter_root(const struct bundle *b)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die_errno(EXIT_MYDOCKER, "init: make / private");
	pivot_into(b->root);
	if (b->read_only && mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NODEV, NULL) < 0)
		die_errno(EXIT_MYDOCKER, "init: make the root read-only");
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

int bundle_init(void)
{
	struct bundle b;
	char *text = read_fd_all(INIT_PIPE_FD), error[512];

	if (!text || bundle_parse(text, NULL, &b, error, sizeof error) < 0)
		die_msg(EXIT_MYDOCKER, "init: config.json on fd %d: %s", INIT_PIPE_FD, text ? error : "unreadable");
	free(text);
	close(INIT_PIPE_FD);
	debug("init: read config.json from fd %d", INIT_PIPE_FD);
	close_fds_from(INIT_PIPE_FD + 1);
	if (b.hostname && sethostname(b.hostname, strlen(b.hostname)) < 0)
		die_errno(EXIT_MYDOCKER, "init: sethostname %s", b.hostname);
	enter_root(&b);
	drop_bounding_set(b.caps[CAP_SET_BOUNDING]);
	become_bundle_user(&b);
	set_default_home(&b.env, b.uid);
	reset_signals();
	replace_init(b.args, b.env, -1);
	return EXIT_MYDOCKER; /* not reached */
}
