/* tests/unit/test-ip-lease.c: address pool unit tests. Runs in: make check. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "main/ip-lease.h"

static struct cfg_net net4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, unsigned prefix)
{
	struct cfg_net n = { .family = AF_INET, .prefix = prefix };

	n.addr[0] = a;
	n.addr[1] = b;
	n.addr[2] = c;
	n.addr[3] = d;
	return n;
}

/* fd00:<b2b3>::/prefix */
static struct cfg_net net6(uint8_t b2, uint8_t b3, unsigned prefix)
{
	struct cfg_net n = { .family = AF_INET6, .prefix = prefix };

	n.addr[0] = 0xfd;
	n.addr[2] = b2;
	n.addr[3] = b3;
	return n;
}

static void test_predictable_same_user(void **state)
{
	struct cfg_net n = net4(10, 1, 0, 0, 16);
	struct ip_pool *p1 = ip_pool_new(NULL, &n, NULL, 0, true);
	struct ip_pool *p2 = ip_pool_new(NULL, &n, NULL, 0, true);
	struct ip_lease a, b, c;

	(void)state;
	assert_int_equal(ip_lease_acquire(p1, "alice", NULL, &a), 0);
	/* a fresh pool (server restart) gives alice the same address */
	assert_int_equal(ip_lease_acquire(p2, "alice", NULL, &b), 0);
	assert_memory_equal(a.v4, b.v4, 4);
	ip_lease_release(p1, &a);
	assert_int_equal(ip_lease_acquire(p1, "alice", NULL, &c), 0);
	assert_memory_equal(a.v4, c.v4, 4);
	/* a second session of alice while the first holds it: another address */
	assert_int_equal(ip_lease_acquire(p1, "alice", NULL, &b), 0);
	assert_memory_not_equal(b.v4, c.v4, 4);
	assert_int_equal(a.v4_prefix, 16);
	assert_int_equal(a.v4_local[0], 10);
	assert_int_equal(a.v4_local[3], 1);
	assert_int_equal(ip_pool_in_use(p1), 2);
	talloc_free(p1);
	talloc_free(p2);
}

static void test_want_reused(void **state)
{
	struct cfg_net n4 = net4(192, 168, 5, 0, 24), n6 = net6(0, 1, 64);
	struct ip_pool *p = ip_pool_new(NULL, &n4, &n6, 112, false);
	struct ip_lease a, b, c;

	(void)state;
	assert_int_equal(ip_lease_acquire(p, "bob", NULL, &a), 0);
	ip_lease_release(p, &a);
	assert_int_equal(ip_lease_acquire(p, "bob", &a, &b), 0);
	assert_memory_equal(a.v4, b.v4, 4);
	assert_memory_equal(a.v6, b.v6, 16);
	/* the wanted addresses are taken now: someone else gets different ones */
	assert_int_equal(ip_lease_acquire(p, "carol", &a, &c), 0);
	assert_memory_not_equal(c.v4, a.v4, 4);
	assert_memory_not_equal(c.v6, a.v6, 16);
	talloc_free(p);
}

static void test_want_outside_ignored(void **state)
{
	struct cfg_net n = net4(10, 2, 0, 0, 24);
	struct ip_pool *p = ip_pool_new(NULL, &n, NULL, 0, true);
	struct ip_lease want = { .have_v4 = 1, .v4 = { 10, 9, 9, 9 } }, got;

	(void)state;
	assert_int_equal(ip_lease_acquire(p, "dave", &want, &got), 0);
	assert_int_equal(got.v4[0], 10);
	assert_int_equal(got.v4[1], 2);
	assert_int_equal(got.v4[2], 0);
	/* the local address is never handed out, even when asked for */
	want.v4[1] = 2;
	want.v4[2] = 0;
	want.v4[3] = 1;
	assert_int_equal(ip_lease_acquire(p, "dave", &want, &got), 0);
	assert_int_not_equal(got.v4[3], 1);
	talloc_free(p);
}

/* A /29: 8 addresses, minus network, local and broadcast = 5 leases. */
static void test_exhaustion(void **state)
{
	struct cfg_net n = net4(10, 3, 0, 8, 29);
	struct ip_pool *p = ip_pool_new(NULL, &n, NULL, 0, true);
	struct ip_lease l[6], keep;
	bool seen[8] = { false };
	int i;

	(void)state;
	for (i = 0; i < 5; i++) {
		assert_int_equal(ip_lease_acquire(p, "same-user", NULL, &l[i]), 0);
		assert_int_equal(l[i].v4[2], 0);
		assert_true(l[i].v4[3] >= 10 && l[i].v4[3] <= 14);
		assert_false(seen[l[i].v4[3] - 8]);
		seen[l[i].v4[3] - 8] = true;
	}
	memset(&keep, 0x5a, sizeof(keep));
	assert_int_equal(ip_lease_acquire(p, "other", NULL, &keep), -ENOSPC);
	assert_int_equal(keep.have_v4, 0x5a5a5a5a);     /* untouched on failure */
	assert_int_equal(ip_pool_in_use(p), 5);
	/* release one, the next caller gets exactly that one */
	ip_lease_release(p, &l[2]);
	assert_int_equal(ip_pool_in_use(p), 4);
	assert_int_equal(ip_lease_acquire(p, "other", NULL, &l[5]), 0);
	assert_memory_equal(l[5].v4, l[2].v4, 4);
	assert_int_equal(ip_lease_acquire(p, "other", NULL, &keep), -ENOSPC);
	/* releasing twice is harmless */
	ip_lease_release(p, &l[0]);
	ip_lease_release(p, &l[0]);
	assert_int_equal(ip_pool_in_use(p), 4);
	talloc_free(p);
}

static void test_never_reserved(void **state)
{
	struct cfg_net n = net4(172, 16, 0, 0, 26);
	struct ip_pool *p = ip_pool_new(NULL, &n, NULL, 0, false);
	struct ip_lease l;
	char name[32];
	int i;

	(void)state;
	for (i = 0; i < 61; i++) {
		snprintf(name, sizeof(name), "u%d", i);
		assert_int_equal(ip_lease_acquire(p, name, NULL, &l), 0);
		assert_true(l.v4[3] >= 2 && l.v4[3] <= 62);
	}
	assert_int_equal(ip_lease_acquire(p, "x", NULL, &l), -ENOSPC);
	talloc_free(p);
}

static void test_tiny_networks(void **state)
{
	struct cfg_net n30 = net4(10, 4, 0, 0, 30), n31 = net4(10, 4, 0, 0, 31);
	struct ip_pool *p30 = ip_pool_new(NULL, &n30, NULL, 0, true);
	struct ip_pool *p31 = ip_pool_new(NULL, &n31, NULL, 0, true);
	struct ip_lease l;

	(void)state;
	assert_int_equal(ip_lease_acquire(p30, "a", NULL, &l), 0);
	assert_int_equal(l.v4[3], 2);
	assert_int_equal(ip_lease_acquire(p30, "b", NULL, &l), -ENOSPC);
	assert_int_equal(ip_lease_acquire(p31, "a", NULL, &l), -ENOSPC);
	talloc_free(p30);
	talloc_free(p31);
}

/* A /8 must not cost memory up front, and many leases must stay distinct. */
static void test_big_pool(void **state)
{
	struct cfg_net n = net4(10, 0, 0, 0, 8);
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct ip_pool *p = ip_pool_new(ctx, &n, NULL, 0, true);
	struct ip_lease l;
	char name[32];
	int i;

	(void)state;
	assert_true(talloc_total_size(ctx) < 4096);
	for (i = 0; i < 20000; i++) {
		snprintf(name, sizeof(name), "user%d", i);
		assert_int_equal(ip_lease_acquire(p, name, NULL, &l), 0);
		assert_int_equal(l.v4[0], 10);
		assert_false(l.v4[1] == 0 && l.v4[2] == 0 && l.v4[3] <= 1);
		assert_false(l.v4[1] == 255 && l.v4[2] == 255 && l.v4[3] == 255);
	}
	assert_int_equal(ip_pool_in_use(p), 20000);
	assert_true(talloc_total_size(ctx) < 20000 * 16);
	talloc_free(ctx);
}

static void test_v6_subnets(void **state)
{
	struct cfg_net n = net6(0xab, 0xcd, 48);
	struct ip_pool *p = ip_pool_new(NULL, NULL, &n, 64, true);
	struct ip_lease l[50];
	int i, j;
	char name[16];

	(void)state;
	for (i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "v6-%d", i);
		assert_int_equal(ip_lease_acquire(p, name, NULL, &l[i]), 0);
		assert_false(l[i].have_v4);
		assert_true(l[i].have_v6);
		assert_int_equal(l[i].v6_prefix, 64);
		assert_int_equal(l[i].v6[0], 0xfd);
		assert_int_equal(l[i].v6[2], 0xab);
		assert_int_equal(l[i].v6[3], 0xcd);
		/* host part of a /64 subnet's base is zero; the subnet index is not */
		for (j = 8; j < 16; j++)
			assert_int_equal(l[i].v6[j], 0);
		assert_false(l[i].v6[4] == 0 && l[i].v6[5] == 0 && l[i].v6[6] == 0 &&
			     l[i].v6[7] == 0);
		assert_int_equal(l[i].v6_local[15], 1);
		assert_int_equal(l[i].v6_local[3], 0xcd);
		for (j = 0; j < i; j++)
			assert_memory_not_equal(l[i].v6, l[j].v6, 16);
	}
	talloc_free(p);
}

/* /126 split in /128: 4 addresses, ::0 and ::1 reserved, 2 leases. */
static void test_v6_exhaustion(void **state)
{
	struct cfg_net n = net6(0, 7, 126);
	struct ip_pool *p = ip_pool_new(NULL, NULL, &n, 128, true);
	struct ip_lease a, b, c;

	(void)state;
	assert_int_equal(ip_lease_acquire(p, "a", NULL, &a), 0);
	assert_int_equal(ip_lease_acquire(p, "b", NULL, &b), 0);
	assert_true(a.v6[15] >= 2 && b.v6[15] >= 2);
	assert_int_not_equal(a.v6[15], b.v6[15]);
	assert_int_equal(ip_lease_acquire(p, "c", NULL, &c), -ENOSPC);
	ip_lease_release(p, &a);
	assert_int_equal(ip_lease_acquire(p, "c", NULL, &c), 0);
	assert_memory_equal(c.v6, a.v6, 16);
	talloc_free(p);
}

/* v4 full while v6 has room: nothing is leased at all. */
static void test_dual_stack_atomic(void **state)
{
	struct cfg_net n4 = net4(10, 5, 0, 0, 30), n6 = net6(0, 9, 64);
	struct ip_pool *p = ip_pool_new(NULL, &n4, &n6, 128, true);
	struct ip_lease a, b;

	(void)state;
	assert_int_equal(ip_lease_acquire(p, "a", NULL, &a), 0);
	assert_true(a.have_v4 && a.have_v6);
	assert_int_equal(ip_lease_acquire(p, "b", NULL, &b), -ENOSPC);
	assert_int_equal(ip_pool_in_use(p), 1);
	ip_lease_release(p, &a);
	assert_int_equal(ip_pool_in_use(p), 0);
	talloc_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_predictable_same_user),
		cmocka_unit_test(test_want_reused),
		cmocka_unit_test(test_want_outside_ignored),
		cmocka_unit_test(test_exhaustion),
		cmocka_unit_test(test_never_reserved),
		cmocka_unit_test(test_tiny_networks),
		cmocka_unit_test(test_big_pool),
		cmocka_unit_test(test_v6_subnets),
		cmocka_unit_test(test_v6_exhaustion),
		cmocka_unit_test(test_dual_stack_atomic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
