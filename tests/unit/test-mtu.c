/* tests/unit/test-mtu.c: link and data MTU arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "worker/mtu.h"

static struct mtu_out run(struct mtu_in in)
{
	struct mtu_out out = { 0, 0, 0 };

	mtu_compute(&in, &out);
	return out;
}

/* the capture: mtu 1400, PSK AES-256-GCM over IPv4 gives Base-MTU 1400, MTU 1334 */
static void test_capture_values(void **state)
{
	struct mtu_out o = run((struct mtu_in){ .cfg_mtu = 1400, .client_base_mtu = 65535,
						.dtls = true, .dtls_overhead = 37 });

	(void)state;
	assert_int_equal(o.link, 1400);
	assert_int_equal(o.data, 1334);
	assert_int_equal(o.udp, 1372);
}

/* ocserv observed: Base-MTU 1500 and MTU 1434 for PSK AES-256-GCM over IPv4 */
static void test_default_link(void **state)
{
	struct mtu_out o = run((struct mtu_in){ .dtls = true, .dtls_overhead = 37 });

	(void)state;
	assert_int_equal(o.link, 1500);
	assert_int_equal(o.data, 1434);
}

static void test_client_lowers_link(void **state)
{
	struct mtu_out o = run((struct mtu_in){ .cfg_mtu = 1500, .client_base_mtu = 1300,
						.dtls = true, .dtls_overhead = 37 });

	(void)state;
	assert_int_equal(o.link, 1300);
	assert_int_equal(o.data, 1234);
}

/* absurd or tiny client claims are ignored (ocserv #717) */
static void test_client_values_clamped(void **state)
{
	struct mtu_in in = { .cfg_mtu = 1400, .dtls = true, .dtls_overhead = 37 };

	(void)state;
	in.client_base_mtu = 100;
	assert_int_equal(run(in).link, 1400);
	in.client_base_mtu = 70000;
	assert_int_equal(run(in).link, 1400);
	in.client_base_mtu = 1279;
	in.ipv6_tunnel = true;  /* below the IPv6 minimum: not trusted when IPv6 is pushed */
	assert_int_equal(run(in).link, 1400);
	in.ipv6_tunnel = false;
	assert_int_equal(run(in).link, 1279);
}

static void test_ipv6_transport_and_cbc(void **state)
{
	struct mtu_out o = run((struct mtu_in){ .cfg_mtu = 1500, .ipv6_transport = true,
						.dtls = true, .dtls_overhead = 65 });

	(void)state;
	assert_int_equal(o.udp, 1500 - 48);
	assert_int_equal(o.data, 1500 - 40 - 8 - 65 - 1);
}

static void test_tls_only(void **state)
{
	struct mtu_out o = run((struct mtu_in){ .cfg_mtu = 1400, .tls_overhead = 22 });

	(void)state;
	assert_int_equal(o.data, 1400 - 20 - 20 - 22 - 8);
}

/* a link too small for any overhead still yields the IPv4 minimum, never an underflow */
static void test_floor(void **state)
{
	struct mtu_out o = run((struct mtu_in){ .cfg_mtu = 600, .dtls = true, .dtls_overhead = 37 });

	(void)state;
	assert_int_equal(o.data, 576);
	o = run((struct mtu_in){ .cfg_mtu = 20, .dtls = true, .dtls_overhead = 37 });
	assert_int_equal(o.data, 576);
	assert_int_equal(o.udp, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_values),
		cmocka_unit_test(test_default_link),
		cmocka_unit_test(test_client_lowers_link),
		cmocka_unit_test(test_client_values_clamped),
		cmocka_unit_test(test_ipv6_transport_and_cbc),
		cmocka_unit_test(test_tls_only),
		cmocka_unit_test(test_floor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
