/* nvm/store-rec.c: a decoded record to rows (flows, endpoints, ...). Runs in: ocserv-nvm. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nvm/store-int.h"

/* how one named column becomes one SQL parameter */
enum bind_how {
	B_TEXT,
	B_BLOB,
	B_UINT,
	B_SRC,			/* source address as text, v4 or v6 */
	B_DST,
	B_START,		/* seconds, from flowStartSeconds or flowStartMilliseconds */
	B_END,
	B_FAMILY,
	B_VAL,			/* id of the value in `vals` (text or bytes), stored once */
	B_MODSET,		/* id of the module name + hash lists in `modsets` */
};

struct bind_map {
	int8_t col;
	uint8_t how;
};

#define C(col_, how_) { NVZ_COL_##col_, B_##how_ }

/* parameters ?5.. of each INSERT, in order (?1..?4 are common, see bind_common) */
static const struct bind_map endpoint_map[] = {
	C(UDID, BLOB), C(HOST_NAME, TEXT), C(OS_NAME, TEXT), C(OS_VERSION, TEXT),
	C(OS_EDITION, TEXT), C(SYS_MANUF, TEXT), C(SYS_TYPE, TEXT),
};

static const struct bind_map interface_map[] = {
	C(UDID, BLOB), C(IF_UID, UINT), C(IF_INDEX, UINT), C(IF_TYPE, UINT),
	C(IF_NAME, TEXT), C(IF_DETAILS, BLOB), C(IF_MAC, BLOB),
};

/* flows repeat users, processes and hashes: those columns hold ids (see store-val.c) */
static const struct bind_map flow_map[] = {
	C(NONE, FAMILY), C(PROTOCOL, UINT), C(NONE, SRC), C(SRC_PORT, UINT), C(NONE, DST),
	C(DST_PORT, UINT), C(NONE, START), C(NONE, END), C(UDID, VAL), C(USER, VAL),
	C(USER_ACCT_TYPE, UINT), C(PROC_ACCOUNT, VAL), C(PROC_ACCT_TYPE, UINT),
	C(PROC_NAME, VAL), C(PROC_HASH, VAL), C(PARENT_ACCOUNT, VAL),
	C(PARENT_ACCT_TYPE, UINT), C(PARENT_NAME, VAL), C(PARENT_HASH, VAL),
	C(BYTES_IN, UINT), C(BYTES_OUT, UINT), C(DNS_SUFFIX, VAL), C(DEST_HOST, VAL),
	C(IF_UID, UINT), C(NONE, MODSET),
};

#define MAP_N(m) (sizeof(m) / sizeof((m)[0]))

int store_buf_reserve(TALLOC_CTX *mem_ctx, struct store_buf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 1024;
	char *p;

	if (b->len + more <= b->cap)
		return 0;
	while (cap < b->len + more)
		cap *= 2;
	p = talloc_realloc(mem_ctx, b->p, char, cap);
	if (p == NULL)
		return -ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

int store_bind_buf(sqlite3_stmt *s, int idx, const struct store_buf *b, bool is_text)
{
	if (b->null)
		return sqlite3_bind_null(s, idx);
	if (is_text)
		return sqlite3_bind_text(s, idx, b->p, (int)b->len, SQLITE_STATIC);
	return sqlite3_bind_blob(s, idx, b->len ? b->p : "", (int)b->len, SQLITE_STATIC);
}

/* JSON string body: quote, backslash and control bytes escaped; other bytes as they are */
static int buf_json_str(TALLOC_CTX *mem_ctx, struct store_buf *b, const uint8_t *s, size_t n)
{
	size_t i;

	if (store_buf_reserve(mem_ctx, b, n * 6 + 3) < 0)
		return -ENOMEM;
	b->p[b->len++] = '"';
	for (i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\') {
			b->p[b->len++] = '\\';
			b->p[b->len++] = (char)s[i];
		} else if (s[i] < 0x20 || s[i] == 0x7f) {
			b->len += (size_t)snprintf(b->p + b->len, 7, "\\u%04x", s[i]);
		} else {
			b->p[b->len++] = (char)s[i];
		}
	}
	b->p[b->len++] = '"';
	return 0;
}

/* a list that is absent or does not parse becomes NULL (its bytes go to raw_elements) */
int store_modules_json(struct nvm_store *st, const struct nvm_value *v, struct store_buf *b)
{
	struct nvm_blist l;
	const uint8_t *p;
	uint16_t len;
	int rc;

	b->len = 0;
	b->null = true;
	if (v == NULL || v->kind != NVZ_KIND_BASICLIST || nvm_blist_open(v, &l) < 0)
		return 0;
	if (store_buf_reserve(st, b, 2) < 0)
		return -ENOMEM;
	b->p[b->len++] = '[';
	while ((rc = nvm_blist_next(&l, &p, &len)) == 1) {
		if (store_buf_reserve(st, b, 1) < 0)
			return -ENOMEM;
		if (b->len > 1)
			b->p[b->len++] = ',';
		if (buf_json_str(st, b, p, len) < 0)
			return -ENOMEM;
	}
	if (rc < 0)
		return 0;
	if (store_buf_reserve(st, b, 1) < 0)
		return -ENOMEM;
	b->p[b->len++] = ']';
	b->null = false;
	return 0;
}

int store_hashes_blob(struct nvm_store *st, const struct nvm_value *v, struct store_buf *b)
{
	struct nvm_blist l;
	const uint8_t *p;
	uint16_t len;

	b->len = 0;
	b->null = true;
	if (v == NULL || v->kind != NVZ_KIND_BASICLIST || nvm_blist_open(v, &l) < 0)
		return 0;
	while (nvm_blist_next(&l, &p, &len) == 1) {
		if (store_buf_reserve(st, b, len) < 0)
			return -ENOMEM;
		memcpy(b->p + b->len, p, len);
		b->len += len;
	}
	b->null = false;
	return 0;
}

/* the sticky bindings apply to the flow INSERT only; see struct store_sticky */
static struct store_sticky *sticky_of(struct nvm_store *st, sqlite3_stmt *s, int idx)
{
	return s == st->st[ST_FLOW] && idx > 0 && idx < STORE_STICKY_MAX ? &st->sticky : NULL;
}

static int bind_int(struct nvm_store *st, sqlite3_stmt *s, int idx, int64_t x)
{
	struct store_sticky *k = sticky_of(st, s, idx);

	if (k != NULL && k->state[idx] == 1 && k->v[idx] == x)
		return SQLITE_OK;
	if (k != NULL) {
		k->state[idx] = 1;
		k->v[idx] = x;
	}
	return sqlite3_bind_int64(s, idx, x);
}

static int bind_null(struct nvm_store *st, sqlite3_stmt *s, int idx)
{
	struct store_sticky *k = sticky_of(st, s, idx);

	if (k != NULL && k->state[idx] == 2)
		return SQLITE_OK;
	if (k != NULL)
		k->state[idx] = 2;
	return sqlite3_bind_null(s, idx);
}

/* text and blobs are bound every time (they point into the record) */
static int bind_bytes(struct nvm_store *st, sqlite3_stmt *s, int idx, bool is_text,
		      const void *p, int len)
{
	struct store_sticky *k = sticky_of(st, s, idx);

	if (k != NULL)
		k->state[idx] = 0;
	if (is_text)
		return sqlite3_bind_text(s, idx, p, len, SQLITE_STATIC);
	return sqlite3_bind_blob(s, idx, len ? p : "", len, SQLITE_STATIC);
}

static int bind_val_id(struct nvm_store *st, sqlite3_stmt *s, int idx, const struct nvm_value *v)
{
	int64_t id;
	int rc;

	if (v == NULL)
		return bind_null(st, s, idx);
	rc = store_val_id(st, v->kind == NVZ_KIND_STRING, v->p, v->len, &id);
	if (rc < 0)
		return SQLITE_ERROR;
	return bind_int(st, s, idx, id);
}

static int bind_modset(struct nvm_store *st, sqlite3_stmt *s, int idx,
		       const struct nvm_record *rec)
{
	const struct nvm_value *n = rec->named[NVZ_COL_MODULE_NAMES];
	const struct nvm_value *h = rec->named[NVZ_COL_MODULE_HASHES];
	int64_t id;

	if (n == NULL && h == NULL)
		return bind_null(st, s, idx);
	if (store_modset_id(st, n, h, &id) < 0)
		return SQLITE_ERROR;
	return bind_int(st, s, idx, id);
}

/* dotted quad without stdio: glibc's inet_ntop goes through sprintf */
static size_t fmt_ipv4(const uint8_t a[4], char *buf)
{
	size_t n = 0;
	unsigned i, x;

	for (i = 0; i < 4; i++) {
		x = a[i];
		if (i)
			buf[n++] = '.';
		if (x >= 100)
			buf[n++] = (char)('0' + x / 100);
		if (x >= 10)
			buf[n++] = (char)('0' + x / 10 % 10);
		buf[n++] = (char)('0' + x % 10);
	}
	buf[n] = '\0';
	return n;
}

/*
 * RFC 5952 text, the same as glibc's inet_ntop: lower-case hex, the first longest run of two
 * or more zero groups as "::". The forms with a dotted quad (::a.b.c.d, ::ffff:a.b.c.d) are
 * left to inet_ntop: 0 is returned for them.
 */
static size_t fmt_ipv6(const uint8_t a[16], char *buf)
{
	static const char hex[] = "0123456789abcdef";
	unsigned w[8], i, base = 8, len = 0, run;
	size_t n = 0;

	for (i = 0; i < 8; i++)
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	for (i = 0; i < 8; i += run ? run : 1) {
		for (run = 0; i + run < 8 && w[i + run] == 0; run++)
			;
		if (run >= 2 && run > len) {
			base = i;
			len = run;
		}
	}
	if (base == 0 && (len == 6 || (len == 5 && w[5] == 0xffff)))
		return 0;
	for (i = 0; i < 8; i++) {
		if (i == base) {
			buf[n++] = ':';
			if (i + len == 8)
				buf[n++] = ':';
			i += len - 1;
			continue;
		}
		if (i)
			buf[n++] = ':';
		for (int sh = 12; sh >= 0; sh -= 4)
			if ((w[i] >> sh) || sh == 0)
				buf[n++] = hex[w[i] >> sh & 15];
	}
	buf[n] = '\0';
	return n;
}

static int bind_addr(struct nvm_store *st, sqlite3_stmt *s, int idx, const struct nvm_value *v,
		     char *buf)
{
	size_t n;

	if (v == NULL)
		return bind_null(st, s, idx);
	if (v->kind == NVZ_KIND_IPV4)
		return bind_bytes(st, s, idx, true, buf, (int)fmt_ipv4(v->p, buf));
	if (v->kind != NVZ_KIND_IPV6)
		return bind_bytes(st, s, idx, false, v->p, v->len);
	n = fmt_ipv6(v->p, buf);
	if (n == 0 && inet_ntop(AF_INET6, v->p, buf, INET6_ADDRSTRLEN) == NULL)
		return bind_null(st, s, idx);
	return bind_bytes(st, s, idx, true, buf, n ? (int)n : -1);
}

/*
 * seconds from the *_S column, else the *_MS column divided down; a start
 * time that neither gives (standard exporters often send sysUpTime-relative
 * times instead) is the arrival time, so time-range queries still find it
 */
static int bind_time(struct nvm_store *st, sqlite3_stmt *s, int idx,
		     const struct nvm_record *rec, enum nvz_col sec, enum nvz_col ms)
{
	const struct nvm_value *v = rec->named[sec];
	uint64_t x;

	if (v != NULL && v->kind == NVZ_KIND_TIME_S && nvm_value_uint(v, &x) == 0)
		return bind_int(st, s, idx, (int64_t)x);
	v = rec->named[ms];
	if (v != NULL && v->kind == NVZ_KIND_TIME_MS && nvm_value_uint(v, &x) == 0)
		return bind_int(st, s, idx, (int64_t)(x / 1000));
	if (sec == NVZ_COL_START_S)
		return bind_int(st, s, idx, (int64_t)st->now);
	return bind_null(st, s, idx);
}

static int bind_value(struct nvm_store *st, sqlite3_stmt *s, int idx, const struct nvm_value *v,
		      enum bind_how how)
{
	uint64_t x;

	if (v == NULL)
		return bind_null(st, s, idx);
	if (how == B_UINT && v->kind == NVZ_KIND_UINT && nvm_value_uint(v, &x) == 0)
		return bind_int(st, s, idx, (int64_t)x);
	/* anything that did not decode as its kind is kept as bytes */
	return bind_bytes(st, s, idx, how == B_TEXT && v->kind == NVZ_KIND_STRING, v->p, v->len);
}

static int bind_one(struct nvm_store *st, sqlite3_stmt *s, int idx, const struct nvm_record *rec,
		    const struct bind_map *m)
{
	const struct nvm_value *v = m->col >= 0 ? rec->named[m->col] : NULL;

	switch (m->how) {
	case B_SRC:
		return bind_addr(st, s, idx, rec->named[NVZ_COL_SRC_V4] ?
				 rec->named[NVZ_COL_SRC_V4] : rec->named[NVZ_COL_SRC_V6], st->src);
	case B_DST:
		return bind_addr(st, s, idx, rec->named[NVZ_COL_DST_V4] ?
				 rec->named[NVZ_COL_DST_V4] : rec->named[NVZ_COL_DST_V6], st->dst);
	case B_START:
		return bind_time(st, s, idx, rec, NVZ_COL_START_S, NVZ_COL_START_MS);
	case B_END:
		return bind_time(st, s, idx, rec, NVZ_COL_END_S, NVZ_COL_END_MS);
	case B_FAMILY:
		return bind_int(st, s, idx, rec->tmpl->rec_type == NVZ_REC_FLOW6 ? 6 : 4);
	case B_VAL:
		return bind_val_id(st, s, idx, v);
	case B_MODSET:
		return bind_modset(st, s, idx, rec);
	default:
		return bind_value(st, s, idx, v, (enum bind_how)m->how);
	}
}

static void bind_common(struct nvm_store *st, sqlite3_stmt *s, int64_t eid,
			const struct nvm_record *rec)
{
	bind_int(st, s, 1, (int64_t)st->now);
	bind_int(st, s, 2, eid);
	bind_int(st, s, 3, rec->odid);
	bind_int(st, s, 4, rec->export_time);
}

static int insert_mapped(struct nvm_store *st, enum store_stmt which, const struct bind_map *map,
			 size_t n, int64_t eid, const struct nvm_record *rec)
{
	sqlite3_stmt *s = st->st[which];
	size_t i;
	int rc;

	bind_common(st, s, eid, rec);
	for (i = 0; i < n; i++) {
		rc = bind_one(st, s, (int)i + 5, rec, &map[i]);
		if (rc != SQLITE_OK) {
			sqlite3_clear_bindings(s);
			memset(&st->sticky, 0, sizeof(st->sticky));
			return store_db_err(st, rc, "bind");
		}
	}
	/* every parameter was bound above, so no sqlite3_clear_bindings() is needed */
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : store_db_err(st, rc, "insert");
}

/* elements with no column (or whose list was malformed) are kept as raw rows */
static bool is_raw(const struct nvm_value *v)
{
	if (v->col == NVZ_COL_NONE)
		return true;
	return (v->col == NVZ_COL_MODULE_NAMES || v->col == NVZ_COL_MODULE_HASHES) &&
	       v->kind != NVZ_KIND_BASICLIST;
}

static int insert_raw(struct nvm_store *st, int64_t eid, const struct nvm_record *rec,
		      const char *table, int64_t rec_id, bool all)
{
	sqlite3_stmt *s = st->st[ST_RAW];
	const struct nvm_value *v;
	uint16_t i;
	int rc;

	for (i = 0; i < rec->nvals; i++) {
		v = &rec->v[i];
		if (!all && !is_raw(v))
			continue;
		bind_common(st, s, eid, rec);
		sqlite3_bind_int(s, 4, rec->tmpl->tid);
		sqlite3_bind_text(s, 5, table, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 6, rec_id);
		sqlite3_bind_int64(s, 7, v->pen);
		sqlite3_bind_int(s, 8, v->id);
		sqlite3_bind_blob(s, 9, v->len ? (const void *)v->p : "", v->len, SQLITE_STATIC);
		rc = store_step_done(st, s, "insert raw");
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int insert_record(struct nvm_store *st, int64_t eid, const struct nvm_record *rec)
{
	const char *table;
	int rc;

	switch (rec->tmpl->rec_type) {
	case NVZ_REC_ENDPOINT:
		table = "endpoints";
		rc = insert_mapped(st, ST_ENDPOINT, endpoint_map, MAP_N(endpoint_map), eid, rec);
		break;
	case NVZ_REC_INTERFACE:
		table = "interfaces";
		rc = insert_mapped(st, ST_INTERFACE, interface_map, MAP_N(interface_map), eid, rec);
		break;
	case NVZ_REC_FLOW4:
	case NVZ_REC_FLOW6:
		table = "flows";
		rc = insert_mapped(st, ST_FLOW, flow_map, MAP_N(flow_map), eid, rec);
		break;
	default:
		return insert_raw(st, eid, rec, "other", ++st->other_seq, true);
	}
	if (rc < 0)
		return rc;
	return insert_raw(st, eid, rec, table, sqlite3_last_insert_rowid(st->db), false);
}

int nvm_store_record(struct nvm_store *st, const struct nvm_record *rec)
{
	int64_t eid;
	int rc;

	st->now = st->clock_fn();
	rc = store_txn_begin(st);
	if (rc == 0)
		rc = store_exporter_id(st, rec->exporter, &eid);
	if (rc == 0)
		rc = insert_record(st, eid, rec);
	if (rc < 0)
		return rc;
	st->pending++;
	if (st->pending >= st->cfg.batch_records ||
	    store_mono_ms() - st->txn_ms >= st->cfg.batch_ms)
		rc = nvm_store_flush(st);
	return rc;
}

static int ops_record(void *arg, const struct nvm_record *rec)
{
	return nvm_store_record(arg, rec);
}

static int ops_template(void *arg, struct nvm_exporter_info *exp, uint32_t odid,
			const struct nvm_tmpl *t, bool withdrawn)
{
	return nvm_store_template(arg, exp, odid, t, withdrawn);
}

struct nvm_decoder_ops nvm_store_ops(struct nvm_store *st)
{
	struct nvm_decoder_ops ops = { .on_record = ops_record, .on_template = ops_template,
				       .arg = st };

	return ops;
}
