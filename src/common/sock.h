/* common/sock.h: small helpers for non-blocking stream sockets. Runs in: main, ocserv-nvm. */
#ifndef COMMON_SOCK_H
#define COMMON_SOCK_H

#include <stddef.h>

/*
 * Sends buf[*off..len) without blocking and advances *off. 0 when all of it
 * went out, 1 when the socket is full (wait for EV_WRITE and call again),
 * -errno when the peer is gone.
 */
int sock_send_pending(int fd, const void *buf, size_t len, size_t *off);

#endif /* COMMON_SOCK_H */
