/* common/pkt.c: the one audited place that walks raw packet bytes. Runs in: all. */
#include <errno.h>
#include <string.h>

#include "pkt.h"

static int need(const struct pkt_reader *r, size_t n)
{
	return r->left >= n ? 0 : -EBADMSG;
}

int pkt_get_u8(struct pkt_reader *r, uint8_t *ret)
{
	if (need(r, 1) < 0)
		return -EBADMSG;
	*ret = r->p[0];
	r->p++;
	r->left--;
	return 0;
}

int pkt_get_be16(struct pkt_reader *r, uint16_t *ret)
{
	if (need(r, 2) < 0)
		return -EBADMSG;
	*ret = (uint16_t)((r->p[0] << 8) | r->p[1]);
	r->p += 2;
	r->left -= 2;
	return 0;
}

int pkt_get_be24(struct pkt_reader *r, uint32_t *ret)
{
	if (need(r, 3) < 0)
		return -EBADMSG;
	*ret = ((uint32_t)r->p[0] << 16) | ((uint32_t)r->p[1] << 8) | r->p[2];
	r->p += 3;
	r->left -= 3;
	return 0;
}

int pkt_get_be32(struct pkt_reader *r, uint32_t *ret)
{
	if (need(r, 4) < 0)
		return -EBADMSG;
	*ret = ((uint32_t)r->p[0] << 24) | ((uint32_t)r->p[1] << 16) |
	       ((uint32_t)r->p[2] << 8) | r->p[3];
	r->p += 4;
	r->left -= 4;
	return 0;
}

int pkt_get_be64(struct pkt_reader *r, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i;

	if (need(r, 8) < 0)
		return -EBADMSG;
	for (i = 0; i < 8; i++)
		v = (v << 8) | r->p[i];
	*ret = v;
	r->p += 8;
	r->left -= 8;
	return 0;
}

int pkt_get_bytes(struct pkt_reader *r, size_t n, const uint8_t **ret)
{
	if (need(r, n) < 0)
		return -EBADMSG;
	*ret = r->p;
	r->p += n;
	r->left -= n;
	return 0;
}

int pkt_copy(struct pkt_reader *r, void *dst, size_t n)
{
	if (need(r, n) < 0)
		return -EBADMSG;
	if (n > 0)
		memcpy(dst, r->p, n);
	r->p += n;
	r->left -= n;
	return 0;
}

int pkt_skip(struct pkt_reader *r, size_t n)
{
	if (need(r, n) < 0)
		return -EBADMSG;
	r->p += n;
	r->left -= n;
	return 0;
}

int pkt_sub(struct pkt_reader *r, size_t n, struct pkt_reader *ret_sub)
{
	if (need(r, n) < 0)
		return -EBADMSG;
	ret_sub->p = r->p;
	ret_sub->left = n;
	r->p += n;
	r->left -= n;
	return 0;
}

int pkt_get_vec8(struct pkt_reader *r, struct pkt_reader *ret_sub)
{
	struct pkt_reader save = *r;
	uint8_t n;

	if (pkt_get_u8(r, &n) < 0 || pkt_sub(r, n, ret_sub) < 0) {
		*r = save;
		return -EBADMSG;
	}
	return 0;
}

int pkt_get_vec16(struct pkt_reader *r, struct pkt_reader *ret_sub)
{
	struct pkt_reader save = *r;
	uint16_t n;

	if (pkt_get_be16(r, &n) < 0 || pkt_sub(r, n, ret_sub) < 0) {
		*r = save;
		return -EBADMSG;
	}
	return 0;
}

bool pkt_at_end(const struct pkt_reader *r)
{
	return r->left == 0;
}

static bool room(struct pkt_writer *w, size_t n)
{
	if (w->err || w->cap - w->len < n) {
		w->err = true;
		return false;
	}
	return true;
}

void pkt_put_u8(struct pkt_writer *w, uint8_t v)
{
	if (room(w, 1))
		w->p[w->len++] = v;
}

void pkt_put_be16(struct pkt_writer *w, uint16_t v)
{
	if (!room(w, 2))
		return;
	w->p[w->len++] = (uint8_t)(v >> 8);
	w->p[w->len++] = (uint8_t)v;
}

void pkt_put_be32(struct pkt_writer *w, uint32_t v)
{
	if (!room(w, 4))
		return;
	w->p[w->len++] = (uint8_t)(v >> 24);
	w->p[w->len++] = (uint8_t)(v >> 16);
	w->p[w->len++] = (uint8_t)(v >> 8);
	w->p[w->len++] = (uint8_t)v;
}

void pkt_put_bytes(struct pkt_writer *w, const void *src, size_t n)
{
	if (!room(w, n))
		return;
	if (n > 0)
		memcpy(w->p + w->len, src, n);
	w->len += n;
}

int pkt_writer_done(const struct pkt_writer *w, size_t *ret_len)
{
	if (w->err)
		return -ENOBUFS;
	*ret_len = w->len;
	return 0;
}
