/* options.c: the flags of `mydocker run`. Parsing stops at the first
 * argument that is not a flag, so everything from the command on belongs to
 * the command (`run -it sh -c 'ls -l'`); `--` also ends the flags. Flags take
 * one dash or two (`-it`, `--interactive`), as the book's Go cli does. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "mydocker.h"

static const struct option run_flags[] = {
	{ "interactive", no_argument, NULL, 'i' },
	{ "tty", no_argument, NULL, 't' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

void print_run_usage(FILE *out)
{
	fprintf(out,
		"Usage: mydocker run [OPTIONS] COMMAND [ARG...]\n"
		"\n"
		"Run a command in a new container.\n"
		"\n"
		"Options:\n"
		"  -i, --interactive   keep stdin attached (else it is /dev/null)\n"
		"  -t, --tty           share this terminal (use -it for a shell)\n"
		"  -h, --help          print this help\n");
}

/* After getopt returned '?' or ':': name the flag it stopped at. */
static enum parse_result parse_error(struct run_options *opts, const char *what,
				     char **argv)
{
	if (optopt > 0 && optopt < 128)
		snprintf(opts->error, sizeof opts->error, "%s: -%c", what, optopt);
	else
		snprintf(opts->error, sizeof opts->error, "%s: %s", what, argv[optind - 1]);
	return PARSE_USAGE_ERROR;
}

/* argv[0] is "run". */
enum parse_result parse_run_options(int argc, char **argv, struct run_options *opts)
{
	int c;

	memset(opts, 0, sizeof *opts);
	optind = 0; /* 0, not 1: also resets getopt's state between calls */
	opterr = 0; /* we print our own messages */
	/* '+': stop at the first non-flag; ':': tell a missing value apart */
	while ((c = getopt_long_only(argc, argv, "+:ith", run_flags, NULL)) != -1) {
		switch (c) {
		case 'i':
			opts->interactive = true;
			break;
		case 't':
			opts->tty = true;
			break;
		case 'h':
			return PARSE_HELP;
		case ':':
			return parse_error(opts, "flag needs a value", argv);
		default:
			return parse_error(opts, "unknown flag", argv);
		}
	}
	if (optind >= argc) {
		snprintf(opts->error, sizeof opts->error, "run needs a command to run");
		return PARSE_USAGE_ERROR;
	}
	opts->command = argv + optind;
	return PARSE_OK;
}
