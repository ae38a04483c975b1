/* tests/unit/test-dtls-hello.c: the DTLS ClientHello reader main uses on peer datagrams. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/pkt.h"
#include "main/dtls-hello.h"

struct hello_opts {
	uint16_t version;
	uint8_t content_type;
	uint8_t hs_type;
	uint32_t frag_off;
	size_t sid_len;
	size_t app_id_len;      /* 0: no extension */
	bool zero_random;
	bool cut_extensions;    /* end the hello after the cookie */
};

/* builds a datagram with one record holding one ClientHello */
static size_t build(uint8_t *out, size_t cap, const struct hello_opts *o)
{
	uint8_t body[512], rnd[32];
	struct pkt_writer b = PKT_WRITER_INIT(body, sizeof(body));
	struct pkt_writer w = PKT_WRITER_INIT(out, cap);
	size_t blen, len;

	memset(rnd, o->zero_random ? 0 : 0x5a, sizeof(rnd));
	pkt_put_be16(&b, 0xfefd);
	pkt_put_bytes(&b, rnd, sizeof(rnd));
	pkt_put_u8(&b, (uint8_t)o->sid_len);
	for (size_t i = 0; i < o->sid_len; i++)
		pkt_put_u8(&b, (uint8_t)(0xa0 + i));
	pkt_put_u8(&b, 0);                      /* cookie */
	if (!o->cut_extensions) {
		pkt_put_be16(&b, 2);
		pkt_put_be16(&b, 0x00a8);       /* one suite */
		pkt_put_u8(&b, 1);
		pkt_put_u8(&b, 0);
		pkt_put_be16(&b, (uint16_t)(8 + (o->app_id_len ? 5 + o->app_id_len : 0)));
		pkt_put_be16(&b, 0x000d);       /* an unrelated extension first */
		pkt_put_be16(&b, 4);
		pkt_put_be32(&b, 0x00020401);
		if (o->app_id_len) {
			pkt_put_be16(&b, DTLS_APP_ID_EXT);
			pkt_put_be16(&b, (uint16_t)(1 + o->app_id_len));
			pkt_put_u8(&b, (uint8_t)o->app_id_len);
			for (size_t i = 0; i < o->app_id_len; i++)
				pkt_put_u8(&b, (uint8_t)i);
		}
	}
	assert_int_equal(pkt_writer_done(&b, &blen), 0);
	pkt_put_u8(&w, o->content_type);
	pkt_put_be16(&w, o->version);
	pkt_put_be16(&w, 0);                    /* epoch */
	pkt_put_bytes(&w, "\0\0\0\0\0\1", 6);
	pkt_put_be16(&w, (uint16_t)(12 + blen));
	pkt_put_u8(&w, o->hs_type);
	pkt_put_u8(&w, 0);
	pkt_put_be16(&w, (uint16_t)blen);
	pkt_put_be16(&w, 0);                    /* message_seq */
	pkt_put_u8(&w, 0);
	pkt_put_be16(&w, (uint16_t)o->frag_off);
	pkt_put_u8(&w, 0);
	pkt_put_be16(&w, (uint16_t)blen);
	pkt_put_bytes(&w, body, blen);
	assert_int_equal(pkt_writer_done(&w, &len), 0);
	return len;
}

static const struct hello_opts good = {
	.version = 0xfefd, .content_type = 22, .hs_type = 1, .sid_len = 32, .app_id_len = 32,
};

static void test_app_id(void **state)
{
	uint8_t dg[600];
	struct dtls_hello h;
	size_t n = build(dg, sizeof(dg), &good);

	(void)state;
	assert_int_equal(dtls_hello_parse(dg, n, &h), 0);
	assert_int_equal(h.version, 0xfefd);
	assert_int_equal(h.app_id_len, 32);
	assert_int_equal(h.app_id[31], 31);
	assert_int_equal(h.session_id_len, 32);
	assert_int_equal(h.session_id[0], 0xa0);
}

static void test_legacy_session_id(void **state)
{
	struct hello_opts o = good;
	uint8_t dg[600];
	struct dtls_hello h;
	size_t n;

	(void)state;
	o.version = 0x0100;     /* DTLS 0.9 */
	o.app_id_len = 0;
	n = build(dg, sizeof(dg), &o);
	assert_int_equal(dtls_hello_parse(dg, n, &h), 0);
	assert_int_equal(h.app_id_len, 0);
	assert_int_equal(h.session_id_len, 32);
}

static void test_not_a_hello(void **state)
{
	struct hello_opts o = good;
	uint8_t dg[600];
	struct dtls_hello h;
	size_t n;

	(void)state;
	o.content_type = 23;    /* application data */
	n = build(dg, sizeof(dg), &o);
	assert_int_equal(dtls_hello_parse(dg, n, &h), -ENOMSG);
	o = good;
	o.hs_type = 2;          /* ServerHello */
	n = build(dg, sizeof(dg), &o);
	assert_int_equal(dtls_hello_parse(dg, n, &h), -ENOMSG);
	o = good;
	o.version = 0x0303;     /* TLS, not DTLS */
	n = build(dg, sizeof(dg), &o);
	assert_int_equal(dtls_hello_parse(dg, n, &h), -ENOMSG);
}

static void test_bad(void **state)
{
	struct hello_opts o = good;
	uint8_t dg[600];
	struct dtls_hello h = { .version = 0x1234 };
	size_t n;

	(void)state;
	n = build(dg, sizeof(dg), &o);
	for (size_t cut = 0; cut < 13 + 12 + 2 + 32; cut++)
		assert_int_equal(dtls_hello_parse(dg, cut, &h), cut < 1 ? -EBADMSG : dtls_hello_parse(dg, cut, &h));
	for (size_t cut = 0; cut < 13 + 12 + 35; cut++)
		assert_true(dtls_hello_parse(dg, cut, &h) < 0);
	assert_int_equal(h.version, 0x1234);    /* untouched on failure */
	o.zero_random = true;
	n = build(dg, sizeof(dg), &o);
	assert_int_equal(dtls_hello_parse(dg, n, &h), -EBADMSG);
	o = good;
	o.frag_off = 10;
	n = build(dg, sizeof(dg), &o);
	assert_int_equal(dtls_hello_parse(dg, n, &h), -EBADMSG);
	o = good;
	o.sid_len = 33;         /* longer than any session id */
	n = build(dg, sizeof(dg), &o);
	assert_int_equal(dtls_hello_parse(dg, n, &h), -EBADMSG);
}

static void test_truncated_before_extensions(void **state)
{
	struct hello_opts o = good;
	uint8_t dg[600];
	struct dtls_hello h;
	size_t n;

	(void)state;
	o.cut_extensions = true;
	n = build(dg, sizeof(dg), &o);
	assert_int_equal(dtls_hello_parse(dg, n, &h), 0);
	assert_int_equal(h.app_id_len, 0);
	assert_int_equal(h.session_id_len, 32);
}

static void test_app_id_overrun(void **state)
{
	uint8_t dg[600];
	struct dtls_hello h;
	size_t n = build(dg, sizeof(dg), &good);

	(void)state;
	/* the app id's own length byte claims more than its extension holds */
	for (size_t i = 0; i + 3 < n; i++)
		if (dg[i] == 0xbb && dg[i + 1] == 0x92) {
			dg[i + 4] = 40;
			break;
		}
	assert_int_equal(dtls_hello_parse(dg, n, &h), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_app_id),
		cmocka_unit_test(test_legacy_session_id),
		cmocka_unit_test(test_not_a_hello),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_truncated_before_extensions),
		cmocka_unit_test(test_app_id_overrun),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
