/* secmod/secmod.c: sec-mod event loop and dispatch. Runs in: sec-mod. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <ev.h>

#include "common/ipc.h"
#include "common/log.h"
#include "ipc/ipc-msg.h"
#include "keys.h"
#include "secmod-int.h"
#include "secmod.h"

static void client_free(struct sm_client *c)
{
	talloc_free(c);
}

static int client_destroy(struct sm_client *c)
{
	ev_io_stop(c->sm->loop, &c->w);
	close(c->fd);
	/* a half-finished login dies with its worker */
	if (c->login != NULL && c->login->state == SM_SESSION_AUTH)
		sm_session_remove(c->sm->db, c->login);
	return 0;
}

static const struct sm_handler *find_handler(const struct sm_handler *table, size_t n,
					     uint8_t type)
{
	for (size_t i = 0; i < n; i++)
		if (table[i].type == type)
			return &table[i];
	return NULL;
}

static void client_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct sm_client *c = w->data;
	TALLOC_CTX *tmp = talloc_new(c);
	const struct sm_handler *h;
	struct ipc_msg m;
	int rc;

	(void)loop;
	(void)revents;
	rc = ipc_recv(c->fd, tmp, &m);
	if (rc == -EAGAIN)
		goto out;
	if (rc < 0) {
		if (rc != -ECONNRESET)
			log_info("dropping worker connection: %s", strerror(-rc));
		goto drop;
	}
	if (m.fd >= 0)
		close(m.fd);  /* workers never send us descriptors */
	h = find_handler(sm_worker_table, sm_worker_table_len, m.type);
	if (h == NULL || !(h->states & (1u << c->state))) {
		log_info("worker sent message %u out of place; dropping it", m.type);
		goto drop;
	}
	rc = h->fn(c, tmp, &m);
	if (rc < 0) {
		log_info("worker request %u failed (%s); dropping it", m.type, strerror(-rc));
		goto drop;
	}
out:
	talloc_free(tmp);
	return;
drop:
	talloc_free(tmp);
	client_free(c);
}

static void listen_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct sm_ctx *sm = w->data;
	struct sm_client *c;
	int fd;

	(void)revents;
	fd = accept4(sm->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	c = talloc_zero(sm, struct sm_client);
	if (c == NULL) {
		close(fd);
		return;
	}
	c->sm = sm;
	c->fd = fd;
	c->state = SM_CLIENT_NEW;
	talloc_set_destructor(c, client_destroy);
	ev_io_init(&c->w, client_cb, fd, EV_READ);
	c->w.data = c;
	ev_io_start(loop, &c->w);
}

static void main_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct sm_ctx *sm = w->data;
	TALLOC_CTX *tmp = talloc_new(sm);
	const struct sm_main_handler *h = NULL;
	struct ipc_msg m;
	int rc;

	(void)revents;
	rc = ipc_recv(sm->main_fd, tmp, &m);
	if (rc == -EAGAIN)
		goto out;
	if (rc < 0) {
		/* main is gone: nothing left to serve */
		log_info("main closed its channel (%s); exiting", strerror(-rc));
		ev_break(loop, EVBREAK_ALL);
		goto out;
	}
	if (m.fd >= 0)
		close(m.fd);
	for (size_t i = 0; i < sm_main_table_len; i++)
		if (sm_main_table[i].type == m.type)
			h = &sm_main_table[i];
	if (h == NULL) {
		log_err("main sent unknown message %u", m.type);
		goto out;
	}
	rc = h->fn(sm, tmp, &m);
	if (rc < 0)
		log_err("main request %u failed: %s", m.type, strerror(-rc));
out:
	talloc_free(tmp);
}

static void sweep_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sm_ctx *sm = w->data;
	unsigned n;

	(void)loop;
	(void)revents;
	n = sm_sessions_expire(sm->db, time(NULL));
	if (n > 0)
		log_debug("expired %u sessions", n);
}

void secmod_run(struct cfg *cfg, int main_fd, int listen_fd,
		const uint8_t hmac_key[STARTUP_KEY_LEN])
{
	struct sm_ctx *sm = talloc_zero(NULL, struct sm_ctx);

	if (sm == NULL)
		exit(1);
	sm->cfg = cfg;
	sm->main_fd = main_fd;
	sm->listen_fd = listen_fd;
	memcpy(sm->hmac_key, hmac_key, STARTUP_KEY_LEN);
	sm->loop = ev_loop_new(EVFLAG_AUTO);
	sm->db = sm_sessions_new(sm);
	sm->keys = sm_keys_load(sm, cfg->server_key, cfg->n_server_key);
	if (sm->db == NULL || sm->keys == NULL || sm->loop == NULL) {
		log_err("sec-mod cannot start");
		exit(1);
	}
	ev_io_init(&sm->main_w, main_cb, main_fd, EV_READ);
	sm->main_w.data = sm;
	ev_io_start(sm->loop, &sm->main_w);
	ev_io_init(&sm->listen_w, listen_cb, listen_fd, EV_READ);
	sm->listen_w.data = sm;
	ev_io_start(sm->loop, &sm->listen_w);
	ev_timer_init(&sm->sweep, sweep_cb, 10., 10.);
	sm->sweep.data = sm;
	ev_timer_start(sm->loop, &sm->sweep);
	log_info("sec-mod ready");
	ev_run(sm->loop, 0);
	gnutls_memset(sm->hmac_key, 0, sizeof(sm->hmac_key));
	exit(0);
}
