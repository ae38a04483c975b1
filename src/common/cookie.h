/* common/cookie.h: session ids and their webvpn cookie text. Runs in: worker, sec-mod, main, occtl. */
#ifndef COMMON_COOKIE_H
#define COMMON_COOKIE_H

#include <stddef.h>
#include <stdint.h>

#define SID_LEN 32
#define COOKIE_TEXT_LEN 45              /* base64 of SID_LEN bytes + NUL */
#define COOKIE_SAFE_ID_LEN 29           /* base64 of a SHA-1 digest + NUL */

/* standard base64 with padding; 0, or -ENOBUFS if out_len < COOKIE_TEXT_LEN */
int cookie_encode(const uint8_t sid[static SID_LEN], char *out, size_t out_len);

/*
 * Strict inverse of cookie_encode(): the text must be canonical base64 of
 * exactly SID_LEN bytes. -EBADMSG otherwise, with ret_sid untouched. The
 * decoding does not branch on the secret characters.
 */
int cookie_decode(const char *text, uint8_t ret_sid[static SID_LEN]);

/* occtl's printable "safe id": base64(SHA-1(sid)); -ENOBUFS if out_len < COOKIE_SAFE_ID_LEN */
int cookie_safe_id(const uint8_t sid[static SID_LEN], char *out, size_t out_len);

#endif /* COMMON_COOKIE_H */
