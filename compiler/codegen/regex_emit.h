/* SPDX-License-Identifier: Apache-2.0 */
/*
 * re2c code for the regexes of Sigma's |re modifier (regex.h).
 *
 * sc_regex_emit() turns one parsed regex into the re2c source of one C
 * function
 *
 *     static bool FN(const uint8_t *s, size_t n);
 *
 * that returns true when the regex matches some substring of the UTF-8
 * text s[0..n) (unanchored search, ARCHITECTURE.md section 4), exactly as
 * the reference matcher tests/interp/re_match.c does. Contract with the
 * caller of FN: s[n] is a readable NUL byte (a sentinel); the text may hold
 * NUL bytes before n; it is valid UTF-8.
 *
 * The file the caller writes is, in order: a banner; the includes
 * <stdbool.h> <stddef.h> <stdint.h>; sc_regex_emit_prelude() once; one
 * sc_regex_emit() per regex; code that references every FN. Besides FN,
 * sc_regex_emit() may write file-scope statics whose names start with FN
 * (FN_a, FN_c, FN_s, FN_x, FN_y ...; all used by FN) and shared class
 * tables guarded by #ifndef SC_RE_T_<hash>. The file is processed with
 *
 *     re2c -W -Werror --no-generation-date --no-version -i IN.re -o OUT.c
 *
 * (--utf8 may be given or not: every block sets its own encoding) and
 * compiles cleanly with gcc or clang -std=gnu11 -O2 -Wall -Wextra -Werror
 * -Wmissing-prototypes -Wstrict-prototypes -Wundef -Wshadow. Every re2c
 * block is a local block (!local:re2c) carrying its whole configuration,
 * so other blocks in the same file neither affect nor are affected by
 * them. regex_emit.c explains the translation and the strategy policy.
 */
#ifndef SC_REGEX_EMIT_H
#define SC_REGEX_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sc_buf;
struct sc_re;

/* How a regex was translated (sc_regex_emit_info.strategy). */
enum sc_regex_strategy {
	SC_REGEX_CONST = 0,    /* the answer does not depend on the text (beyond n == 0) */
	SC_REGEX_DFA = 1,      /* one DFA pass over the text: [^]* R */
	SC_REGEX_ANCHORED = 2, /* anchored DFA tried at candidate start positions */
	SC_REGEX_RUN = 3,      /* a run of C{m} counted in C around a one-code-point DFA */
	SC_REGEX_SPLIT = 4,    /* R = X Y: Y forward and X backward from candidate split points */
};

/* Facts about the last sc_regex_emit() call, for reports and tests. */
struct sc_regex_emit_info {
	enum sc_regex_strategy strategy;
	uint32_t dfa_states;	  /* estimated DFA states of the chosen automaton(s) */
	uint64_t dfa_cost;	  /* estimated code (states plus transition ranges) */
	uint32_t search_states;	  /* estimated states of [^]* R (0: above the limits) */
	uint64_t search_cost;	  /* and its code */
	bool has_assertions;	  /* ^ $ \A \Z \b \B were resolved */
	size_t bytes;		  /* re2c source appended */
};

/*
 * Append the code shared by every function of one .re file (includes and
 * static inline helpers). Call once per file, before the first
 * sc_regex_emit().
 */
void sc_regex_emit_prelude(struct sc_buf *out);

/*
 * Append the re2c source of `static bool fn(const uint8_t *s, size_t n)`
 * (fn: a C identifier, unique in the file; labels and re2c names the
 * function uses start with it). Returns:
 *   0         success;
 *   -ENOTSUP  the regex cannot be matched exactly by a DFA of bounded size
 *             (backreference, lookaround, atomic group, conditional, an
 *             automaton that would be too large, ...): nothing is appended
 *             to out, and a one-line reason (lower case, no trailing period)
 *             is appended to why (when why is not NULL).
 * info, when not NULL, receives facts about the translation.
 */
int sc_regex_emit(struct sc_buf *out, const char *fn, const struct sc_re *re, struct sc_buf *why);
int sc_regex_emit_ex(struct sc_buf *out, const char *fn, const struct sc_re *re,
		     struct sc_buf *why, struct sc_regex_emit_info *info);

#endif /* SC_REGEX_EMIT_H */
