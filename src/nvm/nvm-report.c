/* nvm/nvm-report.c: status, flows and endpoints as ctl.proto messages. Runs in: ocserv-nvm. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ipc/ctl.pb-c.h"
#include "nvm/nvm-db.h"
#include "nvm/nvm-dtls.h"
#include "nvm/nvm-int.h"
#include "nvm/nvm-sess.h"

/* growable array of message pointers on mem_ctx */
struct vec {
	TALLOC_CTX *mem_ctx;
	void **v;
	size_t n, cap;
	bool oom;
};

static void *vec_add(struct vec *a, size_t size)
{
	void *m;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		void **v = talloc_realloc(a->mem_ctx, a->v, void *, cap);

		if (v == NULL) {
			a->oom = true;
			return NULL;
		}
		a->v = v;
		a->cap = cap;
	}
	m = talloc_zero_size(a->mem_ctx, size);
	if (m == NULL) {
		a->oom = true;
		return NULL;
	}
	a->v[a->n++] = m;
	return m;
}

static char *dup_or_null(TALLOC_CTX *mem_ctx, const char *s)
{
	return s ? talloc_strdup(mem_ctx, s) : NULL;
}

struct status_walk {
	struct nvm_ctx *n;
	struct vec exp;
};

static void status_exporter(void *arg, const struct nvm_exporter_info *e)
{
	struct status_walk *w = arg;
	CtlNvmExporter *x = vec_add(&w->exp, sizeof(*x));
	const struct nvm_sess_info *s;

	if (x == NULL)
		return;
	ctl_nvm_exporter__init(x);
	x->name = talloc_strdup(w->exp.mem_ctx, e->name);
	x->templates = nvm_exporter_ntemplates(e);
	x->messages = e->cnt.messages;
	x->records = e->cnt.records;
	x->template_records = e->cnt.templates;
	x->drop_truncated = e->cnt.drop_truncated;
	x->drop_bad_version = e->cnt.drop_bad_version;
	x->drop_unknown_template = e->cnt.drop_unknown_tmpl;
	x->drop_template_cap = e->cnt.drop_tmpl_cap;
	x->drop_bad_template = e->cnt.drop_bad_tmpl;
	x->drop_rate = e->cnt.drop_rate;
	x->bad_list = e->cnt.bad_list;
	s = nvm_sess_find(w->n->sess, e->addr, e->family == AF_INET6 ? 16 : 4);
	if (s != NULL)
		x->vpn_user = talloc_strdup(w->exp.mem_ctx, s->user);
}

ProtobufCMessage *nvm_report_status(struct nvm_ctx *n, TALLOC_CTX *mem_ctx)
{
	CtlNvmStatus *s = talloc_zero(mem_ctx, CtlNvmStatus);
	struct status_walk w = { .n = n, .exp = { .mem_ctx = mem_ctx } };
	struct nvm_tmpl_cache *tc = nvm_decoder_templates(n->dec);
	struct nvm_dtls_stats ds = { 0 };

	if (s == NULL)
		return NULL;
	ctl_nvm_status__init(s);
	nvm_tmpl_foreach_exporter(tc, status_exporter, &w);
	if (w.exp.oom)
		return NULL;
	if (n->dtls != NULL)
		nvm_dtls_stats(n->dtls, &ds);
	s->pid = (uint32_t)getpid();
	s->start_time = (uint32_t)n->start_time;
	s->records_stored = n->stored;
	s->records_per_sec = n->rate;
	s->vpn_sessions = nvm_sess_count(n->sess);
	s->exporters = (CtlNvmExporter **)w.exp.v;
	s->n_exporters = w.exp.n;
	s->orphan_messages = nvm_tmpl_cache_orphans(tc)->messages;
	s->dtls_handshakes = ds.handshakes;
	s->dtls_failures = ds.failures;
	s->plain_refused = n->plain_refused;
	s->store_errors = n->store_errors;
	s->port = n->cfg->nvm_port;
	s->dtls = n->dtls != NULL;
	s->database = n->cfg->nvm_database;
	s->templates_loaded = n->templates_loaded;
	return &s->base;
}

static int flow_cb(void *arg, const struct nvm_flow_row *r)
{
	struct vec *a = arg;
	CtlNvmFlow *f = vec_add(a, sizeof(*f));
	TALLOC_CTX *m = a->mem_ctx;

	if (f == NULL)
		return -ENOMEM;
	ctl_nvm_flow__init(f);
	f->id = r->id;
	f->ts = r->ts;
	f->exporter = dup_or_null(m, r->exporter);
	f->family = (uint32_t)r->family;
	f->protocol = r->protocol;
	f->src_addr = dup_or_null(m, r->src_addr);
	f->src_port = r->src_port;
	f->dst_addr = dup_or_null(m, r->dst_addr);
	f->dst_port = r->dst_port;
	f->start = r->start_s;
	f->end = r->end_s;
	f->user = dup_or_null(m, r->user);
	f->process = dup_or_null(m, r->proc_name);
	f->parent = dup_or_null(m, r->parent_name);
	f->dest_host = dup_or_null(m, r->dest_host);
	f->bytes_in = r->bytes_in;
	f->bytes_out = r->bytes_out;
	f->modules = dup_or_null(m, r->modules);
	f->vpn_user = dup_or_null(m, r->vpn_user);
	f->vpn_session = dup_or_null(m, r->vpn_session);
	return 0;
}

static unsigned query_limit(unsigned limit)
{
	if (limit == 0)
		return NVM_DEFAULT_LIMIT;
	return limit > NVM_MAX_LIMIT ? NVM_MAX_LIMIT : limit;
}

ProtobufCMessage *nvm_report_flows(struct nvm_ctx *n, TALLOC_CTX *mem_ctx,
				   const struct nvm_query *q)
{
	CtlNvmFlowList *l = talloc_zero(mem_ctx, CtlNvmFlowList);
	struct vec a = { .mem_ctx = mem_ctx };

	if (l == NULL)
		return NULL;
	ctl_nvm_flow_list__init(l);
	if (nvm_store_query_flows(n->store, q->user, q->since, q->until, query_limit(q->limit),
				  flow_cb, &a) < 0 && a.oom)
		return NULL;
	l->flows = (CtlNvmFlow **)a.v;
	l->n_flows = a.n;
	return &l->base;
}

static char *hex(TALLOC_CTX *mem_ctx, const uint8_t *p, int len)
{
	char *s;

	if (p == NULL || len <= 0)
		return NULL;
	s = talloc_size(mem_ctx, (size_t)len * 2 + 1);
	if (s == NULL)
		return NULL;
	for (int i = 0; i < len; i++)
		snprintf(s + 2 * i, 3, "%02x", p[i]);
	return s;
}

static int endpoint_cb(void *arg, const struct nvm_endpoint_row *r)
{
	struct vec *a = arg;
	CtlNvmEndpoint *e = vec_add(a, sizeof(*e));
	TALLOC_CTX *m = a->mem_ctx;

	if (e == NULL)
		return -ENOMEM;
	ctl_nvm_endpoint__init(e);
	e->id = r->id;
	e->ts = r->ts;
	e->exporter = dup_or_null(m, r->exporter);
	e->udid = hex(m, r->udid, r->udid_len);
	e->host_name = dup_or_null(m, r->host_name);
	e->os_name = dup_or_null(m, r->os_name);
	e->os_version = dup_or_null(m, r->os_version);
	e->os_edition = dup_or_null(m, r->os_edition);
	e->sys_manufacturer = dup_or_null(m, r->sys_manufacturer);
	e->sys_type = dup_or_null(m, r->sys_type);
	e->vpn_user = dup_or_null(m, r->vpn_user);
	e->vpn_session = dup_or_null(m, r->vpn_session);
	return 0;
}

ProtobufCMessage *nvm_report_endpoints(struct nvm_ctx *n, TALLOC_CTX *mem_ctx,
				       const struct nvm_query *q)
{
	CtlNvmEndpointList *l = talloc_zero(mem_ctx, CtlNvmEndpointList);
	struct vec a = { .mem_ctx = mem_ctx };

	if (l == NULL)
		return NULL;
	ctl_nvm_endpoint_list__init(l);
	if (nvm_db_query_endpoints(n->db, q->user, query_limit(q->limit), endpoint_cb, &a) < 0 &&
	    a.oom)
		return NULL;
	l->endpoints = (CtlNvmEndpoint **)a.v;
	l->n_endpoints = a.n;
	return &l->base;
}
