/* secmod/answer.c: sec-mod's answers to workers and main, and their dispatch tables. Runs in: sec-mod. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <gnutls/gnutls.h>

#include "auth-plain.h"
#include "common/log.h"
#include "ipc/ipc-msg.h"
#include "ipc/ipc.pb-c.h"
#include "secmod-int.h"

#define SM_MAX_LOGIN_FAILURES 3

static int reply_auth(struct sm_client *c, AuthResult result, const struct sm_session *s,
		      const char *message)
{
	SecAuthReply r = SEC_AUTH_REPLY__INIT;

	r.result = result;
	if (s != NULL) {
		r.has_sid = 1;
		r.sid.data = (uint8_t *)s->sid;
		r.sid.len = SID_LEN;
		r.username = s->username;
	}
	r.message = (char *)message;
	if (result == AUTH_RESULT__AUTH_MSG)
		r.password_label = (char *)"Password:";
	return ipc_send(c->fd, IPC_SM_WK_AUTH_REPLY, &r.base, -1);
}

static int sm_answer_auth_init(struct sm_client *c, TALLOC_CTX *tmp, const struct ipc_msg *m)
{
	struct sm_ctx *sm = c->sm;
	SecAuthInit *req = ipc_unpack(tmp, &sec_auth_init__descriptor, m);
	time_t now = time(NULL);
	struct sm_session *s;

	if (req == NULL)
		return -EBADMSG;
	if (!startup_hmac_ok(sm->hmac_key, req->remote_ip, req->local_ip, req->session_start,
			     req->hmac.data, req->hmac.len))
		return -EPERM;
	if (sm->cfg->auth_timeout > 0 &&
	    (uint64_t)now > req->session_start + sm->cfg->auth_timeout) {
		log_info("login from %s started too long ago", req->remote_ip);
		return reply_auth(c, AUTH_RESULT__AUTH_FAILED, NULL, "Authentication timed out.");
	}
	if (req->username[0] == '\0' || strlen(req->username) > 255)
		return reply_auth(c, AUTH_RESULT__AUTH_FAILED, NULL, "Invalid username.");
	s = sm_session_create(sm->db, now);
	if (s == NULL)
		return -ENOMEM;
	s->username = talloc_strdup(s, req->username);
	s->remote_ip = talloc_strdup(s, req->remote_ip);
	s->user_agent = req->user_agent ? talloc_strndup(s, req->user_agent, 256) : NULL;
	s->owner = c;
	/* a login that is never finished goes away with the auth timeout */
	s->expires = now + (sm->cfg->auth_timeout ? sm->cfg->auth_timeout : 240);
	c->login = s;
	c->state = SM_CLIENT_AUTH;
	return reply_auth(c, AUTH_RESULT__AUTH_MSG, s, "Please enter your password.");
}

/* main keeps the ban scores; a lost message only costs an attacker nothing */
static void report_ban_points(struct sm_ctx *sm, const char *ip)
{
	BanIp b = BAN_IP__INIT;

	if (ip == NULL || sm->cfg->max_ban_score == 0 || sm->cfg->ban_points_wrong_password == 0)
		return;
	b.ip = (char *)ip;
	b.points = sm->cfg->ban_points_wrong_password;
	ipc_send(sm->main_fd, IPC_SM_MAIN_BAN_IP, &b.base, -1);
}

static int login_failed(struct sm_client *c, const char *user)
{
	struct sm_ctx *sm = c->sm;

	sm->auth_failures++;
	c->failures++;
	report_ban_points(sm, c->login->remote_ip);
	log_info("failed authentication for '%.64s' from %s", user,
		 c->login->remote_ip ? c->login->remote_ip : "?");
	sm_session_remove(sm->db, c->login);
	c->login = NULL;
	c->state = SM_CLIENT_NEW;
	if (c->failures >= SM_MAX_LOGIN_FAILURES)
		return -EACCES;
	return reply_auth(c, AUTH_RESULT__AUTH_FAILED, NULL, "Login failed.");
}

static int sm_answer_auth_cont(struct sm_client *c, TALLOC_CTX *tmp, const struct ipc_msg *m)
{
	struct sm_ctx *sm = c->sm;
	SecAuthCont *req = ipc_unpack(tmp, &sec_auth_cont__descriptor, m);
	struct sm_session *s = c->login;
	char **groups = NULL;
	size_t n_groups = 0;
	int rc;

	if (req == NULL)
		return -EBADMSG;
	if (s == NULL || req->sid.len != SID_LEN || memcmp(req->sid.data, s->sid, SID_LEN) != 0)
		return -EPERM;
	if (sm->cfg->auth_plain_passwd == NULL) {
		log_err("no usable auth method configured (%s)",
			sm->cfg->auth_method ? sm->cfg->auth_method : "none");
		return login_failed(c, s->username);
	}
	rc = auth_plain_check(tmp, sm->cfg->auth_plain_passwd, s->username, req->password,
			      &groups, &n_groups);
	if (rc < 0)
		return login_failed(c, s->username);
	if (n_groups > 0)
		s->groupname = talloc_strdup(s, groups[0]);
	s->state = SM_SESSION_READY;
	s->expires = time(NULL) + sm->cfg->cookie_timeout;
	s->owner = NULL;
	c->login = NULL;
	c->state = SM_CLIENT_DONE;
	log_info("user '%s' authenticated from %s", s->username, s->remote_ip);
	return reply_auth(c, AUTH_RESULT__AUTH_OK, s, NULL);
}

static int key_op(struct sm_client *c, TALLOC_CTX *tmp, const struct ipc_msg *m, bool decrypt)
{
	SecKeyOp *req = ipc_unpack(tmp, &sec_key_op__descriptor, m);
	SecKeyOpReply r = SEC_KEY_OP_REPLY__INIT;
	gnutls_datum_t in, out = { NULL, 0 };
	int rc;

	if (req == NULL)
		return -EBADMSG;
	in.data = req->data.data;
	in.size = (unsigned)req->data.len;
	if (decrypt)
		r.status = sm_keys_decrypt(c->sm->keys, req->key_idx, &in, &out);
	else
		r.status = sm_keys_sign(c->sm->keys, req->key_idx, req->sign_algo, req->flags,
					req->is_hash, &in, &out);
	if (r.status == 0) {
		r.has_data = 1;
		r.data.data = out.data;
		r.data.len = out.size;
	}
	rc = ipc_send(c->fd, IPC_SM_WK_KEY_REPLY, &r.base, -1);
	if (out.data != NULL) {
		gnutls_memset(out.data, 0, out.size);
		gnutls_free(out.data);
	}
	return rc;
}

static int sm_answer_sign(struct sm_client *c, TALLOC_CTX *tmp, const struct ipc_msg *m)
{
	return key_op(c, tmp, m, false);
}

static int sm_answer_decrypt(struct sm_client *c, TALLOC_CTX *tmp, const struct ipc_msg *m)
{
	return key_op(c, tmp, m, true);
}

const struct sm_handler sm_worker_table[] = {
	{ IPC_WK_SM_AUTH_INIT, SM_IN(SM_CLIENT_NEW), sm_answer_auth_init },
	{ IPC_WK_SM_AUTH_CONT, SM_IN(SM_CLIENT_AUTH), sm_answer_auth_cont },
	{ IPC_WK_SM_SIGN, SM_ANY, sm_answer_sign },
	{ IPC_WK_SM_DECRYPT, SM_ANY, sm_answer_decrypt },
};
const size_t sm_worker_table_len = sizeof(sm_worker_table) / sizeof(sm_worker_table[0]);

static int session_reply(struct sm_ctx *sm, uint32_t req_id, AuthResult result,
			 const struct sm_session *s, const char *reason, time_t now)
{
	SecmSessionReply r = SECM_SESSION_REPLY__INIT;

	r.req_id = req_id;
	r.result = result;
	r.reason = (char *)reason;
	if (s != NULL) {
		r.has_sid = 1;
		r.sid.data = (uint8_t *)s->sid;
		r.sid.len = SID_LEN;
		r.username = s->username;
		r.groupname = s->groupname;
		if (s->have_ipv4) {
			r.has_ipv4 = 1;
			r.ipv4.data = (uint8_t *)s->ipv4;
			r.ipv4.len = 4;
		}
		if (s->have_ipv6) {
			r.has_ipv6 = 1;
			r.ipv6.data = (uint8_t *)s->ipv6;
			r.ipv6.len = 16;
		}
		if (sm->cfg->session_timeout > 0) {
			time_t end = s->created + sm->cfg->session_timeout;

			r.has_session_timeout_remaining = 1;
			r.session_timeout_remaining = end > now ? (uint32_t)(end - now) : 0;
		}
	}
	return ipc_send(sm->main_fd, IPC_SM_MAIN_SESSION_REPLY, &r.base, -1);
}

static int sm_answer_session_open(struct sm_ctx *sm, TALLOC_CTX *tmp, const struct ipc_msg *m)
{
	SecmSessionOpen *req = ipc_unpack(tmp, &secm_session_open__descriptor, m);
	time_t now = time(NULL);
	struct sm_session *s = NULL;

	if (req == NULL)
		return -EBADMSG;
	if (req->sid.len == SID_LEN)
		s = sm_session_find(sm->db, req->sid.data, now);
	if (s == NULL || s->state == SM_SESSION_AUTH)
		return session_reply(sm, req->req_id, AUTH_RESULT__AUTH_FAILED, NULL,
				     "Cookie is not acceptable", now);
	/* session-timeout counts from login: reconnecting cannot extend it */
	if (sm->cfg->session_timeout > 0 && now >= s->created + sm->cfg->session_timeout) {
		sm_session_remove(sm->db, s);
		return session_reply(sm, req->req_id, AUTH_RESULT__AUTH_FAILED, NULL,
				     "Session timed out", now);
	}
	s->state = SM_SESSION_ACTIVE;
	s->in_use++;
	return session_reply(sm, req->req_id, AUTH_RESULT__AUTH_OK, s, NULL, now);
}

static int sm_answer_session_close(struct sm_ctx *sm, TALLOC_CTX *tmp, const struct ipc_msg *m)
{
	SecmSessionClose *req = ipc_unpack(tmp, &secm_session_close__descriptor, m);
	time_t now = time(NULL);
	struct sm_session *s = NULL;

	if (req == NULL)
		return -EBADMSG;
	if (req->sid.len == SID_LEN)
		s = sm_session_find(sm->db, req->sid.data, now);
	if (s == NULL)
		return 0;
	if (s->in_use > 0)
		s->in_use--;
	if (req->has_ipv4 && req->ipv4.len == 4) {
		memcpy(s->ipv4, req->ipv4.data, 4);
		s->have_ipv4 = true;
	}
	if (req->has_ipv6 && req->ipv6.len == 16) {
		memcpy(s->ipv6, req->ipv6.data, 16);
		s->have_ipv6 = true;
	}
	/* a user's BYE or an admin's kick ends the cookie; a lost link keeps it */
	if (req->reason == DISC_USER || req->reason == DISC_SERVER ||
	    req->reason == DISC_SESSION_TIMEOUT) {
		if (s->in_use == 0)
			sm_session_remove(sm->db, s);
		return 0;
	}
	if (s->in_use == 0) {
		s->state = SM_SESSION_READY;
		s->expires = now + sm->cfg->cookie_timeout;
	}
	return 0;
}

const struct sm_main_handler sm_main_table[] = {
	{ IPC_MAIN_SM_SESSION_OPEN, sm_answer_session_open },
	{ IPC_MAIN_SM_SESSION_CLOSE, sm_answer_session_close },
};
const size_t sm_main_table_len = sizeof(sm_main_table) / sizeof(sm_main_table[0]);
