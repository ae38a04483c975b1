/* nvm/store-int.h: what store.c and store-rec.c share. Runs in: ocserv-nvm. */
#ifndef NVM_STORE_INT_H
#define NVM_STORE_INT_H

#include <netinet/in.h>
#include <sqlite3.h>

#include "nvm/store.h"

enum store_stmt {
	ST_BEGIN,
	ST_COMMIT,
	ST_EXPORTER,
	ST_TMPL_PUT,
	ST_TMPL_DEL,
	ST_TMPL_LOAD,
	ST_ENDPOINT,
	ST_INTERFACE,
	ST_FLOW,
	ST_RAW,
	ST_QUERY_ALL,
	ST_QUERY_USER,
	ST_COUNT
};

#define EXPIRE_N 4

/* growable scratch buffer for values built per record (module JSON, hash blob) */
struct store_buf {
	char *p;
	size_t len, cap;
};

struct nvm_store {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
	sqlite3_stmt *expire[EXPIRE_N];
	struct nvm_store_cfg cfg;
	bool in_txn;
	unsigned pending;		/* records in the open transaction */
	uint64_t txn_ms;		/* when it was opened (monotonic) */
	time_t now;			/* receive time of the record being stored */
	time_t (*clock_fn)(void);
	int64_t other_seq;		/* groups raw_elements of unclassified records */
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	struct store_buf mods, hashes;
};

uint64_t store_mono_ms(void);
int store_db_err(struct nvm_store *st, int rc, const char *what);
int store_step_done(struct nvm_store *st, sqlite3_stmt *s, const char *what);
int store_txn_begin(struct nvm_store *st);
/* the exporters row id for this exporter, created on first use and cached in info->tag */
int store_exporter_id(struct nvm_store *st, struct nvm_exporter_info *info, int64_t *ret_id);

#endif /* NVM_STORE_INT_H */
