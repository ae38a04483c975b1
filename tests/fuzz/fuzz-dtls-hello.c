/* tests/fuzz/fuzz-dtls-hello.c: main's DTLS ClientHello reader on arbitrary datagrams. */
#include <stddef.h>
#include <stdint.h>

#include "main/dtls-hello.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dtls_hello h;

	if (dtls_hello_parse(data, size, &h) == 0 &&
	    (h.session_id_len > DTLS_ID_MAX || h.app_id_len > DTLS_ID_MAX))
		__builtin_trap();
	return 0;
}
