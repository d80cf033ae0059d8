/* run.c: running another program, as `cmd 2>/dev/null` would, and waiting
 * for it. */
#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

/* Runs argv (looked up on PATH), its stderr to /dev/null. Its exit
 * status, 128+N if killed by signal N, or -1 when it could not be run. */
int run_quietly(char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* close-on-exec: only its copy, fd 2, goes on to the program */
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (null >= 0)
			dup2(null, STDERR_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
