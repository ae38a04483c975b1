/* worker/connect.c: CONNECT /CSCOSSLC/tunnel: cookie, tunnel from main, reply headers. Runs in: worker. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <gnutls/crypto.h>

#include "common/ipc.h"
#include "common/log.h"
#include "ipc/ipc-msg.h"
#include "worker/dtls.h"
#include "worker/http.h"
#include "worker/mtu.h"
#include "worker/tunnel.h"
#include "worker/worker.h"

#include "config.h"

#define WK_MAIN_REPLY_TIMEOUT_MS 30000

static unsigned header_uint(struct wk *w, const char *name)
{
	const char *v = http_req_header(w->req, name, 0);
	char *end;
	unsigned long n;

	if (v == NULL)
		return 0;
	n = strtoul(v, &end, 10);
	/* absurd values are ignored, not trusted (ocserv #717) */
	if (end == v || *end != '\0' || n > MTU_MAX_CLIENT)
		return 0;
	return (unsigned)n;
}

/* is `name` one of the colon-separated items of `list`? */
static bool offers(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p != NULL && *p != '\0'; p = strchr(p, ':') ? strchr(p, ':') + 1 : NULL)
		if (strncmp(p, name, n) == 0 && (p[n] == ':' || p[n] == '\0'))
			return true;
	return false;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* exactly 96 hex digits, else nothing */
static bool read_master(const char *hex, uint8_t out[48])
{
	uint8_t tmp[48];

	if (hex == NULL || strlen(hex) != 96)
		return false;
	for (size_t i = 0; i < 48; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		tmp[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(out, tmp, sizeof(tmp));
	gnutls_memset(tmp, 0, sizeof(tmp));
	return true;
}

/* Cisco's mobile clients say so in their identifier headers or their UA */
static bool is_mobile(struct wk *w)
{
	const char *platform = http_req_header(w->req, "X-AnyConnect-Identifier-Platform", 0);
	const char *ua = w->user_agent ? w->user_agent : "";

	if (platform != NULL && (strcasecmp(platform, "android") == 0 ||
				 strcasecmp(platform, "apple-ios") == 0))
		return true;
	return strncasecmp(ua, "Cisco AnyConnect VPN Agent for Apple", 36) == 0;
}

static void read_connect_headers(struct wk *w)
{
	struct wk_connect_req *c = &w->creq;
	const char *atype = http_req_header(w->req, "X-CSTP-Address-Type", 0);
	const char *full = http_req_header(w->req, "X-CSTP-Full-IPv6-Capability", 0);
	const char *host = http_req_header(w->req, "X-CSTP-Hostname", 0);

	c->hostname = host ? talloc_strndup(w, host, 255) : NULL;
	c->base_mtu = header_uint(w, "X-CSTP-Base-MTU");
	c->mtu = header_uint(w, "X-CSTP-MTU");
	/* no header: the client takes whatever we have */
	c->want_ipv4 = atype == NULL || strstr(atype, "IPv4") != NULL;
	c->want_ipv6 = atype == NULL || strstr(atype, "IPv6") != NULL;
	c->full_ipv6 = full != NULL && strcasecmp(full, "true") == 0;
	c->dtls_psk = offers(http_req_header(w->req, "X-DTLS-CipherSuite", 0), "PSK-NEGOTIATE");
	c->mobile = is_mobile(w);
	c->have_master = read_master(http_req_header(w->req, "X-DTLS-Master-Secret", 0), c->master);
}

static int ask_main(struct wk *w, TALLOC_CTX *tmp, int *ret_tun_fd)
{
	AuthCookieReq req = AUTH_COOKIE_REQ__INIT;
	struct pollfd pfd = { .fd = w->main_fd, .events = POLLIN };
	struct ipc_msg m;
	int rc;

	req.sid.data = w->sid;
	req.sid.len = SID_LEN;
	req.hostname = w->creq.hostname;
	req.user_agent = w->user_agent;
	if ((rc = ipc_send(w->main_fd, IPC_WK_MAIN_COOKIE_REQ, &req.base, -1)) < 0)
		return rc;
	if (poll(&pfd, 1, WK_MAIN_REPLY_TIMEOUT_MS) <= 0)
		return -ETIMEDOUT;
	if ((rc = ipc_recv(w->main_fd, tmp, &m)) < 0)
		return rc;
	if (m.type != IPC_MAIN_WK_COOKIE_REP) {
		if (m.fd >= 0)
			close(m.fd);
		return -EPROTO;
	}
	w->tunnel = ipc_unpack(w, &auth_cookie_rep__descriptor, &m);
	*ret_tun_fd = m.fd;
	if (w->tunnel == NULL) {
		if (m.fd >= 0)
			close(m.fd);
		return -EBADMSG;
	}
	return 0;
}

/*
 * Link MTU, then the data MTU: what fits in one DTLS record in one UDP
 * datagram when DTLS is offered, else one CSTP frame in one TLS record in one
 * TCP segment.
 */
static void compute_mtu(struct wk *w)
{
	struct mtu_in in = {
		.cfg_mtu = w->cfg->mtu,
		.client_base_mtu = w->creq.base_mtu,
		.ipv6_transport = strchr(w->st->remote_ip, ':') != NULL,
		.ipv6_tunnel = w->tunnel->has_ipv6,
		.dtls = w->dtls_offered,
		.dtls_overhead = w->dtls_suite ? w->dtls_suite->overhead : DTLS_GCM_OVERHEAD,
		.tls_overhead = (unsigned)gnutls_record_overhead_size(w->tls),
	};
	struct mtu_out out;

	mtu_compute(&in, &out);
	w->link_mtu = out.link;
	w->udp_mtu = out.udp;
	w->data_mtu = w->max_data_mtu = out.data;
}

/* PSK-NEGOTIATE: the key is exported from this TLS session, so only its owner knows it */
/* match-tls-dtls-ciphers: UDP uses exactly the cipher the TLS session agreed on */
static const char *dtls_priorities(struct wk *w)
{
	const char *base = w->cfg->tls_priorities ? w->cfg->tls_priorities : "NORMAL:%SERVER_PRECEDENCE";
	const char *cipher = gnutls_cipher_get_name(gnutls_cipher_get(w->tls));

	if (!w->cfg->match_tls_dtls_ciphers || cipher == NULL)
		return base;
	return talloc_asprintf(w, "%s:-CIPHER-ALL:+%s", base, cipher);
}

static void setup_psk(struct wk *w)
{
	static const char label[] = "EXPORTER-openconnect-psk";
	uint8_t psk[32];

	if (gnutls_prf_rfc5705(w->tls, sizeof(label) - 1, label, 0, NULL, sizeof(psk),
			       (char *)psk) < 0)
		return;
	w->dtls_offered = true;
	compute_mtu(w);
	w->dtls = wk_dtls_new(w, dtls_priorities(w), psk, w->udp_mtu);
	gnutls_memset(psk, 0, sizeof(psk));
}

/* legacy: the client resumes a session built from its X-DTLS-Master-Secret */
static void setup_legacy(struct wk *w)
{
	const struct dtls_suite *suite;

	suite = dtls_suite_pick(http_req_header(w->req, "X-DTLS-CipherSuite", 0),
				http_req_header(w->req, "X-DTLS12-CipherSuite", 0));
	if (suite == NULL)
		return;
	w->dtls_suite = suite;
	w->dtls_offered = true;
	compute_mtu(w);
	w->dtls = wk_dtls_new_legacy(w, suite, w->creq.master, w->tunnel->dtls_id.data, w->creds,
				     w->udp_mtu);
}

/* PSK-NEGOTIATE when the client offers it (openconnect), else Cisco's legacy resumption */
static void setup_dtls(struct wk *w)
{
	if (w->cfg->udp_port == 0 || !w->tunnel->has_dtls_id || w->tunnel->dtls_id.len != 32)
		return;
	log_debug("DTLS offer: psk %d (allowed %d), master %d (legacy allowed %d)",
		  w->creq.dtls_psk, w->cfg->dtls_psk, w->creq.have_master, w->cfg->dtls_legacy);
	if (w->cfg->dtls_psk && w->creq.dtls_psk)
		setup_psk(w);
	else if (w->cfg->dtls_legacy && w->creq.have_master)
		setup_legacy(w);
	gnutls_memset(w->creq.master, 0, sizeof(w->creq.master));
	if (w->dtls == NULL) {
		w->dtls_offered = false;
		w->dtls_suite = NULL;
		compute_mtu(w);
	}
}

/* per channel, only what the client offered; off unless the admin enabled it */
static void negotiate_compression(struct wk *w)
{
	const char *prio = w->cfg->compression_algo_priority;

	if (!w->cfg->compression)
		return;
	w->cstp_comp = comp_negotiate(http_req_header(w->req, "X-CSTP-Accept-Encoding", 0), prio);
	if (w->dtls_offered)
		w->dtls_comp = comp_negotiate(http_req_header(w->req, "X-DTLS-Accept-Encoding", 0),
					      prio);
}

static int refuse(struct wk *w, const char *reason, bool bad_cookie)
{
	char *h;

	if (bad_cookie) {
		log_info("%s: cookie refused", w->st->remote_ip);
		return wk_http_respond(w, 401, "Connection: close\r\n", NULL, NULL, 0) < 0 ? -EIO : 0;
	}
	h = talloc_asprintf(w, "X-Reason: %s\r\nConnection: close\r\n", reason);
	log_info("%s: tunnel refused: %s", w->st->remote_ip, reason);
	wk_http_respond(w, 503, h, NULL, NULL, 0);
	return 0;
}

int wk_connect(struct wk *w, const uint8_t *extra, size_t extra_len)
{
	TALLOC_CTX *tmp = talloc_new(w);
	const char *cookie = http_req_cookie(w->req, "webvpn");
	int tun_fd = -1, rc;

	read_connect_headers(w);
	if (cookie == NULL || cookie_decode(cookie, w->sid) < 0) {
		rc = refuse(w, NULL, true);
		goto out;
	}
	rc = ask_main(w, tmp, &tun_fd);
	if (rc < 0) {
		refuse(w, "Server configuration error", false);
		goto out;
	}
	if (w->tunnel->result != AUTH_RESULT__AUTH_OK || tun_fd < 0) {
		const char *why = w->tunnel->reason ? w->tunnel->reason : "";

		rc = refuse(w, why, strstr(why, "Cookie") != NULL || why[0] == '\0');
		goto out;
	}
	w->tun_fd = tun_fd;
	tun_fd = -1;
	w->username = talloc_strdup(w, w->tunnel->username);
	w->dpd = w->creq.mobile && w->cfg->mobile_dpd ? w->cfg->mobile_dpd : w->cfg->dpd;
	w->idle_timeout = w->creq.mobile && w->cfg->mobile_idle_timeout ?
			  w->cfg->mobile_idle_timeout : w->cfg->idle_timeout;
	compute_mtu(w);
	setup_dtls(w);
	negotiate_compression(w);
	rc = wk_tunnel_run(w, extra, extra_len);
out:
	if (tun_fd >= 0)
		close(tun_fd);
	talloc_free(tmp);
	return rc;
}
