/* main/proc.c: the table of worker processes. Runs in: main. */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "ipc/ipc-msg.h"
#include "ipc/ipc.pb-c.h"
#include "main/main-int.h"
#include "main/script.h"
#include "main/nvm-link.h"

static int proc_destroy(struct proc *p)
{
	ev_io_stop(p->m->loop, &p->w);
	if (p->fd >= 0)
		close(p->fd);
	if (p->pending_tun_fd >= 0)
		close(p->pending_tun_fd);
	return 0;
}

struct proc *proc_new(struct main_ctx *m, pid_t pid, int fd)
{
	struct proc *p = talloc_zero(m, struct proc);

	if (p == NULL)
		return NULL;
	p->m = m;
	p->pid = pid;
	p->fd = fd;
	p->conn_time = time(NULL);
	p->pending_tun_fd = -1;
	talloc_set_destructor(p, proc_destroy);
	ev_io_init(&p->w, main_worker_cb, fd, EV_READ);
	p->w.data = p;
	ev_io_start(m->loop, &p->w);
	p->next = m->procs;
	m->procs = p;
	m->n_procs++;
	return p;
}

struct proc *proc_by_pid(struct main_ctx *m, pid_t pid)
{
	for (struct proc *p = m->procs; p != NULL; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

unsigned proc_count_user(struct main_ctx *m, const char *user, const uint8_t *except_sid)
{
	unsigned n = 0;

	for (struct proc *p = m->procs; p != NULL; p = p->next) {
		if (p->state != PROC_CONNECTED || p->username == NULL ||
		    strcmp(p->username, user) != 0)
			continue;
		if (except_sid != NULL && p->have_sid && memcmp(p->sid, except_sid, SID_LEN) == 0)
			continue;
		n++;
	}
	return n;
}

/* Tell sec-mod the session lost its tunnel, so the cookie timer starts. */
static void close_session(struct proc *p, int status)
{
	SecmSessionClose c = SECM_SESSION_CLOSE__INIT;
	uint32_t reason = p->bye_reason;

	if (reason == 0)
		reason = WIFSIGNALED(status) ? DISC_ERROR : DISC_ANY;
	c.sid.data = p->sid;
	c.sid.len = SID_LEN;
	c.reason = reason;
	c.has_rx_bytes = c.has_tx_bytes = 1;
	c.rx_bytes = p->rx_bytes;
	c.tx_bytes = p->tx_bytes;
	if (p->have_lease && p->lease.have_v4) {
		c.has_ipv4 = 1;
		c.ipv4.data = p->lease.v4;
		c.ipv4.len = 4;
	}
	if (p->have_lease && p->lease.have_v6) {
		c.has_ipv6 = 1;
		c.ipv6.data = p->lease.v6;
		c.ipv6.len = 16;
	}
	if (ipc_send(p->m->secmod_fd, IPC_MAIN_SM_SESSION_CLOSE, &c.base, -1) < 0)
		log_err("cannot tell sec-mod that a session closed");
}

void proc_remove(struct proc *p, int status)
{
	struct main_ctx *m = p->m;

	for (struct proc **pp = &m->procs; *pp != NULL; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	m->n_procs--;
	/* a session held or being opened must be released, whoever ended it */
	if (p->have_sid && (p->state == PROC_CONNECTED || p->state == PROC_WAIT_SCRIPT))
		close_session(p, status);
	if (p->state == PROC_CONNECTED && m->cfg->disconnect_script != NULL &&
	    script_spawn(m->cfg->disconnect_script, p, "disconnect") < 0)
		log_err("cannot run disconnect-script %s", m->cfg->disconnect_script);
	if (p->state == PROC_CONNECTED)
		nvm_link_session(p, false);
	if (p->have_lease)
		ip_lease_release(m->pool, &p->lease);
	if (WIFSIGNALED(status) && WTERMSIG(status) != SIGTERM)
		log_info("worker %d (%s) was killed by signal %d", (int)p->pid, p->remote_ip,
			 WTERMSIG(status));
	if (p->state == PROC_CONNECTED)
		log_info("user '%s' (%s) disconnected from %s", p->username ? p->username : "",
			 p->tun_name, p->remote_ip);
	talloc_free(p);
}
