/* tests/unit/test-cstp.c: CSTP header codec and frame reassembly. Runs in: make check. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <talloc.h>

#include "worker/cstp.h"

/* DISCONNECT as openconnect sends it on exit: 0xb0 + "Aborted by caller" */
static const uint8_t bye[] = { 'S', 'T', 'F', 1, 0x00, 0x12, 0x05, 0x00, 0xb0,
			       'A', 'b', 'o', 'r', 't', 'e', 'd', ' ', 'b', 'y', ' ',
			       'c', 'a', 'l', 'l', 'e', 'r' };

static void test_parse_valid(void **state)
{
	struct pkt_reader r = PKT_READER_INIT(bye, sizeof(bye));
	struct cstp_hdr h = { 0 };

	(void)state;
	assert_int_equal(cstp_parse_header(&r, &h), 0);
	assert_int_equal(h.type, CSTP_DISCONNECT);
	assert_int_equal(h.len, 18);
	assert_int_equal(r.left, sizeof(bye) - CSTP_HDR_LEN);
	assert_int_equal(r.p[0], 0xb0);
}

static void test_parse_short(void **state)
{
	struct pkt_reader r = PKT_READER_INIT(bye, CSTP_HDR_LEN - 1);
	struct cstp_hdr h = { .type = 0xaa, .len = 0xbeef };

	(void)state;
	assert_int_equal(cstp_parse_header(&r, &h), -EBADMSG);
	assert_int_equal(r.left, CSTP_HDR_LEN - 1);     /* nothing consumed */
	assert_int_equal(h.type, 0xaa);                  /* nothing written */
	assert_int_equal(h.len, 0xbeef);
	r = (struct pkt_reader)PKT_READER_INIT(bye, 0);
	assert_int_equal(cstp_parse_header(&r, &h), -EBADMSG);
}

static void test_parse_exact(void **state)
{
	static const uint8_t ka[] = { 'S', 'T', 'F', 1, 0, 0, CSTP_KEEPALIVE, 0 };
	struct pkt_reader r = PKT_READER_INIT(ka, sizeof(ka));
	struct cstp_hdr h;

	(void)state;
	assert_int_equal(cstp_parse_header(&r, &h), 0);
	assert_int_equal(h.type, CSTP_KEEPALIVE);
	assert_int_equal(h.len, 0);
	assert_true(pkt_at_end(&r));
}

static void test_parse_bad(void **state)
{
	/* byte index to corrupt, value */
	static const struct { unsigned idx; uint8_t v; } t[] = {
		{ 0, 's' }, { 1, 'X' }, { 2, 'G' }, { 3, 0 }, { 3, 2 }, { 7, 1 }, { 7, 0xff },
	};
	struct cstp_hdr h = { .type = 0xaa, .len = 1 };
	uint8_t buf[sizeof(bye)];
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct pkt_reader r = PKT_READER_INIT(buf, sizeof(buf));

		memcpy(buf, bye, sizeof(buf));
		buf[t[i].idx] = t[i].v;
		assert_int_equal(cstp_parse_header(&r, &h), -EPROTO);
		assert_int_equal(h.type, 0xaa);
		assert_int_equal(h.len, 1);
	}
}

static void test_format_roundtrip(void **state)
{
	uint8_t out[CSTP_HDR_LEN];
	struct pkt_reader r = PKT_READER_INIT(out, sizeof(out));
	struct cstp_hdr h;

	(void)state;
	cstp_format_header(out, CSTP_DPD_RESP, 0x1234);
	assert_memory_equal(out, "STF\x01\x12\x34\x04\x00", CSTP_HDR_LEN);
	assert_int_equal(cstp_parse_header(&r, &h), 0);
	assert_int_equal(h.type, CSTP_DPD_RESP);
	assert_int_equal(h.len, 0x1234);
	cstp_format_header(out, CSTP_DATA, 0xffff);
	assert_memory_equal(out, "STF\x01\xff\xff\x00\x00", CSTP_HDR_LEN);
}

/* stream: DPD-REQ(0) + DATA(5) + DISCONNECT(18) + KEEPALIVE(0) */
static size_t build_stream(uint8_t *buf)
{
	size_t n = 0;

	cstp_format_header(buf + n, CSTP_DPD_REQ, 0);
	n += CSTP_HDR_LEN;
	cstp_format_header(buf + n, CSTP_DATA, 5);
	n += CSTP_HDR_LEN;
	memcpy(buf + n, "\x45\x01\x02\x03\x04", 5);
	n += 5;
	memcpy(buf + n, bye, sizeof(bye));
	n += sizeof(bye);
	cstp_format_header(buf + n, CSTP_KEEPALIVE, 0);
	return n + CSTP_HDR_LEN;
}

/* pop everything available, checking against the expected sequence; returns frames seen */
static unsigned pop_all(struct cstp_rx *rx, unsigned seen)
{
	static const struct { uint8_t type; uint16_t len; } want[] = {
		{ CSTP_DPD_REQ, 0 }, { CSTP_DATA, 5 }, { CSTP_DISCONNECT, 18 }, { CSTP_KEEPALIVE, 0 },
	};
	struct cstp_hdr h;
	const uint8_t *p;
	int rc;

	while ((rc = cstp_rx_pop(rx, &h, &p)) == 1) {
		assert_true(seen < 4);
		assert_int_equal(h.type, want[seen].type);
		assert_int_equal(h.len, want[seen].len);
		if (h.type == CSTP_DATA)
			assert_memory_equal(p, "\x45\x01\x02\x03\x04", 5);
		if (h.type == CSTP_DISCONNECT)
			assert_memory_equal(p, bye + CSTP_HDR_LEN, 18);
		seen++;
	}
	assert_int_equal(rc, 0);
	return seen;
}

static void test_rx_split_anywhere(void **state)
{
	uint8_t stream[128];
	size_t n = build_stream(stream), a, b;

	(void)state;
	/* every pair of cut points: three chunks */
	for (a = 0; a <= n; a++)
		for (b = a; b <= n; b++) {
			struct cstp_rx *rx = cstp_rx_new(NULL, 64);
			unsigned seen = 0;

			assert_non_null(rx);
			assert_int_equal(cstp_rx_feed(rx, stream, a), 0);
			seen = pop_all(rx, seen);
			assert_int_equal(cstp_rx_feed(rx, stream + a, b - a), 0);
			seen = pop_all(rx, seen);
			assert_int_equal(cstp_rx_feed(rx, stream + b, n - b), 0);
			seen = pop_all(rx, seen);
			assert_int_equal(seen, 4);
			talloc_free(rx);
		}
}

static void test_rx_byte_by_byte(void **state)
{
	uint8_t stream[128];
	size_t n = build_stream(stream), i;
	struct cstp_rx *rx = cstp_rx_new(NULL, 18);     /* exactly the largest payload */
	unsigned seen = 0;

	(void)state;
	for (i = 0; i < n; i++) {
		assert_int_equal(cstp_rx_feed(rx, stream + i, 1), 0);
		seen = pop_all(rx, seen);
	}
	assert_int_equal(seen, 4);
	talloc_free(rx);
}

static void test_rx_oversize(void **state)
{
	uint8_t big[CSTP_HDR_LEN];
	struct cstp_rx *rx = cstp_rx_new(NULL, 17);     /* one under the DISCONNECT payload */
	struct cstp_hdr h = { .type = 0xaa };
	const uint8_t *p = NULL;

	(void)state;
	assert_int_equal(cstp_rx_feed(rx, bye, CSTP_HDR_LEN), 0);
	assert_int_equal(cstp_rx_pop(rx, &h, &p), -EMSGSIZE);
	assert_int_equal(h.type, 0xaa);
	assert_null(p);
	/* sticky: the stream is out of sync */
	assert_int_equal(cstp_rx_pop(rx, &h, &p), -EMSGSIZE);
	talloc_free(rx);

	/* max_payload above 16 bits is clamped, the full range is usable */
	rx = cstp_rx_new(NULL, 1u << 20);
	cstp_format_header(big, CSTP_DATA, 0xffff);
	assert_int_equal(cstp_rx_feed(rx, big, sizeof(big)), 0);
	assert_int_equal(cstp_rx_pop(rx, &h, &p), 0);
	talloc_free(rx);
}

static void test_rx_bad_header(void **state)
{
	struct cstp_rx *rx = cstp_rx_new(NULL, 100);
	struct cstp_hdr h;
	const uint8_t *p;

	(void)state;
	assert_int_equal(cstp_rx_feed(rx, (const uint8_t *)"GET / HTTP/1.1\r\n", 16), 0);
	assert_int_equal(cstp_rx_pop(rx, &h, &p), -EPROTO);
	assert_int_equal(cstp_rx_pop(rx, &h, &p), -EPROTO);
	talloc_free(rx);
}

static void test_rx_full(void **state)
{
	struct cstp_rx *rx = cstp_rx_new(NULL, 8);      /* capacity 2 * (8 + 8) = 32 */
	uint8_t junk[40] = { 0 }, frame[16];
	struct cstp_hdr h;
	const uint8_t *p;

	(void)state;
	assert_int_equal(cstp_rx_space(rx), 32);
	assert_int_equal(cstp_rx_feed(rx, junk, 33), -ENOBUFS);
	assert_int_equal(cstp_rx_space(rx), 32);         /* nothing stored */
	/* a partial frame left over plus one whole frame always fit */
	cstp_format_header(frame, CSTP_DATA, 8);
	memset(frame + 8, 0x42, 8);
	assert_int_equal(cstp_rx_feed(rx, frame, 16), 0);
	assert_int_equal(cstp_rx_feed(rx, frame, 15), 0);
	assert_int_equal(cstp_rx_pop(rx, &h, &p), 1);
	assert_int_equal(cstp_rx_pop(rx, &h, &p), 0);
	assert_int_equal(cstp_rx_space(rx), 32 - 15);
	assert_int_equal(cstp_rx_feed(rx, frame + 15, 1), 0);
	assert_int_equal(cstp_rx_feed(rx, frame, 16), 0);  /* forces compaction */
	assert_int_equal(cstp_rx_pop(rx, &h, &p), 1);
	assert_memory_equal(p, frame + 8, 8);
	assert_int_equal(cstp_rx_pop(rx, &h, &p), 1);
	assert_memory_equal(p, frame + 8, 8);
	assert_int_equal(cstp_rx_pop(rx, &h, &p), 0);
	assert_int_equal(cstp_rx_space(rx), 32);
	talloc_free(rx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_short),
		cmocka_unit_test(test_parse_exact),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_format_roundtrip),
		cmocka_unit_test(test_rx_split_anywhere),
		cmocka_unit_test(test_rx_byte_by_byte),
		cmocka_unit_test(test_rx_oversize),
		cmocka_unit_test(test_rx_bad_header),
		cmocka_unit_test(test_rx_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
