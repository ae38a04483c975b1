/* main/ip-lease.c: IPv4 address and IPv6 subnet pools for VPN clients. Runs in: main. */
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "common/log.h"
#include "main/ip-lease.h"

/*
 * Each family keeps a set of the offsets in use (v4: address minus network;
 * v6: subnet index). Memory grows with the number of leases, never with the
 * size of the network, so a /8 or a /48 split in /128s costs nothing up front.
 */
struct ip_set {
	uint64_t *slots;        /* open addressing; key + 1, 0 = empty */
	size_t cap;             /* power of two, or 0 before the first insert */
	size_t n;
};

struct ip_pool {
	bool predictable;
	bool have_v4;
	uint32_t v4_net;        /* host byte order */
	unsigned v4_prefix;
	uint64_t v4_size;       /* addresses in the network */
	uint64_t v4_usable;     /* minus network, local, broadcast */
	bool have_v6;
	uint8_t v6_net[16];
	unsigned v6_prefix;
	unsigned v6_sub;        /* per-client prefix */
	unsigned v6_bits;       /* index bits varied: sub - prefix, at most 62 */
	uint64_t v6_usable;
	struct ip_set used4, used6;
	unsigned n_leases;
};

#define IP_SET_MIN_CAP 64
#define V6_MAX_BITS 62          /* keeps index + 1 and counts far from overflow */

static size_t ip_set_slot(uint64_t key, size_t cap)
{
	/* splitmix64 finaliser: spreads sequential offsets over the table */
	key += 0x9e3779b97f4a7c15ULL;
	key = (key ^ (key >> 30)) * 0xbf58476d1ce4e5b9ULL;
	key = (key ^ (key >> 27)) * 0x94d049bb133111ebULL;
	key ^= key >> 31;
	return (size_t)key & (cap - 1);
}

static bool ip_set_has(const struct ip_set *s, uint64_t key)
{
	size_t i;

	if (s->cap == 0)
		return false;
	for (i = ip_set_slot(key, s->cap); s->slots[i] != 0; i = (i + 1) & (s->cap - 1))
		if (s->slots[i] == key + 1)
			return true;
	return false;
}

static void ip_set_put_raw(uint64_t *slots, size_t cap, uint64_t stored)
{
	size_t i = ip_set_slot(stored - 1, cap);

	while (slots[i] != 0)
		i = (i + 1) & (cap - 1);
	slots[i] = stored;
}

static int ip_set_grow(TALLOC_CTX *owner, struct ip_set *s)
{
	size_t ncap = s->cap ? s->cap * 2 : IP_SET_MIN_CAP;
	uint64_t *nslots = talloc_zero_array(owner, uint64_t, ncap);
	size_t i;

	if (nslots == NULL)
		return -ENOMEM;
	for (i = 0; i < s->cap; i++)
		if (s->slots[i] != 0)
			ip_set_put_raw(nslots, ncap, s->slots[i]);
	talloc_free(s->slots);
	s->slots = nslots;
	s->cap = ncap;
	return 0;
}

static int ip_set_add(TALLOC_CTX *owner, struct ip_set *s, uint64_t key)
{
	int rc;

	if ((s->n + 1) * 4 > s->cap * 3) {      /* keep the load under 3/4 */
		rc = ip_set_grow(owner, s);
		if (rc < 0)
			return rc;
	}
	ip_set_put_raw(s->slots, s->cap, key + 1);
	s->n++;
	return 0;
}

/* Linear probing with backward-shift deletion: no tombstones to accumulate. */
static bool ip_set_del(struct ip_set *s, uint64_t key)
{
	size_t mask = s->cap - 1, i, j, home;

	if (!ip_set_has(s, key))
		return false;
	for (i = ip_set_slot(key, s->cap); s->slots[i] != key + 1; i = (i + 1) & mask)
		;
	s->slots[i] = 0;
	for (j = (i + 1) & mask; s->slots[j] != 0; j = (j + 1) & mask) {
		home = ip_set_slot(s->slots[j] - 1, s->cap);
		/* move j back into the hole unless its home lies cyclically in (i, j] */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			s->slots[i] = s->slots[j];
			s->slots[j] = 0;
			i = j;
		}
	}
	s->n--;
	return true;
}

/* FNV-1a over the name: stable across restarts, which is the point of predictable-ips. */
static uint64_t ip_user_hash(const char *user, uint64_t salt)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ salt;
	const unsigned char *p;

	for (p = (const unsigned char *)(user ? user : ""); *p != '\0'; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	return h ^ (h >> 29);
}

static uint64_t ip_start(const struct ip_pool *pool, const char *user, uint64_t salt)
{
	uint64_t r = 0;

	if (pool->predictable)
		return ip_user_hash(user, salt);
	if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
		r = ip_user_hash(user, salt);   /* no entropy yet: still a valid choice */
	return r;
}

/* ---- IPv4 ---- */

static bool v4_reserved(const struct ip_pool *pool, uint64_t off)
{
	return off == 0 || off == 1 || off == pool->v4_size - 1;
}

static void v4_store(uint32_t host, uint8_t out[4])
{
	out[0] = host >> 24;
	out[1] = host >> 16;
	out[2] = host >> 8;
	out[3] = host;
}

static uint32_t v4_load(const uint8_t in[4])
{
	return (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 | (uint32_t)in[2] << 8 | in[3];
}

static int v4_pick(struct ip_pool *pool, const char *user, const struct ip_lease *want,
		   uint64_t *ret_off)
{
	uint64_t off, i;

	if (want != NULL && want->have_v4) {
		off = (uint64_t)(uint32_t)(v4_load(want->v4) - pool->v4_net);
		if (off < pool->v4_size && !v4_reserved(pool, off) && !ip_set_has(&pool->used4, off)) {
			*ret_off = off;
			return 0;
		}
	}
	if (pool->used4.n >= pool->v4_usable)
		return -ENOSPC;
	off = ip_start(pool, user, 0) % pool->v4_size;
	/* at most n + 3 steps: the set is not full */
	for (i = 0; i < pool->v4_size; i++, off = (off + 1) % pool->v4_size)
		if (!v4_reserved(pool, off) && !ip_set_has(&pool->used4, off)) {
			*ret_off = off;
			return 0;
		}
	return -ENOSPC;
}

/* ---- IPv6: 128-bit values as bytes; subnet index sits just above the host bits ---- */

static void v6_from_index(const struct ip_pool *pool, uint64_t idx, uint8_t out[16])
{
	unsigned shift = 128 - pool->v6_sub, bit;

	memcpy(out, pool->v6_net, 16);
	for (bit = 0; bit < pool->v6_bits; bit++)
		if (idx >> bit & 1) {
			unsigned pos = shift + bit;  /* bit position counted from the right */

			out[15 - pos / 8] |= (uint8_t)(1u << (pos % 8));
		}
}

static bool v6_bit(const uint8_t a[16], unsigned pos_from_right)
{
	return a[15 - pos_from_right / 8] >> (pos_from_right % 8) & 1;
}

/* Index of the subnet holding `addr`, false when outside what this pool leases. */
static bool v6_to_index(const struct ip_pool *pool, const uint8_t addr[16], uint64_t *ret_idx)
{
	unsigned shift = 128 - pool->v6_sub, pos;
	uint64_t idx = 0;

	for (pos = 127; pos >= 128 - pool->v6_prefix && pos < 128; pos--)
		if (v6_bit(addr, pos) != v6_bit(pool->v6_net, pos))
			return false;
	for (pos = shift + pool->v6_bits; pos < 128 - pool->v6_prefix; pos++)
		if (v6_bit(addr, pos))
			return false;       /* index bits beyond what we vary */
	for (pos = 0; pos < pool->v6_bits; pos++)
		if (v6_bit(addr, shift + pos))
			idx |= (uint64_t)1 << pos;
	*ret_idx = idx;
	return true;
}

static bool v6_reserved(const struct ip_pool *pool, uint64_t idx)
{
	/* index 0 holds network::0 and network::1 (the local end); for /128 those are 0 and 1 */
	return idx == 0 || (pool->v6_sub == 128 && idx == 1);
}

static int v6_pick(struct ip_pool *pool, const char *user, const struct ip_lease *want,
		   uint64_t *ret_idx)
{
	uint64_t idx, mask, i;

	if (want != NULL && want->have_v6 && v6_to_index(pool, want->v6, &idx) &&
	    !v6_reserved(pool, idx) && !ip_set_has(&pool->used6, idx)) {
		*ret_idx = idx;
		return 0;
	}
	if (pool->used6.n >= pool->v6_usable)
		return -ENOSPC;
	mask = ((uint64_t)1 << pool->v6_bits) - 1;
	idx = ip_start(pool, user, 0x6666) & mask;
	for (i = 0; i <= mask; i++, idx = (idx + 1) & mask)
		if (!v6_reserved(pool, idx) && !ip_set_has(&pool->used6, idx)) {
			*ret_idx = idx;
			return 0;
		}
	return -ENOSPC;
}

/* ---- pool ---- */

static void ip_pool_setup_v4(struct ip_pool *pool, const struct cfg_net *net)
{
	pool->have_v4 = true;
	pool->v4_prefix = net->prefix > 32 ? 32 : net->prefix;
	pool->v4_size = (uint64_t)1 << (32 - pool->v4_prefix);
	pool->v4_net = v4_load(net->addr) & (uint32_t)~(pool->v4_size - 1);
	pool->v4_usable = pool->v4_size > 3 ? pool->v4_size - 3 : 0;
	if (pool->v4_usable == 0)
		log_warn("ipv4 network /%u leaves no address for clients", pool->v4_prefix);
}

static void ip_pool_setup_v6(struct ip_pool *pool, const struct cfg_net *net, unsigned sub)
{
	unsigned pos, bits;
	uint64_t reserved;

	pool->have_v6 = true;
	pool->v6_prefix = net->prefix > 128 ? 128 : net->prefix;
	pool->v6_sub = sub == 0 || sub > 128 ? 128 : sub;
	if (pool->v6_sub < pool->v6_prefix)
		pool->v6_sub = pool->v6_prefix;
	memcpy(pool->v6_net, net->addr, 16);
	for (pos = 0; pos < 128 - pool->v6_prefix; pos++)
		pool->v6_net[15 - pos / 8] &= (uint8_t)~(1u << (pos % 8));
	bits = pool->v6_sub - pool->v6_prefix;
	pool->v6_bits = bits > V6_MAX_BITS ? V6_MAX_BITS : bits;
	reserved = pool->v6_sub == 128 ? 2 : 1;
	pool->v6_usable = ((uint64_t)1 << pool->v6_bits) > reserved ?
			  ((uint64_t)1 << pool->v6_bits) - reserved : 0;
	if (pool->v6_usable == 0)
		log_warn("ipv6 network /%u with subnet /%u leaves no subnet for clients",
			 pool->v6_prefix, pool->v6_sub);
}

struct ip_pool *ip_pool_new(TALLOC_CTX *mem_ctx, const struct cfg_net *v4net,
			    const struct cfg_net *v6net, unsigned v6_subnet_prefix,
			    bool predictable)
{
	struct ip_pool *pool = talloc_zero(mem_ctx, struct ip_pool);

	if (pool == NULL)
		return NULL;
	pool->predictable = predictable;
	if (v4net != NULL)
		ip_pool_setup_v4(pool, v4net);
	if (v6net != NULL)
		ip_pool_setup_v6(pool, v6net, v6_subnet_prefix);
	return pool;
}

static void ip_lease_fill(const struct ip_pool *pool, uint64_t off4, uint64_t idx6,
			  struct ip_lease *l)
{
	memset(l, 0, sizeof(*l));
	if (pool->have_v4) {
		l->have_v4 = 1;
		v4_store(pool->v4_net + (uint32_t)off4, l->v4);
		v4_store(pool->v4_net + 1, l->v4_local);
		l->v4_prefix = pool->v4_prefix;
	}
	if (pool->have_v6) {
		l->have_v6 = 1;
		v6_from_index(pool, idx6, l->v6);
		memcpy(l->v6_local, pool->v6_net, 16);
		l->v6_local[15] |= 1;
		l->v6_prefix = pool->v6_sub;
	}
}

int ip_lease_acquire(struct ip_pool *pool, const char *user, const struct ip_lease *want,
		     struct ip_lease *ret)
{
	uint64_t off4 = 0, idx6 = 0;
	int rc;

	if (pool->have_v4 && (rc = v4_pick(pool, user, want, &off4)) < 0)
		return rc;
	if (pool->have_v6 && (rc = v6_pick(pool, user, want, &idx6)) < 0)
		return rc;
	if (pool->have_v4 && (rc = ip_set_add(pool, &pool->used4, off4)) < 0)
		return rc;
	if (pool->have_v6 && (rc = ip_set_add(pool, &pool->used6, idx6)) < 0) {
		if (pool->have_v4)
			ip_set_del(&pool->used4, off4);
		return rc;
	}
	pool->n_leases++;
	ip_lease_fill(pool, off4, idx6, ret);
	return 0;
}

void ip_lease_release(struct ip_pool *pool, const struct ip_lease *lease)
{
	bool found = false;
	uint64_t off, idx;

	if (pool == NULL || lease == NULL)
		return;
	if (pool->have_v4 && lease->have_v4) {
		off = (uint64_t)(uint32_t)(v4_load(lease->v4) - pool->v4_net);
		if (off < pool->v4_size && ip_set_del(&pool->used4, off))
			found = true;
	}
	if (pool->have_v6 && lease->have_v6 && v6_to_index(pool, lease->v6, &idx) &&
	    ip_set_del(&pool->used6, idx))
		found = true;
	if (found && pool->n_leases > 0)
		pool->n_leases--;
	else if (!found)
		log_debug("ip-lease: release of addresses not leased, ignored");
}

unsigned ip_pool_in_use(const struct ip_pool *pool)
{
	return pool->n_leases;
}
