/* network.c: networks (the book's CreateNetwork and BridgeNetworkDriver).
 * A network is a bridge on the host, a virtual switch named after the
 * network, with the subnet's first address (the gateway) on it;
 * MYDOCKER_ROOT/networks/NAME/ holds its config.json.
 *
 *   mydocker network create [--driver bridge] --subnet CIDR NAME
 *   mydocker network ls
 *   mydocker network rm NAME... */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "json.h"
#include "mydocker.h"

/* A link's name has at most 15 characters (IFNAMSIZ, with its '\0'). */
#define MAX_LINK_NAME 15

/* A network name is its bridge's name: a name (name_is_valid()) of at most
 * 15 characters. */
static bool network_name_is_valid(const char *name, char *error, size_t size)
{
	size_t len = strlen(name);

	if (len > MAX_LINK_NAME) {
		snprintf(error, size, "network name %.80s is too long for a bridge: at most %d characters",
			 name, MAX_LINK_NAME);
		return false;
	}
	if (!name_is_valid(name, MAX_LINK_NAME)) {
		snprintf(error, size, "invalid network name %.80s: letters, digits and '_', '.', '-', "
			 "starting with a letter or digit", name);
		return false;
	}
	return true;
}

/* networks/NAME/config.json -> n: 0, or -1 (said when not found). */
int network_read(const char *name, struct network *n)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], error[256], *text = NULL;
	const char *subnet;
	cJSON *o = NULL;
	int ret = -1;

	if (network_name_is_valid(name, error, sizeof error) && root_path(dir, sizeof dir, "networks/%s", name) == 0) {
		snprintf(path, sizeof path, "%s/config.json", dir);
		text = read_file_all(path);
	}
	if (!text) {
		error_msg("no network %s (mydocker network ls lists them)", name);
		return -1;
	}
	o = cJSON_Parse(text);
	subnet = o ? json_string(o, "subnet") : NULL;
	if (subnet && subnet_parse(subnet, &n->subnet, error, sizeof error) == 0) {
		snprintf(n->name, sizeof n->name, "%s", name);
		ret = 0;
	} else {
		error_msg("network %s: %s is broken", name, path);
	}
	cJSON_Delete(o);
	free(text);
	return ret;
}

static int network_write(const struct network *n)
{
	char dir[PATH_MAX], subnet[32], gateway[INET_ADDRSTRLEN], *text = NULL;
	cJSON *o = cJSON_CreateObject();
	int ret = -1;

	subnet_format(&n->subnet, subnet, sizeof subnet);
	address_format(subnet_gateway(&n->subnet), gateway, sizeof gateway);
	if (o && cJSON_AddStringToObject(o, "name", n->name) && cJSON_AddStringToObject(o, "driver", "bridge") &&
	    cJSON_AddStringToObject(o, "subnet", subnet) && cJSON_AddStringToObject(o, "gateway", gateway) &&
	    cJSON_AddStringToObject(o, "bridge", n->name) && (text = cJSON_Print(o)) &&
	    root_path(dir, sizeof dir, "networks/%s", n->name) == 0) {
		char path[PATH_MAX + 16];
		snprintf(path, sizeof path, "%s/config.json", dir);
		ret = write_file_atomic(path, text);
	}
	if (ret < 0)
		error_errno("write the configuration of network %s", n->name);
	free(text);
	cJSON_Delete(o);
	return ret;
}

/* The names of every network, a list for strings_free(); NULL if none can
 * be read. */
static char **network_names(void)
{
	char dir[PATH_MAX], **names = strings_copy(NULL);
	struct dirent *e;
	DIR *d;

	if (!names || root_path(dir, sizeof dir, "networks") < 0 || !(d = opendir(dir)))
		return names;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' && strings_add(&names, e->d_name) < 0)
			break;
	closedir(d);
	return names;
}

/* Is s free: no other network's subnet, no host route overlaps it? */
static bool subnet_is_free(const struct subnet *s)
{
	char **names = network_names(), why[128] = "", text[32];
	struct network other;

	for (char **n = names; n && *n && !why[0]; n++) {
		if (network_read(*n, &other) == 0 && subnets_overlap(s, &other.subnet)) {
			subnet_format(&other.subnet, text, sizeof text);
			snprintf(why, sizeof why, "network %s (%s)", other.name, text);
		}
	}
	strings_free(names);
	if (why[0] || overlaps_a_host_route(s, why, sizeof why)) {
		subnet_format(s, text, sizeof text);
		error_msg("subnet %s overlaps %s", text, why);
		return false;
	}
	return true;
}

/* The bridge, with the gateway's address, up; undone if a step fails. */
static int bridge_create(const struct network *n)
{
	struct in_addr gateway = { htonl(subnet_gateway(&n->subnet)) };

	if (link_add_bridge(n->name) < 0) {
		if (errno == EEXIST)
			error_msg("a link named %s exists on this host already: choose another network name", n->name);
		else
			error_errno("create bridge %s", n->name);
		return -1;
	}
	if (address_add(n->name, gateway, n->subnet.prefix) < 0 || link_set_up(n->name) < 0) {
		error_errno("give bridge %s its address", n->name);
		link_delete(n->name);
		return -1;
	}
	debug("network %s: bridge %s up, gateway %s", n->name, n->name, inet_ntoa(gateway));
	return 0;
}

/* networks/.lock, held while a network is made or removed, so that two
 * creates cannot take overlapping subnets: an fd to close, or -1. */
static int networks_lock(void)
{
	char dir[PATH_MAX], path[PATH_MAX] = "networks/.lock";
	int fd = -1;

	if (root_path(dir, sizeof dir, "networks") == 0 && path_join(path, sizeof path, dir, ".lock") == 0 &&
	    mkdir_p(dir, 0700) == 0)
		fd = lock_file(path);
	if (fd < 0)
		error_errno("lock %s", path);
	return fd;
}

/* Its directory, its config.json, its bridge: all, or none. */
static int make_network(const struct network *n, const char *dir)
{
	if (mkdir(dir, 0700) < 0) {
		error_errno("create network %s", n->name);
		return -1;
	}
	if (network_write(n) < 0 || bridge_create(n) < 0) {
		remove_tree(dir);
		return -1;
	}
	return 0;
}

static int network_create(const char *name, const char *driver, const char *subnet)
{
	char error[256], dir[PATH_MAX];
	struct network n = { 0 };
	int lock, ret = -1;

	if (strcmp(driver, "bridge") != 0) {
		error_msg("unknown driver %s: the one driver is bridge", driver);
		return -1;
	}
	if (!network_name_is_valid(name, error, sizeof error) || subnet_parse(subnet, &n.subnet, error, sizeof error) < 0) {
		error_msg("%s", error);
		return -1;
	}
	snprintf(n.name, sizeof n.name, "%s", name);
	if ((lock = networks_lock()) < 0)
		return -1;
	if (root_path(dir, sizeof dir, "networks/%s", name) == 0 && access(dir, F_OK) == 0)
		error_msg("network %s exists (mydocker network rm %s removes it)", name, name);
	else if (subnet_is_free(&n.subnet))
		ret = make_network(&n, dir);
	close(lock);
	return ret;
}

/* The bridge and the directory of a network no container uses. */
static int remove_unused(const struct network *n)
{
	char dir[PATH_MAX];

	if (link_delete(n->name) < 0 && errno != ENODEV) {
		error_errno("delete bridge %s", n->name);
		return -1;
	}
	if (root_path(dir, sizeof dir, "networks/%s", n->name) < 0 || remove_tree(dir) < 0) {
		error_errno("remove %s", dir);
		return -1;
	}
	debug("network %s: bridge deleted, %s removed", n->name, dir);
	return 0;
}

static int network_remove(const char *name)
{
	struct network n;
	int lock, ret;

	if (network_read(name, &n) < 0 || (lock = networks_lock()) < 0)
		return -1;
	ret = remove_unused(&n);
	close(lock);
	return ret;
}

static int network_list(void)
{
	char **names = network_names(), subnet[32], gateway[INET_ADDRSTRLEN];
	struct network n;

	printf("%-15s  %-7s  %-18s  %s\n", "NAME", "DRIVER", "SUBNET", "GATEWAY");
	for (char **name = names; name && *name; name++) {
		if (network_read(*name, &n) < 0)
			continue;
		subnet_format(&n.subnet, subnet, sizeof subnet);
		address_format(subnet_gateway(&n.subnet), gateway, sizeof gateway);
		printf("%-15s  %-7s  %-18s  %s\n", n.name, "bridge", subnet, gateway);
	}
	strings_free(names);
	return 0;
}

static void print_network_usage(FILE *out)
{
	fprintf(out,
		"Usage: mydocker network create [--driver bridge] --subnet CIDR NAME\n"
		"       mydocker network ls\n"
		"       mydocker network rm NAME...\n"
		"\n"
		"Networks: a bridge per network.\n"
		"\n"
		"Options of create:\n"
		"  --driver bridge   the only driver (the book's)\n"
		"  --subnet CIDR     its addresses, /8 to /30, like 198.18.1.0/24\n"
		"  -h, --help        print this help\n");
}

/* network rm NAME...: each name said as it goes. */
static int network_rm_command(int argc, char **argv)
{
	int failed = 0;

	if (argc == 0) {
		error_msg("network rm needs at least one network");
		return EXIT_MYDOCKER;
	}
	for (int i = 0; i < argc; i++) {
		if (network_remove(argv[i]) < 0)
			failed = 1;
		else
			printf("%s\n", argv[i]);
	}
	return failed ? EXIT_MYDOCKER : 0;
}

/* network create [--driver bridge] --subnet CIDR NAME */
static int network_create_command(int argc, char **argv, const char *driver, const char *subnet)
{
	if (!subnet || argc != 1) {
		error_msg("network create needs --subnet CIDR and a name");
		return EXIT_MYDOCKER;
	}
	if (network_create(argv[0], driver, subnet) < 0)
		return EXIT_MYDOCKER;
	printf("%s\n", argv[0]);
	return 0;
}

int network_command(int argc, char **argv)
{
	const char *driver = "bridge", *subnet = NULL;
	const struct flag flags[] = { { "--driver", 0, NULL, &driver }, { "--subnet", 0, NULL, &subnet },
				      { NULL, 0, NULL, NULL } };
	int code, i;

	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		print_network_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_MYDOCKER : 0;
	}
	i = command_flags(argc - 1, argv + 1, flags, print_network_usage, &code);
	if (i < 0)
		return code;
	i++; /* an index into argv */
	if (strcmp(argv[1], "ls") == 0 || strcmp(argv[1], "list") == 0) {
		if (i != argc) {
			error_msg("network ls takes no arguments");
			return EXIT_MYDOCKER;
		}
		return network_list();
	}
	if (require_root() < 0)
		return EXIT_MYDOCKER;
	if (strcmp(argv[1], "create") == 0)
		return network_create_command(argc - i, argv + i, driver, subnet);
	if (strcmp(argv[1], "rm") == 0 || strcmp(argv[1], "remove") == 0)
		return network_rm_command(argc - i, argv + i);
	error_msg("unknown network command: %s (create, ls, rm)", argv[1]);
	return EXIT_MYDOCKER;
}
