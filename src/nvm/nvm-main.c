/* nvm/nvm-main.c: ocserv-nvm entry: config from main, privileged set-up, sandbox, loop. Runs in: ocserv-nvm. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/ipc.h"
#include "common/log.h"
#include "common/proctitle.h"
#include "ipc/ipc-msg.h"
#include "ipc/ipc.pb-c.h"
#include "nvm/nvm-db.h"
#include "nvm/nvm-dtls.h"
#include "nvm/nvm-fds.h"
#include "nvm/nvm-int.h"
#include "nvm/nvm-sandbox.h"
#include "nvm/nvm-sess.h"

#define NVM_DEFAULT_DB "/var/lib/ocserv/nvm.sqlite"
#define NVM_TICK_SECS 1.0

static int read_config(struct nvm_ctx *n, int fd)
{
	struct stat st;
	char *buf, *err = NULL;
	int rc;

	if (fstat(fd, &st) < 0 || st.st_size <= 0 || st.st_size > 16 * 1024 * 1024)
		return -EINVAL;
	buf = talloc_size(n, (size_t)st.st_size + 1);
	if (buf == NULL || pread(fd, buf, (size_t)st.st_size, 0) != st.st_size)
		return -EIO;
	buf[st.st_size] = '\0';
	rc = cfg_parse_buf(n, "config", buf, (size_t)st.st_size, &n->cfg, &err);
	if (rc < 0)
		log_err("configuration snapshot: %s", err ? err : "unreadable");
	talloc_free(buf);
	return rc;
}

/* The database and its WAL files belong to run-as-user, so every later start can write them. */
static void chown_db(const struct cfg *cfg, const char *path)
{
	const char *sfx[] = { "", "-wal", "-shm" };
	struct passwd *pw;
	char p[4096];

	if (getuid() != 0 || (pw = getpwnam(cfg->run_as_user ? cfg->run_as_user : "nobody")) == NULL)
		return;
	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, sfx[i]);
		if (chown(p, pw->pw_uid, (gid_t)-1) < 0 && errno != ENOENT)
			log_warn("cannot hand %s to %s: %s", p, cfg->run_as_user, strerror(errno));
	}
}

static int open_store(struct nvm_ctx *n)
{
	struct nvm_store_cfg sc = { 0 };
	int rc;

	sc.path = n->cfg->nvm_database ? n->cfg->nvm_database : NVM_DEFAULT_DB;
	sc.retention_days = n->cfg->nvm_retention;
	rc = nvm_store_open(n, &sc, &n->store);
	if (rc < 0) {
		log_err("cannot open the NVM database %s: %s", sc.path, strerror(-rc));
		return rc;
	}
	if ((rc = nvm_db_new(n, n->store, &n->db)) < 0 || (rc = nvm_rx_decoder(n)) < 0)
		return rc;
	rc = nvm_store_load_templates(n->store, n->dec, &n->templates_loaded);
	if (rc < 0)
		return rc;
	chown_db(n->cfg, sc.path);
	log_info("database %s: %u template(s) reloaded", sc.path, n->templates_loaded);
	return 0;
}

static void on_session(struct nvm_ctx *n, TALLOC_CTX *tmp, const struct ipc_msg *msg)
{
	NvmSession *s = ipc_unpack(tmp, &nvm_session__descriptor, msg);
	int rc;

	if (s == NULL) {
		log_err("malformed session update from main");
		return;
	}
	rc = nvm_sess_update(n->sess, s->up, s->id, s->username, s->session,
			     s->has_ipv4 && s->ipv4.len == 4 ? s->ipv4.data : NULL,
			     s->has_ipv6 && s->ipv6.len == 16 ? s->ipv6.data : NULL, s->remote_ip);
	if (rc < 0)
		log_warn("cannot track the session of '%.64s': %s", s->username, strerror(-rc));
	else
		log_debug("VPN session %u of '%.64s' %s", s->id, s->username, s->up ? "up" : "down");
}

static void main_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct nvm_ctx *n = w->data;
	TALLOC_CTX *tmp = talloc_new(n);
	struct ipc_msg msg;
	NvmCtl *c;
	int rc;

	(void)revents;
	rc = ipc_recv(n->main_fd, tmp, &msg);
	if (rc == -EAGAIN)
		goto out;
	if (rc < 0) {
		log_info("main went away (%s); exiting", strerror(-rc));
		ev_break(loop, EVBREAK_ALL);
		goto out;
	}
	if (msg.type == IPC_MAIN_NVM_SESSION) {
		on_session(n, tmp, &msg);
	} else if (msg.type == IPC_MAIN_NVM_CTL && msg.fd >= 0 &&
		   (c = ipc_unpack(tmp, &nvm_ctl__descriptor, &msg)) != NULL) {
		nvm_ctl_accept(n, msg.fd, c->data.data, c->data.len);
		msg.fd = -1;            /* nvm_ctl_accept owns it now */
	} else {
		log_err("unexpected message %u from main", msg.type);
	}
	if (msg.fd >= 0)
		close(msg.fd);
out:
	talloc_free(tmp);
}

static void tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct nvm_ctx *n = w->data;
	ev_tstamp now = ev_now(loop), dt = now - n->rate_t;
	int rc;

	(void)revents;
	if (dt >= 1.0) {
		n->rate = (double)(n->stored - n->rate_prev) / dt;
		n->rate_prev = n->stored;
		n->rate_t = now;
	}
	/* commits a batch older than its time limit and deletes one retention chunk */
	rc = nvm_store_tick(n->store, time(NULL));
	if (rc < 0)
		n->store_errors++;
	if (n->dtls != NULL)
		nvm_dtls_expire(n->dtls, now);
}

static void term_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(loop, EVBREAK_ALL);
}

static int parse_args(int argc, char **argv, bool *ret_stderr)
{
	int level = LOG_LVL_INFO;

	*ret_stderr = false;
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--log-level=", 12) == 0)
			level = atoi(argv[i] + 12);
		else if (strcmp(argv[i], "--stderr") == 0)
			*ret_stderr = true;
		else
			return -EINVAL;
	}
	log_init("nvm", !*ret_stderr);
	log_set_level(level);
	return 0;
}

/* Everything that needs root: sockets below 1024, key files, the database directory. */
static int setup_privileged(struct nvm_ctx *n)
{
	int rc;

	if ((rc = read_config(n, NVM_FD_CONFIG)) < 0)
		return rc;
	close(NVM_FD_CONFIG);
	n->sess = nvm_sess_new(n);
	if (n->sess == NULL)
		return -ENOMEM;
	if ((rc = nvm_rx_open(n)) < 0 || (rc = nvm_api_open(n)) < 0 || (rc = open_store(n)) < 0)
		return rc;
	if (n->cfg->nvm_dtls && (rc = nvm_dtls_new(n, n->cfg, &n->dtls)) < 0)
		return rc;
	return 0;
}

static void run(struct nvm_ctx *n)
{
	ev_signal sig_term, sig_int;

	ev_io_init(&n->main_w, main_cb, n->main_fd, EV_READ);
	n->main_w.data = n;
	ev_io_start(n->loop, &n->main_w);
	ev_timer_init(&n->tick, tick_cb, NVM_TICK_SECS, NVM_TICK_SECS);
	n->tick.data = n;
	ev_timer_start(n->loop, &n->tick);
	ev_signal_init(&sig_term, term_cb, SIGTERM);
	ev_signal_start(n->loop, &sig_term);
	ev_signal_init(&sig_int, term_cb, SIGINT);
	ev_signal_start(n->loop, &sig_int);
	nvm_rx_start(n);
	nvm_api_start(n);
	n->rate_t = ev_now(n->loop);
	ev_run(n->loop, 0);
}

int main(int argc, char **argv)
{
	struct nvm_ctx *n;
	bool to_stderr;

	proctitle_init(argc, argv);
	if (parse_args(argc, argv, &to_stderr) < 0 || fcntl(NVM_FD_MAIN, F_GETFD) < 0 ||
	    fcntl(NVM_FD_CONFIG, F_GETFD) < 0) {
		fprintf(stderr, "ocserv-nvm: must be started by ocserv (nvm = true)\n");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	n = talloc_zero(NULL, struct nvm_ctx);
	if (n == NULL)
		return 1;
	n->main_fd = NVM_FD_MAIN;
	fcntl(n->main_fd, F_SETFD, FD_CLOEXEC);
	fcntl(n->main_fd, F_SETFL, O_NONBLOCK);
	n->start_time = time(NULL);
	n->loop = ev_default_loop(EVFLAG_AUTO);
	if (n->loop == NULL || setup_privileged(n) < 0)
		return 1;
	proctitle_set("ocserv-nvm");   /* prctl(): before the filter forbids it */
	if (nvm_drop_privileges(n->cfg) < 0 || nvm_seccomp() < 0)
		return 1;
	log_info("collecting nvzFlow on port %u (%s)", n->cfg->nvm_port,
		 n->dtls ? "DTLS" : "UDP");
	run(n);
	log_info("exiting");
	talloc_free(n);                 /* commits the open batch */
	return 0;
}
