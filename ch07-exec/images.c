/* images.c: `mydocker images`, the images under MYDOCKER_ROOT/images with
 * docker's columns (repository, tag, id, when made, size), and `mydocker rmi IMAGE...`, which
 * removes an image no running container uses: its tar, its configuration
 * and its unpacked copy. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

/* Sizes as docker prints them: decimal units, "4.2MB". */
static void human_size(off_t bytes, char *out, size_t size)
{
	const char *units[] = { "B", "kB", "MB", "GB", "TB" };
	double value = (double)bytes;
	size_t u = 0;

	while (value >= 1000 && u + 1 < ARRAY_SIZE(units)) {
		value /= 1000;
		u++;
	}
	snprintf(out, size, u == 0 ? "%.0f%s" : "%.3g%s", value, units[u]);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* An image: NAME.tar, or NAME.json (a loaded image has no tar; one that
 * has both is listed by its tar); not a temp file (.NAME.tar.tmp-PID). */
static int is_image_tar(const struct dirent *e)
{
	size_t len = strlen(e->d_name);

	return len > 5 && e->d_name[0] != '.' &&
	       (strcmp(e->d_name + len - 4, ".tar") == 0 || strcmp(e->d_name + len - 5, ".json") == 0);
}

/* A file name below images/ back to the image's name: %2F and %3A are
 * '/' and ':' (image_file_name()). */
static void name_of_file(const char *file, char *name, size_t size)
{
	size_t at = 0;

	while (*file && at + 1 < size) {
		if (strncmp(file, "%2F", 3) == 0 || strncmp(file, "%3A", 3) == 0) {
			name[at++] = file[2] == 'F' ? '/' : ':';
			file += 3;
		} else {
			name[at++] = *file++;
		}
	}
	name[at] = '\0';
}

/* One line, docker's columns: REPOSITORY, TAG ("latest" if the name has
 * none), IMAGE ID (12 hex digits of its config's digest), CREATED, SIZE;
 * of the image stored as file.tar or file.json (ext: 4 or 5). */
static void list_image(const char *dir, char *file, size_t ext)
{
	char path[PATH_MAX + 256], name[IMAGE_NAME_MAX + 1], *tag, size[16], created[32], id[DIGEST_LEN + 1];
	struct stat st;
	struct tm tm;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	if (stat(path, &st) < 0)
		return;
	file[strlen(file) - ext] = '\0';
	name_of_file(file, name, sizeof name);
	if (image_id(name, id, sizeof id) < 0)
		snprintf(id, sizeof id, "%s?", SHA256);
	human_size(ext == 5 ? image_layers_size(name) : st.st_size, size, sizeof size);
	localtime_r(&st.st_mtime, &tm);
	strftime(created, sizeof created, "%Y-%m-%d %H:%M:%S", &tm);
	tag = strrchr(name, ':');
	if (tag)
		*tag++ = '\0';
	printf("%-24s  %-10s  %-12.12s  %-19s  %s\n", name, tag ? tag : "latest", id + strlen(SHA256), created, size);
}

static int list_images(void)
{
	char dir[PATH_MAX], path[PATH_MAX + 256];
	struct dirent **names;
	int n;

	n = root_path(dir, sizeof dir, "images") < 0 ? -1 : scandir(dir, &names, is_image_tar, by_name);
	if (n < 0 && errno != ENOENT) {
		error_errno("list the images in %s", dir);
		return EXIT_MYDOCKER;
	}
	printf("%-24s  %-10s  %-12s  %-19s  %s\n", "REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE");
	for (int i = 0; i < n; i++) {
		size_t len = strlen(names[i]->d_name);
		bool json = strcmp(names[i]->d_name + len - 5, ".json") == 0;
		snprintf(path, sizeof path, "%s/%.*s.tar", dir, (int)(len - (json ? 5 : 4)), names[i]->d_name);
		if (!json || access(path, F_OK) < 0) /* an image with both is listed by its tar */
			list_image(dir, names[i]->d_name, json ? 5 : 4);
		free(names[i]);
	}
	if (n > 0)
		free(names);
	return 0;
}

static void print_images_usage(FILE *out)
{
	fprintf(out,
		"Usage: mydocker images\n"
		"\n"
		"List the images: repository, tag, id, when it was made, its size.\n"
		"\n"
		"Options:\n"
		"  -h, --help    print this help\n");
}

int images_command(int argc, char **argv)
{
	const struct flag flags[] = { { NULL, 0, NULL, NULL } };
	int code, i = command_flags(argc, argv, flags, print_images_usage, &code);

	if (i < 0)
		return code;
	if (i != argc) {
		error_msg("images takes no arguments");
		return EXIT_MYDOCKER;
	}
	return list_images();
}

/* The name of a running or starting container of image, into who; false
 * if none. */
static bool image_in_use(const char *image, char *who, size_t size)
{
	struct record *records;
	size_t n;
	bool used = false;

	if (record_list(&records, &n) < 0)
		return true; /* unknown: do not remove what may be in use */
	for (size_t i = 0; i < n && !used; i++) {
		if (same_image(records[i].image, image) && record_is_live(&records[i])) {
			snprintf(who, size, "%s", records[i].name);
			used = true;
		}
	}
	record_list_free(records, n);
	return used;
}

static int remove_image(const char *image)
{
	char tar[PATH_MAX], config[PATH_MAX], unpacked[PATH_MAX], file[NAME_MAX], who[MAX_NAME_LEN + 1] = "?";

	if (!image_name_is_valid(image)) {
		error_msg("invalid image name %.80s", image);
		return -1;
	}
	if (image_file_name(image, file, sizeof file) < 0 || image_tar_path(image, tar, sizeof tar) < 0 ||
	    image_config_path(image, config, sizeof config) < 0 ||
	    root_path(unpacked, sizeof unpacked, "images/%s", file) < 0 ||
	    (access(tar, F_OK) < 0 && access(config, F_OK) < 0)) { /* a loaded image has no tar */
		error_msg("no image %s (mydocker images lists them)", image);
		return -1;
	}
	if (image_in_use(image, who, sizeof who)) {
		error_msg("image %s is in use by running container %s: stop it first (mydocker stop %s)",
			  image, who, who);
		return -1;
	}
	if ((unlink(tar) < 0 && errno != ENOENT) || (unlink(config) < 0 && errno != ENOENT) ||
	    (access(unpacked, F_OK) == 0 && remove_tree(unpacked) < 0)) {
		error_errno("remove image %s", image);
		return -1;
	}
	forget_unused_layers();
	printf("%s\n", image);
	return 0;
}

static void print_rmi_usage(FILE *out)
{
	fprintf(out,
		"Usage: mydocker rmi IMAGE...\n"
		"\n"
		"Remove images that no running container uses.\n"
		"\n"
		"Options:\n"
		"  -h, --help    print this help\n");
}

int rmi_command(int argc, char **argv)
{
	const struct flag flags[] = { { NULL, 0, NULL, NULL } };
	int code, failed = 0, i = command_flags(argc, argv, flags, print_rmi_usage, &code);

	if (i < 0)
		return code;
	if (i == argc) {
		error_msg("rmi needs at least one image");
		return EXIT_MYDOCKER;
	}
	if (require_root() < 0)
		return EXIT_MYDOCKER;
	for (; i < argc; i++)
		if (remove_image(argv[i]) < 0)
			failed = 1;
	return failed ? EXIT_MYDOCKER : 0;
}
