/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Value encodings of Sigma modifiers, applied at compile time exactly as
 * pySigma does (sigma-reference A3): base64, base64offset, UTF-16 (wide /
 * utf16le, utf16be, utf16 with BOM), windash; and CIDR network parsing with
 * Python's strict ipaddress rules.
 */
#ifndef SC_ENCODE_H
#define SC_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "sstr.h"

struct sc_arena;

/* Standard base64 with '=' padding of n bytes, appended to out. */
void sc_base64(const uint8_t *in, size_t n, struct sc_buf *out);

/*
 * The three base64offset variants of in (pySigma's algorithm): for i in
 * 0..2, base64(i spaces + in) cut to drop the bytes that depend on what
 * surrounds the value. Each variant is appended to out[i].
 */
void sc_base64offset(const uint8_t *in, size_t n, struct sc_buf out[3]);

enum sc_utf16 {
	SC_UTF16_LE = 0, /* wide, utf16le */
	SC_UTF16_BE,	 /* utf16be */
	SC_UTF16_BOM,	 /* utf16: FF FE then little endian */
};

/*
 * Encode the literal parts of x (UTF-8) as UTF-16; wildcards stay
 * wildcards. Returns 0, or -EILSEQ if a literal is not valid UTF-8 (the
 * offending literal's byte offset in *ret_off).
 */
int sc_utf16(struct sc_arena *a, struct sc_sstr x, enum sc_utf16 how, struct sc_sstr *ret,
	     size_t *ret_off);

/*
 * windash: every '-' or '/' that Python's re finds with \B[-/]\b in a
 * literal part becomes each of '-', '/', U+2013, U+2014, U+2015; all
 * combinations, first occurrence varying slowest (pySigma's order). Writes
 * at most max variants to out; returns the number of variants, or -E2BIG
 * when there would be more than max.
 */
int sc_windash(struct sc_arena *a, struct sc_sstr x, struct sc_sstr *out, size_t max);

/* CIDR: parse an IPv4 or IPv6 network ("10.0.0.0/8", "::1", "fe80::/10"). */
struct sc_cidr {
	uint8_t family;	  /* 4 or 6 */
	uint8_t prefix;	  /* prefix length */
	uint8_t addr[16]; /* network address (IPv4 in the first 4 bytes) */
};

/*
 * Parse s (n bytes) like Python's ipaddress.ip_network(s, strict=True):
 * an address alone is a /32 or /128 network; a prefix length or (IPv4) a
 * netmask/hostmask may follow '/'. Returns 0, -EINVAL for a malformed
 * network (*ret_why says why), or -EDOM when host bits are set.
 */
int sc_cidr_parse(const char *s, size_t n, struct sc_cidr *ret, const char **ret_why);

/* Render a network canonically (Python's str(ip_network)) into out. */
void sc_cidr_format(const struct sc_cidr *c, struct sc_buf *out);

#endif /* SC_ENCODE_H */
