/* worker/http.h: incremental HTTP/1.1 request parser. Runs in: worker (unprivileged). */
#ifndef WORKER_HTTP_H
#define WORKER_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

/* Limits on peer-controlled sizes; exceeding any of them yields -EMSGSIZE (answer 413). */
#define HTTP_MAX_HEADER_BYTES (16 * 1024)   /* request line + all header lines */
#define HTTP_MAX_BODY (256 * 1024)
#define HTTP_MAX_HEADERS 64
#define HTTP_MAX_NAME 256
#define HTTP_MAX_VALUE (8 * 1024)

struct http_req;                        /* opaque talloc object */

enum http_method_id { HTTP_M_GET, HTTP_M_POST, HTTP_M_CONNECT, HTTP_M_HEAD, HTTP_M_OTHER };

struct http_req *http_req_new(TALLOC_CTX *mem_ctx);

/*
 * Feed bytes read from the peer. Returns 1 when a complete request is
 * available, 0 when more bytes are needed, -EMSGSIZE when a limit above was
 * exceeded, -EBADMSG when the request is malformed (-ENOMEM on OOM). *ret_used is the number of
 * bytes consumed; bytes after the end of the request stay with the caller (a
 * pipelined second request is not parsed). Once 1 or an error has been
 * returned, further calls return the same value and consume nothing until
 * http_req_reset(). CONNECT is complete at the end of its headers.
 */
int http_req_feed(struct http_req *req, const uint8_t *buf, size_t len, size_t *ret_used);

/* Accessors: valid only after http_req_feed() returned 1. */
enum http_method_id http_req_method(const struct http_req *req);
const char *http_req_url(const struct http_req *req);
/* case-insensitive name; nth is the 0-based occurrence; NULL if absent */
const char *http_req_header(const struct http_req *req, const char *name, unsigned nth);
/* never NULL after completion; *ret_len is 0 for an empty body */
const uint8_t *http_req_body(const struct http_req *req, size_t *ret_len);
/* value of cookie `name` across all Cookie headers (first wins); NULL if absent */
const char *http_req_cookie(const struct http_req *req, const char *name);
/* HTTP/1.1 without "Connection: close", or HTTP/1.0 with keep-alive */
bool http_req_keep_alive(const struct http_req *req);

/* forget the request and its strings; ready for the next one on the same connection */
void http_req_reset(struct http_req *req);

/* reason phrase for the codes the worker sends; "Error" for others */
const char *http_status_text(int code);

#endif /* WORKER_HTTP_H */
