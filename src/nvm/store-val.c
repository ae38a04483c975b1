/* nvm/store-val.c: repeated values and module lists stored once, by id. Runs in: ocserv-nvm. */
/*
 * Flow records repeat the same few hundred users, processes, hashes and module lists over
 * and over. Each distinct value is written once (vals, modsets) and rows carry its integer
 * id, which keeps rows and indexes small. A bounded direct-mapped cache in front of the
 * tables makes the common case a hash and a memcmp; a miss costs one indexed lookup.
 * Cache entries may name rows of the open transaction, so a rollback empties the cache.
 */
#include <errno.h>
#include <string.h>

#include "nvm/store-int.h"

#define CACHE_KEY_MAX 8192u		/* longer keys are looked up in the table every time */

/* 64-bit multiply-xor hash, 8 bytes a step; only needs to spread, not to resist attack */
static uint64_t val_hash(uint64_t h, const uint8_t *p, size_t n)
{
	uint64_t w;

	h ^= n * 0x9e3779b97f4a7c15ull;
	while (n >= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
		p += 8;
		n -= 8;
	}
	w = 0;
	if (n > 0)              /* an empty value may come with a NULL pointer */
		memcpy(&w, p, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 29);
}

int store_cache_init(TALLOC_CTX *mem_ctx, struct store_cache *c, unsigned slots)
{
	c->slot = talloc_zero_array(mem_ctx, struct store_slot, slots);
	c->mask = slots - 1;
	return c->slot ? 0 : -ENOMEM;
}

void store_cache_reset(struct store_cache *c)
{
	unsigned i;

	for (i = 0; c->slot != NULL && i <= c->mask; i++) {
		TALLOC_FREE(c->slot[i].key);
		c->slot[i].id = 0;
	}
}

static struct store_slot *cache_find(struct store_cache *c, uint64_t h, const uint8_t *key,
				     size_t len)
{
	struct store_slot *s = &c->slot[h & c->mask];

	if (s->id > 0 && s->h == h && s->len == len && memcmp(s->key, key, len) == 0)
		return s;
	return NULL;
}

/* best effort: without memory the value is simply looked up in the table next time */
static void cache_put(struct store_cache *c, uint64_t h, const uint8_t *key, size_t len,
		      int64_t id)
{
	struct store_slot *s = &c->slot[h & c->mask];

	if (len > CACHE_KEY_MAX)
		return;
	if (s->key == NULL || talloc_get_size(s->key) < len) {
		TALLOC_FREE(s->key);
		s->key = talloc_size(c->slot, len ? len : 1);
		if (s->key == NULL) {
			s->id = 0;
			return;
		}
	}
	memcpy(s->key, key, len);
	s->h = h;
	s->len = (uint32_t)len;
	s->id = id;
}

/* SELECT returning one id: 0 and the id, 0 and *ret_id = 0 when no row, or -errno */
static int step_id(struct nvm_store *st, sqlite3_stmt *s, const char *what, int64_t *ret_id)
{
	int rc = sqlite3_step(s);

	*ret_id = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_err(st, rc, what);
	return 0;
}

static int bind_val(sqlite3_stmt *s, int idx, bool is_text, const uint8_t *p, size_t len)
{
	if (is_text)
		return sqlite3_bind_text(s, idx, (const char *)p, (int)len, SQLITE_STATIC);
	return sqlite3_bind_blob(s, idx, len ? (const void *)p : "", (int)len, SQLITE_STATIC);
}

static int val_lookup_insert(struct nvm_store *st, bool is_text, const uint8_t *p, size_t len,
			     int64_t *ret_id)
{
	int rc;

	bind_val(st->st[ST_VAL_GET], 1, is_text, p, len);
	rc = step_id(st, st->st[ST_VAL_GET], "value lookup", ret_id);
	if (rc < 0 || *ret_id > 0)
		return rc;
	bind_val(st->st[ST_VAL_PUT], 1, is_text, p, len);
	rc = store_step_done(st, st->st[ST_VAL_PUT], "value insert");
	if (rc == 0)
		*ret_id = sqlite3_last_insert_rowid(st->db);
	return rc;
}

int store_val_id(struct nvm_store *st, bool is_text, const uint8_t *p, size_t len,
		 int64_t *ret_id)
{
	uint64_t h = val_hash(is_text ? 1 : 2, p, len);
	struct store_slot *s = cache_find(&st->vals, h, p, len);
	int rc;

	/* text and blob of the same bytes are different values: the tag is in the hash */
	if (s != NULL && s->is_text == is_text) {
		*ret_id = s->id;
		return 0;
	}
	rc = val_lookup_insert(st, is_text, p, len, ret_id);
	if (rc == 0) {
		cache_put(&st->vals, h, p, len, *ret_id);
		st->vals.slot[h & st->vals.mask].is_text = is_text;
	}
	return rc;
}

/* the normalized form stored in the table: names as a JSON array, hashes concatenated */
static int modset_lookup_insert(struct nvm_store *st, const struct store_buf *names,
				const struct store_buf *hashes, int64_t *ret_id)
{
	uint64_t dig = val_hash(val_hash(3, (const uint8_t *)names->p, names->len),
				(const uint8_t *)hashes->p, hashes->len);
	sqlite3_stmt *s = st->st[ST_MODSET_GET];
	int rc;

	sqlite3_bind_int64(s, 1, (sqlite3_int64)(dig >> 1));
	store_bind_buf(s, 2, names, true);
	store_bind_buf(s, 3, hashes, false);
	rc = step_id(st, s, "module list lookup", ret_id);
	if (rc < 0 || *ret_id > 0)
		return rc;
	s = st->st[ST_MODSET_PUT];
	sqlite3_bind_int64(s, 1, (sqlite3_int64)(dig >> 1));
	store_bind_buf(s, 2, names, true);
	store_bind_buf(s, 3, hashes, false);
	rc = store_step_done(st, s, "module list insert");
	if (rc == 0)
		*ret_id = sqlite3_last_insert_rowid(st->db);
	return rc;
}

/* cache key: both lists' raw bytes with the first one's length in front */
static int modset_key(struct nvm_store *st, const struct nvm_value *names,
		      const struct nvm_value *hashes, struct store_buf *k)
{
	uint16_t nlen = names ? names->len : 0xffff;
	size_t need = 4 + (names ? names->len : 0) + (hashes ? hashes->len : 0);

	k->len = 0;
	if (store_buf_reserve(st, k, need) < 0)
		return -ENOMEM;
	k->p[0] = (char)(nlen >> 8);
	k->p[1] = (char)nlen;
	k->p[2] = (char)(hashes ? 1 : 0);
	k->p[3] = 0;
	k->len = 4;
	if (names != NULL && names->len) {
		memcpy(k->p + k->len, names->p, names->len);
		k->len += names->len;
	}
	if (hashes != NULL && hashes->len) {
		memcpy(k->p + k->len, hashes->p, hashes->len);
		k->len += hashes->len;
	}
	return 0;
}

int store_modset_id(struct nvm_store *st, const struct nvm_value *names,
		    const struct nvm_value *hashes, int64_t *ret_id)
{
	struct store_buf *k = &st->key;
	struct store_slot *s;
	uint64_t h;
	int rc;

	rc = modset_key(st, names, hashes, k);
	if (rc < 0)
		return rc;
	h = val_hash(4, (const uint8_t *)k->p, k->len);
	s = cache_find(&st->modsets, h, (const uint8_t *)k->p, k->len);
	if (s != NULL) {
		*ret_id = s->id;
		return 0;
	}
	rc = store_modules_json(st, names, &st->mods);
	if (rc == 0)
		rc = store_hashes_blob(st, hashes, &st->hashes);
	if (rc == 0)
		rc = modset_lookup_insert(st, &st->mods, &st->hashes, ret_id);
	if (rc == 0)
		cache_put(&st->modsets, h, (const uint8_t *)k->p, k->len, *ret_id);
	return rc;
}
