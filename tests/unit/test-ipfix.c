/* tests/unit/test-ipfix.c: IPFIX decoder on hand-built messages. Runs in: make check. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "nvm/ipfix.h"

/* ---- a small message builder ---- */

struct mb {
	uint8_t buf[8192];
	struct pkt_writer w;
	size_t set_at;		/* offset of the open set header, 0 = none */
};

static void put16_at(struct mb *m, size_t off, uint16_t v)
{
	m->buf[off] = (uint8_t)(v >> 8);
	m->buf[off + 1] = (uint8_t)v;
}

static void mb_start(struct mb *m, uint32_t odid)
{
	memset(m, 0, sizeof(*m));
	m->w = (struct pkt_writer)PKT_WRITER_INIT(m->buf, sizeof(m->buf));
	pkt_put_be16(&m->w, 10);
	pkt_put_be16(&m->w, 0);			/* length, patched by mb_done */
	pkt_put_be32(&m->w, 1700000000);
	pkt_put_be32(&m->w, 1);
	pkt_put_be32(&m->w, odid);
}

static void mb_close_set(struct mb *m)
{
	if (m->set_at != 0)
		put16_at(m, m->set_at + 2, (uint16_t)(m->w.len - m->set_at));
	m->set_at = 0;
}

static void mb_set(struct mb *m, uint16_t id)
{
	mb_close_set(m);
	m->set_at = m->w.len;
	pkt_put_be16(&m->w, id);
	pkt_put_be16(&m->w, 0);
}

static void mb_field(struct mb *m, uint32_t pen, uint16_t id, uint16_t len)
{
	pkt_put_be16(&m->w, pen ? (uint16_t)(id | 0x8000) : id);
	pkt_put_be16(&m->w, len);
	if (pen)
		pkt_put_be32(&m->w, pen);
}

static void mb_tmpl(struct mb *m, uint16_t tid, uint16_t n)
{
	pkt_put_be16(&m->w, tid);
	pkt_put_be16(&m->w, n);
}

/* variable-length value: 1-byte length below 255 unless long_form, else FF + 2 bytes */
static void mb_var(struct mb *m, const void *p, size_t n, bool long_form)
{
	if (n < 255 && !long_form) {
		pkt_put_u8(&m->w, (uint8_t)n);
	} else {
		pkt_put_u8(&m->w, 255);
		pkt_put_be16(&m->w, (uint16_t)n);
	}
	pkt_put_bytes(&m->w, p, n);
}

static size_t mb_done(struct mb *m)
{
	mb_close_set(m);
	assert_false(m->w.err);
	put16_at(m, 2, (uint16_t)m->w.len);
	return m->w.len;
}

/* ---- decoder harness ---- */

#define MAX_SEEN 8

struct seen {
	unsigned records, templates, withdrawn;
	uint16_t last_tid;
	/* copies, since values point into the message only during the callback */
	uint8_t kind[MAX_SEEN];
	uint16_t len[MAX_SEEN];
	uint8_t val[MAX_SEEN][512];
};

static int on_record(void *arg, const struct nvm_record *rec)
{
	struct seen *s = arg;
	uint16_t i;

	s->records++;
	s->last_tid = rec->tmpl->tid;
	for (i = 0; i < rec->nvals && i < MAX_SEEN; i++) {
		s->kind[i] = rec->v[i].kind;
		s->len[i] = rec->v[i].len;
		memcpy(s->val[i], rec->v[i].p, rec->v[i].len < 512 ? rec->v[i].len : 512);
	}
	return 0;
}

static int on_template(void *arg, struct nvm_exporter_info *exp, uint32_t odid,
		       const struct nvm_tmpl *t, bool withdrawn)
{
	struct seen *s = arg;

	(void)exp;
	(void)odid;
	(void)t;
	if (withdrawn)
		s->withdrawn++;
	else
		s->templates++;
	return 0;
}

struct fx {
	void *ctx;
	struct nvm_decoder *dec;
	struct seen s;
	struct sockaddr_in from;
	struct mb m;
};

static struct fx *fx_new(const struct nvm_decoder_cfg *cfg)
{
	void *ctx = talloc_new(NULL);
	struct fx *f = talloc_zero(ctx, struct fx);
	struct nvm_decoder_ops ops = { on_record, on_template, &f->s };

	f->ctx = ctx;
	f->dec = nvm_decoder_new(ctx, cfg, &ops);
	assert_non_null(f->dec);
	f->from.sin_family = AF_INET;
	f->from.sin_port = htons(50000);
	f->from.sin_addr.s_addr = htonl(0xc0000201);
	return f;
}

static int fx_feed(struct fx *f, size_t len)
{
	return nvm_decoder_feed(f->dec, (struct sockaddr *)&f->from, sizeof(f->from), f->m.buf, len);
}

static const struct nvm_counters *fx_cnt(struct fx *f)
{
	struct nvm_exporter *e;

	assert_int_equal(nvm_exporter_get(nvm_decoder_templates(f->dec), (struct sockaddr *)&f->from,
					  sizeof(f->from), false, &e), 0);
	return &nvm_exporter_info(e)->cnt;
}

/* template 300: protocol (1), user (PEN 9 12333, var) */
static void add_tmpl_300(struct mb *m)
{
	mb_set(m, 2);
	mb_tmpl(m, 300, 2);
	mb_field(m, 0, 4, 1);
	mb_field(m, 9, 12333, NVZ_VARLEN);
}

static int send_tmpl_300(struct fx *f)
{
	mb_start(&f->m, 1);
	add_tmpl_300(&f->m);
	return fx_feed(f, mb_done(&f->m));
}

/* ---- tests ---- */

static void test_varlen(void **state)
{
	const uint8_t one[] = { 7 }, three[] = { 255, 0x01, 0x2c }, cut[] = { 255, 0x01 };
	struct pkt_reader r = PKT_READER_INIT(one, sizeof(one));
	uint16_t len = 0xbeef;

	(void)state;
	assert_int_equal(ipfix_get_varlen(&r, &len), 0);
	assert_int_equal(len, 7);
	r = (struct pkt_reader)PKT_READER_INIT(three, sizeof(three));
	assert_int_equal(ipfix_get_varlen(&r, &len), 0);
	assert_int_equal(len, 300);
	len = 0xbeef;
	r = (struct pkt_reader)PKT_READER_INIT(cut, sizeof(cut));
	assert_int_equal(ipfix_get_varlen(&r, &len), -EBADMSG);
	assert_int_equal(len, 0xbeef);		/* untouched */
	assert_int_equal(r.left, 2);		/* nothing consumed */
}

static void test_truncated_header(void **state)
{
	struct fx *f = fx_new(NULL);

	(void)state;
	mb_start(&f->m, 1);
	assert_int_equal(fx_feed(f, 15), -EBADMSG);
	assert_int_equal(fx_cnt(f)->drop_truncated, 1);
	assert_int_equal(fx_cnt(f)->messages, 1);
	talloc_free(f->ctx);
}

static void test_bad_version(void **state)
{
	struct fx *f = fx_new(NULL);
	size_t n;

	(void)state;
	mb_start(&f->m, 1);
	add_tmpl_300(&f->m);
	n = mb_done(&f->m);
	f->m.buf[1] = 9;			/* NetFlow v9 */
	assert_int_equal(fx_feed(f, n), -EPROTO);
	assert_int_equal(fx_cnt(f)->drop_bad_version, 1);
	assert_int_equal(f->s.templates, 0);
	talloc_free(f->ctx);
}

static void test_header_length_overrun(void **state)
{
	struct fx *f = fx_new(NULL);
	size_t n;

	(void)state;
	mb_start(&f->m, 1);
	add_tmpl_300(&f->m);
	n = mb_done(&f->m);
	put16_at(&f->m, 2, (uint16_t)(n + 1));
	assert_int_equal(fx_feed(f, n), -EBADMSG);
	put16_at(&f->m, 2, 15);
	assert_int_equal(fx_feed(f, n), -EBADMSG);
	assert_int_equal(fx_cnt(f)->drop_truncated, 2);
	assert_int_equal(f->s.templates, 0);
	talloc_free(f->ctx);
}

/* a good template set followed by a set whose length overruns: the whole message is refused */
static void test_set_overrun(void **state)
{
	struct fx *f = fx_new(NULL);
	size_t n, second;

	(void)state;
	mb_start(&f->m, 1);
	add_tmpl_300(&f->m);
	mb_close_set(&f->m);
	second = f->m.w.len;
	mb_set(&f->m, 300);
	pkt_put_u8(&f->m.w, 6);
	mb_var(&f->m, "bob", 3, false);
	n = mb_done(&f->m);
	put16_at(&f->m, second + 2, (uint16_t)(n - second + 1));
	assert_int_equal(fx_feed(f, n), -EBADMSG);
	assert_int_equal(f->s.templates, 0);
	assert_int_equal(f->s.records, 0);
	put16_at(&f->m, second + 2, 3);		/* shorter than a set header */
	assert_int_equal(fx_feed(f, n), -EBADMSG);
	assert_int_equal(fx_cnt(f)->drop_truncated, 2);
	talloc_free(f->ctx);
}

/* a variable-length value that runs past its set ends that set */
static void test_record_overrun(void **state)
{
	struct fx *f = fx_new(NULL);

	(void)state;
	assert_int_equal(send_tmpl_300(f), 0);
	mb_start(&f->m, 1);
	mb_set(&f->m, 300);
	pkt_put_u8(&f->m.w, 6);
	mb_var(&f->m, "alice", 5, false);
	pkt_put_u8(&f->m.w, 17);
	pkt_put_u8(&f->m.w, 200);		/* claims 200 bytes, has 2 */
	pkt_put_bytes(&f->m.w, "xy", 2);
	assert_int_equal(fx_feed(f, mb_done(&f->m)), -EBADMSG);
	assert_int_equal(f->s.records, 1);	/* the good record before it was delivered */
	assert_int_equal(fx_cnt(f)->drop_truncated, 1);
	talloc_free(f->ctx);
}

static void test_data_before_template(void **state)
{
	struct fx *f = fx_new(NULL);

	(void)state;
	mb_start(&f->m, 1);
	mb_set(&f->m, 300);
	pkt_put_u8(&f->m.w, 6);
	mb_var(&f->m, "bob", 3, false);
	assert_int_equal(fx_feed(f, mb_done(&f->m)), 0);
	assert_int_equal(f->s.records, 0);
	assert_int_equal(fx_cnt(f)->drop_unknown_tmpl, 1);
	talloc_free(f->ctx);
}

static void test_long_and_short_strings(void **state)
{
	struct fx *f = fx_new(NULL);
	char big[300];

	(void)state;
	memset(big, 'a', sizeof(big));
	big[299] = 'z';
	assert_int_equal(send_tmpl_300(f), 0);
	mb_start(&f->m, 1);
	mb_set(&f->m, 300);
	pkt_put_u8(&f->m.w, 6);
	mb_var(&f->m, big, sizeof(big), false);	/* >= 255: must use FF + 2 bytes */
	pkt_put_u8(&f->m.w, 17);
	mb_var(&f->m, "eve", 3, true);		/* short value in the 3-byte form */
	pkt_put_u8(&f->m.w, 1);
	mb_var(&f->m, big, 254, false);		/* longest 1-byte form */
	assert_int_equal(fx_feed(f, mb_done(&f->m)), 0);
	assert_int_equal(f->s.records, 3);
	/* the last one is kept in s; check it, then replay the first two singly */
	assert_int_equal(f->s.len[1], 254);
	mb_start(&f->m, 1);
	mb_set(&f->m, 300);
	pkt_put_u8(&f->m.w, 6);
	mb_var(&f->m, big, sizeof(big), false);
	assert_int_equal(fx_feed(f, mb_done(&f->m)), 0);
	assert_int_equal(f->s.len[1], 300);
	assert_int_equal(f->s.kind[1], NVZ_KIND_STRING);
	assert_memory_equal(f->s.val[1], big, 300);
	mb_start(&f->m, 1);
	mb_set(&f->m, 300);
	pkt_put_u8(&f->m.w, 17);
	mb_var(&f->m, "eve", 3, true);
	assert_int_equal(fx_feed(f, mb_done(&f->m)), 0);
	assert_int_equal(f->s.len[1], 3);
	assert_memory_equal(f->s.val[1], "eve", 3);
	talloc_free(f->ctx);
}

/* padding after the last record (shorter than any record) is not an error */
static void test_padding(void **state)
{
	struct fx *f = fx_new(NULL);

	(void)state;
	mb_start(&f->m, 1);
	mb_set(&f->m, 2);
	mb_tmpl(&f->m, 301, 1);
	mb_field(&f->m, 0, 8, 4);
	pkt_put_be16(&f->m.w, 0);		/* template set padding */
	mb_set(&f->m, 301);
	pkt_put_be32(&f->m.w, 0x0a000001);
	pkt_put_bytes(&f->m.w, "\0\0\0", 3);
	assert_int_equal(fx_feed(f, mb_done(&f->m)), 0);
	assert_int_equal(f->s.templates, 1);
	assert_int_equal(f->s.records, 1);
	assert_int_equal(f->s.kind[0], NVZ_KIND_IPV4);
	talloc_free(f->ctx);
}

static void test_withdrawal(void **state)
{
	struct fx *f = fx_new(NULL);

	(void)state;
	assert_int_equal(send_tmpl_300(f), 0);
	mb_start(&f->m, 1);
	mb_set(&f->m, 2);
	mb_tmpl(&f->m, 300, 0);			/* withdraw 300 */
	mb_set(&f->m, 300);
	pkt_put_u8(&f->m.w, 6);
	mb_var(&f->m, "bob", 3, false);
	assert_int_equal(fx_feed(f, mb_done(&f->m)), 0);
	assert_int_equal(f->s.withdrawn, 1);
	assert_int_equal(f->s.records, 0);
	assert_int_equal(fx_cnt(f)->drop_unknown_tmpl, 1);
	/* "withdraw all": template ID = set ID */
	assert_int_equal(send_tmpl_300(f), 0);
	mb_start(&f->m, 1);
	mb_set(&f->m, 2);
	mb_tmpl(&f->m, 2, 0);
	assert_int_equal(fx_feed(f, mb_done(&f->m)), 0);
	assert_int_equal(f->s.withdrawn, 2);
	talloc_free(f->ctx);
}

static void put_list_hdr(struct mb *m, uint16_t total, uint16_t elem_len)
{
	pkt_put_u8(&m->w, 255);
	pkt_put_be16(&m->w, total);
	pkt_put_u8(&m->w, 3);			/* allOf */
	pkt_put_be16(&m->w, 12348 | 0x8000);
	pkt_put_be16(&m->w, elem_len);
	pkt_put_be32(&m->w, 9);
}

/* template 302: module-name basicList (PEN 9 12352) */
static void send_list_tmpl(struct fx *f)
{
	mb_start(&f->m, 1);
	mb_set(&f->m, 2);
	mb_tmpl(&f->m, 302, 1);
	mb_field(&f->m, 9, 12352, NVZ_VARLEN);
	assert_int_equal(fx_feed(f, mb_done(&f->m)), 0);
}

static void test_basiclist_ok(void **state)
{
	struct fx *f = fx_new(NULL);
	struct nvm_value v = { 0 };
	size_t count = 0;

	(void)state;
	send_list_tmpl(f);
	mb_start(&f->m, 1);
	mb_set(&f->m, 302);
	put_list_hdr(&f->m, 9 + 4 + 3, NVZ_VARLEN);
	mb_var(&f->m, "a.d", 3, false);
	mb_var(&f->m, "b", 1, false);
	mb_var(&f->m, "", 0, false);
	assert_int_equal(fx_feed(f, mb_done(&f->m)), 0);
	assert_int_equal(f->s.records, 1);
	assert_int_equal(f->s.kind[0], NVZ_KIND_BASICLIST);
	v.p = f->s.val[0];
	v.len = f->s.len[0];
	assert_int_equal(nvm_blist_count(&v, &count), 0);
	assert_int_equal(count, 3);
	assert_int_equal(fx_cnt(f)->bad_list, 0);
	talloc_free(f->ctx);
}

/* an element claims more bytes than the list holds: kept as raw bytes, counted */
static void test_basiclist_overclaim(void **state)
{
	struct fx *f = fx_new(NULL);
	struct nvm_value v = { 0 };
	size_t count = 99;

	(void)state;
	send_list_tmpl(f);
	mb_start(&f->m, 1);
	mb_set(&f->m, 302);
	put_list_hdr(&f->m, 9 + 1 + 4, NVZ_VARLEN);
	pkt_put_u8(&f->m.w, 50);		/* 50 bytes claimed, 4 present */
	pkt_put_bytes(&f->m.w, "abcd", 4);
	assert_int_equal(fx_feed(f, mb_done(&f->m)), 0);
	assert_int_equal(f->s.records, 1);
	assert_int_equal(f->s.kind[0], NVZ_KIND_OCTETS);
	assert_int_equal(fx_cnt(f)->bad_list, 1);
	v.p = f->s.val[0];
	v.len = f->s.len[0];
	assert_int_equal(nvm_blist_count(&v, &count), -EBADMSG);
	assert_int_equal(count, 99);
	/* fixed-size elements that do not divide the contents */
	mb_start(&f->m, 1);
	mb_set(&f->m, 302);
	put_list_hdr(&f->m, 9 + 5, 32);
	pkt_put_bytes(&f->m.w, "abcde", 5);
	assert_int_equal(fx_feed(f, mb_done(&f->m)), 0);
	assert_int_equal(f->s.kind[0], NVZ_KIND_OCTETS);
	assert_int_equal(fx_cnt(f)->bad_list, 2);
	talloc_free(f->ctx);
}

static void test_template_cap(void **state)
{
	struct nvm_decoder_cfg cfg = { .lim = { .max_tmpl_per_exporter = 4, .max_fields = 8 } };
	struct fx *f = fx_new(&cfg);
	uint16_t tid, i;

	(void)state;
	mb_start(&f->m, 1);
	mb_set(&f->m, 2);
	for (tid = 400; tid < 405; tid++) {
		mb_tmpl(&f->m, tid, 1);
		mb_field(&f->m, 0, 4, 1);
	}
	mb_tmpl(&f->m, 410, 9);			/* over the field cap */
	for (i = 0; i < 9; i++)
		mb_field(&f->m, 0, 4, 1);
	assert_int_equal(fx_feed(f, mb_done(&f->m)), 0);
	assert_int_equal(f->s.templates, 4);
	assert_int_equal(fx_cnt(f)->drop_tmpl_cap, 2);
	/* redefining an existing one is still allowed at the cap */
	mb_start(&f->m, 1);
	mb_set(&f->m, 2);
	mb_tmpl(&f->m, 400, 1);
	mb_field(&f->m, 0, 7, 2);
	mb_set(&f->m, 404);			/* refused template: its data is unknown */
	pkt_put_u8(&f->m.w, 6);
	assert_int_equal(fx_feed(f, mb_done(&f->m)), 0);
	assert_int_equal(f->s.templates, 5);
	assert_int_equal(fx_cnt(f)->drop_unknown_tmpl, 1);
	talloc_free(f->ctx);
}

static void test_bad_templates(void **state)
{
	struct fx *f = fx_new(NULL);

	(void)state;
	mb_start(&f->m, 1);
	mb_set(&f->m, 2);
	mb_tmpl(&f->m, 255, 1);			/* template IDs start at 256 */
	mb_field(&f->m, 0, 4, 1);
	mb_tmpl(&f->m, 500, 1);			/* zero-length record: data set would never end */
	mb_field(&f->m, 0, 4, 0);
	assert_int_equal(fx_feed(f, mb_done(&f->m)), 0);
	assert_int_equal(f->s.templates, 0);
	assert_int_equal(fx_cnt(f)->drop_bad_tmpl, 2);
	/* a template record cut inside its field list */
	mb_start(&f->m, 1);
	mb_set(&f->m, 2);
	mb_tmpl(&f->m, 501, 3);
	mb_field(&f->m, 9, 12333, NVZ_VARLEN);
	assert_int_equal(fx_feed(f, mb_done(&f->m)), -EBADMSG);
	assert_int_equal(fx_cnt(f)->drop_truncated, 1);
	talloc_free(f->ctx);
}

/* templates belong to (exporter address + port, observation domain) */
static void test_scoping(void **state)
{
	struct fx *f = fx_new(NULL);

	(void)state;
	assert_int_equal(send_tmpl_300(f), 0);
	mb_start(&f->m, 2);			/* other domain */
	mb_set(&f->m, 300);
	pkt_put_u8(&f->m.w, 6);
	mb_var(&f->m, "bob", 3, false);
	assert_int_equal(fx_feed(f, mb_done(&f->m)), 0);
	assert_int_equal(f->s.records, 0);
	f->from.sin_port = htons(50001);	/* other exporter port, same domain */
	f->m.buf[15] = 1;
	assert_int_equal(fx_feed(f, f->m.w.len), 0);
	assert_int_equal(f->s.records, 0);
	f->from.sin_port = htons(50000);
	assert_int_equal(fx_feed(f, f->m.w.len), 0);
	assert_int_equal(f->s.records, 1);
	talloc_free(f->ctx);
}

static void test_options_and_reduced_size(void **state)
{
	struct fx *f = fx_new(NULL);

	(void)state;
	mb_start(&f->m, 1);
	mb_set(&f->m, 3);
	mb_tmpl(&f->m, 600, 2);
	pkt_put_be16(&f->m.w, 1);		/* scope count */
	mb_field(&f->m, 0, 149, 4);
	mb_field(&f->m, 9, 12346, 4);		/* 8-byte counter sent in 4 bytes */
	mb_set(&f->m, 600);
	pkt_put_be32(&f->m.w, 127);
	pkt_put_be32(&f->m.w, 1000);
	assert_int_equal(fx_feed(f, mb_done(&f->m)), 0);
	assert_int_equal(f->s.templates, 1);
	assert_int_equal(f->s.records, 1);
	assert_int_equal(f->s.kind[1], NVZ_KIND_UINT);
	talloc_free(f->ctx);
}

static void test_rate_and_exporter_cap(void **state)
{
	struct nvm_decoder_cfg cfg = { .lim = { .max_exporters = 1 }, .max_msgs_per_sec = 2 };
	struct fx *f = fx_new(&cfg);
	size_t n;

	(void)state;
	mb_start(&f->m, 1);
	add_tmpl_300(&f->m);
	n = mb_done(&f->m);
	assert_int_equal(fx_feed(f, n), 0);
	assert_int_equal(fx_feed(f, n), 0);
	assert_int_equal(fx_feed(f, n), -EAGAIN);
	assert_int_equal(fx_cnt(f)->drop_rate, 1);
	f->from.sin_port = htons(1);
	assert_int_equal(fx_feed(f, n), -ENOSPC);
	assert_int_equal(nvm_tmpl_cache_orphans(nvm_decoder_templates(f->dec))->messages, 1);
	talloc_free(f->ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_varlen),
		cmocka_unit_test(test_truncated_header),
		cmocka_unit_test(test_bad_version),
		cmocka_unit_test(test_header_length_overrun),
		cmocka_unit_test(test_set_overrun),
		cmocka_unit_test(test_record_overrun),
		cmocka_unit_test(test_data_before_template),
		cmocka_unit_test(test_long_and_short_strings),
		cmocka_unit_test(test_padding),
		cmocka_unit_test(test_withdrawal),
		cmocka_unit_test(test_basiclist_ok),
		cmocka_unit_test(test_basiclist_overclaim),
		cmocka_unit_test(test_template_cap),
		cmocka_unit_test(test_bad_templates),
		cmocka_unit_test(test_scoping),
		cmocka_unit_test(test_options_and_reduced_size),
		cmocka_unit_test(test_rate_and_exporter_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
