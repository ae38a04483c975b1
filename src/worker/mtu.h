/* worker/mtu.h: link and data MTU arithmetic for one tunnel. Runs in: worker. */
#ifndef WORKER_MTU_H
#define WORKER_MTU_H

#include <stdbool.h>

#define MTU_MIN_V4 576          /* smallest IPv4 MTU every host must accept */
#define MTU_MIN_V6 1280         /* smallest IPv6 MTU; below it no IPv6 is pushed */
#define MTU_DEFAULT_LINK 1500
#define MTU_MAX_CLIENT 16384    /* larger client claims are ignored, not trusted */

struct mtu_in {
	unsigned cfg_mtu;               /* `mtu` option, 0 = unset */
	unsigned client_base_mtu;       /* X-CSTP-Base-MTU, 0 = absent */
	bool ipv6_transport;            /* the client reaches us over IPv6 */
	bool ipv6_tunnel;               /* an IPv6 address is pushed into the tunnel */
	bool dtls;                      /* the data MTU is sized for DTLS records */
	unsigned dtls_overhead;         /* record overhead of the DTLS cipher */
	unsigned tls_overhead;          /* record overhead of the TLS session */
};

struct mtu_out {
	unsigned link;                  /* X-CSTP-Base-MTU */
	unsigned udp;                   /* largest UDP payload towards the client */
	unsigned data;                  /* X-CSTP-MTU: the tunnel's MTU */
};

void mtu_compute(const struct mtu_in *in, struct mtu_out *ret);

#endif /* WORKER_MTU_H */
