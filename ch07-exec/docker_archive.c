/* docker_archive.c: the archive `docker save` wrote before docker 25 (and
 * skopeo's docker-archive still writes), unpacked or as a directory,
 * turned into an OCI image layout in a directory of load's own, so that
 * load reads one format:
 *
 *   manifest.json   [{"Config": "HEX.json", "RepoTags": ["nginx:1.25"],
 *                     "Layers": ["HEX.tar", ...]}, ...]   (bottom first)
 *   HEX.json        the image's config, as in an OCI image
 *   HEX.tar         a layer (or HEX/layer.tar, a symlink to it)
 *
 * Its files are named by digest but nothing checks those names: each is
 * hashed here, linked (or copied) as blobs/sha256/HEX of what it holds, and then
 * checked again as the OCI layout's blobs are. A manifest is made for
 * each image and index.json names one per tag. */
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

/* dir/file resolved into real (realpath(3): every symlink followed), if
 * it is a regular file below dir: a name, or a symlink of the archive,
 * that leads out is refused. */
static bool file_below(const char *dir, const char *file, char *real, struct stat *st)
{
	char top[PATH_MAX], path[PATH_MAX];

	return file && realpath(dir, top) && path_join(path, sizeof path, top, file) == 0 &&
	       realpath(path, real) && strncmp(real, top, strlen(top)) == 0 && real[strlen(top)] == '/' &&
	       stat(real, st) == 0 && S_ISREG(st->st_mode);
}

/* dir/file as a blob of the layout in to: blobs/sha256/HEX of its bytes,
 * a hard link, or a copy on another file system (a file listed twice is
 * there once). Its descriptor, or NULL (said). */
static cJSON *file_as_blob(const char *dir, const char *to, const char *file, const char *type)
{
	char real[PATH_MAX], blob[PATH_MAX + 80], digest[DIGEST_LEN + 1];
	struct stat st;

	if (!file_below(dir, file, real, &st)) {
		error_msg("load: manifest.json names %.80s, not a file of the archive", file ? file : "(nothing)");
		return NULL;
	}
	if (sha256_file(real, digest, sizeof digest) < 0 ||
	    snprintf(blob, sizeof blob, "%s/blobs/sha256/%s", to, digest + strlen(SHA256)) >= (int)sizeof blob ||
	    (link(real, blob) < 0 && errno != EEXIST && (errno != EXDEV || copy_file(real, blob) < 0))) {
		error_errno("load: %s as a blob of %s", real, to);
		return NULL;
	}
	return descriptor(type, digest, st.st_size);
}

/* The manifest of one entry of manifest.json, its config and layers
 * linked as blobs: the JSON, or NULL (said). */
static cJSON *manifest_of(const char *dir, const char *to, const cJSON *entry)
{
	const cJSON *files = cJSON_GetObjectItemCaseSensitive(entry, "Layers");
	cJSON *m, *layers, *config;

	if (cJSON_GetArraySize(files) == 0) {
		error_msg("load: manifest.json lists an image with no layers");
		return NULL;
	}
	if (!(config = file_as_blob(dir, to, json_string(entry, "Config"), CONFIG_TYPE)))
		return NULL;
	m = cJSON_CreateObject();
	cJSON_AddNumberToObject(m, "schemaVersion", 2);
	cJSON_AddStringToObject(m, "mediaType", MANIFEST_TYPE);
	cJSON_AddItemToObject(m, "config", config);
	layers = cJSON_AddArrayToObject(m, "layers");
	for (const cJSON *f = cJSON_GetArrayItem(files, 0); f; f = f->next) {
		cJSON *layer = file_as_blob(dir, to, cJSON_GetStringValue(f), LAYER_TYPE);

		if (!layer) {
			cJSON_Delete(m);
			return NULL;
		}
		cJSON_AddItemToArray(layers, layer);
	}
	return m;
}

/* The manifest of one entry of manifest.json, written as a blob: its
 * descriptor, or NULL (said). */
static cJSON *entry_manifest(const char *dir, const char *to, const cJSON *entry)
{
	cJSON *m = manifest_of(dir, to, entry), *d = NULL;
	char *text = m ? cJSON_PrintUnformatted(m) : NULL;

	if (text) {
		char path[PATH_MAX], digest[DIGEST_LEN + 1];

		sha256_text(text, digest, sizeof digest);
		if (snprintf(path, sizeof path, "%s/blobs/sha256/%s", to, digest + strlen(SHA256)) < (int)sizeof path &&
		    write_file_atomic(path, text) == 0)
			d = descriptor(MANIFEST_TYPE, digest, (off_t)strlen(text));
		else
			error_errno("load: write a manifest in %s", to);
	}
	free(text);
	cJSON_Delete(m);
	return d;
}

/* manifest, named name (an image with no tag has none: load refuses it),
 * added to list. */
static void add_named(cJSON *list, const cJSON *manifest, const char *name)
{
	cJSON *d = cJSON_Duplicate(manifest, true);

	if (d && name)
		cJSON_AddStringToObject(cJSON_AddObjectToObject(d, "annotations"), REF_NAME, name);
	if (d)
		cJSON_AddItemToArray(list, d);
}

/* The layout's index.json in to: each entry's manifest once per tag. */
static int write_index(const char *dir, const char *to, const cJSON *entries)
{
	cJSON *index = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(index, "manifests");
	char path[PATH_MAX], *text = NULL;
	int ret = 0;

	cJSON_AddNumberToObject(index, "schemaVersion", 2);
	for (const cJSON *e = cJSON_GetArrayItem(entries, 0); e && ret == 0; e = e->next) {
		const cJSON *tags = cJSON_GetObjectItemCaseSensitive(e, "RepoTags");
		cJSON *manifest = entry_manifest(dir, to, e);

		if (!manifest)
			ret = -1;
		for (const cJSON *tag = cJSON_GetArrayItem(tags, 0); manifest && tag; tag = tag->next)
			add_named(list, manifest, cJSON_GetStringValue(tag));
		if (manifest && cJSON_GetArraySize(tags) == 0)
			add_named(list, manifest, NULL);
		cJSON_Delete(manifest);
	}
	if (ret == 0 && (!(text = cJSON_PrintUnformatted(index)) ||
			 snprintf(path, sizeof path, "%s/index.json", to) >= (int)sizeof path ||
			 write_file_atomic(path, text) < 0)) {
		error_errno("load: write %s/index.json", to);
		ret = -1;
	}
	free(text);
	cJSON_Delete(index);
	return ret;
}

/* dir, an unpacked docker archive, as an OCI layout in to (dir itself, or
 * a directory of load's own): 0, or -1 (said). */
int docker_archive_to_layout(const char *dir, const char *to)
{
	char path[PATH_MAX], *text;
	cJSON *entries;
	int ret = -1;

	if (snprintf(path, sizeof path, "%s/blobs/sha256", to) >= (int)sizeof path || mkdir_p(path, 0700) < 0 ||
	    snprintf(path, sizeof path, "%s/manifest.json", dir) >= (int)sizeof path || !(text = read_file_all(path))) {
		error_errno("load: %s", path);
		return -1;
	}
	if (!cJSON_IsArray(entries = cJSON_Parse(text)) || cJSON_GetArraySize(entries) == 0)
		error_msg("load: manifest.json of the archive lists no image");
	else
		ret = write_index(dir, to, entries);
	cJSON_Delete(entries);
	free(text);
	return ret;
}
