/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading event values the way Sigma compares them: numbers, IP
 * addresses, timestamps, case folding, Sigma wildcard patterns. Shared by
 * the detection engine and the reference interpreter, which must agree on
 * what an event value means (ARCHITECTURE.md section 4).
 */
#ifndef AG_VALUES_H
#define AG_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A number as Sigma compares it: optional sign, decimal digits with an
 * optional fraction and exponent, or 0x hexadecimal (Windows writes
 * LogonId, AccessMask, ProcessId that way); surrounding blanks allowed.
 * Returns false when the text is not a number.
 */
bool ag_parse_number(const char *s, size_t n, double *ret_d);

/*
 * An IPv4 or IPv6 address (no prefix). out[16] receives the address
 * (IPv4 in the first 4 bytes), *ret_family 4 or 6. False if not an address.
 */
bool ag_parse_ip(const char *s, size_t n, uint8_t out[16], uint8_t *ret_family);

/* True when addr (family fam) lies in network net/prefix of the same family. */
bool ag_ip_in(const uint8_t addr[16], uint8_t fam, const uint8_t net[16], uint8_t nfam,
	      uint8_t prefix);

/* Calendar parts of a timestamp: "2024-05-01T10:20:30.5Z", "2024-05-01 10:20:30.123". */
struct ag_time {
	int year, month, day, hour, minute, second;
	int week; /* ISO 8601 week number */
};

bool ag_parse_time(const char *s, size_t n, struct ag_time *t);

/*
 * Fold text for case-insensitive matching into out (capacity 2 * n, not
 * overlapping s): ASCII fast path, Unicode simple folding when nonascii is
 * set. Returns the folded length.
 */
size_t ag_fold(const uint8_t *s, size_t n, bool nonascii, uint8_t *out);

/*
 * Match text against a Sigma pattern in canonical form ('*' any sequence,
 * '?' one code point, '\*' '\?' '\\' literal characters), whole value.
 */
bool ag_glob(const uint8_t *pat, size_t pn, const uint8_t *s, size_t n);

/* Whether p[0 .. pn) occurs in s[0 .. n) (memmem, tuned for short patterns). */
bool ag_contains(const uint8_t *s, size_t n, const uint8_t *p, size_t pn);

/*
 * Copy s into out replacing each invalid UTF-8 byte by U+FFFD, then a NUL
 * (out needs 3 * n + 1 bytes). Returns the length without the NUL.
 */
size_t ag_utf8_sanitize(const uint8_t *s, size_t n, uint8_t *out);

#endif /* AG_VALUES_H */
