/* nvm/nvm-db.c: the collector's own statements on the store: VPN links, endpoint reads. Runs in: ocserv-nvm. */
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "nvm/nvm-db.h"
#include "nvm/store-int.h"

enum db_stmt {
	DB_LINK_FLOW,
	DB_LINK_ENDPOINT,
	DB_LINK_INTERFACE,
	DB_EP_ALL,
	DB_EP_USER,
	DB_COUNT
};

struct nvm_db {
	struct nvm_store *st;
	sqlite3_stmt *s[DB_COUNT];
};

/* "SELECT max(id)" on a rowid table is one b-tree descent, whatever its size */
#define LINK_SQL(table) \
	"UPDATE " table " SET vpn_user = ?1, vpn_session = ?2" \
	" WHERE id = (SELECT max(id) FROM " table ")"

#define EP_COLS \
	"SELECT p.id, p.ts, e.name, p.udid, p.host_name, p.os_name, p.os_version, p.os_edition," \
	" p.sys_manufacturer, p.sys_type, p.vpn_user, p.vpn_session" \
	" FROM endpoints p LEFT JOIN exporters e ON e.id = p.exporter_id WHERE "

static const char *const db_sql[DB_COUNT] = {
	[DB_LINK_FLOW] = NULL,          /* depends on the schema version, see flow_table() */
	[DB_LINK_ENDPOINT] = LINK_SQL("endpoints"),
	[DB_LINK_INTERFACE] = LINK_SQL("interfaces"),
	[DB_EP_ALL] = EP_COLS "1 ORDER BY p.id DESC LIMIT ?2",
	[DB_EP_USER] = EP_COLS "(p.vpn_user = ?1 OR p.host_name = ?1) ORDER BY p.id DESC"
		       " LIMIT ?2",
};

static int db_destroy(struct nvm_db *db)
{
	for (int i = 0; i < DB_COUNT; i++)
		sqlite3_finalize(db->s[i]);
	return 0;
}

/* schema 2 keeps flows in the table flow_rows (flows is a view); schema 1 in flows */
static const char *flow_table(sqlite3 *h)
{
	sqlite3_stmt *s = NULL;
	bool rows = false;

	if (sqlite3_prepare_v2(h, "SELECT 1 FROM sqlite_master WHERE type = 'table'"
			       " AND name = 'flow_rows'", -1, &s, NULL) == SQLITE_OK)
		rows = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return rows ? LINK_SQL("flow_rows") : LINK_SQL("flows");
}

int nvm_db_new(TALLOC_CTX *mem_ctx, struct nvm_store *st, struct nvm_db **ret_db)
{
	struct nvm_db *db = talloc_zero(mem_ctx, struct nvm_db);
	int rc;

	if (db == NULL)
		return -ENOMEM;
	db->st = st;
	talloc_set_destructor(db, db_destroy);
	for (int i = 0; i < DB_COUNT; i++) {
		const char *sql = i == DB_LINK_FLOW ? flow_table(st->db) : db_sql[i];

		rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &db->s[i],
					NULL);
		if (rc != SQLITE_OK) {
			rc = store_db_err(st, rc, sql);
			talloc_free(db);
			return rc;
		}
	}
	*ret_db = db;
	return 0;
}

int nvm_db_link_last(struct nvm_db *db, enum nvz_rec_type t, const char *user,
		     const char *session)
{
	sqlite3_stmt *s;

	switch (t) {
	case NVZ_REC_FLOW4:
	case NVZ_REC_FLOW6:
		s = db->s[DB_LINK_FLOW];
		break;
	case NVZ_REC_ENDPOINT:
		s = db->s[DB_LINK_ENDPOINT];
		break;
	case NVZ_REC_INTERFACE:
		s = db->s[DB_LINK_INTERFACE];
		break;
	default:
		return 0;
	}
	sqlite3_bind_text(s, 1, user, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, session, -1, SQLITE_STATIC);
	return store_step_done(db->st, s, "link");
}

static const char *col_text(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

static void endpoint_row(sqlite3_stmt *s, struct nvm_endpoint_row *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(s, 0);
	r->ts = sqlite3_column_int64(s, 1);
	r->exporter = col_text(s, 2);
	r->udid = sqlite3_column_blob(s, 3);
	r->udid_len = sqlite3_column_bytes(s, 3);
	r->host_name = col_text(s, 4);
	r->os_name = col_text(s, 5);
	r->os_version = col_text(s, 6);
	r->os_edition = col_text(s, 7);
	r->sys_manufacturer = col_text(s, 8);
	r->sys_type = col_text(s, 9);
	r->vpn_user = col_text(s, 10);
	r->vpn_session = col_text(s, 11);
}

int nvm_db_query_endpoints(struct nvm_db *db, const char *user, unsigned limit,
			   nvm_endpoint_fn cb, void *arg)
{
	sqlite3_stmt *s = db->s[user ? DB_EP_USER : DB_EP_ALL];
	struct nvm_endpoint_row row;
	int rc, crc = 0;

	if (user != NULL)
		sqlite3_bind_text(s, 1, user, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, limit ? (sqlite3_int64)limit : -1);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		endpoint_row(s, &row);
		crc = cb(arg, &row);
		if (crc != 0)
			break;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (crc != 0)
		return crc;
	return rc == SQLITE_DONE ? 0 : store_db_err(db->st, rc, "query endpoints");
}
