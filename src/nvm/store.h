/* nvm/store.h: SQLite store for decoded nvzFlow records and templates. Runs in: ocserv-nvm. */
#ifndef NVM_STORE_H
#define NVM_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <talloc.h>

#include "nvm/ipfix.h"

/*
 * Durability: WAL with synchronous=NORMAL and records committed in batches (every
 * batch_records records or batch_ms milliseconds, whichever comes first, checked on each
 * record and on nvm_store_tick()). A crash loses at most the last uncommitted batch.
 * Template changes are committed at once, since exporters resend them only daily.
 */
struct nvm_store_cfg {
	const char *path;
	unsigned batch_records;		/* 0 = 16384 */
	unsigned batch_ms;		/* 0 = 1000 */
	unsigned retention_days;	/* 0 = keep for ever */
	unsigned retention_chunk;	/* rows per delete statement; 0 = 2000 */
};

struct nvm_store;

int nvm_store_open(TALLOC_CTX *mem_ctx, const struct nvm_store_cfg *cfg,
		   struct nvm_store **ret_store);
/* talloc_free() of the store commits what is pending and closes the database */

/* decoder callbacks; pass nvm_store_ops() as the decoder's ops */
int nvm_store_record(struct nvm_store *st, const struct nvm_record *rec);
int nvm_store_template(struct nvm_store *st, struct nvm_exporter_info *exp, uint32_t odid,
		       const struct nvm_tmpl *t, bool withdrawn);
struct nvm_decoder_ops nvm_store_ops(struct nvm_store *st);

/* put every persisted template back into the decoder (at start) */
int nvm_store_load_templates(struct nvm_store *st, struct nvm_decoder *dec,
			     unsigned *ret_count);

int nvm_store_flush(struct nvm_store *st);
/* timer: commit an old batch and delete one retention chunk */
int nvm_store_tick(struct nvm_store *st, time_t now);
/* delete up to `chunk` rows per table older than `before` (unix seconds) */
int nvm_store_expire(struct nvm_store *st, time_t before, unsigned chunk,
		     unsigned *ret_deleted);

/* clock used for the `ts` (receive time) column; tests override it */
void nvm_store_set_clock(struct nvm_store *st, time_t (*clock_fn)(void));

struct nvm_flow_row {
	int64_t id;
	int64_t ts;			/* received, unix seconds */
	const char *exporter;
	int family;			/* 4 or 6 */
	unsigned protocol;
	const char *src_addr;
	unsigned src_port;
	const char *dst_addr;
	unsigned dst_port;
	int64_t start_s, end_s;
	const char *user;		/* nvzFlow logged-in user, may be NULL */
	const char *proc_name;
	const char *parent_name;
	const char *dest_host;
	int64_t bytes_in, bytes_out;
	const char *modules;		/* JSON array text, may be NULL */
	const char *vpn_user;		/* filled by a later linking step */
	const char *vpn_session;
};

typedef int (*nvm_flow_fn)(void *arg, const struct nvm_flow_row *row);
/*
 * Flows whose start is in [since, until), oldest first, for `user` (matched against the
 * nvzFlow user and the VPN user; NULL = all users). limit 0 = no limit. A non-zero return
 * from cb stops the query and is returned.
 */
int nvm_store_query_flows(struct nvm_store *st, const char *user, int64_t since, int64_t until,
			  unsigned limit, nvm_flow_fn cb, void *arg);

#endif /* NVM_STORE_H */
