/* worker/sm-client.c: the worker's side of a login with sec-mod. Runs in: worker. */
#include <errno.h>
#include <string.h>

#include "common/ipc.h"
#include "common/log.h"
#include "ipc/ipc-msg.h"
#include "worker/worker.h"

static SecAuthReply *auth_call(struct wk *w, TALLOC_CTX *tmp, uint8_t type,
			       const ProtobufCMessage *msg)
{
	struct ipc_msg m;

	if (ipc_call(w->sm_fd, type, msg, IPC_SM_WK_AUTH_REPLY, tmp, &m) < 0)
		return NULL;
	return ipc_unpack(tmp, &sec_auth_reply__descriptor, &m);
}

/*
 * One login: INIT with the username, then CONT with the password. 0 when
 * sec-mod accepted (w->sid holds the cookie), -EACCES when it refused, and
 * another error when sec-mod broke the protocol or went away.
 */
int wk_sm_auth(struct wk *w, TALLOC_CTX *tmp, const char *user, const char *pass,
	       char **ret_msg)
{
	SecAuthInit init = SEC_AUTH_INIT__INIT;
	SecAuthCont cont = SEC_AUTH_CONT__INIT;
	SecAuthReply *r;

	init.username = (char *)user;
	init.remote_ip = w->st->remote_ip;
	init.local_ip = w->st->local_ip;
	init.session_start = w->st->session_start;
	init.hmac = w->st->hmac;
	init.user_agent = w->user_agent;
	r = auth_call(w, tmp, IPC_WK_SM_AUTH_INIT, &init.base);
	if (r == NULL)
		return -EPIPE;
	if (r->result != AUTH_RESULT__AUTH_MSG || !r->has_sid || r->sid.len != SID_LEN) {
		*ret_msg = r->message;
		return -EACCES;
	}
	cont.sid = r->sid;
	cont.password = (char *)pass;
	r = auth_call(w, tmp, IPC_WK_SM_AUTH_CONT, &cont.base);
	if (r == NULL)
		return -EPIPE;
	if (r->result != AUTH_RESULT__AUTH_OK || !r->has_sid || r->sid.len != SID_LEN) {
		*ret_msg = r->message;
		return -EACCES;
	}
	memcpy(w->sid, r->sid.data, SID_LEN);
	w->logged_in = true;
	w->username = talloc_strdup(w, r->username ? r->username : user);
	return 0;
}
