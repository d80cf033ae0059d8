/* names.c: container names. Every container has one: --name NAME, or one
 * made up the way docker does, an adjective and the name of someone who
 * made computing what it is. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "common.h"
#include "mydocker.h"

/* A name is one directory entry (name_is_valid()), at most 64 characters:
 * MYDOCKER_RUN/names/NAME. */
bool container_name_is_valid(const char *name)
{
	return name_is_valid(name, MAX_NAME_LEN);
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
