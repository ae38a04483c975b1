/* tests/unit/test-cfg.c: ocserv.conf parser through cfg.h. Runs in: make check. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "cfg.h"

/* The config of the ocserv 1.1.6 capture (/work/shared/data/capture-ocserv-test.conf). */
static const char capture_conf[] =
	"auth = \"plain[passwd=<testdir>/passwd]\"\n"
	"listen-host = 127.0.0.1\n"
	"tcp-port = 4443\n"
	"udp-port = 4443\n"
	"socket-file = <testdir>/ocserv-socket\n"
	"server-cert = <testdir>/server-cert.pem\n"
	"server-key = <testdir>/server-key.pem\n"
	"isolate-workers = false\n"
	"max-clients = 4\n"
	"max-same-clients = 4\n"
	"keepalive = 32\n"
	"dpd = 90\n"
	"mobile-dpd = 1800\n"
	"switch-to-tcp-timeout = 25\n"
	"try-mtu-discovery = true\n"
	"auth-timeout = 240\n"
	"idle-timeout = 1200\n"
	"session-timeout = 86400\n"
	"cookie-timeout = 300\n"
	"rekey-time = 172800\n"
	"rekey-method = ssl\n"
	"use-occtl = false\n"
	"pid-file = <testdir>/ocserv.pid\n"
	"log-level = 2\n"
	"device = vpnt\n"
	"predictable-ips = true\n"
	"default-domain = corp.example.com lab.example.com\n"
	"ipv4-network = 192.168.99.0\n"
	"ipv4-netmask = 255.255.255.0\n"
	"ipv6-network = fd00:99::/64\n"
	"ipv6-subnet-prefix = 128\n"
	"dns = 192.168.99.1\n"
	"dns = fd00:99::1\n"
	"nbns = 192.168.99.2\n"
	"split-dns = corp.example.com\n"
	"split-dns = lab.example.com\n"
	"route = 10.0.0.0/8\n"
	"route = 172.16.0.0/255.240.0.0\n"
	"route = fd00:1::/64\n"
	"no-route = 10.5.0.0/16\n"
	"tunnel-all-dns = false\n"
	"compression = true\n"
	"no-compress-limit = 256\n"
	"cisco-client-compat = true\n"
	"dtls-legacy = true\n"
	"banner = \"Welcome to test VPN\"\n"
	"mtu = 1400\n"
	"tls-priorities = \"NORMAL:%SERVER_PRECEDENCE:%COMPAT:-VERS-SSL3.0\"\n";

struct run {
	int rc;
	struct cfg *cfg;
	char *err;
	char log[8192];         /* what the parser wrote to stderr */
};

/* Parse text, capturing stderr so warnings can be checked. */
static void parse(TALLOC_CTX *ctx, const char *text, size_t len, struct run *r)
{
	FILE *f = tmpfile();
	int saved = dup(STDERR_FILENO);
	size_t n;

	assert_non_null(f);
	assert_true(saved >= 0);
	fflush(stderr);
	assert_true(dup2(fileno(f), STDERR_FILENO) >= 0);
	r->cfg = NULL;
	r->err = NULL;
	r->rc = cfg_parse_buf(ctx, "t.conf", text, len, &r->cfg, &r->err);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(f);
	n = fread(r->log, 1, sizeof(r->log) - 1, f);
	r->log[n] = '\0';
	fclose(f);
}

static struct cfg *parse_ok(TALLOC_CTX *ctx, const char *text)
{
	struct run r;

	parse(ctx, text, strlen(text), &r);
	if (r.rc != 0)
		fail_msg("unexpected error %d: %s", r.rc, r.err != NULL ? r.err : "(none)");
	assert_non_null(r.cfg);
	return r.cfg;
}

static void expect_error(const char *text, const char *want)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct run r;

	parse(ctx, text, strlen(text), &r);
	assert_int_equal(r.rc, -EINVAL);
	assert_null(r.cfg);
	assert_non_null(r.err);
	if (strstr(r.err, want) == NULL)
		fail_msg("error '%s' does not contain '%s'", r.err, want);
	talloc_free(ctx);
}

static void assert_net(const struct cfg_net *net, const char *want)
{
	char buf[80];

	assert_int_equal(cfg_net_format(net, buf, sizeof(buf)), 0);
	assert_string_equal(buf, want);
}

static void test_capture(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct cfg *c;

	(void)state;
	c = parse_ok(ctx, capture_conf);
	assert_string_equal(c->file, "t.conf");
	assert_null(c->vhost_name);
	assert_null(c->next_vhost);
	assert_int_equal(c->n_auth, 1);
	assert_string_equal(c->auth[0], "plain[passwd=<testdir>/passwd]");
	assert_string_equal(c->auth_method, "plain");
	assert_string_equal(c->auth_plain_passwd, "<testdir>/passwd");
	assert_null(c->auth_plain_otp);
	assert_string_equal(c->listen_host, "127.0.0.1");
	assert_int_equal(c->tcp_port, 4443);
	assert_int_equal(c->udp_port, 4443);
	assert_string_equal(c->socket_file, "<testdir>/ocserv-socket");
	assert_int_equal(c->n_server_cert, 1);
	assert_string_equal(c->server_cert[0], "<testdir>/server-cert.pem");
	assert_int_equal(c->n_server_key, 1);
	assert_string_equal(c->server_key[0], "<testdir>/server-key.pem");
	assert_false(c->isolate_workers);
	assert_int_equal(c->max_clients, 4);
	assert_int_equal(c->max_same_clients, 4);
	assert_int_equal(c->keepalive, 32);
	assert_int_equal(c->dpd, 90);
	assert_int_equal(c->mobile_dpd, 1800);
	assert_int_equal(c->switch_to_tcp_timeout, 25);
	assert_true(c->try_mtu_discovery);
	assert_int_equal(c->auth_timeout, 240);
	assert_int_equal(c->idle_timeout, 1200);
	assert_int_equal(c->mobile_idle_timeout, 1200);   /* follows idle-timeout */
	assert_int_equal(c->session_timeout, 86400);
	assert_int_equal(c->cookie_timeout, 300);
	assert_int_equal(c->rekey_time, 172800);
	assert_int_equal(c->rekey_method, CFG_REKEY_SSL);
	assert_false(c->use_occtl);
	assert_string_equal(c->pid_file, "<testdir>/ocserv.pid");
	assert_int_equal(c->log_level, 2);
	assert_string_equal(c->device, "vpnt");
	assert_true(c->predictable_ips);
	assert_string_equal(c->default_domain, "corp.example.com lab.example.com");
	assert_true(c->have_ipv4_network);
	assert_int_equal(c->ipv4_network.family, AF_INET);
	assert_int_equal(c->ipv4_network.prefix, 24);
	assert_net(&c->ipv4_network, "192.168.99.0/255.255.255.0");
	assert_true(c->have_ipv6_network);
	assert_net(&c->ipv6_network, "fd00:99::/64");
	assert_int_equal(c->ipv6_subnet_prefix, 128);
	assert_int_equal(c->n_dns, 2);
	assert_int_equal(c->dns[0].family, AF_INET);
	assert_string_equal(c->dns[0].str, "192.168.99.1");
	assert_int_equal(c->dns[1].family, AF_INET6);
	assert_string_equal(c->dns[1].str, "fd00:99::1");
	assert_int_equal(c->n_nbns, 1);
	assert_string_equal(c->nbns[0].str, "192.168.99.2");
	assert_int_equal(c->n_split_dns, 2);
	assert_string_equal(c->split_dns[0], "corp.example.com");
	assert_string_equal(c->split_dns[1], "lab.example.com");
	assert_int_equal(c->n_routes, 3);
	assert_net(&c->routes[0], "10.0.0.0/255.0.0.0");
	assert_net(&c->routes[1], "172.16.0.0/255.240.0.0");
	assert_int_equal(c->routes[1].prefix, 12);
	assert_net(&c->routes[2], "fd00:1::/64");
	assert_false(c->route_default);
	assert_int_equal(c->n_no_routes, 1);
	assert_net(&c->no_routes[0], "10.5.0.0/255.255.0.0");
	assert_false(c->tunnel_all_dns);
	assert_true(c->compression);
	assert_int_equal(c->no_compress_limit, 256);
	assert_true(c->cisco_client_compat);
	assert_true(c->dtls_legacy);
	assert_string_equal(c->banner, "Welcome to test VPN");
	assert_int_equal(c->mtu, 1400);
	assert_string_equal(c->tls_priorities, "NORMAL:%SERVER_PRECEDENCE:%COMPAT:-VERS-SSL3.0");
	assert_int_equal(cfg_check(c, NULL), 0);
	talloc_free(ctx);
}

static void test_defaults(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct run r;
	struct cfg *c;

	(void)state;
	parse(ctx, "", 0, &r);
	assert_int_equal(r.rc, 0);
	c = r.cfg;
	assert_int_equal(c->tcp_port, 443);
	assert_int_equal(c->udp_port, 0);
	assert_int_equal(c->keepalive, 32400);
	assert_int_equal(c->dpd, 60);
	assert_int_equal(c->mobile_dpd, 300);
	assert_int_equal(c->cookie_timeout, 300);
	assert_int_equal(c->auth_timeout, 240);
	assert_int_equal(c->max_same_clients, 2);
	assert_int_equal(c->max_ban_score, 80);
	assert_int_equal(c->ban_reset_time, 1200);
	assert_int_equal(c->ban_points_wrong_password, 10);
	assert_int_equal(c->ban_points_connection, 1);
	assert_int_equal(c->rekey_time, 172800);
	assert_int_equal(c->rekey_method, CFG_REKEY_SSL);
	assert_int_equal(c->no_compress_limit, 256);
	assert_int_equal(c->ipv6_subnet_prefix, 128);
	assert_string_equal(c->device, "vpns");
	assert_true(c->predictable_ips);
	assert_true(c->dtls_psk);
	assert_true(c->dtls_legacy);
	assert_false(c->cisco_client_compat);
	assert_string_equal(c->socket_file, "/var/run/ocserv-socket");
	assert_string_equal(c->occtl_socket_file, "/var/run/occtl.socket");
	assert_string_equal(c->run_as_user, "nobody");
	assert_string_equal(c->run_as_group, "nogroup");
	assert_int_equal(c->log_level, 2);
	assert_int_equal(c->nvm_port, 2055);
	assert_int_equal(c->mtu, 0);
	assert_false(c->use_occtl);
	assert_false(c->have_ipv4_network);
	assert_false(c->have_ipv6_network);
	assert_int_equal(c->n_auth, 0);
	assert_null(c->auth_method);
	assert_null(c->listen_host);
	assert_null(c->tls_priorities);
	assert_null(c->next_vhost);
	assert_string_equal(r.log, "");
	/* blank lines and comments only: the same */
	c = parse_ok(ctx, "\n   \n# comment\n; other comment\n\t# indented\n");
	assert_int_equal(c->tcp_port, 443);
	talloc_free(ctx);
}

static void test_quotes_and_comments(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct cfg *c;

	(void)state;
	c = parse_ok(ctx, "banner = \"  hello world  \"\n"
			  "pre-login-banner=\"x\"   # a comment\n"
			  "  device   =   tun-x   \n"
			  "tls-priorities = NORMAL:#notacomment\n"
			  "hostname = vpn.example.com#still-value\n"
			  "user-profile = # only a comment\n"
			  "connect-script = /bin/true\t# tab before hash\n");
	assert_string_equal(c->banner, "  hello world  ");
	assert_string_equal(c->pre_login_banner, "x");
	assert_string_equal(c->device, "tun-x");
	assert_string_equal(c->tls_priorities, "NORMAL:#notacomment");
	assert_string_equal(c->hostname, "vpn.example.com#still-value");
	assert_null(c->user_profile);
	assert_string_equal(c->connect_script, "/bin/true");
	talloc_free(ctx);
}

static void test_booleans(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct run r;
	const char *text = "compression = YES\ntry-mtu-discovery = True\n"
			   "predictable-ips = no\ndtls-psk = FALSE\nping-leases = maybe\n";

	(void)state;
	parse(ctx, text, strlen(text), &r);
	assert_int_equal(r.rc, 0);
	assert_true(r.cfg->compression);
	assert_true(r.cfg->try_mtu_discovery);
	assert_false(r.cfg->predictable_ips);
	assert_false(r.cfg->dtls_psk);
	assert_false(r.cfg->ping_leases);
	assert_non_null(strstr(r.log, "t.conf:5: ping-leases: 'maybe'"));
	talloc_free(ctx);
}

static void test_repeated_keys(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct cfg *c;

	(void)state;
	c = parse_ok(ctx, "auth = certificate\n"
			  "auth = plain[passwd=/p,otp=/o]\n"
			  "server-cert = /rsa.pem\nserver-key = /rsa.key\n"
			  "server-cert = /ec.pem\nserver-key = /ec.key\n"
			  "dns = 1.1.1.1\ndns = 2001:db8::1\nipv4-dns = 8.8.8.8\nipv6-dns = 2001:DB8::2\n"
			  "nbns = 10.0.0.9\nipv4-nbns = 10.0.0.8\nipv6-nbns = fe80::1\n"
			  "split-dns = a.example\nsplit-dns = b.example\n"
			  "device = first\ndevice = second\n");
	assert_int_equal(c->n_auth, 2);
	assert_string_equal(c->auth[0], "certificate");
	assert_string_equal(c->auth[1], "plain[passwd=/p,otp=/o]");
	assert_string_equal(c->auth_method, "certificate");
	assert_string_equal(c->auth_plain_passwd, "/p");
	assert_string_equal(c->auth_plain_otp, "/o");
	assert_int_equal(c->n_server_cert, 2);
	assert_int_equal(c->n_server_key, 2);
	assert_string_equal(c->server_cert[1], "/ec.pem");
	assert_string_equal(c->server_key[1], "/ec.key");
	assert_int_equal(c->n_dns, 4);
	assert_string_equal(c->dns[2].str, "8.8.8.8");
	assert_string_equal(c->dns[3].str, "2001:db8::2");   /* canonical form */
	assert_int_equal(c->n_nbns, 3);
	assert_int_equal(c->nbns[2].family, AF_INET6);
	assert_int_equal(c->n_split_dns, 2);
	assert_string_equal(c->device, "second");            /* scalars: last wins */
	talloc_free(ctx);
}

static void test_crlf(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct cfg *c;

	(void)state;
	c = parse_ok(ctx, "# windows file\r\ntcp-port = 444\r\nbanner = \"hi\"\r\n\r\n"
			  "route = 10.0.0.0/8\r\nudp-port = 555");   /* no final newline */
	assert_int_equal(c->tcp_port, 444);
	assert_string_equal(c->banner, "hi");
	assert_int_equal(c->n_routes, 1);
	assert_int_equal(c->udp_port, 555);
	talloc_free(ctx);
}

static void test_syntax_errors(void **state)
{
	(void)state;
	expect_error("tcp-port = 1\n\njust some words\n", "t.conf:3: expected 'option = value'");
	expect_error("= value\n", "t.conf:1: missing option name");
	expect_error("[vhost:a\n", "t.conf:1: malformed section header");
	expect_error("[vhost:]\n", "t.conf:1: [vhost:] needs a name");
	expect_error("[vhost:a]\n[vhost:A]\n", "t.conf:2: duplicate section [vhost:a]");
	expect_error("listen-clear-file = /x\n", "t.conf:1: 'listen-clear-file' is no longer supported");
}

static void test_nul_byte(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	static const char text[] = "tcp-port = 1\nbanner = a\0b\n";
	struct run r;

	(void)state;
	parse(ctx, text, sizeof(text) - 1, &r);
	assert_int_equal(r.rc, -EINVAL);
	assert_string_equal(r.err, "t.conf:2: NUL byte in line");
	talloc_free(ctx);
}

static void test_line_length(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	size_t prefix = strlen("banner = ");
	char *text = talloc_array(ctx, char, 2048 + 3);
	struct run r;

	(void)state;
	/* exactly 2048 bytes, then a CRLF: accepted */
	memcpy(text, "banner = ", prefix);
	memset(text + prefix, 'x', 2048 - prefix);
	memcpy(text + 2048, "\r\n", 3);
	parse(ctx, text, 2050, &r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(strlen(r.cfg->banner), 2048 - prefix);
	/* one over */
	text[2048] = 'x';
	text[2049] = '\n';
	parse(ctx, text, 2050, &r);
	assert_int_equal(r.rc, -EINVAL);
	assert_string_equal(r.err, "t.conf:1: line longer than 2048 bytes");
	talloc_free(ctx);
}

static void test_numbers(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct run r;
	struct cfg *c;
	const char *low = "no-compress-limit = 10\n";

	(void)state;
	expect_error("mtu = 12abc\n", "t.conf:1: mtu: '12abc' is not a non-negative decimal number");
	expect_error("dpd = -1\n", "t.conf:1: dpd:");
	expect_error("dpd = \n", "t.conf:1: dpd: missing number");
	expect_error("dpd = 0x10\n", "t.conf:1: dpd:");
	expect_error("keepalive = 99999999999\n", "t.conf:1: keepalive: '99999999999' is too large");
	expect_error("tcp-port = 65536\n", "t.conf:1: tcp-port: 65536 is out of range (1..65535)");
	expect_error("tcp-port = 0\n", "out of range");
	expect_error("ipv6-subnet-prefix = 129\n", "out of range");
	expect_error("log-level = 10\n", "out of range");
	expect_error("rekey-method = sometimes\n", "t.conf:1: rekey-method:");
	c = parse_ok(ctx, "keepalive = 4294967295\nrekey-method = new-tunnel\nlog-level = 0\n");
	assert_int_equal(c->keepalive, 4294967295u);
	assert_int_equal(c->rekey_method, CFG_REKEY_NEW_TUNNEL);
	assert_int_equal(c->log_level, 0);
	parse(ctx, low, strlen(low), &r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.cfg->no_compress_limit, 64);
	assert_non_null(strstr(r.log, "below the minimum"));
	talloc_free(ctx);
}

static void test_bad_addresses(void **state)
{
	(void)state;
	expect_error("ipv4-network = notanip\n", "t.conf:1: ipv4-network: invalid IPv4 address 'notanip'");
	expect_error("ipv4-network = fd00::\n", "ipv4-network: invalid IPv4 address");
	expect_error("ipv4-network = 10.0.0.0/33\n", "ipv4-network: invalid prefix or netmask '33'");
	expect_error("ipv4-netmask = 255.0.255.0\n", "t.conf:1: ipv4-netmask: invalid netmask");
	expect_error("ipv6-network = 10.0.0.0/8\n", "ipv6-network: invalid IPv6 address");
	expect_error("ipv6-network = fd00::/129\n", "ipv6-network: invalid prefix");
	expect_error("dns = 1.2.3\n", "t.conf:1: dns: invalid IP address '1.2.3'");
	expect_error("ipv4-dns = ::1\n", "ipv4-dns: invalid IPv4 address");
	expect_error("ipv6-nbns = 1.2.3.4\n", "ipv6-nbns: invalid IPv6 address");
	expect_error("nbns = \n", "nbns: invalid IP address");
	expect_error("route = 10.0.0.0/8x\n", "t.conf:1: route: invalid prefix or netmask '8x'");
	expect_error("route = 10.0.0.0/255.0.255.0\n", "route: invalid prefix or netmask");
	expect_error("route = fd00::/255.255.0.0\n", "route: invalid prefix or netmask");
	expect_error("route = 300.0.0.0/8\n", "route: invalid address '300.0.0.0'");
	expect_error("route = /8\n", "route: invalid network");
	expect_error("no-route = default\n", "no-route: 'default' cannot be excluded");
	expect_error("ipv4-network = 10.0.0.0\n",
		     "t.conf:1: ipv4-network needs a /prefix or an ipv4-netmask");
	expect_error("ipv6-network = fd00::\n", "t.conf:1: ipv6-network needs a /prefix");
}

static void test_unknown_option(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	const char *text = "tcp-port = 1\nno-such-thing = 3\nudp-port = 2\n"
			   "camouflage = true\nselect-group = a[b]\nsession-control = true\n";
	struct run r;

	(void)state;
	parse(ctx, text, strlen(text), &r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.cfg->tcp_port, 1);
	assert_int_equal(r.cfg->udp_port, 2);
	assert_non_null(strstr(r.log, "t.conf:2: skipping unknown option 'no-such-thing'"));
	/* known ocserv options we do not implement: silent */
	assert_null(strstr(r.log, "camouflage"));
	assert_null(strstr(r.log, "select-group"));
	assert_non_null(strstr(r.log, "t.conf:6: 'session-control' is deprecated"));
	talloc_free(ctx);
}

static void test_ipv4_network_forms(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	static const char *const forms[] = {
		"ipv4-network = 10.8.0.0\nipv4-netmask = 255.255.252.0\n",
		"ipv4-netmask = 255.255.252.0\nipv4-network = 10.8.0.0\n",
		"ipv4-network = 10.8.0.0/22\n",
		"ipv4-network = 10.8.0.0/255.255.252.0\n",
		"ipv4-netmask = 22\nipv4-network = 10.8.0.0\n",
		"ipv4-network = 10.8.1.1/22\n",         /* host bits: warned and masked */
	};
	const char *text;
	struct run r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		parse(ctx, forms[i], strlen(forms[i]), &r);
		assert_int_equal(r.rc, 0);
		assert_true(r.cfg->have_ipv4_network);
		assert_int_equal(r.cfg->ipv4_network.prefix, 22);
		assert_net(&r.cfg->ipv4_network, "10.8.0.0/255.255.252.0");
	}
	assert_non_null(strstr(r.log, "t.conf:1: ipv4-network has host bits set"));
	/* CIDR and a disagreeing netmask: CIDR wins, with a warning */
	text = "ipv4-netmask = 255.0.0.0\nipv4-network = 10.8.0.0/22\n";
	parse(ctx, text, strlen(text), &r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.cfg->ipv4_network.prefix, 22);
	assert_non_null(strstr(r.log, "ipv4-netmask ignored"));
	/* a netmask alone is ignored with a warning */
	text = "ipv4-netmask = 255.0.0.0\n";
	parse(ctx, text, strlen(text), &r);
	assert_int_equal(r.rc, 0);
	assert_false(r.cfg->have_ipv4_network);
	assert_non_null(strstr(r.log, "t.conf:1: ipv4-netmask without ipv4-network"));
	talloc_free(ctx);
}

static void test_ipv6_network_forms(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct cfg *c;

	(void)state;
	c = parse_ok(ctx, "ipv6-network = fd00:1:2::/48\nipv6-subnet-prefix = 64\n");
	assert_net(&c->ipv6_network, "fd00:1:2::/48");
	assert_int_equal(c->ipv6_subnet_prefix, 64);
	c = parse_ok(ctx, "ipv6-prefix = 56\nipv6-network = fd00:5::\n");   /* the old spelling */
	assert_net(&c->ipv6_network, "fd00:5::/56");
	c = parse_ok(ctx, "ipv6-network = fd00:5::1/64\n");
	assert_net(&c->ipv6_network, "fd00:5::/64");
	talloc_free(ctx);
}

static void test_routes(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct run r;
	struct cfg *c;
	const char *text = "route = 192.168.1.77/24\n";

	(void)state;
	c = parse_ok(ctx, "route = 10.0.0.0/8\nroute = 172.16.0.0/255.240.0.0\nroute = default\n"
			  "route = fd00:1::/64\nroute = 192.0.2.1\nroute = 2001:db8::1\n"
			  "route = 0.0.0.0/0\nno-route = 192.168.0.0/255.255.0.0\nno-route = ::/0\n");
	assert_true(c->route_default);
	assert_int_equal(c->n_routes, 6);
	assert_net(&c->routes[0], "10.0.0.0/255.0.0.0");
	assert_net(&c->routes[1], "172.16.0.0/255.240.0.0");
	assert_net(&c->routes[2], "fd00:1::/64");
	assert_net(&c->routes[3], "192.0.2.1/255.255.255.255");
	assert_net(&c->routes[4], "2001:db8::1/128");
	assert_net(&c->routes[5], "0.0.0.0/0.0.0.0");
	assert_int_equal(c->n_no_routes, 2);
	assert_net(&c->no_routes[1], "::/0");
	c = parse_ok(ctx, "route = DEFAULT\n");
	assert_true(c->route_default);
	assert_int_equal(c->n_routes, 0);
	parse(ctx, text, strlen(text), &r);
	assert_int_equal(r.rc, 0);
	assert_net(&r.cfg->routes[0], "192.168.1.0/255.255.255.0");
	assert_non_null(strstr(r.log, "t.conf:1: route: '192.168.1.77/24' has host bits set"));
	talloc_free(ctx);
}

static void test_auth_forms(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct cfg *c;

	(void)state;
	c = parse_ok(ctx, "auth = plain[passwd=/etc/ocserv/passwd]\n");
	assert_string_equal(c->auth_method, "plain");
	assert_string_equal(c->auth_plain_passwd, "/etc/ocserv/passwd");
	c = parse_ok(ctx, "auth = \"plain[passwd=/a, otp=/b ]\"\n");
	assert_string_equal(c->auth_plain_passwd, "/a");
	assert_string_equal(c->auth_plain_otp, "/b");
	c = parse_ok(ctx, "auth = plain[otp=/b]\n");
	assert_null(c->auth_plain_passwd);
	assert_string_equal(c->auth_plain_otp, "/b");
	c = parse_ok(ctx, "auth = plain[/etc/legacy]\n");
	assert_string_equal(c->auth_plain_passwd, "/etc/legacy");
	c = parse_ok(ctx, "auth = pam\n");
	assert_string_equal(c->auth_method, "pam");
	assert_null(c->auth_plain_passwd);
	c = parse_ok(ctx, "auth = pam[gid-min=1000]\n");
	assert_string_equal(c->auth_method, "pam");
	assert_string_equal(c->auth[0], "pam[gid-min=1000]");
	c = parse_ok(ctx, "auth = radius[config=/etc/radcli/radiusclient.conf,groupconfig=true]\n");
	assert_string_equal(c->auth_method, "radius");
	c = parse_ok(ctx, "auth = certificate\n");
	assert_string_equal(c->auth_method, "certificate");
	expect_error("auth = ldap\n", "t.conf:1: auth: unknown method 'ldap'");
	expect_error("auth = plain\n", "t.conf:1: auth: plain needs passwd=FILE or otp=FILE");
	expect_error("auth = plain[passwd=/a\n", "t.conf:1: auth: expected METHOD[OPTIONS]");
	expect_error("auth = plain[passwd=/a]x\n", "auth: expected METHOD[OPTIONS]");
	expect_error("auth = plain[passwd=/a,foo=1]\n", "auth: unknown plain option 'foo=1'");
	talloc_free(ctx);
}

static void test_aliases(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct cfg *c;

	(void)state;
	c = parse_ok(ctx, "use-dbus = true\nuse-seccomp = true\nalways-require-cert = false\n"
			  "dtls-legacy = false\n");
	assert_true(c->use_occtl);
	assert_true(c->isolate_workers);
	assert_true(c->cisco_client_compat);
	assert_true(c->dtls_legacy);            /* forced by cisco-client-compat */
	c = parse_ok(ctx, "always-require-cert = true\ndtls-legacy = false\n");
	assert_false(c->cisco_client_compat);
	assert_false(c->dtls_legacy);
	c = parse_ok(ctx, "idle-timeout = 100\nmobile-idle-timeout = 7\n");
	assert_int_equal(c->idle_timeout, 100);
	assert_int_equal(c->mobile_idle_timeout, 7);
	talloc_free(ctx);
}

static const char vhost_conf[] =
	"auth = plain[passwd=/p]\n"
	"server-cert = /d.pem\nserver-key = /d.key\n"
	"tcp-port = 4443\n"
	"dpd = 77\n"
	"banner = default banner\n"
	"ipv4-network = 10.1.0.0\n"
	"route = 10.0.0.0/8\nroute = 10.2.0.0/16\n"
	"dns = 10.1.0.1\n"
	"[vhost:VPN.Example.com]\n"
	"ipv4-netmask = 255.255.0.0\n"          /* completes the inherited network */
	"dpd = 5\n"
	"route = 192.168.0.0/16\n"
	"auth = certificate\n"
	"tcp-port = 9999\n"                     /* global-only: warned, ignored */
	"[global]\n"
	"dpd = 1\n"                             /* inside an unknown section: skipped */
	"[vhost:other]\n"
	"banner = other banner\n";

static void test_vhosts(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct run r;
	struct cfg *c, *v, *w;
	char *text;

	(void)state;
	/* the default section has ipv4-network without a mask: an error there */
	parse(ctx, vhost_conf, strlen(vhost_conf), &r);
	assert_int_equal(r.rc, -EINVAL);
	assert_string_equal(r.err, "t.conf:7: ipv4-network needs a /prefix or an ipv4-netmask line");
	text = talloc_asprintf(ctx, "ipv4-netmask = 255.255.255.0\n%s", vhost_conf);
	parse(ctx, text, strlen(text), &r);
	assert_int_equal(r.rc, 0);
	c = r.cfg;
	assert_net(&c->ipv4_network, "10.1.0.0/255.255.255.0");
	assert_int_equal(c->dpd, 77);
	v = c->next_vhost;
	assert_non_null(v);
	assert_string_equal(v->vhost_name, "vpn.example.com");
	assert_int_equal(v->dpd, 5);
	assert_int_equal(v->tcp_port, 4443);
	assert_string_equal(v->banner, "default banner");
	assert_net(&v->ipv4_network, "10.1.0.0/255.255.0.0");
	assert_int_equal(v->n_routes, 1);               /* replaced, not appended */
	assert_net(&v->routes[0], "192.168.0.0/255.255.0.0");
	assert_int_equal(v->n_dns, 1);                  /* inherited */
	assert_string_equal(v->dns[0].str, "10.1.0.1");
	assert_int_equal(v->n_auth, 1);
	assert_string_equal(v->auth_method, "certificate");
	assert_null(v->auth_plain_passwd);
	assert_int_equal(v->n_server_cert, 1);
	assert_string_equal(v->server_cert[0], "/d.pem");
	w = v->next_vhost;
	assert_non_null(w);
	assert_string_equal(w->vhost_name, "other");
	assert_null(w->next_vhost);
	assert_int_equal(w->dpd, 77);                   /* [global] dpd = 1 skipped */
	assert_string_equal(w->banner, "other banner");
	assert_int_equal(w->n_routes, 2);
	assert_string_equal(w->auth_plain_passwd, "/p");
	assert_net(&w->ipv4_network, "10.1.0.0/255.255.255.0");
	assert_string_equal(c->banner, "default banner");   /* the default is untouched */
	assert_int_equal(c->n_routes, 2);
	assert_non_null(strstr(r.log, "'tcp-port' is global-only; ignored in [vhost:vpn.example.com]"));
	assert_non_null(strstr(r.log, "skipping unknown section [global]"));
	assert_int_equal(cfg_check(c, NULL), 0);
	/* the copies are independent: freeing the default frees everything, once */
	talloc_free(c);
	talloc_free(ctx);
}

static void test_check(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	const char *base = "auth = pam\nserver-cert = /c\nserver-key = /k\n";
	struct cfg *c;
	char *err = NULL;

	(void)state;
	c = parse_ok(ctx, base);
	assert_int_equal(cfg_check(c, &err), 0);
	c = parse_ok(ctx, "server-cert = /c\nserver-key = /k\n");
	assert_int_equal(cfg_check(c, &err), -EINVAL);
	assert_string_equal(err, "t.conf: no 'auth' method is set");
	c = parse_ok(ctx, "auth = pam\nserver-cert = /c\n");
	assert_int_equal(cfg_check(c, &err), -EINVAL);
	assert_non_null(strstr(err, "server-key"));
	c = parse_ok(ctx, talloc_asprintf(ctx, "%sserver-cert = /c2\n", base));
	assert_int_equal(cfg_check(c, &err), -EINVAL);
	assert_string_equal(err, "t.conf: 2 server-cert lines but 1 server-key lines");
	c = parse_ok(ctx, talloc_asprintf(ctx, "%sipv4-network = 10.0.0.0/31\n", base));
	assert_int_equal(cfg_check(c, &err), -EINVAL);
	assert_non_null(strstr(err, "/31"));
	c = parse_ok(ctx, talloc_asprintf(ctx, "%sipv4-network = 10.0.0.0/30\n", base));
	assert_int_equal(cfg_check(c, NULL), 0);
	c = parse_ok(ctx, talloc_asprintf(ctx, "%sipv6-network = fd00::/64\nipv6-subnet-prefix = 48\n",
					  base));
	assert_int_equal(cfg_check(c, &err), -EINVAL);
	assert_non_null(strstr(err, "ipv6-subnet-prefix 48"));
	c = parse_ok(ctx, talloc_asprintf(ctx, "%sipv6-network = fd00::/64\nipv6-subnet-prefix = 64\n",
					  base));
	assert_int_equal(cfg_check(c, NULL), 0);
	c = parse_ok(ctx, talloc_asprintf(ctx, "%s[vhost:x]\nserver-key = /k2\nserver-key = /k3\n", base));
	assert_int_equal(cfg_check(c, &err), -EINVAL);
	assert_string_equal(err, "t.conf: [vhost:x]: 1 server-cert lines but 2 server-key lines");
	c = parse_ok(ctx, talloc_asprintf(ctx, "%scisco-client-compat = true\n"
					  "match-tls-dtls-ciphers = true\n", base));
	assert_int_equal(cfg_check(c, &err), -EINVAL);
	/* the collector's options are checked before ocserv-nvm could fail on them */
	c = parse_ok(ctx, talloc_asprintf(ctx, "%snvm = true\nnvm-dtls = true\n", base));
	assert_int_equal(cfg_check(c, &err), -EINVAL);
	assert_non_null(strstr(err, "nvm-cert"));
	c = parse_ok(ctx, talloc_asprintf(ctx, "%snvm = true\nnvm-client-ca = /ca\n", base));
	assert_int_equal(cfg_check(c, &err), -EINVAL);
	c = parse_ok(ctx, talloc_asprintf(ctx, "%snvm = true\nnvm-dtls = true\nnvm-cert = /c\n"
					  "nvm-key = /k\nnvm-client-ca = /ca\n", base));
	assert_int_equal(cfg_check(c, NULL), 0);
	c = parse_ok(ctx, talloc_asprintf(ctx, "%snvm-dtls = true\n", base));
	assert_int_equal(cfg_check(c, NULL), 0);        /* nvm off: nothing to check */
	talloc_free(ctx);
}

static void test_net_format(void **state)
{
	struct cfg_net n4 = { .family = AF_INET, .addr = { 10, 0, 0, 0 }, .prefix = 8 };
	struct cfg_net n6 = { .family = AF_INET6, .prefix = 64 };
	struct cfg_net bad = { .family = 0 };
	char buf[64];

	(void)state;
	assert_int_equal(cfg_net_format(&n4, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "10.0.0.0/255.0.0.0");
	n4.prefix = 32;
	assert_int_equal(cfg_net_format(&n4, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "10.0.0.0/255.255.255.255");
	n4.prefix = 0;
	assert_int_equal(cfg_net_format(&n4, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "10.0.0.0/0.0.0.0");
	assert_int_equal(inet_pton(AF_INET6, "fd00:1::", n6.addr), 1);
	assert_int_equal(cfg_net_format(&n6, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "fd00:1::/64");
	assert_int_equal(cfg_net_format(&n6, buf, strlen("fd00:1::/64")), -ENOSPC);
	assert_int_equal(cfg_net_format(&n6, buf, strlen("fd00:1::/64") + 1), 0);
	assert_int_not_equal(cfg_net_format(&bad, buf, sizeof(buf)), 0);
}

static void test_failure_leaves_outputs(void **state)
{
	struct cfg *sentinel = (struct cfg *)&sentinel;
	struct cfg *c = sentinel;
	char *err = NULL;

	(void)state;
	assert_int_equal(cfg_parse_buf(NULL, "t.conf", "dpd = x\n", 8, &c, NULL), -EINVAL);
	assert_ptr_equal(c, sentinel);
	assert_int_equal(cfg_parse_buf(NULL, NULL, "dpd = x\n", 8, &c, &err), -EINVAL);
	assert_ptr_equal(c, sentinel);
	assert_string_equal(err, "(config):1: dpd: 'x' is not a non-negative decimal number");
	talloc_free(err);
}

static void test_parse_file(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	char path[] = "/tmp/test-cfg-XXXXXX";
	int fd = mkstemp(path);
	struct cfg *c = NULL;
	char *err = NULL, *big;
	size_t big_len = 1024 * 1024 + 1;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, capture_conf, strlen(capture_conf)), (ssize_t)strlen(capture_conf));
	assert_int_equal(cfg_parse_file(ctx, path, &c, &err), 0);
	assert_string_equal(c->file, path);
	assert_int_equal(c->tcp_port, 4443);
	/* one byte over 1 MiB of blank lines */
	big = talloc_array(ctx, char, big_len);
	memset(big, '\n', big_len);
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(pwrite(fd, big, big_len, 0), (ssize_t)big_len);
	c = NULL;
	assert_int_equal(cfg_parse_file(ctx, path, &c, &err), -EINVAL);
	assert_null(c);
	assert_non_null(strstr(err, "larger than"));
	assert_int_equal(ftruncate(fd, (off_t)big_len - 1), 0);   /* exactly 1 MiB: fine */
	assert_int_equal(cfg_parse_file(ctx, path, &c, &err), 0);
	close(fd);
	unlink(path);
	assert_int_equal(cfg_parse_file(ctx, path, &c, &err), -ENOENT);
	assert_non_null(strstr(err, path));
	talloc_free(ctx);
}

static void test_limits(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	char *text = talloc_strdup(ctx, "");
	struct run r;
	int i;

	(void)state;
	for (i = 0; i < 4096; i++)
		text = talloc_asprintf_append(text, "route = 10.%d.%d.0/24\n", i / 256, i % 256);
	parse(ctx, text, strlen(text), &r);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.cfg->n_routes, 4096);
	text = talloc_asprintf_append(text, "route = 11.0.0.0/8\n");
	parse(ctx, text, strlen(text), &r);
	assert_int_equal(r.rc, -EINVAL);
	assert_string_equal(r.err, "t.conf:4097: too many 'route' lines (at most 4096)");
	text = talloc_strdup(ctx, "");
	for (i = 0; i < 256; i++)
		text = talloc_asprintf_append(text, "[vhost:v%d]\n", i);
	parse(ctx, text, strlen(text), &r);
	assert_int_equal(r.rc, 0);
	text = talloc_asprintf_append(text, "[vhost:last]\n");
	parse(ctx, text, strlen(text), &r);
	assert_int_equal(r.rc, -EINVAL);
	assert_string_equal(r.err, "t.conf:257: too many [vhost:] sections (at most 256)");
	talloc_free(ctx);
}

/* doc/sample.config must parse without a warning and pass the checks */
static void test_sample_config(void **state)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	const char *srcdir = getenv("srcdir");
	char *path = talloc_asprintf(ctx, "%s/doc/sample.config", srcdir != NULL ? srcdir : ".");
	char *text = NULL, *err = NULL;
	struct cfg *c = NULL;
	size_t len;
	struct run r;
	FILE *f;

	(void)state;
	f = fopen(path, "r");
	if (f == NULL) {
		talloc_free(ctx);
		skip();
	}
	text = talloc_array(ctx, char, 65536);
	len = fread(text, 1, 65535, f);
	fclose(f);
	text[len] = '\0';
	parse(ctx, text, len, &r);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.log, "");
	assert_int_equal(cfg_check(r.cfg, &err), 0);
	assert_int_equal(cfg_parse_file(ctx, path, &c, &err), 0);
	assert_int_equal(c->udp_port, r.cfg->udp_port);
	talloc_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_quotes_and_comments),
		cmocka_unit_test(test_booleans),
		cmocka_unit_test(test_repeated_keys),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_line_length),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_bad_addresses),
		cmocka_unit_test(test_unknown_option),
		cmocka_unit_test(test_ipv4_network_forms),
		cmocka_unit_test(test_ipv6_network_forms),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_auth_forms),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_vhosts),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_net_format),
		cmocka_unit_test(test_failure_leaves_outputs),
		cmocka_unit_test(test_parse_file),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_sample_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
