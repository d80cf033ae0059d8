/* ipam.c: which addresses of a network's subnet are taken, and by which
 * container (the book's ipAllocator). One file per network,
 * MYDOCKER_ROOT/networks/NAME/addresses, a line "ADDRESS CONTAINER-ID" per
 * address handed out; a run takes the lowest free one. The network's own
 * address (all host bits 0), its gateway (the first address, the bridge's)
 * and its broadcast address (all host bits 1) are never handed out.
 *
 * Many runs may allocate at once: each reads and rewrites the file while
 * holding an exclusive flock(2) on networks/NAME/lock, and writes it whole
 * (a temp file renamed over it), so a crash never leaves half a file. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

struct allocation {
	uint32_t address; /* host byte order */
	char id[CONTAINER_ID_LEN + 1];
};

/* The lock of network's addresses, held: an fd to close, or -1. */
static int ipam_lock(const char *network)
{
	char path[PATH_MAX];
	int fd = -1;

	if (root_path(path, sizeof path, "networks/%s/lock", network) == 0)
		fd = lock_file(path);
	if (fd < 0)
		error_errno("lock the addresses of network %s", network);
	return fd;
}

/* The allocations of network (a malloc'd array, n of them); 0, or -1. */
static int read_allocations(const char *network, struct allocation **out, size_t *n)
{
	char path[PATH_MAX], address[INET_ADDRSTRLEN], id[CONTAINER_ID_LEN + 1], *text, *line, *save;
	struct allocation *all = NULL, *bigger;
	struct in_addr in;

	*out = NULL;
	*n = 0;
	if (root_path(path, sizeof path, "networks/%s/addresses", network) < 0)
		return -1;
	text = read_file_all(path);
	if (!text)
		return errno == ENOENT ? 0 : -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%15s %12s", address, id) != 2 || inet_pton(AF_INET, address, &in) != 1)
			continue; /* not ours: skip it rather than hand its address out twice */
		bigger = realloc(all, (*n + 1) * sizeof *all);
		if (!bigger) {
			free(all);
			free(text);
			return -1;
		}
		all = bigger;
		all[*n].address = ntohl(in.s_addr);
		snprintf(all[*n].id, sizeof all[*n].id, "%s", id);
		(*n)++;
	}
	free(text);
	*out = all;
	return 0;
}

static int write_allocations(const char *network, const struct allocation *all, size_t n)
{
	char path[PATH_MAX], *text = malloc(n * 32 + 1);
	int ret = -1;

	if (text && root_path(path, sizeof path, "networks/%s/addresses", network) == 0) {
		char address[INET_ADDRSTRLEN];
		size_t len = 0;
		text[0] = '\0';
		for (size_t i = 0; i < n; i++) {
			address_format(all[i].address, address, sizeof address);
			len += (size_t)sprintf(text + len, "%s %s\n", address, all[i].id);
		}
		ret = write_file_atomic(path, text);
	}
	free(text);
	return ret;
}

static int by_address(const void *a, const void *b)
{
	uint32_t x = ((const struct allocation *)a)->address, y = ((const struct allocation *)b)->address;

	return x < y ? -1 : x > y;
}

/* The lowest address from the gateway's next to the broadcast's previous
 * that no allocation has; 0 when the subnet is full. */
static uint32_t lowest_free(const struct subnet *s, struct allocation *all, size_t n)
{
	uint32_t candidate = subnet_gateway(s) + 1;

	qsort(all, n, sizeof *all, by_address);
	for (size_t i = 0; i < n && candidate < subnet_broadcast(s); i++) {
		if (all[i].address == candidate)
			candidate++;
		else if (all[i].address > candidate)
			break;
	}
	return candidate < subnet_broadcast(s) ? candidate : 0;
}

/* wanted (--ip), checked: in the subnet, a container's, and free. */
static uint32_t wanted_address(const char *wanted, const struct subnet *s, const struct allocation *all, size_t n)
{
	struct in_addr in;
	uint32_t address;

	if (inet_pton(AF_INET, wanted, &in) != 1) {
		error_msg("invalid --ip %s: expected an address like 198.18.1.7", wanted);
		return 0;
	}
	address = ntohl(in.s_addr);
	if ((address & subnet_mask(s)) != s->address || address <= subnet_gateway(s) ||
	    address >= subnet_broadcast(s)) {
		error_msg("--ip %s: not an address a container can have in this network", wanted);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (all[i].address == address) {
			error_msg("--ip %s: taken by container %s", wanted, all[i].id);
			return 0;
		}
	}
	return address;
}

/* An address of network (subnet s) for container id: wanted, or the lowest
 * free one. 0, or -1, said ("subnet full", a taken --ip). */
int ipam_allocate(const char *network, const struct subnet *s, const char *id, const char *wanted,
		  uint32_t *address)
{
	struct allocation *all, *bigger;
	size_t n;
	int lock = ipam_lock(network), ret = -1;

	if (lock < 0)
		return -1;
	if (read_allocations(network, &all, &n) < 0) {
		error_errno("read the addresses of network %s", network);
		close(lock);
		return -1;
	}
	*address = wanted ? wanted_address(wanted, s, all, n) : lowest_free(s, all, n);
	if (*address == 0 && !wanted) {
		char text[32];
		subnet_format(s, text, sizeof text);
		error_msg("network %s: subnet full: every address of %s is taken", network, text);
	} else if (*address != 0 && (bigger = realloc(all, (n + 1) * sizeof *all))) {
		all = bigger;
		all[n].address = *address;
		snprintf(all[n].id, sizeof all[n].id, "%s", id);
		ret = write_allocations(network, all, n + 1);
		if (ret < 0)
			error_errno("write the addresses of network %s", network);
	}
	free(all);
	close(lock);
	return ret;
}

/* Gives back every address of network that container id has. */
int ipam_release(const char *network, const char *id)
{
	struct allocation *all;
	size_t n;
	int lock = ipam_lock(network), ret = -1;

	if (lock < 0)
		return -1;
	if (read_allocations(network, &all, &n) == 0) {
		size_t kept = 0;
		for (size_t i = 0; i < n; i++)
			if (strcmp(all[i].id, id) != 0)
				all[kept++] = all[i];
		ret = kept == n ? 0 : write_allocations(network, all, kept);
		free(all);
	}
	if (ret < 0)
		error_errno("give back the address of container %s in network %s", id, network);
	close(lock);
	return ret;
}

/* The ids of the containers that hold addresses in network, for network
 * rm and prune: a list for strings_free(), or NULL. */
char **ipam_holders(const char *network)
{
	struct allocation *all;
	char **ids = strings_copy(NULL);
	size_t n;

	if (!ids || read_allocations(network, &all, &n) < 0) {
		strings_free(ids);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (strings_add(&ids, all[i].id) < 0) {
			strings_free(ids);
			ids = NULL;
			break;
		}
	free(all);
	return ids;
}

/* prune: "NETWORK:ID" -> ipam_release(NETWORK, ID) */
static int release_holder(const char *path)
{
	char network[PATH_MAX];
	const char *colon = strrchr(path, ':');

	if (!colon || (size_t)(colon - path) >= sizeof network) {
		errno = EINVAL;
		return -1;
	}
	memcpy(network, path, (size_t)(colon - path));
	network[colon - path] = '\0';
	return ipam_release(network, colon + 1);
}

/* Addresses held by containers whose layer nobody looks after any more
 * (mydocker was killed before it could give them back). */
void prune_addresses(void)
{
	char dir[PATH_MAX], holder[PATH_MAX + 32];
	struct dirent *e;
	DIR *d;

	d = root_path(dir, sizeof dir, "networks") < 0 ? NULL : opendir(dir);
	while (d && (e = readdir(d)) != NULL) {
		char **holders = e->d_name[0] == '.' ? NULL : ipam_holders(e->d_name);
		for (char **h = holders; h && *h; h++) {
			if (!workspace_is_abandoned(*h))
				continue;
			snprintf(holder, sizeof holder, "%s:%s", e->d_name, *h);
			prune_leftover("address", holder, "its container is gone", release_holder);
		}
		strings_free(holders);
	}
	if (d)
		closedir(d);
}
