/* worker/http-serve.c: the HTTP phase: login documents, stubs, CONNECT. Runs in: worker. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <gnutls/crypto.h>

#include "common/log.h"
#include "worker/auth-xml.h"
#include "worker/http.h"
#include "worker/worker.h"

#define WK_MAX_PROFILE (256 * 1024)
#define CLEAR_CTX_COOKIE \
	"Set-Cookie: webvpncontext=; expires=Thu, 01 Jan 1970 22:00:00 GMT; path=/; Secure; HttpOnly\r\n"

int wk_http_respond(struct wk *w, int code, const char *extra_headers, const char *ctype,
		    const char *body, size_t body_len)
{
	char *head = talloc_asprintf(w, "HTTP/1.1 %d %s\r\n%s%s%s%sContent-Length: %zu\r\n"
				     "X-Transcend-Version: 1\r\n\r\n",
				     code, http_status_text(code),
				     extra_headers ? extra_headers : "",
				     ctype ? "Content-Type: " : "", ctype ? ctype : "",
				     ctype ? "\r\n" : "", body_len);
	size_t head_len;
	int rc;

	if (head == NULL)
		return -ENOMEM;
	/* head and body in one record: one segment on the wire, no wait for an ACK */
	head_len = strlen(head);
	if (body_len > 0 && (head = talloc_realloc(w, head, char, head_len + body_len)) != NULL)
		memcpy(head + head_len, body, body_len);
	if (head == NULL)
		return -ENOMEM;
	rc = wk_send_all(w, head, head_len + body_len);
	talloc_free(head);
	return rc;
}

static int send_xml(struct wk *w, const char *headers, const char *xml)
{
	if (xml == NULL)
		return -ENOMEM;
	return wk_http_respond(w, 200, headers, "text/xml", xml, strlen(xml));
}

static int send_login_form(struct wk *w, TALLOC_CTX *tmp, const char *error)
{
	const char *msg = "Please enter your username and password.";

	return send_xml(w, CLEAR_CTX_COOKIE,
			auth_xml_request(tmp, msg, error, w->cfg->pre_login_banner, true, true,
					 "Password:"));
}

/*
 * The profile is read once, as root, before the worker drops privileges:
 * admins keep it readable by root only, like the rest of /etc/ocserv.
 */
int wk_load_profile(struct wk *w)
{
	gnutls_datum_t raw = { NULL, 0 };
	const char *slash;
	uint8_t d[20];
	size_t dl = sizeof(d);
	int rc;

	if (w->cfg->user_profile == NULL)
		return 0;
	rc = gnutls_load_file(w->cfg->user_profile, &raw);
	if (rc < 0 || raw.size > WK_MAX_PROFILE) {
		log_err("cannot load user-profile '%s'", w->cfg->user_profile);
		gnutls_free(raw.data);
		return 0;       /* no profile is better than no VPN */
	}
	w->profile = talloc_memdup(w, raw.data, raw.size);
	w->profile_len = raw.size;
	gnutls_fingerprint(GNUTLS_DIG_SHA1, &raw, d, &dl);
	gnutls_free(raw.data);
	for (size_t i = 0; i < dl; i++)
		snprintf(w->profile_sha1 + 2 * i, 3, "%02x", d[i]);
	slash = strrchr(w->cfg->user_profile, '/');
	w->profile_name = talloc_strdup(w, slash ? slash + 1 : w->cfg->user_profile);
	return w->profile != NULL && w->profile_name != NULL ? 0 : -ENOMEM;
}

/* Cisco's client reads the profile location and hash from this cookie too */
static char *webvpnc_cookie(struct wk *w, TALLOC_CTX *tmp)
{
	if (w->profile == NULL)
		return talloc_asprintf(tmp, "bu:/&p:t&iu:1/&sh:%s", w->cert_sha1);
	return talloc_asprintf(tmp, "bu:/&p:t&iu:1/&sh:%s&lu:/+CSCOT+/translation-table?"
			       "textdomain%%3DAnyConnect%%26type%%3Dmanifest&fu:profiles%%2F%s&fh:%s",
			       w->cert_sha1, w->profile_name, w->profile_sha1);
}

static int send_success(struct wk *w, TALLOC_CTX *tmp)
{
	char cookie[COOKIE_TEXT_LEN], *headers, *xml, *uri = NULL;

	if (cookie_encode(w->sid, cookie, sizeof(cookie)) < 0)
		return -EIO;
	headers = talloc_asprintf(tmp,
		"Connection: Keep-Alive\r\n"
		"Set-Cookie: webvpncontext=%s; Secure; HttpOnly\r\n"
		"Set-Cookie: webvpn=%s; Secure; HttpOnly\r\n"
		"Set-Cookie: webvpnc=; expires=Thu, 01 Jan 1970 22:00:00 GMT; path=/; Secure; HttpOnly\r\n"
		"Set-Cookie: webvpnc=%s; path=/; Secure; HttpOnly\r\n",
		cookie, cookie, webvpnc_cookie(w, tmp));
	if (w->profile != NULL)
		uri = talloc_asprintf(tmp, "/profiles/%s", w->profile_name);
	xml = auth_xml_complete_profile(tmp, w->cfg->banner, cookie, w->cert_sha1, uri,
					w->profile != NULL ? w->profile_sha1 : NULL);
	explicit_bzero(cookie, sizeof(cookie));
	if (headers == NULL)
		return -ENOMEM;
	return send_xml(w, headers, xml);
}

/* POST of the login form or of the initial config-auth document. */
static int serve_auth(struct wk *w, TALLOC_CTX *tmp)
{
	struct auth_reply *ar = NULL;
	const uint8_t *body;
	char *why = NULL;
	size_t len;
	int rc;

	body = http_req_body(w->req, &len);
	if (len == 0 || (rc = auth_xml_parse(tmp, body, len, &ar)) < 0)
		return len == 0 ? send_login_form(w, tmp, NULL)
				: wk_http_respond(w, 400, NULL, NULL, NULL, 0);
	if (ar->username == NULL || ar->password == NULL || ar->username[0] == '\0')
		return send_login_form(w, tmp, NULL);
	rc = wk_sm_auth(w, tmp, ar->username, ar->password, &why);
	if (ar->password != NULL)
		explicit_bzero(ar->password, strlen(ar->password));
	if (rc == -EACCES)
		return send_xml(w, CLEAR_CTX_COOKIE,
				auth_xml_failed(tmp, why ? why : "Login failed."));
	if (rc < 0)
		return rc;
	return send_success(w, tmp);
}

/* Cisco clients probe these; fixed answers keep them from trying to update. */
static int serve_stub(struct wk *w, const char *url)
{
	static const struct { const char *path; const char *ctype; const char *body; } stubs[] = {
		{ "/VPNManifest.xml", "text/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<vpn rev=\"1.0\">\n</vpn>\n" },
		{ "/1/VPNManifest.xml", "text/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<vpn rev=\"1.0\">\n</vpn>\n" },
		{ "/1/binaries/update.txt", "text/plain", "0,0,0000\n" },
		{ "/1/binaries/vpndownloader.sh", "application/x-shellscript", "#!/bin/sh\nexit 0\n" },
		{ "/1/index.html", "text/html", "" },
		{ "/1/Linux", "text/html", "" },
		{ "/1/Linux_64", "text/html", "" },
		{ "/1/Windows", "text/html", "" },
		{ "/1/Darwin_i386", "text/html", "" },
		{ "/logout", "text/html", "" },
		{ "/+CSCOT+/translation-table", "text/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" },
		{ "/+CSCOT+/oem-customization", "text/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" },
	};

	size_t plen = strcspn(url, "?");   /* the query does not change the answer */

	for (size_t i = 0; i < sizeof(stubs) / sizeof(stubs[0]); i++)
		if (strlen(stubs[i].path) == plen && strncmp(url, stubs[i].path, plen) == 0)
			return wk_http_respond(w, 200, NULL, stubs[i].ctype, stubs[i].body,
					       strlen(stubs[i].body));
	return 1;
}

/* only to a client that holds this connection's login or presents its cookie */
static int serve_profile(struct wk *w)
{
	const char *cookie = http_req_cookie(w->req, "webvpn");
	uint8_t sid[SID_LEN];
	uint8_t diff = 0;

	if (w->profile == NULL)
		return wk_http_respond(w, 404, NULL, NULL, NULL, 0);
	if (!w->logged_in || cookie == NULL || cookie_decode(cookie, sid) < 0)
		return wk_http_respond(w, 401, NULL, NULL, NULL, 0);
	for (size_t i = 0; i < SID_LEN; i++)
		diff |= sid[i] ^ w->sid[i];
	if (diff != 0)
		return wk_http_respond(w, 401, NULL, NULL, NULL, 0);
	return wk_http_respond(w, 200, NULL, "text/xml", w->profile, w->profile_len);
}

static bool is_login_path(const char *url)
{
	return strcmp(url, "/") == 0 || strcmp(url, "/auth") == 0 || strcmp(url, "/VPN") == 0 ||
	       strncmp(url, "/?", 2) == 0;
}

/* 1: request handled, keep going; 0: handled, close; <0: error */
static int dispatch(struct wk *w, TALLOC_CTX *tmp, const uint8_t *extra, size_t extra_len)
{
	const char *url = http_req_url(w->req);
	enum http_method_id m = http_req_method(w->req);
	int rc;

	talloc_free(w->user_agent);
	w->user_agent = talloc_strndup(w, http_req_header(w->req, "User-Agent", 0) ?: "", 255);
	if (m == HTTP_M_CONNECT) {
		if (strcmp(url, "/CSCOSSLC/tunnel") != 0 && strcmp(url, "CSCOSSLC/tunnel") != 0) {
			wk_http_respond(w, 404, "Connection: close\r\n", NULL, NULL, 0);
			return 0;
		}
		return wk_connect(w, extra, extra_len);
	}
	if (m == HTTP_M_POST && url[0] == '/')
		rc = serve_auth(w, tmp);
	/* openconnect 9.01 asks for "/profiles%2FNAME:PORT" (from the webvpnc cookie): the
	 * suffix never selects anything, there is one profile */
	else if (m == HTTP_M_GET && strncmp(url, "/profiles", 9) == 0)
		rc = serve_profile(w);
	else if (m == HTTP_M_GET && is_login_path(url))
		rc = send_login_form(w, tmp, NULL);
	else if (m == HTTP_M_GET && (rc = serve_stub(w, url)) <= 0)
		;
	else {
		log_info("%s: no such page '%.64s'", w->st->remote_ip, url);
		wk_http_respond(w, 404, "Connection: close\r\n", NULL, NULL, 0);
		return 0;
	}
	if (rc < 0)
		return rc;
	return http_req_keep_alive(w->req) ? 1 : 0;
}

static int wait_readable(struct wk *w, time_t deadline)
{
	struct pollfd pfd = { .fd = w->client_fd, .events = POLLIN };
	time_t now = time(NULL);
	int rc;

	if (gnutls_record_check_pending(w->tls) > 0)
		return 0;
	if (now >= deadline)
		return -ETIMEDOUT;
	rc = poll(&pfd, 1, (int)(deadline - now) * 1000);
	if (rc == 0)
		return -ETIMEDOUT;
	return rc < 0 ? -errno : 0;
}

/* Reads requests until the client closes, errs, or a CONNECT becomes a tunnel. */
int wk_serve_http(struct wk *w)
{
	uint8_t buf[4096];
	unsigned timeout = w->cfg->auth_timeout ? w->cfg->auth_timeout : 240;
	time_t deadline = time(NULL) + timeout;
	size_t used;
	ssize_t n;
	int rc;

	w->req = http_req_new(w);
	if (w->req == NULL)
		return -ENOMEM;
	for (;;) {
		if ((rc = wait_readable(w, deadline)) < 0)
			return rc;
		n = gnutls_record_recv(w->tls, buf, sizeof(buf));
		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
			continue;
		if (n <= 0)
			return n == 0 ? 0 : -ECONNRESET;
		rc = http_req_feed(w->req, buf, (size_t)n, &used);
		if (rc == -EMSGSIZE || rc == -EBADMSG) {
			wk_http_respond(w, rc == -EMSGSIZE ? 413 : 400, "Connection: close\r\n",
					NULL, NULL, 0);
			log_info("bad HTTP request from %s (%s)", w->st->remote_ip,
				 rc == -EMSGSIZE ? "too large" : "malformed");
			return 0;
		}
		if (rc == 0)
			continue;
		TALLOC_CTX *tmp = talloc_new(w);

		rc = dispatch(w, tmp, buf + used, (size_t)n - used);
		talloc_free(tmp);
		if (rc <= 0)
			return rc;
		http_req_reset(w->req);
	}
}
