/* digest.c: a sha256 as OCI images write it, "sha256:" and 64 lowercase
 * hex digits, from nettle's sha256 (nettle(3), "SHA256"). */
#include <nettle/sha2.h>
#include <stdio.h>

#include "common.h"

/* "sha256:HEX" of what sha has hashed, into out (72 bytes or more). */
void sha256_hex(struct sha256_ctx *sha, char *out, size_t size)
{
	uint8_t sum[SHA256_DIGEST_SIZE];
	int at;

	sha256_digest(sha, sizeof sum, sum);
	at = snprintf(out, size, "sha256:");
	for (size_t i = 0; i < sizeof sum && at + 2 < (int)size; i++)
		at += snprintf(out + at, size - (size_t)at, "%02x", sum[i]);
}
