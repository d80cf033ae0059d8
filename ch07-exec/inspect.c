/* inspect.c: `mydocker inspect IMAGE...`, what `docker image inspect`
 * shows of an image, as a JSON array: its id, its names, its config (the
 * command, environment, user, working directory, stop signal, the ports
 * it exposes) and its layers' diff ids. */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "json.h"
#include "mydocker.h"

/* The name as docker shows it in RepoTags: short, with its tag
 * ("busybox:latest"). */
static cJSON *repo_tag(const char *name)
{
	char short_form[IMAGE_NAME_MAX + 2], tagged[IMAGE_NAME_MAX + 16];
	const char *slash;

	image_short_name(name, short_form, sizeof short_form);
	slash = strrchr(short_form, '/');
	snprintf(tagged, sizeof tagged, "%s%s", short_form,
		 strchr(slash ? slash : short_form, ':') ? "" : ":latest");
	return cJSON_CreateString(tagged);
}

/* An image of one tar: its command is its config, its tar its one layer. */
static void add_tar_image(cJSON *out, const char *name, const cJSON *image)
{
	char tar[PATH_MAX], layer[DIGEST_LEN + 1];
	cJSON *config = cJSON_AddObjectToObject(out, "Config");
	cJSON *layers = cJSON_AddArrayToObject(cJSON_AddObjectToObject(out, "RootFS"), "Layers");

	cJSON_AddItemToObject(config, "Cmd", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(image, "cmd"), true));
	if (image_tar_path(name, tar, sizeof tar) == 0 && sha256_file(tar, layer, sizeof layer) == 0)
		cJSON_AddItemToArray(layers, cJSON_CreateString(layer));
}

/* What docker image inspect shows of image name, or NULL (said). */
static cJSON *inspect_image(const char *name)
{
	char path[PATH_MAX], id[DIGEST_LEN + 1], *text = NULL;
	cJSON *image = NULL, *out = NULL;

	if (!image_name_is_valid(name) || image_config_path(name, path, sizeof path) < 0 ||
	    !(text = read_file_all(path)) || !(image = cJSON_Parse(text)) || image_id(name, id, sizeof id) < 0) {
		error_msg("inspect: no such image: %.100s (mydocker images lists them)", name);
	} else {
		out = cJSON_CreateObject();
		cJSON_AddStringToObject(out, "Id", id);
		cJSON_AddItemToArray(cJSON_AddArrayToObject(out, "RepoTags"), repo_tag(name));
		cJSON_AddStringToObject(out, "Os", "linux");
		if (cJSON_GetObjectItemCaseSensitive(image, "layers")) {
			cJSON_AddItemToObject(out, "Config",
					      cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(image, "config"), true));
			cJSON_AddItemToObject(cJSON_AddObjectToObject(out, "RootFS"), "Layers",
					      cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(image, "layers"), true));
		} else {
			add_tar_image(out, name, image);
		}
	}
	cJSON_Delete(image);
	free(text);
	return out;
}

static void print_inspect_usage(FILE *out)
{
	fprintf(out, "Usage: mydocker inspect IMAGE...\n\n"
		     "Print what docker image inspect shows of each image: its id, names, config\n"
		     "(Cmd, Entrypoint, Env, User, WorkingDir, StopSignal, ExposedPorts) and layers.\n");
}

/* mydocker inspect IMAGE...: a JSON array, one object per image; 125 if
 * any is not there (the others are still printed, as docker does). */
int inspect_command(int argc, char **argv)
{
	const struct flag flags[] = { { NULL, 0, NULL, NULL } };
	int code, i = command_flags(argc, argv, flags, print_inspect_usage, &code), ret = 0;
	cJSON *all = cJSON_CreateArray();
	char *text;

	if (i < 0 || i == argc) {
		if (i == argc)
			error_msg("usage: mydocker inspect IMAGE...");
		cJSON_Delete(all);
		return i < 0 ? code : EXIT_MYDOCKER;
	}
	for (; i < argc; i++) {
		cJSON *one = inspect_image(argv[i]);

		if (one)
			cJSON_AddItemToArray(all, one);
		else
			ret = EXIT_MYDOCKER;
	}
	text = cJSON_Print(all);
	printf("%s\n", text ? text : "[]");
	free(text);
	cJSON_Delete(all);
	return ret;
}
