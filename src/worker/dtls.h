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

#define DTLS_MASTER_LEN 48
#define DTLS_SESSION_ID_LEN 32

struct wk_dtls;

/* A Cisco-style ("legacy") suite: the client resumes a session made of its own master secret. */
struct dtls_suite {
	const char *name;               /* as in X-DTLS-CipherSuite / X-DTLS12-CipherSuite */
	bool dtls12_header;             /* answered in X-DTLS12-CipherSuite */
	gnutls_protocol_t version;
	gnutls_kx_algorithm_t kx;
	gnutls_cipher_algorithm_t cipher;
	gnutls_mac_algorithm_t mac;
	const char *priority;
	unsigned overhead;              /* worst-case record overhead in bytes */
};

/*
 * Our pick from the client's offers: the X-DTLS12 list first (real DTLS 1.2,
 * what Cisco Secure Client uses), then the X-DTLS list. NULL when nothing fits.
 */
const struct dtls_suite *dtls_suite_pick(const char *dtls_list, const char *dtls12_list);

/* PSK-NEGOTIATE: psk is 32 bytes exported from the TLS session; udp_mtu the largest UDP payload */
struct wk_dtls *wk_dtls_new(TALLOC_CTX *mem_ctx, const char *tls_priorities,
			    const uint8_t psk[32], unsigned udp_mtu);
/* legacy: the client's master secret and the session id we announced */
struct wk_dtls *wk_dtls_new_legacy(TALLOC_CTX *mem_ctx, const struct dtls_suite *suite,
				   const uint8_t master[DTLS_MASTER_LEN],
				   const uint8_t session_id[DTLS_SESSION_ID_LEN],
				   gnutls_certificate_credentials_t creds, unsigned udp_mtu);
/* Start over on a new socket with the datagram main already read (a ClientHello). */
int wk_dtls_accept(struct wk_dtls *d, int fd, const uint8_t *first, size_t len);
/*
 * The client seems to have moved (NAT rebinding): the datagram main read from
 * the new address must be a record of this session, then the channel follows
 * it to fd and the record lands in buf (its length is returned). Otherwise fd
 * is closed, nothing changes and <0 is returned: a stranger sharing the
 * client's IP cannot steal its UDP channel.
 */
ssize_t wk_dtls_rebind(struct wk_dtls *d, int fd, const uint8_t *first, size_t len,
		       uint8_t *buf, size_t buf_len);
int wk_dtls_fd(const struct wk_dtls *d);      /* -1 when none */
/* Ask the kernel for path-MTU discovery on this socket (DF set, EMSGSIZE on overflow). */
void wk_dtls_track_pmtu(int fd);
bool wk_dtls_up(const struct wk_dtls *d);
/* Drives the handshake: 1 established now, 0 still going, <0 failed (DTLS dropped). */
int wk_dtls_handshake(struct wk_dtls *d);
/* ms until the handshake wants attention again, -1 when no handshake runs */
int wk_dtls_timeout_ms(const struct wk_dtls *d);
/* one record: >0 length, 0 nothing now, <0 the channel failed and was dropped */
ssize_t wk_dtls_recv(struct wk_dtls *d, uint8_t *buf, size_t len);
/*
 * 0 sent, -EMSGSIZE too large for the path (send it over TLS; the channel has
 * already adopted the kernel's new path MTU), <0 other failure.
 */
int wk_dtls_send(struct wk_dtls *d, const uint8_t *buf, size_t len);
/* a larger UDP payload was shown to cross the path: allow records up to it again */
void wk_dtls_set_udp_mtu(struct wk_dtls *d, unsigned udp_mtu);
/* the payload a record may carry on this path after the handshake */
unsigned wk_dtls_data_mtu(const struct wk_dtls *d);
/* caller frees with gnutls_free */
char *wk_dtls_desc(const struct wk_dtls *d);
void wk_dtls_close(struct wk_dtls *d);

#endif /* WORKER_DTLS_H */
