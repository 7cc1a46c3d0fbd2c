// SPDX-License-Identifier: Apache-2.0
/*
 * Contains matchers (grams.h): the 4-byte-window filter of Hyperscan's and
 * Wu-Manber's family, cut down to what a set of Sigma literals needs.
 *
 * Why not an automaton: an Aho-Corasick DFA over thousands of command-line
 * and path fragments has tens of thousands of states, and its scan is a
 * chain of dependent loads through a table far larger than the L1 cache.
 * The filter's loads are independent from one position to the next, and
 * its bitmap (at most 32 KiB) stays in L1/L2, so the scan runs at a couple
 * of cycles per byte; the few positions that pass are confirmed exactly.
 *
 * Gram choice. The filter's cost is the positions that pass it, so each
 * pattern is represented by the window least likely to occur in event
 * text, judged by a byte frequency model of command lines, paths and
 * scripts (letters by English frequency, spaces, separators). Ties go to
 * the earliest window, which keeps the output deterministic.
 */
#include "grams.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

/* Relative frequency of a byte in event text (0 rare .. 30 very common). */
static unsigned byte_weight(uint8_t b)
{
	static const char *const tiers[] = {
		" ",		 /* 30 */
		"e",		 /* 24 */
		"tao\\",	 /* 18 */
		"insr.",	 /* 14 */
		"lcdhmwpx/-",	 /* 10 */
		"u:_gf\"0123y",	 /* 7 */
		"bvk456789=,'", /* 4 */
	};
	static const unsigned w[] = {30, 24, 18, 14, 10, 7, 4};
	size_t i;

	if (b >= 'A' && b <= 'Z')
		b = (uint8_t)(b + 32);
	for (i = 0; i < sizeof(tiers) / sizeof(tiers[0]); i++)
		if (b && strchr(tiers[i], b))
			return w[i];
	return 1;
}

static uint32_t gram_at(const uint8_t *s)
{
	return (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16 | (uint32_t)s[3] << 24;
}

/* The hashes of gen_abi.h (struct sgr_contains). */
static uint32_t filter_hash(uint32_t w, uint32_t log2)
{
	return (w * 0x9E3779B1u) >> (32 - log2);
}

static uint32_t tab_hash(uint32_t w, uint32_t log2)
{
	return (w * 0x85EBCA77u) >> (32 - log2);
}

static uint32_t freq_get(const struct sc_gram_freq *f, uint32_t w)
{
	uint32_t mask, slot;

	if (!f || !f->count)
		return 0;
	mask = (1u << f->log2) - 1;
	for (slot = tab_hash(w, f->log2); f->count[slot]; slot = (slot + 1) & mask)
		if (f->gram[slot] == w)
			return f->count[slot];
	return 0;
}

static void freq_add_lits(struct sc_gram_freq *f, const struct sc_cg_lit *p, uint32_t n)
{
	uint32_t mask = (1u << f->log2) - 1, i, o, k;

	for (i = 0; i < n; i++)
		for (o = 0; o + 4 <= p[i].n; o++) {
			uint32_t w = gram_at(p[i].s + o), slot;
			bool again = false;

			/* once per literal */
			for (k = 0; k < o && !again; k++)
				again = gram_at(p[i].s + k) == w;
			if (again)
				continue;
			for (slot = tab_hash(w, f->log2); f->count[slot] && f->gram[slot] != w;
			     slot = (slot + 1) & mask)
				;
			f->gram[slot] = w;
			f->count[slot]++;
		}
}

static void freq_add_fm(struct sc_gram_freq *f, const struct sc_cg_fmatch *fm)
{
	freq_add_lits(f, fm->eq, fm->neq);
	freq_add_lits(f, fm->prefix, fm->nprefix);
	freq_add_lits(f, fm->suffix, fm->nsuffix);
	freq_add_lits(f, fm->contains, fm->ncontains);
}

static uint64_t fm_bytes(const struct sc_cg_fmatch *fm)
{
	uint64_t t = 0;
	uint32_t i;

	for (i = 0; i < fm->neq; i++)
		t += fm->eq[i].n;
	for (i = 0; i < fm->nprefix; i++)
		t += fm->prefix[i].n;
	for (i = 0; i < fm->nsuffix; i++)
		t += fm->suffix[i].n;
	for (i = 0; i < fm->ncontains; i++)
		t += fm->contains[i].n;
	return t;
}

void sc_gram_freq_build(struct sc_gram_freq *f, const struct sc_cg *cg)
{
	uint64_t total = 0;
	uint32_t gi, i;

	for (gi = 0; gi < cg->ngroups; gi++) {
		for (i = 0; i < cg->groups[gi].nfm; i++)
			total += fm_bytes(&cg->groups[gi].fm[i]);
		if (cg->groups[gi].kw)
			total += fm_bytes(cg->groups[gi].kw);
	}
	for (f->log2 = 4; (1ull << f->log2) < 2 * total + 16;)
		f->log2++;
	f->gram = calloc(1u << f->log2, sizeof(*f->gram));
	f->count = calloc(1u << f->log2, sizeof(*f->count));
	if (!f->gram || !f->count)
		sc_oom();
	for (gi = 0; gi < cg->ngroups; gi++) {
		for (i = 0; i < cg->groups[gi].nfm; i++)
			freq_add_fm(f, &cg->groups[gi].fm[i]);
		if (cg->groups[gi].kw)
			freq_add_fm(f, cg->groups[gi].kw);
	}
}

void sc_gram_freq_done(struct sc_gram_freq *f)
{
	free(f->gram);
	free(f->count);
	memset(f, 0, sizeof(*f));
}

/*
 * The cost of representing a pattern by the gram at s: mostly how many
 * literals of the rule set share it, then the frequency of its bytes.
 */
static uint32_t gram_cost(const uint8_t *s, const struct sc_gram_freq *freq)
{
	uint32_t c = freq_get(freq, gram_at(s)), lg = 0;

	while (c > 1) {
		c >>= 1;
		lg++;
	}
	return 16 * lg + byte_weight(s[0]) + byte_weight(s[1]) + byte_weight(s[2]) +
	       byte_weight(s[3]);
}

struct pick {
	uint32_t gram;
	uint32_t pat;
	uint32_t off;
};

static int pick_cmp(const void *pa, const void *pb)
{
	const struct pick *a = pa, *b = pb;

	if (a->gram != b->gram)
		return a->gram < b->gram ? -1 : 1;
	if (a->pat != b->pat)
		return a->pat < b->pat ? -1 : 1;
	return a->off < b->off ? -1 : a->off > b->off;
}

/*
 * The scan stride: with every long pattern represented by `stride`
 * consecutive grams, one of them starts at a multiple of the stride in any
 * occurrence, so the scan tests one position in `stride`. Bounded by the
 * shortest long pattern (its grams must fit), by 8, and by a budget of
 * grams so that the filter stays sparse.
 */
static uint32_t choose_stride(const struct sc_cg_lit *p, uint32_t n, uint32_t reach)
{
	uint32_t i, minlen = UINT32_MAX, nlong = 0, s;

	for (i = 0; i < n; i++)
		if (p[i].n >= reach) {
			nlong++;
			if (p[i].n < minlen)
				minlen = p[i].n;
		}
	if (!nlong)
		return 1;
	s = minlen - 3;
	if (s > 8)
		s = 8;
	while (s > 1 && s * nlong > 2048)
		s--;
	return s;
}

/*
 * Patterns shorter than `reach` bytes go to the short lists, the others get
 * grams. Every pattern of four bytes or more can have grams, but a few of
 * four to seven bytes among long ones force a stride of one or two, and
 * the scan then tests every position; lists them as short instead when
 * that is cheaper by a model of the scan's cost per byte, in sixteenths of
 * an instruction (runtime/detect_match.c): a tested position costs about
 * 13, the short patterns' byte-pair filter about 5 per byte, plus a share
 * of confirmations that grows with the number of short patterns.
 */
static uint32_t choose_reach(const struct sc_cg_lit *p, uint32_t n)
{
	uint32_t reach, best = 4, best_cost = UINT32_MAX, i;

	for (reach = 4; reach <= 9; reach++) {
		uint32_t nshort = 0, nlong = 0, cost;

		for (i = 0; i < n; i++) {
			nshort += p[i].n > 0 && p[i].n < reach;
			nlong += p[i].n >= reach;
		}
		if (reach > 4 && (!nlong || nshort > 48))
			break;
		cost = nlong ? 16 * 13 / choose_stride(p, n, reach) : 0;
		if (nshort)
			cost += 16 * 5 + 2 * nshort;
		if (cost < best_cost) {
			best_cost = cost;
			best = reach;
		}
	}
	return best;
}

int sc_grams_build(struct sc_grams_out *g, const struct sc_cg_lit *p, uint32_t n,
		   const struct sc_gram_freq *freq)
{
	struct pick *pk;
	uint32_t i, j, np = 0, slots, b, k;

	memset(g, 0, sizeof(*g));
	g->reach = choose_reach(p, n);
	g->stride = choose_stride(p, n, g->reach);
	pk = sc_xreallocarray(NULL, (size_t)(n ? n : 1) * g->stride, sizeof(*pk));
	/* `stride` consecutive grams per long pattern, the cheapest run */
	for (i = 0; i < n; i++) {
		uint32_t best = 0, best_w = UINT32_MAX, o;

		if (p[i].n < g->reach) {
			g->nshort += p[i].n > 0;
			continue;
		}
		for (o = 0; o + 3 + g->stride <= p[i].n; o++) {
			uint32_t w = 0;

			for (k = 0; k < g->stride; k++)
				w += gram_cost(p[i].s + o + k, freq);
			if (w < best_w) {
				best_w = w;
				best = o;
			}
		}
		for (k = 0; k < g->stride; k++) {
			pk[np].gram = gram_at(p[i].s + best + k);
			pk[np].pat = i;
			pk[np].off = best + k;
			np++;
		}
	}
	qsort(pk, np, sizeof(*pk), pick_cmp);
	for (i = 0; i < np; i++)
		if (i == 0 || pk[i].gram != pk[i - 1].gram)
			g->ngrams++;

	/*
	 * the filter: about 32 bits per gram, 512 bits to 64 Kib (8 KiB, which
	 * keeps several filters in L1; most positions that pass a larger one
	 * are true gram hits anyway)
	 */
	for (g->filter_log2 = 9; g->filter_log2 < 16 && (1u << g->filter_log2) < 32 * g->ngrams;)
		g->filter_log2++;
	g->filter = calloc((1u << g->filter_log2) / 64, sizeof(*g->filter));
	/* the gram table: a power of two at least twice the grams */
	for (g->tab_log2 = 1; (1u << g->tab_log2) < 2 * g->ngrams + 1;)
		g->tab_log2++;
	slots = 1u << g->tab_log2;
	g->tab_gram = calloc(slots, sizeof(*g->tab_gram));
	g->tab_first = calloc(slots, sizeof(*g->tab_first));
	g->tab_n = calloc(slots, sizeof(*g->tab_n));
	g->ent_pat = sc_xreallocarray(NULL, np ? np : 1, sizeof(*g->ent_pat));
	g->ent_off = sc_xreallocarray(NULL, np ? np : 1, sizeof(*g->ent_off));
	g->short_pat = sc_xreallocarray(NULL, g->nshort ? g->nshort : 1, sizeof(*g->short_pat));
	if (!g->filter || !g->tab_gram || !g->tab_first || !g->tab_n)
		sc_oom();
	for (i = 0; i < np; i = j) {
		uint32_t h = filter_hash(pk[i].gram, g->filter_log2), slot;

		g->filter[h / 64] |= 1ull << (h % 64);
		slot = tab_hash(pk[i].gram, g->tab_log2);
		while (g->tab_n[slot])
			slot = (slot + 1) & (slots - 1);
		g->tab_gram[slot] = pk[i].gram;
		g->tab_first[slot] = g->nent;
		for (j = i; j < np && pk[j].gram == pk[i].gram; j++) {
			g->ent_pat[g->nent] = pk[j].pat;
			g->ent_off[g->nent] = pk[j].off;
			g->nent++;
		}
		g->tab_n[slot] = j - i;
	}
	/* short patterns by first byte (matchers.c sends empty ones to the any list) */
	j = 0;
	for (b = 0; b < 256; b++) {
		g->short_off[b] = j;
		for (i = 0; i < n; i++)
			if (p[i].n > 0 && p[i].n < g->reach && p[i].s[0] == b)
				g->short_pat[j++] = i;
	}
	g->short_off[256] = j;
	g->nshort = j;
	free(pk);
	return 0;
}

void sc_grams_done(struct sc_grams_out *g)
{
	free(g->filter);
	free(g->tab_gram);
	free(g->tab_first);
	free(g->tab_n);
	free(g->ent_pat);
	free(g->ent_off);
	free(g->short_pat);
	memset(g, 0, sizeof(*g));
}
