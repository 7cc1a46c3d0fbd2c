// SPDX-License-Identifier: Apache-2.0
/*
 * Required literals of a regex (regex_lit.h): strings one of which every
 * match must contain, so that a rule whose only positive test is a regex
 * can still be indexed: the literal matchers find the string and only then
 * is the regex run (the prefilter of RE2, Hyperscan and rsigma).
 *
 * Bottom-up over the parser's AST, each node gets: whether all its matches
 * are one exact string; a prefix and a suffix every match has; and a set
 * of alternatives of which every match contains one. Concatenation joins
 * the suffix of the left part to the prefix of the right one, alternation
 * takes the union of its branches' best sets, a repetition at least once
 * keeps its body's facts, zero-width assertions are the empty string.
 *
 * Case. When any part of the pattern ignores case, every literal is taken
 * through simple case folding (the matchers then search the folded value):
 * a code point the regex accepts folds to the literal's folded code point,
 * because the regex's case-insensitive classes are exactly the simple
 * folding classes (regex_emit.c). Otherwise the literals are the exact
 * bytes and are searched in the value as it is.
 */
#include "regex_lit.h"

#include <string.h>

#include "regex.h"
#include "utf8.h"

#define str sc_rlit

struct alts {
	struct str s[SC_RLIT_ALTS];
	uint32_t n; /* 0: nothing required */
};

struct facts {
	bool exact;	 /* every match is pre (== suf) */
	struct str pre;	 /* every match starts with it */
	struct str suf;	 /* every match ends with it */
	struct alts req; /* every match contains one of them */
};

static uint32_t quality(const struct alts *a)
{
	uint32_t i, q = UINT32_MAX;

	if (!a->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->s[i].n < q)
			q = a->s[i].n;
	return q;
}

/* Keep in *a the better of *a and b (longer shortest string, then fewer strings). */
static void better(struct alts *a, const struct alts *b)
{
	uint32_t qa = quality(a), qb = quality(b);

	if (qb > qa || (qb == qa && qb && b->n < a->n))
		*a = *b;
}

static void one(struct alts *a, const struct str *s)
{
	a->n = s->n ? 1 : 0;
	a->s[0] = *s;
}

static void better_str(struct alts *a, const struct str *s)
{
	struct alts t;

	one(&t, s);
	better(a, &t);
}

/* s + t, keeping the first SC_RLIT_MAX bytes (a prefix of a prefix). */
static struct str cat_front(const struct str *s, const struct str *t)
{
	struct str r = *s;
	uint32_t k = t->n;

	if (r.n + k > SC_RLIT_MAX)
		k = SC_RLIT_MAX - r.n;
	memcpy(r.b + r.n, t->b, k);
	r.n += k;
	return r;
}

/* s + t, keeping the last SC_RLIT_MAX bytes (a suffix of a suffix). */
static struct str cat_back(const struct str *s, const struct str *t)
{
	uint8_t tmp[2 * SC_RLIT_MAX];
	struct str r;
	uint32_t n = s->n + t->n, from;

	memcpy(tmp, s->b, s->n);
	memcpy(tmp + s->n, t->b, t->n);
	from = n > SC_RLIT_MAX ? n - SC_RLIT_MAX : 0;
	r.n = n - from;
	memcpy(r.b, tmp + from, r.n);
	return r;
}

static void set_exact(struct facts *f, const struct str *s)
{
	memset(f, 0, sizeof(*f));
	f->exact = true;
	f->pre = f->suf = *s;
	one(&f->req, s);
}

static void concat(struct facts *a, const struct facts *b)
{
	struct facts r;
	struct str mid;

	memset(&r, 0, sizeof(r));
	if (a->exact && b->exact && a->pre.n + b->pre.n <= SC_RLIT_MAX) {
		struct str s = cat_front(&a->pre, &b->pre);

		set_exact(a, &s);
		return;
	}
	r.pre = a->exact ? cat_front(&a->pre, &b->pre) : a->pre;
	r.suf = b->exact ? cat_back(&a->suf, &b->suf) : b->suf;
	r.req = a->req;
	better(&r.req, &b->req);
	mid = cat_back(&a->suf, &b->pre); /* the junction is in every match */
	better_str(&r.req, &mid);
	better_str(&r.req, &r.pre);
	better_str(&r.req, &r.suf);
	*a = r;
}

static uint32_t common_prefix(const struct str *a, const struct str *b)
{
	uint32_t i = 0;

	while (i < a->n && i < b->n && a->b[i] == b->b[i])
		i++;
	return i;
}

static uint32_t common_suffix(const struct str *a, const struct str *b)
{
	uint32_t i = 0;

	while (i < a->n && i < b->n && a->b[a->n - 1 - i] == b->b[b->n - 1 - i])
		i++;
	return i;
}

/* The literal bytes of code point cp (folded in fold mode); false for U+FFFD. */
static bool cp_str(uint32_t cp, bool fold_mode, struct str *s)
{
	if (cp == 0xFFFD || cp > 0x10FFFF)
		return false;
	if (fold_mode)
		cp = sc_ucd_fold_cp(cp);
	s->n = (uint32_t)sc_utf8_encode(cp, s->b);
	return s->n > 0;
}

static void analyse(const struct sc_re_node *n, bool fold_mode, struct facts *f, int depth);

static void alt(const struct sc_re_node *n, bool fold_mode, struct facts *f, int depth)
{
	struct facts k;
	struct alts u = {.n = 0};
	bool all = true;
	uint32_t i, j;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < n->nkids; i++) {
		struct alts best;

		analyse(n->kids[i], fold_mode, &k, depth + 1);
		if (i == 0) {
			f->pre = k.pre;
			f->suf = k.suf;
		} else {
			f->pre.n = common_prefix(&f->pre, &k.pre);
			j = common_suffix(&f->suf, &k.suf);
			memmove(f->suf.b, f->suf.b + f->suf.n - j, j);
			f->suf.n = j;
		}
		best = k.req;
		better_str(&best, &k.pre);
		better_str(&best, &k.suf);
		if (!best.n || u.n + best.n > SC_RLIT_ALTS) {
			all = false;
			continue;
		}
		for (j = 0; j < best.n; j++)
			u.s[u.n++] = best.s[j];
	}
	if (all)
		f->req = u;
	better_str(&f->req, &f->pre);
	better_str(&f->req, &f->suf);
}

static void analyse(const struct sc_re_node *n, bool fold_mode, struct facts *f, int depth)
{
	static const struct str empty = {.n = 0};
	struct facts k;
	struct str s;
	uint32_t i;

	memset(f, 0, sizeof(*f));
	if (depth > SC_RE_MAX_DEPTH + 8)
		return;
	switch (n->op) {
	case SC_RE_EMPTY:
	case SC_RE_BOL:
	case SC_RE_EOL:
	case SC_RE_BOT:
	case SC_RE_EOT:
	case SC_RE_WORDB:
	case SC_RE_NWORDB:
		set_exact(f, &empty);
		return;
	case SC_RE_CHAR:
		if (cp_str(n->cp, fold_mode, &s))
			set_exact(f, &s);
		return;
	case SC_RE_CLASS: {
		/* one code point, or (fold mode) one folding class */
		uint32_t cp = n->nranges ? n->ranges[0].lo : 0, c;
		bool single = n->nranges > 0;

		for (i = 0; single && i < n->nranges; i++)
			for (c = n->ranges[i].lo; single && c <= n->ranges[i].hi; c++)
				single = c == cp || (fold_mode && sc_ucd_fold_cp(c) == sc_ucd_fold_cp(cp));
		if (single && cp_str(cp, fold_mode, &s))
			set_exact(f, &s);
		return;
	}
	case SC_RE_GROUP:
		analyse(n->kids[0], fold_mode, f, depth + 1);
		return;
	case SC_RE_CONCAT:
		set_exact(f, &empty);
		for (i = 0; i < n->nkids; i++) {
			analyse(n->kids[i], fold_mode, &k, depth + 1);
			concat(f, &k);
		}
		return;
	case SC_RE_ALT:
		alt(n, fold_mode, f, depth);
		return;
	case SC_RE_REPEAT:
		if (n->min == 0) {
			if (n->max == 0)
				set_exact(f, &empty);
			return;
		}
		analyse(n->kids[0], fold_mode, &k, depth + 1);
		if (n->min == 1 && n->max == 1) {
			*f = k;
			return;
		}
		/* at least one copy: its facts hold at the ends and inside */
		f->pre = k.pre;
		f->suf = k.suf;
		f->req = k.req;
		better_str(&f->req, &k.pre);
		return;
	default: /* ANY, and constructs the code generator rejects */
		return;
	}
}

static bool any_fold(const struct sc_re_node *n, int depth)
{
	uint32_t i;

	if (depth > SC_RE_MAX_DEPTH + 8)
		return true;
	if (n->op == SC_RE_CHAR && n->fold)
		return true;
	for (i = 0; i < n->nkids; i++)
		if (any_fold(n->kids[i], depth + 1))
			return true;
	return false;
}

uint32_t sc_regex_required(const struct sc_re *re, struct sc_rlit *out, bool *folded)
{
	struct facts f;
	bool fold_mode;
	uint32_t i;

	fold_mode = (re->flags & SC_RE_FLAG_I) || (re->features & SC_RE_F_INLINE_FLAGS) ||
		    any_fold(re->root, 0);
	*folded = fold_mode;
	analyse(re->root, fold_mode, &f, 0);
	better_str(&f.req, &f.pre);
	better_str(&f.req, &f.suf);
	if (quality(&f.req) < SC_RLIT_MIN)
		return 0;
	for (i = 0; i < f.req.n; i++) {
		memcpy(out[i].b, f.req.s[i].b, f.req.s[i].n);
		out[i].n = f.req.s[i].n;
	}
	return f.req.n;
}

static bool ascii_letter(uint32_t c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static void req_bytes(const struct sc_re_node *n, uint64_t set[2], int depth)
{
	uint64_t t[2];
	uint32_t i, c;

	set[0] = set[1] = 0;
	if (depth > 4 * SC_RE_MAX_DEPTH)
		return; /* nothing required: always safe */
	switch (n->op) {
	case SC_RE_CHAR:
		/* under IGNORECASE a letter also matches its other case (and K, S others) */
		if (n->cp < 0x80 && !(n->fold && ascii_letter(n->cp)))
			set[n->cp / 64] |= 1ull << (n->cp % 64);
		break;
	case SC_RE_CLASS:
		c = n->nranges == 1 ? n->ranges[0].lo : 0x80;
		if (c < 0x80 && n->ranges[0].hi == c)
			set[c / 64] |= 1ull << (c % 64);
		break;
	case SC_RE_CONCAT:
		for (i = 0; i < n->nkids; i++) {
			req_bytes(n->kids[i], t, depth + 1);
			set[0] |= t[0];
			set[1] |= t[1];
		}
		break;
	case SC_RE_ALT:
		for (i = 0; i < n->nkids; i++) {
			req_bytes(n->kids[i], t, depth + 1);
			set[0] = i ? set[0] & t[0] : t[0];
			set[1] = i ? set[1] & t[1] : t[1];
		}
		break;
	case SC_RE_REPEAT:
		if (n->min >= 1 && n->nkids == 1)
			req_bytes(n->kids[0], set, depth + 1);
		break;
	case SC_RE_GROUP:
		if (n->nkids == 1)
			req_bytes(n->kids[0], set, depth + 1);
		break;
	default:
		break; /* anchors, '.', unsupported constructs: nothing */
	}
}

void sc_regex_required_bytes(const struct sc_re *re, uint64_t ret_set[2])
{
	req_bytes(re->root, ret_set, 0);
}
