/* worker/dtls.c: DTLS over a connected UDP socket, PSK-NEGOTIATE mode. Runs in: worker. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <gnutls/dtls.h>

#include "common/log.h"
#include "worker/dtls.h"

#define DTLS_RETRANS_MS 1000
#define DTLS_TOTAL_MS 60000
#define DTLS_MAX_HELLO 2048

/* kept in sync by hand with what GnuTLS can resume; the first match in client order wins */
#define LEGACY_FLAGS ":%COMPAT:%NO_SESSION_HASH:%DISABLE_SAFE_RENEGOTIATION"
static const struct dtls_suite suites[] = {
	{ "ECDHE-RSA-AES256-GCM-SHA384", true, GNUTLS_DTLS1_2, GNUTLS_KX_ECDHE_RSA,
	  GNUTLS_CIPHER_AES_256_GCM, GNUTLS_MAC_AEAD,
	  "NONE:+VERS-DTLS1.2:+COMP-NULL:+AES-256-GCM:+AEAD:+ECDHE-RSA:+SIGN-ALL:+CURVE-ALL" LEGACY_FLAGS, 37 },
	{ "ECDHE-RSA-AES128-GCM-SHA256", true, GNUTLS_DTLS1_2, GNUTLS_KX_ECDHE_RSA,
	  GNUTLS_CIPHER_AES_128_GCM, GNUTLS_MAC_AEAD,
	  "NONE:+VERS-DTLS1.2:+COMP-NULL:+AES-128-GCM:+AEAD:+ECDHE-RSA:+SIGN-ALL:+CURVE-ALL" LEGACY_FLAGS, 37 },
	{ "AES256-GCM-SHA384", true, GNUTLS_DTLS1_2, GNUTLS_KX_RSA, GNUTLS_CIPHER_AES_256_GCM,
	  GNUTLS_MAC_AEAD, "NONE:+VERS-DTLS1.2:+COMP-NULL:+AES-256-GCM:+AEAD:+RSA:+SIGN-ALL" LEGACY_FLAGS, 37 },
	{ "AES128-GCM-SHA256", true, GNUTLS_DTLS1_2, GNUTLS_KX_RSA, GNUTLS_CIPHER_AES_128_GCM,
	  GNUTLS_MAC_AEAD, "NONE:+VERS-DTLS1.2:+COMP-NULL:+AES-128-GCM:+AEAD:+RSA:+SIGN-ALL" LEGACY_FLAGS, 37 },
	{ "OC-DTLS1_2-AES256-GCM", false, GNUTLS_DTLS1_2, GNUTLS_KX_RSA, GNUTLS_CIPHER_AES_256_GCM,
	  GNUTLS_MAC_AEAD, "NONE:+VERS-DTLS1.2:+COMP-NULL:+AES-256-GCM:+AEAD:+RSA:+SIGN-ALL" LEGACY_FLAGS, 37 },
	{ "OC-DTLS1_2-AES128-GCM", false, GNUTLS_DTLS1_2, GNUTLS_KX_RSA, GNUTLS_CIPHER_AES_128_GCM,
	  GNUTLS_MAC_AEAD, "NONE:+VERS-DTLS1.2:+COMP-NULL:+AES-128-GCM:+AEAD:+RSA:+SIGN-ALL" LEGACY_FLAGS, 37 },
	/* DTLS 0.9: header 13, IV 16, HMAC-SHA1 20, padding up to 16 */
	{ "AES256-SHA", false, GNUTLS_DTLS0_9, GNUTLS_KX_RSA, GNUTLS_CIPHER_AES_256_CBC,
	  GNUTLS_MAC_SHA1, "NONE:+VERS-DTLS0.9:+COMP-NULL:+AES-256-CBC:+SHA1:+RSA" LEGACY_FLAGS, 65 },
	{ "AES128-SHA", false, GNUTLS_DTLS0_9, GNUTLS_KX_RSA, GNUTLS_CIPHER_AES_128_CBC,
	  GNUTLS_MAC_SHA1, "NONE:+VERS-DTLS0.9:+COMP-NULL:+AES-128-CBC:+SHA1:+RSA" LEGACY_FLAGS, 65 },
};

static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p != NULL && *p != '\0';
	     p = strchr(p, ':') ? strchr(p, ':') + 1 : NULL)
		if (strncmp(p, name, n) == 0 && (p[n] == ':' || p[n] == '\0'))
			return true;
	return false;
}

const struct dtls_suite *dtls_suite_pick(const char *dtls_list, const char *dtls12_list)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
			const char *list = pass == 0 ? dtls12_list : dtls_list;

			if (suites[i].dtls12_header == (pass == 0) && in_list(list, suites[i].name))
				return &suites[i];
		}
	return NULL;
}

struct wk_dtls {
	char *priorities;
	uint8_t psk[32];
	const struct dtls_suite *suite;         /* NULL in PSK mode */
	uint8_t master[DTLS_MASTER_LEN];
	uint8_t session_id[DTLS_SESSION_ID_LEN];
	gnutls_certificate_credentials_t creds; /* borrowed from the TLS side */
	unsigned udp_mtu;
	gnutls_psk_server_credentials_t cred;
	gnutls_session_t s;
	int fd;
	bool up;
	bool restart;                   /* a new ClientHello waits in `first` */
	int push_errno;                 /* errno of the last failed send */
	uint8_t first[DTLS_MAX_HELLO];  /* the hello main read for us, served first */
	size_t first_len;
};

static int dtls_destroy(struct wk_dtls *d)
{
	wk_dtls_close(d);
	if (d->cred != NULL)
		gnutls_psk_free_server_credentials(d->cred);
	gnutls_memset(d->psk, 0, sizeof(d->psk));
	gnutls_memset(d->master, 0, sizeof(d->master));
	return 0;
}

static int psk_cb(gnutls_session_t s, const char *user, gnutls_datum_t *key)
{
	struct wk_dtls *d = gnutls_session_get_ptr(s);

	(void)user;    /* the identity is arbitrary; the key proves the TLS session */
	key->data = gnutls_malloc(sizeof(d->psk));
	if (key->data == NULL)
		return -1;
	memcpy(key->data, d->psk, sizeof(d->psk));
	key->size = sizeof(d->psk);
	return 0;
}

struct wk_dtls *wk_dtls_new(TALLOC_CTX *mem_ctx, const char *tls_priorities,
			    const uint8_t psk[32], unsigned udp_mtu)
{
	struct wk_dtls *d = talloc_zero(mem_ctx, struct wk_dtls);

	if (d == NULL)
		return NULL;
	d->fd = -1;
	talloc_set_destructor(d, dtls_destroy);
	memcpy(d->psk, psk, sizeof(d->psk));
	d->udp_mtu = udp_mtu;
	/* the admin's TLS choices, narrowed to DTLS with PSK key exchange */
	d->priorities = talloc_asprintf(d, "%s:-VERS-ALL:+VERS-DTLS1.2:+VERS-DTLS1.0:-KX-ALL:+PSK",
					tls_priorities ? tls_priorities : "NORMAL:%SERVER_PRECEDENCE");
	if (d->priorities == NULL || gnutls_psk_allocate_server_credentials(&d->cred) < 0) {
		talloc_free(d);
		return NULL;
	}
	gnutls_psk_set_server_credentials_function(d->cred, psk_cb);
	return d;
}

struct wk_dtls *wk_dtls_new_legacy(TALLOC_CTX *mem_ctx, const struct dtls_suite *suite,
				   const uint8_t master[DTLS_MASTER_LEN],
				   const uint8_t session_id[DTLS_SESSION_ID_LEN],
				   gnutls_certificate_credentials_t creds, unsigned udp_mtu)
{
	struct wk_dtls *d = talloc_zero(mem_ctx, struct wk_dtls);

	if (d == NULL)
		return NULL;
	d->fd = -1;
	talloc_set_destructor(d, dtls_destroy);
	d->suite = suite;
	memcpy(d->master, master, DTLS_MASTER_LEN);
	memcpy(d->session_id, session_id, DTLS_SESSION_ID_LEN);
	d->creds = creds;
	d->udp_mtu = udp_mtu;
	d->priorities = talloc_strdup(d, suite->priority);
	if (d->priorities == NULL) {
		talloc_free(d);
		return NULL;
	}
	return d;
}

/* prime the session so the client's abbreviated handshake resumes with its own secret */
static int prime_legacy(struct wk_dtls *d)
{
	gnutls_datum_t master = { d->master, DTLS_MASTER_LEN };
	gnutls_datum_t sid = { d->session_id, DTLS_SESSION_ID_LEN };
	int rc;

	rc = gnutls_credentials_set(d->s, GNUTLS_CRD_CERTIFICATE, d->creds);
	if (rc == 0)
		rc = gnutls_session_set_premaster(d->s, GNUTLS_SERVER, d->suite->version,
						  d->suite->kx, d->suite->cipher, d->suite->mac,
						  GNUTLS_COMP_NULL, &master, &sid);
	return rc;
}

static ssize_t pull(gnutls_transport_ptr_t ptr, void *buf, size_t len)
{
	struct wk_dtls *d = ptr;
	ssize_t n;

	if (d->first_len > 0) {
		n = (ssize_t)(d->first_len < len ? d->first_len : len);
		memcpy(buf, d->first, (size_t)n);
		d->first_len = 0;
		return n;
	}
	n = recv(d->fd, buf, len, MSG_DONTWAIT);
	if (n < 0) {
		gnutls_transport_set_errno(d->s, errno == EWOULDBLOCK ? EAGAIN : errno);
		return n;
	}
	/* an epoch-0 handshake record on a live session: the client starts over (rekey) */
	if (d->up && n >= 13 && n <= (ssize_t)sizeof(d->first) && ((uint8_t *)buf)[0] == 22 &&
	    ((uint8_t *)buf)[3] == 0 && ((uint8_t *)buf)[4] == 0) {
		memcpy(d->first, buf, (size_t)n);
		d->first_len = (size_t)n;
		d->restart = true;
		gnutls_transport_set_errno(d->s, EAGAIN);
		return -1;
	}
	return n;
}

static ssize_t push(gnutls_transport_ptr_t ptr, const void *buf, size_t len)
{
	struct wk_dtls *d = ptr;
	ssize_t n = send(d->fd, buf, len, MSG_DONTWAIT);

	if (n < 0) {
		d->push_errno = errno;
		gnutls_transport_set_errno(d->s, errno == EWOULDBLOCK ? EAGAIN : errno);
	}
	return n;
}

static int pull_timeout(gnutls_transport_ptr_t ptr, unsigned ms)
{
	struct wk_dtls *d = ptr;
	struct pollfd pfd = { .fd = d->fd, .events = POLLIN };

	if (d->first_len > 0)
		return 1;
	return poll(&pfd, 1, (int)ms);
}

void wk_dtls_close(struct wk_dtls *d)
{
	if (d->s != NULL) {
		gnutls_deinit(d->s);
		d->s = NULL;
	}
	if (d->fd >= 0) {
		close(d->fd);
		d->fd = -1;
	}
	d->up = false;
	d->first_len = 0;
}

/* a new server session on d->fd that starts with the datagram in d->first */
static int session_init(struct wk_dtls *d)
{
	const char *err = NULL;
	int rc;

	d->up = false;
	d->restart = false;
	if ((rc = gnutls_init(&d->s, GNUTLS_SERVER | GNUTLS_DATAGRAM | GNUTLS_NONBLOCK)) < 0 ||
	    (rc = gnutls_priority_set_direct(d->s, d->priorities, &err)) < 0 ||
	    (rc = d->suite ? prime_legacy(d) : gnutls_credentials_set(d->s, GNUTLS_CRD_PSK, d->cred)) < 0) {
		log_err("DTLS setup failed: %s", gnutls_strerror(rc));
		wk_dtls_close(d);
		return -EIO;
	}
	gnutls_session_set_ptr(d->s, d);
	gnutls_transport_set_ptr(d->s, d);
	gnutls_transport_set_push_function(d->s, push);
	gnutls_transport_set_pull_function(d->s, pull);
	gnutls_transport_set_pull_timeout_function(d->s, pull_timeout);
	gnutls_dtls_set_mtu(d->s, d->udp_mtu);
	gnutls_dtls_set_timeouts(d->s, DTLS_RETRANS_MS, DTLS_TOTAL_MS);
	return 0;
}

int wk_dtls_accept(struct wk_dtls *d, int fd, const uint8_t *first, size_t len)
{
	wk_dtls_close(d);
	d->fd = fd;
	if (len > sizeof(d->first))
		len = 0;
	memcpy(d->first, first, len);
	d->first_len = len;
	return session_init(d);
}

/*
 * The client rekeys DTLS with a brand-new handshake from the same port (the
 * datagram is in d->first): a new session on the same socket, not a
 * renegotiation of the old one.
 */
static int restart_session(struct wk_dtls *d)
{
	gnutls_deinit(d->s);
	d->s = NULL;
	return session_init(d);
}

ssize_t wk_dtls_rebind(struct wk_dtls *d, int fd, const uint8_t *first, size_t len,
		       uint8_t *buf, size_t buf_len)
{
	int old = d->fd;
	ssize_t n;

	if (d->s == NULL || !d->up || len > sizeof(d->first)) {
		close(fd);
		return -ENOTCONN;
	}
	/* try the datagram through the new socket; only a record our keys accept moves us */
	d->fd = fd;
	memcpy(d->first, first, len);
	d->first_len = len;
	n = gnutls_record_recv(d->s, buf, buf_len);
	d->first_len = 0;
	if (n <= 0) {
		d->fd = old;
		close(fd);
		return -EPERM;
	}
	close(old);
	return n;
}

int wk_dtls_fd(const struct wk_dtls *d)
{
	return d->fd;
}

bool wk_dtls_up(const struct wk_dtls *d)
{
	return d->up;
}

int wk_dtls_handshake(struct wk_dtls *d)
{
	int rc;

	if (d->s == NULL)
		return -ENOTCONN;
	if (d->up)
		return 1;
	rc = gnutls_handshake(d->s);
	if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED)
		return 0;
	if (rc < 0) {
		log_info("DTLS handshake failed: %s", gnutls_strerror(rc));
		wk_dtls_close(d);
		return -EPROTO;
	}
	d->up = true;
	return 1;
}

int wk_dtls_timeout_ms(const struct wk_dtls *d)
{
	if (d->s == NULL || d->up)
		return -1;
	return (int)gnutls_dtls_get_timeout(d->s);
}

ssize_t wk_dtls_recv(struct wk_dtls *d, uint8_t *buf, size_t len)
{
	ssize_t n;

	if (!d->up)
		return 0;
	n = gnutls_record_recv(d->s, buf, len);
	if (d->restart) {
		log_debug("DTLS: the client starts a new handshake; new session");
		if (restart_session(d) < 0)
			wk_dtls_close(d);
		return 0;       /* the tunnel drives the handshake; data goes over TLS meanwhile */
	}
	if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
		return 0;
	if (n == GNUTLS_E_REHANDSHAKE) {
		/* the client rekeys DTLS: run the handshake again; data goes over TLS meanwhile */
		d->up = false;
		return 0;
	}
	/* forged or replayed datagrams must not tear the channel down */
	if (n < 0 && !gnutls_error_is_fatal((int)n))
		return 0;
	if (n <= 0) {
		log_info("DTLS channel closed: %s", n == 0 ? "peer sent close" : gnutls_strerror((int)n));
		wk_dtls_close(d);
		return -EPIPE;
	}
	return n;
}

void wk_dtls_track_pmtu(int fd)
{
	int on = IP_PMTUDISC_DO;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return;
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &on, sizeof(on));
	else
		setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &on, sizeof(on));
}

/* the kernel knows the path MTU after an EMSGSIZE: size our records to it */
static void adopt_path_mtu(struct wk_dtls *d)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss), olen;
	int mtu = 0;
	unsigned hdr;

	if (getsockname(d->fd, (struct sockaddr *)&ss, &len) < 0)
		return;
	olen = sizeof(mtu);
	if (ss.ss_family == AF_INET6) {
		hdr = 40 + 8;
		if (getsockopt(d->fd, IPPROTO_IPV6, IPV6_MTU, &mtu, &olen) < 0)
			return;
	} else {
		hdr = 20 + 8;
		if (getsockopt(d->fd, IPPROTO_IP, IP_MTU, &mtu, &olen) < 0)
			return;
	}
	if (mtu <= (int)hdr + 128 || (unsigned)mtu - hdr >= d->udp_mtu)
		return;
	d->udp_mtu = (unsigned)mtu - hdr;
	gnutls_dtls_set_mtu(d->s, d->udp_mtu);
}

int wk_dtls_send(struct wk_dtls *d, const uint8_t *buf, size_t len)
{
	ssize_t n;

	if (!d->up)
		return -ENOTCONN;
	d->push_errno = 0;
	n = gnutls_record_send(d->s, buf, len);
	if (n == GNUTLS_E_LARGE_PACKET)
		return -EMSGSIZE;
	if (n < 0 && d->push_errno == EMSGSIZE) {
		adopt_path_mtu(d);
		return -EMSGSIZE;
	}
	if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
		return -EAGAIN;
	return n < 0 ? -EIO : 0;
}

void wk_dtls_set_udp_mtu(struct wk_dtls *d, unsigned udp_mtu)
{
	d->udp_mtu = udp_mtu;
	if (d->s != NULL)
		gnutls_dtls_set_mtu(d->s, udp_mtu);
}

unsigned wk_dtls_data_mtu(const struct wk_dtls *d)
{
	return d->up ? gnutls_dtls_get_data_mtu(d->s) : 0;
}

char *wk_dtls_desc(const struct wk_dtls *d)
{
	return d->s != NULL ? gnutls_session_get_desc(d->s) : NULL;
}
