/* main/ctl.c: the occtl control socket: clients, framing, answers. Runs in: main. */
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/cookie.h"
#include "common/ctl-frame.h"
#include "common/log.h"
#include "ipc/ctl-msg.h"
#include "ipc/ipc-msg.h"
#include "main/ban.h"
#include "main/ctl.h"
#include "main/main-int.h"
#include "main/nvm-link.h"

#define CTL_MAX_CLIENTS 16      /* occtl opens one connection per command */
#define CTL_IDLE_SECS 30.0      /* a client that neither asks nor reads is dropped */

struct ctl_client;

struct ctl_server {
	struct main_ctx *m;
	int fd;
	ev_io w;
	char *path;
	struct ctl_client *clients;
	unsigned n_clients;
};

struct ctl_client {
	struct ctl_server *srv;
	int fd;
	ev_io rw, ww;
	ev_timer idle;
	uint8_t in[CTL_HDR_LEN + CTL_MAX_REQ];
	size_t in_len;
	uint8_t *out;           /* replies not yet written */
	size_t out_len, out_off;
	bool stop_server;       /* STOP answered: stop once the reply is out */
	struct ctl_client *next;
};

/* An answer fills *ret_rep (allocated on tmp) or returns -errno. */
typedef int (*ctl_answer_fn)(struct ctl_client *c, TALLOC_CTX *tmp, const struct ctl_req *req,
			     ProtobufCMessage **ret_rep);

struct ctl_handler {
	uint8_t type;
	uint8_t reply;
	ctl_answer_fn fn;
};

/* ------------------------------------------------------------ user info */

static char *addr_str(TALLOC_CTX *tmp, int family, const uint8_t *addr)
{
	char buf[INET6_ADDRSTRLEN];

	if (inet_ntop(family, addr, buf, sizeof(buf)) == NULL)
		return NULL;
	return talloc_strdup(tmp, buf);
}

static uint32_t user_state(const struct proc *p)
{
	switch (p->state) {
	case PROC_CONNECTED: return CTL_STATE_COMPLETED;
	case PROC_WAIT_SM: return CTL_STATE_INIT;
	default: return CTL_STATE_INACTIVE;
	}
}

/* The pushed settings come from the global config (per-user files are not read yet). */
static int fill_user_cfg(TALLOC_CTX *tmp, const struct cfg *cfg, CtlUser *u)
{
	u->dns = talloc_zero_array(tmp, char *, cfg->n_dns + 1);
	u->nbns = talloc_zero_array(tmp, char *, cfg->n_nbns + 1);
	u->routes = talloc_zero_array(tmp, char *, cfg->n_routes + 1);
	u->no_routes = talloc_zero_array(tmp, char *, cfg->n_no_routes + 1);
	if (!u->dns || !u->nbns || !u->routes || !u->no_routes)
		return -ENOMEM;
	for (size_t i = 0; i < cfg->n_dns; i++)
		u->dns[u->n_dns++] = cfg->dns[i].str;
	for (size_t i = 0; i < cfg->n_nbns; i++)
		u->nbns[u->n_nbns++] = cfg->nbns[i].str;
	for (size_t i = 0; i < cfg->n_routes + cfg->n_no_routes; i++) {
		bool no = i >= cfg->n_routes;
		const struct cfg_net *n = no ? &cfg->no_routes[i - cfg->n_routes] : &cfg->routes[i];
		char buf[96];

		if (cfg_net_format(n, buf, sizeof(buf)) < 0)
			continue;
		if (no)
			u->no_routes[u->n_no_routes++] = talloc_strdup(tmp, buf);
		else
			u->routes[u->n_routes++] = talloc_strdup(tmp, buf);
	}
	u->split_dns = cfg->split_dns;
	u->n_split_dns = cfg->n_split_dns;
	u->dpd = cfg->dpd;
	u->keepalive = cfg->keepalive;
	u->restrict_to_routes = false;   /* restrict-user-to-routes is not parsed yet */
	return 0;
}

static void fill_user_lease(TALLOC_CTX *tmp, const struct proc *p, CtlUser *u)
{
	if (!p->have_lease)
		return;
	if (p->lease.have_v4) {
		u->ipv4 = addr_str(tmp, AF_INET, p->lease.v4);
		u->ptp_ipv4 = addr_str(tmp, AF_INET, p->lease.v4_local);
	}
	if (p->lease.have_v6) {
		u->ipv6 = addr_str(tmp, AF_INET6, p->lease.v6);
		u->ptp_ipv6 = addr_str(tmp, AF_INET6, p->lease.v6_local);
	}
}

/*
 * ocserv always sends these strings, empty when unknown, and its occtl
 * dereferences them without a check: never leave one out.
 */
static void fill_empty_strings(CtlUser *u)
{
	char **always[] = { &u->groupname, &u->device, &u->ptp_ipv4, &u->ipv4, &u->ptp_ipv6,
			    &u->ipv6, &u->hostname, &u->user_agent, &u->tls_ciphersuite,
			    &u->dtls_ciphersuite, &u->local_addr };

	for (size_t i = 0; i < sizeof(always) / sizeof(always[0]); i++)
		if (*always[i] == NULL)
			*always[i] = (char *)"";
}

static CtlUser *user_info(TALLOC_CTX *tmp, const struct main_ctx *m, const struct proc *p)
{
	CtlUser *u = talloc_zero(tmp, CtlUser);
	char *sid = talloc_zero_size(tmp, COOKIE_SAFE_ID_LEN);

	if (u == NULL || sid == NULL)
		return NULL;
	ctl_user__init(u);
	u->id = (int32_t)p->pid;
	u->username = p->username ? p->username : "";
	u->groupname = p->groupname;
	u->remote_addr = (char *)p->remote_ip;
	u->local_addr = (char *)p->local_ip;
	u->device = (char *)p->tun_name;
	u->conn_time = (uint32_t)p->conn_time;
	u->hostname = p->hostname;
	u->user_agent = p->user_agent;
	u->state = user_state(p);
	u->tls_ciphersuite = p->tls_ciphersuite;
	u->dtls_ciphersuite = p->dtls_ciphersuite;
	u->cstp_compr = p->cstp_compr;
	u->dtls_compr = p->dtls_compr;
	u->has_mtu = p->mtu > 0;
	u->mtu = p->mtu;
	u->vhost = "default";
	/* the printable safe id travels as text, as ocserv sends it */
	if (p->have_sid && cookie_safe_id(p->sid, sid, COOKIE_SAFE_ID_LEN) < 0)
		return NULL;
	u->safe_id.data = (uint8_t *)sid;
	u->safe_id.len = strlen(sid);
	fill_user_lease(tmp, p, u);
	if (fill_user_cfg(tmp, m->cfg, u) < 0)
		return NULL;
	fill_empty_strings(u);
	return u;
}

/* Every worker for which match() holds; 0 found is a valid (empty) answer. */
static int user_list(TALLOC_CTX *tmp, const struct main_ctx *m,
		     bool (*match)(const struct proc *, const struct ctl_req *),
		     const struct ctl_req *req, CtlUserList **ret)
{
	CtlUserList *l = talloc_zero(tmp, CtlUserList);

	if (l == NULL)
		return -ENOMEM;
	ctl_user_list__init(l);
	l->users = talloc_zero_array(tmp, CtlUser *, m->n_procs + 1);
	if (l->users == NULL)
		return -ENOMEM;
	for (struct proc *p = m->procs; p != NULL && l->n_users < m->n_procs; p = p->next) {
		if (match != NULL && !match(p, req))
			continue;
		l->users[l->n_users] = user_info(tmp, m, p);
		if (l->users[l->n_users++] == NULL)
			return -ENOMEM;
	}
	*ret = l;
	return 0;
}

static bool match_name(const struct proc *p, const struct ctl_req *req)
{
	return p->username != NULL && strcmp(p->username, req->name->username) == 0;
}

static bool match_id(const struct proc *p, const struct ctl_req *req)
{
	return req->id->id > 0 && p->pid == (pid_t)req->id->id;
}

/* ------------------------------------------------------------ answers */

static int ctl_answer_status(struct ctl_client *c, TALLOC_CTX *tmp, const struct ctl_req *req,
			     ProtobufCMessage **ret_rep)
{
	const struct main_ctx *m = c->srv->m;
	CtlStatus *s = talloc_zero(tmp, CtlStatus);
	uint32_t *pids = talloc_zero(tmp, uint32_t);
	unsigned active = 0;

	(void)req;
	if (s == NULL || pids == NULL)
		return -ENOMEM;
	ctl_status__init(s);
	for (const struct proc *p = m->procs; p != NULL; p = p->next)
		active += p->state == PROC_CONNECTED;
	*pids = (uint32_t)m->secmod_pid;
	s->online = true;
	s->pid = (uint32_t)getpid();
	s->secmod_pids = pids;
	s->n_secmod_pids = 1;
	s->active_sessions = active;
	s->banned_ips = ban_count_banned(m->bans, time(NULL));
	s->start_time = (uint32_t)m->start_time;
	s->period_start = (uint32_t)m->start_time;
	/* sec-mod's counters (auth failures, auth times) are not collected yet: 0 */
	*ret_rep = &s->base;
	return 0;
}

static int ctl_answer_list(struct ctl_client *c, TALLOC_CTX *tmp, const struct ctl_req *req,
			   ProtobufCMessage **ret_rep)
{
	CtlUserList *l;
	int rc = user_list(tmp, c->srv->m, NULL, req, &l);

	if (rc == 0)
		*ret_rep = &l->base;
	return rc;
}

static int ctl_answer_user_info(struct ctl_client *c, TALLOC_CTX *tmp, const struct ctl_req *req,
				ProtobufCMessage **ret_rep)
{
	CtlUserList *l;
	int rc = user_list(tmp, c->srv->m, req->name ? match_name : match_id, req, &l);

	if (rc == 0)
		*ret_rep = &l->base;
	return rc;
}

static int reply_bool(TALLOC_CTX *tmp, bool ok, ProtobufCMessage **ret_rep)
{
	CtlBool *b = talloc_zero(tmp, CtlBool);

	if (b == NULL)
		return -ENOMEM;
	ctl_bool__init(b);
	b->ok = ok;
	*ret_rep = &b->base;
	return 0;
}

/* The worker sends the client a disconnect and exits; proc_remove() frees the lease. */
static int ctl_answer_disconnect(struct ctl_client *c, TALLOC_CTX *tmp, const struct ctl_req *req,
				 ProtobufCMessage **ret_rep)
{
	bool (*match)(const struct proc *, const struct ctl_req *) = req->name ? match_name : match_id;
	unsigned n = 0;

	for (struct proc *p = c->srv->m->procs; p != NULL; p = p->next) {
		if (!match(p, req))
			continue;
		if (ipc_send(p->fd, IPC_MAIN_WK_TERMINATE, NULL, -1) < 0)
			kill(p->pid, SIGTERM);
		n++;
	}
	if (req->name != NULL)
		log_info("occtl: disconnecting user '%.64s' (%u session(s))", req->name->username, n);
	else
		log_info("occtl: disconnecting ID %d (%s)", (int)req->id->id, n ? "found" : "not found");
	return reply_bool(tmp, n > 0, ret_rep);
}

static int ctl_answer_false(struct ctl_client *c, TALLOC_CTX *tmp, const struct ctl_req *req,
			    ProtobufCMessage **ret_rep)
{
	(void)c;
	(void)req;
	return reply_bool(tmp, false, ret_rep);
}

static int ctl_answer_reload(struct ctl_client *c, TALLOC_CTX *tmp, const struct ctl_req *req,
			     ProtobufCMessage **ret_rep)
{
	(void)req;
	log_info("occtl: reload requested");
	ev_feed_signal_event(c->srv->m->loop, SIGHUP);
	return reply_bool(tmp, true, ret_rep);
}

static int ctl_answer_stop(struct ctl_client *c, TALLOC_CTX *tmp, const struct ctl_req *req,
			   ProtobufCMessage **ret_rep)
{
	(void)req;
	log_info("occtl: stop requested");
	c->stop_server = true;
	return reply_bool(tmp, true, ret_rep);
}

struct ban_collect {
	TALLOC_CTX *tmp;
	CtlBanList *l;
	int rc;
};

/* one entry as occtl wants it: the address as 4 or 16 bytes (an IPv6 /64 by its prefix) */
static int collect_ban(const struct ban_info *i, void *arg)
{
	struct ban_collect *bc = arg;
	CtlBan *b = talloc_zero(bc->tmp, CtlBan);
	CtlBan **more = talloc_realloc(bc->tmp, bc->l->bans, CtlBan *, bc->l->n_bans + 1);
	char addr[64];
	uint8_t *raw = talloc_zero_size(bc->tmp, 16);

	if (b == NULL || more == NULL || raw == NULL) {
		bc->rc = -ENOMEM;
		return 1;
	}
	bc->l->bans = more;
	ctl_ban__init(b);
	snprintf(addr, sizeof(addr), "%s", i->ip);
	addr[strcspn(addr, "/")] = '\0';
	b->ip.data = raw;
	b->ip.len = inet_pton(AF_INET, addr, raw) == 1 ? 4 : 16;
	if (b->ip.len == 16 && inet_pton(AF_INET6, addr, raw) != 1)
		return 0;
	b->score = i->score;
	if (i->banned_until != 0) {
		b->has_expires = 1;
		b->expires = (uint32_t)i->banned_until;
	}
	bc->l->bans[bc->l->n_bans++] = b;
	return 0;
}

static int ctl_answer_bans(struct ctl_client *c, TALLOC_CTX *tmp, const struct ctl_req *req,
			   ProtobufCMessage **ret_rep)
{
	struct ban_collect bc = { tmp, talloc_zero(tmp, CtlBanList), 0 };

	(void)req;
	if (bc.l == NULL)
		return -ENOMEM;
	ctl_ban_list__init(bc.l);
	ban_foreach(c->srv->m->bans, time(NULL), collect_ban, &bc);
	if (bc.rc < 0)
		return bc.rc;
	*ret_rep = &bc.l->base;
	return 0;
}

static int ctl_answer_unban(struct ctl_client *c, TALLOC_CTX *tmp, const struct ctl_req *req,
			    ProtobufCMessage **ret_rep)
{
	char addr[INET6_ADDRSTRLEN];
	const ProtobufCBinaryData *ip = req->unban ? &req->unban->ip : NULL;
	bool ok = false;

	if (ip != NULL && (ip->len == 4 || ip->len == 16) &&
	    inet_ntop(ip->len == 4 ? AF_INET : AF_INET6, ip->data, addr, sizeof(addr)) != NULL) {
		ok = ban_remove(c->srv->m->bans, addr) == 0;
		if (ok)
			log_info("occtl: unbanned %s", addr);
	}
	return reply_bool(tmp, ok, ret_rep);
}

static int ctl_answer_cookies(struct ctl_client *c, TALLOC_CTX *tmp, const struct ctl_req *req,
			      ProtobufCMessage **ret_rep)
{
	CtlSessionList *l = talloc_zero(tmp, CtlSessionList);

	(void)c;
	(void)req;
	if (l == NULL)
		return -ENOMEM;
	ctl_session_list__init(l);      /* sec-mod's session list is not queried yet */
	*ret_rep = &l->base;
	return 0;
}

static const struct ctl_handler ctl_table[] = {
	{ CTL_STATUS, CTL_STATUS_REP, ctl_answer_status },
	{ CTL_RELOAD, CTL_RELOAD_REP, ctl_answer_reload },
	{ CTL_STOP, CTL_STOP_REP, ctl_answer_stop },
	{ CTL_LIST, CTL_LIST_REP, ctl_answer_list },
	{ CTL_USER_INFO, CTL_LIST_REP, ctl_answer_user_info },
	{ CTL_ID_INFO, CTL_LIST_REP, ctl_answer_user_info },
	{ CTL_DISCONNECT_NAME, CTL_DISCONNECT_NAME_REP, ctl_answer_disconnect },
	{ CTL_DISCONNECT_ID, CTL_DISCONNECT_ID_REP, ctl_answer_disconnect },
	{ CTL_LIST_BANNED, CTL_LIST_BANNED_REP, ctl_answer_bans },
	{ CTL_UNBAN_IP, CTL_UNBAN_IP_REP, ctl_answer_unban },
	/* events: the current list only; connect/disconnect updates are not sent yet */
	{ CTL_TOP, CTL_LIST_REP, ctl_answer_list },
	{ CTL_LIST_COOKIES, CTL_LIST_COOKIES_REP, ctl_answer_cookies },
	/* no cookie store to invalidate in main yet: terminate = disconnect */
	{ CTL_TERMINATE_USER, CTL_TERMINATE_USER_REP, ctl_answer_disconnect },
	{ CTL_TERMINATE_ID, CTL_TERMINATE_ID_REP, ctl_answer_disconnect },
	{ CTL_TERMINATE_SESSION, CTL_TERMINATE_SESSION_REP, ctl_answer_false },
};

/* ------------------------------------------------------------ clients */

static int ctl_client_destroy(struct ctl_client *c)
{
	struct ctl_server *srv = c->srv;

	ev_io_stop(srv->m->loop, &c->rw);
	ev_io_stop(srv->m->loop, &c->ww);
	ev_timer_stop(srv->m->loop, &c->idle);
	close(c->fd);
	for (struct ctl_client **pp = &srv->clients; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	srv->n_clients--;
	if (c->stop_server)
		ev_feed_signal_event(srv->m->loop, SIGTERM);
	return 0;
}

/* Append the reply frame to the client's output. */
static int ctl_dispatch(struct ctl_client *c, const struct ctl_frame *f)
{
	TALLOC_CTX *tmp = talloc_new(c);
	const struct ctl_handler *h = NULL;
	ProtobufCMessage *rep = NULL;
	struct ctl_req req;
	uint8_t *buf;
	size_t len;
	int rc = -ENOMEM;

	if (tmp == NULL)
		goto out;
	if ((rc = ctl_req_decode(tmp, f, &req)) < 0)
		goto out;
	for (size_t i = 0; i < sizeof(ctl_table) / sizeof(ctl_table[0]); i++)
		if (ctl_table[i].type == f->type)
			h = &ctl_table[i];
	rc = -EPROTO;
	if (h == NULL || (rc = h->fn(c, tmp, &req, &rep)) < 0)
		goto out;
	if ((rc = ctl_frame_pack(tmp, h->reply, rep, CTL_MAX_REP, &buf, &len)) < 0)
		goto out;
	rc = -EMSGSIZE;
	if (c->out_len - c->out_off + len > CTL_MAX_REP)
		goto out;                       /* a client that asks and never reads */
	c->out = talloc_realloc(c, c->out, uint8_t, c->out_len + len);
	rc = -ENOMEM;
	if (c->out == NULL)
		goto out;
	memcpy(c->out + c->out_len, buf, len);
	c->out_len += len;
	rc = 0;
out:
	talloc_free(tmp);
	return rc;
}

/* Write what the socket takes; 0 when all is out, -EAGAIN when some is left. */
static int ctl_flush(struct ctl_client *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? -EAGAIN : -errno;
		c->out_off += (size_t)n;
	}
	TALLOC_FREE(c->out);
	c->out_len = c->out_off = 0;
	return 0;
}

/* After reading or writing: wait to write while output is pending, else to read. */
static void ctl_client_rearm(struct ctl_client *c)
{
	struct ev_loop *loop = c->srv->m->loop;
	int rc = ctl_flush(c);

	if (rc < 0 && rc != -EAGAIN) {
		talloc_free(c);
		return;
	}
	if (rc == 0 && c->stop_server) {
		c->stop_server = false;         /* the reply is out: now stop */
		ev_feed_signal_event(loop, SIGTERM);
	}
	if (rc == -EAGAIN) {
		ev_io_stop(loop, &c->rw);
		ev_io_start(loop, &c->ww);
	} else {
		ev_io_stop(loop, &c->ww);
		ev_io_start(loop, &c->rw);
	}
	ev_timer_again(loop, &c->idle);
}

/* Answer every complete frame in the input; -errno drops the client, 1 = handed over. */
static int ctl_consume(struct ctl_client *c)
{
	size_t off = 0;
	int rc = 0;

	while (off < c->in_len) {
		struct ctl_frame f;
		size_t used;

		rc = ctl_frame_parse(c->in + off, c->in_len - off, CTL_MAX_REQ, &f, &used);
		if (rc == -EAGAIN) {
			rc = 0;
			break;
		}
		if (rc < 0)
			break;
		/* NVM commands are ocserv-nvm's: it gets the connection and answers it itself */
		if (f.type >= CTL_WG_FIRST && f.type <= CTL_WG_LAST)
			return nvm_link_ctl(c->srv->m, c->fd, c->in + off, c->in_len - off) < 0 ?
			       -ENOTCONN : 1;
		if ((rc = ctl_dispatch(c, &f)) < 0)
			break;
		off += used;
	}
	memmove(c->in, c->in + off, c->in_len - off);
	c->in_len -= off;
	return rc;
}

static void ctl_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_client *c = w->data;
	ssize_t n;
	int rc;

	(void)loop;
	(void)revents;
	n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		talloc_free(c);                 /* occtl closes after its answer */
		return;
	}
	c->in_len += (size_t)n;
	rc = ctl_consume(c);
	if (rc != 0) {
		if (rc < 0 && rc != -ENOTCONN)   /* ENOTCONN: ocserv-nvm is (re)starting */
			log_info("occtl: dropping a control client: %s", strerror(-rc));
		talloc_free(c);
		return;
	}
	ctl_client_rearm(c);
}

static void ctl_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	ctl_client_rearm(w->data);
}

static void ctl_idle_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	log_debug("occtl: dropping an idle control client");
	talloc_free(w->data);
}

static void ctl_accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_server *srv = w->data;
	struct ctl_client *c;
	int fd;

	(void)revents;
	fd = accept4(srv->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	if (srv->n_clients >= CTL_MAX_CLIENTS || (c = talloc_zero(srv, struct ctl_client)) == NULL) {
		log_warn("occtl: too many control clients; refusing one");
		close(fd);
		return;
	}
	c->srv = srv;
	c->fd = fd;
	c->next = srv->clients;
	srv->clients = c;
	srv->n_clients++;
	talloc_set_destructor(c, ctl_client_destroy);
	ev_io_init(&c->rw, ctl_read_cb, fd, EV_READ);
	ev_io_init(&c->ww, ctl_write_cb, fd, EV_WRITE);
	ev_init(&c->idle, ctl_idle_cb);
	c->idle.repeat = CTL_IDLE_SECS;
	c->rw.data = c->ww.data = c->idle.data = c;
	ev_io_start(loop, &c->rw);
	ev_timer_again(loop, &c->idle);
}

/* ------------------------------------------------------------ socket */

static void ctl_chown(const struct cfg *cfg, const char *path)
{
	struct passwd *pw = getpwnam(cfg->run_as_user ? cfg->run_as_user : "nobody");
	struct group *gr = cfg->run_as_group ? getgrnam(cfg->run_as_group) : NULL;

	/* like ocserv: the socket belongs to run-as-user; root may always connect */
	if (pw != NULL && chown(path, pw->pw_uid, gr ? gr->gr_gid : pw->pw_gid) < 0)
		log_warn("cannot hand %s to %s: %s", path, cfg->run_as_user, strerror(errno));
}

static int ctl_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t old;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	old = umask(066);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 64) < 0) {
		int err = errno;

		umask(old);
		close(fd);
		return -err;
	}
	umask(old);
	return fd;
}

int ctl_start(struct main_ctx *m)
{
	const char *path = m->cfg->occtl_socket_file ? m->cfg->occtl_socket_file
						     : "/var/run/occtl.socket";
	struct ctl_server *srv;
	int fd = ctl_listen(path);

	if (fd < 0) {
		log_err("cannot create the occtl socket %s: %s", path, strerror(-fd));
		return fd;
	}
	ctl_chown(m->cfg, path);
	srv = talloc_zero(m, struct ctl_server);
	if (srv == NULL || (srv->path = talloc_strdup(srv, path)) == NULL) {
		close(fd);
		talloc_free(srv);
		return -ENOMEM;
	}
	srv->m = m;
	srv->fd = fd;
	ev_io_init(&srv->w, ctl_accept_cb, fd, EV_READ);
	srv->w.data = srv;
	ev_io_start(m->loop, &srv->w);
	m->ctl = srv;
	log_debug("occtl socket at %s", path);
	return 0;
}

void ctl_stop(struct main_ctx *m)
{
	struct ctl_server *srv = m->ctl;

	if (srv == NULL)
		return;
	while (srv->clients != NULL) {
		srv->clients->stop_server = false;      /* we are stopping already */
		talloc_free(srv->clients);
	}
	ev_io_stop(m->loop, &srv->w);
	close(srv->fd);
	unlink(srv->path);
	talloc_free(srv);
	m->ctl = NULL;
}
