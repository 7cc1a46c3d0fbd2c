/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reference matcher for the regexes of Sigma's |re modifier (regex.h), for
 * tests and the reference interpreter only: it is never linked into the
 * agent. It walks the parser's AST with a Thompson-NFA (Pike VM) simulation,
 * so the time is O(text length x program size) whatever the pattern, and
 * implements the project's semantics exactly (ARCHITECTURE.md section 4,
 * sigma-reference.md A8):
 *   - unanchored search: true when the regex matches some substring;
 *   - one code point at a time over UTF-8 text (NUL bytes included; bytes
 *     that are not valid UTF-8 count as U+FFFD, one byte each);
 *   - lazy quantifiers behave as greedy ones (only match/no-match matters);
 *   - CHAR nodes with fold set match the simple case folding class of their
 *     code point (sc_ucd_fold_class); classes are used as the AST has them;
 *   - '.' excludes '\n' unless dotall; '^' '$' '\A' '\Z' '\b' '\B' as in
 *     Python 3.11's re: '$' matches at the end and before a final '\n' (at
 *     every line end when multiline), '^' at the start (after every '\n'
 *     when multiline), '\b' '\B' use str.isalnum() or '_' (ASCII letters,
 *     digits and '_' under the ASCII flag), and, as in Python before 3.14,
 *     '\B' never matches in an empty text.
 * Backreferences, lookaround, atomic groups and conditionals (rejected by
 * the compiler before any matching) never match here.
 */
#ifndef TI_RE_MATCH_H
#define TI_RE_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sc_re;
struct ti_re_prog;

/* Search: true when some substring of s (n bytes) matches re. */
bool ti_re_search(const struct sc_re *re, const uint8_t *s, size_t n);

/*
 * The same in two steps, for callers that match one pattern many times:
 * compile once (never NULL: counted repetitions are expanded, and a program
 * beyond TI_RE_MAX_PROG instructions aborts the process with a message),
 * run, free. The program keeps pointers into re, which must outlive it.
 */
#define TI_RE_MAX_PROG (1u << 22)

struct ti_re_prog *ti_re_compile(const struct sc_re *re);
bool ti_re_exec(const struct ti_re_prog *prog, const uint8_t *s, size_t n);
void ti_re_free(struct ti_re_prog *prog);

#endif /* TI_RE_MATCH_H */
