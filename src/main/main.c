/* main/main.c: ocserv-main: options, start-up, listeners, the event loop. Runs in: main. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <gnutls/crypto.h>

#include "common/log.h"
#include "common/proctitle.h"
#include "main/ctl.h"
#include "main/ban.h"
#include "main/main-int.h"
#include "main/nvm-link.h"
#include "main/tun.h"
#include "secmod/secmod.h"

#include "config.h"

struct main_opts {
	const char *config;
	const char *pid_file;
	bool foreground;
	bool test_only;
	int debug;
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: ocserv [options]\n"
		"  -f, --foreground       do not fork into the background\n"
		"  -d, --debug N          debug level (1-9999)\n"
		"  -c, --config FILE      configuration file (default %s)\n"
		"  -t, --test-config      check the configuration and exit\n"
		"  -p, --pid-file FILE    write the main PID to FILE\n"
		"  -v, --version          print the version and exit\n"
		"  -h, --help             this text\n", CFG_DEFAULT_FILE);
}

static int parse_opts(int argc, char **argv, struct main_opts *o)
{
	static const struct option lo[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "debug", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "test-config", no_argument, NULL, 't' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "version", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->config = CFG_DEFAULT_FILE;
	while ((c = getopt_long(argc, argv, "fd:c:tp:vh", lo, NULL)) != -1) {
		switch (c) {
		case 'f': o->foreground = true; break;
		case 'd': o->debug = atoi(optarg); break;
		case 'c': o->config = optarg; break;
		case 't': o->test_only = true; break;
		case 'p': o->pid_file = optarg; break;
		case 'v': printf("wolfguard ocserv %s\n", PACKAGE_VERSION); exit(0);
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -EINVAL;
		}
	}
	return 0;
}

/* a sealed memfd holding exactly these bytes: what workers parse, later edits cannot leak in */
static int sealed_copy(const void *data, size_t len)
{
	int fd = memfd_create("ocserv-config", MFD_CLOEXEC | MFD_ALLOW_SEALING), rc;

	if (fd < 0)
		return -errno;
	if (write(fd, data, len) != (ssize_t)len ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0) {
		rc = -errno;
		close(fd);
		return rc < 0 ? rc : -EIO;
	}
	return fd;
}

static int make_snapshot(struct main_ctx *m, const char *path)
{
	gnutls_datum_t raw = { NULL, 0 };
	int fd;

	if (gnutls_load_file(path, &raw) < 0)
		return -ENOENT;
	fd = sealed_copy(raw.data, raw.size);
	gnutls_free(raw.data);
	if (fd < 0)
		return fd;
	m->config_fd = fd;
	return 0;
}

/*
 * SIGHUP: new connections get the file as it is now (banner, routes, DNS,
 * timers ...). What main set up at start (listeners, pools, sec-mod, the
 * collector) stays as it was, as with ocserv's non-reloadable options. A
 * broken file is refused with its reason and the running one kept.
 */
static void reload(struct main_ctx *m)
{
	gnutls_datum_t raw = { NULL, 0 };
	struct cfg *cfg = NULL;
	char *err = NULL;
	int fd;

	if (gnutls_load_file(m->config_path, &raw) < 0) {
		log_err("reload: cannot read %s; keeping the running configuration", m->config_path);
		return;
	}
	if (cfg_parse_buf(m, m->config_path, (const char *)raw.data, raw.size, &cfg, &err) < 0 ||
	    cfg_check(cfg, &err) < 0 || (fd = sealed_copy(raw.data, raw.size)) < 0) {
		log_err("reload: %s; keeping the running configuration", err ? err : "failed");
		talloc_free(cfg);
		gnutls_free(raw.data);
		return;
	}
	gnutls_free(raw.data);
	close(m->config_fd);
	m->config_fd = fd;
	/* main keeps the view it started with (pools, listeners); these two limits follow */
	m->cfg->max_clients = cfg->max_clients;
	m->cfg->max_same_clients = cfg->max_same_clients;
	talloc_free(cfg);
	log_info("reloaded %s: new connections use it", m->config_path);
}

static int listen_one(struct main_ctx *m, const struct addrinfo *ai)
{
	int one = 1, fd;

	if (m->n_listen >= MAIN_MAX_LISTENERS)
		return -ENOSPC;
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 1024) < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	m->listen_fd[m->n_listen++] = fd;
	return 0;
}

static int open_listeners(struct main_ctx *m)
{
	struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICSERV,
				  .ai_socktype = SOCK_STREAM };
	struct addrinfo *res, *ai;
	char port[16];
	int rc;

	snprintf(port, sizeof(port), "%u", m->cfg->tcp_port);
	rc = getaddrinfo(m->cfg->listen_host, port, &hints, &res);
	if (rc != 0) {
		log_err("cannot resolve listen-host '%s': %s",
			m->cfg->listen_host ? m->cfg->listen_host : "*", gai_strerror(rc));
		return -EINVAL;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		rc = listen_one(m, ai);
		if (rc < 0)
			log_warn("cannot listen on TCP port %s (family %d): %s", port,
				 ai->ai_family, strerror(-rc));
	}
	freeaddrinfo(res);
	if (m->n_listen == 0) {
		log_err("no TCP listener could be opened");
		return -EADDRNOTAVAIL;
	}
	return 0;
}

/* every connection costs ban-points-connection; a banned address is closed at once */
static bool peer_banned(struct main_ctx *m, const struct sockaddr *sa, socklen_t len)
{
	char host[64];
	time_t now = time(NULL);

	if (m->cfg->max_ban_score == 0 ||
	    getnameinfo(sa, len, host, sizeof(host), NULL, 0, NI_NUMERICHOST) != 0)
		return false;
	if (strncmp(host, "::ffff:", 7) == 0 && strchr(host + 7, ':') == NULL)
		memmove(host, host + 7, strlen(host + 7) + 1);
	if (ban_exempt(host))
		return false;
	if (ban_is_banned(m->bans, host, now)) {
		log_debug("refusing banned address %s", host);
		return true;
	}
	ban_add(m->bans, host, m->cfg->ban_points_connection, now);
	return false;
}

static void accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct main_ctx *m = w->data;
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);
	int fd, rc;

	(void)loop;
	(void)revents;
	fd = accept4(w->fd, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (peer_banned(m, (struct sockaddr *)&peer, len)) {
		close(fd);
		return;
	}
	if (m->cfg->max_clients > 0 && m->n_procs >= m->cfg->max_clients) {
		log_info("max-clients (%u) reached; refusing a connection", m->cfg->max_clients);
		close(fd);
		return;
	}
	rc = main_spawn_worker(m, fd, (struct sockaddr *)&peer, len);
	if (rc < 0)
		log_err("cannot start a worker: %s", strerror(-rc));
	close(fd);
}

static void child_cb(struct ev_loop *loop, ev_child *w, int revents)
{
	struct main_ctx *m = w->data;
	struct proc *p;

	(void)revents;
	if (w->rpid == m->secmod_pid) {
		log_err("sec-mod exited (status %d); shutting down", w->rstatus);
		ev_break(loop, EVBREAK_ALL);
		return;
	}
	if (nvm_link_child(m, w->rpid, w->rstatus))
		return;
	p = proc_by_pid(m, w->rpid);
	if (p != NULL)
		proc_remove(p, w->rstatus);
	else
		main_script_done(m, w->rpid, w->rstatus);
}

static void term_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)w;
	(void)revents;
	log_info("termination request received; shutting down");
	ev_break(loop, EVBREAK_ALL);
}

static void hup_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)loop;
	(void)revents;
	reload(w->data);
}

int main_start_secmod(struct main_ctx *m);

static int setup(struct main_ctx *m, const struct main_opts *o)
{
	int rc;

	m->pool = ip_pool_new(m, m->cfg->have_ipv4_network ? &m->cfg->ipv4_network : NULL,
			      m->cfg->have_ipv6_network ? &m->cfg->ipv6_network : NULL,
			      m->cfg->ipv6_subnet_prefix, m->cfg->predictable_ips);
	m->bans = ban_table_new(m, m->cfg->max_ban_score, m->cfg->ban_time,
				m->cfg->ban_reset_time);
	if (m->pool == NULL || m->bans == NULL)
		return -ENOMEM;
	if ((rc = make_snapshot(m, o->config)) < 0 || (rc = tun_netlink_init()) < 0 ||
	    (rc = open_listeners(m)) < 0 || (rc = main_udp_open(m)) < 0 || (rc = main_start_secmod(m)) < 0)
		return rc;
	if (m->cfg->use_occtl && (rc = ctl_start(m)) < 0)
		return rc;
	return nvm_link_start(m);
}

static void watch(struct main_ctx *m)
{
	for (unsigned i = 0; i < m->n_listen; i++) {
		ev_io_init(&m->listen_w[i], accept_cb, m->listen_fd[i], EV_READ);
		m->listen_w[i].data = m;
		ev_io_start(m->loop, &m->listen_w[i]);
	}
	main_udp_watch(m);
	ev_io_init(&m->secmod_w, main_secmod_cb, m->secmod_fd, EV_READ);
	m->secmod_w.data = m;
	ev_io_start(m->loop, &m->secmod_w);
	ev_child_init(&m->child_w, child_cb, 0, 0);
	m->child_w.data = m;
	ev_child_start(m->loop, &m->child_w);
	ev_signal_init(&m->sig_term, term_cb, SIGTERM);
	ev_signal_start(m->loop, &m->sig_term);
	ev_signal_init(&m->sig_int, term_cb, SIGINT);
	ev_signal_start(m->loop, &m->sig_int);
	ev_signal_init(&m->sig_hup, hup_cb, SIGHUP);
	m->sig_hup.data = m;
	ev_signal_start(m->loop, &m->sig_hup);
}

static void shutdown_all(struct main_ctx *m)
{
	ctl_stop(m);
	nvm_link_stop(m);
	for (struct proc *p = m->procs; p != NULL; p = p->next)
		kill(p->pid, SIGTERM);
	if (m->secmod_pid > 0)
		kill(m->secmod_pid, SIGTERM);
	unlink(m->secmod_socket);
}

static int write_pid_file(const char *path)
{
	FILE *f;

	if (path == NULL)
		return 0;
	f = fopen(path, "w");
	if (f == NULL)
		return -errno;
	fprintf(f, "%d\n", (int)getpid());
	return fclose(f) == 0 ? 0 : -EIO;
}

static int apply_log_level(const struct main_opts *o, const struct cfg *cfg)
{
	int level = cfg->log_level >= 0 ? cfg->log_level : LOG_LVL_INFO;

	if (o->debug >= 1 && level < LOG_LVL_INFO)
		level = LOG_LVL_INFO;
	if (o->debug >= 2)
		level = LOG_LVL_DEBUG;
	if (o->debug >= 4)
		level = LOG_LVL_TRACE;
	log_set_level(level);
	return level;
}

int main(int argc, char **argv)
{
	struct main_opts o = { 0 };
	struct main_ctx *m;
	char *err = NULL, exe[4096];
	ssize_t n;

	proctitle_init(argc, argv);
	if (parse_opts(argc, argv, &o) < 0)
		return 1;
	log_init("main", false);
	m = talloc_zero(NULL, struct main_ctx);
	if (m == NULL)
		return 1;
	if (cfg_parse_file(m, o.config, &m->cfg, &err) < 0 || cfg_check(m->cfg, &err) < 0) {
		fprintf(stderr, "error: %s\n", err ? err : "cannot read the configuration");
		return 1;
	}
	if (o.test_only) {
		printf("configuration file %s is valid\n", o.config);
		return 0;
	}
	apply_log_level(&o, m->cfg);
	m->foreground = o.foreground;
	m->config_path = talloc_strdup(m, o.config);
	m->debug = o.debug;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 16);
	if (n <= 0) {
		log_err("cannot find my own executable");
		return 1;
	}
	exe[n] = '\0';
	m->worker_path = talloc_asprintf(m, "%s-worker", exe);
	if (!o.foreground && daemon(0, 0) < 0) {
		perror("daemon");
		return 1;
	}
	log_init("main", !o.foreground);
	signal(SIGPIPE, SIG_IGN);
	m->loop = ev_default_loop(EVFLAG_AUTO);
	m->start_time = time(NULL);
	if (gnutls_rnd(GNUTLS_RND_KEY, m->hmac_key, sizeof(m->hmac_key)) < 0 || m->loop == NULL ||
	    setup(m, &o) < 0)
		return 1;
	write_pid_file(o.pid_file ? o.pid_file : m->cfg->pid_file);
	proctitle_set("ocserv-main");
	watch(m);
	log_info("wolfguard %s listening on TCP port %u", PACKAGE_VERSION, m->cfg->tcp_port);
	ev_run(m->loop, 0);
	shutdown_all(m);
	if (o.pid_file || m->cfg->pid_file)
		unlink(o.pid_file ? o.pid_file : m->cfg->pid_file);
	return 0;
}
