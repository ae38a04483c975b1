/* tests/fuzz/fuzz-cookie.c: webvpn cookie decoding must be the exact inverse of encoding. Runs in: fuzzing, make check. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/cookie.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[128], again[COOKIE_TEXT_LEN], safe[COOKIE_SAFE_ID_LEN];
	uint8_t sid[SID_LEN];

	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (cookie_decode(text, sid) != 0)
		return 0;
	/* only canonical text is accepted, so re-encoding gives the same bytes */
	if (cookie_encode(sid, again, sizeof(again)) != 0 || strcmp(again, text) != 0)
		abort();
	if (cookie_safe_id(sid, safe, sizeof(safe)) != 0 || strlen(safe) != 28)
		abort();
	return 0;
}
