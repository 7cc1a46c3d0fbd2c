/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal interface of the regex parser (regex.h), shared by its files:
 *   regex.c          groups, inline flags, quantifiers, sequences and
 *                    alternatives, sc_re_parse();
 *   regex_analyze.c  widths and classification of the parsed AST;
 *   regex_lex.c      tokens, errors, escapes, bracket classes, group names;
 *   regex_class.c    code point sets (the algebra behind SC_RE_CLASS);
 *   regex_dump.c     sc_re_dump(), sc_re_features_describe(), class names.
 * Nothing here is for use outside those files.
 */
#ifndef SC_REGEX_INT_H
#define SC_REGEX_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "regex.h"
#include "utf8.h"

/* Tokens: a code point, an escape (backslash + code point) or the end. */
#define RE_TOK_END 0xFFFFFFFFu
#define RE_TOK_ESC 0x80000000u

/* Python's limits (_sre.MAXREPEAT, _sre.MAXGROUPS, _sre MAXCODE). */
#define RE_PY_MAXREPEAT 4294967295ull
#define RE_PY_MAXGROUPS 1073741823ull
#define RE_PY_MAXCODE	4294967295ull

/* Flag bits: SC_RE_FLAG_I/M/S/X/A, then the ones Python knows besides. */
#define RE_FL_U	     (1u << 5) /* UNICODE */
#define RE_FL_L	     (1u << 6) /* LOCALE (an error in str patterns) */
#define RE_FL_T	     (1u << 7) /* TEMPLATE (global only) */
#define RE_FL_TYPE   (SC_RE_FLAG_A | RE_FL_U | RE_FL_L)
#define RE_FL_PUBLIC (SC_RE_FLAG_I | SC_RE_FLAG_M | SC_RE_FLAG_S | SC_RE_FLAG_X | SC_RE_FLAG_A)

#define RE_CP_MAX   0x10FFFFu
#define RE_NAMED_CP 0xFFFDu /* stands for an unresolved \N{NAME} */

/* ---- code point sets (regex_class.c) ---- */

/*
 * A heap vector of inclusive ranges. Additions may leave it unsorted and
 * overlapping; sc_re_set_normalize() makes it sorted, disjoint and
 * non-adjacent, which sc_re_set_has() requires. The universe is
 * [0, RE_CP_MAX], surrogates included (\ud800 names one, and Python's [^a]
 * matches one), so a complement is taken over the whole code space.
 */
struct sc_re_set {
	struct sc_re_range *r;
	size_t n;
	size_t cap;
};

#define SC_RE_SET_INIT                                                                             \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/* Release the storage; the set is empty and reusable afterwards. */
void sc_re_set_done(struct sc_re_set *s);

/* Add [lo, hi] (lo <= hi <= RE_CP_MAX). */
void sc_re_set_add(struct sc_re_set *s, uint32_t lo, uint32_t hi);

/* Add every range of src. */
void sc_re_set_union(struct sc_re_set *s, const struct sc_re_set *src);

/*
 * Add one of Python's shorthand classes (\d \w \s, or \D \W \S when
 * negate): the Unicode tables of utf8.h, or [0-9], [0-9A-Za-z_] and
 * [ \t\n\r\f\v] when ascii.
 */
void sc_re_set_add_prop(struct sc_re_set *s, enum sc_ucd_prop prop, bool ascii, bool negate);

/* Sort and merge into disjoint, non-adjacent ranges. */
void sc_re_set_normalize(struct sc_re_set *s);

/* Complement over [0, RE_CP_MAX]; normalizes first. */
void sc_re_set_negate(struct sc_re_set *s);

/*
 * Close the set under simple case folding: the union of
 * sc_ucd_fold_class() over the members. With ascii_only, only A-Z and a-z
 * are paired (Python's IGNORECASE with the ASCII flag). Normalizes.
 */
void sc_re_set_fold(struct sc_re_set *s, bool ascii_only);

/* Membership test on a normalized set. */
bool sc_re_set_has(const struct sc_re_set *s, uint32_t cp);

/* ---- parser state ---- */

/* What the last element of a sequence is, for "nothing to repeat". */
enum sc_re_kind { RE_K_NONE, RE_K_ATOM, RE_K_AT, RE_K_REPEAT };

struct sc_re_group {
	const char *name; /* arena copy, NULL if unnamed */
	size_t name_len;
	bool closed;
	uint64_t wlo, whi; /* Python's width of the body, once closed */
};

struct sc_re_cond_ref {
	uint64_t group; /* numeric group of a conditional, checked at the end */
	size_t pos;
};

struct sc_re_parser {
	struct sc_arena *a;
	const char *src;
	uint32_t *cps;	/* the pattern's code points */
	uint32_t *offs; /* byte offset of each code point; offs[n] = length */
	size_t n;
	size_t index; /* just past the lookahead token (Tokenizer.index) */
	size_t tpos;  /* start of the lookahead token (Tokenizer.tell()) */
	uint32_t next;
	bool failed;
	struct sc_re_error *err;
	unsigned modflags;	    /* flags given by the caller */
	unsigned gflags;	    /* global inline flags, (?i) at the start */
	struct sc_re_group *groups; /* [1..ngroups] */
	size_t ngroups, gcap;
	uint32_t *names; /* open-addressing hash of named groups: group numbers */
	size_t nnames, names_cap;
	long lookbehind; /* Python's state.lookbehindgroups, -1 for None */
	struct sc_re_cond_ref *crefs;
	size_t ncrefs, crcap;
	uint32_t features;
	unsigned depth;
	bool has_repeat;
	size_t repeat_pos;
	bool deferred; /* an error Python's compiler would raise */
	size_t deferred_pos;
	char deferred_msg[sizeof(((struct sc_re_error *)0)->msg)];
	struct sc_re_range *props[12]; /* shared ranges of \d \D \s \S \w \W */
	uint32_t nprops[12];	       /*   (Unicode, then ASCII) */
};

/* ---- errors and tokens (regex_lex.c) ---- */

/* Record an error at code point position cpos, unless one is recorded. */
void sc_re_fail(struct sc_re_parser *p, size_t cpos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Python's source.error(msg, offset) is at tell() - offset. */
static inline size_t sc_re_back(const struct sc_re_parser *p, size_t back)
{
	return p->tpos > back ? p->tpos - back : 0;
}

#define sc_re_fail_back(p, back, ...) sc_re_fail((p), sc_re_back((p), (back)), __VA_ARGS__)

/* "%.*s" arguments for the pattern text of code points [from, to). */
#define RE_SPAN(p, from, to) (int)((p)->offs[to] - (p)->offs[from]), (p)->src + (p)->offs[from]

/* Python's Tokenizer.__next(): read the token at p->index. */
void sc_re_tok_advance(struct sc_re_parser *p);

static inline uint32_t sc_re_tok_get(struct sc_re_parser *p)
{
	uint32_t t = p->next;

	sc_re_tok_advance(p);
	return t;
}

static inline bool sc_re_tok_match(struct sc_re_parser *p, uint32_t c)
{
	if (p->next != c)
		return false;
	sc_re_tok_advance(p);
	return true;
}

static inline void sc_re_tok_seek(struct sc_re_parser *p, size_t at)
{
	p->index = at;
	sc_re_tok_advance(p);
}

/* Length of a token in code points. */
static inline size_t sc_re_tok_len(uint32_t t)
{
	return t == RE_TOK_END ? 0 : (t & RE_TOK_ESC) ? 2 : 1;
}

/* The token as text, for messages. */
const char *sc_re_tok_text(uint32_t t, char out[8]);

/* Approximation of str.isalpha() for a token (messages only). */
bool sc_re_tok_isalpha(uint32_t t);

/* ---- nodes, escapes, classes, group names (regex_lex.c) ---- */

struct sc_re_node *sc_re_node_new(struct sc_re_parser *p, enum sc_re_op op, size_t cpos);
struct sc_re_node *sc_re_node_wrap(struct sc_re_parser *p, enum sc_re_op op, size_t cpos,
				   struct sc_re_node *kid);

/* A literal code point under the flags in scope. */
struct sc_re_node *sc_re_char_node(struct sc_re_parser *p, size_t cpos, uint32_t cp,
				   unsigned scope);

/* Python's _escape() for token t (an escape) read at start. */
struct sc_re_node *sc_re_escape(struct sc_re_parser *p, uint32_t t, size_t start, unsigned scope,
				enum sc_re_kind *kind);

/* A bracket class whose '[' was read at position here. */
struct sc_re_node *sc_re_parse_class(struct sc_re_parser *p, size_t here, unsigned scope);

/* Python's Tokenizer.getuntil(): code points [*from, *from + *len). */
bool sc_re_get_until(struct sc_re_parser *p, uint32_t term, const char *what, size_t *from,
		     size_t *len);

/* str.isidentifier() (approximated beyond ASCII, see regex_lex.c). */
bool sc_re_is_identifier(const struct sc_re_parser *p, size_t from, size_t len);

/* Python's Tokenizer.checkgroupname(): error unless an identifier. */
bool sc_re_check_group_name(struct sc_re_parser *p, size_t from, size_t len);

/* int() of a conditional's group reference; false if int() raises. */
bool sc_re_py_int(const struct sc_re_parser *p, size_t from, size_t len, bool *neg, uint64_t *val);

/* Python's repr() of code points [from, to), shortened to fit cap. */
const char *sc_re_repr(const struct sc_re_parser *p, size_t from, size_t to, char *out, size_t cap);

/* The group named by code points [from, from + len), or 0. */
uint32_t sc_re_find_group(const struct sc_re_parser *p, size_t from, size_t len);

/* Open group number ngroups + 1, named by [from, from + len) if len. */
uint32_t sc_re_open_group(struct sc_re_parser *p, size_t from, size_t len);

/* Python's State.checklookbehindgroup(). */
bool sc_re_check_lookbehind_group(struct sc_re_parser *p, uint64_t gid);

/* ---- analyses of the AST (regex_analyze.c) ---- */

/* Python's SubPattern.getwidth() of n: [*lo, *hi] code points, saturating. */
void sc_re_node_width(const struct sc_re_parser *p, const struct sc_re_node *n, uint64_t *lo,
		      uint64_t *hi);

/* Inner anchors and the classification: re->features and re->cls. */
void sc_re_classify(struct sc_re_parser *p, struct sc_re *re);

#endif /* SC_REGEX_INT_H */
