/* tests/bench/bench-lzs.c: LZS vs LZ4 ratio and per-core speed on 1400-byte packets. Runs in: developer shell. */
/*
 * Not a test: prints a table and always exits 0 unless a round trip fails. "best" is the
 * ratio of an exhaustive optimal parse (every offset in the window, every length), the
 * ceiling any LZS encoder can reach; "of best" says how close lzs_compress() gets.
 * Usage: bench-lzs [seconds-per-measurement, default 1.0]
 */
#include <errno.h>
#include <lz4.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compress/lzs.h"

#define PKT_LEN 1400
#define NPKT 512
#define REF_PKTS 64 /* packets run through the slow optimal parser */
#define NKIND 3
#define CHUNK 16 /* packets per timed pass */

enum codec { CODEC_LZS, CODEC_LZ4 };

struct corpus {
	const char *name;
	uint8_t *raw; /* NPKT packets of PKT_LEN */
	uint8_t *comp; /* NPKT slots of CAP bytes */
	int comp_len[NPKT];
	size_t cap; /* output capacity per packet */
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

/* Words drawn with a Zipf-like skew, with spaces, punctuation, numbers and newlines. */
static void gen_prose(uint8_t *p, size_t n)
{
	static const char *const words[] = {
		"the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "with", "was",
		"on", "be", "by", "this", "are", "from", "at", "or", "an", "have", "not", "which",
		"server", "client", "packet", "tunnel", "network", "address", "connection",
		"session", "compression", "window", "offset", "length", "encrypted", "response",
		"request", "user", "password", "config", "value", "timestamp", "error", "warning",
		"route", "gateway", "interface", "because", "between", "through", "without",
	};
	const size_t nw = sizeof(words) / sizeof(words[0]);
	size_t i = 0;

	while (i < n) {
		uint32_t r = rng();
		size_t w = (size_t)((r % nw) * (r % nw + 1) / (nw + 1)) % nw; /* skew to the front */
		const char *s = words[w];

		for (size_t k = 0; s[k] != '\0' && i < n; k++)
			p[i++] = (uint8_t)s[k];
		if (i < n)
			p[i++] = (uint8_t)(r % 17 == 0 ? '\n' : r % 11 == 0 ? ',' : ' ');
	}
}

/* One line of protocol text as it crosses a tunnel: HTTP, JSON, syslog, HTML. */
static int text_line(char *line, size_t sz)
{
	unsigned a = rng() % 60, b = rng() % 60, c = rng() % 40000, d = rng() % 256;

	switch (rng() % 5) {
	case 0:
		return snprintf(line, sz, "GET /api/v2/items/%u?page=%u HTTP/1.1\r\n"
				"Host: intranet.example.com\r\nAccept: application/json\r\n"
				"User-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\n\r\n", c, a);
	case 1:
		return snprintf(line, sz, "HTTP/1.1 200 OK\r\n"
				"Content-Type: application/json; charset=utf-8\r\n"
				"Content-Length: %u\r\nCache-Control: no-cache\r\n"
				"X-Request-Id: %u\r\n\r\n", c, d);
	case 2:
		return snprintf(line, sz, "{\"id\": %u, \"name\": \"item-%u\", "
				"\"status\": \"active\", \"tags\": [\"vpn\"]},\n", c, d);
	case 3:
		return snprintf(line, sz, "Dec  2 01:%02u:%02u gw1 sshd[%u]: Accepted publickey "
				"for admin from 10.0.%u.7\n", a, b, c, d);
	default:
		return snprintf(line, sz, "<tr><td class=\"name\">host-%u</td>"
				"<td class=\"addr\">192.168.%u.1</td></tr>\n", c, d);
	}
}

static void gen_text(uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		char line[256];
		int l = text_line(line, sizeof(line));

		for (int k = 0; k < l && i < n; k++)
			p[i++] = (uint8_t)line[k];
	}
}

static void gen_random(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rng();
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static unsigned len_bits(size_t len)
{
	return len < 5 ? 2 : len < 8 ? 4 : 8 + 4 * (unsigned)((len - 8) / 15);
}

/* Exact minimum LZS size of one packet: dynamic programming over all tokens. */
static size_t lzs_optimal_len(const uint8_t *in, size_t n)
{
	static size_t run[LZS_WINDOW]; /* run[d]: match length at i with offset d */
	static size_t cost[PKT_LEN + 1];

	memset(run, 0, sizeof(run));
	cost[n] = 0;
	for (size_t i = n; i-- > 0;) {
		size_t best_short = 0, best_long = 0;

		for (size_t d = 1; d < LZS_WINDOW && d <= i; d++) {
			run[d] = in[i] == in[i - d] ? run[d] + 1 : 0;
			if (run[d] > best_long)
				best_long = run[d];
			if (d < 128 && run[d] > best_short)
				best_short = run[d];
		}
		cost[i] = 9 + cost[i + 1];
		for (size_t l = 2; l <= best_long; l++) {
			size_t c = (l <= best_short ? 9 : 13) + len_bits(l) + cost[i + l];

			if (c < cost[i])
				cost[i] = c;
		}
	}
	return (cost[0] + 9 + 7) / 8;
}

static int do_compress(enum codec c, const uint8_t *in, uint8_t *out, size_t cap)
{
	if (c == CODEC_LZS)
		return lzs_compress(in, PKT_LEN, out, cap);
	return LZ4_compress_default((const char *)in, (char *)out, PKT_LEN, (int)cap);
}

static int do_decompress(enum codec c, const uint8_t *in, int len, uint8_t *out)
{
	if (c == CODEC_LZS)
		return lzs_decompress(in, (size_t)len, out, PKT_LEN);
	return LZ4_decompress_safe((const char *)in, (char *)out, len, PKT_LEN);
}

/* Compresses the corpus once; returns the ratio (input / output), or 0 on failure. */
static double fill(struct corpus *k, enum codec c)
{
	size_t tot = 0;
	uint8_t back[PKT_LEN];

	for (int i = 0; i < NPKT; i++) {
		uint8_t *dst = k->comp + (size_t)i * k->cap;

		k->comp_len[i] = do_compress(c, k->raw + (size_t)i * PKT_LEN, dst, k->cap);
		if (k->comp_len[i] <= 0)
			return 0;
		if (do_decompress(c, dst, k->comp_len[i], back) != PKT_LEN ||
		    memcmp(back, k->raw + (size_t)i * PKT_LEN, PKT_LEN) != 0) {
			fprintf(stderr, "round trip failed (%s, packet %d)\n", k->name, i);
			exit(1);
		}
		tot += (size_t)k->comp_len[i];
	}
	return (double)NPKT * PKT_LEN / (double)tot;
}

/* One timed pass over packets [from, from + CHUNK). */
static double pass(struct corpus *k, enum codec c, bool comp, int from, size_t cap)
{
	static uint8_t scratch[2 * PKT_LEN + 64];
	volatile int sink = 0;
	double t = now();

	for (int i = from; i < from + CHUNK; i++) {
		if (comp)
			sink += do_compress(c, k->raw + (size_t)i * PKT_LEN, scratch, cap);
		else
			sink += do_decompress(c, k->comp + (size_t)i * k->cap, k->comp_len[i],
					      scratch);
	}
	(void)sink;
	return now() - t;
}

/* MB/s of uncompressed bytes per core for one direction. Each chunk of packets counts
 * with its fastest pass, which filters out the noise of a busy, shared machine. */
static double speed(struct corpus *k, enum codec c, bool comp, size_t cap, double secs)
{
	double total = 0;

	for (int from = 0; from < NPKT; from += CHUNK) {
		double t0 = now(), best = 1e9;
		int reps = 0;

		while (reps++ < 5 || now() - t0 < secs * CHUNK / NPKT) {
			double t = pass(k, c, comp, from, cap);

			if (t < best)
				best = t;
		}
		total += best;
	}
	return (double)NPKT * PKT_LEN / total / 1e6;
}

static void row(struct corpus *k, double secs)
{
	double r_lzs = fill(k, CODEC_LZS), c_lzs, d_lzs, r_lz4, c_lz4, d_lz4;
	size_t opt = 0, ours = 0;

	for (int i = 0; i < REF_PKTS; i++) {
		opt += lzs_optimal_len(k->raw + (size_t)i * PKT_LEN, PKT_LEN);
		ours += (size_t)k->comp_len[i];
	}
	c_lzs = speed(k, CODEC_LZS, true, k->cap, secs);
	d_lzs = speed(k, CODEC_LZS, false, k->cap, secs);
	r_lz4 = fill(k, CODEC_LZ4);
	c_lz4 = speed(k, CODEC_LZ4, true, k->cap, secs);
	d_lz4 = speed(k, CODEC_LZ4, false, k->cap, secs);
	printf("%-10s | %5.3f %5.3f %6.2f%% | %7.0f %7.0f | %5.3f | %7.0f %7.0f\n", k->name,
	       r_lzs, (double)REF_PKTS * PKT_LEN / (double)opt, 100.0 * (double)opt / (double)ours,
	       c_lzs, d_lzs, r_lz4, c_lz4, d_lz4);
}

/* Speed of the common give-up path: output capped at the input length. */
static void row_capped(struct corpus *k, double secs)
{
	printf("%-10s | compress with out_len = in_len (gives up): lzs %.0f MB/s, lz4 %.0f MB/s\n",
	       k->name, speed(k, CODEC_LZS, true, PKT_LEN, secs),
	       speed(k, CODEC_LZ4, true, PKT_LEN, secs));
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 1.0;
	struct corpus kinds[NKIND] = { { .name = "text-like" }, { .name = "prose" },
				       { .name = "random" } };
	void (*const gen[NKIND])(uint8_t *, size_t) = { gen_text, gen_prose, gen_random };
	size_t cap = (size_t)LZ4_compressBound(PKT_LEN);

	if (cap < LZS_COMPRESS_BOUND(PKT_LEN))
		cap = LZS_COMPRESS_BOUND(PKT_LEN);
	if (secs <= 0)
		secs = 1.0;
	for (int k = 0; k < NKIND; k++) {
		kinds[k].raw = malloc((size_t)NPKT * PKT_LEN);
		kinds[k].comp = malloc((size_t)NPKT * cap);
		kinds[k].cap = cap;
		if (kinds[k].raw == NULL || kinds[k].comp == NULL)
			return 1;
		for (int i = 0; i < NPKT; i++)
			gen[k](kinds[k].raw + (size_t)i * PKT_LEN, PKT_LEN);
	}
	printf("%d packets of %d bytes, %.1f s per measurement, MB/s of uncompressed data, 1 core;\n"
	       "ratio = in/out; best = optimal LZS parse; of best = our size vs optimal\n",
	       NPKT, PKT_LEN, secs);
	printf("%-10s | %5s %5s %7s | %7s %7s | %5s | %7s %7s\n", "data", "LZS", "best",
	       "of best", "comp", "decomp", "LZ4", "comp", "decomp");
	printf("-----------+---------------------+-----------------+-------+----------------\n");
	for (int k = 0; k < NKIND; k++)
		row(&kinds[k], secs);
	row_capped(&kinds[NKIND - 1], secs);
	for (int k = 0; k < NKIND; k++) {
		free(kinds[k].raw);
		free(kinds[k].comp);
	}
	return 0;
}
