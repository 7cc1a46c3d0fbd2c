// SPDX-License-Identifier: Apache-2.0
/*
 * The detection engine's hot path (see detect.h).
 *
 * For each group an event belongs to, each field matcher reads the field
 * once: the value is case-folded into scratch (ASCII: one table-free pass;
 * Unicode folding only for values flagged non-ASCII), then probed in the
 * equals set (one xxh3 and one comparison), walked through the startswith
 * trie from the front and the endswith trie from the back, and scanned by
 * the contains automaton: one transition per byte, and at an output state a
 * comparison that confirms the rest of the pattern. Every literal found
 * "fires" a hit: its atom becomes true and the rules anchored on it become
 * candidates. Candidates (plus the group's few rules without anchors) are
 * then evaluated in rule order by their generated condition functions.
 *
 * Nothing here allocates per event: the scratch buffers and per-rule and
 * per-atom arrays are sized once; only what an event touched is reset.
 */
#include "detect.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "values.h"

/* ---- perfect hash and field names ---- */

static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

int32_t ag_phash_find(const struct sgr_phash *ph, const uint8_t *key, size_t len)
{
	uint64_t h = XXH3_64bits_withSeed(key, len, ph->seed);
	uint32_t b = (uint32_t)(h % ph->nbuckets);
	uint32_t slot = (uint32_t)(mix64((h >> 32) ^ ((uint64_t)ph->disp[b] * 0x9E3779B97F4A7C15ull)) %
				   ph->nslots);
	uint32_t k = ph->slots[slot];

	if (!k)
		return -1;
	k--;
	if (ph->klen[k] != len || (len && memcmp(ph->key[k], key, len) != 0))
		return -1;
	return (int32_t)k;
}

uint32_t ag_field_lookup(const struct sgr_ruleset *rs, const char *name, size_t len)
{
	int32_t k = ag_phash_find(rs->field_index, (const uint8_t *)name, len);

	return k < 0 ? AG_FIELD_NONE : (uint32_t)k + 1;
}

/* ---- routing: which groups an event belongs to ---- */

#define CACHE_SLOTS 512

struct cache_entry {
	uint64_t hash;
	char *key;	  /* "product\0cat0\0...\0service\0" (heap), NULL = empty slot */
	size_t keylen;
	uint32_t *groups; /* heap */
	uint32_t ngroups;
};

struct ag_group_cache {
	struct cache_entry e[CACHE_SLOTS];
	uint32_t used;
};

static bool str_eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

bool ag_group_matches(const struct sgr_group *g, const struct ag_event *ev)
{
	uint8_t i;

	if (g->product && !str_eq(g->product, ev->product))
		return false;
	if (g->service && !str_eq(g->service, ev->service))
		return false;
	if (g->category) {
		for (i = 0; i < ev->ncategory; i++)
			if (str_eq(g->category, ev->category[i]))
				break;
		if (i == ev->ncategory)
			return false;
	}
	return true;
}

static size_t route_key(const struct ag_event *ev, char *buf, size_t cap)
{
	size_t n = 0;
	uint8_t i;

#define ADD(s)                                                                                 \
	do {                                                                                   \
		const char *s_ = (s) ? (s) : "";                                               \
		size_t l_ = strlen(s_) + 1;                                                    \
		if (n + l_ > cap)                                                              \
			return 0;                                                              \
		memcpy(buf + n, s_, l_);                                                       \
		n += l_;                                                                       \
	} while (0)
	ADD(ev->product);
	ADD(ev->service);
	for (i = 0; i < ev->ncategory; i++)
		ADD(ev->category[i]);
#undef ADD
	return n;
}

/* Groups of ev into e->groups (cached by routing key). */
static void route(struct ag_engine *e, const struct ag_event *ev)
{
	const struct sgr_ruleset *rs = e->rs;
	struct ag_group_cache *c = e->cache;
	char key[512];
	size_t klen = route_key(ev, key, sizeof(key));
	uint64_t h = klen ? XXH3_64bits(key, klen) : 0;
	uint32_t i, slot = (uint32_t)(h % CACHE_SLOTS), probes;

	if (klen) {
		for (probes = 0; probes < CACHE_SLOTS; probes++) {
			struct cache_entry *ce = &c->e[(slot + probes) % CACHE_SLOTS];

			if (!ce->key)
				break;
			if (ce->hash == h && ce->keylen == klen && memcmp(ce->key, key, klen) == 0) {
				memcpy(e->groups, ce->groups, ce->ngroups * sizeof(*e->groups));
				e->ngroups = ce->ngroups;
				return;
			}
		}
	}
	e->ngroups = 0;
	for (i = 0; i < rs->ngroups; i++)
		if (ag_group_matches(&rs->groups[i], ev))
			e->groups[e->ngroups++] = i;
	/* Remember it (first sight of this logsource only; bounded). */
	if (klen && c->used < CACHE_SLOTS / 2) {
		for (probes = 0; probes < CACHE_SLOTS; probes++) {
			struct cache_entry *ce = &c->e[(slot + probes) % CACHE_SLOTS];

			if (ce->key)
				continue;
			ce->key = malloc(klen);
			ce->groups = malloc((e->ngroups ? e->ngroups : 1) * sizeof(*ce->groups));
			if (!ce->key || !ce->groups) {
				free(ce->key);
				free(ce->groups);
				ce->key = NULL;
				ce->groups = NULL;
				return;
			}
			memcpy(ce->key, key, klen);
			ce->keylen = klen;
			ce->hash = h;
			memcpy(ce->groups, e->groups, e->ngroups * sizeof(*e->groups));
			ce->ngroups = e->ngroups;
			c->used++;
			return;
		}
	}
}

/* ---- firing hits ---- */

static inline void set_atom(struct ag_engine *e, uint32_t atom, uint8_t v)
{
	if (!e->m.astate[atom]) {
		e->m.astate[atom] = v;
		e->touched[e->ntouched++] = atom;
	}
}

static inline void fire(struct ag_engine *e, const struct sgr_group *g, uint32_t hit)
{
	const struct sgr_hit *h = &g->hits[hit];
	uint32_t i;

	if (h->atom & SGR_HIT_MAYBE)
		set_atom(e, h->atom & ~SGR_HIT_MAYBE, 3);
	else
		set_atom(e, h->atom, 2);
	for (i = 0; i < h->nanc; i++) {
		uint32_t r = g->anchors[h->anc + i];

		if (!e->is_cand[r]) {
			e->is_cand[r] = 1;
			e->cand[e->ncand++] = r;
		}
	}
}

static void fire_list(struct ag_engine *e, const struct sgr_group *g, const uint32_t *out,
		      uint32_t from, uint32_t to)
{
	uint32_t k;

	for (k = from; k < to; k++)
		fire(e, g, out[k]);
}

/* Walk an anchored trie over s (backwards when reverse), firing every node reached. */
static void run_trie(struct ag_engine *e, const struct sgr_group *g, const struct sgr_trie *t,
		     const uint8_t *s, size_t n, bool reverse)
{
	uint32_t st = 0;
	size_t i;

	fire_list(e, g, t->out, t->out_off[0], t->out_off[1]);
	for (i = 0; i < n; i++) {
		uint8_t c = s[reverse ? n - 1 - i : i];
		uint32_t lo = t->edge_off[st], hi = t->edge_off[st + 1];

		/* Edges are sorted: bisect wide nodes, scan narrow ones. */
		while (hi - lo > 8) {
			uint32_t mid = lo + (hi - lo) / 2;

			if (t->edge_byte[mid] < c)
				lo = mid + 1;
			else
				hi = mid;
		}
		while (lo < hi && t->edge_byte[lo] < c)
			lo++;
		if (lo == t->edge_off[st + 1] || t->edge_byte[lo] != c)
			return;
		st = t->edge_to[lo];
		fire_list(e, g, t->out, t->out_off[st], t->out_off[st + 1]);
	}
}

/* Compare pattern p at s + start and fire it. */
static inline void confirm(struct ag_engine *e, const struct sgr_group *g,
			   const struct sgr_contains *c, uint32_t p, const uint8_t *s, size_t n,
			   size_t start)
{
	uint32_t len = c->len[p], k;
	const uint8_t *q = c->pat[p], *t = s + start;

	e->st.confirms++;
	if (start + len > n || t[0] != q[0] || t[len - 1] != q[len - 1])
		return;
	/* short patterns inline, long ones through memcmp */
	if (len <= 16) {
		for (k = 1; k + 1 < len; k++)
			if (t[k] != q[k])
				return;
	} else if (memcmp(t + 1, q + 1, len - 2) != 0) {
		return;
	}
	fire(e, g, c->hit[p]);
}

static inline uint32_t load32le(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * The gram filter of gen_abi.h (struct sgr_contains): one independent
 * load and bit test per position, the rare positions that pass confirmed
 * through the gram table.
 */
static void run_contains(struct ag_engine *e, const struct sgr_group *g,
			 const struct sgr_contains *c, const uint8_t *s, size_t n)
{
	size_t i;
	uint32_t k;

	e->st.scanned += n;
	if (c->nent && n >= 4) {
		const uint64_t *filter = c->filter;
		const unsigned tsh = 32 - c->tab_log2;
		const uint32_t mask = (1u << c->tab_log2) - 1, fmask = (1u << c->filter_log2) - 1;

		const size_t stride = c->stride;

		for (i = 0; i + 4 <= n; i += stride) {
			uint32_t w = load32le(s + i), slot;
			uint32_t h = (uint32_t)(((uint64_t)w * 0x9E3779B97F4A7C15ull) >> 32) & fmask;

			if (__builtin_expect(!((filter[h >> 6] >> (h & 63)) & 1), 1))
				continue;
			e->st.passed++;
			for (slot = (w * 0x85EBCA77u) >> tsh; c->tab_n[slot];
			     slot = (slot + 1) & mask) {
				if (c->tab_gram[slot] != w)
					continue;
				for (k = c->tab_first[slot]; k < c->tab_first[slot] + c->tab_n[slot]; k++)
					if (i >= c->ent_off[k])
						confirm(e, g, c, c->ent_pat[k], s, n, i - c->ent_off[k]);
				break;
			}
		}
	}
	if (c->nshort)
		for (i = 0; i < n; i++)
			for (k = c->short_off[s[i]]; k < c->short_off[s[i] + 1]; k++)
				confirm(e, g, c, c->short_pat[k], s, n, i);
}

static void run_num(struct ag_engine *e, const struct sgr_group *g, const struct sgr_numidx *ni,
		    const struct ag_kv *kv)
{
	uint32_t lo = 0, hi = ni->n, i;
	double v;

	if (!ag_parse_number(kv->val, kv->val_len, &v))
		return;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (ni->val[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < ni->n && ni->val[i] == v; i++)
		fire(e, g, ni->hit[i]);
}

static void run_strings(struct ag_engine *e, const struct sgr_group *g,
			const struct sgr_fmatch *fm, const uint8_t *s, size_t n)
{
	uint32_t k;

	if (fm->eq) {
		int32_t key = ag_phash_find(fm->eq, s, n);

		if (key >= 0)
			for (k = fm->eq_hit_off[key]; k < fm->eq_hit_off[key + 1]; k++)
				fire(e, g, fm->eq_hits[k]);
	}
	if (fm->prefix)
		run_trie(e, g, fm->prefix, s, n, false);
	if (fm->suffix)
		run_trie(e, g, fm->suffix, s, n, true);
	if (fm->contains)
		run_contains(e, g, fm->contains, s, n);
	for (k = 0; k < fm->nany; k++)
		fire(e, g, fm->any_hits[k]);
}

const uint8_t *ag_folded(struct ag_engine *e, const struct ag_kv *kv, bool cased, uint8_t *scratch,
			 size_t *n)
{
	const struct ag_event *ev = e->ev;
	size_t len = kv->val_len, idx;
	struct ag_fold_slot *fs = NULL;
	uint8_t *out = scratch;

	if (len > AG_MAX_VALUE) {
		len = AG_MAX_VALUE;
		e->st.truncated++;
	}
	if (cased) {
		*n = len;
		return (const uint8_t *)kv->val;
	}
	if (ev && kv >= ev->kv && kv < ev->kv + ev->nkv &&
	    (idx = (size_t)(kv - ev->kv)) < AG_MAX_EVENT_FIELDS) {
		fs = &e->fslot[idx];
		if (fs->epoch == e->fepoch) {
			*n = fs->len;
			return e->farena + fs->off;
		}
		/* folding never more than doubles the length */
		if (AG_FOLD_ARENA - e->fused >= 2 * len)
			out = e->farena + e->fused;
		else
			fs = NULL;
	}
	*n = ag_fold((const uint8_t *)kv->val, len, kv->flags & AG_V_NONASCII, out);
	if (fs) {
		fs->epoch = e->fepoch;
		fs->off = (uint32_t)e->fused;
		fs->len = (uint32_t)*n;
		e->fused += *n;
	}
	return out;
}

static const uint8_t *prepare(struct ag_engine *e, const struct ag_kv *kv, bool cased, size_t *n)
{
	return ag_folded(e, kv, cased, e->fold, n);
}

static void run_group(struct ag_engine *e, const struct sgr_group *g, const struct ag_event *ev)
{
	uint32_t i;

	for (i = 0; i < g->nfm; i++) {
		const struct sgr_fmatch *fm = &g->fm[i];
		const struct ag_kv *kv = ag_event_get(ev, fm->field);
		const uint8_t *s;
		size_t n;

		if (!kv || (kv->flags & AG_V_NULL))
			continue;
		if (fm->num)
			run_num(e, g, fm->num, kv);
		if (!fm->eq && !fm->prefix && !fm->suffix && !fm->contains && !fm->nany)
			continue;
		s = prepare(e, kv, fm->cased, &n);
		run_strings(e, g, fm, s, n);
	}
	if (g->keywords) {
		/* Keywords: the raw message, or else every non-null field on its own. */
		if (ev->raw) {
			struct ag_kv raw = {NULL, ev->raw, 0, ev->raw_len, AG_V_NONASCII, 0};
			const uint8_t *s;
			size_t n;

			s = prepare(e, &raw, false, &n);
			run_strings(e, g, g->keywords, s, n);
		} else {
			for (i = 0; i < ev->nkv; i++) {
				const uint8_t *s;
				size_t n;

				if (ev->kv[i].flags & AG_V_NULL)
					continue;
				s = prepare(e, &ev->kv[i], false, &n);
				run_strings(e, g, g->keywords, s, n);
			}
		}
	}
	for (i = 0; i < g->nalways; i++) {
		uint32_t r = g->always[i];

		if (!e->is_cand[r]) {
			e->is_cand[r] = 1;
			e->cand[e->ncand++] = r;
		}
	}
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

uint32_t ag_detect(struct ag_engine *e, const struct ag_event *ev, ag_match_cb cb, void *arg)
{
	const struct sgr_ruleset *rs = e->rs;
	uint32_t i, matches = 0;

	e->st.events++;
	e->ev = ev;
	e->fused = 0;
	if (++e->fepoch == 0) { /* wrapped: no slot may look current */
		memset(e->fslot, 0, AG_MAX_EVENT_FIELDS * sizeof(*e->fslot));
		e->fepoch = 1;
	}
	route(e, ev);
	if (!e->ngroups)
		return 0;
	e->st.routed++;
	for (i = 0; i < e->ngroups; i++) {
		run_group(e, &rs->groups[e->groups[i]], ev);
		e->st.rules_in_groups += rs->groups[e->groups[i]].nrules;
	}
	if (e->ncand > 1)
		qsort(e->cand, e->ncand, sizeof(*e->cand), u32_cmp);
	e->st.candidates += e->ncand;
	for (i = 0; i < e->ncand; i++) {
		uint32_t r = e->cand[i];

		if (rs->rules[r].eval(&e->m)) {
			matches++;
			e->rule_hits[r]++;
			if (cb)
				cb(arg, ev, r);
		}
		e->is_cand[r] = 0;
	}
	e->ncand = 0;
	for (i = 0; i < e->ntouched; i++)
		e->m.astate[e->touched[i]] = 0;
	e->ntouched = 0;
	e->st.matches += matches;
	e->ev = NULL;
	return matches;
}

int ag_engine_init(struct ag_engine *e, const struct sgr_ruleset *rs)
{
	memset(e, 0, sizeof(*e));
	if (rs->abi_version != SGR_ABI_VERSION)
		return -EPROTO;
	e->rs = rs;
	e->m.astate = calloc(rs->natoms + 1, 1);
	e->m.priv = e;
	e->touched = calloc(rs->natoms + 1, sizeof(*e->touched));
	e->is_cand = calloc(rs->nrules + 1, 1);
	e->cand = calloc(rs->nrules + 1, sizeof(*e->cand));
	e->fold = malloc(2 * (size_t)AG_MAX_VALUE + 16);
	e->fold2 = malloc(2 * (size_t)AG_MAX_VALUE + 16);
	e->cache = calloc(1, sizeof(*e->cache));
	e->fslot = calloc(AG_MAX_EVENT_FIELDS, sizeof(*e->fslot));
	e->farena = malloc(AG_FOLD_ARENA);
	e->groups = calloc(rs->ngroups + 1, sizeof(*e->groups));
	e->rule_hits = calloc(rs->nrules + 1, sizeof(*e->rule_hits));
	if (!e->m.astate || !e->touched || !e->is_cand || !e->cand || !e->fold || !e->fold2 ||
	    !e->fslot || !e->farena || !e->cache || !e->groups || !e->rule_hits) {
		ag_engine_done(e);
		return -ENOMEM;
	}
	return 0;
}

void ag_engine_done(struct ag_engine *e)
{
	uint32_t i;

	if (e->cache)
		for (i = 0; i < CACHE_SLOTS; i++) {
			free(e->cache->e[i].key);
			free(e->cache->e[i].groups);
		}
	free(e->cache);
	free(e->fslot);
	free(e->farena);
	free(e->m.astate);
	free(e->touched);
	free(e->is_cand);
	free(e->cand);
	free(e->fold);
	free(e->fold2);
	free(e->groups);
	free(e->rule_hits);
	memset(e, 0, sizeof(*e));
}
