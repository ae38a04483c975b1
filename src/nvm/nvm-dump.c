/* nvm/nvm-dump.c: pcap or raw IPFIX in, one JSON line per record out. Runs in: tools, tests. */
/*
 * Usage: nvm-dump [--store DB] FILE
 * FILE is a pcap (UDP payloads; the IP source is the exporter) or a raw IPFIX message stream
 * (exporter 127.0.0.1:0). Template lines: {"template":...}; record lines: {"record":...}.
 * Used by tests/e2e/nvm-tshark-compare.sh to cross-check against tshark.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nvm/ipfix.h"
#include "nvm/store.h"

#define PCAP_MAGIC_LE 0xd4c3b2a1u
#define PCAP_MAGIC_BE 0xa1b2c3d4u

struct dump {
	struct nvm_store *store;
};

static const char *kind_name(unsigned k)
{
	static const char *const names[] = { "octets", "uint", "string", "ipv4", "ipv6",
					     "time_s", "time_ms", "basic_list", "sub_template" };

	return k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

static void put_hex(const uint8_t *p, size_t n)
{
	size_t i;

	putchar('"');
	for (i = 0; i < n; i++)
		printf("%02x", p[i]);
	putchar('"');
}

static void put_str(const uint8_t *p, size_t n)
{
	size_t i;

	putchar('"');
	for (i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\')
			printf("\\%c", p[i]);
		else if (p[i] < 0x20 || p[i] >= 0x7f)
			printf("\\u%04x", p[i]);
		else
			putchar(p[i]);
	}
	putchar('"');
}

static void put_list(const struct nvm_value *v)
{
	struct nvm_blist l;
	const uint8_t *p;
	uint16_t len;
	bool first = true;

	if (nvm_blist_open(v, &l) < 0)
		return;
	printf(",\"list\":{\"semantic\":%u,\"pen\":%u,\"id\":%u,\"items\":[", l.semantic, l.pen,
	       l.id);
	while (nvm_blist_next(&l, &p, &len) == 1) {
		if (!first)
			putchar(',');
		first = false;
		put_hex(p, len);
	}
	printf("]}");
}

static void put_value(const struct nvm_value *v)
{
	char buf[INET6_ADDRSTRLEN];
	const char *name = nvz_col_name((enum nvz_col)v->col);
	uint64_t x;

	printf("{\"pen\":%u,\"id\":%u,\"len\":%u,\"kind\":\"%s\"", v->pen, v->id, v->len,
	       kind_name(v->kind));
	if (name != NULL)
		printf(",\"name\":\"%s\"", name);
	printf(",\"hex\":");
	put_hex(v->p, v->len);
	if ((v->kind == NVZ_KIND_UINT || v->kind == NVZ_KIND_TIME_S ||
	     v->kind == NVZ_KIND_TIME_MS) && nvm_value_uint(v, &x) == 0)
		printf(",\"value\":%llu", (unsigned long long)x);
	else if (v->kind == NVZ_KIND_STRING) {
		printf(",\"value\":");
		put_str(v->p, v->len);
	} else if ((v->kind == NVZ_KIND_IPV4 || v->kind == NVZ_KIND_IPV6) &&
		   inet_ntop(v->kind == NVZ_KIND_IPV4 ? AF_INET : AF_INET6, v->p, buf, sizeof(buf)))
		printf(",\"value\":\"%s\"", buf);
	else if (v->kind == NVZ_KIND_BASICLIST)
		put_list(v);
	putchar('}');
}

static int on_record(void *arg, const struct nvm_record *rec)
{
	struct dump *d = arg;
	uint16_t i;

	printf("{\"record\":{\"exporter\":\"%s\",\"odid\":%u,\"tid\":%u,\"type\":\"%s\","
	       "\"export_time\":%u,\"fields\":[", rec->exporter->name, rec->odid, rec->tmpl->tid,
	       nvz_rec_type_name((enum nvz_rec_type)rec->tmpl->rec_type), rec->export_time);
	for (i = 0; i < rec->nvals; i++) {
		if (i)
			putchar(',');
		put_value(&rec->v[i]);
	}
	printf("]}}\n");
	return d->store ? nvm_store_record(d->store, rec) : 0;
}

static int on_template(void *arg, struct nvm_exporter_info *exp, uint32_t odid,
		       const struct nvm_tmpl *t, bool withdrawn)
{
	struct dump *d = arg;
	uint16_t i;

	printf("{\"template\":{\"exporter\":\"%s\",\"odid\":%u,\"tid\":%u,\"withdrawn\":%s,"
	       "\"options\":%s,\"fields\":[", exp->name, odid, t->tid, withdrawn ? "true" : "false",
	       t->is_options ? "true" : "false");
	for (i = 0; i < t->nfields; i++)
		printf("%s[%u,%u,%u]", i ? "," : "", t->f[i].pen, t->f[i].id, t->f[i].len);
	printf("]}}\n");
	return d->store ? nvm_store_template(d->store, exp, odid, t, withdrawn) : 0;
}

/* IPv4/IPv6 + UDP inside one pcap record; other packets are skipped */
static void feed_ip(struct nvm_decoder *dec, struct pkt_reader *r)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct pkt_reader udp;
	uint8_t vihl, proto;
	uint16_t sport, ulen;
	socklen_t sl;

	if (pkt_get_u8(r, &vihl) < 0)
		return;
	if ((vihl >> 4) == 4) {
		if (pkt_skip(r, 8) < 0 || pkt_get_u8(r, &proto) < 0 || pkt_skip(r, 2) < 0 ||
		    pkt_copy(r, &sin->sin_addr, 4) < 0 || pkt_skip(r, 4 + ((vihl & 15u) * 4u - 20)) < 0)
			return;
		sin->sin_family = AF_INET;
		sl = sizeof(*sin);
	} else if ((vihl >> 4) == 6) {
		if (pkt_skip(r, 5) < 0 || pkt_get_u8(r, &proto) < 0 || pkt_skip(r, 1) < 0 ||
		    pkt_copy(r, &sin6->sin6_addr, 16) < 0 || pkt_skip(r, 16) < 0)
			return;
		sin6->sin6_family = AF_INET6;
		sl = sizeof(*sin6);
	} else {
		return;
	}
	if (proto != 17 || pkt_get_be16(r, &sport) < 0 || pkt_skip(r, 2) < 0 ||
	    pkt_get_be16(r, &ulen) < 0 || pkt_skip(r, 2) < 0 || ulen < 8 ||
	    pkt_sub(r, ulen - 8u, &udp) < 0)
		return;
	if (ss.ss_family == AF_INET)
		sin->sin_port = htons(sport);
	else
		sin6->sin6_port = htons(sport);
	nvm_decoder_feed(dec, (struct sockaddr *)&ss, sl, udp.p, udp.left);
}

static int feed_pcap(struct nvm_decoder *dec, struct pkt_reader *r)
{
	uint32_t magic, linktype, caplen;
	struct pkt_reader rec;
	bool le;

	if (pkt_get_be32(r, &magic) < 0)
		return -EBADMSG;
	le = magic == PCAP_MAGIC_LE;
	if (pkt_skip(r, 16) < 0 || pkt_get_be32(r, &linktype) < 0)
		return -EBADMSG;
	if (le)
		linktype = __builtin_bswap32(linktype);
	while (!pkt_at_end(r)) {
		if (pkt_skip(r, 8) < 0 || pkt_get_be32(r, &caplen) < 0 || pkt_skip(r, 4) < 0)
			return -EBADMSG;
		if (le)
			caplen = __builtin_bswap32(caplen);
		if (pkt_sub(r, caplen, &rec) < 0)
			return -EBADMSG;
		if (linktype == 1 && pkt_skip(&rec, 14) < 0)	/* Ethernet */
			continue;
		if (linktype == 113 && pkt_skip(&rec, 16) < 0)	/* Linux cooked */
			continue;
		feed_ip(dec, &rec);
	}
	return 0;
}

static uint8_t *read_file(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*ret_len = (size_t)n;
	}
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	TALLOC_CTX *top = talloc_new(NULL);
	struct sockaddr_in lo = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct dump d = { NULL };
	struct nvm_decoder_ops ops = { on_record, on_template, &d };
	struct nvm_store_cfg scfg = { 0 };
	struct nvm_decoder *dec;
	struct pkt_reader r;
	uint32_t magic;
	uint8_t *buf;
	size_t len = 0;
	int argi = 1;

	if (argc >= 4 && strcmp(argv[1], "--store") == 0) {
		scfg.path = argv[2];
		if (nvm_store_open(top, &scfg, &d.store) < 0)
			return 1;
		argi = 3;
	}
	if (argi != argc - 1) {
		fprintf(stderr, "usage: nvm-dump [--store DB] FILE\n");
		return 2;
	}
	dec = nvm_decoder_new(top, NULL, &ops);
	buf = read_file(argv[argi], &len);
	if (dec == NULL || buf == NULL) {
		fprintf(stderr, "nvm-dump: cannot read %s\n", argv[argi]);
		return 1;
	}
	r = (struct pkt_reader)PKT_READER_INIT(buf, len);
	if (pkt_get_be32(&r, &magic) == 0 && (magic == PCAP_MAGIC_LE || magic == PCAP_MAGIC_BE))
		feed_pcap(dec, &(struct pkt_reader)PKT_READER_INIT(buf, len));
	else
		nvm_decoder_feed(dec, (struct sockaddr *)&lo, sizeof(lo), buf, len);
	free(buf);
	talloc_free(top);
	return 0;
}
