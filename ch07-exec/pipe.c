/* pipe.c: what the parent tells init, over a pipe that init finds on fd 3
 * (the book's sendInitCommand and readUserCommand). A command line has
 * limits a pipe has not: no quoting to get wrong, any length (the kernel caps
 * one argv string at 128 KiB and all of them at a quarter of the stack
 * limit, execve(2)), and it is not on show in /proc/PID/cmdline.
 *
 * The message is a list of key/value pairs, each key and value ended by a
 * '\0', so later chapters can send more than the command (every key is in
 * encode_init_config()):
 *
 *     arg\0sh\0  arg\0-c\0  arg\0echo "a b"\0  end\0\0
 *
 * "end" comes last: a message cut short (mydocker died while writing) is
 * told apart from a whole one. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

struct buffer {
	char *data;
	size_t len, size;
};

static int append(struct buffer *b, const char *s)
{
	size_t n = strlen(s) + 1;

	if (b->len + n > b->size) {
		size_t size = (b->size ? b->size * 2 : 4096) + n;
		char *data = realloc(b->data, size);
		if (!data)
			return -1;
		b->data = data;
		b->size = size;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	return 0;
}

static int append_pair(struct buffer *b, const char *key, const char *value)
{
	return append(b, key) < 0 || append(b, value) < 0 ? -1 : 0;
}

/* config -> a malloc'd message of *len bytes. */
char *encode_init_config(const struct init_config *config, size_t *len)
{
	struct buffer b = { 0 };

	for (char **arg = config->argv; *arg; arg++)
		if (append_pair(&b, "arg", *arg) < 0)
			goto fail;
	if (config->root && append_pair(&b, "root", config->root) < 0)
		goto fail;
	for (char **e = config->env; e && *e; e++)
		if (append_pair(&b, "env", *e) < 0)
			goto fail;
	if (config->tty && append_pair(&b, "tty", config->tty) < 0)
		goto fail;
	if (config->hostname && append_pair(&b, "hostname", config->hostname) < 0)
		goto fail;
	for (char **v = config->volumes; v && *v; v++)
		if (append_pair(&b, "volume", *v) < 0)
			goto fail;
	if (config->dir && append_pair(&b, "dir", config->dir) < 0)
		goto fail;
	if (config->user && append_pair(&b, "user", config->user) < 0)
		goto fail;
	if (config->pid && append_pair(&b, "pid", config->pid) < 0)
		goto fail;
	if (config->link && append_pair(&b, "link", config->link) < 0)
		goto fail;
	if (config->address && append_pair(&b, "address", config->address) < 0)
		goto fail;
	if (config->gateway && append_pair(&b, "gateway", config->gateway) < 0)
		goto fail;
	if (append_pair(&b, "end", "") < 0)
		goto fail;
	*len = b.len;
	return b.data;
fail:
	free(b.data);
	return NULL;
}

/* Appends to a NULL-terminated list of n strings. */
static int add_to_list(char ***list, size_t *n, const char *s)
{
	char **bigger = realloc(*list, (*n + 2) * sizeof *bigger);

	if (!bigger)
		return -1;
	*list = bigger;
	bigger[(*n)++] = (char *)s;
	bigger[*n] = NULL;
	return 0;
}

/* How many strings each list of config has, while it is decoded. */
struct counts {
	size_t args, env, volumes;
};

/* One pair into config: 0, or -1 for a key this program does not know, or
 * a list that cannot grow. */
static int decode_pair(struct init_config *config, struct counts *n, const char *key, const char *value)
{
	if (strcmp(key, "arg") == 0)
		return add_to_list(&config->argv, &n->args, value);
	if (strcmp(key, "env") == 0)
		return add_to_list(&config->env, &n->env, value);
	if (strcmp(key, "volume") == 0)
		return add_to_list(&config->volumes, &n->volumes, value);
	if (strcmp(key, "root") == 0)
		config->root = (char *)value;
	else if (strcmp(key, "tty") == 0)
		config->tty = (char *)value;
	else if (strcmp(key, "hostname") == 0)
		config->hostname = (char *)value;
	else if (strcmp(key, "dir") == 0)
		config->dir = (char *)value;
	else if (strcmp(key, "user") == 0)
		config->user = (char *)value;
	else if (strcmp(key, "pid") == 0)
		config->pid = (char *)value;
	else if (strcmp(key, "link") == 0)
		config->link = (char *)value;
	else if (strcmp(key, "address") == 0)
		config->address = (char *)value;
	else if (strcmp(key, "gateway") == 0)
		config->gateway = (char *)value;
	else
		return -1;
	return 0;
}

/* A message -> config, whose strings point into msg. -1 with EINVAL for a
 * message that is cut short, has an unknown key or no command. */
int decode_init_config(const char *msg, size_t len, struct init_config *config)
{
	const char *p = msg, *end = msg + len;
	struct counts n = { 0 };

	memset(config, 0, sizeof *config);
	while (p < end) {
		const char *key = p, *value = memchr(p, '\0', (size_t)(end - p));
		const char *next = value ? memchr(value + 1, '\0', (size_t)(end - value - 1)) : NULL;
		if (!value || !next)
			break; /* cut short */
		value++;
		p = next + 1;
		if (strcmp(key, "end") == 0) {
			if (p == end && n.args > 0)
				return 0;
			break; /* something after the end, or no command */
		}
		if (decode_pair(config, &n, key, value) < 0)
			break;
	}
	free(config->argv);
	free(config->env);
	free(config->volumes);
	config->argv = NULL;
	config->env = NULL;
	config->volumes = NULL;
	errno = EINVAL;
	return -1;
}

/* Parent: writes the whole message, then closes, so init sees end-of-file. */
int send_init_config(int fd, const struct init_config *config)
{
	size_t len;
	char *msg = encode_init_config(config, &len);
	int ret = msg ? write_all(fd, msg, len) : -1;

	free(msg);
	close(fd);
	return ret;
}

/* init: reads until end-of-file. The strings of config point into the
 * buffer returned, which stays allocated until exec. */
char *read_init_config(int fd, struct init_config *config)
{
	struct buffer b = { 0 };
	char chunk[65536];
	ssize_t n;

	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (b.len + (size_t)n > b.size) {
			size_t size = (b.size + (size_t)n) * 2;
			char *data = realloc(b.data, size);
			if (!data)
				goto fail;
			b.data = data;
			b.size = size;
		}
		memcpy(b.data + b.len, chunk, (size_t)n);
		b.len += (size_t)n;
	}
	errno = ENODATA; /* nothing came: mydocker closed the pipe unsent */
	if (b.len > 0 && decode_init_config(b.data, b.len, config) == 0)
		return b.data;
fail:
	free(b.data);
	return NULL;
}
