/* main/main-int.h: state shared by main's own files. Runs in: main. */
#ifndef MAIN_MAIN_INT_H
#define MAIN_MAIN_INT_H

#include <ev.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#include "common/cfg.h"
#include "common/cookie.h"
#include "common/hmac.h"
#include "common/ipc.h"
#include "main/ip-lease.h"

#define MAIN_MAX_LISTENERS 8

struct ban_table;

enum proc_state {
	PROC_AUTH = 0,          /* worker runs TLS and login */
	PROC_WAIT_SM,           /* cookie sent to sec-mod, waiting */
	PROC_WAIT_SCRIPT,       /* tunnel ready, connect-script running */
	PROC_CONNECTED,         /* tunnel handed over */
};

struct main_ctx;

/* One worker process, i.e. one client TCP connection. */
struct proc {
	struct main_ctx *m;
	pid_t pid;
	int fd;                 /* SEQPACKET channel to the worker */
	ev_io w;
	enum proc_state state;
	char remote_ip[64];
	char local_ip[64];
	unsigned remote_port;
	time_t conn_time;
	bool have_sid;
	uint8_t sid[SID_LEN];
	char *username;
	char *groupname;
	char *hostname;
	char *user_agent;
	char *tls_ciphersuite;
	char *dtls_ciphersuite;
	char *cstp_compr;
	char *dtls_compr;
	char tun_name[16];
	unsigned mtu;
	bool have_lease;
	struct ip_lease lease;
	uint32_t bye_reason;    /* from the worker's BYE, else 0 */
	uint64_t rx_bytes, tx_bytes;
	uint8_t dtls_id[32];    /* what this session's DTLS ClientHello carries */
	time_t udp_fwd_time;    /* last time main handed this worker a UDP socket */
	pid_t script_pid;       /* connect-script deciding on this session, 0 if none */
	int pending_tun_fd;     /* the tun, kept while the connect-script runs */
	bool have_timeout;
	uint32_t timeout_remaining;
	struct proc *next;
};

struct main_ctx {
	struct ev_loop *loop;
	struct cfg *cfg;
	char *config_text;      /* snapshot every worker parses */
	size_t config_len;
	int config_fd;          /* sealed memfd holding config_text */
	char *config_path;      /* re-read on SIGHUP */
	uint8_t hmac_key[STARTUP_KEY_LEN];
	char *secmod_socket;
	pid_t secmod_pid;
	int secmod_fd;
	ev_io secmod_w;
	int listen_fd[MAIN_MAX_LISTENERS];
	ev_io listen_w[MAIN_MAX_LISTENERS];
	unsigned n_listen;
	int udp_fd[MAIN_MAX_LISTENERS];
	ev_io udp_w[MAIN_MAX_LISTENERS];
	unsigned n_udp;
	ev_child child_w;
	ev_signal sig_term, sig_int, sig_hup;
	struct ip_pool *pool;
	struct ban_table *bans;
	struct proc *procs;
	unsigned n_procs;
	char *worker_path;
	bool foreground;
	int debug;
	time_t start_time;
	uint64_t total_sessions;
	struct ctl_server *ctl;         /* occtl socket (main/ctl.c), NULL when off */
	struct nvm_link *nvm;           /* ocserv-nvm (main/nvm-link.c), NULL when off */
};

/* proc.c */
struct proc *proc_new(struct main_ctx *m, pid_t pid, int fd);
struct proc *proc_by_pid(struct main_ctx *m, pid_t pid);
void proc_remove(struct proc *p, int status);
unsigned proc_count_user(struct main_ctx *m, const char *user, const uint8_t *except_sid);

/* session.c: a child that is not a worker, sec-mod or ocserv-nvm: a script ended */
void main_script_done(struct main_ctx *m, pid_t pid, int status);

/* worker-cmd.c */
void main_worker_cb(struct ev_loop *loop, ev_io *w, int revents);
void main_secmod_cb(struct ev_loop *loop, ev_io *w, int revents);

/* udp.c */
int main_udp_open(struct main_ctx *m);
void main_udp_watch(struct main_ctx *m);

/* spawn.c: fork + exec PATH with a SEQPACKET channel at fd 3 and extra_fd at fd 4 */
int main_fork_exec(const char *path, char *const argv[], int extra_fd, int *ret_fd,
		   pid_t *ret_pid);
int main_spawn_worker(struct main_ctx *m, int client_fd, const struct sockaddr *peer,
		      socklen_t peer_len);

#endif /* MAIN_MAIN_INT_H */
