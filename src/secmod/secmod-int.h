/* secmod/secmod-int.h: sec-mod internals shared by its own files. Runs in: sec-mod. */
#ifndef SECMOD_SECMOD_INT_H
#define SECMOD_SECMOD_INT_H

#include <ev.h>
#include <stddef.h>
#include <stdint.h>

#include "common/cfg.h"
#include "common/hmac.h"
#include "common/ipc.h"
#include "keys.h"
#include "sessions.h"

struct sm_ctx {
	struct ev_loop *loop;
	struct cfg *cfg;
	struct sm_keys *keys;
	struct sm_sessions *db;
	uint8_t hmac_key[STARTUP_KEY_LEN];
	int main_fd;
	int listen_fd;
	ev_io main_w;
	ev_io listen_w;
	ev_timer sweep;
	unsigned auth_failures;
};

/* Login progress of one worker connection; a handler is allowed in a set of these. */
enum sm_client_state {
	SM_CLIENT_NEW = 0,      /* may start a login */
	SM_CLIENT_AUTH,         /* login started, waiting for the secret */
	SM_CLIENT_DONE,         /* logged in; only key operations remain */
};

#define SM_IN(st) (1u << (st))
#define SM_ANY (SM_IN(SM_CLIENT_NEW) | SM_IN(SM_CLIENT_AUTH) | SM_IN(SM_CLIENT_DONE))

struct sm_client {
	struct sm_ctx *sm;
	int fd;
	ev_io w;
	enum sm_client_state state;
	struct sm_session *login;
	unsigned failures;
};

struct sm_handler {
	uint8_t type;
	unsigned states;
	int (*fn)(struct sm_client *c, TALLOC_CTX *tmp, const struct ipc_msg *m);
};

struct sm_main_handler {
	uint8_t type;
	int (*fn)(struct sm_ctx *sm, TALLOC_CTX *tmp, const struct ipc_msg *m);
};

extern const struct sm_handler sm_worker_table[];
extern const size_t sm_worker_table_len;
extern const struct sm_main_handler sm_main_table[];
extern const size_t sm_main_table_len;

#endif /* SECMOD_SECMOD_INT_H */
