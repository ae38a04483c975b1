/* worker/worker.h: one client's worker state, shared by the worker's files. Runs in: worker. */
#ifndef WORKER_WORKER_H
#define WORKER_WORKER_H

#include <stdbool.h>
#include <stdint.h>
#include <gnutls/gnutls.h>
#include <talloc.h>

#include "common/cfg.h"
#include "common/cookie.h"
#include "compress/comp.h"
#include "ipc/ipc.pb-c.h"

#define WK_BUF_SIZE (16384 + 512)

struct http_req;
struct cstp_rx;
struct wk_dtls;

/* What the client asked for in its CONNECT request. */
struct wk_connect_req {
	char *hostname;
	char *user_agent;
	unsigned base_mtu;      /* 0 = not sent or absurd */
	unsigned mtu;
	bool want_ipv4;
	bool want_ipv6;
	bool full_ipv6;
	bool dtls_psk;          /* PSK-NEGOTIATE offered in X-DTLS-CipherSuite */
	bool mobile;            /* a phone: mobile-dpd and mobile-idle-timeout apply */
	bool have_master;       /* X-DTLS-Master-Secret was 48 well-formed bytes */
	uint8_t master[48];
};

struct wk {
	struct cfg *cfg;
	WorkerStartup *st;
	int main_fd;
	int sm_fd;
	int client_fd;
	int tun_fd;
	gnutls_session_t tls;
	gnutls_certificate_credentials_t creds;
	char cert_sha1[41];     /* upper-case hex SHA-1 of the server certificate */
	char *profile;          /* user-profile XML, read while privileged; NULL if none */
	size_t profile_len;
	char *profile_name;     /* its base name, as served under /profiles/ */
	char profile_sha1[41];
	struct http_req *req;
	uint8_t sid[SID_LEN];
	bool logged_in;
	char *username;
	char *user_agent;
	struct wk_connect_req creq;
	AuthCookieRep *tunnel;  /* main's answer to our CONNECT */
	unsigned link_mtu;
	unsigned data_mtu;
	unsigned max_data_mtu;  /* the data MTU the link allows; path-MTU drops go below it */
	unsigned udp_mtu;       /* largest UDP payload towards the client */
	unsigned dpd;           /* dpd or mobile-dpd, seconds */
	unsigned idle_timeout;  /* idle-timeout or mobile-idle-timeout */
	bool dtls_offered;      /* the CONNECT reply carried DTLS headers */
	const struct dtls_suite *dtls_suite;    /* legacy mode; NULL for PSK-NEGOTIATE */
	enum comp_method cstp_comp;
	enum comp_method dtls_comp;
	struct wk_dtls *dtls;
	uint64_t rx_bytes, tx_bytes;
	unsigned bye_reason;
};

/* tls.c */
int wk_tls_setup(struct wk *w);
int wk_tls_handshake(struct wk *w);
int wk_send_all(struct wk *w, const void *buf, size_t len);

/* sm-client.c: paired with sm_answer_* in secmod/answer.c */
int wk_sm_auth(struct wk *w, TALLOC_CTX *tmp, const char *user, const char *pass,
	       char **ret_msg);

/* http-serve.c */
int wk_load_profile(struct wk *w);
int wk_serve_http(struct wk *w);
int wk_http_respond(struct wk *w, int code, const char *extra_headers, const char *ctype,
		    const char *body, size_t body_len);

/* tunnel.c */
int wk_connect(struct wk *w, const uint8_t *extra, size_t extra_len);


#endif /* WORKER_WORKER_H */
