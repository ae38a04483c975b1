/* main/session.c: turn sec-mod's session reply into a tunnel for the worker. Runs in: main. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <gnutls/crypto.h>

#include "common/log.h"
#include "ipc/ipc-msg.h"
#include "ipc/ipc.pb-c.h"
#include "main/main-int.h"
#include "main/nvm-link.h"
#include "main/ban.h"
#include "main/script.h"
#include "main/tun.h"

static int send_failure(struct proc *p, const char *reason)
{
	AuthCookieRep r = AUTH_COOKIE_REP__INIT;

	r.result = AUTH_RESULT__AUTH_FAILED;
	r.reason = (char *)reason;
	p->state = PROC_AUTH;
	p->have_sid = false;
	return ipc_send(p->fd, IPC_MAIN_WK_COOKIE_REP, &r.base, -1);
}

/* sec-mod opened a session for a worker that cannot use it: give it back */
static void release_orphan(struct main_ctx *m, const uint8_t *sid)
{
	SecmSessionClose c = SECM_SESSION_CLOSE__INIT;

	c.sid.data = (uint8_t *)sid;
	c.sid.len = SID_LEN;
	c.reason = DISC_ERROR;
	ipc_send(m->secmod_fd, IPC_MAIN_SM_SESSION_CLOSE, &c.base, -1);
}

static void fill_lease(AuthCookieRep *r, struct ip_lease *l)
{
	if (l->have_v4) {
		r->has_ipv4 = r->has_ipv4_local = r->has_ipv4_prefix = 1;
		r->ipv4 = (ProtobufCBinaryData){ 4, l->v4 };
		r->ipv4_local = (ProtobufCBinaryData){ 4, l->v4_local };
		r->ipv4_prefix = l->v4_prefix;
	}
	if (l->have_v6) {
		r->has_ipv6 = r->has_ipv6_local = r->has_ipv6_prefix = 1;
		r->ipv6 = (ProtobufCBinaryData){ 16, l->v6 };
		r->ipv6_local = (ProtobufCBinaryData){ 16, l->v6_local };
		r->ipv6_prefix = l->v6_prefix;
	}
}

static int refuse_tunnel(struct proc *p, const char *reason);
static int send_tunnel(struct proc *p);

static int open_tunnel(struct proc *p, const SecmSessionReply *sr)
{
	struct main_ctx *m = p->m;
	struct ip_lease want = { 0 };
	int tun_fd = -1, rc;

	if (sr->has_ipv4 && sr->ipv4.len == 4) {
		want.have_v4 = 1;
		memcpy(want.v4, sr->ipv4.data, 4);
	}
	if (sr->has_ipv6 && sr->ipv6.len == 16) {
		want.have_v6 = 1;
		memcpy(want.v6, sr->ipv6.data, 16);
	}
	rc = ip_lease_acquire(m->pool, p->username, &want, &p->lease);
	if (rc < 0) {
		log_err("no free address for user '%s': %s", p->username, strerror(-rc));
		release_orphan(m, p->sid);
		return send_failure(p, "No free IP address");
	}
	p->have_lease = true;
	rc = tun_open(m->cfg->device, p->tun_name, &tun_fd);
	if (rc == 0)
		rc = tun_configure(p->tun_name, &p->lease, m->cfg->mtu ? m->cfg->mtu : 1500);
	if (rc < 0) {
		log_err("cannot set up tun device for '%s': %s", p->username, strerror(-rc));
		if (tun_fd >= 0)
			close(tun_fd);
		ip_lease_release(m->pool, &p->lease);
		p->have_lease = false;
		release_orphan(m, p->sid);
		return send_failure(p, "Server configuration error");
	}
	p->pending_tun_fd = tun_fd;
	p->have_timeout = sr->has_session_timeout_remaining;
	p->timeout_remaining = sr->session_timeout_remaining;
	if (m->cfg->connect_script != NULL) {
		/* the admin's script decides, as in ocserv; the worker waits for its answer */
		pid_t pid = script_spawn(m->cfg->connect_script, p, "connect");

		if (pid > 0) {
			p->script_pid = pid;
			p->state = PROC_WAIT_SCRIPT;
			return 0;
		}
		log_err("cannot run connect-script %s: %s", m->cfg->connect_script,
			strerror((int)-pid));
		return refuse_tunnel(p, "Server configuration error");
	}
	return send_tunnel(p);
}

/* undo a prepared tunnel that will not be handed over */
static int refuse_tunnel(struct proc *p, const char *reason)
{
	struct main_ctx *m = p->m;

	if (p->pending_tun_fd >= 0) {
		close(p->pending_tun_fd);
		p->pending_tun_fd = -1;
	}
	ip_lease_release(m->pool, &p->lease);
	p->have_lease = false;
	release_orphan(m, p->sid);
	return send_failure(p, reason);
}

static int send_tunnel(struct proc *p)
{
	struct main_ctx *m = p->m;
	AuthCookieRep r = AUTH_COOKIE_REP__INIT;
	int tun_fd = p->pending_tun_fd, rc;

	r.result = AUTH_RESULT__AUTH_OK;
	r.username = p->username;
	r.groupname = p->groupname;
	r.tun_name = p->tun_name;
	if (p->have_timeout) {
		r.has_session_timeout_remaining = 1;
		r.session_timeout_remaining = p->timeout_remaining;
	}
	fill_lease(&r, &p->lease);
	if (gnutls_rnd(GNUTLS_RND_NONCE, p->dtls_id, sizeof(p->dtls_id)) == 0) {
		r.has_dtls_id = 1;
		r.dtls_id.data = p->dtls_id;
		r.dtls_id.len = sizeof(p->dtls_id);
	}
	p->state = PROC_CONNECTED;
	m->total_sessions++;
	rc = ipc_send(p->fd, IPC_MAIN_WK_COOKIE_REP, &r.base, tun_fd);
	/* the worker holds the only descriptor now: the tun dies with it */
	close(tun_fd);
	p->pending_tun_fd = -1;
	log_info("user '%s' connected from %s on %s", p->username, p->remote_ip, p->tun_name);
	nvm_link_session(p, true);
	return rc;
}

static void session_reply(struct main_ctx *m, TALLOC_CTX *tmp, const struct ipc_msg *msg)
{
	SecmSessionReply *sr = ipc_unpack(tmp, &secm_session_reply__descriptor, msg);
	struct proc *p;

	if (sr == NULL) {
		log_err("malformed session reply from sec-mod");
		return;
	}
	p = proc_by_pid(m, (pid_t)sr->req_id);
	if (p == NULL || p->state != PROC_WAIT_SM) {
		if (sr->result == AUTH_RESULT__AUTH_OK && sr->has_sid && sr->sid.len == SID_LEN)
			release_orphan(m, sr->sid.data);
		return;
	}
	if (sr->result != AUTH_RESULT__AUTH_OK || sr->username == NULL) {
		log_info("worker %d: cookie refused (%s)", (int)p->pid,
			 sr->reason ? sr->reason : "unknown");
		send_failure(p, sr->reason ? sr->reason : "Cookie is not acceptable");
		return;
	}
	p->username = talloc_strdup(p, sr->username);
	p->groupname = sr->groupname ? talloc_strdup(p, sr->groupname) : NULL;
	if (m->cfg->max_same_clients > 0 &&
	    proc_count_user(m, p->username, p->sid) >= m->cfg->max_same_clients) {
		log_info("user '%s' has too many sessions", p->username);
		send_failure(p, "Maximum number of sessions reached");
		release_orphan(m, p->sid);
		return;
	}
	if (open_tunnel(p, sr) < 0) {
		log_info("worker %d vanished while its tunnel was opened", (int)p->pid);
		kill(p->pid, SIGTERM);
	}
}

static void ban_points(struct main_ctx *m, TALLOC_CTX *tmp, const struct ipc_msg *msg)
{
	BanIp *b = ipc_unpack(tmp, &ban_ip__descriptor, msg);

	if (b == NULL || ban_exempt(b->ip))
		return;
	if (ban_add(m->bans, b->ip, b->points, time(NULL)))
		log_info("%s banned for %u s (wrong passwords)", b->ip, m->cfg->ban_time);
}

void main_script_done(struct main_ctx *m, pid_t pid, int status)
{
	struct proc *p;

	for (p = m->procs; p != NULL; p = p->next)
		if (p->script_pid == pid)
			break;
	if (p == NULL)
		return;         /* a disconnect-script, or its worker is gone already */
	p->script_pid = 0;
	if (p->state != PROC_WAIT_SCRIPT)
		return;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		if (send_tunnel(p) < 0)
			kill(p->pid, SIGTERM);
		return;
	}
	log_info("connect-script refused user '%s' (status %d)", p->username,
		 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	refuse_tunnel(p, "Connect script failed");
}

void main_secmod_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct main_ctx *m = w->data;
	TALLOC_CTX *tmp = talloc_new(m);
	struct ipc_msg msg;
	int rc;

	(void)revents;
	rc = ipc_recv(m->secmod_fd, tmp, &msg);
	if (rc == -EAGAIN)
		goto out;
	if (rc < 0) {
		log_err("lost the channel to sec-mod (%s)", strerror(-rc));
		ev_io_stop(loop, w);
		goto out;
	}
	if (msg.fd >= 0)
		close(msg.fd);
	if (msg.type == IPC_SM_MAIN_SESSION_REPLY)
		session_reply(m, tmp, &msg);
	else if (msg.type == IPC_SM_MAIN_BAN_IP)
		ban_points(m, tmp, &msg);
	else
		log_err("unexpected message %u from sec-mod", msg.type);
out:
	talloc_free(tmp);
}
