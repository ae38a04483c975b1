/* tests/fuzz/fuzz-http.c: HTTP request parser, fed in fuzzer-chosen pieces. Runs in: fuzzing, make check. */
#include <stdint.h>
#include <string.h>
#include <talloc.h>

#include "worker/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* touch every accessor so a bad pointer or missing NUL shows up under ASan */
static void inspect(const struct http_req *req)
{
	const uint8_t *body;
	const char *v;
	size_t len;
	unsigned i;

	(void)http_req_method(req);
	(void)strlen(http_req_url(req));
	for (i = 0; (v = http_req_header(req, "cookie", i)) != NULL; i++)
		(void)strlen(v);
	if ((v = http_req_cookie(req, "webvpn")) != NULL)
		(void)strlen(v);
	body = http_req_body(req, &len);
	if (len > 0)
		(void)memchr(body, 0xff, len);
	(void)http_req_keep_alive(req);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_req *req;
	size_t chunk, used, n;
	int rc;

	if (size < 1)
		return 0;
	/* the first byte picks the read size, like TLS records of varying length */
	chunk = (size_t)data[0] + 1;
	data++;
	size--;
	req = http_req_new(NULL);
	if (req == NULL)
		return 0;
	while (size > 0) {
		n = size < chunk ? size : chunk;
		rc = http_req_feed(req, data, n, &used);
		if (rc < 0 || used > n)
			break;
		data += used;
		size -= used;
		if (rc == 1) {
			inspect(req);
			http_req_reset(req);    /* the next, pipelined request */
		}
	}
	talloc_free(req);
	return 0;
}
