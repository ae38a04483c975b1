/* nvm/ipfix.c: IPFIX (RFC 7011 / RFC 6313) message decoder for nvzFlow. Runs in: ocserv-nvm. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "nvm/ipfix.h"

#define IPFIX_ENTERPRISE_BIT 0x8000u

struct ipfix_hdr {
	uint16_t version;
	uint16_t length;
	uint32_t export_time;
	uint32_t seq;
	uint32_t odid;
};

struct nvm_decoder {
	struct nvm_tmpl_cache *tc;
	struct nvm_decoder_ops ops;
	unsigned max_msgs_per_sec;
	unsigned max_fields;
	struct nvm_field *fspec;	/* scratch: one template record being read */
	struct nvm_value *vals;		/* scratch: one data record being decoded */
	struct nvm_record rec;
};

struct nvm_decoder *nvm_decoder_new(TALLOC_CTX *mem_ctx, const struct nvm_decoder_cfg *cfg,
				    const struct nvm_decoder_ops *ops)
{
	struct nvm_decoder *dec = talloc_zero(mem_ctx, struct nvm_decoder);

	if (dec == NULL)
		return NULL;
	dec->tc = nvm_tmpl_cache_new(dec, cfg ? &cfg->lim : NULL);
	if (dec->tc == NULL)
		goto fail;
	dec->max_fields = nvm_tmpl_cache_limits(dec->tc)->max_fields;
	dec->max_msgs_per_sec = cfg ? cfg->max_msgs_per_sec : 0;
	if (ops != NULL)
		dec->ops = *ops;
	dec->fspec = talloc_array(dec, struct nvm_field, dec->max_fields);
	dec->vals = talloc_array(dec, struct nvm_value, dec->max_fields);
	if (dec->fspec == NULL || dec->vals == NULL)
		goto fail;
	return dec;
fail:
	talloc_free(dec);
	return NULL;
}

struct nvm_tmpl_cache *nvm_decoder_templates(struct nvm_decoder *dec)
{
	return dec->tc;
}

int ipfix_get_varlen(struct pkt_reader *r, uint16_t *ret_len)
{
	struct pkt_reader save = *r;
	uint8_t l8;
	uint16_t l16;

	if (pkt_get_u8(r, &l8) < 0)
		return -EBADMSG;
	if (l8 < 255) {
		*ret_len = l8;
		return 0;
	}
	/* the 3-octet form is legal for short values too (NVM sends FF 00 81) */
	if (pkt_get_be16(r, &l16) < 0) {
		*r = save;
		return -EBADMSG;
	}
	*ret_len = l16;
	return 0;
}

int nvm_value_uint(const struct nvm_value *v, uint64_t *ret)
{
	uint64_t x = 0;
	uint16_t i;

	if (v->len < 1 || v->len > 8)
		return -ERANGE;
	for (i = 0; i < v->len; i++)
		x = (x << 8) | v->p[i];
	*ret = x;
	return 0;
}

int nvm_blist_open(const struct nvm_value *v, struct nvm_blist *ret)
{
	struct pkt_reader r = PKT_READER_INIT(v->p, v->len);
	struct nvm_blist l = { 0 };
	uint16_t fid;

	if (pkt_get_u8(&r, &l.semantic) < 0 || pkt_get_be16(&r, &fid) < 0 ||
	    pkt_get_be16(&r, &l.elem_len) < 0)
		return -EBADMSG;
	if ((fid & IPFIX_ENTERPRISE_BIT) && pkt_get_be32(&r, &l.pen) < 0)
		return -EBADMSG;
	l.id = fid & ~IPFIX_ENTERPRISE_BIT;
	l.items = r;
	*ret = l;
	return 0;
}

int nvm_blist_next(struct nvm_blist *l, const uint8_t **ret_p, uint16_t *ret_len)
{
	struct pkt_reader save = l->items;
	uint16_t len = l->elem_len;

	if (pkt_at_end(&l->items))
		return 0;
	/* a zero-width element list with bytes in it would never advance */
	if (len == 0)
		return -EBADMSG;
	if (len == NVZ_VARLEN && ipfix_get_varlen(&l->items, &len) < 0)
		return -EBADMSG;
	if (pkt_get_bytes(&l->items, len, ret_p) < 0) {
		l->items = save;
		return -EBADMSG;
	}
	*ret_len = len;
	return 1;
}

int nvm_blist_count(const struct nvm_value *v, size_t *ret_count)
{
	struct nvm_blist l;
	const uint8_t *p;
	uint16_t len;
	size_t n = 0;
	int rc;

	if (nvm_blist_open(v, &l) < 0)
		return -EBADMSG;
	while ((rc = nvm_blist_next(&l, &p, &len)) == 1)
		n++;
	if (rc < 0)
		return rc;
	*ret_count = n;
	return 0;
}

static int parse_header(struct pkt_reader *r, struct ipfix_hdr *ret)
{
	struct ipfix_hdr h;

	if (pkt_get_be16(r, &h.version) < 0 || pkt_get_be16(r, &h.length) < 0 ||
	    pkt_get_be32(r, &h.export_time) < 0 || pkt_get_be32(r, &h.seq) < 0 ||
	    pkt_get_be32(r, &h.odid) < 0)
		return -EBADMSG;
	*ret = h;
	return 0;
}

/* every set header and length must fit before anything in the message is acted on */
static int check_sets(struct pkt_reader body)
{
	uint16_t id, len;

	while (!pkt_at_end(&body)) {
		if (pkt_get_be16(&body, &id) < 0 || pkt_get_be16(&body, &len) < 0)
			return -EBADMSG;
		if (len < 4 || pkt_skip(&body, (size_t)len - 4) < 0)
			return -EBADMSG;
	}
	return 0;
}

/* one field specifier; stored only when there is room (the caller counts the overflow) */
static int read_field_spec(struct pkt_reader *r, struct nvm_field *f)
{
	uint16_t id, len;
	uint32_t pen = 0;

	if (pkt_get_be16(r, &id) < 0 || pkt_get_be16(r, &len) < 0)
		return -EBADMSG;
	if ((id & IPFIX_ENTERPRISE_BIT) && pkt_get_be32(r, &pen) < 0)
		return -EBADMSG;
	if (f != NULL) {
		memset(f, 0, sizeof(*f));
		f->pen = pen;
		f->id = id & ~IPFIX_ENTERPRISE_BIT;
		f->len = len;
	}
	return 0;
}

static void tmpl_gone(void *arg, const struct nvm_tmpl *t)
{
	struct nvm_decoder *dec = arg;
	struct nvm_record *rec = &dec->rec;

	if (dec->ops.on_template != NULL)
		dec->ops.on_template(dec->ops.arg, rec->exporter, rec->odid, t, true);
}

static void tmpl_withdraw(struct nvm_decoder *dec, struct nvm_exporter *e, uint16_t set_id,
			  uint16_t tid)
{
	bool all = tid == set_id;	/* RFC 7011 §8.1: set ID as template ID = all of them */

	nvm_tmpl_withdraw(e, dec->rec.odid, tid, all, set_id == IPFIX_SET_OPTIONS, tmpl_gone, dec);
}

static void tmpl_install(struct nvm_decoder *dec, struct nvm_exporter *e, uint16_t tid,
			 bool is_options, uint16_t scope, uint16_t n)
{
	struct nvm_counters *cnt = &nvm_exporter_info(e)->cnt;
	const struct nvm_tmpl *t;
	bool changed;
	int rc;

	rc = nvm_tmpl_put(e, dec->rec.odid, tid, is_options, scope, dec->fspec, n, &t, &changed);
	if (rc == -ENOSPC)
		cnt->drop_tmpl_cap++;
	else if (rc < 0)
		cnt->drop_bad_tmpl++;
	else if (changed && dec->ops.on_template != NULL)
		dec->ops.on_template(dec->ops.arg, nvm_exporter_info(e), dec->rec.odid, t, false);
}

/* one template or options-template record; -EBADMSG if it overruns the set */
static int template_record(struct nvm_decoder *dec, struct nvm_exporter *e, uint16_t set_id,
			   struct pkt_reader *r)
{
	struct nvm_counters *cnt = &nvm_exporter_info(e)->cnt;
	bool is_options = set_id == IPFIX_SET_OPTIONS;
	uint16_t tid, n, scope = 0, i;

	if (pkt_get_be16(r, &tid) < 0 || pkt_get_be16(r, &n) < 0)
		return -EBADMSG;
	if (n == 0) {
		cnt->templates++;
		tmpl_withdraw(dec, e, set_id, tid);
		return 0;
	}
	if (is_options && pkt_get_be16(r, &scope) < 0)
		return -EBADMSG;
	for (i = 0; i < n; i++)
		if (read_field_spec(r, i < dec->max_fields ? &dec->fspec[i] : NULL) < 0)
			return -EBADMSG;
	cnt->templates++;
	if (n > dec->max_fields)
		cnt->drop_tmpl_cap++;
	else
		tmpl_install(dec, e, tid, is_options, scope, n);
	return 0;
}

static int template_set(struct nvm_decoder *dec, struct nvm_exporter *e, uint16_t set_id,
			struct pkt_reader *set)
{
	/* fewer than 4 bytes left cannot hold a record header: that is padding */
	while (set->left >= 4)
		if (template_record(dec, e, set_id, set) < 0) {
			nvm_exporter_info(e)->cnt.drop_truncated++;
			return -EBADMSG;
		}
	return 0;
}

static int decode_value(struct nvm_decoder *dec, const struct nvm_field *f, struct pkt_reader *r,
			struct nvm_value *v)
{
	uint16_t len = f->len;
	size_t count;

	if (len == NVZ_VARLEN && ipfix_get_varlen(r, &len) < 0)
		return -EBADMSG;
	if (pkt_get_bytes(r, len, &v->p) < 0)
		return -EBADMSG;
	v->pen = f->pen;
	v->id = f->id;
	v->col = f->col;
	v->len = len;
	v->kind = f->len == NVZ_VARLEN ? (uint8_t)nvz_kind_fit(f->kind, len) : f->kind;
	if (v->kind == NVZ_KIND_BASICLIST && nvm_blist_count(v, &count) < 0) {
		/* keep the bytes, never hand out a list that claims more than it holds */
		v->kind = NVZ_KIND_OCTETS;
		dec->rec.exporter->cnt.bad_list++;
	}
	return 0;
}

static int data_record(struct nvm_decoder *dec, const struct nvm_tmpl *t, struct pkt_reader *r)
{
	struct nvm_record *rec = &dec->rec;
	struct nvm_value *v;
	uint16_t i;

	memset(rec->named, 0, sizeof(rec->named));
	for (i = 0; i < t->nfields; i++) {
		v = &dec->vals[i];
		if (decode_value(dec, &t->f[i], r, v) < 0)
			return -EBADMSG;
		if (v->col != NVZ_COL_NONE && rec->named[v->col] == NULL)
			rec->named[v->col] = v;
	}
	rec->tmpl = t;
	rec->nvals = t->nfields;
	rec->v = dec->vals;
	return 0;
}

static int data_set(struct nvm_decoder *dec, struct nvm_exporter *e, uint16_t set_id,
		    struct pkt_reader *set)
{
	struct nvm_counters *cnt = &nvm_exporter_info(e)->cnt;
	const struct nvm_tmpl *t = nvm_tmpl_find(e, dec->rec.odid, set_id);
	int rc;

	if (t == NULL) {
		cnt->drop_unknown_tmpl++;
		return 0;
	}
	/* what is left after the last record and shorter than any record is padding */
	while (set->left >= t->min_len) {
		if (data_record(dec, t, set) < 0) {
			cnt->drop_truncated++;
			return -EBADMSG;
		}
		cnt->records++;
		if (dec->ops.on_record != NULL) {
			rc = dec->ops.on_record(dec->ops.arg, &dec->rec);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

static int message_sets(struct nvm_decoder *dec, struct nvm_exporter *e, struct pkt_reader *body)
{
	struct pkt_reader set;
	uint16_t id, len;
	int rc = 0, rc2;

	while (!pkt_at_end(body)) {
		/* check_sets() already proved these fit */
		if (pkt_get_be16(body, &id) < 0 || pkt_get_be16(body, &len) < 0 ||
		    pkt_sub(body, (size_t)len - 4, &set) < 0)
			return -EBADMSG;
		if (id == IPFIX_SET_TEMPLATE || id == IPFIX_SET_OPTIONS)
			rc2 = template_set(dec, e, id, &set);
		else if (id >= IPFIX_SET_DATA_MIN)
			rc2 = data_set(dec, e, id, &set);
		else
			rc2 = 0;	/* reserved set IDs are skipped (RFC 7011 §3.3.2) */
		if (rc2 < 0 && rc == 0)
			rc = rc2;
	}
	return rc;
}

/* one message from r; consumes it (or everything, when its framing is broken) */
static int feed_message(struct nvm_decoder *dec, struct nvm_exporter *e, struct pkt_reader *r)
{
	struct nvm_counters *cnt = &nvm_exporter_info(e)->cnt;
	struct pkt_reader body;
	struct ipfix_hdr h;

	cnt->messages++;
	if (parse_header(r, &h) < 0) {
		cnt->drop_truncated++;
		pkt_skip(r, r->left);
		return -EBADMSG;
	}
	if (h.version != IPFIX_VERSION) {
		cnt->drop_bad_version++;
		pkt_skip(r, r->left);
		return -EPROTO;
	}
	if (h.length < IPFIX_HDR_LEN || pkt_sub(r, h.length - IPFIX_HDR_LEN, &body) < 0 ||
	    check_sets(body) < 0) {
		cnt->drop_truncated++;
		pkt_skip(r, r->left);
		return -EBADMSG;
	}
	dec->rec.odid = h.odid;
	dec->rec.export_time = h.export_time;
	return message_sets(dec, e, &body);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int nvm_decoder_feed(struct nvm_decoder *dec, const struct sockaddr *from, socklen_t fromlen,
		     const uint8_t *buf, size_t len)
{
	struct pkt_reader r = PKT_READER_INIT(buf, len);
	struct nvm_exporter *e;
	int rc = 0, rc2;

	rc = nvm_exporter_get(dec->tc, from, fromlen, true, &e);
	if (rc < 0) {
		nvm_tmpl_cache_orphans(dec->tc)->messages++;
		return rc;
	}
	if (dec->max_msgs_per_sec != 0 &&
	    !nvm_exporter_rate_ok(e, now_ms(), dec->max_msgs_per_sec)) {
		nvm_exporter_info(e)->cnt.drop_rate++;
		return -EAGAIN;
	}
	dec->rec.exporter = nvm_exporter_info(e);
	if (len == 0) {
		nvm_exporter_info(e)->cnt.drop_truncated++;
		return -EBADMSG;
	}
	while (!pkt_at_end(&r)) {
		rc2 = feed_message(dec, e, &r);
		if (rc2 != 0 && rc == 0)
			rc = rc2;
	}
	return rc;
}

int nvm_decoder_add_template(struct nvm_decoder *dec, const struct sockaddr *from,
			     socklen_t fromlen, uint32_t odid, uint16_t tid, bool is_options,
			     uint16_t scope_count, const struct nvm_field *f, uint16_t n)
{
	struct nvm_exporter *e;
	int rc;

	rc = nvm_exporter_get(dec->tc, from, fromlen, true, &e);
	if (rc < 0)
		return rc;
	return nvm_tmpl_put(e, odid, tid, is_options, scope_count, f, n, NULL, NULL);
}
