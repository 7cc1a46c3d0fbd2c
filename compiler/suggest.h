/* SPDX-License-Identifier: Apache-2.0 */
/*
 * "Did you mean ...?" hints: edit distance between short names.
 */
#ifndef SC_SUGGEST_H
#define SC_SUGGEST_H

#include <stddef.h>

/*
 * Optimal string alignment distance between a (alen bytes) and b
 * (NUL-terminated), ASCII case-insensitive, capped at 4.
 */
unsigned sc_edit_distance(const char *a, size_t alen, const char *b);

/*
 * The candidate closest to name (nlen bytes) when it is close enough to be
 * a likely typo (distance 1 for names up to 4 bytes, 2 up to 8, 3 above),
 * else NULL. Ties go to the first candidate.
 */
const char *sc_suggest(const char *name, size_t nlen, const char *const *cands, size_t ncands);

#endif /* SC_SUGGEST_H */
