/* main/tun.c: tun devices for client sessions (create, address, MTU, up). Runs in: main (root). */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netlink/addr.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include "common/log.h"
#include "main/tun.h"

#define TUN_DEV "/dev/net/tun"

static struct nl_sock *tun_nl;

/* libnl returns its own negative NLE_* codes; our callers speak -errno. */
static int tun_nlerr(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_INVAL:
	case NLE_RANGE:
		return -EINVAL;
	case NLE_OBJ_NOTFOUND:
	case NLE_NODEV:
		return -ENODEV;
	case NLE_PERM:
	case NLE_NOACCESS:
		return -EPERM;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_OPNOTSUPP:
	case NLE_AF_NOSUPPORT:
		return -EOPNOTSUPP;
	case NLE_NOADDR:
		return -EADDRNOTAVAIL;
	default:
		return -EIO;
	}
}

int tun_netlink_init(void)
{
	struct nl_sock *sk;
	int rc;

	if (tun_nl != NULL)
		return 0;
	sk = nl_socket_alloc();
	if (sk == NULL)
		return -ENOMEM;
	rc = nl_connect(sk, NETLINK_ROUTE);
	if (rc < 0) {
		log_err("tun: cannot open netlink route socket: %s", nl_geterror(rc));
		nl_socket_free(sk);
		return tun_nlerr(rc);
	}
	tun_nl = sk;
	return 0;
}

void tun_netlink_done(void)
{
	if (tun_nl == NULL)
		return;
	nl_close(tun_nl);
	nl_socket_free(tun_nl);
	tun_nl = NULL;
}

static int tun_ifr_name(const char *prefix, char out[IFNAMSIZ])
{
	const char *pct = strchr(prefix, '%');
	int n;

	/* the kernel expands exactly one "%d"; any other '%' would be taken literally or refused */
	if (pct != NULL && (pct[1] != 'd' || strchr(pct + 1, '%') != NULL))
		return -EINVAL;
	n = snprintf(out, IFNAMSIZ, pct ? "%s" : "%s%%d", prefix);
	if (n < 0 || n >= IFNAMSIZ || prefix[0] == '\0')
		return n >= IFNAMSIZ ? -ENAMETOOLONG : -EINVAL;
	return 0;
}

int tun_open(const char *prefix, char ret_name[16], int *ret_fd)
{
	struct ifreq ifr;
	int fd, rc;

	memset(&ifr, 0, sizeof(ifr));
	rc = tun_ifr_name(prefix, ifr.ifr_name);
	if (rc < 0)
		return rc;
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	fd = open(TUN_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		log_err("tun: cannot open %s: %s", TUN_DEV, strerror(-rc));
		return rc;
	}
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		rc = -errno;
		log_err("tun: TUNSETIFF %s: %s", prefix, strerror(-rc));
		close(fd);
		return rc;
	}
	memcpy(ret_name, ifr.ifr_name, IFNAMSIZ);
	ret_name[IFNAMSIZ - 1] = '\0';
	*ret_fd = fd;
	return 0;
}

static int tun_ifindex(const char *name, int *ret_idx)
{
	struct rtnl_link *link = NULL;
	int rc;

	rc = tun_netlink_init();
	if (rc < 0)
		return rc;
	rc = rtnl_link_get_kernel(tun_nl, 0, name, &link);
	if (rc < 0)
		return tun_nlerr(rc);
	*ret_idx = rtnl_link_get_ifindex(link);
	rtnl_link_put(link);
	return 0;
}

/*
 * One address on the device. IPv4 gets `peer`/32 as P-t-P peer. libnl only
 * knows peers for IPv4, so IPv6 gets local/128 here and a route for the
 * client's subnet once the link is up (tun_add_route6).
 */
static int tun_add_addr(int ifindex, int family, const uint8_t *local, const uint8_t *peer)
{
	size_t alen = family == AF_INET ? 4 : 16;
	struct nl_addr *nl_local = nl_addr_build(family, local, alen);
	struct nl_addr *nl_peer = nl_addr_build(family, peer, alen);
	struct rtnl_addr *addr = rtnl_addr_alloc();
	int rc = -ENOMEM;

	if (nl_local == NULL || nl_peer == NULL || addr == NULL)
		goto out;
	rtnl_addr_set_ifindex(addr, ifindex);
	rtnl_addr_set_family(addr, family);
	rc = rtnl_addr_set_local(addr, nl_local);
	if (rc == 0 && family == AF_INET)
		rc = rtnl_addr_set_peer(addr, nl_peer);
	if (rc < 0) {
		rc = tun_nlerr(rc);
		goto out;
	}
	rtnl_addr_set_prefixlen(addr, family == AF_INET ? 32 : 128);
	if (family == AF_INET6)
		rtnl_addr_set_flags(addr, IFA_F_NODAD);  /* a P-t-P link has nobody to collide with */
	rc = rtnl_addr_add(tun_nl, addr, 0);
	if (rc < 0)
		rc = tun_nlerr(rc);
out:
	rtnl_addr_put(addr);
	nl_addr_put(nl_local);
	nl_addr_put(nl_peer);
	return rc;
}

/* Route the client's IPv6 subnet into the device (main table). */
static int tun_add_route6(int ifindex, const uint8_t dst[16], unsigned prefix)
{
	struct nl_addr *nl_dst = nl_addr_build(AF_INET6, dst, 16);
	struct rtnl_route *route = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	int rc = -ENOMEM;

	if (nl_dst == NULL || route == NULL || nh == NULL)
		goto out;
	nl_addr_set_prefixlen(nl_dst, (int)prefix);
	rtnl_route_set_family(route, AF_INET6);
	rtnl_route_set_table(route, RT_TABLE_MAIN);
	rtnl_route_set_protocol(route, RTPROT_BOOT);
	rtnl_route_set_scope(route, RT_SCOPE_UNIVERSE);
	rtnl_route_set_type(route, RTN_UNICAST);
	rc = rtnl_route_set_dst(route, nl_dst);
	if (rc < 0) {
		rc = tun_nlerr(rc);
		goto out;
	}
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_add_nexthop(route, nh);
	nh = NULL;                      /* owned by the route now */
	rc = rtnl_route_add(tun_nl, route, NLM_F_EXCL);
	if (rc < 0)
		rc = tun_nlerr(rc);
out:
	if (nh != NULL)
		rtnl_route_nh_free(nh);
	rtnl_route_put(route);
	nl_addr_put(nl_dst);
	return rc;
}

/* Set the MTU (if non-zero) and optionally IFF_UP in one RTM_NEWLINK/SETLINK. */
static int tun_link_change(const char *name, unsigned mtu, bool up)
{
	struct rtnl_link *orig = NULL, *change = NULL;
	int rc;

	rc = tun_netlink_init();
	if (rc < 0)
		return rc;
	rc = rtnl_link_get_kernel(tun_nl, 0, name, &orig);
	if (rc < 0) {
		rc = tun_nlerr(rc);
		goto out;
	}
	change = rtnl_link_alloc();
	if (change == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	if (mtu != 0)
		rtnl_link_set_mtu(change, mtu);
	if (up)
		rtnl_link_set_flags(change, IFF_UP);
	rc = rtnl_link_change(tun_nl, orig, change, 0);
	if (rc < 0)
		rc = tun_nlerr(rc);
out:
	rtnl_link_put(change);
	rtnl_link_put(orig);
	return rc;
}

int tun_configure(const char *name, const struct ip_lease *lease, unsigned mtu)
{
	int ifindex = 0, rc;

	rc = tun_ifindex(name, &ifindex);
	if (rc < 0) {
		log_err("tun: no device %s: %s", name, strerror(-rc));
		return rc;
	}
	if (lease->have_v4) {
		rc = tun_add_addr(ifindex, AF_INET, lease->v4_local, lease->v4);
		if (rc < 0) {
			log_err("tun: %s: cannot set IPv4 address: %s", name, strerror(-rc));
			return rc;
		}
	}
	if (lease->have_v6) {
		rc = tun_add_addr(ifindex, AF_INET6, lease->v6_local, lease->v6);
		if (rc < 0) {
			log_err("tun: %s: cannot set IPv6 address: %s", name, strerror(-rc));
			return rc;
		}
	}
	rc = tun_link_change(name, mtu, true);
	if (rc < 0) {
		log_err("tun: %s: cannot set MTU %u / bring up: %s", name, mtu, strerror(-rc));
		return rc;
	}
	if (lease->have_v6) {
		rc = tun_add_route6(ifindex, lease->v6, lease->v6_prefix);
		if (rc < 0)
			log_err("tun: %s: cannot add IPv6 route: %s", name, strerror(-rc));
	}
	return rc;
}

int tun_set_mtu(const char *name, unsigned mtu)
{
	int rc;

	if (mtu == 0)
		return -EINVAL;
	rc = tun_link_change(name, mtu, false);
	if (rc < 0)
		log_err("tun: %s: cannot set MTU %u: %s", name, mtu, strerror(-rc));
	return rc;
}
