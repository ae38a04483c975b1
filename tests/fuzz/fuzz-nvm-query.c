/* tests/fuzz/fuzz-nvm-query.c: the NVM JSON API's request-line parser on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nvm/nvm-query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *url = malloc(size + 1), *path = NULL;
	struct nvm_query q;

	if (url == NULL)
		return 0;
	memcpy(url, data, size);
	url[size] = '\0';
	/* results must point inside the buffer it was given */
	if (nvm_query_parse(url, &path, &q) == 0 &&
	    (path != url || (q.user != NULL && (q.user < url || q.user > url + size))))
		abort();
	free(url);
	return 0;
}
