/* test_overlay.c: container ids, the overlay's option string, and the
 * hostname that travels to init. since: ch04-overlay */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mydocker.h"

static void test_id_is_12_hex_digits(void **state)
{
	char id[CONTAINER_ID_LEN + 1];
	(void)state;

	assert_int_equal(make_container_id(id), 0);
	assert_int_equal(strlen(id), 12);
	assert_int_equal(strspn(id, "0123456789abcdef"), 12);
}

static int compare(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void test_ids_do_not_repeat(void **state)
{
	static char ids[2000][CONTAINER_ID_LEN + 1];
	(void)state;

	for (int i = 0; i < 2000; i++)
		assert_int_equal(make_container_id(ids[i]), 0);
	qsort(ids, 2000, sizeof ids[0], compare);
	for (int i = 1; i < 2000; i++)
		assert_string_not_equal(ids[i - 1], ids[i]);
}

static void test_overlay_options(void **state)
{
	char out[256];
	(void)state;

	assert_int_equal(overlay_options(out, sizeof out, "/r/images/busybox", "/r/c/1/upper", "/r/c/1/work"), 0);
	assert_string_equal(out, "lowerdir=/r/images/busybox,upperdir=/r/c/1/upper,workdir=/r/c/1/work");
	assert_int_equal(overlay_options(out, sizeof out, "/a,b", "/u", "/w"), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(overlay_options(out, sizeof out, "/l", "/u:x", "/w"), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(overlay_options(out, 20, "/l", "/u", "/w"), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

static void test_hostname_travels_with_the_command(void **state)
{
	char *argv[] = { "sh", NULL };
	struct init_config in = { .argv = argv, .root = "/r", .hostname = "c0ffee15b00c" }, out;
	size_t len;
	char *msg = encode_init_config(&in, &len);
	(void)state;

	assert_int_equal(decode_init_config(msg, len, &out), 0);
	assert_string_equal(out.hostname, "c0ffee15b00c");
	assert_string_equal(out.root, "/r");
	free(out.argv);
	free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id_is_12_hex_digits),
		cmocka_unit_test(test_ids_do_not_repeat),
		cmocka_unit_test(test_overlay_options),
		cmocka_unit_test(test_hostname_travels_with_the_command),
	};
	return cmocka_run_group_tests_name("overlay", tests, NULL, NULL);
}
