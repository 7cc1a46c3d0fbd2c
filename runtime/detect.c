// SPDX-License-Identifier: Apache-2.0
/*
 * The detection engine's hot path (see detect.h).
 *
 * For each group an event belongs to, each field matcher reads the field
 * once: the value is case-folded (ASCII: a vectorised pass; Unicode folding
 * only for values flagged non-ASCII) once per event into the fold arena,
 * then probed in the equals set, walked through the startswith trie from
 * the front and the endswith trie from the back, and scanned by the
 * contains gram filter. Every literal found "fires" a hit: its atom becomes
 * true and the rules anchored on it become candidates. Candidates (plus the
 * group's few rules without anchors) are then evaluated in rule order by
 * their generated condition functions.
 *
 * The matchers themselves are in detect_match.c. Keyword matchers of an
 * event without a raw message scan all its values in one pass (kw_build).
 * A field matcher meeting a value it has seen before (the same image path,
 * user or host, event after event) replays the hits it fired then from the
 * matcher memo (detect_memo.h) instead of folding and scanning the value.
 * Routing reuses the last event's groups when its logsource strings are
 * the readers' static ones and the same as that event's.
 *
 * Nothing here allocates per event: the scratch buffers and per-rule and
 * per-atom arrays are sized once; only what an event touched is reset.
 */
#include "detect_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "values.h"

/* ---- perfect hash and field names ---- */

int32_t ag_phash_find(const struct sgr_phash *ph, const uint8_t *key, size_t len)
{
	uint64_t h = XXH3_64bits_withSeed(key, len, ph->seed);
	uint32_t slot = sgr_phash_slot(h, ph->disp[sgr_phash_bucket(h, ph->nbuckets)], ph->nslots);
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
	/*
	 * The last routed event's logsource when all static (ag_event
	 * ls_static): the next event with the same pointers has the same
	 * groups, still in e->groups.
	 */
	bool last_ok;
	uint8_t last_ncategory;
	const char *last_product, *last_service, *last_category[4];
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

/* True when ev's static logsource is the last routed one (see struct ag_group_cache). */
static bool route_same(const struct ag_group_cache *c, const struct ag_event *ev)
{
	uint8_t i;

	if (!c->last_ok || !ev->ls_static || ev->product != c->last_product ||
	    ev->service != c->last_service || ev->ncategory != c->last_ncategory)
		return false;
	for (i = 0; i < ev->ncategory; i++)
		if (ev->category[i] != c->last_category[i])
			return false;
	return true;
}

static void route_remember(struct ag_group_cache *c, const struct ag_event *ev)
{
	uint8_t i;

	c->last_ok = ev->ls_static && ev->ncategory <= 4;
	c->last_product = ev->product;
	c->last_service = ev->service;
	c->last_ncategory = ev->ncategory;
	for (i = 0; i < ev->ncategory && i < 4; i++)
		c->last_category[i] = ev->category[i];
}

/* Groups of ev into e->groups (cached by routing key). */
static void route_lookup(struct ag_engine *e, const struct ag_event *ev)
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

/* Groups of ev into e->groups: the last event's, or from the cache. */
static void route(struct ag_engine *e, const struct ag_event *ev)
{
	if (route_same(e->cache, ev))
		return;
	route_lookup(e, ev);
	route_remember(e->cache, ev);
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

/*
 * The memo key of matcher mi for value kv[idx] of the current event (its
 * hash computed once per event), in *key and *lenf; false when the memo is
 * off or the value too long to be remembered.
 */
static inline bool memo_key(struct ag_engine *e, const struct ag_kv *kv, size_t idx, uint32_t mi,
			    uint64_t *key, uint32_t *lenf)
{
	struct ag_vhash *vh;

	if (!e->memo.ent || kv->val_len > AG_MEMO_MAXLEN || idx >= AG_MAX_EVENT_FIELDS)
		return false;
	vh = &e->vhash[idx];
	if (vh->epoch != e->fepoch) {
		vh->epoch = e->fepoch;
		vh->h = ag_memo_hash(kv->val, kv->val_len);
	}
	*lenf = kv->val_len | (kv->flags & AG_V_NONASCII ? 1u << 31 : 0);
	*key = ag_memo_key(vh->h, mi, *lenf);
	return true;
}

/* Replay what matcher mi fired for this value before, if the memo has it. */
static inline bool memo_replay(struct ag_engine *e, const struct sgr_group *g, uint64_t key,
			       uint32_t mi, const struct ag_kv *kv, uint32_t lenf)
{
	const struct ag_memo_ent *x = ag_memo_get(&e->memo, key, mi, kv->val, lenf);

	e->st.memo_lookups++;
	if (!x)
		return false;
	e->st.memo_found++;
	ag_match_replay(e, g, x->hits, x->nhits);
	return true;
}

/*
 * Run string matcher fm (index mi) of group g over kv[idx]: replayed from
 * the memo when it holds the value, else folded, scanned and remembered.
 */
static void match_value(struct ag_engine *e, const struct sgr_group *g, const struct sgr_fmatch *fm,
			uint32_t mi, const struct ag_kv *kv, size_t idx)
{
	const uint8_t *s;
	uint64_t key;
	uint32_t lenf;
	size_t n;
	bool memo = memo_key(e, kv, idx, mi, &key, &lenf);

	if (memo && memo_replay(e, g, key, mi, kv, lenf))
		return;
	s = ag_folded_cached(e, kv, fm->cased, &n);
	if (memo)
		ag_memo_record(&e->memo);
	ag_match_strings(e, g, fm, &e->fmrt[mi], s, n);
	if (memo)
		ag_memo_put(&e->memo, key, mi, kv->val, lenf);
}

/* The folded value of field idx (kv) of the current event, for the keyword run. */
static inline const uint8_t *prepare_idx(struct ag_engine *e, const struct ag_kv *kv, size_t idx,
					 size_t *n)
{
	const uint8_t *s = ag_fold_slot(e, idx, n);

	return s ? s : ag_folded(e, kv, false, e->fold, n);
}

/*
 * Keyword matchers on an event without a raw message read every field.
 * The values are folded once, back to back in the fold arena with a NUL
 * after each (the fold cache then points into this run), and a keyword
 * matcher scans the run in one pass: no pattern of a matcher allowed here
 * holds a NUL (kw_one_pass, checked at init), so no occurrence spans two
 * values and the hits are those of one scan per value. ASCII values
 * shorter than minlen, the shortest pattern of the event's keyword
 * matchers, can hold none and are left out (a field matcher that reads one
 * folds it then). Returns false when the arena cannot hold the event's
 * values (the caller scans field by field).
 */
static bool kw_build(struct ag_engine *e, const struct ag_event *ev, size_t minlen)
{
	/* locals: the byte stores below would make the compiler reload fields of e and ev */
	uint8_t *const arena = e->farena;
	struct ag_fold_slot *const fslot = e->fslot;
	const struct ag_kv *const kvs = ev->kv;
	const uint32_t epoch = e->fepoch;
	const size_t nkv = ev->nkv;
	size_t start = e->fused, fused = start, i;
	bool ok = true;

	/* called before any matcher: no slot is current yet */
	if (nkv > AG_MAX_EVENT_FIELDS)
		return false;
	for (i = 0; i < nkv; i++) {
		const struct ag_kv *kv = &kvs[i];
		struct ag_fold_slot *fs = &fslot[i];
		size_t len = kv->val_len, n;

		if ((kv->flags & AG_V_NOKEYWORD) || (len < minlen && !(kv->flags & AG_V_NONASCII)))
			continue;
		if (len > AG_MAX_VALUE) {
			len = AG_MAX_VALUE;
			e->st.truncated++;
		}
		/* folding never more than doubles the length; one byte for the NUL */
		if (AG_FOLD_ARENA - fused < 2 * len + 1) {
			ok = false;
			break;
		}
		n = ag_fold((const uint8_t *)kv->val, len, kv->flags & AG_V_NONASCII,
			    arena + fused);
		fs->epoch = epoch;
		fs->off = (uint32_t)fused;
		fs->len = (uint32_t)n;
		arena[fused + n] = 0;
		fused += n + 1;
	}
	e->fused = fused;
	e->kw_off = start;
	e->kw_len = fused - start;
	return ok;
}

static void run_keywords(struct ag_engine *e, const struct sgr_group *g, uint32_t gi,
			 const struct ag_event *ev)
{
	const struct ag_fm_rt *rt = &e->fmrt[e->fm_base[gi] + g->nfm];
	uint32_t i;

	if (ev->raw) {
		/* Keywords: the raw message, or else every non-null field on its own. */
		struct ag_kv raw = {NULL, ev->raw, 0, ev->raw_len, AG_V_NONASCII, 0};
		const uint8_t *s;
		size_t n;

		s = ag_folded(e, &raw, false, e->fold, &n);
		ag_match_strings(e, g, g->keywords, rt, s, n);
		return;
	}
	if (e->kw_built && e->kw_one_pass[gi]) {
		if (e->kw_len) /* at least one non-null value */
			ag_match_strings(e, g, g->keywords, rt, e->farena + e->kw_off, e->kw_len);
		return;
	}
	if (e->memo.ent) {
		/* value by value, through the memo (see kw_build for the minimum length) */
		const size_t minlen = e->kw_one_pass[gi] ? e->kw_minlen[gi] : 0;

		for (i = 0; i < ev->nkv; i++) {
			const struct ag_kv *kv = &ev->kv[i];

			if ((kv->flags & AG_V_NOKEYWORD) ||
			    (kv->val_len < minlen && !(kv->flags & AG_V_NONASCII)))
				continue;
			match_value(e, g, g->keywords, e->fm_base[gi] + g->nfm, kv, i);
		}
		return;
	}
	for (i = 0; i < ev->nkv; i++) {
		const uint8_t *s;
		size_t n;

		if (ev->kv[i].flags & AG_V_NOKEYWORD)
			continue;
		s = prepare_idx(e, &ev->kv[i], i, &n);
		ag_match_strings(e, g, g->keywords, rt, s, n);
	}
}

static void run_group(struct ag_engine *e, uint32_t gi, const struct ag_event *ev)
{
	const struct sgr_group *g = &e->rs->groups[gi];
	uint32_t i;

	for (i = 0; i < g->nfm; i++) {
		const struct sgr_fmatch *fm = &g->fm[i];
		const struct ag_kv *kv = ag_event_get(ev, fm->field);

		if (!kv || (kv->flags & AG_V_NULL))
			continue;
		if (fm->num)
			ag_match_num(e, g, fm->num, kv);
		if (!fm->eq && !fm->prefix && !fm->suffix && !fm->contains && !fm->nany)
			continue;
		match_value(e, g, fm, e->fm_base[gi] + i, kv, (size_t)(kv - ev->kv));
	}
	if (g->keywords)
		run_keywords(e, g, gi, ev);
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

/* Candidates in rule order: a few, mostly in order already, so insertion sort. */
static void sort_cand(uint32_t *v, uint32_t n)
{
	uint32_t i, j;

	if (n > 32) {
		qsort(v, n, sizeof(*v), u32_cmp);
		return;
	}
	for (i = 1; i < n; i++) {
		uint32_t x = v[i];

		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
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
		memset(e->vhash, 0, AG_MAX_EVENT_FIELDS * sizeof(*e->vhash));
		e->fepoch = 1;
	}
	route(e, ev);
	if (!e->ngroups)
		return 0;
	e->st.routed++;
	e->kw_built = false;
	if (!ev->raw) {
		size_t minlen = SIZE_MAX;

		/* before any matcher folds a value: the run is built from fresh slots */
		for (i = 0; i < e->ngroups; i++)
			if (e->kw_one_pass[e->groups[i]] && e->kw_minlen[e->groups[i]] < minlen)
				minlen = e->kw_minlen[e->groups[i]];
		if (minlen != SIZE_MAX)
			e->kw_built = kw_build(e, ev, minlen);
	}
	for (i = 0; i < e->ngroups; i++) {
		run_group(e, e->groups[i], ev);
		e->st.rules_in_groups += rs->groups[e->groups[i]].nrules;
	}
	sort_cand(e->cand, e->ncand);
	e->st.candidates += e->ncand;
	for (i = 0; i < e->ncand; i++) {
		uint32_t r = e->cand[i];

		if (e->eval[r](&e->m)) {
			matches++;
			e->rule_hits[r]++;
			if (cb)
				cb(arg, ev, r);
		}
		e->is_cand[r] = 0;
	}
	e->ncand = 0;
	for (i = 0; i < e->ntouched; i++)
		e->m.astate[e->touched[i]] = e->abase[e->touched[i]];
	e->ntouched = 0;
	e->st.matches += matches;
	e->ev = NULL;
	return matches;
}

/* True when keyword matcher fm may scan all values of an event in one pass (see kw_build). */
static bool kw_one_pass(const struct sgr_fmatch *fm)
{
	uint32_t p;

	if (!fm || fm->eq || fm->prefix || fm->suffix || fm->num)
		return false;
	if (fm->contains)
		for (p = 0; p < fm->contains->npat; p++)
			if (memchr(fm->contains->pat[p], 0, fm->contains->len[p]))
				return false;
	return true;
}

/* The shortest value keyword matcher fm can find something in (0: any value, hits of nany). */
static uint8_t kw_min_len(const struct sgr_fmatch *fm)
{
	uint32_t p, min = UINT8_MAX;

	if (!fm || fm->nany || !fm->contains)
		return 0;
	for (p = 0; p < fm->contains->npat; p++)
		if (fm->contains->len[p] < min)
			min = fm->contains->len[p];
	return (uint8_t)min;
}

int ag_engine_init(struct ag_engine *e, const struct sgr_ruleset *rs)
{
	uint32_t i;

	memset(e, 0, sizeof(*e));
	if (rs->abi_version != SGR_ABI_VERSION)
		return -EPROTO;
	e->rs = rs;
	e->m.astate = calloc(rs->natoms + 1, 1);
	e->abase = calloc(rs->natoms + 1, 1);
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
	e->eval = calloc(rs->nrules + 1, sizeof(*e->eval));
	e->kw_one_pass = calloc(rs->ngroups + 1, 1);
	e->kw_minlen = calloc(rs->ngroups + 1, 1);
	e->vhash = calloc(AG_MAX_EVENT_FIELDS, sizeof(*e->vhash));
	if (!e->m.astate || !e->abase || !e->touched || !e->is_cand || !e->cand || !e->fold ||
	    !e->fold2 || !e->fslot || !e->farena || !e->cache || !e->groups || !e->rule_hits ||
	    !e->eval || !e->kw_one_pass || !e->kw_minlen || !e->vhash ||
	    ag_memo_init(&e->memo) < 0) {
		ag_engine_done(e);
		return -ENOMEM;
	}
	/*
	 * Atoms only the matchers set (indexed, or prefiltered and false unless
	 * their prefilter fired) start the event false, not unknown, so that
	 * conditions read them without a call.
	 */
	for (i = 0; i < rs->natoms; i++)
		if (rs->atoms[i].flags & (SGR_AF_INDEXED | SGR_AF_PREFILTER))
			e->abase[i] = 1;
	memcpy(e->m.astate, e->abase, rs->natoms);
	for (i = 0; i < rs->nrules; i++)
		e->eval[i] = rs->rules[i].eval;
	for (i = 0; i < rs->ngroups; i++) {
		e->kw_one_pass[i] = kw_one_pass(rs->groups[i].keywords);
		e->kw_minlen[i] = kw_min_len(rs->groups[i].keywords);
	}
	if (ag_match_init(e) < 0) {
		ag_engine_done(e);
		return -ENOMEM;
	}
	return 0;
}

void ag_engine_forget(struct ag_engine *e)
{
	ag_memo_clear(&e->memo);
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
	free(e->abase);
	free(e->touched);
	free(e->is_cand);
	free(e->cand);
	free(e->fold);
	free(e->fold2);
	free(e->groups);
	free(e->rule_hits);
	free(e->eval);
	free(e->kw_one_pass);
	free(e->kw_minlen);
	free(e->vhash);
	ag_memo_done(&e->memo);
	ag_match_done(e);
	memset(e, 0, sizeof(*e));
}
