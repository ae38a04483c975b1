/* main/spawn.c: fork + exec one worker per accepted connection. Runs in: main. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "ipc/ipc-msg.h"
#include "ipc/ipc.pb-c.h"
#include "main/main-int.h"
#include "worker/worker-fds.h"

static void addr_text(const struct sockaddr *sa, socklen_t len, char *host, size_t hlen,
		      unsigned *port)
{
	char serv[16];

	if (getnameinfo(sa, len, host, (socklen_t)hlen, serv, sizeof(serv),
			NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(host, hlen, "unknown");
		*port = 0;
		return;
	}
	*port = (unsigned)atoi(serv);
	/* show v4-mapped peers the way admins expect them */
	if (strncmp(host, "::ffff:", 7) == 0 && strchr(host + 7, ':') == NULL)
		memmove(host, host + 7, strlen(host + 7) + 1);
}

_Static_assert(WORKER_FD_MAIN == 3 && WORKER_FD_CLIENT == 4, "main_fork_exec's fd layout");

/* In the child: the channel at fd 3, `extra_fd` at fd 4, then exec. Never returns. */
static void exec_child(const char *path, char *const argv[], int ipc_fd, int extra_fd)
{
	/* move both above the target numbers first so neither dup2 clobbers the other */
	int i = fcntl(ipc_fd, F_DUPFD_CLOEXEC, 10), e = fcntl(extra_fd, F_DUPFD_CLOEXEC, 10);

	if (i < 0 || e < 0 || dup2(i, 3) < 0 || dup2(e, 4) < 0)
		_exit(1);
	/* dup2 clears FD_CLOEXEC on the copies; everything else closes at exec */
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	execv(path, argv);
	log_err("cannot exec %s: %s", path, strerror(errno));
	_exit(1);
}

int main_fork_exec(const char *path, char *const argv[], int extra_fd, int *ret_fd,
		   pid_t *ret_pid)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int err = errno;

		close(sv[0]);
		close(sv[1]);
		return -err;
	}
	if (pid == 0)
		exec_child(path, argv, sv[1], extra_fd);
	close(sv[1]);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	*ret_fd = sv[0];
	*ret_pid = pid;
	return 0;
}

static int send_startup(struct main_ctx *m, struct proc *p, int fd)
{
	WorkerStartup s = WORKER_STARTUP__INIT;
	uint8_t tag[STARTUP_HMAC_LEN];

	if (startup_hmac(m->hmac_key, p->remote_ip, p->local_ip, (uint64_t)p->conn_time, tag) < 0)
		return -EIO;
	s.remote_ip = p->remote_ip;
	s.local_ip = p->local_ip;
	s.remote_port = p->remote_port;
	s.secmod_socket = m->secmod_socket;
	s.session_start = (uint64_t)p->conn_time;
	s.hmac.data = tag;
	s.hmac.len = sizeof(tag);
	s.log_level = log_get_level();
	s.log_stderr = m->foreground;
	s.config_file = m->cfg->file ? m->cfg->file : (char *)"";
	return ipc_send(fd, IPC_MAIN_WK_STARTUP, &s.base, m->config_fd);
}

int main_spawn_worker(struct main_ctx *m, int client_fd, const struct sockaddr *peer,
		      socklen_t peer_len)
{
	char *argv[] = { (char *)"ocserv-worker", NULL };
	struct sockaddr_storage local;
	socklen_t local_len = sizeof(local);
	unsigned local_port;
	struct proc *p;
	int fd, rc;
	pid_t pid;

	/* the worker finds its channel at WORKER_FD_MAIN (3) and the client at WORKER_FD_CLIENT (4) */
	rc = main_fork_exec(m->worker_path, argv, client_fd, &fd, &pid);
	if (rc < 0)
		return rc;
	p = proc_new(m, pid, fd);
	if (p == NULL) {
		close(fd);
		kill(pid, SIGKILL);
		return -ENOMEM;
	}
	addr_text(peer, peer_len, p->remote_ip, sizeof(p->remote_ip), &p->remote_port);
	if (getsockname(client_fd, (struct sockaddr *)&local, &local_len) == 0)
		addr_text((struct sockaddr *)&local, local_len, p->local_ip, sizeof(p->local_ip),
			  &local_port);
	if (send_startup(m, p, fd) < 0) {
		log_err("cannot start worker %d", (int)pid);
		kill(pid, SIGKILL);
	}
	log_debug("worker %d serves %s:%u", (int)pid, p->remote_ip, p->remote_port);
	return 0;
}
