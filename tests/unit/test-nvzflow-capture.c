/* tests/unit/test-nvzflow-capture.c: the real NVM capture, exact values. Runs in: make check. */
/*
 * Expected values were written down from tshark 4.0.17
 * (tshark -r nvz.pcap -d udp.port==2055,cflow -T json -V), not from our decoder.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "nvm/ipfix.h"
#include "nvz-capture.h"

struct seen {
	unsigned records, templates;
	/* checks run inside the callback, while the values still point into the message */
	void (*check)(const struct nvm_record *rec);
};

static int on_record(void *arg, const struct nvm_record *rec)
{
	struct seen *s = arg;

	s->records++;
	if (s->check != NULL)
		s->check(rec);
	return 0;
}

static int on_template(void *arg, struct nvm_exporter_info *exp, uint32_t odid,
		       const struct nvm_tmpl *t, bool withdrawn)
{
	struct seen *s = arg;

	(void)exp;
	(void)odid;
	(void)t;
	assert_false(withdrawn);
	s->templates++;
	return 0;
}

static struct sockaddr_in exporter(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(40000) };

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sin;
}

static void assert_str(const struct nvm_record *rec, enum nvz_col col, const char *want)
{
	const struct nvm_value *v = rec->named[col];

	assert_non_null(v);
	assert_int_equal(v->kind, NVZ_KIND_STRING);
	assert_int_equal(v->len, strlen(want));
	assert_memory_equal(v->p, want, v->len);
}

static void assert_uint(const struct nvm_record *rec, enum nvz_col col, uint64_t want)
{
	const struct nvm_value *v = rec->named[col];
	uint64_t x = 0;

	assert_non_null(v);
	assert_int_equal(nvm_value_uint(v, &x), 0);
	assert_int_equal(x, want);
}

static void hex(const uint8_t *p, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

static void assert_hex(const struct nvm_record *rec, enum nvz_col col, const char *want)
{
	const struct nvm_value *v = rec->named[col];
	char buf[2 * 64 + 1];

	assert_non_null(v);
	assert_int_equal(v->len * 2, strlen(want));
	hex(v->p, v->len, buf);
	assert_string_equal(buf, want);
}

static void assert_addr(const struct nvm_record *rec, enum nvz_col col, const char *want)
{
	const struct nvm_value *v = rec->named[col];
	char buf[INET6_ADDRSTRLEN];

	assert_non_null(v);
	assert_int_equal(v->kind, NVZ_KIND_IPV4);
	assert_non_null(inet_ntop(AF_INET, v->p, buf, sizeof(buf)));
	assert_string_equal(buf, want);
}

static const char *const modules[] = {
	"cryptsvc.dll", "dhcpcore.dll", "termsrv.dll", "dnsrslvr.dll", "wkssvc.dll",
	"qagentRT.dll", "nlasvc.dll", "WsmSvc.dll", "wecsvc.dll", "tapisrv.dll",
};

static void check_modules(const struct nvm_record *rec)
{
	const struct nvm_value *v = rec->named[NVZ_COL_MODULE_NAMES];
	struct nvm_blist l;
	const uint8_t *p;
	uint16_t len;
	size_t i = 0;

	assert_non_null(v);
	assert_int_equal(v->len, 129);		/* sent as FF 00 81: 3-byte form, short length */
	assert_int_equal(v->kind, NVZ_KIND_BASICLIST);
	assert_int_equal(nvm_blist_open(v, &l), 0);
	assert_int_equal(l.semantic, 3);	/* allOf */
	assert_int_equal(l.pen, 9);
	assert_int_equal(l.id, 12348);
	assert_int_equal(l.elem_len, NVZ_VARLEN);
	while (nvm_blist_next(&l, &p, &len) == 1) {
		assert_true(i < 10);
		assert_int_equal(len, strlen(modules[i]));
		assert_memory_equal(p, modules[i], len);
		i++;
	}
	assert_int_equal(i, 10);
}

static void check_module_hashes(const struct nvm_record *rec)
{
	const struct nvm_value *v = rec->named[NVZ_COL_MODULE_HASHES];
	struct nvm_blist l;
	const uint8_t *p;
	uint16_t len;
	char buf[65];
	size_t n = 0;

	assert_non_null(v);
	assert_int_equal(v->len, 329);		/* FF 01 49 */
	assert_int_equal(nvm_blist_count(v, &n), 0);
	assert_int_equal(n, 10);
	assert_int_equal(nvm_blist_open(v, &l), 0);
	assert_int_equal(l.id, 12350);
	assert_int_equal(l.elem_len, 32);
	assert_int_equal(nvm_blist_next(&l, &p, &len), 1);
	hex(p, len, buf);
	assert_string_equal(buf, "340df730e88f8b6a4ef542f620eba2a720546afab4dffa00f066b7610a1026c5");
}

static void check_flow(const struct nvm_record *rec)
{
	assert_int_equal(rec->odid, 127);
	assert_int_equal(rec->export_time, 1491362776);
	assert_int_equal(rec->tmpl->tid, 267);
	assert_int_equal(rec->tmpl->rec_type, NVZ_REC_FLOW4);
	assert_int_equal(rec->nvals, 25);
	assert_uint(rec, NVZ_COL_PROTOCOL, 17);
	assert_addr(rec, NVZ_COL_SRC_V4, "192.168.0.10");
	assert_uint(rec, NVZ_COL_SRC_PORT, 43879);
	assert_addr(rec, NVZ_COL_DST_V4, "192.168.0.11");
	assert_uint(rec, NVZ_COL_DST_PORT, 53);
	assert_uint(rec, NVZ_COL_START_S, 1491362773);	/* 2017-04-05 03:26:13 UTC */
	assert_uint(rec, NVZ_COL_END_S, 1491362773);
	assert_hex(rec, NVZ_COL_UDID, "4ca7d9a79889dc4f18b4cd1b7e9f7e25d0c866a4");
	assert_str(rec, NVZ_COL_USER, "MYNVM\\dummy11");
	assert_uint(rec, NVZ_COL_USER_ACCT_TYPE, 2);
	assert_str(rec, NVZ_COL_PROC_ACCOUNT, "NT AUTHORITY\\NETWORK SERVICE");
	assert_uint(rec, NVZ_COL_PROC_ACCT_TYPE, 1);
	assert_str(rec, NVZ_COL_PROC_NAME, "svchost.exe");
	assert_hex(rec, NVZ_COL_PROC_HASH,
		   "740a46a0f5e0e8c933efd28c9901e54e42792619a8a3a6d11e1f0025a7324bc2");
	assert_str(rec, NVZ_COL_PARENT_ACCOUNT, "NT AUTHORITY\\SYSTEM");
	assert_uint(rec, NVZ_COL_PARENT_ACCT_TYPE, 2);
	assert_str(rec, NVZ_COL_PARENT_NAME, "services.exe");
	assert_hex(rec, NVZ_COL_PARENT_HASH,
		   "d7bc4ed605b32274b45328fd9914fb0e7b90d869a38f0e6f94fb1bf4e9e2b407");
	assert_uint(rec, NVZ_COL_BYTES_IN, 100);
	assert_uint(rec, NVZ_COL_BYTES_OUT, 41);
	assert_str(rec, NVZ_COL_DNS_SUFFIX, "dummy.du");
	assert_str(rec, NVZ_COL_DEST_HOST, "Unknown");
	assert_uint(rec, NVZ_COL_IF_UID, 6);
	check_modules(rec);
	check_module_hashes(rec);
	assert_null(rec->named[NVZ_COL_HOST_NAME]);
}

static void check_endpoint(const struct nvm_record *rec)
{
	assert_int_equal(rec->tmpl->tid, 262);
	assert_int_equal(rec->tmpl->rec_type, NVZ_REC_ENDPOINT);
	assert_str(rec, NVZ_COL_HOST_NAME, "STATION-102010");
	assert_hex(rec, NVZ_COL_UDID, "4ca7d9a79889dc4f18b4cd1b7e9f7e25d0c866a4");
	assert_str(rec, NVZ_COL_OS_NAME, "Mac OS X");
	assert_str(rec, NVZ_COL_OS_VERSION, "10.12.6");
	assert_str(rec, NVZ_COL_OS_EDITION, "Sierra");
	assert_str(rec, NVZ_COL_SYS_MANUF, "-");
	assert_str(rec, NVZ_COL_SYS_TYPE, "x64");
}

static struct nvm_decoder *decoder(void *ctx, struct seen *s)
{
	struct nvm_decoder_ops ops = { on_record, on_template, s };
	struct nvm_decoder *dec = nvm_decoder_new(ctx, NULL, &ops);

	assert_non_null(dec);
	return dec;
}

static int feed(struct nvm_decoder *dec, const uint8_t *m, size_t n)
{
	struct sockaddr_in sin = exporter();

	return nvm_decoder_feed(dec, (struct sockaddr *)&sin, sizeof(sin), m, n);
}

static void test_templates(void **state)
{
	void *ctx = talloc_new(NULL);
	struct seen s = { 0 };
	struct nvm_decoder *dec = decoder(ctx, &s);
	struct sockaddr_in sin = exporter();
	struct nvm_exporter *e;
	const struct nvm_tmpl *t;

	(void)state;
	assert_int_equal(feed(dec, nvz_tmpl_msg, sizeof(nvz_tmpl_msg)), 0);
	assert_int_equal(s.templates, 4);
	assert_int_equal(nvm_exporter_get(nvm_decoder_templates(dec), (struct sockaddr *)&sin,
					  sizeof(sin), false, &e), 0);
	t = nvm_tmpl_find(e, 127, 262);
	assert_non_null(t);
	assert_int_equal(t->nfields, 7);
	assert_int_equal(t->rec_type, NVZ_REC_ENDPOINT);
	t = nvm_tmpl_find(e, 127, 266);
	assert_non_null(t);
	assert_int_equal(t->rec_type, NVZ_REC_INTERFACE);
	t = nvm_tmpl_find(e, 127, 268);
	assert_non_null(t);
	assert_int_equal(t->nfields, 25);
	assert_int_equal(t->rec_type, NVZ_REC_FLOW6);
	assert_int_equal(t->f[1].id, 27);
	assert_null(nvm_tmpl_find(e, 126, 267));	/* scoped by observation domain */
	talloc_free(ctx);
}

static void test_flow_record(void **state)
{
	void *ctx = talloc_new(NULL);
	struct seen s = { .check = check_flow };
	struct nvm_decoder *dec = decoder(ctx, &s);

	(void)state;
	assert_int_equal(feed(dec, nvz_tmpl_msg, sizeof(nvz_tmpl_msg)), 0);
	assert_int_equal(feed(dec, nvz_data_msg, sizeof(nvz_data_msg)), 0);
	assert_int_equal(s.records, 1);
	talloc_free(ctx);
}

static void test_endpoint_record(void **state)
{
	void *ctx = talloc_new(NULL);
	struct seen s = { .check = check_endpoint };
	struct nvm_decoder *dec = decoder(ctx, &s);

	(void)state;
	assert_int_equal(feed(dec, nvz_tmpl_msg, sizeof(nvz_tmpl_msg)), 0);
	assert_int_equal(feed(dec, nvz_endpoint_msg, sizeof(nvz_endpoint_msg)), 0);
	assert_int_equal(s.records, 1);
	talloc_free(ctx);
}

/* the raw file is both messages back to back, as nvz.ipfix stores them */
static void test_stream(void **state)
{
	void *ctx = talloc_new(NULL);
	struct seen s = { .check = check_flow };
	struct nvm_decoder *dec = decoder(ctx, &s);
	uint8_t both[sizeof(nvz_tmpl_msg) + sizeof(nvz_data_msg)];

	(void)state;
	memcpy(both, nvz_tmpl_msg, sizeof(nvz_tmpl_msg));
	memcpy(both + sizeof(nvz_tmpl_msg), nvz_data_msg, sizeof(nvz_data_msg));
	assert_int_equal(feed(dec, both, sizeof(both)), 0);
	assert_int_equal(s.records, 1);
	talloc_free(ctx);
}

static void test_data_before_template(void **state)
{
	void *ctx = talloc_new(NULL);
	struct seen s = { 0 };
	struct nvm_decoder *dec = decoder(ctx, &s);
	struct sockaddr_in sin = exporter();
	struct nvm_exporter *e;

	(void)state;
	assert_int_equal(feed(dec, nvz_data_msg, sizeof(nvz_data_msg)), 0);
	assert_int_equal(s.records, 0);
	assert_int_equal(nvm_exporter_get(nvm_decoder_templates(dec), (struct sockaddr *)&sin,
					  sizeof(sin), false, &e), 0);
	assert_int_equal(nvm_exporter_info(e)->cnt.drop_unknown_tmpl, 1);
	s.check = check_flow;
	assert_int_equal(feed(dec, nvz_tmpl_msg, sizeof(nvz_tmpl_msg)), 0);
	assert_int_equal(feed(dec, nvz_data_msg, sizeof(nvz_data_msg)), 0);
	assert_int_equal(s.records, 1);
	talloc_free(ctx);
}

/* every proper prefix is a truncated message: refused whole, nothing delivered */
static void test_every_prefix(void **state)
{
	void *ctx = talloc_new(NULL);
	struct seen s = { 0 };
	struct nvm_decoder *dec = decoder(ctx, &s);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(nvz_tmpl_msg); i++)
		assert_int_equal(feed(dec, nvz_tmpl_msg, i), -EBADMSG);
	assert_int_equal(s.templates, 0);
	assert_int_equal(feed(dec, nvz_tmpl_msg, sizeof(nvz_tmpl_msg)), 0);
	for (i = 0; i < sizeof(nvz_data_msg); i++)
		assert_int_equal(feed(dec, nvz_data_msg, i), -EBADMSG);
	assert_int_equal(s.records, 0);
	talloc_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_templates),
		cmocka_unit_test(test_flow_record),
		cmocka_unit_test(test_endpoint_record),
		cmocka_unit_test(test_stream),
		cmocka_unit_test(test_data_before_template),
		cmocka_unit_test(test_every_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
