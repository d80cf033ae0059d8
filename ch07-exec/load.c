/* load.c: mydocker load -i DIR, an image in the OCI image layout, as
 * `skopeo copy IMAGE oci:DIR` and umoci write it:
 *
 *   DIR/oci-layout        {"imageLayoutVersion": "1.0.0"}
 *   DIR/index.json        the manifests, each named by its annotation
 *                         org.opencontainers.image.ref.name ("1.0")
 *   DIR/blobs/sha256/HEX  every blob, named by the sha256 of its bytes:
 *                         manifests, configs, layers
 *
 * A manifest names the image's config and its layers, bottom first; the
 * config lists each layer's diff id (rootfs.diff_ids: the sha256 of the
 * layer's tar once unpacked). Every blob's bytes are checked against its
 * name. Each layer is unpacked once, into MYDOCKER_ROOT/layers/HEX/ (HEX
 * of its diff id), and shared by every image that has it; every blob is
 * kept as it came in MYDOCKER_ROOT/blobs/sha256/HEX, for save; the image
 * is MYDOCKER_ROOT/images/NAME.json, written last. A tar of a layout (a
 * file, or stdin) is unpacked first, then read as a directory. */
#define _GNU_SOURCE
#include <dirent.h>
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

/* DIR/blobs/sha256/HEX for a digest: 0, or -1 (not a digest, too long). */
static int blob_path(const char *dir, const char *digest, char *out, size_t size)
{
	if (!is_digest(digest))
		return -1;
	return snprintf(out, size, "%s/blobs/sha256/%s", dir, digest + strlen(SHA256)) < (int)size ? 0 : -1;
}

/* MYDOCKER_ROOT/blobs/sha256/HEX: where load keeps an image's blobs as
 * they came (its manifest, its config, its layers compressed), so that
 * save writes them out again with the same digests, as containerd's
 * content store keeps them. 0, or -1 (not a digest, too long). */
int stored_blob_path(const char *digest, char *out, size_t size)
{
	return is_digest(digest) ? root_path(out, size, "blobs/sha256/%s", digest + strlen(SHA256)) : -1;
}

/* Keeps the blob of digest from the layout in dir: copied into a temp
 * file (blobs/sha256/.HEX.loading-PID), checked again there (the layout's
 * file may have changed since it was read), renamed into place. 0, or -1
 * (said). */
static int keep_blob(const char *dir, const char *digest)
{
	char from[PATH_MAX], to[PATH_MAX], tmp[PATH_MAX + 32], actual[DIGEST_LEN + 1] = "";

	if (blob_path(dir, digest, from, sizeof from) < 0 || stored_blob_path(digest, to, sizeof to) < 0 ||
	    root_path(tmp, sizeof tmp, "blobs/sha256/.%s.loading-%d", digest + strlen(SHA256), (int)getpid()) < 0)
		return -1;
	if (access(to, F_OK) == 0)
		return 0;
	if (copy_file(from, tmp) == 0 && sha256_file(tmp, actual, sizeof actual) == 0 &&
	    strcmp(actual, digest) == 0 && rename(tmp, to) == 0)
		return 0;
	if (actual[0])
		error_msg("load: blob %.19s: its bytes are %.19s..., not %.19s... as it is named", digest, actual, digest);
	else
		error_errno("load: keep blob %.19s", digest);
	unlink(tmp);
	return -1;
}

/* A small blob (a manifest, a config) named by its digest, its bytes
 * checked against it, or index.json: the JSON, or NULL (said). */
static cJSON *read_json_blob(const char *dir, const char *digest)
{
	bool index = digest && strcmp(digest, "index.json") == 0;
	char path[PATH_MAX], actual[DIGEST_LEN + 1];
	char *text;
	cJSON *json = NULL;

	if (index ? snprintf(path, sizeof path, "%s/index.json", dir) >= (int)sizeof path
		  : blob_path(dir, digest, path, sizeof path) < 0) {
		error_msg("load: %.80s is not a blob's name (sha256:HEX)", digest ? digest : "(none)");
		return NULL;
	}
	if (!(text = read_file_all(path))) {
		error_errno("load: %s", path);
		return NULL;
	}
	sha256_text(text, actual, sizeof actual);
	if (!index && strcmp(actual, digest) != 0)
		error_msg("load: %s: its bytes are %.19s..., not the %.19s... it is named by", path, actual, digest);
	else if (!(json = cJSON_Parse(text)))
		error_msg("load: %s: not JSON", path);
	if (json && !index && keep_blob(dir, digest) < 0) { /* a manifest, a config: kept */
		cJSON_Delete(json);
		json = NULL;
	}
	free(text);
	return json;
}

/* --- the layers images use -------------------------------------------- */

/* The digests every image's images/NAME.json lists under key ("layers":
 * diff ids; "blobs": the blobs load kept), as one list. */
static char **used_ids(const char *key)
{
	char dir[PATH_MAX], path[PATH_MAX + 256];
	char **used = calloc(1, sizeof *used);
	DIR *images = root_path(dir, sizeof dir, "images") < 0 ? NULL : opendir(dir);
	struct dirent *e;

	while (used && images && (e = readdir(images))) {
		size_t len = strlen(e->d_name);
		char *text, **ids;
		cJSON *json;
		if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		text = read_file_all(path);
		json = text ? cJSON_Parse(text) : NULL;
		ids = json ? json_strings(json, key) : NULL;
		for (char **id = ids; id && *id; id++)
			strings_add(&used, *id);
		json_free_strings(ids);
		cJSON_Delete(json);
		free(text);
	}
	if (images)
		closedir(images);
	return used;
}

/* What subdir of MYDOCKER_ROOT holds that no image lists under key,
 * removed. */
static void remove_unused_in(const char *subdir, const char *key)
{
	char dir[PATH_MAX], path[PATH_MAX + 256], id[DIGEST_LEN + 1];
	char **used = used_ids(key);
	DIR *entries = root_path(dir, sizeof dir, "%s", subdir) < 0 ? NULL : opendir(dir);
	struct dirent *e;

	while (used && entries && (e = readdir(entries))) {
		bool in_use = false;
		if (strlen(e->d_name) != 64 || strspn(e->d_name, "0123456789abcdef") != 64)
			continue; /* ".", "..", a load under way */
		snprintf(id, sizeof id, SHA256 "%s", e->d_name);
		for (char **u = used; *u && !in_use; u++)
			in_use = strcmp(*u, id) == 0;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (!in_use && remove_tree(path) == 0)
			debug("%s %.19s removed: no image has it", subdir, id);
	}
	if (entries)
		closedir(entries);
	strings_free(used);
}

/* The layers and blobs no image lists any more, removed; under
 * lock_layers(). */
static void remove_unused_layers(void)
{
	remove_unused_in("layers", "layers");
	remove_unused_in("blobs/sha256", "blobs");
}

/* One layer of the manifest, the diff id the config gives it: unpacked
 * into layers/HEX/ unless an image loaded before has it; into a temp dir
 * (layers/.HEX.loading-PID, which prune finds if we die), renamed into
 * place when whole and checked. 1 if it is new, 0 if it was
 * there, or -1 (said). */
static int store_layer(const char *dir, const char *digest, const char *diff_id)
{
	char blob[PATH_MAX], final[PATH_MAX], tmp[PATH_MAX + 32], why[512] = "";

	if (blob_path(dir, digest, blob, sizeof blob) < 0 || layer_dir(diff_id, final, sizeof final) < 0) {
		error_msg("load: a layer named %.80s, diff id %.80s: not sha256 digests", digest, diff_id);
		return -1;
	}
	if (access(final, F_OK) == 0) {
		debug("load: layer %.19s is there already", diff_id);
		return keep_blob(dir, digest) < 0 ? -1 : 0;
	}
	if (root_path(tmp, sizeof tmp, "layers/.%s.loading-%d", diff_id + strlen(SHA256), (int)getpid()) < 0) {
		error_msg("load: a layer's path is too long below %s", mydocker_root());
		return -1;
	}
	if (mkdir_p(tmp, 0700) < 0) {
		error_errno("load: %s", tmp);
		return -1;
	}
	if (layer_unpack(blob, tmp, digest, diff_id, why, sizeof why) < 0) {
		error_msg("load: layer %.19s: %s", digest, why); /* tmp is gone */
		return -1;
	}
	if (rename(tmp, final) < 0) { /* no other load is under way: lock_layers() */
		error_errno("load: %s", final);
		remove_tree(tmp);
		return -1;
	}
	if (keep_blob(dir, digest) < 0)
		return -1; /* the layer goes with the rest: remove_unused_layers() */
	debug("load: layer %.19s unpacked", diff_id);
	return 1;
}

/* images/NAME.json: the config's digest (the image's id), its layers'
 * diff ids, bottom first, the config's "config", what a container of it
 * starts with (image_config.c), and the blobs load kept of it, its
 * manifest's digest first. 0, or -1 (said). */
static int write_image(const char *name, const char *digest, const cJSON *manifest, const cJSON *config)
{
	const char *id = json_string(cJSON_GetObjectItemCaseSensitive(manifest, "config"), "digest");
	const cJSON *runtime = cJSON_GetObjectItemCaseSensitive(config, "config"), *layer;
	const cJSON *ids = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(config, "rootfs"),
							    "diff_ids");
	cJSON *image = cJSON_CreateObject(), *blobs = cJSON_AddArrayToObject(image, "blobs");
	char path[PATH_MAX], *text = NULL;
	int ret = -1;

	cJSON_AddItemToArray(blobs, cJSON_CreateString(digest));
	cJSON_AddItemToArray(blobs, cJSON_CreateString(id));
	for (layer = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(manifest, "layers"), 0); layer;
	     layer = layer->next)
		cJSON_AddItemToArray(blobs, cJSON_CreateString(json_string(layer, "digest")));
	if (cJSON_AddStringToObject(image, "manifest", digest) &&
	    cJSON_AddItemToObject(image, "config", runtime ? cJSON_Duplicate(runtime, true) : cJSON_CreateObject()) &&
	    cJSON_AddStringToObject(image, "id", id) &&
	    cJSON_AddItemToObject(image, "layers", cJSON_Duplicate(ids, true)) && (text = cJSON_Print(image)) &&
	    image_config_path(name, path, sizeof path) == 0 && write_file_atomic(path, text) == 0)
		ret = 0;
	else
		error_errno("load: write the image %s", name);
	free(text);
	cJSON_Delete(image);
	return ret;
}

/* The manifest's layers, each with the diff id the config gives it. */
static int store_layers(const char *dir, const cJSON *manifest, const cJSON *config)
{
	const cJSON *layers = cJSON_GetObjectItemCaseSensitive(manifest, "layers");
	const cJSON *ids = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(config, "rootfs"),
							    "diff_ids");
	int n = cJSON_GetArraySize(layers);

	if (!cJSON_IsArray(layers) || !cJSON_IsArray(ids) || n != cJSON_GetArraySize(ids) || n == 0) {
		error_msg("load: the manifest has %d layers, the config %d diff ids", n, cJSON_GetArraySize(ids));
		return -1;
	}
	for (int i = 0; i < n; i++)
		if (store_layer(dir, json_string(cJSON_GetArrayItem(layers, i), "digest"),
				cJSON_GetStringValue(cJSON_GetArrayItem(ids, i))) < 0)
			return -1;
	return 0;
}

/* The store's directories, made if missing (a fresh MYDOCKER_ROOT), and
 * layers/.lock, held while layers and blobs come and go: those of a load
 * are in no image until its images/NAME.json is written, and no other
 * mydocker's forget_unused_layers() may take them before. An fd whose
 * close() lets go, or -1 (said). */
static int lock_layers(void)
{
	const char *dirs[] = { "images", "blobs/sha256", "layers" };
	char path[PATH_MAX];
	int fd = -1;

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		if (root_path(path, sizeof path, "%s", dirs[i]) < 0 || mkdir_p(path, 0700) < 0) {
			error_errno("%s/%s", mydocker_root(), dirs[i]);
			return -1;
		}
	}
	if (root_path(path, sizeof path, "layers/.lock") == 0)
		fd = lock_file(path);
	if (fd < 0)
		error_errno("lock %s/layers/.lock", mydocker_root());
	return fd;
}

static void print_load_usage(FILE *out)
{
	fprintf(out, "Usage: mydocker load [-i DIR|FILE]\n\n"
		     "Load the images of an OCI image layout, a directory (skopeo copy ... oci:DIR:NAME)\n"
		     "or a tar of one, gzip'd or not (skopeo copy ... oci-archive:FILE:NAME,\n"
		     "mydocker save), or what docker save writes (its tar, or a directory of it);\n"
		     "without -i, the tar comes on stdin. Each image is named as the archive names it.\n\n"
		     "  -i, --input DIR|FILE   the layout, or its tar\n");
}

/* The image of one manifest of the layout (a manifest names the config,
 * and the config the layers), as image name: its layers stored, then
 * images/NAME.json. 0, or -1 (said). */
/* Whether an image's config says it runs on this machine: linux, and this
 * architecture; said if not. */
static bool for_this_machine(const cJSON *config, const char *name, const char *here)
{
	const char *os = json_string(config, "os"), *arch = json_string(config, "architecture");

	if ((os && strcmp(os, "linux") != 0) || (arch && here && strcmp(arch, here) != 0)) {
		error_msg("load: image %s is for %s/%s, this machine is linux/%s", name, os ? os : "?",
			  arch ? arch : "?", here ? here : "?");
		return false;
	}
	return true;
}

/* Whether an index entry's platform is this machine's: linux/here. */
static bool is_this_platform(const cJSON *entry, const char *here)
{
	const cJSON *platform = cJSON_GetObjectItemCaseSensitive(entry, "platform");
	const char *os = json_string(platform, "os"), *arch = json_string(platform, "architecture");

	return os && arch && here && strcmp(os, "linux") == 0 && strcmp(arch, here) == 0;
}

/* The manifest digest names, parsed; or, when digest names an index of one
 * image for several machines (docker's multi-arch images, as skopeo copy
 * keeps them), the manifest of its entry for this machine, its digest
 * into chosen. Only that entry is read: skopeo copy without --all leaves
 * the other machines' blobs out. NULL (said). */
static cJSON *read_manifest(const char *dir, const char *digest, const char *name, char *chosen, size_t size)
{
	const char *here = THIS_ARCHITECTURE;
	cJSON *m = read_json_blob(dir, digest);
	const cJSON *entry = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(m, "manifests"), 0);

	snprintf(chosen, size, "%s", digest);
	if (!entry)
		return m; /* an image's manifest (or nothing: said) */
	while (entry && !is_this_platform(entry, here))
		entry = entry->next;
	if (!entry) {
		error_msg("load: image %s has no manifest for linux/%s", name ? name : digest, here ? here : "?");
		cJSON_Delete(m);
		return NULL;
	}
	snprintf(chosen, size, "%s", json_string(entry, "digest") ? json_string(entry, "digest") : "");
	cJSON_Delete(m);
	return read_json_blob(dir, chosen);
}

static int load_image(const char *dir, const char *digest, const char *name)
{
	char chosen[DIGEST_LEN + 1];
	cJSON *manifest = read_manifest(dir, digest, name, chosen, sizeof chosen), *config = NULL;
	char shown[IMAGE_NAME_MAX + 2];
	const char *id = json_string(cJSON_GetObjectItemCaseSensitive(manifest, "config"), "digest");
	int ret = -1;

	if (!name || !image_name_is_valid(name))
		error_msg("load: image %.19s... has no name mydocker can take (%s)", digest, REF_NAME);
	else if (manifest && !id)
		error_msg("load: image %s: its manifest names no config (an index of several platforms?)", name);
	else if (manifest && (config = read_json_blob(dir, id)) && for_this_machine(config, name, THIS_ARCHITECTURE) &&
		 store_layers(dir, manifest, config) == 0 && write_image(name, chosen, manifest, config) == 0) {
		image_short_name(name, shown, sizeof shown);
		printf("Loaded image: %s\n", shown);
		ret = 0;
	}
	cJSON_Delete(config);
	cJSON_Delete(manifest);
	return ret;
}

/* The name an index gives an image: containerd's annotation (the whole
 * name, "docker.io/library/nginx:1.25": docker save writes it), else the
 * OCI one (skopeo, umoci, podman: often just a tag). */
static const char *image_name(const cJSON *entry)
{
	const cJSON *annotations = cJSON_GetObjectItemCaseSensitive(entry, "annotations");
	const char *name = json_string(annotations, "io.containerd.image.name");

	return name ? name : json_string(annotations, REF_NAME);
}

/* Every image of dir's index.json, each as the name its annotation gives
 * it, as docker load does: 0, or 125 (said). */
static int load_images(const char *dir)
{
	cJSON *index = read_json_blob(dir, "index.json"), *m;
	int ret = 0;

	if (!index)
		return EXIT_MYDOCKER;
	if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(index, "manifests")) == 0) {
		error_msg("load: %s/index.json lists no image", dir);
		ret = EXIT_MYDOCKER;
	}
	for (m = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(index, "manifests"), 0); m; m = m->next)
		if (ret == 0 && load_image(dir, json_string(m, "digest"), image_name(m)) < 0)
			ret = EXIT_MYDOCKER;
	cJSON_Delete(index);
	return ret;
}

/* layers/.input.loading-PID, made, for what load reads from input (prune
 * finds it if we die): 0, or -1 (said). */
static int make_input_dir(char *tmp, size_t size, const char *input)
{
	if (root_path(tmp, size, "layers/.input.loading-%d", (int)getpid()) < 0 || mkdir_p(tmp, 0700) < 0) {
		error_errno("load: a directory to read %s into", input);
		return -1;
	}
	return 0;
}

/* A tar of a layout (what skopeo copy ... oci-archive:FILE, podman save
 * --format oci-archive and mydocker save write; "-" is stdin), or of
 * docker's older format (docker_archive.c), unpacked with a layer's
 * checks (nothing lands outside) into make_input_dir(): that dir, or NULL
 * (said). */
static const char *unpack_archive(const char *path, char *tmp, size_t size)
{
	char why[512];

	if (make_input_dir(tmp, size, path) < 0)
		return NULL;
	if (layer_unpack(path, tmp, NULL, NULL, why, sizeof why) < 0) {
		error_msg("load: %s is not a whole image archive (%s)", strcmp(path, "-") == 0 ? "stdin" : path, why);
		return NULL;
	}
	return tmp;
}

/* docker's older format, read where it lies (a directory given with -i,
 * or an archive unpacked into tmp), made a layout in tmp: tmp, or NULL
 * (said). A directory of the user's is only read. */
static const char *docker_format(const char *dir, char *tmp, size_t size)
{
	if (dir != tmp && make_input_dir(tmp, size, dir) < 0)
		return NULL;
	return docker_archive_to_layout(dir, tmp) == 0 ? tmp : NULL;
}

/* mydocker load [-i DIR|FILE]: the images of a layout, or of its tar (on
 * stdin without -i). A refused image leaves nothing behind: the layers
 * and blobs no image lists go again. */
int load_command(int argc, char **argv)
{
	const char *input = NULL, *dir;
	const struct flag flags[] = { { "--input", 'i', NULL, &input }, { NULL, 0, NULL, NULL } };
	int code, i = command_flags(argc, argv, flags, print_load_usage, &code), ret, lock;
	char tmp[PATH_MAX] = "";
	struct stat st;

	if (i < 0)
		return code;
	if (i < argc || (!input && isatty(STDIN_FILENO))) {
		error_msg("usage: mydocker load [-i DIR|FILE], or the tar on stdin");
		return EXIT_MYDOCKER;
	}
	if ((lock = lock_layers()) < 0)
		return EXIT_MYDOCKER;
	if (input && stat(input, &st) == 0 && S_ISDIR(st.st_mode))
		dir = input;
	else
		dir = unpack_archive(input ? input : "-", tmp, sizeof tmp);
	if (dir && !has_file(dir, "index.json") && has_file(dir, "manifest.json"))
		dir = docker_format(dir, tmp, sizeof tmp);
	ret = dir ? load_images(dir) : EXIT_MYDOCKER;
	/* the layers and blobs no image lists: a refused image's (a load
	 * leaves nothing), an index of several machines' (the image lists the
	 * manifest it took) */
	remove_unused_layers();
	if (tmp[0] && access(tmp, F_OK) == 0)
		remove_tree(tmp);
	close(lock);
	return ret;
}

/* rmi: the layers no image lists any more go (a container that runs on
 * one keeps it mounted: rmi refuses an image in use before). */
void forget_unused_layers(void)
{
	int lock = lock_layers();

	if (lock >= 0) {
		remove_unused_layers();
		close(lock);
	}
}
