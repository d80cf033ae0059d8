/* options.c: the command line of `mydocker run [OPTIONS] IMAGE [COMMAND
 * [ARG...]]`. Parsing stops at the first argument that is not a flag, the
 * image, so everything after it belongs to the command (`run -it busybox
 * sh -c 'ls -l'`); `--` also ends the flags. Flags take one dash or two
 * (`-it`, `--interactive`), as the book's Go cli does. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "mydocker.h"

enum { OPT_CPU_SHARES = 256, OPT_CPUSET_CPUS, OPT_IMAGE, OPT_NAME, OPT_RM, OPT_ENV_FILE, OPT_NET, OPT_IP };

static const struct option run_flags[] = {
	{ "interactive", no_argument, NULL, 'i' },
	{ "tty", no_argument, NULL, 't' },
	{ "help", no_argument, NULL, 'h' },
	{ "memory", required_argument, NULL, 'm' },
	{ "cpu-shares", required_argument, NULL, OPT_CPU_SHARES },
	{ "cpushare", required_argument, NULL, OPT_CPU_SHARES },   /* the book's */
	{ "cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS },
	{ "cpuset", required_argument, NULL, OPT_CPUSET_CPUS },    /* the book's */
	{ "image", required_argument, NULL, OPT_IMAGE },
	{ "volume", required_argument, NULL, 'v' },
	{ "detach", no_argument, NULL, 'd' },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "rm", no_argument, NULL, OPT_RM },
	{ "env", required_argument, NULL, 'e' },
	{ "env-file", required_argument, NULL, OPT_ENV_FILE },
	{ "net", required_argument, NULL, OPT_NET },      /* also the book's -net */
	{ "network", required_argument, NULL, OPT_NET },  /* docker's */
	{ "ip", required_argument, NULL, OPT_IP },
	{ "publish", required_argument, NULL, 'p' },
	{ NULL, 0, NULL, 0 },
};

/* Docker's limits: less than 6 MiB cannot even start a container. A limit
 * above 8 PiB (2^53 bytes) limits nothing, and would not read back exactly
 * as a JSON number (a double), as `ps --format json` shows it from ch05 on. */
#define MIN_MEMORY (6ULL << 20)
#define MAX_MEMORY (1ULL << 53)
#define MIN_CPU_SHARES 2
#define MAX_CPU_SHARES 262144
#define ONLINE_CPUS "/sys/devices/system/cpu/online"

void print_run_usage(FILE *out)
{
	fprintf(out,
		"Usage: mydocker run [OPTIONS] IMAGE [COMMAND [ARG...]]\n"
		"\n"
		"Run a command in a new container of IMAGE (without COMMAND: the image's own).\n"
		"\n"
		"Options:\n"
		"  -i, --interactive        keep stdin attached (else it is /dev/null)\n"
		"  -t, --tty                share this terminal (use -it for a shell)\n"
		"  -d, --detach             run in the background; print the id\n"
		"      --name NAME          name the container (else a name is made up)\n"
		"      --rm                 remove its record when it exits\n"
		"  -m, --memory SIZE        memory limit, at least 6m (100m, 1g)\n"
		"      --cpu-shares N       CPU weight, 2..262144, default 1024 (-cpushare)\n"
		"      --cpuset-cpus LIST   CPUs to run on, like 0-1,3 (-cpuset)\n"
		"  -e, --env NAME=VALUE     set a variable (NAME alone: its value here); repeatable\n"
		"      --env-file FILE      read variables from FILE, one NAME=VALUE per line\n"
		"      --net NETWORK        connect to a network (mydocker network create; -net)\n"
		"      --ip ADDRESS         ask for this address on it\n"
		"  -p, --publish HOSTPORT:CONTAINERPORT[/tcp|/udp]\n"
		"                           map a port of the host to the container's (with --net)\n"
		"  -v, --volume HOST:CONTAINER[:ro|:rw]\n"
		"                           mount a host directory in the container\n"
		"  -h, --help               print this help\n");
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

static int parse_memory(const char *text, struct run_options *opts)
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

static int parse_cpu_shares(const char *text, struct run_options *opts)
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
static int parse_cpuset(const char *text, struct run_options *opts)
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

/* --image was the way to name the image until the command line became
 * docker's (and the book's, from its section 5.7). */
static enum parse_result image_flag_is_gone(struct run_options *opts)
{
	snprintf(opts->error, sizeof opts->error,
		 "--image is gone: the image comes first, as in docker: mydocker run [OPTIONS] IMAGE [COMMAND]");
	return PARSE_USAGE_ERROR;
}

static int parse_image(const char *text, struct run_options *opts)
{
	if (!image_name_is_valid(text)) {
		snprintf(opts->error, sizeof opts->error,
			 "invalid image name %.80s: a name is letters, digits and '_', '.', '-', "
			 "starting with a letter or digit, not ending in .tar", text);
		return -1;
	}
	opts->image = text;
	return 0;
}

static int parse_volume_flag(const char *text, struct run_options *opts)
{
	if (opts->n_volumes == MAX_VOLUMES) {
		snprintf(opts->error, sizeof opts->error, "too many volumes: at most %d", MAX_VOLUMES);
		return -1;
	}
	return parse_volume(text, &opts->volumes[opts->n_volumes++], opts->error, sizeof opts->error);
}

static int parse_name(const char *text, struct run_options *opts)
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

/* argv[0] is "run". */
enum parse_result parse_run_options(int argc, char **argv, struct run_options *opts)
{
	int c;

	memset(opts, 0, sizeof *opts);
	optind = 0; /* 0, not 1: also resets getopt's state between calls */
	opterr = 0; /* we print our own messages */
	/* '+': stop at the first non-flag; ':': tell a missing value apart */
	while ((c = getopt_long_only(argc, argv, "+:ithdm:v:e:p:", run_flags, NULL)) != -1) {
		switch (c) {
		case 'i':
			opts->interactive = true;
			break;
		case 't':
			opts->tty = true;
			break;
		case 'h':
			return PARSE_HELP;
		case 'm':
			if (parse_memory(optarg, opts) < 0)
				return PARSE_VALUE_ERROR;
			break;
		case OPT_CPU_SHARES:
			if (parse_cpu_shares(optarg, opts) < 0)
				return PARSE_VALUE_ERROR;
			break;
		case OPT_CPUSET_CPUS:
			if (parse_cpuset(optarg, opts) < 0)
				return PARSE_VALUE_ERROR;
			break;
		case OPT_IMAGE:
			return image_flag_is_gone(opts);
		case 'e':
			if (environment_flag(&opts->env, optarg, opts->error, sizeof opts->error) < 0)
				return PARSE_VALUE_ERROR;
			break;
		case OPT_NET:
			opts->network = optarg;
			break;
		case OPT_IP:
			opts->ip = optarg;
			break;
		case 'p':
			if (opts->n_ports == MAX_PORTS) {
				snprintf(opts->error, sizeof opts->error, "too many ports: at most %d", MAX_PORTS);
				return PARSE_VALUE_ERROR;
			}
			if (parse_port(optarg, &opts->ports[opts->n_ports++], opts->error, sizeof opts->error) < 0)
				return PARSE_VALUE_ERROR;
			break;
		case OPT_ENV_FILE:
			if (environment_file(&opts->env, optarg, opts->error, sizeof opts->error) < 0)
				return PARSE_VALUE_ERROR;
			break;
		case 'v':
			if (parse_volume_flag(optarg, opts) < 0)
				return PARSE_VALUE_ERROR;
			break;
		case 'd':
			opts->detach = true;
			break;
		case OPT_NAME:
			if (parse_name(optarg, opts) < 0)
				return PARSE_VALUE_ERROR;
			break;
		case OPT_RM:
			opts->remove = true;
			break;
		case ':':
			return parse_error(opts, "flag needs a value", argv);
		default:
			return parse_error(opts, "unknown flag", argv);
		}
	}
	if (optind >= argc) {
		snprintf(opts->error, sizeof opts->error, "run needs an image (mydocker images lists them)");
		return PARSE_USAGE_ERROR;
	}
	if (parse_image(argv[optind], opts) < 0)
		return PARSE_VALUE_ERROR;
	if (opts->ip && !opts->network) {
		snprintf(opts->error, sizeof opts->error, "--ip needs --net: an address is on a network");
		return PARSE_VALUE_ERROR;
	}
	if (opts->n_ports > 0 && !opts->network) {
		snprintf(opts->error, sizeof opts->error, "-p needs --net: a port is mapped to an address on a network");
		return PARSE_VALUE_ERROR;
	}
	if (opts->detach && (opts->interactive || opts->tty)) {
		snprintf(opts->error, sizeof opts->error,
			 "-d runs in the background, -i and -t in this terminal: choose one");
		return PARSE_VALUE_ERROR;
	}
	opts->command = argv + optind + 1; /* empty: the image's default command */
	return PARSE_OK;
}
