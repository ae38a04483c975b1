/* secmod/keys.c: private-key operations on behalf of workers. Runs in: sec-mod. */
#include <errno.h>
#include <gnutls/abstract.h>

#include "common/log.h"
#include "keys.h"

struct sm_keys {
	gnutls_privkey_t *key;
	size_t n;
};

static int keys_destroy(struct sm_keys *k)
{
	for (size_t i = 0; i < k->n; i++)
		if (k->key[i] != NULL)
			gnutls_privkey_deinit(k->key[i]);
	return 0;
}

static int load_one(const char *file, gnutls_privkey_t *ret)
{
	gnutls_datum_t raw = { NULL, 0 };
	int rc;

	rc = gnutls_load_file(file, &raw);
	if (rc < 0)
		return rc;
	rc = gnutls_privkey_init(ret);
	if (rc == 0) {
		rc = gnutls_privkey_import_x509_raw(*ret, &raw, GNUTLS_X509_FMT_PEM, NULL, 0);
		if (rc < 0)
			rc = gnutls_privkey_import_x509_raw(*ret, &raw, GNUTLS_X509_FMT_DER,
							    NULL, 0);
	}
	gnutls_memset(raw.data, 0, raw.size);
	gnutls_free(raw.data);
	return rc;
}

struct sm_keys *sm_keys_load(TALLOC_CTX *mem_ctx, char *const *files, size_t n)
{
	struct sm_keys *k = talloc_zero(mem_ctx, struct sm_keys);

	if (k == NULL)
		return NULL;
	k->key = talloc_zero_array(k, gnutls_privkey_t, n ? n : 1);
	if (k->key == NULL)
		goto fail;
	talloc_set_destructor(k, keys_destroy);
	for (k->n = 0; k->n < n; k->n++) {
		int rc = load_one(files[k->n], &k->key[k->n]);

		if (rc < 0) {
			log_err("cannot load server key '%s': %s", files[k->n],
				gnutls_strerror(rc));
			goto fail;
		}
	}
	return k;
fail:
	talloc_free(k);
	return NULL;
}

int sm_keys_sign(struct sm_keys *keys, unsigned idx, int sign_algo, unsigned flags,
		 bool is_hash, const gnutls_datum_t *data, gnutls_datum_t *ret_sig)
{
	if (idx >= keys->n)
		return GNUTLS_E_INVALID_REQUEST;
	if (is_hash)
		return gnutls_privkey_sign_hash2(keys->key[idx], (gnutls_sign_algorithm_t)sign_algo,
						 flags, data, ret_sig);
	return gnutls_privkey_sign_data2(keys->key[idx], (gnutls_sign_algorithm_t)sign_algo, flags,
					 data, ret_sig);
}

int sm_keys_decrypt(struct sm_keys *keys, unsigned idx, const gnutls_datum_t *data,
		    gnutls_datum_t *ret_plain)
{
	if (idx >= keys->n)
		return GNUTLS_E_INVALID_REQUEST;
	return gnutls_privkey_decrypt_data(keys->key[idx], 0, data, ret_plain);
}
