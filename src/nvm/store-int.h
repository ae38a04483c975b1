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
	ST_VAL_GET,
	ST_VAL_PUT,
	ST_MODSET_GET,
	ST_MODSET_PUT,
	ST_QUERY_ALL,
	ST_QUERY_USER,
	ST_COUNT
};

#define EXPIRE_N 4

/* growable scratch buffer for values built per record (module JSON, hash blob) */
struct store_buf {
	char *p;
	size_t len, cap;
	bool null;			/* the value is SQL NULL (absent or malformed) */
};

/* one slot of a direct-mapped value -> row id cache (store-val.c) */
struct store_slot {
	uint64_t h;
	int64_t id;			/* 0 = empty */
	uint32_t len;
	bool is_text;
	uint8_t *key;
};

struct store_cache {
	struct store_slot *slot;
	unsigned mask;
};

/*
 * Parameters of the flow INSERT as last bound: SQLite keeps bindings across sqlite3_reset(),
 * so an integer or NULL that is already in place (exporter, times, user and process ids...)
 * is not bound again. 0 = unknown, 1 = the integer in v, 2 = NULL.
 */
#define STORE_STICKY_MAX 32
struct store_sticky {
	int64_t v[STORE_STICKY_MAX];
	uint8_t state[STORE_STICKY_MAX];
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
	struct store_buf mods, hashes, key;
	struct store_cache vals, modsets;
	struct store_sticky sticky;
};

uint64_t store_mono_ms(void);
int store_db_err(struct nvm_store *st, int rc, const char *what);
int store_step_done(struct nvm_store *st, sqlite3_stmt *s, const char *what);
int store_txn_begin(struct nvm_store *st);
/* the exporters row id for this exporter, created on first use and cached in info->tag */
int store_exporter_id(struct nvm_store *st, struct nvm_exporter_info *info, int64_t *ret_id);

int store_buf_reserve(TALLOC_CTX *mem_ctx, struct store_buf *b, size_t more);
int store_bind_buf(sqlite3_stmt *s, int idx, const struct store_buf *b, bool is_text);
/* a module-name basicList as a JSON array text, a module-hash basicList concatenated */
int store_modules_json(struct nvm_store *st, const struct nvm_value *v, struct store_buf *b);
int store_hashes_blob(struct nvm_store *st, const struct nvm_value *v, struct store_buf *b);

/* store-val.c: ids of values and module lists stored once */
#define STORE_VAL_CACHE_SLOTS 16384u	/* ~650 kB of slots: stays in cache */
#define STORE_MODSET_CACHE_SLOTS 4096u
int store_cache_init(TALLOC_CTX *mem_ctx, struct store_cache *c, unsigned slots);
/* after a rollback: cached ids may name rows that no longer exist */
void store_cache_reset(struct store_cache *c);
int store_val_id(struct nvm_store *st, bool is_text, const uint8_t *p, size_t len,
		 int64_t *ret_id);
/* names or hashes may be NULL (absent), not both */
int store_modset_id(struct nvm_store *st, const struct nvm_value *names,
		    const struct nvm_value *hashes, int64_t *ret_id);

#endif /* NVM_STORE_INT_H */
