/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Regular expressions of Sigma's |re modifier.
 *
 * Sigma validates regexes with Python's re module, so this parser accepts
 * that dialect (Python 3.11) and builds a small AST. Nothing here matches
 * text: the AST is what the code generator translates to re2c and what the
 * reference interpreter walks. Every pattern is put in one of three
 * classes, so later phases can rely on it:
 *
 *   SC_RE_DFA          plain regular syntax re2c takes after a direct
 *                      translation (literals, classes, '.', groups,
 *                      alternation, quantifiers with small counts, '^' at
 *                      the very start and '$' at the very end);
 *   SC_RE_REWRITE      still a regular language, but a rewrite is needed
 *                      first: inline or sub-modifier flags (i, m, s),
 *                      lazy quantifiers, anchors inside the pattern, \b \B
 *                      \A \Z, counted repetition above SC_RE_SMALL_COUNT;
 *   SC_RE_UNSUPPORTED  beyond any DFA: backreferences, lookahead and
 *                      lookbehind, atomic groups, possessive quantifiers,
 *                      conditionals, \N{...} names, counts above
 *                      SC_RE_MAX_COUNT. The rule is rejected
 *                      (SC_E_REGEX_UNSUPPORTED), never silently dropped.
 *
 * Semantics fixed here for all later phases (ARCHITECTURE.md section 4):
 * matching is an unanchored search over UTF-8 text, one code point at a
 * time; lazy quantifiers equal greedy ones; \d \w \s and \b use Python's
 * Unicode definitions (utf8.h: sc_ucd_ranges) unless the ASCII flag (?a)
 * is on, in which case they are [0-9], [A-Za-z0-9_] and [ \t\n\r\f\v].
 */
#ifndef SC_REGEX_H
#define SC_REGEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sc_arena;
struct sc_buf;

#define SC_RE_INF	  UINT32_MAX /* unbounded repeat maximum */
#define SC_RE_SMALL_COUNT 50	     /* larger counts classify as REWRITE */
#define SC_RE_MAX_COUNT	  1000	     /* larger counts are UNSUPPORTED */
#define SC_RE_MAX_DEPTH	  100	     /* group nesting limit (a syntax error beyond) */

/* Flags given by the |i |m |s sub-modifiers (and set by (?ims) inline). */
enum {
	SC_RE_FLAG_I = 1u << 0, /* IGNORECASE */
	SC_RE_FLAG_M = 1u << 1, /* MULTILINE: ^ and $ at line boundaries */
	SC_RE_FLAG_S = 1u << 2, /* DOTALL: '.' matches '\n' too */
	SC_RE_FLAG_X = 1u << 3, /* VERBOSE (inline only) */
	SC_RE_FLAG_A = 1u << 4, /* ASCII classes (inline only) */
};

enum sc_re_class {
	SC_RE_DFA = 0,
	SC_RE_REWRITE = 1,
	SC_RE_UNSUPPORTED = 2,
};

/* Features seen while parsing (bit set in struct sc_re.features). */
enum {
	SC_RE_F_INLINE_FLAGS = 1u << 0,	 /* (?i) (?i:...) (?-i:...) ...  -> REWRITE */
	SC_RE_F_MOD_FLAGS = 1u << 1,	 /* |i |m |s sub-modifier flags  -> REWRITE */
	SC_RE_F_LAZY = 1u << 2,		 /* *? +? ?? {n,m}?              -> REWRITE */
	SC_RE_F_INNER_ANCHOR = 1u << 3,	 /* ^ not first or $ not last    -> REWRITE */
	SC_RE_F_WORD_BOUNDARY = 1u << 4, /* \b \B                        -> REWRITE */
	SC_RE_F_TEXT_ANCHOR = 1u << 5,	 /* \A \Z                        -> REWRITE */
	SC_RE_F_LARGE_COUNT = 1u << 6,	 /* count > SC_RE_SMALL_COUNT    -> REWRITE */
	SC_RE_F_BACKREF = 1u << 7,	 /* \1 (?P=name)                 -> UNSUPPORTED */
	SC_RE_F_LOOKAROUND = 1u << 8,	 /* (?= (?! (?<= (?<!            -> UNSUPPORTED */
	SC_RE_F_ATOMIC = 1u << 9,	 /* (?>...)                      -> UNSUPPORTED */
	SC_RE_F_POSSESSIVE = 1u << 10,	 /* *+ ++ ?+ {n,m}+              -> UNSUPPORTED */
	SC_RE_F_CONDITIONAL = 1u << 11,	 /* (?(1)a|b)                    -> UNSUPPORTED */
	SC_RE_F_HUGE_COUNT = 1u << 12,	 /* count > SC_RE_MAX_COUNT      -> UNSUPPORTED */
	SC_RE_F_NAMED_CHAR = 1u << 13,	 /* \N{NAME}                     -> UNSUPPORTED */
	SC_RE_F_CLASS = 1u << 14,	 /* informational: [...] or \d \w \s ... */
	SC_RE_F_GROUP = 1u << 15,	 /* informational: (...) */
	SC_RE_F_ALTERNATION = 1u << 16,	 /* informational: | */
	SC_RE_F_COUNTED = 1u << 17,	 /* informational: {n,m} */
};

enum sc_re_op {
	SC_RE_EMPTY = 0,  /* matches the empty string */
	SC_RE_CHAR,	  /* one code point (cp); under IGNORECASE, fold is set (see regex.c
			     for IGNORECASE with the ASCII flag and for \N{NAME}) */
	SC_RE_CLASS,	  /* set of code points, see ranges */
	SC_RE_ANY,	  /* '.': any code point but '\n', or any at all if dotall */
	SC_RE_CONCAT,	  /* kids[0] kids[1] ... */
	SC_RE_ALT,	  /* kids[0] | kids[1] | ... */
	SC_RE_REPEAT,	  /* kids[0]{min,max}, greedy or lazy; possessive is ATOMIC(REPEAT) */
	SC_RE_GROUP,	  /* (kids[0]); capture tells (...) from (?:...) */
	SC_RE_BOL,	  /* '^' (at line starts too when multiline) */
	SC_RE_EOL,	  /* '$': end, or before a final '\n' (Python); line ends when multiline */
	SC_RE_BOT,	  /* \A */
	SC_RE_EOT,	  /* \Z */
	SC_RE_WORDB,	  /* \b */
	SC_RE_NWORDB,	  /* \B */
	SC_RE_BACKREF,	  /* \N or (?P=name): group number in min (UNSUPPORTED) */
	SC_RE_LOOK,	  /* lookaround: kids[0]; behind/negate (UNSUPPORTED) */
	SC_RE_ATOMIC,	  /* (?>kids[0]) (UNSUPPORTED) */
	SC_RE_COND,	  /* (?(group)yes|no): group in min, kids[0] yes, kids[1] no or
			     EMPTY (UNSUPPORTED) */
};

struct sc_re_range {
	uint32_t lo; /* first code point */
	uint32_t hi; /* last code point, inclusive */
};

struct sc_re_node {
	enum sc_re_op op;
	uint32_t offset;	    /* byte offset of the construct in the pattern */
	uint32_t cp;		    /* CHAR: the code point as written */
	bool fold;		    /* CHAR: match case-insensitively (simple folding) */
	bool dotall;		    /* ANY: matches '\n' too */
	bool multiline;		    /* BOL/EOL: at line boundaries too */
	bool ascii;		    /* WORDB/NWORDB: ASCII definition of \w */
	bool greedy;		    /* REPEAT: false for lazy */
	bool capture;		    /* GROUP: capturing */
	bool behind;		    /* LOOK: lookbehind */
	bool negate;		    /* LOOK: negative */
	uint32_t min;		    /* REPEAT: minimum count; BACKREF, COND: group;
				       GROUP: group number when capturing */
	uint32_t max;		    /* REPEAT: maximum count or SC_RE_INF */
	struct sc_re_range *ranges; /* CLASS: sorted, disjoint, non-adjacent; negation and */
	uint32_t nranges;	    /*   case closure (under IGNORECASE, of the members but
				       \d \w \s) already applied, within [0, 0x10FFFF] */
	const char *name;	    /* GROUP: (?P<name>...) name, else NULL; CHAR: NAME of
				       an unresolved \N{NAME} (cp is then U+FFFD) */
	struct sc_re_node **kids;   /* children, see op */
	uint32_t nkids;
};

struct sc_re {
	struct sc_re_node *root; /* never NULL on success */
	enum sc_re_class cls;	 /* classification, see above */
	uint32_t features;	 /* SC_RE_F_* bits seen */
	unsigned flags;		 /* SC_RE_FLAG_* in effect for the whole pattern */
	uint32_t ngroups;	 /* capturing groups */
};

struct sc_re_error {
	uint32_t offset; /* byte offset in the pattern where the problem is */
	char msg[160];	 /* human-readable reason, lower case, no trailing period */
};

/*
 * Parse pattern (len bytes of UTF-8, not necessarily NUL-terminated) with
 * the sub-modifier flags (SC_RE_FLAG_I/M/S; SC_RE_FLAG_X and SC_RE_FLAG_A
 * act as re.X and re.A, other bits are ignored). All nodes are allocated
 * from arena a. Returns:
 *   0         success, *ret set (class may be SC_RE_UNSUPPORTED: the AST is
 *             complete, features tell why);
 *   -EINVAL   the pattern is invalid for Python's re (or not UTF-8, or
 *             nests groups deeper than SC_RE_MAX_DEPTH); *err says where
 *             and why (Python's message); *ret untouched.
 */
int sc_re_parse(struct sc_arena *a, const char *pattern, size_t len, unsigned flags,
		struct sc_re **ret, struct sc_re_error *err);

/* "dfa", "rewrite" or "unsupported". */
const char *sc_re_class_name(enum sc_re_class cls);

/*
 * Append the names of the features that decided the class (those that
 * force REWRITE or UNSUPPORTED), comma-separated in bit order, e.g.
 * "inline-flags,lazy".
 */
void sc_re_features_describe(uint32_t features, struct sc_buf *out);

/*
 * Append a canonical, fully parenthesised rendering of the AST (for golden
 * tests and debugging), e.g. "(cat 'a' (rep 1 inf greedy (class 48-57)))";
 * the format is specified in regex_dump.c.
 */
void sc_re_dump(const struct sc_re_node *n, struct sc_buf *out);

#endif /* SC_REGEX_H */
