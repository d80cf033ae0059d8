/* mydocker.h: what the files of this program share: for each file, the
 * types and functions the others use, in a block named after it. */
#ifndef MYDOCKER_H
#define MYDOCKER_H

#include <stdbool.h>
#include <stdio.h>

/* What `mydocker run` was asked to do. */
struct run_options {
	bool interactive; /* -i: the container reads our stdin */
	bool tty;         /* -t: it shares our terminal (no pty of its own) */
	char **command;   /* COMMAND [ARG...], NULL-terminated, inside argv */
	char error[256];  /* why parsing failed */
};

/* A usage error (an unknown flag, no command) is shown with the usage. */
enum parse_result { PARSE_OK, PARSE_HELP, PARSE_USAGE_ERROR };

/* options.c: the flags of `mydocker run`. */
enum parse_result parse_run_options(int argc, char **argv, struct run_options *opts);
void print_run_usage(FILE *out);

/* container.c: the parent's side (the book's Run and NewParentProcess). */
int run_container(const struct run_options *opts);

/* init.c: the child's side (the book's RunContainerInitProcess). */
int init_container(char **command);

/* check.c: mydocker check, what this host lacks. A failure that the check
 * covers ends its message with CHECK_HINT. */
int check_host(void);
#define CHECK_HINT " ('mydocker check' tells what this host lacks)"

#endif
