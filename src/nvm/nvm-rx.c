/* nvm/nvm-rx.c: collector sockets and the decoder -> store glue. Runs in: ocserv-nvm. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "nvm/nvm-db.h"
#include "nvm/nvm-dtls.h"
#include "nvm/nvm-int.h"
#include "nvm/nvm-sess.h"

#define RX_BURST 64                     /* datagrams per wake-up, then other sockets' turn */
#define RX_BATCH 16                     /* datagrams per recvmmsg */
#define RX_DGRAM 9216                   /* IPFIX over UDP stays below the path MTU; jumbo at most */

struct rx_batch {
	struct mmsghdr msg[RX_BATCH];
	struct iovec iov[RX_BATCH];
	struct sockaddr_storage from[RX_BATCH];
	uint8_t buf[RX_BATCH][RX_DGRAM];
};
#define RX_RCVBUF (32 * 1024 * 1024)    /* bursts arrive while a batch commits */

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The VPN session behind a record: its exporter address first, then the flow's source. */
static const struct nvm_sess_info *link_of(struct nvm_ctx *n, const struct nvm_record *rec)
{
	const struct nvm_exporter_info *e = rec->exporter;
	const struct nvm_sess_info *s;
	const struct nvm_value *src;

	s = nvm_sess_find(n->sess, e->addr, e->family == AF_INET6 ? 16 : 4);
	if (s != NULL)
		return s;
	src = rec->named[NVZ_COL_SRC_V4] ? rec->named[NVZ_COL_SRC_V4]
					 : rec->named[NVZ_COL_SRC_V6];
	if (src != NULL && (src->kind == NVZ_KIND_IPV4 || src->kind == NVZ_KIND_IPV6))
		return nvm_sess_find(n->sess, src->p, src->len);
	return NULL;
}

static int on_record(void *arg, const struct nvm_record *rec)
{
	struct nvm_ctx *n = arg;
	const struct nvm_sess_info *s;
	int rc;

	if (n->cfg->nvm_max_rate != 0 &&
	    !nvm_exporter_rate_ok(nvm_exporter_of(rec->exporter), mono_ms(), n->cfg->nvm_max_rate)) {
		rec->exporter->cnt.drop_rate++;
		return 0;
	}
	rc = nvm_store_record(n->store, rec);
	if (rc < 0) {
		n->store_errors++;      /* logged by the store; the next record may fare better */
		return 0;
	}
	n->stored++;
	if (nvm_sess_count(n->sess) == 0 || (s = link_of(n, rec)) == NULL)
		return 0;
	if (nvm_db_link_last(n->db, (enum nvz_rec_type)rec->tmpl->rec_type, s->user,
			     s->session) < 0)
		n->store_errors++;
	return 0;
}

static int on_template(void *arg, struct nvm_exporter_info *exp, uint32_t odid,
		       const struct nvm_tmpl *t, bool withdrawn)
{
	struct nvm_ctx *n = arg;

	/* a template that is not persisted still decodes until the next restart */
	if (nvm_store_template(n->store, exp, odid, t, withdrawn) < 0)
		n->store_errors++;
	return 0;
}

int nvm_rx_decoder(struct nvm_ctx *n)
{
	struct nvm_decoder_cfg dc = { 0 };     /* default caps (tmpl.h); rate is ours, per record */
	struct nvm_decoder_ops ops = { .on_record = on_record, .on_template = on_template,
				       .arg = n };

	n->dec = nvm_decoder_new(n, &dc, &ops);
	return n->dec != NULL ? 0 : -ENOMEM;
}

void nvm_rx_ipfix(struct nvm_ctx *n, const struct sockaddr *from, socklen_t fromlen,
		  const uint8_t *buf, size_t len)
{
	/* every failure is counted per exporter by the decoder; nothing to add here */
	(void)nvm_decoder_feed(n->dec, from, fromlen, buf, len);
}

/* DTLS records start with a content type 20..25; IPFIX with version 0x000a */
static bool is_dtls(const uint8_t *buf, size_t len)
{
	return len > 0 && buf[0] >= 20 && buf[0] <= 25;
}

static void dispatch(struct nvm_ctx *n, int fd, struct sockaddr *from, socklen_t flen,
		     uint8_t *buf, size_t len)
{
	if (n->dtls != NULL && is_dtls(buf, len))
		nvm_dtls_input(n->dtls, n, fd, from, flen, buf, len);
	else if (n->dtls != NULL)
		n->plain_refused++;     /* nvm-dtls: plain IPFIX is not accepted */
	else
		nvm_rx_ipfix(n, from, flen, buf, len);
}

/*
 * recvmmsg: one system call for a batch of datagrams. At exporter rates the
 * wake-up and the call cost as much as decoding, so batching is what keeps
 * up without loss.
 */
static void udp_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct nvm_ctx *n = w->data;
	struct rx_batch *b = n->rx;
	int got;

	(void)loop;
	(void)revents;
	for (int round = 0; round < RX_BURST / RX_BATCH; round++) {
		for (int i = 0; i < RX_BATCH; i++) {
			b->iov[i] = (struct iovec){ b->buf[i], sizeof(b->buf[i]) };
			b->msg[i].msg_hdr = (struct msghdr){ .msg_name = &b->from[i],
				.msg_namelen = sizeof(b->from[i]), .msg_iov = &b->iov[i],
				.msg_iovlen = 1 };
		}
		got = recvmmsg(w->fd, b->msg, RX_BATCH, MSG_DONTWAIT, NULL);
		if (got <= 0)
			return;
		for (int i = 0; i < got; i++) {
			if (b->msg[i].msg_hdr.msg_flags & MSG_TRUNC) {
				n->rx_truncated++;
				continue;
			}
			dispatch(n, w->fd, (struct sockaddr *)&b->from[i], b->msg[i].msg_hdr.msg_namelen,
				 b->buf[i], b->msg[i].msg_len);
		}
		if (got < RX_BATCH)
			return;
	}
}

static int udp_one(struct nvm_ctx *n, const struct addrinfo *ai)
{
	int one = 1, sz = RX_RCVBUF, fd;

	if (n->n_udp >= NVM_MAX_UDP)
		return -ENOSPC;
	fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	n->udp_fd[n->n_udp++] = fd;
	return 0;
}

int nvm_rx_open(struct nvm_ctx *n)
{
	struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICSERV,
				  .ai_socktype = SOCK_DGRAM };
	struct addrinfo *res, *ai;
	char port[16];
	int rc;

	n->rx = talloc_zero(n, struct rx_batch);
	if (n->rx == NULL)
		return -ENOMEM;
	snprintf(port, sizeof(port), "%u", n->cfg->nvm_port);
	rc = getaddrinfo(n->cfg->nvm_listen_host, port, &hints, &res);
	if (rc != 0) {
		log_err("cannot resolve nvm-listen-host '%s': %s",
			n->cfg->nvm_listen_host ? n->cfg->nvm_listen_host : "*", gai_strerror(rc));
		return -EINVAL;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		rc = udp_one(n, ai);
		if (rc < 0)
			log_warn("cannot listen on UDP port %s (family %d): %s", port,
				 ai->ai_family, strerror(-rc));
	}
	freeaddrinfo(res);
	if (n->n_udp == 0) {
		log_err("no NVM collector socket could be opened on port %s", port);
		return -EADDRNOTAVAIL;
	}
	return 0;
}

void nvm_rx_start(struct nvm_ctx *n)
{
	for (unsigned i = 0; i < n->n_udp; i++) {
		ev_io_init(&n->udp_w[i], udp_cb, n->udp_fd[i], EV_READ);
		n->udp_w[i].data = n;
		ev_io_start(n->loop, &n->udp_w[i]);
	}
}
