/* common/cfg-net.c: addresses, prefixes and routes in ocserv.conf. Runs in: all (parsing). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cfg-int.h"

int cfg_addr_parse(const char *s, int *ret_family, uint8_t ret_addr[static 16])
{
	uint8_t buf[16] = { 0 };

	if (inet_pton(AF_INET, s, buf) == 1) {
		*ret_family = AF_INET;
	} else if (inet_pton(AF_INET6, s, buf) == 1) {
		*ret_family = AF_INET6;
	} else {
		return -EINVAL;
	}
	memcpy(ret_addr, buf, sizeof(buf));
	return 0;
}

/* Strict decimal 0..max: no sign, no spaces, no trailing junk. */
int cfg_prefix_parse(const char *s, unsigned max, unsigned *ret)
{
	unsigned v = 0;
	size_t i;

	if (s[0] == '\0' || strlen(s) > 3)
		return -EINVAL;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* Dotted IPv4 netmask with contiguous ones, e.g. 255.255.240.0 -> 20. */
int cfg_mask_parse(const char *s, unsigned *ret_prefix)
{
	struct in_addr a;
	uint32_t m;
	unsigned n = 0;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	m = ntohl(a.s_addr);
	while (n < 32 && (m & (UINT32_C(1) << (31 - n))) != 0)
		n++;
	/* every bit after the first zero must be zero too */
	if (n < 32 && (m & (UINT32_MAX >> n)) != 0)
		return -EINVAL;
	*ret_prefix = n;
	return 0;
}

bool cfg_net_mask_host(struct cfg_net *net)
{
	unsigned len = net->family == AF_INET ? 4 : 16;
	bool had = false;
	unsigned i;

	for (i = 0; i < len; i++) {
		unsigned keep = net->prefix >= (i + 1) * 8 ? 8 :
				net->prefix <= i * 8 ? 0 : net->prefix - i * 8;
		uint8_t mask = (uint8_t)(0xff00u >> keep);

		if ((net->addr[i] & (uint8_t)~mask) != 0)
			had = true;
		net->addr[i] &= mask;
	}
	return had;
}

/* "a.b.c.d/N", "a.b.c.d/m.m.m.m", "v6addr/N", or a bare address (a host route). */
int cfg_route_parse(struct cfg_parser *p, const char *key, const char *val, struct cfg_net *ret)
{
	struct cfg_net net = { 0 };
	const char *slash = strchr(val, '/');
	char addr[INET6_ADDRSTRLEN + 1];
	size_t alen = slash != NULL ? (size_t)(slash - val) : strlen(val);
	unsigned max;
	int rc;

	if (alen == 0 || alen >= sizeof(addr))
		return cfg_fail(p, "%s: invalid network '%.64s'", key, val);
	memcpy(addr, val, alen);
	addr[alen] = '\0';
	if (cfg_addr_parse(addr, &net.family, net.addr) < 0)
		return cfg_fail(p, "%s: invalid address '%.64s'", key, addr);
	max = net.family == AF_INET ? 32 : 128;
	net.prefix = max;
	if (slash != NULL) {
		if (net.family == AF_INET && strchr(slash + 1, '.') != NULL)
			rc = cfg_mask_parse(slash + 1, &net.prefix);
		else
			rc = cfg_prefix_parse(slash + 1, max, &net.prefix);
		if (rc < 0)
			return cfg_fail(p, "%s: invalid prefix or netmask '%.64s'", key, slash + 1);
	}
	if (cfg_net_mask_host(&net))
		cfg_warn(p, "%s: '%.64s' has host bits set; using the network address", key, val);
	*ret = net;
	return 0;
}

int cfg_addr_fill(TALLOC_CTX *mem_ctx, const char *s, struct cfg_addr *ret)
{
	char text[INET6_ADDRSTRLEN];
	struct cfg_addr a = { 0 };

	if (cfg_addr_parse(s, &a.family, a.addr) < 0)
		return -EINVAL;
	if (inet_ntop(a.family, a.addr, text, sizeof(text)) == NULL)
		return -EINVAL;
	a.str = talloc_strdup(mem_ctx, text);
	if (a.str == NULL)
		return -ENOMEM;
	*ret = a;
	return 0;
}

static int resolve_v4(struct cfg_parser *p, struct cfg *c)
{
	struct cfg_pending *pd = &p->pend;
	struct cfg_net net = { .family = AF_INET };

	if (!pd->have_v4) {
		if (pd->v4_mask_prefix >= 0) {
			p->line = pd->v4_mask_line;
			cfg_warn(p, "ipv4-netmask without ipv4-network; ignored");
		}
		return 0;
	}
	p->line = pd->v4_line;
	if (pd->v4_prefix < 0 && pd->v4_mask_prefix < 0)
		return cfg_fail(p, "ipv4-network needs a /prefix or an ipv4-netmask line");
	if (pd->v4_prefix >= 0 && pd->v4_mask_prefix >= 0 && pd->v4_prefix != pd->v4_mask_prefix)
		cfg_warn(p, "ipv4-network has /%d; ipv4-netmask ignored", pd->v4_prefix);
	memcpy(net.addr, pd->v4, 4);
	net.prefix = (unsigned)(pd->v4_prefix >= 0 ? pd->v4_prefix : pd->v4_mask_prefix);
	if (cfg_net_mask_host(&net))
		cfg_warn(p, "ipv4-network has host bits set; using the network address");
	c->ipv4_network = net;
	c->have_ipv4_network = true;
	return 0;
}

static int resolve_v6(struct cfg_parser *p, struct cfg *c)
{
	struct cfg_pending *pd = &p->pend;
	struct cfg_net net = { .family = AF_INET6 };

	if (!pd->have_v6)
		return 0;
	p->line = pd->v6_line;
	if (pd->v6_prefix < 0 && pd->v6_legacy_prefix < 0)
		return cfg_fail(p, "ipv6-network needs a /prefix");
	memcpy(net.addr, pd->v6, 16);
	net.prefix = (unsigned)(pd->v6_prefix >= 0 ? pd->v6_prefix : pd->v6_legacy_prefix);
	if (cfg_net_mask_host(&net))
		cfg_warn(p, "ipv6-network has host bits set; using the network address");
	c->ipv6_network = net;
	c->have_ipv6_network = true;
	return 0;
}

/* Called when a section ends: values whose lines may come in any order. */
int cfg_pending_resolve(struct cfg_parser *p, struct cfg *c)
{
	unsigned line = p->line;
	int rc = 0;

	if (p->pend.v4_dirty)
		rc = resolve_v4(p, c);
	if (rc == 0 && p->pend.v6_dirty)
		rc = resolve_v6(p, c);
	if (!p->pend.mobile_idle_set)
		c->mobile_idle_timeout = c->idle_timeout;
	p->pend.v4_dirty = false;
	p->pend.v6_dirty = false;
	p->line = line;
	return rc;
}

int cfg_net_format(const struct cfg_net *net, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN], m[INET_ADDRSTRLEN];
	int n;

	if (net->family == AF_INET) {
		uint32_t mask = net->prefix == 0 ? 0 : UINT32_MAX << (32 - (net->prefix > 32 ? 32 : net->prefix));
		struct in_addr ma = { .s_addr = htonl(mask) };

		if (inet_ntop(AF_INET, net->addr, a, sizeof(a)) == NULL ||
		    inet_ntop(AF_INET, &ma, m, sizeof(m)) == NULL)
			return -EINVAL;
		n = snprintf(buf, len, "%s/%s", a, m);
	} else if (net->family == AF_INET6) {
		if (inet_ntop(AF_INET6, net->addr, a, sizeof(a)) == NULL)
			return -EINVAL;
		n = snprintf(buf, len, "%s/%u", a, net->prefix);
	} else {
		return -EAFNOSUPPORT;
	}
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return 0;
}
