/* common/ipc.h: the one framing for every IPC channel. Runs in: main, sec-mod, worker. */
#ifndef COMMON_IPC_H
#define COMMON_IPC_H

#include <stddef.h>
#include <stdint.h>
#include <protobuf-c/protobuf-c.h>
#include <talloc.h>

/*
 * A frame is 1 type byte, a 4-byte host-order payload length and a protobuf-c
 * payload, sent as one SOCK_SEQPACKET record with at most one fd attached.
 * IPC_MAX_MSG is enforced here and nowhere else: callers never see more.
 */
#define IPC_HDR_LEN 5
#define IPC_MAX_MSG (64 * 1024)

struct ipc_msg {
	uint8_t type;
	const uint8_t *data;   /* payload, owned by the ipc_msg's talloc parent */
	size_t len;
	int fd;                /* -1 when none came with the frame */
};

/* msg may be NULL for an empty payload; fd < 0 for none. 0 or -errno. */
int ipc_send(int sock, uint8_t type, const ProtobufCMessage *msg, int fd);

/*
 * Receive one frame. -ECONNRESET on orderly close, -EAGAIN when nothing is
 * ready on a non-blocking socket, -EMSGSIZE / -EBADMSG on a frame that breaks
 * the framing (the caller drops that peer). The payload is allocated on mem_ctx.
 */
int ipc_recv(int sock, TALLOC_CTX *mem_ctx, struct ipc_msg *ret);

/* Unpack a payload with talloc as the allocator; NULL on a malformed payload. */
void *ipc_unpack(TALLOC_CTX *mem_ctx, const ProtobufCMessageDescriptor *desc,
		 const struct ipc_msg *msg);

/* send a request then wait for a reply of `want` type (blocking). */
int ipc_call(int sock, uint8_t type, const ProtobufCMessage *msg, uint8_t want,
	     TALLOC_CTX *mem_ctx, struct ipc_msg *ret);

#endif /* COMMON_IPC_H */
