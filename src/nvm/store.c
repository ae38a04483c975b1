/* nvm/store.c: SQLite store for decoded nvzFlow records and templates. Runs in: ocserv-nvm. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "nvm/store-int.h"

#define STORE_SCHEMA_VERSION "2"
#define TMPL_FIELD_BYTES 8	/* persisted field: be32 pen, be16 id, be16 len */

/*
 * Flows are the bulk of the data, so their base table `flow_rows` holds integers: repeated
 * texts and hashes are ids into `vals`, each distinct module list an id into `modsets`
 * (store-val.c). The view `flows` puts the values back, with the columns of schema 1, for
 * readers with a plain SQLite connection; UPDATE of vpn_user/vpn_session through the view
 * is passed on by a trigger. Values are never deleted: they are few next to the rows.
 */
static const char store_schema[] =
	"CREATE TABLE IF NOT EXISTS exporters(id INTEGER PRIMARY KEY, family INTEGER NOT NULL,"
	" addr BLOB NOT NULL, port INTEGER NOT NULL, name TEXT NOT NULL, first_seen INTEGER,"
	" last_seen INTEGER, UNIQUE(family, addr, port));"
	"CREATE TABLE IF NOT EXISTS templates(exporter_id INTEGER NOT NULL, odid INTEGER NOT NULL,"
	" tid INTEGER NOT NULL, is_options INTEGER NOT NULL, scope_count INTEGER NOT NULL,"
	" fields BLOB NOT NULL, updated INTEGER NOT NULL, PRIMARY KEY(exporter_id, odid, tid));"
	"CREATE TABLE IF NOT EXISTS endpoints(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL,"
	" exporter_id INTEGER, odid INTEGER, export_time INTEGER, udid BLOB, host_name TEXT,"
	" os_name TEXT, os_version TEXT, os_edition TEXT, sys_manufacturer TEXT, sys_type TEXT,"
	" vpn_user TEXT, vpn_session TEXT);"
	"CREATE TABLE IF NOT EXISTS interfaces(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL,"
	" exporter_id INTEGER, odid INTEGER, export_time INTEGER, udid BLOB, if_uid INTEGER,"
	" if_index INTEGER, if_type INTEGER, if_name TEXT, if_details BLOB, if_mac BLOB,"
	" vpn_user TEXT, vpn_session TEXT);"
	"CREATE TABLE IF NOT EXISTS vals(id INTEGER PRIMARY KEY, v NOT NULL UNIQUE);"
	"CREATE TABLE IF NOT EXISTS modsets(id INTEGER PRIMARY KEY, dig INTEGER NOT NULL,"
	" names TEXT, hashes BLOB);"
	"CREATE TABLE IF NOT EXISTS flow_rows(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL,"
	" exporter_id INTEGER, odid INTEGER, export_time INTEGER, family INTEGER NOT NULL,"
	" protocol INTEGER, src_addr TEXT, src_port INTEGER, dst_addr TEXT, dst_port INTEGER,"
	" start_s INTEGER, end_s INTEGER, udid INTEGER, user INTEGER, user_acct_type INTEGER,"
	" proc_account INTEGER, proc_acct_type INTEGER, proc_name INTEGER, proc_hash INTEGER,"
	" parent_account INTEGER, parent_acct_type INTEGER, parent_name INTEGER,"
	" parent_hash INTEGER, bytes_in INTEGER, bytes_out INTEGER, dns_suffix INTEGER,"
	" dest_host INTEGER, if_uid INTEGER, modset INTEGER, vpn_user TEXT, vpn_session TEXT);"
	"CREATE TABLE IF NOT EXISTS raw_elements(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL,"
	" exporter_id INTEGER, odid INTEGER, tid INTEGER, rec_table TEXT NOT NULL, rec_id INTEGER,"
	" pen INTEGER NOT NULL, ie INTEGER NOT NULL, value BLOB);"
	"CREATE VIEW IF NOT EXISTS flows AS SELECT f.id AS id, f.ts AS ts,"
	" f.exporter_id AS exporter_id, f.odid AS odid, f.export_time AS export_time,"
	" f.family AS family, f.protocol AS protocol, f.src_addr AS src_addr,"
	" f.src_port AS src_port, f.dst_addr AS dst_addr, f.dst_port AS dst_port,"
	" f.start_s AS start_s, f.end_s AS end_s,"
	" (SELECT v FROM vals WHERE id = f.udid) AS udid,"
	" (SELECT v FROM vals WHERE id = f.user) AS user, f.user_acct_type AS user_acct_type,"
	" (SELECT v FROM vals WHERE id = f.proc_account) AS proc_account,"
	" f.proc_acct_type AS proc_acct_type,"
	" (SELECT v FROM vals WHERE id = f.proc_name) AS proc_name,"
	" (SELECT v FROM vals WHERE id = f.proc_hash) AS proc_hash,"
	" (SELECT v FROM vals WHERE id = f.parent_account) AS parent_account,"
	" f.parent_acct_type AS parent_acct_type,"
	" (SELECT v FROM vals WHERE id = f.parent_name) AS parent_name,"
	" (SELECT v FROM vals WHERE id = f.parent_hash) AS parent_hash,"
	" f.bytes_in AS bytes_in, f.bytes_out AS bytes_out,"
	" (SELECT v FROM vals WHERE id = f.dns_suffix) AS dns_suffix,"
	" (SELECT v FROM vals WHERE id = f.dest_host) AS dest_host, f.if_uid AS if_uid,"
	" (SELECT names FROM modsets WHERE id = f.modset) AS modules,"
	" (SELECT hashes FROM modsets WHERE id = f.modset) AS module_hashes,"
	" f.vpn_user AS vpn_user, f.vpn_session AS vpn_session FROM flow_rows f;"
	"CREATE TRIGGER IF NOT EXISTS flows_link INSTEAD OF UPDATE OF vpn_user, vpn_session"
	" ON flows BEGIN UPDATE flow_rows SET vpn_user = NEW.vpn_user,"
	" vpn_session = NEW.vpn_session WHERE id = OLD.id; END;"
	/*
	 * Indexes only for the queries we serve. Integer keys: the user index holds value ids.
	 * Retention walks rows in id order (ids grow with ts), so no ts index is needed.
	 */
	"CREATE INDEX IF NOT EXISTS flow_rows_user ON flow_rows(user, start_s);"
	"CREATE INDEX IF NOT EXISTS flow_rows_vpn_user ON flow_rows(vpn_user, start_s)"
	" WHERE vpn_user IS NOT NULL;"
	"CREATE INDEX IF NOT EXISTS flow_rows_start ON flow_rows(start_s);"
	"CREATE INDEX IF NOT EXISTS modsets_dig ON modsets(dig);"
	"CREATE INDEX IF NOT EXISTS endpoints_udid ON endpoints(udid, ts);"
	"CREATE INDEX IF NOT EXISTS interfaces_udid ON interfaces(udid, if_uid);"
	"CREATE INDEX IF NOT EXISTS raw_rec ON raw_elements(rec_table, rec_id);";

#define VAL_OF(col) "(SELECT v FROM vals WHERE id = f." col ")"
#define FLOW_QUERY_COLS \
	"SELECT f.id, f.ts, e.name, f.family, f.protocol, f.src_addr, f.src_port, f.dst_addr," \
	" f.dst_port, f.start_s, f.end_s, " VAL_OF("user") ", " VAL_OF("proc_name") ", " \
	VAL_OF("parent_name") ", " VAL_OF("dest_host") ", f.bytes_in, f.bytes_out," \
	" (SELECT names FROM modsets WHERE id = f.modset), f.vpn_user, f.vpn_session" \
	" FROM flow_rows f LEFT JOIN exporters e ON e.id = f.exporter_id WHERE "

static const char *const store_sql[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN",
	[ST_COMMIT] = "COMMIT",
	[ST_EXPORTER] = "INSERT INTO exporters(family, addr, port, name, first_seen, last_seen)"
			" VALUES(?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT(family, addr, port)"
			" DO UPDATE SET last_seen = excluded.last_seen RETURNING id",
	[ST_TMPL_PUT] = "INSERT OR REPLACE INTO templates VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_TMPL_DEL] = "DELETE FROM templates WHERE exporter_id = ?1 AND odid = ?2 AND tid = ?3",
	[ST_TMPL_LOAD] = "SELECT e.id, e.family, e.addr, e.port, t.odid, t.tid, t.is_options,"
			 " t.scope_count, t.fields FROM templates t JOIN exporters e"
			 " ON e.id = t.exporter_id",
	[ST_ENDPOINT] = "INSERT INTO endpoints(ts, exporter_id, odid, export_time, udid,"
			" host_name, os_name, os_version, os_edition, sys_manufacturer, sys_type)"
			" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[ST_INTERFACE] = "INSERT INTO interfaces(ts, exporter_id, odid, export_time, udid, if_uid,"
			 " if_index, if_type, if_name, if_details, if_mac)"
			 " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[ST_FLOW] = "INSERT INTO flow_rows(ts, exporter_id, odid, export_time, family, protocol,"
		    " src_addr, src_port, dst_addr, dst_port, start_s, end_s, udid, user,"
		    " user_acct_type, proc_account, proc_acct_type, proc_name, proc_hash,"
		    " parent_account, parent_acct_type, parent_name, parent_hash, bytes_in,"
		    " bytes_out, dns_suffix, dest_host, if_uid, modset)"
		    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
		    " ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29)",
	[ST_RAW] = "INSERT INTO raw_elements(ts, exporter_id, odid, tid, rec_table, rec_id, pen,"
		   " ie, value) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[ST_VAL_GET] = "SELECT id FROM vals WHERE v = ?1",
	[ST_VAL_PUT] = "INSERT INTO vals(v) VALUES(?1)",
	[ST_MODSET_GET] = "SELECT id FROM modsets WHERE dig = ?1 AND names IS ?2"
			  " AND hashes IS ?3",
	[ST_MODSET_PUT] = "INSERT INTO modsets(dig, names, hashes) VALUES(?1, ?2, ?3)",
	[ST_QUERY_ALL] = FLOW_QUERY_COLS "f.start_s >= ?2 AND f.start_s < ?3"
			 " ORDER BY f.start_s, f.id LIMIT ?4",
	/* two indexed lookups joined by OR (SQLite's OR-by-union plan) */
	[ST_QUERY_USER] = FLOW_QUERY_COLS "(f.user = (SELECT id FROM vals WHERE v = ?1)"
			  " OR f.vpn_user = ?1) AND f.start_s >= ?2 AND f.start_s < ?3"
			  " ORDER BY f.start_s, f.id LIMIT ?4",
};

static const char *const expire_sql[] = {
	/* the inner SELECT reads only `chunk` rows from the oldest end, never the whole table */
	"DELETE FROM flow_rows WHERE id IN (SELECT id FROM (SELECT id, ts FROM flow_rows"
	" ORDER BY id LIMIT ?2) WHERE ts < ?1)",
	"DELETE FROM endpoints WHERE id IN (SELECT id FROM (SELECT id, ts FROM endpoints"
	" ORDER BY id LIMIT ?2) WHERE ts < ?1)",
	"DELETE FROM interfaces WHERE id IN (SELECT id FROM (SELECT id, ts FROM interfaces"
	" ORDER BY id LIMIT ?2) WHERE ts < ?1)",
	"DELETE FROM raw_elements WHERE id IN (SELECT id FROM (SELECT id, ts FROM raw_elements"
	" ORDER BY id LIMIT ?2) WHERE ts < ?1)",
};

_Static_assert(sizeof(expire_sql) / sizeof(expire_sql[0]) == EXPIRE_N, "expire_sql");

static time_t store_default_clock(void)
{
	return time(NULL);
}

uint64_t store_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* SQLite's codes mapped to -errno for our callers; the message is logged once here */
int store_db_err(struct nvm_store *st, int rc, const char *what)
{
	log_err("nvm store: %s: %s", what, sqlite3_errmsg(st->db));
	switch (rc & 0xff) {
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	default:
		return -EIO;
	}
}

/* run a prepared statement that returns no rows, then reset it */
int store_step_done(struct nvm_store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE ? 0 : store_db_err(st, rc, what);
}

int store_txn_begin(struct nvm_store *st)
{
	int rc;

	if (st->in_txn)
		return 0;
	rc = store_step_done(st, st->st[ST_BEGIN], "begin");
	if (rc == 0) {
		st->in_txn = true;
		st->pending = 0;
		st->txn_ms = store_mono_ms();
	}
	return rc;
}

int nvm_store_flush(struct nvm_store *st)
{
	int rc;

	if (!st->in_txn)
		return 0;
	rc = store_step_done(st, st->st[ST_COMMIT], "commit");
	st->in_txn = false;
	st->pending = 0;
	if (rc < 0) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		store_cache_reset(&st->vals);
		store_cache_reset(&st->modsets);
	}
	return rc;
}

static int store_destroy(struct nvm_store *st)
{
	size_t i;

	if (st->db == NULL)
		return 0;
	nvm_store_flush(st);
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(st->st[i]);
	for (i = 0; i < EXPIRE_N; i++)
		sqlite3_finalize(st->expire[i]);
	sqlite3_close(st->db);
	st->db = NULL;
	return 0;
}

static int store_prepare(struct nvm_store *st)
{
	size_t i;
	int rc;

	for (i = 0; i < ST_COUNT; i++) {
		rc = sqlite3_prepare_v3(st->db, store_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
					&st->st[i], NULL);
		if (rc != SQLITE_OK)
			return store_db_err(st, rc, store_sql[i]);
	}
	for (i = 0; i < EXPIRE_N; i++) {
		rc = sqlite3_prepare_v3(st->db, expire_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
					&st->expire[i], NULL);
		if (rc != SQLITE_OK)
			return store_db_err(st, rc, expire_sql[i]);
	}
	return 0;
}

/* a database of another schema version is refused rather than half-upgraded */
static int store_check_version(struct nvm_store *st)
{
	sqlite3_stmt *s = NULL;
	int rc;

	rc = sqlite3_exec(st->db, "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY,"
			  " value TEXT); INSERT OR IGNORE INTO meta VALUES('schema', '"
			  STORE_SCHEMA_VERSION "');", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key = 'schema'", -1,
					&s, NULL);
	if (rc != SQLITE_OK)
		return store_db_err(st, rc, "schema version");
	rc = sqlite3_step(s) == SQLITE_ROW &&
	     strcmp((const char *)sqlite3_column_text(s, 0), STORE_SCHEMA_VERSION) == 0 ? 0
											  : -EPROTO;
	if (rc < 0)
		log_err("nvm store: %s: schema version is not " STORE_SCHEMA_VERSION,
			st->cfg.path);
	sqlite3_finalize(s);
	return rc;
}

static int store_setup(struct nvm_store *st)
{
	sqlite3_stmt *s = NULL;
	int rc;

	/*
	 * page_size only takes effect on a new file; bigger pages cost fewer b-tree splits.
	 * The WAL is checkpointed every 4096 pages (64 MB) rather than 1000: fewer, larger
	 * checkpoints rewrite hot index pages less often. journal_size_limit trims the file
	 * back afterwards.
	 */
	rc = sqlite3_exec(st->db, "PRAGMA page_size=16384; PRAGMA journal_mode=WAL;"
			  "PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;"
			  "PRAGMA cache_size=-32768; PRAGMA wal_autocheckpoint=4096;"
			  "PRAGMA journal_size_limit=67108864;", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_db_err(st, rc, "pragmas");
	rc = store_check_version(st);
	if (rc < 0)
		return rc;
	rc = sqlite3_exec(st->db, store_schema, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_db_err(st, rc, "schema");
	rc = store_cache_init(st, &st->vals, STORE_VAL_CACHE_SLOTS);
	if (rc == 0)
		rc = store_cache_init(st, &st->modsets, STORE_MODSET_CACHE_SLOTS);
	if (rc == 0)
		rc = store_prepare(st);
	if (rc < 0)
		return rc;
	rc = sqlite3_prepare_v2(st->db, "SELECT coalesce(max(rec_id), 0) FROM raw_elements"
				" WHERE rec_table = 'other'", -1, &s, NULL);
	if (rc == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		st->other_seq = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return 0;
}

int nvm_store_open(TALLOC_CTX *mem_ctx, const struct nvm_store_cfg *cfg,
		   struct nvm_store **ret_store)
{
	struct nvm_store *st = talloc_zero(mem_ctx, struct nvm_store);
	int rc = -ENOMEM;

	if (st == NULL)
		return -ENOMEM;
	st->cfg = *cfg;
	st->cfg.path = talloc_strdup(st, cfg->path);
	if (st->cfg.path == NULL)
		goto out;
	st->cfg.batch_records = cfg->batch_records ? cfg->batch_records : 16384;
	st->cfg.batch_ms = cfg->batch_ms ? cfg->batch_ms : 1000;
	st->cfg.retention_chunk = cfg->retention_chunk ? cfg->retention_chunk : 2000;
	st->clock_fn = store_default_clock;
	/*
	 * Process-wide and only possible before SQLite initializes (else it is refused, which
	 * is harmless): without allocation statistics every malloc skips a global mutex.
	 */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	talloc_set_destructor(st, store_destroy);
	rc = sqlite3_open_v2(st->cfg.path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			     SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		rc = st->db ? store_db_err(st, rc, "open") : -ENOMEM;
		goto out;
	}
	rc = store_setup(st);
out:
	if (rc < 0) {
		talloc_free(st);
		return rc;
	}
	*ret_store = st;
	return 0;
}

void nvm_store_set_clock(struct nvm_store *st, time_t (*clock_fn)(void))
{
	st->clock_fn = clock_fn ? clock_fn : store_default_clock;
}

int store_exporter_id(struct nvm_store *st, struct nvm_exporter_info *info, int64_t *ret_id)
{
	sqlite3_stmt *s = st->st[ST_EXPORTER];
	size_t alen = info->family == AF_INET6 ? 16 : 4;
	int rc;

	if (info->tag > 0) {
		*ret_id = info->tag;
		return 0;
	}
	sqlite3_bind_int(s, 1, info->family == AF_INET6 ? 6 : 4);
	sqlite3_bind_blob(s, 2, info->addr, (int)alen, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, info->port);
	sqlite3_bind_text(s, 4, info->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)st->clock_fn());
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		info->tag = sqlite3_column_int64(s, 0);
	/* RETURNING statements finish their work on the step after the row */
	if (rc == SQLITE_ROW)
		rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE || info->tag <= 0)
		return store_db_err(st, rc, "exporter");
	*ret_id = info->tag;
	return 0;
}

static int tmpl_blob(TALLOC_CTX *mem_ctx, const struct nvm_tmpl *t, uint8_t **ret_blob,
		     size_t *ret_len)
{
	size_t len = (size_t)t->nfields * TMPL_FIELD_BYTES;
	uint8_t *b = talloc_size(mem_ctx, len ? len : 1);
	struct pkt_writer w = PKT_WRITER_INIT(b, len);
	uint16_t i;

	if (b == NULL)
		return -ENOMEM;
	for (i = 0; i < t->nfields; i++) {
		pkt_put_be32(&w, t->f[i].pen);
		pkt_put_be16(&w, t->f[i].id);
		pkt_put_be16(&w, t->f[i].len);
	}
	*ret_blob = b;
	return pkt_writer_done(&w, ret_len);
}

static int tmpl_write(struct nvm_store *st, int64_t eid, uint32_t odid, const struct nvm_tmpl *t)
{
	sqlite3_stmt *s = st->st[ST_TMPL_PUT];
	uint8_t *blob = NULL;
	size_t len;
	int rc;

	rc = tmpl_blob(st, t, &blob, &len);
	if (rc < 0)
		goto out;
	sqlite3_bind_int64(s, 1, eid);
	sqlite3_bind_int64(s, 2, odid);
	sqlite3_bind_int(s, 3, t->tid);
	sqlite3_bind_int(s, 4, t->is_options);
	sqlite3_bind_int(s, 5, t->scope_count);
	sqlite3_bind_blob(s, 6, blob, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(s, 7, (sqlite3_int64)st->clock_fn());
	rc = store_step_done(st, s, "template");
out:
	talloc_free(blob);
	return rc;
}

int nvm_store_template(struct nvm_store *st, struct nvm_exporter_info *exp, uint32_t odid,
		       const struct nvm_tmpl *t, bool withdrawn)
{
	sqlite3_stmt *s = st->st[ST_TMPL_DEL];
	int64_t eid;
	int rc;

	rc = store_txn_begin(st);
	if (rc == 0)
		rc = store_exporter_id(st, exp, &eid);
	if (rc < 0)
		return rc;
	if (withdrawn) {
		sqlite3_bind_int64(s, 1, eid);
		sqlite3_bind_int64(s, 2, odid);
		sqlite3_bind_int(s, 3, t->tid);
		rc = store_step_done(st, s, "template withdraw");
	} else {
		rc = tmpl_write(st, eid, odid, t);
	}
	/* exporters resend templates about once a day: never leave one uncommitted */
	if (rc == 0)
		rc = nvm_store_flush(st);
	return rc;
}

static int tmpl_fields(TALLOC_CTX *mem_ctx, const void *blob, int blen,
		       struct nvm_field **ret_f, uint16_t *ret_n)
{
	struct pkt_reader r = PKT_READER_INIT(blob, blen > 0 ? (size_t)blen : 0);
	size_t n = r.left / TMPL_FIELD_BYTES, i;
	struct nvm_field *f;

	if (r.left % TMPL_FIELD_BYTES != 0 || n == 0 || n > UINT16_MAX)
		return -EINVAL;
	f = talloc_zero_array(mem_ctx, struct nvm_field, n);
	if (f == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		if (pkt_get_be32(&r, &f[i].pen) < 0 || pkt_get_be16(&r, &f[i].id) < 0 ||
		    pkt_get_be16(&r, &f[i].len) < 0)
			return -EINVAL;
	*ret_f = f;
	*ret_n = (uint16_t)n;
	return 0;
}

static int sa_from_row(sqlite3_stmt *s, struct sockaddr_storage *ss, socklen_t *ret_len)
{
	const void *addr = sqlite3_column_blob(s, 2);
	int alen = sqlite3_column_bytes(s, 2);
	int family = sqlite3_column_int(s, 1);
	uint16_t port = (uint16_t)sqlite3_column_int(s, 3);

	memset(ss, 0, sizeof(*ss));
	if (family == 4 && alen == 4) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, addr, 4);
		*ret_len = sizeof(*sin);
		return 0;
	}
	if (family == 6 && alen == 16) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, addr, 16);
		*ret_len = sizeof(*sin6);
		return 0;
	}
	return -EINVAL;
}

static int tmpl_load_row(struct nvm_store *st, struct nvm_decoder *dec, sqlite3_stmt *s)
{
	TALLOC_CTX *tmp = talloc_new(st);
	struct sockaddr_storage ss;
	struct nvm_exporter *e;
	struct nvm_field *f = NULL;
	socklen_t sslen;
	uint16_t n;
	int rc = -ENOMEM;

	if (tmp == NULL)
		goto out;
	rc = sa_from_row(s, &ss, &sslen);
	if (rc == 0)
		rc = tmpl_fields(tmp, sqlite3_column_blob(s, 8), sqlite3_column_bytes(s, 8), &f, &n);
	if (rc == 0)
		rc = nvm_decoder_add_template(dec, (struct sockaddr *)&ss, sslen,
					      (uint32_t)sqlite3_column_int64(s, 4),
					      (uint16_t)sqlite3_column_int(s, 5),
					      sqlite3_column_int(s, 6) != 0,
					      (uint16_t)sqlite3_column_int(s, 7), f, n);
	if (rc == 0 && nvm_exporter_get(nvm_decoder_templates(dec), (struct sockaddr *)&ss, sslen,
					false, &e) == 0)
		nvm_exporter_info(e)->tag = sqlite3_column_int64(s, 0);
out:
	talloc_free(tmp);
	return rc;
}

int nvm_store_load_templates(struct nvm_store *st, struct nvm_decoder *dec, unsigned *ret_count)
{
	sqlite3_stmt *s = st->st[ST_TMPL_LOAD];
	unsigned n = 0;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		/* a row the decoder refuses (cap, corrupt blob) is skipped, not fatal */
		if (tmpl_load_row(st, dec, s) == 0)
			n++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_db_err(st, rc, "load templates");
	if (ret_count != NULL)
		*ret_count = n;
	return 0;
}

int nvm_store_expire(struct nvm_store *st, time_t before, unsigned chunk, unsigned *ret_deleted)
{
	unsigned total = 0;
	size_t i;
	int rc = 0;

	rc = nvm_store_flush(st);
	for (i = 0; i < EXPIRE_N && rc == 0; i++) {
		sqlite3_bind_int64(st->expire[i], 1, (sqlite3_int64)before);
		sqlite3_bind_int64(st->expire[i], 2, chunk);
		rc = store_step_done(st, st->expire[i], "expire");
		if (rc == 0)
			total += (unsigned)sqlite3_changes(st->db);
	}
	if (ret_deleted != NULL)
		*ret_deleted = total;
	return rc;
}

int nvm_store_tick(struct nvm_store *st, time_t now)
{
	int rc = 0;

	if (st->in_txn && store_mono_ms() - st->txn_ms >= st->cfg.batch_ms)
		rc = nvm_store_flush(st);
	if (rc == 0 && st->cfg.retention_days != 0)
		rc = nvm_store_expire(st, now - (time_t)st->cfg.retention_days * 86400,
				      st->cfg.retention_chunk, NULL);
	return rc;
}

static const char *col_text(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

static void flow_row(sqlite3_stmt *s, struct nvm_flow_row *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(s, 0);
	r->ts = sqlite3_column_int64(s, 1);
	r->exporter = col_text(s, 2);
	r->family = sqlite3_column_int(s, 3);
	r->protocol = (unsigned)sqlite3_column_int(s, 4);
	r->src_addr = col_text(s, 5);
	r->src_port = (unsigned)sqlite3_column_int(s, 6);
	r->dst_addr = col_text(s, 7);
	r->dst_port = (unsigned)sqlite3_column_int(s, 8);
	r->start_s = sqlite3_column_int64(s, 9);
	r->end_s = sqlite3_column_int64(s, 10);
	r->user = col_text(s, 11);
	r->proc_name = col_text(s, 12);
	r->parent_name = col_text(s, 13);
	r->dest_host = col_text(s, 14);
	r->bytes_in = sqlite3_column_int64(s, 15);
	r->bytes_out = sqlite3_column_int64(s, 16);
	r->modules = col_text(s, 17);
	r->vpn_user = col_text(s, 18);
	r->vpn_session = col_text(s, 19);
}

int nvm_store_query_flows(struct nvm_store *st, const char *user, int64_t since, int64_t until,
			  unsigned limit, nvm_flow_fn cb, void *arg)
{
	sqlite3_stmt *s = st->st[user ? ST_QUERY_USER : ST_QUERY_ALL];
	struct nvm_flow_row row;
	int rc, crc = 0;

	if (user != NULL)
		sqlite3_bind_text(s, 1, user, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, since);
	sqlite3_bind_int64(s, 3, until);
	sqlite3_bind_int64(s, 4, limit ? (sqlite3_int64)limit : -1);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		flow_row(s, &row);
		crc = cb(arg, &row);
		if (crc != 0)
			break;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (crc != 0)
		return crc;
	return rc == SQLITE_DONE ? 0 : store_db_err(st, rc, "query flows");
}
