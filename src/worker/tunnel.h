/* worker/tunnel.h: the tunnel phase of a worker. Runs in: worker. */
#ifndef WORKER_TUNNEL_H
#define WORKER_TUNNEL_H

#include <stddef.h>
#include <stdint.h>

struct wk;

/* The "HTTP/1.1 200 CONNECTED" reply with every X-CSTP-* header, as a talloc string. */
char *wk_cstp_reply(struct wk *w, void *mem_ctx);
/* Sends the reply and moves packets until the client or main ends the session. */
int wk_tunnel_run(struct wk *w, const uint8_t *extra, size_t extra_len);

#endif /* WORKER_TUNNEL_H */
