/* commit.c: `mydocker commit CONTAINER IMAGE` (the book's commitContainer)
 * saves a running container's root, the image with the container's changes
 * (the merged view of its overlay), as images/IMAGE.tar under MYDOCKER_ROOT,
 * with the container's command as the image's default (images/IMAGE.json);
 * `run IMAGE` then starts from it. The tar is a plain root filesystem, as
 * `docker export` writes and `docker import` reads. Volumes are not in it:
 * they are mounted in the container's mount namespace only. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

/* Is dir a mount point, that is, on another device than its parent? */
static bool is_mounted(const char *dir)
{
	char parent[PATH_MAX + 4];
	struct stat st, pst;

	snprintf(parent, sizeof parent, "%s/..", dir);
	return stat(dir, &st) == 0 && stat(parent, &pst) == 0 && st.st_dev != pst.st_dev;
}

/* tar -cf TAR -C DIR . : its exit status. tar says 1 when a file changed
 * while it read it, as files of a running container may. */
static int tar_dir(const char *dir, const char *tar)
{
	char *argv[] = { "tar", "--numeric-owner", "-cf", (char *)tar, "-C", (char *)dir, ".", NULL };

	return run_quietly(argv);
}

/* An unpacked copy of the old image (the directory images/IMAGE) would
 * hide the new tar; it may only go if no container runs on it (no overlay
 * has it as its lowerdir). */
static int remove_unpacked(const char *image, const char *dir)
{
	char *mounts = read_file_all("/proc/self/mountinfo");
	char lower[PATH_MAX + 16];
	bool in_use;

	if (!mounts) {
		error_errno("read /proc/self/mountinfo");
		return -1;
	}
	snprintf(lower, sizeof lower, "lowerdir=%s,", dir);
	in_use = strstr(mounts, lower) != NULL;
	free(mounts);
	if (in_use) {
		error_msg("image %s is in use by a running container: stop it before replacing the image", image);
		return -1;
	}
	if (remove_tree(dir) < 0) {
		error_errno("remove the old unpacked image %s", dir);
		return -1;
	}
	return 0;
}

int commit_container(const char *id, const char *image, bool force, char *const *command)
{
	char merged[PATH_MAX], tar[PATH_MAX], tmp[PATH_MAX], unpacked[PATH_MAX], file[NAME_MAX];
	struct stat st;
	int status;

	if (root_path(merged, sizeof merged, "containers/%s/merged", id) < 0 ||
	    image_file_name(image, file, sizeof file) < 0 || root_path(unpacked, sizeof unpacked, "images/%s", file) < 0 ||
	    image_tar_path(image, tar, sizeof tar) < 0 ||
	    root_path(tmp, sizeof tmp, "images/.%s.tar.tmp-%d", file, (int)getpid()) < 0) {
		error_msg("commit: path too long below %s", mydocker_root());
		return -1;
	}
	if (!is_mounted(merged)) {
		error_msg("no running container %s (its root would be %s)", id, merged);
		return -1;
	}
	if (!force && access(tar, F_OK) == 0) {
		error_msg("image %s exists: %s (commit --force replaces it)", image, tar);
		return -1;
	}
	if (stat(unpacked, &st) == 0 && S_ISDIR(st.st_mode) && remove_unpacked(image, unpacked) < 0)
		return -1;
	status = tar_dir(merged, tmp);
	if (status != 0 && status != 1) {
		unlink(tmp);
		error_msg("commit %s: tar could not pack %s (exit status %d)", id, merged, status);
		return -1;
	}
	if (image_config_write(image, command) < 0) {
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, tar) < 0) {
		error_errno("commit %s: rename %s to %s", id, tmp, tar);
		unlink(tmp);
		return -1;
	}
	debug("committed container %s as %s", id, tar);
	printf("%s\n", tar);
	return 0;
}

static void print_commit_usage(FILE *out)
{
	fprintf(out,
		"Usage: mydocker commit [--force] NAME|ID IMAGE\n"
		"\n"
		"Save a running container's root (without its volumes) as\n"
		"MYDOCKER_ROOT/images/IMAGE.tar; run it with 'mydocker run IMAGE'.\n"
		"\n"
		"Options:\n"
		"  -f, --force   replace an existing image\n"
		"  -h, --help    print this help\n");
}

int commit_command(int argc, char **argv)
{
	char id[CONTAINER_ID_LEN + 1];
	struct record r;
	bool force = false;
	const struct flag flags[] = { { "--force", 'f', &force, NULL }, { NULL, 0, NULL, NULL } };
	int code, i = command_flags(argc, argv, flags, print_commit_usage, &code);

	if (i < 0)
		return code;
	if (argc - i != 2) {
		error_msg("commit needs a container and an image name");
		print_commit_usage(stderr);
		return EXIT_MYDOCKER;
	}
	if (find_container(argv[i], id) < 0)
		return EXIT_MYDOCKER;
	if (!image_name_is_valid(argv[i + 1])) {
		error_msg("invalid image name %s: [PATH/]NAME[:TAG], each part letters, digits and '_', '.', '-', "
			  "starting with a letter or digit, not ending in .tar", argv[i + 1]);
		return EXIT_MYDOCKER;
	}
	if (require_root() < 0 || record_read(id, &r) < 0)
		return EXIT_MYDOCKER;
	code = commit_container(id, argv[i + 1], force, r.command) == 0 ? 0 : EXIT_MYDOCKER;
	record_free(&r);
	return code;
}

/* What commit_container() leaves when its mydocker dies halfway: a temp tar. */
void prune_commits(void)
{
	char dir[PATH_MAX];

	if (root_path(dir, sizeof dir, "images") == 0)
		prune_temp_files(dir, ".tar.tmp-", "image", unlink);
}
