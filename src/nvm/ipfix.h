/* nvm/ipfix.h: IPFIX (RFC 7011 / RFC 6313) message decoder for nvzFlow. Runs in: ocserv-nvm. */
#ifndef NVM_IPFIX_H
#define NVM_IPFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <talloc.h>

#include "common/pkt.h"
#include "nvm/nvzflow.h"
#include "nvm/tmpl.h"

#define IPFIX_VERSION 10
#define IPFIX_HDR_LEN 16
#define IPFIX_SET_TEMPLATE 2
#define IPFIX_SET_OPTIONS 3
#define IPFIX_SET_DATA_MIN 256

/* One field of a data record. p points into the caller's buffer: valid during the callback. */
struct nvm_value {
	uint32_t pen;			/* 0 = IANA */
	uint16_t id;
	uint8_t kind;			/* enum nvz_kind after the length fit */
	int16_t col;			/* enum nvz_col or NVZ_COL_NONE */
	uint16_t len;
	const uint8_t *p;
};

struct nvm_record {
	struct nvm_exporter_info *exporter;
	uint32_t odid;
	uint32_t export_time;
	const struct nvm_tmpl *tmpl;	/* tid, rec_type, is_options */
	uint16_t nvals;
	const struct nvm_value *v;	/* in template order */
	/* named view: the first value for each known element, NULL if absent */
	const struct nvm_value *named[NVZ_COL_COUNT];
};

struct nvm_decoder_ops {
	/* a non-zero return is counted nowhere; it is passed back out of nvm_decoder_feed() */
	int (*on_record)(void *arg, const struct nvm_record *rec);
	/* a template was added or changed (withdrawn false) or removed (withdrawn true) */
	int (*on_template)(void *arg, struct nvm_exporter_info *exp, uint32_t odid,
			   const struct nvm_tmpl *t, bool withdrawn);
	void *arg;
};

struct nvm_decoder_cfg {
	struct nvm_tmpl_limits lim;
	unsigned max_msgs_per_sec;	/* per exporter; 0 = unlimited */
};

struct nvm_decoder;

struct nvm_decoder *nvm_decoder_new(TALLOC_CTX *mem_ctx, const struct nvm_decoder_cfg *cfg,
				    const struct nvm_decoder_ops *ops);
/*
 * Decode one datagram (or several messages back to back, as in a .ipfix file) from `from`.
 * Set framing is checked for the whole message before anything is delivered: a header or
 * set length that overruns gives -EBADMSG and nothing from that message. A record that
 * overruns its set ends that set (-EBADMSG, records before it were delivered).
 * -EPROTO for a version other than 10, -ENOSPC over the exporter cap, -EAGAIN over the rate.
 */
int nvm_decoder_feed(struct nvm_decoder *dec, const struct sockaddr *from, socklen_t fromlen,
		     const uint8_t *buf, size_t len);
/* Install a template without a template set, e.g. reloaded from the store at start. */
int nvm_decoder_add_template(struct nvm_decoder *dec, const struct sockaddr *from,
			     socklen_t fromlen, uint32_t odid, uint16_t tid, bool is_options,
			     uint16_t scope_count, const struct nvm_field *f, uint16_t n);
struct nvm_tmpl_cache *nvm_decoder_templates(struct nvm_decoder *dec);

/* value helpers */
int nvm_value_uint(const struct nvm_value *v, uint64_t *ret);

/* RFC 6313 basicList reader over a value's bytes */
struct nvm_blist {
	uint8_t semantic;
	uint32_t pen;
	uint16_t id;
	uint16_t elem_len;		/* NVZ_VARLEN = each element has a length prefix */
	struct pkt_reader items;
};

int nvm_blist_open(const struct nvm_value *v, struct nvm_blist *ret);
/* 1 and the next element, 0 at the end, -EBADMSG if the contents overrun */
int nvm_blist_next(struct nvm_blist *l, const uint8_t **ret_p, uint16_t *ret_len);
/* whole-list check: 0 and the element count, or -EBADMSG */
int nvm_blist_count(const struct nvm_value *v, size_t *ret_count);

/* RFC 7011 §7 variable length: 1 octet, or 255 then 2 octets (both accepted for any length) */
int ipfix_get_varlen(struct pkt_reader *r, uint16_t *ret_len);

#endif /* NVM_IPFIX_H */
