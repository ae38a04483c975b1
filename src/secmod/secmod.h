/* secmod/secmod.h: the sec-mod process entry. Runs in: sec-mod. */
#ifndef SECMOD_SECMOD_H
#define SECMOD_SECMOD_H

#include <stdint.h>

#include "common/cfg.h"
#include "common/hmac.h"

/*
 * Runs sec-mod until main goes away; never returns. main_fd is the
 * SOCK_SEQPACKET pair to main, listen_fd the socket workers connect to.
 */
void secmod_run(struct cfg *cfg, int main_fd, int listen_fd,
		const uint8_t hmac_key[STARTUP_KEY_LEN]) __attribute__((noreturn));

#endif /* SECMOD_SECMOD_H */
