/* nvm/nvm-db.h: the collector's own statements on the store: VPN links, endpoint reads. Runs in: ocserv-nvm. */
#ifndef NVM_NVM_DB_H
#define NVM_NVM_DB_H

#include <stdint.h>
#include <talloc.h>

#include "nvm/nvzflow.h"
#include "nvm/store.h"

struct nvm_db;

int nvm_db_new(TALLOC_CTX *mem_ctx, struct nvm_store *st, struct nvm_db **ret_db);
/*
 * Set vpn_user / vpn_session on the record of type t that nvm_store_record() stored last
 * (the newest row of its table: rows are appended in id order, in the open batch).
 */
int nvm_db_link_last(struct nvm_db *db, enum nvz_rec_type t, const char *user,
		     const char *session);

struct nvm_endpoint_row {
	int64_t id;
	int64_t ts;
	const char *exporter;
	const uint8_t *udid;
	int udid_len;
	const char *host_name, *os_name, *os_version, *os_edition, *sys_manufacturer, *sys_type;
	const char *vpn_user, *vpn_session;
};

typedef int (*nvm_endpoint_fn)(void *arg, const struct nvm_endpoint_row *row);
/* endpoint records, newest first, for `user` (VPN user or host name; NULL = all); 0 = no limit */
int nvm_db_query_endpoints(struct nvm_db *db, const char *user, unsigned limit,
			   nvm_endpoint_fn cb, void *arg);

#endif /* NVM_NVM_DB_H */
