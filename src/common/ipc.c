/* common/ipc.c: frame send/recv over SOCK_SEQPACKET with optional fd passing. Runs in: all. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ipc.h"

int ipc_send(int sock, uint8_t type, const ProtobufCMessage *msg, int fd)
{
	uint8_t hdr[IPC_HDR_LEN], *payload = NULL;
	union { struct cmsghdr align; char buf[CMSG_SPACE(sizeof(int))]; } ctrl;
	struct msghdr mh = { 0 };
	struct iovec iov[2];
	uint32_t len = 0;
	ssize_t n;
	int rc = 0;

	if (msg != NULL) {
		size_t plen = protobuf_c_message_get_packed_size(msg);

		if (plen > IPC_MAX_MSG)
			return -EMSGSIZE;
		len = (uint32_t)plen;
		payload = talloc_size(NULL, plen ? plen : 1);
		if (payload == NULL)
			return -ENOMEM;
		protobuf_c_message_pack(msg, payload);
	}
	hdr[0] = type;
	memcpy(hdr + 1, &len, sizeof(len));
	iov[0] = (struct iovec){ .iov_base = hdr, .iov_len = sizeof(hdr) };
	iov[1] = (struct iovec){ .iov_base = payload, .iov_len = len };
	mh.msg_iov = iov;
	mh.msg_iovlen = len ? 2 : 1;
	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&ctrl, 0, sizeof(ctrl));
		mh.msg_control = ctrl.buf;
		mh.msg_controllen = sizeof(ctrl.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		rc = -errno;
	else if ((size_t)n != sizeof(hdr) + len)
		rc = -EIO;
	talloc_free(payload);
	return rc;
}

static int take_fd(struct msghdr *mh)
{
	struct cmsghdr *c;
	int fd = -1;

	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		if (c->cmsg_len == CMSG_LEN(sizeof(int)) && fd < 0) {
			memcpy(&fd, CMSG_DATA(c), sizeof(int));
			continue;
		}
		/* more fds than the protocol allows: close them all */
		for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
			int extra;

			memcpy(&extra, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			close(extra);
		}
	}
	return fd;
}

int ipc_recv(int sock, TALLOC_CTX *mem_ctx, struct ipc_msg *ret)
{
	union { struct cmsghdr align; char buf[CMSG_SPACE(sizeof(int) * 4)]; } ctrl;
	uint8_t *buf = talloc_size(mem_ctx, IPC_HDR_LEN + IPC_MAX_MSG);
	struct msghdr mh = { 0 };
	struct iovec iov;
	uint32_t len;
	ssize_t n;
	int fd;

	if (buf == NULL)
		return -ENOMEM;
	iov = (struct iovec){ .iov_base = buf, .iov_len = IPC_HDR_LEN + IPC_MAX_MSG };
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctrl.buf;
	mh.msg_controllen = sizeof(ctrl.buf);
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		int err = errno;

		talloc_free(buf);
		return err == EWOULDBLOCK ? -EAGAIN : -err;
	}
	fd = take_fd(&mh);
	if (n == 0 || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || n < IPC_HDR_LEN) {
		if (fd >= 0)
			close(fd);
		talloc_free(buf);
		return n == 0 ? -ECONNRESET : -EMSGSIZE;
	}
	memcpy(&len, buf + 1, sizeof(len));
	if (len != (size_t)n - IPC_HDR_LEN) {
		if (fd >= 0)
			close(fd);
		talloc_free(buf);
		return -EBADMSG;
	}
	ret->type = buf[0];
	ret->data = buf + IPC_HDR_LEN;
	ret->len = len;
	ret->fd = fd;
	return 0;
}

static void *pb_alloc(void *ctx, size_t size)
{
	return talloc_size(ctx, size);
}

static void pb_free(void *ctx, void *ptr)
{
	(void)ctx;
	talloc_free(ptr);
}

void *ipc_unpack(TALLOC_CTX *mem_ctx, const ProtobufCMessageDescriptor *desc,
		 const struct ipc_msg *msg)
{
	ProtobufCAllocator a = { .alloc = pb_alloc, .free = pb_free, .allocator_data = mem_ctx };

	return protobuf_c_message_unpack(desc, &a, msg->len, msg->data);
}

int ipc_call(int sock, uint8_t type, const ProtobufCMessage *msg, uint8_t want,
	     TALLOC_CTX *mem_ctx, struct ipc_msg *ret)
{
	int rc = ipc_send(sock, type, msg, -1);

	if (rc < 0)
		return rc;
	rc = ipc_recv(sock, mem_ctx, ret);
	if (rc < 0)
		return rc;
	if (ret->type != want) {
		if (ret->fd >= 0)
			close(ret->fd);
		return -EPROTO;
	}
	return 0;
}
