/* main/ctl.h: the occtl control socket served by main. Runs in: main. */
#ifndef MAIN_CTL_H
#define MAIN_CTL_H

struct main_ctx;

/*
 * Listen on cfg->occtl_socket_file (a unix stream socket, mode 0711 owned by
 * run-as-user) and answer occtl requests from main's event loop. Nothing here
 * blocks: each client has a bounded input buffer, and a client that breaks
 * the protocol, sends an oversize frame or idles is dropped alone.
 */
int ctl_start(struct main_ctx *m);

/* Close every client and the socket, and remove the socket file. NULL-safe. */
void ctl_stop(struct main_ctx *m);

#endif /* MAIN_CTL_H */
