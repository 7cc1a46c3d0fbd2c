/* SPDX-License-Identifier: Apache-2.0 */
/*
 * UTF-8 decoding/encoding, simple Unicode case folding and the character
 * classes of Python's re module, shared by sigmac-c and the agent so both
 * fold and classify text the same way. Tables come from
 * tools/gen-unicode-tables at build time (runtime/meson.build).
 */
#ifndef AG_UNICODE_H
#define AG_UNICODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AG_UTF8_INVALID 0xFFFFFFFFu

/*
 * Decode one code point from p (n > 0 bytes available). On success returns
 * the code point and stores its length in *len. On an invalid or truncated
 * sequence (overlong forms, surrogates and values above U+10FFFF are
 * invalid) returns AG_UTF8_INVALID with *len = 1.
 */
uint32_t ag_utf8_decode(const uint8_t *p, size_t n, size_t *len);

/* Encode cp (<= U+10FFFF) into out[4]; returns the length (1..4). */
size_t ag_utf8_encode(uint32_t cp, uint8_t out[4]);

/* Length of the valid UTF-8 sequence at p, or 0 if p does not start one. */
size_t ag_utf8_valid_prefix(const uint8_t *p, size_t n);

/* True when all n bytes are valid UTF-8. */
bool ag_utf8_valid(const uint8_t *p, size_t n);

/* Number of code points in valid UTF-8 text (invalid bytes count as one). */
size_t ag_utf8_count(const uint8_t *p, size_t n);

/* Simple case folding (CaseFolding.txt C+S) of one code point. */
uint32_t ag_ucd_fold_cp(uint32_t cp);

/* True when Python's re would match cp with \w (str.isalnum() or '_'). */
bool ag_ucd_is_word(uint32_t cp);

/* Code point classes of Python's re for str patterns. */
enum ag_ucd_prop {
	AG_UCD_WORD,  /* \w: str.isalnum() or '_' */
	AG_UCD_DIGIT, /* \d: str.isdecimal() (category Nd) */
	AG_UCD_SPACE, /* \s: str.isspace() */
};

/*
 * The class as sorted, disjoint inclusive ranges {lo, hi} over all code
 * points (ASCII included). The table is static; *ret_n receives its length.
 */
const uint32_t (*ag_ucd_ranges(enum ag_ucd_prop prop, size_t *ret_n))[2];

/*
 * Case-fold UTF-8 text into out, whose capacity must be at least
 * 2 * n bytes: folding can lengthen a character (U+023A, 2 bytes, folds to
 * U+2C65, 3 bytes) or shorten it (U+212A KELVIN SIGN folds to 'k'). Invalid
 * bytes are copied as they are. Returns the output length.
 */
size_t ag_utf8_fold(const uint8_t *in, size_t n, uint8_t *out);

/*
 * All code points whose simple folding equals fold(cp), cp included, into
 * out (at most max entries). Returns the number written. Used to build
 * case-insensitive character classes.
 */
size_t ag_ucd_fold_class(uint32_t cp, uint32_t *out, size_t max);

extern const char ag_ucd_version[];

/* The generated tables (tools/gen-unicode-tables). */
extern const uint32_t ag_ucd_fold[][2];
extern const size_t ag_ucd_fold_len;

#endif /* AG_UNICODE_H */
