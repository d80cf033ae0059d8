/* layer.c: one layer of an image, unpacked into a directory of its own.
 * A layer is a tar, gzip'd, zstd'd or plain (libarchive finds out which),
 * with two digests: the sha256 of its bytes as they are stored (the name
 * the manifest gives it) and the sha256 of its tar once uncompressed (its
 * diff id, which the image's config lists). Both are checked in the one
 * pass that unpacks it, and a layer that matches neither is refused, with
 * everything it unpacked.
 *
 * The OCI image spec's whiteouts become overlayfs's, so that the kernel
 * applies them when the layers are an overlay's lowerdirs
 * (Documentation/filesystems/overlayfs.rst):
 *
 *   .wh.NAME        NAME is deleted    ->  NAME, a character device 0/0
 *   .wh..wh..opq    nothing below this ->  trusted.overlay.opaque=y on
 *                   directory shows         the directory
 *
 * An entry that would land outside the directory (a "..", an absolute
 * path, a path through a symlink the layer made) is refused: libarchive's
 * ARCHIVE_EXTRACT_SECURE_* options, archive_write_disk(3). */
#define _GNU_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "mydocker.h"

#define WHITEOUT ".wh."
#define OPAQUE ".wh..wh..opq"

/* What extraction may do: owners, modes, times and xattrs as the layer
 * says (it is root's image), nothing outside the directory. */
#define EXTRACT_OPTIONS (ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | \
			 ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_SECURE_NODOTDOT |                   \
			 ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS)

/* The layer as it is read: its file, through a first libarchive reader
 * (the filters: gunzip, unzstd; the "raw" format: the bytes as they come
 * out of them), into a second one that reads the tar. Each side is
 * hashed on the way. */
struct blob {
	int fd;
	struct archive *raw;
	struct sha256_ctx stored, tar; /* the blob's digest, its diff id */
	char buf[64 * 1024], tar_buf[64 * 1024];
};

static la_ssize_t read_stored(struct archive *a, void *data, const void **buffer)
{
	struct blob *b = data;
	ssize_t n;

	(void)a;
	do
		n = read(b->fd, b->buf, sizeof b->buf);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		sha256_update(&b->stored, (size_t)n, (const uint8_t *)b->buf);
	*buffer = b->buf;
	return n;
}

static la_ssize_t read_tar(struct archive *a, void *data, const void **buffer)
{
	struct blob *b = data;
	la_ssize_t n = archive_read_data(b->raw, b->tar_buf, sizeof b->tar_buf);

	(void)a;
	if (n > 0)
		sha256_update(&b->tar, (size_t)n, (const uint8_t *)b->tar_buf);
	*buffer = b->tar_buf;
	return n;
}

/* The rest of the tar (past its end marker) and of the file, hashed too
 * (a digest is of every byte), then both digests checked: 0, or -1 with
 * why in error. The blob's digest is checked even when its tar was bad
 * (diff_id NULL): a blob whose bytes are not the ones it is named by is
 * said as such, whatever they broke. */
static int check_digests(struct blob *b, const char *digest, const char *diff_id, char *error, size_t size)
{
	char stored[80], tar[80];
	const void *ignored;
	la_ssize_t n = 0, m;

	while (b->raw && (n = read_tar(NULL, b, &ignored)) > 0)
		;
	while ((m = read_stored(NULL, b, &ignored)) > 0)
		;
	sha256_hex(&b->stored, stored, sizeof stored);
	sha256_hex(&b->tar, tar, sizeof tar);
	if (m < 0)
		snprintf(error, size, "reading it: %s", strerror(errno));
	else if (digest && strcmp(stored, digest) != 0)
		snprintf(error, size, "its bytes are %.19s..., not %.19s... as the manifest says", stored, digest);
	else if (diff_id && (n < 0 || strcmp(tar, diff_id) != 0))
		snprintf(error, size, "its tar is %.19s..., not the %.19s... the config names", tar, diff_id);
	else
		return 0;
	return -1;
}

/* "sha256:" and 64 lowercase hex digits: nothing else names a blob (a
 * digest is also a path: it must not lead anywhere but blobs/sha256/). */
bool is_digest(const char *digest)
{
	if (!digest || strlen(digest) != DIGEST_LEN || strncmp(digest, SHA256, strlen(SHA256)) != 0)
		return false;
	return strspn(digest + strlen(SHA256), "0123456789abcdef") == 64;
}

/* MYDOCKER_ROOT/layers/HEX, where the layer of a diff id is unpacked: 0,
 * or -1 (not a digest, too long). */
int layer_dir(const char *diff_id, char *out, size_t size)
{
	return is_digest(diff_id) ? root_path(out, size, "layers/%s", diff_id + strlen(SHA256)) : -1;
}

/* The whiteout an entry is: NULL if it is none, else the name it deletes
 * ("" for an opaque directory). */
static const char *whiteout_of(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	if (strcmp(base, OPAQUE) == 0)
		return "";
	if (strncmp(base, WHITEOUT, strlen(WHITEOUT)) == 0 && base[strlen(WHITEOUT)])
		return base + strlen(WHITEOUT);
	return NULL;
}

/* Turns the entry for PARENT/.wh.NAME into a 0/0 character device
 * PARENT/NAME, or the entry for PARENT/.wh..wh..opq into PARENT itself
 * with trusted.overlay.opaque=y (its mode and owner as extracted before
 * it, if it was). Written like any other entry: the same checks apply. */
static void make_overlay_whiteout(struct archive_entry *entry, const char *deleted)
{
	char path[4096];
	const char *slash = strrchr(archive_entry_pathname(entry), '/');
	int parent = slash ? (int)(slash - archive_entry_pathname(entry)) : 0;
	struct stat st;

	if (*deleted) {
		snprintf(path, sizeof path, "%.*s%s%s", parent, archive_entry_pathname(entry), slash ? "/" : "",
			 deleted);
		archive_entry_set_pathname(entry, path);
		archive_entry_set_filetype(entry, AE_IFCHR);
		archive_entry_set_perm(entry, 0);
		archive_entry_set_rdev(entry, 0);
		archive_entry_set_size(entry, 0);
		return;
	}
	snprintf(path, sizeof path, "%.*s", slash ? parent : 1, slash ? archive_entry_pathname(entry) : ".");
	archive_entry_set_pathname(entry, path);
	archive_entry_set_filetype(entry, AE_IFDIR);
	archive_entry_set_size(entry, 0);
	if (fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
		archive_entry_set_perm(entry, st.st_mode & 07777);
		archive_entry_set_uid(entry, st.st_uid);
		archive_entry_set_gid(entry, st.st_gid);
	} else {
		archive_entry_set_perm(entry, 0755);
	}
	archive_entry_xattr_clear(entry);
	archive_entry_xattr_add_entry(entry, "trusted.overlay.opaque", "y", 1);
}

/* Every entry of the layer, onto the disk under the current directory. */
static int extract_entries(struct archive *in, struct archive *out, char *error, size_t size)
{
	struct archive_entry *entry;
	int r;

	while ((r = archive_read_next_header(in, &entry)) == ARCHIVE_OK) {
		const char *deleted = whiteout_of(archive_entry_pathname(entry));
		if (deleted)
			make_overlay_whiteout(entry, deleted);
		if (archive_read_extract2(in, entry, out) != ARCHIVE_OK) { /* header, data, times */
			snprintf(error, size, "%s: %s", archive_entry_pathname(entry), archive_error_string(in));
			return -1;
		}
	}
	if (r != ARCHIVE_EOF) {
		snprintf(error, size, "not a whole tar: %s", archive_error_string(in));
		return -1;
	}
	return 0;
}

/* Opens the layer's two readers: 0, or -1 with why in error. */
static int open_layer(struct blob *b, struct archive *in, char *error, size_t size)
{
	struct archive_entry *entry;

	archive_read_support_filter_gzip(b->raw); /* what the image spec allows: */
	archive_read_support_filter_zstd(b->raw); /* gzip, zstd, or none */
	archive_read_support_format_raw(b->raw);
	archive_read_support_format_tar(in);
	if (archive_read_open(b->raw, b, NULL, read_stored, NULL) != ARCHIVE_OK ||
	    archive_read_next_header(b->raw, &entry) != ARCHIVE_OK ||
	    archive_read_open(in, b, NULL, read_tar, NULL) != ARCHIVE_OK) {
		snprintf(error, size, "not a layer: %s",
			 archive_error_string(b->raw) ? archive_error_string(b->raw) : archive_error_string(in));
		return -1;
	}
	return 0;
}

/* Unpacks the layer in file blob ("-": stdin) into dir (which exists,
 * empty) and checks that its bytes have the digest the manifest names it
 * by and its tar the diff id the config gives it ("sha256:HEX"; NULL: not
 * checked, for an archive of a whole image): 0, or -1 with why in error
 * and dir removed. archive_write_disk(3) works relative to the current
 * directory, as tar -C does: we go into dir for the time of it (mydocker
 * has one thread) and back. */
int layer_unpack(const char *blob, const char *dir, const char *digest, const char *diff_id, char *error,
		 size_t size)
{
	struct blob *b = calloc(1, sizeof *b);
	struct archive *in = archive_read_new(), *out = archive_write_disk_new();
	int here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret = -1;

	error[0] = '\0';
	if (b) {
		b->fd = -1;
		b->raw = archive_read_new();
	}
	if (b && strcmp(blob, "-") == 0)
		b->fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0);
	else if (b)
		b->fd = open(blob, O_RDONLY | O_CLOEXEC);
	if (!b || !b->raw || !in || !out || here < 0 || b->fd < 0) {
		snprintf(error, size, "%s: %s", blob, strerror(errno ? errno : ENOMEM));
		goto out;
	}
	sha256_init(&b->stored);
	sha256_init(&b->tar);
	archive_write_disk_set_options(out, EXTRACT_OPTIONS);
	if (open_layer(b, in, error, size) < 0)
		;
	else if (chdir(dir) < 0)
		snprintf(error, size, "%s: %s", dir, strerror(errno));
	else if (extract_entries(in, out, error, size) == 0)
		ret = 0;
	if (fchdir(here) < 0 && ret == 0) {
		snprintf(error, size, "back from %s: %s", dir, strerror(errno));
		ret = -1;
	}
	if (check_digests(b, digest, ret == 0 ? diff_id : NULL, error, size) < 0)
		ret = -1;
out:
	if (ret < 0 && here >= 0)
		remove_tree(dir);
	if (b && b->fd >= 0)
		close(b->fd);
	if (here >= 0)
		close(here);
	archive_read_free(in); /* each takes NULL */
	archive_read_free(b ? b->raw : NULL);
	archive_write_free(out);
	free(b);
	return ret;
}
