/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the regex parser's unit tests (tests/unit/test-regex*.c):
 * parse with an arena that lives for one test, and check the outcome.
 */
#ifndef TU_RE_FIXTURES_H
#define TU_RE_FIXTURES_H

#include <stdbool.h>
#include <stdint.h>

#include "regex.h"

struct sc_arena;

/* The arena patterns are parsed into (set up and freed around each test). */
extern struct sc_arena *re_arena;

/* Criterion .init and .fini of the regex suites. */
void re_setup(void);
void re_teardown(void);

/* Parse pat (with flags), which must succeed; the result is in re_arena. */
struct sc_re *parse_flags_ok(const char *pat, unsigned flags);
struct sc_re *parse_ok(const char *pat);

/* Parse pat, which must fail with Python's message msg at byte offset. */
void expect_error(const char *pat, unsigned flags, uint32_t offset, const char *msg);

/* Class name and the describe() string of the features. */
void expect_class(const char *pat, unsigned flags, enum sc_re_class cls, const char *features);

/* sc_re_dump() of the parsed pattern. */
void expect_dump(const char *pat, unsigned flags, const char *dump);

/* Membership of cp in the SC_RE_CLASS node n. */
bool class_has(const struct sc_re_node *n, uint32_t cp);

/* The root of pat, which must be a class with well-formed ranges. */
const struct sc_re_node *class_of(const char *pat, unsigned flags);

#endif /* TU_RE_FIXTURES_H */
