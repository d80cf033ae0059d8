/* save.c: mydocker save [-o FILE] IMAGE: the image as a tar of an OCI
 * image layout (what skopeo copy ... oci-archive:FILE writes, and podman
 * load, skopeo and mydocker load read):
 *
 *   oci-layout, index.json (one manifest, named IMAGE), blobs/sha256/HEX
 *
 * A loaded image's blobs are the ones load kept (load.c), so the image
 * comes out with the digests it came in with: its id does not change. An
 * image of one tar (install-image, commit) has none: its tar is its one
 * layer (uncompressed, so its digest is its diff id), and a config and a
 * manifest are made for it here.
 *
 * The tar is written here: a tar is 512-byte blocks, for each file a
 * header (ustar: its name, mode, size and mtime in octal, a checksum), its
 * bytes padded to a whole block, and two blocks of zeros at the end
 * (tar(5), "POSIX ustar Archives"). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "json.h"
#include "mydocker.h"


#define BLOCK 512

/* A ustar header, as tar(5) lays it out: 512 bytes. */
struct tar_header {
	char name[100], mode[8], uid[8], gid[8], size[12], mtime[12], checksum[8], type, link[100];
	char magic[6], version[2], user[32], group[32], major[8], minor[8], prefix[155], pad[12];
};

/* The header of a file name of size bytes, owned by root, mode 0644. */
static int write_header(int out, const char *name, off_t size)
{
	struct tar_header h;
	unsigned sum = 0;

	memset(&h, 0, sizeof h);
	snprintf(h.name, sizeof h.name, "%s", name);
	snprintf(h.mode, sizeof h.mode, "%07o", 0644);
	snprintf(h.uid, sizeof h.uid, "%07o", 0);
	snprintf(h.gid, sizeof h.gid, "%07o", 0);
	snprintf(h.size, sizeof h.size, "%011llo", (unsigned long long)size);
	snprintf(h.mtime, sizeof h.mtime, "%011o", 0);
	h.type = '0'; /* a regular file */
	memcpy(h.magic, "ustar", 6);
	memcpy(h.version, "00", 2);
	memset(h.checksum, ' ', sizeof h.checksum); /* counted as blanks */
	for (size_t i = 0; i < sizeof h; i++)
		sum += ((unsigned char *)&h)[i];
	snprintf(h.checksum, sizeof h.checksum, "%06o", sum); /* six digits, NUL, blank */
	return write_all(out, (const char *)&h, sizeof h);
}

/* One file of the tar: name, with size bytes from fd (or from text when
 * fd is -1), padded to a block. 0, or -1 (said). */
static int add_entry(int out, const char *name, const char *text, int fd, off_t size)
{
	static const char zeros[BLOCK];
	char buf[64 * 1024];
	ssize_t n = 0;
	off_t left = size;

	if (size >= 077777777777LL || write_header(out, name, size) < 0 ||
	    (fd < 0 && write_all(out, text, (size_t)size) < 0)) {
		error_errno("save: %s", name);
		return -1;
	}
	while (fd >= 0 && left > 0 && (n = read(fd, buf, sizeof buf)) > 0 && write_all(out, buf, (size_t)n) == 0)
		left -= n;
	if ((fd >= 0 && left != 0) || write_all(out, zeros, (size_t)((BLOCK - size % BLOCK) % BLOCK)) < 0) {
		error_errno("save: %s", name);
		return -1;
	}
	return 0;
}

static int add_text(int out, const char *name, const char *text)
{
	return add_entry(out, name, text, -1, (off_t)strlen(text));
}

/* blobs/sha256/HEX of digest, its bytes from the file at path. */
static int add_blob(int out, const char *digest, const char *path)
{
	char name[128];
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0 || fstat(fd, &st) < 0) {
		error_errno("save: %s", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	snprintf(name, sizeof name, "blobs/sha256/%s", digest + strlen(SHA256));
	ret = add_entry(out, name, NULL, fd, st.st_size);
	close(fd);
	return ret;
}

/* A blob made here (a config, a manifest): its digest into digest. */
static int add_made_blob(int out, const char *text, char *digest, size_t size)
{
	char name[128];

	sha256_text(text, digest, size);
	snprintf(name, sizeof name, "blobs/sha256/%s", digest + strlen(SHA256));
	return add_text(out, name, text);
}

/* A loaded image: the blobs load kept, its manifest's digest and size
 * into manifest and *manifest_size. 0, or -1 (said). */
static int add_loaded_image(int out, const cJSON *image, char *manifest, size_t size,
			    off_t *manifest_size)
{
	char **blobs = json_strings(image, "blobs"), path[PATH_MAX];
	struct stat st;
	int ret = blobs && blobs[0] ? 0 : -1;

	if (ret < 0)
		error_msg("save: the image was loaded without its blobs (before ch07-save): load it again");
	for (char **b = blobs; ret == 0 && *b; b++)
		if (stored_blob_path(*b, path, sizeof path) < 0 || add_blob(out, *b, path) < 0)
			ret = -1;
	if (ret == 0 && (stored_blob_path(blobs[0], path, sizeof path) < 0 || stat(path, &st) < 0)) {
		error_errno("save: %s", path);
		ret = -1;
	} else if (ret == 0) {
		snprintf(manifest, size, "%s", blobs[0]);
		*manifest_size = st.st_size;
	}
	json_free_strings(blobs);
	return ret;
}

/* The config of an image of one tar: its command as Cmd, its tar its one
 * layer, of diff id layer. The text, or NULL. */
static char *made_config(const cJSON *image, const char *layer)
{
	cJSON *c = cJSON_CreateObject(), *config = cJSON_AddObjectToObject(c, "config");
	cJSON *rootfs = cJSON_AddObjectToObject(c, "rootfs");
	char *text;

	cJSON_AddStringToObject(c, "architecture", THIS_ARCHITECTURE);
	cJSON_AddStringToObject(c, "os", "linux");
	cJSON_AddItemToObject(config, "Cmd", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(image, "cmd"), true));
	cJSON_AddStringToObject(rootfs, "type", "layers");
	cJSON_AddItemToArray(cJSON_AddArrayToObject(rootfs, "diff_ids"), cJSON_CreateString(layer));
	text = cJSON_PrintUnformatted(c);
	cJSON_Delete(c);
	return text;
}

/* An image's id, its config's digest: the one load kept, or for an image
 * of one tar that of the config save makes for it, so that save and load
 * keep it. 0, or -1. */
int image_id(const char *name, char *out, size_t size)
{
	char path[PATH_MAX], layer[DIGEST_LEN + 1], *text = NULL, *config = NULL;
	cJSON *image = NULL;
	int ret = -1;

	if (image_config_path(name, path, sizeof path) == 0 && (text = read_file_all(path)) &&
	    (image = cJSON_Parse(text)) && json_string(image, "id")) {
		snprintf(out, size, "%s", json_string(image, "id"));
		ret = 0;
	} else if (image && image_tar_path(name, path, sizeof path) == 0 && sha256_file(path, layer, sizeof layer) == 0 &&
		   (config = made_config(image, layer))) {
		sha256_text(config, out, size);
		ret = 0;
	}
	free(config);
	cJSON_Delete(image);
	free(text);
	return ret;
}

/* The manifest of an image of one tar: its config and its one layer. */
static char *made_manifest(const char *config, size_t config_size, const char *layer, off_t layer_size)
{
	cJSON *m = cJSON_CreateObject();
	char *text;

	cJSON_AddNumberToObject(m, "schemaVersion", 2);
	cJSON_AddStringToObject(m, "mediaType", MANIFEST_TYPE);
	cJSON_AddItemToObject(m, "config", descriptor(CONFIG_TYPE, config,
						       (off_t)config_size));
	cJSON_AddItemToArray(cJSON_AddArrayToObject(m, "layers"),
			     descriptor(LAYER_TYPE, layer, layer_size));
	text = cJSON_PrintUnformatted(m);
	cJSON_Delete(m);
	return text;
}

/* An image of one tar: its tar as its layer (uncompressed: its digest is
 * its diff id), a config and a manifest made for it. Its manifest's
 * digest and size into manifest and *manifest_size. 0, or -1 (said). */
static int add_tar_image(int out, const char *name, const cJSON *image, char *manifest, size_t size,
			 off_t *manifest_size)
{
	char tar[PATH_MAX], layer[DIGEST_LEN + 1], config[DIGEST_LEN + 1], *config_text = NULL, *text = NULL;
	struct stat st;
	int ret = -1;

	if (image_tar_path(name, tar, sizeof tar) < 0 || stat(tar, &st) < 0 || sha256_file(tar, layer, sizeof layer) < 0)
		error_errno("save: %s", tar);
	else if ((config_text = made_config(image, layer)) && add_made_blob(out, config_text, config, sizeof config) == 0 &&
		 add_blob(out, layer, tar) == 0 &&
		 (text = made_manifest(config, strlen(config_text), layer, st.st_size)) &&
		 add_made_blob(out, text, manifest, size) == 0) {
		*manifest_size = (off_t)strlen(text);
		ret = 0;
	}
	free(config_text);
	free(text);
	return ret;
}

/* index.json: the one manifest, named name. */
static int add_index(int out, const char *manifest, off_t size, const char *name)
{
	cJSON *index = cJSON_CreateObject(), *d = descriptor(MANIFEST_TYPE, manifest, size);
	char *text;
	int ret;

	cJSON_AddStringToObject(cJSON_AddObjectToObject(d, "annotations"), REF_NAME, name);
	cJSON_AddNumberToObject(index, "schemaVersion", 2);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(index, "manifests"), d);
	text = cJSON_PrintUnformatted(index);
	ret = text ? add_text(out, "index.json", text) : -1;
	free(text);
	cJSON_Delete(index);
	return ret;
}

/* The whole layout of image name (its images/NAME.json parsed) into out. */
static int write_layout(int out, const char *name, const cJSON *image)
{
	char manifest[DIGEST_LEN + 1];
	off_t size = 0;

	if (add_text(out, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}") < 0)
		return -1;
	if (cJSON_GetObjectItemCaseSensitive(image, "layers") ?
		    add_loaded_image(out, image, manifest, sizeof manifest, &size) < 0 :
		    add_tar_image(out, name, image, manifest, sizeof manifest, &size) < 0)
		return -1;
	return add_index(out, manifest, size, name);
}

static void print_save_usage(FILE *out)
{
	fprintf(out, "Usage: mydocker save [-o FILE] IMAGE\n\n"
		     "Write IMAGE as a tar of an OCI image layout (oci-archive), to FILE or stdout.\n\n"
		     "  -o, --output FILE   write to FILE (made whole, or not at all)\n");
}

/* Where the tar goes: a temp file beside output, renamed into place once
 * whole, or stdout. An fd, or -1 (said). */
static int open_output(const char *output, char *tmp, size_t size)
{
	int fd;

	if (!output)
		return STDOUT_FILENO;
	if (snprintf(tmp, size, "%s.tmp-%d", output, (int)getpid()) >= (int)size)
		errno = ENAMETOOLONG;
	else if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) >= 0)
		return fd;
	error_errno("save: %s", output);
	return -1;
}

/* mydocker save [-o FILE] IMAGE. */
int save_command(int argc, char **argv)
{
	const char *output = NULL;
	const struct flag flags[] = { { "--output", 'o', NULL, &output }, { NULL, 0, NULL, NULL } };
	int code, i = command_flags(argc, argv, flags, print_save_usage, &code), ret = EXIT_MYDOCKER, out = -1;
	char path[PATH_MAX], tmp[PATH_MAX], *text = NULL;
	cJSON *image = NULL;
	static const char end[2 * BLOCK];

	if (i < 0)
		return code;
	if (i != argc - 1 || !image_name_is_valid(argv[i])) {
		error_msg("usage: mydocker save [-o FILE] IMAGE");
		return EXIT_MYDOCKER;
	}
	if (!output && isatty(STDOUT_FILENO)) {
		error_msg("save: not to a terminal: -o FILE, or > FILE");
		return EXIT_MYDOCKER;
	}
	if (image_config_path(argv[i], path, sizeof path) < 0 || !(text = read_file_all(path)) ||
	    !(image = cJSON_Parse(text)))
		error_msg("save: no image %s (mydocker images lists them)", argv[i]);
	else if ((out = open_output(output, tmp, sizeof tmp)) < 0 || write_layout(out, argv[i], image) < 0)
		; /* said */
	else if (write_all(out, end, sizeof end) < 0 || (output && (fsync(out) < 0 || rename(tmp, output) < 0)))
		error_errno("save: %s", output ? output : "stdout");
	else
		ret = 0;
	if (out >= 0 && output) {
		close(out);
		if (ret != 0)
			unlink(tmp);
	}
	cJSON_Delete(image);
	free(text);
	return ret;
}
