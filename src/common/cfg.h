/* common/cfg.h: ocserv.conf parser and the parsed configuration. Runs in: main, sec-mod, worker, occtl. */
#ifndef COMMON_CFG_H
#define COMMON_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#define CFG_DEFAULT_FILE "/etc/ocserv/ocserv.conf"

/* An address with a prefix length; family is AF_INET or AF_INET6. */
struct cfg_net {
	int family;
	uint8_t addr[16];   /* network byte order; 4 bytes used for AF_INET */
	unsigned prefix;    /* 0..32 or 0..128 */
};

/* A single IP address (dns, nbns). */
struct cfg_addr {
	int family;
	uint8_t addr[16];
	char *str;          /* canonical text form */
};

enum cfg_rekey_method {
	CFG_REKEY_SSL = 0,
	CFG_REKEY_NEW_TUNNEL,
};

struct cfg {
	char *file;                   /* path it was read from */
	char *vhost_name;             /* NULL for the default section */
	struct cfg *next_vhost;       /* [vhost:NAME] sections, each inheriting the defaults */

	/* authentication: first `auth` line wins; every line is kept raw too */
	char **auth;                  /* raw values of every auth = line */
	size_t n_auth;
	char *auth_method;            /* "plain", "pam", "radius", "certificate", ... */
	char *auth_plain_passwd;      /* plain[passwd=FILE] or legacy plain[FILE] */
	char *auth_plain_otp;         /* plain[otp=FILE] */

	/* listening and processes */
	char *listen_host;            /* NULL = all addresses, v4 and v6 */
	char *udp_listen_host;
	unsigned tcp_port;            /* default 443 */
	unsigned udp_port;            /* 0 = no DTLS */
	char *socket_file;            /* default /var/run/ocserv-socket */
	char *occtl_socket_file;      /* default /var/run/occtl.socket */
	bool use_occtl;               /* default false */
	char *run_as_user;            /* default "nobody" */
	char *run_as_group;           /* default "nogroup" (Debian: daemon) */
	char *pid_file;
	char *chroot_dir;
	bool isolate_workers;
	unsigned max_clients;         /* 0 = unlimited */
	unsigned max_same_clients;    /* default 2; 0 = unlimited */
	unsigned rate_limit_ms;
	unsigned max_ban_score;       /* default 80; 0 disables */
	unsigned ban_reset_time;
	unsigned ban_time;            /* default 300; min-reauth-time is its old name */
	unsigned ban_points_wrong_password;
	unsigned ban_points_connection;

	/* TLS */
	char **server_cert;           /* paired with server_key by index */
	size_t n_server_cert;
	char **server_key;
	size_t n_server_key;
	char *ca_cert;
	char *tls_priorities;         /* NULL = library default NORMAL */
	bool cisco_client_compat;
	bool dtls_legacy;             /* default true; forced on by cisco-client-compat */
	bool dtls_psk;                /* default true */
	bool match_tls_dtls_ciphers;

	/* network */
	char *device;                 /* tun name prefix, default "vpns" */
	bool have_ipv4_network;
	struct cfg_net ipv4_network;  /* from ipv4-network (+ ipv4-netmask) or CIDR */
	bool have_ipv6_network;
	struct cfg_net ipv6_network;
	unsigned ipv6_subnet_prefix;  /* default 128 */
	bool predictable_ips;         /* default true */
	struct cfg_addr *dns;
	size_t n_dns;
	struct cfg_addr *nbns;
	size_t n_nbns;
	char **split_dns;
	size_t n_split_dns;
	char *default_domain;         /* space-separated list as written */
	struct cfg_net *routes;       /* `route = default` is not stored here */
	size_t n_routes;
	bool route_default;           /* a `route = default` line was seen */
	struct cfg_net *no_routes;
	size_t n_no_routes;
	bool tunnel_all_dns;
	bool ping_leases;
	unsigned mtu;                 /* 0 = not set */
	char *banner;
	char *pre_login_banner;
	char *hostname;               /* advertised server name (hostname option) */

	/* timers, seconds; 0 = off unless noted */
	unsigned keepalive;           /* default 32400 */
	unsigned dpd;                 /* default 60 */
	unsigned mobile_dpd;          /* default 300 */
	unsigned switch_to_tcp_timeout;
	bool try_mtu_discovery;
	unsigned idle_timeout;
	unsigned mobile_idle_timeout;
	unsigned session_timeout;
	unsigned cookie_timeout;      /* default 300 */
	bool persistent_cookies;
	unsigned auth_timeout;        /* default 240 */
	unsigned rekey_time;          /* default 172800 */
	enum cfg_rekey_method rekey_method;
	unsigned stats_report_time;

	/* compression */
	bool compression;
	unsigned no_compress_limit;   /* default 256, minimum 64 */
	char *compression_algo_priority;

	/* misc */
	int log_level;                /* default 2 (info); -1 = not set */
	bool deny_roaming;
	char *connect_script;
	char *disconnect_script;
	char *config_per_user;
	char *config_per_group;
	char *user_profile;

	/* NVM collector (issue 5) */
	bool nvm;
	char *nvm_listen_host;
	unsigned nvm_port;            /* default 2055 */
	bool nvm_dtls;
	char *nvm_cert;
	char *nvm_key;
	char *nvm_client_ca;
	char *nvm_database;
	unsigned nvm_retention;       /* days */
	unsigned nvm_max_rate;        /* records/s per exporter, 0 = unlimited */
	char *nvm_api_socket;
	char *nvm_api_listen;
};

/*
 * Parse ocserv.conf text. On error returns -EINVAL and, when ret_err is not
 * NULL, a message "FILE:LINE: reason" allocated on mem_ctx. Unknown options
 * are logged as warnings and skipped.
 */
int cfg_parse_buf(TALLOC_CTX *mem_ctx, const char *name, const char *buf, size_t len,
		  struct cfg **ret_cfg, char **ret_err);
int cfg_parse_file(TALLOC_CTX *mem_ctx, const char *path, struct cfg **ret_cfg, char **ret_err);

/* Semantic checks done by `ocserv -t` and at start: cert/key present, pools valid, ... */
int cfg_check(const struct cfg *cfg, char **ret_err);

/* "10.0.0.0/255.0.0.0" for IPv4, "fd00:1::/64" for IPv6 (Cisco split-include forms) */
int cfg_net_format(const struct cfg_net *net, char *buf, size_t len);

#endif /* COMMON_CFG_H */
