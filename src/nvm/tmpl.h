/* nvm/tmpl.h: IPFIX exporters and their template cache. Runs in: ocserv-nvm. */
#ifndef NVM_TMPL_H
#define NVM_TMPL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <talloc.h>

#include "nvm/nvzflow.h"

/*
 * Templates are scoped per (exporter address + port, observation domain), RFC 7011 §8 for UDP.
 * Every count an exporter controls is capped, because any host can send us datagrams.
 */
struct nvm_tmpl_limits {
	unsigned max_exporters;		/* 0 = NVM_DEFAULT_MAX_EXPORTERS */
	unsigned max_tmpl_per_exporter;	/* 0 = NVM_DEFAULT_MAX_TMPL, summed over domains */
	unsigned max_fields;		/* 0 = NVM_DEFAULT_MAX_FIELDS, per template */
	unsigned max_domains;		/* 0 = NVM_DEFAULT_MAX_DOMAINS, per exporter */
};

#define NVM_DEFAULT_MAX_EXPORTERS 16384
#define NVM_DEFAULT_MAX_TMPL 512
#define NVM_DEFAULT_MAX_FIELDS 256
#define NVM_DEFAULT_MAX_DOMAINS 16

struct nvm_counters {
	uint64_t messages;
	uint64_t records;		/* data records delivered */
	uint64_t templates;		/* template records accepted (incl. withdrawals) */
	uint64_t drop_truncated;	/* header/set/record/field overruns (messages or sets) */
	uint64_t drop_bad_version;
	uint64_t drop_unknown_tmpl;	/* data sets with no template */
	uint64_t drop_tmpl_cap;		/* templates refused: cap per exporter or fields */
	uint64_t drop_bad_tmpl;		/* template records that make no sense */
	uint64_t drop_rate;		/* messages over the per-exporter rate */
	uint64_t bad_list;		/* basicLists kept as raw bytes: contents overran */
};

/* Public part of an exporter; the rest is private to tmpl.c. */
struct nvm_exporter_info {
	int family;			/* AF_INET or AF_INET6 */
	uint8_t addr[16];
	uint16_t port;
	char name[64];			/* "192.0.2.1:2055" or "[2001:db8::1]:2055" */
	struct nvm_counters cnt;
	int64_t tag;			/* free for the consumer; the store keeps its row id here */
};

struct nvm_field {
	uint32_t pen;
	uint16_t id;
	uint16_t len;			/* NVZ_VARLEN = variable */
	/* cached from the nvzFlow table when the template is stored */
	int16_t col;			/* enum nvz_col */
	uint8_t kind;			/* enum nvz_kind (before the per-length fit) */
};

struct nvm_tmpl {
	uint16_t tid;
	uint16_t nfields;
	uint16_t scope_count;		/* options templates only */
	bool is_options;
	uint8_t rec_type;		/* enum nvz_rec_type */
	uint32_t min_len;		/* shortest possible record, always >= 1 */
	struct nvm_field *f;
};

struct nvm_tmpl_cache;
struct nvm_exporter;

struct nvm_tmpl_cache *nvm_tmpl_cache_new(TALLOC_CTX *mem_ctx, const struct nvm_tmpl_limits *lim);
const struct nvm_tmpl_limits *nvm_tmpl_cache_limits(const struct nvm_tmpl_cache *c);

/*
 * Find (or with create, add) the exporter for a source address.
 * -EAFNOSUPPORT for families other than IPv4/IPv6, -ENOSPC when the exporter cap is hit.
 */
int nvm_exporter_get(struct nvm_tmpl_cache *c, const struct sockaddr *sa, socklen_t salen,
		     bool create, struct nvm_exporter **ret_exp);
struct nvm_exporter_info *nvm_exporter_info(struct nvm_exporter *e);
/* the exporter an info belongs to (info is its first member), and its template count */
struct nvm_exporter *nvm_exporter_of(struct nvm_exporter_info *info);
unsigned nvm_exporter_ntemplates(const struct nvm_exporter_info *info);
/* token bucket: false when this message is over `per_sec` (0 = unlimited) */
bool nvm_exporter_rate_ok(struct nvm_exporter *e, uint64_t now_ms, unsigned per_sec);

const struct nvm_tmpl *nvm_tmpl_find(struct nvm_exporter *e, uint32_t odid, uint16_t tid);
/*
 * Copy in a template (fields f[0..n)); fills col/kind/rec_type/min_len. ret_changed (may be
 * NULL) tells whether it differs from what was there. -ENOSPC at a cap, -EINVAL if unusable.
 */
int nvm_tmpl_put(struct nvm_exporter *e, uint32_t odid, uint16_t tid, bool is_options,
		 uint16_t scope_count, const struct nvm_field *f, uint16_t n,
		 const struct nvm_tmpl **ret_tmpl, bool *ret_changed);
/* remove one template, or every template of this kind when all is set */
typedef void (*nvm_tmpl_gone_fn)(void *arg, const struct nvm_tmpl *t);
int nvm_tmpl_withdraw(struct nvm_exporter *e, uint32_t odid, uint16_t tid, bool all,
		      bool is_options, nvm_tmpl_gone_fn gone, void *arg);

typedef void (*nvm_exporter_fn)(void *arg, const struct nvm_exporter_info *info);
void nvm_tmpl_foreach_exporter(struct nvm_tmpl_cache *c, nvm_exporter_fn fn, void *arg);
/* counters for datagrams that never reached an exporter (exporter cap, bad family) */
struct nvm_counters *nvm_tmpl_cache_orphans(struct nvm_tmpl_cache *c);

#endif /* NVM_TMPL_H */
