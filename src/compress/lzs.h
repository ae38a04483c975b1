/* compress/lzs.h: stateless per-packet LZS codec (CSTP/DTLS "lzs"). Runs in: worker. */
#ifndef COMPRESS_LZS_H
#define COMPRESS_LZS_H

#include <stddef.h>
#include <stdint.h>

/* Back-references reach at most this far into the packet's own output. */
#define LZS_WINDOW 2048
/* Shortest back-reference the format can express. */
#define LZS_MIN_MATCH 2
/* An empty packet still costs the end marker plus padding. */
#define LZS_EMPTY_LEN 2
/* Worst case for in_len bytes: every byte a 9-bit literal, plus end marker and padding. */
#define LZS_COMPRESS_BOUND(in_len) (((size_t)(in_len) * 9 + 9 + 7) / 8)

/*
 * Compress one packet; history starts empty. Writes at most out_len bytes.
 * Returns the compressed length (> 0), -EFBIG when the result would not fit in out_len
 * (the caller then sends the packet uncompressed), or -EINVAL on bad arguments
 * (NULL with a non-zero length, or in_len > INT_MAX).
 */
int lzs_compress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len);

/*
 * Decompress one packet. Never reads past in_len nor writes past out_len; bits after
 * the end marker are ignored. Bytes of out past the returned length, and all of out on
 * error, may have been overwritten (nothing outside out_len is ever touched).
 * Returns the decompressed length, or -EINVAL (bad arguments, offset 0 in long form,
 * offset beyond the output so far), -EBADMSG (truncated stream or missing end marker),
 * -EFBIG (output would exceed out_len).
 */
int lzs_decompress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len);

#endif /* COMPRESS_LZS_H */
