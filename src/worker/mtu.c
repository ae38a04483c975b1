/* worker/mtu.c: link and data MTU arithmetic for one tunnel. Runs in: worker. */
#include "worker/mtu.h"

/*
 * Link MTU: the configured one, lowered to what the client measured towards
 * us when that is plausible. Data MTU: what fits in one DTLS record (type
 * byte included) in one UDP datagram, or in one CSTP frame in one TLS record
 * in one TCP segment, never below the IPv4 minimum.
 */
void mtu_compute(const struct mtu_in *in, struct mtu_out *ret)
{
	unsigned link = in->cfg_mtu ? in->cfg_mtu : MTU_DEFAULT_LINK;
	unsigned min = in->ipv6_tunnel ? MTU_MIN_V6 : MTU_MIN_V4;
	unsigned ip = in->ipv6_transport ? 40 : 20;
	unsigned overhead;

	if (in->client_base_mtu >= min && in->client_base_mtu <= MTU_MAX_CLIENT &&
	    in->client_base_mtu < link)
		link = in->client_base_mtu;
	if (in->dtls)
		overhead = ip + 8 + in->dtls_overhead + 1;
	else
		overhead = ip + 20 + in->tls_overhead + 8;
	ret->link = link;
	ret->udp = link > ip + 8 ? link - ip - 8 : 0;
	ret->data = link > overhead + MTU_MIN_V4 ? link - overhead : MTU_MIN_V4;
}
