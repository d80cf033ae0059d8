/* rm.c: `mydocker rm [-f] NAME|ID...` (the book's removeContainer):
 * removes an exited container's record and frees its name. A running one
 * is refused, or with -f killed first (through a pidfd, stop.c): its
 * monitor then cleans up as for any exit, and rm waits for the monitor to
 * finish before removing. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

static int kill_and_wait(struct record *r)
{
	int fd = container_pidfd(r);

	if (fd >= 0 && syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0) < 0 && errno != ESRCH) {
		error_errno("kill container %s (pid %lld)", r->name, r->pid);
		close(fd);
		return -1;
	}
	if (fd >= 0)
		close(fd);
	wait_for_monitor(r);
	debug("rm: killed %s and its mydocker finished", r->name);
	return 0;
}

static int remove_one(const char *name_or_id, bool force)
{
	char id[CONTAINER_ID_LEN + 1];
	struct record r;
	int ret = -1;

	if (find_container(name_or_id, id) < 0)
		return -1;
	if (record_read(id, &r) < 0) {
		error_errno("read the record of container %s", name_or_id);
		return -1;
	}
	if (record_is_running(&r)) {
		if (!force) {
			error_msg("container %s is running: stop it first (mydocker stop %s), or rm -f kills it",
				  name_or_id, name_or_id);
			goto out;
		}
		if (kill_and_wait(&r) < 0)
			goto out;
	}
	ret = record_remove(&r);
	if (ret == 0)
		printf("%s\n", r.name);
out:
	record_free(&r);
	return ret;
}

static void print_rm_usage(FILE *out)
{
	fprintf(out,
		"Usage: mydocker rm [-f] NAME|ID...\n"
		"\n"
		"Remove exited containers' records (and free their names).\n"
		"\n"
		"Options:\n"
		"  -f, --force   kill a running container first\n"
		"  -h, --help    print this help\n");
}

int rm_command(int argc, char **argv)
{
	bool force = false;
	const struct flag flags[] = { { "--force", 'f', &force, NULL }, { NULL, 0, NULL, NULL } };
	int code, failed = 0, i = command_flags(argc, argv, flags, print_rm_usage, &code);

	if (i < 0)
		return code;
	if (i == argc) {
		error_msg("rm needs at least one container, by name or id");
		return EXIT_MYDOCKER;
	}
	for (; i < argc; i++)
		if (remove_one(argv[i], force) < 0)
			failed = 1;
	return failed ? EXIT_MYDOCKER : 0;
}
