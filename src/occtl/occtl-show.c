/* occtl/occtl-show.c: the commands: ask the server, print text or JSON. Runs in: occtl. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipc/ctl-msg.h"
#include "occtl/occtl-fmt.h"
#include "occtl/occtl.h"

#define TBUF 64

/* ------------------------------------------------------------ status */

static void status_text(const CtlStatus *s, time_t now)
{
	char t[TBUF], d[TBUF], b[TBUF];

	printf("Note: the printed statistics are not real-time; session time\n"
	       "as well as RX and TX data are updated on user disconnect\n\n");
	printf("General info:\n\tStatus: %s\n\tServer PID: %u\n", s->online ? "online" : "error",
	       s->pid);
	for (size_t i = 0; i < s->n_secmod_pids; i++)
		printf("\tSec-mod PID: %u\n", s->secmod_pids[i]);
	printf("\tSec-mod instance count: %zu\n", s->n_secmod_pids);
	fmt_time(s->start_time, t, sizeof(t));
	fmt_duration((uint64_t)(now - s->start_time), d, sizeof(d));
	printf("\tUp since: %s (%s)\n\tActive sessions: %u\n\tTotal sessions: %llu\n"
	       "\tTotal authentication failures: %llu\n\tIPs in ban list: %u\n", t, d,
	       s->active_sessions, (unsigned long long)s->total_sessions,
	       (unsigned long long)s->total_auth_failures, s->banned_ips);
	if (s->has_latency_samples)
		printf("\tMedian latency: <1ms\n\tSTDEV latency: <1ms\n");
	fmt_time(s->period_start, t, sizeof(t));
	fmt_duration((uint64_t)(now - s->period_start), d, sizeof(d));
	printf("\nCurrent stats period:\n\tLast stats reset: %s (%s)\n\tSessions handled: %llu\n"
	       "\tTimed out sessions: %llu\n\tTimed out (idle) sessions: %llu\n"
	       "\tClosed due to error sessions: %llu\n\tAuthentication failures: %llu\n", t, d,
	       (unsigned long long)s->sessions_handled, (unsigned long long)s->timed_out,
	       (unsigned long long)s->timed_out_idle, (unsigned long long)s->closed_on_error,
	       (unsigned long long)s->auth_failures);
	fmt_duration(s->avg_auth_secs, d, sizeof(d));
	printf("\tAverage auth time: %s\n", d);
	fmt_duration(s->max_auth_secs, d, sizeof(d));
	printf("\tMax auth time: %s\n", d);
	fmt_duration((uint64_t)s->avg_session_mins * 60, d, sizeof(d));
	printf("\tAverage session time: %s\n", d);
	fmt_duration((uint64_t)s->max_session_mins * 60, d, sizeof(d));
	printf("\tMax session time: %s\n", d);
	if (s->min_mtu > 0)
		printf("\tMin MTU: %u\n\tMax MTU: %u\n", s->min_mtu, s->max_mtu);
	fmt_bytes(s->kbytes_in * 1000, b, sizeof(b));
	printf("\tRX: %s\n", b);
	fmt_bytes(s->kbytes_out * 1000, b, sizeof(b));
	printf("\tTX: %s\n", b);
}

static void json_time(struct json *j, const char *key, time_t t, time_t now)
{
	char k[TBUF], v[TBUF];

	fmt_time(t, v, sizeof(v));
	json_str(j, key, v);
	snprintf(k, sizeof(k), "_%s", key);
	fmt_duration((uint64_t)(now - t), v, sizeof(v));
	json_str(j, k, v);
}

static void json_dur(struct json *j, const char *key, const char *raw, uint64_t secs)
{
	char v[TBUF];

	fmt_duration(secs, v, sizeof(v));
	json_str(j, key, v);
	json_num(j, raw, secs);
}

static void json_bytes(struct json *j, const char *key, const char *raw, uint64_t bytes)
{
	char v[TBUF];

	fmt_bytes(bytes, v, sizeof(v));
	json_str(j, key, v);
	json_num(j, raw, bytes);
}

static void status_json(const CtlStatus *s, time_t now)
{
	struct json j = { .f = stdout };

	json_begin_obj(&j, true);
	json_str(&j, "Status", s->online ? "online" : "error");
	json_num(&j, "Server PID", s->pid);
	for (size_t i = 0; i < s->n_secmod_pids; i++)
		json_num(&j, "Sec-mod PID", s->secmod_pids[i]);
	json_num(&j, "Sec-mod instance count", s->n_secmod_pids);
	json_time(&j, "Up since", s->start_time, now);
	json_num(&j, "raw_up_since", s->start_time);
	json_num(&j, "uptime", (uint64_t)(now - s->start_time));
	json_num(&j, "Active sessions", s->active_sessions);
	json_num(&j, "Total sessions", s->total_sessions);
	json_num(&j, "Total authentication failures", s->total_auth_failures);
	json_num(&j, "IPs in ban list", s->banned_ips);
	if (s->has_latency_samples) {
		json_str(&j, "Median latency", "<1ms");
		json_num(&j, "raw_median_latency", 0);
		json_str(&j, "STDEV latency", "<1ms");
		json_num(&j, "raw_stdev_latency", 0);
	}
	json_time(&j, "Last stats reset", s->period_start, now);
	json_num(&j, "raw_last_stats_reset", s->period_start);
	json_num(&j, "Sessions handled", s->sessions_handled);
	json_num(&j, "Timed out sessions", s->timed_out);
	json_num(&j, "Timed out (idle) sessions", s->timed_out_idle);
	json_num(&j, "Closed due to error sessions", s->closed_on_error);
	json_num(&j, "Authentication failures", s->auth_failures);
	json_dur(&j, "Average auth time", "raw_avg_auth_time", s->avg_auth_secs);
	json_dur(&j, "Max auth time", "raw_max_auth_time", s->max_auth_secs);
	json_dur(&j, "Average session time", "raw_avg_session_time",
		 (uint64_t)s->avg_session_mins * 60);
	json_dur(&j, "Max session time", "raw_max_session_time",
		 (uint64_t)s->max_session_mins * 60);
	if (s->min_mtu > 0) {
		json_num(&j, "Min MTU", s->min_mtu);
		json_num(&j, "Max MTU", s->max_mtu);
	}
	json_bytes(&j, "RX", "raw_rx", s->kbytes_in * 1000);
	json_bytes(&j, "TX", "raw_tx", s->kbytes_out * 1000);
	json_end_obj(&j);
	printf("\n");
}

int occtl_show_status(const struct occtl *o, const char *arg)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ctl_frame f;
	CtlStatus *s;
	int rc;

	(void)arg;
	rc = occtl_call(o, tmp, CTL_STATUS, NULL, CTL_STATUS_REP, &f);
	if (rc == OCCTL_OK && (s = ctl_unpack(tmp, &ctl_status__descriptor, &f)) == NULL)
		rc = OCCTL_FAIL;
	if (rc == OCCTL_OK) {
		if (o->json)
			status_json(s, time(NULL));
		else
			status_text(s, time(NULL));
	}
	talloc_free(tmp);
	return rc;
}

/* ------------------------------------------------------------ users */

static const char *state_text(uint32_t st)
{
	switch (st) {
	case CTL_STATE_COMPLETED: return "connected";
	case CTL_STATE_INIT: case CTL_STATE_CONT: return "authenticating";
	case CTL_STATE_INACTIVE: return "pre-auth";
	case CTL_STATE_FAILED: return "auth failed";
	default: return "unknown";
	}
}

static const char *or_none(const char *s)
{
	return s != NULL && *s ? s : "(none)";
}

static bool set(const char *s)
{
	return s != NULL && *s;
}

/* "(DTLS1.2)-(PSK)-(AES-256-GCM)" -> "(AES-256-GCM)": the cipher alone fits the table */
static const char *short_cipher(const char *s)
{
	const char *p;

	if (!set(s))
		return "(no-dtls)";
	p = strrchr(s, '(');
	return p != NULL ? p : s;
}

/* The safe id is printable text (base64 of a digest); copy at most len-1 bytes of it. */
static void safe_id_text(const ProtobufCBinaryData *id, char *buf, size_t len)
{
	size_t n = id->len < len - 1 ? id->len : len - 1;

	for (size_t i = 0; i < n; i++)
		buf[i] = id->data[i] >= 0x20 && id->data[i] < 0x7f ? (char)id->data[i] : '?';
	buf[n] = '\0';
}

static void users_table(const CtlUserList *l, time_t now)
{
	char d[TBUF];

	if (l->n_users > 0)
		printf("      id     user    vhost             ip         vpn-ip device   since"
		       "    dtls-cipher    status\n");
	for (size_t i = 0; i < l->n_users; i++) {
		const CtlUser *u = l->users[i];

		fmt_duration((uint64_t)(now - u->conn_time), d, sizeof(d));
		printf("%8d %8s %8s %14s %14s %6s %6s %14s %9s\n", (int)u->id, or_none(u->username),
		       u->vhost, u->remote_addr, u->ipv4 ? u->ipv4 : "", u->device ? u->device : "",
		       d, short_cipher(u->dtls_ciphersuite), state_text(u->state));
	}
}

/* "\tDNS: a\n\t\tb\n"; nothing when empty */
static void text_list(const char *label, char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf(i == 0 ? "\t%s: %s\n" : "\t\t%s%s\n", i == 0 ? label : "", v[i]);
}

static void user_text(const CtlUser *u, time_t now)
{
	char t[TBUF], d[TBUF], sid[TBUF], a[TBUF], b[TBUF];

	printf("\tID: %d\n\tUsername: %s   Groupname: %s\n\tState: %s\n\tvhost: %s\n", (int)u->id,
	       or_none(u->username), or_none(u->groupname), state_text(u->state), u->vhost);
	if (set(u->device)) {
		printf("\tDevice: %s", u->device);
		if (u->has_mtu)
			printf("   MTU: %u", u->mtu);
		printf("\n");
	}
	printf("\tRemote IP: %s   Location: unknown\n", u->remote_addr);
	if (set(u->local_addr))
		printf("\tLocal Device IP: %s\n", u->local_addr);
	if (set(u->ipv4))
		printf("\tIPv4: %s   P-t-P IPv4: %s\n", u->ipv4, u->ptp_ipv4 ? u->ptp_ipv4 : "");
	if (set(u->ipv6))
		printf("\tIPv6: %s   P-t-P IPv6: %s\n", u->ipv6, u->ptp_ipv6 ? u->ptp_ipv6 : "");
	if (set(u->user_agent))
		printf("\tUser-Agent: %s\n", u->user_agent);
	if (u->has_rx_limit && u->rx_limit > 0) {
		fmt_bytes(u->rx_limit, a, sizeof(a));
		fmt_bytes(u->tx_limit, b, sizeof(b));
		printf("\tLimit RX: %s/sec   TX: %s/sec\n", a, b);
	}
	printf("\tDPD: %u   KeepAlive: %u\n", u->dpd, u->keepalive);
	if (set(u->hostname))
		printf("\tHostname: %s\n", u->hostname);
	fmt_time(u->conn_time, t, sizeof(t));
	fmt_duration((uint64_t)(now - u->conn_time), d, sizeof(d));
	printf("\tConnected at: %s (%s)\n", t, d);
	if (u->safe_id.len > 0) {
		safe_id_text(&u->safe_id, sid, sizeof(sid));
		printf("\tSession: %.6s\n", sid);
	}
	if (set(u->tls_ciphersuite))
		printf("\tTLS ciphersuite: %s\n", u->tls_ciphersuite);
	if (set(u->dtls_ciphersuite))
		printf("\tDTLS cipher: %s\n", u->dtls_ciphersuite);
	if (set(u->cstp_compr) && set(u->dtls_compr))
		printf("\tCSTP compression: %s   DTLS compression: %s\n", u->cstp_compr, u->dtls_compr);
	else if (set(u->cstp_compr) || set(u->dtls_compr))
		printf("\t%s compression: %s\n", set(u->cstp_compr) ? "CSTP" : "DTLS",
		       set(u->cstp_compr) ? u->cstp_compr : u->dtls_compr);
	printf("\n");
	text_list("DNS", u->dns, u->n_dns);
	text_list("NBNS", u->nbns, u->n_nbns);
	text_list("Split-DNS-Domains", u->split_dns, u->n_split_dns);
	if (u->n_routes == 0)
		printf("\tRoutes: defaultroute\n");
	text_list("Routes", u->routes, u->n_routes);
	text_list("No-routes", u->no_routes, u->n_no_routes);
	text_list("iRoutes", u->iroutes, u->n_iroutes);
	printf("\tRestricted to routes: %s\n", u->restrict_to_routes ? "True" : "False");
	for (size_t i = 0; i < u->n_fw_ports; i++)
		printf(i == 0 ? "\tRestricted to ports: %s%u/%u\n" : "\t\t%s%u/%u\n",
		       u->fw_ports[i]->negate ? "!" : "", u->fw_ports[i]->proto, u->fw_ports[i]->port);
	printf("\n");
}

static void user_json_limits(struct json *j, const CtlUser *u)
{
	char a[TBUF], v[TBUF + 8];

	if (!u->has_rx_limit || u->rx_limit == 0)
		return;
	fmt_bytes(u->rx_limit, a, sizeof(a));
	snprintf(v, sizeof(v), "%s/sec", a);
	json_str(j, "Limit RX", v);
	fmt_bytes(u->tx_limit, a, sizeof(a));
	snprintf(v, sizeof(v), "%s/sec", a);
	json_str(j, "TX", v);           /* sic: the reference prints the TX limit under "TX" */
}

static void user_json(struct json *j, const CtlUser *u, time_t now)
{
	char sid[TBUF], v[TBUF];

	json_num(j, "ID", (uint64_t)(uint32_t)u->id);
	json_str(j, "Username", or_none(u->username));
	json_str(j, "Groupname", or_none(u->groupname));
	json_str(j, "State", state_text(u->state));
	json_str(j, "vhost", u->vhost);
	if (set(u->device)) {
		json_str(j, "Device", u->device);
		snprintf(v, sizeof(v), "%u", u->mtu);
		if (u->has_mtu)
			json_str(j, "MTU", v);
	}
	json_str(j, "Remote IP", u->remote_addr);
	json_str(j, "Location", "unknown");
	if (set(u->local_addr))
		json_str(j, "Local Device IP", u->local_addr);
	if (set(u->ipv4)) {
		json_str(j, "IPv4", u->ipv4);
		json_str(j, "P-t-P IPv4", u->ptp_ipv4 ? u->ptp_ipv4 : "");
	}
	if (set(u->ipv6)) {
		json_str(j, "IPv6", u->ipv6);
		json_str(j, "P-t-P IPv6", u->ptp_ipv6 ? u->ptp_ipv6 : "");
	}
	if (set(u->user_agent))
		json_str(j, "User-Agent", u->user_agent);
	user_json_limits(j, u);
	snprintf(v, sizeof(v), "%u", u->dpd);
	json_str(j, "DPD", v);
	snprintf(v, sizeof(v), "%u", u->keepalive);
	json_str(j, "KeepAlive", v);
	if (set(u->hostname))
		json_str(j, "Hostname", u->hostname);
	json_time(j, "Connected at", u->conn_time, now);
	if (u->safe_id.len > 0) {
		safe_id_text(&u->safe_id, sid, sizeof(sid));
		json_str(j, "Full session", sid);
		sid[6] = '\0';
		json_str(j, "Session", sid);
	}
	if (set(u->tls_ciphersuite))
		json_str(j, "TLS ciphersuite", u->tls_ciphersuite);
	if (set(u->dtls_ciphersuite))
		json_str(j, "DTLS cipher", u->dtls_ciphersuite);
	if (set(u->cstp_compr))
		json_str(j, "CSTP compression", u->cstp_compr);
	if (set(u->dtls_compr))
		json_str(j, "DTLS compression", u->dtls_compr);
	json_arr(j, "DNS", u->dns, u->n_dns);
	json_arr(j, "NBNS", u->nbns, u->n_nbns);
	json_arr(j, "Split-DNS-Domains", u->split_dns, u->n_split_dns);
	json_arr(j, "Routes", u->routes, u->n_routes);
	if (u->n_routes == 0)
		json_str(j, "Routes", "defaultroute");
	json_arr(j, "No-routes", u->no_routes, u->n_no_routes);
	json_arr(j, "iRoutes", u->iroutes, u->n_iroutes);
	json_str(j, "Restricted to routes", u->restrict_to_routes ? "True" : "False");
	json_arr(j, "Restricted to ports", NULL, 0);
}

static void users_json(const CtlUserList *l, time_t now)
{
	struct json j = { .f = stdout };

	printf("[\n");
	for (size_t i = 0; i < l->n_users; i++) {
		json_begin_obj(&j, i == 0);
		user_json(&j, l->users[i], now);
		json_end_obj(&j);
	}
	printf(l->n_users > 0 ? "\n]\n" : "]\n");
}

/* LIST, USER_INFO or ID_INFO; details = the per-user block instead of the table */
static int users_common(const struct occtl *o, uint8_t type, const ProtobufCMessage *req,
			bool details)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	CtlUserList *l = NULL;
	struct ctl_frame f;
	int rc = occtl_call(o, tmp, type, req, CTL_LIST_REP, &f);

	if (rc == OCCTL_OK && (l = ctl_unpack(tmp, &ctl_user_list__descriptor, &f)) == NULL)
		rc = OCCTL_FAIL;
	if (rc == OCCTL_OK && o->json)
		users_json(l, time(NULL));
	else if (rc == OCCTL_OK && !details)
		users_table(l, time(NULL));
	else if (rc == OCCTL_OK)
		for (size_t i = 0; i < l->n_users; i++) {
			if (i > 0)
				printf("\n");
			user_text(l->users[i], time(NULL));
		}
	if (rc == OCCTL_OK && details && l->n_users == 0) {
		if (!o->json)
			fprintf(stderr, "user or ID not found\n");
		rc = OCCTL_NOT_FOUND;
	}
	talloc_free(tmp);
	return rc;
}

int occtl_show_users(const struct occtl *o, const char *arg)
{
	(void)arg;
	return users_common(o, CTL_LIST, NULL, false);
}

static int need_arg(const char *arg, const char *what)
{
	if (arg != NULL && *arg)
		return 0;
	fprintf(stderr, "Please specify %s\n", what);
	return -EINVAL;
}

static int parse_id(const char *arg, int32_t *ret)
{
	char *end;
	long v;

	if (need_arg(arg, "an ID") < 0)
		return -EINVAL;
	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0 || v > INT32_MAX) {
		fprintf(stderr, "invalid ID '%s'\n", arg);
		return -EINVAL;
	}
	*ret = (int32_t)v;
	return 0;
}

int occtl_show_user(const struct occtl *o, const char *arg)
{
	CtlName r = CTL_NAME__INIT;

	if (need_arg(arg, "a user name") < 0)
		return OCCTL_FAIL;
	r.username = (char *)arg;
	return users_common(o, CTL_USER_INFO, &r.base, true);
}

int occtl_show_id(const struct occtl *o, const char *arg)
{
	CtlId r = CTL_ID__INIT;

	if (parse_id(arg, &r.id) < 0)
		return OCCTL_FAIL;
	return users_common(o, CTL_ID_INFO, &r.base, true);
}

int occtl_show_iroutes(const struct occtl *o, const char *arg)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	CtlUserList *l = NULL;
	struct ctl_frame f;
	struct json j = { .f = stdout };
	int rc = occtl_call(o, tmp, CTL_LIST, NULL, CTL_LIST_REP, &f);

	(void)arg;
	if (rc == OCCTL_OK && (l = ctl_unpack(tmp, &ctl_user_list__descriptor, &f)) == NULL)
		rc = OCCTL_FAIL;
	if (rc == OCCTL_OK && o->json)
		printf("[\n");
	else if (rc == OCCTL_OK)
		printf("    id     user    vhost device           vpn-ip                       iroute\n");
	for (size_t i = 0; rc == OCCTL_OK && i < l->n_users; i++) {
		const CtlUser *u = l->users[i];

		if (!o->json) {
			for (size_t k = 0; k < u->n_iroutes; k++)
				printf("%6d %8s %8s %6s %16s %28s\n", (int)u->id, or_none(u->username),
				       u->vhost, u->device ? u->device : "", u->ipv4 ? u->ipv4 : "",
				       u->iroutes[k]);
			continue;
		}
		json_begin_obj(&j, i == 0);
		json_num(&j, "ID", (uint64_t)(uint32_t)u->id);
		json_str(&j, "Username", or_none(u->username));
		json_str(&j, "vhost", u->vhost);
		json_str(&j, "Device", u->device ? u->device : "");
		json_str(&j, "IP", u->ipv4 ? u->ipv4 : "");
		json_arr(&j, "iRoutes", u->iroutes, u->n_iroutes);
		json_end_obj(&j);
	}
	if (rc == OCCTL_OK && o->json)
		printf(l->n_users > 0 ? "\n]\n" : "]\n");
	talloc_free(tmp);
	return rc;
}

/* ------------------------------------------------------------ bans and sessions */

static int show_bans(const struct occtl *o, bool points)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct json j = { .f = stdout };
	CtlBanList *l = NULL;
	struct ctl_frame f;
	size_t shown = 0;
	int rc = occtl_call(o, tmp, CTL_LIST_BANNED, NULL, CTL_LIST_BANNED_REP, &f);

	if (rc == OCCTL_OK && (l = ctl_unpack(tmp, &ctl_ban_list__descriptor, &f)) == NULL)
		rc = OCCTL_FAIL;
	if (rc == OCCTL_OK && o->json)
		printf("[\n");
	for (size_t i = 0; rc == OCCTL_OK && i < l->n_bans; i++) {
		const CtlBan *b = l->bans[i];
		char ip[INET6_ADDRSTRLEN] = "", t[TBUF];

		if (!points && !b->has_expires)
			continue;
		inet_ntop(b->ip.len == 16 ? AF_INET6 : AF_INET, b->ip.data, ip, sizeof(ip));
		if (o->json) {
			json_begin_obj(&j, shown == 0);
			json_str(&j, "IP", ip);
			if (b->has_expires) {
				fmt_time(b->expires, t, sizeof(t));
				json_str(&j, "Since", t);
			}
			json_num(&j, "Score", b->score);
			json_end_obj(&j);
		} else {
			printf("IP: %s\n\tScore: %u\n", ip, b->score);
		}
		shown++;
	}
	if (rc == OCCTL_OK && o->json)
		printf(shown > 0 ? "\n]\n" : "]\n");
	talloc_free(tmp);
	return rc;
}

int occtl_show_bans(const struct occtl *o, const char *arg)
{
	(void)arg;
	return show_bans(o, false);
}

int occtl_show_ban_points(const struct occtl *o, const char *arg)
{
	(void)arg;
	return show_bans(o, true);
}

static int show_sessions(const struct occtl *o, bool valid_only, const char *prefix)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct json j = { .f = stdout };
	CtlSessionList *l = NULL;
	struct ctl_frame f;
	size_t shown = 0;
	int rc = occtl_call(o, tmp, CTL_LIST_COOKIES, NULL, CTL_LIST_COOKIES_REP, &f);

	if (rc == OCCTL_OK && (l = ctl_unpack(tmp, &ctl_session_list__descriptor, &f)) == NULL)
		rc = OCCTL_FAIL;
	if (rc == OCCTL_OK && o->json)
		printf("[\n");
	for (size_t i = 0; rc == OCCTL_OK && i < l->n_sessions; i++) {
		const CtlSession *s = l->sessions[i];
		char sid[TBUF], t[TBUF], d[TBUF];

		safe_id_text(&s->safe_id, sid, sizeof(sid));
		if ((valid_only && s->in_use) || (prefix && strncmp(sid, prefix, strlen(prefix))))
			continue;
		fmt_time(s->created, t, sizeof(t));
		fmt_duration((uint64_t)(time(NULL) - s->created), d, sizeof(d));
		if (!o->json && prefix == NULL && shown == 0)
			printf("session     user    vhost             ip               user agent"
			       "  created   status\n");
		if (!o->json) {
			printf("%.6s %8s %8s %14s %24.24s %8s %s\n", sid, or_none(s->username), s->vhost,
			       s->remote_ip, s->user_agent, d, s->is_open ? "authenticated" : "closed");
			shown++;
			continue;
		}
		json_begin_obj(&j, shown++ == 0);
		json_str(&j, "Full session", sid);
		json_str(&j, "Created", t);
		json_str(&j, "Username", or_none(s->username));
		json_str(&j, "Groupname", or_none(s->groupname));
		json_str(&j, "vhost", s->vhost);
		json_str(&j, "User-Agent", s->user_agent);
		json_str(&j, "Remote IP", s->remote_ip);
		json_num(&j, "session_is_open", s->is_open);
		json_num(&j, "tls_auth_ok", s->tls_auth_ok);
		json_num(&j, "in_use", s->in_use);
		json_end_obj(&j);
	}
	if (rc == OCCTL_OK && o->json)
		printf(shown > 0 ? "\n]\n" : "]\n");
	if (rc == OCCTL_OK && prefix != NULL && shown == 0) {
		fprintf(stderr, "could not find session '%s'\n", prefix);
		rc = OCCTL_NOT_FOUND;
	}
	talloc_free(tmp);
	return rc;
}

int occtl_show_sessions_all(const struct occtl *o, const char *arg)
{
	(void)arg;
	return show_sessions(o, false, NULL);
}

int occtl_show_sessions_valid(const struct occtl *o, const char *arg)
{
	(void)arg;
	return show_sessions(o, true, NULL);
}

int occtl_show_session(const struct occtl *o, const char *arg)
{
	if (need_arg(arg, "a session ID") < 0)
		return OCCTL_FAIL;
	return show_sessions(o, false, arg);
}

int occtl_show_events(const struct occtl *o, const char *arg)
{
	(void)o;
	(void)arg;
	fprintf(stderr, "show events: not supported by this occtl yet\n");
	return OCCTL_FAIL;
}

/* ------------------------------------------------------------ actions */

/* Ask, expect a CtlBool; print ok_msg or fail_msg (already formatted). */
static int bool_call(const struct occtl *o, uint8_t type, const ProtobufCMessage *req,
		     uint8_t want, const char *ok_msg, const char *fail_msg)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct ctl_frame f;
	CtlBool *b = NULL;
	int rc = occtl_call(o, tmp, type, req, want, &f);

	if (rc == OCCTL_OK && (b = ctl_unpack(tmp, &ctl_bool__descriptor, &f)) == NULL)
		rc = OCCTL_FAIL;
	if (rc == OCCTL_OK && b->ok) {
		printf("%s\n", ok_msg);
	} else if (rc == OCCTL_OK) {
		fprintf(stderr, "%s\n", fail_msg);
		rc = OCCTL_FAIL;
	}
	talloc_free(tmp);
	return rc;
}

/* "user 'x' was disconnected" / "could not disconnect user 'x'" and the like */
static int act(const struct occtl *o, uint8_t type, const ProtobufCMessage *req, uint8_t want,
	       const char *verb, const char *ok_noun, const char *fail_noun, const char *arg)
{
	char ok[512], fail[512];
	size_t n = strlen(verb);
	/* disconnect -> disconnected, terminate -> terminated, unban -> unbanned */
	const char *suffix = verb[n - 1] == 'e' ? "d" : verb[n - 1] == 'n' ? "ned" : "ed";

	snprintf(ok, sizeof(ok), "%s '%s' was %s%s", ok_noun, arg, verb, suffix);
	snprintf(fail, sizeof(fail), "could not %s %s '%s'", verb, fail_noun, arg);
	return bool_call(o, type, req, want, ok, fail);
}

static int by_name(const struct occtl *o, const char *arg, uint8_t type, uint8_t want,
		   const char *verb)
{
	CtlName r = CTL_NAME__INIT;

	if (need_arg(arg, "a user name") < 0)
		return OCCTL_FAIL;
	r.username = (char *)arg;
	return act(o, type, &r.base, want, verb, "user", "user", arg);
}

static int by_id(const struct occtl *o, const char *arg, uint8_t type, uint8_t want,
		 const char *verb)
{
	CtlId r = CTL_ID__INIT;

	if (parse_id(arg, &r.id) < 0)
		return OCCTL_FAIL;
	return act(o, type, &r.base, want, verb, "connection ID", "ID", arg);
}

int occtl_disconnect_user(const struct occtl *o, const char *arg)
{
	return by_name(o, arg, CTL_DISCONNECT_NAME, CTL_DISCONNECT_NAME_REP, "disconnect");
}

int occtl_disconnect_id(const struct occtl *o, const char *arg)
{
	return by_id(o, arg, CTL_DISCONNECT_ID, CTL_DISCONNECT_ID_REP, "disconnect");
}

int occtl_terminate_user(const struct occtl *o, const char *arg)
{
	return by_name(o, arg, CTL_TERMINATE_USER, CTL_TERMINATE_USER_REP, "terminate");
}

int occtl_terminate_id(const struct occtl *o, const char *arg)
{
	return by_id(o, arg, CTL_TERMINATE_ID, CTL_TERMINATE_ID_REP, "terminate");
}

int occtl_terminate_session(const struct occtl *o, const char *arg)
{
	CtlSafeId r = CTL_SAFE_ID__INIT;

	if (need_arg(arg, "a session ID") < 0)
		return OCCTL_FAIL;
	r.safe_id.data = (uint8_t *)arg;
	r.safe_id.len = strlen(arg);
	return act(o, CTL_TERMINATE_SESSION, &r.base, CTL_TERMINATE_SESSION_REP, "terminate",
		   "session", "session", arg);
}

int occtl_unban_ip(const struct occtl *o, const char *arg)
{
	CtlUnban r = CTL_UNBAN__INIT;
	uint8_t ip[16];

	if (need_arg(arg, "an IP address") < 0)
		return OCCTL_FAIL;
	if (inet_pton(AF_INET, arg, ip) == 1) {
		r.ip.len = 4;
	} else if (inet_pton(AF_INET6, arg, ip) == 1) {
		r.ip.len = 16;
	} else {
		fprintf(stderr, "could not unban IP '%s'\n", arg);
		return OCCTL_FAIL;
	}
	r.ip.data = ip;
	return act(o, CTL_UNBAN_IP, &r.base, CTL_UNBAN_IP_REP, "unban", "IP", "IP", arg);
}

int occtl_reload(const struct occtl *o, const char *arg)
{
	(void)arg;
	return bool_call(o, CTL_RELOAD, NULL, CTL_RELOAD_REP, "Server scheduled to reload",
			 "could not reload the server");
}

int occtl_stop(const struct occtl *o, const char *arg)
{
	(void)arg;
	return bool_call(o, CTL_STOP, NULL, CTL_STOP_REP, "Server scheduled to stop",
			 "could not stop the server");
}
