/* worker/tunnel.c: the data loop between the client's channels (CSTP, DTLS) and the tun device. Runs in: worker. */
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
#include "worker/dtls.h"
#include "worker/tunnel.h"
#include "worker/worker.h"

#define TUN_BATCH 32            /* packets read from tun per wake-up */
#define CSTP_MAX_PAYLOAD 16384

enum chan { CHAN_CSTP, CHAN_DTLS };

struct tunnel {
	struct wk *w;
	struct cstp_rx *rx;
	/* room for a CSTP header in front; a DTLS record starts CSTP_HDR_LEN - 1 in */
	uint8_t frame[CSTP_HDR_LEN + CSTP_MAX_PAYLOAD];
	uint8_t zbuf[CSTP_MAX_PAYLOAD];  /* compressed out, decompressed in */
	uint64_t comp_errors;   /* compressed packets that failed to decompress */
	time_t last_rx;         /* anything from the client, either channel */
	time_t last_dtls_rx;
	time_t last_data;       /* a packet in either direction */
	time_t end;             /* session-timeout, 0 = none */
	bool udp_quiet;         /* switched to TLS because UDP went silent */
	unsigned dead_after;
	bool done;
};

/* payload must already sit at t->frame + CSTP_HDR_LEN (or be copied there) */
static int send_cstp(struct tunnel *t, uint8_t type, const void *payload, size_t len)
{
	if (len > CSTP_MAX_PAYLOAD)
		return -EMSGSIZE;
	cstp_format_header(t->frame, type, (uint16_t)len);
	if (len > 0 && payload != t->frame + CSTP_HDR_LEN)
		memmove(t->frame + CSTP_HDR_LEN, payload, len);
	/* one frame per TLS record: openconnect reads exactly one per record */
	return wk_send_all(t->w, t->frame, CSTP_HDR_LEN + len);
}

/* a DTLS record is the type byte then the payload, no length */
static int send_dtls(struct tunnel *t, uint8_t type, const void *payload, size_t len)
{
	uint8_t *rec = t->frame + CSTP_HDR_LEN - 1;

	if (len > 0 && payload != rec + 1)
		memmove(rec + 1, payload, len);
	rec[0] = type;
	return wk_dtls_send(t->w->dtls, rec, len + 1);
}

static bool dtls_usable(struct tunnel *t, time_t now)
{
	unsigned stt = t->w->cfg->switch_to_tcp_timeout;

	bool quiet;

	if (t->w->dtls == NULL || !wk_dtls_up(t->w->dtls))
		return false;
	/* UDP has gone quiet: keep data flowing over TLS until it speaks again */
	quiet = stt != 0 && now - t->last_dtls_rx >= (time_t)stt;
	if (quiet != t->udp_quiet)
		log_info("user '%s': %s", t->w->username, quiet ?
			 "no UDP message for switch-to-tcp-timeout; sending over TLS" :
			 "UDP is back; sending over DTLS");
	t->udp_quiet = quiet;
	return !quiet;
}

/*
 * Compress when the channel negotiated it and the packet is worth it; only a
 * packet that shrinks goes as COMPRESSED, everything else as DATA.
 */
static int send_on(struct tunnel *t, enum chan ch, const uint8_t *pkt, size_t len)
{
	enum comp_method m = ch == CHAN_DTLS ? t->w->dtls_comp : t->w->cstp_comp;
	uint8_t type = CSTP_DATA;
	int n;

	if (m != COMP_NONE && len >= t->w->cfg->no_compress_limit &&
	    (n = comp_compress(m, pkt, len, t->zbuf, len - 1)) > 0) {
		pkt = t->zbuf;
		len = (size_t)n;
		type = CSTP_COMPRESSED;
	}
	if (ch == CHAN_DTLS)
		return send_dtls(t, type, pkt, len);
	return send_cstp(t, type, pkt, len);
}

/* The kernel learned a smaller path MTU: shrink the tunnel so packets fit DTLS again. */
static void path_mtu_changed(struct tunnel *t)
{
	struct wk *w = t->w;
	unsigned mtu = wk_dtls_data_mtu(w->dtls);
	TunMtu m = TUN_MTU__INIT;

	if (mtu < 2 || mtu - 1 >= w->data_mtu || mtu - 1 < 576)
		return;
	log_info("user '%s': path MTU shrank; tunnel MTU %u -> %u", w->username, w->data_mtu,
		 mtu - 1);
	w->data_mtu = mtu - 1;
	m.mtu = w->data_mtu;
	ipc_send(w->main_fd, IPC_WK_MAIN_TUN_MTU, &m.base, -1);
}

/*
 * A DPD probe bigger than our tunnel MTU came through: after a path-MTU drop,
 * the path has recovered. Grow back, never beyond what the link allows.
 */
static void path_mtu_grew(struct tunnel *t, size_t probe)
{
	struct wk *w = t->w;
	TunMtu m = TUN_MTU__INIT;
	unsigned want = probe < w->max_data_mtu ? (unsigned)probe : w->max_data_mtu;

	if (!w->cfg->try_mtu_discovery || want <= w->data_mtu)
		return;
	wk_dtls_set_udp_mtu(w->dtls, w->udp_mtu);
	log_info("user '%s': larger packets cross again; tunnel MTU %u -> %u", w->username,
		 w->data_mtu, want);
	w->data_mtu = want;
	m.mtu = want;
	ipc_send(w->main_fd, IPC_WK_MAIN_TUN_MTU, &m.base, -1);
}

/* a data packet to the client: DTLS when it works, TLS otherwise */
static int send_packet(struct tunnel *t, const uint8_t *pkt, size_t len, time_t now)
{
	if (dtls_usable(t, now)) {
		int rc = send_on(t, CHAN_DTLS, pkt, len);

		if (rc == 0)
			return 0;
		if (rc == -EMSGSIZE)
			path_mtu_changed(t);
		if (rc != -EMSGSIZE && rc != -EAGAIN)
			log_debug("DTLS send failed (%s); using TLS", strerror(-rc));
	}
	return send_on(t, CHAN_CSTP, pkt, len);
}

static void finish(struct tunnel *t, unsigned reason)
{
	t->done = true;
	if (t->w->bye_reason == 0)
		t->w->bye_reason = reason;
}

static int write_tun(struct tunnel *t, const uint8_t *p, size_t len)
{
	t->w->rx_bytes += len;
	t->last_data = t->last_rx;
	if (write(t->w->tun_fd, p, len) < 0 && errno != EAGAIN && errno != EINVAL)
		return -errno;
	return 0;
}

/* a damaged packet is dropped and counted; the tunnel stays up */
static int handle_compressed(struct tunnel *t, enum chan ch, const uint8_t *p, size_t len)
{
	enum comp_method m = ch == CHAN_DTLS ? t->w->dtls_comp : t->w->cstp_comp;
	int n;

	if (m == COMP_NONE) {
		t->comp_errors++;
		log_debug("compressed packet on a channel without compression; dropped");
		return 0;
	}
	n = comp_decompress(m, p, len, t->zbuf, sizeof(t->zbuf));
	if (n <= 0) {
		t->comp_errors++;
		log_debug("%s packet of %zu bytes failed to decompress; dropped", comp_name(m), len);
		return 0;
	}
	return write_tun(t, t->zbuf, (size_t)n);
}

static int handle_packet(struct tunnel *t, enum chan ch, uint8_t type, const uint8_t *p, size_t len)
{
	struct wk *w = t->w;

	switch (type) {
	case CSTP_DATA:
		return len > 0 ? write_tun(t, p, len) : 0;
	case CSTP_DPD_REQ:
		/* echo the payload unchanged: clients match MTU probes by content and size */
		if (ch == CHAN_CSTP)
			return send_cstp(t, CSTP_DPD_RESP, p, len);
		if (len > w->data_mtu)
			path_mtu_grew(t, len);
		if (send_dtls(t, CSTP_DPD_RESP, p, len) == -EMSGSIZE)
			send_dtls(t, CSTP_DPD_RESP, NULL, 0);
		return 0;
	case CSTP_DPD_RESP:
	case CSTP_KEEPALIVE:
		return 0;
	case CSTP_DISCONNECT:
		log_info("user '%s' sent BYE (reason 0x%02x)", w->username ? w->username : "",
			 len > 0 ? p[0] : 0);
		/* 0x91 means "reconnecting": keep the cookie */
		finish(t, len > 0 && p[0] == 0x91 ? DISC_ANY : DISC_USER);
		return 0;
	case CSTP_COMPRESSED:
		return handle_compressed(t, ch, p, len);
	default:
		log_debug("unknown packet type 0x%02x ignored", type);
		return 0;
	}
}

/*
 * The client renegotiates TLS 1.2 (rekey-method ssl); TLS 1.3 key updates
 * never get here, GnuTLS answers them inside record_recv.
 */
static int rekey(struct tunnel *t)
{
	int rc;

	if (!gnutls_safe_renegotiation_status(t->w->tls)) {
		log_info("user '%s': unsafe renegotiation refused", t->w->username);
		return 0;
	}
	do
		rc = gnutls_handshake(t->w->tls);
	while (rc < 0 && !gnutls_error_is_fatal(rc));
	if (rc < 0) {
		log_info("user '%s': TLS rekey failed: %s", t->w->username, gnutls_strerror(rc));
		finish(t, DISC_ERROR);
		return 0;
	}
	log_debug("user '%s': TLS session rekeyed", t->w->username);
	return 0;
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
	if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED || n == GNUTLS_E_GOT_APPLICATION_DATA)
		return 0;
	if (n == GNUTLS_E_REHANDSHAKE)
		return rekey(t);
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
		if ((rc = handle_packet(t, CHAN_CSTP, h.type, payload, h.len)) < 0)
			return rc;
	return rc < 0 ? rc : 0;
}

static void dtls_established(struct tunnel *t)
{
	struct wk *w = t->w;
	SessionInfo i = SESSION_INFO__INIT;
	char *desc = wk_dtls_desc(w->dtls);

	log_info("user '%s': DTLS established %s", w->username, desc ? desc : "");
	i.dtls_ciphersuite = desc;
	ipc_send(w->main_fd, IPC_WK_MAIN_SESSION_INFO, &i.base, -1);
	gnutls_free(desc);
	t->last_dtls_rx = time(NULL);
}

static int read_dtls(struct tunnel *t)
{
	struct wk *w = t->w;
	uint8_t buf[CSTP_MAX_PAYLOAD + 1];
	ssize_t n;
	int rc;

	if (!wk_dtls_up(w->dtls)) {
		rc = wk_dtls_handshake(w->dtls);
		if (rc == 1)
			dtls_established(t);
		return 0;       /* a failed handshake only costs the client its UDP */
	}
	for (int i = 0; i < TUN_BATCH && !t->done; i++) {
		n = wk_dtls_recv(w->dtls, buf, sizeof(buf));
		/* a rekeying client's new hello restarts the session: answer it now */
		if (n == 0 && !wk_dtls_up(w->dtls) && wk_dtls_fd(w->dtls) >= 0) {
			if (wk_dtls_handshake(w->dtls) == 1)
				dtls_established(t);
			return 0;
		}
		if (n <= 0)
			return 0;
		t->last_rx = t->last_dtls_rx = time(NULL);
		if ((rc = handle_packet(t, CHAN_DTLS, buf[0], buf + 1, (size_t)n - 1)) < 0)
			return rc;
	}
	return 0;
}

static int read_tun(struct tunnel *t)
{
	struct wk *w = t->w;
	uint8_t *pkt = t->frame + CSTP_HDR_LEN;

	for (int i = 0; i < TUN_BATCH; i++) {
		ssize_t n = read(w->tun_fd, pkt, CSTP_MAX_PAYLOAD);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		if (n == 0)
			return -EPIPE;
		w->tx_bytes += (uint64_t)n;
		t->last_data = time(NULL);
		if (send_packet(t, pkt, (size_t)n, t->last_data) < 0) {
			finish(t, DISC_ANY);
			return 0;
		}
	}
	return 0;
}

static void take_udp(struct tunnel *t, TALLOC_CTX *tmp, const struct ipc_msg *m)
{
	UdpFd *u = ipc_unpack(tmp, &udp_fd__descriptor, m);

	if (u == NULL || t->w->dtls == NULL || m->fd < 0) {
		if (m->fd >= 0)
			close(m->fd);
		return;
	}
	if (!u->hello) {
		uint8_t buf[CSTP_MAX_PAYLOAD + 1];
		ssize_t n = wk_dtls_rebind(t->w->dtls, m->fd, u->data.data, u->data.len, buf,
					   sizeof(buf));

		if (n <= 0)
			return;
		log_info("user '%s': DTLS peer moved; following it", t->w->username);
		t->last_rx = t->last_dtls_rx = time(NULL);
		handle_packet(t, CHAN_DTLS, buf[0], buf + 1, (size_t)n - 1);
		return;
	}
	if (t->w->cfg->try_mtu_discovery)
		wk_dtls_track_pmtu(m->fd);
	if (wk_dtls_accept(t->w->dtls, m->fd, u->data.data, u->data.len) < 0)
		return;
	if (wk_dtls_handshake(t->w->dtls) == 1)
		dtls_established(t);
}

static void read_main(struct tunnel *t)
{
	static const char bye[] = "\x00Server request";
	TALLOC_CTX *tmp = talloc_new(t);
	struct ipc_msg m;

	if (ipc_recv(t->w->main_fd, tmp, &m) < 0 || m.type == IPC_MAIN_WK_TERMINATE) {
		send_cstp(t, CSTP_DISCONNECT, bye, sizeof(bye) - 1);
		finish(t, DISC_SERVER);
		m.fd = m.fd >= 0 && m.type == IPC_MAIN_WK_TERMINATE ? m.fd : -1;
	} else if (m.type == IPC_MAIN_WK_UDP_FD) {
		take_udp(t, tmp, &m);
		m.fd = -1;      /* owned by the DTLS channel now */
	}
	if (m.fd >= 0)
		close(m.fd);
	talloc_free(tmp);
}

static void check_timers(struct tunnel *t, time_t now)
{
	static const char expired[] = "\x00Session expired";

	if (t->end != 0 && now >= t->end) {
		send_cstp(t, CSTP_DISCONNECT, expired, sizeof(expired) - 1);
		finish(t, DISC_SESSION_TIMEOUT);
	} else if (t->w->idle_timeout > 0 && now - t->last_data >= (time_t)t->w->idle_timeout) {
		log_info("user '%s' idle for %u s", t->w->username, t->w->idle_timeout);
		finish(t, DISC_IDLE);
	} else if (t->dead_after > 0 && now - t->last_rx >= (time_t)t->dead_after) {
		log_info("user '%s': peer silent for %u s (DPD)", t->w->username, t->dead_after);
		finish(t, DISC_DPD);
	}
}

static void report(struct wk *w)
{
	SessionInfo i = SESSION_INFO__INIT;
	TunMtu mtu = TUN_MTU__INIT;
	char *desc = gnutls_session_get_desc(w->tls);

	i.tls_ciphersuite = desc;
	i.cstp_compr = (char *)comp_name(w->cstp_comp);
	i.dtls_compr = (char *)comp_name(w->dtls_comp);
	i.user_agent = w->user_agent;
	i.hostname = w->creq.hostname;
	i.has_mtu = 1;
	i.mtu = w->data_mtu;
	ipc_send(w->main_fd, IPC_WK_MAIN_SESSION_INFO, &i.base, -1);
	gnutls_free(desc);
	mtu.mtu = w->data_mtu;
	ipc_send(w->main_fd, IPC_WK_MAIN_TUN_MTU, &mtu.base, -1);
}

static int poll_timeout(struct tunnel *t)
{
	int ms = 1000, hs;

	if (gnutls_record_check_pending(t->w->tls) > 0)
		return 0;
	if (t->w->dtls != NULL && (hs = wk_dtls_timeout_ms(t->w->dtls)) >= 0 && hs < ms)
		ms = hs;
	return ms;
}

static int loop(struct tunnel *t)
{
	struct wk *w = t->w;
	struct pollfd pfd[4] = {
		{ .fd = w->client_fd, .events = POLLIN },
		{ .fd = w->tun_fd, .events = POLLIN },
		{ .fd = w->main_fd, .events = POLLIN },
		{ .fd = -1, .events = POLLIN },
	};
	int rc = 0;

	while (!t->done && rc == 0) {
		int timeout = poll_timeout(t), n;

		pfd[3].fd = w->dtls != NULL ? wk_dtls_fd(w->dtls) : -1;
		n = poll(pfd, 4, timeout);
		if (n < 0 && errno != EINTR)
			return -errno;
		if ((pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) || timeout == 0)
			rc = read_client(t);
		if (rc == 0 && pfd[3].fd >= 0 && ((pfd[3].revents & POLLIN) || n == 0))
			rc = read_dtls(t);
		if (rc == 0 && !t->done && (pfd[1].revents & POLLIN))
			rc = read_tun(t);
		if (rc == 0 && (pfd[2].revents & (POLLIN | POLLHUP)))
			read_main(t);
		if (rc == 0)
			check_timers(t, time(NULL));
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
	/* the client probes after dpd seconds of silence; three periods without a word is dead */
	t->dead_after = w->dpd ? 3 * w->dpd : 0;
	if (w->tunnel->has_session_timeout_remaining && w->cfg->session_timeout > 0)
		t->end = t->last_rx + w->tunnel->session_timeout_remaining;
	fcntl(w->tun_fd, F_SETFL, O_NONBLOCK);
	reply = wk_cstp_reply(w, t);
	if (reply == NULL || wk_send_all(w, reply, strlen(reply)) < 0)
		return -EIO;
	report(w);
	log_info("user '%s' tunnel up (MTU %u%s, compression CSTP %s, DTLS %s)", w->username,
		 w->data_mtu, w->dtls_offered ? ", DTLS offered" : "",
		 comp_name(w->cstp_comp) ?: "none", comp_name(w->dtls_comp) ?: "none");
	if (extra_len > 0 && cstp_rx_feed(t->rx, extra, extra_len) < 0)
		return -EPROTO;
	rc = loop(t);
	if (t->comp_errors > 0)
		log_info("user '%s': %llu compressed packets could not be decompressed",
			 w->username, (unsigned long long)t->comp_errors);
	if (rc < 0) {
		log_info("user '%s': tunnel ended on error (%s)", w->username, strerror(-rc));
		if (w->bye_reason == 0)
			w->bye_reason = DISC_ERROR;
	}
	talloc_free(t);
	return rc;
}
