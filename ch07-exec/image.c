/* image.c: images, and their names. An image is a root filesystem packed
 * as a tar, MYDOCKER_ROOT/images/NAME.tar (paths.c),
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

/* An image's name is a reference as docker writes it, [PATH/]NAME[:TAG]:
 * components of letters, digits, '_', '.' and '-' (each starting with a
 * letter or digit, so none is ".."), '/' between them, a tag after ':'.
 * docker fills in what is left out, "docker.io/library/" and ":latest",
 * so busybox, busybox:latest and docker.io/library/busybox are one image:
 * the name without them, into out (at most IMAGE_NAME_MAX). */
void image_short_name(const char *name, char *out, size_t size)
{
	static const char *const implied[] = { "docker.io/library/", "docker.io/" };
	size_t len;

	for (size_t i = 0; i < ARRAY_SIZE(implied); i++)
		if (strncmp(name, implied[i], strlen(implied[i])) == 0) {
			name += strlen(implied[i]);
			break;
		}
	len = strlen(name);
	if (len > 7 && strcmp(name + len - 7, ":latest") == 0)
		len -= 7;
	snprintf(out, size, "%.*s", (int)(len < size ? len : size - 1), name);
}

/* Components between '/', each one directory entry's worth. */
static bool path_is_valid(char *path)
{
	char *slash;

	for (;;) {
		slash = strchr(path, '/');
		if (slash)
			*slash = '\0';
		if (!name_is_valid(path, 64))
			return false;
		if (!slash)
			return true;
		path = slash + 1;
	}
}

bool image_name_is_valid(const char *name)
{
	char copy[IMAGE_NAME_MAX + 2], *tag;
	size_t len;

	image_short_name(name, copy, sizeof copy);
	len = strlen(copy);
	if (len == 0 || len > IMAGE_NAME_MAX)
		return false;
	tag = strrchr(copy, ':');
	if (tag) { /* no registry's host:port: what follows ':' is the tag */
		*tag++ = '\0';
		if (!name_is_valid(tag, 128))
			return false;
	}
	/* NAME.tar is a tar, and NAME its unpacked copy: no image is another's tar */
	len = strlen(copy);
	return !(len >= 4 && strcmp(copy + len - 4, ".tar") == 0) && path_is_valid(copy);
}

/* The file name of image name below images/: its short name with '/' and
 * ':' written %2F and %3A, as in a URL: a file name holds no '/', and
 * overlayfs's lowerdir takes ':' between directories. */
int image_file_name(const char *name, char *out, size_t size)
{
	char short_form[IMAGE_NAME_MAX + 2];
	size_t at = 0;

	if (!image_name_is_valid(name)) {
		errno = EINVAL;
		return -1;
	}
	image_short_name(name, short_form, sizeof short_form);
	for (const char *c = short_form; *c && at + 4 < size; c++)
		at += (size_t)snprintf(out + at, size - at, *c == '/' ? "%%2F" : *c == ':' ? "%%3A" : "%c", *c);
	return at + 4 < size ? 0 : -1;
}

/* Whether two names name one image (busybox and busybox:latest do). */
bool same_image(const char *a, const char *b)
{
	char file_a[NAME_MAX], file_b[NAME_MAX];

	return image_file_name(a, file_a, sizeof file_a) == 0 && image_file_name(b, file_b, sizeof file_b) == 0 &&
	       strcmp(file_a, file_b) == 0;
}

/* A descriptor of the OCI image spec, {"mediaType", "digest", "size"}:
 * how a manifest names a blob (save.c, docker_archive.c). */
cJSON *descriptor(const char *type, const char *digest, off_t size)
{
	cJSON *d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "mediaType", type);
	cJSON_AddStringToObject(d, "digest", digest);
	cJSON_AddNumberToObject(d, "size", (double)size);
	return d;
}

/* MYDOCKER_ROOT/images/NAME.tar: 0, or -1 with ENAMETOOLONG. */
int image_tar_path(const char *name, char *out, size_t size)
{
	char file[NAME_MAX];

	return image_file_name(name, file, sizeof file) < 0 ? -1 : root_path(out, size, "images/%s.tar", file);
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
	char tar[PATH_MAX], tmp[PATH_MAX], file[NAME_MAX];
	int status = layered_image(name, dir, size);

	if (status != 0)
		return status < 0 ? -1 : 0; /* a loaded image: its layers */
	if (image_file_name(name, file, sizeof file) < 0 || root_path(dir, size, "images/%s", file) < 0 ||
	    image_tar_path(name, tar, sizeof tar) < 0 ||
	    root_path(tmp, sizeof tmp, "images/.%s.unpacking-%d", file, (int)getpid()) < 0) {
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
	char file[NAME_MAX];

	return image_file_name(name, file, sizeof file) < 0 ? -1 : root_path(out, size, "images/%s.json", file);
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
