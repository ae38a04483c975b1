/* common/ctl-frame.h: framing and request decoding for the occtl socket. Runs in: main, occtl. */
#ifndef COMMON_CTL_FRAME_H
#define COMMON_CTL_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include <protobuf-c/protobuf-c.h>
#include <talloc.h>

#include "ipc/ctl.pb-c.h"

/*
 * The control socket is a byte stream, so frames are found by their header:
 * 1 type byte, a 4-byte host-order payload length, then the protobuf payload
 * (the framing ocserv uses on the same socket). The limits are checked here,
 * before anything is buffered, so callers never hold more than they allow.
 */
#define CTL_HDR_LEN 5
#define CTL_MAX_REQ (16 * 1024)          /* a request: a name, an id or an address */
#define CTL_MAX_REP (8 * 1024 * 1024)    /* a reply: the user list can be long */

struct ctl_frame {
	uint8_t type;
	const uint8_t *data;    /* points into the caller's buffer */
	size_t len;
};

/*
 * One complete frame at the start of buf[0..len). 0 with *ret and the bytes
 * it spans in *ret_used; -EAGAIN when more bytes are needed (nothing written);
 * -EMSGSIZE when the announced payload is over max (drop the peer).
 */
int ctl_frame_parse(const uint8_t *buf, size_t len, size_t max, struct ctl_frame *ret,
		    size_t *ret_used);

/* Header and packed msg (NULL: empty payload) in one buffer allocated on mem_ctx. */
int ctl_frame_pack(TALLOC_CTX *mem_ctx, uint8_t type, const ProtobufCMessage *msg, size_t max,
		   uint8_t **ret_buf, size_t *ret_len);

/* A request as the server sees it; which pointer is set depends on the type. */
struct ctl_req {
	uint8_t type;
	CtlName *name;          /* USER_INFO, DISCONNECT_NAME, TERMINATE_USER */
	CtlId *id;              /* ID_INFO, DISCONNECT_ID, TERMINATE_ID */
	CtlUnban *unban;        /* UNBAN_IP */
	CtlSafeId *safe_id;     /* TERMINATE_SESSION */
};

/*
 * Check and unpack a request frame (payload allocated on mem_ctx). -EPROTO for
 * a type the server does not know, -EBADMSG for a payload that does not fit
 * the type; *ret is written only on success.
 */
int ctl_req_decode(TALLOC_CTX *mem_ctx, const struct ctl_frame *f, struct ctl_req *ret);

/* Unpack any payload with talloc as the allocator; NULL when malformed. */
void *ctl_unpack(TALLOC_CTX *mem_ctx, const ProtobufCMessageDescriptor *desc,
		 const struct ctl_frame *f);

#endif /* COMMON_CTL_FRAME_H */
