// SPDX-License-Identifier: Apache-2.0
/*
 * The literal matchers of the detection engine's hot path (see
 * detect_int.h): for one field value and one group, the equals set (one
 * xxh3 and one comparison), the startswith trie walked from the front and
 * the endswith trie from the back, and the contains gram filter: one
 * multiply and one independent byte load per tested position, eight
 * positions a round behind one branch, with the rare positions that pass
 * confirmed through the gram table, and a byte-pair filter (then, from
 * three bytes on, a filter of their first three) in front of the short
 * patterns. Every literal found "fires" a hit: its atom becomes true (or
 * "maybe" for a prefilter) and the rules anchored on it become candidates.
 *
 * The tables come from the generated rule set (gen_abi.h); a little more,
 * derived from them once at engine init (ag_match_init), lets the hot
 * loops skip work: the gram filters as byte arrays, the pair and triple
 * filters, the lengths of each equals set, and the single-edge chains of
 * each trie.
 * Nothing here allocates per event.
 */
#include "detect_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "values.h"

/* ---- firing hits ---- */

/*
 * Matchers run before any condition, so an atom's state is its base (0
 * unknown, or 1 false for atoms only matchers set) until a hit sets it.
 */
static inline void set_atom(struct ag_engine *e, uint32_t atom, uint8_t v)
{
	if (e->m.astate[atom] < 2) {
		e->m.astate[atom] = v;
		e->touched[e->ntouched++] = atom;
	}
}

static inline void fire(struct ag_engine *e, const struct sgr_group *g, uint32_t hit)
{
	const struct sgr_hit *h = &g->hits[hit];
	uint32_t i;

	if (e->memo.recording)
		ag_memo_note(&e->memo, hit);
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

/*
 * Chains of a trie (computed at init, see chains_build): sigmac-c numbers
 * the nodes a key adds one after another, so a node whose only edge leads
 * to the next node number starts a chain; chain[st] = L >= 1 says that
 * nodes st .. st + L - 1 each have one edge, to the next number, and that
 * nodes st + 1 .. st + L - 1 fire nothing. Their edges are consecutive in
 * edge_byte[], so the walk compares the L bytes at once and lands on
 * st + L (nothing between fires, so a mismatch simply ends the walk).
 */
static bool chain_eq(const uint8_t *s, size_t n, size_t i, const uint8_t *b, uint32_t len,
		     bool reverse)
{
	uint32_t k;

	if (!reverse) {
		if (len > 16)
			return memcmp(s + i, b, len) == 0;
		for (k = 0; k < len; k++)
			if (s[i + k] != b[k])
				return false;
		return true;
	}
	for (k = 0; k < len; k++)
		if (s[n - 1 - i - k] != b[k])
			return false;
	return true;
}

/* Walk an anchored trie over s (backwards when reverse), firing every node reached. */
static void run_trie(struct ag_engine *e, const struct sgr_group *g, const struct sgr_trie *t,
		     const uint8_t *chain, const uint8_t *s, size_t n, bool reverse)
{
	const uint32_t *edge_off = t->edge_off, *out_off = t->out_off;
	const uint8_t *edge_byte = t->edge_byte;
	uint32_t st = 0;
	size_t i;

	fire_list(e, g, t->out, out_off[0], out_off[1]);
	for (i = 0; i < n; i++) {
		uint8_t c = s[reverse ? n - 1 - i : i];
		uint32_t lo = edge_off[st], hi = edge_off[st + 1], end = hi, len = chain[st];

		if (len >= 2) {
			if (n - i < len || !chain_eq(s, n, i, edge_byte + lo, len, reverse))
				return;
			st += len;
			i += len - 1;
			if (out_off[st] != out_off[st + 1])
				fire_list(e, g, t->out, out_off[st], out_off[st + 1]);
			continue;
		}
		if (hi - lo == 1) { /* most nodes of a trie of paths have one edge */
			if (edge_byte[lo] != c)
				return;
			st = t->edge_to[lo];
			if (out_off[st] != out_off[st + 1])
				fire_list(e, g, t->out, out_off[st], out_off[st + 1]);
			continue;
		}
		/* Edges are sorted: bisect wide nodes, scan narrow ones. */
		while (hi - lo > 8) {
			uint32_t mid = lo + (hi - lo) / 2;

			if (edge_byte[mid] < c)
				lo = mid + 1;
			else
				hi = mid;
		}
		while (lo < hi && edge_byte[lo] < c)
			lo++;
		if (lo == end || edge_byte[lo] != c)
			return;
		st = t->edge_to[lo];
		if (out_off[st] != out_off[st + 1])
			fire_list(e, g, t->out, out_off[st], out_off[st + 1]);
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
/* Position i (gram w) passed the filter: look w up and confirm its patterns. */
static __attribute__((noinline)) void probe_gram(struct ag_engine *e, const struct sgr_group *g,
						 const struct sgr_contains *c, const uint8_t *s,
						 size_t n, size_t i, uint32_t w)
{
	const uint32_t mask = (1u << c->tab_log2) - 1;
	uint32_t slot, k;

	e->st.passed++;
	for (slot = (w * 0x85EBCA77u) >> (32 - c->tab_log2); c->tab_n[slot];
	     slot = (slot + 1) & mask) {
		if (c->tab_gram[slot] != w)
			continue;
		for (k = c->tab_first[slot]; k < c->tab_first[slot] + c->tab_n[slot]; k++)
			if (i >= c->ent_off[k])
				confirm(e, g, c, c->ent_pat[k], s, n, i - c->ent_off[k]);
		break;
	}
}

/*
 * The gram filter as bytes (built at init, see filter_build): byte h is 1
 * when bit h of the matcher's filter is set, so that a test is one load
 * with no bit arithmetic: h = (w * 0x9E3779B1) >> fshift (gen_abi.h, with
 * fshift = 32 - filter_log2, the same for every position).
 */
static inline uint8_t filter_at(const uint8_t *f8, uint32_t fshift, uint32_t w)
{
	return f8[(w * 0x9E3779B1u) >> fshift];
}

/* Patterns of one to three bytes starting with s[i]. */
static __attribute__((noinline)) void probe_short(struct ag_engine *e, const struct sgr_group *g,
						  const struct sgr_contains *c, const uint8_t *s,
						  size_t n, size_t i)
{
	uint32_t k;

	for (k = c->short_off[s[i]]; k < c->short_off[s[i] + 1]; k++)
		confirm(e, g, c, c->short_pat[k], s, n, i);
}

/*
 * The short-pattern filter of a contains matcher (built at init, see
 * short_filter_build), in two stages. First, bit `pair_mask` of
 * pairs[b0 | b1 << 8] is set when a short pattern starts with the bytes
 * b0 b1, or is the one byte b0; one table of 64 Ki bytes serves four
 * matchers, two bits each. Pairs such as "in" or " -" start short
 * patterns ("invoke", " -c") and common words alike, so a position that
 * passes is tested again: the matcher's second bit (pair_mask << 1) says
 * that a pattern of one or two bytes starts there (it must be confirmed),
 * else the three bytes from the position must pass tri[], a byte per
 * hash of the first three bytes of each longer short pattern. A value's
 * last byte has no pair: one[] (bit b: a one-byte pattern is b) covers it.
 */
#define PAIRS (1u << 16)
#define PAIR_SHARE 4 /* matchers per pair table */

static inline uint32_t pair_at(const uint8_t *s)
{
	return (uint32_t)s[0] | (uint32_t)s[1] << 8;
}

static inline uint32_t tri_hash(const uint8_t *s, uint32_t shift)
{
	uint32_t w = (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16;

	return (w * 0x9E3779B1u) >> shift;
}

/* Second stage at position i of s[0 .. n), whose pair passed the first. */
static inline bool short_second(const struct ag_fm_rt *rt, const uint8_t *s, size_t n, size_t i)
{
	if (rt->pairs[pair_at(s + i)] & (rt->pair_mask << 1))
		return true;
	return rt->tri && i + 3 <= n && rt->tri[tri_hash(s + i, rt->tri_shift)];
}

static void run_contains(struct ag_engine *e, const struct sgr_group *g,
			 const struct sgr_contains *c, const struct ag_fm_rt *rt, const uint8_t *s,
			 size_t n)
{
	size_t i = 0;

	e->st.scanned += n;
	if (c->nent && n >= 4) {
		const uint8_t *f8 = rt->filter8;
		const uint32_t fshift = 32 - c->filter_log2;
		const size_t stride = c->stride;

		/* eight positions a round: independent loads, one branch */
		for (; i + 7 * stride + 4 <= n; i += 8 * stride) {
			uint8_t any = 0;
			uint32_t k;

			for (k = 0; k < 8; k++)
				any |= filter_at(f8, fshift, load32le(s + i + k * stride));
			if (__builtin_expect(!any, 1))
				continue;
			for (k = 0; k < 8; k++) {
				uint32_t w = load32le(s + i + k * stride);

				if (filter_at(f8, fshift, w))
					probe_gram(e, g, c, s, n, i + k * stride, w);
			}
		}
		for (; i + 4 <= n; i += stride)
			if (filter_at(f8, fshift, load32le(s + i)))
				probe_gram(e, g, c, s, n, i, load32le(s + i));
	}
	if (c->nshort && rt->pairs) {
		const uint8_t *pairs = rt->pairs, m = rt->pair_mask;
		uint32_t k;

		/* four positions a round, one branch */
		for (i = 0; i + 4 < n; i += 4) {
			uint8_t any = pairs[pair_at(s + i)] | pairs[pair_at(s + i + 1)] |
				      pairs[pair_at(s + i + 2)] | pairs[pair_at(s + i + 3)];

			if (__builtin_expect(!(any & m), 1))
				continue;
			for (k = 0; k < 4; k++)
				if ((pairs[pair_at(s + i + k)] & m) &&
				    short_second(rt, s, n, i + k))
					probe_short(e, g, c, s, n, i + k);
		}
		for (; i + 1 < n; i++)
			if ((pairs[pair_at(s + i)] & m) && short_second(rt, s, n, i))
				probe_short(e, g, c, s, n, i);
		if (n && ((rt->one[s[n - 1] >> 6] >> (s[n - 1] & 63)) & 1))
			probe_short(e, g, c, s, n, n - 1);
	} else if (c->nshort) {
		const uint32_t *off = c->short_off;

		for (i = 0; i < n; i++)
			if (off[s[i]] != off[s[i] + 1])
				probe_short(e, g, c, s, n, i);
	}
}

/* The gram filter of c as bytes (see filter_at) into f8[1 << c->filter_log2]. */
static void filter_build(const struct sgr_contains *c, uint8_t *f8, struct ag_fm_rt *rt)
{
	uint32_t h;

	for (h = 0; h < 1u << c->filter_log2; h++)
		f8[h] = (c->filter[h >> 6] >> (h & 63)) & 1;
	rt->filter8 = f8;
}

/* log2 of the size of c's tri[] (0: no short pattern of three bytes or more). */
static uint32_t tri_log2(const struct sgr_contains *c)
{
	uint32_t k, n3 = 0, l = 10;

	for (k = 0; k < c->nshort; k++)
		n3 += c->len[c->short_pat[k]] >= 3;
	if (!n3)
		return 0;
	/* about 32 entries per pattern, 1 to 16 KiB */
	while (l < 14 && (1u << l) < 32 * n3)
		l++;
	return l;
}

/*
 * The filter above for c: bits `mask` and `mask << 1` of pairs[], rt->one,
 * and tri[1 << tri_log2(c)] when that is not 0. Returns the bytes of tri
 * used.
 */
static size_t short_filter_build(const struct sgr_contains *c, uint8_t *pairs, uint8_t mask,
			       uint8_t *tri, struct ag_fm_rt *rt)
{
	const uint32_t tl = tri_log2(c);
	uint32_t k, b;

	rt->tri = tl ? tri : NULL;
	rt->tri_shift = 32 - tl;
	for (k = 0; k < c->nshort; k++) {
		const uint8_t *p = c->pat[c->short_pat[k]];
		const uint32_t len = c->len[c->short_pat[k]];

		if (len == 1) {
			for (b = 0; b < 256; b++)
				pairs[p[0] | b << 8] |= mask | mask << 1;
			rt->one[p[0] >> 6] |= 1ull << (p[0] & 63);
		} else if (len == 2) {
			pairs[pair_at(p)] |= mask | mask << 1;
		} else {
			pairs[pair_at(p)] |= mask;
			tri[tri_hash(p, rt->tri_shift)] = 1;
		}
	}
	rt->pairs = pairs;
	rt->pair_mask = mask;
	return tl ? (size_t)1 << tl : 0;
}

void ag_match_replay(struct ag_engine *e, const struct sgr_group *g, const uint32_t *hits,
		     uint32_t n)
{
	fire_list(e, g, hits, 0, n);
}

void ag_match_num(struct ag_engine *e, const struct sgr_group *g, const struct sgr_numidx *ni,
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

void ag_match_strings(struct ag_engine *e, const struct sgr_group *g, const struct sgr_fmatch *fm,
		      const struct ag_fm_rt *rt, const uint8_t *s, size_t n)
{
	uint32_t k;

	/* the equals set, unless no key has the value's length */
	if (fm->eq && ((rt->eq_lens >> (n < 63 ? n : 63)) & 1)) {
		int32_t key = ag_phash_find(fm->eq, s, n);

		if (key >= 0)
			for (k = fm->eq_hit_off[key]; k < fm->eq_hit_off[key + 1]; k++)
				fire(e, g, fm->eq_hits[k]);
	}
	if (fm->prefix)
		run_trie(e, g, fm->prefix, rt->prefix_chain, s, n, false);
	if (fm->suffix)
		run_trie(e, g, fm->suffix, rt->suffix_chain, s, n, true);
	if (fm->contains)
		run_contains(e, g, fm->contains, rt, s, n);
	for (k = 0; k < fm->nany; k++)
		fire(e, g, fm->any_hits[k]);
}

/* ---- per-matcher data computed at init ---- */

/* The chains of trie t (see run_trie) into chain[t->nstates]. */
static void chains_build(const struct sgr_trie *t, uint8_t *chain)
{
	uint32_t st;

	for (st = t->nstates; st-- > 0;) {
		uint32_t lo = t->edge_off[st], nxt = st + 1;

		chain[st] = 0;
		if (t->edge_off[st + 1] - lo != 1 || t->edge_to[lo] != nxt)
			continue;
		chain[st] = 1;
		if (nxt < t->nstates && t->out_off[nxt] == t->out_off[nxt + 1] && chain[nxt] &&
		    chain[nxt] < UINT8_MAX)
			chain[st] = (uint8_t)(chain[nxt] + 1);
	}
}

/* Bit l of the result: some key of ph has length l (bit 63: 63 or more). */
static uint64_t eq_lengths(const struct sgr_phash *ph)
{
	uint64_t m = 0;
	uint32_t k;

	for (k = 0; k < ph->nkeys; k++)
		m |= 1ull << (ph->klen[k] < 63 ? ph->klen[k] : 63);
	return m;
}

/* Matcher k of group g (k == nfm: its keyword matcher), or NULL. */
static const struct sgr_fmatch *fm_at(const struct sgr_group *g, uint32_t k)
{
	return k < g->nfm ? &g->fm[k] : g->keywords;
}

int ag_match_init(struct ag_engine *e)
{
	const struct sgr_ruleset *rs = e->rs;
	size_t nshort = 0, bytes = 0, fbytes = 0;
	uint32_t gi, k, nm = 0;
	uint8_t *pairs, *b;

	e->fm_base = calloc(rs->ngroups + 1, sizeof(*e->fm_base));
	if (!e->fm_base)
		return -ENOMEM;
	for (gi = 0; gi < rs->ngroups; gi++) {
		e->fm_base[gi] = nm;
		for (k = 0; k <= rs->groups[gi].nfm; k++) {
			const struct sgr_fmatch *fm = fm_at(&rs->groups[gi], k);

			if (!fm)
				continue;
			if (fm->contains && fm->contains->nshort) {
				nshort++;
				bytes += tri_log2(fm->contains) ? (size_t)1 << tri_log2(fm->contains) : 0;
			}
			if (fm->contains && fm->contains->nent)
				fbytes += (size_t)1 << fm->contains->filter_log2;
			if (fm->prefix)
				bytes += fm->prefix->nstates;
			if (fm->suffix)
				bytes += fm->suffix->nstates;
		}
		nm += rs->groups[gi].nfm + 1;
	}
	e->fmrt = calloc(nm + 1, sizeof(*e->fmrt));
	/* a pair table per PAIR_SHARE matchers with short patterns */
	e->fmrt_pairs = calloc((nshort + PAIR_SHARE - 1) / PAIR_SHARE * (size_t)PAIRS + 1, 1);
	e->fmrt_bytes = calloc(bytes + fbytes + 1, 1);
	if (!e->fmrt || !e->fmrt_pairs || !e->fmrt_bytes)
		return -ENOMEM;
	pairs = e->fmrt_pairs;
	nshort = 0;
	b = e->fmrt_bytes;
	for (gi = 0; gi < rs->ngroups; gi++)
		for (k = 0; k <= rs->groups[gi].nfm; k++) {
			const struct sgr_fmatch *fm = fm_at(&rs->groups[gi], k);
			struct ag_fm_rt *rt = &e->fmrt[e->fm_base[gi] + k];

			if (!fm)
				continue;
			if (fm->eq)
				rt->eq_lens = eq_lengths(fm->eq);
			if (fm->contains && fm->contains->nshort) {
				b += short_filter_build(
					fm->contains, pairs + nshort / PAIR_SHARE * (size_t)PAIRS,
					(uint8_t)(1u << 2 * (nshort % PAIR_SHARE)), b, rt);
				nshort++;
			}
			if (fm->contains && fm->contains->nent) {
				filter_build(fm->contains, b, rt);
				b += (size_t)1 << fm->contains->filter_log2;
			}
			if (fm->prefix) {
				chains_build(fm->prefix, b);
				rt->prefix_chain = b;
				b += fm->prefix->nstates;
			}
			if (fm->suffix) {
				chains_build(fm->suffix, b);
				rt->suffix_chain = b;
				b += fm->suffix->nstates;
			}
		}
	return 0;
}

void ag_match_done(struct ag_engine *e)
{
	free(e->fm_base);
	free(e->fmrt);
	free(e->fmrt_pairs);
	free(e->fmrt_bytes);
	e->fm_base = NULL;
	e->fmrt = NULL;
	e->fmrt_pairs = NULL;
	e->fmrt_bytes = NULL;
}
