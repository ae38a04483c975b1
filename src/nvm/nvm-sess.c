/* nvm/nvm-sess.c: VPN sessions by address, to link exporters to users. Runs in: ocserv-nvm. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "nvm/nvm-sess.h"

#define SESS_BUCKETS 4096u      /* power of two; chains stay short for any realistic count */
#define SESS_ADDRS 3            /* tunnel v4, tunnel v6, public address */

struct sess;

/* one address of a session: the key of the hash */
struct sess_key {
	uint8_t len;            /* 4 or 16; 0 = unused */
	uint8_t addr[16];
	struct sess *s;
	struct sess_key *next;
};

struct sess {
	struct nvm_sess_info info;
	struct sess_key key[SESS_ADDRS];
	struct sess *next;      /* all sessions, for removal by id */
};

struct nvm_sess_table {
	struct sess_key *bucket[SESS_BUCKETS];
	struct sess *all;
	unsigned n;
};

struct nvm_sess_table *nvm_sess_new(TALLOC_CTX *mem_ctx)
{
	return talloc_zero(mem_ctx, struct nvm_sess_table);
}

static unsigned addr_hash(const uint8_t *a, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ a[i]) * 16777619u;
	return h & (SESS_BUCKETS - 1);
}

static void key_add(struct nvm_sess_table *t, struct sess *s, int slot, const uint8_t *a,
		    size_t len)
{
	struct sess_key *k = &s->key[slot];
	unsigned b = addr_hash(a, len);

	k->len = (uint8_t)len;
	memcpy(k->addr, a, len);
	k->s = s;
	k->next = t->bucket[b];
	t->bucket[b] = k;
}

static void sess_unlink(struct nvm_sess_table *t, struct sess *s)
{
	for (int i = 0; i < SESS_ADDRS; i++) {
		struct sess_key *k = &s->key[i];

		if (k->len == 0)
			continue;
		for (struct sess_key **pp = &t->bucket[addr_hash(k->addr, k->len)]; *pp != NULL;
		     pp = &(*pp)->next)
			if (*pp == k) {
				*pp = k->next;
				break;
			}
	}
	for (struct sess **pp = &t->all; *pp != NULL; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	t->n--;
	talloc_free(s);
}

static void add_remote(struct nvm_sess_table *t, struct sess *s, const char *remote)
{
	uint8_t a[16];

	if (remote == NULL)
		return;
	if (inet_pton(AF_INET, remote, a) == 1)
		key_add(t, s, 2, a, 4);
	else if (inet_pton(AF_INET6, remote, a) == 1)
		key_add(t, s, 2, a, 16);
}

int nvm_sess_update(struct nvm_sess_table *t, bool up, uint32_t id, const char *user,
		    const char *session, const uint8_t *v4, const uint8_t *v6, const char *remote)
{
	struct sess *s;

	for (s = t->all; s != NULL; s = s->next)
		if (s->info.id == id)
			break;
	if (s != NULL)
		sess_unlink(t, s);      /* an update replaces what we knew */
	if (!up)
		return 0;
	if (t->n >= NVM_SESS_MAX)
		return -ENOSPC;
	s = talloc_zero(t, struct sess);
	if (s == NULL)
		return -ENOMEM;
	s->info.id = id;
	s->info.user = talloc_strdup(s, user ? user : "");
	s->info.session = talloc_strdup(s, session ? session : "");
	if (s->info.user == NULL || s->info.session == NULL) {
		talloc_free(s);
		return -ENOMEM;
	}
	/* the newest session is found first when two share a public address (NAT) */
	add_remote(t, s, remote);
	if (v6 != NULL)
		key_add(t, s, 1, v6, 16);
	if (v4 != NULL)
		key_add(t, s, 0, v4, 4);
	s->next = t->all;
	t->all = s;
	t->n++;
	return 0;
}

const struct nvm_sess_info *nvm_sess_find(const struct nvm_sess_table *t, const uint8_t *addr,
					  size_t alen)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	/* a v4-mapped v6 source (dual-stack socket) is the v4 address */
	if (alen == 16 && memcmp(addr, mapped, 12) == 0) {
		addr += 12;
		alen = 4;
	}
	if (alen != 4 && alen != 16)
		return NULL;
	for (const struct sess_key *k = t->bucket[addr_hash(addr, alen)]; k != NULL; k = k->next)
		if (k->len == alen && memcmp(k->addr, addr, alen) == 0)
			return &k->s->info;
	return NULL;
}

unsigned nvm_sess_count(const struct nvm_sess_table *t)
{
	return t->n;
}
