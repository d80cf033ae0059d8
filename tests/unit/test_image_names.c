/* test_image_names.c: image names as docker writes them, what docker fills
 * in, and the file names they are stored under. since: ch07-docker */
#define _GNU_SOURCE
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common.h"
#include "mydocker.h"

static void test_references(void **state)
{
	const char *good[] = { "busybox", "nginx:1.25", "me/app:v1", "docker.io/library/nginx:latest",
			       "ghcr.io/org/tool:2.0-rc.1", "a/b/c", "A9:Tag_1" };
	const char *bad[] = { "a//b", "/x", "x/", "nginx:", "a:b:c", "x/../y", "localhost:5000/app", "me/app.tar",
			      "x:-tag", "docker.io/library/" };
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		assert_true(image_name_is_valid(good[i]));
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_false(image_name_is_valid(bad[i]));
}

static void test_file_names(void **state)
{
	const char *cases[][2] = {
		{ "busybox", "busybox" },
		{ "busybox:latest", "busybox" },
		{ "docker.io/library/busybox", "busybox" },
		{ "docker.io/library/nginx:1.25", "nginx%3A1.25" },
		{ "docker.io/me/app:v1", "me%2Fapp%3Av1" },
		{ "ghcr.io/org/tool", "ghcr.io%2Forg%2Ftool" },
	};
	char file[NAME_MAX];
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(image_file_name(cases[i][0], file, sizeof file), 0);
		assert_string_equal(file, cases[i][1]);
	}
	assert_int_equal(image_file_name("a//b", file, sizeof file), -1);
	assert_true(same_image("busybox", "docker.io/library/busybox:latest"));
	assert_false(same_image("nginx", "nginx:1.25"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_references),
		cmocka_unit_test(test_file_names),
	};
	return cmocka_run_group_tests_name("image_names", tests, NULL, NULL);
}
