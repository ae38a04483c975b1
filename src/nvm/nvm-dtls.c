/* nvm/nvm-dtls.c: DTLS server for exporters on the collector's UDP socket. Runs in: ocserv-nvm. */
#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <gnutls/dtls.h>
#include <gnutls/gnutls.h>

#include "common/log.h"
#include "nvm/nvm-dtls.h"
#include "nvm/nvm-int.h"

#define DTLS_MTU 1400
#define DTLS_PRIORITY "NORMAL:-VERS-ALL:+VERS-DTLS1.2:+VERS-DTLS1.0"

struct dtls_peer {
	struct nvm_dtls *d;
	struct sockaddr_storage addr;
	socklen_t alen;
	int fd;
	gnutls_session_t s;
	bool up;
	const uint8_t *in;      /* the datagram being fed, for pull() */
	size_t in_len;
	ev_tstamp last;
	char name[64];
	struct dtls_peer *next;
};

struct nvm_dtls {
	gnutls_certificate_credentials_t creds;
	gnutls_priority_t prio;
	gnutls_datum_t cookie_key;
	bool need_client_cert;
	struct dtls_peer *peers;
	struct nvm_dtls_stats st;
	uint8_t plain[NVM_MAX_DGRAM];
};

/* where a stateless HelloVerifyRequest goes */
struct cookie_dst {
	int fd;
	const struct sockaddr *to;
	socklen_t tolen;
};

static int dtls_destroy(struct nvm_dtls *d)
{
	while (d->peers != NULL)
		talloc_free(d->peers);
	gnutls_certificate_free_credentials(d->creds);
	gnutls_priority_deinit(d->prio);
	gnutls_free(d->cookie_key.data);
	return 0;
}

int nvm_dtls_new(TALLOC_CTX *mem_ctx, const struct cfg *cfg, struct nvm_dtls **ret)
{
	struct nvm_dtls *d = talloc_zero(mem_ctx, struct nvm_dtls);
	int rc;

	if (d == NULL)
		return -ENOMEM;
	talloc_set_destructor(d, dtls_destroy);
	if (cfg->nvm_cert == NULL || cfg->nvm_key == NULL) {
		log_err("nvm-dtls needs nvm-cert and nvm-key");
		rc = GNUTLS_E_INVALID_REQUEST;
		goto out;
	}
	if ((rc = gnutls_certificate_allocate_credentials(&d->creds)) < 0 ||
	    (rc = gnutls_certificate_set_x509_key_file(d->creds, cfg->nvm_cert, cfg->nvm_key,
						       GNUTLS_X509_FMT_PEM)) < 0 ||
	    (rc = gnutls_priority_init(&d->prio, DTLS_PRIORITY, NULL)) < 0 ||
	    (rc = gnutls_key_generate(&d->cookie_key, GNUTLS_COOKIE_KEY_SIZE)) < 0)
		goto out;
	if (cfg->nvm_client_ca != NULL) {
		rc = gnutls_certificate_set_x509_trust_file(d->creds, cfg->nvm_client_ca,
							    GNUTLS_X509_FMT_PEM);
		if (rc <= 0) {
			log_err("nvm-client-ca %s: %s", cfg->nvm_client_ca,
				rc == 0 ? "no certificate" : gnutls_strerror(rc));
			rc = rc == 0 ? GNUTLS_E_NO_CERTIFICATE_FOUND : rc;
			goto out;
		}
		d->need_client_cert = true;
	}
	rc = 0;
out:
	if (rc < 0) {
		log_err("NVM DTLS set-up failed: %s", gnutls_strerror(rc));
		talloc_free(d);
		return -EINVAL;
	}
	*ret = d;
	return 0;
}

static ssize_t cookie_push(gnutls_transport_ptr_t ptr, const void *buf, size_t len)
{
	const struct cookie_dst *c = ptr;

	return sendto(c->fd, buf, len, MSG_DONTWAIT, c->to, c->tolen);
}

static ssize_t peer_push(gnutls_transport_ptr_t ptr, const void *buf, size_t len)
{
	struct dtls_peer *p = ptr;
	ssize_t n = sendto(p->fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)&p->addr, p->alen);

	if (n < 0)
		gnutls_transport_set_errno(p->s, errno == EWOULDBLOCK ? EAGAIN : errno);
	return n;
}

/* each datagram is read once; then "would block" until the socket brings the next one */
static ssize_t peer_pull(gnutls_transport_ptr_t ptr, void *buf, size_t len)
{
	struct dtls_peer *p = ptr;
	size_t n = p->in_len < len ? p->in_len : len;

	if (p->in_len == 0) {
		gnutls_transport_set_errno(p->s, EAGAIN);
		return -1;
	}
	memcpy(buf, p->in, n);
	p->in_len = 0;
	return (ssize_t)n;
}

static int peer_pull_timeout(gnutls_transport_ptr_t ptr, unsigned ms)
{
	struct dtls_peer *p = ptr;

	(void)ms;
	return p->in_len > 0 ? 1 : 0;
}

static int peer_destroy(struct dtls_peer *p)
{
	for (struct dtls_peer **pp = &p->d->peers; *pp != NULL; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	p->d->st.peers--;
	if (p->s != NULL)
		gnutls_deinit(p->s);
	return 0;
}

static struct dtls_peer *peer_find(struct nvm_dtls *d, const struct sockaddr *from,
				   socklen_t fromlen)
{
	for (struct dtls_peer *p = d->peers; p != NULL; p = p->next)
		if (p->alen == fromlen && memcmp(&p->addr, from, fromlen) == 0)
			return p;
	return NULL;
}

static int peer_session(struct nvm_dtls *d, struct dtls_peer *p, gnutls_dtls_prestate_st *pre)
{
	int rc;

	if ((rc = gnutls_init(&p->s, GNUTLS_SERVER | GNUTLS_DATAGRAM | GNUTLS_NONBLOCK)) < 0 ||
	    (rc = gnutls_priority_set(p->s, d->prio)) < 0 ||
	    (rc = gnutls_credentials_set(p->s, GNUTLS_CRD_CERTIFICATE, d->creds)) < 0)
		return rc;
	if (d->need_client_cert) {
		/* the handshake itself fails unless the chain verifies against nvm-client-ca */
		gnutls_certificate_server_set_request(p->s, GNUTLS_CERT_REQUIRE);
		gnutls_session_set_verify_cert(p->s, NULL, 0);
	}
	gnutls_transport_set_ptr(p->s, p);
	gnutls_transport_set_push_function(p->s, peer_push);
	gnutls_transport_set_pull_function(p->s, peer_pull);
	gnutls_transport_set_pull_timeout_function(p->s, peer_pull_timeout);
	gnutls_dtls_prestate_set(p->s, pre);
	gnutls_dtls_set_mtu(p->s, DTLS_MTU);
	return 0;
}

/* A hello with a valid cookie opens a session; anything else gets a cookie or is dropped. */
static struct dtls_peer *peer_new(struct nvm_dtls *d, int fd, const struct sockaddr *from,
				  socklen_t fromlen, const uint8_t *buf, size_t len)
{
	struct cookie_dst dst = { fd, from, fromlen };
	gnutls_dtls_prestate_st pre;
	struct dtls_peer *p;
	char serv[16];

	memset(&pre, 0, sizeof(pre));
	if (gnutls_dtls_cookie_verify(&d->cookie_key, (void *)from, fromlen, (void *)buf, len,
				      &pre) < 0) {
		gnutls_dtls_cookie_send(&d->cookie_key, (void *)from, fromlen, &pre, &dst,
					cookie_push);
		return NULL;
	}
	if (d->st.peers >= NVM_DTLS_MAX_PEERS || fromlen > sizeof(p->addr) ||
	    (p = talloc_zero(d, struct dtls_peer)) == NULL)
		return NULL;
	p->d = d;
	memcpy(&p->addr, from, fromlen);
	p->alen = fromlen;
	p->next = d->peers;
	d->peers = p;
	d->st.peers++;
	talloc_set_destructor(p, peer_destroy);
	if (getnameinfo(from, fromlen, p->name, sizeof(p->name), serv, sizeof(serv),
			NI_NUMERICHOST | NI_NUMERICSERV) == 0)
		snprintf(p->name + strlen(p->name), sizeof(p->name) - strlen(p->name), ":%s", serv);
	if (peer_session(d, p, &pre) < 0) {
		talloc_free(p);
		return NULL;
	}
	return p;
}

static void peer_handshake(struct nvm_dtls *d, struct dtls_peer *p)
{
	int rc = gnutls_handshake(p->s);

	if (rc == 0) {
		char *desc = gnutls_session_get_desc(p->s);

		p->up = true;
		d->st.handshakes++;
		log_info("DTLS exporter %s: %s", p->name, desc ? desc : "up");
		gnutls_free(desc);
	} else if (gnutls_error_is_fatal(rc)) {
		d->st.failures++;
		log_info("DTLS exporter %s refused: %s", p->name, gnutls_strerror(rc));
		talloc_free(p);
	}
}

static void peer_records(struct nvm_dtls *d, struct nvm_ctx *n, struct dtls_peer *p)
{
	ssize_t r;

	for (;;) {
		r = gnutls_record_recv(p->s, d->plain, sizeof(d->plain));
		if (r > 0) {
			nvm_rx_ipfix(n, (struct sockaddr *)&p->addr, p->alen, d->plain, (size_t)r);
			continue;
		}
		if (r == 0 || gnutls_error_is_fatal((int)r)) {
			log_info("DTLS exporter %s closed: %s", p->name,
				 r == 0 ? "peer sent close" : gnutls_strerror((int)r));
			talloc_free(p);
		}
		return;
	}
}

void nvm_dtls_input(struct nvm_dtls *d, struct nvm_ctx *n, int fd, const struct sockaddr *from,
		    socklen_t fromlen, const uint8_t *buf, size_t len)
{
	struct dtls_peer *p = peer_find(d, from, fromlen);

	if (p == NULL && (p = peer_new(d, fd, from, fromlen, buf, len)) == NULL)
		return;
	p->fd = fd;
	p->in = buf;
	p->in_len = len;
	p->last = ev_now(n->loop);
	if (!p->up)
		peer_handshake(d, p);
	else
		peer_records(d, n, p);
}

void nvm_dtls_expire(struct nvm_dtls *d, ev_tstamp now)
{
	struct dtls_peer *p = d->peers, *next;

	for (; p != NULL; p = next) {
		next = p->next;
		if (now - p->last > NVM_DTLS_IDLE_SECS)
			talloc_free(p);
	}
}

void nvm_dtls_stats(const struct nvm_dtls *d, struct nvm_dtls_stats *ret)
{
	*ret = d->st;
}
