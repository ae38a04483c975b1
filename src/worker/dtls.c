/* worker/dtls.c: DTLS over a connected UDP socket, PSK-NEGOTIATE mode. Runs in: worker. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <gnutls/dtls.h>

#include "common/log.h"
#include "worker/dtls.h"

#define DTLS_RETRANS_MS 1000
#define DTLS_TOTAL_MS 60000
#define DTLS_MAX_HELLO 2048

struct wk_dtls {
	char *priorities;
	uint8_t psk[32];
	unsigned udp_mtu;
	gnutls_psk_server_credentials_t cred;
	gnutls_session_t s;
	int fd;
	bool up;
	uint8_t first[DTLS_MAX_HELLO];  /* the hello main read for us, served first */
	size_t first_len;
};

static int dtls_destroy(struct wk_dtls *d)
{
	wk_dtls_close(d);
	if (d->cred != NULL)
		gnutls_psk_free_server_credentials(d->cred);
	gnutls_memset(d->psk, 0, sizeof(d->psk));
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
	if (n < 0)
		gnutls_transport_set_errno(d->s, errno == EWOULDBLOCK ? EAGAIN : errno);
	return n;
}

static ssize_t push(gnutls_transport_ptr_t ptr, const void *buf, size_t len)
{
	struct wk_dtls *d = ptr;
	ssize_t n = send(d->fd, buf, len, MSG_DONTWAIT);

	if (n < 0)
		gnutls_transport_set_errno(d->s, errno == EWOULDBLOCK ? EAGAIN : errno);
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

int wk_dtls_accept(struct wk_dtls *d, int fd, const uint8_t *first, size_t len)
{
	const char *err = NULL;
	int rc;

	wk_dtls_close(d);
	d->fd = fd;
	if (len > sizeof(d->first))
		len = 0;
	memcpy(d->first, first, len);
	d->first_len = len;
	if ((rc = gnutls_init(&d->s, GNUTLS_SERVER | GNUTLS_DATAGRAM | GNUTLS_NONBLOCK)) < 0 ||
	    (rc = gnutls_priority_set_direct(d->s, d->priorities, &err)) < 0 ||
	    (rc = gnutls_credentials_set(d->s, GNUTLS_CRD_PSK, d->cred)) < 0) {
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
	if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED || n == GNUTLS_E_REHANDSHAKE)
		return 0;
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

int wk_dtls_send(struct wk_dtls *d, const uint8_t *buf, size_t len)
{
	ssize_t n;

	if (!d->up)
		return -ENOTCONN;
	n = gnutls_record_send(d->s, buf, len);
	if (n == GNUTLS_E_LARGE_PACKET)
		return -EMSGSIZE;
	if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
		return -EAGAIN;
	return n < 0 ? -EIO : 0;
}

unsigned wk_dtls_data_mtu(const struct wk_dtls *d)
{
	return d->up ? gnutls_dtls_get_data_mtu(d->s) : 0;
}

char *wk_dtls_desc(const struct wk_dtls *d)
{
	return d->s != NULL ? gnutls_session_get_desc(d->s) : NULL;
}
