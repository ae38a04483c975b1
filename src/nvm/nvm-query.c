/* nvm/nvm-query.c: the JSON API's request line: path and query parameters. Runs in: ocserv-nvm. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nvm/nvm-query.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* %XX and '+' decoded in place; -EINVAL for a broken escape or a NUL */
static int url_decode(char *s)
{
	char *o = s;

	for (; *s != '\0'; s++) {
		if (*s == '+') {
			*o++ = ' ';
		} else if (*s == '%') {
			int h = hexval(s[1]), l = h >= 0 ? hexval(s[2]) : -1;

			if (h < 0 || l < 0 || (h == 0 && l == 0))
				return -EINVAL;
			*o++ = (char)(h * 16 + l);
			s += 2;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	return 0;
}

static int parse_i64(const char *v, int64_t *ret)
{
	char *end;
	long long x;

	errno = 0;
	x = strtoll(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0')
		return -EINVAL;
	*ret = x;
	return 0;
}

static int parse_param(char *kv, struct nvm_query *q)
{
	char *v = strchr(kv, '=');
	int64_t x;

	if (v == NULL)
		return -EINVAL;
	*v++ = '\0';
	if (url_decode(kv) < 0 || url_decode(v) < 0)
		return -EINVAL;
	if (strcmp(kv, "user") == 0) {
		q->user = *v ? v : NULL;
		return 0;
	}
	if (parse_i64(v, &x) < 0)
		return -EINVAL;
	if (strcmp(kv, "since") == 0)
		q->since = x;
	else if (strcmp(kv, "until") == 0)
		q->until = x > 0 ? x : INT64_MAX;
	else if (strcmp(kv, "limit") == 0 && x >= 0 && x <= UINT32_MAX)
		q->limit = (unsigned)x;
	else
		return -EINVAL;
	return 0;
}

int nvm_query_parse(char *url, char **ret_path, struct nvm_query *q)
{
	char *qs = strchr(url, '?'), *kv, *save = NULL;

	q->user = NULL;
	q->since = 0;
	q->until = INT64_MAX;
	q->limit = 0;
	if (qs != NULL)
		*qs++ = '\0';
	*ret_path = url;
	for (kv = qs ? strtok_r(qs, "&", &save) : NULL; kv != NULL; kv = strtok_r(NULL, "&", &save))
		if (parse_param(kv, q) < 0)
			return -EINVAL;
	return 0;
}
