/* occtl/occtl-fmt.h: human-readable values and JSON lines as ocserv's occtl prints them. Runs in: occtl. */
#ifndef OCCTL_OCCTL_FMT_H
#define OCCTL_OCCTL_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

/* "    5s", " 1m:05s", " 3h:02m", " 4days" (widths as the reference occtl) */
void fmt_duration(uint64_t secs, char *buf, size_t len);
/* "1000 bytes", "2.0 KB", "1.5 MB", "3.0 GB" (powers of 1000) */
void fmt_bytes(uint64_t bytes, char *buf, size_t len);
/* local "YYYY-MM-DD HH:MM" */
void fmt_time(time_t t, char *buf, size_t len);

/*
 * JSON in the reference layout: one key per line, "key":  value, arrays on
 * one line after a tab. A struct json tracks whether a comma is owed.
 */
struct json {
	FILE *f;
	bool need_comma;
	int indent;         /* spaces before a key */
};

void json_str(struct json *j, const char *key, const char *val);
void json_num(struct json *j, const char *key, uint64_t val);
void json_arr(struct json *j, const char *key, char *const *vals, size_t n);
void json_begin_obj(struct json *j, bool first);   /* "  {" (with the separator) */
void json_end_obj(struct json *j);                  /* "  }" */

#endif /* OCCTL_OCCTL_FMT_H */
