// SPDX-License-Identifier: Apache-2.0
/*
 * The lexical layer of the regex parser (see regex_int.h): Python's
 * Tokenizer, error reporting, AST node construction, escapes inside and
 * outside classes, bracket classes, and the checks on group names and
 * group references. Ported from Python 3.11's re._parser (_escape,
 * _class_escape, the '[' branch of _parse, Tokenizer, State), with
 * Python's error messages and positions (code point positions there, byte
 * offsets here).
 *
 * Two things cannot be exact without tables sigmac-c does not carry:
 * \N{NAME} is accepted when NAME looks like a character name (Python looks
 * it up), and group names beyond ASCII are checked against Python's \w
 * instead of the XID_Start / XID_Continue properties.
 */
#include "regex_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

/* ---- errors and tokens ---- */

/* Cut s back to its longest valid UTF-8 prefix (after truncation). */
static void trim_utf8(char *s)
{
	size_t n = strlen(s), i = 0, k;

	while (i < n && (k = sc_utf8_valid_prefix((const uint8_t *)s + i, n - i)) > 0)
		i += k;
	s[i] = '\0';
}

void sc_re_fail(struct sc_re_parser *p, size_t cpos, const char *fmt, ...)
{
	va_list ap;

	if (p->failed || !fmt) /* !fmt: cannot happen; tells gcc 12 + UBSan it is set */
		return;
	p->failed = true;
	p->err->offset = p->offs[cpos > p->n ? p->n : cpos];
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	trim_utf8(p->err->msg);
	p->next = RE_TOK_END;
}

void sc_re_tok_advance(struct sc_re_parser *p)
{
	size_t i = p->index;

	if (p->failed || i >= p->n) {
		/* After an error the parse sees the end and unwinds. */
		p->next = RE_TOK_END;
		p->tpos = p->failed ? p->n : i;
		return;
	}
	p->tpos = i;
	if (p->cps[i] == '\\') {
		if (i + 1 >= p->n) {
			sc_re_fail(p, p->n - 1, "bad escape (end of pattern)");
			p->tpos = p->n;
			return;
		}
		p->next = RE_TOK_ESC | p->cps[i + 1];
		p->index = i + 2;
	} else {
		p->next = p->cps[i];
		p->index = i + 1;
	}
}

const char *sc_re_tok_text(uint32_t t, char out[8])
{
	size_t k = 0;

	if (t != RE_TOK_END) {
		if (t & RE_TOK_ESC)
			out[k++] = '\\';
		k += sc_utf8_encode(t & ~RE_TOK_ESC, (uint8_t *)out + k);
	}
	out[k] = '\0';
	return out;
}

static bool is_ascii_letter(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_oct_tok(uint32_t t)
{
	return t >= '0' && t <= '7';
}

static int hex_val(uint32_t t)
{
	if (t >= '0' && t <= '9')
		return (int)(t - '0');
	if (t >= 'a' && t <= 'f')
		return (int)(t - 'a' + 10);
	if (t >= 'A' && t <= 'F')
		return (int)(t - 'A' + 10);
	return -1;
}

bool sc_re_tok_isalpha(uint32_t t)
{
	if (t & RE_TOK_ESC)
		return false;
	if (t < 0x80)
		return is_ascii_letter(t);
	return sc_ucd_is_word(t);
}

/* True if cp is in the sorted range table t of n entries. */
static bool in_table(const uint32_t (*t)[2], size_t n, uint32_t cp)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < t[mid][0])
			hi = mid;
		else if (cp > t[mid][1])
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

/* ---- nodes ---- */

struct sc_re_node *sc_re_node_new(struct sc_re_parser *p, enum sc_re_op op, size_t cpos)
{
	struct sc_re_node *n = sc_arena_alloc(p->a, sizeof(*n));

	n->op = op;
	n->offset = p->offs[cpos > p->n ? p->n : cpos];
	return n;
}

struct sc_re_node *sc_re_node_wrap(struct sc_re_parser *p, enum sc_re_op op, size_t cpos,
				   struct sc_re_node *kid)
{
	struct sc_re_node *n = sc_re_node_new(p, op, cpos);

	n->kids = sc_arena_alloc(p->a, sizeof(*n->kids));
	n->kids[0] = kid;
	n->nkids = 1;
	return n;
}

/* A CLASS node holding s (which is released). */
static struct sc_re_node *class_node(struct sc_re_parser *p, size_t cpos, struct sc_re_set *s)
{
	struct sc_re_node *n = sc_re_node_new(p, SC_RE_CLASS, cpos);

	sc_re_set_normalize(s);
	if (s->n) {
		n->ranges = sc_arena_array(p->a, s->n, sizeof(*n->ranges));
		memcpy(n->ranges, s->r, s->n * sizeof(*n->ranges));
	}
	n->nranges = (uint32_t)s->n;
	sc_re_set_done(s);
	p->features |= SC_RE_F_CLASS;
	return n;
}

struct sc_re_node *sc_re_char_node(struct sc_re_parser *p, size_t cpos, uint32_t cp, unsigned scope)
{
	struct sc_re_node *n;

	if ((scope & SC_RE_FLAG_I) && (scope & SC_RE_FLAG_A) && is_ascii_letter(cp)) {
		struct sc_re_set s = SC_RE_SET_INIT;

		sc_re_set_add(&s, cp | 0x20, cp | 0x20);
		sc_re_set_add(&s, cp & ~0x20u, cp & ~0x20u);
		return class_node(p, cpos, &s);
	}
	n = sc_re_node_new(p, SC_RE_CHAR, cpos);
	n->cp = cp;
	n->fold = (scope & SC_RE_FLAG_I) && !(scope & SC_RE_FLAG_A);
	return n;
}

static enum sc_ucd_prop prop_of(uint32_t letter)
{
	letter |= 0x20;
	return letter == 'd' ? SC_UCD_DIGIT : letter == 's' ? SC_UCD_SPACE : SC_UCD_WORD;
}

/* \d \D \s \S \w \W outside a class; nodes share one range array each. */
static struct sc_re_node *prop_node(struct sc_re_parser *p, size_t cpos, uint32_t c, unsigned scope)
{
	bool ascii = scope & SC_RE_FLAG_A, neg = !(c & 0x20);
	size_t k = (size_t)prop_of(c) * 2 + neg + (ascii ? 6 : 0);
	struct sc_re_node *n;

	if (!p->props[k]) {
		struct sc_re_set s = SC_RE_SET_INIT;

		sc_re_set_add_prop(&s, prop_of(c), ascii, neg);
		n = class_node(p, cpos, &s);
		p->props[k] = n->ranges;
		p->nprops[k] = n->nranges;
		return n;
	}
	n = sc_re_node_new(p, SC_RE_CLASS, cpos);
	n->ranges = p->props[k];
	n->nranges = p->nprops[k];
	p->features |= SC_RE_F_CLASS;
	return n;
}

/* ---- group names and references ---- */

const char *sc_re_repr(const struct sc_re_parser *p, size_t from, size_t to, char *out, size_t cap)
{
	bool sq = false, dq = false;
	size_t i, k = 0;
	char quote;

	for (i = from; i < to; i++) {
		sq |= p->cps[i] == '\'';
		dq |= p->cps[i] == '"';
	}
	quote = sq && !dq ? '"' : '\'';
	out[k++] = quote;
	for (i = from; i < to && k + 12 < cap; i++) {
		uint32_t c = p->cps[i];

		if (c == '\\' || c == (uint32_t)quote) {
			out[k++] = '\\';
			out[k++] = (char)c;
		} else if (c == '\n' || c == '\r' || c == '\t') {
			out[k++] = '\\';
			out[k++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
		} else if (c < 0x20 || c == 0x7F) {
			k += (size_t)snprintf(out + k, cap - k, "\\x%02x", c);
		} else {
			k += sc_utf8_encode(c, (uint8_t *)out + k);
		}
	}
	if (i < to) {
		memcpy(out + k, "...", 3);
		k += 3;
	}
	out[k++] = quote;
	out[k] = '\0';
	return out;
}

static uint32_t name_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

/* Slot of the name in the hash table: its group's, or an empty one. */
static size_t name_slot(const struct sc_re_parser *p, const char *s, size_t n)
{
	size_t mask = p->names_cap - 1, i = name_hash(s, n) & mask;

	for (;; i = (i + 1) & mask) {
		const struct sc_re_group *g;

		if (!p->names[i])
			return i;
		g = &p->groups[p->names[i]];
		if (g->name_len == n && memcmp(g->name, s, n) == 0)
			return i;
	}
}

uint32_t sc_re_find_group(const struct sc_re_parser *p, size_t from, size_t len)
{
	const char *s = p->src + p->offs[from];
	size_t n = p->offs[from + len] - p->offs[from];

	if (!p->names_cap)
		return 0;
	return p->names[name_slot(p, s, n)];
}

uint32_t sc_re_open_group(struct sc_re_parser *p, size_t from, size_t len)
{
	struct sc_re_group *g;
	uint32_t gid;
	size_t i;

	if (p->ngroups + 1 >= p->gcap) {
		p->gcap = p->gcap ? 2 * p->gcap : 16;
		p->groups = sc_xreallocarray(p->groups, p->gcap, sizeof(*p->groups));
	}
	gid = (uint32_t)++p->ngroups;
	g = &p->groups[gid];
	memset(g, 0, sizeof(*g));
	if (!len)
		return gid;
	g->name_len = p->offs[from + len] - p->offs[from];
	g->name = sc_arena_strndup(p->a, p->src + p->offs[from], g->name_len);
	if (2 * (p->nnames + 1) > p->names_cap) {
		uint32_t *old = p->names;
		size_t oldcap = p->names_cap;

		p->names_cap = oldcap ? 2 * oldcap : 16;
		p->names = sc_xreallocarray(NULL, p->names_cap, sizeof(*p->names));
		memset(p->names, 0, p->names_cap * sizeof(*p->names));
		for (i = 0; i < oldcap; i++) {
			if (old[i]) {
				const struct sc_re_group *o = &p->groups[old[i]];

				p->names[name_slot(p, o->name, o->name_len)] = old[i];
			}
		}
		free(old);
	}
	p->names[name_slot(p, g->name, g->name_len)] = gid;
	p->nnames++;
	return gid;
}

bool sc_re_check_lookbehind_group(struct sc_re_parser *p, uint64_t gid)
{
	if (p->lookbehind < 0)
		return true;
	if (gid < 1 || gid > p->ngroups || !p->groups[gid].closed) {
		sc_re_fail_back(p, 0, "cannot refer to an open group");
		return false;
	}
	if (gid >= (uint64_t)p->lookbehind) {
		sc_re_fail_back(p, 0,
				"cannot refer to group defined in the same lookbehind subpattern");
		return false;
	}
	return true;
}

/*
 * Exact for ASCII; other code points count as identifier characters when
 * in Python's \w, and may start one when they are not digits either.
 */
bool sc_re_is_identifier(const struct sc_re_parser *p, size_t from, size_t len)
{
	const uint32_t(*dig)[2];
	size_t i, nd;

	if (len == 0)
		return false;
	dig = sc_ucd_ranges(SC_UCD_DIGIT, &nd);
	for (i = 0; i < len; i++) {
		uint32_t c = p->cps[from + i];
		bool digit = c >= '0' && c <= '9';

		if (c >= 0x80) {
			if (!sc_ucd_is_word(c))
				return false;
			digit = in_table(dig, nd, c);
		} else if (!is_ascii_letter(c) && c != '_' && !digit) {
			return false;
		}
		if (i == 0 && digit)
			return false;
	}
	return true;
}

bool sc_re_get_until(struct sc_re_parser *p, uint32_t term, const char *what, size_t *from,
		     size_t *len)
{
	size_t n = 0;

	*from = p->tpos;
	for (;;) {
		uint32_t c = sc_re_tok_get(p);

		if (c == RE_TOK_END) {
			if (!n)
				sc_re_fail_back(p, 0, "missing %s", what);
			else
				sc_re_fail_back(p, n, "missing %c, unterminated name", (char)term);
			return false;
		}
		if (c == term) {
			if (!n) {
				sc_re_fail_back(p, 1, "missing %s", what);
				return false;
			}
			break;
		}
		n += sc_re_tok_len(c);
	}
	*len = n;
	return true;
}

bool sc_re_check_group_name(struct sc_re_parser *p, size_t from, size_t len)
{
	char r[80];

	if (sc_re_is_identifier(p, from, len))
		return true;
	sc_re_fail_back(p, len + 1, "bad character in group name %s",
			sc_re_repr(p, from, from + len, r, sizeof(r)));
	return false;
}

/*
 * int(text) for a conditional's group: as CPython, Unicode decimal digits
 * count as digits and Unicode spaces as spaces; surrounding spaces, a sign
 * and '_' between digits are allowed. *val saturates.
 */
bool sc_re_py_int(const struct sc_re_parser *p, size_t from, size_t len, bool *neg, uint64_t *val)
{
	const uint32_t(*dig)[2], (*sp)[2];
	size_t i = 0, nd, ns;
	bool any = false, under = false;
	int d = 0;

	dig = sc_ucd_ranges(SC_UCD_DIGIT, &nd);
	sp = sc_ucd_ranges(SC_UCD_SPACE, &ns);
	*neg = false;
	*val = 0;
	/* States: 0 leading space, 1 after sign, 2 digits, 3 trailing space. */
	for (i = from; i < from + len; i++) {
		uint32_t c = p->cps[i];
		int v = -1; /* digit value, or -1 */
		bool space;

		if (c < 127) {
			space = c == ' ' || (c >= '\t' && c <= '\r');
			if (c >= '0' && c <= '9')
				v = (int)(c - '0');
		} else {
			space = in_table(sp, ns, c);
			if (!space && in_table(dig, nd, c)) {
				size_t lo = 0, hi = nd;

				/* Nd comes in runs of ten, from zero up. */
				while (lo < hi) {
					size_t mid = lo + (hi - lo) / 2;

					if (c > dig[mid][1])
						lo = mid + 1;
					else
						hi = mid;
				}
				v = (int)((c - dig[lo][0]) % 10);
			}
		}
		if (space && (d == 0 || d == 3))
			continue;
		if (space && d == 2 && !under) {
			d = 3;
			continue;
		}
		if ((c == '+' || c == '-') && d == 0) {
			*neg = c == '-';
			d = 1;
			continue;
		}
		if (v >= 0 && d <= 2) {
			*val = *val > UINT64_MAX / 20 ? UINT64_MAX / 2 : *val * 10 + (uint64_t)v;
			any = true;
			under = false;
			d = 2;
			continue;
		}
		if (c == '_' && d == 2 && !under) {
			under = true;
			continue;
		}
		return false;
	}
	return any && !under;
}

/* ---- escapes ---- */

/* An escape inside a class. */
struct class_item {
	enum { CI_LIT, CI_PROP, CI_NAMED } kind;
	uint32_t cp; /* CI_LIT: code point; CI_PROP: the letter (d D s S w W) */
};

/* \x \u \U with exactly ndig hex digits. */
static bool hex_escape(struct sc_re_parser *p, size_t start, int ndig, uint32_t *cp)
{
	uint64_t v = 0;
	int k = 0;

	while (k < ndig && hex_val(p->next) >= 0) {
		v = v * 16 + (uint64_t)hex_val(sc_re_tok_get(p));
		k++;
	}
	if (k != ndig) {
		sc_re_fail(p, start, "incomplete escape %.*s", RE_SPAN(p, start, p->tpos));
		return false;
	}
	if (v > RE_CP_MAX) {
		sc_re_fail(p, start, "bad escape %.*s", RE_SPAN(p, start, p->tpos));
		return false;
	}
	*cp = (uint32_t)v;
	return true;
}

/*
 * \N{NAME}: Python resolves NAME with unicodedata.lookup(). Without the
 * name table, accept what could be a name (ignoring case: a letter, then
 * letters, digits, hyphens and single spaces, not ending in a space or a
 * hyphen) and reject the rest as Python would.
 */
static const char *named_escape(struct sc_re_parser *p, size_t start)
{
	size_t from, len, i;
	char r[80];
	bool ok;

	if (!sc_re_tok_match(p, '{')) {
		sc_re_fail_back(p, 0, "missing {");
		return NULL;
	}
	if (!sc_re_get_until(p, '}', "character name", &from, &len))
		return NULL;
	ok = len <= 128 && is_ascii_letter(p->cps[from]) && p->cps[from + len - 1] != ' ' &&
	     p->cps[from + len - 1] != '-';
	for (i = from; ok && i < from + len; i++) {
		uint32_t c = p->cps[i];

		ok = is_ascii_letter(c) || (c >= '0' && c <= '9') || c == '-' ||
		     (c == ' ' && p->cps[i + 1] != ' ');
	}
	if (!ok) {
		sc_re_fail(p, start, "undefined character name %s",
			   sc_re_repr(p, from, from + len, r, sizeof(r)));
		return NULL;
	}
	p->features |= SC_RE_F_NAMED_CHAR;
	return sc_arena_strndup(p->a, p->src + p->offs[from], p->offs[from + len] - p->offs[from]);
}

/* Escapes common to both contexts: 1 if c is one, 0 if not, -1 on error. */
static int common_escape(struct sc_re_parser *p, uint32_t c, size_t start, uint32_t *cp,
			 const char **name)
{
	/* Pairs of escape letter and value. */
	static const char simple[] = "a\af\fn\nr\rt\tv\v\\\\";
	const char *s;

	if (c < 0x80 && c && (s = strchr(simple, (int)c)) && (s - simple) % 2 == 0) {
		*cp = (uint8_t)s[1];
		return 1;
	}
	switch (c) {
	case 'x':
		return hex_escape(p, start, 2, cp) ? 1 : -1;
	case 'u':
		return hex_escape(p, start, 4, cp) ? 1 : -1;
	case 'U':
		return hex_escape(p, start, 8, cp) ? 1 : -1;
	case 'N':
		*name = named_escape(p, start);
		*cp = RE_NAMED_CP;
		return *name ? 1 : -1;
	default:
		return 0;
	}
}

/* Python's _class_escape(); start is the backslash position. */
static bool class_escape(struct sc_re_parser *p, uint32_t t, size_t start, struct class_item *it)
{
	uint32_t c = t & ~RE_TOK_ESC;
	const char *name = NULL;
	int r, k;

	it->kind = CI_LIT;
	if (c == 'b') {
		it->cp = 8;
		return true;
	}
	if (c < 0x80 && c && strchr("dDsSwW", (int)c)) {
		it->kind = CI_PROP;
		it->cp = c;
		return true;
	}
	r = common_escape(p, c, start, &it->cp, &name);
	if (r) {
		if (name)
			it->kind = CI_NAMED;
		return r > 0;
	}
	if (is_oct_tok(c)) {
		it->cp = c - '0';
		for (k = 0; k < 2 && is_oct_tok(p->next); k++)
			it->cp = it->cp * 8 + (sc_re_tok_get(p) - '0');
		if (it->cp > 0377) {
			sc_re_fail(p, start, "octal escape value %.*s outside of range 0-0o377",
				   RE_SPAN(p, start, p->tpos));
			return false;
		}
		return true;
	}
	if (is_ascii_letter(c) || c == '8' || c == '9') {
		sc_re_fail(p, start, "bad escape %.*s", RE_SPAN(p, start, p->tpos));
		return false;
	}
	it->cp = c;
	return true;
}

/* \1 .. \99, or an octal escape of three digits. */
static struct sc_re_node *backref_escape(struct sc_re_parser *p, uint32_t c, size_t start,
					 unsigned scope)
{
	uint32_t group = c - '0', cp;
	struct sc_re_node *n;

	if (p->next >= '0' && p->next <= '9') {
		uint32_t d2 = sc_re_tok_get(p);

		if (is_oct_tok(c) && is_oct_tok(d2) && is_oct_tok(p->next)) {
			cp = (c - '0') * 64 + (d2 - '0') * 8 + (sc_re_tok_get(p) - '0');
			if (cp > 0377) {
				sc_re_fail(p, start,
					   "octal escape value %.*s outside of range 0-0o377",
					   RE_SPAN(p, start, p->tpos));
				return NULL;
			}
			return sc_re_char_node(p, start, cp, scope);
		}
		group = group * 10 + (d2 - '0');
	}
	if (group > p->ngroups) {
		sc_re_fail(p, start + 1, "invalid group reference %u", group);
		return NULL;
	}
	if (!p->groups[group].closed) {
		sc_re_fail(p, start, "cannot refer to an open group");
		return NULL;
	}
	if (!sc_re_check_lookbehind_group(p, group))
		return NULL;
	p->features |= SC_RE_F_BACKREF;
	n = sc_re_node_new(p, SC_RE_BACKREF, start);
	n->min = group;
	return n;
}

struct sc_re_node *sc_re_escape(struct sc_re_parser *p, uint32_t t, size_t start, unsigned scope,
				enum sc_re_kind *kind)
{
	uint32_t c = t & ~RE_TOK_ESC, cp = 0;
	const char *name = NULL;
	struct sc_re_node *n;
	int r, k;

	*kind = RE_K_ATOM;
	if (c == 'A' || c == 'Z') {
		*kind = RE_K_AT;
		p->features |= SC_RE_F_TEXT_ANCHOR;
		return sc_re_node_new(p, c == 'A' ? SC_RE_BOT : SC_RE_EOT, start);
	}
	if (c == 'b' || c == 'B') {
		*kind = RE_K_AT;
		p->features |= SC_RE_F_WORD_BOUNDARY;
		n = sc_re_node_new(p, c == 'b' ? SC_RE_WORDB : SC_RE_NWORDB, start);
		n->ascii = scope & SC_RE_FLAG_A;
		return n;
	}
	if (c < 0x80 && c && strchr("dDsSwW", (int)c))
		return prop_node(p, start, c, scope);
	r = common_escape(p, c, start, &cp, &name);
	if (r < 0)
		return NULL;
	if (r > 0) {
		n = sc_re_char_node(p, start, cp, name ? 0 : scope);
		n->name = name;
		return n;
	}
	if (c == '0') {
		for (k = 0; k < 2 && is_oct_tok(p->next); k++)
			cp = cp * 8 + (sc_re_tok_get(p) - '0');
		return sc_re_char_node(p, start, cp, scope);
	}
	if (c >= '1' && c <= '9')
		return backref_escape(p, c, start, scope);
	if (is_ascii_letter(c)) {
		sc_re_fail(p, start, "bad escape %.*s", RE_SPAN(p, start, p->tpos));
		return NULL;
	}
	return sc_re_char_node(p, start, c, scope);
}

/* ---- bracket classes ---- */

static void class_add(struct sc_re_set *lits, struct sc_re_set *props, const struct class_item *it,
		      unsigned scope)
{
	if (it->kind == CI_PROP)
		sc_re_set_add_prop(props, prop_of(it->cp), scope & SC_RE_FLAG_A, !(it->cp & 0x20));
	else
		sc_re_set_add(lits, it->cp, it->cp);
}

/* One member: a plain token or an escape. */
static bool class_member(struct sc_re_parser *p, uint32_t t, size_t pos, struct class_item *it)
{
	if (t & RE_TOK_ESC)
		return class_escape(p, t, pos, it);
	it->kind = CI_LIT;
	it->cp = t;
	return true;
}

/*
 * Members written as characters and ranges are case-closed under
 * IGNORECASE; \d \w \s are not, as Python matches them without folding.
 * The negation comes last.
 */
struct sc_re_node *sc_re_parse_class(struct sc_re_parser *p, size_t here, unsigned scope)
{
	struct sc_re_set lits = SC_RE_SET_INIT, props = SC_RE_SET_INIT;
	bool negate = sc_re_tok_match(p, '^');
	size_t nitems = 0;

	for (;; nitems++) {
		struct class_item it1, it2;
		size_t pos1 = p->tpos, pos2;
		uint32_t t1 = sc_re_tok_get(p), t2;
		char b1[8], b2[8];

		if (t1 == RE_TOK_END)
			goto unterminated;
		if (t1 == ']' && nitems)
			break;
		if (!class_member(p, t1, pos1, &it1))
			goto fail;
		if (!sc_re_tok_match(p, '-')) {
			class_add(&lits, &props, &it1, scope);
			continue;
		}
		pos2 = p->tpos;
		t2 = sc_re_tok_get(p);
		if (t2 == RE_TOK_END)
			goto unterminated;
		if (t2 == ']') {
			class_add(&lits, &props, &it1, scope);
			sc_re_set_add(&lits, '-', '-');
			break;
		}
		if (!class_member(p, t2, pos2, &it2))
			goto fail;
		if (it1.kind == CI_PROP || it2.kind == CI_PROP ||
		    (it1.kind == CI_LIT && it2.kind == CI_LIT && it2.cp < it1.cp)) {
			sc_re_fail_back(p, sc_re_tok_len(t1) + 1 + sc_re_tok_len(t2),
					"bad character range %s-%s", sc_re_tok_text(t1, b1),
					sc_re_tok_text(t2, b2));
			goto fail;
		}
		if (it1.kind == CI_LIT && it2.kind == CI_LIT) {
			sc_re_set_add(&lits, it1.cp, it2.cp);
		} else {
			/* An unresolved \N{...} end: keep the two ends. */
			sc_re_set_add(&lits, it1.cp, it1.cp);
			sc_re_set_add(&lits, it2.cp, it2.cp);
		}
	}
	if (scope & SC_RE_FLAG_I)
		sc_re_set_fold(&lits, scope & SC_RE_FLAG_A);
	sc_re_set_union(&lits, &props);
	sc_re_set_done(&props);
	if (negate)
		sc_re_set_negate(&lits);
	return class_node(p, here, &lits);
unterminated:
	sc_re_fail(p, here, "unterminated character set");
fail:
	sc_re_set_done(&lits);
	sc_re_set_done(&props);
	return NULL;
}
