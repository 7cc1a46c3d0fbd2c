/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Required literals of a regex (regex_lit.c): the prefilter that lets a
 * rule whose positive tests are regexes be indexed like any other.
 */
#ifndef SC_REGEX_LIT_H
#define SC_REGEX_LIT_H

#include <stdbool.h>
#include <stdint.h>

struct sc_re;

#define SC_RLIT_MAX  64 /* bytes kept per literal */
#define SC_RLIT_ALTS 8	/* alternatives at most */
#define SC_RLIT_MIN  3	/* shortest literal worth indexing */

struct sc_rlit {
	uint8_t b[SC_RLIT_MAX];
	uint32_t n;
};

/*
 * Fill out[0 .. SC_RLIT_ALTS) with strings one of which every match of re
 * contains, each at least SC_RLIT_MIN bytes; *folded tells whether they are
 * case folded (search the folded value) or exact bytes (search the value
 * as it is). Returns how many, 0 when no useful literal is required.
 */
uint32_t sc_regex_required(const struct sc_re *re, struct sc_rlit *out, bool *folded);

/*
 * ASCII bytes every match of re contains as themselves (bit b of
 * ret_set[b / 64]): characters and one-member classes that no case folding
 * widens, required through concatenation, alternation (in every branch) and
 * repetition at least once. Invalid UTF-8 is read byte by byte as U+FFFD,
 * so an ASCII byte of the text is always itself: a text without one of
 * these bytes has no match.
 */
void sc_regex_required_bytes(const struct sc_re *re, uint64_t ret_set[2]);

#endif /* SC_REGEX_LIT_H */
