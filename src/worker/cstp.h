/* worker/cstp.h: CSTP framing over the TLS byte stream. Runs in: worker (unprivileged). */
#ifndef WORKER_CSTP_H
#define WORKER_CSTP_H

#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#include "common/pkt.h"

#define CSTP_HDR_LEN 8

enum cstp_type {
	CSTP_DATA = 0,
	CSTP_DPD_REQ = 3,
	CSTP_DPD_RESP = 4,
	CSTP_DISCONNECT = 5,
	CSTP_KEEPALIVE = 7,
	CSTP_COMPRESSED = 8,
	CSTP_TERMINATE = 9,
};

struct cstp_hdr {
	uint8_t type;                   /* any value; unknown types are the caller's to ignore */
	uint16_t len;                   /* payload bytes after the 8-byte header */
};

/*
 * Reads "STF" 0x01, be16 length, type, 0x00. -EBADMSG if fewer than 8 bytes
 * (nothing consumed), -EPROTO for a bad magic, version or trailing byte.
 * ret_hdr is written only on success.
 */
int cstp_parse_header(struct pkt_reader *r, struct cstp_hdr *ret_hdr);
void cstp_format_header(uint8_t out[static CSTP_HDR_LEN], uint8_t type, uint16_t len);

/*
 * Reassembly of whole frames from arbitrary TLS read chunks. Capacity is two
 * maximal frames, so after popping every complete frame a feed of up to
 * CSTP_HDR_LEN + max_payload bytes always fits (cstp_rx_space() says exactly).
 */
struct cstp_rx;

/* max_payload is clamped to 65535; NULL on OOM */
struct cstp_rx *cstp_rx_new(TALLOC_CTX *mem_ctx, size_t max_payload);
/* 0, or -ENOBUFS (nothing stored) when len exceeds the free space */
int cstp_rx_feed(struct cstp_rx *rx, const uint8_t *buf, size_t len);
/* bytes that cstp_rx_feed() accepts right now */
size_t cstp_rx_space(const struct cstp_rx *rx);
/*
 * 1 with the next frame (payload pointer valid until the next feed/pop),
 * 0 if no whole frame is buffered, -EPROTO for a bad header, -EMSGSIZE for a
 * payload longer than max_payload. After an error the stream is unusable.
 */
int cstp_rx_pop(struct cstp_rx *rx, struct cstp_hdr *ret_hdr, const uint8_t **ret_payload);

#endif /* WORKER_CSTP_H */
