/* main/ip-lease.h: IPv4 address and IPv6 subnet pools for VPN clients. Runs in: main. */
#ifndef MAIN_IP_LEASE_H
#define MAIN_IP_LEASE_H

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>

#include "common/cfg.h"

struct ip_pool;                 /* opaque, owned by the caller's talloc ctx */

/* What one client session holds; addresses in network byte order. */
struct ip_lease {
	int have_v4, have_v6;
	uint8_t v4[4];          /* the client's address */
	uint8_t v4_local[4];    /* server end of the P-t-P link, shared by every tun */
	unsigned v4_prefix;     /* prefix of the pool's network (X-CSTP-Netmask) */
	uint8_t v6[16];         /* first address of the client's subnet */
	uint8_t v6_local[16];   /* server end, shared by every tun */
	unsigned v6_prefix;     /* the per-client subnet prefix (ipv6-subnet-prefix) */
};

/*
 * v4net and v6net may each be NULL (no pool of that family). v6_subnet_prefix is
 * the size handed to each client (ocserv's ipv6-subnet-prefix; 0 means 128).
 * predictable: a user's address is derived from a hash of the user name, so a
 * user keeps the same address across server restarts. Returns NULL on OOM or
 * when a network is unusable (v4 prefix over 30, v6 subnet not inside the net).
 */
struct ip_pool *ip_pool_new(TALLOC_CTX *mem_ctx, const struct cfg_net *v4net,
			    const struct cfg_net *v6net, unsigned v6_subnet_prefix,
			    bool predictable);

/*
 * Lease addresses for `user`. `want` (may be NULL) holds what this session had
 * before: those are reused if still free, so a cookie reconnect keeps its
 * address. The first usable v4 address is the server's local address and is
 * never leased; nor are the network and broadcast addresses. For v6 the local
 * address is network::1, and the subnet holding it is never leased.
 * Returns 0, or -ENOSPC when a pool is full (nothing is leased then).
 */
int ip_lease_acquire(struct ip_pool *pool, const char *user, const struct ip_lease *want,
		     struct ip_lease *ret);

/* Give back what ip_lease_acquire returned; unknown addresses are ignored. */
void ip_lease_release(struct ip_pool *pool, const struct ip_lease *lease);

/* Number of leases currently held. */
unsigned ip_pool_in_use(const struct ip_pool *pool);

#endif /* MAIN_IP_LEASE_H */
