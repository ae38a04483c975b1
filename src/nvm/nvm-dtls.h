/* nvm/nvm-dtls.h: DTLS server for exporters on the collector's UDP socket. Runs in: ocserv-nvm. */
#ifndef NVM_NVM_DTLS_H
#define NVM_NVM_DTLS_H

#include <ev.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <talloc.h>

#include "common/cfg.h"

#define NVM_DTLS_MAX_PEERS 1024         /* sessions at once; more hellos are ignored */
#define NVM_DTLS_IDLE_SECS 600.0

struct nvm_ctx;
struct nvm_dtls;

/* Server certificate nvm-cert / nvm-key; client certificates required when nvm-client-ca. */
int nvm_dtls_new(TALLOC_CTX *mem_ctx, const struct cfg *cfg, struct nvm_dtls **ret);
/*
 * One datagram from `from` on the unconnected socket fd. A peer without a session first gets
 * a stateless cookie (RFC 6347 HelloVerifyRequest), so spoofed hellos cost no state. Decrypted
 * IPFIX goes to nvm_rx_ipfix() with `from` as the exporter address.
 */
void nvm_dtls_input(struct nvm_dtls *d, struct nvm_ctx *n, int fd, const struct sockaddr *from,
		    socklen_t fromlen, const uint8_t *buf, size_t len);
/* drop sessions idle for NVM_DTLS_IDLE_SECS */
void nvm_dtls_expire(struct nvm_dtls *d, ev_tstamp now);

struct nvm_dtls_stats {
	uint64_t handshakes;
	uint64_t failures;              /* handshakes refused (bad or missing client cert ...) */
	unsigned peers;
};
void nvm_dtls_stats(const struct nvm_dtls *d, struct nvm_dtls_stats *ret);

#endif /* NVM_NVM_DTLS_H */
