/* tests/fuzz/fuzz-auth-plain.c: libFuzzer harness for the plain passwd file reader. Runs in: fuzzing. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE             /* memfd_create */
#endif
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <talloc.h>
#include <unistd.h>

#include "common/log.h"
#include "secmod/auth-plain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The reader takes a path, so the input goes into a memfd reached through
 * /proc. auth_plain_check is left out: it always runs crypt(), which would
 * slow fuzzing a hundredfold, and it parses through the same pw_find.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	int fd = memfd_create("fuzz-passwd", MFD_CLOEXEC);
	char path[64], **groups = NULL;
	size_t n = 0;
	bool nopw;

	log_set_level(LOG_LVL_ERR);
	if (ctx == NULL || fd < 0 || write(fd, data, size) != (ssize_t)size)
		goto out;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	(void)auth_plain_lookup(path, "alice", &nopw);
	(void)auth_plain_lookup(path, "", &nopw);
	if (auth_plain_group_list(ctx, path, &groups, &n) == 0)
		while (n > 0)
			(void)talloc_get_size(groups[--n]);
out:
	if (fd >= 0)
		close(fd);
	talloc_free(ctx);
	return 0;
}
