/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The question of a DNS query message (RFC 1035 4.1), as sent to port 53:
 * the name in presentation form and the query type. Used on payloads the
 * kernel copied from send buffers, so the input is untrusted and may be
 * cut anywhere.
 */
#ifndef AG_LINUX_DNS_H
#define AG_LINUX_DNS_H

#include <stddef.h>
#include <stdint.h>

/* Longest name written (RFC 1035: 255 bytes on the wire; escapes may grow it). */
#define AG_DNS_NAME_MAX 1024

/*
 * Parse the first question of msg[0 .. n) when it is a query (QR = 0,
 * QDCOUNT >= 1). The name goes to name (cap bytes, NUL-terminated, no
 * trailing dot, "." for the root); bytes other than letters, digits, '-',
 * '_' and '*' are written as \DDD, a '.' inside a label as "\.". Returns 0
 * with *ret_len and *ret_qtype set, or -EINVAL (not a query, malformed,
 * cut) or -E2BIG (name does not fit cap).
 */
int ag_dns_question(const uint8_t *msg, size_t n, char *name, size_t cap, size_t *ret_len,
		    uint16_t *ret_qtype);

/* The mnemonic of a query type ("A", "AAAA", ...), or NULL when unknown. */
const char *ag_dns_type_name(uint16_t qtype);

#endif /* AG_LINUX_DNS_H */
