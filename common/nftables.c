/* nftables.c: runs nft commands (nft(8)'s language) through libnftables,
 * from the program itself, and reads back what a listing prints. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* libnftables, loaded when a command needs it (dlopen(3)), not linked:
 * it brings seven more libraries (libnftnl, libjansson, libgmp, libxtables,
 * ...), and mydocker is executed twice per container start (the command,
 * then init) for which loading them would cost about 1.5 ms (make bench). */
static struct {
	struct nft_ctx *(*ctx_new)(uint32_t flags);
	void (*ctx_free)(struct nft_ctx *ctx);
	int (*buffer_output)(struct nft_ctx *ctx);
	int (*buffer_error)(struct nft_ctx *ctx);
	void (*output_set_flags)(struct nft_ctx *ctx, unsigned int flags);
	int (*run_cmd)(struct nft_ctx *ctx, const char *buf);
	const char *(*output_buffer)(struct nft_ctx *ctx);
	const char *(*error_buffer)(struct nft_ctx *ctx);
} lib;

static int load_libnftables(char *error, size_t size)
{
	void *handle;

	if (lib.ctx_new)
		return 0;
	handle = dlopen("libnftables.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		snprintf(error, size, "cannot load libnftables: %s (apt-get install libnftables1)", dlerror());
		return -1;
	}
	lib.ctx_free = (void (*)(struct nft_ctx *))dlsym(handle, "nft_ctx_free");
	lib.buffer_output = (int (*)(struct nft_ctx *))dlsym(handle, "nft_ctx_buffer_output");
	lib.buffer_error = (int (*)(struct nft_ctx *))dlsym(handle, "nft_ctx_buffer_error");
	lib.output_set_flags = (void (*)(struct nft_ctx *, unsigned int))dlsym(handle, "nft_ctx_output_set_flags");
	lib.run_cmd = (int (*)(struct nft_ctx *, const char *))dlsym(handle, "nft_run_cmd_from_buffer");
	lib.output_buffer = (const char *(*)(struct nft_ctx *))dlsym(handle, "nft_ctx_get_output_buffer");
	lib.error_buffer = (const char *(*)(struct nft_ctx *))dlsym(handle, "nft_ctx_get_error_buffer");
	lib.ctx_new = (struct nft_ctx *(*)(uint32_t))dlsym(handle, "nft_ctx_new");
	if (!lib.ctx_free || !lib.buffer_output || !lib.buffer_error || !lib.output_set_flags || !lib.run_cmd ||
	    !lib.output_buffer || !lib.error_buffer || !lib.ctx_new) {
		snprintf(error, size, "libnftables.so.1 lacks a function mydocker needs");
		lib.ctx_new = NULL;
		return -1;
	}
	return 0;
}

/* Runs one nft command; with out, what a listing prints, with the rules'
 * handles, into *out (malloc'd). 0, or -1 with nft's own message in error. */
int nft_run(const char *command, char **out, char *error, size_t size)
{
	struct nft_ctx *ctx;
	int ret = -1;

	if (load_libnftables(error, size) < 0)
		return -1;
	if (!(ctx = lib.ctx_new(NFT_CTX_DEFAULT))) {
		snprintf(error, size, "nftables: %s", strerror(ENOMEM));
		return -1;
	}
	lib.buffer_output(ctx);
	lib.buffer_error(ctx);
	if (out)
		lib.output_set_flags(ctx, NFT_CTX_OUTPUT_HANDLE);
	if (lib.run_cmd(ctx, command) == 0) {
		ret = 0;
		if (out && !(*out = strdup(lib.output_buffer(ctx))))
			ret = -1;
	} else {
		const char *why = lib.error_buffer(ctx);
		snprintf(error, size, "%.*s", (int)strcspn(why, "\n"), why);
	}
	lib.ctx_free(ctx);
	return ret;
}
