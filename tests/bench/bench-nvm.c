/* tests/bench/bench-nvm.c: nvzFlow decode and decode+store throughput. Runs in: benchmark. */
/*
 * Usage: bench-nvm [-n records] [-m modules per flow] [-d db-path] [-b batch records]
 * Generates IPv4 flow records shaped like the real capture's template 267 (the templates are
 * the capture's own), packed two per datagram like NVM, then times
 *   1. decode only (callback counts records), and
 *   2. decode + SQLite store (WAL, synchronous=NORMAL, default batching),
 * and prints records per CPU-second for each (one thread, so per core; I/O wait excluded,
 * which WAL with synchronous=NORMAL keeps small). The database file is deleted afterwards.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nvm/ipfix.h"
#include "nvm/store.h"
#include "../unit/nvz-capture.h"

#define RECS_PER_MSG 2
#define MSG_MAX 8192

struct gen {
	uint8_t *buf;
	size_t *off;		/* start of each message */
	size_t nmsg, len;
};

static void put_var(struct pkt_writer *w, const char *s)
{
	size_t n = strlen(s);

	pkt_put_u8(w, (uint8_t)n);
	pkt_put_bytes(w, s, n);
}

static void put_hash(struct pkt_writer *w, unsigned seed)
{
	unsigned i;

	for (i = 0; i < 8; i++)
		pkt_put_be32(w, seed * 2654435761u + i);
}

static void put_modules(struct pkt_writer *w, unsigned nmod)
{
	char name[32];
	size_t body = 9;
	unsigned i;

	for (i = 0; i < nmod; i++)
		body += 1 + (size_t)snprintf(name, sizeof(name), "module%02u.dll", i);
	pkt_put_u8(w, 255);
	pkt_put_be16(w, (uint16_t)body);
	pkt_put_u8(w, 3);
	pkt_put_be16(w, 0x8000 | 12348);
	pkt_put_be16(w, 0xffff);
	pkt_put_be32(w, 9);
	for (i = 0; i < nmod; i++) {
		snprintf(name, sizeof(name), "module%02u.dll", i);
		put_var(w, name);
	}
	pkt_put_u8(w, 255);
	pkt_put_be16(w, (uint16_t)(9 + 32 * nmod));
	pkt_put_u8(w, 3);
	pkt_put_be16(w, 0x8000 | 12350);
	pkt_put_be16(w, 32);
	pkt_put_be32(w, 9);
	for (i = 0; i < nmod; i++)
		put_hash(w, i);
}

/* one template-267 record; i varies user, ports, process and counters */
static void put_flow(struct pkt_writer *w, unsigned i, unsigned nmod)
{
	static const char *const procs[] = { "chrome.exe", "svchost.exe", "outlook.exe",
					     "teams.exe", "firefox.exe" };
	char user[32];
	unsigned k;

	pkt_put_u8(w, 6);
	pkt_put_be32(w, 0x0a000000u | (i % 65000));
	pkt_put_be16(w, (uint16_t)(1024 + i % 60000));
	pkt_put_be32(w, 0xc6336400u | (i % 250));
	pkt_put_be16(w, 443);
	pkt_put_be32(w, 1700000000u + i / 100);
	pkt_put_be32(w, 1700000001u + i / 100);
	for (k = 0; k < 5; k++)			/* UDID, 20 bytes, 1000 endpoints */
		pkt_put_be32(w, (i % 1000) * 2654435761u + k);
	snprintf(user, sizeof(user), "CORP\\user%u", i % 1000);
	put_var(w, user);
	pkt_put_be16(w, 2);
	put_var(w, user);
	pkt_put_be16(w, 2);
	put_var(w, procs[i % 5]);
	put_hash(w, i % 5);
	put_var(w, "NT AUTHORITY\\SYSTEM");
	pkt_put_be16(w, 2);
	put_var(w, "explorer.exe");
	put_hash(w, 77);
	pkt_put_be32(w, 0);
	pkt_put_be32(w, 1000 + i);
	pkt_put_be32(w, 0);
	pkt_put_be32(w, 200 + i);
	put_var(w, "corp.example");
	put_var(w, "www.example.com");
	pkt_put_be32(w, 6);
	put_modules(w, nmod);
}

static int generate(unsigned n, unsigned nmod, struct gen *g)
{
	size_t nmsg = (n + RECS_PER_MSG - 1) / RECS_PER_MSG, m;
	unsigned i = 0, k;

	g->buf = malloc(nmsg * MSG_MAX);
	g->off = malloc(nmsg * sizeof(size_t));
	if (g->buf == NULL || g->off == NULL)
		return -1;
	g->len = 0;
	for (m = 0; m < nmsg; m++) {
		struct pkt_writer w = PKT_WRITER_INIT(g->buf + g->len, MSG_MAX);

		pkt_put_be16(&w, 10);
		pkt_put_be16(&w, 0);
		pkt_put_be32(&w, 1700000000u);
		pkt_put_be32(&w, i);
		pkt_put_be32(&w, 127);
		pkt_put_be16(&w, 267);
		pkt_put_be16(&w, 0);
		for (k = 0; k < RECS_PER_MSG && i < n; k++, i++)
			put_flow(&w, i, nmod);
		if (w.err)
			return -1;
		w.p[2] = (uint8_t)(w.len >> 8);
		w.p[3] = (uint8_t)w.len;
		w.p[18] = (uint8_t)((w.len - 16) >> 8);
		w.p[19] = (uint8_t)(w.len - 16);
		g->off[m] = g->len;
		g->len += w.len;
	}
	g->nmsg = nmsg;
	return 0;
}

/* CPU time of this process: the machine may be shared, wall time would measure the others */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int count_rec(void *arg, const struct nvm_record *rec)
{
	(void)rec;
	(*(unsigned long *)arg)++;
	return 0;
}

static double run(const struct gen *g, struct nvm_decoder *dec, struct nvm_store *st)
{
	struct sockaddr_in from = { .sin_family = AF_INET, .sin_port = htons(40000) };
	double t0;
	size_t m, len;

	from.sin_addr.s_addr = htonl(0x0a000001);
	nvm_decoder_feed(dec, (struct sockaddr *)&from, sizeof(from), nvz_tmpl_msg,
			 sizeof(nvz_tmpl_msg));
	t0 = now_s();
	for (m = 0; m < g->nmsg; m++) {
		len = (m + 1 < g->nmsg ? g->off[m + 1] : g->len) - g->off[m];
		if (nvm_decoder_feed(dec, (struct sockaddr *)&from, sizeof(from),
				     g->buf + g->off[m], len) != 0) {
			fprintf(stderr, "bench-nvm: message %zu failed\n", m);
			exit(1);
		}
	}
	if (st != NULL)
		nvm_store_flush(st);
	return now_s() - t0;
}

int main(int argc, char **argv)
{
	unsigned n = 200000, nmod = 10;
	const char *db = "/tmp/bench-nvm.db";
	struct nvm_store_cfg scfg = { 0 };
	struct nvm_decoder_ops ops = { 0 };
	unsigned long count = 0;
	struct nvm_store *st;
	struct gen g;
	char side[256];
	double t;
	int opt;

	while ((opt = getopt(argc, argv, "n:m:d:b:")) != -1) {
		if (opt == 'n')
			n = (unsigned)atoi(optarg);
		else if (opt == 'm')
			nmod = (unsigned)atoi(optarg);
		else if (opt == 'd')
			db = optarg;
		else if (opt == 'b')
			scfg.batch_records = (unsigned)atoi(optarg);
		else
			return 2;
	}
	if (n == 0 || nmod > 60 || generate(n, nmod, &g) < 0)
		return 1;
	printf("%u records, %u modules each, %zu datagrams, %.1f MB\n", n, nmod, g.nmsg,
	       (double)g.len / 1e6);

	ops.on_record = count_rec;
	ops.arg = &count;
	t = run(&g, nvm_decoder_new(NULL, NULL, &ops), NULL);
	printf("decode only:    %8.0f records/s (%lu records, %.3f s CPU)\n", count / t, count, t);

	unlink(db);
	scfg.path = db;
	if (nvm_store_open(NULL, &scfg, &st) < 0)
		return 1;
	ops = nvm_store_ops(st);
	t = run(&g, nvm_decoder_new(st, NULL, &ops), st);
	printf("decode + store: %8.0f records/s (%.3f s CPU, db %s)\n", n / t, t, db);
	talloc_free(st);
	unlink(db);
	snprintf(side, sizeof(side), "%s-wal", db);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", db);
	unlink(side);
	free(g.buf);
	free(g.off);
	return 0;
}
