/* tests/unit/test-auth-xml.c: aggregate-auth XML parsing and formatting. Runs in: make check. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <talloc.h>

#include "worker/auth-xml.h"

#define CAPS                                                                                       \
	"<version who=\"vpn\">v9.01-3</version><device-id>linux-64</device-id><capabilities>"      \
	"<auth-method>single-sign-on-v2</auth-method><auth-method>single-sign-on-external-browser" \
	"</auth-method></capabilities>"

/* bodies from capture-openconnect901-vs-ocserv116.log */
static const char init_body[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<config-auth client=\"vpn\" type=\"init\" aggregate-auth-version=\"2\">" CAPS
	"<group-access>https://127.0.0.1:4443/</group-access></config-auth>\n";
static const char user_body[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<config-auth client=\"vpn\" type=\"auth-reply\" aggregate-auth-version=\"2\">" CAPS
	"<auth><username>alice</username></auth></config-auth>\n";
static const char pass_body[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<config-auth client=\"vpn\" type=\"auth-reply\" aggregate-auth-version=\"2\">" CAPS
	"<auth><password>(test password)</password></auth></config-auth>\n";

static int parse_str(TALLOC_CTX *ctx, const char *s, struct auth_reply **ret)
{
	return auth_xml_parse(ctx, (const uint8_t *)s, strlen(s), ret);
}

static void test_capture_bodies(void **state)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct auth_reply *r = NULL;

	(void)state;
	assert_int_equal(parse_str(tmp, init_body, &r), 0);
	assert_string_equal(r->type, "init");
	assert_string_equal(r->version, "v9.01-3");
	assert_string_equal(r->device_id, "linux-64");
	assert_null(r->username);
	assert_null(r->password);
	assert_null(r->group_select);

	assert_int_equal(parse_str(tmp, user_body, &r), 0);
	assert_string_equal(r->type, "auth-reply");
	assert_string_equal(r->username, "alice");
	assert_null(r->password);

	assert_int_equal(parse_str(tmp, pass_body, &r), 0);
	assert_string_equal(r->password, "(test password)");
	assert_null(r->username);
	talloc_free(tmp);
}

static void test_xml_variants(void **state)
{
	static const char body[] =
		"\r\n  <?xml version=\"1.0\"?><config-auth client=\"vpn\" type=\"auth-reply\">"
		"<group-select>eng</group-select><auth><USERNAME>bob</USERNAME>"
		"<Password><![CDATA[p<w]]>&amp;&#65;</Password><username>ignored</username></auth>"
		"</config-auth>";
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct auth_reply *r = NULL;

	(void)state;
	assert_int_equal(parse_str(tmp, body, &r), 0);
	assert_string_equal(r->username, "bob");        /* first wins, case-insensitive */
	assert_string_equal(r->password, "p<w&A");
	assert_string_equal(r->group_select, "eng");
	assert_null(r->version);
	/* empty elements give empty strings; a missing type stays NULL */
	assert_int_equal(parse_str(tmp, "<config-auth><auth><username/></auth></config-auth>", &r), 0);
	assert_null(r->type);
	assert_string_equal(r->username, "");
	/* UTF-8 BOM */
	assert_int_equal(parse_str(tmp, "\xef\xbb\xbf<config-auth type=\"init\"/>", &r), 0);
	assert_string_equal(r->type, "init");
	talloc_free(tmp);
}

static void test_form_urlencoded(void **state)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct auth_reply *r = NULL;

	(void)state;
	assert_int_equal(parse_str(tmp, "username=al%69ce+x&password=p%26ss%3d1&group_list=g1\r\n", &r), 0);
	assert_string_equal(r->type, "auth-reply");
	assert_string_equal(r->username, "alice x");
	assert_string_equal(r->password, "p&ss=1");
	assert_string_equal(r->group_select, "g1");
	assert_int_equal(parse_str(tmp, "group%5flist=g2&&password&other=1&username=", &r), 0);
	assert_string_equal(r->group_select, "g2");
	assert_string_equal(r->password, "");
	assert_string_equal(r->username, "");
	assert_int_equal(parse_str(tmp, "", &r), 0);
	assert_null(r->username);

	r = NULL;
	assert_int_equal(parse_str(tmp, "username=%zz", &r), -EBADMSG);
	assert_int_equal(parse_str(tmp, "username=a%4", &r), -EBADMSG);
	assert_int_equal(parse_str(tmp, "username=a%00b", &r), -EBADMSG);
	assert_int_equal(parse_str(tmp, "pass%", &r), -EBADMSG);
	assert_null(r);                                  /* untouched on failure */
	talloc_free(tmp);
}

static void test_broken_xml(void **state)
{
	static const char *bad[] = {
		"<config-auth><auth>",
		"<config-auth type=\"init\"></config-aut>",
		"<auth><username>x</username></auth>",           /* wrong root */
		"<",
		"<config-auth><auth><username>&lol;</username></auth></config-auth>",
		"<?xml version=\"1.0\"?>\n<config-auth/><config-auth/>",
		"<config-auth>\xff\xfe</config-auth>",          /* invalid UTF-8 */
	};
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct auth_reply *r = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse_str(tmp, bad[i], &r), -EBADMSG);
	/* UTF-16 with BOM: NUL bytes */
	assert_int_equal(auth_xml_parse(tmp, (const uint8_t *)"\xff\xfe<\0c\0/\0>\0", 10, &r), -EBADMSG);
	assert_null(r);
	talloc_free(tmp);
}

static void test_no_entity_expansion(void **state)
{
	static const char laughs[] =
		"<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n"
		"<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
		"<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
		"<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
		"<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
		"<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
		"<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
		"<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
		"<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
		"<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
		"]>\n<config-auth type=\"auth-reply\"><auth><username>&lol9;</username></auth></config-auth>";
	static const char xxe[] =
		"<?xml version=\"1.0\"?><!DOCTYPE config-auth [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
		"<config-auth><auth><username>&x;</username></auth></config-auth>";
	static const char ext_dtd[] =
		"<?xml version=\"1.0\"?><!DOCTYPE config-auth SYSTEM \"http://127.0.0.1:1/x.dtd\">"
		"<config-auth/>";
	static const char quiet_entity[] =     /* declared but harmless: still refused */
		"<!DOCTYPE config-auth [<!ENTITY u \"alice\">]><config-auth><auth><username>&u;"
		"</username></auth></config-auth>";
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct auth_reply *r = NULL;
	clock_t t0 = clock();

	(void)state;
	assert_int_equal(parse_str(tmp, laughs, &r), -EBADMSG);
	assert_int_equal(parse_str(tmp, xxe, &r), -EBADMSG);
	assert_int_equal(parse_str(tmp, ext_dtd, &r), -EBADMSG);
	assert_int_equal(parse_str(tmp, quiet_entity, &r), -EBADMSG);
	assert_null(r);
	assert_true(clock() - t0 < CLOCKS_PER_SEC);      /* nothing was expanded */
	assert_true(talloc_total_size(tmp) < 1024);
	talloc_free(tmp);
}

static void test_size_cap(void **state)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	size_t n = AUTH_XML_MAX_INPUT + 1;
	uint8_t *big = talloc_size(tmp, n);
	struct auth_reply *r = NULL;

	(void)state;
	memset(big, 'a', n);
	assert_int_equal(auth_xml_parse(tmp, big, n, &r), -EMSGSIZE);
	memcpy(big, "username=", 9);
	assert_int_equal(auth_xml_parse(tmp, big, n - 1, &r), 0);
	assert_int_equal(strlen(r->username), n - 1 - 9);
	talloc_free(tmp);
}

/* ---- formatters, checked by parsing their output back with libxml2 ---- */

static xmlDocPtr reparse(const char *doc)
{
	xmlDocPtr d;

	assert_non_null(doc);
	d = xmlReadMemory(doc, (int)strlen(doc), NULL, NULL, XML_PARSE_NONET);
	assert_non_null(d);
	return d;
}

/* string value of an XPath expression, as a talloc string on ctx */
static char *xp(TALLOC_CTX *ctx, xmlDocPtr d, const char *expr)
{
	xmlXPathContextPtr xc = xmlXPathNewContext(d);
	xmlXPathObjectPtr o;
	char *s;

	assert_non_null(xc);
	o = xmlXPathEvalExpression((const xmlChar *)expr, xc);
	assert_non_null(o);
	assert_int_equal(o->type, XPATH_STRING);
	s = talloc_strdup(ctx, (const char *)o->stringval);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(xc);
	return s;
}

static void test_request_two_step(void **state)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *doc = auth_xml_request(tmp, "Please enter your username.", NULL, NULL, true, false, NULL);
	xmlDocPtr d = reparse(doc);

	(void)state;
	assert_true(strncmp(doc, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 39) == 0);
	assert_string_equal(xp(tmp, d, "string(/config-auth/@client)"), "vpn");
	assert_string_equal(xp(tmp, d, "string(/config-auth/@type)"), "auth-request");
	assert_string_equal(xp(tmp, d, "string(/config-auth/version/@who)"), "sg");
	assert_string_equal(xp(tmp, d, "string(/config-auth/version)"), "0.1(1)");
	assert_string_equal(xp(tmp, d, "string(/config-auth/auth/@id)"), "main");
	assert_string_equal(xp(tmp, d, "string(/config-auth/auth/message)"), "Please enter your username.");
	assert_string_equal(xp(tmp, d, "string(count(/config-auth/auth/error))"), "0");
	assert_string_equal(xp(tmp, d, "string(count(/config-auth/auth/banner))"), "0");
	assert_string_equal(xp(tmp, d, "string(/config-auth/auth/form/@method)"), "post");
	assert_string_equal(xp(tmp, d, "string(/config-auth/auth/form/@action)"), "/auth");
	assert_string_equal(xp(tmp, d, "string(count(/config-auth/auth/form/input))"), "1");
	assert_string_equal(xp(tmp, d, "string(/config-auth/auth/form/input/@type)"), "text");
	assert_string_equal(xp(tmp, d, "string(/config-auth/auth/form/input/@name)"), "username");
	assert_string_equal(xp(tmp, d, "string(/config-auth/auth/form/input/@label)"), "Username:");
	xmlFreeDoc(d);

	doc = auth_xml_request(tmp, "Please enter your password.", NULL, NULL, false, true, NULL);
	d = reparse(doc);
	assert_string_equal(xp(tmp, d, "string(count(/config-auth/auth/form/input))"), "1");
	assert_string_equal(xp(tmp, d, "string(/config-auth/auth/form/input/@type)"), "password");
	assert_string_equal(xp(tmp, d, "string(/config-auth/auth/form/input/@name)"), "password");
	assert_string_equal(xp(tmp, d, "string(/config-auth/auth/form/input/@label)"), "Password:");
	xmlFreeDoc(d);
	talloc_free(tmp);
}

static void test_request_escaping(void **state)
{
	static const char nasty[] = "<b>&\"quoted\" 'x'</b></message><form action=\"//evil\">";
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *doc = auth_xml_request(tmp, nasty, "Login <failed> & \"retry\"", "Banner\n<&>", true, true,
				     "PIN \"2\" <&>:");
	xmlDocPtr d = reparse(doc);

	(void)state;
	assert_string_equal(xp(tmp, d, "string(/config-auth/auth/message)"), nasty);
	assert_string_equal(xp(tmp, d, "string(/config-auth/auth/error)"), "Login <failed> & \"retry\"");
	assert_string_equal(xp(tmp, d, "string(/config-auth/auth/banner)"), "Banner\n<&>");
	assert_string_equal(xp(tmp, d, "string(count(/config-auth/auth/form))"), "1");
	assert_string_equal(xp(tmp, d, "string(/config-auth/auth/form/input[@name='password']/@label)"),
			    "PIN \"2\" <&>:");
	assert_string_equal(xp(tmp, d, "string(count(/config-auth/auth/form/input))"), "2");
	assert_null(strstr(doc, "<b>"));
	xmlFreeDoc(d);
	talloc_free(tmp);
}

static void test_request_unrepresentable_bytes(void **state)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *doc = auth_xml_request(tmp, "a\x01" "b\x7f" "c\xff" "d\xc3(\xe2\x82\xac\xed\xa0\x80", NULL,
				     NULL, true, true, NULL);
	xmlDocPtr d = reparse(doc);

	(void)state;
	/* controls, a stray byte and a surrogate become '?'; the euro sign stays */
	assert_string_equal(xp(tmp, d, "string(/config-auth/auth/message)"),
			    "a?b?c?d?(\xe2\x82\xac???");
	xmlFreeDoc(d);
	/* regression (fuzz-auth-xml): U+FFFF / U+FFFE are UTF-8 but not XML characters */
	doc = auth_xml_request(tmp, "x\xef\xbf\xbfy\xef\xbf\xbez\xef\xbf\xbd", NULL, NULL, true, true,
			       NULL);
	d = reparse(doc);
	assert_string_equal(xp(tmp, d, "string(/config-auth/auth/message)"), "x?y?z\xef\xbf\xbd");
	xmlFreeDoc(d);
	talloc_free(tmp);
}

static void test_complete(void **state)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *doc = auth_xml_complete(tmp, "Welcome to test VPN", "AAEC+/8=",
				      "50D3C12AF694E8678CBD7066BF270247D1EEC645");
	xmlDocPtr d = reparse(doc);

	(void)state;
	assert_string_equal(xp(tmp, d, "string(/config-auth/@type)"), "complete");
	assert_string_equal(xp(tmp, d, "string(/config-auth/version)"), "0.1(1)");
	assert_string_equal(xp(tmp, d, "string(/config-auth/session-token)"), "AAEC+/8=");
	assert_string_equal(xp(tmp, d, "string(/config-auth/auth/@id)"), "success");
	assert_string_equal(xp(tmp, d, "string(/config-auth/auth/title)"), "SSL VPN Service");
	assert_string_equal(xp(tmp, d, "string(/config-auth/auth/banner)"), "Welcome to test VPN");
	assert_string_equal(xp(tmp, d, "string(/config-auth/config/@client)"), "vpn");
	assert_string_equal(xp(tmp, d, "string(/config-auth/config/@type)"), "private");
	assert_string_equal(xp(tmp, d, "string(/config-auth/config/vpn-base-config/server-cert-hash)"),
			    "50D3C12AF694E8678CBD7066BF270247D1EEC645");
	xmlFreeDoc(d);

	doc = auth_xml_complete(tmp, NULL, NULL, NULL);
	d = reparse(doc);
	assert_string_equal(xp(tmp, d, "string(count(/config-auth/session-token))"), "0");
	assert_string_equal(xp(tmp, d, "string(count(/config-auth/config))"), "0");
	assert_string_equal(xp(tmp, d, "string(count(/config-auth/auth/banner))"), "0");
	assert_string_equal(xp(tmp, d, "string(/config-auth/auth/title)"), "SSL VPN Service");
	xmlFreeDoc(d);

	doc = auth_xml_complete(tmp, "<&>", "a<b", NULL);
	d = reparse(doc);
	assert_string_equal(xp(tmp, d, "string(/config-auth/auth/banner)"), "<&>");
	assert_string_equal(xp(tmp, d, "string(/config-auth/session-token)"), "a<b");
	xmlFreeDoc(d);
	talloc_free(tmp);
}

static void test_complete_profile(void **state)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	const char *f = "/config-auth/config/vpn-profile-manifest/vpn/file";
	char *doc = auth_xml_complete_profile(tmp, NULL, "tok", "AB", "/profiles/p.xml",
					      "0123456789abcdef0123456789abcdef01234567");
	xmlDocPtr d = reparse(doc);

	(void)state;
	assert_string_equal(xp(tmp, d, "string(/config-auth/config/vpn-base-config/server-cert-hash)"),
			    "AB");
	assert_string_equal(xp(tmp, d, "string(/config-auth/config/vpn-profile-manifest/vpn/@rev)"),
			    "1.0");
	assert_string_equal(xp(tmp, d, talloc_asprintf(tmp, "string(%s/@type)", f)), "profile");
	assert_string_equal(xp(tmp, d, talloc_asprintf(tmp, "string(%s/@service-type)", f)), "user");
	assert_string_equal(xp(tmp, d, talloc_asprintf(tmp, "string(%s/uri)", f)), "/profiles/p.xml");
	assert_string_equal(xp(tmp, d, talloc_asprintf(tmp, "string(%s/hash/@type)", f)), "sha1");
	assert_string_equal(xp(tmp, d, talloc_asprintf(tmp, "string(%s/hash)", f)),
			    "0123456789abcdef0123456789abcdef01234567");
	xmlFreeDoc(d);
	/* a URI without a hash is no manifest */
	doc = auth_xml_complete_profile(tmp, NULL, NULL, NULL, "/profiles/p.xml", NULL);
	d = reparse(doc);
	assert_string_equal(xp(tmp, d, "string(count(/config-auth/config))"), "0");
	xmlFreeDoc(d);
	talloc_free(tmp);
}

static void test_failed(void **state)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	char *doc = auth_xml_failed(tmp, NULL);
	xmlDocPtr d = reparse(doc);

	(void)state;
	assert_string_equal(xp(tmp, d, "string(/config-auth/@type)"), "auth-request");
	assert_string_equal(xp(tmp, d, "string(/config-auth/auth/error)"), "Login failed.");
	assert_string_equal(xp(tmp, d, "string(count(/config-auth/auth/form/input))"), "2");
	assert_string_equal(xp(tmp, d, "string(/config-auth/auth/form/input[1]/@name)"), "username");
	assert_string_equal(xp(tmp, d, "string(/config-auth/auth/form/input[2]/@name)"), "password");
	xmlFreeDoc(d);
	doc = auth_xml_failed(tmp, "Wrong & <bad>");
	d = reparse(doc);
	assert_string_equal(xp(tmp, d, "string(/config-auth/auth/error)"), "Wrong & <bad>");
	xmlFreeDoc(d);
	talloc_free(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_bodies),
		cmocka_unit_test(test_xml_variants),
		cmocka_unit_test(test_form_urlencoded),
		cmocka_unit_test(test_broken_xml),
		cmocka_unit_test(test_no_entity_expansion),
		cmocka_unit_test(test_size_cap),
		cmocka_unit_test(test_request_two_step),
		cmocka_unit_test(test_request_escaping),
		cmocka_unit_test(test_request_unrepresentable_bytes),
		cmocka_unit_test(test_complete),
		cmocka_unit_test(test_complete_profile),
		cmocka_unit_test(test_failed),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	xmlCleanupParser();
	return rc;
}
