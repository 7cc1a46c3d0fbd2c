// SPDX-License-Identifier: Apache-2.0
/*
 * re2c code for Sigma regexes (regex_emit.h).
 *
 * PIPELINE
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
 *
 * 3. Assertions. ^ $ \A \Z \b \B depend on the code point before and the
 *    code point after the position (and, for Python's '$', on whether a
 *    '\n' after it is the last character). They are removed by a product
 *    construction: the code points are split into a few kinds ('\n',
 *    ASCII word, other word, other; only the kinds some assertion of the
 *    pattern distinguishes), and every rx node is translated under a
 *    context state (kind of the previous code point, or start of text;
 *    and the set of next-contexts still allowed by the assertions passed
 *    since the last code point: a kind, end of text, or a final '\n').
 *    A SET consumes one code point and is split by kind where the pending
 *    set or a following assertion needs it; an ASSERT narrows the pending
 *    set (or kills the path); repetitions are iterated on the states,
 *    with a closed form when the iterations reach a fixed state (so
 *    counted repetitions stay counted) and Kleene's construction over the
 *    states for a star that cycles between several. The previous kind is
 *    tracked only where an assertion can see it, so assertion-free parts
 *    come out unchanged. The result is a set of assertion-free regexes,
 *    each with a start context (any, start of text, or after a kind) and
 *    an end condition (the pending set still to be met by what follows
 *    the match). Everything is exact: '\b' anywhere, anchors inside
 *    alternations or repetitions, multiline and ASCII variants; Python's
 *    quirk that '\B' fails on an empty text is honoured by computing the
 *    answer for n == 0 at compile time.
 *
 * 4. Alphabet. re2c does not read bytes here: every block uses re2c's
 *    generic API, where YYPEEK (FN_p) decodes the UTF-8 code point at the
 *    cursor and returns its class id, and YYSKIP steps over it. The
 *    classes are the elementary intervals of the code point sets the
 *    function uses, merged when no set tells them apart (at most 255), so
 *    a DFA state has at most that many transitions whatever Unicode
 *    classes (\w \s \d, folded letters) the pattern has. ASCII is mapped by
 *    a 128-entry table inline; other code points by bisection of a table
 *    shared between the functions of the file (out of line). Spelling the
 *    sets as UTF-8 byte sequences instead multiplies the states by the
 *    decoding trees of the Unicode classes: the SigmaHQ corpus then needs
 *    millions of lines of C, which gcc -O2 does not compile in an hour.
 *
 * 5. Strategy (per pattern), chosen with our own subset construction of
 *    each candidate automaton over the class alphabet (dfa_estimate(): DFA
 *    states before minimization, and "code units", the states plus their
 *    transition ranges, which track the size of re2c's output):
 *    CONST     the answer does not depend on the text beyond n == 0 (a
 *              nullable pattern without assertions, an impossible one):
 *              no automaton.
 *    RUN       the search is for C{m} (m >= RUN_MIN) with an end condition
 *              and no start one, e.g. ".{1000,}", "(.){200,}",
 *              "[^/]{100,}$": a loop counts the current run of members of
 *              C; re2c classifies one code point per iteration.
 *    DFA       one pass of re2c's DFA for
 *                  ( [^]* R | R_bot | [^]* K R_k ... ) S
 *              over the whole text, where the start context becomes a
 *              prefix (text start, or any text ending with a code point of
 *              kind K) and the end condition a suffix S (end of text, a
 *              final '\n', or a code point of an allowed kind followed by
 *              anything); when end conditions exist the rule must match
 *              the whole text (re2c's longest match reaches YYLIMIT
 *              exactly when the text is in the language). Linear time,
 *              whatever the text. The default.
 *    ANCHORED  re2c's DFA for R alone (no `[^]*`), tried at every start
 *              position whose first byte can begin a match (a 256-bit
 *              table, or memchr() for a single byte), with the start
 *              context computed in C (sc_re_ctx() of the prelude) and the
 *              end condition checked by one code point of look-ahead
 *              consumed by the rule, or, for end of text, by a second
 *              block whose match must reach YYLIMIT. R must not match "".
 *    SPLIT     R = X Y (no assertions), tried at every split point r whose
 *              byte can start Y and whose previous byte can end X: Y is
 *              matched forwards from r and X backwards from r (re2c reads
 *              backwards through the same generic API). A half that is a
 *              fixed-length part, a gap C{m,n} and a rest has its gap
 *              walked by a C loop (the rest's DFA tried after each
 *              admissible length), so each half's DFA only tracks one
 *              counter start. This is what `[^]*` in front of a counted
 *              gap after a prefix that can recur needs: the DFA of
 *              "(Get-Item|gci).{1,64}-Path.{1,64}\\(...)" has to track
 *              every place each gap may have started (over 100000 states),
 *              its halves need a few hundred.
 *    The policy: DFA when its estimate is at most CHEAP_COST code units;
 *    otherwise the cheapest of DFA, ANCHORED and SPLIT, the latter two
 *    counted three times (several start positions per text), and used
 *    instead of a DFA within the limits only when no attempt from one
 *    start can run to the end of the text (no unbounded loop: then their
 *    time is linear too, with a constant bounded by the pattern's
 *    counts); an unbounded loop makes them O(n^2) in the worst case, so
 *    they are then only a fallback for a pattern whose DFA is over the
 *    limits (DFA_LIMIT states, DFA_COST_LIMIT code units, BLOCK_COST_LIMIT
 *    for one block of SPLIT). Anything over every limit is -ENOTSUP ("regex
 *    needs a DFA larger than the limits"), as are the constructs no DFA
 *    expresses. The limits keep gcc's time per function to seconds (its
 *    -O2 time grows faster than linearly with a function's size) and
 *    re2c's under a second for the whole corpus.
 *
 * Every re2c block is a local block with its own configuration (8-bit,
 * no YYFILL, generic API, re2c:eof = 0 with the class peek returning 0 at
 * the limit: NUL bytes in the text are ordinary code points), so the file
 * may be processed with or without --utf8. Texts are valid UTF-8 by
 * contract; invalid bytes still behave as in the reference matcher (one
 * byte, U+FFFD).
 */

#include "regex_emit.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "regex.h"
#include "utf8.h"

/* Limits of the strategies (see above). */
#define DFA_LIMIT	 4000u	  /* estimated DFA states */
#define DFA_WORK_LIMIT	 2000000u /* sum of NFA positions over estimated DFA states */
#define DFA_COST_LIMIT	 12000u	  /* estimated code: states plus transition ranges */
#define NFA_LIMIT	 60000u	  /* Thompson states of the estimate's NFA */
#define UNROLL_LIMIT	 64u	  /* iterations unrolled by the assertion product */
#define KLEENE_LIMIT	 12u	  /* states of a Kleene construction */
#define WORK_LIMIT	 2000000u /* product construction steps */
#define DEF_MIN_TEXT	 24u	  /* shared subexpressions longer than this get a name */
#define BLOCK_COST_LIMIT 6000u	  /* one block of SPLIT */

#define CP_MAX 0x10FFFFu

/* ---------------------------------------------------------------- */
/* Code point sets                                                   */

struct rset {
	const struct sc_re_range *r;
	uint32_t n;
};

struct em;

/* Assertions. */
enum at {
	AT_BOL,
	AT_BOL_M,
	AT_EOL,
	AT_EOL_M,
	AT_BOT,
	AT_EOT,
	AT_B,
	AT_B_A,
	AT_NB,
	AT_NB_A,
};

enum rxk { RX_EMPTY, RX_SET, RX_CAT, RX_ALT, RX_REP, RX_ASSERT };

/* A hash-consed regular expression; NULL stands for the empty language. */
struct rx {
	enum rxk k;
	uint32_t hash;
	uint32_t id;
	struct rset set;   /* SET */
	struct rx **kids;  /* CAT, ALT: >= 2; REP: 1 */
	uint32_t nkids;
	uint32_t min, max; /* REP (max SC_RE_INF for unbounded) */
	enum at at;	   /* ASSERT */
	bool nullable;	   /* matches "" (assertions taken as true) */
	bool has_assert;   /* an ASSERT inside */
	bool first_assert; /* an ASSERT reachable before the first code point */
	bool first_look;   /* ... one that looks at the previous code point */
	/* emission */
	uint32_t mark, refs;
	size_t text; /* length of the expanded text, saturating */
	bool named;
};

/* Context states of the assertion product (see the top of the file). */
#define PREV_BOT 14u
#define PREV_UNK 15u
#define ST(prev, pend) ((uint16_t)((prev) | ((unsigned)(pend) << 4)))
#define ST_PREV(s)     ((unsigned)(s)&15u)
#define ST_PEND(s)     ((unsigned)(s) >> 4)

struct out {
	uint16_t st;
	struct rx *r;
};

struct outv {
	struct out *v;
	uint32_t n, cap;
};

struct memo {
	struct rx *x;
	uint16_t st;
	bool follow;
	bool used;
	struct outv res;
};

/* Kinds of code points that assertions tell apart. */
enum { KF_NL = 1, KF_WU = 2, KF_WA = 4 };

struct em {
	struct sc_arena *a;
	/* hash-consing */
	struct rx **tab;
	size_t tabcap, ntab;
	uint32_t next_id;
	/* kinds and contexts */
	unsigned nkinds;
	struct rset kset[4];
	unsigned kflags[4];
	int nl_kind; /* -1 when '\n' is not a kind of its own */
	unsigned eot_bit, nlf_bit, all;
	bool need_nl, need_wu, need_wa;
	/* product memo */
	struct memo *memo;
	size_t memocap, nmemo;
	size_t work;
	/* errors */
	bool failed;
	char why[200];
	/* emission */
	uint32_t epoch;
	struct rset anyset; /* every code point but the surrogates */
	const char *peek;   /* name prefix of the YYPEEK function (FN_c) */
	bool rev;	    /* blocks read backwards (SPLIT's prefix) */
	struct rx **bmemo;  /* class-level forms, by rx id */
	uint32_t nbmemo;
};

static void fail(struct em *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct em *e, const char *fmt, ...)
{
	va_list ap;

	if (e->failed)
		return;
	e->failed = true;
	va_start(ap, fmt);
	vsnprintf(e->why, sizeof(e->why), fmt, ap);
	va_end(ap);
}

static struct rset rs_make(struct em *e, const struct sc_re_range *r, size_t n)
{
	struct sc_re_range *c = NULL;

	if (n) {
		c = sc_arena_array(e->a, n, sizeof(*c));
		memcpy(c, r, n * sizeof(*c));
	}
	return (struct rset){c, (uint32_t)n};
}

/* Growable range vector for building sets. */
struct rvec {
	struct sc_re_range *r;
	size_t n, cap;
};

static void rv_push(struct rvec *v, uint32_t lo, uint32_t hi)
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

static struct rset rv_finish(struct em *e, struct rvec *v)
{
	struct rset s = rs_make(e, v->r, v->n);

	free(v->r);
	v->r = NULL;
	v->n = v->cap = 0;
	return s;
}

static struct rset rs_union(struct em *e, struct rset a, struct rset b)
{
	struct rvec v = {0};
	uint32_t i = 0, j = 0;

	while (i < a.n || j < b.n) {
		if (j == b.n || (i < a.n && a.r[i].lo <= b.r[j].lo)) {
			rv_push(&v, a.r[i].lo, a.r[i].hi);
			i++;
		} else {
			rv_push(&v, b.r[j].lo, b.r[j].hi);
			j++;
		}
	}
	return rv_finish(e, &v);
}

static struct rset rs_inter(struct em *e, struct rset a, struct rset b)
{
	struct rvec v = {0};
	uint32_t i = 0, j = 0;

	while (i < a.n && j < b.n) {
		uint32_t lo = a.r[i].lo > b.r[j].lo ? a.r[i].lo : b.r[j].lo;
		uint32_t hi = a.r[i].hi < b.r[j].hi ? a.r[i].hi : b.r[j].hi;

		if (lo <= hi)
			rv_push(&v, lo, hi);
		if (a.r[i].hi < b.r[j].hi)
			i++;
		else
			j++;
	}
	return rv_finish(e, &v);
}

static struct rset rs_complement(struct em *e, struct rset a)
{
	struct rvec v = {0};
	uint32_t i, next = 0;

	for (i = 0; i < a.n; i++) {
		if (a.r[i].lo > next)
			rv_push(&v, next, a.r[i].lo - 1);
		next = a.r[i].hi + 1;
	}
	if (next <= CP_MAX)
		rv_push(&v, next, CP_MAX);
	return rv_finish(e, &v);
}

static struct rset rs_diff(struct em *e, struct rset a, struct rset b)
{
	return rs_inter(e, a, rs_complement(e, b));
}

static bool rs_eq(struct rset a, struct rset b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.r, b.r, a.n * sizeof(*a.r)) == 0);
}

static struct rset rs_range(struct em *e, uint32_t lo, uint32_t hi)
{
	struct sc_re_range r = {lo, hi};

	return rs_make(e, &r, 1);
}

/* ---------------------------------------------------------------- */
/* Hash-consed rx nodes                                              */

static uint32_t mix(uint32_t h, uint32_t v)
{
	h ^= v + 0x9E3779B9u + (h << 6) + (h >> 2);
	return h;
}

static uint32_t rx_hash(const struct rx *p)
{
	uint32_t h = mix(0x811C9DC5u, (uint32_t)p->k), i;

	for (i = 0; i < p->set.n; i++)
		h = mix(mix(h, p->set.r[i].lo), p->set.r[i].hi);
	for (i = 0; i < p->nkids; i++)
		h = mix(h, p->kids[i]->id);
	h = mix(mix(h, p->min), p->max);
	return mix(h, (uint32_t)p->at);
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
static bool at_looks_back(enum at at)
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
		x->first_look = at_looks_back(x->at);
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

static struct rx *rx_empty(struct em *e)
{
	struct rx p = {.k = RX_EMPTY};

	return intern(e, &p);
}

static struct rx *rx_set(struct em *e, struct rset s)
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

struct kidv {
	struct rx **v;
	size_t n, cap;
};

static void kv_push(struct kidv *v, struct rx *x)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 8;
		v->v = sc_xreallocarray(v->v, v->cap, sizeof(*v->v));
	}
	v->v[v->n++] = x;
}

static struct rx *rx_rep(struct em *e, struct rx *x, uint32_t min, uint32_t max);

static struct rx *rx_catv(struct em *e, struct rx *const *kids, size_t n)
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
				kv_push(&v, kids[i]->kids[j]);
		} else {
			kv_push(&v, kids[i]);
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

				v.v[j - 1] = rx_rep(e, lb, a0 + b0,
						    a1 == SC_RE_INF || b1 == SC_RE_INF ? SC_RE_INF
										       : a1 + b1);
				continue;
			}
		}
		v.v[j++] = v.v[i];
	}
	v.n = j;
	if (v.n == 0) {
		x = rx_empty(e);
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

static struct rx *rx_cat(struct em *e, struct rx *a, struct rx *b)
{
	struct rx *k[2] = {a, b};

	return rx_catv(e, k, 2);
}

static struct rx *rx_cat3(struct em *e, struct rx *a, struct rx *b, struct rx *c)
{
	struct rx *k[3] = {a, b, c};

	return rx_catv(e, k, 3);
}

static struct rx *rx_altv(struct em *e, struct rx *const *kids, size_t n);

/* Part of CAT x: kids [from, to) (x itself when it is not a CAT and the range is [0, 1)). */
static struct rx *cat_part(struct em *e, struct rx *x, uint32_t from, uint32_t to)
{
	if (x->k != RX_CAT)
		return from < to ? x : rx_empty(e);
	return rx_catv(e, x->kids + from, to - from);
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

		kv_push(&v, same_first ? cat_part(e, kids[i], 1, nk) : cat_part(e, kids[i], 0, nk - 1));
	}
	y = rx_altv(e, v.v, v.n);
	free(v.v);
	return same_first ? rx_cat(e, first, y) : rx_cat(e, y, last);
}

static struct rx *rx_altv(struct em *e, struct rx *const *kids, size_t n)
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
				sets = have_set ? rs_union(e, sets, k->set) : k->set;
				if (!have_set) {
					setpos = v.n;
					kv_push(&v, k);
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
				kv_push(&v, k);
		}
	}
	if (have_set)
		v.v[setpos] = rx_set(e, sets);
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
			kv_push(&v, rx_empty(e));
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

static struct rx *rx_alt(struct em *e, struct rx *a, struct rx *b)
{
	struct rx *k[2] = {a, b};

	return rx_altv(e, k, 2);
}

static struct rx *rx_rep(struct em *e, struct rx *x, uint32_t min, uint32_t max)
{
	struct rx p = {.k = RX_REP};

	if (max != SC_RE_INF && min > max)
		return NULL;
	if (!x)
		return min == 0 ? rx_empty(e) : NULL;
	if (x->k == RX_EMPTY || max == 0)
		return rx_empty(e);
	if (min == 1 && max == 1)
		return x;
	/* (y*)* and friends: y{a,inf}{b,c} with a <= 1 is y{a*b,inf} or y* */
	if (x->k == RX_REP && x->max == SC_RE_INF && x->min <= 1 && max == SC_RE_INF && !x->has_assert)
		return rx_rep(e, x->kids[0], x->min * min, SC_RE_INF);
	p.kids = &x;
	p.nkids = 1;
	p.min = min;
	p.max = max;
	return intern(e, &p);
}

/* ---------------------------------------------------------------- */
/* Lowering the parser's AST                                         */

static struct rx *lower(struct em *e, const struct sc_re_node *n);

static struct rx *lower_kids(struct em *e, const struct sc_re_node *n, bool alt)
{
	struct kidv v = {0};
	struct rx *x;
	uint32_t i;

	for (i = 0; i < n->nkids; i++)
		kv_push(&v, lower(e, n->kids[i]));
	x = alt ? rx_altv(e, v.v, v.n) : rx_catv(e, v.v, v.n);
	free(v.v);
	return x;
}

static struct rset no_surrogates(struct em *e, struct rset s)
{
	return rs_inter(e, s, e->anyset);
}

static struct rx *lower(struct em *e, const struct sc_re_node *n)
{
	uint32_t cps[8];
	struct rvec v = {0};
	size_t k, i;

	if (e->failed)
		return NULL;
	switch (n->op) {
	case SC_RE_EMPTY:
		return rx_empty(e);
	case SC_RE_CHAR:
		if (n->name) {
			fail(e, "\\N{%s} is not supported", n->name);
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
			rv_push(&v, cps[i], cps[i]);
		return rx_set(e, no_surrogates(e, rv_finish(e, &v)));
	case SC_RE_CLASS:
		return rx_set(e, no_surrogates(e, rs_make(e, n->ranges, n->nranges)));
	case SC_RE_ANY:
		if (n->dotall)
			return rx_set(e, e->anyset);
		return rx_set(e, rs_diff(e, e->anyset, rs_range(e, '\n', '\n')));
	case SC_RE_CONCAT:
		return lower_kids(e, n, false);
	case SC_RE_ALT:
		return lower_kids(e, n, true);
	case SC_RE_GROUP:
		return lower(e, n->kids[0]);
	case SC_RE_REPEAT:
		if (n->max != SC_RE_INF && n->max > SC_RE_MAX_COUNT) {
			fail(e, "counted repetition above %u", SC_RE_MAX_COUNT);
			return NULL;
		}
		return rx_rep(e, lower(e, n->kids[0]), n->min, n->max);
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
		fail(e, "backreferences are not supported (no DFA can match them)");
		return NULL;
	case SC_RE_LOOK:
		fail(e, "%s%s is not supported", n->behind ? "lookbehind" : "lookahead",
		     n->negate ? " (negative)" : "");
		return NULL;
	case SC_RE_ATOMIC:
		fail(e, "atomic groups and possessive quantifiers are not supported");
		return NULL;
	case SC_RE_COND:
		fail(e, "conditional groups are not supported");
		return NULL;
	}
	fail(e, "unknown regex construct");
	return NULL;
}

/* ---------------------------------------------------------------- */
/* Search simplification (step 2)                                    */

static struct rx *strip_edge(struct em *e, struct rx *x, bool front)
{
	struct kidv v = {0};
	struct rx *y;
	size_t i, n;

	if (!x)
		return NULL;
	switch (x->k) {
	case RX_REP:
		if (x->max != x->min)
			return x->min == 0 ? rx_empty(e) : rx_rep(e, x->kids[0], x->min, x->min);
		return x;
	case RX_ALT:
		for (i = 0; i < x->nkids; i++)
			kv_push(&v, strip_edge(e, x->kids[i], front));
		y = rx_altv(e, v.v, v.n);
		free(v.v);
		return y;
	case RX_CAT:
		n = x->nkids;
		for (i = 0; i < n; i++)
			kv_push(&v, x->kids[i]);
		if (front) {
			for (i = 0; i < n; i++) {
				v.v[i] = strip_edge(e, v.v[i], true);
				if (!v.v[i] || v.v[i]->k != RX_EMPTY)
					break;
			}
		} else {
			for (i = n; i-- > 0;) {
				v.v[i] = strip_edge(e, v.v[i], false);
				if (!v.v[i] || v.v[i]->k != RX_EMPTY)
					break;
			}
		}
		y = rx_catv(e, v.v, v.n);
		free(v.v);
		return y;
	default:
		return x;
	}
}

/* Can x match the empty text (n == 0)? Python's \B fails there. */
static bool empty_text_match(const struct rx *x)
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
			if (!empty_text_match(x->kids[i]))
				return false;
		return true;
	case RX_ALT:
		for (i = 0; i < x->nkids; i++)
			if (empty_text_match(x->kids[i]))
				return true;
		return false;
	case RX_REP:
		return x->min == 0 || empty_text_match(x->kids[0]);
	}
	return false;
}

/* ---------------------------------------------------------------- */
/* Kinds and contexts                                                */

static void scan_asserts(struct em *e, const struct rx *x)
{
	uint32_t i;

	if (!x || !x->has_assert)
		return;
	if (x->k == RX_ASSERT) {
		switch (x->at) {
		case AT_BOL_M:
		case AT_EOL:
		case AT_EOL_M:
			e->need_nl = true;
			break;
		case AT_B:
		case AT_NB:
			e->need_wu = true;
			break;
		case AT_B_A:
		case AT_NB_A:
			e->need_wa = true;
			break;
		default:
			break;
		}
		return;
	}
	for (i = 0; i < x->nkids; i++)
		scan_asserts(e, x->kids[i]);
}

static struct rset word_set(struct em *e)
{
	size_t n, i;
	const uint32_t(*t)[2] = sc_ucd_ranges(SC_UCD_WORD, &n);
	struct rvec v = {0};

	for (i = 0; i < n; i++)
		rv_push(&v, t[i][0], t[i][1]);
	return no_surrogates(e, rv_finish(e, &v));
}

static struct rset ascii_word_set(struct em *e)
{
	static const struct sc_re_range r[] = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};

	return rs_make(e, r, 4);
}

static void add_kind(struct em *e, struct rset s, unsigned flags)
{
	if (s.n == 0)
		return;
	e->kset[e->nkinds] = s;
	e->kflags[e->nkinds] = flags;
	if (flags & KF_NL)
		e->nl_kind = (int)e->nkinds;
	e->nkinds++;
}

static void setup_kinds(struct em *e)
{
	struct rset rest = e->anyset, nl = rs_range(e, '\n', '\n');

	e->nkinds = 0;
	e->nl_kind = -1;
	if (e->need_nl) {
		add_kind(e, nl, KF_NL);
		rest = rs_diff(e, rest, nl);
	}
	if (e->need_wu || e->need_wa) {
		struct rset aw = ascii_word_set(e), wu = word_set(e);

		if (e->need_wu && e->need_wa) {
			add_kind(e, aw, KF_WU | KF_WA);
			add_kind(e, rs_diff(e, wu, aw), KF_WU);
			rest = rs_diff(e, rest, wu);
		} else if (e->need_wu) {
			add_kind(e, wu, KF_WU);
			rest = rs_diff(e, rest, wu);
		} else {
			add_kind(e, aw, KF_WA);
			rest = rs_diff(e, rest, aw);
		}
	}
	add_kind(e, rest, 0);
	e->eot_bit = 1u << e->nkinds;
	e->nlf_bit = e->nl_kind >= 0 ? 1u << (e->nkinds + 1) : 0;
	e->all = (e->eot_bit << 1) - 1;
	e->all |= e->nlf_bit;
}

/* Contexts: a kind index, PREV_BOT (start), or for the next side EOT / NLF. */
#define CTX_EOT 100u
#define CTX_NLF 101u

static bool ctx_word(const struct em *e, unsigned c, bool ascii)
{
	if (c >= e->nkinds)
		return false;
	return (e->kflags[c] & (ascii ? KF_WA : KF_WU)) != 0;
}

static bool ctx_nl(const struct em *e, unsigned c)
{
	return c == CTX_NLF || (c < e->nkinds && (e->kflags[c] & KF_NL));
}

static bool truth(const struct em *e, enum at at, unsigned prev, unsigned next)
{
	switch (at) {
	case AT_BOT:
	case AT_BOL:
		return prev == PREV_BOT;
	case AT_BOL_M:
		return prev == PREV_BOT || ctx_nl(e, prev);
	case AT_EOT:
		return next == CTX_EOT;
	case AT_EOL:
		return next == CTX_EOT || next == CTX_NLF;
	case AT_EOL_M:
		return next == CTX_EOT || ctx_nl(e, next);
	case AT_B:
	case AT_B_A:
		return ctx_word(e, prev, at == AT_B_A) != ctx_word(e, next, at == AT_B_A);
	case AT_NB:
	case AT_NB_A:
		return ctx_word(e, prev, at == AT_NB_A) == ctx_word(e, next, at == AT_NB_A);
	}
	return false;
}

/* The next-contexts allowed after assertion at when the previous context is prev. */
static unsigned at_mask(const struct em *e, enum at at, unsigned prev)
{
	unsigned m = 0, k;

	for (k = 0; k < e->nkinds; k++)
		if (truth(e, at, prev, k))
			m |= 1u << k;
	if (truth(e, at, prev, CTX_EOT))
		m |= e->eot_bit;
	if (e->nlf_bit && truth(e, at, prev, CTX_NLF))
		m |= e->nlf_bit;
	return m;
}

/* Consume a code point of kind k with pending set pend; false if not allowed. */
static bool consume(const struct em *e, unsigned pend, unsigned k, unsigned *npend)
{
	if ((int)k == e->nl_kind) {
		bool a = pend & (1u << k), b = pend & e->nlf_bit;

		if (!a && !b)
			return false;
		*npend = a && b ? e->all : a ? e->all & ~e->eot_bit : e->eot_bit;
		return true;
	}
	if (!(pend & (1u << k)))
		return false;
	*npend = e->all;
	return true;
}

/* ---------------------------------------------------------------- */
/* The assertion product (step 3)                                    */

static void ov_add(struct em *e, struct outv *o, uint16_t st, struct rx *r)
{
	uint32_t i;

	if (!r)
		return;
	for (i = 0; i < o->n; i++) {
		if (o->v[i].st == st) {
			o->v[i].r = rx_alt(e, o->v[i].r, r);
			return;
		}
	}
	if (o->n == o->cap) {
		o->cap = o->cap ? 2 * o->cap : 4;
		o->v = sc_xreallocarray(o->v, o->cap, sizeof(*o->v));
	}
	o->v[o->n].st = st;
	o->v[o->n].r = r;
	o->n++;
}

static void ov_free(struct outv *o)
{
	free(o->v);
	o->v = NULL;
	o->n = o->cap = 0;
}

/* Keep the previous kind only where x or what follows can look at it. */
static uint16_t norm(uint16_t st, const struct rx *x, bool follow)
{
	if (x->first_look || (x->nullable && follow))
		return st;
	return ST(PREV_UNK, ST_PEND(st));
}

static struct outv apply(struct em *e, struct rx *x, uint16_t st, bool follow);

static struct memo *memo_slot(struct em *e, struct rx *x, uint16_t st, bool follow, bool *found)
{
	uint32_t h = mix(mix(x->id, st), follow);
	size_t j;

	if (2 * (e->nmemo + 1) > e->memocap) {
		size_t ncap = e->memocap ? 2 * e->memocap : 1024, i;
		struct memo *nm = calloc(ncap, sizeof(*nm));

		if (!nm)
			sc_oom();
		for (i = 0; i < e->memocap; i++) {
			struct memo *m = &e->memo[i];

			if (!m->used)
				continue;
			h = mix(mix(m->x->id, m->st), m->follow);
			for (j = h & (ncap - 1); nm[j].used; j = (j + 1) & (ncap - 1))
				;
			nm[j] = *m;
		}
		free(e->memo);
		e->memo = nm;
		e->memocap = ncap;
		h = mix(mix(x->id, st), follow);
	}
	for (j = h & (e->memocap - 1); e->memo[j].used; j = (j + 1) & (e->memocap - 1)) {
		struct memo *m = &e->memo[j];

		if (m->x == x && m->st == st && m->follow == follow) {
			*found = true;
			return m;
		}
	}
	*found = false;
	return &e->memo[j];
}

static struct outv ov_copy(const struct outv *o)
{
	struct outv c = {0};

	if (o->n) {
		c.v = sc_xreallocarray(NULL, o->n, sizeof(*c.v));
		memcpy(c.v, o->v, o->n * sizeof(*c.v));
		c.n = c.cap = o->n;
	}
	return c;
}

static struct outv apply_set(struct em *e, struct rx *x, uint16_t st, bool follow)
{
	struct outv o = {0};
	unsigned k, pend = ST_PEND(st), np;

	for (k = 0; k < e->nkinds; k++) {
		struct rset s;

		if (!consume(e, pend, k, &np))
			continue;
		s = rs_inter(e, x->set, e->kset[k]);
		if (s.n == 0)
			continue;
		ov_add(e, &o, ST(follow ? k : PREV_UNK, np), rx_set(e, s));
	}
	return o;
}

static struct outv apply_cat(struct em *e, struct rx *x, uint16_t st, bool follow)
{
	uint32_t n = x->nkids, i, j;
	bool *fol = sc_xreallocarray(NULL, n + 1, sizeof(*fol));
	struct outv cur = {0}, grp = {0}, nxt = {0};

	/* fol[i]: can an assertion that looks back follow kid i before the next code point? */
	fol[n] = follow;
	for (i = n; i-- > 0;)
		fol[i] = x->kids[i]->first_look || (x->kids[i]->nullable && fol[i + 1]);
	ov_add(e, &cur, st, rx_empty(e));
	for (i = 0; i < n && cur.n; i++) {
		struct rx *k = x->kids[i];

		for (j = 0; j < cur.n; j++)
			ov_add(e, &grp, norm(cur.v[j].st, k, fol[i + 1]), cur.v[j].r);
		for (j = 0; j < grp.n; j++) {
			struct outv r = apply(e, k, grp.v[j].st, fol[i + 1]);
			uint32_t m;

			for (m = 0; m < r.n; m++)
				ov_add(e, &nxt, r.v[m].st, rx_cat(e, grp.v[j].r, r.v[m].r));
			ov_free(&r);
		}
		ov_free(&cur);
		ov_free(&grp);
		cur = nxt;
		nxt = (struct outv){0};
	}
	if (i < n)
		ov_free(&cur);
	free(fol);
	return cur;
}

/* Paths through a star over the states reachable from start (Kleene). */
static void apply_kleene(struct em *e, struct rx *body, bool fb, const struct outv *start,
			 struct outv *res)
{
	uint16_t q[KLEENE_LIMIT];
	struct rx *m[KLEENE_LIMIT][KLEENE_LIMIT] = {{NULL}};
	struct outv fin[KLEENE_LIMIT];
	struct rx *a[KLEENE_LIMIT] = {NULL};
	uint32_t nq = 0, i, j, kk, t;

	for (i = 0; i < start->n; i++) {
		uint16_t u = norm(start->v[i].st, body, fb);

		for (j = 0; j < nq && q[j] != u; j++)
			;
		if (j == nq) {
			if (nq == KLEENE_LIMIT)
				goto too_big;
			q[nq++] = u;
		}
		a[j] = rx_alt(e, a[j], start->v[i].r);
	}
	for (i = 0; i < nq; i++) {
		fin[i] = apply(e, body, q[i], fb);
		for (t = 0; t < fin[i].n; t++) {
			uint16_t v = norm(fin[i].v[t].st, body, fb);

			for (j = 0; j < nq && q[j] != v; j++)
				;
			if (j == nq) {
				if (nq == KLEENE_LIMIT) {
					for (j = 0; j <= i; j++)
						ov_free(&fin[j]);
					goto too_big;
				}
				q[nq++] = v;
			}
			m[i][j] = rx_alt(e, m[i][j], fin[i].v[t].r);
		}
	}
	/* m := m+ (Kleene), then paths a[i] m*[i][j] fin[j] */
	for (kk = 0; kk < nq; kk++) {
		struct rx *star = rx_rep(e, m[kk][kk], 0, SC_RE_INF);

		for (i = 0; i < nq; i++) {
			if (!m[i][kk])
				continue;
			for (j = 0; j < nq; j++)
				if (m[kk][j])
					m[i][j] = rx_alt(e, m[i][j],
							 rx_cat3(e, m[i][kk], star, m[kk][j]));
		}
	}
	for (i = 0; i < nq; i++) {
		if (!a[i])
			continue;
		for (j = 0; j < nq; j++) {
			struct rx *path = i == j ? rx_alt(e, rx_empty(e), m[i][j]) : m[i][j];

			if (!path)
				continue;
			for (t = 0; t < fin[j].n; t++)
				ov_add(e, res, fin[j].v[t].st, rx_cat3(e, a[i], path, fin[j].v[t].r));
		}
	}
	for (i = 0; i < nq; i++)
		ov_free(&fin[i]);
	return;
too_big:
	fail(e, "repetition around assertions needs more than %u context states",
	     KLEENE_LIMIT);
}

static struct outv apply_rep(struct em *e, struct rx *x, uint16_t st, bool follow)
{
	struct rx *body = x->kids[0];
	bool fb = body->first_look || follow;
	struct outv res = {0}, p = {0}, grp = {0}, nxt = {0};
	uint32_t i = 0, steps = 0, j, t;

	ov_add(e, &p, st, rx_empty(e));
	if (x->min == 0)
		ov_add(e, &res, st, rx_empty(e));
	while ((x->max == SC_RE_INF || i < x->max) && p.n && !e->failed) {
		for (j = 0; j < p.n; j++)
			ov_add(e, &grp, norm(p.v[j].st, body, fb), p.v[j].r);
		if (grp.n == 1) {
			/* closed form when every further iteration starts in state u */
			uint16_t u = grp.v[0].st;
			struct outv tr = apply(e, body, u, fb);
			struct rx *loop = NULL;
			bool closed = true;

			for (t = 0; t < tr.n && closed; t++) {
				uint16_t v = norm(tr.v[t].st, body, fb);

				if (v == u) {
					loop = rx_alt(e, loop, tr.v[t].r);
				} else {
					struct outv d = apply(e, body, v, fb);

					closed = d.n == 0;
					ov_free(&d);
				}
			}
			if (closed) {
				uint32_t lo = x->min > i + 1 ? x->min - i : 1;
				uint32_t hi = x->max == SC_RE_INF ? SC_RE_INF : x->max - i;

				if (lo <= hi) {
					struct rx *mid = rx_rep(
						e, loop, lo - 1, hi == SC_RE_INF ? SC_RE_INF : hi - 1);

					for (t = 0; t < tr.n; t++)
						ov_add(e, &res, tr.v[t].st,
						       rx_cat3(e, grp.v[0].r, mid, tr.v[t].r));
				}
				ov_free(&tr);
				ov_free(&grp);
				goto done;
			}
			ov_free(&tr);
		}
		if (x->max == SC_RE_INF && i >= x->min && steps >= 2) {
			apply_kleene(e, body, fb, &p, &res);
			ov_free(&grp);
			goto done;
		}
		if (++steps > UNROLL_LIMIT) {
			fail(e, "counted repetition around assertions is too large to unroll");
			ov_free(&grp);
			goto done;
		}
		for (j = 0; j < grp.n; j++) {
			struct outv r = apply(e, body, grp.v[j].st, fb);

			for (t = 0; t < r.n; t++)
				ov_add(e, &nxt, r.v[t].st, rx_cat(e, grp.v[j].r, r.v[t].r));
			ov_free(&r);
		}
		ov_free(&grp);
		ov_free(&p);
		p = nxt;
		nxt = (struct outv){0};
		i++;
		if (i >= x->min)
			for (j = 0; j < p.n; j++)
				ov_add(e, &res, p.v[j].st, p.v[j].r);
	}
done:
	ov_free(&p);
	return res;
}

/*
 * The matches of x entered in context state st, by the state they leave:
 * a list of (state, assertion-free rx). follow: an assertion may come after
 * x before the next code point (so the kind of x's last one matters).
 */
static struct outv apply(struct em *e, struct rx *x, uint16_t st, bool follow)
{
	struct outv o = {0}, fin = {0};
	struct memo *m;
	bool found;
	uint32_t i;

	st = norm(st, x, follow);
	if (e->failed)
		return o;
	if (++e->work > WORK_LIMIT) {
		fail(e, "assertions make the regex too complex to translate");
		return o;
	}
	if (!x->has_assert && ST_PEND(st) == e->all && !follow) {
		ov_add(e, &o, ST(PREV_UNK, e->all), x);
		return o;
	}
	m = memo_slot(e, x, st, follow, &found);
	if (found)
		return ov_copy(&m->res);
	switch (x->k) {
	case RX_EMPTY:
		ov_add(e, &o, st, x);
		break;
	case RX_SET:
		o = apply_set(e, x, st, follow);
		break;
	case RX_ASSERT: {
		unsigned prev = ST_PREV(st), np;

		if (prev == PREV_UNK && at_looks_back(x->at)) {
			fail(e, "internal error: assertion without context");
			break;
		}
		np = ST_PEND(st) & at_mask(e, x->at, prev);
		if (np)
			ov_add(e, &o, ST(prev, np), rx_empty(e));
		break;
	}
	case RX_CAT:
		o = apply_cat(e, x, st, follow);
		break;
	case RX_ALT:
		for (i = 0; i < x->nkids; i++) {
			struct outv r = apply(e, x->kids[i], st, follow);
			uint32_t j;

			for (j = 0; j < r.n; j++)
				ov_add(e, &o, r.v[j].st, r.v[j].r);
			ov_free(&r);
		}
		break;
	case RX_REP:
		o = apply_rep(e, x, st, follow);
		break;
	}
	/* what follows cannot see the previous kind: forget it */
	for (i = 0; i < o.n; i++)
		ov_add(e, &fin, follow ? o.v[i].st : ST(PREV_UNK, ST_PEND(o.v[i].st)), o.v[i].r);
	ov_free(&o);
	/* the table may have moved during the recursion */
	m = memo_slot(e, x, st, follow, &found);
	if (!found) {
		m->used = true;
		m->x = x;
		m->st = st;
		m->follow = follow;
		m->res = ov_copy(&fin);
		e->nmemo++;
	}
	return fin;
}

/* ---------------------------------------------------------------- */
/* Non-empty part of an assertion-free rx                            */

static struct rx *nonempty(struct em *e, struct rx *x)
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
			kv_push(&v, nonempty(e, x->kids[i]));
		y = rx_altv(e, v.v, v.n);
		free(v.v);
		return y;
	case RX_CAT:
		rest = x->nkids == 2 ? x->kids[1] : rx_catv(e, x->kids + 1, x->nkids - 1);
		y = rx_cat(e, nonempty(e, x->kids[0]), rest);
		if (x->kids[0]->nullable)
			y = rx_alt(e, y, nonempty(e, rest));
		return y;
	case RX_REP:
		return rx_cat(e, nonempty(e, x->kids[0]),
			      rx_rep(e, x->kids[0], x->min ? x->min - 1 : 0,
				     x->max == SC_RE_INF ? SC_RE_INF : x->max - 1));
	}
	return NULL;
}

/* ---------------------------------------------------------------- */
/* DFA size estimate: Thompson NFA over code point classes, subsets  */

struct nst {
	struct rx *set; /* char state: the SET; else NULL */
	uint32_t out1, out2;
	uint8_t kind; /* 0 epsilon (out1, out2 or UINT32_MAX), 1 char, 2 match */
};

struct nfa {
	struct nst *s;
	uint32_t n, cap;
	bool over;
};

#define NONE UINT32_MAX

static uint32_t nfa_new(struct nfa *f, uint8_t kind, struct rx *set, uint32_t o1, uint32_t o2)
{
	if (f->n >= NFA_LIMIT) {
		f->over = true;
		return 0;
	}
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 256;
		f->s = sc_xreallocarray(f->s, f->cap, sizeof(*f->s));
	}
	f->s[f->n] = (struct nst){set, o1, o2, kind};
	return f->n++;
}

/* Build x in front of state target; returns the entry state. */
static uint32_t nfa_build(struct nfa *f, struct rx *x, uint32_t target)
{
	uint32_t i, entry, l, body;

	if (f->over)
		return 0;
	switch (x->k) {
	case RX_EMPTY:
	case RX_ASSERT:
		return target;
	case RX_SET:
		return nfa_new(f, 1, x, target, NONE);
	case RX_CAT:
		for (i = x->nkids; i-- > 0;)
			target = nfa_build(f, x->kids[i], target);
		return target;
	case RX_ALT:
		entry = nfa_build(f, x->kids[x->nkids - 1], target);
		for (i = x->nkids - 1; i-- > 0;)
			entry = nfa_new(f, 0, NULL, nfa_build(f, x->kids[i], target), entry);
		return entry;
	case RX_REP:
		entry = target;
		if (x->max == SC_RE_INF) {
			l = nfa_new(f, 0, NULL, NONE, target);
			if (f->over)
				return 0;
			/* f->s may move while the body is built */
			body = nfa_build(f, x->kids[0], l);
			f->s[l].out1 = body;
			entry = l;
		} else {
			for (i = x->min; i < x->max && !f->over; i++)
				entry = nfa_new(f, 0, NULL, nfa_build(f, x->kids[0], entry), target);
		}
		for (i = 0; i < x->min && !f->over; i++)
			entry = nfa_build(f, x->kids[0], entry);
		return entry;
	}
	return target;
}

/* Alphabet: classes of code points that no SET of the NFA tells apart. */
struct alpha {
	struct rx **sets; /* distinct SETs */
	uint32_t nsets;
	uint32_t **cls; /* per set: class ids */
	uint32_t *ncls;
	uint32_t nclasses;
	int32_t byteclass[256]; /* class of each symbol (0..255), or -1 */
};

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void alpha_build(struct alpha *al, struct nfa *f)
{
	uint32_t i, j, nb = 0, *b, nwords, *sig, *sigmap, nsig = 0;
	size_t cap = 0;

	memset(al, 0, sizeof(*al));
	memset(al->byteclass, 0xFF, sizeof(al->byteclass));
	for (i = 0; i < f->n; i++) {
		struct rx *s = f->s[i].set;

		if (!s || s->mark == UINT32_MAX)
			continue;
		s->mark = UINT32_MAX;
		if (al->nsets == cap) {
			cap = cap ? 2 * cap : 16;
			al->sets = sc_xreallocarray(al->sets, cap, sizeof(*al->sets));
		}
		al->sets[al->nsets++] = s;
	}
	for (i = 0; i < al->nsets; i++)
		nb += 2 * al->sets[i]->set.n;
	b = sc_xreallocarray(NULL, nb + 1, sizeof(*b));
	nb = 0;
	for (i = 0; i < al->nsets; i++) {
		const struct rset *s = &al->sets[i]->set;

		al->sets[i]->mark = i; /* index, for the sweep */
		for (j = 0; j < s->n; j++) {
			b[nb++] = s->r[j].lo;
			b[nb++] = s->r[j].hi + 1;
		}
	}
	qsort(b, nb, sizeof(*b), cmp_u32);
	for (i = j = 0; i < nb; i++)
		if (j == 0 || b[j - 1] != b[i])
			b[j++] = b[i];
	nb = j;
	/* elementary intervals [b[i], b[i+1]): signature = sets containing them */
	nwords = (al->nsets + 31) / 32;
	sig = calloc((size_t)(nb ? nb : 1) * (nwords ? nwords : 1), sizeof(*sig));
	sigmap = calloc(nb ? nb : 1, sizeof(*sigmap));
	if (!sig || !sigmap)
		sc_oom();
	for (i = 0; i < al->nsets; i++) {
		const struct rset *s = &al->sets[i]->set;
		uint32_t k = 0;

		for (j = 0; j < s->n; j++) {
			while (k < nb && b[k] < s->r[j].lo)
				k++;
			for (; k < nb && b[k] <= s->r[j].hi; k++)
				sig[(size_t)k * nwords + i / 32] |= 1u << (i % 32);
		}
	}
	/* class id per distinct non-empty signature (quadratic in the worst case, small here) */
	{
		uint32_t *rep = sc_xreallocarray(NULL, nb ? nb : 1, sizeof(*rep));

		for (i = 0; i + 1 < nb; i++) {
			uint32_t w, c;
			bool empty = true;

			for (w = 0; w < nwords; w++)
				empty &= sig[(size_t)i * nwords + w] == 0;
			if (empty) {
				sigmap[i] = UINT32_MAX;
				continue;
			}
			for (c = 0; c < nsig; c++)
				if (memcmp(&sig[(size_t)rep[c] * nwords], &sig[(size_t)i * nwords],
					   nwords * sizeof(*sig)) == 0)
					break;
			if (c == nsig)
				rep[nsig++] = i;
			sigmap[i] = c;
			for (w = b[i]; w < b[i + 1] && w < 256; w++)
				al->byteclass[w] = (int32_t)c;
		}
		al->nclasses = nsig;
		al->cls = calloc(al->nsets ? al->nsets : 1, sizeof(*al->cls));
		al->ncls = calloc(al->nsets ? al->nsets : 1, sizeof(*al->ncls));
		if (!al->cls || !al->ncls)
			sc_oom();
		for (i = 0; i < al->nsets; i++) {
			uint32_t c;

			al->cls[i] = sc_xreallocarray(NULL, nsig ? nsig : 1, sizeof(uint32_t));
			for (c = 0; c < nsig; c++)
				if (sig[(size_t)rep[c] * nwords + i / 32] & (1u << (i % 32)))
					al->cls[i][al->ncls[i]++] = c;
		}
		free(rep);
	}
	free(sig);
	free(sigmap);
	free(b);
}

static void alpha_free(struct alpha *al)
{
	uint32_t i;

	for (i = 0; i < al->nsets; i++) {
		al->sets[i]->mark = 0;
		free(al->cls[i]);
	}
	free(al->sets);
	free(al->cls);
	free(al->ncls);
}

struct dstate {
	uint32_t *pos;
	uint32_t n;
	uint32_t hash;
};

struct subset {
	struct nfa *f;
	uint32_t *mark, epoch;
	uint32_t *stack;
	struct dstate *st;
	uint32_t nst, capst;
	uint32_t *tab;
	size_t tabcap;
	uint64_t work;
};

/* Sorted char states (and the match state) reachable from seeds by epsilons. */
static void closure(struct subset *ss, const uint32_t *seeds, uint32_t nseeds, uint32_t **out,
		    uint32_t *nout)
{
	struct nfa *f = ss->f;
	uint32_t sp = 0, n = 0, i;
	uint32_t *res = NULL;
	size_t cap = 0;

	ss->epoch++;
	for (i = 0; i < nseeds; i++)
		ss->stack[sp++] = seeds[i];
	while (sp) {
		uint32_t q = ss->stack[--sp];

		if (q == NONE || ss->mark[q] == ss->epoch)
			continue;
		ss->mark[q] = ss->epoch;
		if (f->s[q].kind == 0) {
			ss->stack[sp++] = f->s[q].out2;
			ss->stack[sp++] = f->s[q].out1;
			continue;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			res = sc_xreallocarray(res, cap, sizeof(*res));
		}
		res[n++] = q;
	}
	qsort(res, n, sizeof(*res), cmp_u32);
	*out = res;
	*nout = n;
}

static uint32_t ds_hash(const uint32_t *p, uint32_t n)
{
	uint32_t h = 0x12345u, i;

	for (i = 0; i < n; i++)
		h = mix(h, p[i]);
	return mix(h, n);
}

/* Index of the DFA state with these positions; adds it (taking pos) if new. */
static uint32_t ds_find(struct subset *ss, uint32_t *pos, uint32_t n, bool *added)
{
	uint32_t h = ds_hash(pos, n);
	size_t j;

	if (2 * (ss->nst + 1) > ss->tabcap) {
		size_t ncap = ss->tabcap ? 2 * ss->tabcap : 1024, i;
		uint32_t *nt = malloc(ncap * sizeof(*nt));

		if (!nt)
			sc_oom();
		memset(nt, 0xFF, ncap * sizeof(*nt));
		for (i = 0; i < ss->nst; i++) {
			for (j = ss->st[i].hash & (ncap - 1); nt[j] != NONE; j = (j + 1) & (ncap - 1))
				;
			nt[j] = (uint32_t)i;
		}
		free(ss->tab);
		ss->tab = nt;
		ss->tabcap = ncap;
	}
	for (j = h & (ss->tabcap - 1); ss->tab[j] != NONE; j = (j + 1) & (ss->tabcap - 1)) {
		struct dstate *d = &ss->st[ss->tab[j]];

		if (d->hash == h && d->n == n && memcmp(d->pos, pos, n * sizeof(*pos)) == 0) {
			*added = false;
			return ss->tab[j];
		}
	}
	if (ss->nst == ss->capst) {
		ss->capst = ss->capst ? 2 * ss->capst : 256;
		ss->st = sc_xreallocarray(ss->st, ss->capst, sizeof(*ss->st));
	}
	ss->st[ss->nst] = (struct dstate){pos, n, h};
	ss->tab[j] = ss->nst;
	*added = true;
	return ss->nst++;
}

struct est {
	uint32_t states; /* DFA states (before minimization) */
	uint64_t cost;	 /* sum over states of 1 + symbol ranges with a transition */
	bool over;	 /* a limit was reached: the figures are lower bounds */
};

/*
 * Subset construction of the class-level rx x as re2c does it (longest
 * match from the start, no minimization), stopping at DFA_LIMIT states,
 * DFA_WORK_LIMIT work or DFA_COST_LIMIT cost.
 */
static struct est dfa_estimate(struct rx *x)
{
	struct nfa f = {0};
	struct alpha al;
	struct subset ss = {0};
	struct est res = {0, 0, false};
	uint32_t start, fin, i, **bucket, *nbucket, *capb, *touched, ntouched, *ctarget;
	uint32_t *pos, npos;
	bool added;

	if (!x)
		return res;
	fin = nfa_new(&f, 2, NULL, NONE, NONE);
	start = nfa_build(&f, x, fin);
	if (f.over) {
		free(f.s);
		res.over = true;
		return res;
	}
	alpha_build(&al, &f);
	ss.f = &f;
	ss.mark = calloc(f.n, sizeof(*ss.mark));
	ss.stack = malloc((3 * (size_t)f.n + 8) * sizeof(*ss.stack));
	bucket = calloc(al.nclasses + 1, sizeof(*bucket));
	nbucket = calloc(al.nclasses + 1, sizeof(*nbucket));
	capb = calloc(al.nclasses + 1, sizeof(*capb));
	touched = malloc((al.nclasses + 1) * sizeof(*touched));
	ctarget = malloc((al.nclasses + 1) * sizeof(*ctarget));
	if (!ss.mark || !ss.stack || !bucket || !nbucket || !capb || !touched || !ctarget)
		sc_oom();
	memset(ctarget, 0xFF, (al.nclasses + 1) * sizeof(*ctarget));
	closure(&ss, &start, 1, &pos, &npos);
	ds_find(&ss, pos, npos, &added);
	for (i = 0; i < ss.nst && ss.nst <= DFA_LIMIT && ss.work <= DFA_WORK_LIMIT &&
		    res.cost <= DFA_COST_LIMIT;
	     i++) {
		struct dstate d = ss.st[i];
		uint32_t p, c, prev = NONE, bv;

		ss.work += d.n;
		ntouched = 0;
		for (p = 0; p < d.n; p++) {
			struct nst *q = &f.s[d.pos[p]];
			uint32_t si;

			if (q->kind != 1)
				continue;
			si = q->set->mark;
			for (c = 0; c < al.ncls[si]; c++) {
				uint32_t cl = al.cls[si][c];

				if (nbucket[cl] == 0)
					touched[ntouched++] = cl;
				if (nbucket[cl] == capb[cl]) {
					capb[cl] = capb[cl] ? 2 * capb[cl] : 8;
					bucket[cl] = sc_xreallocarray(bucket[cl], capb[cl],
								      sizeof(uint32_t));
				}
				bucket[cl][nbucket[cl]++] = q->out1;
			}
		}
		for (c = 0; c < ntouched; c++) {
			uint32_t cl = touched[c];

			closure(&ss, bucket[cl], nbucket[cl], &pos, &npos);
			nbucket[cl] = 0;
			ctarget[cl] = ds_find(&ss, pos, npos, &added);
			if (!added)
				free(pos);
		}
		/* the code re2c writes for a state is about its byte ranges */
		res.cost++;
		for (bv = 0; bv < 256; bv++) {
			int32_t cl = al.byteclass[bv];
			uint32_t t = cl >= 0 ? ctarget[cl] : NONE;

			if (t != NONE && t != prev)
				res.cost++;
			prev = t;
		}
		for (c = 0; c < ntouched; c++)
			ctarget[touched[c]] = NONE;
	}
	res.states = ss.nst;
	res.over = ss.nst > DFA_LIMIT || ss.work > DFA_WORK_LIMIT || res.cost > DFA_COST_LIMIT;
	for (i = 0; i < ss.nst; i++)
		free(ss.st[i].pos);
	for (i = 0; i <= al.nclasses; i++)
		free(bucket[i]);
	free(bucket);
	free(nbucket);
	free(capb);
	free(touched);
	free(ctarget);
	free(ss.st);
	free(ss.tab);
	free(ss.mark);
	free(ss.stack);
	alpha_free(&al);
	free(f.s);
	return res;
}


/* ---------------------------------------------------------------- */
/* Class alphabet: code point sets as sets of class ids              */

/*
 * re2c does not read bytes here. Each function's YYPEEK decodes the code
 * point at the cursor and maps it to a class id (1..nclass; 0 is the end
 * of the text, the eof sentinel), YYSKIP steps over the code point. The
 * classes are the elementary intervals of every code point set the
 * function's expressions use, merged when no set tells them apart, so a
 * set becomes a plain set of class ids and a DFA state has at most nclass
 * transitions. Encoding sets as UTF-8 byte sequences instead multiplies
 * the states by the decoding trees of Unicode classes (\w, \s, '.'): the
 * SigmaHQ corpus then needs millions of lines of C.
 *
 * Invalid UTF-8 (which the readers do not produce) decodes as in
 * tests/interp/re_match.c: one byte, U+FFFD.
 */
struct calpha {
	uint32_t *lo;	/* start of elementary interval i; interval i ends at lo[i + 1] */
	uint8_t *cls;	/* class id of interval i */
	uint32_t n;	/* intervals (lo[n] = CP_MAX + 1) */
	uint32_t nclass;
};

/* Collect the distinct SETs reachable from x (marked with the epoch). */
static void collect_sets(struct em *e, struct rx *x, struct kidv *sets)
{
	uint32_t i;

	if (!x || x->mark == e->epoch)
		return;
	x->mark = e->epoch;
	if (x->k == RX_SET)
		kv_push(sets, x);
	for (i = 0; i < x->nkids; i++)
		collect_sets(e, x->kids[i], sets);
}

/*
 * The alphabet of the expressions roots[0..nroots): -E2BIG (and e->failed)
 * when they need more than 255 classes.
 */
static int calpha_build(struct em *e, struct calpha *ca, struct rx *const *roots, size_t nroots)
{
	struct kidv sets = {0};
	uint32_t *b, nb = 0, i, j, nwords, *sig, *rep, nrep = 0;
	size_t k;

	memset(ca, 0, sizeof(*ca));
	e->epoch++;
	for (k = 0; k < nroots; k++)
		collect_sets(e, roots[k], &sets);
	b = sc_xreallocarray(NULL, 2, sizeof(*b));
	b[nb++] = 0;
	b[nb++] = CP_MAX + 1;
	for (i = 0; i < sets.n; i++) {
		const struct rset *s = &sets.v[i]->set;

		b = sc_xreallocarray(b, nb + 2 * (size_t)s->n, sizeof(*b));
		for (j = 0; j < s->n; j++) {
			b[nb++] = s->r[j].lo;
			b[nb++] = s->r[j].hi + 1;
		}
	}
	qsort(b, nb, sizeof(*b), cmp_u32);
	for (i = j = 0; i < nb; i++)
		if (j == 0 || b[j - 1] != b[i])
			b[j++] = b[i];
	nb = j; /* boundaries; intervals [b[i], b[i + 1]) for i < nb - 1 */
	nwords = (uint32_t)(sets.n + 32) / 32;
	sig = calloc((size_t)nb * nwords, sizeof(*sig));
	rep = calloc(nb, sizeof(*rep));
	ca->cls = calloc(nb, 1);
	if (!sig || !rep || !ca->cls)
		sc_oom();
	for (i = 0; i < sets.n; i++) {
		const struct rset *s = &sets.v[i]->set;
		uint32_t lo = 0;

		for (j = 0; j < s->n; j++) {
			uint32_t hi = nb - 1, at;

			/* first boundary >= s->r[j].lo */
			while (lo < hi) {
				uint32_t mid = lo + (hi - lo) / 2;

				if (b[mid] < s->r[j].lo)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (at = lo; at + 1 < nb && b[at] <= s->r[j].hi; at++)
				sig[(size_t)at * nwords + i / 32] |= 1u << (i % 32);
		}
	}
	/* class ids in order of first appearance: deterministic output */
	for (i = 0; i + 1 < nb; i++) {
		uint32_t c;

		for (c = 0; c < nrep; c++)
			if (!memcmp(&sig[(size_t)rep[c] * nwords], &sig[(size_t)i * nwords],
				    nwords * sizeof(*sig)))
				break;
		if (c == nrep) {
			if (nrep == 255) {
				fail(e, "regex needs more than 255 character classes");
				break;
			}
			rep[nrep++] = i;
		}
		ca->cls[i] = (uint8_t)(c + 1);
	}
	ca->lo = b;
	ca->n = nb - 1;
	ca->nclass = nrep;
	free(sig);
	free(rep);
	free(sets.v);
	/* forms encoded under another alphabet are stale */
	if (e->bmemo)
		memset(e->bmemo, 0, e->nbmemo * sizeof(*e->bmemo));
	return e->failed ? -E2BIG : 0;
}

static void calpha_free(struct calpha *ca)
{
	free(ca->lo);
	free(ca->cls);
	memset(ca, 0, sizeof(*ca));
}

/* Index of the interval holding code point cp. */
static uint32_t calpha_find(const struct calpha *ca, uint32_t cp)
{
	uint32_t lo = 0, hi = ca->n;

	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (ca->lo[mid] <= cp)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* The class ids of the code points of s (every interval is in s or out of it). */
static struct rset class_set(struct em *e, const struct calpha *ca, struct rset s)
{
	uint8_t in[256] = {0};
	struct rvec v = {0};
	uint32_t j, i, c;

	for (j = 0; j < s.n; j++)
		for (i = calpha_find(ca, s.r[j].lo); i < ca->n && ca->lo[i] <= s.r[j].hi; i++)
			in[ca->cls[i]] = 1;
	for (c = 1; c <= ca->nclass; c++)
		if (in[c])
			rv_push(&v, c, c);
	return rv_finish(e, &v);
}

/* The class-level form of an assertion-free code point rx. */
static struct rx *cenc(struct em *e, const struct calpha *ca, struct rx *x)
{
	struct kidv v = {0};
	struct rx *y = NULL;
	uint32_t i;

	if (!x)
		return NULL;
	if (x->id < e->nbmemo && e->bmemo[x->id])
		return e->bmemo[x->id];
	switch (x->k) {
	case RX_EMPTY:
		y = x;
		break;
	case RX_ASSERT:
		fail(e, "internal error: assertion left after the product");
		y = rx_empty(e);
		break;
	case RX_SET:
		y = rx_set(e, class_set(e, ca, x->set));
		break;
	case RX_CAT:
	case RX_ALT:
		for (i = 0; i < x->nkids; i++)
			kv_push(&v, cenc(e, ca, x->kids[i]));
		y = x->k == RX_CAT ? rx_catv(e, v.v, v.n) : rx_altv(e, v.v, v.n);
		free(v.v);
		break;
	case RX_REP:
		y = rx_rep(e, cenc(e, ca, x->kids[0]), x->min, x->max);
		break;
	}
	if (x->id >= e->nbmemo) {
		uint32_t n = e->next_id + 1024;

		e->bmemo = sc_xreallocarray(e->bmemo, n, sizeof(*e->bmemo));
		memset(e->bmemo + e->nbmemo, 0, (n - e->nbmemo) * sizeof(*e->bmemo));
		e->nbmemo = n;
	}
	e->bmemo[x->id] = y;
	return y;
}

/* First byte of the UTF-8 form of cp. */
static uint32_t lead_byte(uint32_t cp)
{
	if (cp < 0x80)
		return cp;
	if (cp < 0x800)
		return 0xC0 | (cp >> 6);
	if (cp < 0x10000)
		return 0xE0 | (cp >> 12);
	return 0xF0 | (cp >> 18);
}

/* Bytes that can start a code point of a class in tab (class bitmap). */
static void class_lead_bytes(const struct calpha *ca, const uint8_t ctab[32], uint8_t btab[32])
{
	uint32_t i, c, fffd = ca->cls[calpha_find(ca, 0xFFFD)];

	for (i = 0; i < ca->n; i++) {
		uint32_t lo = ca->lo[i], hi = ca->lo[i + 1] - 1;

		if (!(ctab[ca->cls[i] >> 3] & (1u << (ca->cls[i] & 7))))
			continue;
		for (c = lead_byte(lo); c <= lead_byte(hi); c++)
			btab[c >> 3] |= (uint8_t)(1u << (c & 7));
	}
	/* invalid bytes read as U+FFFD */
	if (ctab[fffd >> 3] & (1u << (fffd & 7)))
		for (c = 0x80; c < 0x100; c++)
			if (c < 0xC2 || c > 0xF4)
				btab[c >> 3] |= (uint8_t)(1u << (c & 7));
}

/*
 * The static inline YYPEEK function FN_c of one alphabet: ASCII by a table,
 * other code points by bisection of the intervals whose class differs from
 * the most common non-ASCII one. The interval table is shared through the
 * preprocessor by every function of the file with the same table.
 */
static void emit_peek(struct sc_buf *code, const char *fn, const struct calpha *ca)
{
	uint32_t count[256] = {0}, i, c, dflt = 0, first, nt = 0;
	struct sc_buf t = SC_BUF_INIT;
	uint64_t h = 0xcbf29ce484222325ull;

	first = calpha_find(ca, 0x80);
	for (i = first; i < ca->n; i++)
		count[ca->cls[i]]++;
	for (c = 1; c <= ca->nclass; c++)
		if (count[c] > count[dflt])
			dflt = c;
	/* intervals from 0x80 on, merged, where the class is not the default */
	for (i = first; i < ca->n; i++) {
		uint32_t lo = i == first ? 0x80 : ca->lo[i];

		if (i > first && ca->cls[i] == ca->cls[i - 1])
			continue;
		if (ca->cls[i] == dflt && (i == first || ca->cls[i - 1] == dflt))
			continue;
		sc_buf_printf(&t, "%s{0x%X, %u},", nt % 6 ? " " : "\n\t", lo, ca->cls[i]);
		nt++;
	}
	for (i = 0; i < t.len; i++)
		h = (h ^ (uint8_t)t.data[i]) * 0x100000001b3ull;
	if (nt) {
		sc_buf_printf(code,
			      "#ifndef SC_RE_T_%016llX\n#define SC_RE_T_%016llX\n"
			      "static const uint32_t sc_re_t_%016llX[][2] = {%s\n};\n#endif\n",
			      (unsigned long long)h, (unsigned long long)h,
			      (unsigned long long)h, sc_buf_cstr(&t));
	}
	/*
	 * YYPEEK is expanded at every state of the DFA: only the ASCII test is
	 * inline, the rest is one out-of-line function (inlining it everywhere
	 * multiplies the code gcc has to compile). FN_p also stores the length
	 * of the code point in *len, so that YYSKIP (which re2c only writes
	 * after a YYPEEK at the same position) is a plain addition.
	 */
	sc_buf_printf(code, "static const uint8_t %s_a[128] = {", fn);
	for (c = 0; c < 128; c++)
		sc_buf_printf(code, "%s%u,", c % 16 ? " " : "\n\t", ca->cls[calpha_find(ca, c)]);
	sc_buf_puts(code, "\n};\n\n");
	if (nt)
		sc_buf_printf(code,
			      "static __attribute__((noinline)) uint8_t %s_s(const uint8_t *p, "
			      "const uint8_t *e, size_t *len)\n"
			      "{\n"
			      "\treturn sc_re_class(sc_re_t_%016llX, %u, sc_re_cp(p, e, len), %u);\n"
			      "}\n\n",
			      fn, (unsigned long long)h, nt, dflt);
	sc_buf_printf(code,
		      "static inline __attribute__((unused)) uint8_t %s_p(const uint8_t *p,\n"
		      "\t\t\t\t\t\t\t   const uint8_t *e, size_t *len)\n"
		      "{\n"
		      "\t*len = 1;\n"
		      "\tif (p >= e)\n"
		      "\t\treturn 0;\n"
		      "\tif (*p < 0x80)\n"
		      "\t\treturn %s_a[*p];\n",
		      fn, fn);
	if (nt)
		sc_buf_printf(code, "\treturn %s_s(p, e, len);\n", fn);
	else
		sc_buf_printf(code, "\t*len = sc_re_len_slow(p, e);\n\treturn %u;\n", dflt);
	sc_buf_printf(code,
		      "}\n\n"
		      "static inline __attribute__((unused)) uint8_t %s_c(const uint8_t *p,\n"
		      "\t\t\t\t\t\t\t   const uint8_t *e)\n"
		      "{\n"
		      "\tsize_t len;\n"
		      "\n"
		      "\treturn %s_p(p, e, &len);\n"
		      "}\n\n",
		      fn, fn);
	sc_buf_done(&t);
}

/* ---------------------------------------------------------------- */
/* re2c text of class-level expressions                              */

static void byte_esc(struct sc_buf *b, uint32_t c, bool in_class)
{
	if ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
		sc_buf_putc(b, (char)c);
	else if (!in_class && c >= 0x20 && c < 0x7F && c != '"' && c != '\\')
		sc_buf_putc(b, (char)c);
	else
		sc_buf_printf(b, "\\x%02X", c);
}

static bool is_single(const struct rx *x)
{
	return x->k == RX_SET && x->set.n == 1 && x->set.r[0].lo == x->set.r[0].hi;
}

static void set_text(struct sc_buf *b, const struct rx *x)
{
	uint32_t i;

	if (x->set.n == 1 && x->set.r[0].lo == 0 && x->set.r[0].hi == 0xFF) {
		sc_buf_puts(b, "[^]");
		return;
	}
	if (is_single(x)) {
		sc_buf_putc(b, '"');
		byte_esc(b, x->set.r[0].lo, false);
		sc_buf_putc(b, '"');
		return;
	}
	sc_buf_putc(b, '[');
	for (i = 0; i < x->set.n; i++) {
		byte_esc(b, x->set.r[i].lo, true);
		if (x->set.r[i].hi != x->set.r[i].lo) {
			if (x->set.r[i].hi > x->set.r[i].lo + 1)
				sc_buf_putc(b, '-');
			byte_esc(b, x->set.r[i].hi, true);
		}
	}
	sc_buf_putc(b, ']');
}

struct names {
	const char *prefix;
	struct sc_buf defs;
};

static void rx_text(struct sc_buf *b, struct rx *x, struct names *nm);

/* Text of x as an operand of a quantifier or a concatenation. */
static void atom_text(struct sc_buf *b, struct rx *x, struct names *nm, bool quant)
{
	bool paren = !x->named && (x->k == RX_ALT || (x->k == RX_CAT && quant) ||
				   (x->k == RX_REP && quant));

	if (paren)
		sc_buf_putc(b, '(');
	rx_text(b, x, nm);
	if (paren)
		sc_buf_putc(b, ')');
}

static void rx_body(struct sc_buf *b, struct rx *x, struct names *nm)
{
	uint32_t i;

	switch (x->k) {
	case RX_EMPTY:
	case RX_ASSERT:
		sc_buf_puts(b, "\"\"");
		break;
	case RX_SET:
		set_text(b, x);
		break;
	case RX_CAT:
		for (i = 0; i < x->nkids; i++) {
			if (i)
				sc_buf_putc(b, ' ');
			if (is_single(x->kids[i]) && !x->kids[i]->named) {
				/* a run of single bytes as one string */
				sc_buf_putc(b, '"');
				for (; i < x->nkids && is_single(x->kids[i]) && !x->kids[i]->named;
				     i++)
					byte_esc(b, x->kids[i]->set.r[0].lo, false);
				sc_buf_putc(b, '"');
				i--;
				continue;
			}
			atom_text(b, x->kids[i], nm, false);
		}
		break;
	case RX_ALT: {
		bool empty = false, first = true;

		for (i = 0; i < x->nkids; i++)
			empty |= x->kids[i]->k == RX_EMPTY;
		if (empty)
			sc_buf_putc(b, '(');
		for (i = 0; i < x->nkids; i++) {
			if (x->kids[i]->k == RX_EMPTY)
				continue;
			if (!first)
				sc_buf_puts(b, " | ");
			first = false;
			atom_text(b, x->kids[i], nm, false);
		}
		if (empty)
			sc_buf_puts(b, ")?");
		break;
	}
	case RX_REP:
		atom_text(b, x->kids[0], nm, true);
		if (x->min == 0 && x->max == SC_RE_INF)
			sc_buf_putc(b, '*');
		else if (x->min == 1 && x->max == SC_RE_INF)
			sc_buf_putc(b, '+');
		else if (x->min == 0 && x->max == 1)
			sc_buf_putc(b, '?');
		else if (x->max == SC_RE_INF)
			sc_buf_printf(b, "{%u,}", x->min);
		else if (x->min == x->max)
			sc_buf_printf(b, "{%u}", x->min);
		else
			sc_buf_printf(b, "{%u,%u}", x->min, x->max);
		break;
	}
}

static void rx_text(struct sc_buf *b, struct rx *x, struct names *nm)
{
	if (x->named) {
		sc_buf_printf(b, "%s_%u", nm->prefix, x->id);
		return;
	}
	rx_body(b, x, nm);
}

/* Count references (first visit in this epoch) and text sizes. */
static void count_refs(struct em *e, struct rx *x)
{
	uint32_t i;
	size_t t = 0;

	if (x->mark == e->epoch) {
		x->refs++;
		return;
	}
	x->mark = e->epoch;
	x->refs = 1;
	x->named = false;
	for (i = 0; i < x->nkids; i++)
		count_refs(e, x->kids[i]);
	switch (x->k) {
	case RX_SET:
		t = 2 + 9 * (size_t)x->set.n;
		break;
	case RX_REP:
		t = x->kids[0]->text + 10;
		break;
	default:
		for (i = 0; i < x->nkids; i++)
			t += x->kids[i]->text + 3;
		t += 2;
		break;
	}
	x->text = t;
}

/* Name shared subexpressions, children first, into nm->defs. */
static void define_shared(struct em *e, struct rx *x, struct names *nm)
{
	uint32_t i;

	if (x->mark == e->epoch)
		return;
	x->mark = e->epoch;
	for (i = 0; i < x->nkids; i++)
		define_shared(e, x->kids[i], nm);
	if (x->refs > 1 && x->text > DEF_MIN_TEXT) {
		sc_buf_printf(&nm->defs, "\t%s_%u = ", nm->prefix, x->id);
		rx_body(&nm->defs, x, nm);
		sc_buf_puts(&nm->defs, ";\n");
		x->named = true;
	}
}

/* Prepare names for the rule x of one block, appending definitions. */
static void block_names(struct em *e, struct rx *x, struct names *nm)
{
	e->epoch++;
	count_refs(e, x);
	e->epoch++;
	define_shared(e, x, nm);
}

/* The configuration of every block: input through the function's class peek. */
static void block_conf(struct sc_buf *b, const char *peek, const char *indent)
{
	sc_buf_printf(b,
		      "%s\tre2c:encoding:utf8 = 0;\n"
		      "%s\tre2c:flags:case-ranges = 1;\n"
		      "%s\tre2c:flags:input = custom;\n"
		      "%s\tre2c:api:style = free-form;\n"
		      "%s\tre2c:define:YYCTYPE = uint8_t;\n"
		      "%s\tre2c:define:YYPEEK = \"%s_p(YYCURSOR, YYLIMIT, &yylen)\";\n"
		      "%s\tre2c:define:YYSKIP = \"YYCURSOR += yylen;\";\n"
		      "%s\tre2c:define:YYBACKUP = \"YYMARKER = YYCURSOR;\";\n"
		      "%s\tre2c:define:YYRESTORE = \"YYCURSOR = YYMARKER;\";\n"
		      "%s\tre2c:define:YYLESSTHAN = \"YYCURSOR >= YYLIMIT\";\n"
		      "%s\tre2c:yyfill:enable = 0;\n"
		      "%s\tre2c:eof = 0;\n",
		      indent, indent, indent, indent, indent, indent, peek, indent, indent, indent,
		      indent, indent, indent);
}

/*
 * The configuration of a block that reads backwards from YYCURSOR down to
 * YYLIMIT (the start of the text): the code point ending at YYCURSOR.
 */
static void block_conf_rev(struct sc_buf *b, const char *peek)
{
	sc_buf_printf(b,
		      "\tre2c:encoding:utf8 = 0;\n"
		      "\tre2c:flags:case-ranges = 1;\n"
		      "\tre2c:flags:input = custom;\n"
		      "\tre2c:api:style = free-form;\n"
		      "\tre2c:define:YYCTYPE = uint8_t;\n"
		      "\tre2c:define:YYPEEK = \"(YYCURSOR > YYLIMIT ? %s_c(sc_re_rstart(YYLIMIT, "
		      "YYCURSOR), YYCURSOR) : 0)\";\n"
		      "\tre2c:define:YYSKIP = \"YYCURSOR = sc_re_rstart(YYLIMIT, YYCURSOR);\";\n"
		      "\tre2c:define:YYBACKUP = \"YYMARKER = YYCURSOR;\";\n"
		      "\tre2c:define:YYRESTORE = \"YYCURSOR = YYMARKER;\";\n"
		      "\tre2c:define:YYLESSTHAN = \"YYCURSOR <= YYLIMIT\";\n"
		      "\tre2c:yyfill:enable = 0;\n"
		      "\tre2c:eof = 0;\n",
		      peek);
}

/* Append one local re2c block: configuration, definitions, the rule. */
static void emit_block(struct em *e, struct sc_buf *code, const char *prefix, struct rx *x,
		       const char *indent, const char *action, const char *other)
{
	struct names nm = {prefix, SC_BUF_INIT};

	block_names(e, x, &nm);
	sc_buf_printf(code, "%s/*!local:re2c\n", indent);
	if (e->rev)
		block_conf_rev(code, e->peek);
	else
		block_conf(code, e->peek, "");
	sc_buf_printf(code, "%s\t", nm.defs.len ? sc_buf_cstr(&nm.defs) : "");
	rx_text(code, x, &nm);
	sc_buf_printf(code, " { %s }\n\t* { %s }\n\t$ { %s }\n%s*/\n", action, other, other, indent);
	sc_buf_done(&nm.defs);
}

/* Classes that can start a match of class-level x (a bitmap). */
static void first_bytes(const struct rx *x, uint8_t tab[32])
{
	uint32_t i, c;

	if (!x)
		return;
	switch (x->k) {
	case RX_SET:
		for (i = 0; i < x->set.n; i++)
			for (c = x->set.r[i].lo; c <= x->set.r[i].hi; c++)
				tab[c >> 3] |= (uint8_t)(1u << (c & 7));
		break;
	case RX_CAT:
		for (i = 0; i < x->nkids; i++) {
			first_bytes(x->kids[i], tab);
			if (!x->kids[i]->nullable)
				break;
		}
		break;
	case RX_ALT:
		for (i = 0; i < x->nkids; i++)
			first_bytes(x->kids[i], tab);
		break;
	case RX_REP:
		if (x->max > 0)
			first_bytes(x->kids[0], tab);
		break;
	default:
		break;
	}
}

static bool has_star(const struct rx *x)
{
	uint32_t i;

	if (x->k == RX_REP && x->max == SC_RE_INF)
		return true;
	for (i = 0; i < x->nkids; i++)
		if (has_star(x->kids[i]))
			return true;
	return false;
}

/* ---------------------------------------------------------------- */
/* Driver                                                            */

#define MAX_STARTS 6
#define RUN_MIN	   12u /* C{m} with m >= RUN_MIN: counted in C */
#define CHEAP_COST 1500u

struct start {
	unsigned c0;	 /* PREV_UNK, PREV_BOT or a kind */
	struct outv res; /* (end state, rx) */
};

/* Suffix of the text after a match whose end condition is pend (search form). */
static struct rx *suffix_rx(struct em *e, unsigned pend)
{
	struct rx *any = rx_set(e, e->anyset), *anys = rx_rep(e, any, 0, SC_RE_INF), *r = NULL;
	struct rset la = {NULL, 0};
	unsigned k;

	if (pend == e->all)
		return anys;
	for (k = 0; k < e->nkinds; k++)
		if ((int)k != e->nl_kind && (pend & (1u << k)))
			la = rs_union(e, la, e->kset[k]);
	r = rx_alt(e, r, rx_cat(e, rx_set(e, la), anys));
	if (pend & e->eot_bit)
		r = rx_alt(e, r, rx_empty(e));
	if (e->nl_kind >= 0) {
		bool a = pend & (1u << e->nl_kind), b = pend & e->nlf_bit;
		struct rx *nl = rx_set(e, e->kset[e->nl_kind]);

		if (a && b)
			r = rx_alt(e, r, rx_cat(e, nl, anys));
		else if (a)
			r = rx_alt(e, r, rx_cat3(e, nl, any, anys));
		else if (b)
			r = rx_alt(e, r, nl);
	}
	return r;
}

/* Anchored form: one code point of look-ahead (A) or a match to the end (B). */
static void anchored_parts(struct em *e, struct rx *r, unsigned pend, struct rx **a, struct rx **b)
{
	struct rx *any = rx_set(e, e->anyset);
	struct rset la = {NULL, 0};
	unsigned k;

	if (pend == e->all) {
		*a = rx_alt(e, *a, r);
		return;
	}
	for (k = 0; k < e->nkinds; k++)
		if ((int)k != e->nl_kind && (pend & (1u << k)))
			la = rs_union(e, la, e->kset[k]);
	if (e->nl_kind >= 0) {
		bool x = pend & (1u << e->nl_kind), y = pend & e->nlf_bit;
		struct rx *nl = rx_set(e, e->kset[e->nl_kind]);

		if (x && y)
			la = rs_union(e, la, e->kset[e->nl_kind]);
		else if (x)
			*a = rx_alt(e, *a, rx_cat3(e, r, nl, any));
		else if (y)
			*b = rx_alt(e, *b, rx_cat(e, r, nl));
	}
	if (la.n)
		*a = rx_alt(e, *a, rx_cat(e, r, rx_set(e, la)));
	if (pend & e->eot_bit)
		*b = rx_alt(e, *b, r);
}

static void emit_const(struct sc_buf *out, const char *fn, bool empty, bool other)
{
	sc_buf_printf(out,
		      "static bool %s(const uint8_t *s, size_t n)\n"
		      "{\n"
		      "\t(void)s;\n",
		      fn);
	if (empty == other)
		sc_buf_printf(out, "\t(void)n;\n\treturn %s;\n}\n\n", empty ? "true" : "false");
	else
		sc_buf_printf(out, "\treturn n %s 0;\n}\n\n", empty ? "==" : "!=");
}

/* C expression mapping sc_re_ctx()'s bits (in variable m) to a kind index. */
static void kind_expr(struct em *e, struct sc_buf *b)
{
	unsigned k, other = 0;

	for (k = 0; k < e->nkinds; k++) {
		unsigned f = e->kflags[k];

		if (f & KF_NL)
			sc_buf_printf(b, "(m & 1u) ? %uu : ", k);
		else if ((f & KF_WA) && (f & KF_WU))
			sc_buf_printf(b, "(m & 2u) ? %uu : ", k);
		else if (f & KF_WU)
			sc_buf_printf(b, "(m & %su) ? %uu : ", e->need_wa ? "4" : "6", k);
		else if (f & KF_WA)
			sc_buf_printf(b, "(m & 2u) ? %uu : ", k);
		else
			other = k;
	}
	sc_buf_printf(b, "%uu", other);
}

/*
 * RUN: the search is for C{m} with an end condition and no start one:
 * count the length of the current run of members of C, one code point per
 * iteration of a small re2c block.
 */
static struct rx *run_shape(struct em *e, const struct start *st, unsigned nstarts,
			    unsigned *pend)
{
	struct rx *r0 = NULL;
	uint32_t i;

	*pend = 0;
	if (nstarts != 1 || st[0].c0 != PREV_UNK || st[0].res.n == 0)
		return NULL;
	for (i = 0; i < st[0].res.n; i++) {
		if (r0 && st[0].res.v[i].r != r0)
			return NULL;
		r0 = st[0].res.v[i].r;
		*pend |= ST_PEND(st[0].res.v[i].st);
	}
	if (r0->k != RX_REP || r0->kids[0]->k != RX_SET || r0->min != r0->max ||
	    r0->min < RUN_MIN)
		return NULL;
	(void)e;
	return r0;
}

static void emit_run(struct em *e, struct sc_buf *code, const char *fn, struct rx *r0,
		     unsigned pend, bool empty_ans)
{
	struct rset c = r0->kids[0]->set, notc = rs_diff(e, e->anyset, c);
	uint32_t m = r0->min;
	unsigned k, in;
	char prefix[256];
	struct rx *parts[2 * 4 + 2];
	size_t np = 0;
	struct calpha ca;

	/* the alphabet of every part the loop below writes */
	for (k = 0; k < (pend == e->all ? 1u : e->nkinds); k++)
		for (in = 0; in < 2; in++)
			parts[np++] = rx_set(e, pend != e->all ? rs_inter(e, in ? c : notc, e->kset[k])
							      : in ? c : notc);
	if (calpha_build(e, &ca, parts, np))
		return;
	emit_peek(code, fn, &ca);
	sc_buf_printf(code,
		      "static bool %s(const uint8_t *s, size_t n)\n"
		      "{\n"
		      "\tconst uint8_t *YYCURSOR = s, *YYMARKER = s;\n"
		      "\tconst uint8_t *const YYLIMIT = s + n;\n"
		      "\tsize_t run = 0, yylen = 1;\n"
		      "\n"
		      "\t(void)YYMARKER;\n\t(void)yylen;\n"
		      "\tif (n == 0)\n"
		      "\t\treturn %s;\n"
		      "\tfor (;;) {\n"
		      "\t\t/*!local:re2c\n",
		      fn, empty_ans ? "true" : "false");
	block_conf(code, e->peek, "");
	for (k = 0; k < (pend == e->all ? 1u : e->nkinds); k++) {
		for (in = 0; in < 2; in++) {
			struct rset part = in ? c : notc;
			struct rx *bx;
			struct names nm = {prefix, SC_BUF_INIT};
			const char *ok = "0";

			if (pend != e->all)
				part = rs_inter(e, part, e->kset[k]);
			if (part.n == 0)
				continue;
			if (pend != e->all) {
				if ((int)k == e->nl_kind) {
					bool a = pend & (1u << k), b = pend & e->nlf_bit;

					ok = a && b ? "1" : a ? "YYCURSOR != YYLIMIT" : b ? "YYCURSOR == YYLIMIT" : "0";
				} else {
					ok = pend & (1u << k) ? "1" : "0";
				}
			}
			snprintf(prefix, sizeof(prefix), "%s_%u%u", fn, k, in);
			bx = cenc(e, &ca, rx_set(e, part));
			block_names(e, bx, &nm);
			sc_buf_printf(code, "%s\t", nm.defs.len ? sc_buf_cstr(&nm.defs) : "");
			rx_text(code, bx, &nm);
			sc_buf_done(&nm.defs);
			sc_buf_puts(code, " {");
			if (strcmp(ok, "0") != 0)
				sc_buf_printf(code, " if (run >= %u && (%s)) return true;", m, ok);
			if (!in)
				sc_buf_puts(code, " run = 0;");
			else if (pend == e->all)
				sc_buf_printf(code, " if (++run >= %u) return true;", m);
			else
				sc_buf_puts(code, " run++;");
			sc_buf_puts(code, " continue; }\n");
		}
	}
	{
		char eof[64] = "false";

		if ((pend & e->eot_bit) && pend != e->all)
			snprintf(eof, sizeof(eof), "run >= %u", m);
		sc_buf_printf(code,
			      "\t* { return false; }\n"
			      "\t$ { return %s; }\n"
			      "\t\t*/\n"
			      "\t}\n"
			      "}\n\n",
			      eof);
	}
	calpha_free(&ca);
}

static void emit_dfa(struct em *e, struct sc_buf *code, const char *fn, struct rx *lb,
		     bool all_free, bool empty_ans)
{
	sc_buf_printf(code,
		      "static bool %s(const uint8_t *s, size_t n)\n"
		      "{\n"
		      "\tconst uint8_t *YYCURSOR = s, *YYMARKER = s;\n"
		      "\tconst uint8_t *const YYLIMIT = s + n;\n"
		      "\tsize_t yylen = 1;\n"
		      "\n"
		      "\t(void)YYMARKER;\n\t(void)yylen;\n"
		      "\tif (n == 0)\n"
		      "\t\treturn %s;\n",
		      fn, empty_ans ? "true" : "false");
	emit_block(e, code, fn, lb, "\t", all_free ? "return true;" : "return YYCURSOR == YYLIMIT;",
		   "return false;");
	sc_buf_puts(code, "}\n\n");
}

static void emit_anchored(struct em *e, struct sc_buf *code, const char *fn,
			  const struct calpha *ca, const struct start *starts, unsigned nstarts,
			  struct rx **ba, struct rx **bb, bool empty_ans)
{
	uint8_t ctab[32] = {0}, tab[32] = {0};
	unsigned nbytes = 0, lastbyte = 0, c, i, k, part;
	bool ctx = starts[0].c0 != PREV_UNK;

	for (i = 0; i < nstarts; i++) {
		first_bytes(ba[i], ctab);
		first_bytes(bb[i], ctab);
	}
	class_lead_bytes(ca, ctab, tab);
	for (c = 0; c < 256; c++)
		if (tab[c >> 3] & (1u << (c & 7))) {
			nbytes++;
			lastbyte = c;
		}
	sc_buf_printf(code, "static bool %s(const uint8_t *s, size_t n)\n{\n", fn);
	if (nbytes > 1) {
		sc_buf_printf(code, "\tstatic const uint8_t first[32] = {");
		for (c = 0; c < 32; c++)
			sc_buf_printf(code, "%s0x%02X", c ? ", " : "", tab[c]);
		sc_buf_puts(code, "};\n");
	}
	sc_buf_puts(code, "\tconst uint8_t *const YYLIMIT = s + n;\n"
			  "\tconst uint8_t *p, *YYCURSOR, *YYMARKER;\n"
			  "\tsize_t yylen = 1;\n");
	if (ctx)
		sc_buf_puts(code, "\tunsigned m, c0;\n");
	sc_buf_printf(code, "\n\tif (n == 0)\n\t\treturn %s;\n", empty_ans ? "true" : "false");
	sc_buf_puts(code, "\tfor (p = s; p < YYLIMIT; p++) {\n");
	if (nbytes == 1)
		sc_buf_printf(code,
			      "\t\tp = memchr(p, 0x%02X, (size_t)(YYLIMIT - p));\n"
			      "\t\tif (!p)\n"
			      "\t\t\tbreak;\n",
			      lastbyte);
	else
		sc_buf_puts(code, "\t\tif (!(first[*p >> 3] & (1u << (*p & 7))))\n"
				  "\t\t\tcontinue;\n");
	for (c = 0x80; c < 0xC0; c++)
		if (tab[c >> 3] & (1u << (c & 7))) {
			sc_buf_puts(code, "\t\tif (!sc_re_isstart(s, p, YYLIMIT))\n\t\t\tcontinue;\n");
			break;
		}
	if (ctx) {
		sc_buf_puts(code, "\t\tm = p == s ? 0u : sc_re_ctx(s, p);\n"
				  "\t\tc0 = p == s ? 99u : ");
		kind_expr(e, code);
		sc_buf_puts(code, ";\n\t\t(void)m;\n");
	}
	for (i = 0; i < nstarts; i++) {
		bool dup = false;

		for (k = 0; k < i; k++)
			dup |= ba[k] == ba[i] && bb[k] == bb[i];
		if (dup || (!ba[i] && !bb[i]))
			continue;
		if (ctx) {
			/* every start context with the same rules shares the blocks */
			sc_buf_puts(code, "\t\tif (");
			for (k = i; k < nstarts; k++)
				if (ba[k] == ba[i] && bb[k] == bb[i])
					sc_buf_printf(code, "%sc0 == %uu", k == i ? "" : " || ",
						      starts[k].c0 == PREV_BOT ? 99u : starts[k].c0);
			sc_buf_puts(code, ") {\n");
		} else {
			sc_buf_puts(code, "\t\t{\n");
		}
		for (part = 0; part < 2; part++) {
			struct rx *r = part ? bb[i] : ba[i];
			char prefix[256], label[300], action[400], other[320];

			if (!r)
				continue;
			snprintf(prefix, sizeof(prefix), "%s_%u%c", fn, i, part ? 'b' : 'a');
			snprintf(label, sizeof(label), "%s_%u%c", fn, i, part ? 'b' : 'a');
			snprintf(other, sizeof(other), "goto %s;", label);
			if (part)
				snprintf(action, sizeof(action),
					 "if (YYCURSOR == YYLIMIT) return true; goto %s;", label);
			else
				snprintf(action, sizeof(action), "return true;");
			sc_buf_puts(code, "\t\t\tYYCURSOR = YYMARKER = p;\n"
					  "\t\t\t(void)YYMARKER;\n"
					  "\t\t\t(void)yylen;\n");
			emit_block(e, code, prefix, r, "\t\t\t", action, other);
			sc_buf_printf(code, "%s:;\n", label);
		}
		sc_buf_puts(code, "\t\t}\n");
	}
	sc_buf_puts(code, "\t}\n\treturn false;\n}\n\n");
}

/* The mirror image of x: its matches read backwards. */
static struct rx *rx_reverse(struct em *e, struct rx *x)
{
	struct kidv v = {0};
	struct rx *y;
	uint32_t i;

	if (!x)
		return NULL;
	switch (x->k) {
	case RX_CAT:
		for (i = x->nkids; i-- > 0;)
			kv_push(&v, rx_reverse(e, x->kids[i]));
		y = rx_catv(e, v.v, v.n);
		free(v.v);
		return y;
	case RX_ALT:
		for (i = 0; i < x->nkids; i++)
			kv_push(&v, rx_reverse(e, x->kids[i]));
		y = rx_altv(e, v.v, v.n);
		free(v.v);
		return y;
	case RX_REP:
		return rx_rep(e, rx_reverse(e, x->kids[0]), x->min, x->max);
	default:
		return x;
	}
}

/* Length in code points of every match of x, or -1 when matches differ in length. */
static int64_t fixed_len(const struct rx *x)
{
	int64_t n = 0, k;
	uint32_t i;

	switch (x->k) {
	case RX_EMPTY:
		return 0;
	case RX_SET:
		return 1;
	case RX_CAT:
		for (i = 0; i < x->nkids; i++) {
			k = fixed_len(x->kids[i]);
			if (k < 0)
				return -1;
			n += k;
		}
		return n;
	case RX_ALT:
		n = fixed_len(x->kids[0]);
		for (i = 1; i < x->nkids && n >= 0; i++)
			if (fixed_len(x->kids[i]) != n)
				return -1;
		return n;
	case RX_REP:
		if (x->min != x->max)
			return -1;
		k = fixed_len(x->kids[0]);
		return k < 0 ? -1 : k * x->min;
	default:
		return -1;
	}
}

/*
 * One half of SPLIT, in the direction it is read (X is read backwards from
 * the split point, so its rx is reversed): either one DFA (whole), or a
 * fixed-length part, a gap C{gmin,gmax} walked in C one code point at a
 * time, and the DFA of the rest tried after every admissible gap length.
 * The gap's counter is then the loop variable: a DFA would have to track
 * every place the gap may have started.
 */
struct half {
	struct rx *whole, *fix, *gap, *rest; /* class level; NULL when absent */
	uint32_t gmin, gmax;
	uint32_t states;
	uint64_t cost;
};

#define GAP_SPAN 8u /* C{m,n} with n - m >= GAP_SPAN (or unbounded) is walked as a gap */

static bool est_ok(struct rx *x, struct half *h)
{
	struct est es;

	if (!x)
		return true;
	es = dfa_estimate(x);
	if (es.over || es.cost > BLOCK_COST_LIMIT)
		return false;
	h->states = es.states > h->states ? es.states : h->states;
	h->cost += es.cost;
	return true;
}

static bool plan_half(struct em *e, const struct calpha *ca, struct rx *x, struct half *h)
{
	uint32_t g, n = x->k == RX_CAT ? x->nkids : 1;
	struct rx *const *kids = x->k == RX_CAT ? x->kids : &x;

	memset(h, 0, sizeof(*h));
	for (g = 0; g < n; g++) {
		struct rx *k = kids[g];

		if (k->k == RX_REP && k->kids[0]->k == RX_SET &&
		    (k->max == SC_RE_INF || k->max - k->min >= GAP_SPAN))
			break;
		if (fixed_len(k) < 0) {
			g = n;
			break;
		}
	}
	if (g < n) {
		struct rx *fix = rx_catv(e, kids, g), *rest = rx_catv(e, kids + g + 1, n - g - 1);

		h->fix = fix->k == RX_EMPTY ? NULL : cenc(e, ca, fix);
		h->gap = cenc(e, ca, kids[g]->kids[0]);
		h->gmin = kids[g]->min;
		h->gmax = kids[g]->max;
		h->rest = rest->k == RX_EMPTY ? NULL : cenc(e, ca, rest);
		if (h->rest && h->rest->nullable) {
			/* the rest can match empty: any admissible gap length will do */
			h->rest = NULL;
		}
		if (!h->fix && !h->rest && h->gmin == 0)
			return false; /* nullable half */
		return est_ok(h->fix, h) && est_ok(h->rest, h);
	}
	h->whole = cenc(e, ca, x);
	return !h->whole->nullable && est_ok(h->whole, h);
}

/* Bytes at p that can begin the half (fwd), or at p[-1] that can end it (!fwd). */
static void half_bytes(const struct calpha *ca, const struct half *h, bool fwd, uint8_t tab[32])
{
	uint8_t ctab[32] = {0};
	uint32_t i, c, fffd = ca->cls[calpha_find(ca, 0xFFFD)];

	if (h->whole)
		first_bytes(h->whole, ctab);
	else if (h->fix)
		first_bytes(h->fix, ctab);
	else {
		first_bytes(h->gap, ctab);
		if (h->gmin == 0)
			first_bytes(h->rest, ctab);
	}
	if (fwd) {
		class_lead_bytes(ca, ctab, tab);
		return;
	}
	/* the last byte of a code point: itself (ASCII), a continuation byte, or invalid */
	for (i = 0; i < ca->n; i++) {
		uint32_t lo = ca->lo[i], hi = ca->lo[i + 1] - 1;

		if (!(ctab[ca->cls[i] >> 3] & (1u << (ca->cls[i] & 7))))
			continue;
		for (c = lo; c <= hi && c < 0x80; c++)
			tab[c >> 3] |= (uint8_t)(1u << (c & 7));
		if (hi >= 0x80)
			for (c = 0x80; c < 0xC0; c++)
				tab[c >> 3] |= (uint8_t)(1u << (c & 7));
	}
	if (ctab[fffd >> 3] & (1u << (fffd & 7)))
		for (c = 0x80; c < 0x100; c++)
			tab[c >> 3] |= (uint8_t)(1u << (c & 7));
}

/* Can matching the half run over the whole text (an unbounded loop or gap)? */
static bool half_unbounded(const struct half *h)
{
	return (h->gap && h->gmax == SC_RE_INF) || (h->whole && has_star(h->whole)) ||
	       (h->fix && has_star(h->fix)) || (h->rest && has_star(h->rest));
}

static unsigned count_bytes(const uint8_t tab[32])
{
	unsigned c, n = 0;

	for (c = 0; c < 256; c++)
		n += (tab[c >> 3] >> (c & 7)) & 1;
	return n;
}

static void emit_table(struct sc_buf *code, const char *name, const uint8_t tab[32])
{
	unsigned c;

	sc_buf_printf(code, "static const uint8_t %s[32] = {", name);
	for (c = 0; c < 32; c++)
		sc_buf_printf(code, "%s0x%02X", c ? ", " : "", tab[c]);
	sc_buf_puts(code, "};\n");
}

/* The static function FN_<tag>(p, YYLIMIT) that matches half h from p. */
static void emit_half(struct em *e, struct sc_buf *code, const char *fn, const char *tag,
		      const struct half *h, bool fwd)
{
	char name[256], pre[300], lab[320], act[400];

	snprintf(name, sizeof(name), "%s_%s", fn, tag);
	if (h->gap) {
		uint8_t gtab[32] = {0};

		first_bytes(h->gap, gtab);
		snprintf(pre, sizeof(pre), "%s_g", name);
		emit_table(code, pre, gtab);
	}
	sc_buf_printf(code,
		      "static bool %s(const uint8_t *p, const uint8_t *YYLIMIT)\n"
		      "{\n"
		      "\tconst uint8_t *YYCURSOR = p, *YYMARKER = p;\n"
		      "\tsize_t yylen = 1;\n",
		      name);
	if (h->gap)
		sc_buf_puts(code, "\tuint32_t k;\n");
	sc_buf_puts(code, "\n\t(void)YYMARKER;\n\t(void)yylen;\n");
	e->rev = !fwd;
	if (h->whole) {
		snprintf(pre, sizeof(pre), "%s_w", name);
		emit_block(e, code, pre, h->whole, "\t", "return true;", "return false;");
		sc_buf_puts(code, "}\n\n");
		e->rev = false;
		return;
	}
	if (h->fix) {
		snprintf(pre, sizeof(pre), "%s_f", name);
		snprintf(act, sizeof(act), "p = YYCURSOR; goto %s_g0;", name);
		emit_block(e, code, pre, h->fix, "\t", act, "return false;");
		sc_buf_printf(code, "%s_g0:\n", name);
	}
	sc_buf_puts(code, "\tfor (k = 0;; k++) {\n");
	if (h->rest) {
		snprintf(pre, sizeof(pre), "%s_r", name);
		snprintf(lab, sizeof(lab), "%s_n", name);
		snprintf(act, sizeof(act), "goto %s;", lab);
		if (h->gmin)
			sc_buf_printf(code, "\t\tif (k >= %uu) {\n", h->gmin);
		else
			sc_buf_puts(code, "\t\t{\n");
		sc_buf_puts(code, "\t\t\tYYCURSOR = YYMARKER = p;\n");
		emit_block(e, code, pre, h->rest, "\t\t\t", "return true;", act);
		sc_buf_printf(code, "\t\t}\n%s:\n", lab);
	} else {
		if (h->gmin)
			sc_buf_printf(code, "\t\tif (k >= %uu)\n\t\t\treturn true;\n", h->gmin);
		else
			sc_buf_puts(code, "\t\treturn true;\n");
	}
	if (h->gmax != SC_RE_INF)
		sc_buf_printf(code, "\t\tif (k == %uu)\n\t\t\treturn false;\n", h->gmax);
	if (fwd)
		sc_buf_printf(code,
			      "\t\tif (p >= YYLIMIT || !((%s_g[%s_c(p, YYLIMIT) >> 3] >> "
			      "(%s_c(p, YYLIMIT) & 7)) & 1))\n"
			      "\t\t\treturn false;\n"
			      "\t\tp += sc_re_len(p, YYLIMIT);\n",
			      name, e->peek, e->peek);
	else
		sc_buf_printf(code,
			      "\t\tif (p <= YYLIMIT || !((%s_g[%s_c(sc_re_rstart(YYLIMIT, p), p) >> 3] >> "
			      "(%s_c(sc_re_rstart(YYLIMIT, p), p) & 7)) & 1))\n"
			      "\t\t\treturn false;\n"
			      "\t\tp = sc_re_rstart(YYLIMIT, p);\n",
			      name, e->peek, e->peek);
	sc_buf_puts(code, "\t}\n}\n\n");
	e->rev = false;
}

/*
 * SPLIT: R = X Y, tried at every split point r whose bytes can end X and
 * start Y: Y forward from r, X backward from r (both anchored at r, so a
 * counted gap next to the split starts at one place and the DFAs stay
 * small where the DFA of R is not).
 */
static void emit_split(struct em *e, struct sc_buf *code, const char *fn,
		       const struct calpha *ca, const struct half *hx, const struct half *hy,
		       bool empty_ans)
{
	uint8_t ty[32] = {0}, tx[32] = {0};
	unsigned c, ny, nx, lastbyte = 0;
	bool cont = false;

	emit_half(e, code, fn, "y", hy, true);
	emit_half(e, code, fn, "x", hx, false);
	half_bytes(ca, hy, true, ty);
	half_bytes(ca, hx, false, tx);
	ny = count_bytes(ty);
	nx = count_bytes(tx);
	for (c = 0; c < 256; c++)
		if (ty[c >> 3] & (1u << (c & 7))) {
			lastbyte = c;
			cont |= c >= 0x80 && c < 0xC0;
		}
	sc_buf_printf(code, "static bool %s(const uint8_t *s, size_t n)\n{\n", fn);
	if (ny > 1 && ny < 256) {
		sc_buf_putc(code, '\t');
		emit_table(code, "fy", ty);
	}
	if (nx < 256) {
		sc_buf_putc(code, '\t');
		emit_table(code, "fx", tx);
	}
	sc_buf_printf(code, "\tconst uint8_t *const e = s + n;\n"
			    "\tconst uint8_t *r;\n"
			    "\n\tif (n == 0)\n\t\treturn %s;\n"
			    "\tfor (r = s + 1; r < e; r++) {\n",
		      empty_ans ? "true" : "false");
	if (ny == 1)
		sc_buf_printf(code,
			      "\t\tr = memchr(r, 0x%02X, (size_t)(e - r));\n"
			      "\t\tif (!r)\n"
			      "\t\t\tbreak;\n",
			      lastbyte);
	else if (ny < 256)
		sc_buf_puts(code, "\t\tif (!(fy[*r >> 3] & (1u << (*r & 7))))\n"
				  "\t\t\tcontinue;\n");
	if (nx < 256)
		sc_buf_puts(code, "\t\tif (!(fx[r[-1] >> 3] & (1u << (r[-1] & 7))))\n"
				  "\t\t\tcontinue;\n");
	if (cont)
		sc_buf_puts(code, "\t\tif (!sc_re_isstart(s, r, e))\n\t\t\tcontinue;\n");
	sc_buf_printf(code,
		      "\t\tif (%s_y(r, e) && %s_x(r, s))\n"
		      "\t\t\treturn true;\n"
		      "\t}\n\treturn false;\n}\n\n",
		      fn, fn);
}

/*
 * The best split R = X Y for SPLIT (no assertions: one start, one end
 * condition): both halves non-nullable and within the limits, fewest
 * estimated code units, with a penalty for split points a byte filter
 * cannot single out. False when there is none.
 */
static bool pick_split(struct em *e, const struct calpha *ca, const struct start *st,
		       unsigned nstarts, struct half *bx, struct half *by)
{
	struct rx *r;
	uint64_t score, best_score = UINT64_MAX;
	uint32_t k;

	if (nstarts != 1 || st[0].c0 != PREV_UNK || st[0].res.n != 1 ||
	    ST_PEND(st[0].res.v[0].st) != e->all)
		return false;
	r = st[0].res.v[0].r;
	if (r->k != RX_CAT)
		return false;
	for (k = 1; k < r->nkids && !e->failed; k++) {
		struct rx *x = rx_catv(e, r->kids, k), *y = rx_catv(e, r->kids + k, r->nkids - k);
		struct half hx, hy;
		uint8_t tx[32] = {0}, ty[32] = {0};
		unsigned nx, ny;

		if (x->nullable || y->nullable)
			continue;
		if (!plan_half(e, ca, rx_reverse(e, x), &hx) || !plan_half(e, ca, y, &hy))
			continue;
		half_bytes(ca, &hy, true, ty);
		half_bytes(ca, &hx, false, tx);
		nx = count_bytes(tx);
		ny = count_bytes(ty);
		score = hx.cost + hy.cost + 64 * (uint64_t)(nx < ny ? nx : ny);
		if (score < best_score) {
			best_score = score;
			*bx = hx;
			*by = hy;
		}
	}
	return best_score != UINT64_MAX && !e->failed;
}

static void em_free(struct em *e)
{
	size_t j;

	for (j = 0; j < e->memocap; j++)
		if (e->memo && e->memo[j].used)
			ov_free(&e->memo[j].res);
	free(e->memo);
	free(e->tab);
	free(e->bmemo);
	sc_arena_free(e->a);
}

int sc_regex_emit_ex(struct sc_buf *out, const char *fn, const struct sc_re *re,
		     struct sc_buf *why, struct sc_regex_emit_info *info)
{
	static const struct sc_re_range anyr[] = {{0, 0xD7FF}, {0xE000, CP_MAX}};
	struct em e = {0};
	struct sc_regex_emit_info inf = {0};
	struct rx *root, *search, *l = NULL, *lb = NULL, *r0;
	struct rx *ra[MAX_STARTS] = {NULL}, *rb[MAX_STARTS] = {NULL};
	struct rx *ba[MAX_STARTS] = {NULL}, *bb[MAX_STARTS] = {NULL};
	struct start starts[MAX_STARTS];
	struct est edfa = {0, 0, true}, ea = {0, 0, false};
	unsigned nstarts = 0, i, k, pend;
	bool empty_ans, all_free = true, anch_ok = true, anch_loops = false, use_dfa;
	struct sc_buf code = SC_BUF_INIT;
	struct calpha ca = {0};
	struct half hx, hy;
	int rc = 0;

	memset(starts, 0, sizeof(starts));
	e.a = sc_arena_new();
	e.peek = fn;
	e.anyset = rs_make(&e, anyr, 2);
	if (re->cls == SC_RE_UNSUPPORTED) {
		struct sc_buf f = SC_BUF_INIT;

		sc_re_features_describe(re->features, &f);
		fail(&e, "regex uses constructs no DFA can match (%s)", sc_buf_cstr(&f));
		sc_buf_done(&f);
		goto out;
	}
	root = lower(&e, re->root);
	if (e.failed)
		goto out;
	empty_ans = empty_text_match(root);
	search = strip_edge(&e, strip_edge(&e, root, true), false);
	inf.has_assertions = search && search->has_assert;

	/* CONST: impossible, or matches everywhere */
	if (!search || (!search->has_assert && search->nullable)) {
		inf.strategy = SC_REGEX_CONST;
		emit_const(&code, fn, empty_ans, search != NULL);
		goto done;
	}

	/* step 3: the assertion product, per start context */
	scan_asserts(&e, search);
	setup_kinds(&e);
	if (search->first_look) {
		starts[nstarts++].c0 = PREV_BOT;
		for (k = 0; k < e.nkinds; k++)
			starts[nstarts++].c0 = k;
	} else {
		starts[nstarts++].c0 = PREV_UNK;
	}
	for (i = 0; i < nstarts; i++) {
		starts[i].res = apply(&e, search, ST(starts[i].c0, e.all), false);
		for (k = 0; k < starts[i].res.n; k++)
			all_free &= ST_PEND(starts[i].res.v[k].st) == e.all;
	}
	if (e.failed)
		goto out;

	/* RUN */
	r0 = run_shape(&e, starts, nstarts, &pend);
	if (r0) {
		inf.strategy = SC_REGEX_RUN;
		emit_run(&e, &code, fn, r0, pend, empty_ans);
		goto done;
	}

	/* the search form: ([^]* R | R_bot | [^]* K R_k) S */
	{
		struct rx *any = rx_set(&e, e.anyset), *anys = rx_rep(&e, any, 0, SC_RE_INF);
		struct rx *bykind[MAX_STARTS] = {NULL};
		struct rset kset[MAX_STARTS];
		unsigned nby = 0, j;

		for (i = 0; i < nstarts; i++) {
			struct rx *body = NULL;

			for (k = 0; k < starts[i].res.n; k++) {
				struct out *o = &starts[i].res.v[k];

				body = rx_alt(&e, body,
					      all_free ? o->r
						       : rx_cat(&e, o->r, suffix_rx(&e, ST_PEND(o->st))));
			}
			if (!body)
				continue;
			if (starts[i].c0 == PREV_UNK) {
				l = rx_alt(&e, l, rx_cat(&e, anys, body));
			} else if (starts[i].c0 == PREV_BOT) {
				l = rx_alt(&e, l, body);
			} else {
				for (j = 0; j < nby && bykind[j] != body; j++)
					;
				if (j == nby) {
					bykind[nby] = body;
					kset[nby++] = e.kset[starts[i].c0];
				} else {
					kset[j] = rs_union(&e, kset[j], e.kset[starts[i].c0]);
				}
			}
		}
		for (j = 0; j < nby; j++)
			l = rx_alt(&e, l, rx_cat3(&e, anys, rx_set(&e, kset[j]), bykind[j]));
	}
	if (!l) {
		inf.strategy = SC_REGEX_CONST;
		emit_const(&code, fn, empty_ans, false);
		goto done;
	}
	if (l->nullable) {
		/*
		 * Every non-empty text has a matching prefix (all_free), or the
		 * whole-text language only gains the empty text, which n > 0 rules out.
		 */
		if (all_free) {
			inf.strategy = SC_REGEX_CONST;
			emit_const(&code, fn, empty_ans, true);
			goto done;
		}
		l = nonempty(&e, l);
		if (!l) {
			inf.strategy = SC_REGEX_CONST;
			emit_const(&code, fn, empty_ans, false);
			goto done;
		}
	}
	/* the anchored form, at code point level */
	for (i = 0; i < nstarts; i++)
		for (k = 0; k < starts[i].res.n; k++)
			anchored_parts(&e, starts[i].res.v[k].r, ST_PEND(starts[i].res.v[k].st),
				       &ra[i], &rb[i]);
	/* one alphabet for both forms, then their class-level encodings */
	{
		struct rx *roots[1 + 2 * MAX_STARTS];
		size_t nr = 0;

		roots[nr++] = l;
		for (i = 0; i < nstarts; i++) {
			roots[nr++] = ra[i];
			roots[nr++] = rb[i];
		}
		if (calpha_build(&e, &ca, roots, nr))
			goto out;
	}
	lb = cenc(&e, &ca, l);
	edfa = dfa_estimate(lb);
	for (i = 0; i < nstarts; i++) {
		for (k = 0; k < 2; k++) {
			struct rx *r = k ? rb[i] : ra[i];
			struct est es;

			if (!r)
				continue;
			anch_ok &= !r->nullable;
			anch_loops |= has_star(r);
			if (k)
				bb[i] = cenc(&e, &ca, r);
			else
				ba[i] = cenc(&e, &ca, r);
			es = dfa_estimate(k ? bb[i] : ba[i]);
			anch_ok &= !es.over;
			ea.states = es.states > ea.states ? es.states : ea.states;
			ea.cost += es.cost;
		}
	}
	if (e.failed)
		goto out;

	/*
	 * The policy (see the top of the file): the one-pass DFA when it is
	 * small; otherwise the cheapest in estimated code of DFA, ANCHORED and
	 * SPLIT, where the latter two must be three times cheaper than the DFA
	 * (they try several start positions), and are only used instead of a
	 * DFA within the limits when no match attempt can run to the end of the
	 * text (no unbounded loop: bounded work per start position).
	 */
	inf.search_states = edfa.over ? 0 : edfa.states;
	inf.search_cost = edfa.over ? 0 : edfa.cost;
	if (!edfa.over && edfa.cost <= CHEAP_COST) {
		use_dfa = true;
	} else {
		uint64_t cd = edfa.over ? UINT64_MAX : edfa.cost;
		uint64_t cq = UINT64_MAX, cs = UINT64_MAX;

		if (anch_ok && (!anch_loops || edfa.over))
			cq = 3 * ea.cost;
		if (pick_split(&e, &ca, starts, nstarts, &hx, &hy) &&
		    (edfa.over || (!half_unbounded(&hx) && !half_unbounded(&hy))))
			cs = 3 * (hx.cost + hy.cost + 50);
		if (cs < cd && cs < cq) {
			inf.strategy = SC_REGEX_SPLIT;
			inf.dfa_states = hx.states > hy.states ? hx.states : hy.states;
			inf.dfa_cost = hx.cost + hy.cost;
			emit_peek(&code, fn, &ca);
			emit_split(&e, &code, fn, &ca, &hx, &hy, empty_ans);
			goto done;
		}
		if (cd == UINT64_MAX && cq == UINT64_MAX) {
			fail(&e, "regex needs a DFA larger than the limits (%u states, %u code units)",
			     DFA_LIMIT, DFA_COST_LIMIT);
			goto out;
		}
		use_dfa = cd <= cq;
	}
	if (use_dfa) {
		inf.strategy = SC_REGEX_DFA;
		inf.dfa_states = edfa.states;
		inf.dfa_cost = edfa.cost;
		emit_peek(&code, fn, &ca);
		emit_dfa(&e, &code, fn, lb, all_free, empty_ans);
	} else {
		inf.strategy = SC_REGEX_ANCHORED;
		inf.dfa_states = ea.states;
		inf.dfa_cost = ea.cost;
		emit_peek(&code, fn, &ca);
		emit_anchored(&e, &code, fn, &ca, starts, nstarts, ba, bb, empty_ans);
	}

done:
	if (e.failed)
		goto out;
	inf.bytes = code.len;
	sc_buf_add(out, code.data, code.len);
out:
	if (e.failed) {
		rc = -ENOTSUP;
		if (why)
			sc_buf_puts(why, e.why);
	}
	if (info)
		*info = inf;
	for (i = 0; i < nstarts; i++)
		ov_free(&starts[i].res);
	calpha_free(&ca);
	sc_buf_done(&code);
	em_free(&e);
	return rc;
}

int sc_regex_emit(struct sc_buf *out, const char *fn, const struct sc_re *re, struct sc_buf *why)
{
	return sc_regex_emit_ex(out, fn, re, why, NULL);
}

/* ---------------------------------------------------------------- */
/* Prelude                                                           */

void sc_regex_emit_prelude(struct sc_buf *out)
{
	size_t n, i, k = 0;
	const uint32_t(*t)[2] = sc_ucd_ranges(SC_UCD_WORD, &n);

	sc_buf_puts(out, "#include <string.h>\n"
			 "\n"
			 "/*\n"
			 " * The code point at p < e and its length in *len (when len is not NULL):\n"
			 " * invalid UTF-8 is one byte read as U+FFFD, as the reference matcher does.\n"
			 " */\n"
			 "static inline __attribute__((unused)) uint32_t sc_re_cp(const uint8_t *p, const uint8_t *e, size_t *len)\n"
			 "{\n"
			 "\tsize_t k, i, n = (size_t)(e - p);\n"
			 "\tuint32_t cp, min;\n"
			 "\n"
			 "\tif (len)\n"
			 "\t\t*len = 1;\n"
			 "\tif (p[0] < 0x80)\n"
			 "\t\treturn p[0];\n"
			 "\tif ((p[0] & 0xE0) == 0xC0) {\n"
			 "\t\tk = 2, cp = p[0] & 0x1Fu, min = 0x80;\n"
			 "\t} else if ((p[0] & 0xF0) == 0xE0) {\n"
			 "\t\tk = 3, cp = p[0] & 0x0Fu, min = 0x800;\n"
			 "\t} else if ((p[0] & 0xF8) == 0xF0) {\n"
			 "\t\tk = 4, cp = p[0] & 0x07u, min = 0x10000;\n"
			 "\t} else {\n"
			 "\t\treturn 0xFFFD;\n"
			 "\t}\n"
			 "\tif (n < k)\n"
			 "\t\treturn 0xFFFD;\n"
			 "\tfor (i = 1; i < k; i++) {\n"
			 "\t\tif ((p[i] & 0xC0) != 0x80)\n"
			 "\t\t\treturn 0xFFFD;\n"
			 "\t\tcp = cp << 6 | (p[i] & 0x3Fu);\n"
			 "\t}\n"
			 "\tif (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))\n"
			 "\t\treturn 0xFFFD;\n"
			 "\tif (len)\n"
			 "\t\t*len = k;\n"
			 "\treturn cp;\n"
			 "}\n"
			 "\n"
			 "static __attribute__((noinline, unused)) size_t sc_re_len_slow(const uint8_t *p,\n"
			 "\t\t\t\t\t\t\t\t   const uint8_t *e)\n"
			 "{\n"
			 "\tsize_t len;\n"
			 "\n"
			 "\tsc_re_cp(p, e, &len);\n"
			 "\treturn len;\n"
			 "}\n"
			 "\n"
			 "/* YYSKIP: the length of the code point at p < e. */\n"
			 "static inline __attribute__((unused)) size_t sc_re_len(const uint8_t *p, const uint8_t *e)\n"
			 "{\n"
			 "\treturn *p < 0x80 ? 1 : sc_re_len_slow(p, e);\n"
			 "}\n"
			 "\n"
			 "/*\n"
			 " * The start of the code point that ends at p (s < p), as reading forwards\n"
			 " * from s would decode it: a valid sequence, or one invalid byte.\n"
			 " */\n"
			 "static __attribute__((noinline, unused)) const uint8_t *\n"
			 "sc_re_rstart_slow(const uint8_t *s, const uint8_t *p)\n"
			 "{\n"
			 "\tconst uint8_t *q = p - 1;\n"
			 "\tsize_t len;\n"
			 "\n"
			 "\tif ((*q & 0xC0) != 0x80)\n"
			 "\t\treturn q;\n"
			 "\twhile (q > s && q > p - 4 && (*q & 0xC0) == 0x80)\n"
			 "\t\tq--;\n"
			 "\tif ((*q & 0xC0) != 0x80) {\n"
			 "\t\tsc_re_cp(q, p, &len);\n"
			 "\t\tif (q + len == p)\n"
			 "\t\t\treturn q;\n"
			 "\t}\n"
			 "\treturn p - 1;\n"
			 "}\n"
			 "\n"
			 "static inline __attribute__((unused)) const uint8_t *sc_re_rstart(const uint8_t *s, const uint8_t *p)\n"
			 "{\n"
			 "\treturn p[-1] < 0x80 ? p - 1 : sc_re_rstart_slow(s, p);\n"
			 "}\n"
			 "\n"
			 "/* Does a code point start at p (s <= p < e), reading forwards from s? */\n"
			 "static inline __attribute__((unused)) bool sc_re_isstart(const uint8_t *s, const uint8_t *p, const uint8_t *e)\n"
			 "{\n"
			 "\tconst uint8_t *q = p;\n"
			 "\tsize_t len;\n"
			 "\n"
			 "\tif ((*p & 0xC0) != 0x80)\n"
			 "\t\treturn true;\n"
			 "\twhile (q > s && q > p - 3 && (*q & 0xC0) == 0x80)\n"
			 "\t\tq--;\n"
			 "\tif ((*q & 0xC0) == 0x80)\n"
			 "\t\treturn true;\n"
			 "\tsc_re_cp(q, e, &len);\n"
			 "\treturn q + len <= p;\n"
			 "}\n"
			 "\n"
			 "/* The class of non-ASCII cp: the last run of t[0..n) starting at or before cp. */\n"
			 "static inline __attribute__((unused)) uint8_t sc_re_class(const uint32_t (*t)[2], size_t n, uint32_t cp,\n"
			 "\t\t\t\t   uint8_t dflt)\n"
			 "{\n"
			 "\tsize_t lo = 0, hi = n;\n"
			 "\n"
			 "\twhile (lo < hi) {\n"
			 "\t\tsize_t mid = lo + (hi - lo) / 2;\n"
			 "\n"
			 "\t\tif (t[mid][0] <= cp)\n"
			 "\t\t\tlo = mid + 1;\n"
			 "\t\telse\n"
			 "\t\t\thi = mid;\n"
			 "\t}\n"
			 "\treturn lo ? (uint8_t)t[lo - 1][1] : dflt;\n"
			 "}\n"
			 "\n"
			 "/*\n"
			 " * What precedes p (s < p, valid UTF-8): bit 0 a '\\n', bit 1 an ASCII word\n"
			 " * character, bit 2 another word character of Python's re (str.isalnum()\n"
			 " * or '_'); 0 for anything else. Used by regexes with \\b \\B ^ at the start.\n"
			 " */\n"
			 "static inline __attribute__((unused)) unsigned sc_re_ctx(const uint8_t *s, const uint8_t *p)\n"
			 "{\n"
			 "\tstatic const uint32_t w[][2] = {");
	for (i = 0; i < n; i++) {
		uint32_t lo = t[i][0] < 0x80 ? 0x80 : t[i][0];

		if (t[i][1] < 0x80)
			continue;
		sc_buf_printf(out, "%s{0x%X, 0x%X},", k % 6 ? " " : "\n\t\t", lo, t[i][1]);
		k++;
	}
	sc_buf_puts(out,
		    "\n\t};\n"
		    "\tconst uint8_t *q = p - 1;\n"
		    "\tsize_t lo = 0, hi = sizeof(w) / sizeof(w[0]);\n"
		    "\tuint32_t cp;\n"
		    "\n"
		    "\twhile (q > s && (*q & 0xC0) == 0x80)\n"
		    "\t\tq--;\n"
		    "\tif (*q < 0x80) {\n"
		    "\t\tunsigned c = *q;\n"
		    "\n"
		    "\t\tif (c == '\\n')\n"
		    "\t\t\treturn 1u;\n"
		    "\t\treturn (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||\n"
		    "\t\t\t       c == '_'\n"
		    "\t\t\t       ? 2u\n"
		    "\t\t\t       : 0u;\n"
		    "\t}\n"
		    "\tif ((*q & 0xE0) == 0xC0)\n"
		    "\t\tcp = (uint32_t)(q[0] & 0x1F) << 6 | (q[1] & 0x3Fu);\n"
		    "\telse if ((*q & 0xF0) == 0xE0)\n"
		    "\t\tcp = (uint32_t)(q[0] & 0x0F) << 12 | (uint32_t)(q[1] & 0x3F) << 6 | (q[2] & 0x3Fu);\n"
		    "\telse\n"
		    "\t\tcp = (uint32_t)(q[0] & 0x07) << 18 | (uint32_t)(q[1] & 0x3F) << 12 |\n"
		    "\t\t     (uint32_t)(q[2] & 0x3F) << 6 | (q[3] & 0x3Fu);\n"
		    "\twhile (lo < hi) {\n"
		    "\t\tsize_t mid = lo + (hi - lo) / 2;\n"
		    "\n"
		    "\t\tif (cp < w[mid][0])\n"
		    "\t\t\thi = mid;\n"
		    "\t\telse if (cp > w[mid][1])\n"
		    "\t\t\tlo = mid + 1;\n"
		    "\t\telse\n"
		    "\t\t\treturn 4u;\n"
		    "\t}\n"
		    "\treturn 0u;\n"
		    "}\n\n");
}
