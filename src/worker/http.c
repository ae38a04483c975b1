/* worker/http.c: incremental HTTP/1.1 request parser over http-parser. Runs in: worker (unprivileged). */
#include <errno.h>
#include <http_parser.h>
#include <string.h>
#include <strings.h>

#include "http.h"

#define HTTP_MAX_COOKIES 64

/* a NUL-terminated string grown geometrically: a peer dripping one byte per read stays linear */
struct gbuf {
	char *s;
	size_t len;
	size_t cap;
};

struct http_hdr {
	struct gbuf name;
	struct gbuf value;
};

struct http_cookie {
	char *name;
	char *value;
};

struct http_req {
	http_parser parser;
	TALLOC_CTX *msg;                /* owns every string of the current request */
	struct gbuf url;
	struct http_hdr hdrs[HTTP_MAX_HEADERS];
	unsigned n_hdrs;
	bool in_value;                  /* last header callback was a value */
	struct gbuf body;
	struct http_cookie cookies[HTTP_MAX_COOKIES];
	unsigned n_cookies;
	size_t hdr_bytes;               /* bytes consumed while still in the header section */
	bool headers_done;
	bool complete;
	int err;                        /* sticky result once negative */
	enum http_method_id method;
	bool keep_alive;
};

static struct http_req *req_of(http_parser *p)
{
	return p->data;
}

/* append to a buffer owned by req->msg; callbacks may deliver a token in pieces */
static int append(struct http_req *req, struct gbuf *b, const char *at, size_t n, size_t max)
{
	size_t cap;
	char *tmp;

	if (n > max || b->len > max - n)
		return -EMSGSIZE;
	if (b->s == NULL || b->len + n + 1 > b->cap) {
		cap = b->cap < 64 ? 64 : b->cap;
		while (cap < b->len + n + 1)
			cap *= 2;       /* bounded: max + 1 is at most 256 KiB + 1 */
		tmp = talloc_realloc(req->msg, b->s, char, cap);
		if (tmp == NULL)
			return -ENOMEM;
		b->s = tmp;
		b->cap = cap;
	}
	memcpy(b->s + b->len, at, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

static int fail(struct http_req *req, int rc)
{
	req->err = rc;
	return -1;                      /* any non-zero stops http-parser */
}

static int on_url(http_parser *p, const char *at, size_t n)
{
	struct http_req *req = req_of(p);
	int rc = append(req, &req->url, at, n, HTTP_MAX_HEADER_BYTES);

	return rc < 0 ? fail(req, rc) : 0;
}

static int on_header_field(http_parser *p, const char *at, size_t n)
{
	struct http_req *req = req_of(p);
	struct http_hdr *h;
	int rc;

	if (req->n_hdrs == 0 || req->in_value) {
		if (req->n_hdrs == HTTP_MAX_HEADERS)
			return fail(req, -EMSGSIZE);
		req->n_hdrs++;
		req->in_value = false;
	}
	h = &req->hdrs[req->n_hdrs - 1];
	rc = append(req, &h->name, at, n, HTTP_MAX_NAME);
	return rc < 0 ? fail(req, rc) : 0;
}

static int on_header_value(http_parser *p, const char *at, size_t n)
{
	struct http_req *req = req_of(p);
	struct http_hdr *h;
	int rc;

	if (req->n_hdrs == 0)
		return fail(req, -EBADMSG);
	h = &req->hdrs[req->n_hdrs - 1];
	req->in_value = true;
	rc = append(req, &h->value, at, n, HTTP_MAX_VALUE);
	return rc < 0 ? fail(req, rc) : 0;
}

/* strings are handed out NUL-terminated, so an embedded NUL would silently truncate them */
static bool has_nul(const struct gbuf *b)
{
	return b->s != NULL && memchr(b->s, '\0', b->len) != NULL;
}

static int finish_headers(struct http_req *req)
{
	unsigned i;

	if (req->url.s == NULL || has_nul(&req->url))
		return -EBADMSG;
	for (i = 0; i < req->n_hdrs; i++) {
		struct gbuf *v = &req->hdrs[i].value;

		if (v->s == NULL && append(req, v, "", 0, 0) < 0)
			return -ENOMEM;
		if (req->hdrs[i].name.s == NULL || has_nul(&req->hdrs[i].name) || has_nul(v))
			return -EBADMSG;
		while (v->len > 0 && (v->s[v->len - 1] == ' ' || v->s[v->len - 1] == '\t'))
			v->s[--v->len] = '\0';
	}
	return 0;
}

static enum http_method_id map_method(unsigned m)
{
	switch (m) {
	case HTTP_GET:
		return HTTP_M_GET;
	case HTTP_POST:
		return HTTP_M_POST;
	case HTTP_CONNECT:
		return HTTP_M_CONNECT;
	case HTTP_HEAD:
		return HTTP_M_HEAD;
	default:
		return HTTP_M_OTHER;
	}
}

static int on_headers_complete(http_parser *p)
{
	struct http_req *req = req_of(p);
	int rc = finish_headers(req);

	if (rc < 0)
		return fail(req, rc);
	/* refuse a declared oversize body before reading any of it */
	if ((p->flags & F_CONTENTLENGTH) && p->content_length > HTTP_MAX_BODY)
		return fail(req, -EMSGSIZE);
	req->headers_done = true;
	req->method = map_method(p->method);
	req->keep_alive = http_should_keep_alive(p) != 0;
	return 0;
}

static int on_body(http_parser *p, const char *at, size_t n)
{
	struct http_req *req = req_of(p);
	int rc = append(req, &req->body, at, n, HTTP_MAX_BODY);

	return rc < 0 ? fail(req, rc) : 0;
}

static void trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
		(*e)--;
	if (*e - *s >= 2 && **s == '"' && (*e)[-1] == '"') {
		(*s)++;
		(*e)--;
	}
}

/* one "name=value" piece of a Cookie header; malformed pieces are skipped */
static int add_cookie(struct http_req *req, const char *s, const char *e)
{
	const char *eq = memchr(s, '=', (size_t)(e - s));
	const char *ns = s, *ne, *vs, *ve = e;
	struct http_cookie *c;

	if (eq == NULL || req->n_cookies == HTTP_MAX_COOKIES)
		return 0;
	ne = eq;
	vs = eq + 1;
	trim(&ns, &ne);
	trim(&vs, &ve);
	if (ne == ns)
		return 0;
	c = &req->cookies[req->n_cookies];
	c->name = talloc_strndup(req->msg, ns, (size_t)(ne - ns));
	c->value = talloc_strndup(req->msg, vs, (size_t)(ve - vs));
	if (c->name == NULL || c->value == NULL)
		return -ENOMEM;
	req->n_cookies++;
	return 0;
}

static int parse_cookies(struct http_req *req)
{
	unsigned i;
	int rc;

	for (i = 0; i < req->n_hdrs; i++) {
		const char *s, *end, *semi;

		if (strcasecmp(req->hdrs[i].name.s, "Cookie") != 0)
			continue;
		s = req->hdrs[i].value.s;
		end = s + req->hdrs[i].value.len;
		while (s < end) {
			semi = memchr(s, ';', (size_t)(end - s));
			if (semi == NULL)
				semi = end;
			if ((rc = add_cookie(req, s, semi)) < 0)
				return rc;
			s = semi + 1;
		}
	}
	return 0;
}

static int on_message_complete(http_parser *p)
{
	struct http_req *req = req_of(p);
	int rc;

	if (req->body.s == NULL && append(req, &req->body, "", 0, 0) < 0)
		return fail(req, -ENOMEM);
	if ((rc = parse_cookies(req)) < 0)
		return fail(req, rc);
	req->complete = true;
	/* stop here: a pipelined request must stay unparsed in the caller's buffer */
	http_parser_pause(p, 1);
	return 0;
}

static const http_parser_settings settings = {
	.on_url = on_url,
	.on_header_field = on_header_field,
	.on_header_value = on_header_value,
	.on_headers_complete = on_headers_complete,
	.on_body = on_body,
	.on_message_complete = on_message_complete,
};

static int req_init(struct http_req *req)
{
	TALLOC_CTX *msg = talloc_new(req);

	if (msg == NULL)
		return -ENOMEM;
	memset(req, 0, sizeof(*req));
	req->msg = msg;
	http_parser_init(&req->parser, HTTP_REQUEST);
	req->parser.data = req;
	req->method = HTTP_M_OTHER;
	return 0;
}

struct http_req *http_req_new(TALLOC_CTX *mem_ctx)
{
	struct http_req *req = talloc(mem_ctx, struct http_req);

	if (req == NULL)
		return NULL;
	if (req_init(req) < 0) {
		talloc_free(req);
		return NULL;
	}
	return req;
}

void http_req_reset(struct http_req *req)
{
	talloc_free(req->msg);
	req->msg = NULL;
	if (req_init(req) < 0)
		req->err = -ENOMEM;     /* msg is NULL; every feed now reports the failure */
}

/* one http_parser_execute() step, never letting the header section pass its limit */
static int feed_step(struct http_req *req, const uint8_t *buf, size_t len, size_t *ret_used)
{
	size_t n = len, done;

	if (!req->headers_done && n > HTTP_MAX_HEADER_BYTES - req->hdr_bytes)
		n = HTTP_MAX_HEADER_BYTES - req->hdr_bytes;
	done = http_parser_execute(&req->parser, &settings, (const char *)buf, n);
	*ret_used = done;
	if (req->err < 0)
		return req->err;
	if (req->complete)
		return 1;
	if (HTTP_PARSER_ERRNO(&req->parser) != HPE_OK || done != n)
		return -EBADMSG;
	if (!req->headers_done) {
		req->hdr_bytes += done;
		if (req->hdr_bytes >= HTTP_MAX_HEADER_BYTES)
			return -EMSGSIZE;
	}
	return 0;
}

int http_req_feed(struct http_req *req, const uint8_t *buf, size_t len, size_t *ret_used)
{
	size_t used = 0, step;
	int rc = 0;

	if (req->err < 0 || req->complete) {
		rc = req->err < 0 ? req->err : 1;
		goto out;
	}
	/* len 0 would mean EOF to http-parser; the caller handles EOF itself */
	while (used < len) {
		rc = feed_step(req, buf + used, len - used, &step);
		used += step;
		if (rc != 0)
			break;
	}
	if (rc < 0)
		req->err = rc;
out:
	*ret_used = used;
	return rc;
}

enum http_method_id http_req_method(const struct http_req *req)
{
	return req->method;
}

const char *http_req_url(const struct http_req *req)
{
	return req->url.s;
}

const char *http_req_header(const struct http_req *req, const char *name, unsigned nth)
{
	unsigned i;

	for (i = 0; i < req->n_hdrs; i++) {
		if (req->hdrs[i].name.s == NULL || strcasecmp(req->hdrs[i].name.s, name) != 0)
			continue;
		if (nth-- == 0)
			return req->hdrs[i].value.s;
	}
	return NULL;
}

const uint8_t *http_req_body(const struct http_req *req, size_t *ret_len)
{
	*ret_len = req->body.len;
	return (const uint8_t *)req->body.s;
}

const char *http_req_cookie(const struct http_req *req, const char *name)
{
	unsigned i;

	for (i = 0; i < req->n_cookies; i++)
		if (strcmp(req->cookies[i].name, name) == 0)
			return req->cookies[i].value;
	return NULL;
}

bool http_req_keep_alive(const struct http_req *req)
{
	return req->keep_alive;
}

const char *http_status_text(int code)
{
	switch (code) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Request Entity Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Error";
	}
}
