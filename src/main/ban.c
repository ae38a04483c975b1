/* main/ban.c: ban scores per client address, as ocserv's max-ban-score. Runs in: main. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "main/ban.h"

struct ban_entry {
	char key[INET6_ADDRSTRLEN + 4];
	unsigned score;
	time_t last;            /* last time points were added */
	time_t banned_until;
	struct ban_entry *next;
};

#define BAN_BUCKETS 4096

struct ban_table {
	unsigned max_score, ban_time, reset_time;
	struct ban_entry *bucket[BAN_BUCKETS];
	unsigned n;
};

static unsigned bucket_of(const char *key)
{
	uint32_t h = 2166136261u;       /* FNV-1a: spreads addresses well enough */

	for (; *key != '\0'; key++)
		h = (h ^ (uint8_t)*key) * 16777619u;
	return h % BAN_BUCKETS;
}

struct ban_table *ban_table_new(TALLOC_CTX *mem_ctx, unsigned max_score, unsigned ban_time,
				unsigned reset_time)
{
	struct ban_table *t = talloc_zero(mem_ctx, struct ban_table);

	if (t == NULL)
		return NULL;
	t->max_score = max_score;
	t->ban_time = ban_time;
	t->reset_time = reset_time;
	return t;
}

/* IPv4 as written; IPv6 reduced to its /64, since one host owns a whole /64 */
static int make_key(const char *ip, char key[INET6_ADDRSTRLEN + 4])
{
	struct in6_addr a6;
	struct in_addr a4;
	char net[INET6_ADDRSTRLEN];

	if (inet_pton(AF_INET, ip, &a4) == 1)
		return inet_ntop(AF_INET, &a4, key, INET6_ADDRSTRLEN + 4) ? 0 : -EINVAL;
	if (inet_pton(AF_INET6, ip, &a6) != 1)
		return -EINVAL;
	memset(a6.s6_addr + 8, 0, 8);
	if (inet_ntop(AF_INET6, &a6, net, sizeof(net)) == NULL)
		return -EINVAL;
	snprintf(key, INET6_ADDRSTRLEN + 4, "%s/64", net);
	return 0;
}

/* an entry whose ban ended and whose points went stale is forgotten */
static bool is_dead(const struct ban_table *t, const struct ban_entry *e, time_t now)
{
	return e->banned_until <= now && now - e->last >= (time_t)t->reset_time;
}

static void sweep(struct ban_table *t, time_t now)
{
	for (unsigned b = 0; b < BAN_BUCKETS; b++) {
		struct ban_entry **pp = &t->bucket[b];

		while (*pp != NULL) {
			struct ban_entry *e = *pp;

			if (!is_dead(t, e, now)) {
				pp = &e->next;
				continue;
			}
			*pp = e->next;
			t->n--;
			talloc_free(e);
		}
	}
}

static struct ban_entry *find(struct ban_table *t, const char *key)
{
	for (struct ban_entry *e = t->bucket[bucket_of(key)]; e != NULL; e = e->next)
		if (strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

bool ban_add(struct ban_table *t, const char *ip, unsigned points, time_t now)
{
	char key[INET6_ADDRSTRLEN + 4];
	struct ban_entry *e;

	if (t->max_score == 0 || points == 0 || make_key(ip, key) < 0)
		return false;
	e = find(t, key);
	if (e != NULL && e->banned_until <= now && now - e->last >= (time_t)t->reset_time)
		e->score = 0;   /* quiet long enough: start over */
	if (e == NULL) {
		if (t->n >= BAN_MAX_ENTRIES)
			sweep(t, now);
		if (t->n >= BAN_MAX_ENTRIES || (e = talloc_zero(t, struct ban_entry)) == NULL)
			return false;
		strcpy(e->key, key);
		e->next = t->bucket[bucket_of(key)];
		t->bucket[bucket_of(key)] = e;
		t->n++;
	}
	e->score = e->score > ~0u - points ? ~0u : e->score + points;
	e->last = now;
	if (e->score >= t->max_score && e->banned_until <= now)
		e->banned_until = now + t->ban_time;
	return e->banned_until > now;
}

bool ban_is_banned(struct ban_table *t, const char *ip, time_t now)
{
	char key[INET6_ADDRSTRLEN + 4];
	struct ban_entry *e;

	if (t->max_score == 0 || make_key(ip, key) < 0 || (e = find(t, key)) == NULL)
		return false;
	return e->banned_until > now;
}

int ban_remove(struct ban_table *t, const char *ip)
{
	char key[INET6_ADDRSTRLEN + 4];

	if (make_key(ip, key) < 0)
		return -ENOENT;
	for (struct ban_entry **pp = &t->bucket[bucket_of(key)]; *pp != NULL; pp = &(*pp)->next) {
		struct ban_entry *e = *pp;

		if (strcmp(e->key, key) != 0)
			continue;
		*pp = e->next;
		t->n--;
		talloc_free(e);
		return 0;
	}
	return -ENOENT;
}

void ban_foreach(struct ban_table *t, time_t now, int (*cb)(const struct ban_info *, void *),
		 void *arg)
{
	sweep(t, now);
	for (unsigned b = 0; b < BAN_BUCKETS; b++)
		for (struct ban_entry *e = t->bucket[b]; e != NULL; e = e->next) {
			struct ban_info i = { e->key, e->score,
					      e->banned_until > now ? e->banned_until : 0 };

			if (cb(&i, arg) != 0)
				return;
		}
}

static bool same_net(const uint8_t *a, const uint8_t *b, const uint8_t *mask, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((a[i] & mask[i]) != (b[i] & mask[i]))
			return false;
	return true;
}

bool ban_exempt(const char *ip)
{
	struct ifaddrs *ifs, *i;
	struct in6_addr a6;
	struct in_addr a4;
	bool v4 = inet_pton(AF_INET, ip, &a4) == 1, hit = false;

	if (!v4 && inet_pton(AF_INET6, ip, &a6) != 1)
		return false;
	if (getifaddrs(&ifs) < 0)
		return false;
	for (i = ifs; i != NULL && !hit; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_netmask == NULL)
			continue;
		if (v4 && i->ifa_addr->sa_family == AF_INET)
			hit = same_net((const uint8_t *)&a4,
				       (const uint8_t *)&((struct sockaddr_in *)i->ifa_addr)->sin_addr,
				       (const uint8_t *)&((struct sockaddr_in *)i->ifa_netmask)->sin_addr, 4);
		else if (!v4 && i->ifa_addr->sa_family == AF_INET6)
			hit = same_net(a6.s6_addr,
				       ((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr.s6_addr,
				       ((struct sockaddr_in6 *)i->ifa_netmask)->sin6_addr.s6_addr, 16);
	}
	freeifaddrs(ifs);
	return hit;
}

unsigned ban_count_banned(struct ban_table *t, time_t now)
{
	unsigned n = 0;

	for (unsigned b = 0; b < BAN_BUCKETS; b++)
		for (struct ban_entry *e = t->bucket[b]; e != NULL; e = e->next)
			if (e->banned_until > now)
				n++;
	return n;
}
