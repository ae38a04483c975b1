/* ipc/ctl-msg.h: frame types on the occtl control socket. Runs in: main, occtl. */
#ifndef IPC_CTL_MSG_H
#define IPC_CTL_MSG_H

/*
 * The numbers are ocserv's, so either occtl talks to either server. A reply
 * is its request's number + 100, except that USER_INFO, ID_INFO and TOP are
 * answered with CTL_LIST_REP. Payloads are in src/ipc/ctl.proto.
 *
 * Numbering plan (one byte):
 *   1..99     requests shared with ocserv (1..15 used; 16..99 left to ocserv)
 *   101..199  their replies (101..113 used)
 *   200..219  wolfguard's own requests (NVM flow export and the like)
 *   220..239  replies to 200..219, request + 20
 *   240..255  reserved
 * ocserv has never used anything above 113 here, and an ocserv occtl never
 * sends 200 or more, so our extensions cannot be mistaken for its commands.
 */
enum ctl_type {
	CTL_STATUS = 1,                 /* empty -> CtlStatus */
	CTL_RELOAD = 2,                 /* empty -> CtlBool */
	CTL_STOP = 3,                   /* empty -> CtlBool */
	CTL_LIST = 4,                   /* empty -> CtlUserList */
	CTL_USER_INFO = 5,              /* CtlName -> CtlUserList */
	CTL_ID_INFO = 6,                /* CtlId -> CtlUserList */
	CTL_DISCONNECT_NAME = 7,        /* CtlName -> CtlBool */
	CTL_DISCONNECT_ID = 8,          /* CtlId -> CtlBool */
	CTL_LIST_BANNED = 9,            /* empty -> CtlBanList */
	CTL_UNBAN_IP = 10,              /* CtlUnban -> CtlBool */
	CTL_TOP = 11,                   /* empty -> CtlUserList, then CtlTopUpdate */
	CTL_LIST_COOKIES = 12,          /* empty -> CtlSessionList */
	CTL_TERMINATE_USER = 13,        /* CtlName -> CtlBool */
	CTL_TERMINATE_ID = 14,          /* CtlId -> CtlBool */
	CTL_TERMINATE_SESSION = 15,     /* CtlSafeId -> CtlBool */

	CTL_STATUS_REP = 101,
	CTL_RELOAD_REP = 102,
	CTL_STOP_REP = 103,
	CTL_LIST_REP = 104,
	CTL_DISCONNECT_NAME_REP = 105,
	CTL_DISCONNECT_ID_REP = 106,
	CTL_UNBAN_IP_REP = 107,
	CTL_LIST_BANNED_REP = 108,
	CTL_TOP_UPDATE_REP = 109,
	CTL_LIST_COOKIES_REP = 110,
	CTL_TERMINATE_USER_REP = 111,
	CTL_TERMINATE_ID_REP = 112,
	CTL_TERMINATE_SESSION_REP = 113,

	CTL_WG_FIRST = 200,             /* wolfguard extensions, requests */
	CTL_NVM_STATUS = 200,           /* empty -> CtlNvmStatus (answered by ocserv-nvm) */
	CTL_NVM_FLOWS = 201,            /* CtlNvmQuery -> CtlNvmFlowList */
	CTL_NVM_ENDPOINTS = 202,        /* CtlNvmQuery -> CtlNvmEndpointList */
	CTL_WG_LAST = 219,
	CTL_WG_REP_FIRST = 220,         /* their replies: request + 20 */
	CTL_NVM_STATUS_REP = 220,
	CTL_NVM_FLOWS_REP = 221,
	CTL_NVM_ENDPOINTS_REP = 222,
	CTL_WG_REP_LAST = 239,
};

/* CtlUser.state / CtlSession.state, numbered as ocserv's auth states */
enum ctl_user_state {
	CTL_STATE_INACTIVE = 0,         /* TLS up, no credentials yet */
	CTL_STATE_FAILED = 1,
	CTL_STATE_INIT = 2,
	CTL_STATE_CONT = 3,
	CTL_STATE_COMPLETED = 4,        /* tunnel up */
};

#endif /* IPC_CTL_MSG_H */
