/* common/sock.c: small helpers for non-blocking stream sockets. Runs in: main, ocserv-nvm. */
#include <errno.h>
#include <sys/socket.h>

#include "common/sock.h"

int sock_send_pending(int fd, const void *buf, size_t len, size_t *off)
{
	while (*off < len) {
		ssize_t k = send(fd, (const char *)buf + *off, len - *off, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 1;
		if (k < 0)
			return -errno;
		*off += (size_t)k;
	}
	return 0;
}
