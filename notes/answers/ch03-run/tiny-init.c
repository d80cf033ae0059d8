/* Answer to exercise 2 of notes/ch03-run.md: a tiny init, what docker's
 * --init (tini) does. As the container's PID 1 it gets the signals a plain
 * command would not (PID 1 gets only those it has a handler for), passes
 * them to its child, reaps every process that ends, and exits as the child
 * did. Checked by test_a_tiny_init_passes_ctrl_c_on (tests/exercises/ch03-run.sh).
 *
 *   gcc -static -o tiny-init notes/answers/ch03-run/tiny-init.c
 *   sudo ./run run "$PWD/tiny-init" /bin/sleep 100     # then Ctrl-C */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t child;

static void forward(int sig)
{
	kill(child, sig);
}

int main(int argc, char **argv)
{
	int status, sigs[] = { SIGINT, SIGTERM, SIGHUP };
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: tiny-init COMMAND [ARG...]\n");
		return 125;
	}
	child = fork();
	if (child == 0) {
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], forward);
	while ((pid = wait(&status)) != child) /* orphans come to PID 1: reap them */
		if (pid < 0)
			return 125;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
