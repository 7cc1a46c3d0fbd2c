// SPDX-License-Identifier: Apache-2.0
/*
 * Compile-time value encodings (see encode.h). Each mirrors pySigma's
 * implementation byte for byte; tests/unit/test-encode.c pins the worked
 * values of sigma-reference A3.
 */
#include "encode.h"

#include <errno.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "utf8.h"

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void sc_base64(const uint8_t *in, size_t n, struct sc_buf *out)
{
	size_t i;

	sc_buf_grow(out, (n + 2) / 3 * 4);
	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];

		sc_buf_putc(out, b64[v >> 18]);
		sc_buf_putc(out, b64[(v >> 12) & 63]);
		sc_buf_putc(out, b64[(v >> 6) & 63]);
		sc_buf_putc(out, b64[v & 63]);
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;

		sc_buf_putc(out, b64[v >> 18]);
		sc_buf_putc(out, b64[(v >> 12) & 63]);
		sc_buf_puts(out, "==");
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;

		sc_buf_putc(out, b64[v >> 18]);
		sc_buf_putc(out, b64[(v >> 12) & 63]);
		sc_buf_putc(out, b64[(v >> 6) & 63]);
		sc_buf_putc(out, '=');
	}
}

/*
 * pySigma: b64encode(i * b" " + data)[start[i] : end[(len(data) + i) % 3]]
 * with start = (0, 2, 3) and end = (None, -3, -2).
 */
void sc_base64offset(const uint8_t *in, size_t n, struct sc_buf out[3])
{
	static const size_t start[3] = {0, 2, 3};
	static const size_t cut_end[3] = {0, 3, 2};
	struct sc_buf tmp = SC_BUF_INIT, enc = SC_BUF_INIT;
	size_t i;

	for (i = 0; i < 3; i++) {
		size_t lo, hi;

		sc_buf_reset(&tmp);
		sc_buf_reset(&enc);
		sc_buf_add(&tmp, "  ", i);
		sc_buf_add(&tmp, in, n);
		sc_base64((const uint8_t *)tmp.data, tmp.len, &enc);
		lo = start[i];
		hi = enc.len >= cut_end[(n + i) % 3] ? enc.len - cut_end[(n + i) % 3] : 0;
		if (lo < hi)
			sc_buf_add(&out[i], enc.data + lo, hi - lo);
		else
			sc_buf_add(&out[i], "", 0);
	}
	sc_buf_done(&tmp);
	sc_buf_done(&enc);
}

static void put16(struct sc_buf *b, uint32_t u, bool be)
{
	char c[2];

	c[be ? 0 : 1] = (char)(u >> 8);
	c[be ? 1 : 0] = (char)(u & 0xff);
	sc_buf_add(b, c, 2);
}

int sc_utf16(struct sc_arena *a, struct sc_sstr x, enum sc_utf16 how, struct sc_sstr *ret,
	     size_t *ret_off)
{
	struct sc_part *parts = sc_arena_array(a, x.n + 1, sizeof(*parts));
	struct sc_buf b = SC_BUF_INIT;
	bool be = how == SC_UTF16_BE;
	uint32_t i, np = 0;
	size_t base = 0;

	if (how == SC_UTF16_BOM) {
		parts[np].kind = SC_PART_LIT;
		parts[np].s = (const uint8_t *)"\xff\xfe";
		parts[np].n = 2;
		np++;
	}
	for (i = 0; i < x.n; i++) {
		const struct sc_part *p = &x.v[i];
		size_t j = 0, k;

		if (p->kind != SC_PART_LIT) {
			parts[np++] = *p;
			continue;
		}
		sc_buf_reset(&b);
		while (j < p->n) {
			uint32_t cp = sc_utf8_decode(p->s + j, p->n - j, &k);

			if (cp == SC_UTF8_INVALID) {
				*ret_off = base + j;
				sc_buf_done(&b);
				return -EILSEQ;
			}
			if (cp >= 0x10000) {
				cp -= 0x10000;
				put16(&b, 0xD800 | (cp >> 10), be);
				put16(&b, 0xDC00 | (cp & 0x3FF), be);
			} else {
				put16(&b, cp, be);
			}
			j += k;
		}
		base += p->n;
		parts[np].kind = SC_PART_LIT;
		parts[np].s = (const uint8_t *)sc_arena_strndup(a, b.data ? b.data : "", b.len);
		parts[np].n = (uint32_t)b.len;
		np++;
	}
	sc_buf_done(&b);
	/* Re-merge adjacent literals (the BOM and a first literal). */
	{
		struct sc_sstr raw = {parts, np}, empty = {NULL, 0};

		*ret = sc_sstr_cat(a, raw, empty);
	}
	return 0;
}

/* Dash forms windash produces, in pySigma's order. */
static const char *const dashes[5] = {"-", "/", "\xe2\x80\x93", "\xe2\x80\x94", "\xe2\x80\x95"};

/* A windash position: literal part index and byte offset of the dash. */
struct dashpos {
	uint32_t part;
	uint32_t off;
};

/* Find \B[-/]\b matches in one literal (code points, Python's Unicode \w). */
static uint32_t find_dashes(const struct sc_part *p, uint32_t part, struct dashpos *out,
			    uint32_t max)
{
	uint32_t n = 0;
	size_t i = 0, k;
	bool prev_word = false;

	while (i < p->n) {
		uint32_t cp = sc_utf8_decode(p->s + i, p->n - i, &k);
		bool word = cp != SC_UTF8_INVALID && sc_ucd_is_word(cp);

		if ((cp == '-' || cp == '/') && !prev_word && i + 1 < p->n) {
			size_t k2;
			uint32_t next = sc_utf8_decode(p->s + i + 1, p->n - i - 1, &k2);

			if (next != SC_UTF8_INVALID && sc_ucd_is_word(next)) {
				if (n < max) {
					out[n].part = part;
					out[n].off = (uint32_t)i;
				}
				n++;
			}
		}
		prev_word = word;
		i += k;
	}
	return n;
}

int sc_windash(struct sc_arena *a, struct sc_sstr x, struct sc_sstr *out, size_t max)
{
	struct dashpos pos[32];
	uint32_t npos = 0, i;
	size_t nvar = 1, v;

	for (i = 0; i < x.n; i++)
		if (x.v[i].kind == SC_PART_LIT)
			npos += find_dashes(&x.v[i], i, pos + (npos < 32 ? npos : 32),
					    npos < 32 ? 32 - npos : 0);
	if (npos > 32)
		return -E2BIG;
	for (i = 0; i < npos; i++) {
		nvar *= 5;
		if (nvar > max)
			return -E2BIG;
	}
	for (v = 0; v < nvar; v++) {
		struct sc_part *parts = sc_arena_array(a, x.n ? x.n : 1, sizeof(*parts));
		struct sc_buf b = SC_BUF_INIT;
		uint32_t di = 0;
		size_t rest = v;
		unsigned choice[32];
		struct sc_sstr s = {parts, x.n}, empty = {NULL, 0};

		/* Mixed radix, first dash most significant (varies slowest). */
		for (i = npos; i > 0; i--) {
			choice[i - 1] = (unsigned)(rest % 5);
			rest /= 5;
		}
		for (i = 0; i < x.n; i++) {
			const struct sc_part *p = &x.v[i];
			uint32_t j;

			parts[i] = *p;
			if (p->kind != SC_PART_LIT)
				continue;
			sc_buf_reset(&b);
			for (j = 0; j < p->n; j++) {
				if (di < npos && pos[di].part == i && pos[di].off == j) {
					sc_buf_puts(&b, dashes[choice[di]]);
					di++;
					continue;
				}
				sc_buf_putc(&b, (char)p->s[j]);
			}
			parts[i].s =
				(const uint8_t *)sc_arena_strndup(a, b.data ? b.data : "", b.len);
			parts[i].n = (uint32_t)b.len;
		}
		sc_buf_done(&b);
		out[v] = sc_sstr_cat(a, s, empty);
	}
	return (int)nvar;
}

/* ---- CIDR ---- */

static int parse_v4(const char *s, size_t n, uint8_t out[4], const char **why)
{
	size_t i = 0;
	int oct;

	for (oct = 0; oct < 4; oct++) {
		size_t start = i;
		unsigned v = 0;

		while (i < n && s[i] >= '0' && s[i] <= '9') {
			v = v * 10 + (unsigned)(s[i] - '0');
			i++;
			if (i - start > 3) {
				*why = "IPv4 octet longer than 3 digits";
				return -EINVAL;
			}
		}
		if (i == start) {
			*why = "empty or non-decimal IPv4 octet";
			return -EINVAL;
		}
		if (i - start > 1 && s[start] == '0') {
			*why = "leading zeros are not permitted in IPv4 octets";
			return -EINVAL;
		}
		if (v > 255) {
			*why = "IPv4 octet above 255";
			return -EINVAL;
		}
		out[oct] = (uint8_t)v;
		if (oct < 3) {
			if (i >= n || s[i] != '.') {
				*why = "an IPv4 address has 4 octets";
				return -EINVAL;
			}
			i++;
		}
	}
	if (i != n) {
		*why = "unexpected characters after the IPv4 address";
		return -EINVAL;
	}
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int parse_v6(const char *s, size_t n, uint8_t out[16], const char **why)
{
	uint16_t head[8], tail[8];
	int nhead = 0, ntail = 0, *cnt = &nhead, k;
	uint16_t *grp = head;
	bool dbl = false;
	size_t i = 0;

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		dbl = true;
		grp = tail;
		cnt = &ntail;
		i = 2;
	} else if (n && s[0] == ':') {
		*why = "IPv6 address starts with a single ':'";
		return -EINVAL;
	}
	while (i < n) {
		size_t start = i;
		unsigned v = 0;

		while (i < n && hexval(s[i]) >= 0 && i - start < 5) {
			v = v * 16 + (unsigned)hexval(s[i]);
			i++;
		}
		if (i < n && s[i] == '.') {
			/* Embedded IPv4 in the last 32 bits. */
			uint8_t v4[4];

			if (parse_v4(s + start, n - start, v4, why) < 0)
				return -EINVAL;
			if (nhead + ntail + 2 > 8) {
				*why = "too many groups in IPv6 address";
				return -EINVAL;
			}
			grp[(*cnt)++] = (uint16_t)(v4[0] << 8 | v4[1]);
			grp[(*cnt)++] = (uint16_t)(v4[2] << 8 | v4[3]);
			i = n;
			break;
		}
		if (i == start || i - start > 4) {
			*why = "IPv6 group is not 1 to 4 hexadecimal digits";
			return -EINVAL;
		}
		if (nhead + ntail >= 8) {
			*why = "too many groups in IPv6 address";
			return -EINVAL;
		}
		grp[(*cnt)++] = (uint16_t)v;
		if (i == n)
			break;
		if (s[i] != ':') {
			*why = "unexpected character in IPv6 address";
			return -EINVAL;
		}
		i++;
		if (i < n && s[i] == ':') {
			if (dbl) {
				*why = "'::' appears twice in IPv6 address";
				return -EINVAL;
			}
			dbl = true;
			grp = tail;
			cnt = &ntail;
			i++;
		} else if (i == n) {
			*why = "IPv6 address ends with a single ':'";
			return -EINVAL;
		}
	}
	if (nhead + ntail > 8 || (!dbl && nhead + ntail != 8) || (dbl && nhead + ntail > 7)) {
		*why = dbl ? "too many groups in IPv6 address" : "IPv6 address needs 8 groups";
		return -EINVAL;
	}
	memset(out, 0, 16);
	for (k = 0; k < nhead; k++) {
		out[2 * k] = (uint8_t)(head[k] >> 8);
		out[2 * k + 1] = (uint8_t)head[k];
	}
	for (k = 0; k < ntail; k++) {
		int slot = 8 - ntail + k;

		out[2 * slot] = (uint8_t)(tail[k] >> 8);
		out[2 * slot + 1] = (uint8_t)tail[k];
	}
	return 0;
}

/* Prefix length of an IPv4 netmask or hostmask, or -1. */
static int mask_prefix(const uint8_t m[4])
{
	uint32_t v = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
	int p;

	for (p = 0; p <= 32; p++) {
		uint32_t net = p ? ~0u << (32 - p) : 0;

		if (v == net)
			return p;
	}
	for (p = 0; p <= 32; p++) {
		uint32_t host = p == 32 ? 0 : (~0u >> p);

		if (v == host)
			return p;
	}
	return -1;
}

int sc_cidr_parse(const char *s, size_t n, struct sc_cidr *ret, const char **ret_why)
{
	const char *slash = memchr(s, '/', n);
	size_t alen = slash ? (size_t)(slash - s) : n, i;
	const char *why = "malformed network";
	int maxp, prefix;

	memset(ret, 0, sizeof(*ret));
	*ret_why = why;
	if (memchr(s, ':', alen)) {
		ret->family = 6;
		maxp = 128;
		if (parse_v6(s, alen, ret->addr, ret_why) < 0)
			return -EINVAL;
	} else {
		ret->family = 4;
		maxp = 32;
		if (parse_v4(s, alen, ret->addr, ret_why) < 0)
			return -EINVAL;
	}
	prefix = maxp;
	if (slash) {
		const char *p = slash + 1;
		size_t pl = n - alen - 1;
		bool digits = pl > 0;

		for (i = 0; i < pl; i++)
			if (p[i] < '0' || p[i] > '9')
				digits = false;
		if (digits) {
			prefix = 0;
			for (i = 0; i < pl && prefix <= maxp; i++)
				prefix = prefix * 10 + (p[i] - '0');
			if (prefix > maxp) {
				*ret_why = "prefix length out of range";
				return -EINVAL;
			}
		} else if (ret->family == 4) {
			uint8_t m[4];

			if (parse_v4(p, pl, m, ret_why) < 0 || (prefix = mask_prefix(m)) < 0) {
				*ret_why = "not a valid prefix length or netmask";
				return -EINVAL;
			}
		} else {
			*ret_why = "not a valid IPv6 prefix length";
			return -EINVAL;
		}
	}
	ret->prefix = (uint8_t)prefix;
	for (i = 0; i < (size_t)(maxp / 8); i++) {
		int bits = prefix - (int)i * 8;
		uint8_t keep = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));

		if (ret->addr[i] & (uint8_t)~keep) {
			*ret_why = "host bits set";
			return -EDOM;
		}
	}
	return 0;
}

void sc_cidr_format(const struct sc_cidr *c, struct sc_buf *out)
{
	int best = -1, bestlen = 0, run = -1, runlen = 0, k;

	if (c->family == 4) {
		sc_buf_printf(out, "%u.%u.%u.%u/%u", c->addr[0], c->addr[1], c->addr[2], c->addr[3],
			      c->prefix);
		return;
	}
	/* RFC 5952 compression as Python does: the first longest run of >= 2 zero groups. */
	for (k = 0; k < 8; k++) {
		bool zero = c->addr[2 * k] == 0 && c->addr[2 * k + 1] == 0;

		if (zero) {
			if (run < 0) {
				run = k;
				runlen = 0;
			}
			runlen++;
			if (runlen > bestlen) {
				best = run;
				bestlen = runlen;
			}
		} else {
			run = -1;
		}
	}
	if (bestlen < 2)
		best = -1;
	for (k = 0; k < 8; k++) {
		if (k == best) {
			sc_buf_puts(out, "::");
			k += bestlen - 1;
			continue;
		}
		if (k && !(best >= 0 && k == best + bestlen))
			sc_buf_putc(out, ':');
		sc_buf_printf(out, "%x", (unsigned)(c->addr[2 * k] << 8 | c->addr[2 * k + 1]));
	}
	sc_buf_printf(out, "/%u", c->prefix);
}
