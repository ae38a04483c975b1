/* main/worker-cmd.c: main's answers to workers and to sec-mod's session replies. Runs in: main. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "ipc/ipc-msg.h"
#include "ipc/ipc.pb-c.h"
#include "main/main-int.h"
#include "main/tun.h"

#define PROC_IN(st) (1u << (st))
#define PROC_ANY (PROC_IN(PROC_AUTH) | PROC_IN(PROC_WAIT_SM) | PROC_IN(PROC_WAIT_SCRIPT) | \
		  PROC_IN(PROC_CONNECTED))

struct main_handler {
	uint8_t type;
	unsigned states;
	int (*fn)(struct proc *p, TALLOC_CTX *tmp, const struct ipc_msg *msg);
};

static int main_answer_cookie_req(struct proc *p, TALLOC_CTX *tmp, const struct ipc_msg *msg)
{
	AuthCookieReq *req = ipc_unpack(tmp, &auth_cookie_req__descriptor, msg);
	SecmSessionOpen o = SECM_SESSION_OPEN__INIT;

	if (req == NULL || req->sid.len != SID_LEN)
		return -EBADMSG;
	memcpy(p->sid, req->sid.data, SID_LEN);
	p->have_sid = true;
	if (req->hostname != NULL)
		p->hostname = talloc_strndup(p, req->hostname, 255);
	if (req->user_agent != NULL)
		p->user_agent = talloc_strndup(p, req->user_agent, 255);
	o.req_id = (uint32_t)p->pid;
	o.sid = req->sid;
	o.remote_ip = p->remote_ip;
	p->state = PROC_WAIT_SM;
	return ipc_send(p->m->secmod_fd, IPC_MAIN_SM_SESSION_OPEN, &o.base, -1);
}

static void replace_str(struct proc *p, char **dst, const char *src)
{
	if (src == NULL)
		return;
	talloc_free(*dst);
	*dst = talloc_strndup(p, src, 128);
}

static int main_answer_session_info(struct proc *p, TALLOC_CTX *tmp, const struct ipc_msg *msg)
{
	SessionInfo *i = ipc_unpack(tmp, &session_info__descriptor, msg);

	if (i == NULL)
		return -EBADMSG;
	replace_str(p, &p->tls_ciphersuite, i->tls_ciphersuite);
	replace_str(p, &p->dtls_ciphersuite, i->dtls_ciphersuite);
	replace_str(p, &p->cstp_compr, i->cstp_compr);
	replace_str(p, &p->dtls_compr, i->dtls_compr);
	replace_str(p, &p->user_agent, i->user_agent);
	if (i->has_mtu)
		p->mtu = i->mtu;
	return 0;
}

static int main_answer_bye(struct proc *p, TALLOC_CTX *tmp, const struct ipc_msg *msg)
{
	WorkerBye *b = ipc_unpack(tmp, &worker_bye__descriptor, msg);

	if (b == NULL)
		return -EBADMSG;
	p->bye_reason = b->reason;
	p->rx_bytes = b->rx_bytes;
	p->tx_bytes = b->tx_bytes;
	return 0;
}

static int main_answer_tun_mtu(struct proc *p, TALLOC_CTX *tmp, const struct ipc_msg *msg)
{
	TunMtu *t = ipc_unpack(tmp, &tun_mtu__descriptor, msg);

	if (t == NULL)
		return -EBADMSG;
	/* the kernel rejects nonsense anyway, but keep a worker from trying */
	if (t->mtu < 576 || t->mtu > 65535)
		return -EINVAL;
	p->mtu = t->mtu;
	if (tun_set_mtu(p->tun_name, t->mtu) < 0)
		log_info("cannot set MTU %u on %s", t->mtu, p->tun_name);
	return 0;
}

static const struct main_handler main_worker_table[] = {
	{ IPC_WK_MAIN_COOKIE_REQ, PROC_IN(PROC_AUTH), main_answer_cookie_req },
	{ IPC_WK_MAIN_SESSION_INFO, PROC_IN(PROC_CONNECTED), main_answer_session_info },
	{ IPC_WK_MAIN_BYE, PROC_ANY, main_answer_bye },
	{ IPC_WK_MAIN_TUN_MTU, PROC_IN(PROC_CONNECTED), main_answer_tun_mtu },
};

void main_worker_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct proc *p = w->data;
	TALLOC_CTX *tmp = talloc_new(p);
	const struct main_handler *h = NULL;
	struct ipc_msg msg;
	int rc;

	(void)revents;
	rc = ipc_recv(p->fd, tmp, &msg);
	if (rc == -EAGAIN)
		goto out;
	if (rc < 0) {
		/* the worker is exiting; its SIGCHLD does the cleanup */
		ev_io_stop(loop, w);
		goto out;
	}
	if (msg.fd >= 0)
		close(msg.fd);
	for (size_t i = 0; i < sizeof(main_worker_table) / sizeof(main_worker_table[0]); i++)
		if (main_worker_table[i].type == msg.type)
			h = &main_worker_table[i];
	if (h == NULL || !(h->states & PROC_IN(p->state)))
		rc = -EPROTO;
	else
		rc = h->fn(p, tmp, &msg);
	if (rc < 0) {
		log_info("worker %d: message %u refused (%s); terminating it", (int)p->pid,
			 msg.type, strerror(-rc));
		ev_io_stop(loop, w);
		kill(p->pid, SIGTERM);
	}
out:
	talloc_free(tmp);
}
