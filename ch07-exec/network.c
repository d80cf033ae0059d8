/* network.c: networks (the book's CreateNetwork, BridgeNetworkDriver and
 * Connect). A network is a bridge on the host, a virtual switch named
 * after the network, with the subnet's first address (the gateway) on it;
 * MYDOCKER_ROOT/networks/NAME/ holds its config.json and its addresses
 * (ipam.c). A container on a network gets a veth pair, a virtual cable:
 * one end is plugged into the bridge, the other is moved into the
 * container's network namespace, where init names it eth0, gives it the
 * container's address and a default route via the gateway.
 *
 *   mydocker network create [--driver bridge] --subnet CIDR NAME
 *   mydocker network ls
 *   mydocker network rm NAME... */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "json.h"
#include "mydocker.h"

#define IP_FORWARD "/proc/sys/net/ipv4/ip_forward"

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

/* A bridge takes no IPv6 router advertisement: else a container could send
 * one and become the host's IPv6 default router (CVE-2020-13401; docker
 * writes accept_ra=0 on its bridges). A host without IPv6 has no file. */
static int refuse_router_adverts(const char *bridge)
{
	char path[PATH_MAX];

	snprintf(path, sizeof path, "/proc/sys/net/ipv6/conf/%s/accept_ra", bridge);
	if (write_file(path, "0") < 0 && errno != ENOENT) {
		error_errno("set %s", path);
		return -1;
	}
	return 0;
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
	if (refuse_router_adverts(n->name) < 0) {
		link_delete(n->name);
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

/* A network's way out: its masquerade and isolation rules (nat.c); and
 * ip_forward, which the host must have to pass a packet from one link to
 * another: turned on, and said, as docker does. And route_localnet on its
 * bridge, so that the host's own 127.0.0.1:HOSTPORT may be sent on to a
 * container (the kernel drops a 127.x source on any link but lo unless
 * that is set; ip-sysctl docs). */
static int open_to_the_outside(const struct network *n)
{
	char path[PATH_MAX], forward[4] = "";

	snprintf(path, sizeof path, "/proc/sys/net/ipv4/conf/%s/route_localnet", n->name);
	if (write_file(path, "1") < 0) {
		error_errno("set %s", path);
		return -1;
	}
	if (nat_add_network(n) < 0)
		return -1;
	if (read_file(IP_FORWARD, forward, sizeof forward) > 0 && forward[0] == '0') {
		if (write_file(IP_FORWARD, "1") < 0) {
			error_errno("turn on %s", IP_FORWARD);
			nat_remove_network(n->name, &n->subnet);
			return -1;
		}
		fprintf(stderr, "mydocker: turned on %s, so that containers reach other hosts (as docker does)\n",
			IP_FORWARD);
	}
	return 0;
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
	if (open_to_the_outside(n) < 0) {
		link_delete(n->name);
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

/* Does a running container hold an address in network? 1, with the first
 * in who; 0; or -1 when its addresses cannot be read (said): the network
 * is kept. */
static int network_in_use(const char *network, char *who, size_t size)
{
	char **holders = ipam_holders(network), id[CONTAINER_ID_LEN + 1];
	int used = 0;

	if (!holders) {
		error_errno("network %s: read which containers hold its addresses", network);
		return -1;
	}
	for (char **h = holders; *h && !used; h++) {
		struct record r;
		if (record_lookup(*h, id) == 0 && record_read(id, &r) == 0) {
			if (record_is_live(&r)) { /* starting counts */
				snprintf(who, size, "%s", r.name);
				used = 1;
			}
			record_free(&r);
		}
	}
	strings_free(holders);
	return used;
}

/* The bridge, the rules and the directory of a network no container uses. */
static int remove_unused(const struct network *n)
{
	char dir[PATH_MAX];

	if (nat_remove_network(n->name, &n->subnet) < 0)
		return -1; /* said */
	if (link_delete(n->name) < 0 && errno != ENODEV) {
		error_errno("delete bridge %s", n->name);
		return -1;
	}
	if (root_path(dir, sizeof dir, "networks/%s", n->name) < 0 || remove_tree(dir) < 0) {
		error_errno("remove %s", dir);
		return -1;
	}
	debug("network %s: rules and bridge deleted, %s removed", n->name, dir);
	return 0;
}

static int network_remove(const char *name)
{
	char who[MAX_NAME_LEN + 1];
	struct network n;
	int lock, used, ret = -1;

	if (network_read(name, &n) < 0 || (lock = networks_lock()) < 0)
		return -1;
	used = network_in_use(name, who, sizeof who);
	if (used > 0)
		error_msg("network %s is in use by container %s: stop it first (mydocker stop %s)", name, who, who);
	else if (used == 0)
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
		"Networks: a bridge per network, an address per container (run --net NAME).\n"
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

/* --- a container on a network --------------------------------------- */

/* `nft flush ruleset`, or a firewall that reloads its own rules, takes
 * table ip mydocker away with the rest, and every network its isolation
 * and masquerade: the next container on a network puts them all back
 * (mydocker check says they are gone). Under the networks' lock, so that
 * two starts do not both put them back. */
static int restore_network_rules(void)
{
	char **names;
	struct network n;
	int lock, ret = 0;

	if (nat_table_exists())
		return 0; /* as almost always: no need to wait for the lock */
	if ((lock = networks_lock()) < 0)
		return -1;
	names = nat_table_exists() ? NULL : network_names(); /* another start may have been first */
	for (char **name = names; name && *name; name++) {
		if (network_read(*name, &n) < 0 || nat_add_network(&n) < 0)
			ret = -1;
		else
			debug("table ip mydocker was gone: put back the rules of network %s", n.name);
	}
	strings_free(names);
	close(lock);
	return ret;
}

/* mydocker check: while networks exist, their table must be there. */
void check_network_rules(void)
{
	char **names = network_names();
	bool lost = names && names[0] && !nat_table_exists();

	check_report("network rules", !lost, lost ? "table ip mydocker is gone (nft flush ruleset?): "
		     "the networks have no isolation or masquerade" : "in place for every network",
		     "the next run --net puts them back");
	strings_free(names);
}

/* The book's Connect, before the container exists: its address in the
 * network --net names; without --net, nothing. */
int network_connect(struct connection *c, const struct run_options *opts, const char *id)
{
	memset(c, 0, sizeof *c);
	if (!opts->network)
		return 0;
	if (restore_network_rules() < 0 || network_read(opts->network, &c->network) < 0 ||
	    ipam_allocate(opts->network, &c->network.subnet, id, opts->ip, &c->address) < 0)
		return -1;
	snprintf(c->id, sizeof c->id, "%s", id);
	c->ports = opts->ports;
	c->n_ports = opts->n_ports;
	/* vethID: 11 of the id's 12 digits, to fit 15 characters */
	snprintf(c->host_end, sizeof c->host_end, "veth%.11s", id);
	c->allocated = true;
	return 0;
}

/* -p: the container's ports, mapped to its address. */
static int publish_ports(struct connection *c)
{
	char address[INET_ADDRSTRLEN];

	if (c->n_ports == 0)
		return 0;
	address_format(c->address, address, sizeof address);
	if (nat_add_ports(c->id, address, c->ports, c->n_ports) < 0)
		return -1;
	c->published = true;
	return 0;
}

/* Once the container's first process exists, waiting for its command: the
 * veth, its eth0 end made in that process's network namespace, the other
 * end plugged into the bridge; and its ports (-p) published. */
int network_plug(struct connection *c, pid_t pid)
{
	if (!c->allocated)
		return 0;
	if (link_add_veth(c->host_end, "eth0", pid) < 0) {
		error_errno("create veth %s", c->host_end);
		return -1;
	}
	c->linked = true;
	if (link_set_master(c->host_end, c->network.name) < 0 || link_set_up(c->host_end) < 0) {
		error_errno("plug %s into bridge %s", c->host_end, c->network.name);
		return -1;
	}
	debug("network %s: veth %s in the bridge, eth0 in the container", c->network.name, c->host_end);
	return publish_ports(c);
}

/* What init needs to set up eth0: "ADDRESS/PREFIX", and the gateway, kept
 * in c for as long as config points at them. */
void network_init_keys(struct connection *c, struct init_config *config)
{
	char address[INET_ADDRSTRLEN];

	if (!c->linked)
		return;
	address_format(c->address, address, sizeof address);
	snprintf(c->address_key, sizeof c->address_key, "%s/%d", address, c->network.subnet.prefix);
	address_format(subnet_gateway(&c->network.subnet), c->gateway_key, sizeof c->gateway_key);
	config->link = "eth0";
	config->address = c->address_key;
	config->gateway = c->gateway_key;
}

/* What ps shows of it: the network, and the address there. */
void network_record(const struct connection *c, struct record *r)
{
	if (!c->allocated)
		return;
	snprintf(r->network, sizeof r->network, "%s", c->network.name);
	address_format(c->address, r->ip, sizeof r->ip);
}

/* Undoes network_connect() once the container has exited: its ports, its
 * address back. Not the veth: a veth goes with either of its ends, and its eth0
 * end goes with the container's network namespace, which the kernel
 * destroys in the background once its last process has exited (deleting
 * it ourselves would wait for the network stack, ~30 ms). */
void network_disconnect(struct connection *c)
{
	if (c->published)
		nat_remove_ports(c->id);
	if (c->allocated)
		ipam_release(c->network.name, c->id);
	c->published = c->linked = c->allocated = false;
}

/* In init, in the container's network namespace, before its command: lo
 * up; and with a network, eth0 with its address and the default route. */
void configure_network(const struct init_config *config)
{
	char address[INET_ADDRSTRLEN + 4], *slash;
	struct in_addr in, gateway;

	if (link_set_up("lo") < 0)
		die_errno(EXIT_MYDOCKER, "init: bring lo up");
	if (!config->link)
		return;
	snprintf(address, sizeof address, "%s", config->address ? config->address : "");
	slash = strchr(address, '/');
	if (!slash || !config->gateway || inet_pton(AF_INET, config->gateway, &gateway) != 1)
		die_msg(EXIT_MYDOCKER, "init: no address or gateway came with link %s", config->link);
	*slash = '\0';
	if (inet_pton(AF_INET, address, &in) != 1 || address_add(config->link, in, atoi(slash + 1)) < 0 ||
	    link_set_up(config->link) < 0 || route_add_default(gateway) < 0)
		die_errno(EXIT_MYDOCKER, "init: set up %s (%s/%s via %s)", config->link, address, slash + 1,
			  config->gateway);
	debug("init: %s %s/%s, default via %s", config->link, address, slash + 1, config->gateway);
}

/* prune: link_delete(); a link the kernel removed meanwhile is gone too */
static int delete_link(const char *name)
{
	return link_delete(name) < 0 && errno != ENODEV ? -1 : 0;
}

/* Host ends of veths whose container nobody looks after: vethID, ID 11
 * hex digits (the kernel removes them with the container's namespace: one
 * that stays has a namespace something else holds on to). */
void prune_links(void)
{
	char prefix[CONTAINER_ID_LEN + 1], containers[PATH_MAX];
	struct dirent *e, *c;
	DIR *links = opendir("/sys/class/net"), *dir;

	if (root_path(containers, sizeof containers, "containers") < 0) {
		if (links)
			closedir(links);
		return; /* cannot tell which veths are looked after */
	}
	while (links && (e = readdir(links)) != NULL) {
		bool looked_after = false;
		if (strncmp(e->d_name, "veth", 4) != 0 || strlen(e->d_name) != 15 || strspn(e->d_name + 4, "0123456789abcdef") != 11)
			continue;
		snprintf(prefix, sizeof prefix, "%s", e->d_name + 4);
		dir = opendir(containers);
		while (dir && !looked_after && (c = readdir(dir)) != NULL)
			looked_after = strncmp(c->d_name, prefix, 11) == 0 && !workspace_is_abandoned(c->d_name);
		if (dir)
			closedir(dir);
		if (!looked_after)
			prune_leftover("link", e->d_name, "the veth of a container that is gone", delete_link);
	}
	if (links)
		closedir(links);
}

/* mydocker check: can a bridge and a veth be made? A child tries, in a
 * network namespace of its own, so the host sees nothing. */
/* What the child of check_network() could not do, by its exit status. */
static const char *const network_check_steps[] = {
	"bridge and veth can be made", "cannot make a network namespace", "cannot make a bridge",
	"cannot make a veth",
};

void check_network(void)
{
	int status = 1 << 8;
	pid_t pid = fork();

	if (pid == 0) {
		if (unshare(CLONE_NEWNET) < 0)
			_exit(1);
		if (link_add_bridge("mdcheck0") < 0)
			_exit(2);
		_exit(link_add_veth("mdcheck1", "mdcheck2", 0) < 0 ? 3 : 0);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) >= ARRAY_SIZE(network_check_steps))
		status = 1 << 8;
	check_report("network", WEXITSTATUS(status) == 0, network_check_steps[WEXITSTATUS(status)],
		     "modprobe bridge veth, or a kernel with CONFIG_BRIDGE and CONFIG_VETH");
}
