/* secmod/sessions.c: session table keyed by random SID. Runs in: sec-mod. */
#include <string.h>
#include <gnutls/crypto.h>

#include "sessions.h"

#define SM_BUCKETS 1024

struct sm_entry {
	struct sm_session s;
	struct sm_entry *next;
};

struct sm_sessions {
	struct sm_entry *bucket[SM_BUCKETS];
	unsigned count;
};

static unsigned bucket_of(const uint8_t sid[SID_LEN])
{
	/* the SID is uniformly random, so its first bytes are a fine hash */
	return ((unsigned)sid[1] << 8 | sid[2]) % SM_BUCKETS;
}

static bool sid_equal(const uint8_t *a, const uint8_t *b)
{
	uint8_t d = 0;

	for (size_t i = 0; i < SID_LEN; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

struct sm_sessions *sm_sessions_new(TALLOC_CTX *mem_ctx)
{
	return talloc_zero(mem_ctx, struct sm_sessions);
}

static int entry_destroy(struct sm_entry *e)
{
	gnutls_memset(e->s.sid, 0, SID_LEN);
	return 0;
}

struct sm_session *sm_session_create(struct sm_sessions *db, time_t now)
{
	struct sm_entry *e = talloc_zero(db, struct sm_entry);
	unsigned b;

	if (e == NULL)
		return NULL;
	if (gnutls_rnd(GNUTLS_RND_RANDOM, e->s.sid, SID_LEN) < 0) {
		talloc_free(e);
		return NULL;
	}
	talloc_set_destructor(e, entry_destroy);
	e->s.created = now;
	e->s.expires = now;
	b = bucket_of(e->s.sid);
	e->next = db->bucket[b];
	db->bucket[b] = e;
	db->count++;
	return &e->s;
}

struct sm_session *sm_session_find(struct sm_sessions *db, const uint8_t sid[SID_LEN], time_t now)
{
	struct sm_entry *e;

	for (e = db->bucket[bucket_of(sid)]; e != NULL; e = e->next) {
		if (!sid_equal(e->s.sid, sid))
			continue;
		if (e->s.state != SM_SESSION_ACTIVE && e->s.expires < now)
			return NULL;
		return &e->s;
	}
	return NULL;
}

void sm_session_remove(struct sm_sessions *db, struct sm_session *s)
{
	struct sm_entry **pp = &db->bucket[bucket_of(s->sid)];

	for (; *pp != NULL; pp = &(*pp)->next) {
		if (&(*pp)->s != s)
			continue;
		struct sm_entry *e = *pp;

		*pp = e->next;
		db->count--;
		talloc_free(e);
		return;
	}
}

unsigned sm_sessions_expire(struct sm_sessions *db, time_t now)
{
	unsigned dropped = 0;

	for (unsigned b = 0; b < SM_BUCKETS; b++) {
		struct sm_entry **pp = &db->bucket[b];

		while (*pp != NULL) {
			struct sm_entry *e = *pp;

			if (e->s.state == SM_SESSION_ACTIVE || e->s.expires >= now) {
				pp = &e->next;
				continue;
			}
			*pp = e->next;
			db->count--;
			dropped++;
			talloc_free(e);
		}
	}
	return dropped;
}

unsigned sm_sessions_count(const struct sm_sessions *db)
{
	return db->count;
}

unsigned sm_sessions_active_for(const struct sm_sessions *db, const char *user)
{
	unsigned n = 0;

	for (unsigned b = 0; b < SM_BUCKETS; b++)
		for (const struct sm_entry *e = db->bucket[b]; e != NULL; e = e->next)
			if (e->s.state == SM_SESSION_ACTIVE && e->s.username != NULL &&
			    strcmp(e->s.username, user) == 0)
				n++;
	return n;
}
