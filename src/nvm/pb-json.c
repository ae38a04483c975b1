/* nvm/pb-json.c: any protobuf-c message as JSON text. Runs in: ocserv-nvm, occtl. */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "nvm/pb-json.h"

struct pj {
	char *s;        /* NULL once an allocation failed */
	size_t len;     /* bytes used, without the NUL */
	size_t cap;     /* bytes allocated; doubles so a long reply costs linear time */
	int indent;     /* spaces per level, < 0 = one line */
};

static void put(struct pj *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct pj *j, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (j->s == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(j->s + j->len, j->cap - j->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		j->s = NULL;
		return;
	}
	if ((size_t)n >= j->cap - j->len) {
		size_t want = j->cap * 2 > j->len + (size_t)n + 1 ? j->cap * 2 : j->len + (size_t)n + 1;
		char *s = talloc_realloc(NULL, j->s, char, want);

		if (s == NULL) {
			talloc_free(j->s);
			j->s = NULL;
			return;
		}
		j->s = s;
		j->cap = want;
		va_start(ap, fmt);
		vsnprintf(j->s + j->len, j->cap - j->len, fmt, ap);
		va_end(ap);
	}
	j->len += (size_t)n;
}

static void newline(struct pj *j, int level)
{
	if (j->indent >= 0)
		put(j, "\n%*s", level * j->indent, "");
}

static void put_str(struct pj *j, const char *v)
{
	const unsigned char *p = (const unsigned char *)v;

	put(j, "\"");
	for (; *p != '\0' && j->s != NULL; p++) {
		if (*p == '"' || *p == '\\')
			put(j, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			put(j, "\\u%04x", *p);
		else
			put(j, "%c", *p);
	}
	put(j, "\"");
}

static void put_msg(struct pj *j, const ProtobufCMessage *m, int level);

static void put_value(struct pj *j, const ProtobufCFieldDescriptor *f, const void *p, int level)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
		put(j, "%" PRId32, *(const int32_t *)p);
		break;
	case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32:
		put(j, "%" PRIu32, *(const uint32_t *)p);
		break;
	case PROTOBUF_C_TYPE_ENUM:
		put(j, "%d", *(const int *)p);
		break;
	case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
		put(j, "%" PRId64, *(const int64_t *)p);
		break;
	case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
		put(j, "%" PRIu64, *(const uint64_t *)p);
		break;
	case PROTOBUF_C_TYPE_BOOL:
		put(j, "%s", *(const protobuf_c_boolean *)p ? "true" : "false");
		break;
	case PROTOBUF_C_TYPE_FLOAT:
		put(j, "%.6g", isfinite(*(const float *)p) ? *(const float *)p : 0.0);
		break;
	case PROTOBUF_C_TYPE_DOUBLE:
		put(j, "%.6g", isfinite(*(const double *)p) ? *(const double *)p : 0.0);
		break;
	case PROTOBUF_C_TYPE_STRING:
		put_str(j, *(char *const *)p ? *(char *const *)p : "");
		break;
	case PROTOBUF_C_TYPE_BYTES: {
		const ProtobufCBinaryData *b = p;

		put(j, "\"");
		for (size_t i = 0; i < b->len; i++)
			put(j, "%02x", b->data[i]);
		put(j, "\"");
		break;
	}
	case PROTOBUF_C_TYPE_MESSAGE:
		put_msg(j, *(ProtobufCMessage *const *)p, level);
		break;
	}
}

static size_t type_size(ProtobufCType t)
{
	switch (t) {
	case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64: case PROTOBUF_C_TYPE_DOUBLE:
		return 8;
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_STRING: case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(void *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	default:
		return 4;
	}
}

/* false when an optional field is absent */
static bool field_present(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f)
{
	const char *base = (const char *)m;

	if (f->label != PROTOBUF_C_LABEL_OPTIONAL)
		return true;
	if (f->type == PROTOBUF_C_TYPE_STRING || f->type == PROTOBUF_C_TYPE_MESSAGE)
		return *(void *const *)(base + f->offset) != NULL;
	return *(const protobuf_c_boolean *)(base + f->quantifier_offset);
}

static void put_field(struct pj *j, const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f,
		      int level)
{
	const char *base = (const char *)m;

	put(j, "\"%s\":%s", f->name, j->indent >= 0 ? " " : "");
	if (f->label != PROTOBUF_C_LABEL_REPEATED) {
		put_value(j, f, base + f->offset, level);
		return;
	}
	size_t n = *(const size_t *)(base + f->quantifier_offset);
	const char *arr = *(const char *const *)(base + f->offset);

	put(j, "[");
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			put(j, ",");
		newline(j, level + 1);
		put_value(j, f, arr + i * type_size(f->type), level + 1);
	}
	if (n > 0)
		newline(j, level);
	put(j, "]");
}

static void put_msg(struct pj *j, const ProtobufCMessage *m, int level)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	bool first = true;

	put(j, "{");
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];

		if (!field_present(m, f))
			continue;
		if (!first)
			put(j, ",");
		first = false;
		newline(j, level + 1);
		put_field(j, m, f, level + 1);
	}
	if (!first)
		newline(j, level);
	put(j, "}");
}

char *pb_json(TALLOC_CTX *mem_ctx, const ProtobufCMessage *msg, int indent)
{
	struct pj j = { .s = talloc_zero_size(mem_ctx, 256), .len = 0, .cap = 256,
			.indent = indent };

	put_msg(&j, msg, 0);
	return j.s;
}
