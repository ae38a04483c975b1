/* main/ban.h: ban scores per client address. Runs in: main. */
#ifndef MAIN_BAN_H
#define MAIN_BAN_H

#include <stdbool.h>
#include <time.h>
#include <talloc.h>

#define BAN_MAX_ENTRIES 65536   /* a flood of sources cannot grow main without bound */

struct ban_table;

struct ban_info {
	const char *ip;         /* IPv4 address, or the IPv6 /64 written as "x:x:x:x::/64" */
	unsigned score;
	time_t banned_until;    /* 0 when not banned */
};

/* max_score 0 disables banning: every call then says "not banned" */
struct ban_table *ban_table_new(TALLOC_CTX *mem_ctx, unsigned max_score, unsigned ban_time,
				unsigned reset_time);
/* Adds points for ip (an IPv6 /64 counts as one address); true when it is now banned. */
bool ban_add(struct ban_table *t, const char *ip, unsigned points, time_t now);
bool ban_is_banned(struct ban_table *t, const char *ip, time_t now);
/* 0 when ip had an entry (now gone), -ENOENT otherwise */
int ban_remove(struct ban_table *t, const char *ip);
/* every live entry; stops early when cb returns non-zero */
void ban_foreach(struct ban_table *t, time_t now, int (*cb)(const struct ban_info *, void *),
		 void *arg);
unsigned ban_count_banned(struct ban_table *t, time_t now);
/*
 * Addresses inside a subnet of one of our own interfaces are never banned, as
 * in ocserv: load-balancer health checks connect without logging in.
 */
bool ban_exempt(const char *ip);

#endif /* MAIN_BAN_H */
