// SPDX-License-Identifier: Apache-2.0
/*
 * Parser and classifier for the regular expressions of Sigma's |re
 * modifier (see regex.h). The parser is a close port of Python 3.11's
 * re._parser for str patterns, so that a pattern is rejected exactly when
 * re.compile() rejects it, with Python's message at the same place (byte
 * offsets here, code point positions in Python). It also makes the checks
 * Python leaves to re._compiler and re._parser.fix_flags: fixed-width
 * lookbehind, the TEMPLATE flag (?t) with repeats, ASCII with UNICODE.
 * Deliberate differences: \N{NAME} and non-ASCII group names (see
 * regex_lex.c), and nesting beyond SC_RE_MAX_DEPTH groups, an error here
 * (Python's limit is its recursion limit).
 *
 * This file holds the syntax layer (groups, inline flags, quantifiers,
 * sequences and alternatives) and the entry point; regex_int.h lists the
 * other files (the width computation and the classification are in
 * regex_analyze.c). Errors are sticky: the first one is kept, the
 * tokenizer then reports the end of the pattern and the parse unwinds.
 *
 * AST conventions beyond regex.h:
 *   - '[...]' and \d \D \w \W \s \S always become SC_RE_CLASS. Sets live in
 *     [0, 0x10FFFF], surrogates included (a negated class contains them;
 *     they never occur in UTF-8 text). Under IGNORECASE, the members
 *     written as characters or ranges are closed under simple case folding
 *     (sc_ucd_fold_class) before a negation is applied; \d \w \s are added
 *     unchanged, because Python tests them without folding ((?i)\W must
 *     not match Greek iota although U+0345, a \W member, folds to it).
 *   - With IGNORECASE and the ASCII flag both in scope, Python folds ASCII
 *     letters only: a letter becomes a CLASS of its two cases, any other
 *     character a CHAR without fold.
 *   - Possessive quantifiers become SC_RE_ATOMIC around a greedy
 *     SC_RE_REPEAT (Python defines a*+ as (?>a*)).
 *   - (?:...) and scoped-flag groups stay SC_RE_GROUP with capture false;
 *     capturing groups carry their number in min and their name, if any.
 *   - \N{NAME} is a CHAR with cp U+FFFD and name set (UNSUPPORTED anyway);
 *     in a class it adds U+FFFD.
 *   - SC_RE_COND has the group number in min; kids[1] is EMPTY when there
 *     is no 'no' branch.
 *   - Counts above SC_RE_MAX_COUNT set both SC_RE_F_LARGE_COUNT and
 *     SC_RE_F_HUGE_COUNT.
 */
#include "regex.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "regex_int.h"

struct nodevec {
	struct sc_re_node **v;
	size_t n, cap;
};

static void nv_push(struct nodevec *v, struct sc_re_node *n)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 8;
		v->v = sc_xreallocarray(v->v, v->cap, sizeof(*v->v));
	}
	v->v[v->n++] = n;
}

/* A CONCAT or ALT of the vector's nodes (or the only one, or EMPTY). */
static struct sc_re_node *nv_finish(struct sc_re_parser *p, struct nodevec *v, enum sc_re_op op,
				    size_t cpos)
{
	struct sc_re_node *n;

	if (v->n == 0) {
		n = sc_re_node_new(p, SC_RE_EMPTY, cpos);
	} else if (v->n == 1) {
		n = v->v[0];
	} else {
		n = sc_re_node_new(p, op, cpos);
		n->kids = sc_arena_array(p->a, v->n, sizeof(*n->kids));
		memcpy(n->kids, v->v, v->n * sizeof(*n->kids));
		n->nkids = (uint32_t)v->n;
		n->offset = v->v[0]->offset;
	}
	free(v->v);
	v->v = NULL;
	v->n = v->cap = 0;
	return n;
}

/* An error Python's compiler raises: the first in pattern order wins. */
static void defer_error(struct sc_re_parser *p, size_t cpos, const char *msg)
{
	if (p->deferred && p->deferred_pos <= cpos)
		return;
	p->deferred = true;
	p->deferred_pos = cpos;
	snprintf(p->deferred_msg, sizeof(p->deferred_msg), "%s", msg);
}

/* ---- inline flags ---- */

static unsigned flag_bit(uint32_t t)
{
	switch (t) {
	case 'i':
		return SC_RE_FLAG_I;
	case 'm':
		return SC_RE_FLAG_M;
	case 's':
		return SC_RE_FLAG_S;
	case 'x':
		return SC_RE_FLAG_X;
	case 'a':
		return SC_RE_FLAG_A;
	case 'u':
		return RE_FL_U;
	case 'L':
		return RE_FL_L;
	case 't':
		return RE_FL_T;
	default:
		return 0;
	}
}

/* Python's _combine_flags(). */
static unsigned combine_flags(unsigned scope, unsigned add, unsigned del)
{
	if (add & RE_FL_TYPE)
		scope &= ~RE_FL_TYPE;
	return (scope | add) & ~del;
}

/* The error for a token that is not a flag where one may stand. */
static int flag_error(struct sc_re_parser *p, uint32_t c, const char *msg)
{
	sc_re_fail_back(p, sc_re_tok_len(c), "%s", sc_re_tok_isalpha(c) ? "unknown flag" : msg);
	return -1;
}

/*
 * Python's _parse_flags(); c is the first flag character (or '-').
 * Returns 1 for global flags "(?aiLmsux)", 0 for scoped ones, -1 on error.
 */
static int parse_flags(struct sc_re_parser *p, uint32_t c, unsigned *add, unsigned *del)
{
	unsigned f;

	*add = *del = 0;
	while (c != '-') {
		f = flag_bit(c);
		if (c == 'L') {
			sc_re_fail_back(p, 0,
					"bad inline flags: cannot use 'L' flag with a str pattern");
			return -1;
		}
		*add |= f;
		if ((f & RE_FL_TYPE) && (*add & RE_FL_TYPE) != f) {
			sc_re_fail_back(
				p, 0, "bad inline flags: flags 'a', 'u' and 'L' are incompatible");
			return -1;
		}
		c = sc_re_tok_get(p);
		if (c == RE_TOK_END) {
			sc_re_fail_back(p, 0, "missing -, : or )");
			return -1;
		}
		if (c == ')' || c == ':')
			break;
		if (c != '-' && !flag_bit(c))
			return flag_error(p, c, "missing -, : or )");
	}
	if (c == ')')
		return 1;
	if (*add & RE_FL_T) {
		sc_re_fail_back(p, 1, "bad inline flags: cannot turn on global flag");
		return -1;
	}
	if (c == '-') {
		c = sc_re_tok_get(p);
		if (c == RE_TOK_END) {
			sc_re_fail_back(p, 0, "missing flag");
			return -1;
		}
		if (!flag_bit(c))
			return flag_error(p, c, "missing flag");
		for (;;) {
			f = flag_bit(c);
			if (f & RE_FL_TYPE) {
				sc_re_fail_back(p, 0,
						"bad inline flags: cannot turn off flags 'a', "
						"'u' and 'L'");
				return -1;
			}
			*del |= f;
			c = sc_re_tok_get(p);
			if (c == RE_TOK_END) {
				sc_re_fail_back(p, 0, "missing :");
				return -1;
			}
			if (c == ':')
				break;
			if (!flag_bit(c))
				return flag_error(p, c, "missing :");
		}
	}
	if (*del & RE_FL_T) {
		sc_re_fail_back(p, 1, "bad inline flags: cannot turn off global flag");
		return -1;
	}
	if (*add & *del) {
		sc_re_fail_back(p, 1, "bad inline flags: flag turned on and off");
		return -1;
	}
	return 0;
}

/* ---- groups ---- */

static struct sc_re_node *parse_alt(struct sc_re_parser *p, unsigned scope, int nested);
static struct sc_re_node *parse_seq(struct sc_re_parser *p, unsigned scope, int nested, bool first);

static bool enter_group(struct sc_re_parser *p, size_t start)
{
	if (p->depth >= SC_RE_MAX_DEPTH) {
		sc_re_fail(p, start, "groups nested more than %d deep (sigmac-c limit)",
			   SC_RE_MAX_DEPTH);
		return false;
	}
	p->depth++;
	p->features |= SC_RE_F_GROUP;
	return true;
}

static bool close_paren(struct sc_re_parser *p, size_t start)
{
	if (sc_re_tok_match(p, ')'))
		return true;
	sc_re_fail(p, start, "missing ), unterminated subpattern");
	return false;
}

/* (?=...) (?!...) (?<=...) (?<!...); c is '=', '!' or '<'. */
static struct sc_re_node *parse_look(struct sc_re_parser *p, size_t start, uint32_t c,
				     unsigned scope, int nested)
{
	bool behind = c == '<';
	long saved = p->lookbehind;
	struct sc_re_node *body, *n;
	uint64_t lo, hi;
	char b[8];

	if (behind) {
		c = sc_re_tok_get(p);
		if (c == RE_TOK_END) {
			sc_re_fail_back(p, 0, "unexpected end of pattern");
			return NULL;
		}
		if (c != '=' && c != '!') {
			sc_re_fail_back(p, sc_re_tok_len(c) + 2, "unknown extension ?<%s",
					sc_re_tok_text(c, b));
			return NULL;
		}
		if (saved < 0)
			p->lookbehind = (long)p->ngroups + 1;
	}
	if (!enter_group(p, start))
		return NULL;
	body = parse_alt(p, scope, nested + 1);
	p->depth--;
	if (behind && saved < 0)
		p->lookbehind = -1;
	if (!body || !close_paren(p, start))
		return NULL;
	n = sc_re_node_wrap(p, SC_RE_LOOK, start, body);
	n->behind = behind;
	n->negate = c == '!';
	p->features |= SC_RE_F_LOOKAROUND;
	if (behind) {
		sc_re_node_width(p, body, &lo, &hi);
		if (lo > RE_PY_MAXCODE)
			defer_error(p, start, "looks too much behind");
		else if (lo != hi)
			defer_error(p, start, "look-behind requires fixed-width pattern");
	}
	return n;
}

/* The group of a conditional, by name or number; 0 on error. */
static uint64_t cond_group(struct sc_re_parser *p, size_t from, size_t len)
{
	uint64_t gid;
	char r[80];
	bool neg;

	if (sc_re_is_identifier(p, from, len)) {
		gid = sc_re_find_group(p, from, len);
		if (!gid)
			sc_re_fail_back(p, len + 1, "unknown group name %s",
					sc_re_repr(p, from, from + len, r, sizeof(r)));
		return gid;
	}
	if (!sc_re_py_int(p, from, len, &neg, &gid) || (neg && gid)) {
		sc_re_fail_back(p, len + 1, "bad character in group name %s",
				sc_re_repr(p, from, from + len, r, sizeof(r)));
		return 0;
	}
	if (!gid) {
		sc_re_fail_back(p, len + 1, "bad group number");
		return 0;
	}
	if (gid >= RE_PY_MAXGROUPS) {
		sc_re_fail_back(p, len + 1, "invalid group reference %.*s",
				RE_SPAN(p, from, from + len));
		return 0;
	}
	/* Python checks at the end that the group exists (a forward reference is fine). */
	if (p->ncrefs == p->crcap) {
		p->crcap = p->crcap ? 2 * p->crcap : 8;
		p->crefs = sc_xreallocarray(p->crefs, p->crcap, sizeof(*p->crefs));
	}
	p->crefs[p->ncrefs].group = gid;
	p->crefs[p->ncrefs].pos = sc_re_back(p, len + 1);
	p->ncrefs++;
	return gid;
}

/* (?(id/name)yes|no); "(?(" has been read. */
static struct sc_re_node *parse_cond(struct sc_re_parser *p, size_t start, unsigned scope,
				     int nested)
{
	struct sc_re_node *yes, *no = NULL, *n;
	size_t from, len;
	uint64_t gid;

	if (!sc_re_get_until(p, ')', "group name", &from, &len))
		return NULL;
	gid = cond_group(p, from, len);
	if (!gid || !sc_re_check_lookbehind_group(p, gid) || !enter_group(p, start))
		return NULL;
	yes = parse_seq(p, scope, nested + 1, false);
	if (yes && sc_re_tok_match(p, '|')) {
		no = parse_seq(p, scope, nested + 1, false);
		if (no && p->next == '|')
			sc_re_fail_back(p, 0, "conditional backref with more than two branches");
	}
	p->depth--;
	if (p->failed || !close_paren(p, start))
		return NULL;
	if (!no)
		no = sc_re_node_new(p, SC_RE_EMPTY, p->tpos - 1);
	n = sc_re_node_new(p, SC_RE_COND, start);
	n->kids = sc_arena_array(p->a, 2, sizeof(*n->kids));
	n->kids[0] = yes;
	n->kids[1] = no;
	n->nkids = 2;
	n->min = (uint32_t)gid;
	p->features |= SC_RE_F_CONDITIONAL;
	return n;
}

/* (?P<name>...), (?P=name); "(?P" has been read. *name_len 0: a backref. */
static struct sc_re_node *parse_p(struct sc_re_parser *p, size_t start, size_t *nfrom, size_t *nlen)
{
	struct sc_re_node *n;
	uint32_t gid, c;
	char b[8], r[80];

	if (sc_re_tok_match(p, '<')) {
		if (sc_re_get_until(p, '>', "group name", nfrom, nlen))
			sc_re_check_group_name(p, *nfrom, *nlen);
		return NULL;
	}
	*nlen = 0;
	if (!sc_re_tok_match(p, '=')) {
		c = sc_re_tok_get(p);
		if (c == RE_TOK_END)
			sc_re_fail_back(p, 0, "unexpected end of pattern");
		else
			sc_re_fail_back(p, sc_re_tok_len(c) + 2, "unknown extension ?P%s",
					sc_re_tok_text(c, b));
		return NULL;
	}
	if (!sc_re_get_until(p, ')', "group name", nfrom, nlen) ||
	    !sc_re_check_group_name(p, *nfrom, *nlen))
		return NULL;
	gid = sc_re_find_group(p, *nfrom, *nlen);
	if (!gid) {
		sc_re_fail_back(p, *nlen + 1, "unknown group name %s",
				sc_re_repr(p, *nfrom, *nfrom + *nlen, r, sizeof(r)));
		return NULL;
	}
	if (!p->groups[gid].closed) {
		sc_re_fail_back(p, *nlen + 1, "cannot refer to an open group");
		return NULL;
	}
	if (!sc_re_check_lookbehind_group(p, gid))
		return NULL;
	p->features |= SC_RE_F_BACKREF;
	n = sc_re_node_new(p, SC_RE_BACKREF, start);
	n->min = gid;
	return n;
}

/*
 * '(' has been read at start. Returns the node, or NULL with *kind set to
 * RE_K_NONE when there is nothing to append (comments and global flags,
 * whose scope goes to *scope), or NULL on error.
 */
static struct sc_re_node *parse_paren(struct sc_re_parser *p, size_t start, unsigned *scope,
				      int nested, bool first_item, enum sc_re_kind *kind)
{
	bool capture = true, atomic = false;
	size_t nfrom = 0, nlen = 0;
	unsigned add = 0, del = 0;
	struct sc_re_node *body, *n;
	uint32_t gid = 0, c;
	char b[8], r[80];
	int g;

	*kind = RE_K_ATOM;
	if (sc_re_tok_match(p, '?')) {
		c = sc_re_tok_get(p);
		if (c == RE_TOK_END) {
			sc_re_fail_back(p, 0, "unexpected end of pattern");
			return NULL;
		} else if (c == 'P') {
			n = parse_p(p, start, &nfrom, &nlen);
			if (n || p->failed)
				return n;
		} else if (c == ':') {
			capture = false;
		} else if (c == '#') {
			do {
				if (p->next == RE_TOK_END) {
					sc_re_fail(p, start, "missing ), unterminated comment");
					return NULL;
				}
			} while (sc_re_tok_get(p) != ')');
			*kind = RE_K_NONE;
			return NULL;
		} else if (c == '=' || c == '!' || c == '<') {
			return parse_look(p, start, c, *scope, nested);
		} else if (c == '(') {
			return parse_cond(p, start, *scope, nested);
		} else if (c == '>') {
			capture = false;
			atomic = true;
		} else if (flag_bit(c) || c == '-') {
			g = parse_flags(p, c, &add, &del);
			if (g < 0)
				return NULL;
			p->features |= SC_RE_F_INLINE_FLAGS;
			if (g > 0 && !first_item) {
				sc_re_fail(p, start,
					   "global flags not at the start of the expression");
				return NULL;
			} else if (g > 0) {
				p->gflags |= add;
				*scope = p->modflags | p->gflags;
				*kind = RE_K_NONE;
				return NULL;
			}
			capture = false;
		} else {
			sc_re_fail_back(p, sc_re_tok_len(c) + 1, "unknown extension ?%s",
					sc_re_tok_text(c, b));
			return NULL;
		}
	}
	if (capture) {
		uint32_t was = nlen ? sc_re_find_group(p, nfrom, nlen) : 0;

		if (was) {
			sc_re_fail_back(p, nlen + 1,
					"redefinition of group name %s as group %zu; was group %u",
					sc_re_repr(p, nfrom, nfrom + nlen, r, sizeof(r)),
					p->ngroups + 1, was);
			return NULL;
		}
		gid = sc_re_open_group(p, nfrom, nlen);
	}
	if (!enter_group(p, start))
		return NULL;
	body = parse_alt(p, combine_flags(*scope, add, del), nested + 1);
	p->depth--;
	if (!body || !close_paren(p, start))
		return NULL;
	if (atomic) {
		p->features |= SC_RE_F_ATOMIC;
		return sc_re_node_wrap(p, SC_RE_ATOMIC, start, body);
	}
	n = sc_re_node_wrap(p, SC_RE_GROUP, start, body);
	if (capture) {
		struct sc_re_group *gi = &p->groups[gid];

		sc_re_node_width(p, body, &gi->wlo, &gi->whi);
		gi->closed = true;
		n->capture = true;
		n->min = gid;
		n->name = gi->name;
	}
	return n;
}

/* ---- quantifiers ---- */

/* Digits of a {m,n} count (saturating); *has tells if there were any. */
static uint64_t parse_count(struct sc_re_parser *p, bool *has)
{
	uint64_t v = 0;

	*has = false;
	while (p->next >= '0' && p->next <= '9') {
		uint32_t d = sc_re_tok_get(p) - '0';

		v = v > RE_PY_MAXREPEAT ? v : v * 10 + d;
		*has = true;
	}
	return v;
}

/*
 * {m,n} after '{' (here is the position after it): false with *literal
 * when it is no quantifier, so the '{' is a literal.
 */
static bool parse_braces(struct sc_re_parser *p, size_t here, uint64_t *lo, uint64_t *hi,
			 bool *literal)
{
	bool has_lo, has_hi;
	uint64_t a, b;

	*literal = true;
	if (p->next == '}')
		return false;
	a = parse_count(p, &has_lo);
	if (sc_re_tok_match(p, ',')) {
		b = parse_count(p, &has_hi);
	} else {
		b = a;
		has_hi = has_lo;
	}
	if (!sc_re_tok_match(p, '}')) {
		sc_re_tok_seek(p, here);
		return false;
	}
	*literal = false;
	if ((has_lo && a >= RE_PY_MAXREPEAT) || (has_hi && b >= RE_PY_MAXREPEAT)) {
		sc_re_fail(p, here - 1, "the repetition number is too large");
		return false;
	}
	*lo = has_lo ? a : 0;
	*hi = has_hi ? b : RE_PY_MAXREPEAT;
	if (*hi < *lo) {
		sc_re_fail(p, here, "min repeat greater than max repeat");
		return false;
	}
	p->features |= SC_RE_F_COUNTED;
	return true;
}

/* Quantifier q read, here is the position after it; applies to the last item. */
static bool parse_quant(struct sc_re_parser *p, uint32_t q, size_t here, struct nodevec *items,
			enum sc_re_kind *last, bool *literal)
{
	uint64_t lo = q == '+', hi = q == '?' ? 1 : RE_PY_MAXREPEAT;
	struct sc_re_node *item, *n;
	bool lazy, poss = false;

	*literal = false;
	if (q == '{' && !parse_braces(p, here, &lo, &hi, literal))
		return *literal;
	if (*last == RE_K_NONE || *last == RE_K_AT) {
		sc_re_fail(p, here - 1, "nothing to repeat");
		return false;
	}
	if (*last == RE_K_REPEAT) {
		sc_re_fail(p, here - 1, "multiple repeat");
		return false;
	}
	lazy = sc_re_tok_match(p, '?');
	if (!lazy)
		poss = sc_re_tok_match(p, '+');
	item = items->v[items->n - 1];
	n = sc_re_node_wrap(p, SC_RE_REPEAT, 0, item);
	n->offset = item->offset;
	n->min = (uint32_t)lo;
	n->max = hi == RE_PY_MAXREPEAT ? SC_RE_INF : (uint32_t)hi;
	n->greedy = !lazy;
	if (hi == RE_PY_MAXREPEAT)
		hi = lo;
	if (lazy)
		p->features |= SC_RE_F_LAZY;
	if (hi > SC_RE_SMALL_COUNT)
		p->features |= SC_RE_F_LARGE_COUNT;
	if (hi > SC_RE_MAX_COUNT)
		p->features |= SC_RE_F_HUGE_COUNT;
	if (poss) {
		p->features |= SC_RE_F_POSSESSIVE;
		n = sc_re_node_wrap(p, SC_RE_ATOMIC, 0, n);
		n->offset = item->offset;
	}
	if (!p->has_repeat) {
		p->has_repeat = true;
		p->repeat_pos = here - 1;
	}
	items->v[items->n - 1] = n;
	*last = RE_K_REPEAT;
	return true;
}

/* ---- sequences and alternatives ---- */

/* Python's _parse(): a sequence up to '|', ')' or the end. */
static struct sc_re_node *parse_seq(struct sc_re_parser *p, unsigned scope, int nested, bool first)
{
	struct nodevec items = {NULL, 0, 0};
	enum sc_re_kind last = RE_K_NONE, kind;
	size_t seq_start = p->tpos;
	struct sc_re_node *n;
	bool literal;

	for (;;) {
		uint32_t t = p->next;
		size_t pos = p->tpos;

		if (t == RE_TOK_END || t == '|' || t == ')')
			break;
		sc_re_tok_get(p);
		if ((scope & SC_RE_FLAG_X) && (t == ' ' || (t >= '\t' && t <= '\r')))
			continue;
		if ((scope & SC_RE_FLAG_X) && t == '#') {
			while (t != RE_TOK_END && t != '\n')
				t = sc_re_tok_get(p);
			continue;
		}
		kind = RE_K_ATOM;
		if (t & RE_TOK_ESC) {
			n = sc_re_escape(p, t, pos, scope, &kind);
		} else if (t == '[') {
			n = sc_re_parse_class(p, pos, scope);
		} else if (t == '*' || t == '+' || t == '?' || t == '{') {
			if (!parse_quant(p, t, p->tpos, &items, &last, &literal))
				goto fail;
			if (!literal)
				continue;
			n = sc_re_char_node(p, pos, t, scope);
		} else if (t == '.') {
			n = sc_re_node_new(p, SC_RE_ANY, pos);
			n->dotall = scope & SC_RE_FLAG_S;
		} else if (t == '(') {
			n = parse_paren(p, pos, &scope, nested, first && !items.n, &kind);
			if (kind == RE_K_NONE && !p->failed)
				continue;
		} else if (t == '^' || t == '$') {
			n = sc_re_node_new(p, t == '^' ? SC_RE_BOL : SC_RE_EOL, pos);
			n->multiline = scope & SC_RE_FLAG_M;
			kind = RE_K_AT;
		} else {
			n = sc_re_char_node(p, pos, t, scope);
		}
		if (!n)
			goto fail;
		nv_push(&items, n);
		last = kind;
	}
	return nv_finish(p, &items, SC_RE_CONCAT, seq_start);
fail:
	free(items.v);
	return NULL;
}

/* Python's _parse_sub(): alternatives separated by '|'. */
static struct sc_re_node *parse_alt(struct sc_re_parser *p, unsigned scope, int nested)
{
	struct nodevec alts = {NULL, 0, 0};
	size_t start = p->tpos;

	for (;;) {
		struct sc_re_node *n = parse_seq(p, scope, nested + 1, !nested && !alts.n);

		if (!n) {
			free(alts.v);
			return NULL;
		}
		nv_push(&alts, n);
		if (!sc_re_tok_match(p, '|'))
			break;
		p->features |= SC_RE_F_ALTERNATION;
		if (!nested)
			scope = p->modflags | p->gflags;
	}
	return nv_finish(p, &alts, SC_RE_ALT, start);
}

/* ---- classification and entry point ---- */
/* ---- entry point ---- */

static bool decode(struct sc_re_parser *p, const char *pattern, size_t len)
{
	size_t i = 0, k;

	p->cps = sc_xreallocarray(NULL, len + 1, sizeof(*p->cps));
	p->offs = sc_xreallocarray(NULL, len + 1, sizeof(*p->offs));
	while (i < len) {
		uint32_t cp = sc_utf8_decode((const uint8_t *)pattern + i, len - i, &k);

		if (cp == SC_UTF8_INVALID) {
			p->err->offset = (uint32_t)i;
			snprintf(p->err->msg, sizeof(p->err->msg), "pattern is not valid UTF-8");
			return false;
		}
		p->cps[p->n] = cp;
		p->offs[p->n++] = (uint32_t)i;
		i += k;
	}
	p->cps[p->n] = 0;
	p->offs[p->n] = (uint32_t)len;
	return true;
}

/* The checks Python makes after parsing; false on error. */
static bool final_checks(struct sc_re_parser *p)
{
	size_t i;

	if ((p->modflags | p->gflags) & SC_RE_FLAG_A && p->gflags & RE_FL_U)
		sc_re_fail(p, 0, "ASCII and UNICODE flags are incompatible");
	else if (p->next != RE_TOK_END)
		sc_re_fail_back(p, 0, "unbalanced parenthesis");
	for (i = 0; i < p->ncrefs; i++) {
		if (p->crefs[i].group > p->ngroups)
			sc_re_fail(p, p->crefs[i].pos, "invalid group reference %llu",
				   (unsigned long long)p->crefs[i].group);
	}
	if (p->gflags & RE_FL_T && p->has_repeat)
		defer_error(p, p->repeat_pos, "internal: unsupported template operator MAX_REPEAT");
	if (p->deferred)
		sc_re_fail(p, p->deferred_pos, "%s", p->deferred_msg);
	return !p->failed;
}

int sc_re_parse(struct sc_arena *a, const char *pattern, size_t len, unsigned flags,
		struct sc_re **ret, struct sc_re_error *err)
{
	struct sc_re_parser p;
	struct sc_re_node *root;
	struct sc_re *re;
	int rc = -EINVAL;

	memset(&p, 0, sizeof(p));
	p.a = a;
	p.src = pattern ? pattern : "";
	p.err = err;
	p.lookbehind = -1;
	p.modflags = flags & RE_FL_PUBLIC;
	if (!pattern)
		len = 0;
	if (len >= UINT32_MAX) {
		err->offset = 0;
		snprintf(err->msg, sizeof(err->msg), "pattern too long");
		return -EINVAL;
	}
	if (!decode(&p, p.src, len))
		goto out;
	sc_re_tok_advance(&p);
	root = parse_alt(&p, p.modflags, 0);
	if (p.failed || !final_checks(&p))
		goto out;
	re = sc_arena_alloc(a, sizeof(*re));
	re->root = root;
	re->flags = (p.modflags | p.gflags) & RE_FL_PUBLIC;
	re->ngroups = (uint32_t)p.ngroups;
	sc_re_classify(&p, re);
	*ret = re;
	rc = 0;
out:
	free(p.cps);
	free(p.offs);
	free(p.groups);
	free(p.names);
	free(p.crefs);
	return rc;
}
