/* secmod/sessions.h: the session (cookie) table. Runs in: sec-mod. */
#ifndef SECMOD_SESSIONS_H
#define SECMOD_SESSIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <talloc.h>

#include "common/cookie.h"

enum sm_session_state {
	SM_SESSION_AUTH = 0,    /* login in progress: not yet a valid cookie */
	SM_SESSION_READY,       /* authenticated; cookie valid, no tunnel */
	SM_SESSION_ACTIVE,      /* a worker holds a tunnel for it */
};

struct sm_session {
	uint8_t sid[SID_LEN];
	enum sm_session_state state;
	char *username;
	char *groupname;
	char *remote_ip;
	char *user_agent;
	time_t created;
	time_t expires;         /* when not ACTIVE: drop after this */
	unsigned in_use;        /* tunnels open with this cookie */
	bool have_ipv4, have_ipv6;
	uint8_t ipv4[4];
	uint8_t ipv6[16];
	const void *owner;      /* the worker connection running the login */
};

struct sm_sessions;

struct sm_sessions *sm_sessions_new(TALLOC_CTX *mem_ctx);
/* A new session with a fresh random SID, in state AUTH. NULL on OOM. */
struct sm_session *sm_session_create(struct sm_sessions *db, time_t now);
/* Constant-time match on the full SID; NULL if unknown or expired. */
struct sm_session *sm_session_find(struct sm_sessions *db, const uint8_t sid[SID_LEN], time_t now);
void sm_session_remove(struct sm_sessions *db, struct sm_session *s);
/* drop every non-active session whose expiry passed; returns how many */
unsigned sm_sessions_expire(struct sm_sessions *db, time_t now);
unsigned sm_sessions_count(const struct sm_sessions *db);
/* sessions of `user` holding a tunnel */
unsigned sm_sessions_active_for(const struct sm_sessions *db, const char *user);

#endif /* SECMOD_SESSIONS_H */
