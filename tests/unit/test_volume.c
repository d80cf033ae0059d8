/* test_volume.c: volume specs, resolving a container path inside a root
 * with symlinks, container ids for commit, volumes over the pipe.
 * since: ch04-volume */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "common.h"
#include "mydocker.h"

static void test_good_specs(void **state)
{
	struct volume v;
	char error[256];
	(void)state;

	assert_int_equal(parse_volume("/srv/data:/data", &v, error, sizeof error), 0);
	assert_string_equal(v.host, "/srv/data");
	assert_string_equal(v.container, "/data");
	assert_false(v.read_only);
	assert_int_equal(parse_volume("/srv:/a/b/c:ro", &v, error, sizeof error), 0);
	assert_true(v.read_only);
	assert_int_equal(parse_volume("/srv:/a:rw", &v, error, sizeof error), 0);
	assert_false(v.read_only);
	assert_int_equal(parse_volume("/a/../b:/x..y/..z", &v, error, sizeof error), 0); /* not ".." components */
}

static void test_bad_specs(void **state)
{
	const char *bad[] = { "", "/a", "rel:/data", "/a:rel", "/a:/data:xx", "/a:/data:ro:x",
			      ":/data", "/a:", "/a::/data", "/a:/", "/a://", "/a:/../etc",
			      "/a:/x/../../etc", "/a:/x/..", "/a:/data:" };
	struct volume v;
	char error[256];
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		error[0] = '\0';
		assert_int_equal(parse_volume(bad[i], &v, error, sizeof error), -1);
		assert_non_null(strstr(error, "invalid volume"));
	}
}

static char root[64];

static void make(const char *kind, const char *path, const char *target)
{
	char full[PATH_MAX];

	snprintf(full, sizeof full, "%s%s", root, path);
	if (strcmp(kind, "dir") == 0)
		assert_int_equal(mkdir_p(full, 0755), 0);
	else
		assert_int_equal(symlink(target, full), 0);
}

static int setup_root(void **state)
{
	(void)state;
	strcpy(root, "/tmp/mydocker-unit-vol.XXXXXX");
	if (!mkdtemp(root))
		return -1;
	make("dir", "/etc", NULL);
	make("dir", "/usr/lib", NULL);
	make("link", "/abs", "/etc");                      /* absolute: from the root */
	make("link", "/usr/rel", "../etc");                /* relative, inside */
	make("link", "/escape", "../../../../../../tmp");  /* climbs out */
	make("link", "/usr/lib/out", "../../../x");        /* one level too far */
	make("link", "/loop", "/loop");
	make("link", "/chain", "/usr/rel");
	return 0;
}

static int teardown_root(void **state)
{
	(void)state;
	return remove_tree(root);
}

static void expect_resolves(const char *path, const char *expected)
{
	char out[PATH_MAX], want[PATH_MAX];

	snprintf(want, sizeof want, "%s%s", root, expected);
	assert_int_equal(resolve_in_root(root, path, out, sizeof out), 0);
	assert_string_equal(out, want);
}

static void expect_refused(const char *path, int error)
{
	char out[PATH_MAX];

	errno = 0;
	assert_int_equal(resolve_in_root(root, path, out, sizeof out), -1);
	assert_int_equal(errno, error);
}

static void test_resolve_in_root(void **state)
{
	(void)state;
	expect_resolves("/data", "/data");                 /* not there yet: as given */
	expect_resolves("/etc/x", "/etc/x");
	expect_resolves("//etc/./x/", "/etc/x");
	expect_resolves("/abs/x", "/etc/x");                /* not the host's /etc */
	expect_resolves("/usr/rel/x", "/etc/x");
	expect_resolves("/chain/y", "/etc/y");
	expect_resolves("/", "/");
	expect_refused("/escape/x", EXDEV);
	expect_refused("/usr/lib/out", EXDEV);
	expect_refused("/loop/x", ELOOP);
}

static void test_container_ids(void **state)
{
	(void)state;
	assert_true(container_id_is_valid("0123456789ab"));
	assert_false(container_id_is_valid("0123456789AB"));
	assert_false(container_id_is_valid("0123456789a"));
	assert_false(container_id_is_valid("../../etc/xx"));
	assert_false(container_id_is_valid(""));
}

static void test_volumes_travel_to_init(void **state)
{
	char *argv[] = { "sh", NULL }, *volumes[] = { "/a:/b:ro", "/c:/d:rw", NULL };
	struct init_config in = { .argv = argv, .root = "/r", .hostname = "h", .volumes = volumes }, out;
	size_t len;
	char *msg = encode_init_config(&in, &len);
	(void)state;

	assert_int_equal(decode_init_config(msg, len, &out), 0);
	assert_string_equal(out.volumes[0], "/a:/b:ro");
	assert_string_equal(out.volumes[1], "/c:/d:rw");
	assert_null(out.volumes[2]);
	free(out.argv);
	free(out.volumes);
	free(msg);
}

static void test_run_takes_repeated_v(void **state)
{
	static struct run_options o; /* big: the volumes' paths */
	char *a[] = { "run", "-v", "/a:/b", "--volume", "/c:/d:ro", "-v", "/e:/f", "sh", NULL };
	char *b[] = { "run", "-v", "a:/b", "sh", NULL };
	(void)state;

	assert_int_equal(parse_run_options(8, a, &o), PARSE_OK);
	assert_int_equal(o.n_volumes, 3);
	assert_string_equal(o.volumes[1].container, "/d");
	assert_true(o.volumes[1].read_only);
	assert_int_equal(parse_run_options(4, b, &o), PARSE_VALUE_ERROR);
	assert_non_null(strstr(o.error, "both paths must be absolute"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_specs),
		cmocka_unit_test(test_bad_specs),
		cmocka_unit_test_setup_teardown(test_resolve_in_root, setup_root, teardown_root),
		cmocka_unit_test(test_container_ids),
		cmocka_unit_test(test_volumes_travel_to_init),
		cmocka_unit_test(test_run_takes_repeated_v),
	};
	return cmocka_run_group_tests_name("volume", tests, NULL, NULL);
}
