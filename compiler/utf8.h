/* SPDX-License-Identifier: Apache-2.0 */
/*
 * UTF-8 decoding/encoding, simple Unicode case folding and the "word
 * character" class of Python's re module. Tables come from
 * tools/gen-unicode-tables at build time.
 */
#ifndef SC_UTF8_H
#define SC_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SC_UTF8_INVALID 0xFFFFFFFFu

/*
 * Decode one code point from p (n > 0 bytes available). On success returns
 * the code point and stores its length in *len. On an invalid or truncated
 * sequence (overlong forms, surrogates and values above U+10FFFF are
 * invalid) returns SC_UTF8_INVALID with *len = 1.
 */
uint32_t sc_utf8_decode(const uint8_t *p, size_t n, size_t *len);

/* Encode cp (<= U+10FFFF) into out[4]; returns the length (1..4). */
size_t sc_utf8_encode(uint32_t cp, uint8_t out[4]);

/* Length of the valid UTF-8 sequence at p, or 0 if p does not start one. */
size_t sc_utf8_valid_prefix(const uint8_t *p, size_t n);

/* True when all n bytes are valid UTF-8. */
bool sc_utf8_valid(const uint8_t *p, size_t n);

/* Number of code points in valid UTF-8 text (invalid bytes count as one). */
size_t sc_utf8_count(const uint8_t *p, size_t n);

/* Simple case folding (CaseFolding.txt C+S) of one code point. */
uint32_t sc_ucd_fold_cp(uint32_t cp);

/* True when Python's re would match cp with \w (str.isalnum() or '_'). */
bool sc_ucd_is_word(uint32_t cp);

/* Code point classes of Python's re for str patterns. */
enum sc_ucd_prop {
	SC_UCD_WORD,  /* \w: str.isalnum() or '_' */
	SC_UCD_DIGIT, /* \d: str.isdecimal() (category Nd) */
	SC_UCD_SPACE, /* \s: str.isspace() */
};

/*
 * The class as sorted, disjoint inclusive ranges {lo, hi} over all code
 * points (ASCII included). The table is static; *ret_n receives its length.
 */
const uint32_t (*sc_ucd_ranges(enum sc_ucd_prop prop, size_t *ret_n))[2];

/*
 * Case-fold UTF-8 text into out, whose capacity must be at least
 * 2 * n bytes: folding can lengthen a character (U+023A, 2 bytes, folds to
 * U+2C65, 3 bytes) or shorten it (U+212A KELVIN SIGN folds to 'k'). Invalid
 * bytes are copied as they are. Returns the output length.
 */
size_t sc_utf8_fold(const uint8_t *in, size_t n, uint8_t *out);

/*
 * All code points whose simple folding equals fold(cp), cp included, into
 * out (at most max entries). Returns the number written. Used to build
 * case-insensitive character classes.
 */
size_t sc_ucd_fold_class(uint32_t cp, uint32_t *out, size_t max);

extern const char sc_ucd_version[];

#endif /* SC_UTF8_H */
