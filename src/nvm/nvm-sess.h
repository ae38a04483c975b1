/* nvm/nvm-sess.h: VPN sessions by address, to link exporters to users. Runs in: ocserv-nvm. */
#ifndef NVM_NVM_SESS_H
#define NVM_NVM_SESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

#define NVM_SESS_MAX 65536      /* sessions main may announce; more are ignored */

struct nvm_sess_table;

struct nvm_sess_info {
	const char *user;
	const char *session;    /* occtl's safe session id */
	uint32_t id;            /* worker pid */
};

struct nvm_sess_table *nvm_sess_new(TALLOC_CTX *mem_ctx);
/*
 * A tunnel came up (up) or went down. id is unique while the session lives; v4 / v6 / remote
 * may be NULL. Addresses are 4 or 16 bytes (network order). -ENOSPC over NVM_SESS_MAX.
 */
int nvm_sess_update(struct nvm_sess_table *t, bool up, uint32_t id, const char *user,
		    const char *session, const uint8_t *v4, const uint8_t *v6, const char *remote);
/* The session holding this address (tunnel or public), or NULL. alen is 4 or 16. */
const struct nvm_sess_info *nvm_sess_find(const struct nvm_sess_table *t, const uint8_t *addr,
					  size_t alen);
unsigned nvm_sess_count(const struct nvm_sess_table *t);

#endif /* NVM_NVM_SESS_H */
