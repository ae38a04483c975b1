/* main/udp.c: the DTLS port: find each new peer's worker and hand it a socket. Runs in: main. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "ipc/ipc-msg.h"
#include "ipc/ipc.pb-c.h"
#include "main/dtls-hello.h"
#include "main/main-int.h"

#define UDP_FWD_INTERVAL 3      /* seconds between two hand-overs to one worker */
#define UDP_MAX_DGRAM 2048

struct udp_dgram {
	uint8_t buf[UDP_MAX_DGRAM];
	size_t len;
	struct sockaddr_storage peer;
	socklen_t peer_len;
	struct sockaddr_storage local;  /* where it arrived: the address we answer from */
	socklen_t local_len;
};

static int udp_listen_one(struct main_ctx *m, const struct addrinfo *ai)
{
	int one = 1, fd;

	if (m->n_udp >= MAIN_MAX_LISTENERS)
		return -ENOSPC;
	fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* per-client sockets bind the same port; the connected one wins the lookup */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ai->ai_family == AF_INET6) {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
	} else {
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
	}
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	m->udp_fd[m->n_udp++] = fd;
	return 0;
}

int main_udp_open(struct main_ctx *m)
{
	struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICSERV, .ai_socktype = SOCK_DGRAM };
	const char *host = m->cfg->udp_listen_host ? m->cfg->udp_listen_host : m->cfg->listen_host;
	struct addrinfo *res;
	char port[16];
	int rc;

	if (m->cfg->udp_port == 0)
		return 0;
	snprintf(port, sizeof(port), "%u", m->cfg->udp_port);
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		log_err("cannot resolve udp-listen-host: %s", gai_strerror(rc));
		return -EINVAL;
	}
	for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next)
		if ((rc = udp_listen_one(m, ai)) < 0)
			log_warn("cannot listen on UDP port %s: %s", port, strerror(-rc));
	freeaddrinfo(res);
	if (m->n_udp == 0)
		log_warn("no UDP listener: clients will use TLS only");
	return 0;
}

/* the local address from IP_PKTINFO / IPV6_PKTINFO, with the listener's port */
static void local_from_cmsg(struct msghdr *mh, int lfd, struct udp_dgram *d)
{
	struct sockaddr_storage bound;
	socklen_t blen = sizeof(bound);

	if (getsockname(lfd, (struct sockaddr *)&bound, &blen) < 0)
		return;
	d->local = bound;
	d->local_len = blen;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			((struct sockaddr_in *)&d->local)->sin_addr = pi.ipi_addr;
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			((struct sockaddr_in6 *)&d->local)->sin6_addr = pi.ipi6_addr;
		}
	}
}

static int udp_read(int fd, struct udp_dgram *d)
{
	union { struct cmsghdr align; char buf[256]; } ctrl;
	struct iovec iov = { .iov_base = d->buf, .iov_len = sizeof(d->buf) };
	struct msghdr mh = { .msg_name = &d->peer, .msg_namelen = sizeof(d->peer),
			     .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctrl.buf, .msg_controllen = sizeof(ctrl.buf) };
	ssize_t n = recvmsg(fd, &mh, 0);

	if (n < 0)
		return -errno;
	if (mh.msg_flags & MSG_TRUNC)
		return -EMSGSIZE;
	d->len = (size_t)n;
	d->peer_len = mh.msg_namelen;
	local_from_cmsg(&mh, fd, d);
	return 0;
}

static struct proc *find_owner(struct main_ctx *m, const struct dtls_hello *h)
{
	const uint8_t *id = h->app_id_len ? h->app_id : h->session_id;
	size_t len = h->app_id_len ? h->app_id_len : h->session_id_len;

	if (len != sizeof(((struct proc *)0)->dtls_id))
		return NULL;
	for (struct proc *p = m->procs; p != NULL; p = p->next)
		/* only an authenticated session gets UDP (ocserv #706) */
		if (p->state == PROC_CONNECTED && memcmp(p->dtls_id, id, len) == 0)
			return p;
	return NULL;
}

static int connected_socket(const struct udp_dgram *d)
{
	int one = 1, fd = socket(d->local.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (d->local.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&d->local, d->local_len) < 0 ||
	    connect(fd, (const struct sockaddr *)&d->peer, d->peer_len) < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	return fd;
}

/*
 * A DTLS record that is not a hello from an address no worker owns: a client
 * whose NAT mapping changed. Only an unambiguous owner (one connected session
 * from that IP) gets it; the worker checks the record against its DTLS keys.
 */
static struct proc *find_by_ip(struct main_ctx *m, const struct udp_dgram *d)
{
	char host[64];
	struct proc *found = NULL;

	if (getnameinfo((const struct sockaddr *)&d->peer, d->peer_len, host, sizeof(host), NULL, 0,
			NI_NUMERICHOST) != 0)
		return NULL;
	if (strncmp(host, "::ffff:", 7) == 0 && strchr(host + 7, ':') == NULL)
		memmove(host, host + 7, strlen(host + 7) + 1);
	for (struct proc *p = m->procs; p != NULL; p = p->next) {
		if (p->state != PROC_CONNECTED || strcmp(p->remote_ip, host) != 0)
			continue;
		if (found != NULL)
			return NULL;
		found = p;
	}
	return found;
}

static void hand_over(struct proc *p, const struct udp_dgram *d, bool hello)
{
	UdpFd u = UDP_FD__INIT;
	time_t now = time(NULL);
	int fd;

	/* a client retransmits its hello; one hand-over per interval is enough */
	if (now - p->udp_fwd_time < UDP_FWD_INTERVAL)
		return;
	fd = connected_socket(d);
	if (fd < 0) {
		log_info("cannot open a UDP socket for worker %d: %s", (int)p->pid, strerror(-fd));
		return;
	}
	u.hello = hello;
	u.data.data = (uint8_t *)d->buf;
	u.data.len = d->len;
	if (ipc_send(p->fd, IPC_MAIN_WK_UDP_FD, &u.base, fd) == 0)
		p->udp_fwd_time = now;
	close(fd);
}

static void udp_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct main_ctx *m = w->data;
	struct udp_dgram d;
	struct dtls_hello h;
	struct proc *p;
	int rc;

	(void)loop;
	(void)revents;
	/* bounded: other listeners and workers get their turn */
	for (int i = 0; i < 16; i++) {
		if (udp_read(w->fd, &d) < 0)
			return;
		rc = dtls_hello_parse(d.buf, d.len, &h);
		if (rc == -ENOMSG && (p = find_by_ip(m, &d)) != NULL) {
			hand_over(p, &d, false);
			continue;
		}
		if (rc < 0) {
			log_trace("UDP datagram of %zu bytes dropped: %s", d.len,
				  rc == -ENOMSG ? "no owner" : "malformed ClientHello");
			continue;
		}
		p = find_owner(m, &h);
		if (p == NULL) {
			log_debug("DTLS hello for no authenticated session dropped");
			continue;
		}
		hand_over(p, &d, true);
	}
}

void main_udp_watch(struct main_ctx *m)
{
	for (unsigned i = 0; i < m->n_udp; i++) {
		ev_io_init(&m->udp_w[i], udp_cb, m->udp_fd[i], EV_READ);
		m->udp_w[i].data = m;
		ev_io_start(m->loop, &m->udp_w[i]);
	}
}
