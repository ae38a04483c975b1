/* worker/cstp-reply.c: the CONNECT reply headers, in ocserv's order. Runs in: worker. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <gnutls/crypto.h>

#include "worker/dtls.h"
#include "worker/tunnel.h"
#include "worker/worker.h"

#include "config.h"

static void add(char **s, const char *name, const char *value)
{
	if (value != NULL && *s != NULL)
		*s = talloc_asprintf_append(*s, "%s: %s\r\n", name, value);
}

static void add_uint(char **s, const char *name, unsigned v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", v);
	add(s, name, buf);
}

/* seconds, or "none" when the feature is off */
static void add_timeout(char **s, const char *name, unsigned v)
{
	if (v == 0)
		add(s, name, "none");
	else
		add_uint(s, name, v);
}

/* Header values cannot hold line breaks; openconnect decodes %XX in the banner. */
static char *escape_banner(void *ctx, const char *in)
{
	char *out = talloc_strdup(ctx, "");

	for (; in != NULL && *in != '\0' && out != NULL; in++) {
		if (*in == '%' || *in == '\r' || *in == '\n')
			out = talloc_asprintf_append(out, "%%%02X", (unsigned char)*in);
		else
			out = talloc_asprintf_append(out, "%c", *in);
	}
	return out;
}

static void add_addresses(struct wk *w, char **s)
{
	const AuthCookieRep *t = w->tunnel;
	char a[INET6_ADDRSTRLEN], buf[INET6_ADDRSTRLEN + 8];

	if (t->has_ipv4 && w->creq.want_ipv4) {
		uint32_t mask = t->ipv4_prefix ? htonl(~0u << (32 - t->ipv4_prefix)) : 0;

		add(s, "X-CSTP-Address", inet_ntop(AF_INET, t->ipv4.data, a, sizeof(a)));
		add(s, "X-CSTP-Netmask", inet_ntop(AF_INET, &mask, a, sizeof(a)));
	}
	if (t->has_ipv6 && w->creq.want_ipv6 && w->data_mtu >= 1280) {
		snprintf(buf, sizeof(buf), "%s/%u", inet_ntop(AF_INET6, t->ipv6.data, a, sizeof(a)),
			 t->ipv6_prefix);
		if (w->creq.full_ipv6) {
			add(s, "X-CSTP-Address-IP6", buf);
		} else {
			add(s, "X-CSTP-Address", a);
			add(s, "X-CSTP-Netmask", buf);
		}
	}
}

static void add_routes(struct wk *w, char **s, const struct cfg_net *nets, size_t n,
		       const char *v4name, const char *v6name)
{
	char buf[128];

	for (size_t i = 0; i < n; i++) {
		if (cfg_net_format(&nets[i], buf, sizeof(buf)) < 0)
			continue;
		if (nets[i].family == AF_INET6 && !w->creq.full_ipv6)
			add(s, v4name, buf);
		else
			add(s, nets[i].family == AF_INET6 ? v6name : v4name, buf);
	}
}

static void add_dtls(struct wk *w, char **s)
{
	const struct cfg *c = w->cfg;
	char hex[2 * 32 + 1];

	add_uint(s, "X-DTLS-DPD", w->dpd);
	add_uint(s, "X-DTLS-Port", c->udp_port);
	if (c->rekey_time > 0) {
		add_uint(s, "X-DTLS-Rekey-Time", c->rekey_time + 10);
		add(s, "X-DTLS-Rekey-Method", "ssl");
	}
	add_uint(s, "X-DTLS-Keepalive", c->keepalive);
	for (size_t i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", w->tunnel->dtls_id.data[i]);
	if (w->dtls_suite == NULL) {
		add(s, "X-DTLS-App-ID", hex);
		add(s, "X-DTLS-CipherSuite", "PSK-NEGOTIATE");
		return;
	}
	/* exactly one cipher, in the header whose name tells the client the DTLS version */
	add(s, "X-DTLS-Session-ID", hex);
	add(s, w->dtls_suite->dtls12_header ? "X-DTLS12-CipherSuite" : "X-DTLS-CipherSuite",
	    w->dtls_suite->name);
	add_uint(s, "X-DTLS-MTU", w->data_mtu);
}

/*
 * ssl where we can honour it: TLS 1.3 key updates always, TLS 1.2
 * renegotiation only when the client does it safely; new-tunnel otherwise.
 * Never "none" while rekeying is on: Cisco Secure Client 5.1 refuses it.
 */
static const char *rekey_method(struct wk *w)
{
	if (w->cfg->rekey_method == CFG_REKEY_NEW_TUNNEL)
		return "new-tunnel";
	if (gnutls_protocol_get_version(w->tls) != GNUTLS_TLS1_3 &&
	    !gnutls_safe_renegotiation_status(w->tls))
		return "new-tunnel";
	return "ssl";
}

char *wk_cstp_reply(struct wk *w, void *mem_ctx)
{
	const struct cfg *c = w->cfg;
	char *s = talloc_strdup(mem_ctx, "HTTP/1.1 200 CONNECTED\r\n");
	uint32_t fuzz = 0;

	add(&s, "X-CSTP-Version", "1");
	add(&s, "X-CSTP-Server-Name", PACKAGE_NAME " " PACKAGE_VERSION);
	add(&s, "X-CSTP-Hostname", w->creq.hostname);
	add_uint(&s, "X-CSTP-DPD", w->dpd);
	add(&s, "X-CSTP-Default-Domain", c->default_domain);
	add_addresses(w, &s);
	for (size_t i = 0; i < c->n_dns; i++)
		add(&s, "X-CSTP-DNS", c->dns[i].str);
	for (size_t i = 0; i < c->n_nbns; i++)
		add(&s, "X-CSTP-NBNS", c->nbns[i].str);
	for (size_t i = 0; i < c->n_split_dns; i++)
		add(&s, "X-CSTP-Split-DNS", c->split_dns[i]);
	/* `route = default` tunnels everything: no split-include at all */
	if (!c->route_default)
		add_routes(w, &s, c->routes, c->n_routes, "X-CSTP-Split-Include",
			   "X-CSTP-Split-Include-IP6");
	add(&s, "X-CSTP-Tunnel-All-DNS", c->tunnel_all_dns ? "true" : "false");
	add(&s, "X-CSTP-Client-Bypass-Protocol", "false");
	add_routes(w, &s, c->no_routes, c->n_no_routes, "X-CSTP-Split-Exclude",
		   "X-CSTP-Split-Exclude-IP6");
	add_uint(&s, "X-CSTP-Keepalive", c->keepalive);
	add_timeout(&s, "X-CSTP-Idle-Timeout", w->idle_timeout);
	add(&s, "X-CSTP-Smartcard-Removal-Disconnect", "true");
	if (c->rekey_time > 0) {
		/* a little jitter so a fleet of clients does not rekey in step */
		gnutls_rnd(GNUTLS_RND_NONCE, &fuzz, sizeof(fuzz));
		add_uint(&s, "X-CSTP-Rekey-Time", c->rekey_time + fuzz % 30);
		add(&s, "X-CSTP-Rekey-Method", rekey_method(w));
	} else {
		add(&s, "X-CSTP-Rekey-Method", "none");
	}
	if (c->session_timeout > 0) {
		add_uint(&s, "X-CSTP-Session-Timeout", c->session_timeout);
		add_uint(&s, "X-CSTP-Session-Timeout-Remaining",
			 w->tunnel->has_session_timeout_remaining ?
			 w->tunnel->session_timeout_remaining : c->session_timeout);
	} else {
		add(&s, "X-CSTP-Session-Timeout", "none");
		add(&s, "X-CSTP-Session-Timeout-Remaining", "none");
	}
	add(&s, "X-CSTP-Disconnected-Timeout", "none");
	add(&s, "X-CSTP-Keep", "true");
	add(&s, "X-CSTP-TCP-Keepalive", "true");
	add(&s, "X-CSTP-License", "accept");
	if (w->dtls_offered)
		add_dtls(w, &s);
	add_uint(&s, "X-CSTP-Base-MTU", w->link_mtu);
	add_uint(&s, "X-CSTP-MTU", w->data_mtu);
	if (c->banner != NULL)
		add(&s, "X-CSTP-Banner", escape_banner(mem_ctx, c->banner));
	if (w->dtls_offered && w->dtls_comp != COMP_NONE)
		add(&s, "X-DTLS-Content-Encoding", comp_wire_name(w->dtls_comp));
	if (w->cstp_comp != COMP_NONE)
		add(&s, "X-CSTP-Content-Encoding", comp_wire_name(w->cstp_comp));
	if (s != NULL)
		s = talloc_asprintf_append(s, "\r\n");
	return s;
}
