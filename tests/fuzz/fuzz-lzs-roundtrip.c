/* tests/fuzz/fuzz-lzs-roundtrip.c: LZS compress then decompress is the identity. Runs in: fuzzer / make check. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compress/lzs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define IN_MAX 20000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *comp, *back;
	size_t cap;
	int c, d;

	if (size < 1 || size - 1 > IN_MAX)
		return 0;
	/* The first byte scales the output cap: from below the input length (the sender's
	 * give-up case) to the worst-case bound. */
	cap = LZS_COMPRESS_BOUND(size - 1) * data[0] / 255;
	data++;
	size--;
	comp = malloc(cap + 1);
	back = malloc(size + 1);
	if (comp == NULL || back == NULL)
		abort();
	c = lzs_compress(data, size, comp, cap);
	if (c == -EFBIG) {
		/* Only allowed when the full-size output really does not fit. */
		uint8_t *full = malloc(LZS_COMPRESS_BOUND(size));

		if (full == NULL)
			abort();
		c = lzs_compress(data, size, full, LZS_COMPRESS_BOUND(size));
		if (c <= (int)cap)
			abort();
		free(full);
		goto out;
	}
	if (c < LZS_EMPTY_LEN || (size_t)c > cap)
		abort();
	d = lzs_decompress(comp, (size_t)c, back, size);
	if (d != (int)size || memcmp(back, data, size) != 0)
		abort();
out:
	free(comp);
	free(back);
	return 0;
}
