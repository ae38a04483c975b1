/* main/script.c: connect-script and disconnect-script, as ocserv runs them. Runs in: main. */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "main/main-int.h"
#include "main/script.h"

#define SCRIPT_MAX_ENV 32

struct env {
	char *v[SCRIPT_MAX_ENV + 1];
	unsigned n;
	TALLOC_CTX *ctx;
};

static void put(struct env *e, const char *name, const char *value)
{
	if (value == NULL || e->n >= SCRIPT_MAX_ENV)
		return;
	e->v[e->n] = talloc_asprintf(e->ctx, "%s=%s", name, value);
	if (e->v[e->n] != NULL)
		e->n++;
}

static void put_addr(struct env *e, const char *name, int family, const uint8_t *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (inet_ntop(family, a, buf, sizeof(buf)) != NULL)
		put(e, name, buf);
}

static void put_u64(struct env *e, const char *name, unsigned long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", v);
	put(e, name, buf);
}

static void build_env(struct env *e, const struct proc *p, const char *reason)
{
	put(e, "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	put(e, "REASON", reason);
	put(e, "VHOST", "default");
	put(e, "USERNAME", p->username);
	put(e, "GROUPNAME", p->groupname ? p->groupname : "");
	put(e, "DEVICE", p->tun_name);
	put(e, "IP_REAL", p->remote_ip);
	put(e, "IP_REAL_LOCAL", p->local_ip);
	put(e, "HOSTNAME", p->hostname);
	put_u64(e, "ID", (unsigned long long)p->pid);
	if (p->have_lease && p->lease.have_v4) {
		put_addr(e, "IP_LOCAL", AF_INET, p->lease.v4_local);
		put_addr(e, "IP_REMOTE", AF_INET, p->lease.v4);
	}
	if (p->have_lease && p->lease.have_v6) {
		put_addr(e, "IPV6_LOCAL", AF_INET6, p->lease.v6_local);
		put_addr(e, "IPV6_REMOTE", AF_INET6, p->lease.v6);
		put_u64(e, "IPV6_PREFIX", p->lease.v6_prefix);
	}
	if (strcmp(reason, "disconnect") == 0) {
		put_u64(e, "STATS_BYTES_IN", (unsigned long long)p->rx_bytes);
		put_u64(e, "STATS_BYTES_OUT", (unsigned long long)p->tx_bytes);
		put_u64(e, "STATS_DURATION", (unsigned long long)(time(NULL) - p->conn_time));
	}
	e->v[e->n] = NULL;
}

pid_t script_spawn(const char *path, const struct proc *p, const char *reason)
{
	struct env e = { .n = 0, .ctx = talloc_new(NULL) };
	char *argv[] = { (char *)path, NULL };
	pid_t pid;

	if (e.ctx == NULL)
		return -ENOMEM;
	build_env(&e, p, reason);
	pid = fork();
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		execve(path, argv, e.v);
		_exit(127);
	}
	talloc_free(e.ctx);
	if (pid < 0)
		return -errno;
	log_debug("%s-script %s started for '%s' (pid %d)", reason, path, p->username, (int)pid);
	return pid;
}
