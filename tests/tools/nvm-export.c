/* tests/tools/nvm-export.c: nvzFlow-shaped IPFIX exporter built on libfixbuf. Runs in: tests, bench. */
/*
 * A second, independent encoder for our decoder's tests: libfixbuf (CERT NetSA) builds the
 * templates and records, including PEN 9 elements, variable-length strings and RFC 6313
 * basicLists, from the values in nvx-values.h.
 *
 * Usage: nvm-export -o FILE [-n N] [-k RECS_PER_MSG]
 *        nvm-export -h HOST -p PORT [-n N] [-k RECS_PER_MSG] [-r RECORDS_PER_SEC] [-R REPEAT]
 * With -o the IPFIX messages are written back to back to FILE. With -h/-p they are built
 * in memory first (so encoding costs nothing during the run), then sent one datagram per
 * message, paced to -r records/s (0 = as fast as possible), the whole stream -R times
 * (template message included each time). Prints "sent N records in M datagrams" at the end.
 * Without libfixbuf at build time the program exits 77 (skip).
 */
#if defined(__has_include)
/* glib.h is only on the include path when pkg-config found libfixbuf */
#if __has_include(<fixbuf/public.h>) && __has_include(<glib.h>)
#define HAVE_FIXBUF 1
#endif
#endif

#include <stdio.h>
#include <stdlib.h>

#ifndef HAVE_FIXBUF
int main(void)
{
	fprintf(stderr, "nvm-export: built without libfixbuf\n");
	return 77;
}
#else

#include <errno.h>
#include <netdb.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <fixbuf/public.h>

#include "nvx-values.h"

#define EP 9u

static fbInfoElement_t nvz_elements[] = {
	FB_IE_INIT_FULL("nvzUdid", EP, 12332, 20, 0, 0, 0, FB_OCTET_ARRAY, NULL),
	FB_IE_INIT_FULL("nvzLoggedInUser", EP, 12333, FB_IE_VARLEN, 0, 0, 0, FB_STRING, NULL),
	FB_IE_INIT_FULL("nvzProcessAccount", EP, 12338, FB_IE_VARLEN, 0, 0, 0, FB_STRING, NULL),
	FB_IE_INIT_FULL("nvzParentAccount", EP, 12339, FB_IE_VARLEN, 0, 0, 0, FB_STRING, NULL),
	FB_IE_INIT_FULL("nvzProcessName", EP, 12340, FB_IE_VARLEN, 0, 0, 0, FB_STRING, NULL),
	FB_IE_INIT_FULL("nvzProcessHash", EP, 12341, 32, 0, 0, 0, FB_OCTET_ARRAY, NULL),
	FB_IE_INIT_FULL("nvzParentName", EP, 12342, FB_IE_VARLEN, 0, 0, 0, FB_STRING, NULL),
	FB_IE_INIT_FULL("nvzParentHash", EP, 12343, 32, 0, 0, 0, FB_OCTET_ARRAY, NULL),
	FB_IE_INIT_FULL("nvzDnsSuffix", EP, 12344, FB_IE_VARLEN, 0, 0, 0, FB_STRING, NULL),
	FB_IE_INIT_FULL("nvzDestHost", EP, 12345, FB_IE_VARLEN, 0, 0, 0, FB_STRING, NULL),
	FB_IE_INIT_FULL("nvzBytesIn", EP, 12346, 8, FB_IE_F_ENDIAN, 0, 0, FB_UINT_64, NULL),
	FB_IE_INIT_FULL("nvzBytesOut", EP, 12347, 8, FB_IE_F_ENDIAN, 0, 0, FB_UINT_64, NULL),
	FB_IE_INIT_FULL("nvzModuleName", EP, 12348, FB_IE_VARLEN, 0, 0, 0, FB_STRING, NULL),
	FB_IE_INIT_FULL("nvzModuleHash", EP, 12350, 32, 0, 0, 0, FB_OCTET_ARRAY, NULL),
	FB_IE_INIT_FULL("nvzModuleNameList", EP, 12352, FB_IE_VARLEN, 0, 0, 0, FB_BASIC_LIST,
			NULL),
	FB_IE_INIT_FULL("nvzModuleHashList", EP, 12353, FB_IE_VARLEN, 0, 0, 0, FB_BASIC_LIST,
			NULL),
	FB_IE_INIT_FULL("nvzInterfaceUid", EP, 12355, 4, FB_IE_F_ENDIAN, 0, 0, FB_UINT_32, NULL),
	FB_IE_INIT_FULL("nvzUserAcctType", EP, 12361, 2, FB_IE_F_ENDIAN, 0, 0, FB_UINT_16, NULL),
	FB_IE_INIT_FULL("nvzProcAcctType", EP, 12362, 2, FB_IE_F_ENDIAN, 0, 0, FB_UINT_16, NULL),
	FB_IE_INIT_FULL("nvzParentAcctType", EP, 12363, 2, FB_IE_F_ENDIAN, 0, 0, FB_UINT_16,
			NULL),
	FB_IE_NULL
};

/* the in-memory record: no gaps between members, so no paddingOctets are needed */
struct xrec {
	fbVarfield_t user, proc_account, proc_name, parent_account, parent_name, dns_suffix,
		     dest_host;
	fbBasicList_t mod_names, mod_hashes;
	uint64_t bytes_in, bytes_out;
	uint32_t start, end, if_uid;
	uint16_t sport, dport, user_type, proc_type, parent_type;
	uint8_t proto;
	uint8_t udid[20], proc_hash[32], parent_hash[32];
	uint8_t addr[32];	/* v4: src, dst (4 each); v6: src, dst (16 each) */
};

_Static_assert(offsetof(struct xrec, bytes_in) == 7 * sizeof(fbVarfield_t) +
	       2 * sizeof(fbBasicList_t), "no gap before bytes_in");
_Static_assert(offsetof(struct xrec, addr) == offsetof(struct xrec, proto) + 85, "no gap");

#define SPEC_V4 1u
#define SPEC_V6 2u

/* internal template: the order of struct xrec */
static fbInfoElementSpec_t spec_internal[] = {
	{ "nvzLoggedInUser", 0, 0 }, { "nvzProcessAccount", 0, 0 }, { "nvzProcessName", 0, 0 },
	{ "nvzParentAccount", 0, 0 }, { "nvzParentName", 0, 0 }, { "nvzDnsSuffix", 0, 0 },
	{ "nvzDestHost", 0, 0 }, { "nvzModuleNameList", 0, 0 }, { "nvzModuleHashList", 0, 0 },
	{ "nvzBytesIn", 8, 0 }, { "nvzBytesOut", 8, 0 }, { "flowStartSeconds", 4, 0 },
	{ "flowEndSeconds", 4, 0 }, { "nvzInterfaceUid", 4, 0 },
	{ "sourceTransportPort", 2, 0 }, { "destinationTransportPort", 2, 0 },
	{ "nvzUserAcctType", 2, 0 }, { "nvzProcAcctType", 2, 0 }, { "nvzParentAcctType", 2, 0 },
	{ "protocolIdentifier", 1, 0 }, { "nvzUdid", 20, 0 }, { "nvzProcessHash", 32, 0 },
	{ "nvzParentHash", 32, 0 },
	{ "sourceIPv4Address", 4, SPEC_V4 }, { "destinationIPv4Address", 4, SPEC_V4 },
	{ "sourceIPv6Address", 16, SPEC_V6 }, { "destinationIPv6Address", 16, SPEC_V6 },
	FB_IESPEC_NULL
};

/* on the wire: the field order of NVM's templates 267/268 */
static fbInfoElementSpec_t spec_external[] = {
	{ "protocolIdentifier", 0, 0 },
	{ "sourceIPv4Address", 0, SPEC_V4 }, { "sourceIPv6Address", 0, SPEC_V6 },
	{ "sourceTransportPort", 0, 0 },
	{ "destinationIPv4Address", 0, SPEC_V4 }, { "destinationIPv6Address", 0, SPEC_V6 },
	{ "destinationTransportPort", 0, 0 }, { "flowStartSeconds", 0, 0 },
	{ "flowEndSeconds", 0, 0 }, { "nvzUdid", 0, 0 }, { "nvzLoggedInUser", 0, 0 },
	{ "nvzUserAcctType", 0, 0 }, { "nvzProcessAccount", 0, 0 }, { "nvzProcAcctType", 0, 0 },
	{ "nvzProcessName", 0, 0 }, { "nvzProcessHash", 0, 0 }, { "nvzParentAccount", 0, 0 },
	{ "nvzParentAcctType", 0, 0 }, { "nvzParentName", 0, 0 }, { "nvzParentHash", 0, 0 },
	{ "nvzBytesIn", 0, 0 }, { "nvzBytesOut", 0, 0 }, { "nvzDnsSuffix", 0, 0 },
	{ "nvzDestHost", 0, 0 }, { "nvzInterfaceUid", 0, 0 }, { "nvzModuleNameList", 0, 0 },
	{ "nvzModuleHashList", 0, 0 },
	FB_IESPEC_NULL
};

struct exporter {
	fbInfoModel_t *model;
	fBuf_t *fbuf;
	const fbInfoElement_t *ie_mod_name, *ie_mod_hash;
};

static void die_err(const char *what, GError *err)
{
	fprintf(stderr, "nvm-export: %s: %s\n", what, err ? err->message : "failed");
	exit(1);
}

static void add_tmpl(fbSession_t *s, fbInfoModel_t *m, fbInfoElementSpec_t *spec,
		     uint32_t flags, bool internal, uint16_t tid)
{
	fbTemplate_t *t = fbTemplateAlloc(m);
	GError *err = NULL;

	if (!fbTemplateAppendSpecArray(t, spec, flags, &err))
		die_err("template", err);
	if (fbSessionAddTemplate(s, internal, tid, t, &err) == 0)
		die_err("add template", err);
}

static void exporter_open(struct exporter *x, const char *path)
{
	fbSession_t *s;
	GError *err = NULL;

	x->model = fbInfoModelAlloc();
	fbInfoModelAddElementArray(x->model, nvz_elements);
	x->ie_mod_name = fbInfoModelGetElementByName(x->model, "nvzModuleName");
	x->ie_mod_hash = fbInfoModelGetElementByName(x->model, "nvzModuleHash");
	s = fbSessionAlloc(x->model);
	fbSessionSetDomain(s, NVX_ODID);
	/* internal IDs 1000+ never go on the wire; external ones are NVM's */
	add_tmpl(s, x->model, spec_internal, SPEC_V4, true, 1000 + NVX_TID_FLOW4);
	add_tmpl(s, x->model, spec_internal, SPEC_V6, true, 1000 + NVX_TID_FLOW6);
	add_tmpl(s, x->model, spec_external, SPEC_V4, false, NVX_TID_FLOW4);
	add_tmpl(s, x->model, spec_external, SPEC_V6, false, NVX_TID_FLOW6);
	x->fbuf = fBufAllocForExport(s, fbExporterAllocFile(path));
	if (!fbSessionExportTemplates(s, &err) || !fBufEmit(x->fbuf, &err))
		die_err("export templates", err);
}

static void set_var(fbVarfield_t *v, char *s)
{
	v->buf = (uint8_t *)s;
	v->len = strlen(s);
}

static void fill(struct exporter *x, const struct nvx_flow *f, struct nvx_flow *keep,
		 struct xrec *r)
{
	unsigned k;
	uint8_t *names, *hashes;

	*keep = *f;		/* the varfields point into it until fBufAppend */
	memset(r, 0, sizeof(*r));
	set_var(&r->user, keep->user);
	set_var(&r->proc_account, keep->proc_account);
	set_var(&r->proc_name, keep->proc_name);
	set_var(&r->parent_account, keep->parent_account);
	set_var(&r->parent_name, keep->parent_name);
	set_var(&r->dns_suffix, keep->dns_suffix);
	set_var(&r->dest_host, keep->dest_host);
	names = fbBasicListInit(&r->mod_names, 3, x->ie_mod_name, (uint16_t)f->nmods);
	hashes = fbBasicListInit(&r->mod_hashes, 3, x->ie_mod_hash, (uint16_t)f->nmods);
	for (k = 0; k < f->nmods; k++) {
		set_var((fbVarfield_t *)names + k, keep->mod_name[k]);
		memcpy(hashes + 32 * k, f->mod_hash[k], 32);
	}
	r->bytes_in = f->bytes_in;
	r->bytes_out = f->bytes_out;
	r->start = f->start;
	r->end = f->end;
	r->if_uid = f->if_uid;
	r->sport = f->sport;
	r->dport = f->dport;
	r->user_type = f->user_type;
	r->proc_type = f->proc_type;
	r->parent_type = f->parent_type;
	r->proto = f->proto;
	memcpy(r->udid, f->udid, 20);
	memcpy(r->proc_hash, f->proc_hash, 32);
	memcpy(r->parent_hash, f->parent_hash, 32);
	/* IPv4 addresses are host-order integers inside fixbuf (the element is endian) */
	if (f->v6) {
		memcpy(r->addr, f->src, 16);
		memcpy(r->addr + 16, f->dst, 16);
	} else {
		uint32_t s4 = (uint32_t)f->src[0] << 24 | f->src[1] << 16 | f->src[2] << 8 |
			      f->src[3];
		uint32_t d4 = (uint32_t)f->dst[0] << 24 | f->dst[1] << 16 | f->dst[2] << 8 |
			      f->dst[3];

		memcpy(r->addr, &s4, 4);
		memcpy(r->addr + 4, &d4, 4);
	}
}

static void export_records(struct exporter *x, unsigned n, unsigned per_msg)
{
	struct nvx_flow f, keep;
	struct xrec r;
	GError *err = NULL;
	unsigned i;

	for (i = 0; i < n; i++) {
		uint16_t tid;

		nvx_flow_values(i, &f);
		fill(x, &f, &keep, &r);
		tid = f.v6 ? NVX_TID_FLOW6 : NVX_TID_FLOW4;
		if (!fBufSetInternalTemplate(x->fbuf, 1000 + tid, &err) ||
		    !fBufSetExportTemplate(x->fbuf, tid, &err) ||
		    !fBufAppend(x->fbuf, (uint8_t *)&r, offsetof(struct xrec, addr) +
				(f.v6 ? 32 : 8), &err))
			die_err("append", err);
		fbBasicListClear(&r.mod_names);
		fbBasicListClear(&r.mod_hashes);
		if ((i + 1) % per_msg == 0 && !fBufEmit(x->fbuf, &err))
			die_err("emit", err);
	}
	if (!fBufEmit(x->fbuf, &err))
		die_err("emit", err);
}

/* the file written above, one datagram per IPFIX message */
static uint8_t *load(const char *path, size_t *ret_len)
{
	FILE *fp = fopen(path, "rb");
	struct stat sb;
	uint8_t *b;

	if (fp == NULL || fstat(fileno(fp), &sb) < 0 || (b = malloc((size_t)sb.st_size + 1)) ==
	    NULL || fread(b, 1, (size_t)sb.st_size, fp) != (size_t)sb.st_size) {
		perror(path);
		exit(1);
	}
	fclose(fp);
	*ret_len = (size_t)sb.st_size;
	return b;
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int udp_connect(const char *host, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *ai;
	int fd, sz = 4 << 20;

	if (getaddrinfo(host, port, &hints, &ai) != 0) {
		fprintf(stderr, "nvm-export: cannot resolve %s:%s\n", host, port);
		exit(1);
	}
	fd = socket(ai->ai_family, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		perror("nvm-export: socket");
		exit(1);
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	freeaddrinfo(ai);
	return fd;
}

/* records in one message: the set header follows the 16-byte message header */
static unsigned msg_records(const uint8_t *m, unsigned per_msg)
{
	return (m[16] << 8 | m[17]) >= 256 ? per_msg : 0;
}

static void send_file(const char *path, const char *host, const char *port, unsigned n,
		      unsigned per_msg, double rate, unsigned repeat)
{
	size_t len, off;
	uint8_t *b = load(path, &len);
	int fd = udp_connect(host, port);
	unsigned long recs = 0, dgrams = 0, rep;
	double t0 = mono();

	for (rep = 0; rep < repeat; rep++) {
		for (off = 0; off + 16 <= len;) {
			size_t mlen = (size_t)(b[off + 2] << 8 | b[off + 3]);

			if (mlen < 16 || off + mlen > len)
				break;
			/* ahead of schedule: sleep 1 ms, then send what is due as a burst (a
			 * busy wait would take a core from the collector being measured) */
			while (rate > 0 && (double)recs > (mono() - t0) * rate)
				usleep(1000);
			if (send(fd, b + off, mlen, 0) < 0 && errno != ECONNREFUSED)
				perror("nvm-export: send");
			if (off == 0)
				usleep(20000);	/* let the collector install templates */
			recs += msg_records(b + off, per_msg);
			dgrams++;
			off += mlen;
		}
	}
	if (recs > (unsigned long)n * repeat)
		recs = (unsigned long)n * repeat;
	printf("sent %lu records in %lu datagrams in %.3f s\n", recs, dgrams, mono() - t0);
	close(fd);
	free(b);
}

int main(int argc, char **argv)
{
	const char *out = NULL, *host = NULL, *port = NULL;
	unsigned n = 20, per_msg = 2, repeat = 1;
	char tmp[] = "/tmp/nvm-export.XXXXXX";
	struct exporter x;
	double rate = 0;
	int opt;

	while ((opt = getopt(argc, argv, "o:h:p:n:k:r:R:")) != -1) {
		switch (opt) {
		case 'o': out = optarg; break;
		case 'h': host = optarg; break;
		case 'p': port = optarg; break;
		case 'n': n = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'k': per_msg = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'r': rate = strtod(optarg, NULL); break;
		case 'R': repeat = (unsigned)strtoul(optarg, NULL, 10); break;
		default: return 2;
		}
	}
	if ((out == NULL) == (host == NULL || port == NULL) || per_msg == 0 || per_msg > 30) {
		fprintf(stderr, "usage: nvm-export -o FILE | -h HOST -p PORT [-n N] [-k K]"
			" [-r RATE] [-R REPEAT]\n");
		return 2;
	}
	if (out == NULL) {
		int fd = mkstemp(tmp);

		if (fd < 0)
			return 1;
		close(fd);
	}
	exporter_open(&x, out ? out : tmp);
	export_records(&x, n, per_msg);
	fBufFree(x.fbuf);	/* flushes and closes the file */
	fbInfoModelFree(x.model);
	if (out == NULL) {
		send_file(tmp, host, port, n, per_msg, rate, repeat);
		unlink(tmp);
	}
	return 0;
}
#endif /* HAVE_FIXBUF */
