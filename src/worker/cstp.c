/* worker/cstp.c: CSTP framing over the TLS byte stream. Runs in: worker (unprivileged). */
#include <errno.h>
#include <string.h>

#include "cstp.h"

#define CSTP_MAX_PAYLOAD 65535u

struct cstp_rx {
	uint8_t *buf;
	size_t cap;
	size_t start;                   /* first unconsumed byte */
	size_t end;                     /* one past the last buffered byte */
	size_t max_payload;
	int err;                        /* sticky once the stream is out of sync */
};

int cstp_parse_header(struct pkt_reader *r, struct cstp_hdr *ret_hdr)
{
	struct pkt_reader h;
	const uint8_t *magic;
	uint8_t version, type, zero;
	uint16_t len;
	int rc;

	if ((rc = pkt_sub(r, CSTP_HDR_LEN, &h)) < 0)
		return rc;
	/* h holds exactly 8 bytes, so these cannot fail */
	(void)pkt_get_bytes(&h, 3, &magic);
	(void)pkt_get_u8(&h, &version);
	(void)pkt_get_be16(&h, &len);
	(void)pkt_get_u8(&h, &type);
	(void)pkt_get_u8(&h, &zero);
	if (memcmp(magic, "STF", 3) != 0 || version != 1 || zero != 0)
		return -EPROTO;
	ret_hdr->type = type;
	ret_hdr->len = len;
	return 0;
}

void cstp_format_header(uint8_t out[static CSTP_HDR_LEN], uint8_t type, uint16_t len)
{
	struct pkt_writer w = PKT_WRITER_INIT(out, CSTP_HDR_LEN);

	pkt_put_bytes(&w, "STF", 3);
	pkt_put_u8(&w, 1);
	pkt_put_be16(&w, len);
	pkt_put_u8(&w, type);
	pkt_put_u8(&w, 0);
}

struct cstp_rx *cstp_rx_new(TALLOC_CTX *mem_ctx, size_t max_payload)
{
	struct cstp_rx *rx = talloc_zero(mem_ctx, struct cstp_rx);

	if (rx == NULL)
		return NULL;
	if (max_payload > CSTP_MAX_PAYLOAD)
		max_payload = CSTP_MAX_PAYLOAD;
	rx->max_payload = max_payload;
	rx->cap = 2 * (CSTP_HDR_LEN + max_payload);
	rx->buf = talloc_size(rx, rx->cap);
	if (rx->buf == NULL) {
		talloc_free(rx);
		return NULL;
	}
	return rx;
}

size_t cstp_rx_space(const struct cstp_rx *rx)
{
	return rx->cap - (rx->end - rx->start);
}

int cstp_rx_feed(struct cstp_rx *rx, const uint8_t *buf, size_t len)
{
	if (len > cstp_rx_space(rx))
		return -ENOBUFS;
	/* compact only when needed; this invalidates the last popped payload, as documented */
	if (len > rx->cap - rx->end) {
		memmove(rx->buf, rx->buf + rx->start, rx->end - rx->start);
		rx->end -= rx->start;
		rx->start = 0;
	}
	if (len > 0)
		memcpy(rx->buf + rx->end, buf, len);
	rx->end += len;
	return 0;
}

int cstp_rx_pop(struct cstp_rx *rx, struct cstp_hdr *ret_hdr, const uint8_t **ret_payload)
{
	struct pkt_reader r = PKT_READER_INIT(rx->buf + rx->start, rx->end - rx->start);
	struct cstp_hdr h;
	const uint8_t *payload;
	int rc;

	if (rx->err < 0)
		return rx->err;
	rc = cstp_parse_header(&r, &h);
	if (rc == -EBADMSG)
		return 0;               /* header not complete yet */
	if (rc == 0 && h.len > rx->max_payload)
		rc = -EMSGSIZE;
	if (rc < 0) {
		rx->err = rc;           /* framing is lost; nothing after this can be trusted */
		return rc;
	}
	if (pkt_get_bytes(&r, h.len, &payload) < 0)
		return 0;
	rx->start += CSTP_HDR_LEN + h.len;
	if (rx->start == rx->end)
		rx->start = rx->end = 0;  /* cheap reset; the payload bytes stay where they are */
	*ret_hdr = h;
	*ret_payload = payload;
	return 1;
}
