/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sigma strings: a value as a sequence of parts, literal byte runs and the
 * wildcards '*' and '?', after Sigma's escaping rules (sigma-reference
 * A2.9: backslash escapes only '*', '?' and itself; before anything else it
 * is a literal backslash). This is pySigma's SigmaString, and the modifiers
 * of value.c and encode.c work on it. Placeholders (%name%) are parts too
 * while |expand resolves them.
 */
#ifndef SC_SSTR_H
#define SC_SSTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sc_arena;
struct sc_buf;

enum sc_part_kind {
	SC_PART_LIT = 0, /* literal bytes */
	SC_PART_ANY,	 /* '*' */
	SC_PART_ONE,	 /* '?' */
	SC_PART_PH,	 /* placeholder; s/n hold its name */
};

struct sc_part {
	enum sc_part_kind kind;
	const uint8_t *s; /* LIT bytes or PH name (arena) */
	uint32_t n;
};

/* Parts are immutable once built; operations return new strings. */
struct sc_sstr {
	struct sc_part *v; /* adjacent LIT parts are always merged */
	uint32_t n;
};

/* Parse raw text with Sigma's wildcard escaping. */
struct sc_sstr sc_sstr_parse(struct sc_arena *a, const uint8_t *s, size_t n);

/* One literal part holding s (no wildcard interpretation). */
struct sc_sstr sc_sstr_lit(struct sc_arena *a, const uint8_t *s, size_t n);

/* Concatenate parts of x then y, merging adjacent literals. */
struct sc_sstr sc_sstr_cat(struct sc_arena *a, struct sc_sstr x, struct sc_sstr y);

/* Copy with a part prepended or appended (merging literals). */
struct sc_sstr sc_sstr_prepend(struct sc_arena *a, struct sc_sstr x, enum sc_part_kind k);
struct sc_sstr sc_sstr_append(struct sc_arena *a, struct sc_sstr x, enum sc_part_kind k);

bool sc_sstr_starts_with_any(struct sc_sstr x);
bool sc_sstr_ends_with_any(struct sc_sstr x);

/* True if x has a '*' or '?' part. */
bool sc_sstr_has_wildcard(struct sc_sstr x);

/* True if x has a placeholder part. */
bool sc_sstr_has_placeholder(struct sc_sstr x);

/* Concatenated literal bytes of x (wildcards skipped) into out. */
void sc_sstr_plain(struct sc_sstr x, struct sc_buf *out);

/* Canonical escaped form: '*', '?' for wildcards, '\*' '\?' '\\' for literals. */
void sc_sstr_canon(struct sc_sstr x, struct sc_buf *out);

#endif /* SC_SSTR_H */
