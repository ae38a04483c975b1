/* nvm/nvm-api.c: local JSON API (GET /flows, /endpoints, /status) on a unix or loopback socket. Runs in: ocserv-nvm. */
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "common/sock.h"
#include "nvm/nvm-int.h"
#include "nvm/nvm-query.h"
#include "nvm/pb-json.h"
#include "worker/http.h"

#define API_MAX_LISTEN 4
#define API_MAX_CONNS 16
#define API_CONN_SECS 10.0      /* a whole request and its reply, or the connection goes */

struct nvm_api {
	struct nvm_ctx *n;
	int fd[API_MAX_LISTEN];
	ev_io w[API_MAX_LISTEN];
	unsigned nfd;
	char *unix_path;
};

struct api_conn {
	struct nvm_ctx *n;
	int fd;
	ev_io rw, ww;
	ev_timer t;
	struct http_req *req;
	char *out;
	size_t len, off;
};

static void reply(struct api_conn *c, int code, const char *body)
{
	c->out = talloc_asprintf(c, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
				 "Content-Length: %zu\r\nConnection: close\r\n"
				 "Cache-Control: no-store\r\n\r\n%s", code, http_status_text(code),
				 strlen(body), body);
	c->len = c->out ? strlen(c->out) : 0;
}

static void route(struct api_conn *c)
{
	TALLOC_CTX *tmp = talloc_new(c);
	char *url = talloc_strdup(tmp, http_req_url(c->req)), *path, *body;
	ProtobufCMessage *m = NULL;
	struct nvm_query q;

	if (url == NULL)
		goto out;
	if (http_req_method(c->req) != HTTP_M_GET) {
		reply(c, 405, "{\"error\": \"only GET\"}\n");
		goto out;
	}
	if (nvm_query_parse(url, &path, &q) < 0) {
		reply(c, 400, "{\"error\": \"bad query\"}\n");
		goto out;
	}
	if (strcmp(path, "/flows") == 0)
		m = nvm_report_flows(c->n, tmp, &q);
	else if (strcmp(path, "/endpoints") == 0)
		m = nvm_report_endpoints(c->n, tmp, &q);
	else if (strcmp(path, "/status") == 0)
		m = nvm_report_status(c->n, tmp);
	else {
		reply(c, 404, "{\"error\": \"no such resource\"}\n");
		goto out;
	}
	body = m ? pb_json(tmp, m, 2) : NULL;
	if (body == NULL || (body = talloc_strdup_append(body, "\n")) == NULL)
		reply(c, 500, "{\"error\": \"out of memory\"}\n");
	else
		reply(c, 200, body);
out:
	talloc_free(tmp);
}

/* ------------------------------------------------------------ connections */

static int conn_destroy(struct api_conn *c)
{
	ev_io_stop(c->n->loop, &c->rw);
	ev_io_stop(c->n->loop, &c->ww);
	ev_timer_stop(c->n->loop, &c->t);
	close(c->fd);
	c->n->api_conns--;
	return 0;
}

static void write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct api_conn *c = w->data;

	(void)loop;
	(void)revents;
	if (sock_send_pending(c->fd, c->out, c->len, &c->off) == 1)
		return;         /* the rest when the socket drains */
	talloc_free(c);
}

static void read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct api_conn *c = w->data;
	uint8_t buf[4096];
	size_t used;
	ssize_t k;
	int rc;

	(void)revents;
	k = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (k <= 0) {
		talloc_free(c);
		return;
	}
	rc = http_req_feed(c->req, buf, (size_t)k, &used);
	if (rc == 0)
		return;
	if (rc == 1)
		route(c);
	else
		reply(c, rc == -EMSGSIZE ? 413 : 400, "{\"error\": \"bad request\"}\n");
	if (c->out == NULL) {
		talloc_free(c);
		return;
	}
	ev_io_stop(loop, &c->rw);
	ev_io_start(loop, &c->ww);
}

static void timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	talloc_free(w->data);
}

static void accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct nvm_ctx *n = w->data;
	struct api_conn *c;
	int fd;

	(void)revents;
	fd = accept4(w->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	if (n->api_conns >= API_MAX_CONNS || (c = talloc_zero(n, struct api_conn)) == NULL) {
		close(fd);
		return;
	}
	n->api_conns++;
	c->n = n;
	c->fd = fd;
	talloc_set_destructor(c, conn_destroy);
	c->req = http_req_new(c);
	if (c->req == NULL) {
		talloc_free(c);
		return;
	}
	ev_io_init(&c->rw, read_cb, fd, EV_READ);
	ev_io_init(&c->ww, write_cb, fd, EV_WRITE);
	ev_timer_init(&c->t, timeout_cb, API_CONN_SECS, 0.);
	c->rw.data = c->ww.data = c->t.data = c;
	ev_io_start(loop, &c->rw);
	ev_timer_start(loop, &c->t);
}

/* ------------------------------------------------------------ listening */

static int api_add(struct nvm_api *a, int fd)
{
	if (a->nfd >= API_MAX_LISTEN) {
		close(fd);
		return -ENOSPC;
	}
	a->fd[a->nfd++] = fd;
	return 0;
}

/* mode 0660, owned by run-as-user: root and that user's group may query */
static int listen_unix(struct nvm_api *a, const struct cfg *cfg, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct passwd *pw = getpwnam(cfg->run_as_user ? cfg->run_as_user : "nobody");
	struct group *gr = cfg->run_as_group ? getgrnam(cfg->run_as_group) : NULL;
	mode_t old;
	int fd, err;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	old = umask(0117);
	err = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 16) < 0 ? errno : 0;
	umask(old);
	if (err != 0) {
		close(fd);
		return -err;
	}
	if (pw != NULL && chown(path, pw->pw_uid, gr ? gr->gr_gid : pw->pw_gid) < 0)
		log_warn("cannot hand %s to %s: %s", path, cfg->run_as_user, strerror(errno));
	a->unix_path = talloc_strdup(a, path);
	return api_add(a, fd);
}

static bool is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
	return false;
}

/* "127.0.0.1:8080", "[::1]:8080", "localhost:8080" or "8080" (= 127.0.0.1) */
static int split_hostport(TALLOC_CTX *tmp, const char *spec, char **ret_host, char **ret_port)
{
	const char *c;

	if (spec[0] == '[') {
		c = strchr(spec, ']');
		if (c == NULL || c[1] != ':')
			return -EINVAL;
		*ret_host = talloc_strndup(tmp, spec + 1, (size_t)(c - spec - 1));
		*ret_port = talloc_strdup(tmp, c + 2);
	} else if ((c = strrchr(spec, ':')) != NULL) {
		*ret_host = talloc_strndup(tmp, spec, (size_t)(c - spec));
		*ret_port = talloc_strdup(tmp, c + 1);
	} else {
		*ret_host = talloc_strdup(tmp, "127.0.0.1");
		*ret_port = talloc_strdup(tmp, spec);
	}
	return *ret_host && *ret_port ? 0 : -ENOMEM;
}

static int listen_tcp(struct nvm_api *a, const char *spec)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };
	TALLOC_CTX *tmp = talloc_new(a);
	struct addrinfo *res = NULL, *ai;
	char *host, *port;
	int one = 1, fd, rc;

	rc = split_hostport(tmp, spec, &host, &port);
	if (rc == 0 && getaddrinfo(host, port, &hints, &res) != 0)
		rc = -EINVAL;
	for (ai = res; rc == 0 && ai != NULL; ai = ai->ai_next)
		if (!is_loopback(ai->ai_addr)) {
			log_err("nvm-api-listen %s is not a loopback address: refused", spec);
			rc = -EPERM;
		}
	for (ai = res; rc == 0 && ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 16) < 0) {
			log_warn("nvm-api-listen %s: %s", spec, strerror(errno));
			close(fd);
			continue;
		}
		api_add(a, fd);
	}
	if (res != NULL)
		freeaddrinfo(res);
	talloc_free(tmp);
	return rc;
}

static int api_destroy(struct nvm_api *a)
{
	for (unsigned i = 0; i < a->nfd; i++) {
		ev_io_stop(a->n->loop, &a->w[i]);
		close(a->fd[i]);
	}
	if (a->unix_path != NULL)
		unlink(a->unix_path);   /* only works while we may; main removes nothing here */
	return 0;
}

int nvm_api_open(struct nvm_ctx *n)
{
	struct nvm_api *a;
	int rc = 0;

	if (n->cfg->nvm_api_socket == NULL && n->cfg->nvm_api_listen == NULL)
		return 0;
	a = talloc_zero(n, struct nvm_api);
	if (a == NULL)
		return -ENOMEM;
	a->n = n;
	talloc_set_destructor(a, api_destroy);
	n->api = a;
	if (n->cfg->nvm_api_socket != NULL)
		rc = listen_unix(a, n->cfg, n->cfg->nvm_api_socket);
	if (rc == 0 && n->cfg->nvm_api_listen != NULL)
		rc = listen_tcp(a, n->cfg->nvm_api_listen);
	if (rc < 0)
		log_err("cannot open the NVM API socket: %s", strerror(-rc));
	else if (a->nfd == 0)
		rc = -EADDRNOTAVAIL;
	return rc;
}

void nvm_api_start(struct nvm_ctx *n)
{
	struct nvm_api *a = n->api;

	for (unsigned i = 0; a != NULL && i < a->nfd; i++) {
		ev_io_init(&a->w[i], accept_cb, a->fd[i], EV_READ);
		a->w[i].data = n;
		ev_io_start(n->loop, &a->w[i]);
	}
}
