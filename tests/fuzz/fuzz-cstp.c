/* tests/fuzz/fuzz-cstp.c: CSTP header parser and frame reassembly. Runs in: fuzzing, make check. */
#include <stdint.h>
#include <stdlib.h>
#include <talloc.h>

#include "worker/cstp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void drain(struct cstp_rx *rx, size_t max_payload)
{
	struct cstp_hdr h;
	const uint8_t *p;
	volatile uint8_t sink = 0;

	while (cstp_rx_pop(rx, &h, &p) == 1) {
		if (h.len > max_payload)
			abort();
		if (h.len > 0)
			sink ^= p[0] ^ p[h.len - 1];    /* whole payload must be addressable */
	}
	(void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkt_reader r = PKT_READER_INIT(data, size);
	struct cstp_hdr h;
	struct cstp_rx *rx;
	size_t max_payload, chunk, n;

	(void)cstp_parse_header(&r, &h);
	if (size < 2)
		return 0;
	/* byte 0: max payload, byte 1: read size */
	max_payload = (size_t)data[0] * 4;
	chunk = (size_t)data[1] + 1;
	data += 2;
	size -= 2;
	rx = cstp_rx_new(NULL, max_payload);
	if (rx == NULL)
		return 0;
	while (size > 0) {
		n = size < chunk ? size : chunk;
		if (n > cstp_rx_space(rx))
			n = cstp_rx_space(rx);
		if (n == 0 || cstp_rx_feed(rx, data, n) < 0)
			break;                  /* full: a frame bigger than allowed is pending */
		data += n;
		size -= n;
		drain(rx, max_payload);
	}
	talloc_free(rx);
	return 0;
}
