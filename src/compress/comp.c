/* compress/comp.c: LZS (ours) and LZ4 (liblz4) behind one interface. Runs in: worker. */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <lz4.h>

#include "compress/comp.h"
#include "compress/lzs.h"

static const struct {
	enum comp_method m;
	const char *wire;
	const char *name;
} methods[] = {
	{ COMP_LZ4, "oc-lz4", "lz4" },
	{ COMP_LZS, "lzs", "lzs" },
};

/* is `item` one of the `sep`-separated entries of `list` (case-insensitive)? */
static int list_has(const char *list, char sep, const char *item)
{
	size_t n = strlen(item);

	for (const char *p = list; p != NULL; p = strchr(p, sep) ? strchr(p, sep) + 1 : NULL) {
		while (*p == ' ')
			p++;
		if (strncasecmp(p, item, n) == 0 && (p[n] == sep || p[n] == '\0' || p[n] == ' '))
			return 1;
	}
	return 0;
}

enum comp_method comp_negotiate(const char *accept, const char *priority)
{
	const char *prio = priority != NULL && priority[0] != '\0' ? priority : "lz4:lzs";

	if (accept == NULL)
		return COMP_NONE;
	/* walk the admin's order; take the first the client offered */
	for (const char *p = prio; p != NULL; p = strchr(p, ':') ? strchr(p, ':') + 1 : NULL)
		for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
			size_t n = strlen(methods[i].name);

			if (strncasecmp(p, methods[i].name, n) == 0 && (p[n] == ':' || p[n] == '\0') &&
			    list_has(accept, ',', methods[i].wire))
				return methods[i].m;
		}
	return COMP_NONE;
}

const char *comp_wire_name(enum comp_method m)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (methods[i].m == m)
			return methods[i].wire;
	return NULL;
}

const char *comp_name(enum comp_method m)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (methods[i].m == m)
			return methods[i].name;
	return NULL;
}

int comp_compress(enum comp_method m, const uint8_t *in, size_t len, uint8_t *out, size_t out_len)
{
	int n;

	if (len > 65535 || out_len > 65535)
		return -EINVAL;
	switch (m) {
	case COMP_LZS:
		return lzs_compress(in, len, out, out_len);
	case COMP_LZ4:
		/* a full output buffer means "did not shrink": LZ4 returns 0 then */
		n = LZ4_compress_default((const char *)in, (char *)out, (int)len, (int)out_len);
		return n > 0 ? n : -EFBIG;
	default:
		return -EINVAL;
	}
}

int comp_decompress(enum comp_method m, const uint8_t *in, size_t len, uint8_t *out,
		    size_t out_len)
{
	int n;

	if (len > 65535 || out_len > 65535)
		return -EINVAL;
	switch (m) {
	case COMP_LZS:
		return lzs_decompress(in, len, out, out_len);
	case COMP_LZ4:
		n = LZ4_decompress_safe((const char *)in, (char *)out, (int)len, (int)out_len);
		return n >= 0 ? n : -EBADMSG;
	default:
		return -EINVAL;
	}
}
