/* test_ipam.c: subnets, and the addresses a network hands out: never the
 * network's, the gateway's or the broadcast address, the lowest free one,
 * "subnet full", given back. since: ch06-network */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "common.h"
#include "mydocker.h"

static void test_subnets(void **state)
{
	struct subnet s, t;
	char error[256], text[32];
	(void)state;

	assert_int_equal(subnet_parse("198.18.1.0/24", &s, error, sizeof error), 0);
	subnet_format(&s, text, sizeof text);
	assert_string_equal(text, "198.18.1.0/24");
	address_format(subnet_gateway(&s), text, sizeof text);
	assert_string_equal(text, "198.18.1.1");
	assert_int_equal(subnet_parse("198.18.1.7/24", &s, error, sizeof error), -1);
	assert_non_null(strstr(error, "did you mean 198.18.1.0/24"));
	assert_int_equal(subnet_parse("10.0.0.0/7", &s, error, sizeof error), -1);
	assert_int_equal(subnet_parse("198.18.1.0/31", &s, error, sizeof error), -1);
	assert_int_equal(subnet_parse("198.18.1.0", &s, error, sizeof error), -1);
	assert_int_equal(subnet_parse("10.0.0.0/8", &s, error, sizeof error), 0);
	assert_int_equal(subnet_parse("127.0.0.0/8", &t, error, sizeof error), -1); /* special ranges */
	assert_int_equal(subnet_parse("169.254.0.0/16", &t, error, sizeof error), -1);
	assert_int_equal(subnet_parse("224.0.0.0/8", &t, error, sizeof error), -1);
	assert_int_equal(subnet_parse("240.0.0.0/8", &t, error, sizeof error), -1);
	assert_int_equal(subnet_parse("0.0.0.0/8", &t, error, sizeof error), -1);
	assert_int_equal(subnet_parse("10.20.0.0/16", &t, error, sizeof error), 0);
	assert_true(subnets_overlap(&s, &t));
	assert_int_equal(subnet_parse("11.0.0.0/16", &t, error, sizeof error), 0);
	assert_false(subnets_overlap(&s, &t));
}

/* A MYDOCKER_ROOT of our own with networks/NAME/ in it. */
static int make_root(void **state)
{
	static char root[] = "/tmp/mydocker-unit-ipam.XXXXXX";
	char dir[PATH_MAX];

	strcpy(root, "/tmp/mydocker-unit-ipam.XXXXXX");
	if (!mkdtemp(root))
		return -1;
	setenv("MYDOCKER_ROOT", root, 1);
	snprintf(dir, sizeof dir, "%s/networks/n", root);
	*state = root;
	return mkdir_p(dir, 0700);
}

static int remove_root(void **state)
{
	remove_tree(*state);
	unsetenv("MYDOCKER_ROOT");
	return 0;
}

static void test_a_slash_30_has_one_address(void **state)
{
	struct subnet s;
	char error[256], text[32];
	uint32_t a;
	(void)state;

	assert_int_equal(subnet_parse("198.18.9.0/30", &s, error, sizeof error), 0);
	assert_int_equal(ipam_allocate("n", &s, "aaaaaaaaaaaa", NULL, &a), 0);
	address_format(a, text, sizeof text);
	assert_string_equal(text, "198.18.9.2");
	assert_int_equal(ipam_allocate("n", &s, "bbbbbbbbbbbb", NULL, &a), -1); /* subnet full */
	assert_int_equal(ipam_release("n", "aaaaaaaaaaaa"), 0);
	assert_int_equal(ipam_allocate("n", &s, "bbbbbbbbbbbb", NULL, &a), 0);
	address_format(a, text, sizeof text);
	assert_string_equal(text, "198.18.9.2");
}

static void test_the_lowest_free_and_a_wanted_one(void **state)
{
	struct subnet s;
	char error[256], text[32];
	uint32_t a;
	(void)state;

	assert_int_equal(subnet_parse("198.18.8.0/24", &s, error, sizeof error), 0);
	assert_int_equal(ipam_allocate("n", &s, "000000000001", "198.18.8.3", &a), 0);
	assert_int_equal(ipam_allocate("n", &s, "000000000002", NULL, &a), 0);
	address_format(a, text, sizeof text);
	assert_string_equal(text, "198.18.8.2");
	assert_int_equal(ipam_allocate("n", &s, "000000000003", NULL, &a), 0);
	address_format(a, text, sizeof text);
	assert_string_equal(text, "198.18.8.4"); /* .3 is taken */
	assert_int_equal(ipam_allocate("n", &s, "000000000004", "198.18.8.3", &a), -1);
	assert_int_equal(ipam_allocate("n", &s, "000000000004", "198.18.8.255", &a), -1);
	assert_int_equal(ipam_allocate("n", &s, "000000000004", "198.18.8.1", &a), -1);
	assert_int_equal(ipam_allocate("n", &s, "000000000004", "198.18.9.5", &a), -1);
}

static void test_a_slash_8_works(void **state)
{
	struct subnet s;
	char error[256], text[32];
	uint32_t a;
	(void)state;

	assert_int_equal(subnet_parse("10.0.0.0/8", &s, error, sizeof error), 0);
	assert_int_equal(ipam_allocate("n", &s, "000000000001", "10.255.255.254", &a), 0);
	assert_int_equal(ipam_allocate("n", &s, "000000000002", NULL, &a), 0);
	address_format(a, text, sizeof text);
	assert_string_equal(text, "10.0.0.2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subnets),
		cmocka_unit_test_setup_teardown(test_a_slash_30_has_one_address, make_root, remove_root),
		cmocka_unit_test_setup_teardown(test_the_lowest_free_and_a_wanted_one, make_root, remove_root),
		cmocka_unit_test_setup_teardown(test_a_slash_8_works, make_root, remove_root),
	};
	return cmocka_run_group_tests_name("ipam", tests, NULL, NULL);
}
