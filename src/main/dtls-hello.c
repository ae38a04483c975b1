/* main/dtls-hello.c: DTLS ClientHello reader (peer bytes, before any authentication). Runs in: main. */
#include <errno.h>
#include <string.h>

#include "common/pkt.h"
#include "main/dtls-hello.h"

#define DTLS_CT_HANDSHAKE 22
#define DTLS_HS_CLIENT_HELLO 1

static bool known_version(uint16_t v)
{
	return v == 0xfeff || v == 0xfefd || v == 0x0100;
}

/* record header -> the record body as a sub-reader */
static int read_record(struct pkt_reader *r, uint16_t *ret_version, struct pkt_reader *ret_body)
{
	uint8_t type;
	uint16_t version, epoch, len;
	const uint8_t *seq;

	if (pkt_get_u8(r, &type) < 0 || pkt_get_be16(r, &version) < 0 ||
	    pkt_get_be16(r, &epoch) < 0 || pkt_get_bytes(r, 6, &seq) < 0 ||
	    pkt_get_be16(r, &len) < 0)
		return -EBADMSG;
	if (type != DTLS_CT_HANDSHAKE || epoch != 0 || !known_version(version))
		return -ENOMSG;
	if (pkt_sub(r, len, ret_body) < 0)
		return -EBADMSG;
	*ret_version = version;
	return 0;
}

/* handshake header -> this fragment of the ClientHello */
static int read_handshake(struct pkt_reader *r, struct pkt_reader *ret_frag)
{
	uint8_t type;
	uint16_t msg_seq;
	uint32_t len, frag_off, frag_len;

	if (pkt_get_u8(r, &type) < 0 || pkt_get_be24(r, &len) < 0 ||
	    pkt_get_be16(r, &msg_seq) < 0 || pkt_get_be24(r, &frag_off) < 0 ||
	    pkt_get_be24(r, &frag_len) < 0)
		return -EBADMSG;
	if (type != DTLS_HS_CLIENT_HELLO)
		return -ENOMSG;
	/* only the first fragment can tell us who this is */
	if (frag_off != 0 || frag_len > len)
		return -EBADMSG;
	return pkt_sub(r, frag_len, ret_frag);
}

static int read_app_id(struct pkt_reader *exts, struct dtls_hello *h)
{
	while (!pkt_at_end(exts)) {
		struct pkt_reader data, id;
		uint16_t type;

		if (pkt_get_be16(exts, &type) < 0 || pkt_get_vec16(exts, &data) < 0)
			return -EBADMSG;
		if (type != DTLS_APP_ID_EXT)
			continue;
		if (pkt_get_vec8(&data, &id) < 0 || id.left == 0 || id.left > DTLS_ID_MAX)
			return -EBADMSG;
		h->app_id_len = id.left;
		return pkt_copy(&id, h->app_id, id.left);
	}
	return 0;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

int dtls_hello_parse(const uint8_t *buf, size_t len, struct dtls_hello *ret)
{
	struct pkt_reader r = PKT_READER_INIT(buf, len), body, hello, sid, cookie, suites, comp, exts;
	struct dtls_hello h = { 0 };
	const uint8_t *random;
	uint16_t client_version;
	int rc;

	if ((rc = read_record(&r, &h.version, &body)) < 0 || (rc = read_handshake(&body, &hello)) < 0)
		return rc;
	if (pkt_get_be16(&hello, &client_version) < 0 || pkt_get_bytes(&hello, 32, &random) < 0 ||
	    pkt_get_vec8(&hello, &sid) < 0 || sid.left > DTLS_ID_MAX ||
	    pkt_get_vec8(&hello, &cookie) < 0)
		return -EBADMSG;
	/* ocserv drops these too: a zero random is a broken or hostile client */
	if (all_zero(random, 32))
		return -EBADMSG;
	h.session_id_len = sid.left;
	pkt_copy(&sid, h.session_id, sid.left);
	/* a fragment may end before the extensions; the session id is then all we have */
	if (pkt_get_vec16(&hello, &suites) == 0 && pkt_get_vec8(&hello, &comp) == 0 &&
	    pkt_get_vec16(&hello, &exts) == 0 && read_app_id(&exts, &h) < 0)
		return -EBADMSG;
	*ret = h;
	return 0;
}
