/* image.c: images. An image is a root filesystem packed as a tar,
 * MYDOCKER_ROOT/images/NAME.tar (paths.c),
 * and its configuration, images/NAME.json: the command a container of it
 * runs when `run` is given none ({"cmd": ["sh"]}, docker's CMD). The
 * first container of an image unpacks it, once, into
 * MYDOCKER_ROOT/images/NAME/, which every later container reuses. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "json.h"
#include "mydocker.h"

/* A name is one directory entry (name_is_valid()), at most 64 characters,
 * so it cannot lead out of images/; and it does not end in ".tar", so that
 * NAME (an unpacked image) is never another's NAME.tar. */
bool image_name_is_valid(const char *name)
{
	size_t len = strlen(name);

	return name_is_valid(name, 64) && !(len >= 4 && strcmp(name + len - 4, ".tar") == 0);
}

/* MYDOCKER_ROOT/images/NAME.tar: 0, or -1 with ENAMETOOLONG. */
int image_tar_path(const char *name, char *out, size_t size)
{
	return root_path(out, size, "images/%s.tar", name);
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* tar -xf TAR -C DIR: its exit status. Unpacking happens once per image,
 * so running tar(1) costs a container start nothing. */
static int untar(const char *tar, const char *dir)
{
	char *argv[] = { "tar", "--numeric-owner", "-xf", (char *)tar, "-C", (char *)dir, NULL };

	return run_quietly(argv);
}

/* A loaded image's layers as overlayfs's lowerdir takes them:
 * MYDOCKER_ROOT/layers/HEX of each, top first, ':' between
 * (overlayfs.rst, "Multiple lower layers"). 1 with dir set, 0 if the
 * image is a single tar, -1 (said). */
static int layered_image(const char *name, char *dir, size_t size)
{
	char layer[PATH_MAX];
	char **layers = image_layers(name);
	size_t n = layers ? strings_count(layers) : 0, at = 0;
	int ret = n > 0 ? 1 : 0;

	dir[0] = '\0';
	for (size_t i = n; ret > 0 && i-- > 0;) {
		if (layer_dir(layers[i], layer, sizeof layer) < 0 || strpbrk(layer, ",:") || !is_dir(layer) ||
		    at + strlen(layer) + 2 > size) {
			error_msg("image %s: layer %.80s is missing or cannot be named to overlayfs", name, layers[i]);
			ret = -1;
		} else {
			at += (size_t)snprintf(dir + at, size - at, "%s%s", at ? ":" : "", layer);
		}
	}
	json_free_strings(layers);
	return ret;
}

/* The unpacked root of image name, into dir; unpacks it on first use:
 * into a temp dir, renamed into place when whole, so that a failed or
 * concurrent unpack never leaves half an image behind. */
int image_unpack(const char *name, char *dir, size_t size)
{
	char tar[PATH_MAX], tmp[PATH_MAX];
	int status = layered_image(name, dir, size);

	if (status != 0)
		return status < 0 ? -1 : 0; /* a loaded image: its layers */
	if (root_path(dir, size, "images/%s", name) < 0 || image_tar_path(name, tar, sizeof tar) < 0 ||
	    root_path(tmp, sizeof tmp, "images/.%s.unpacking-%d", name, (int)getpid()) < 0) {
		error_msg("image %s: path too long below %s", name, mydocker_root());
		return -1;
	}
	if (is_dir(dir))
		return 0;
	if (access(tar, R_OK) < 0) {
		error_msg("image %s not found: %s: %s%s", name, tar, strerror(errno),
			  strcmp(name, "busybox") == 0 ? CHECK_HINT : "");
		return -1;
	}
	if (mkdir(tmp, 0755) < 0) {
		error_errno("unpack image %s: mkdir %s", name, tmp);
		return -1;
	}
	status = untar(tar, tmp);
	if (status != 0) {
		remove_tree(tmp);
		error_msg("image %s is broken: tar could not unpack %s (exit status %d)", name, tar, status);
		return -1;
	}
	if (rename(tmp, dir) < 0) {
		int saved_errno = errno;
		remove_tree(tmp);
		if (saved_errno == EEXIST || saved_errno == ENOTEMPTY)
			return 0; /* another mydocker unpacked it first */
		errno = saved_errno;
		error_errno("unpack image %s: rename %s to %s", name, tmp, dir);
		return -1;
	}
	debug("unpacked image %s into %s", name, dir);
	return 0;
}

/* images/NAME.json: 0, or -1 with ENAMETOOLONG. */
int image_config_path(const char *name, char *out, size_t size)
{
	return root_path(out, size, "images/%s.json", name);
}

/* A loaded image's layers: the diff ids images/NAME.json lists, bottom
 * first (a list for json_free_strings()), or NULL: an image of one tar
 * has none. */
char **image_layers(const char *name)
{
	char path[PATH_MAX], *text = image_config_path(name, path, sizeof path) < 0 ? NULL : read_file_all(path);
	cJSON *config = text ? cJSON_Parse(text) : NULL;
	char **layers = config ? json_strings(config, "layers") : NULL;

	cJSON_Delete(config);
	free(text);
	return layers;
}

/* images: how much an image's layers hold, in bytes, counting a layer
 * other images share too. */
off_t image_layers_size(const char *name)
{
	char path[PATH_MAX], **layers = image_layers(name);
	off_t size = 0;

	for (char **l = layers; l && *l; l++)
		if (layer_dir(*l, path, sizeof path) == 0)
			size += tree_size(path);
	json_free_strings(layers);
	return size;
}

/* Records command as image name's default, whole or not at all. */
int image_config_write(const char *name, char *const *command)
{
	char path[PATH_MAX], *text = NULL;
	cJSON *config = cJSON_CreateObject();
	int ret = -1;

	if (config && json_add_strings(config, "cmd", command) == 0 && (text = cJSON_Print(config)) &&
	    image_config_path(name, path, sizeof path) == 0)
		ret = write_file_atomic(path, text);
	if (ret < 0)
		error_errno("write the configuration of image %s", name);
	free(text);
	cJSON_Delete(config);
	return ret;
}

void check_image(void)
{
	char path[PATH_MAX];
	bool ok;

	ok = image_tar_path("busybox", path, sizeof path) == 0 && access(path, R_OK) == 0;
	check_report("busybox image", ok, ok ? path : strerror(errno),
	       "make ch04-rootfs installs it (as root), or MYDOCKER_ROOT points elsewhere");
}

/* What image_unpack() and load leave when their mydocker dies halfway: a
 * temp dir. */
void prune_images(void)
{
	char dir[PATH_MAX];

	if (root_path(dir, sizeof dir, "images") == 0)
		prune_temp_files(dir, ".unpacking-", "image", remove_tree);
	if (root_path(dir, sizeof dir, "layers") == 0)
		prune_temp_files(dir, ".loading-", "layer", remove_tree);
	if (root_path(dir, sizeof dir, "blobs/sha256") == 0)
		prune_temp_files(dir, ".loading-", "blob", remove_tree);
}
