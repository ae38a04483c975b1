/* main/dtls-hello.h: read just enough of a DTLS ClientHello to find its owner. Runs in: main. */
#ifndef MAIN_DTLS_HELLO_H
#define MAIN_DTLS_HELLO_H

#include <stddef.h>
#include <stdint.h>

#define DTLS_APP_ID_EXT 48018   /* openconnect's "application id" TLS extension */
#define DTLS_ID_MAX 32

struct dtls_hello {
	uint16_t version;               /* record version: 0xfeff, 0xfefd or 0x0100 (DTLS 0.9) */
	uint8_t session_id[DTLS_ID_MAX];
	size_t session_id_len;
	uint8_t app_id[DTLS_ID_MAX];
	size_t app_id_len;              /* 0 when the extension is absent */
};

/*
 * Parses the first record of a datagram as a ClientHello. 0 on success;
 * -ENOMSG when the datagram is some other DTLS record (not a hello);
 * -EBADMSG when it is malformed, truncated or has an all-zero random.
 * ret is written only on success.
 */
int dtls_hello_parse(const uint8_t *buf, size_t len, struct dtls_hello *ret);

#endif /* MAIN_DTLS_HELLO_H */
