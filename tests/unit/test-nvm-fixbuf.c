/* tests/unit/test-nvm-fixbuf.c: our decoder and store on libfixbuf's encoding. Runs in: make check. */
/*
 * tests/tools/nvm-export (libfixbuf) writes nvzFlow-shaped IPv4 and IPv6 flows to a file;
 * every field our decoder hands out must equal the value the exporter was given
 * (tests/tools/nvx-values.h), and the store must give the same back. Exit 77 (skip) when
 * the exporter was built without libfixbuf. NVM_EXPORT overrides the exporter's path.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "nvm/ipfix.h"
#include "nvm/store.h"
#include "../tools/nvx-values.h"

#define NREC 40u

static char tmpdir[64], ipfix_path[96], db_path[96];
static uint8_t *file_buf;
static size_t file_len;

struct seen {
	unsigned n;
};

static void expect_bytes(const struct nvm_record *rec, enum nvz_col col, const void *p,
			 size_t n)
{
	const struct nvm_value *v = rec->named[col];

	assert_non_null(v);
	assert_int_equal(v->len, n);
	assert_memory_equal(v->p, p, n);
}

static void expect_str(const struct nvm_record *rec, enum nvz_col col, const char *s)
{
	const struct nvm_value *v = rec->named[col];

	assert_non_null(v);
	assert_int_equal(v->kind, NVZ_KIND_STRING);
	expect_bytes(rec, col, s, strlen(s));
}

static void expect_uint(const struct nvm_record *rec, enum nvz_col col, uint64_t x)
{
	uint64_t got = 0;

	assert_non_null(rec->named[col]);
	assert_int_equal(nvm_value_uint(rec->named[col], &got), 0);
	assert_true(got == x);
}

static void expect_modules(const struct nvm_record *rec, const struct nvx_flow *f)
{
	struct nvm_blist names, hashes;
	const uint8_t *p;
	uint16_t len;
	unsigned k;

	assert_int_equal(nvm_blist_open(rec->named[NVZ_COL_MODULE_NAMES], &names), 0);
	assert_int_equal(nvm_blist_open(rec->named[NVZ_COL_MODULE_HASHES], &hashes), 0);
	assert_int_equal(names.pen, 9);
	assert_int_equal(names.id, 12348);
	assert_int_equal(hashes.id, 12350);
	assert_int_equal(hashes.elem_len, 32);
	for (k = 0; k < f->nmods; k++) {
		assert_int_equal(nvm_blist_next(&names, &p, &len), 1);
		assert_int_equal(len, strlen(f->mod_name[k]));
		assert_memory_equal(p, f->mod_name[k], len);
		assert_int_equal(nvm_blist_next(&hashes, &p, &len), 1);
		assert_int_equal(len, 32);
		assert_memory_equal(p, f->mod_hash[k], 32);
	}
	assert_int_equal(nvm_blist_next(&names, &p, &len), 0);
	assert_int_equal(nvm_blist_next(&hashes, &p, &len), 0);
}

static int on_record(void *arg, const struct nvm_record *rec)
{
	struct seen *s = arg;
	struct nvx_flow f;
	unsigned alen;

	nvx_flow_values(s->n++, &f);
	alen = f.v6 ? 16 : 4;
	assert_int_equal(rec->odid, NVX_ODID);
	assert_int_equal(rec->tmpl->tid, f.v6 ? NVX_TID_FLOW6 : NVX_TID_FLOW4);
	assert_int_equal(rec->tmpl->rec_type, f.v6 ? NVZ_REC_FLOW6 : NVZ_REC_FLOW4);
	expect_uint(rec, NVZ_COL_PROTOCOL, f.proto);
	expect_bytes(rec, f.v6 ? NVZ_COL_SRC_V6 : NVZ_COL_SRC_V4, f.src, alen);
	expect_bytes(rec, f.v6 ? NVZ_COL_DST_V6 : NVZ_COL_DST_V4, f.dst, alen);
	expect_uint(rec, NVZ_COL_SRC_PORT, f.sport);
	expect_uint(rec, NVZ_COL_DST_PORT, f.dport);
	expect_uint(rec, NVZ_COL_START_S, f.start);
	expect_uint(rec, NVZ_COL_END_S, f.end);
	expect_bytes(rec, NVZ_COL_UDID, f.udid, 20);
	expect_str(rec, NVZ_COL_USER, f.user);
	expect_uint(rec, NVZ_COL_USER_ACCT_TYPE, f.user_type);
	expect_str(rec, NVZ_COL_PROC_ACCOUNT, f.proc_account);
	expect_uint(rec, NVZ_COL_PROC_ACCT_TYPE, f.proc_type);
	expect_str(rec, NVZ_COL_PROC_NAME, f.proc_name);
	expect_bytes(rec, NVZ_COL_PROC_HASH, f.proc_hash, 32);
	expect_str(rec, NVZ_COL_PARENT_ACCOUNT, f.parent_account);
	expect_uint(rec, NVZ_COL_PARENT_ACCT_TYPE, f.parent_type);
	expect_str(rec, NVZ_COL_PARENT_NAME, f.parent_name);
	expect_bytes(rec, NVZ_COL_PARENT_HASH, f.parent_hash, 32);
	expect_uint(rec, NVZ_COL_BYTES_IN, f.bytes_in);
	expect_uint(rec, NVZ_COL_BYTES_OUT, f.bytes_out);
	expect_str(rec, NVZ_COL_DNS_SUFFIX, f.dns_suffix);
	expect_str(rec, NVZ_COL_DEST_HOST, f.dest_host);
	expect_uint(rec, NVZ_COL_IF_UID, f.if_uid);
	expect_modules(rec, &f);
	assert_int_equal(rec->nvals, 25);
	return 0;
}

static void feed_all(struct nvm_decoder *dec)
{
	struct sockaddr_in from = { .sin_family = AF_INET, .sin_port = htons(4739) };

	from.sin_addr.s_addr = htonl(0xc0000205);
	assert_int_equal(nvm_decoder_feed(dec, (struct sockaddr *)&from, sizeof(from), file_buf,
					  file_len), 0);
}

static void test_decode_fields(void **state)
{
	struct seen s = { 0 };
	struct nvm_decoder_ops ops = { .on_record = on_record, .arg = &s };
	struct nvm_decoder *dec = nvm_decoder_new(NULL, NULL, &ops);

	(void)state;
	assert_non_null(dec);
	feed_all(dec);
	assert_int_equal(s.n, NREC);
	talloc_free(dec);
}

struct rows {
	unsigned n;
	bool ok;
};

static int on_row(void *arg, const struct nvm_flow_row *r)
{
	struct rows *rows = arg;
	struct nvx_flow f;
	char a[INET6_ADDRSTRLEN], mods[200] = "[";
	unsigned k;

	nvx_flow_values((unsigned)(r->start_s - 1700000000), &f);
	inet_ntop(f.v6 ? AF_INET6 : AF_INET, f.src, a, sizeof(a));
	for (k = 0; k < f.nmods; k++)
		snprintf(mods + strlen(mods), sizeof(mods) - strlen(mods), "%s\"%s\"",
			 k ? "," : "", f.mod_name[k]);
	strcat(mods, "]");
	rows->n++;
	rows->ok = rows->ok && r->family == (f.v6 ? 6 : 4) && strcmp(r->src_addr, a) == 0 &&
		   strcmp(r->user, f.user) == 0 && strcmp(r->dest_host, f.dest_host) == 0 &&
		   strcmp(r->proc_name, f.proc_name) == 0 && r->bytes_in == (int64_t)f.bytes_in &&
		   r->bytes_out == (int64_t)f.bytes_out && r->dst_port == f.dport &&
		   strcmp(r->modules, mods) == 0;
	return 0;
}

static void test_store_roundtrip(void **state)
{
	struct nvm_store_cfg cfg = { .path = db_path };
	struct rows rows = { .ok = true };
	struct nvm_decoder_ops ops;
	struct nvm_decoder *dec;
	struct nvm_store *st;
	struct nvx_flow f;

	(void)state;
	assert_int_equal(nvm_store_open(NULL, &cfg, &st), 0);
	ops = nvm_store_ops(st);
	dec = nvm_decoder_new(st, NULL, &ops);
	feed_all(dec);
	assert_int_equal(nvm_store_query_flows(st, NULL, 0, INT64_MAX, 0, on_row, &rows), 0);
	assert_int_equal(rows.n, NREC);
	assert_true(rows.ok);
	nvx_flow_values(10, &f);		/* a 300-byte user name */
	rows = (struct rows){ .ok = true };
	assert_int_equal(nvm_store_query_flows(st, f.user, 0, INT64_MAX, 0, on_row, &rows), 0);
	assert_int_equal(rows.n, 1);
	assert_true(rows.ok);
	talloc_free(st);
}

static int run_exporter(void)
{
	const char *exe = getenv("NVM_EXPORT") ? getenv("NVM_EXPORT") : "tests/tools/nvm-export";
	char cmd[512];
	int st;

	snprintf(cmd, sizeof(cmd), "%s -o %s -n %u -k 3", exe, ipfix_path, NREC);
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int load_file(void)
{
	FILE *fp = fopen(ipfix_path, "rb");
	struct stat sb;

	if (fp == NULL || fstat(fileno(fp), &sb) < 0)
		return -1;
	file_len = (size_t)sb.st_size;
	file_buf = malloc(file_len + 1);
	if (file_buf == NULL || fread(file_buf, 1, file_len, fp) != file_len)
		return -1;
	fclose(fp);
	return 0;
}

static void cleanup(void)
{
	char p[128];

	unlink(ipfix_path);
	unlink(db_path);
	snprintf(p, sizeof(p), "%s-wal", db_path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", db_path);
	unlink(p);
	rmdir(tmpdir);
	free(file_buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_fields),
		cmocka_unit_test(test_store_roundtrip),
	};
	int rc;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test-nvm-fixbuf.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return 1;
	snprintf(ipfix_path, sizeof(ipfix_path), "%s/flows.ipfix", tmpdir);
	snprintf(db_path, sizeof(db_path), "%s/nvm.db", tmpdir);
	rc = run_exporter();
	if (rc != 0 || load_file() < 0) {
		fprintf(stderr, rc == 77 ? "skip: no libfixbuf\n" : "nvm-export failed (%d)\n",
			rc);
		cleanup();
		return rc == 77 ? 77 : 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	cleanup();
	return rc;
}
