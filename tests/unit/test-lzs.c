/* tests/unit/test-lzs.c: LZS codec round trips, bit-exact vectors and error paths. Runs in: make check. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "compress/lzs.h"

#define MAX_SIZE 2000
#define GUARD 64 /* canary bytes after every out_len */
#define CANARY 0xa5

/* ------------------------------------------------------------ helpers */

static uint64_t rng_state;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

enum kind { KIND_RANDOM, KIND_REPEAT, KIND_TEXT, KIND_ZERO, KIND_COUNT };

static void gen(enum kind k, uint8_t *p, size_t n)
{
	static const char *const words[] = { "the ", "tunnel ", "packet ", "HTTP/1.1 ",
					     "Content-Length: ", "\r\n", "of ", "server " };
	size_t i = 0, period = 1 + rng() % 40;

	switch (k) {
	case KIND_RANDOM:
		for (; i < n; i++)
			p[i] = (uint8_t)rng();
		break;
	case KIND_REPEAT: /* a short random pattern repeated: long overlapping matches */
		for (; i < n; i++)
			p[i] = i < period ? (uint8_t)rng() : p[i - period];
		break;
	case KIND_TEXT:
		while (i < n) {
			const char *w = words[rng() % 8];

			for (size_t j = 0; w[j] != '\0' && i < n; j++)
				p[i++] = (uint8_t)w[j];
			if (rng() % 4 == 0 && i < n)
				p[i++] = (uint8_t)('0' + rng() % 10);
		}
		break;
	default:
		memset(p, 0, n);
		break;
	}
}

static bool guard_intact(const uint8_t *buf, size_t out_len)
{
	for (size_t i = 0; i < GUARD; i++)
		if (buf[out_len + i] != CANARY)
			return false;
	return true;
}

/* MSB-first bit writer for hand-built streams. */
struct bw {
	uint8_t buf[4096];
	size_t bits;
};

static void put(struct bw *w, uint32_t v, unsigned n)
{
	while (n-- > 0) {
		if ((v >> n) & 1)
			w->buf[w->bits >> 3] |= (uint8_t)(0x80 >> (w->bits & 7));
		w->bits++;
	}
}

static void put_lit(struct bw *w, uint8_t b)
{
	put(w, b, 9);
}

static void put_len(struct bw *w, size_t len)
{
	if (len < 5) {
		put(w, (uint32_t)(len - 2), 2);
		return;
	}
	if (len < 8) {
		put(w, (uint32_t)(0xc + len - 5), 4);
		return;
	}
	put(w, 0xf, 4);
	for (len -= 8; len >= 15; len -= 15)
		put(w, 0xf, 4);
	put(w, (uint32_t)len, 4);
}

static void put_short(struct bw *w, unsigned off, size_t len)
{
	put(w, 0x180 | off, 9);
	put_len(w, len);
}

static void put_long(struct bw *w, unsigned off, size_t len)
{
	put(w, 0x1000 | off, 13);
	put_len(w, len);
}

static size_t put_end(struct bw *w)
{
	put(w, 0x180, 9);
	return (w->bits + 7) / 8;
}

/* ------------------------------------------------------------ round trips */

static void roundtrip_kind(enum kind k)
{
	static uint8_t in[MAX_SIZE], comp[LZS_COMPRESS_BOUND(MAX_SIZE) + GUARD],
		back[MAX_SIZE + GUARD];

	rng_state = 0x1234567 + (uint64_t)k;
	for (size_t n = 0; n <= MAX_SIZE; n++) {
		int c, d;

		gen(k, in, n);
		memset(comp, CANARY, sizeof(comp));
		c = lzs_compress(in, n, comp, LZS_COMPRESS_BOUND(n));
		assert_true(c >= LZS_EMPTY_LEN);
		assert_true((size_t)c <= LZS_COMPRESS_BOUND(n));
		assert_true(guard_intact(comp, LZS_COMPRESS_BOUND(n)));
		memset(back, CANARY, sizeof(back));
		d = lzs_decompress(comp, (size_t)c, back, n);
		assert_int_equal(d, (int)n);
		assert_memory_equal(back, in, n);
		assert_true(guard_intact(back, n));
		if (n > 0) {
			/* One byte short of room must fail, and stay inside the buffer. */
			memset(back, CANARY, sizeof(back));
			assert_int_equal(lzs_decompress(comp, (size_t)c, back, n - 1), -EFBIG);
			assert_true(guard_intact(back, n - 1));
		}
		/* Exactly the needed room works; one byte less gives -EFBIG. */
		memset(comp, CANARY, sizeof(comp));
		assert_int_equal(lzs_compress(in, n, comp, (size_t)c), c);
		assert_true(guard_intact(comp, (size_t)c));
		memset(comp, CANARY, sizeof(comp));
		assert_int_equal(lzs_compress(in, n, comp, (size_t)c - 1), -EFBIG);
		assert_true(guard_intact(comp, (size_t)c - 1));
		if (k == KIND_RANDOM) {
			/* What the sender does: cap the output at the input length. */
			memset(comp, CANARY, sizeof(comp));
			assert_int_equal(lzs_compress(in, n, comp, n), -EFBIG);
			assert_true(guard_intact(comp, n));
		}
	}
}

static void test_roundtrip_random(void **state)
{
	(void)state;
	roundtrip_kind(KIND_RANDOM);
}

static void test_roundtrip_repeat(void **state)
{
	(void)state;
	roundtrip_kind(KIND_REPEAT);
}

static void test_roundtrip_text(void **state)
{
	(void)state;
	roundtrip_kind(KIND_TEXT);
}

static void test_roundtrip_zero(void **state)
{
	(void)state;
	roundtrip_kind(KIND_ZERO);
}

/* Positions are kept modulo 2^16 in the encoder: a packet past 64 KiB must still work. */
static void test_roundtrip_large(void **state)
{
	size_t n = 70000 + 77;
	uint8_t *in = malloc(n), *comp = malloc(LZS_COMPRESS_BOUND(n)), *back = malloc(n);
	int c;

	(void)state;
	assert_non_null(in);
	assert_non_null(comp);
	assert_non_null(back);
	rng_state = 99;
	gen(KIND_TEXT, in, n / 2);
	gen(KIND_RANDOM, in + n / 2, n - n / 2);
	c = lzs_compress(in, n, comp, LZS_COMPRESS_BOUND(n));
	assert_true(c > 0);
	assert_int_equal(lzs_decompress(comp, (size_t)c, back, n), (int)n);
	assert_memory_equal(back, in, n);
	free(in);
	free(comp);
	free(back);
}

static void test_compress_ratio_text(void **state)
{
	uint8_t in[1400], comp[1400];
	int c;

	(void)state;
	rng_state = 7;
	gen(KIND_TEXT, in, sizeof(in));
	c = lzs_compress(in, sizeof(in), comp, sizeof(comp));
	assert_true(c > 0 && c < (int)sizeof(in) / 2); /* the match finder works at all */
}

/* ------------------------------------------------------------ bit-exact vectors */

static void test_empty(void **state)
{
	uint8_t out[4] = { 0xff, 0xff, 0xff, 0xff }, back[1];

	(void)state;
	assert_int_equal(lzs_compress(NULL, 0, out, sizeof(out)), LZS_EMPTY_LEN);
	assert_int_equal(out[0], 0xc0); /* 11 0000000, then 7 zero bits of padding */
	assert_int_equal(out[1], 0x00);
	assert_int_equal(out[2], 0xff);
	assert_int_equal(lzs_decompress(out, 2, back, 0), 0);
	assert_int_equal(lzs_compress(NULL, 0, out, 1), -EFBIG);
}

static void test_literal_vector(void **state)
{
	const uint8_t in[] = { 'A' };
	uint8_t out[8];

	(void)state;
	/* 0 01000001 | 11 0000000 | pad: 0010 0000 1110 0000 0000 0000 */
	assert_int_equal(lzs_compress(in, 1, out, sizeof(out)), 3);
	assert_int_equal(out[0], 0x20);
	assert_int_equal(out[1], 0xe0);
	assert_int_equal(out[2], 0x00);
}

/* The encoder's length codes, bit for bit: 'a' then a run of offset 1. */
static void test_length_codes_encoder(void **state)
{
	static const size_t lens[] = { 4, 5, 6, 7, 8, 21, 22, 23, 24, 37, 38, 52, 53, 300, 1000 };
	static uint8_t in[1100], out[1200];
	struct bw w;
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		memset(in, 'a', lens[i] + 1);
		memset(&w, 0, sizeof(w));
		put_lit(&w, 'a');
		put_short(&w, 1, lens[i]);
		n = put_end(&w);
		assert_int_equal(lzs_compress(in, lens[i] + 1, out, sizeof(out)), (int)n);
		assert_memory_equal(out, w.buf, n);
	}
}

/* Every length-code branch through the decoder, short and long offsets. */
static void test_length_codes_decoder(void **state)
{
	static const size_t lens[] = { 2, 3, 4, 5, 6, 7, 8, 9, 21, 22, 23, 24, 36, 37, 38,
				       52, 53, 54, 200, 1500 };
	static uint8_t want[2200], back[2200];
	struct bw w;

	(void)state;
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		for (int longform = 0; longform < 2; longform++) {
			size_t n = 0, len;
			unsigned off = longform ? 300 : 5;

			memset(&w, 0, sizeof(w));
			for (; n < off; n++) {
				want[n] = (uint8_t)(n * 7 + 1);
				put_lit(&w, want[n]);
			}
			(longform ? put_long : put_short)(&w, off, lens[i]);
			for (size_t j = 0; j < lens[i]; j++, n++)
				want[n] = want[n - off];
			len = put_end(&w);
			assert_int_equal(lzs_decompress(w.buf, len, back, sizeof(back)), (int)n);
			assert_memory_equal(back, want, n);
			/* Exact room is enough. */
			assert_int_equal(lzs_decompress(w.buf, len, back, n), (int)n);
		}
	}
}

static void test_offsets(void **state)
{
	static const unsigned offs[] = { 1, 2, 7, 8, 9, 100, 127, 128, 129, 1000, 2046, 2047 };
	static uint8_t want[2100], back[2100];
	struct bw w;

	(void)state;
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		for (int form = 0; form < 2; form++) {
			unsigned off = offs[i];
			size_t n = 0, len;

			if (form == 0 && off > 127)
				continue;
			memset(&w, 0, sizeof(w));
			for (; n < off; n++) {
				want[n] = (uint8_t)rng();
				put_lit(&w, want[n]);
			}
			/* form 1: the long form for any offset, even a small one */
			(form ? put_long : put_short)(&w, off, 10);
			for (size_t j = 0; j < 10; j++, n++)
				want[n] = want[n - off];
			len = put_end(&w);
			assert_int_equal(lzs_decompress(w.buf, len, back, sizeof(back)), (int)n);
			assert_memory_equal(back, want, n);
		}
	}
}

/* The encoder picks the long form only past 127, and the round trip holds. */
static void test_encoder_offset_forms(void **state)
{
	static uint8_t in[400], out[600], back[400];
	int c;

	(void)state;
	for (size_t d = 126; d <= 130; d++) {
		for (size_t i = 0; i < d; i++)
			in[i] = (uint8_t)(i * 37 + (i >> 3) * 11 + d); /* no repeats inside */
		memcpy(in + d, in, 20);
		c = lzs_compress(in, d + 20, out, sizeof(out));
		assert_true(c > 0);
		assert_int_equal(lzs_decompress(out, (size_t)c, back, sizeof(back)), (int)(d + 20));
		assert_memory_equal(back, in, d + 20);
	}
}

/* Bits after the end marker are not looked at. */
static void test_trailing_ignored(void **state)
{
	uint8_t in[] = { 0x20, 0xe0, 0x00, 0xff, 0x12 }, back[4];

	(void)state;
	assert_int_equal(lzs_decompress(in, sizeof(in), back, sizeof(back)), 1);
	assert_int_equal(back[0], 'A');
}

/* ------------------------------------------------------------ errors */

static void expect_error(const uint8_t *in, size_t in_len, size_t out_len, int err)
{
	uint8_t back[512 + GUARD];

	memset(back, CANARY, sizeof(back));
	assert_int_equal(lzs_decompress(in, in_len, back, out_len), err);
	assert_true(guard_intact(back, out_len));
}

static void test_long_offset_zero(void **state)
{
	struct bw w = { 0 };
	size_t n;

	(void)state;
	put_lit(&w, 'x');
	put_long(&w, 0, 2);
	n = put_end(&w);
	expect_error(w.buf, n, 100, -EINVAL);
}

static void test_offset_beyond_output(void **state)
{
	struct bw w = { 0 };
	size_t n;

	(void)state;
	put_lit(&w, 'x');
	put_lit(&w, 'y');
	put_short(&w, 3, 2);
	n = put_end(&w);
	expect_error(w.buf, n, 100, -EINVAL);

	memset(&w, 0, sizeof(w));
	put_long(&w, 1, 2); /* before any output */
	n = put_end(&w);
	expect_error(w.buf, n, 100, -EINVAL);

	memset(&w, 0, sizeof(w));
	for (int i = 0; i < 20; i++)
		put_lit(&w, (uint8_t)i);
	put_long(&w, 21, 4);
	n = put_end(&w);
	expect_error(w.buf, n, 100, -EINVAL);
}

static void test_offset_equal_output_ok(void **state)
{
	struct bw w = { 0 };
	uint8_t back[8];
	size_t n;

	(void)state;
	put_lit(&w, 'x');
	put_lit(&w, 'y');
	put_short(&w, 2, 2);
	n = put_end(&w);
	assert_int_equal(lzs_decompress(w.buf, n, back, sizeof(back)), 4);
	assert_memory_equal(back, "xyxy", 4);
}

static void test_truncated(void **state)
{
	struct bw w = { 0 };
	size_t n;

	(void)state;
	for (int i = 0; i < 30; i++)
		put_lit(&w, (uint8_t)('a' + i % 26));
	put_long(&w, 20, 100); /* long length: extension nibbles */
	put_short(&w, 3, 6);
	n = put_end(&w);
	expect_error(w.buf, n, 256, 136); /* sanity: the whole stream decodes */
	/* Any shorter prefix is truncated. */
	for (size_t cut = 0; cut < n; cut++)
		expect_error(w.buf, cut, 256, -EBADMSG);
}

static void test_missing_end_marker(void **state)
{
	struct bw w = { 0 };
	size_t n;

	(void)state;
	put_lit(&w, 'A');
	put_lit(&w, 'B');
	n = (w.bits + 7) / 8; /* zero padding but no end marker */
	expect_error(w.buf, n, 16, -EBADMSG);
	expect_error(w.buf, 0, 16, -EBADMSG);
	/* a long stream of literals without an end marker (fast path too) */
	memset(&w, 0, sizeof(w));
	for (int i = 0; i < 100; i++)
		put_lit(&w, (uint8_t)i);
	expect_error(w.buf, w.bits / 8, 200, -EBADMSG);
}

static void test_output_overflow(void **state)
{
	struct bw w = { 0 };
	size_t n;

	(void)state;
	for (int i = 0; i < 10; i++)
		put_lit(&w, (uint8_t)i);
	n = put_end(&w);
	expect_error(w.buf, n, 9, -EFBIG);
	expect_error(w.buf, n, 0, -EFBIG);

	memset(&w, 0, sizeof(w));
	put_lit(&w, 'z');
	put_short(&w, 1, 7);
	n = put_end(&w);
	expect_error(w.buf, n, 7, -EFBIG);

	memset(&w, 0, sizeof(w));
	put_lit(&w, 'z');
	put_short(&w, 1, 500); /* extension nibbles past the room */
	n = put_end(&w);
	expect_error(w.buf, n, 200, -EFBIG);

	/* the fast path: plenty of input, output runs out mid-stream */
	memset(&w, 0, sizeof(w));
	for (int i = 0; i < 200; i++)
		put_lit(&w, (uint8_t)i);
	for (int i = 0; i < 20; i++)
		put_long(&w, 150, 9);
	n = put_end(&w);
	for (size_t room = 0; room < 380; room += 7)
		expect_error(w.buf, n, room, -EFBIG);
}

static void test_bad_args(void **state)
{
	uint8_t buf[8] = { 0 };

	(void)state;
	assert_int_equal(lzs_compress(NULL, 1, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(lzs_compress(buf, 1, NULL, 8), -EINVAL);
	assert_int_equal(lzs_decompress(NULL, 1, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(lzs_decompress(buf, 1, NULL, 8), -EINVAL);
	assert_int_equal(lzs_compress(buf, 1, NULL, 0), -EFBIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_random),
		cmocka_unit_test(test_roundtrip_repeat),
		cmocka_unit_test(test_roundtrip_text),
		cmocka_unit_test(test_roundtrip_zero),
		cmocka_unit_test(test_roundtrip_large),
		cmocka_unit_test(test_compress_ratio_text),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_literal_vector),
		cmocka_unit_test(test_length_codes_encoder),
		cmocka_unit_test(test_length_codes_decoder),
		cmocka_unit_test(test_offsets),
		cmocka_unit_test(test_encoder_offset_forms),
		cmocka_unit_test(test_trailing_ignored),
		cmocka_unit_test(test_long_offset_zero),
		cmocka_unit_test(test_offset_beyond_output),
		cmocka_unit_test(test_offset_equal_output_ok),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_missing_end_marker),
		cmocka_unit_test(test_output_overflow),
		cmocka_unit_test(test_bad_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
