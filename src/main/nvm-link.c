/* main/nvm-link.c: start, restart and feed ocserv-nvm (the NVM collector). Runs in: main. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cookie.h"
#include "common/log.h"
#include "ipc/ipc-msg.h"
#include "ipc/ipc.pb-c.h"
#include "main/main-int.h"
#include "main/nvm-link.h"
#include "nvm/nvm-fds.h"

#define NVM_BACKOFF_MIN 0.5     /* seconds before the first restart */
#define NVM_BACKOFF_MAX 60.0
#define NVM_STABLE_SECS 60.0    /* a run this long resets the back-off */
/* session updates are small and bursty (a restart replays all): a deep buffer, not a queue */
#define NVM_SNDBUF (8 * 1024 * 1024)

_Static_assert(NVM_FD_MAIN == 3 && NVM_FD_CONFIG == 4, "main_fork_exec's fd layout");

struct nvm_link {
	struct main_ctx *m;
	char *path;             /* "<main's exe>-nvm" */
	pid_t pid;
	int fd;                 /* SEQPACKET to ocserv-nvm, -1 while it is down */
	ev_timer restart;
	double backoff;
	ev_tstamp started;
	unsigned restarts;
};


/* Every tunnel that is up now: a fresh ocserv-nvm knows nothing. */
static void replay_sessions(struct nvm_link *l)
{
	for (const struct proc *p = l->m->procs; p != NULL; p = p->next)
		if (p->state == PROC_CONNECTED)
			nvm_link_session(p, true);
}

static int spawn(struct nvm_link *l)
{
	char level[32];
	char *argv[] = { (char *)"ocserv-nvm", level, NULL, NULL };
	int fd, sz = NVM_SNDBUF, rc;
	pid_t pid;

	snprintf(level, sizeof(level), "--log-level=%d", log_get_level());
	if (l->m->foreground)
		argv[2] = (char *)"--stderr";
	/* ocserv-nvm finds its channel at NVM_FD_MAIN (3) and the snapshot at NVM_FD_CONFIG (4) */
	rc = main_fork_exec(l->path, argv, l->m->config_fd, &fd, &pid);
	if (rc < 0)
		return rc;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	l->fd = fd;
	l->pid = pid;
	l->started = ev_now(l->m->loop);
	log_info("started ocserv-nvm (pid %d)", (int)pid);
	replay_sessions(l);
	return 0;
}

static void restart_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct nvm_link *l = w->data;
	int rc;

	(void)loop;
	(void)revents;
	rc = spawn(l);
	if (rc < 0) {
		log_err("cannot start ocserv-nvm: %s", strerror(-rc));
		l->backoff = l->backoff * 2 > NVM_BACKOFF_MAX ? NVM_BACKOFF_MAX : l->backoff * 2;
		ev_timer_set(&l->restart, l->backoff, 0.);
		ev_timer_start(l->m->loop, &l->restart);
	}
}

static int link_destroy(struct nvm_link *l)
{
	ev_timer_stop(l->m->loop, &l->restart);
	if (l->fd >= 0)
		close(l->fd);
	if (l->pid > 0)
		kill(l->pid, SIGTERM);
	return 0;
}

int nvm_link_start(struct main_ctx *m)
{
	struct nvm_link *l;
	const char *w = m->worker_path;
	size_t n;

	if (!m->cfg->nvm)
		return 0;
	l = talloc_zero(m, struct nvm_link);
	if (l == NULL)
		return -ENOMEM;
	/* main's exe + "-nvm", as the worker is main's exe + "-worker" */
	n = strlen(w);
	if (n > 7 && strcmp(w + n - 7, "-worker") == 0)
		l->path = talloc_asprintf(l, "%.*s-nvm", (int)(n - 7), w);
	if (l->path == NULL) {
		talloc_free(l);
		return -ENOMEM;
	}
	l->m = m;
	l->fd = -1;
	l->backoff = NVM_BACKOFF_MIN;
	ev_timer_init(&l->restart, restart_cb, 0., 0.);
	l->restart.data = l;
	talloc_set_destructor(l, link_destroy);
	m->nvm = l;
	restart_cb(m->loop, &l->restart, 0);
	return 0;
}

bool nvm_link_child(struct main_ctx *m, pid_t pid, int status)
{
	struct nvm_link *l = m->nvm;
	ev_tstamp ran;

	if (l == NULL || pid != l->pid || pid <= 0)
		return false;
	ran = ev_now(m->loop) - l->started;
	if (WIFSIGNALED(status))
		log_err("ocserv-nvm (pid %d) was killed by signal %d after %.0f s",
			(int)pid, WTERMSIG(status), ran);
	else
		log_err("ocserv-nvm (pid %d) exited with status %d after %.0f s",
			(int)pid, WEXITSTATUS(status), ran);
	close(l->fd);
	l->fd = -1;
	l->pid = 0;
	if (ran >= NVM_STABLE_SECS)
		l->backoff = NVM_BACKOFF_MIN;
	else if (l->restarts > 0)
		l->backoff = l->backoff * 2 > NVM_BACKOFF_MAX ? NVM_BACKOFF_MAX : l->backoff * 2;
	l->restarts++;
	log_info("restarting ocserv-nvm in %.1f s", l->backoff);
	ev_timer_set(&l->restart, l->backoff, 0.);
	ev_timer_start(m->loop, &l->restart);
	return true;
}

void nvm_link_session(const struct proc *p, bool up)
{
	struct nvm_link *l = p->m->nvm;
	NvmSession s = NVM_SESSION__INIT;
	char sid[COOKIE_SAFE_ID_LEN] = "";

	if (l == NULL || l->fd < 0 || p->username == NULL)
		return;
	if (p->have_sid)
		cookie_safe_id(p->sid, sid, sizeof(sid));
	s.up = up;
	s.id = (uint32_t)p->pid;
	s.username = p->username;
	s.session = sid;
	s.remote_ip = (char *)p->remote_ip;
	if (p->have_lease && p->lease.have_v4) {
		s.has_ipv4 = 1;
		s.ipv4 = (ProtobufCBinaryData){ 4, (uint8_t *)p->lease.v4 };
	}
	if (p->have_lease && p->lease.have_v6) {
		s.has_ipv6 = 1;
		s.ipv6 = (ProtobufCBinaryData){ 16, (uint8_t *)p->lease.v6 };
	}
	if (ipc_send(l->fd, IPC_MAIN_NVM_SESSION, &s.base, -1) < 0)
		log_warn("cannot tell ocserv-nvm about user '%s'", p->username);
}

int nvm_link_ctl(struct main_ctx *m, int fd, const uint8_t *buf, size_t len)
{
	struct nvm_link *l = m->nvm;
	NvmCtl c = NVM_CTL__INIT;

	if (l == NULL || l->fd < 0)
		return -ENOTCONN;
	c.data = (ProtobufCBinaryData){ len, (uint8_t *)buf };
	return ipc_send(l->fd, IPC_MAIN_NVM_CTL, &c.base, fd);
}

void nvm_link_stop(struct main_ctx *m)
{
	TALLOC_FREE(m->nvm);
}
