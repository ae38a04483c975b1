/* ipc/ipc-msg.h: the one list of IPC message types. Runs in: main, sec-mod, worker. */
#ifndef IPC_IPC_MSG_H
#define IPC_IPC_MSG_H

/*
 * Frame types. The name says who sends and who receives: IPC_<FROM>_<TO>_<WHAT>.
 * Values are stable; new ones are appended. doc/design.md lists them with a line each.
 */
enum ipc_type {
	/* main -> worker */
	IPC_MAIN_WK_STARTUP = 1,          /* WorkerStartup + config snapshot fd */
	IPC_MAIN_WK_COOKIE_REP = 2,       /* AuthCookieRep (+ tun fd) */
	IPC_MAIN_WK_TERMINATE = 3,        /* empty: disconnect the client and exit */
	IPC_MAIN_WK_UDP_FD = 4,           /* UdpFd + connected UDP socket */

	/* worker -> main */
	IPC_WK_MAIN_COOKIE_REQ = 20,      /* AuthCookieReq */
	IPC_WK_MAIN_SESSION_INFO = 21,    /* SessionInfo */
	IPC_WK_MAIN_BYE = 22,             /* WorkerBye */
	IPC_WK_MAIN_TUN_MTU = 23,         /* TunMtu */

	/* worker -> sec-mod */
	IPC_WK_SM_AUTH_INIT = 40,         /* SecAuthInit */
	IPC_WK_SM_AUTH_CONT = 41,         /* SecAuthCont */
	IPC_WK_SM_SIGN = 42,              /* SecKeyOp */
	IPC_WK_SM_DECRYPT = 43,           /* SecKeyOp */

	/* sec-mod -> worker */
	IPC_SM_WK_AUTH_REPLY = 60,        /* SecAuthReply */
	IPC_SM_WK_KEY_REPLY = 61,         /* SecKeyOpReply */

	/* main -> sec-mod */
	IPC_MAIN_SM_SESSION_OPEN = 80,    /* SecmSessionOpen */
	IPC_MAIN_SM_SESSION_CLOSE = 81,   /* SecmSessionClose */

	/* sec-mod -> main */
	IPC_SM_MAIN_SESSION_REPLY = 100,  /* SecmSessionReply */
	IPC_SM_MAIN_BAN_IP = 101,         /* BanIp */

	/* main -> ocserv-nvm (src/main/nvm-link.c -> src/nvm/nvm-main.c) */
	IPC_MAIN_NVM_SESSION = 120,       /* NvmSession: a tunnel came up or went down */
	IPC_MAIN_NVM_CTL = 121,           /* NvmCtl + an occtl connection to answer */
};

/* Disconnect reasons, numbered as ocserv's so occtl and scripts read the same. */
enum disc_reason {
	DISC_ANY = 1,
	DISC_USER = 2,
	DISC_SERVER = 3,
	DISC_IDLE = 4,
	DISC_DPD = 5,
	DISC_ERROR = 6,
	DISC_SESSION_TIMEOUT = 7,
	DISC_TEMP = 8,
};

#endif /* IPC_IPC_MSG_H */
