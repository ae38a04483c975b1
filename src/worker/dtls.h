/* worker/dtls.h: the client's DTLS channel on a UDP socket handed over by main. Runs in: worker. */
#ifndef WORKER_DTLS_H
#define WORKER_DTLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <gnutls/gnutls.h>
#include <talloc.h>

#define DTLS_GCM_OVERHEAD 37    /* DTLS 1.2 header 13 + explicit nonce 8 + tag 16 */

enum wk_dtls_mode {
	WK_DTLS_OFF = 0,
	WK_DTLS_PSK,            /* PSK-NEGOTIATE: key from the TLS exporter */
};

struct wk_dtls;

/* psk: 32 bytes exported from the TLS session; mtu: the largest UDP payload we may send */
struct wk_dtls *wk_dtls_new(TALLOC_CTX *mem_ctx, const char *tls_priorities,
			    const uint8_t psk[32], unsigned udp_mtu);
/* Start over on a new socket with the datagram main already read (a ClientHello). */
int wk_dtls_accept(struct wk_dtls *d, int fd, const uint8_t *first, size_t len);
int wk_dtls_fd(const struct wk_dtls *d);      /* -1 when none */
bool wk_dtls_up(const struct wk_dtls *d);
/* Drives the handshake: 1 established now, 0 still going, <0 failed (DTLS dropped). */
int wk_dtls_handshake(struct wk_dtls *d);
/* ms until the handshake wants attention again, -1 when no handshake runs */
int wk_dtls_timeout_ms(const struct wk_dtls *d);
/* one record: >0 length, 0 nothing now, <0 the channel failed and was dropped */
ssize_t wk_dtls_recv(struct wk_dtls *d, uint8_t *buf, size_t len);
/* 0 sent, -EMSGSIZE too large for the path (send it over TLS), <0 other failure */
int wk_dtls_send(struct wk_dtls *d, const uint8_t *buf, size_t len);
/* the payload a record may carry on this path after the handshake */
unsigned wk_dtls_data_mtu(const struct wk_dtls *d);
/* caller frees with gnutls_free */
char *wk_dtls_desc(const struct wk_dtls *d);
void wk_dtls_close(struct wk_dtls *d);

#endif /* WORKER_DTLS_H */
