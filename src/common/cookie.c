/* common/cookie.c: session ids and their webvpn cookie text. Runs in: worker, sec-mod, main, occtl. */
#include <errno.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "cookie.h"

#define B64_SID_CHARS 44                /* 4 * ceil(32 / 3) */
#define SHA1_LEN 20

/*
 * Sextet to character and back without table lookups or branches indexed by
 * the value, so the time taken does not depend on the secret cookie.
 * Each term is all-ones only inside its character range.
 */
static char b64_char(unsigned v)
{
	int x = (int)v;
	int c = x + 'A';

	c += ((25 - x) >> 8) & ('a' - 'A' - 26);
	c += ((51 - x) >> 8) & ('0' - 'a' - 26);
	c += ((61 - x) >> 8) & ('+' - '0' - 10);
	c += ((62 - x) >> 8) & ('/' - '+' - 1);
	return (char)c;
}

/* 0..63, or -1 for a byte outside the alphabet */
static int b64_value(unsigned char ch)
{
	int c = ch, v = -1;

	v += ((('A' - 1 - c) & (c - 'Z' - 1)) >> 8) & (c - 'A' + 1);
	v += ((('a' - 1 - c) & (c - 'z' - 1)) >> 8) & (c - 'a' + 27);
	v += ((('0' - 1 - c) & (c - '9' - 1)) >> 8) & (c - '0' + 53);
	v += ((('+' - 1 - c) & (c - '+' - 1)) >> 8) & 63;
	v += ((('/' - 1 - c) & (c - '/' - 1)) >> 8) & 64;
	return v;
}

/* out must hold 4 * ceil(len / 3) + 1 bytes */
static void b64_encode(const uint8_t *in, size_t len, char *out)
{
	size_t i, o = 0;

	for (i = 0; i + 3 <= len; i += 3) {
		uint32_t w = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8) | in[i + 2];

		out[o++] = b64_char((w >> 18) & 63);
		out[o++] = b64_char((w >> 12) & 63);
		out[o++] = b64_char((w >> 6) & 63);
		out[o++] = b64_char(w & 63);
	}
	if (len - i > 0) {
		uint32_t w = (uint32_t)in[i] << 16;

		if (len - i == 2)
			w |= (uint32_t)in[i + 1] << 8;
		out[o++] = b64_char((w >> 18) & 63);
		out[o++] = b64_char((w >> 12) & 63);
		out[o++] = len - i == 2 ? b64_char((w >> 6) & 63) : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
}

int cookie_encode(const uint8_t sid[static SID_LEN], char *out, size_t out_len)
{
	if (out_len < COOKIE_TEXT_LEN)
		return -ENOBUFS;
	b64_encode(sid, SID_LEN, out);
	return 0;
}

int cookie_decode(const char *text, uint8_t ret_sid[static SID_LEN])
{
	uint8_t tmp[SID_LEN + 1];
	int bad = 0, v[B64_SID_CHARS - 1];
	size_t i, o = 0;

	/* 32 bytes encode as 42 full sextets + one holding 2 bits, then one '=' */
	if (strnlen(text, B64_SID_CHARS + 1) != B64_SID_CHARS || text[B64_SID_CHARS - 1] != '=')
		return -EBADMSG;
	for (i = 0; i < B64_SID_CHARS - 1; i++) {
		v[i] = b64_value((unsigned char)text[i]);
		bad |= v[i];            /* -1 sets the sign bit */
	}
	for (i = 0; i + 4 <= B64_SID_CHARS - 1; i += 4) {
		uint32_t w = ((uint32_t)(v[i] & 63) << 18) | ((uint32_t)(v[i + 1] & 63) << 12) |
			     ((uint32_t)(v[i + 2] & 63) << 6) | (uint32_t)(v[i + 3] & 63);

		tmp[o++] = (uint8_t)(w >> 16);
		tmp[o++] = (uint8_t)(w >> 8);
		tmp[o++] = (uint8_t)w;
	}
	/* last group: 3 sextets carry 2 bytes; its low 2 bits must be zero (canonical) */
	tmp[o++] = (uint8_t)(((v[i] & 63) << 2) | ((v[i + 1] & 63) >> 4));
	tmp[o++] = (uint8_t)((((v[i + 1] & 63) & 15) << 4) | ((v[i + 2] & 63) >> 2));
	bad |= -((v[i + 2] & 3) != 0);
	if (bad < 0 || o != SID_LEN) {
		explicit_bzero(tmp, sizeof(tmp));
		return -EBADMSG;
	}
	memcpy(ret_sid, tmp, SID_LEN);
	explicit_bzero(tmp, sizeof(tmp));
	return 0;
}

int cookie_safe_id(const uint8_t sid[static SID_LEN], char *out, size_t out_len)
{
	uint8_t digest[SHA1_LEN];

	if (out_len < COOKIE_SAFE_ID_LEN)
		return -ENOBUFS;
	if (gnutls_hash_fast(GNUTLS_DIG_SHA1, sid, SID_LEN, digest) < 0)
		return -EIO;
	b64_encode(digest, sizeof(digest), out);
	return 0;
}
