/* common/ctl-frame.c: framing and request decoding for the occtl socket. Runs in: main, occtl. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "common/ctl-frame.h"
#include "common/ipc.h"
#include "common/pkt.h"
#include "ipc/ctl-msg.h"

int ctl_frame_parse(const uint8_t *buf, size_t len, size_t max, struct ctl_frame *ret,
		    size_t *ret_used)
{
	struct pkt_reader r = PKT_READER_INIT(buf, len);
	const uint8_t *payload;
	uint32_t plen;
	uint8_t type;

	if (pkt_get_u8(&r, &type) < 0 || pkt_copy(&r, &plen, sizeof(plen)) < 0)
		return -EAGAIN;
	if (plen > max)
		return -EMSGSIZE;
	if (pkt_get_bytes(&r, plen, &payload) < 0)
		return -EAGAIN;
	ret->type = type;
	ret->data = payload;
	ret->len = plen;
	*ret_used = CTL_HDR_LEN + (size_t)plen;
	return 0;
}

int ctl_frame_pack(TALLOC_CTX *mem_ctx, uint8_t type, const ProtobufCMessage *msg, size_t max,
		   uint8_t **ret_buf, size_t *ret_len)
{
	size_t plen = msg ? protobuf_c_message_get_packed_size(msg) : 0;
	uint32_t len32 = (uint32_t)plen;
	uint8_t *buf;

	if (plen > max || plen > UINT32_MAX)
		return -EMSGSIZE;
	buf = talloc_size(mem_ctx, CTL_HDR_LEN + plen);
	if (buf == NULL)
		return -ENOMEM;
	buf[0] = type;
	memcpy(buf + 1, &len32, sizeof(len32));
	if (msg != NULL && protobuf_c_message_pack(msg, buf + CTL_HDR_LEN) != plen) {
		talloc_free(buf);
		return -EIO;
	}
	*ret_buf = buf;
	*ret_len = CTL_HDR_LEN + plen;
	return 0;
}

void *ctl_unpack(TALLOC_CTX *mem_ctx, const ProtobufCMessageDescriptor *desc,
		 const struct ctl_frame *f)
{
	struct ipc_msg m = { .type = f->type, .data = f->data, .len = f->len, .fd = -1 };

	return ipc_unpack(mem_ctx, desc, &m);
}

/* The payload each request carries; NULL for the ones without. */
static const ProtobufCMessageDescriptor *req_payload(uint8_t type, bool *ret_known)
{
	*ret_known = true;
	switch (type) {
	case CTL_STATUS: case CTL_RELOAD: case CTL_STOP: case CTL_LIST:
	case CTL_LIST_BANNED: case CTL_TOP: case CTL_LIST_COOKIES:
		return NULL;
	case CTL_USER_INFO: case CTL_DISCONNECT_NAME: case CTL_TERMINATE_USER:
		return &ctl_name__descriptor;
	case CTL_ID_INFO: case CTL_DISCONNECT_ID: case CTL_TERMINATE_ID:
		return &ctl_id__descriptor;
	case CTL_UNBAN_IP:
		return &ctl_unban__descriptor;
	case CTL_TERMINATE_SESSION:
		return &ctl_safe_id__descriptor;
	default:
		*ret_known = false;
		return NULL;
	}
}

int ctl_req_decode(TALLOC_CTX *mem_ctx, const struct ctl_frame *f, struct ctl_req *ret)
{
	struct ctl_req r = { .type = f->type };
	const ProtobufCMessageDescriptor *d;
	ProtobufCMessage *m = NULL;
	bool known;

	d = req_payload(f->type, &known);
	if (!known)
		return -EPROTO;
	if (d != NULL) {
		m = ctl_unpack(mem_ctx, d, f);
		if (m == NULL)
			return -EBADMSG;
	}
	/* requests without a payload may carry stray bytes; they are ignored */
	if (d == &ctl_name__descriptor)
		r.name = (CtlName *)m;
	else if (d == &ctl_id__descriptor)
		r.id = (CtlId *)m;
	else if (d == &ctl_unban__descriptor)
		r.unban = (CtlUnban *)m;
	else if (d == &ctl_safe_id__descriptor)
		r.safe_id = (CtlSafeId *)m;
	*ret = r;
	return 0;
}
