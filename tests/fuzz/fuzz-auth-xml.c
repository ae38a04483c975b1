/* tests/fuzz/fuzz-auth-xml.c: auth XML/form parser, and formatter escaping of arbitrary text. Runs in: fuzzing, make check. */
#include <libxml/parser.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>

#include "worker/auth-xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* whatever we format must be well-formed XML, whatever text went in */
static void check_well_formed(const char *doc)
{
	xmlDocPtr d;

	if (doc == NULL)
		return;                 /* OOM */
	d = xmlReadMemory(doc, (int)strlen(doc), NULL, NULL,
			  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (d == NULL)
		abort();
	xmlFreeDoc(d);
}

static void format_all(TALLOC_CTX *ctx, const char *s)
{
	check_well_formed(auth_xml_request(ctx, s, s, s, true, true, s));
	check_well_formed(auth_xml_complete(ctx, s, s, s));
	check_well_formed(auth_xml_failed(ctx, s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *ctx = talloc_new(NULL);
	struct auth_reply *r;
	char *text;

	if (ctx == NULL)
		return 0;
	if (auth_xml_parse(ctx, data, size, &r) == 0 && r->username != NULL)
		format_all(ctx, r->username);
	if (size <= 4096 && (text = talloc_strndup(ctx, (const char *)data, size)) != NULL)
		format_all(ctx, text);
	talloc_free(ctx);
	return 0;
}
