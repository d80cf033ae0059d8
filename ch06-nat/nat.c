/* nat.c: a network's way out, with nftables (the book's MASQUERADE),
 * through libnftables: the same commands `nft` takes, from mydocker
 * itself. Every rule mydocker makes is in one table of its own, `table ip
 * mydocker`, never in the host's: the table goes when its last rule does,
 * and the host's ruleset is as it was.
 *
 *   chain postrouting  (nat, srcnat)  what leaves a network for elsewhere
 *       ip saddr 198.18.1.0/24 oifname != "net1" masquerade
 *   chain forward      (filter, 0)    no network reaches another's bridge;
 *                                     from elsewhere, only answers
 *       iifname "net1" oifname @bridges oifname != "net1" drop
 *       oifname "net1" ct state established,related accept
 *       oifname "net1" iifname "net1" accept
 *       oifname "net1" drop
 *   set bridges                       the bridges of all networks
 *
 * Each rule carries a comment that says whose it is, "net NAME" for a
 * network's; rules are found by their comment and deleted by their
 * handle. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

#define TABLE "ip mydocker"

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
			   "add chain " TABLE " postrouting { type nat hook postrouting priority srcnat; }\n"
			   "add chain " TABLE " forward { type filter hook forward priority 0; }\n"
			   "add set " TABLE " bridges { type ifname; }");
}

/* The rules of the table, as (chain, handle, comment): 0, or -1 with
 * ENOENT when there is no table, another errno when they could not all be
 * read (a list cut short would make a table look empty that is not; then
 * *n is 0). Read from `list table` with handles, as text:
 *
 *     chain postrouting {
 *         ... comment "net net1" # handle 7
 *
 * (libnftables' JSON output would be easier to read, but its version in
 * Debian 12 asserts on a prefix like 127.0.0.0/8.) */
struct nat_rule {
	char chain[16];
	long long handle;
	char comment[64];
};

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
		(*n)++;
	}
	free(text);
	return 0;
}

/* Deletes the rules that say comment, all of it (network n1 is not the
 * start of n10's); then the table, if that leaves it empty. */
static int delete_rules(const char *comment)
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
		if (strcmp(rules[i].comment, comment) != 0)
			left++;
		else if (nft_command("delete rule " TABLE " %s handle %lld", rules[i].chain, rules[i].handle) < 0)
			ret = -1;
	}
	free(rules);
	if (ret == 0 && left == 0)
		ret = nft_command("delete table " TABLE);
	return ret;
}

/* MYDOCKER_ROOT/networks/.nat-lock, held while the rules are read and
 * changed: the table is not deleted with one network's last rule while
 * another's are added. An fd to close, or -1. */
static int nat_lock(void)
{
	char path[PATH_MAX] = "networks/.nat-lock";
	int fd = root_path(path, sizeof path, "networks/.nat-lock") < 0 ? -1 : lock_file(path);

	if (fd < 0)
		error_errno("lock %s", path);
	return fd;
}

/* A network's outbound NAT: what leaves its subnet by another link than
 * its bridge goes out with the host's address. With ip_forward on, the
 * host would route from one network's bridge to another's: dropped, as
 * docker isolates its networks; and from any other host with a route to
 * the subnet, to every port of every container: only the answers to the
 * containers' own connections go in, as docker does since 28.0
 * (moby#48724). */
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
			"add element " TABLE " bridges { \"%1$s\" }\n"
			"add rule " TABLE " forward iifname \"%1$s\" oifname @bridges oifname != \"%1$s\" drop comment \"net %1$s\"\n"
			"add rule " TABLE " forward oifname \"%1$s\" ct state established,related accept comment \"net %1$s\"\n"
			"add rule " TABLE " forward oifname \"%1$s\" iifname \"%1$s\" accept comment \"net %1$s\"\n"
			"add rule " TABLE " forward oifname \"%1$s\" drop comment \"net %1$s\"",
			n->name, subnet) == 0)
		ret = 0;
	close(lock);
	if (ret < 0)
		nat_remove_network(n->name);
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

/* A network's rules. */
int nat_remove_network(const char *name)
{
	char comment[64];
	int lock = nat_lock(), ret;

	if (lock < 0)
		return -1;
	snprintf(comment, sizeof comment, "net %s", name);
	forget_bridge(name);
	ret = delete_rules(comment);
	close(lock);
	return ret;
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
