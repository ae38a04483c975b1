/* common/pkt.h: length-checked reader and bounded writer for untrusted bytes. Runs in: all. */
#ifndef COMMON_PKT_H
#define COMMON_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Every getter either succeeds completely or returns -EBADMSG having consumed
 * nothing and written nothing. Nested lengths become sub-readers with pkt_sub().
 */
struct pkt_reader {
	const uint8_t *p;
	size_t left;
};

#define PKT_READER_INIT(buf, len) { .p = (const uint8_t *)(buf), .left = (len) }

int pkt_get_u8(struct pkt_reader *r, uint8_t *ret);
int pkt_get_be16(struct pkt_reader *r, uint16_t *ret);
int pkt_get_be24(struct pkt_reader *r, uint32_t *ret);
int pkt_get_be32(struct pkt_reader *r, uint32_t *ret);
int pkt_get_be64(struct pkt_reader *r, uint64_t *ret);
int pkt_get_bytes(struct pkt_reader *r, size_t n, const uint8_t **ret);
int pkt_copy(struct pkt_reader *r, void *dst, size_t n);
int pkt_skip(struct pkt_reader *r, size_t n);
int pkt_sub(struct pkt_reader *r, size_t n, struct pkt_reader *ret_sub);
/* u8 length then that many bytes, as a sub-reader (TLS vectors) */
int pkt_get_vec8(struct pkt_reader *r, struct pkt_reader *ret_sub);
int pkt_get_vec16(struct pkt_reader *r, struct pkt_reader *ret_sub);
bool pkt_at_end(const struct pkt_reader *r);

/*
 * Bounded writer: after the first failed put, `err` stays set and later puts
 * do nothing, so a formatter can check once at the end.
 */
struct pkt_writer {
	uint8_t *p;
	size_t len;
	size_t cap;
	bool err;
};

#define PKT_WRITER_INIT(buf, cap_) { .p = (uint8_t *)(buf), .len = 0, .cap = (cap_), .err = false }

void pkt_put_u8(struct pkt_writer *w, uint8_t v);
void pkt_put_be16(struct pkt_writer *w, uint16_t v);
void pkt_put_be32(struct pkt_writer *w, uint32_t v);
void pkt_put_bytes(struct pkt_writer *w, const void *src, size_t n);
/* 0 and the length written, or -ENOBUFS if anything did not fit */
int pkt_writer_done(const struct pkt_writer *w, size_t *ret_len);

#endif /* COMMON_PKT_H */
