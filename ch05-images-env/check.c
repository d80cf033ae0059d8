/* check.c: `mydocker check`: can this host run this stage's containers?
 * One line per item, ok or FAIL, and for a failure what to do about it
 * (notes/troubleshooting.md has more). Each chapter adds what its own idea
 * needs: a check in the file of that idea, which says what it finds with
 * check_report() (report.c), and a line in check_command(). */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

static void check_root(void)
{
	check_report("root", geteuid() == 0, geteuid() == 0 ? "" : "not root",
	       "run mydocker as root (sudo)");
}

/* The course needs Linux 5.12 or later from here on: mount_setattr(2), for
 * the read-only view of mydocker (sealed_exe.c); before, 5.4 (pidfd_open
 * is 5.3, close_range 5.9 with a fallback). */
static void check_kernel(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	uname(&u);
	sscanf(u.release, "%d.%d", &major, &minor);
	check_report("kernel", major > 5 || (major == 5 && minor >= 12), u.release,
	       "use Linux 5.12 or later");
}

/* Tries unshare(2) with one CLONE_NEW* flag in a child process, so that
 * this process keeps its own namespaces. Returns 0 or the errno. */
static int try_unshare(int flag)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(unshare(flag) == 0 ? 0 : errno);
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;
}

static void check_namespaces(void)
{
	static const struct { const char *name; int flag; } namespaces[] = {
		{ "uts", CLONE_NEWUTS }, { "pid", CLONE_NEWPID }, { "mount", CLONE_NEWNS },
		{ "net", CLONE_NEWNET }, { "ipc", CLONE_NEWIPC },
	};

	for (size_t i = 0; i < ARRAY_SIZE(namespaces); i++) {
		char item[64];
		int error = try_unshare(namespaces[i].flag);
		snprintf(item, sizeof item, "%s namespace", namespaces[i].name);
		check_report(item, error == 0, error ? strerror(error) : "can be created",
		       error == EPERM ? "run as root on the host; inside a container, start it with --privileged"
				      : "use a kernel built with this namespace (CONFIG_*_NS)");
	}
}

static void print_check_usage(FILE *out)
{
	fprintf(out, "Usage: mydocker check\n\n"
		     "Say, one line per item, whether this host can run this stage's\n"
		     "containers, and for each failure what to do about it.\n");
}

int check_command(int argc, char **argv)
{
	const struct flag no_flags[] = { { NULL, 0, NULL, NULL } };
	int code, i = command_flags(argc, argv, no_flags, print_check_usage, &code);

	if (i < 0)
		return code;
	if (i < argc) {
		error_msg("check takes no arguments");
		return EXIT_MYDOCKER;
	}
	check_root();
	check_kernel();
	check_namespaces();
	check_cgroups();
	check_root_filesystem();
	check_image();
	check_sealed_exe();
	check_overlay();
	check_detach();
	check_exec();
	return check_summary();
}
