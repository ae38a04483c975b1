/* tests/unit/test-tun.c: tun creation and configuration, in a private network namespace.
 * Runs in: make check (root only; skipped with 77 otherwise). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "main/tun.h"

/* The process moves into a fresh netns before any test: the host is never touched. */
static int enter_private_netns(void)
{
	if (geteuid() != 0 || access("/dev/net/tun", R_OK | W_OK) != 0) {
		fprintf(stderr, "skip: needs root and /dev/net/tun\n");
		return -1;
	}
	if (unshare(CLONE_NEWNET) != 0) {
		fprintf(stderr, "skip: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static int group_setup(void **state)
{
	(void)state;
	return tun_netlink_init() == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	tun_netlink_done();
	return 0;
}

static unsigned if_mtu(const char *name)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	unsigned mtu = 0;

	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	if (s >= 0 && ioctl(s, SIOCGIFMTU, &ifr) == 0)
		mtu = (unsigned)ifr.ifr_mtu;
	if (s >= 0)
		close(s);
	return mtu;
}

/* Look for an address of `family` on `name`; returns its text, peer text and flags. */
static bool if_find_addr(const char *name, int family, char addr[64], char peer[64],
			 unsigned *ret_flags)
{
	struct ifaddrs *all, *i;
	bool found = false;

	assert_int_equal(getifaddrs(&all), 0);
	for (i = all; i != NULL && !found; i = i->ifa_next) {
		if (strcmp(i->ifa_name, name) != 0 || i->ifa_addr == NULL ||
		    i->ifa_addr->sa_family != family)
			continue;
		if (family == AF_INET6 &&
		    IN6_IS_ADDR_LINKLOCAL(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr))
			continue;
		found = true;
		*ret_flags = i->ifa_flags;
		if (family == AF_INET) {
			inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, addr, 64);
			peer[0] = '\0';
			if (i->ifa_dstaddr != NULL)
				inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_dstaddr)->sin_addr,
					  peer, 64);
		} else {
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, addr,
				  64);
		}
	}
	freeifaddrs(all);
	return found;
}

/* Is dest/plen routed to dev? (/proc/net/ipv6_route: 32 hex digits per address) */
static bool has_route6(const char *dest_hex, unsigned plen, const char *dev)
{
	FILE *fp = fopen("/proc/net/ipv6_route", "re");
	char d[33], ifname[32];
	unsigned p;
	bool found = false;

	assert_non_null(fp);
	while (!found && fscanf(fp, "%32s %x %*s %*s %*s %*s %*s %*s %*s %31s", d, &p, ifname) == 3)
		found = strcmp(d, dest_hex) == 0 && p == plen && strcmp(ifname, dev) == 0;
	fclose(fp);
	return found;
}

static void test_open_numbering(void **state)
{
	char n1[16], n2[16], n3[16];
	int fd1 = -1, fd2 = -1, fd3 = -1;

	(void)state;
	assert_int_equal(tun_open("wgt", n1, &fd1), 0);
	assert_int_equal(tun_open("wgt", n2, &fd2), 0);
	assert_string_equal(n1, "wgt0");
	assert_string_equal(n2, "wgt1");
	assert_true(fcntl(fd1, F_GETFD) & FD_CLOEXEC);
	/* closing the fd destroys the device, so its number is free again */
	close(fd1);
	assert_int_equal(tun_open("wgt", n3, &fd3), 0);
	assert_string_equal(n3, "wgt0");
	close(fd2);
	close(fd3);
}

static void test_open_pattern_and_limits(void **state)
{
	char name[16] = "unchanged";
	int fd = -1;

	(void)state;
	assert_int_equal(tun_open("x%dy", name, &fd), 0);
	assert_string_equal(name, "x0y");
	close(fd);
	assert_int_equal(tun_open("a-very-long-pre", name, &fd), -ENAMETOOLONG);
	assert_int_equal(tun_open("bad%s", name, &fd), -EINVAL);
	assert_int_equal(tun_open("", name, &fd), -EINVAL);
	assert_string_equal(name, "x0y");
}

static void test_configure(void **state)
{
	struct ip_lease l = {
		.have_v4 = 1, .v4 = { 10, 7, 0, 23 }, .v4_local = { 10, 7, 0, 1 }, .v4_prefix = 24,
		.have_v6 = 1, .v6_prefix = 128,
		.v6 = { 0xfd, 0, 0, 7, [15] = 0x23 }, .v6_local = { 0xfd, 0, 0, 7, [15] = 1 },
	};
	char name[16], addr[64], peer[64];
	unsigned flags = 0;
	int fd = -1;

	(void)state;
	assert_int_equal(tun_open("vpns", name, &fd), 0);
	assert_int_equal(tun_configure(name, &l, 1399), 0);
	assert_int_equal(if_mtu(name), 1399);
	assert_true(if_find_addr(name, AF_INET, addr, peer, &flags));
	assert_string_equal(addr, "10.7.0.1");
	assert_string_equal(peer, "10.7.0.23");
	assert_true(flags & IFF_UP);
	assert_true(flags & IFF_POINTOPOINT);
	assert_true(if_find_addr(name, AF_INET6, addr, peer, &flags));
	assert_string_equal(addr, "fd00:7::1");
	assert_true(has_route6("fd000007000000000000000000000023", 128, name));

	assert_int_equal(tun_set_mtu(name, 1280), 0);
	assert_int_equal(if_mtu(name), 1280);
	assert_int_equal(tun_set_mtu(name, 0), -EINVAL);
	close(fd);
}

/* Every tun shares the same local address; a second device must still configure. */
static void test_configure_shared_local(void **state)
{
	struct ip_lease a = {
		.have_v4 = 1, .v4 = { 10, 8, 0, 2 }, .v4_local = { 10, 8, 0, 1 },
		.have_v6 = 1, .v6 = { 0xfd, 0, 0, 8, 0, 0, 0, 1 }, .v6_local = { 0xfd, 0, 0, 8, [15] = 1 },
		.v6_prefix = 64,
	};
	struct ip_lease b = a;
	char na[16], nb[16];
	int fa = -1, fb = -1;

	(void)state;
	b.v4[3] = 3;
	b.v6[7] = 2;
	assert_int_equal(tun_open("vpns", na, &fa), 0);
	assert_int_equal(tun_open("vpns", nb, &fb), 0);
	assert_int_equal(tun_configure(na, &a, 0), 0);
	assert_int_equal(tun_configure(nb, &b, 0), 0);
	assert_int_equal(if_mtu(na), 1500);             /* mtu 0 keeps the default */
	assert_true(has_route6("fd000008000000010000000000000000", 64, na));
	assert_true(has_route6("fd000008000000020000000000000000", 64, nb));
	close(fa);
	close(fb);
}

static void test_configure_missing(void **state)
{
	struct ip_lease l = { .have_v4 = 1, .v4 = { 10, 9, 0, 2 }, .v4_local = { 10, 9, 0, 1 } };

	(void)state;
	assert_int_equal(tun_configure("nosuchdev0", &l, 1400), -ENODEV);
	assert_int_equal(tun_set_mtu("nosuchdev0", 1400), -ENODEV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_numbering),
		cmocka_unit_test(test_open_pattern_and_limits),
		cmocka_unit_test(test_configure),
		cmocka_unit_test(test_configure_shared_local),
		cmocka_unit_test(test_configure_missing),
	};

	if (enter_private_netns() < 0)
		return 77;      /* automake's "skipped" */
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
