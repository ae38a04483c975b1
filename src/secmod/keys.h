/* secmod/keys.h: the server private keys; only sec-mod ever loads them. Runs in: sec-mod. */
#ifndef SECMOD_KEYS_H
#define SECMOD_KEYS_H

#include <stdbool.h>
#include <gnutls/gnutls.h>
#include <talloc.h>

struct sm_keys;

/* Loads every server-key file (PEM or DER, PKCS#1/#8); NULL and a log line on failure. */
struct sm_keys *sm_keys_load(TALLOC_CTX *mem_ctx, char *const *files, size_t n);
/* Signs `data` (a hash when is_hash) with key idx; GnuTLS error code or 0. */
int sm_keys_sign(struct sm_keys *keys, unsigned idx, int sign_algo, unsigned flags,
		 bool is_hash, const gnutls_datum_t *data, gnutls_datum_t *ret_sig);
int sm_keys_decrypt(struct sm_keys *keys, unsigned idx, const gnutls_datum_t *data,
		    gnutls_datum_t *ret_plain);

#endif /* SECMOD_KEYS_H */
