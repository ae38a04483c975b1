/* tests/tools/nvm-recv.c: UDP IPFIX receiver on our decoder and store. Runs in: tests, bench. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* recvmmsg */
#endif
/*
 * Usage: nvm-recv -p PORT [-l ADDR] [-d DB] [-j] [-c COUNT] [-i IDLE_S] [-T MAX_S] [-P PIDFILE]
 * Binds ADDR:PORT (default 127.0.0.1), feeds every datagram to nvm_decoder_feed() and, with
 * -d, stores records in the SQLite database DB. -j prints one JSON line per record (named
 * fields by column name, others as "pen/id"). Stops after COUNT records, IDLE_S seconds
 * without a datagram once one arrived (default 2), MAX_S seconds in all (default 120), or
 * SIGTERM. At the end prints to stderr:
 *   nvm-recv: records R datagrams D bad B cpu_s C
 * where C is this process's user+system CPU time from the start of the receive loop on
 * (the final commit included, opening the database not).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/time.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "nvm/ipfix.h"
#include "nvm/store.h"

#define BATCH 64
#define DGRAM_MAX 65536

struct recv_ctx {
	struct nvm_store *store;
	bool json;
	unsigned long records, dgrams, bad;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void put_str(const uint8_t *p, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\')
			printf("\\%c", p[i]);
		else if (p[i] < 0x20 || p[i] >= 0x7f)
			printf("\\u%04x", p[i]);
		else
			putchar(p[i]);
	}
	putchar('"');
}

static void put_hex(const uint8_t *p, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
	putchar('"');
}

static void put_list(const struct nvm_value *v)
{
	const struct nvz_elem *e;
	struct nvm_blist l;
	const uint8_t *p;
	uint16_t len;
	int k = 0;

	if (nvm_blist_open(v, &l) < 0) {
		put_hex(v->p, v->len);
		return;
	}
	e = nvz_lookup(l.pen, l.id);
	putchar('[');
	while (nvm_blist_next(&l, &p, &len) == 1) {
		if (k++)
			putchar(',');
		if (e != NULL && e->kind == NVZ_KIND_STRING)
			put_str(p, len);
		else
			put_hex(p, len);
	}
	putchar(']');
}

static void put_value(const struct nvm_value *v)
{
	char buf[INET6_ADDRSTRLEN];
	uint64_t x;

	switch (v->kind) {
	case NVZ_KIND_UINT:
	case NVZ_KIND_TIME_S:
	case NVZ_KIND_TIME_MS:
		if (nvm_value_uint(v, &x) == 0) {
			printf("%llu", (unsigned long long)x);
			return;
		}
		break;
	case NVZ_KIND_STRING:
		put_str(v->p, v->len);
		return;
	case NVZ_KIND_IPV4:
	case NVZ_KIND_IPV6:
		inet_ntop(v->kind == NVZ_KIND_IPV4 ? AF_INET : AF_INET6, v->p, buf, sizeof(buf));
		printf("\"%s\"", buf);
		return;
	case NVZ_KIND_BASICLIST:
		put_list(v);
		return;
	default:
		break;
	}
	put_hex(v->p, v->len);
}

static void put_record(const struct nvm_record *rec)
{
	const char *name;

	printf("{\"exporter\":\"%s\",\"odid\":%u,\"tid\":%u,\"type\":\"%s\",\"f\":{",
	       rec->exporter->name, rec->odid, rec->tmpl->tid,
	       nvz_rec_type_name((enum nvz_rec_type)rec->tmpl->rec_type));
	for (uint16_t i = 0; i < rec->nvals; i++) {
		const struct nvm_value *v = &rec->v[i];

		name = nvz_col_name((enum nvz_col)v->col);
		if (i)
			putchar(',');
		if (name != NULL)
			printf("\"%s\":", name);
		else
			printf("\"%u/%u\":", v->pen, v->id);
		put_value(v);
	}
	printf("}}\n");
}

static int on_record(void *arg, const struct nvm_record *rec)
{
	struct recv_ctx *c = arg;

	c->records++;
	if (c->json)
		put_record(rec);
	return c->store ? nvm_store_record(c->store, rec) : 0;
}

static int on_template(void *arg, struct nvm_exporter_info *exp, uint32_t odid,
		       const struct nvm_tmpl *t, bool withdrawn)
{
	struct recv_ctx *c = arg;

	return c->store ? nvm_store_template(c->store, exp, odid, t, withdrawn) : 0;
}

static int bind_udp(const char *addr, unsigned port)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	struct sockaddr_in s4 = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct timeval tv = { .tv_usec = 100000 };
	int sz = 32 << 20, fd;

	if (inet_pton(AF_INET, addr, &s4.sin_addr) == 1) {
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && bind(fd, (struct sockaddr *)&s4, sizeof(s4)) == 0)
			goto out;
	} else if (inet_pton(AF_INET6, addr, &s6.sin6_addr) == 1) {
		fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && bind(fd, (struct sockaddr *)&s6, sizeof(s6)) == 0)
			goto out;
	}
	perror("nvm-recv: bind");
	exit(1);
out:
	/* a large buffer: loss should measure us, not the default 200 kB queue */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct rx {
	struct mmsghdr m[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_storage from[BATCH];
	uint8_t *buf;
};

static void rx_init(struct rx *r)
{
	r->buf = malloc((size_t)BATCH * DGRAM_MAX);
	if (r->buf == NULL)
		exit(1);
	for (int i = 0; i < BATCH; i++) {
		r->iov[i] = (struct iovec){ r->buf + (size_t)i * DGRAM_MAX, DGRAM_MAX };
		r->m[i].msg_hdr = (struct msghdr){ .msg_name = &r->from[i], .msg_iov = &r->iov[i],
						   .msg_iovlen = 1 };
	}
}

/* one batch of datagrams into the decoder; 0, or -1 when nothing was waiting */
static int rx_batch(struct rx *r, int fd, struct nvm_decoder *dec, struct recv_ctx *c)
{
	int n;

	for (int i = 0; i < BATCH; i++)
		r->m[i].msg_hdr.msg_namelen = sizeof(r->from[i]);
	/* blocks until one datagram (or the 100 ms SO_RCVTIMEO), then takes what is queued */
	n = recvmmsg(fd, r->m, BATCH, MSG_WAITFORONE, NULL);
	if (n <= 0)
		return -1;
	/*
	 * Below a quarter batch the socket was nearly empty: waiting 2 ms lets datagrams queue
	 * up so the next call takes many per wakeup. Wakeups, not bytes, dominate the receive
	 * cost at tens of thousands of datagrams per second; 2 ms of latency is nothing here.
	 */
	if (n < BATCH / 4)
		nanosleep(&(struct timespec){ .tv_nsec = 2000000 }, NULL);
	for (int i = 0; i < n; i++) {
		c->dgrams++;
		if (nvm_decoder_feed(dec, (struct sockaddr *)&r->from[i],
				     r->m[i].msg_hdr.msg_namelen, r->iov[i].iov_base,
				     r->m[i].msg_len) != 0)
			c->bad++;
	}
	return 0;
}

struct opts {
	const char *addr, *db, *pidfile;
	unsigned port;
	unsigned long count;
	double idle, max_s;
};

static int parse_opts(int argc, char **argv, struct opts *o, struct recv_ctx *c)
{
	int opt;

	*o = (struct opts){ .addr = "127.0.0.1", .idle = 2, .max_s = 120 };
	while ((opt = getopt(argc, argv, "l:p:d:jc:i:T:P:")) != -1) {
		switch (opt) {
		case 'l': o->addr = optarg; break;
		case 'p': o->port = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'd': o->db = optarg; break;
		case 'j': c->json = true; break;
		case 'c': o->count = strtoul(optarg, NULL, 10); break;
		case 'i': o->idle = strtod(optarg, NULL); break;
		case 'T': o->max_s = strtod(optarg, NULL); break;
		case 'P': o->pidfile = optarg; break;
		default: return -EINVAL;
		}
	}
	return o->port == 0 || o->port > 65535 ? -EINVAL : 0;
}

/* receive until a stop condition; the CPU time from the start of the loop is returned */
static double serve(const struct opts *o, int fd, struct nvm_decoder *dec, struct recv_ctx *c)
{
	double t_start = mono_s(), t_last = t_start, cpu0 = cpu_s();
	bool got = false;
	struct rx r;

	rx_init(&r);
	while (!stop && (o->count == 0 || c->records < o->count)) {
		double now = mono_s();

		if (now - t_start > o->max_s || (got && now - t_last > o->idle))
			break;
		if (rx_batch(&r, fd, dec, c) == 0) {
			got = true;
			t_last = now;
			continue;
		}
		if (c->store != NULL)
			nvm_store_tick(c->store, time(NULL));
	}
	if (c->store != NULL)
		nvm_store_flush(c->store);
	free(r.buf);
	return cpu_s() - cpu0;
}

int main(int argc, char **argv)
{
	struct recv_ctx c = { 0 };
	struct nvm_decoder_ops ops = { .on_record = on_record, .on_template = on_template,
				       .arg = &c };
	struct nvm_store_cfg scfg = { 0 };
	struct nvm_decoder *dec;
	struct opts o;
	double cpu;
	int fd;

	if (parse_opts(argc, argv, &o, &c) < 0)
		return 2;
	scfg.path = o.db;
	if (o.db != NULL && nvm_store_open(NULL, &scfg, &c.store) < 0)
		return 1;
	dec = nvm_decoder_new(NULL, NULL, &ops);
	if (c.store != NULL)
		nvm_store_load_templates(c.store, dec, NULL);
	fd = bind_udp(o.addr, o.port);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if (o.pidfile != NULL) {
		FILE *fp = fopen(o.pidfile, "w");	/* written once the socket is bound */

		if (fp != NULL) {
			fprintf(fp, "%d\n", (int)getpid());
			fclose(fp);
		}
	}
	cpu = serve(&o, fd, dec, &c);
	fflush(stdout);
	fprintf(stderr, "nvm-recv: records %lu datagrams %lu bad %lu cpu_s %.3f\n", c.records,
		c.dgrams, c.bad, cpu);
	talloc_free(dec);
	talloc_free(c.store);
	return 0;
}
