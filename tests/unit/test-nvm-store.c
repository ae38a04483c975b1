/* tests/unit/test-nvm-store.c: store: persist, reopen, retention, query. Runs in: make check. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include <cmocka.h>

#include "nvm/store.h"
#include "nvz-capture.h"

struct fx {
	void *ctx;
	char dir[64];
	char path[96];
	struct nvm_store *st;
	struct nvm_decoder *dec;
	struct sockaddr_in from;
};

static time_t fake_now = 1700000000;

static time_t fake_clock(void)
{
	return fake_now;
}

static void fx_open(struct fx *f, unsigned batch)
{
	struct nvm_store_cfg cfg = { .path = f->path, .batch_records = batch,
				     .batch_ms = 3600 * 1000, .retention_days = 7,
				     .retention_chunk = 2 };
	struct nvm_decoder_ops ops;

	assert_int_equal(nvm_store_open(f->ctx, &cfg, &f->st), 0);
	nvm_store_set_clock(f->st, fake_clock);
	ops = nvm_store_ops(f->st);
	f->dec = nvm_decoder_new(f->ctx, NULL, &ops);
	assert_non_null(f->dec);
}

static void fx_close(struct fx *f)
{
	talloc_free(f->dec);
	talloc_free(f->st);
	f->dec = NULL;
	f->st = NULL;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->ctx = talloc_new(NULL);
	snprintf(f->dir, sizeof(f->dir), "/tmp/test-nvm-store.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/nvm.db", f->dir);
	f->from.sin_family = AF_INET;
	f->from.sin_port = htons(40000);
	f->from.sin_addr.s_addr = htonl(0xc0000202);
	fake_now = 1700000000;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char p[128];

	talloc_free(f->ctx);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static int feed(struct fx *f, const uint8_t *m, size_t n)
{
	return nvm_decoder_feed(f->dec, (struct sockaddr *)&f->from, sizeof(f->from), m, n);
}

/* counts through a second connection: only committed rows are visible there */
static long long count_rows(struct fx *f, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long long n = -1;

	assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

struct rows {
	unsigned n;
	char user[64], proc[64], dst[64], modules[256];
	long long bytes_in, start;
	unsigned dst_port;
	bool vpn_user_null;
};

static int on_row(void *arg, const struct nvm_flow_row *r)
{
	struct rows *rows = arg;

	rows->n++;
	snprintf(rows->user, sizeof(rows->user), "%s", r->user ? r->user : "");
	snprintf(rows->proc, sizeof(rows->proc), "%s", r->proc_name ? r->proc_name : "");
	snprintf(rows->dst, sizeof(rows->dst), "%s", r->dst_addr ? r->dst_addr : "");
	snprintf(rows->modules, sizeof(rows->modules), "%s", r->modules ? r->modules : "");
	rows->bytes_in = r->bytes_in;
	rows->start = r->start_s;
	rows->dst_port = r->dst_port;
	rows->vpn_user_null = r->vpn_user == NULL;
	return 0;
}

static void test_insert_query(void **state)
{
	struct fx *f = *state;
	struct rows rows = { 0 };

	fx_open(f, 100);
	assert_int_equal(feed(f, nvz_tmpl_msg, sizeof(nvz_tmpl_msg)), 0);
	assert_int_equal(feed(f, nvz_data_msg, sizeof(nvz_data_msg)), 0);
	assert_int_equal(feed(f, nvz_endpoint_msg, sizeof(nvz_endpoint_msg)), 0);
	assert_int_equal(nvm_store_query_flows(f->st, "MYNVM\\dummy11", 0, INT64_MAX, 10, on_row,
					       &rows), 0);
	assert_int_equal(rows.n, 1);
	assert_string_equal(rows.user, "MYNVM\\dummy11");
	assert_string_equal(rows.proc, "svchost.exe");
	assert_string_equal(rows.dst, "192.168.0.11");
	assert_int_equal(rows.dst_port, 53);
	assert_int_equal(rows.bytes_in, 100);
	assert_int_equal(rows.start, 1491362773);
	assert_true(rows.vpn_user_null);
	assert_string_equal(rows.modules, "[\"cryptsvc.dll\",\"dhcpcore.dll\",\"termsrv.dll\","
			    "\"dnsrslvr.dll\",\"wkssvc.dll\",\"qagentRT.dll\",\"nlasvc.dll\","
			    "\"WsmSvc.dll\",\"wecsvc.dll\",\"tapisrv.dll\"]");
	rows.n = 0;
	assert_int_equal(nvm_store_query_flows(f->st, "someone", 0, INT64_MAX, 10, on_row, &rows),
			 0);
	assert_int_equal(rows.n, 0);
	assert_int_equal(nvm_store_query_flows(f->st, NULL, 1491362774, INT64_MAX, 0, on_row,
					       &rows), 0);
	assert_int_equal(rows.n, 0);		/* starts before `since` */
	assert_int_equal(nvm_store_query_flows(f->st, NULL, 1491362773, 1491362774, 0, on_row,
					       &rows), 0);
	assert_int_equal(rows.n, 1);
	assert_int_equal(nvm_store_flush(f->st), 0);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM endpoints WHERE host_name ="
				    " 'STATION-102010' AND os_name = 'Mac OS X' AND"
				    " os_version = '10.12.6' AND sys_type = 'x64'"), 1);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM flows WHERE length(proc_hash) = 32"
				    " AND length(module_hashes) = 320 AND if_uid = 6"), 1);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM templates"), 4);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM exporters WHERE name ="
				    " '192.0.2.2:40000'"), 1);
	fx_close(f);
}

/* after a restart the data decodes with no template resent */
static void test_reopen_keeps_templates(void **state)
{
	struct fx *f = *state;
	unsigned n = 0;

	fx_open(f, 100);
	assert_int_equal(feed(f, nvz_tmpl_msg, sizeof(nvz_tmpl_msg)), 0);
	assert_int_equal(feed(f, nvz_data_msg, sizeof(nvz_data_msg)), 0);
	fx_close(f);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM flows"), 1);

	fx_open(f, 100);
	assert_int_equal(nvm_store_load_templates(f->st, f->dec, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(feed(f, nvz_data_msg, sizeof(nvz_data_msg)), 0);
	fx_close(f);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM flows"), 2);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM exporters"), 1);
	assert_int_equal(count_rows(f, "SELECT count(DISTINCT exporter_id) FROM flows"), 1);
}

/* records are committed in batches; only the open batch is not yet on disk */
static void test_batches(void **state)
{
	struct fx *f = *state;
	int i;

	fx_open(f, 3);
	assert_int_equal(feed(f, nvz_tmpl_msg, sizeof(nvz_tmpl_msg)), 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(feed(f, nvz_data_msg, sizeof(nvz_data_msg)), 0);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM flows"), 3);
	assert_int_equal(nvm_store_flush(f->st), 0);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM flows"), 4);
	fx_close(f);
}

static void test_retention(void **state)
{
	struct fx *f = *state;
	unsigned deleted = 0;
	int i;

	fx_open(f, 100);
	assert_int_equal(feed(f, nvz_tmpl_msg, sizeof(nvz_tmpl_msg)), 0);
	fake_now = 1700000000 - 10 * 86400;	/* five old rows */
	for (i = 0; i < 5; i++)
		assert_int_equal(feed(f, nvz_data_msg, sizeof(nvz_data_msg)), 0);
	fake_now = 1700000000;			/* two fresh ones */
	for (i = 0; i < 2; i++)
		assert_int_equal(feed(f, nvz_data_msg, sizeof(nvz_data_msg)), 0);
	/* chunk of 2 per tick: three ticks take the old rows away, no more */
	assert_int_equal(nvm_store_tick(f->st, fake_now), 0);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM flows"), 5);
	assert_int_equal(nvm_store_tick(f->st, fake_now), 0);
	assert_int_equal(nvm_store_tick(f->st, fake_now), 0);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM flows"), 2);
	assert_int_equal(nvm_store_expire(f->st, fake_now - 7 * 86400, 1000, &deleted), 0);
	assert_int_equal(deleted, 0);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM flows WHERE ts < 1700000000"), 0);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM templates"), 4);
	fx_close(f);
}

/* elements we have no column for go to raw_elements; unclassified records too */
static void test_raw_elements(void **state)
{
	struct fx *f = *state;
	static const uint8_t msg[] = {
		0x00, 0x0a, 0x00, 0x3c, 0x65, 0x00, 0x00, 0x00, 0, 0, 0, 1, 0, 0, 0, 5,
		/* template set: 700 = protocol(1) + src v4 + dst v4 + PEN 9 id 19999 (2) */
		0x00, 0x02, 0x00, 0x1c, 0x02, 0xbc, 0x00, 0x04,
		0x00, 0x04, 0x00, 0x01, 0x00, 0x08, 0x00, 0x04, 0x00, 0x0c, 0x00, 0x04,
		0xce, 0x1f, 0x00, 0x02, 0x00, 0x00, 0x00, 0x09,
		/* data set 700 */
		0x02, 0xbc, 0x00, 0x0f, 6, 10, 0, 0, 1, 10, 0, 0, 2, 0xab, 0xcd,
		/* options-free template 701 with only an unknown element, and its data */
		0x00, 0x02, 0x00, 0x0c, 0x02, 0xbd, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01,
		0x02, 0xbd, 0x00, 0x05, 0x42,
	};
	uint8_t m[sizeof(msg)];

	memcpy(m, msg, sizeof(m));
	m[2] = (uint8_t)(sizeof(m) >> 8);
	m[3] = (uint8_t)sizeof(m);
	fx_open(f, 100);
	assert_int_equal(feed(f, m, sizeof(m)), 0);
	assert_int_equal(nvm_store_flush(f->st), 0);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM flows WHERE src_addr = '10.0.0.1'"
				    " AND protocol = 6"), 1);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM raw_elements r JOIN flows f"
				    " ON r.rec_table = 'flows' AND r.rec_id = f.id"
				    " WHERE r.pen = 9 AND r.ie = 19999 AND hex(r.value) = 'ABCD'"), 1);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM raw_elements WHERE rec_table ="
				    " 'other' AND ie = 32512 AND hex(value) = '42'"), 1);
	fx_close(f);
}

/* repeated values and module lists are stored once, also across a reopen (cold cache) */
static void test_values_once(void **state)
{
	struct fx *f = *state;
	unsigned n = 0;
	int i;

	fx_open(f, 100);
	assert_int_equal(feed(f, nvz_tmpl_msg, sizeof(nvz_tmpl_msg)), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(feed(f, nvz_data_msg, sizeof(nvz_data_msg)), 0);
	fx_close(f);
	fx_open(f, 100);
	assert_int_equal(nvm_store_load_templates(f->st, f->dec, &n), 0);
	assert_int_equal(feed(f, nvz_data_msg, sizeof(nvz_data_msg)), 0);
	fx_close(f);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM flows WHERE proc_name ="
				    " 'svchost.exe' AND length(module_hashes) = 320 AND modules"
				    " LIKE '[\"cryptsvc.dll\",%'"), 4);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM modsets"), 1);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM vals WHERE v = 'svchost.exe'"), 1);
	assert_int_equal(count_rows(f, "SELECT count(DISTINCT proc_hash) FROM flow_rows"), 1);
	/* the trigger passes VPN links written through the view to the base table */
	{
		sqlite3 *db;

		assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, "UPDATE flows SET vpn_user = 'alice',"
					      " vpn_session = 's1' WHERE id = 2", NULL, NULL,
					      NULL), SQLITE_OK);
		sqlite3_close(db);
	}
	assert_int_equal(count_rows(f, "SELECT count(*) FROM flow_rows WHERE id = 2 AND"
				    " vpn_user = 'alice' AND vpn_session = 's1'"), 1);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM flows WHERE vpn_user IS NULL"), 3);
}

/* a file of another schema version is refused, not half-upgraded */
static void test_old_schema_refused(void **state)
{
	struct fx *f = *state;
	struct nvm_store_cfg cfg = { .path = f->path };
	struct nvm_store *st = NULL;
	sqlite3 *db;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
				      " INSERT INTO meta VALUES('schema', '1');"
				      " CREATE TABLE flows(id INTEGER PRIMARY KEY);", NULL, NULL,
				      NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(nvm_store_open(f->ctx, &cfg, &st), -EPROTO);
	assert_null(st);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM sqlite_master WHERE name ="
				    " 'flow_rows'"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_insert_query, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen_keeps_templates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retention, setup, teardown),
		cmocka_unit_test_setup_teardown(test_raw_elements, setup, teardown),
		cmocka_unit_test_setup_teardown(test_values_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_schema_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
