/* mydocker.h: what the files of this program share: for each file, the
 * types and functions the others use, in a block named after it. */
#ifndef MYDOCKER_H
#define MYDOCKER_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "common.h"

/* What `mydocker run` was asked to do. */
struct run_options {
	bool interactive; /* -i: the container reads our stdin */
	bool tty;         /* -t: it shares our terminal (no pty of its own) */
	char **command;   /* COMMAND [ARG...], NULL-terminated, inside argv */
	char error[256];  /* why parsing failed */
};

/* A usage error (an unknown flag, no command) is shown with the usage; a
 * bad value with one line saying what is wrong with it. */
enum parse_result { PARSE_OK, PARSE_HELP, PARSE_USAGE_ERROR, PARSE_VALUE_ERROR };

/* options.c: the flags of `mydocker run`. */
enum parse_result parse_run_options(int argc, char **argv, struct run_options *opts);
void print_run_usage(FILE *out);

/* container.c: the parent's side (the book's Run and NewParentProcess). */
int run_container(const struct run_options *opts);

/* process.c: what mydocker does with the processes it starts: signals
 * passed on, stdin, process group, terminal, the wait for the exit. */
void handle_signals(void);
void forward_signals_to(pid_t pid);
int signal_before_start(void);
void stdin_from_dev_null(void);
void leave_our_process_group(bool tty);
void take_terminal(void);
int wait_for_exit(pid_t pid);

/* init.c: the child's side (the book's RunContainerInitProcess). */
int init_container(char **command);

/* command.c: what every command uses. command_flags() reads a command's
 * flags (common.h's parse_flags()) and on -h or a mistake prints its
 * usage: it returns the index of the command's first argument, or -1 with
 * *code set to what the command returns. */
int require_root(void);
int command_flags(int argc, char **argv, const struct flag *flags, void (*usage)(FILE *), int *code);

/* check.c: mydocker check, what this host lacks. A failure that a check
 * covers ends its message with CHECK_HINT. */
int check_command(int argc, char **argv);
#define CHECK_HINT " ('mydocker check' tells what this host lacks)"

/* prune.c: mydocker prune, what crashed containers left behind. */
int prune_command(int argc, char **argv);

/* report.c: what check and prune find, one line per item: each check says
 * ok or FAIL with check_report(); each finder of leftovers calls
 * prune_leftover(), which with --force removes what it found. */
void check_report(const char *item, bool ok, const char *detail, const char *fix);
int check_summary(void);
void prune_begin(bool force);
void prune_leftover(const char *what, const char *path, const char *why, int (*remove)(const char *));
int prune_summary(void);

#endif
