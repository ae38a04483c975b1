/* occtl/occtl.h: the occtl tool's shared state and command entry points. Runs in: occtl. */
#ifndef OCCTL_OCCTL_H
#define OCCTL_OCCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>

#include "common/ctl-frame.h"

#define OCCTL_DEFAULT_SOCKET "/var/run/occtl.socket"

/* exit codes, as the reference occtl */
enum occtl_rc {
	OCCTL_OK = 0,
	OCCTL_FAIL = 1,
	OCCTL_NOT_FOUND = 2,
};

struct occtl {
	const char *socket;
	bool json;
	bool debug;
};

/*
 * Send one request (req NULL: empty payload) on a fresh connection and wait
 * for a reply of type `want`; the payload is allocated on mem_ctx. Prints why
 * on failure and returns OCCTL_FAIL.
 */
int occtl_call(const struct occtl *o, TALLOC_CTX *mem_ctx, uint8_t type,
	       const ProtobufCMessage *req, uint8_t want, struct ctl_frame *ret);

/* occtl-show.c: one function per command; arg is the rest of the line (may be NULL) */
int occtl_show_status(const struct occtl *o, const char *arg);
int occtl_show_users(const struct occtl *o, const char *arg);
int occtl_show_user(const struct occtl *o, const char *arg);
int occtl_show_id(const struct occtl *o, const char *arg);
int occtl_show_iroutes(const struct occtl *o, const char *arg);
int occtl_show_bans(const struct occtl *o, const char *arg);
int occtl_show_ban_points(const struct occtl *o, const char *arg);
int occtl_show_sessions_all(const struct occtl *o, const char *arg);
int occtl_show_sessions_valid(const struct occtl *o, const char *arg);
int occtl_show_session(const struct occtl *o, const char *arg);
int occtl_show_events(const struct occtl *o, const char *arg);
int occtl_disconnect_user(const struct occtl *o, const char *arg);
int occtl_disconnect_id(const struct occtl *o, const char *arg);
int occtl_terminate_user(const struct occtl *o, const char *arg);
int occtl_terminate_id(const struct occtl *o, const char *arg);
int occtl_terminate_session(const struct occtl *o, const char *arg);
int occtl_unban_ip(const struct occtl *o, const char *arg);
int occtl_reload(const struct occtl *o, const char *arg);
int occtl_stop(const struct occtl *o, const char *arg);

/* occtl-nvm.c: wolfguard's NVM collector (ocserv-nvm answers them) */
int occtl_show_nvm_status(const struct occtl *o, const char *arg);
int occtl_show_nvm_flows(const struct occtl *o, const char *arg);
int occtl_show_nvm_endpoints(const struct occtl *o, const char *arg);

#endif /* OCCTL_OCCTL_H */
