/* compress/lzs.c: stateless per-packet LZS codec (ANSI X3.241 bit format). Runs in: worker. */
/*
 * Bitstream, MSB first (PROTOCOL.md §10.1):
 *   literal      0 bbbbbbbb
 *   match        11 ooooooo (offset 1..127) | 10 ooooooooooo (offset 1..2047), then a length:
 *                00/01/10 = 2/3/4, 1100/1101/1110 = 5/6/7,
 *                1111 nnnn... = 8 + sum of nibbles, a nibble of 15 meaning "add 15, go on"
 *   end marker   11 0000000, then zero bits up to the byte boundary
 * History is reset for every packet, so offsets only reach into this packet's output.
 *
 * This file is the audited exception to "untrusted bytes only via pkt.h": the decoder's bit
 * reader loads raw bytes itself because a byte-at-a-time reader would cost most of its speed.
 * Every load is checked against in_len and every store against out_len.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "lzs.h"

#define LZS_MAX_OFFSET (LZS_WINDOW - 1)
#define LZS_SHORT_OFFSET_MAX 127
#define LZS_WIN_MASK (LZS_WINDOW - 1)

#define LZS_LIT_BITS 9
#define LZS_SHORT_HDR_BITS 9 /* "11" + 7-bit offset */
#define LZS_LONG_HDR_BITS 13 /* "10" + 11-bit offset */
#define LZS_END_MARKER 0x180u /* 11 0000000 */

/* Encoder search knobs, tuned on 1400-byte packets with tests/bench/bench-lzs.c: these keep
 * the ratio within 0.5% of an unbounded lazy search on text at about twice its speed.
 * Overridable with -D only for such experiments. */
#ifndef LZS_HASH_BITS
#define LZS_HASH_BITS 12
#endif
#define LZS_HASH_SIZE (1u << LZS_HASH_BITS)
#ifndef LZS_CHAIN_DEPTH
#define LZS_CHAIN_DEPTH 12 /* candidates examined per position */
#endif
#ifndef LZS_NICE_LEN
#define LZS_NICE_LEN 24 /* a match this long ends the search */
#endif
#ifndef LZS_LAZY_MAX
#define LZS_LAZY_MAX 4 /* try a later start only for matches shorter than this */
#endif

static inline uint32_t load_le32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	return v;
}

static inline uint64_t load_be64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline void store_be32(uint8_t *p, uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	memcpy(p, &v, sizeof(v));
}

/* ---------------------------------------------------------------- encoder */

/* MSB-first bit writer; kept apart from the tables so it can live in registers. */
struct lzs_bits {
	uint64_t acc; /* pending bits, the low n of it */
	unsigned n; /* < 32 between calls */
	uint8_t *op;
	uint8_t *oend;
};

/* Appends n <= 32 bits; false once the output cannot hold what is already pending. */
static inline bool bits_put(struct lzs_bits *w, uint32_t v, unsigned n)
{
	w->acc = (w->acc << n) | v;
	w->n += n;
	if (w->n < 32)
		return true;
	/* Pending bits must all reach the output, so a short buffer is final. */
	if (w->oend - w->op < 4)
		return false;
	w->n -= 32;
	store_be32(w->op, (uint32_t)(w->acc >> w->n));
	w->op += 4;
	return true;
}

static inline unsigned len_bits(size_t len)
{
	if (len < 5)
		return 2;
	if (len < 8)
		return 4;
	return 8 + 4 * (unsigned)((len - 8) / 15);
}

/* Bits saved by a match over sending the same bytes as literals. */
static inline long match_gain(size_t len, size_t off)
{
	unsigned hdr = off <= LZS_SHORT_OFFSET_MAX ? LZS_SHORT_HDR_BITS : LZS_LONG_HDR_BITS;

	return (long)(len * LZS_LIT_BITS) - (long)(hdr + len_bits(len));
}

static bool bits_match(struct lzs_bits *w, size_t len, size_t off)
{
	uint32_t hdr = off <= LZS_SHORT_OFFSET_MAX ? 0x180u | (uint32_t)off : 0x1000u | (uint32_t)off;
	unsigned hdr_n = off <= LZS_SHORT_OFFSET_MAX ? LZS_SHORT_HDR_BITS : LZS_LONG_HDR_BITS;
	size_t rest;

	if (len < 5)
		return bits_put(w, (hdr << 2) | (uint32_t)(len - 2), hdr_n + 2);
	if (len < 8)
		return bits_put(w, (hdr << 4) | (uint32_t)(0xc + len - 5), hdr_n + 4);
	rest = len - 8;
	if (rest < 15)
		return bits_put(w, (hdr << 8) | 0xf0u | (uint32_t)rest, hdr_n + 8);
	if (!bits_put(w, (hdr << 8) | 0xffu, hdr_n + 8))
		return false;
	/* Each further all-ones nibble adds 15; send them seven at a time. */
	for (rest -= 15; rest >= 15 * 7; rest -= 15 * 7)
		if (!bits_put(w, 0xfffffffu, 28))
			return false;
	for (; rest >= 15; rest -= 15)
		if (!bits_put(w, 0xfu, 4))
			return false;
	return bits_put(w, (uint32_t)rest, 4);
}

/*
 * Match finder tables. Positions are kept modulo 2^16: every candidate is re-checked
 * against the window, the position and the bytes themselves, so aliasing (packets over
 * 64 KiB) or a stale entry only costs ratio, never correctness.
 */
struct lzs_enc {
	const uint8_t *in;
	size_t in_len;
	uint16_t head[LZS_HASH_SIZE]; /* hash of 3 bytes -> latest position */
	uint16_t near2[LZS_HASH_SIZE]; /* hash of 2 bytes -> latest position */
	/* prev[p % window]: the position before p with p's 3-byte hash. A slot is read only
	 * for positions inside the window, all inserted after any older user of the slot. */
	uint16_t prev[LZS_WINDOW];
};

static inline uint32_t hash_bits(uint32_t v)
{
	return (v * 2654435761u) >> (32 - LZS_HASH_BITS);
}

/* Links position p (4 readable bytes) into the tables; returns the old 3-byte head. */
static inline uint16_t enc_insert(struct lzs_enc *e, size_t p, uint16_t *ret_near2)
{
	uint32_t v = load_le32(e->in + p);
	uint32_t h3 = hash_bits(v << 8), h2 = hash_bits(v << 16);
	uint16_t cand = e->head[h3];

	*ret_near2 = e->near2[h2];
	e->prev[p & LZS_WIN_MASK] = cand;
	e->head[h3] = (uint16_t)p;
	e->near2[h2] = (uint16_t)p;
	return cand;
}

static inline size_t match_len(const uint8_t *a, const uint8_t *b, const uint8_t *end)
{
	const uint8_t *start = b;

	while (end - b >= 8) {
		uint64_t va, vb, x;

		memcpy(&va, a, 8);
		memcpy(&vb, b, 8);
		x = va ^ vb;
		if (x != 0) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			return (size_t)(b - start) + ((unsigned)__builtin_ctzll(x) >> 3);
#else
			return (size_t)(b - start) + ((unsigned)__builtin_clzll(x) >> 3);
#endif
		}
		a += 8;
		b += 8;
	}
	while (b < end && *a == *b) {
		a++;
		b++;
	}
	return (size_t)(b - start);
}

/* Nearest 2-byte match, for when the chain found nothing of 3 or more. */
static inline size_t enc_near2(const struct lzs_enc *e, size_t p, uint16_t c, size_t *ret_off)
{
	size_t dist = (uint16_t)((uint16_t)p - c);
	const uint8_t *cur = e->in + p;

	if (dist == 0 || dist > LZS_MAX_OFFSET || dist > p || cur[-(ptrdiff_t)dist] != cur[0] ||
	    cur[1 - (ptrdiff_t)dist] != cur[1])
		return 0;
	*ret_off = dist;
	return 2;
}

/* Inserts p and returns the longest match there (0 if none); the nearest wins ties. */
static size_t enc_find(struct lzs_enc *e, size_t p, size_t *ret_off)
{
	const uint8_t *cur = e->in + p, *end = e->in + e->in_len;
	size_t max_len = e->in_len - p, best = 2, best_off = 0, last = 0;
	uint32_t v = load_le32(cur);
	unsigned depth = LZS_CHAIN_DEPTH;
	uint16_t n2, c = enc_insert(e, p, &n2);

	for (;;) {
		size_t dist = (uint16_t)((uint16_t)p - c);
		const uint8_t *m = cur - dist;

		if (dist <= last || dist > LZS_MAX_OFFSET || dist > p)
			break;
		/* 3 bytes at once (the hash key), then the byte that would beat the best. */
		if (((load_le32(m) ^ v) & 0xffffffu) == 0 && m[best] == cur[best]) {
			size_t len = match_len(m, cur, end);

			if (len > best) {
				best = len;
				best_off = dist;
				if (len >= LZS_NICE_LEN || len == max_len)
					break;
			}
		}
		if (--depth == 0)
			break;
		last = dist;
		c = e->prev[c & LZS_WIN_MASK];
	}
	if (best_off == 0)
		return enc_near2(e, p, n2, ret_off);
	*ret_off = best_off;
	return best;
}

/* Chooses and emits the tokens for all positions that have a 4-byte hash key. */
static bool enc_body(struct lzs_enc *e, struct lzs_bits *w, size_t *ret_pos)
{
	size_t lim = e->in_len > 3 ? e->in_len - 3 : 0;
	size_t p = 0, ins, len, off = 0, len2, off2 = 0;
	uint16_t unused;

	while (p < lim) {
		len = enc_find(e, p, &off);
		ins = p + 1;
		if (len == 0) {
			if (!bits_put(w, e->in[p++], LZS_LIT_BITS))
				return false;
			continue;
		}
		/* Lazy matching: a literal now may buy a better match one byte later. */
		while (len < LZS_LAZY_MAX && p + 1 < lim) {
			len2 = enc_find(e, p + 1, &off2);
			ins = p + 2;
			if (len2 == 0 || match_gain(len2, off2) <= match_gain(len, off))
				break;
			if (!bits_put(w, e->in[p++], LZS_LIT_BITS))
				return false;
			len = len2;
			off = off2;
		}
		if (!bits_match(w, len, off))
			return false;
		p += len;
		for (; ins < p && ins < lim; ins++)
			enc_insert(e, ins, &unused);
	}
	*ret_pos = p;
	return true;
}

int lzs_compress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len)
{
	struct lzs_enc e;
	struct lzs_bits w = { .op = out, .oend = out };
	size_t p = 0, total;

	if ((in == NULL && in_len != 0) || (out == NULL && out_len != 0) || in_len > INT_MAX)
		return -EINVAL;
	if (out_len != 0)
		w.oend = out + out_len; /* out may be NULL when out_len is 0 */
	e.in = in;
	e.in_len = in_len;
	/* 0xffff reads as position p + 1 (mod 2^16): "after p", so never a candidate */
	memset(e.head, 0xff, sizeof(e.head));
	memset(e.near2, 0xff, sizeof(e.near2));
	if (!enc_body(&e, &w, &p))
		return -EFBIG;
	for (; p < in_len; p++)
		if (!bits_put(&w, in[p], LZS_LIT_BITS))
			return -EFBIG;
	if (!bits_put(&w, LZS_END_MARKER, LZS_SHORT_HDR_BITS))
		return -EFBIG;
	total = (size_t)(w.op - out) + (w.n + 7) / 8;
	if (total > out_len || total > INT_MAX)
		return -EFBIG;
	/* Flush the pending bits, left-aligned: the padding is zero. */
	if (w.n > 0)
		w.acc <<= 64 - w.n;
	for (; w.op < out + total; w.op++, w.acc <<= 8)
		*w.op = (uint8_t)(w.acc >> 56);
	return (int)total;
}

/* ---------------------------------------------------------------- decoder */

/* The 64 bits at bitpos, zero-filled past the input; at least 57 of them are real
 * whenever 8 bytes remain. Requires bitpos <= 8 * in_len. */
static inline uint64_t dec_peek(const uint8_t *in, size_t in_len, size_t bitpos)
{
	size_t i = bitpos >> 3;
	uint64_t w = 0;

	if (in_len - i >= 8) {
		w = load_be64(in + i);
	} else {
		for (unsigned k = 0; i + k < in_len; k++)
			w |= (uint64_t)in[i + k] << (56 - 8 * k);
	}
	return w << (bitpos & 7);
}

/* Reads the nibbles that follow a length of 8 + 15; returns the length or -errno. */
static long dec_long_len(const uint8_t *in, size_t in_len, size_t *bitpos, size_t room)
{
	size_t len = 8 + 15, nbits = in_len * 8;
	unsigned nib;

	do {
		uint64_t w = dec_peek(in, in_len, *bitpos);

		for (unsigned k = 0; k < 14; k++) {
			if (*bitpos + 4 > nbits)
				return -EBADMSG;
			nib = (unsigned)(w >> 60);
			w <<= 4;
			*bitpos += 4;
			len += nib;
			if (len > room)
				return -EFBIG;
			if (nib != 15)
				return (long)len;
		}
	} while (true);
}

static inline void dec_copy(uint8_t *op, size_t off, size_t len, size_t room)
{
	const uint8_t *src = op - off;

	if (off >= 8 && room - len >= 7) {
		/* 8 bytes at a time may overshoot by up to 7 bytes, all inside out_len. */
		for (size_t k = 0; k < len; k += 8)
			memcpy(op + k, src + k, 8);
		return;
	}
	for (size_t k = 0; k < len; k++)
		op[k] = src[k];
}

/* A match of at most 22 bytes with LZS_DEC_MARGIN bytes of room. */
static inline void dec_copy_short(uint8_t *op, size_t off, size_t len)
{
	const uint8_t *src = op - off;

	if (off >= 8) {
		memcpy(op, src, 8);
		memcpy(op + 8, src + 8, 8);
		if (len > 16)
			memcpy(op + 16, src + 16, 8);
		return;
	}
	for (size_t k = 0; k < len; k++)
		op[k] = src[k];
}

struct lzs_dec {
	const uint8_t *in;
	size_t in_len;
	size_t bitpos; /* next unread bit; <= 8 * in_len */
	uint8_t *out;
	uint8_t *op;
	uint8_t *oend;
};

/* Room the fast loop keeps at the end of the output: a short match copied in three
 * 8-byte words never gets near out_len. */
#define LZS_DEC_MARGIN 32

/*
 * The hot loop: decodes tokens while 8 input bytes can be loaded and LZS_DEC_MARGIN bytes
 * of output remain, with a 64-bit buffer refilled before every token (the refill is off
 * the bit-position dependency chain). Stops, with bitpos at the token's start, at the
 * end marker, at a length of 23 or more, or at an error, all left to dec_token().
 * Kept in one piece (past the usual 60 lines) so that buf, cnt, ip and op stay in
 * registers: the token decode is the hot path of the receiver.
 */
static void dec_fast(struct lzs_dec *d)
{
	const uint8_t *ip = d->in + (d->bitpos >> 3), *iend = d->in + d->in_len;
	uint8_t *op = d->op, *const out = d->out, *const oend = d->oend;
	uint64_t buf, t;
	unsigned cnt, used;
	size_t off, len;

	/* The first load and the refill right after it need 15 bytes. */
	if (iend - ip < 16 || oend - op < LZS_DEC_MARGIN)
		return;
	/* Valid bits: the 56 - skip after bitpos; the byte after them is reloaded later. */
	buf = load_be64(ip) << (d->bitpos & 7);
	cnt = 56 - (unsigned)(d->bitpos & 7);
	ip += 7;
	while (iend - ip >= 8) {
		buf |= load_be64(ip) >> cnt;
		ip += (63 - cnt) >> 3;
		cnt |= 56;
		/* No token here is longer than 21 bits: several fit one refill. */
		do {
			if (oend - op < LZS_DEC_MARGIN)
				goto done;
			if ((int64_t)buf >= 0) {
				/* At most 7 literals per refill: the margin covers them. */
				do {
					*op++ = (uint8_t)(buf >> 55);
					buf <<= LZS_LIT_BITS;
					cnt -= LZS_LIT_BITS;
				} while ((int64_t)buf >= 0 && cnt >= LZS_LIT_BITS);
				continue;
			}
			if (buf & (1ull << 62)) {
				off = (buf >> 55) & 0x7f;
				used = LZS_SHORT_HDR_BITS;
			} else {
				off = (buf >> 51) & 0x7ff;
				used = LZS_LONG_HDR_BITS;
			}
			t = buf << used;
			if ((t >> 62) != 3) {
				len = 2 + (size_t)(t >> 62);
				used += 2;
			} else if ((t >> 60) != 15) {
				len = 5 + (size_t)((t >> 60) & 3);
				used += 4;
			} else {
				len = 8 + (size_t)((t >> 56) & 15);
				used += 8;
			}
			if (off == 0 || off > (size_t)(op - out) || len == 8 + 15)
				goto done;
			buf <<= used;
			cnt -= used;
			dec_copy_short(op, off, len);
			op += len;
		} while (cnt >= 21);
	}
done:
	d->bitpos = (size_t)(ip - d->in) * 8 - cnt;
	d->op = op;
}

/* Decodes one token with every check; returns 1 to go on, 0 at the end marker, or -errno. */
static int dec_token(struct lzs_dec *d)
{
	size_t nbits = d->in_len * 8, off, len;
	uint64_t w = dec_peek(d->in, d->in_len, d->bitpos), t;
	unsigned used;

	if ((w >> 63) == 0) {
		if (d->bitpos + LZS_LIT_BITS > nbits)
			return -EBADMSG;
		if (d->op == d->oend)
			return -EFBIG;
		*d->op++ = (uint8_t)(w >> 55);
		d->bitpos += LZS_LIT_BITS;
		return 1;
	}
	if (w & (1ull << 62)) {
		off = (w >> 55) & 0x7f;
		used = LZS_SHORT_HDR_BITS;
		if (off == 0) {
			if (d->bitpos + used > nbits)
				return -EBADMSG;
			d->bitpos += used;
			return 0;
		}
	} else {
		off = (w >> 51) & 0x7ff;
		used = LZS_LONG_HDR_BITS;
	}
	t = w << used;
	if ((t >> 62) != 3) {
		len = 2 + (size_t)(t >> 62);
		used += 2;
	} else if ((t >> 60) != 15) {
		len = 5 + (size_t)((t >> 60) & 3);
		used += 4;
	} else {
		len = 8 + (size_t)((t >> 56) & 15);
		used += 8;
	}
	if (d->bitpos + used > nbits)
		return -EBADMSG;
	d->bitpos += used;
	if (off == 0 || off > (size_t)(d->op - d->out))
		return -EINVAL;
	if (len == 8 + 15) {
		long l = dec_long_len(d->in, d->in_len, &d->bitpos, (size_t)(d->oend - d->op));

		if (l < 0)
			return (int)l;
		len = (size_t)l;
	}
	if (len > (size_t)(d->oend - d->op))
		return -EFBIG;
	dec_copy(d->op, off, len, (size_t)(d->oend - d->op));
	d->op += len;
	return 1;
}

int lzs_decompress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len)
{
	struct lzs_dec d = { .in = in, .in_len = in_len, .out = out, .op = out };
	int rc;

	if ((in == NULL && in_len != 0) || (out == NULL && out_len != 0) ||
	    in_len > SIZE_MAX / 8)
		return -EINVAL;
	if (in_len == 0)
		return -EBADMSG; /* no end marker (and in may be NULL) */
	if (out_len > INT_MAX)
		out_len = INT_MAX; /* the result must fit the return type */
	d.oend = out_len != 0 ? out + out_len : out;
	do {
		dec_fast(&d);
		rc = dec_token(&d);
	} while (rc > 0);
	return rc < 0 ? rc : (int)(d.op - out);
}
