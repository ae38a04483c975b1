/* tests/fuzz/fuzz-lzs-decompress.c: LZS decoder on arbitrary bytes. Runs in: fuzzer / make check. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compress/lzs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The receiver's limit (PROTOCOL.md §10): max(16384, MTU). */
#define OUT_MAX 16384

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[OUT_MAX];
	size_t room;
	int rc;

	if (size < 2)
		return 0;
	/* The first two bytes choose the room, so small buffers get exercised too. libFuzzer
	 * hands over a buffer of the exact size, so ASan sees any over-read. */
	room = ((size_t)data[0] << 8 | data[1]) % (OUT_MAX + 1);
	rc = lzs_decompress(data + 2, size - 2, out, room);
	if (rc > (int)room || (rc < 0 && rc != -EINVAL && rc != -EBADMSG && rc != -EFBIG))
		abort();
	if (rc >= 0) {
		/* Anything that decodes must survive a re-encode round trip. */
		uint8_t *comp = malloc(LZS_COMPRESS_BOUND(rc)), *back = malloc((size_t)rc + 1);
		int c;

		if (comp == NULL || back == NULL)
			abort();
		c = lzs_compress(out, (size_t)rc, comp, LZS_COMPRESS_BOUND(rc));
		if (c <= 0 || lzs_decompress(comp, (size_t)c, back, (size_t)rc) != rc ||
		    memcmp(back, out, (size_t)rc) != 0)
			abort();
		free(comp);
		free(back);
	}
	return 0;
}
