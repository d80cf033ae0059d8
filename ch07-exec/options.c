/* options.c: the command line of `mydocker run [OPTIONS] IMAGE [COMMAND
 * [ARG...]]`. Parsing stops at the first argument that is not a flag, the
 * image, so everything after it belongs to the command (`run -it busybox
 * sh -c 'ls -l'`); `--` also ends the flags. Flags take one dash or two
 * (`-it`, `--interactive`), as the book's Go cli does.
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
			 "invalid image name %.80s: [PATH/]NAME[:TAG], each part letters, digits and '_', '.', '-', "
			 "starting with a letter or digit, not ending in .tar", text);
		return -1;
	}
	opts->image = text;
	return 0;
}

static int set_volume(struct run_options *opts, const char *text)
{
	if (opts->n_volumes == MAX_VOLUMES) {
		snprintf(opts->error, sizeof opts->error, "too many volumes: at most %d", MAX_VOLUMES);
		return -1;
	}
	return parse_volume(text, &opts->volumes[opts->n_volumes++], opts->error, sizeof opts->error);
}

static int set_name(struct run_options *opts, const char *text)
{
	if (!container_name_is_valid(text)) {
		snprintf(opts->error, sizeof opts->error,
			 "invalid --name %.80s: a name is 1 to %d letters, digits and '_', '.', '-', "
			 "starting with a letter or digit", text, MAX_NAME_LEN);
		return -1;
	}
	opts->name = text;
	return 0;
}

static int set_detach(struct run_options *opts, const char *value)
{
	(void)value;
	opts->detach = true;
	return 0;
}

static int set_remove(struct run_options *opts, const char *value)
{
	(void)value;
	opts->remove = true;
	return 0;
}

/* --image was the way to name the image until the command line became
 * docker's (and the book's, from its section 5.7). */
static int set_image_is_gone(struct run_options *opts, const char *value)
{
	(void)value;
	snprintf(opts->error, sizeof opts->error,
		 "--image is gone: the image comes first, as in docker: mydocker run [OPTIONS] IMAGE [COMMAND]");
	return -1;
}

static int set_env(struct run_options *opts, const char *value)
{
	return environment_flag(&opts->env, value, opts->error, sizeof opts->error);
}

static int set_env_file(struct run_options *opts, const char *value)
{
	return environment_file(&opts->env, value, opts->error, sizeof opts->error);
}

static int set_network(struct run_options *opts, const char *value)
{
	opts->network = value;
	return 0;
}

static int set_ip(struct run_options *opts, const char *value)
{
	opts->ip = value;
	return 0;
}

static int set_entrypoint(struct run_options *opts, const char *value)
{
	opts->entrypoint = value;
	return 0;
}

static int set_user(struct run_options *opts, const char *value)
{
	opts->user = value;
	return 0;
}

static int set_workdir(struct run_options *opts, const char *value)
{
	if (value[0] != '/') {
		snprintf(opts->error, sizeof opts->error, "invalid -w %.80s: the working directory must be absolute",
			 value);
		return -1;
	}
	opts->workdir = value;
	return 0;
}

static int set_port(struct run_options *opts, const char *value)
{
	if (opts->n_ports == MAX_PORTS) {
		snprintf(opts->error, sizeof opts->error, "too many ports: at most %d", MAX_PORTS);
		return -1;
	}
	return parse_port(value, &opts->ports[opts->n_ports++], opts->error, sizeof opts->error);
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
	{ "image", 0, "NAME", set_image_is_gone, NULL }, /* gone: the image comes first */
	{ "volume", 'v', "HOST:CONTAINER[:ro|:rw]", set_volume, "mount a host directory in the container" },
	{ "detach", 'd', NULL, set_detach, "run in the background; print the id" },
	{ "name", 0, "NAME", set_name, "name the container (else a name is made up)" },
	{ "rm", 0, NULL, set_remove, "remove its record when it exits" },
	{ "env", 'e', "NAME=VALUE", set_env, "set a variable (NAME alone: its value here); repeatable" },
	{ "env-file", 0, "FILE", set_env_file, "read variables from FILE, one NAME=VALUE per line" },
	{ "net", 0, "NETWORK", set_network, "connect to a network (mydocker network create; -net)" },
	{ "network", 0, "NETWORK", set_network, NULL }, /* docker's */
	{ "ip", 0, "ADDRESS", set_ip, "ask for this address on it" },
	{ "publish", 'p', "[IP:]HOSTPORT:CONTAINERPORT[/tcp|/udp]", set_port,
	  "map a port of the host (at IP only) to the container's (with --net)" },
	{ "entrypoint", 0, "COMMAND", set_entrypoint, "run COMMAND in place of the image's entrypoint" },
	{ "user", 'u', "USER[:GROUP]", set_user, "run as USER (a name in the image's /etc/passwd, or a uid)" },
	{ "workdir", 'w', "DIR", set_workdir, "the command's working directory (else the image's, or /)" },
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
	fprintf(out, "Usage: mydocker run [OPTIONS] IMAGE [COMMAND [ARG...]]\n\n"
		     "Run a command in a new container of IMAGE (without COMMAND: the image's own).\n\nOptions:\n");
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

/* A rule between flags broken: say which. */
static enum parse_result refuse(struct run_options *opts, const char *why)
{
	snprintf(opts->error, sizeof opts->error, "%s", why);
	return PARSE_VALUE_ERROR;
}

/* What one flag says about another, once all are read. */
static enum parse_result check_rules(struct run_options *opts)
{
	if (opts->detach && (opts->interactive || opts->tty))
		return refuse(opts, "-d runs in the background, -i and -t in this terminal: choose one");
	if (opts->ip && !opts->network)
		return refuse(opts, "--ip needs --net: an address is on a network");
	if (opts->n_ports > 0 && !opts->network)
		return refuse(opts, "-p needs --net: a port is mapped to an address on a network");
	return PARSE_OK;
}

/* argv[0] is "run". */
enum parse_result parse_run_options(int argc, char **argv, struct run_options *opts)
{
	struct option longopts[ARRAY_SIZE(run_flags) + 2];
	char shortopts[3 * ARRAY_SIZE(run_flags) + 4];
	int c;

	memset(opts, 0, sizeof *opts);
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
		snprintf(opts->error, sizeof opts->error, "run needs an image (mydocker images lists them)");
		return PARSE_USAGE_ERROR;
	}
	if (set_image(opts, argv[optind]) < 0)
		return PARSE_VALUE_ERROR;
	opts->command = argv + optind + 1; /* empty: the image's default command */
	return check_rules(opts);
}
