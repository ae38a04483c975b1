/* tests/unit/test-http.c: worker HTTP request parser against real openconnect requests. Runs in: make check. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <talloc.h>

#include "worker/http.h"

/* openconnect 9.01 against ocserv 1.1.6 (capture-openconnect901-vs-ocserv116.log) */
#define INIT_BODY                                                                                  \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                             \
	"<config-auth client=\"vpn\" type=\"init\" aggregate-auth-version=\"2\"><version "         \
	"who=\"vpn\">v9.01-3</version><device-id>linux-64</device-id><capabilities><auth-method>"  \
	"single-sign-on-v2</auth-method><auth-method>single-sign-on-external-browser</auth-method>" \
	"</capabilities><group-access>https://127.0.0.1:4443/</group-access></config-auth>\n"

static const char init_req[] =
	"POST / HTTP/1.1\r\n"
	"Host: 127.0.0.1:4443\r\n"
	"User-Agent: Open AnyConnect VPN Agent v9.01-3\r\n"
	"Accept: */*\r\n"
	"Accept-Encoding: identity\r\n"
	"X-Transcend-Version: 1\r\n"
	"X-Aggregate-Auth: 1\r\n"
	"X-Support-HTTP-Auth: true\r\n"
	"X-AnyConnect-STRAP-Pubkey: MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\r\n"
	"X-AnyConnect-STRAP-DH-Pubkey: MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAF\r\n"
	"X-Pad: 000000000000000\r\n"
	"Content-Type: application/xml; charset=utf-8\r\n"
	"Content-Length: 369\r\n"
	"\r\n" INIT_BODY;

#define PASS_BODY                                                                                  \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                             \
	"<config-auth client=\"vpn\" type=\"auth-reply\" aggregate-auth-version=\"2\"><version "   \
	"who=\"vpn\">v9.01-3</version><device-id>linux-64</device-id><capabilities><auth-method>"  \
	"single-sign-on-v2</auth-method><auth-method>single-sign-on-external-browser</auth-method>" \
	"</capabilities><auth><password>(test password)</password></auth></config-auth>\n"

static const char pass_req[] =
	"POST /auth HTTP/1.1\r\n"
	"Host: 127.0.0.1:4443\r\n"
	"User-Agent: Open AnyConnect VPN Agent v9.01-3\r\n"
	"Cookie: webvpncontext=3q2+7w==\r\n"
	"Accept: */*\r\n"
	"Accept-Encoding: identity\r\n"
	"X-Transcend-Version: 1\r\n"
	"X-Aggregate-Auth: 1\r\n"
	"X-Support-HTTP-Auth: true\r\n"
	"X-AnyConnect-STRAP-Pubkey: MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\r\n"
	"X-AnyConnect-STRAP-DH-Pubkey: MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAF\r\n"
	"X-Pad: 00000000000000000000\r\n"
	"Content-Type: application/xml; charset=utf-8\r\n"
	"Content-Length: 372\r\n"
	"\r\n" PASS_BODY;

#define CONNECT_HEADERS                                                                            \
	"Host: 127.0.0.1:4443\r\n"                                                                 \
	"User-Agent: Open AnyConnect VPN Agent v9.01-3\r\n"                                        \
	"Cookie: webvpn=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\r\n"                         \
	"X-CSTP-Version: 1\r\n"                                                                    \
	"X-CSTP-Hostname: testhost\r\n"                                                            \
	"X-AnyConnect-STRAP-Verify: MEUCIQDx\r\n"                                                  \
	"X-AnyConnect-STRAP-Pubkey: MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\r\n"                      \
	"X-CSTP-Accept-Encoding: oc-lz4,lzs\r\n"                                                   \
	"X-CSTP-Base-MTU: 65535\r\n"                                                               \
	"X-CSTP-MTU: 65425\r\n"                                                                    \
	"X-CSTP-Address-Type: IPv6,IPv4\r\n"                                                       \
	"X-CSTP-Full-IPv6-Capability: true\r\n"                                                    \
	"X-DTLS-Master-Secret: "                                                                   \
	"0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF01234567" \
	"89ABCDEF\r\n"                                                                             \
	"X-DTLS-CipherSuite: PSK-NEGOTIATE:OC-DTLS1_2-AES256-GCM:OC2-DTLS1_2-CHACHA20-POLY1305:"   \
	"OC-DTLS1_2-AES128-GCM:DHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA:AES256-SHA:AES128-SHA\r\n"    \
	"X-DTLS12-CipherSuite: ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:"           \
	"AES256-GCM-SHA384:AES128-GCM-SHA256:DHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA:AES256-SHA:"    \
	"AES128-SHA\r\n"                                                                           \
	"X-DTLS-Accept-Encoding: oc-lz4,lzs\r\n"                                                   \
	"\r\n"

static const char connect_req[] = "CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\n" CONNECT_HEADERS;

static const uint8_t *u8(const char *s)
{
	return (const uint8_t *)s;
}

static int feed_all(struct http_req *req, const char *s, size_t len, size_t *ret_used)
{
	return http_req_feed(req, u8(s), len, ret_used);
}

static void check_init(const struct http_req *req)
{
	const uint8_t *body;
	size_t blen;

	assert_int_equal(http_req_method(req), HTTP_M_POST);
	assert_string_equal(http_req_url(req), "/");
	assert_string_equal(http_req_header(req, "user-agent", 0), "Open AnyConnect VPN Agent v9.01-3");
	assert_string_equal(http_req_header(req, "X-AGGREGATE-AUTH", 0), "1");
	assert_string_equal(http_req_header(req, "Content-Type", 0), "application/xml; charset=utf-8");
	assert_null(http_req_header(req, "User-Agent", 1));
	assert_null(http_req_header(req, "Cookie", 0));
	assert_null(http_req_cookie(req, "webvpn"));
	body = http_req_body(req, &blen);
	assert_int_equal(blen, 369);
	assert_memory_equal(body, INIT_BODY, 369);
	assert_true(http_req_keep_alive(req));
}

static void test_init_whole(void **state)
{
	struct http_req *req = http_req_new(NULL);
	size_t used = 0;

	(void)state;
	assert_non_null(req);
	assert_int_equal(feed_all(req, init_req, sizeof(init_req) - 1, &used), 1);
	assert_int_equal(used, sizeof(init_req) - 1);
	check_init(req);
	/* complete is sticky until reset */
	assert_int_equal(feed_all(req, "GET", 3, &used), 1);
	assert_int_equal(used, 0);
	talloc_free(req);
}

static void test_init_byte_by_byte(void **state)
{
	struct http_req *req = http_req_new(NULL);
	size_t i, used, n = sizeof(init_req) - 1;

	(void)state;
	for (i = 0; i < n - 1; i++) {
		assert_int_equal(feed_all(req, init_req + i, 1, &used), 0);
		assert_int_equal(used, 1);
	}
	assert_int_equal(feed_all(req, init_req + n - 1, 1, &used), 1);
	assert_int_equal(used, 1);
	check_init(req);
	talloc_free(req);
}

static void test_init_split_anywhere(void **state)
{
	struct http_req *req = http_req_new(NULL);
	size_t split, used, n = sizeof(init_req) - 1;

	(void)state;
	for (split = 1; split < n; split++) {
		http_req_reset(req);
		assert_int_equal(feed_all(req, init_req, split, &used), 0);
		assert_int_equal(used, split);
		assert_int_equal(feed_all(req, init_req + split, n - split, &used), 1);
		assert_int_equal(used, n - split);
		check_init(req);
	}
	talloc_free(req);
}

static void test_auth_reply_cookie(void **state)
{
	struct http_req *req = http_req_new(NULL);
	const uint8_t *body;
	size_t used, blen;

	(void)state;
	assert_int_equal(feed_all(req, pass_req, sizeof(pass_req) - 1, &used), 1);
	assert_int_equal(used, sizeof(pass_req) - 1);
	assert_string_equal(http_req_url(req), "/auth");
	assert_string_equal(http_req_cookie(req, "webvpncontext"), "3q2+7w==");
	assert_null(http_req_cookie(req, "webvpn"));
	body = http_req_body(req, &blen);
	assert_int_equal(blen, sizeof(PASS_BODY) - 1);
	assert_memory_equal(body, PASS_BODY, blen);
	talloc_free(req);
}

static void check_connect(const struct http_req *req, const char *url)
{
	size_t blen = 99;

	assert_int_equal(http_req_method(req), HTTP_M_CONNECT);
	assert_string_equal(http_req_url(req), url);
	assert_string_equal(http_req_cookie(req, "webvpn"),
			    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
	assert_string_equal(http_req_header(req, "X-CSTP-Hostname", 0), "testhost");
	assert_string_equal(http_req_header(req, "x-cstp-base-mtu", 0), "65535");
	assert_string_equal(http_req_header(req, "X-CSTP-MTU", 0), "65425");
	assert_string_equal(http_req_header(req, "X-CSTP-Address-Type", 0), "IPv6,IPv4");
	assert_string_equal(http_req_header(req, "X-CSTP-Full-IPv6-Capability", 0), "true");
	assert_string_equal(http_req_header(req, "X-CSTP-Accept-Encoding", 0), "oc-lz4,lzs");
	assert_string_equal(http_req_header(req, "X-DTLS-Accept-Encoding", 0), "oc-lz4,lzs");
	assert_int_equal(strlen(http_req_header(req, "X-DTLS-Master-Secret", 0)), 96);
	assert_string_equal(http_req_header(req, "X-DTLS12-CipherSuite", 0),
			    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:"
			    "AES256-GCM-SHA384:AES128-GCM-SHA256:DHE-RSA-AES256-SHA:"
			    "DHE-RSA-AES128-SHA:AES256-SHA:AES128-SHA");
	assert_non_null(strstr(http_req_header(req, "X-DTLS-CipherSuite", 0), "PSK-NEGOTIATE:"));
	assert_non_null(http_req_body(req, &blen));
	assert_int_equal(blen, 0);
}

static void test_connect_stops_at_headers(void **state)
{
	struct http_req *req = http_req_new(NULL);
	char buf[sizeof(connect_req) + 16];
	size_t used, n = sizeof(connect_req) - 1;

	(void)state;
	/* CSTP bytes right behind the headers must stay with the caller */
	memcpy(buf, connect_req, n);
	memcpy(buf + n, "STF\x01\x00\x00\x07\x00", 8);
	assert_int_equal(feed_all(req, buf, n + 8, &used), 1);
	assert_int_equal(used, n);
	check_connect(req, "/CSCOSSLC/tunnel");
	talloc_free(req);
}

static void test_connect_byte_by_byte(void **state)
{
	struct http_req *req = http_req_new(NULL);
	size_t i, used, n = sizeof(connect_req) - 1;
	int rc = 0;

	(void)state;
	for (i = 0; i < n && rc == 0; i++) {
		rc = feed_all(req, connect_req + i, 1, &used);
		assert_int_equal(used, 1);
	}
	assert_int_equal(rc, 1);
	assert_int_equal(i, n);
	check_connect(req, "/CSCOSSLC/tunnel");
	talloc_free(req);
}

static void test_connect_no_slash(void **state)
{
	static const char r[] = "CONNECT CSCOSSLC/tunnel HTTP/1.1\r\n" CONNECT_HEADERS;
	struct http_req *req = http_req_new(NULL);
	size_t used;

	(void)state;
	assert_int_equal(feed_all(req, r, sizeof(r) - 1, &used), 1);
	check_connect(req, "CSCOSSLC/tunnel");
	talloc_free(req);
}

static void test_pipelined_and_reset(void **state)
{
	static const char two[] = "GET /1/index.html HTTP/1.1\r\nHost: a\r\n\r\n"
				  "GET /logout HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n";
	struct http_req *req = http_req_new(NULL);
	size_t used, first = strlen("GET /1/index.html HTTP/1.1\r\nHost: a\r\n\r\n");

	(void)state;
	assert_int_equal(feed_all(req, two, sizeof(two) - 1, &used), 1);
	assert_int_equal(used, first);
	assert_int_equal(http_req_method(req), HTTP_M_GET);
	assert_string_equal(http_req_url(req), "/1/index.html");
	assert_string_equal(http_req_header(req, "host", 0), "a");
	http_req_reset(req);
	assert_int_equal(feed_all(req, two + first, sizeof(two) - 1 - first, &used), 1);
	assert_int_equal(used, sizeof(two) - 1 - first);
	assert_string_equal(http_req_url(req), "/logout");
	assert_string_equal(http_req_header(req, "Host", 0), "b");
	assert_false(http_req_keep_alive(req));
	talloc_free(req);
}

static void test_cookies(void **state)
{
	static const char r[] =
		"CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\n"
		"Cookie: openconnect_strapkey=MHcCAQEEIB+/k==; webvpn=XYZ\r\n"
		"Cookie: webvpn=second;other=1 ;  spaced = \"quoted\" ;novalue; =x\r\n\r\n";
	struct http_req *req = http_req_new(NULL);
	size_t used;

	(void)state;
	assert_int_equal(feed_all(req, r, sizeof(r) - 1, &used), 1);
	assert_string_equal(http_req_cookie(req, "webvpn"), "XYZ");   /* first wins */
	assert_string_equal(http_req_cookie(req, "openconnect_strapkey"), "MHcCAQEEIB+/k==");
	assert_string_equal(http_req_cookie(req, "other"), "1");
	assert_string_equal(http_req_cookie(req, "spaced"), "quoted");
	assert_null(http_req_cookie(req, "novalue"));
	assert_null(http_req_cookie(req, "WEBVPN"));                  /* names are case-sensitive */
	assert_null(http_req_cookie(req, "webvpncontext"));
	assert_string_equal(http_req_header(req, "cookie", 1),
			    "webvpn=second;other=1 ;  spaced = \"quoted\" ;novalue; =x");
	talloc_free(req);
}

static void test_repeated_and_empty_headers(void **state)
{
	static const char r[] = "CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\n"
				"X-CSTP-Address: 192.168.99.50\r\n"
				"X-Empty:\r\n"
				"X-CSTP-Address: fd00:99::5\r\n"
				"X-Trailing: v  \r\n\r\n";
	struct http_req *req = http_req_new(NULL);
	size_t used;

	(void)state;
	assert_int_equal(feed_all(req, r, sizeof(r) - 1, &used), 1);
	assert_string_equal(http_req_header(req, "X-CSTP-Address", 0), "192.168.99.50");
	assert_string_equal(http_req_header(req, "X-CSTP-Address", 1), "fd00:99::5");
	assert_null(http_req_header(req, "X-CSTP-Address", 2));
	assert_string_equal(http_req_header(req, "X-Empty", 0), "");
	assert_string_equal(http_req_header(req, "X-Trailing", 0), "v");
	talloc_free(req);
}

static void test_chunked_body(void **state)
{
	static const char r[] = "POST /auth HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
				"5\r\nuser=\r\n5\r\nalice\r\n0\r\n\r\n";
	struct http_req *req = http_req_new(NULL);
	const uint8_t *body;
	size_t used, blen;

	(void)state;
	assert_int_equal(feed_all(req, r, sizeof(r) - 1, &used), 1);
	assert_int_equal(used, sizeof(r) - 1);
	body = http_req_body(req, &blen);
	assert_int_equal(blen, 10);
	assert_memory_equal(body, "user=alice", 10);
	talloc_free(req);
}

static void test_methods(void **state)
{
	static const struct { const char *req; enum http_method_id m; } t[] = {
		{ "HEAD / HTTP/1.1\r\n\r\n", HTTP_M_HEAD },
		{ "DELETE / HTTP/1.1\r\n\r\n", HTTP_M_OTHER },
		{ "OPTIONS / HTTP/1.0\r\n\r\n", HTTP_M_OTHER },
	};
	struct http_req *req = http_req_new(NULL);
	size_t i, used;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		http_req_reset(req);
		assert_int_equal(feed_all(req, t[i].req, strlen(t[i].req), &used), 1);
		assert_int_equal(http_req_method(req), t[i].m);
	}
	assert_false(http_req_keep_alive(req));         /* HTTP/1.0 without keep-alive */
	talloc_free(req);
}

/* a request with `count` headers named X-Hnnn of `vlen` value bytes each, on ctx */
static char *make_req(TALLOC_CTX *ctx, unsigned count, size_t vlen)
{
	char *r = talloc_strdup(ctx, "GET / HTTP/1.1\r\n");
	char *v = talloc_zero_array(ctx, char, vlen + 1);
	unsigned i;

	memset(v, 'a', vlen);
	for (i = 0; i < count; i++)
		r = talloc_asprintf_append_buffer(r, "X-H%03u: %s\r\n", i, v);
	return talloc_strdup_append_buffer(r, "\r\n");
}

static int feed_str(struct http_req *req, const char *s)
{
	size_t used;

	http_req_reset(req);
	return feed_all(req, s, strlen(s), &used);
}

static void test_limits(void **state)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct http_req *req = http_req_new(tmp);
	char name[400], *r;

	(void)state;
	assert_int_equal(feed_str(req, make_req(tmp, HTTP_MAX_HEADERS, 8)), 1);
	assert_int_equal(feed_str(req, make_req(tmp, HTTP_MAX_HEADERS + 1, 8)), -EMSGSIZE);
	assert_int_equal(feed_str(req, make_req(tmp, 1, HTTP_MAX_VALUE)), 1);
	assert_int_equal(feed_str(req, make_req(tmp, 1, HTTP_MAX_VALUE + 1)), -EMSGSIZE);
	/* 20 x 1 KiB: every header within its cap, the section over 16 KiB */
	assert_int_equal(feed_str(req, make_req(tmp, 20, 1000)), -EMSGSIZE);
	memset(name, 'n', sizeof(name));
	name[HTTP_MAX_NAME] = '\0';
	r = talloc_asprintf(tmp, "GET / HTTP/1.1\r\n%s: v\r\n\r\n", name);
	assert_int_equal(feed_str(req, r), 1);
	name[HTTP_MAX_NAME] = 'n';
	name[HTTP_MAX_NAME + 1] = '\0';
	r = talloc_asprintf(tmp, "GET / HTTP/1.1\r\n%s: v\r\n\r\n", name);
	assert_int_equal(feed_str(req, r), -EMSGSIZE);
	assert_int_equal(feed_str(req, "POST / HTTP/1.1\r\nContent-Length: 262145\r\n\r\n"), -EMSGSIZE);
	talloc_free(tmp);
}

static void test_body_limit_chunked(void **state)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct http_req *req = http_req_new(tmp);
	char *chunk = talloc_zero_array(tmp, char, 4096 + 16);
	const char *hdr = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
	size_t used, total = 0;
	int rc;

	(void)state;
	assert_int_equal(feed_all(req, hdr, strlen(hdr), &used), 0);
	memcpy(chunk, "1000\r\n", 6);
	memset(chunk + 6, 'b', 4096);
	memcpy(chunk + 6 + 4096, "\r\n", 2);
	do {
		rc = feed_all(req, chunk, 4096 + 8, &used);
		total += 4096;
	} while (rc == 0 && total < 2 * HTTP_MAX_BODY);
	assert_int_equal(rc, -EMSGSIZE);
	assert_true(total > HTTP_MAX_BODY);
	assert_true(total <= HTTP_MAX_BODY + 4096);
	talloc_free(tmp);
}

static void test_garbage(void **state)
{
	static const char *bad[] = {
		"\x01\x02garbage\r\n\r\n",
		"GET / HTTP/1.1\r\nHost\r\n\r\n",
		"GET / HTTP/9.9.9\r\n\r\n",
		"GET / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
		"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		"GET /\x7f HTTP/1.1\r\n\r\n",
	};
	struct http_req *req = http_req_new(NULL);
	size_t i, used;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(feed_str(req, bad[i]), -EBADMSG);
	/* errors are sticky */
	assert_int_equal(feed_all(req, "GET / HTTP/1.1\r\n\r\n", 18, &used), -EBADMSG);
	assert_int_equal(used, 0);
	/* NUL inside a header value */
	http_req_reset(req);
	assert_int_equal(feed_all(req, "GET / HTTP/1.1\r\nX: a\0b\r\n\r\n", 26, &used), -EBADMSG);
	talloc_free(req);
}

static void test_incomplete_and_empty_feed(void **state)
{
	struct http_req *req = http_req_new(NULL);
	size_t used = 7;

	(void)state;
	assert_int_equal(http_req_feed(req, u8(""), 0, &used), 0);
	assert_int_equal(used, 0);
	assert_int_equal(feed_str(req, "POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nab"), 0);
	assert_int_equal(feed_all(req, "cGET", 4, &used), 1);
	assert_int_equal(used, 1);
	talloc_free(req);
}

static void test_status_text(void **state)
{
	(void)state;
	assert_string_equal(http_status_text(200), "OK");
	assert_string_equal(http_status_text(400), "Bad Request");
	assert_string_equal(http_status_text(401), "Unauthorized");
	assert_string_equal(http_status_text(403), "Forbidden");
	assert_string_equal(http_status_text(404), "Not Found");
	assert_string_equal(http_status_text(405), "Method Not Allowed");
	assert_string_equal(http_status_text(413), "Request Entity Too Large");
	assert_string_equal(http_status_text(500), "Internal Server Error");
	assert_string_equal(http_status_text(503), "Service Unavailable");
	assert_string_equal(http_status_text(418), "Error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_whole),
		cmocka_unit_test(test_init_byte_by_byte),
		cmocka_unit_test(test_init_split_anywhere),
		cmocka_unit_test(test_auth_reply_cookie),
		cmocka_unit_test(test_connect_stops_at_headers),
		cmocka_unit_test(test_connect_byte_by_byte),
		cmocka_unit_test(test_connect_no_slash),
		cmocka_unit_test(test_pipelined_and_reset),
		cmocka_unit_test(test_cookies),
		cmocka_unit_test(test_repeated_and_empty_headers),
		cmocka_unit_test(test_chunked_body),
		cmocka_unit_test(test_methods),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_body_limit_chunked),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_incomplete_and_empty_feed),
		cmocka_unit_test(test_status_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
