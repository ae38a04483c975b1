/* nvm/nvm-int.h: state shared by ocserv-nvm's own files. Runs in: ocserv-nvm. */
#ifndef NVM_NVM_INT_H
#define NVM_NVM_INT_H

#include "nvm/nvm-query.h"
#include <ev.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>
#include <talloc.h>
#include <protobuf-c/protobuf-c.h>

#include "common/cfg.h"
#include "nvm/ipfix.h"
#include "nvm/store.h"

#define NVM_MAX_UDP 8
#define NVM_MAX_DGRAM 65535
#define NVM_DEFAULT_LIMIT 100           /* rows a query returns unless told otherwise */
#define NVM_MAX_LIMIT 100000

struct nvm_db;
struct nvm_sess_table;
struct nvm_dtls;
struct nvm_api;

struct nvm_ctx {
	struct ev_loop *loop;
	struct cfg *cfg;
	struct nvm_store *store;
	struct nvm_decoder *dec;
	struct nvm_db *db;
	struct nvm_sess_table *sess;
	struct nvm_dtls *dtls;          /* NULL when nvm-dtls is off */
	struct nvm_api *api;            /* NULL when no API is configured */
	int udp_fd[NVM_MAX_UDP];
	ev_io udp_w[NVM_MAX_UDP];
	unsigned n_udp;
	int main_fd;
	ev_io main_w;
	ev_timer tick;
	time_t start_time;
	unsigned templates_loaded;
	unsigned ctl_conns;             /* occtl connections being answered */
	unsigned api_conns;
	uint64_t stored;                /* records written to the store */
	uint64_t store_errors;
	uint64_t plain_refused;         /* plain IPFIX while nvm-dtls is on */
	uint64_t rate_prev;             /* `stored` at the last rate sample */
	ev_tstamp rate_t;
	double rate;                    /* records stored per second, last sample */
	struct rx_batch *rx;            /* receive buffers for one recvmmsg */
	uint64_t rx_truncated;          /* datagrams larger than a receive buffer */
};

/* nvm-rx.c: sockets, decoder glue */
int nvm_rx_open(struct nvm_ctx *n);
void nvm_rx_start(struct nvm_ctx *n);
int nvm_rx_decoder(struct nvm_ctx *n);
/* plaintext IPFIX from an exporter (after DTLS when on) */
void nvm_rx_ipfix(struct nvm_ctx *n, const struct sockaddr *from, socklen_t fromlen,
		  const uint8_t *buf, size_t len);

/* nvm-ctl.c: occtl connections handed over by main (fd + bytes already read) */
void nvm_ctl_accept(struct nvm_ctx *n, int fd, const uint8_t *data, size_t len);

/* nvm-report.c: answers, as protobuf messages allocated on mem_ctx */
ProtobufCMessage *nvm_report_status(struct nvm_ctx *n, TALLOC_CTX *mem_ctx);
ProtobufCMessage *nvm_report_flows(struct nvm_ctx *n, TALLOC_CTX *mem_ctx,
				   const struct nvm_query *q);
ProtobufCMessage *nvm_report_endpoints(struct nvm_ctx *n, TALLOC_CTX *mem_ctx,
				       const struct nvm_query *q);

/* nvm-api.c: the local JSON API */
int nvm_api_open(struct nvm_ctx *n);
void nvm_api_start(struct nvm_ctx *n);

#endif /* NVM_NVM_INT_H */
