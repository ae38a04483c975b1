/* nvm/tmpl.c: IPFIX exporters and their template cache. Runs in: ocserv-nvm. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "nvm/tmpl.h"

#define NVM_MAX_BUCKETS 65536u

struct nvm_domain {
	uint32_t odid;
	unsigned n;
	struct nvm_tmpl **t;		/* sorted by tid */
};

struct nvm_exporter {
	struct nvm_exporter_info info;	/* first: info pointers convert back */
	struct nvm_exporter *next;	/* hash chain */
	struct nvm_tmpl_cache *cache;
	struct nvm_domain *dom;
	unsigned ndom;
	unsigned ntmpl;			/* over all domains, for the per-exporter cap */
	uint64_t rate_ms;
	double rate_tokens;
};

struct nvm_tmpl_cache {
	struct nvm_tmpl_limits lim;
	struct nvm_exporter **bucket;
	unsigned nbuckets;		/* power of two */
	unsigned nexp;
	struct nvm_exporter *last;	/* one exporter usually sends many datagrams in a row */
	struct nvm_counters orphans;
};

static unsigned lim_or(unsigned v, unsigned dflt)
{
	return v != 0 ? v : dflt;
}

struct nvm_tmpl_cache *nvm_tmpl_cache_new(TALLOC_CTX *mem_ctx, const struct nvm_tmpl_limits *lim)
{
	struct nvm_tmpl_cache *c = talloc_zero(mem_ctx, struct nvm_tmpl_cache);

	if (c == NULL)
		return NULL;
	c->lim.max_exporters = lim_or(lim ? lim->max_exporters : 0, NVM_DEFAULT_MAX_EXPORTERS);
	c->lim.max_tmpl_per_exporter = lim_or(lim ? lim->max_tmpl_per_exporter : 0,
					      NVM_DEFAULT_MAX_TMPL);
	c->lim.max_fields = lim_or(lim ? lim->max_fields : 0, NVM_DEFAULT_MAX_FIELDS);
	c->lim.max_domains = lim_or(lim ? lim->max_domains : 0, NVM_DEFAULT_MAX_DOMAINS);
	c->nbuckets = 64;
	while (c->nbuckets < c->lim.max_exporters && c->nbuckets < NVM_MAX_BUCKETS)
		c->nbuckets <<= 1;
	c->bucket = talloc_zero_array(c, struct nvm_exporter *, c->nbuckets);
	if (c->bucket == NULL) {
		talloc_free(c);
		return NULL;
	}
	return c;
}

const struct nvm_tmpl_limits *nvm_tmpl_cache_limits(const struct nvm_tmpl_cache *c)
{
	return &c->lim;
}

struct nvm_counters *nvm_tmpl_cache_orphans(struct nvm_tmpl_cache *c)
{
	return &c->orphans;
}

/* family + address + port as the exporter key; -EAFNOSUPPORT for anything else */
static int key_from_sa(const struct sockaddr *sa, socklen_t salen, struct nvm_exporter_info *k)
{
	memset(k, 0, sizeof(*k));
	if (sa == NULL)
		return -EAFNOSUPPORT;
	if (sa->sa_family == AF_INET && salen >= (socklen_t)sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		k->family = AF_INET;
		memcpy(k->addr, &sin->sin_addr, 4);
		k->port = ntohs(sin->sin_port);
		return 0;
	}
	if (sa->sa_family == AF_INET6 && salen >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;

		k->family = AF_INET6;
		memcpy(k->addr, &sin6->sin6_addr, 16);
		k->port = ntohs(sin6->sin6_port);
		return 0;
	}
	return -EAFNOSUPPORT;
}

static unsigned key_hash(const struct nvm_exporter_info *k, unsigned nbuckets)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(k->addr); i++)
		h = (h ^ k->addr[i]) * 16777619u;
	h = (h ^ (k->port & 0xff)) * 16777619u;
	h = (h ^ (k->port >> 8)) * 16777619u;
	h = (h ^ (uint32_t)k->family) * 16777619u;
	return h & (nbuckets - 1);
}

static bool key_eq(const struct nvm_exporter_info *a, const struct nvm_exporter_info *b)
{
	return a->family == b->family && a->port == b->port &&
	       memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}

static void key_name(struct nvm_exporter_info *k)
{
	char ip[INET6_ADDRSTRLEN];

	if (inet_ntop(k->family, k->addr, ip, sizeof(ip)) == NULL)
		snprintf(ip, sizeof(ip), "?");
	if (k->family == AF_INET6)
		snprintf(k->name, sizeof(k->name), "[%s]:%u", ip, k->port);
	else
		snprintf(k->name, sizeof(k->name), "%s:%u", ip, k->port);
}

int nvm_exporter_get(struct nvm_tmpl_cache *c, const struct sockaddr *sa, socklen_t salen,
		     bool create, struct nvm_exporter **ret_exp)
{
	struct nvm_exporter_info k;
	struct nvm_exporter *e;
	unsigned h;
	int rc;

	rc = key_from_sa(sa, salen, &k);
	if (rc < 0)
		return rc;
	if (c->last != NULL && key_eq(&c->last->info, &k)) {
		*ret_exp = c->last;
		return 0;
	}
	h = key_hash(&k, c->nbuckets);
	for (e = c->bucket[h]; e != NULL; e = e->next)
		if (key_eq(&e->info, &k))
			goto found;
	if (!create)
		return -ENOENT;
	if (c->nexp >= c->lim.max_exporters)
		return -ENOSPC;
	e = talloc_zero(c, struct nvm_exporter);
	if (e == NULL)
		return -ENOMEM;
	e->info = k;
	e->cache = c;
	key_name(&e->info);
	e->next = c->bucket[h];
	c->bucket[h] = e;
	c->nexp++;
found:
	c->last = e;
	*ret_exp = e;
	return 0;
}

struct nvm_exporter_info *nvm_exporter_info(struct nvm_exporter *e)
{
	return &e->info;
}

_Static_assert(offsetof(struct nvm_exporter, info) == 0, "info must be first");

struct nvm_exporter *nvm_exporter_of(struct nvm_exporter_info *info)
{
	return (struct nvm_exporter *)info;
}

unsigned nvm_exporter_ntemplates(const struct nvm_exporter_info *info)
{
	return ((const struct nvm_exporter *)info)->ntmpl;
}

bool nvm_exporter_rate_ok(struct nvm_exporter *e, uint64_t now_ms, unsigned per_sec)
{
	double burst = per_sec;

	if (per_sec == 0)
		return true;
	if (e->rate_ms == 0 || now_ms < e->rate_ms) {
		e->rate_tokens = burst;
	} else {
		e->rate_tokens += (double)(now_ms - e->rate_ms) * per_sec / 1000.0;
		if (e->rate_tokens > burst)
			e->rate_tokens = burst;
	}
	e->rate_ms = now_ms;
	if (e->rate_tokens < 1.0)
		return false;
	e->rate_tokens -= 1.0;
	return true;
}

void nvm_tmpl_foreach_exporter(struct nvm_tmpl_cache *c, nvm_exporter_fn fn, void *arg)
{
	struct nvm_exporter *e;
	unsigned i;

	for (i = 0; i < c->nbuckets; i++)
		for (e = c->bucket[i]; e != NULL; e = e->next)
			fn(arg, &e->info);
}

static struct nvm_domain *domain_get(struct nvm_exporter *e, uint32_t odid, bool create,
				     unsigned max_domains)
{
	struct nvm_domain *d;
	unsigned i;

	for (i = 0; i < e->ndom; i++)
		if (e->dom[i].odid == odid)
			return &e->dom[i];
	if (!create || e->ndom >= max_domains)
		return NULL;
	d = talloc_realloc(e, e->dom, struct nvm_domain, e->ndom + 1);
	if (d == NULL)
		return NULL;
	e->dom = d;
	d = &e->dom[e->ndom++];
	memset(d, 0, sizeof(*d));
	d->odid = odid;
	return d;
}

/* index of tid in d->t, or of where it would go (*found false) */
static unsigned tmpl_pos(const struct nvm_domain *d, uint16_t tid, bool *found)
{
	unsigned lo = 0, hi = d->n;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (d->t[mid]->tid == tid) {
			*found = true;
			return mid;
		}
		if (d->t[mid]->tid < tid)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

const struct nvm_tmpl *nvm_tmpl_find(struct nvm_exporter *e, uint32_t odid, uint16_t tid)
{
	unsigned i, pos;
	bool found;

	for (i = 0; i < e->ndom; i++) {
		if (e->dom[i].odid != odid)
			continue;
		pos = tmpl_pos(&e->dom[i], tid, &found);
		return found ? e->dom[i].t[pos] : NULL;
	}
	return NULL;
}

/* a new template: column and kind per field, its class and its shortest record */
static struct nvm_tmpl *tmpl_build(TALLOC_CTX *mem_ctx, uint16_t tid, bool is_options,
				   uint16_t scope_count, const struct nvm_field *f, uint16_t n)
{
	struct nvm_tmpl *t = talloc_zero(mem_ctx, struct nvm_tmpl);
	bool present[NVZ_COL_COUNT] = { false };
	const struct nvz_elem *el;
	uint16_t i;

	if (t == NULL)
		return NULL;
	t->f = talloc_array(t, struct nvm_field, n);
	if (t->f == NULL) {
		talloc_free(t);
		return NULL;
	}
	t->tid = tid;
	t->nfields = n;
	t->is_options = is_options;
	t->scope_count = scope_count;
	for (i = 0; i < n; i++) {
		t->f[i] = f[i];
		el = nvz_lookup(f[i].pen, f[i].id);
		t->f[i].col = el ? (int16_t)el->col : NVZ_COL_NONE;
		t->f[i].kind = (uint8_t)(el ? el->kind : NVZ_KIND_OCTETS);
		if (f[i].len != NVZ_VARLEN)
			t->f[i].kind = (uint8_t)nvz_kind_fit(t->f[i].kind, f[i].len);
		if (t->f[i].col != NVZ_COL_NONE)
			present[t->f[i].col] = true;
		t->min_len += f[i].len == NVZ_VARLEN ? 1u : f[i].len;
	}
	t->rec_type = (uint8_t)(is_options ? NVZ_REC_OTHER : nvz_classify(present));
	return t;
}

static bool tmpl_same(const struct nvm_tmpl *t, bool is_options, uint16_t scope_count,
		      const struct nvm_field *f, uint16_t n)
{
	uint16_t i;

	if (t->nfields != n || t->is_options != is_options || t->scope_count != scope_count)
		return false;
	for (i = 0; i < n; i++)
		if (t->f[i].pen != f[i].pen || t->f[i].id != f[i].id || t->f[i].len != f[i].len)
			return false;
	return true;
}

static int tmpl_check(const struct nvm_tmpl_cache *c, uint16_t tid, bool is_options,
		      uint16_t scope_count, const struct nvm_field *f, uint16_t n)
{
	uint32_t min_len = 0;
	uint16_t i;

	if (tid < 256 || n == 0)
		return -EINVAL;
	if (n > c->lim.max_fields)
		return -ENOSPC;
	if (is_options && (scope_count == 0 || scope_count > n))
		return -EINVAL;
	for (i = 0; i < n; i++)
		min_len += f[i].len == NVZ_VARLEN ? 1u : f[i].len;
	/* a record must consume at least one byte, or a data set would never end */
	return min_len == 0 ? -EINVAL : 0;
}

int nvm_tmpl_put(struct nvm_exporter *e, uint32_t odid, uint16_t tid, bool is_options,
		 uint16_t scope_count, const struct nvm_field *f, uint16_t n,
		 const struct nvm_tmpl **ret_tmpl, bool *ret_changed)
{
	struct nvm_tmpl_cache *c = e->cache;
	struct nvm_domain *d;
	struct nvm_tmpl *t, **arr;
	bool found, changed = false;
	unsigned pos;
	int rc;

	rc = tmpl_check(c, tid, is_options, scope_count, f, n);
	if (rc < 0)
		return rc;
	d = domain_get(e, odid, true, c->lim.max_domains);
	if (d == NULL)
		return -ENOSPC;
	pos = tmpl_pos(d, tid, &found);
	if (found && tmpl_same(d->t[pos], is_options, scope_count, f, n)) {
		t = d->t[pos];
		goto done;
	}
	if (!found && e->ntmpl >= c->lim.max_tmpl_per_exporter)
		return -ENOSPC;
	t = tmpl_build(e, tid, is_options, scope_count, f, n);
	if (t == NULL)
		return -ENOMEM;
	if (found) {
		talloc_free(d->t[pos]);
		d->t[pos] = t;
	} else {
		arr = talloc_realloc(e, d->t, struct nvm_tmpl *, d->n + 1);
		if (arr == NULL) {
			talloc_free(t);
			return -ENOMEM;
		}
		d->t = arr;
		memmove(&d->t[pos + 1], &d->t[pos], (d->n - pos) * sizeof(d->t[0]));
		d->t[pos] = t;
		d->n++;
		e->ntmpl++;
	}
	changed = true;
done:
	if (ret_changed != NULL)
		*ret_changed = changed;
	if (ret_tmpl != NULL)
		*ret_tmpl = t;
	return 0;
}

int nvm_tmpl_withdraw(struct nvm_exporter *e, uint32_t odid, uint16_t tid, bool all,
		      bool is_options, nvm_tmpl_gone_fn gone, void *arg)
{
	struct nvm_domain *d = domain_get(e, odid, false, e->cache->lim.max_domains);
	unsigned i, keep = 0;
	bool found;

	if (d == NULL)
		return -ENOENT;
	if (!all) {
		i = tmpl_pos(d, tid, &found);
		if (!found)
			return -ENOENT;
		if (gone != NULL)
			gone(arg, d->t[i]);
		talloc_free(d->t[i]);
		memmove(&d->t[i], &d->t[i + 1], (d->n - i - 1) * sizeof(d->t[0]));
		d->n--;
		e->ntmpl--;
		return 0;
	}
	for (i = 0; i < d->n; i++) {
		if (d->t[i]->is_options != is_options) {
			d->t[keep++] = d->t[i];
			continue;
		}
		if (gone != NULL)
			gone(arg, d->t[i]);
		talloc_free(d->t[i]);
		e->ntmpl--;
	}
	d->n = keep;
	return 0;
}
