/* nvm/nvm-ctl.c: answer the occtl NVM commands main hands over. Runs in: ocserv-nvm. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/ctl-frame.h"
#include "common/log.h"
#include "common/sock.h"
#include "ipc/ctl-msg.h"
#include "nvm/nvm-int.h"

#define CTL_CONN_MAX 16         /* connections being answered at once */
#define CTL_CONN_SECS 30.0      /* a reader that never drains its reply is dropped */

struct ctl_conn {
	struct nvm_ctx *n;
	int fd;
	ev_io w;
	ev_timer t;
	uint8_t *out;
	size_t len, off;
};

static int conn_destroy(struct ctl_conn *c)
{
	ev_io_stop(c->n->loop, &c->w);
	ev_timer_stop(c->n->loop, &c->t);
	close(c->fd);
	c->n->ctl_conns--;
	return 0;
}

static void query_of(const CtlNvmQuery *q, struct nvm_query *ret)
{
	ret->user = q->user && q->user[0] ? q->user : NULL;
	ret->since = q->has_since ? q->since : 0;
	ret->until = q->has_until && q->until > 0 ? q->until : INT64_MAX;
	ret->limit = q->has_limit ? q->limit : 0;
}

/* The reply for one request frame, or NULL (the connection is then closed unanswered). */
static ProtobufCMessage *answer(struct nvm_ctx *n, TALLOC_CTX *tmp, const struct ctl_frame *f)
{
	struct nvm_query q;
	CtlNvmQuery *cq;

	if (f->type == CTL_NVM_STATUS)
		return nvm_report_status(n, tmp);
	if (f->type != CTL_NVM_FLOWS && f->type != CTL_NVM_ENDPOINTS)
		return NULL;
	cq = ctl_unpack(tmp, &ctl_nvm_query__descriptor, f);
	if (cq == NULL)
		return NULL;
	query_of(cq, &q);
	return f->type == CTL_NVM_FLOWS ? nvm_report_flows(n, tmp, &q)
					: nvm_report_endpoints(n, tmp, &q);
}

/* a list too long for one frame is cut in half until it fits: occtl gets the oldest rows */
static int pack_fitting(TALLOC_CTX *tmp, uint8_t type, ProtobufCMessage *rep, uint8_t **ret_buf,
			size_t *ret_len)
{
	size_t *count = NULL;
	int rc;

	if (rep->descriptor == &ctl_nvm_flow_list__descriptor)
		count = &((CtlNvmFlowList *)rep)->n_flows;
	else if (rep->descriptor == &ctl_nvm_endpoint_list__descriptor)
		count = &((CtlNvmEndpointList *)rep)->n_endpoints;
	for (;;) {
		rc = ctl_frame_pack(tmp, type + 20, rep, CTL_MAX_REP, ret_buf, ret_len);
		if (rc != -EMSGSIZE || count == NULL || *count == 0)
			return rc;
		*count /= 2;
	}
}

static int build_replies(struct ctl_conn *c, const uint8_t *data, size_t len)
{
	size_t off = 0, used;
	int rc = 0;

	while (off < len) {
		TALLOC_CTX *tmp = talloc_new(c);
		ProtobufCMessage *rep = NULL;
		struct ctl_frame f;
		uint8_t *buf;
		size_t blen;

		rc = ctl_frame_parse(data + off, len - off, CTL_MAX_REQ, &f, &used);
		if (rc == 0)
			rc = (rep = answer(c->n, tmp, &f)) != NULL ? 0 : -EPROTO;
		if (rc == 0)
			rc = pack_fitting(tmp, f.type, rep, &buf, &blen);
		if (rc == 0 && (c->out = talloc_realloc(c, c->out, uint8_t, c->len + blen)) == NULL)
			rc = -ENOMEM;
		if (rc == 0) {
			memcpy(c->out + c->len, buf, blen);
			c->len += blen;
			off += used;
		}
		talloc_free(tmp);
		if (rc < 0)
			break;
	}
	/* what was answered goes out; a broken or partial frame after it is not waited for */
	return c->len > 0 ? 0 : rc;
}

static void write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_conn *c = w->data;

	(void)loop;
	(void)revents;
	if (sock_send_pending(c->fd, c->out, c->len, &c->off) == 1)
		return;         /* the rest when the socket drains */
	talloc_free(c);                 /* occtl reads one reply and closes */
}

static void timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	talloc_free(w->data);
}

void nvm_ctl_accept(struct nvm_ctx *n, int fd, const uint8_t *data, size_t len)
{
	struct ctl_conn *c;

	if (n->ctl_conns >= CTL_CONN_MAX || (c = talloc_zero(n, struct ctl_conn)) == NULL) {
		log_warn("occtl: too many NVM queries at once; refusing one");
		close(fd);
		return;
	}
	n->ctl_conns++;
	c->n = n;
	c->fd = fd;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	talloc_set_destructor(c, conn_destroy);
	if (build_replies(c, data, len) < 0) {
		log_info("occtl: bad NVM request");
		talloc_free(c);
		return;
	}
	ev_io_init(&c->w, write_cb, fd, EV_WRITE);
	c->w.data = c;
	ev_timer_init(&c->t, timeout_cb, CTL_CONN_SECS, 0.);
	c->t.data = c;
	ev_io_start(n->loop, &c->w);
	ev_timer_start(n->loop, &c->t);
}
