/* worker/worker.c: ocserv-worker entry: start-up state from main, then one client. Runs in: worker. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/ipc.h"
#include "common/log.h"
#include "common/privs.h"
#include "ipc/ipc-msg.h"
#include "worker/seccomp.h"
#include "worker/worker-fds.h"
#include "worker/worker.h"

static int read_snapshot(struct wk *w, int fd)
{
	struct stat st;
	char *buf, *err = NULL;
	int rc;

	if (fstat(fd, &st) < 0 || st.st_size <= 0 || st.st_size > 16 * 1024 * 1024)
		return -EINVAL;
	buf = talloc_size(w, (size_t)st.st_size + 1);
	if (buf == NULL || pread(fd, buf, (size_t)st.st_size, 0) != st.st_size)
		return -EIO;
	buf[st.st_size] = '\0';
	rc = cfg_parse_buf(w, w->st->config_file, buf, (size_t)st.st_size, &w->cfg, &err);
	if (rc < 0)
		log_err("configuration snapshot: %s", err ? err : "unreadable");
	talloc_free(buf);
	return rc;
}

static int startup(struct wk *w)
{
	TALLOC_CTX *tmp = talloc_new(w);
	struct ipc_msg m;
	int rc = -EPROTO;

	m.fd = -1;
	if (ipc_recv(w->main_fd, tmp, &m) < 0 || m.type != IPC_MAIN_WK_STARTUP || m.fd < 0)
		goto out;
	w->st = ipc_unpack(w, &worker_startup__descriptor, &m);
	if (w->st == NULL)
		goto out;
	log_init("worker", !w->st->log_stderr);
	log_set_level(w->st->log_level);
	rc = read_snapshot(w, m.fd);
	close(m.fd);
	m.fd = -1;
out:
	if (m.fd >= 0)
		close(m.fd);
	if (rc == -EPROTO)
		fprintf(stderr, "ocserv-worker: must be started by ocserv\n");
	talloc_free(tmp);
	return rc;
}

static int connect_secmod(struct wk *w)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strlen(w->st->secmod_socket) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, w->st->secmod_socket);
	w->sm_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (w->sm_fd < 0 || connect(w->sm_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		log_err("cannot reach sec-mod at %s: %s", sa.sun_path, strerror(errno));
		return -errno;
	}
	return 0;
}

static void say_bye(struct wk *w)
{
	WorkerBye b = WORKER_BYE__INIT;

	b.reason = w->bye_reason ? w->bye_reason : DISC_ANY;
	b.rx_bytes = w->rx_bytes;
	b.tx_bytes = w->tx_bytes;
	ipc_send(w->main_fd, IPC_WK_MAIN_BYE, &b.base, -1);
}

int main(void)
{
	struct wk *w = talloc_zero(NULL, struct wk);
	int rc;

	if (w == NULL)
		return 1;
	w->main_fd = WORKER_FD_MAIN;
	w->client_fd = WORKER_FD_CLIENT;
	w->tun_fd = -1;
	w->sm_fd = -1;
	signal(SIGPIPE, SIG_IGN);
	/* every TLS record is a whole reply or a whole packet: send it now, not after an ACK */
	setsockopt(WORKER_FD_CLIENT, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
	log_init("worker", false);
	if (startup(w) < 0 || wk_tls_setup(w) < 0 || wk_load_profile(w) < 0 ||
	    connect_secmod(w) < 0 || privs_drop(w->cfg->run_as_user, w->cfg->run_as_group) < 0)
		return 1;
	if (w->cfg->isolate_workers && wk_seccomp_apply() < 0)
		return 1;
	if (wk_tls_handshake(w) < 0)
		return 1;
	rc = wk_serve_http(w);
	if (w->tunnel != NULL)
		say_bye(w);
	gnutls_bye(w->tls, GNUTLS_SHUT_WR);
	return rc < 0 ? 1 : 0;
}
