// SPDX-License-Identifier: Apache-2.0
/*
 * re2c code for Sigma regexes: code point sets, hash-consed rx nodes,
 * lowering of the parser's AST and search simplification (regex_emit.c
 * has the pipeline; regex_emit_int.h the types).
 *
 * 1. Lowering. The parser's AST (regex.h) becomes a small hash-consed
 *    regular expression ("rx") over code points: EMPTY, SET (sorted code
 *    point ranges), CAT, ALT, REP{min,max} and ASSERT. Groups disappear,
 *    lazy quantifiers become greedy (only match/no-match matters), a CHAR
 *    with fold becomes the SET of its simple case folding class
 *    (sc_ucd_fold_class), '.' becomes a SET, surrogates are dropped from
 *    every SET (they never occur in UTF-8 text). Backreferences,
 *    lookaround, atomic groups and conditionals are -ENOTSUP.
 *
 * 2. Search simplification. A search for X{m,n} S finds a match exactly
 *    when a search for X{m} S does (drop the first copies of a longer
 *    match), and likewise at the end, so leading and trailing repetitions
 *    lose their optional copies: ".*X" searches as "X", "(.){200,}" as
 *    ".{200}", "[^/]{100,}$" as "[^/]{100}$", "\w{1,64}" at the front as
 *    "\w". This is what keeps the common ".*" and "{1,N}" edges from
 *    costing DFA states or quadratic time.
 */

#include "regex_emit_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "utf8.h"

void sc_rx_fail(struct em *e, const char *fmt, ...)
{
	va_list ap;

	if (e->failed)
		return;
	e->failed = true;
	va_start(ap, fmt);
	vsnprintf(e->why, sizeof(e->why), fmt, ap);
	va_end(ap);
}

struct rset sc_rs_make(struct em *e, const struct sc_re_range *r, size_t n)
{
	struct sc_re_range *c = NULL;

	if (n) {
		c = sc_arena_array(e->a, n, sizeof(*c));
		memcpy(c, r, n * sizeof(*c));
	}
	return (struct rset){c, (uint32_t)n};
}

void sc_rv_push(struct rvec *v, uint32_t lo, uint32_t hi)
{
	if (v->n && v->r[v->n - 1].hi + 1 >= lo) {
		if (hi > v->r[v->n - 1].hi)
			v->r[v->n - 1].hi = hi;
		return;
	}
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 16;
		v->r = sc_xreallocarray(v->r, v->cap, sizeof(*v->r));
	}
	v->r[v->n].lo = lo;
	v->r[v->n].hi = hi;
	v->n++;
}

struct rset sc_rv_finish(struct em *e, struct rvec *v)
{
	struct rset s = sc_rs_make(e, v->r, v->n);

	free(v->r);
	v->r = NULL;
	v->n = v->cap = 0;
	return s;
}

struct rset sc_rs_union(struct em *e, struct rset a, struct rset b)
{
	struct rvec v = {0};
	uint32_t i = 0, j = 0;

	while (i < a.n || j < b.n) {
		if (j == b.n || (i < a.n && a.r[i].lo <= b.r[j].lo)) {
			sc_rv_push(&v, a.r[i].lo, a.r[i].hi);
			i++;
		} else {
			sc_rv_push(&v, b.r[j].lo, b.r[j].hi);
			j++;
		}
	}
	return sc_rv_finish(e, &v);
}

struct rset sc_rs_inter(struct em *e, struct rset a, struct rset b)
{
	struct rvec v = {0};
	uint32_t i = 0, j = 0;

	while (i < a.n && j < b.n) {
		uint32_t lo = a.r[i].lo > b.r[j].lo ? a.r[i].lo : b.r[j].lo;
		uint32_t hi = a.r[i].hi < b.r[j].hi ? a.r[i].hi : b.r[j].hi;

		if (lo <= hi)
			sc_rv_push(&v, lo, hi);
		if (a.r[i].hi < b.r[j].hi)
			i++;
		else
			j++;
	}
	return sc_rv_finish(e, &v);
}

static struct rset rs_complement(struct em *e, struct rset a)
{
	struct rvec v = {0};
	uint32_t i, next = 0;

	for (i = 0; i < a.n; i++) {
		if (a.r[i].lo > next)
			sc_rv_push(&v, next, a.r[i].lo - 1);
		next = a.r[i].hi + 1;
	}
	if (next <= CP_MAX)
		sc_rv_push(&v, next, CP_MAX);
	return sc_rv_finish(e, &v);
}

struct rset sc_rs_diff(struct em *e, struct rset a, struct rset b)
{
	return sc_rs_inter(e, a, rs_complement(e, b));
}

static bool rs_eq(struct rset a, struct rset b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.r, b.r, a.n * sizeof(*a.r)) == 0);
}

struct rset sc_rs_range(struct em *e, uint32_t lo, uint32_t hi)
{
	struct sc_re_range r = {lo, hi};

	return sc_rs_make(e, &r, 1);
}

/* ---------------------------------------------------------------- */
/* Hash-consed rx nodes                                              */

uint32_t sc_rx_mix(uint32_t h, uint32_t v)
{
	h ^= v + 0x9E3779B9u + (h << 6) + (h >> 2);
	return h;
}

static uint32_t rx_hash(const struct rx *p)
{
	uint32_t h = sc_rx_mix(0x811C9DC5u, (uint32_t)p->k), i;

	for (i = 0; i < p->set.n; i++)
		h = sc_rx_mix(sc_rx_mix(h, p->set.r[i].lo), p->set.r[i].hi);
	for (i = 0; i < p->nkids; i++)
		h = sc_rx_mix(h, p->kids[i]->id);
	h = sc_rx_mix(sc_rx_mix(h, p->min), p->max);
	return sc_rx_mix(h, (uint32_t)p->at);
}

static bool rx_same(const struct rx *a, const struct rx *b)
{
	return a->k == b->k && a->min == b->min && a->max == b->max && a->at == b->at &&
	       a->nkids == b->nkids && rs_eq(a->set, b->set) &&
	       (a->nkids == 0 || memcmp(a->kids, b->kids, a->nkids * sizeof(*a->kids)) == 0);
}

static void tab_grow(struct em *e)
{
	size_t ncap = e->tabcap ? 2 * e->tabcap : 1024, i;
	struct rx **nt = calloc(ncap, sizeof(*nt));

	if (!nt)
		sc_oom();
	for (i = 0; i < e->tabcap; i++) {
		struct rx *x = e->tab[i];
		size_t j;

		if (!x)
			continue;
		for (j = x->hash & (ncap - 1); nt[j]; j = (j + 1) & (ncap - 1))
			;
		nt[j] = x;
	}
	free(e->tab);
	e->tab = nt;
	e->tabcap = ncap;
}

/* Does the assertion depend on the code point before it? */
bool sc_rx_at_looks_back(enum at at)
{
	return at != AT_EOL && at != AT_EOL_M && at != AT_EOT;
}

static void rx_props(struct rx *x)
{
	uint32_t i;

	switch (x->k) {
	case RX_EMPTY:
		x->nullable = true;
		break;
	case RX_SET:
		break;
	case RX_ASSERT:
		x->nullable = x->has_assert = x->first_assert = true;
		x->first_look = sc_rx_at_looks_back(x->at);
		break;
	case RX_CAT:
		x->nullable = true;
		for (i = 0; i < x->nkids; i++) {
			x->has_assert |= x->kids[i]->has_assert;
			if (x->nullable) {
				x->first_assert |= x->kids[i]->first_assert;
				x->first_look |= x->kids[i]->first_look;
			}
			x->nullable &= x->kids[i]->nullable;
		}
		break;
	case RX_ALT:
		for (i = 0; i < x->nkids; i++) {
			x->has_assert |= x->kids[i]->has_assert;
			x->first_assert |= x->kids[i]->first_assert;
			x->first_look |= x->kids[i]->first_look;
			x->nullable |= x->kids[i]->nullable;
		}
		break;
	case RX_REP:
		x->nullable = x->min == 0 || x->kids[0]->nullable;
		x->has_assert = x->kids[0]->has_assert;
		x->first_assert = x->max > 0 && x->kids[0]->first_assert;
		x->first_look = x->max > 0 && x->kids[0]->first_look;
		break;
	}
}

static struct rx *intern(struct em *e, const struct rx *proto)
{
	uint32_t h = rx_hash(proto);
	struct rx *x;
	size_t j;

	if (2 * (e->ntab + 1) > e->tabcap)
		tab_grow(e);
	for (j = h & (e->tabcap - 1); e->tab[j]; j = (j + 1) & (e->tabcap - 1))
		if (e->tab[j]->hash == h && rx_same(e->tab[j], proto))
			return e->tab[j];
	x = sc_arena_alloc(e->a, sizeof(*x));
	*x = *proto;
	x->hash = h;
	x->id = e->next_id++;
	if (proto->nkids) {
		x->kids = sc_arena_array(e->a, proto->nkids, sizeof(*x->kids));
		memcpy(x->kids, proto->kids, proto->nkids * sizeof(*x->kids));
	}
	rx_props(x);
	e->tab[j] = x;
	e->ntab++;
	e->work++;
	return x;
}

struct rx *sc_rx_empty(struct em *e)
{
	struct rx p = {.k = RX_EMPTY};

	return intern(e, &p);
}

struct rx *sc_rx_set(struct em *e, struct rset s)
{
	struct rx p = {.k = RX_SET};

	if (s.n == 0)
		return NULL;
	p.set = s;
	return intern(e, &p);
}

static struct rx *rx_assert(struct em *e, enum at at)
{
	struct rx p = {.k = RX_ASSERT};

	p.at = at;
	return intern(e, &p);
}

void sc_kv_push(struct kidv *v, struct rx *x)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 8;
		v->v = sc_xreallocarray(v->v, v->cap, sizeof(*v->v));
	}
	v->v[v->n++] = x;
}

struct rx *sc_rx_catv(struct em *e, struct rx *const *kids, size_t n)
{
	struct kidv v = {0};
	struct rx p = {.k = RX_CAT}, *x;
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (!kids[i]) {
			free(v.v);
			return NULL;
		}
		if (kids[i]->k == RX_EMPTY)
			continue;
		if (kids[i]->k == RX_CAT) {
			for (j = 0; j < kids[i]->nkids; j++)
				sc_kv_push(&v, kids[i]->kids[j]);
		} else {
			sc_kv_push(&v, kids[i]);
		}
	}
	/* X{a,b} X{c,d} is X{a+c,b+d} (a plain X counts as X{1,1}) */
	for (i = j = 0; i < v.n; i++) {
		if (j > 0) {
			struct rx *l = v.v[j - 1], *r = v.v[i];
			struct rx *lb = l->k == RX_REP ? l->kids[0] : l;
			struct rx *rb = r->k == RX_REP ? r->kids[0] : r;

			if (lb == rb && (l->k == RX_REP || r->k == RX_REP)) {
				uint32_t a0 = l->k == RX_REP ? l->min : 1, a1 = l->k == RX_REP ? l->max : 1;
				uint32_t b0 = r->k == RX_REP ? r->min : 1, b1 = r->k == RX_REP ? r->max : 1;

				v.v[j - 1] = sc_rx_rep(e, lb, a0 + b0,
						    a1 == SC_RE_INF || b1 == SC_RE_INF ? SC_RE_INF
										       : a1 + b1);
				continue;
			}
		}
		v.v[j++] = v.v[i];
	}
	v.n = j;
	if (v.n == 0) {
		x = sc_rx_empty(e);
	} else if (v.n == 1) {
		x = v.v[0];
	} else {
		p.kids = v.v;
		p.nkids = (uint32_t)v.n;
		x = intern(e, &p);
	}
	free(v.v);
	return x;
}

struct rx *sc_rx_cat(struct em *e, struct rx *a, struct rx *b)
{
	struct rx *k[2] = {a, b};

	return sc_rx_catv(e, k, 2);
}

struct rx *sc_rx_cat3(struct em *e, struct rx *a, struct rx *b, struct rx *c)
{
	struct rx *k[3] = {a, b, c};

	return sc_rx_catv(e, k, 3);
}

/* Part of CAT x: kids [from, to) (x itself when it is not a CAT and the range is [0, 1)). */
static struct rx *cat_part(struct em *e, struct rx *x, uint32_t from, uint32_t to)
{
	if (x->k != RX_CAT)
		return from < to ? x : sc_rx_empty(e);
	return sc_rx_catv(e, x->kids + from, to - from);
}

/*
 * a b | a c is a (b | c), and b a | c a is (b | c) a: when every branch
 * starts (or ends) with the same expression, factor it out. NULL if not.
 */
static struct rx *factor(struct em *e, struct rx *const *kids, size_t n)
{
	struct rx *first = kids[0]->k == RX_CAT ? kids[0]->kids[0] : kids[0];
	struct rx *last = kids[0]->k == RX_CAT ? kids[0]->kids[kids[0]->nkids - 1] : kids[0];
	bool same_first = true, same_last = true;
	struct kidv v = {0};
	struct rx *y;
	size_t i;

	for (i = 1; i < n; i++) {
		struct rx *k = kids[i];

		same_first &= (k->k == RX_CAT ? k->kids[0] : k) == first;
		same_last &= (k->k == RX_CAT ? k->kids[k->nkids - 1] : k) == last;
	}
	if (!same_first && !same_last)
		return NULL;
	for (i = 0; i < n; i++) {
		uint32_t nk = kids[i]->k == RX_CAT ? kids[i]->nkids : 1;

		sc_kv_push(&v, same_first ? cat_part(e, kids[i], 1, nk)
					  : cat_part(e, kids[i], 0, nk - 1));
	}
	y = sc_rx_altv(e, v.v, v.n);
	free(v.v);
	return same_first ? sc_rx_cat(e, first, y) : sc_rx_cat(e, y, last);
}

struct rx *sc_rx_altv(struct em *e, struct rx *const *kids, size_t n)
{
	struct kidv v = {0};
	struct rx p = {.k = RX_ALT}, *x;
	size_t i, j, setpos = SIZE_MAX;
	struct rset sets = {NULL, 0};
	bool have_set = false, have_empty = false;

	for (i = 0; i < n; i++) {
		struct rx *const *ks = &kids[i];
		size_t nk = 1;

		if (!kids[i])
			continue;
		if (kids[i]->k == RX_ALT) {
			ks = kids[i]->kids;
			nk = kids[i]->nkids;
		}
		for (j = 0; j < nk; j++) {
			struct rx *k = ks[j];
			size_t m;

			if (k->k == RX_SET) {
				sets = have_set ? sc_rs_union(e, sets, k->set) : k->set;
				if (!have_set) {
					setpos = v.n;
					sc_kv_push(&v, k);
				}
				have_set = true;
				continue;
			}
			if (k->k == RX_EMPTY) {
				have_empty = true;
				continue;
			}
			for (m = 0; m < v.n && v.v[m] != k; m++)
				;
			if (m == v.n)
				sc_kv_push(&v, k);
		}
	}
	if (have_set)
		v.v[setpos] = sc_rx_set(e, sets);
	if (!have_empty && v.n >= 2) {
		x = factor(e, v.v, v.n);
		if (x) {
			free(v.v);
			return x;
		}
	}
	if (have_empty) {
		/* EMPTY only matters when no other branch is nullable */
		bool nul = false;

		for (i = 0; i < v.n; i++)
			nul |= v.v[i]->nullable && !v.v[i]->has_assert;
		if (!nul)
			sc_kv_push(&v, sc_rx_empty(e));
	}
	if (v.n == 0) {
		x = NULL;
	} else if (v.n == 1) {
		x = v.v[0];
	} else {
		p.kids = v.v;
		p.nkids = (uint32_t)v.n;
		x = intern(e, &p);
	}
	free(v.v);
	return x;
}

struct rx *sc_rx_alt(struct em *e, struct rx *a, struct rx *b)
{
	struct rx *k[2] = {a, b};

	return sc_rx_altv(e, k, 2);
}

struct rx *sc_rx_rep(struct em *e, struct rx *x, uint32_t min, uint32_t max)
{
	struct rx p = {.k = RX_REP};

	if (max != SC_RE_INF && min > max)
		return NULL;
	if (!x)
		return min == 0 ? sc_rx_empty(e) : NULL;
	if (x->k == RX_EMPTY || max == 0)
		return sc_rx_empty(e);
	if (min == 1 && max == 1)
		return x;
	/* (y*)* and friends: y{a,inf}{b,c} with a <= 1 is y{a*b,inf} or y* */
	if (x->k == RX_REP && x->max == SC_RE_INF && x->min <= 1 && max == SC_RE_INF && !x->has_assert)
		return sc_rx_rep(e, x->kids[0], x->min * min, SC_RE_INF);
	p.kids = &x;
	p.nkids = 1;
	p.min = min;
	p.max = max;
	return intern(e, &p);
}

/* ---------------------------------------------------------------- */
/* Lowering the parser's AST                                         */

static struct rx *lower_kids(struct em *e, const struct sc_re_node *n, bool alt)
{
	struct kidv v = {0};
	struct rx *x;
	uint32_t i;

	for (i = 0; i < n->nkids; i++)
		sc_kv_push(&v, sc_rx_lower(e, n->kids[i]));
	x = alt ? sc_rx_altv(e, v.v, v.n) : sc_rx_catv(e, v.v, v.n);
	free(v.v);
	return x;
}

struct rset sc_rs_no_surrogates(struct em *e, struct rset s)
{
	return sc_rs_inter(e, s, e->anyset);
}

struct rx *sc_rx_lower(struct em *e, const struct sc_re_node *n)
{
	uint32_t cps[8];
	struct rvec v = {0};
	size_t k, i;

	if (e->failed)
		return NULL;
	switch (n->op) {
	case SC_RE_EMPTY:
		return sc_rx_empty(e);
	case SC_RE_CHAR:
		if (n->name) {
			sc_rx_fail(e, "\\N{%s} is not supported", n->name);
			return NULL;
		}
		cps[0] = n->cp;
		k = n->fold ? sc_ucd_fold_class(n->cp, cps, 8) : 1;
		/* sort the (at most 8) members */
		for (i = 1; i < k; i++) {
			uint32_t c = cps[i];
			size_t j = i;

			for (; j > 0 && cps[j - 1] > c; j--)
				cps[j] = cps[j - 1];
			cps[j] = c;
		}
		for (i = 0; i < k; i++)
			sc_rv_push(&v, cps[i], cps[i]);
		return sc_rx_set(e, sc_rs_no_surrogates(e, sc_rv_finish(e, &v)));
	case SC_RE_CLASS:
		return sc_rx_set(e, sc_rs_no_surrogates(e, sc_rs_make(e, n->ranges, n->nranges)));
	case SC_RE_ANY:
		if (n->dotall)
			return sc_rx_set(e, e->anyset);
		return sc_rx_set(e, sc_rs_diff(e, e->anyset, sc_rs_range(e, '\n', '\n')));
	case SC_RE_CONCAT:
		return lower_kids(e, n, false);
	case SC_RE_ALT:
		return lower_kids(e, n, true);
	case SC_RE_GROUP:
		return sc_rx_lower(e, n->kids[0]);
	case SC_RE_REPEAT:
		if (n->max != SC_RE_INF && n->max > SC_RE_MAX_COUNT) {
			sc_rx_fail(e, "counted repetition above %u", SC_RE_MAX_COUNT);
			return NULL;
		}
		return sc_rx_rep(e, sc_rx_lower(e, n->kids[0]), n->min, n->max);
	case SC_RE_BOL:
		return rx_assert(e, n->multiline ? AT_BOL_M : AT_BOL);
	case SC_RE_EOL:
		return rx_assert(e, n->multiline ? AT_EOL_M : AT_EOL);
	case SC_RE_BOT:
		return rx_assert(e, AT_BOT);
	case SC_RE_EOT:
		return rx_assert(e, AT_EOT);
	case SC_RE_WORDB:
		return rx_assert(e, n->ascii ? AT_B_A : AT_B);
	case SC_RE_NWORDB:
		return rx_assert(e, n->ascii ? AT_NB_A : AT_NB);
	case SC_RE_BACKREF:
		sc_rx_fail(e, "backreferences are not supported (no DFA can match them)");
		return NULL;
	case SC_RE_LOOK:
		sc_rx_fail(e, "%s%s is not supported", n->behind ? "lookbehind" : "lookahead",
		     n->negate ? " (negative)" : "");
		return NULL;
	case SC_RE_ATOMIC:
		sc_rx_fail(e, "atomic groups and possessive quantifiers are not supported");
		return NULL;
	case SC_RE_COND:
		sc_rx_fail(e, "conditional groups are not supported");
		return NULL;
	}
	sc_rx_fail(e, "unknown regex construct");
	return NULL;
}

/* ---------------------------------------------------------------- */
/* Search simplification (step 2)                                    */

struct rx *sc_rx_strip_edge(struct em *e, struct rx *x, bool front)
{
	struct kidv v = {0};
	struct rx *y;
	size_t i, n;

	if (!x)
		return NULL;
	switch (x->k) {
	case RX_REP:
		if (x->max != x->min)
			return x->min == 0 ? sc_rx_empty(e)
					   : sc_rx_rep(e, x->kids[0], x->min, x->min);
		return x;
	case RX_ALT:
		for (i = 0; i < x->nkids; i++)
			sc_kv_push(&v, sc_rx_strip_edge(e, x->kids[i], front));
		y = sc_rx_altv(e, v.v, v.n);
		free(v.v);
		return y;
	case RX_CAT:
		n = x->nkids;
		for (i = 0; i < n; i++)
			sc_kv_push(&v, x->kids[i]);
		if (front) {
			for (i = 0; i < n; i++) {
				v.v[i] = sc_rx_strip_edge(e, v.v[i], true);
				if (!v.v[i] || v.v[i]->k != RX_EMPTY)
					break;
			}
		} else {
			for (i = n; i-- > 0;) {
				v.v[i] = sc_rx_strip_edge(e, v.v[i], false);
				if (!v.v[i] || v.v[i]->k != RX_EMPTY)
					break;
			}
		}
		y = sc_rx_catv(e, v.v, v.n);
		free(v.v);
		return y;
	default:
		return x;
	}
}

/* Can x match the empty text (n == 0)? Python's \B fails there. */
bool sc_rx_empty_text_match(const struct rx *x)
{
	uint32_t i;

	if (!x)
		return false;
	switch (x->k) {
	case RX_EMPTY:
		return true;
	case RX_SET:
		return false;
	case RX_ASSERT:
		return x->at != AT_B && x->at != AT_B_A && x->at != AT_NB && x->at != AT_NB_A;
	case RX_CAT:
		for (i = 0; i < x->nkids; i++)
			if (!sc_rx_empty_text_match(x->kids[i]))
				return false;
		return true;
	case RX_ALT:
		for (i = 0; i < x->nkids; i++)
			if (sc_rx_empty_text_match(x->kids[i]))
				return true;
		return false;
	case RX_REP:
		return x->min == 0 || sc_rx_empty_text_match(x->kids[0]);
	}
	return false;
}

/* ---------------------------------------------------------------- */
/* Non-empty part of an assertion-free rx                            */

struct rx *sc_rx_nonempty(struct em *e, struct rx *x)
{
	struct kidv v = {0};
	struct rx *y, *rest;
	uint32_t i;

	if (!x)
		return NULL;
	switch (x->k) {
	case RX_EMPTY:
	case RX_ASSERT:
		return NULL;
	case RX_SET:
		return x;
	case RX_ALT:
		for (i = 0; i < x->nkids; i++)
			sc_kv_push(&v, sc_rx_nonempty(e, x->kids[i]));
		y = sc_rx_altv(e, v.v, v.n);
		free(v.v);
		return y;
	case RX_CAT:
		rest = x->nkids == 2 ? x->kids[1] : sc_rx_catv(e, x->kids + 1, x->nkids - 1);
		y = sc_rx_cat(e, sc_rx_nonempty(e, x->kids[0]), rest);
		if (x->kids[0]->nullable)
			y = sc_rx_alt(e, y, sc_rx_nonempty(e, rest));
		return y;
	case RX_REP:
		return sc_rx_cat(e, sc_rx_nonempty(e, x->kids[0]),
			      sc_rx_rep(e, x->kids[0], x->min ? x->min - 1 : 0,
				     x->max == SC_RE_INF ? SC_RE_INF : x->max - 1));
	}
	return NULL;
}
