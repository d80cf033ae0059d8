/* nat.c: a network's way out, with nftables (the book's MASQUERADE), and
 * the ports mapped into it (the book's configPortMapping), through
 * libnftables: the same commands `nft` takes, from mydocker itself. Every
 * rule mydocker makes is in one table of its own, `table ip mydocker`,
 * never in the host's: the table goes when its last rule does, and the
 * host's ruleset is as it was.
 *
 *   chain prerouting   (nat, dstnat)  traffic from elsewhere to HOSTPORT
 *   chain output       (nat, -100)    the host's own traffic to HOSTPORT
 *       fib daddr type local tcp dport 18080 dnat to 198.18.1.2:80
 *   chain postrouting  (nat, srcnat)  what leaves a network for elsewhere
 *       ip saddr 198.18.1.0/24 oifname != "net1" masquerade
 *       ip saddr 127.0.0.0/8 oifname "net1" masquerade
 *   chain forward      (filter, 0)    no network reaches another's bridge;
 *                                     from elsewhere, only answers and
 *                                     mapped ports
 *       iifname "net1" oifname @bridges oifname != "net1" drop
 *       oifname "net1" ct state established,related accept
 *       oifname "net1" ct status dnat accept
 *       oifname "net1" iifname "net1" accept
 *       oifname "net1" drop
 *   chain localhost    (filter, -300) no container reaches the host's 127.0.0.1
 *       iifname "net1" ip daddr 127.0.0.0/8 drop
 *   set bridges                       the bridges of all networks
 *
 * Each rule carries a comment that says whose it is, "net NAME" for a
 * network's, "port ID PROTO HOSTPORT" for a container's mapping; rules are
 * found by their comment and deleted by their handle. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

#define TABLE "ip mydocker"

/* A port number, 1 to 65535, all of text up to end; -1 if it is not one. */
static int port_number(const char *text, const char *end)
{
	char *stop;
	long n = strtol(text, &stop, 10);

	return text[0] >= '0' && text[0] <= '9' && stop == end && n >= 1 && n <= 65535 ? (int)n : -1;
}

/* -p [IP:]HOSTPORT:CONTAINERPORT[/tcp|/udp]; IP is one of the host's own
 * IPv4 addresses (docker's 127.0.0.1:8080:80: for the host alone). */
int parse_port(const char *text, struct port *p, char *error, size_t size)
{
	const char *colon = strchr(text, ':'), *slash = strchr(text, '/');
	const char *end = slash ? slash : text + strlen(text);
	struct in_addr ip;

	p->ip[0] = '\0';
	if (colon && strchr(colon + 1, ':') && colon - text < (long)sizeof p->ip) {
		snprintf(p->ip, sizeof p->ip, "%.*s", (int)(colon - text), text);
		text = colon + 1;
		colon = strchr(text, ':');
	}
	snprintf(p->proto, sizeof p->proto, "%s", slash ? slash + 1 : "tcp");
	if ((p->ip[0] && inet_pton(AF_INET, p->ip, &ip) != 1) ||
	    !colon || colon > end || (p->host = port_number(text, colon)) < 0 ||
	    (p->container = port_number(colon + 1, end)) < 0 ||
	    (strcmp(p->proto, "tcp") != 0 && strcmp(p->proto, "udp") != 0) || (slash && strlen(slash + 1) != 3)) {
		snprintf(error, size, "invalid -p %.80s: expected [IP:]HOSTPORT:CONTAINERPORT[/tcp|/udp], "
			 "ports 1 to 65535", text);
		return -1;
	}
	return 0;
}

/* nft with a command made like printf's, said on failure (a batch, by its
 * first line). */
static int nft_command(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int nft_command(const char *fmt, ...)
{
	char command[2048], error[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(command, sizeof command, fmt, ap);
	va_end(ap);
	if (nft_run(command, NULL, error, sizeof error) == 0)
		return 0;
	error_msg("nftables: %.*s%s: %s", (int)strcspn(command, "\n"), command, strchr(command, '\n') ? " ..." : "", error);
	return -1;
}

/* The table, its chains and its set; adding what exists changes nothing. */
static int ensure_table(void)
{
	return nft_command("add table " TABLE "\n"
			   "add chain " TABLE " prerouting { type nat hook prerouting priority dstnat; }\n"
			   "add chain " TABLE " output { type nat hook output priority -100; }\n"
			   "add chain " TABLE " postrouting { type nat hook postrouting priority srcnat; }\n"
			   "add chain " TABLE " forward { type filter hook forward priority 0; }\n"
			   "add chain " TABLE " localhost { type filter hook prerouting priority -300; }\n"
			   "add set " TABLE " bridges { type ifname; }");
}

/* The rules of the table, as (chain, handle, comment): 0, or -1 with
 * ENOENT when there is no table, another errno when they could not all be
 * read (a list cut short would make a table look empty that is not; then
 * *n is 0). Read from `list table` with handles, as text:
 *
 *     chain output {
 *         ... comment "port 0123456789ab tcp 18080" # handle 7
 *
 * (libnftables' JSON output would be easier to read, but its version in
 * Debian 12 asserts on a prefix like 127.0.0.0/8.) */
struct nat_rule {
	char chain[16];
	long long handle;
	char comment[64];
	uint32_t target; /* a DNAT's address ("dnat to A.B.C.D:PORT"), or 0 */
};

static uint32_t dnat_target(const char *line)
{
	const char *dnat = strstr(line, "dnat to ");
	char address[INET_ADDRSTRLEN];
	struct in_addr in;

	if (!dnat || sscanf(dnat, "dnat to %15[0-9.]", address) != 1 || inet_pton(AF_INET, address, &in) != 1)
		return 0;
	return ntohl(in.s_addr);
}

static int list_rules(struct nat_rule **rules, size_t *n)
{
	char *text = NULL, *line, *save, chain[16] = "", error[512];
	struct nat_rule *bigger;

	*rules = NULL;
	*n = 0;
	if (nft_run("list table " TABLE, &text, error, sizeof error) < 0) {
		errno = strstr(error, "No such file or directory") ? ENOENT : EIO;
		return -1;
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *handle = strstr(line, "# handle "), *comment = strstr(line, "comment \"");
		char word[8] = "";
		sscanf(line, " %7s", word);
		if (sscanf(line, " chain %15s {", chain) == 1 || !handle || strcmp(word, "table") == 0 ||
		    strcmp(word, "set") == 0)
			continue; /* the table's, its chains' and its set's own lines have handles too */
		if (!(bigger = realloc(*rules, (*n + 1) * sizeof **rules))) {
			free(*rules);
			free(text);
			*rules = NULL;
			*n = 0;
			errno = ENOMEM;
			return -1;
		}
		*rules = bigger;
		snprintf(bigger[*n].chain, sizeof bigger[*n].chain, "%s", chain);
		bigger[*n].comment[0] = '\0';
		if (comment)
			sscanf(comment, "comment \"%63[^\"]\"", bigger[*n].comment);
		bigger[*n].handle = atoll(handle + strlen("# handle "));
		bigger[*n].target = dnat_target(line);
		(*n)++;
	}
	free(text);
	return 0;
}

/* Does the rule's comment say comment: all of it, or with prefix, its
 * start? A network's rules say exactly "net NAME" (by its start, network
 * n1 would take n10's rules too); a container's, "port ID ...". With into,
 * a container's rule whose DNAT goes into that subnet too. */
static bool says(const struct nat_rule *rule, const char *comment, bool prefix, const struct subnet *into)
{
	if (into && strncmp(rule->comment, "port ", 5) == 0 && rule->target &&
	    (rule->target & subnet_mask(into)) == into->address)
		return true;
	if (prefix)
		return strncmp(rule->comment, comment, strlen(comment)) == 0;
	return strcmp(rule->comment, comment) == 0;
}

/* Deletes the rules that say comment (see says()), and the connections
 * their DNATs made; then the table, if that leaves it empty. */
static int delete_rules(const char *comment, bool prefix, const struct subnet *into)
{
	struct nat_rule *rules;
	size_t n, left = 0;
	int ret = 0;

	if (list_rules(&rules, &n) < 0) {
		if (errno == ENOENT)
			return 0; /* no table: nothing of ours */
		error_errno("nftables: read the rules of table " TABLE);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (!says(&rules[i], comment, prefix, into))
			left++;
		else if (nft_command("delete rule " TABLE " %s handle %lld", rules[i].chain, rules[i].handle) < 0)
			ret = -1;
	}
	for (size_t i = 0; i < n; i++) /* the DNATs are gone, their connections can go: once a mapping */
		if (rules[i].target && strcmp(rules[i].chain, "prerouting") == 0 && says(&rules[i], comment, prefix, into))
			conntrack_forget(rules[i].target);
	free(rules);
	if (ret == 0 && left == 0)
		ret = nft_command("delete table " TABLE);
	return ret;
}

/* MYDOCKER_ROOT/networks/.nat-lock, held while the rules are read and
 * changed: the table is not deleted with one network's last rule while
 * another's are added, and two runs cannot map one port. An fd to close,
 * or -1. */
static int nat_lock(void)
{
	char path[PATH_MAX] = "networks/.nat-lock";
	int fd = root_path(path, sizeof path, "networks/.nat-lock") < 0 ? -1 : lock_file(path);

	if (fd < 0)
		error_errno("lock %s", path);
	return fd;
}

/* A network's outbound NAT: what leaves its subnet by another link than
 * its bridge goes out with the host's address; and the host's own traffic
 * to a mapped port at 127.0.0.1, sent on into the bridge, gets the
 * gateway's address (a container cannot answer 127.0.0.1). With
 * ip_forward on, the host would route from one network's bridge to
 * another's: dropped, as docker isolates its networks; and from any other
 * host with a route to the subnet, to every port of every container: only
 * the answers to the containers' own connections go in, as docker does
 * since 28.0 (moby#48724), and what a -p mapping sent on (ct status dnat).
 * And the bridge has route_localnet (network.c), which makes the kernel
 * take a packet to 127.0.0.0/8 that arrives on it: a container could reach
 * the services the host keeps to itself on 127.0.0.1 (CVE-2020-8558;
 * kube-proxy drops such packets). Dropped before conntrack and NAT
 * (priority raw), where the replies to the host's own 127.0.0.1:HOSTPORT
 * still carry the gateway's address, not 127.0.0.1. */
int nat_add_network(const struct network *n)
{
	char subnet[32];
	int lock = nat_lock(), ret = -1;

	if (lock < 0)
		return -1;
	subnet_format(&n->subnet, subnet, sizeof subnet);
	/* one batch, one transaction: all of these rules, or none (%1$s: the
	 * name, %2$s: the subnet; printf(3)'s numbered arguments) */
	if (ensure_table() == 0 &&
	    nft_command("add rule " TABLE " postrouting ip saddr %2$s oifname != \"%1$s\" masquerade comment \"net %1$s\"\n"
			"add rule " TABLE " postrouting ip saddr 127.0.0.0/8 oifname \"%1$s\" masquerade comment \"net %1$s\"\n"
			"add element " TABLE " bridges { \"%1$s\" }\n"
			"add rule " TABLE " forward iifname \"%1$s\" oifname @bridges oifname != \"%1$s\" drop comment \"net %1$s\"\n"
			"add rule " TABLE " forward oifname \"%1$s\" ct state established,related accept comment \"net %1$s\"\n"
			"add rule " TABLE " forward oifname \"%1$s\" ct status dnat accept comment \"net %1$s\"\n"
			"add rule " TABLE " forward oifname \"%1$s\" iifname \"%1$s\" accept comment \"net %1$s\"\n"
			"add rule " TABLE " forward oifname \"%1$s\" drop comment \"net %1$s\"\n"
			"add rule " TABLE " localhost iifname \"%1$s\" ip daddr 127.0.0.0/8 drop comment \"net %1$s\"",
			n->name, subnet) == 0)
		ret = 0;
	close(lock);
	if (ret < 0)
		nat_remove_network(n->name, NULL);
	return ret;
}

/* The bridge out of the set bridges, if it is there (a network whose
 * creation failed halfway may not have got there). */
static void forget_bridge(const char *name)
{
	char command[128], error[512];

	snprintf(command, sizeof command, "delete element " TABLE " bridges { \"%s\" }", name);
	nft_run(command, NULL, error, sizeof error);
}

/* A network's rules, and the port rules into its subnet that a killed
 * mydocker left (a container given one of its addresses later would be
 * published without a -p, and get their connections). */
int nat_remove_network(const char *name, const struct subnet *subnet)
{
	char comment[64];
	int lock = nat_lock(), ret;

	if (lock < 0)
		return -1;
	snprintf(comment, sizeof comment, "net %s", name);
	forget_bridge(name);
	ret = delete_rules(comment, false, subnet);
	close(lock);
	return ret;
}

/* Is proto/port mapped already? 1, with the container that maps it in
 * who; 0; or -1 when the rules cannot be read (said). */
static int port_taken(const struct port *p, char *who, size_t size)
{
	struct nat_rule *rules;
	char suffix[32];
	size_t n;
	int taken = 0;

	snprintf(suffix, sizeof suffix, " %s %d", p->proto, p->host);
	if (list_rules(&rules, &n) < 0) {
		if (errno == ENOENT)
			return 0;
		error_errno("nftables: read the rules of table " TABLE);
		return -1;
	}
	for (size_t i = 0; i < n && !taken; i++) {
		size_t len = strlen(rules[i].comment);
		if (strncmp(rules[i].comment, "port ", 5) == 0 && len > strlen(suffix) &&
		    strcmp(rules[i].comment + len - strlen(suffix), suffix) == 0) {
			snprintf(who, size, "%.12s", rules[i].comment + 5);
			taken = 1;
		}
	}
	free(rules);
	return taken;
}

/* The host ports of this process's container, bound for as long as they
 * are mapped, as docker's proxy binds them: a host service that has a port
 * makes the start fail rather than lose its traffic to the DNAT, and none
 * can take the port while the container has it. (Close-on-exec: they stay
 * with the mydocker that runs the container. Nothing reaches them: the
 * DNAT sends every packet for the port on to the container.) One process
 * runs one container, which maps at most MAX_PORTS ports. */
static int reserved[MAX_PORTS];
static int n_reserved;

static int reserve_host_port(const struct port *p)
{
	struct sockaddr_in any = { .sin_family = AF_INET, .sin_port = htons((uint16_t)p->host),
				   .sin_addr.s_addr = htonl(INADDR_ANY) };
	bool tcp = strcmp(p->proto, "tcp") == 0;
	int fd = socket(AF_INET, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0), on = 1;

	/* TCP: a port's old connections (TIME_WAIT) do not keep it, a listener
	 * does; and listening, the port cannot be bound by another that sets
	 * SO_REUSEADDR too (socket(7)) */
	if (p->ip[0])
		inet_pton(AF_INET, p->ip, &any.sin_addr); /* checked by parse_port() */
	if (fd >= 0 && (!tcp || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == 0) &&
	    bind(fd, (struct sockaddr *)&any, sizeof any) == 0 && (!tcp || listen(fd, 1) == 0)) {
		reserved[n_reserved++] = fd;
		return 0;
	}
	if (errno == EADDRINUSE)
		error_msg("port %d/%s is in use on this host (address already in use)", p->host, p->proto);
	else if (errno == EADDRNOTAVAIL)
		error_msg("-p %s:%d: %s is not an address of this host", p->ip, p->host, p->ip);
	else
		error_errno("bind port %d/%s on this host", p->host, p->proto);
	if (fd >= 0)
		close(fd);
	return -1;
}

static void release_host_ports(void)
{
	while (n_reserved > 0)
		close(reserved[--n_reserved]);
}

/* -p [IP:]HOSTPORT:CONTAINERPORT/PROTO of container id at address: DNAT
 * from elsewhere (prerouting) and from the host itself (output), for
 * traffic to IP, or to any of the host's own addresses (fib daddr type
 * local). A host port maps once, whatever IP. */
int nat_add_ports(const char *id, const char *address, const struct port *ports, int n)
{
	char who[16];
	int lock, ret = 0;

	if (n == 0)
		return 0;
	if ((lock = nat_lock()) < 0)
		return -1;
	if (ensure_table() < 0)
		ret = -1;
	for (int i = 0; ret == 0 && i < n; i++) {
		const struct port *p = &ports[i];
		int taken = port_taken(p, who, sizeof who);
		if (taken > 0)
			error_msg("port %d/%s is mapped already, by container %s", p->host, p->proto, who);
		if (taken != 0 || reserve_host_port(p) < 0) {
			ret = -1;
			break;
		}
		for (int c = 0; ret == 0 && c < 2; c++)
			ret = nft_command("add rule " TABLE " %s %s%s %s dport %d dnat to %s:%d "
					  "comment \"port %s %s %d\"", c == 0 ? "prerouting" : "output",
					  p->ip[0] ? "ip daddr " : "fib daddr type local", p->ip, p->proto,
					  p->host, address, p->container, id, p->proto, p->host);
	}
	close(lock);
	if (ret < 0)
		nat_remove_ports(id);
	else
		debug("nat: %d port(s) of %s mapped", n, id);
	return ret;
}

int nat_remove_ports(const char *id)
{
	char prefix[32];
	int lock = nat_lock(), ret;

	if (lock < 0)
		return -1;
	snprintf(prefix, sizeof prefix, "port %s ", id);
	ret = delete_rules(prefix, true, NULL);
	close(lock);
	release_host_ports();
	return ret;
}

/* prune: "port ID ..." rules whose container nobody looks after. */
void prune_ports(void)
{
	struct nat_rule *rules;
	char id[CONTAINER_ID_LEN + 1], seen[CONTAINER_ID_LEN + 2] = "";
	size_t n;

	if (list_rules(&rules, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(rules[i].comment, "port ", 5) != 0 ||
		    sscanf(rules[i].comment + 5, "%12s", id) != 1 || strcmp(id, seen) == 0)
			continue;
		snprintf(seen, sizeof seen, "%s", id);
		if (workspace_is_abandoned(id))
			prune_leftover("ports", id, "the port mapping of a container that is gone", nat_remove_ports);
	}
	free(rules);
}

bool nat_table_exists(void)
{
	return nft_table_exists("mydocker");
}

/* mydocker check: can mydocker make its table? (It is removed at once.) */
void check_nat(void)
{
	char error[512] = "";
	bool existed = nat_table_exists();
	bool ok = existed || (nft_run("add table " TABLE, NULL, error, sizeof error) == 0 &&
			      nft_run("delete table " TABLE, NULL, error, sizeof error) == 0);
	char forward[4] = "";

	check_report("nftables", ok, ok ? "table ip mydocker can be made" : error,
		     "a kernel with nf_tables and nft_nat (modprobe nf_tables nft_chain_nat)");
	/* not a failure: network create turns it on */
	read_file("/proc/sys/net/ipv4/ip_forward", forward, sizeof forward);
	check_report("ip_forward", true, forward[0] == '1' ? "on" : "off: network create turns it on", "");
}
