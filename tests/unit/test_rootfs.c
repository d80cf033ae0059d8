/* test_rootfs.c: images (names, unpacking once, broken tars) and the root
 * that travels to init with the command. since: ch04-rootfs */
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

static char root[64];

static int setup(void **state)
{
	char images[128];
	(void)state;

	strcpy(root, "/tmp/mydocker-unit-root.XXXXXX");
	if (!mkdtemp(root))
		return -1;
	snprintf(images, sizeof images, "%s/images", root);
	setenv("MYDOCKER_ROOT", root, 1);
	return mkdir(images, 0755);
}

static int teardown(void **state)
{
	(void)state;
	unsetenv("MYDOCKER_ROOT");
	return remove_tree(root);
}

static void test_image_names(void **state)
{
	const char *good[] = { "busybox", "a", "my-image_2.0", "A9" };
	const char *bad[] = { "", "..", ".", ".hidden", "a//b", "../etc", "-x", "_x", "a b", "a:",
			      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" /* 65 */ };
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		assert_true(image_name_is_valid(good[i]));
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_false(image_name_is_valid(bad[i]));
}

static void test_root_defaults_to_var_lib(void **state)
{
	(void)state;
	unsetenv("MYDOCKER_ROOT");
	assert_string_equal(mydocker_root(), "/var/lib/mydocker");
	setenv("MYDOCKER_ROOT", root, 1);
	assert_string_equal(mydocker_root(), root);
}

static void test_unpack_once(void **state)
{
	char cmd[512], dir[PATH_MAX], file[PATH_MAX + 16];
	(void)state;

	snprintf(cmd, sizeof cmd,
		 "mkdir -p %s/src/bin && echo hi >%s/src/bin/hello && tar -C %s/src -cf %s/images/mini.tar .",
		 root, root, root, root);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(image_unpack("mini", dir, sizeof dir), 0);
	snprintf(file, sizeof file, "%s/bin/hello", dir);
	assert_int_equal(access(file, F_OK), 0);
	/* once unpacked, the directory is used as it is */
	assert_int_equal(unlink(file), 0);
	assert_int_equal(image_unpack("mini", dir, sizeof dir), 0);
	assert_int_equal(access(file, F_OK), -1);
}

static void test_missing_and_broken_images(void **state)
{
	char path[PATH_MAX], dir[PATH_MAX], cmd[512];
	(void)state;

	assert_int_equal(image_unpack("nothere", dir, sizeof dir), -1);
	snprintf(path, sizeof path, "%s/images/bad.tar", root);
	assert_int_equal(write_file_atomic(path, "this is not a tar archive, not at all\n"), 0);
	assert_int_equal(image_unpack("bad", dir, sizeof dir), -1);
	/* nothing but the two tars' worth of entries: no half-unpacked dir */
	snprintf(cmd, sizeof cmd, "test \"$(ls -A %s/images)\" = bad.tar", root);
	assert_int_equal(system(cmd), 0);
}

static void test_root_travels_with_the_command(void **state)
{
	char *argv[] = { "sh", NULL };
	struct init_config in = { .argv = argv, .root = "/var/lib/mydocker/images/busybox" }, out;
	size_t len;
	char *msg = encode_init_config(&in, &len);
	(void)state;

	assert_int_equal(decode_init_config(msg, len, &out), 0);
	assert_string_equal(out.root, in.root);
	assert_string_equal(out.argv[0], "sh");
	free(out.argv);
	free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_names),
		cmocka_unit_test_setup_teardown(test_root_defaults_to_var_lib, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unpack_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_and_broken_images, setup, teardown),
		cmocka_unit_test(test_root_travels_with_the_command),
	};
	return cmocka_run_group_tests_name("rootfs", tests, NULL, NULL);
}
