/* mydocker.h: what the files of this program share: for each file, the
 * types and functions the others use, in a block named after it. */
#ifndef MYDOCKER_H
#define MYDOCKER_H

#include <stdbool.h>
#include <stdio.h>

#include "common.h"

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

/* command.c: what every command uses. command_flags() reads a command's
 * flags (common.h's parse_flags()) and on -h or a mistake prints its
 * usage: it returns the index of the command's first argument, or -1 with
 * *code set to what the command returns. */
int require_root(void);
int command_flags(int argc, char **argv, const struct flag *flags, void (*usage)(FILE *), int *code);

/* check.c: mydocker check, what this host lacks; each check says ok or
 * FAIL with check_report(). A failure that the check covers ends its
 * message with CHECK_HINT. */
int check_command(int argc, char **argv);
void check_report(const char *item, bool ok, const char *detail, const char *fix);
#define CHECK_HINT " ('mydocker check' tells what this host lacks)"

/* prune.c: mydocker prune, what crashed containers left behind; each
 * finder reports what it finds with prune_leftover(). */
int prune_command(int argc, char **argv);
void prune_leftover(const char *what, const char *path, const char *why, int (*remove)(const char *));

#endif
