/* common/cfg-int.h: internals shared by cfg.c, cfg-opts.c and cfg-net.c. Runs in: all (parsing). */
#ifndef COMMON_CFG_INT_H
#define COMMON_CFG_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "cfg.h"

#define CFG_MAX_LINE 2048               /* bytes per line, excluding the line end */
#define CFG_MAX_FILE (1024 * 1024)
#define CFG_MAX_LIST 4096               /* lines of one list option per section */
#define CFG_MAX_VHOSTS 256

/* Lists that a [vhost:] section replaces (not extends) on their first line there. */
enum cfg_list {
	CFG_LIST_AUTH,
	CFG_LIST_SERVER_CERT,
	CFG_LIST_SERVER_KEY,
	CFG_LIST_DNS,
	CFG_LIST_NBNS,
	CFG_LIST_SPLIT_DNS,
	CFG_LIST_ROUTE,
	CFG_LIST_NO_ROUTE,
	CFG_LIST_COUNT,
};

/*
 * Values resolved when a section ends, because ocserv lets them come in any
 * order (ipv4-network vs ipv4-netmask) or derives one from another. A vhost
 * starts with a copy of the default section's state.
 */
struct cfg_pending {
	bool have_v4;
	uint8_t v4[4];
	int v4_prefix;                  /* from "a.b.c.d/N"; -1 = none */
	unsigned v4_line;
	int v4_mask_prefix;             /* from ipv4-netmask; -1 = none */
	unsigned v4_mask_line;
	bool have_v6;
	uint8_t v6[16];
	int v6_prefix;                  /* from "addr/N"; -1 = none */
	unsigned v6_line;
	int v6_legacy_prefix;           /* from the old ipv6-prefix option; -1 = none */
	bool v4_dirty, v6_dirty;         /* touched in this section: resolve again */
	bool mobile_idle_set;
};

struct cfg_parser {
	const char *name;               /* file name used in messages */
	unsigned line;
	TALLOC_CTX *err_ctx;
	char *err;                      /* "FILE:LINE: reason" once something failed */
	struct cfg *cur;                /* section being filled */
	struct cfg_pending pend;
	struct cfg_pending root_pend;    /* default section's, the start of every vhost */
	bool in_vhost;
	bool skip_section;              /* inside a section we do not know */
	bool seen[CFG_LIST_COUNT];      /* list already touched in this section */
};

/* Record "FILE:LINE: reason" and return -EINVAL (or -ENOMEM if even that fails). */
int cfg_fail(struct cfg_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* log_warn with the "FILE:LINE: " prefix */
void cfg_warn(const struct cfg_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* cfg-opts.c */
int cfg_opt_apply(struct cfg_parser *p, const char *key, const char *val);
int cfg_opts_copy(struct cfg *dst, const struct cfg *src);
int cfg_parse_uint(struct cfg_parser *p, const char *key, const char *val, unsigned min,
		   unsigned max, unsigned *ret);

/* cfg-net.c */
int cfg_addr_parse(const char *s, int *ret_family, uint8_t ret_addr[static 16]);
int cfg_prefix_parse(const char *s, unsigned max, unsigned *ret);
int cfg_mask_parse(const char *s, unsigned *ret_prefix);
/* clear host bits; true if any were set */
bool cfg_net_mask_host(struct cfg_net *net);
int cfg_route_parse(struct cfg_parser *p, const char *key, const char *val, struct cfg_net *ret);
int cfg_addr_fill(TALLOC_CTX *mem_ctx, const char *s, struct cfg_addr *ret);
int cfg_pending_resolve(struct cfg_parser *p, struct cfg *c);

#endif /* COMMON_CFG_INT_H */
