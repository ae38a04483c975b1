/* tests/e2e/nvm-send.c: replay an .ipfix file (or bad input) to a collector over UDP or DTLS. Runs in: e2e tests. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <gnutls/dtls.h>
#include <gnutls/gnutls.h>

struct opts {
	const char *cert, *key, *ca, *bind, *sport, *mode;
	bool dtls;
	unsigned count, usec;
};

struct sender {
	int fd;
	gnutls_session_t s;     /* NULL: plain UDP */
	unsigned sent;
};

static void usage(void)
{
	fprintf(stderr,
		"usage: nvm-send [-d] [-c CERT -k KEY] [-a CA] [-b SRC] [-m MODE] [-n N] [-i USEC]"
		" HOST PORT [FILE]\n"
		"  -d       DTLS (client certificate -c/-k, server checked against -a)\n"
		"  MODE     all (default): every message of FILE; templates | data: only those\n"
		"           messages; garbage: N random datagrams; truncated: FILE's messages cut\n"
		"           short; badver: FILE's messages as version 9; flood: N templates;\n"
		"           endpoint: FILE's templates, then one endpoint record (template 262)\n"
		"  -p PORT  source port (templates are scoped per source address and port)\n"
		"  -n N     repeat count (all/data/templates), or N for garbage/flood\n");
	exit(2);
}

static int send_msg(struct sender *s, const uint8_t *p, size_t len, unsigned usec)
{
	ssize_t n;

	if (s->s != NULL) {
		do
			n = gnutls_record_send(s->s, p, len);
		while (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED);
	} else {
		n = send(s->fd, p, len, 0);
	}
	if (n < 0) {
		fprintf(stderr, "send: %s\n", s->s ? gnutls_strerror((int)n) : strerror(errno));
		return -1;
	}
	s->sent++;
	if (usec)
		usleep(usec);
	return 0;
}

/* does this message carry a template or options-template set? */
static bool has_template(const uint8_t *m, size_t len)
{
	for (size_t off = 16; off + 4 <= len;) {
		unsigned id = (unsigned)m[off] << 8 | m[off + 1];
		unsigned sl = (unsigned)m[off + 2] << 8 | m[off + 3];

		if (id == 2 || id == 3)
			return true;
		if (sl < 4)
			break;
		off += sl;
	}
	return false;
}

static int replay(struct sender *s, const struct opts *o, uint8_t *buf, size_t len)
{
	unsigned reps = o->count ? o->count : 1;

	for (unsigned r = 0; r < reps; r++) {
		for (size_t off = 0; off + 16 <= len;) {
			size_t ml = (size_t)buf[off + 2] << 8 | buf[off + 3];
			uint8_t *m = buf + off;
			bool t;

			if (ml < 16 || off + ml > len)
				return -1;
			off += ml;
			t = has_template(m, ml);
			if ((strcmp(o->mode, "templates") == 0 && !t) ||
			    (strcmp(o->mode, "data") == 0 && t))
				continue;
			if (strcmp(o->mode, "truncated") == 0) {
				if (send_msg(s, m, ml / 2, o->usec) < 0)
					return -1;
				continue;
			}
			if (strcmp(o->mode, "badver") == 0)
				m[1] = 9;
			if (send_msg(s, m, ml, o->usec) < 0)
				return -1;
			if (strcmp(o->mode, "badver") == 0)
				m[1] = 10;
		}
	}
	return 0;
}

static int garbage(struct sender *s, const struct opts *o)
{
	uint8_t b[512];

	srand(1);
	for (unsigned i = 0; i < (o->count ? o->count : 10); i++) {
		size_t n = 1 + (size_t)rand() % sizeof(b);

		for (size_t k = 0; k < n; k++)
			b[k] = (uint8_t)rand();
		/* half look like IPFIX headers with lying lengths, half are anything (not DTLS) */
		if (i % 2 == 0 && n >= 4) {
			b[0] = 0;
			b[1] = 10;
		} else if (b[0] >= 20 && b[0] <= 25) {
			b[0] = 0x42;
		}
		if (send_msg(s, b, n, o->usec) < 0)
			return -1;
	}
	return 0;
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static size_t put_var(uint8_t *p, const char *s)
{
	size_t n = strlen(s);

	p[0] = (uint8_t)n;
	memcpy(p + 1, s, n);
	return n + 1;
}

/* one record for the capture's endpoint template 262 (host, UDID, OS, edition, maker, type) */
static int endpoint(struct sender *s, const struct opts *o)
{
	uint8_t m[256];
	size_t len = 20;

	len += put_var(m + len, "E2E-HOST-1");
	memset(m + len, 0xab, 20);
	len += 20;
	len += put_var(m + len, "Windows 10");
	len += put_var(m + len, "10.0.19045");
	len += put_var(m + len, "Enterprise");
	len += put_var(m + len, "wolfguard");
	len += put_var(m + len, "x64");
	put16(m, 10);
	put16(m + 2, (unsigned)len);
	put32(m + 4, (uint32_t)time(NULL));
	put32(m + 8, 7);
	put32(m + 12, 127);
	put16(m + 16, 262);
	put16(m + 18, (unsigned)(len - 16));
	return send_msg(s, m, len, o->usec);
}

/* N distinct one-field templates (ids 300..), 50 per message */
static int flood(struct sender *s, const struct opts *o)
{
	uint8_t m[16 + 4 + 50 * 8];
	unsigned total = o->count ? o->count : 1000, done = 0, seq = 0;

	while (done < total) {
		unsigned k = total - done > 50 ? 50 : total - done;
		size_t len = 16 + 4 + (size_t)k * 8;

		put16(m, 10);
		put16(m + 2, (unsigned)len);
		put32(m + 4, (uint32_t)time(NULL));
		put32(m + 8, seq++);
		put32(m + 12, 99);
		put16(m + 16, 2);
		put16(m + 18, (unsigned)(len - 16));
		for (unsigned i = 0; i < k; i++) {
			uint8_t *t = m + 20 + i * 8;

			put16(t, 300 + ((done + i) % 65000));
			put16(t + 2, 1);
			put16(t + 4, 4);
			put16(t + 6, 1);
		}
		if (send_msg(s, m, len, o->usec) < 0)
			return -1;
		done += k;
	}
	return 0;
}

static int udp_connect(const struct opts *o, const char *host, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *res, *b = NULL;
	int fd;

	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	fd = socket(res->ai_family, SOCK_DGRAM, 0);
	if (fd >= 0 && (o->bind != NULL || o->sport != NULL)) {
		int one = 1;

		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		hints.ai_family = res->ai_family;
		hints.ai_flags = AI_PASSIVE;
		if (getaddrinfo(o->bind, o->sport ? o->sport : "0", &hints, &b) != 0 ||
		    bind(fd, b->ai_addr, b->ai_addrlen) < 0) {
			perror("bind");
			return -1;
		}
		freeaddrinfo(b);
	}
	if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) < 0) {
		perror("connect");
		return -1;
	}
	freeaddrinfo(res);
	return fd;
}

static int dtls_start(struct sender *s, const struct opts *o)
{
	gnutls_certificate_credentials_t cred;
	int rc;

	if ((rc = gnutls_certificate_allocate_credentials(&cred)) < 0 ||
	    (o->cert && (rc = gnutls_certificate_set_x509_key_file(cred, o->cert, o->key,
								    GNUTLS_X509_FMT_PEM)) < 0) ||
	    (o->ca && (rc = gnutls_certificate_set_x509_trust_file(cred, o->ca,
								    GNUTLS_X509_FMT_PEM)) < 0) ||
	    (rc = gnutls_init(&s->s, GNUTLS_CLIENT | GNUTLS_DATAGRAM)) < 0 ||
	    (rc = gnutls_set_default_priority(s->s)) < 0 ||
	    (rc = gnutls_credentials_set(s->s, GNUTLS_CRD_CERTIFICATE, cred)) < 0)
		goto out;
	if (o->ca)
		gnutls_session_set_verify_cert(s->s, NULL, 0);
	gnutls_transport_set_int(s->s, s->fd);
	gnutls_dtls_set_mtu(s->s, 1400);
	gnutls_handshake_set_timeout(s->s, 5000);
	do
		rc = gnutls_handshake(s->s);
	while (rc < 0 && !gnutls_error_is_fatal(rc));
out:
	if (rc < 0)
		fprintf(stderr, "DTLS handshake failed: %s\n", gnutls_strerror(rc));
	return rc < 0 ? -1 : 0;
}

static uint8_t *read_file(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b = malloc(16 << 20);
	size_t n;

	if (f == NULL || b == NULL)
		return NULL;
	n = fread(b, 1, 16 << 20, f);
	fclose(f);
	*ret_len = n;
	return b;
}

int main(int argc, char **argv)
{
	struct opts o = { .mode = "all" };
	struct sender s = { .fd = -1 };
	uint8_t *buf = NULL;
	size_t len = 0;
	int c, rc;

	while ((c = getopt(argc, argv, "dc:k:a:b:p:m:n:i:")) != -1) {
		switch (c) {
		case 'd': o.dtls = true; break;
		case 'c': o.cert = optarg; break;
		case 'k': o.key = optarg; break;
		case 'a': o.ca = optarg; break;
		case 'b': o.bind = optarg; break;
		case 'p': o.sport = optarg; break;
		case 'm': o.mode = optarg; break;
		case 'n': o.count = (unsigned)atoi(optarg); break;
		case 'i': o.usec = (unsigned)atoi(optarg); break;
		default: usage();
		}
	}
	if (argc - optind < 2)
		usage();
	if (argc - optind >= 3 && (buf = read_file(argv[optind + 2], &len)) == NULL) {
		perror(argv[optind + 2]);
		return 1;
	}
	s.fd = udp_connect(&o, argv[optind], argv[optind + 1]);
	if (s.fd < 0 || (o.dtls && dtls_start(&s, &o) < 0))
		return 1;
	if (strcmp(o.mode, "garbage") == 0)
		rc = garbage(&s, &o);
	else if (strcmp(o.mode, "flood") == 0)
		rc = flood(&s, &o);
	else if (strcmp(o.mode, "endpoint") == 0) {
		o.mode = "templates";
		rc = buf ? replay(&s, &o, buf, len) : -1;
		if (rc == 0)
			rc = endpoint(&s, &o);
	}
	else
		rc = buf ? replay(&s, &o, buf, len) : -1;
	if (s.s != NULL)
		gnutls_bye(s.s, GNUTLS_SHUT_WR);
	printf("sent %u datagram(s)\n", s.sent);
	free(buf);
	return rc < 0 ? 1 : 0;
}
