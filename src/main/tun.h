/* main/tun.h: tun devices for client sessions (create, address, MTU, up). Runs in: main (root). */
#ifndef MAIN_TUN_H
#define MAIN_TUN_H

#include "main/ip-lease.h"

/*
 * One netlink route socket serves the whole process. tun_netlink_init() opens it
 * in the caller's current network namespace; the tun_* calls below open it on
 * first use if needed. tun_netlink_done() closes it (safe to call twice).
 */
int tun_netlink_init(void);
void tun_netlink_done(void);

/*
 * Create a tun device (IFF_TUN | IFF_NO_PI) named "<prefix><n>" with the first
 * free n; when prefix already contains "%d" the kernel fills it in there.
 * The fd is O_CLOEXEC and blocking. Returns 0 with the fd in *ret_fd and the
 * name in ret_name, or -errno (-ENAMETOOLONG when the name cannot fit).
 */
int tun_open(const char *prefix, char ret_name[16], int *ret_fd);

/*
 * Assign the lease: IPv4 local with /32 peer = client address; IPv6 local/128.
 * Then set the MTU (when mtu != 0), bring the link up, and route the client's
 * IPv6 subnet (v6/v6_prefix) into the device. Returns 0 or -errno; on error the
 * caller closes the fd, which removes the device with everything on it.
 */
int tun_configure(const char *name, const struct ip_lease *lease, unsigned mtu);

/* Change the MTU of a device (the worker's MTU report). Returns 0 or -errno. */
int tun_set_mtu(const char *name, unsigned mtu);

#endif /* MAIN_TUN_H */
