/* subnet.c: a network's subnet, A.B.C.D/N: parsed, its mask, its first
 * address (the network's own), its gateway (the next, the bridge's), its
 * broadcast address (the last), whether two overlap; and addresses as
 * text. Addresses are 32-bit numbers in host byte order here, so that
 * "the next address" is + 1 (inet_pton(3) gives network byte order). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "mydocker.h"

/* Ranges no network may take (RFC 6890): "this network", loopback (the
 * host's 127.0.0.1 services), link-local, multicast, reserved. */
static const struct { struct subnet range; const char *what; } special[] = {
	{ { 0x00000000, 8 }, "\"this network\", 0.0.0.0/8" },
	{ { 0x7f000000, 8 }, "loopback, 127.0.0.0/8" },
	{ { 0xa9fe0000, 16 }, "link-local, 169.254.0.0/16" },
	{ { 0xe0000000, 4 }, "multicast, 224.0.0.0/4" },
	{ { 0xf0000000, 4 }, "reserved, 240.0.0.0/4" },
};

/* A.B.C.D/N with N from 8 to 30, no host bits set (198.18.1.0/24, not
 * 198.18.1.7/24), outside the special ranges: 0, or -1 with why in error. */
int subnet_parse(const char *text, struct subnet *s, char *error, size_t size)
{
	char address[INET_ADDRSTRLEN], *end;
	const char *slash = strchr(text, '/');
	struct in_addr in;
	long prefix;

	if (!slash || (size_t)(slash - text) >= sizeof address) {
		snprintf(error, size, "invalid subnet %.80s: expected A.B.C.D/N, like 198.18.1.0/24", text);
		return -1;
	}
	memcpy(address, text, (size_t)(slash - text));
	address[slash - text] = '\0';
	errno = 0;
	prefix = strtol(slash + 1, &end, 10);
	if (inet_pton(AF_INET, address, &in) != 1 || slash[1] < '0' || slash[1] > '9' || *end || errno) {
		snprintf(error, size, "invalid subnet %.80s: expected A.B.C.D/N, like 198.18.1.0/24", text);
		return -1;
	}
	if (prefix < 8 || prefix > 30) {
		snprintf(error, size, "invalid subnet %.80s: the prefix must be from /8 to /30", text);
		return -1;
	}
	s->prefix = (int)prefix;
	s->address = ntohl(in.s_addr);
	if (s->address & ~subnet_mask(s)) {
		struct subnet aligned = { s->address & subnet_mask(s), s->prefix };
		char hint[32];
		subnet_format(&aligned, hint, sizeof hint);
		snprintf(error, size, "invalid subnet %.80s: host bits are set (did you mean %s?)", text, hint);
		return -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(special); i++) {
		if (subnets_overlap(s, &special[i].range)) {
			snprintf(error, size, "invalid subnet %.80s: it overlaps %s", text, special[i].what);
			return -1;
		}
	}
	return 0;
}

uint32_t subnet_mask(const struct subnet *s)
{
	return s->prefix == 0 ? 0 : ~0U << (32 - s->prefix);
}

uint32_t subnet_gateway(const struct subnet *s)
{
	return s->address + 1;
}

uint32_t subnet_broadcast(const struct subnet *s)
{
	return s->address | ~subnet_mask(s);
}

bool subnets_overlap(const struct subnet *a, const struct subnet *b)
{
	uint32_t mask = a->prefix < b->prefix ? subnet_mask(a) : subnet_mask(b);

	return (a->address & mask) == (b->address & mask);
}

void address_format(uint32_t address, char *out, size_t size)
{
	struct in_addr in = { htonl(address) };

	if (!inet_ntop(AF_INET, &in, out, (socklen_t)size))
		snprintf(out, size, "?");
}

void subnet_format(const struct subnet *s, char *out, size_t size)
{
	char address[INET_ADDRSTRLEN];

	address_format(s->address, address, sizeof address);
	snprintf(out, size, "%s/%d", address, s->prefix);
}
