/* digest.c: a sha256 as OCI images write it, "sha256:" and 64 lowercase
 * hex digits, from nettle's sha256 (nettle(3), "SHA256"): of what a
 * context has hashed, of a string, or of a file. */
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

/* "sha256:HEX" of text (its bytes, without the '\0'), into out. */
void sha256_text(const char *text, char *out, size_t size)
{
	struct sha256_ctx sha;

	sha256_init(&sha);
	sha256_update(&sha, strlen(text), (const uint8_t *)text);
	sha256_hex(&sha, out, size);
}

/* "sha256:HEX" of the file at path, into out: 0, or -1 with errno. */
int sha256_file(const char *path, char *out, size_t size)
{
	struct sha256_ctx sha;
	char buf[64 * 1024];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	sha256_init(&sha);
	while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			sha256_update(&sha, (size_t)n, (const uint8_t *)buf);
	close(fd);
	if (n < 0)
		return -1;
	sha256_hex(&sha, out, size);
	return 0;
}
