/* occtl/occtl-nvm.c: show nvm status / flows / endpoints (answered by ocserv-nvm). Runs in: occtl. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipc/ctl-msg.h"
#include "nvm/pb-json.h"
#include "occtl/occtl-fmt.h"
#include "occtl/occtl.h"

/* unix seconds, -N[smhd] (ago), YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] (local time) */
static int parse_time(const char *s, int64_t *ret)
{
	static const char *const fmts[] = { "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d" };
	struct tm tm;
	char *end;
	long long v;

	if (s[0] == '-') {
		v = strtoll(s + 1, &end, 10);
		if (end == s + 1 || v < 0 || (end[0] != '\0' && end[1] != '\0'))
			return -EINVAL;
		switch (*end) {
		case 'd': v *= 24; /* fall through */
		case 'h': v *= 60; /* fall through */
		case 'm': v *= 60; /* fall through */
		case 's': case '\0': break;
		default: return -EINVAL;
		}
		*ret = (int64_t)time(NULL) - v;
		return 0;
	}
	v = strtoll(s, &end, 10);
	if (end != s && *end == '\0') {
		*ret = v;
		return 0;
	}
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(s, fmts[i], &tm);
		if (end != NULL && *end == '\0') {
			tm.tm_isdst = -1;
			*ret = (int64_t)mktime(&tm);
			return 0;
		}
	}
	return -EINVAL;
}

/* "user NAME since T until T limit N", any order, each at most once */
static int parse_query(TALLOC_CTX *tmp, const char *arg, bool times, CtlNvmQuery *q)
{
	char *s = arg ? talloc_strdup(tmp, arg) : NULL, *save = NULL, *k, *v;
	int64_t t;

	for (k = s ? strtok_r(s, " \t", &save) : NULL; k != NULL; k = strtok_r(NULL, " \t", &save)) {
		v = strtok_r(NULL, " \t", &save);
		if (v == NULL) {
			fprintf(stderr, "'%s' needs a value\n", k);
			return -EINVAL;
		}
		if (strcmp(k, "user") == 0 && q->user == NULL) {
			q->user = v;
		} else if (times && (strcmp(k, "since") == 0 || strcmp(k, "until") == 0) &&
			   parse_time(v, &t) == 0) {
			if (k[0] == 's')
				q->has_since = 1, q->since = t;
			else
				q->has_until = 1, q->until = t;
		} else if (strcmp(k, "limit") == 0 && atoi(v) > 0) {
			q->has_limit = 1;
			q->limit = (uint32_t)atoi(v);
		} else {
			fprintf(stderr, "cannot use '%s %s'\n", k, v);
			return -EINVAL;
		}
	}
	return 0;
}

static void print_json(TALLOC_CTX *tmp, const ProtobufCMessage *m)
{
	char *s = pb_json(tmp, m, 2);

	if (s != NULL)
		printf("%s\n", s);
}

/* one request on a fresh connection; the reply unpacked as desc, or NULL (message printed) */
static void *nvm_call(const struct occtl *o, TALLOC_CTX *tmp, uint8_t type,
		      const ProtobufCMessage *req, const ProtobufCMessageDescriptor *desc)
{
	struct ctl_frame f;
	void *m;

	if (occtl_call(o, tmp, type, req, type + 20, &f) != OCCTL_OK) {
		fprintf(stderr, "(is 'nvm = true' set and ocserv-nvm running?)\n");
		return NULL;
	}
	m = ctl_unpack(tmp, desc, &f);
	if (m == NULL)
		fprintf(stderr, "malformed reply from the server\n");
	return m;
}

static void exporter_text(const CtlNvmExporter *e)
{
	printf("\t%s%s%s%s: %u template(s), %llu message(s), %llu record(s)\n", e->name,
	       e->vpn_user ? " (VPN user " : "", e->vpn_user ? e->vpn_user : "",
	       e->vpn_user ? ")" : "", e->templates, (unsigned long long)e->messages,
	       (unsigned long long)e->records);
	printf("\t\tdropped: truncated %llu, bad version %llu, unknown template %llu,"
	       " template cap %llu, bad template %llu, rate %llu, bad list %llu\n",
	       (unsigned long long)e->drop_truncated, (unsigned long long)e->drop_bad_version,
	       (unsigned long long)e->drop_unknown_template,
	       (unsigned long long)e->drop_template_cap,
	       (unsigned long long)e->drop_bad_template, (unsigned long long)e->drop_rate,
	       (unsigned long long)e->bad_list);
}

static void status_text(const CtlNvmStatus *s)
{
	char t[64], d[64];

	fmt_time(s->start_time, t, sizeof(t));
	fmt_duration((uint64_t)(time(NULL) - s->start_time), d, sizeof(d));
	printf("NVM collector:\n\tPID: %u\n\tUp since: %s (%s)\n\tPort: %u (%s)\n", s->pid, t, d,
	       s->port, s->dtls ? "DTLS" : "UDP");
	if (s->database != NULL)
		printf("\tDatabase: %s\n", s->database);
	printf("\tTemplates reloaded at start: %u\n\tRecords stored: %llu\n"
	       "\tRecords/s: %.1f\n\tVPN sessions known: %u\n\tExporters: %zu\n",
	       s->templates_loaded, (unsigned long long)s->records_stored, s->records_per_sec,
	       s->vpn_sessions, s->n_exporters);
	if (s->dtls)
		printf("\tDTLS handshakes: %llu (refused: %llu)\n\tPlain datagrams refused: %llu\n",
		       (unsigned long long)s->dtls_handshakes, (unsigned long long)s->dtls_failures,
		       (unsigned long long)s->plain_refused);
	printf("\tMessages from no exporter: %llu\n\tStore errors: %llu\n",
	       (unsigned long long)s->orphan_messages, (unsigned long long)s->store_errors);
	if (s->n_exporters > 0)
		printf("\nExporters:\n");
	for (size_t i = 0; i < s->n_exporters; i++)
		exporter_text(s->exporters[i]);
}

int occtl_show_nvm_status(const struct occtl *o, const char *arg)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	CtlNvmStatus *s;
	int rc = OCCTL_FAIL;

	(void)arg;
	s = nvm_call(o, tmp, CTL_NVM_STATUS, NULL, &ctl_nvm_status__descriptor);
	if (s != NULL) {
		if (o->json)
			print_json(tmp, &s->base);
		else
			status_text(s);
		rc = OCCTL_OK;
	}
	talloc_free(tmp);
	return rc;
}

static void flow_text(const CtlNvmFlow *f)
{
	char t[64], src[80], dst[80];

	fmt_time((time_t)f->start, t, sizeof(t));
	snprintf(src, sizeof(src), f->family == 6 ? "[%s]:%u" : "%s:%u",
		 f->src_addr ? f->src_addr : "?", f->src_port);
	snprintf(dst, sizeof(dst), f->family == 6 ? "[%s]:%u" : "%s:%u",
		 f->dst_addr ? f->dst_addr : "?", f->dst_port);
	printf("%8lld %-16s %-12s %-12s %-20s %3u %-24s %-24s %-20s %10lld %10lld\n",
	       (long long)f->id, t, f->vpn_user ? f->vpn_user : "-", f->user ? f->user : "-",
	       f->process ? f->process : "-", f->protocol, src, dst,
	       f->dest_host ? f->dest_host : "-", (long long)f->bytes_in,
	       (long long)f->bytes_out);
}

int occtl_show_nvm_flows(const struct occtl *o, const char *arg)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	CtlNvmQuery q = CTL_NVM_QUERY__INIT;
	CtlNvmFlowList *l = NULL;
	int rc = OCCTL_FAIL;

	if (parse_query(tmp, arg, true, &q) == 0)
		l = nvm_call(o, tmp, CTL_NVM_FLOWS, &q.base, &ctl_nvm_flow_list__descriptor);
	if (l != NULL) {
		rc = OCCTL_OK;
		if (o->json) {
			print_json(tmp, &l->base);
		} else {
			if (l->n_flows > 0)
				printf("%8s %-16s %-12s %-12s %-20s %3s %-24s %-24s %-20s %10s %10s\n",
				       "id", "start", "vpn-user", "user", "process", "pr",
				       "source", "destination", "dest-host", "bytes-in",
				       "bytes-out");
			for (size_t i = 0; i < l->n_flows; i++)
				flow_text(l->flows[i]);
		}
	}
	talloc_free(tmp);
	return rc;
}

static void endpoint_text(const CtlNvmEndpoint *e)
{
	char t[64];

	fmt_time((time_t)e->ts, t, sizeof(t));
	printf("%8lld %-16s %-12s %-20s %-16s %-12s %-10s %-22s %s\n", (long long)e->id, t,
	       e->vpn_user ? e->vpn_user : "-", e->host_name ? e->host_name : "-",
	       e->os_name ? e->os_name : "-", e->os_version ? e->os_version : "-",
	       e->sys_type ? e->sys_type : "-", e->exporter ? e->exporter : "-",
	       e->udid ? e->udid : "-");
}

int occtl_show_nvm_endpoints(const struct occtl *o, const char *arg)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	CtlNvmQuery q = CTL_NVM_QUERY__INIT;
	CtlNvmEndpointList *l = NULL;
	int rc = OCCTL_FAIL;

	if (parse_query(tmp, arg, false, &q) == 0)
		l = nvm_call(o, tmp, CTL_NVM_ENDPOINTS, &q.base, &ctl_nvm_endpoint_list__descriptor);
	if (l != NULL) {
		rc = OCCTL_OK;
		if (o->json) {
			print_json(tmp, &l->base);
		} else {
			if (l->n_endpoints > 0)
				printf("%8s %-16s %-12s %-20s %-16s %-12s %-10s %-22s %s\n", "id",
				       "seen", "vpn-user", "host", "os", "version", "type",
				       "exporter", "udid");
			for (size_t i = 0; i < l->n_endpoints; i++)
				endpoint_text(l->endpoints[i]);
		}
	}
	talloc_free(tmp);
	return rc;
}
