/* worker/auth-xml.c: aggregate-auth XML bodies, parsed and formatted. Runs in: worker (unprivileged). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1                   /* memmem */
#endif
#include <errno.h>
#include <libxml/parser.h>
#include <stdint.h>
#include <libxml/tree.h>
#include <string.h>
#include <strings.h>

#include "common/pkt.h"
#include "auth-xml.h"

/* ---- parsing ---- */

static bool is_ws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Refuse anything that could make libxml2 look at a DTD: no client sends one,
 * and without it there are no entities to expand (billion laughs, XXE). NUL
 * bytes are refused so UTF-16 cannot hide a DOCTYPE from this byte scan.
 */
static bool has_forbidden_markup(const uint8_t *body, size_t len)
{
	return memchr(body, '\0', len) != NULL || memmem(body, len, "<!DOCTYPE", 9) != NULL ||
	       memmem(body, len, "<!ENTITY", 8) != NULL;
}

/* concatenated text and CDATA children only; entity references are never followed */
static int node_text(TALLOC_CTX *mem_ctx, const xmlNode *n, char **ret)
{
	char *s = talloc_strdup(mem_ctx, "");
	const xmlNode *c;

	for (c = n->children; c != NULL && s != NULL; c = c->next)
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
		    c->content != NULL)
			s = talloc_strdup_append_buffer(s, (const char *)c->content);
	if (s == NULL)
		return -ENOMEM;
	*ret = s;
	return 0;
}

static bool name_is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcasecmp((const char *)n->name, name) == 0;
}

/* store the text of n into *field unless an earlier element already set it */
static int take_text(struct auth_reply *r, const xmlNode *n, char **field)
{
	if (*field != NULL)
		return 0;
	return node_text(r, n, field);
}

static int take_auth(struct auth_reply *r, const xmlNode *auth)
{
	const xmlNode *c;
	int rc = 0;

	for (c = auth->children; c != NULL && rc == 0; c = c->next) {
		if (name_is(c, "username"))
			rc = take_text(r, c, &r->username);
		else if (name_is(c, "password"))
			rc = take_text(r, c, &r->password);
	}
	return rc;
}

static int take_root(struct auth_reply *r, const xmlNode *root)
{
	const xmlNode *c;
	xmlChar *type;
	int rc = 0;

	type = xmlGetProp(root, (const xmlChar *)"type");
	if (type != NULL) {
		r->type = talloc_strdup(r, (const char *)type);
		xmlFree(type);
		if (r->type == NULL)
			return -ENOMEM;
	}
	for (c = root->children; c != NULL && rc == 0; c = c->next) {
		if (name_is(c, "version"))
			rc = take_text(r, c, &r->version);
		else if (name_is(c, "device-id"))
			rc = take_text(r, c, &r->device_id);
		else if (name_is(c, "group-select"))
			rc = take_text(r, c, &r->group_select);
		else if (name_is(c, "auth"))
			rc = take_auth(r, c);
	}
	return rc;
}

static int parse_xml(struct auth_reply *r, const uint8_t *body, size_t len)
{
	/* no NOENT, DTDLOAD or DTDATTR: entities stay unexpanded and nothing is fetched */
	const int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
			 XML_PARSE_IGNORE_ENC;
	xmlDocPtr doc = NULL;
	xmlNode *root;
	int rc = -EBADMSG;

	if (has_forbidden_markup(body, len))
		goto out;
	doc = xmlReadMemory((const char *)body, (int)len, NULL, "UTF-8", opts);
	if (doc == NULL || doc->intSubset != NULL || doc->extSubset != NULL)
		goto out;
	root = xmlDocGetRootElement(doc);
	if (root == NULL || !name_is(root, "config-auth"))
		goto out;
	rc = take_root(r, root);
out:
	xmlFreeDoc(doc);
	return rc;
}

static int hex_val(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* decode one form token (name or value); -EBADMSG for a bad escape or a NUL */
static int form_decode(TALLOC_CTX *mem_ctx, struct pkt_reader *tok, char **ret)
{
	char *out = talloc_array(mem_ctx, char, tok->left + 1);
	const uint8_t *hex;
	size_t o = 0;
	uint8_t c;

	if (out == NULL)
		return -ENOMEM;
	while (pkt_get_u8(tok, &c) == 0) {
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			if (pkt_get_bytes(tok, 2, &hex) < 0 || hex_val(hex[0]) < 0 || hex_val(hex[1]) < 0)
				goto bad;
			c = (uint8_t)(hex_val(hex[0]) << 4 | hex_val(hex[1]));
		}
		if (c == '\0')
			goto bad;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	*ret = out;
	return 0;
bad:
	talloc_free(out);
	return -EBADMSG;
}

/* split "name=value" (value may be absent) and keep the fields we know */
static int form_field(struct auth_reply *r, struct pkt_reader *pair)
{
	const uint8_t *eq = memchr(pair->p, '=', pair->left);
	size_t nlen = eq != NULL ? (size_t)(eq - pair->p) : pair->left;
	struct pkt_reader name, value;
	char *n = NULL, *v = NULL, **field = NULL;
	int rc;

	(void)pkt_sub(pair, nlen, &name);       /* nlen <= left by construction */
	(void)pkt_skip(pair, eq != NULL ? 1 : 0);
	(void)pkt_sub(pair, pair->left, &value);
	if ((rc = form_decode(r, &name, &n)) < 0 || (rc = form_decode(r, &value, &v)) < 0)
		goto out;
	if (strcmp(n, "username") == 0)
		field = &r->username;
	else if (strcmp(n, "password") == 0)
		field = &r->password;
	else if (strcmp(n, "group_list") == 0)
		field = &r->group_select;
	if (field != NULL && *field == NULL) {
		*field = v;
		v = NULL;
	}
out:
	talloc_free(n);
	talloc_free(v);
	return rc;
}

static int parse_form(struct auth_reply *r, const uint8_t *body, size_t len)
{
	struct pkt_reader rd = PKT_READER_INIT(body, len), pair;
	int rc = 0;

	r->type = talloc_strdup(r, "auth-reply");
	if (r->type == NULL)
		return -ENOMEM;
	while (rc == 0 && !pkt_at_end(&rd)) {
		const uint8_t *amp = memchr(rd.p, '&', rd.left);
		size_t plen = amp != NULL ? (size_t)(amp - rd.p) : rd.left;

		(void)pkt_sub(&rd, plen, &pair);
		(void)pkt_skip(&rd, amp != NULL ? 1 : 0);
		/* trailing CR/LF some clients append */
		while (pair.left > 0 && is_ws(pair.p[pair.left - 1]))
			pair.left--;
		if (pair.left > 0)
			rc = form_field(r, &pair);
	}
	return rc;
}

int auth_xml_parse(TALLOC_CTX *mem_ctx, const uint8_t *body, size_t len, struct auth_reply **ret)
{
	struct pkt_reader rd = PKT_READER_INIT(body, len);
	struct auth_reply *r;
	const uint8_t *bom;
	uint8_t c = 0;
	int rc;

	if (len > AUTH_XML_MAX_INPUT)
		return -EMSGSIZE;
	r = talloc_zero(mem_ctx, struct auth_reply);
	if (r == NULL)
		return -ENOMEM;
	/* the first significant byte decides: '<' is XML, anything else a form */
	if (pkt_get_bytes(&rd, 3, &bom) < 0 || memcmp(bom, "\xef\xbb\xbf", 3) != 0)
		rd = (struct pkt_reader)PKT_READER_INIT(body, len);
	while (pkt_get_u8(&rd, &c) == 0 && is_ws(c))
		;
	if (c == '<')   /* libxml2 refuses whitespace before the XML declaration */
		rc = parse_xml(r, body + (len - rd.left - 1), rd.left + 1);
	else
		rc = parse_form(r, body, len);
	if (rc < 0) {
		talloc_free(r);
		return rc;
	}
	*ret = r;
	return 0;
}

/* ---- formatting ---- */

#define XML_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define SG_VERSION "<version who=\"sg\">0.1(1)</version>\n"

/*
 * A document under construction in a temporary context; after the first
 * failure doc stays NULL and later appends do nothing, so callers check once.
 */
struct xml_buf {
	TALLOC_CTX *tmp;
	char *doc;
};

/* length of a valid UTF-8 sequence at s, or 0 (overlong, surrogate, > U+10FFFF, truncated) */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;               /* also stops at the NUL terminator */
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* U+FFFE and U+FFFF are valid UTF-8 but not XML 1.0 characters (found by fuzz-auth-xml) */
static bool is_nonchar(const unsigned char *s, size_t n)
{
	return n == 3 && s[0] == 0xef && s[1] == 0xbf && s[2] >= 0xbe;
}

/* escape markup; bytes XML 1.0 cannot carry at all (controls, bad UTF-8) become '?' */
static void xb_esc(struct xml_buf *b, const char *value)
{
	const unsigned char *s = (const unsigned char *)value;
	size_t n, o = 0, len = strlen(value);
	const char *rep;
	char *out;

	if (b->doc == NULL)
		return;
	/* one allocation: "&quot;" is the longest expansion of a single byte */
	if (len > (SIZE_MAX - 1) / 6 || (out = talloc_array(b->tmp, char, len * 6 + 1)) == NULL) {
		b->doc = NULL;
		return;
	}
	while (*s != '\0') {
		n = *s < 0x80 ? 1 : utf8_seq(s);
		rep = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;" :
		      *s == '"' ? "&quot;" : *s == '\'' ? "&apos;" : NULL;
		if (rep == NULL && (n == 0 || *s == 0x7f || is_nonchar(s, n) ||
				    (*s < 0x20 && *s != '\t' && *s != '\n' && *s != '\r')))
			rep = "?";
		if (rep != NULL) {
			memcpy(out + o, rep, strlen(rep));
			o += strlen(rep);
		} else {
			memcpy(out + o, s, n);
			o += n;
		}
		s += n == 0 ? 1 : n;
	}
	out[o] = '\0';
	b->doc = talloc_strdup_append_buffer(b->doc, out);
	talloc_free(out);
}

static void xb_raw(struct xml_buf *b, const char *s)
{
	if (b->doc != NULL)
		b->doc = talloc_strdup_append_buffer(b->doc, s);
}

/* <tag>value</tag>, or nothing when value is NULL; tag is ours, never peer data */
static void xb_elem(struct xml_buf *b, const char *open, const char *value, const char *close)
{
	if (value == NULL)
		return;
	xb_raw(b, open);
	xb_esc(b, value);
	xb_raw(b, close);
}

static void xb_start(struct xml_buf *b, TALLOC_CTX *mem_ctx, const char *type)
{
	b->tmp = talloc_new(mem_ctx);
	b->doc = b->tmp != NULL ? talloc_strdup(b->tmp, XML_HEAD) : NULL;
	xb_raw(b, "<config-auth client=\"vpn\" type=\"");
	xb_raw(b, type);
	xb_raw(b, "\">\n" SG_VERSION);
}

/* move the finished document to mem_ctx; NULL if any step ran out of memory */
static char *xb_finish(struct xml_buf *b, TALLOC_CTX *mem_ctx)
{
	char *doc = NULL;

	xb_raw(b, "</config-auth>\n");
	if (b->doc != NULL)
		doc = talloc_steal(mem_ctx, b->doc);
	talloc_free(b->tmp);
	return doc;
}

char *auth_xml_request(TALLOC_CTX *mem_ctx, const char *message, const char *error,
		       const char *pre_login_banner, bool ask_username, bool ask_password,
		       const char *password_label)
{
	struct xml_buf b;

	xb_start(&b, mem_ctx, "auth-request");
	xb_raw(&b, "<auth id=\"main\">\n");
	xb_elem(&b, "<banner>", pre_login_banner, "</banner>\n");
	xb_elem(&b, "<message>", message, "</message>\n");
	/* no param1/param2: openconnect would treat the text as a format for them */
	xb_elem(&b, "<error id=\"main\">", error, "</error>\n");
	xb_raw(&b, "<form method=\"post\" action=\"/auth\">\n");
	if (ask_username)
		xb_raw(&b, "<input type=\"text\" name=\"username\" label=\"Username:\" />\n");
	if (ask_password)
		xb_elem(&b, "<input type=\"password\" name=\"password\" label=\"",
			password_label != NULL ? password_label : "Password:", "\" />\n");
	xb_raw(&b, "</form></auth>\n");
	return xb_finish(&b, mem_ctx);
}

char *auth_xml_complete(TALLOC_CTX *mem_ctx, const char *banner, const char *session_token,
			const char *server_cert_sha1_hex)
{
	return auth_xml_complete_profile(mem_ctx, banner, session_token, server_cert_sha1_hex,
					 NULL, NULL);
}

char *auth_xml_complete_profile(TALLOC_CTX *mem_ctx, const char *banner,
				const char *session_token, const char *server_cert_sha1_hex,
				const char *profile_uri, const char *profile_sha1_hex)
{
	bool manifest = profile_uri != NULL && profile_sha1_hex != NULL;
	struct xml_buf b;

	xb_start(&b, mem_ctx, "complete");
	xb_elem(&b, "<session-token>", session_token, "</session-token>\n");
	xb_raw(&b, "<auth id=\"success\">\n<title>SSL VPN Service</title>");
	xb_elem(&b, "<banner>", banner, "</banner>");
	xb_raw(&b, "</auth>\n");
	if (server_cert_sha1_hex == NULL && !manifest)
		return xb_finish(&b, mem_ctx);
	xb_raw(&b, "<config client=\"vpn\" type=\"private\">");
	xb_elem(&b, "<vpn-base-config><server-cert-hash>", server_cert_sha1_hex,
		"</server-cert-hash></vpn-base-config>");
	/* the client fetches the profile when this hash differs from its copy's */
	if (manifest) {
		xb_raw(&b, "<vpn-profile-manifest><vpn rev=\"1.0\">"
			   "<file type=\"profile\" service-type=\"user\">");
		xb_elem(&b, "<uri>", profile_uri, "</uri>");
		xb_elem(&b, "<hash type=\"sha1\">", profile_sha1_hex, "</hash>");
		xb_raw(&b, "</file></vpn></vpn-profile-manifest>");
	}
	xb_raw(&b, "</config>\n");
	return xb_finish(&b, mem_ctx);
}

char *auth_xml_failed(TALLOC_CTX *mem_ctx, const char *message)
{
	return auth_xml_request(mem_ctx, "Please enter your username and password.",
				message != NULL ? message : "Login failed.", NULL, true, true, NULL);
}
