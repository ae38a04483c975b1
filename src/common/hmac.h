/* common/hmac.h: main's proof to sec-mod of a worker's peer address. Runs in: main, sec-mod. */
#ifndef COMMON_HMAC_H
#define COMMON_HMAC_H

#include <stdbool.h>
#include <stdint.h>

#define STARTUP_KEY_LEN 32
#define STARTUP_HMAC_LEN 32

/*
 * main signs (remote ip, local ip, start time) for each worker it forks; the
 * worker hands the tag to sec-mod with its first login message, so a worker
 * cannot claim another peer's address or reuse an old start time.
 */
int startup_hmac(const uint8_t key[STARTUP_KEY_LEN], const char *remote_ip,
		 const char *local_ip, uint64_t start, uint8_t ret[STARTUP_HMAC_LEN]);
bool startup_hmac_ok(const uint8_t key[STARTUP_KEY_LEN], const char *remote_ip,
		     const char *local_ip, uint64_t start, const uint8_t *tag, size_t tag_len);

#endif /* COMMON_HMAC_H */
