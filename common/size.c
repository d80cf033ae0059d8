/* size.c: sizes as docker's flags take them: a number with an optional
 * unit b, k, m or g (powers of 1024, any case, an optional trailing "b":
 * "100m", "100MB", "1g", "4096"), and back. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common.h"

static int unit_shift(const char *unit, unsigned *shift)
{
	static const struct { const char *name; unsigned shift; } units[] = {
		{ "", 0 },    { "b", 0 },   { "k", 10 },  { "kb", 10 },
		{ "m", 20 },  { "mb", 20 }, { "g", 30 },  { "gb", 30 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (strcasecmp(unit, units[i].name) == 0) {
			*shift = units[i].shift;
			return 0;
		}
	}
	return -1;
}

int parse_size(const char *text, uint64_t *bytes)
{
	unsigned long long number;
	unsigned shift;
	char *end;

	if (!isdigit((unsigned char)text[0])) {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	number = strtoull(text, &end, 10);
	if (errno == ERANGE)
		return -1;
	if (unit_shift(end, &shift) < 0) {
		errno = EINVAL;
		return -1;
	}
	if (number > (UINT64_MAX >> shift)) {
		errno = ERANGE;
		return -1;
	}
	*bytes = (uint64_t)number << shift;
	return 0;
}

/* 104857600 -> "100m"; a size that is no whole number of k, m or g stays
 * in bytes. */
void format_size(uint64_t bytes, char *out, size_t size)
{
	if (bytes && bytes % (1ULL << 30) == 0)
		snprintf(out, size, "%llug", (unsigned long long)(bytes >> 30));
	else if (bytes && bytes % (1ULL << 20) == 0)
		snprintf(out, size, "%llum", (unsigned long long)(bytes >> 20));
	else if (bytes && bytes % (1ULL << 10) == 0)
		snprintf(out, size, "%lluk", (unsigned long long)(bytes >> 10));
	else
		snprintf(out, size, "%llu", (unsigned long long)bytes);
}
