/* tests/fuzz/fuzz-ctl.c: the server's occtl request decoder (framing + payload). Runs in: fuzzer. */
#include <stddef.h>
#include <stdint.h>

#include "common/ctl-frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input is what a client wrote on the socket: frames one after another, as main sees them. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	size_t off = 0;

	while (off < size) {
		struct ctl_frame f;
		struct ctl_req req;
		size_t used;

		if (ctl_frame_parse(data + off, size - off, CTL_MAX_REQ, &f, &used) < 0)
			break;
		(void)ctl_req_decode(tmp, &f, &req);
		off += used;
	}
	talloc_free(tmp);
	return 0;
}
