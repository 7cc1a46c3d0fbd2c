// SPDX-License-Identifier: Apache-2.0
/*
 * re2c code for Sigma regexes: the kinds of code points assertions tell
 * apart, and the assertion product (regex_emit.c has the pipeline).
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
 */

#include "regex_emit_int.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "utf8.h"

/* ---------------------------------------------------------------- */
/* Kinds and contexts                                                */

void sc_rx_scan_asserts(struct em *e, const struct rx *x)
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
		sc_rx_scan_asserts(e, x->kids[i]);
}

static struct rset word_set(struct em *e)
{
	size_t n, i;
	const uint32_t(*t)[2] = sc_ucd_ranges(SC_UCD_WORD, &n);
	struct rvec v = {0};

	for (i = 0; i < n; i++)
		sc_rv_push(&v, t[i][0], t[i][1]);
	return sc_rs_no_surrogates(e, sc_rv_finish(e, &v));
}

static struct rset ascii_word_set(struct em *e)
{
	static const struct sc_re_range r[] = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};

	return sc_rs_make(e, r, 4);
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

void sc_rx_setup_kinds(struct em *e)
{
	struct rset rest = e->anyset, nl = sc_rs_range(e, '\n', '\n');

	e->nkinds = 0;
	e->nl_kind = -1;
	if (e->need_nl) {
		add_kind(e, nl, KF_NL);
		rest = sc_rs_diff(e, rest, nl);
	}
	if (e->need_wu || e->need_wa) {
		struct rset aw = ascii_word_set(e), wu = word_set(e);

		if (e->need_wu && e->need_wa) {
			add_kind(e, aw, KF_WU | KF_WA);
			add_kind(e, sc_rs_diff(e, wu, aw), KF_WU);
			rest = sc_rs_diff(e, rest, wu);
		} else if (e->need_wu) {
			add_kind(e, wu, KF_WU);
			rest = sc_rs_diff(e, rest, wu);
		} else {
			add_kind(e, aw, KF_WA);
			rest = sc_rs_diff(e, rest, aw);
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
			o->v[i].r = sc_rx_alt(e, o->v[i].r, r);
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

void sc_ov_free(struct outv *o)
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

static struct memo *memo_slot(struct em *e, struct rx *x, uint16_t st, bool follow, bool *found)
{
	uint32_t h = sc_rx_mix(sc_rx_mix(x->id, st), follow);
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
			h = sc_rx_mix(sc_rx_mix(m->x->id, m->st), m->follow);
			for (j = h & (ncap - 1); nm[j].used; j = (j + 1) & (ncap - 1))
				;
			nm[j] = *m;
		}
		free(e->memo);
		e->memo = nm;
		e->memocap = ncap;
		h = sc_rx_mix(sc_rx_mix(x->id, st), follow);
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
		s = sc_rs_inter(e, x->set, e->kset[k]);
		if (s.n == 0)
			continue;
		ov_add(e, &o, ST(follow ? k : PREV_UNK, np), sc_rx_set(e, s));
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
	ov_add(e, &cur, st, sc_rx_empty(e));
	for (i = 0; i < n && cur.n; i++) {
		struct rx *k = x->kids[i];

		for (j = 0; j < cur.n; j++)
			ov_add(e, &grp, norm(cur.v[j].st, k, fol[i + 1]), cur.v[j].r);
		for (j = 0; j < grp.n; j++) {
			struct outv r = sc_rx_apply(e, k, grp.v[j].st, fol[i + 1]);
			uint32_t m;

			for (m = 0; m < r.n; m++)
				ov_add(e, &nxt, r.v[m].st, sc_rx_cat(e, grp.v[j].r, r.v[m].r));
			sc_ov_free(&r);
		}
		sc_ov_free(&cur);
		sc_ov_free(&grp);
		cur = nxt;
		nxt = (struct outv){0};
	}
	if (i < n)
		sc_ov_free(&cur);
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
		a[j] = sc_rx_alt(e, a[j], start->v[i].r);
	}
	for (i = 0; i < nq; i++) {
		fin[i] = sc_rx_apply(e, body, q[i], fb);
		for (t = 0; t < fin[i].n; t++) {
			uint16_t v = norm(fin[i].v[t].st, body, fb);

			for (j = 0; j < nq && q[j] != v; j++)
				;
			if (j == nq) {
				if (nq == KLEENE_LIMIT) {
					for (j = 0; j <= i; j++)
						sc_ov_free(&fin[j]);
					goto too_big;
				}
				q[nq++] = v;
			}
			m[i][j] = sc_rx_alt(e, m[i][j], fin[i].v[t].r);
		}
	}
	/* m := m+ (Kleene), then paths a[i] m*[i][j] fin[j] */
	for (kk = 0; kk < nq; kk++) {
		struct rx *star = sc_rx_rep(e, m[kk][kk], 0, SC_RE_INF);

		for (i = 0; i < nq; i++) {
			if (!m[i][kk])
				continue;
			for (j = 0; j < nq; j++)
				if (m[kk][j])
					m[i][j] = sc_rx_alt(e, m[i][j],
							 sc_rx_cat3(e, m[i][kk], star, m[kk][j]));
		}
	}
	for (i = 0; i < nq; i++) {
		if (!a[i])
			continue;
		for (j = 0; j < nq; j++) {
			struct rx *path = i == j ? sc_rx_alt(e, sc_rx_empty(e), m[i][j]) : m[i][j];

			if (!path)
				continue;
			for (t = 0; t < fin[j].n; t++)
				ov_add(e, res, fin[j].v[t].st,
				       sc_rx_cat3(e, a[i], path, fin[j].v[t].r));
		}
	}
	for (i = 0; i < nq; i++)
		sc_ov_free(&fin[i]);
	return;
too_big:
	sc_rx_fail(e, "repetition around assertions needs more than %u context states",
	     KLEENE_LIMIT);
}

static struct outv apply_rep(struct em *e, struct rx *x, uint16_t st, bool follow)
{
	struct rx *body = x->kids[0];
	bool fb = body->first_look || follow;
	struct outv res = {0}, p = {0}, grp = {0}, nxt = {0};
	uint32_t i = 0, steps = 0, j, t;

	ov_add(e, &p, st, sc_rx_empty(e));
	if (x->min == 0)
		ov_add(e, &res, st, sc_rx_empty(e));
	while ((x->max == SC_RE_INF || i < x->max) && p.n && !e->failed) {
		for (j = 0; j < p.n; j++)
			ov_add(e, &grp, norm(p.v[j].st, body, fb), p.v[j].r);
		if (grp.n == 1) {
			/* closed form when every further iteration starts in state u */
			uint16_t u = grp.v[0].st;
			struct outv tr = sc_rx_apply(e, body, u, fb);
			struct rx *loop = NULL;
			bool closed = true;

			for (t = 0; t < tr.n && closed; t++) {
				uint16_t v = norm(tr.v[t].st, body, fb);

				if (v == u) {
					loop = sc_rx_alt(e, loop, tr.v[t].r);
				} else {
					struct outv d = sc_rx_apply(e, body, v, fb);

					closed = d.n == 0;
					sc_ov_free(&d);
				}
			}
			if (closed) {
				uint32_t lo = x->min > i + 1 ? x->min - i : 1;
				uint32_t hi = x->max == SC_RE_INF ? SC_RE_INF : x->max - i;

				if (lo <= hi) {
					struct rx *mid = sc_rx_rep(
						e, loop, lo - 1, hi == SC_RE_INF ? SC_RE_INF : hi - 1);

					for (t = 0; t < tr.n; t++)
						ov_add(e, &res, tr.v[t].st,
						       sc_rx_cat3(e, grp.v[0].r, mid, tr.v[t].r));
				}
				sc_ov_free(&tr);
				sc_ov_free(&grp);
				goto done;
			}
			sc_ov_free(&tr);
		}
		if (x->max == SC_RE_INF && i >= x->min && steps >= 2) {
			apply_kleene(e, body, fb, &p, &res);
			sc_ov_free(&grp);
			goto done;
		}
		if (++steps > UNROLL_LIMIT) {
			sc_rx_fail(e,
				   "counted repetition around assertions is too large to unroll");
			sc_ov_free(&grp);
			goto done;
		}
		for (j = 0; j < grp.n; j++) {
			struct outv r = sc_rx_apply(e, body, grp.v[j].st, fb);

			for (t = 0; t < r.n; t++)
				ov_add(e, &nxt, r.v[t].st, sc_rx_cat(e, grp.v[j].r, r.v[t].r));
			sc_ov_free(&r);
		}
		sc_ov_free(&grp);
		sc_ov_free(&p);
		p = nxt;
		nxt = (struct outv){0};
		i++;
		if (i >= x->min)
			for (j = 0; j < p.n; j++)
				ov_add(e, &res, p.v[j].st, p.v[j].r);
	}
done:
	sc_ov_free(&p);
	return res;
}

/*
 * The matches of x entered in context state st, by the state they leave:
 * a list of (state, assertion-free rx). follow: an assertion may come after
 * x before the next code point (so the kind of x's last one matters).
 */
struct outv sc_rx_apply(struct em *e, struct rx *x, uint16_t st, bool follow)
{
	struct outv o = {0}, fin = {0};
	struct memo *m;
	bool found;
	uint32_t i;

	st = norm(st, x, follow);
	if (e->failed)
		return o;
	if (++e->work > WORK_LIMIT) {
		sc_rx_fail(e, "assertions make the regex too complex to translate");
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

		if (prev == PREV_UNK && sc_rx_at_looks_back(x->at)) {
			sc_rx_fail(e, "internal error: assertion without context");
			break;
		}
		np = ST_PEND(st) & at_mask(e, x->at, prev);
		if (np)
			ov_add(e, &o, ST(prev, np), sc_rx_empty(e));
		break;
	}
	case RX_CAT:
		o = apply_cat(e, x, st, follow);
		break;
	case RX_ALT:
		for (i = 0; i < x->nkids; i++) {
			struct outv r = sc_rx_apply(e, x->kids[i], st, follow);
			uint32_t j;

			for (j = 0; j < r.n; j++)
				ov_add(e, &o, r.v[j].st, r.v[j].r);
			sc_ov_free(&r);
		}
		break;
	case RX_REP:
		o = apply_rep(e, x, st, follow);
		break;
	}
	/* what follows cannot see the previous kind: forget it */
	for (i = 0; i < o.n; i++)
		ov_add(e, &fin, follow ? o.v[i].st : ST(PREV_UNK, ST_PEND(o.v[i].st)), o.v[i].r);
	sc_ov_free(&o);
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
