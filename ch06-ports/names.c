/* names.c: container names. Every container has one: --name NAME, or one
 * made up the way docker does, an adjective and the name of someone who
 * made computing what it is. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "common.h"
#include "mydocker.h"

/* [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 64: no '/', so a name is one
 * directory entry, and no leading '.', so never "." or "..". */
bool container_name_is_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > MAX_NAME_LEN || !strchr(
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", name[0]))
		return false;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == len;
}

static const char *const adjectives[] = {
	"brave", "calm", "clever", "eager", "fair", "gentle", "happy", "jolly", "keen",
	"kind", "lucid", "merry", "nimble", "proud", "quick", "quiet", "sharp", "silly",
	"steady", "sunny", "swift", "tender", "upbeat", "vivid", "wise", "witty", "zen",
};
static const char *const people[] = {
	"allen", "babbage", "backus", "cerf", "dijkstra", "hamilton", "hopper", "kahn",
	"kernighan", "knuth", "lamport", "liskov", "lovelace", "mccarthy", "perlman",
	"ritchie", "shannon", "sutherland", "tanenbaum", "thompson", "torvalds", "turing",
	"wirth", "yonath",
};

void generate_name(char *out, size_t size)
{
	unsigned short r[2] = { 0, 0 };

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		r[1] = (unsigned short)(r[0] + 7);
	snprintf(out, size, "%s_%s", adjectives[r[0] % ARRAY_SIZE(adjectives)],
		 people[r[1] % ARRAY_SIZE(people)]);
}
