/* worker/tls.c: the client's TLS session; key operations go to sec-mod. Runs in: worker. */
#include <errno.h>
#include <string.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "common/ipc.h"
#include "common/log.h"
#include "ipc/ipc-msg.h"
#include "worker/worker.h"

#define WK_MAX_CHAIN 16

struct wk_key {
	struct wk *w;
	unsigned idx;
	gnutls_pk_algorithm_t pk;
	unsigned bits;
};

/* Ask sec-mod to sign or decrypt; the worker never sees the key. */
static int key_call(struct wk_key *k, uint8_t type, int algo, unsigned flags, bool is_hash,
		    const gnutls_datum_t *in, gnutls_datum_t *out)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	SecKeyOp op = SEC_KEY_OP__INIT;
	SecKeyOpReply *r;
	struct ipc_msg m;
	int rc = GNUTLS_E_PK_SIGN_FAILED;

	op.key_idx = k->idx;
	op.sign_algo = algo;
	op.flags = flags;
	op.is_hash = is_hash;
	op.data.data = in->data;
	op.data.len = in->size;
	if (ipc_call(k->w->sm_fd, type, &op.base, IPC_SM_WK_KEY_REPLY, tmp, &m) < 0)
		goto out;
	r = ipc_unpack(tmp, &sec_key_op_reply__descriptor, &m);
	if (r == NULL || r->status != 0 || !r->has_data) {
		rc = r ? r->status : rc;
		goto out;
	}
	out->data = gnutls_malloc(r->data.len);
	if (out->data == NULL) {
		rc = GNUTLS_E_MEMORY_ERROR;
		goto out;
	}
	memcpy(out->data, r->data.data, r->data.len);
	out->size = (unsigned)r->data.len;
	rc = 0;
out:
	talloc_free(tmp);
	return rc;
}

static int sign_data_cb(gnutls_privkey_t key, gnutls_sign_algorithm_t algo, void *data,
			unsigned flags, const gnutls_datum_t *in, gnutls_datum_t *sig)
{
	(void)key;
	return key_call(data, IPC_WK_SM_SIGN, algo, flags, false, in, sig);
}

static int sign_hash_cb(gnutls_privkey_t key, gnutls_sign_algorithm_t algo, void *data,
			unsigned flags, const gnutls_datum_t *hash, gnutls_datum_t *sig)
{
	(void)key;
	return key_call(data, IPC_WK_SM_SIGN, algo, flags, true, hash, sig);
}

static int decrypt_cb(gnutls_privkey_t key, void *data, const gnutls_datum_t *in,
		      gnutls_datum_t *out)
{
	(void)key;
	return key_call(data, IPC_WK_SM_DECRYPT, 0, 0, false, in, out);
}

static int info_cb(gnutls_privkey_t key, unsigned flags, void *data)
{
	struct wk_key *k = data;

	(void)key;
	if (flags & GNUTLS_PRIVKEY_INFO_PK_ALGO)
		return (int)k->pk;
	if (flags & GNUTLS_PRIVKEY_INFO_PK_ALGO_BITS)
		return (int)k->bits;
	if (flags & GNUTLS_PRIVKEY_INFO_HAVE_SIGN_ALGO) {
		gnutls_sign_algorithm_t s = GNUTLS_FLAGS_TO_SIGN_ALGO(flags);

		return gnutls_sign_supports_pk_algorithm(s, k->pk) ? 1 : 0;
	}
	return -1;
}

static int load_pair(struct wk *w, unsigned idx, const char *cert_file)
{
	gnutls_pcert_st *pcerts = talloc_zero_array(w, gnutls_pcert_st, WK_MAX_CHAIN);
	struct wk_key *k = talloc_zero(w, struct wk_key);
	unsigned n = WK_MAX_CHAIN;
	gnutls_datum_t raw = { NULL, 0 };
	gnutls_privkey_t pkey = NULL;
	int rc;

	if (pcerts == NULL || k == NULL)
		return GNUTLS_E_MEMORY_ERROR;
	rc = gnutls_load_file(cert_file, &raw);
	if (rc < 0)
		return rc;
	rc = gnutls_pcert_list_import_x509_raw(pcerts, &n, &raw, GNUTLS_X509_FMT_PEM, 0);
	if (rc < 0)
		rc = gnutls_pcert_list_import_x509_raw(pcerts, &n, &raw, GNUTLS_X509_FMT_DER, 0);
	gnutls_free(raw.data);
	if (rc < 0)
		return rc;
	k->w = w;
	k->idx = idx;
	k->pk = (gnutls_pk_algorithm_t)gnutls_pubkey_get_pk_algorithm(pcerts[0].pubkey, &k->bits);
	if (idx == 0) {
		uint8_t d[20];
		size_t dl = sizeof(d);

		if (gnutls_fingerprint(GNUTLS_DIG_SHA1, &pcerts[0].cert, d, &dl) == 0)
			for (size_t i = 0; i < dl; i++)
				snprintf(w->cert_sha1 + 2 * i, 3, "%02X", d[i]);
	}
	if ((rc = gnutls_privkey_init(&pkey)) < 0 ||
	    (rc = gnutls_privkey_import_ext4(pkey, k, sign_data_cb, sign_hash_cb, decrypt_cb,
					     NULL, info_cb, 0)) < 0)
		return rc;
	return gnutls_certificate_set_key(w->creds, NULL, 0, pcerts, (int)n, pkey);
}

int wk_tls_setup(struct wk *w)
{
	const char *prio = w->cfg->tls_priorities ? w->cfg->tls_priorities
						  : "NORMAL:%SERVER_PRECEDENCE:%COMPAT";
	const char *err_pos = NULL;
	int rc;

	if ((rc = gnutls_certificate_allocate_credentials(&w->creds)) < 0)
		goto fail;
	/* the key lives in sec-mod: no test signature per connection to match it to the cert */
	gnutls_certificate_set_flags(w->creds, GNUTLS_CERTIFICATE_SKIP_KEY_CERT_MATCH);
	for (size_t i = 0; i < w->cfg->n_server_cert; i++)
		if ((rc = load_pair(w, (unsigned)i, w->cfg->server_cert[i])) < 0) {
			log_err("cannot load certificate '%s': %s", w->cfg->server_cert[i],
				gnutls_strerror(rc));
			return -EIO;
		}
	if ((rc = gnutls_init(&w->tls, GNUTLS_SERVER | GNUTLS_NO_SIGNAL)) < 0 ||
	    (rc = gnutls_priority_set_direct(w->tls, prio, &err_pos)) < 0 ||
	    (rc = gnutls_credentials_set(w->tls, GNUTLS_CRD_CERTIFICATE, w->creds)) < 0)
		goto fail;
	gnutls_certificate_server_set_request(w->tls, GNUTLS_CERT_IGNORE);
	gnutls_transport_set_int(w->tls, w->client_fd);
	gnutls_handshake_set_timeout(w->tls, GNUTLS_DEFAULT_HANDSHAKE_TIMEOUT);
	return 0;
fail:
	log_err("TLS setup failed: %s%s%s", gnutls_strerror(rc), err_pos ? " at " : "",
		err_pos ? err_pos : "");
	return -EIO;
}

int wk_tls_handshake(struct wk *w)
{
	int rc;

	do
		rc = gnutls_handshake(w->tls);
	while (rc < 0 && !gnutls_error_is_fatal(rc));
	if (rc < 0) {
		log_info("TLS handshake with %s failed: %s", w->st->remote_ip, gnutls_strerror(rc));
		return -EPROTO;
	}
	log_debug("TLS established with %s: %s", w->st->remote_ip,
		  gnutls_session_get_desc(w->tls));
	return 0;
}

int wk_send_all(struct wk *w, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = gnutls_record_send(w->tls, p, len);

		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
			continue;
		if (n < 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
