/* compress/comp.h: per-packet compression methods and their negotiation. Runs in: worker. */
#ifndef COMPRESS_COMP_H
#define COMPRESS_COMP_H

#include <stddef.h>
#include <stdint.h>

enum comp_method {
	COMP_NONE = 0,
	COMP_LZ4,               /* "oc-lz4": raw LZ4 block, openconnect's extension */
	COMP_LZS,               /* "lzs": ANSI X3.241, what Cisco clients speak */
};

/*
 * The method to answer for a client's Accept-Encoding list ("oc-lz4,lzs"):
 * the first of `priority` ("lz4:lzs", ocserv's compression-algo-priority;
 * NULL = lz4 before lzs) that the client offered. Never one it did not offer.
 */
enum comp_method comp_negotiate(const char *accept, const char *priority);
/* the wire name: "oc-lz4", "lzs"; NULL for COMP_NONE */
const char *comp_wire_name(enum comp_method m);
/* the name occtl shows: "lz4", "lzs" */
const char *comp_name(enum comp_method m);
/* compressed length, or <0 when it would not be smaller than out_len (send it plain) */
int comp_compress(enum comp_method m, const uint8_t *in, size_t len, uint8_t *out, size_t out_len);
/* decompressed length, or <0 on a damaged packet (drop it, keep the tunnel) */
int comp_decompress(enum comp_method m, const uint8_t *in, size_t len, uint8_t *out,
		    size_t out_len);

#endif /* COMPRESS_COMP_H */
