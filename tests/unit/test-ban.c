/* tests/unit/test-ban.c: ban scores per address. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "main/ban.h"

static void test_score_and_expiry(void **state)
{
	struct ban_table *t = ban_table_new(NULL, 20, 300, 1200);

	(void)state;
	assert_false(ban_add(t, "203.0.113.5", 10, 1000));
	assert_false(ban_is_banned(t, "203.0.113.5", 1000));
	assert_true(ban_add(t, "203.0.113.5", 10, 1001));        /* reaches max-ban-score */
	assert_true(ban_is_banned(t, "203.0.113.5", 1001));
	assert_false(ban_is_banned(t, "203.0.113.6", 1001));      /* other addresses unaffected */
	assert_int_equal(ban_count_banned(t, 1001), 1);
	assert_true(ban_is_banned(t, "203.0.113.5", 1300));
	assert_false(ban_is_banned(t, "203.0.113.5", 1301));      /* ban-time over */
	talloc_free(t);
}

static void test_reset_time(void **state)
{
	struct ban_table *t = ban_table_new(NULL, 20, 300, 100);

	(void)state;
	assert_false(ban_add(t, "203.0.113.7", 15, 0));
	/* quiet for ban-reset-time: the score starts over */
	assert_false(ban_add(t, "203.0.113.7", 15, 100));
	assert_true(ban_add(t, "203.0.113.7", 15, 150));
	talloc_free(t);
}

static void test_ipv6_prefix(void **state)
{
	struct ban_table *t = ban_table_new(NULL, 10, 300, 1200);

	(void)state;
	assert_true(ban_add(t, "2001:db8:1:2::1", 10, 5));
	/* the whole /64 is one address */
	assert_true(ban_is_banned(t, "2001:db8:1:2:ffff::9", 5));
	assert_false(ban_is_banned(t, "2001:db8:1:3::1", 5));
	assert_int_equal(ban_remove(t, "2001:db8:1:2::77"), 0);
	assert_false(ban_is_banned(t, "2001:db8:1:2::1", 5));
	assert_int_equal(ban_remove(t, "2001:db8:1:2::1"), -ENOENT);
	talloc_free(t);
}

static void test_disabled_and_garbage(void **state)
{
	struct ban_table *t = ban_table_new(NULL, 0, 300, 1200);

	(void)state;
	assert_false(ban_add(t, "203.0.113.8", 1000, 1));
	assert_false(ban_is_banned(t, "203.0.113.8", 1));
	talloc_free(t);
	t = ban_table_new(NULL, 10, 300, 1200);
	assert_false(ban_add(t, "not an address", 100, 1));
	assert_false(ban_is_banned(t, "not an address", 1));
	assert_int_equal(ban_remove(t, "nope"), -ENOENT);
	talloc_free(t);
}

static int count_cb(const struct ban_info *i, void *arg)
{
	(*(unsigned *)arg)++;
	assert_non_null(i->ip);
	return 0;
}

static void test_foreach_and_limit(void **state)
{
	struct ban_table *t = ban_table_new(NULL, 100, 300, 1200);
	char ip[32];
	unsigned n = 0;

	(void)state;
	for (unsigned i = 0; i < BAN_MAX_ENTRIES + 10; i++) {
		snprintf(ip, sizeof(ip), "10.%u.%u.%u", i >> 16, (i >> 8) & 255, i & 255);
		ban_add(t, ip, 1, 1);
	}
	ban_foreach(t, 1, count_cb, &n);
	assert_int_equal(n, BAN_MAX_ENTRIES);                      /* bounded */
	/* stale entries make room again */
	assert_false(ban_add(t, "192.0.2.200", 1, 5000));
	n = 0;
	ban_foreach(t, 5000, count_cb, &n);
	assert_int_equal(n, 1);
	talloc_free(t);
}

static void test_exempt(void **state)
{
	(void)state;
	assert_true(ban_exempt("127.0.0.1"));      /* lo is up in every namespace we run in */
	assert_false(ban_exempt("203.0.113.9"));
	assert_false(ban_exempt("garbage"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_score_and_expiry),
		cmocka_unit_test(test_reset_time),
		cmocka_unit_test(test_ipv6_prefix),
		cmocka_unit_test(test_disabled_and_garbage),
		cmocka_unit_test(test_foreach_and_limit),
		cmocka_unit_test(test_exempt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
