/* tests/unit/test-cookie.c: session id <-> webvpn cookie text. Runs in: make check. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/cookie.h"

static void fill(uint8_t sid[SID_LEN], uint8_t start)
{
	unsigned i;

	for (i = 0; i < SID_LEN; i++)
		sid[i] = (uint8_t)(start + i);
}

static void test_known_vector(void **state)
{
	uint8_t sid[SID_LEN], back[SID_LEN];
	char text[COOKIE_TEXT_LEN];

	(void)state;
	fill(sid, 0);
	assert_int_equal(cookie_encode(sid, text, sizeof(text)), 0);
	/* base64 of bytes 0x00..0x1f, as `head -c` | base64 prints it */
	assert_string_equal(text, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
	assert_int_equal(strlen(text), 44);
	assert_int_equal(cookie_decode(text, back), 0);
	assert_memory_equal(back, sid, SID_LEN);
}

static void test_roundtrip_many(void **state)
{
	uint8_t sid[SID_LEN], back[SID_LEN];
	char text[COOKIE_TEXT_LEN];
	unsigned s, i;

	(void)state;
	/* walk every byte value through every position class */
	for (s = 0; s < 256; s++) {
		for (i = 0; i < SID_LEN; i++)
			sid[i] = (uint8_t)(s * 7 + i * 131);
		assert_int_equal(cookie_encode(sid, text, sizeof(text)), 0);
		memset(back, 0, sizeof(back));
		assert_int_equal(cookie_decode(text, back), 0);
		assert_memory_equal(back, sid, SID_LEN);
	}
	memset(sid, 0xff, sizeof(sid));
	assert_int_equal(cookie_encode(sid, text, sizeof(text)), 0);
	assert_string_equal(text, "//////////////////////////////////////////8=");
}

static void test_wrong_lengths(void **state)
{
	uint8_t back[SID_LEN];

	(void)state;
	memset(back, 0x5a, sizeof(back));
	/* 31 bytes (0x00..0x1e) and 33 bytes (0x00..0x20) */
	assert_int_equal(cookie_decode("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==", back), -EBADMSG);
	assert_int_equal(cookie_decode("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g", back), -EBADMSG);
	/* 32 bytes unpadded, one char short, one extra, empty */
	assert_int_equal(cookie_decode("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", back), -EBADMSG);
	assert_int_equal(cookie_decode("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh=", back), -EBADMSG);
	assert_int_equal(cookie_decode("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8==", back), -EBADMSG);
	assert_int_equal(cookie_decode("", back), -EBADMSG);
	for (unsigned i = 0; i < SID_LEN; i++)
		assert_int_equal(back[i], 0x5a);        /* untouched */
}

static void test_garbage(void **state)
{
	static const char *bad[] = {
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdH h8=",  /* space */
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh-=",   /* url-safe alphabet */
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh_=",
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxw=Hh8=",   /* '=' inside */
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9=",   /* non-zero trailing bits */
		"\303\251ECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",   /* 2-byte UTF-8 */
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=; webvpn",
		"@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@=",
	};
	uint8_t back[SID_LEN];
	unsigned i;

	(void)state;
	memset(back, 0x5a, sizeof(back));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cookie_decode(bad[i], back), -EBADMSG);
	for (i = 0; i < SID_LEN; i++)
		assert_int_equal(back[i], 0x5a);
}

static void test_every_invalid_char(void **state)
{
	char text[COOKIE_TEXT_LEN] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
	uint8_t back[SID_LEN];
	unsigned c;

	(void)state;
	for (c = 1; c < 256; c++) {
		bool valid = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			     (c >= '0' && c <= '9') || c == '+' || c == '/';

		text[5] = (char)c;
		assert_int_equal(cookie_decode(text, back), valid ? 0 : -EBADMSG);
	}
}

static void test_buffer_sizes(void **state)
{
	uint8_t sid[SID_LEN] = { 0 };
	char text[COOKIE_TEXT_LEN];

	(void)state;
	assert_int_equal(cookie_encode(sid, text, COOKIE_TEXT_LEN - 1), -ENOBUFS);
	assert_int_equal(cookie_safe_id(sid, text, COOKIE_SAFE_ID_LEN - 1), -ENOBUFS);
}

static void test_safe_id(void **state)
{
	uint8_t sid[SID_LEN];
	char id[COOKIE_SAFE_ID_LEN];

	(void)state;
	fill(sid, 0);
	assert_int_equal(cookie_safe_id(sid, id, sizeof(id)), 0);
	assert_int_equal(strlen(id), 28);
	/* printf 0x00..0x1f | sha1sum | xxd -r -p | base64 */
	assert_string_equal(id, "rlvY7+pTIsTZmG0GaAp4E5L5pkI=");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_vector),
		cmocka_unit_test(test_roundtrip_many),
		cmocka_unit_test(test_wrong_lengths),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_every_invalid_char),
		cmocka_unit_test(test_buffer_sizes),
		cmocka_unit_test(test_safe_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
