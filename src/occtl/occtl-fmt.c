/* occtl/occtl-fmt.c: human-readable values and JSON lines. Runs in: occtl. */
#include <inttypes.h>
#include <string.h>

#include "occtl/occtl-fmt.h"

void fmt_duration(uint64_t secs, char *buf, size_t len)
{
	if (secs < 60)
		snprintf(buf, len, "%5" PRIu64 "s", secs);
	else if (secs < 3600)
		snprintf(buf, len, "%2" PRIu64 "m:%02" PRIu64 "s", secs / 60, secs % 60);
	else if (secs < 48 * 3600)
		snprintf(buf, len, "%2" PRIu64 "h:%02" PRIu64 "m", secs / 3600, (secs % 3600) / 60);
	else
		snprintf(buf, len, "%2" PRIu64 "days", secs / 86400);
}

void fmt_bytes(uint64_t b, char *buf, size_t len)
{
	if (b >= 1000000000ULL)
		snprintf(buf, len, "%.1f GB", (double)b / 1e9);
	else if (b >= 1000000ULL)
		snprintf(buf, len, "%.1f MB", (double)b / 1e6);
	else if (b > 1000ULL)
		snprintf(buf, len, "%.1f KB", (double)b / 1e3);
	else
		snprintf(buf, len, "%" PRIu64 " bytes", b);
}

void fmt_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(buf, len, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
}

/* Names and values are ours or the server's; escape what JSON requires. */
static void json_quote(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s != NULL && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_key(struct json *j, const char *key)
{
	if (j->need_comma)
		fputs(",\n", j->f);
	fprintf(j->f, "%*s", j->indent, "");
	json_quote(j->f, key);
	fputc(':', j->f);
	j->need_comma = true;
}

void json_str(struct json *j, const char *key, const char *val)
{
	json_key(j, key);
	fputs("  ", j->f);
	json_quote(j->f, val);
}

void json_num(struct json *j, const char *key, uint64_t val)
{
	json_key(j, key);
	fprintf(j->f, "  %" PRIu64, val);
}

void json_arr(struct json *j, const char *key, char *const *vals, size_t n)
{
	json_key(j, key);
	fputs("\t[", j->f);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			fputs(", ", j->f);
		json_quote(j->f, vals[i]);
	}
	fputc(']', j->f);
}

void json_begin_obj(struct json *j, bool first)
{
	fputs(first ? "  {\n" : ",\n\n  {\n", j->f);
	j->need_comma = false;
	j->indent = 4;
}

void json_end_obj(struct json *j)
{
	fputs("\n  }", j->f);
	j->need_comma = false;
}
