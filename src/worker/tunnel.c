/* worker/tunnel.c: the data loop between the CSTP channel and the tun device. Runs in: worker. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/ipc.h"
#include "common/log.h"
#include "common/pkt.h"
#include "ipc/ipc-msg.h"
#include "worker/cstp.h"
#include "worker/tunnel.h"
#include "worker/worker.h"

#define TUN_BATCH 32            /* packets read from tun per wake-up */
#define CSTP_MAX_PAYLOAD 16384

struct tunnel {
	struct wk *w;
	struct cstp_rx *rx;
	uint8_t frame[CSTP_HDR_LEN + CSTP_MAX_PAYLOAD];
	time_t last_rx;         /* anything from the client */
	time_t last_data;       /* a packet in either direction */
	time_t end;             /* session-timeout, 0 = none */
	unsigned dead_after;
	bool done;
};

static int send_frame(struct tunnel *t, uint8_t type, const void *payload, size_t len)
{
	if (len > CSTP_MAX_PAYLOAD)
		return -EMSGSIZE;
	cstp_format_header(t->frame, type, (uint16_t)len);
	if (len > 0)
		memcpy(t->frame + CSTP_HDR_LEN, payload, len);
	/* one frame per TLS record: openconnect reads exactly one per record */
	return wk_send_all(t->w, t->frame, CSTP_HDR_LEN + len);
}

static void finish(struct tunnel *t, unsigned reason)
{
	t->done = true;
	if (t->w->bye_reason == 0)
		t->w->bye_reason = reason;
}

static int handle_frame(struct tunnel *t, const struct cstp_hdr *h, const uint8_t *p)
{
	struct wk *w = t->w;

	switch (h->type) {
	case CSTP_DATA:
		if (h->len == 0)
			return 0;
		w->rx_bytes += h->len;
		t->last_data = t->last_rx;
		if (write(w->tun_fd, p, h->len) < 0 && errno != EAGAIN && errno != EINVAL)
			return -errno;
		return 0;
	case CSTP_DPD_REQ:
		/* echo the payload unchanged: clients match probes by content and size */
		return send_frame(t, CSTP_DPD_RESP, p, h->len);
	case CSTP_DPD_RESP:
	case CSTP_KEEPALIVE:
		return 0;
	case CSTP_DISCONNECT:
		log_info("user '%s' sent BYE (reason 0x%02x)", w->username ? w->username : "",
			 h->len > 0 ? p[0] : 0);
		/* 0x91 means "reconnecting": keep the cookie */
		finish(t, h->len > 0 && p[0] == 0x91 ? DISC_ANY : DISC_USER);
		return 0;
	case CSTP_COMPRESSED:
		log_debug("compressed packet while compression is off; dropped");
		return 0;
	default:
		log_debug("unknown CSTP packet type 0x%02x ignored", h->type);
		return 0;
	}
}

static int read_client(struct tunnel *t)
{
	struct wk *w = t->w;
	uint8_t buf[CSTP_HDR_LEN + CSTP_MAX_PAYLOAD];
	const uint8_t *payload;
	struct cstp_hdr h;
	ssize_t n;
	int rc;

	n = gnutls_record_recv(w->tls, buf, sizeof(buf));
	if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
		return 0;
	if (n == GNUTLS_E_REHANDSHAKE || n == GNUTLS_E_GOT_APPLICATION_DATA)
		return 0;
	if (n <= 0) {
		log_info("user '%s': TLS connection closed (%s)", w->username ? w->username : "",
			 n == 0 ? "EOF" : gnutls_strerror((int)n));
		finish(t, DISC_ANY);
		return 0;
	}
	t->last_rx = time(NULL);
	if ((rc = cstp_rx_feed(t->rx, buf, (size_t)n)) < 0)
		return rc;
	while ((rc = cstp_rx_pop(t->rx, &h, &payload)) == 1 && !t->done)
		if ((rc = handle_frame(t, &h, payload)) < 0)
			return rc;
	return rc < 0 ? rc : 0;
}

static int read_tun(struct tunnel *t)
{
	struct wk *w = t->w;
	uint8_t pkt[CSTP_MAX_PAYLOAD];

	for (int i = 0; i < TUN_BATCH; i++) {
		ssize_t n = read(w->tun_fd, pkt, sizeof(pkt));

		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		if (n == 0)
			return -EPIPE;
		w->tx_bytes += (uint64_t)n;
		t->last_data = time(NULL);
		if (send_frame(t, CSTP_DATA, pkt, (size_t)n) < 0) {
			finish(t, DISC_ANY);
			return 0;
		}
	}
	return 0;
}

static void read_main(struct tunnel *t)
{
	TALLOC_CTX *tmp = talloc_new(t);
	struct ipc_msg m;
	static const char bye[] = "\x00Server request";

	if (ipc_recv(t->w->main_fd, tmp, &m) < 0 || m.type == IPC_MAIN_WK_TERMINATE) {
		send_frame(t, CSTP_DISCONNECT, bye, sizeof(bye) - 1);
		finish(t, DISC_SERVER);
	}
	if (m.fd >= 0)
		close(m.fd);
	talloc_free(tmp);
}

static int check_timers(struct tunnel *t, time_t now)
{
	static const char expired[] = "\x00Session expired";
	const struct cfg *c = t->w->cfg;

	if (t->end != 0 && now >= t->end) {
		send_frame(t, CSTP_DISCONNECT, expired, sizeof(expired) - 1);
		finish(t, DISC_SESSION_TIMEOUT);
	} else if (c->idle_timeout > 0 && now - t->last_data >= (time_t)c->idle_timeout) {
		log_info("user '%s' idle for %u s", t->w->username, c->idle_timeout);
		finish(t, DISC_IDLE);
	} else if (t->dead_after > 0 && now - t->last_rx >= (time_t)t->dead_after) {
		log_info("user '%s': peer silent for %u s (DPD)", t->w->username, t->dead_after);
		finish(t, DISC_DPD);
	}
	return 0;
}

static void report(struct wk *w)
{
	SessionInfo i = SESSION_INFO__INIT;
	TunMtu mtu = TUN_MTU__INIT;
	char *desc = gnutls_session_get_desc(w->tls);

	i.tls_ciphersuite = desc;
	i.user_agent = w->user_agent;
	i.hostname = w->creq.hostname;
	i.has_mtu = 1;
	i.mtu = w->data_mtu;
	ipc_send(w->main_fd, IPC_WK_MAIN_SESSION_INFO, &i.base, -1);
	gnutls_free(desc);
	mtu.mtu = w->data_mtu;
	ipc_send(w->main_fd, IPC_WK_MAIN_TUN_MTU, &mtu.base, -1);
}

static int loop(struct tunnel *t)
{
	struct wk *w = t->w;
	struct pollfd pfd[3] = {
		{ .fd = w->client_fd, .events = POLLIN },
		{ .fd = w->tun_fd, .events = POLLIN },
		{ .fd = w->main_fd, .events = POLLIN },
	};
	int rc = 0;

	while (!t->done && rc == 0) {
		int timeout = gnutls_record_check_pending(w->tls) > 0 ? 0 : 1000;

		if (poll(pfd, 3, timeout) < 0 && errno != EINTR)
			return -errno;
		if ((pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) || timeout == 0)
			rc = read_client(t);
		if (rc == 0 && !t->done && (pfd[1].revents & POLLIN))
			rc = read_tun(t);
		if (rc == 0 && (pfd[2].revents & (POLLIN | POLLHUP)))
			read_main(t);
		if (rc == 0)
			rc = check_timers(t, time(NULL));
	}
	return rc;
}

int wk_tunnel_run(struct wk *w, const uint8_t *extra, size_t extra_len)
{
	struct tunnel *t = talloc_zero(w, struct tunnel);
	char *reply;
	int rc;

	if (t == NULL || (t->rx = cstp_rx_new(t, CSTP_MAX_PAYLOAD)) == NULL)
		return -ENOMEM;
	t->w = w;
	t->last_rx = t->last_data = time(NULL);
	t->dead_after = w->cfg->dpd ? 3 * w->cfg->dpd : 0;
	if (w->tunnel->has_session_timeout_remaining && w->cfg->session_timeout > 0)
		t->end = t->last_rx + w->tunnel->session_timeout_remaining;
	fcntl(w->tun_fd, F_SETFL, O_NONBLOCK);
	reply = wk_cstp_reply(w, t);
	if (reply == NULL || wk_send_all(w, reply, strlen(reply)) < 0)
		return -EIO;
	report(w);
	log_info("user '%s' tunnel up (MTU %u)", w->username, w->data_mtu);
	if (extra_len > 0 && cstp_rx_feed(t->rx, extra, extra_len) < 0)
		return -EPROTO;
	rc = loop(t);
	if (rc < 0) {
		log_info("user '%s': tunnel ended on error (%s)", w->username, strerror(-rc));
		if (w->bye_reason == 0)
			w->bye_reason = DISC_ERROR;
	}
	talloc_free(t);
	return rc;
}
