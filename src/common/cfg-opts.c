/* common/cfg-opts.c: the ocserv.conf option table and value parsers. Runs in: all (parsing). */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "cfg-int.h"
#include "log.h"

struct opt;
typedef int (*opt_fn)(struct cfg_parser *p, const struct opt *o, const char *val);

enum opt_type {
	OPT_STR,        /* char *, replaced by each line; empty = unset */
	OPT_UINT,       /* unsigned in [min, max] */
	OPT_BOOL,       /* true/yes, anything else false */
	OPT_FUNC,       /* fn does the work; arg is passed through min */
	OPT_KNOWN,      /* an ocserv option we accept but do not implement yet */
};

#define OPT_GLOBAL 1u   /* only meaningful in the default section */

struct opt {
	const char *name;
	enum opt_type type;
	unsigned flags;
	size_t off;
	unsigned min, max;
	opt_fn fn;
};

#define F_(field) offsetof(struct cfg, field)
#define S(n, f, fl) { n, OPT_STR, fl, F_(f), 0, 0, NULL }
#define U(n, f, lo, hi, fl) { n, OPT_UINT, fl, F_(f), lo, hi, NULL }
#define B(n, f, fl) { n, OPT_BOOL, fl, F_(f), 0, 0, NULL }
#define FN(n, fn, arg, fl) { n, OPT_FUNC, fl, 0, arg, 0, fn }
#define K(n) { n, OPT_KNOWN, 0, 0, 0, 0, NULL }
#define G OPT_GLOBAL

static void *field(struct cfg *c, const struct opt *o)
{
	return (char *)c + o->off;
}

/* Strict unsigned decimal: digits only, no sign, no junk, no overflow. */
int cfg_parse_uint(struct cfg_parser *p, const char *key, const char *val, unsigned min,
		   unsigned max, unsigned *ret)
{
	unsigned long v = 0;
	size_t i;

	if (val[0] == '\0')
		return cfg_fail(p, "%s: missing number", key);
	for (i = 0; val[i] != '\0'; i++) {
		if (val[i] < '0' || val[i] > '9')
			return cfg_fail(p, "%s: '%.64s' is not a non-negative decimal number", key, val);
		v = v * 10 + (unsigned long)(val[i] - '0');
		if (v > UINT_MAX)
			return cfg_fail(p, "%s: '%.64s' is too large", key, val);
	}
	if (v < min || v > max)
		return cfg_fail(p, "%s: %lu is out of range (%u..%u)", key, v, min, max);
	*ret = (unsigned)v;
	return 0;
}

static bool parse_bool(struct cfg_parser *p, const char *key, const char *val)
{
	if (strcasecmp(val, "true") == 0 || strcasecmp(val, "yes") == 0)
		return true;
	/* ocserv reads anything else as false; say so when it looks like a typo */
	if (strcasecmp(val, "false") != 0 && strcasecmp(val, "no") != 0)
		cfg_warn(p, "%s: '%.64s' is not true/yes or false/no; taken as false", key, val);
	return false;
}

/* ---- lists ---- */

/* A list's first line in a section replaces whatever the section inherited. */
static bool list_first(struct cfg_parser *p, enum cfg_list id)
{
	if (p->seen[id])
		return false;
	p->seen[id] = true;
	return true;
}

/* A limit on every list, so that a runaway file cannot eat memory vhost by vhost. */
static int list_full(struct cfg_parser *p, const char *key, size_t n)
{
	if (n < CFG_MAX_LIST)
		return 0;
	return cfg_fail(p, "too many '%s' lines (at most %d)", key, CFG_MAX_LIST);
}

static int str_append(struct cfg_parser *p, const char *key, char ***arr, size_t *n,
		      const char *val)
{
	char **a;
	int rc = list_full(p, key, *n);

	if (rc < 0)
		return rc;
	a = talloc_realloc(p->cur, *arr, char *, *n + 1);
	if (a == NULL)
		return -ENOMEM;
	*arr = a;
	a[*n] = talloc_strdup(a, val);
	if (a[*n] == NULL)
		return -ENOMEM;
	(*n)++;
	return 0;
}

static int str_list_add(struct cfg_parser *p, enum cfg_list id, const char *key, char ***arr,
			size_t *n, const char *val)
{
	if (list_first(p, id)) {
		TALLOC_FREE(*arr);
		*n = 0;
	}
	return str_append(p, key, arr, n, val);
}

static int net_list_add(struct cfg_parser *p, const char *key, struct cfg_net **arr, size_t *n,
			const struct cfg_net *net)
{
	struct cfg_net *a;
	int rc = list_full(p, key, *n);

	if (rc < 0)
		return rc;
	a = talloc_realloc(p->cur, *arr, struct cfg_net, *n + 1);
	if (a == NULL)
		return -ENOMEM;
	a[*n] = *net;
	*arr = a;
	(*n)++;
	return 0;
}

/* dns, nbns and their ipv4-/ipv6- aliases; o->min is the family required, 0 = any */
static int opt_addr_list(struct cfg_parser *p, const struct opt *o, bool nbns, const char *val)
{
	struct cfg *c = p->cur;
	struct cfg_addr **arr = nbns ? &c->nbns : &c->dns;
	size_t *n = nbns ? &c->n_nbns : &c->n_dns;
	struct cfg_addr *a;
	int rc;

	if (list_first(p, nbns ? CFG_LIST_NBNS : CFG_LIST_DNS)) {
		TALLOC_FREE(*arr);
		*n = 0;
	}
	rc = list_full(p, o->name, *n);
	if (rc < 0)
		return rc;
	a = talloc_realloc(c, *arr, struct cfg_addr, *n + 1);
	if (a == NULL)
		return -ENOMEM;
	*arr = a;
	rc = cfg_addr_fill(a, val, &a[*n]);
	if (rc == -ENOMEM)
		return rc;
	if (rc == 0 && o->min != 0 && a[*n].family != (int)o->min) {
		TALLOC_FREE(a[*n].str);
		rc = -EINVAL;
	}
	if (rc < 0)
		return cfg_fail(p, "%s: invalid %saddress '%.64s'", o->name,
				o->min == AF_INET ? "IPv4 " : o->min == AF_INET6 ? "IPv6 " : "IP ", val);
	(*n)++;
	return 0;
}

static int opt_dns(struct cfg_parser *p, const struct opt *o, const char *val)
{
	return opt_addr_list(p, o, false, val);
}

static int opt_nbns(struct cfg_parser *p, const struct opt *o, const char *val)
{
	return opt_addr_list(p, o, true, val);
}

static int opt_split_dns(struct cfg_parser *p, const struct opt *o, const char *val)
{
	if (val[0] == '\0')
		return cfg_fail(p, "%s: empty domain", o->name);
	return str_list_add(p, CFG_LIST_SPLIT_DNS, o->name, &p->cur->split_dns, &p->cur->n_split_dns, val);
}

static int opt_server_cert(struct cfg_parser *p, const struct opt *o, const char *val)
{
	if (val[0] == '\0')
		return cfg_fail(p, "%s: empty path", o->name);
	return str_list_add(p, CFG_LIST_SERVER_CERT, o->name, &p->cur->server_cert,
			    &p->cur->n_server_cert, val);
}

static int opt_server_key(struct cfg_parser *p, const struct opt *o, const char *val)
{
	if (val[0] == '\0')
		return cfg_fail(p, "%s: empty path", o->name);
	return str_list_add(p, CFG_LIST_SERVER_KEY, o->name, &p->cur->server_key,
			    &p->cur->n_server_key, val);
}

static int opt_route(struct cfg_parser *p, const struct opt *o, const char *val)
{
	struct cfg *c = p->cur;
	struct cfg_net net;
	int rc;

	if (list_first(p, CFG_LIST_ROUTE)) {
		TALLOC_FREE(c->routes);
		c->n_routes = 0;
		c->route_default = false;
	}
	if (strcasecmp(val, "default") == 0) {
		c->route_default = true;
		return 0;
	}
	rc = cfg_route_parse(p, o->name, val, &net);
	if (rc < 0)
		return rc;
	return net_list_add(p, o->name, &c->routes, &c->n_routes, &net);
}

static int opt_no_route(struct cfg_parser *p, const struct opt *o, const char *val)
{
	struct cfg *c = p->cur;
	struct cfg_net net;
	int rc;

	if (list_first(p, CFG_LIST_NO_ROUTE)) {
		TALLOC_FREE(c->no_routes);
		c->n_no_routes = 0;
	}
	if (strcasecmp(val, "default") == 0)
		return cfg_fail(p, "%s: 'default' cannot be excluded", o->name);
	rc = cfg_route_parse(p, o->name, val, &net);
	if (rc < 0)
		return rc;
	return net_list_add(p, o->name, &c->no_routes, &c->n_no_routes, &net);
}

/* ---- auth ---- */

static const char *const auth_methods[] = {
	"plain", "pam", "radius", "certificate", "gssapi", "oidc",
};

static bool is_auth_method(const char *m)
{
	size_t i;

	for (i = 0; i < sizeof(auth_methods) / sizeof(auth_methods[0]); i++)
		if (strcmp(m, auth_methods[i]) == 0)
			return true;
	return false;
}

/* plain[passwd=FILE,otp=FILE] or the legacy plain[FILE]; opts is writable scratch */
static int auth_plain(struct cfg_parser *p, char *opts, char **ret_passwd, char **ret_otp)
{
	char *save = NULL, *item;
	bool first = true;

	for (item = strtok_r(opts, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		size_t len;

		item += strspn(item, " \t");
		len = strlen(item);
		while (len > 0 && (item[len - 1] == ' ' || item[len - 1] == '\t'))
			item[--len] = '\0';
		if (eq == NULL && first) {
			*ret_passwd = item;     /* legacy plain[FILE] */
		} else if (eq != NULL && strncmp(item, "passwd=", 7) == 0) {
			*ret_passwd = eq + 1;
		} else if (eq != NULL && strncmp(item, "otp=", 4) == 0) {
			*ret_otp = eq + 1;
		} else {
			return cfg_fail(p, "auth: unknown plain option '%.64s'", item);
		}
		first = false;
	}
	if ((*ret_passwd == NULL || **ret_passwd == '\0') && (*ret_otp == NULL || **ret_otp == '\0'))
		return cfg_fail(p, "auth: plain needs passwd=FILE or otp=FILE");
	return 0;
}

static int set_str(struct cfg *c, char **slot, const char *val)
{
	TALLOC_FREE(*slot);
	if (val == NULL || val[0] == '\0')
		return 0;
	*slot = talloc_strdup(c, val);
	return *slot == NULL ? -ENOMEM : 0;
}

static int auth_store(struct cfg_parser *p, const char *val, const char *method,
		      const char *passwd, const char *otp)
{
	struct cfg *c = p->cur;
	int rc;

	if (list_first(p, CFG_LIST_AUTH)) {
		TALLOC_FREE(c->auth);
		c->n_auth = 0;
		TALLOC_FREE(c->auth_method);
		TALLOC_FREE(c->auth_plain_passwd);
		TALLOC_FREE(c->auth_plain_otp);
	}
	rc = str_append(p, "auth", &c->auth, &c->n_auth, val);
	if (rc < 0)
		return rc;
	if (c->auth_method == NULL && (rc = set_str(c, &c->auth_method, method)) < 0)
		return rc;
	/* the first plain line names the password files, whatever its position */
	if (strcmp(method, "plain") == 0 && c->auth_plain_passwd == NULL && c->auth_plain_otp == NULL) {
		if ((rc = set_str(c, &c->auth_plain_passwd, passwd)) < 0 ||
		    (rc = set_str(c, &c->auth_plain_otp, otp)) < 0)
			return rc;
	}
	return 0;
}

static int opt_auth(struct cfg_parser *p, const struct opt *o, const char *val)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *method, *br, *opts = NULL, *passwd = NULL, *otp = NULL;
	int rc = -ENOMEM;

	(void)o;
	if (tmp == NULL || (method = talloc_strdup(tmp, val)) == NULL)
		goto out;
	br = strchr(method, '[');
	if (br != NULL) {
		size_t len = strlen(br);

		if (len < 2 || br[len - 1] != ']') {
			rc = cfg_fail(p, "auth: expected METHOD[OPTIONS] in '%.64s'", val);
			goto out;
		}
		br[len - 1] = '\0';
		*br = '\0';
		opts = br + 1;
	}
	method[strcspn(method, " \t")] = '\0';
	if (!is_auth_method(method)) {
		rc = cfg_fail(p, "auth: unknown method '%.64s'", method);
		goto out;
	}
	if (strcmp(method, "plain") == 0 && opts == NULL) {
		rc = cfg_fail(p, "auth: plain needs passwd=FILE or otp=FILE");
		goto out;
	}
	if (strcmp(method, "plain") == 0 && (rc = auth_plain(p, opts, &passwd, &otp)) < 0)
		goto out;
	rc = auth_store(p, val, method, passwd, otp);
out:
	talloc_free(tmp);
	return rc;
}

/* ---- networks ---- */

/* "ADDR" or "ADDR/N" (or "ADDR/m.m.m.m" for IPv4) of one family; *ret_prefix = -1 if none */
static int net_value(struct cfg_parser *p, const char *key, const char *val, int family,
		     uint8_t addr[static 16], int *ret_prefix)
{
	char buf[64];
	const char *slash = strchr(val, '/');
	size_t alen = slash != NULL ? (size_t)(slash - val) : strlen(val);
	unsigned prefix;
	int fam, rc;

	if (alen == 0 || alen >= sizeof(buf))
		return cfg_fail(p, "%s: invalid network '%.64s'", key, val);
	memcpy(buf, val, alen);
	buf[alen] = '\0';
	if (cfg_addr_parse(buf, &fam, addr) < 0 || fam != family)
		return cfg_fail(p, "%s: invalid IPv%c address '%.64s'", key,
				family == AF_INET ? '4' : '6', buf);
	*ret_prefix = -1;
	if (slash == NULL)
		return 0;
	if (family == AF_INET && strchr(slash + 1, '.') != NULL)
		rc = cfg_mask_parse(slash + 1, &prefix);
	else
		rc = cfg_prefix_parse(slash + 1, family == AF_INET ? 32 : 128, &prefix);
	if (rc < 0)
		return cfg_fail(p, "%s: invalid prefix or netmask '%.64s'", key, slash + 1);
	*ret_prefix = (int)prefix;
	return 0;
}

static int opt_ipv4_network(struct cfg_parser *p, const struct opt *o, const char *val)
{
	struct cfg_pending *pd = &p->pend;
	uint8_t addr[16];
	int prefix, rc;

	rc = net_value(p, o->name, val, AF_INET, addr, &prefix);
	if (rc < 0)
		return rc;
	memcpy(pd->v4, addr, 4);
	pd->v4_prefix = prefix;
	pd->have_v4 = true;
	pd->v4_line = p->line;
	pd->v4_dirty = true;
	return 0;
}

static int opt_ipv4_netmask(struct cfg_parser *p, const struct opt *o, const char *val)
{
	struct cfg_pending *pd = &p->pend;
	unsigned prefix;
	int rc;

	if (strchr(val, '.') != NULL)
		rc = cfg_mask_parse(val, &prefix);
	else
		rc = cfg_prefix_parse(val, 32, &prefix);
	if (rc < 0)
		return cfg_fail(p, "%s: invalid netmask '%.64s'", o->name, val);
	pd->v4_mask_prefix = (int)prefix;
	pd->v4_mask_line = p->line;
	pd->v4_dirty = true;
	return 0;
}

static int opt_ipv6_network(struct cfg_parser *p, const struct opt *o, const char *val)
{
	struct cfg_pending *pd = &p->pend;
	int prefix, rc;

	rc = net_value(p, o->name, val, AF_INET6, pd->v6, &prefix);
	if (rc < 0)
		return rc;
	pd->v6_prefix = prefix;
	pd->have_v6 = true;
	pd->v6_line = p->line;
	pd->v6_dirty = true;
	return 0;
}

/* the old ipv6-prefix option: the prefix length of an ipv6-network given without one */
static int opt_ipv6_prefix(struct cfg_parser *p, const struct opt *o, const char *val)
{
	unsigned v;
	int rc = cfg_parse_uint(p, o->name, val, 1, 128, &v);

	if (rc < 0)
		return rc;
	p->pend.v6_legacy_prefix = (int)v;
	p->pend.v6_dirty = true;
	return 0;
}

/* ---- scalars with a twist ---- */

static int opt_rekey_method(struct cfg_parser *p, const struct opt *o, const char *val)
{
	if (strcmp(val, "ssl") == 0)
		p->cur->rekey_method = CFG_REKEY_SSL;
	else if (strcmp(val, "new-tunnel") == 0)
		p->cur->rekey_method = CFG_REKEY_NEW_TUNNEL;
	else
		return cfg_fail(p, "%s: expected 'ssl' or 'new-tunnel', got '%.64s'", o->name, val);
	return 0;
}

static int opt_no_compress_limit(struct cfg_parser *p, const struct opt *o, const char *val)
{
	unsigned v;
	int rc = cfg_parse_uint(p, o->name, val, 0, UINT_MAX, &v);

	if (rc < 0)
		return rc;
	if (v < 64) {
		cfg_warn(p, "%s: %u is below the minimum; using 64", o->name, v);
		v = 64;
	}
	p->cur->no_compress_limit = v;
	return 0;
}

static int opt_log_level(struct cfg_parser *p, const struct opt *o, const char *val)
{
	unsigned v;
	int rc = cfg_parse_uint(p, o->name, val, 0, 9, &v);

	if (rc == 0)
		p->cur->log_level = (int)v;
	return rc;
}

static int opt_mobile_idle(struct cfg_parser *p, const struct opt *o, const char *val)
{
	int rc = cfg_parse_uint(p, o->name, val, 0, UINT_MAX, &p->cur->mobile_idle_timeout);

	if (rc == 0)
		p->pend.mobile_idle_set = true;
	return rc;
}

/* always-require-cert = false is the old spelling of cisco-client-compat = true */
static int opt_always_require_cert(struct cfg_parser *p, const struct opt *o, const char *val)
{
	if (!parse_bool(p, o->name, val))
		p->cur->cisco_client_compat = true;
	return 0;
}

static int opt_deprecated(struct cfg_parser *p, const struct opt *o, const char *val)
{
	(void)val;
	cfg_warn(p, "'%s' is deprecated and ignored", o->name);
	return 0;
}

static int opt_removed(struct cfg_parser *p, const struct opt *o, const char *val)
{
	(void)val;
	return cfg_fail(p, "'%s' is no longer supported", o->name);
}

static const struct opt opts[] = {
	/* authentication */
	FN("auth", opt_auth, 0, 0),
	K("enable-auth"), K("acct"), K("cert-user-oid"), K("cert-group-oid"),
	S("ca-cert", ca_cert, 0),
	K("crl"), K("select-group"), K("default-select-group"), K("auto-select-group"),
	K("select-group-by-url"),
	S("config-per-user", config_per_user, 0),
	S("config-per-group", config_per_group, 0),
	K("default-user-config"), K("default-group-config"),
	/* listening / processes */
	S("listen-host", listen_host, G),
	S("udp-listen-host", udp_listen_host, G),
	K("listen-host-is-dyndns"), K("listen-netns"), K("listen-proxy-proto"),
	U("tcp-port", tcp_port, 1, 65535, G),
	U("udp-port", udp_port, 0, 65535, G),
	S("run-as-user", run_as_user, G),
	S("run-as-group", run_as_group, G),
	S("socket-file", socket_file, G),
	S("occtl-socket-file", occtl_socket_file, G),
	B("use-occtl", use_occtl, G),
	B("use-dbus", use_occtl, G),
	S("chroot-dir", chroot_dir, G),
	S("pid-file", pid_file, G),
	K("sec-mod-scale"),
	U("max-clients", max_clients, 0, UINT_MAX, G),
	U("max-same-clients", max_same_clients, 0, UINT_MAX, 0),
	U("rate-limit-ms", rate_limit_ms, 0, UINT_MAX, G),
	K("server-drain-ms"),
	B("isolate-workers", isolate_workers, G),
	B("use-seccomp", isolate_workers, G),
	K("limit-worker-memory"), K("cgroup"),
	/* TLS */
	FN("server-cert", opt_server_cert, 0, 0),
	FN("server-key", opt_server_key, 0, 0),
	K("dh-params"), K("pin-file"), K("srk-pin-file"), K("key-pin"), K("srk-pin"),
	S("tls-priorities", tls_priorities, 0),
	K("ocsp-response"),
	B("match-tls-dtls-ciphers", match_tls_dtls_ciphers, 0),
	K("included-http-headers"),
	/* network */
	S("device", device, G),
	B("predictable-ips", predictable_ips, 0),
	FN("ipv4-network", opt_ipv4_network, 0, 0),
	FN("ipv4-netmask", opt_ipv4_netmask, 0, 0),
	FN("ipv6-network", opt_ipv6_network, 0, 0),
	FN("ipv6-prefix", opt_ipv6_prefix, 0, 0),
	U("ipv6-subnet-prefix", ipv6_subnet_prefix, 1, 128, 0),
	K("explicit-ipv4"), K("explicit-ipv6"),
	B("ping-leases", ping_leases, G),
	FN("route", opt_route, 0, 0),
	FN("no-route", opt_no_route, 0, 0),
	K("iroute"), K("expose-iroutes"), K("route-add-cmd"), K("route-del-cmd"), K("append-routes"),
	U("mtu", mtu, 0, 65535, 0),
	B("try-mtu-discovery", try_mtu_discovery, G),
	K("rx-data-per-sec"), K("tx-data-per-sec"), K("output-buffer"), K("net-priority"),
	K("restrict-user-to-routes"), K("restrict-user-to-ports"), K("no-udp"),
	K("client-bypass-protocol"), K("proxy-url"),
	S("hostname", hostname, 0),
	/* DNS */
	FN("dns", opt_dns, 0, 0),
	FN("ipv4-dns", opt_dns, AF_INET, 0),
	FN("ipv6-dns", opt_dns, AF_INET6, 0),
	FN("nbns", opt_nbns, 0, 0),
	FN("ipv4-nbns", opt_nbns, AF_INET, 0),
	FN("ipv6-nbns", opt_nbns, AF_INET6, 0),
	S("default-domain", default_domain, 0),
	FN("split-dns", opt_split_dns, 0, 0),
	B("tunnel-all-dns", tunnel_all_dns, 0),
	/* timers */
	U("keepalive", keepalive, 0, UINT_MAX, 0),
	U("dpd", dpd, 0, UINT_MAX, 0),
	U("mobile-dpd", mobile_dpd, 0, UINT_MAX, 0),
	U("switch-to-tcp-timeout", switch_to_tcp_timeout, 0, UINT_MAX, 0),
	U("idle-timeout", idle_timeout, 0, UINT_MAX, 0),
	FN("mobile-idle-timeout", opt_mobile_idle, 0, 0),
	U("session-timeout", session_timeout, 0, UINT_MAX, 0),
	U("auth-timeout", auth_timeout, 0, UINT_MAX, G),
	U("cookie-timeout", cookie_timeout, 0, UINT_MAX, 0),
	B("persistent-cookies", persistent_cookies, 0),
	B("deny-roaming", deny_roaming, 0),
	U("rekey-time", rekey_time, 0, UINT_MAX, 0),
	FN("rekey-method", opt_rekey_method, 0, 0),
	U("stats-report-time", stats_report_time, 0, UINT_MAX, 0),
	K("server-stats-reset-time"),
	/* compression */
	B("compression", compression, 0),
	S("compression-algo-priority", compression_algo_priority, G),
	FN("no-compress-limit", opt_no_compress_limit, 0, 0),
	/* DTLS / Cisco */
	B("dtls-legacy", dtls_legacy, 0),
	B("dtls-psk", dtls_psk, G),
	B("cisco-client-compat", cisco_client_compat, 0),
	FN("always-require-cert", opt_always_require_cert, 0, 0),
	K("cisco-svc-client-compat"),
	S("user-profile", user_profile, 0),
	K("custom-header"),
	S("banner", banner, 0),
	S("pre-login-banner", pre_login_banner, 0),
	K("camouflage"), K("camouflage_secret"), K("camouflage_realm"),
	/* logging / misc */
	FN("log-level", opt_log_level, 0, G),
	K("syslog-facility"), K("use-utmp"),
	S("connect-script", connect_script, G),
	S("disconnect-script", disconnect_script, G),
	K("host-update-script"), K("kkdcp"),
	U("max-ban-score", max_ban_score, 0, UINT_MAX, G),
	U("ban-time", ban_time, 0, UINT_MAX, G),
	U("min-reauth-time", ban_time, 0, UINT_MAX, G),
	U("ban-reset-time", ban_reset_time, 0, UINT_MAX, G),
	U("ban-points-wrong-password", ban_points_wrong_password, 0, UINT_MAX, G),
	U("ban-points-connection", ban_points_connection, 0, UINT_MAX, G),
	K("ban-points-kkdcp"),
	K("debug-no-secmod-stats"), K("sec-mod-db-cleanup-time"),
	FN("session-control", opt_deprecated, 0, 0),
	FN("listen-clear-file", opt_removed, 0, 0),
	/* NVM collector (ours) */
	B("nvm", nvm, G),
	S("nvm-listen-host", nvm_listen_host, G),
	U("nvm-port", nvm_port, 1, 65535, G),
	B("nvm-dtls", nvm_dtls, G),
	S("nvm-cert", nvm_cert, G),
	S("nvm-key", nvm_key, G),
	S("nvm-client-ca", nvm_client_ca, G),
	S("nvm-database", nvm_database, G),
	U("nvm-retention", nvm_retention, 0, UINT_MAX, G),
	U("nvm-max-rate", nvm_max_rate, 0, UINT_MAX, G),
	S("nvm-api-socket", nvm_api_socket, G),
	S("nvm-api-listen", nvm_api_listen, G),
};

static const struct opt *opt_find(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (strcmp(opts[i].name, key) == 0)
			return &opts[i];
	return NULL;
}

int cfg_opt_apply(struct cfg_parser *p, const char *key, const char *val)
{
	const struct opt *o = opt_find(key);
	struct cfg *c = p->cur;

	if (o == NULL) {
		cfg_warn(p, "skipping unknown option '%.64s'", key);
		return 0;
	}
	if (p->in_vhost && (o->flags & OPT_GLOBAL) != 0) {
		cfg_warn(p, "'%s' is global-only; ignored in [vhost:%s]", key, c->vhost_name);
		return 0;
	}
	switch (o->type) {
	case OPT_STR:
		return set_str(c, field(c, o), val);
	case OPT_UINT:
		return cfg_parse_uint(p, key, val, o->min, o->max, field(c, o));
	case OPT_BOOL:
		*(bool *)field(c, o) = parse_bool(p, key, val);
		return 0;
	case OPT_FUNC:
		return o->fn(p, o, val);
	case OPT_KNOWN:
		break;
	}
	return 0;
}

/* ---- vhost copies ---- */

static int dup_str(TALLOC_CTX *ctx, char **s)
{
	if (*s == NULL)
		return 0;
	*s = talloc_strdup(ctx, *s);
	return *s == NULL ? -ENOMEM : 0;
}

static int dup_str_list(TALLOC_CTX *ctx, char ***arr, size_t n)
{
	size_t i;

	if (*arr == NULL)
		return 0;
	*arr = talloc_memdup(ctx, *arr, n * sizeof(**arr));
	if (*arr == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		if (dup_str(*arr, &(*arr)[i]) < 0)
			return -ENOMEM;
	return 0;
}

static int dup_addr_list(TALLOC_CTX *ctx, struct cfg_addr **arr, size_t n)
{
	size_t i;

	if (*arr == NULL)
		return 0;
	*arr = talloc_memdup(ctx, *arr, n * sizeof(**arr));
	if (*arr == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		if (dup_str(*arr, &(*arr)[i].str) < 0)
			return -ENOMEM;
	return 0;
}

static int dup_net_list(TALLOC_CTX *ctx, struct cfg_net **arr, size_t n)
{
	if (*arr == NULL)
		return 0;
	*arr = talloc_memdup(ctx, *arr, n * sizeof(**arr));
	return *arr == NULL ? -ENOMEM : 0;
}

/*
 * dst (a zeroed talloc'd cfg) becomes a deep copy of src, owning its own
 * strings and arrays. String fields come from the table, so a new OPT_STR
 * option is copied without touching this function; non-table pointers are
 * listed here.
 */
int cfg_opts_copy(struct cfg *dst, const struct cfg *src)
{
	size_t i;

	*dst = *src;
	dst->next_vhost = NULL;
	dst->vhost_name = NULL;
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (opts[i].type == OPT_STR && dup_str(dst, field(dst, &opts[i])) < 0)
			return -ENOMEM;
	if (dup_str(dst, &dst->file) < 0 || dup_str(dst, &dst->auth_method) < 0 ||
	    dup_str(dst, &dst->auth_plain_passwd) < 0 || dup_str(dst, &dst->auth_plain_otp) < 0 ||
	    dup_str_list(dst, &dst->auth, dst->n_auth) < 0 ||
	    dup_str_list(dst, &dst->server_cert, dst->n_server_cert) < 0 ||
	    dup_str_list(dst, &dst->server_key, dst->n_server_key) < 0 ||
	    dup_str_list(dst, &dst->split_dns, dst->n_split_dns) < 0 ||
	    dup_addr_list(dst, &dst->dns, dst->n_dns) < 0 ||
	    dup_addr_list(dst, &dst->nbns, dst->n_nbns) < 0 ||
	    dup_net_list(dst, &dst->routes, dst->n_routes) < 0 ||
	    dup_net_list(dst, &dst->no_routes, dst->n_no_routes) < 0)
		return -ENOMEM;
	return 0;
}
