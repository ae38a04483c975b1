/* common/hmac.c: startup HMAC over the worker's addresses. Runs in: main, sec-mod. */
#include <inttypes.h>
#include <stdio.h>
#include <gnutls/crypto.h>

#include "hmac.h"

int startup_hmac(const uint8_t key[STARTUP_KEY_LEN], const char *remote_ip,
		 const char *local_ip, uint64_t start, uint8_t ret[STARTUP_HMAC_LEN])
{
	char text[256];
	int n = snprintf(text, sizeof(text), "%s|%s|%" PRIu64, remote_ip, local_ip, start);

	if (n < 0 || (size_t)n >= sizeof(text))
		return -1;
	return gnutls_hmac_fast(GNUTLS_MAC_SHA256, key, STARTUP_KEY_LEN, text, (size_t)n, ret);
}

bool startup_hmac_ok(const uint8_t key[STARTUP_KEY_LEN], const char *remote_ip,
		     const char *local_ip, uint64_t start, const uint8_t *tag, size_t tag_len)
{
	uint8_t want[STARTUP_HMAC_LEN], d = 0;

	if (tag_len != STARTUP_HMAC_LEN || startup_hmac(key, remote_ip, local_ip, start, want) < 0)
		return false;
	for (size_t i = 0; i < STARTUP_HMAC_LEN; i++)
		d |= want[i] ^ tag[i];
	return d == 0;
}
