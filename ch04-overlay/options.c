/* options.c: the flags of `mydocker run`. Parsing stops at the first
 * argument that is not a flag, so everything from the command on belongs to
 * the command (`run -it sh -c 'ls -l'`); `--` also ends the flags. Flags take
 * one dash or two (`-it`, `--interactive`), as the book's Go cli does.
 *
 * Each flag is a row of run_flags[]: its names, its help, and the function
 * that sets it; what one flag says about another is checked once, after
 * them all. A new flag is a row, and at most one such rule. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "mydocker.h"

/* Docker's limits: less than 6 MiB cannot even start a container. A limit
 * above 8 PiB (2^53 bytes) limits nothing, and would not read back exactly
 * as a JSON number (a double), as `ps --format json` shows it from ch05 on. */
#define MIN_MEMORY (6ULL << 20)
#define MAX_MEMORY (1ULL << 53)
#define MIN_CPU_SHARES 2
#define MAX_CPU_SHARES 262144
#define ONLINE_CPUS "/sys/devices/system/cpu/online"

static int set_interactive(struct run_options *opts, const char *value)
{
	(void)value;
	opts->interactive = true;
	return 0;
}

static int set_tty(struct run_options *opts, const char *value)
{
	(void)value;
	opts->tty = true;
	return 0;
}

static int set_memory(struct run_options *opts, const char *text)
{
	if (parse_size(text, &opts->resources.memory) < 0) {
		snprintf(opts->error, sizeof opts->error,
			 "invalid --memory %s: expected a size like 100m or 1g", text);
		return -1;
	}
	if (opts->resources.memory < MIN_MEMORY) {
		snprintf(opts->error, sizeof opts->error,
			 "invalid --memory %s: the minimum memory limit is 6m", text);
		return -1;
	}
	if (opts->resources.memory > MAX_MEMORY) {
		snprintf(opts->error, sizeof opts->error,
			 "invalid --memory %s: the largest memory limit is 8388608g (8 PiB)", text);
		return -1;
	}
	return 0;
}

static int set_cpu_shares(struct run_options *opts, const char *text)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(text, &end, 10);
	if (text[0] < '0' || text[0] > '9' || *end || errno || n < MIN_CPU_SHARES || n > MAX_CPU_SHARES) {
		snprintf(opts->error, sizeof opts->error,
			 "invalid --cpu-shares %s: expected a number from %d to %d", text,
			 MIN_CPU_SHARES, MAX_CPU_SHARES);
		return -1;
	}
	opts->resources.cpu_shares = n;
	return 0;
}

/* A well-formed list of CPUs that are all online. */
static int set_cpuset(struct run_options *opts, const char *text)
{
	struct cpu_mask want, online;
	char online_text[4096];
	int cpu;

	if (strlen(text) >= sizeof opts->resources.cpuset_cpus || cpuset_parse(text, &want) < 0) {
		snprintf(opts->error, sizeof opts->error,
			 "invalid --cpuset-cpus %s: expected a CPU list like 0-1,3", text);
		return -1;
	}
	if (read_file(ONLINE_CPUS, online_text, sizeof online_text) < 0)
		online_text[0] = '\0';
	online_text[strcspn(online_text, "\n")] = '\0';
	if (cpuset_parse(online_text, &online) < 0) {
		snprintf(opts->error, sizeof opts->error, "cannot read the online CPUs from %s",
			 ONLINE_CPUS);
		return -1;
	}
	cpu = cpuset_first_outside(&want, &online);
	if (cpu >= 0) {
		snprintf(opts->error, sizeof opts->error,
			 "invalid --cpuset-cpus %s: CPU %d is not online (online: %s)", text, cpu,
			 online_text);
		return -1;
	}
	snprintf(opts->resources.cpuset_cpus, sizeof opts->resources.cpuset_cpus, "%s", text);
	return 0;
}

static int set_image(struct run_options *opts, const char *text)
{
	if (!image_name_is_valid(text)) {
		snprintf(opts->error, sizeof opts->error,
			 "invalid --image %s: a name is letters, digits and '_', '.', '-', "
			 "starting with a letter or digit, not ending in .tar", text);
		return -1;
	}
	opts->image = text;
	return 0;
}

/* A flag: --name (also -name), -letter, the value it takes (NULL: none),
 * what sets it, and its help (NULL: another spelling of the row above). */
static const struct run_flag {
	const char *name;
	char letter;
	const char *value;
	int (*set)(struct run_options *opts, const char *value);
	const char *help;
} run_flags[] = {
	{ "interactive", 'i', NULL, set_interactive, "keep stdin attached (else it is /dev/null)" },
	{ "tty", 't', NULL, set_tty, "a terminal of its own (use -it for a shell)" },
	{ "memory", 'm', "SIZE", set_memory, "memory limit, at least 6m (100m, 1g)" },
	{ "cpu-shares", 0, "N", set_cpu_shares, "CPU weight, 2..262144, default 1024 (-cpushare)" },
	{ "cpushare", 0, "N", set_cpu_shares, NULL }, /* the book's */
	{ "cpuset-cpus", 0, "LIST", set_cpuset, "CPUs to run on, like 0-1,3 (-cpuset)" },
	{ "cpuset", 0, "LIST", set_cpuset, NULL }, /* the book's */
	{ "image", 0, "NAME", set_image, "the image to run, default busybox" },
};

/* "  -t, --tty                   a terminal of its own ..." */
static void print_flag(FILE *out, const struct run_flag *f)
{
	char names[64];

	if (f->letter)
		snprintf(names, sizeof names, "-%c, --%s", f->letter, f->name);
	else
		snprintf(names, sizeof names, "    --%s", f->name);
	if (f->value)
		snprintf(names + strlen(names), sizeof names - strlen(names), " %s", f->value);
	if (strlen(names) > 26) /* the help goes on a line of its own */
		fprintf(out, "  %s\n  %-26s  %s\n", names, "", f->help);
	else
		fprintf(out, "  %-26s  %s\n", names, f->help);
}

void print_run_usage(FILE *out)
{
	fprintf(out, "Usage: mydocker run [OPTIONS] COMMAND [ARG...]\n\n"
		     "Run a command in a new container.\n\nOptions:\n");
	for (size_t i = 0; i < ARRAY_SIZE(run_flags); i++)
		if (run_flags[i].help)
			print_flag(out, &run_flags[i]);
	fprintf(out, "  %-26s  %s\n", "-h, --help", "print this help");
}

/* getopt_long_only(3)'s tables, made from run_flags[]: a long option's val
 * is 256 + the first row with its setter (two spellings of one flag are
 * one option, so that an abbreviation of both is not ambiguous); a letter
 * stands for itself. */
static void getopt_tables(struct option *longopts, char *shortopts)
{
	size_t n = 0;

	shortopts[n++] = '+'; /* stop at the first argument that is not a flag */
	shortopts[n++] = ':'; /* tell a missing value from an unknown flag */
	for (size_t i = 0; i < ARRAY_SIZE(run_flags); i++) {
		const struct run_flag *f = &run_flags[i];
		size_t first = 0;
		while (run_flags[first].set != f->set)
			first++;
		longopts[i] = (struct option){ f->name, f->value ? required_argument : no_argument, NULL,
					       256 + (int)first };
		if (f->letter) {
			shortopts[n++] = f->letter;
			if (f->value)
				shortopts[n++] = ':';
		}
	}
	longopts[ARRAY_SIZE(run_flags)] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[ARRAY_SIZE(run_flags) + 1] = (struct option){ NULL, 0, NULL, 0 };
	shortopts[n++] = 'h';
	shortopts[n] = '\0';
}

/* The row getopt's answer c stands for, or NULL. */
static const struct run_flag *flag_of(int c)
{
	for (size_t i = 0; i < ARRAY_SIZE(run_flags); i++)
		if (c == 256 + (int)i || (c < 256 && c == run_flags[i].letter))
			return &run_flags[i];
	return NULL;
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
	struct option longopts[ARRAY_SIZE(run_flags) + 2];
	char shortopts[3 * ARRAY_SIZE(run_flags) + 4];
	int c;

	memset(opts, 0, sizeof *opts);
	opts->image = "busybox";
	getopt_tables(longopts, shortopts);
	optind = 0; /* 0, not 1: also resets getopt's state between calls */
	opterr = 0; /* we print our own messages */
	while ((c = getopt_long_only(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == 'h')
			return PARSE_HELP;
		if (c == ':')
			return parse_error(opts, "flag needs a value", argv);
		const struct run_flag *flag = flag_of(c);

		if (!flag)
			return parse_error(opts, "unknown flag", argv);
		if (flag->set(opts, optarg) < 0)
			return PARSE_VALUE_ERROR;
	}
	if (optind >= argc) {
		snprintf(opts->error, sizeof opts->error, "run needs a command to run");
		return PARSE_USAGE_ERROR;
	}
	opts->command = argv + optind;
	return PARSE_OK;
}
