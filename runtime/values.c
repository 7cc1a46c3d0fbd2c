// SPDX-License-Identifier: Apache-2.0
/*
 * Event value semantics (see values.h). Pure functions over byte ranges;
 * no allocation.
 */
#include "values.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif /* __SSE2__ */

#include "unicode.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool ag_parse_number(const char *s, size_t n, double *ret_d)
{
	char buf[64];
	size_t i = 0, digits = 0;
	bool neg = false;

	while (n && is_blank(s[0])) {
		s++;
		n--;
	}
	while (n && is_blank(s[n - 1]))
		n--;
	if (n == 0 || n >= sizeof(buf))
		return false;
	if (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-';
		i = 1;
	}
	if (n - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		uint64_t v = 0;

		for (i += 2; i < n; i++) {
			int c = (unsigned char)s[i], d;

			if (c >= '0' && c <= '9')
				d = c - '0';
			else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
				d = (c | 0x20) - 'a' + 10;
			else
				return false;
			if (v > (UINT64_MAX >> 4))
				return false;
			v = v * 16 + (uint64_t)d;
			digits++;
		}
		*ret_d = neg ? -(double)v : (double)v;
		return digits > 0;
	}
	/* [digits][.digits][e[+-]digits], at least one digit in the mantissa */
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (i == n && digits && digits <= 15) {
		/* a plain integer below 10^15 is exact in a double: strtod's result */
		uint64_t v = 0;

		for (i = n - digits; i < n; i++)
			v = v * 10 + (uint64_t)(s[i] - '0');
		*ret_d = neg ? -(double)v : (double)v;
		return true;
	}
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
	if (!digits)
		return false;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t e0;

		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		e0 = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == e0)
			return false;
	}
	if (i != n)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*ret_d = strtod(buf, NULL);
	return !isnan(*ret_d);
}

/* Dotted-quad IPv4 with no leading zeros, as inet_pton (inet_aton would read 010 as 8). */
static bool parse_v4(const char *s, size_t n, uint8_t out[4])
{
	size_t i = 0;
	int oct;

	for (oct = 0; oct < 4; oct++) {
		unsigned v = 0, nd = 0;

		while (i < n && s[i] >= '0' && s[i] <= '9' && nd < 4) {
			v = v * 10 + (unsigned)(s[i] - '0');
			i++;
			nd++;
		}
		if (!nd || nd > 3 || v > 255 || (nd > 1 && s[i - nd] == '0'))
			return false;
		out[oct] = (uint8_t)v;
		if (oct < 3) {
			if (i >= n || s[i] != '.')
				return false;
			i++;
		}
	}
	return i == n;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool parse_v6(const char *s, size_t n, uint8_t out[16])
{
	uint16_t g[8];
	int ng = 0, gap = -1, k;
	size_t i = 0;

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
		if (i == n)
			goto done;
	} else if (n && s[0] == ':') {
		return false;
	}
	while (i < n) {
		size_t start = i;
		unsigned v = 0;

		while (i < n && hexval(s[i]) >= 0 && i - start < 4)
			v = v * 16 + (unsigned)hexval(s[i++]);
		if (i < n && s[i] == '.') {
			uint8_t v4[4];

			if (ng > 6 || !parse_v4(s + start, n - start, v4))
				return false;
			g[ng++] = (uint16_t)(v4[0] << 8 | v4[1]);
			g[ng++] = (uint16_t)(v4[2] << 8 | v4[3]);
			i = n;
			break;
		}
		if (i == start || ng == 8)
			return false;
		g[ng++] = (uint16_t)v;
		if (i == n)
			break;
		if (s[i] != ':')
			return false;
		i++;
		if (i < n && s[i] == ':') {
			if (gap >= 0)
				return false;
			gap = ng;
			i++;
		} else if (i == n) {
			return false;
		}
	}
done:
	if ((gap < 0 && ng != 8) || (gap >= 0 && ng > 7))
		return false;
	memset(out, 0, 16);
	if (gap < 0)
		gap = ng;
	for (k = 0; k < gap; k++) {
		out[2 * k] = (uint8_t)(g[k] >> 8);
		out[2 * k + 1] = (uint8_t)g[k];
	}
	for (k = gap; k < ng; k++) {
		int slot = 8 - (ng - k);

		out[2 * slot] = (uint8_t)(g[k] >> 8);
		out[2 * slot + 1] = (uint8_t)g[k];
	}
	return true;
}

bool ag_parse_ip(const char *s, size_t n, uint8_t out[16], uint8_t *ret_family)
{
	while (n && is_blank(s[0])) {
		s++;
		n--;
	}
	while (n && is_blank(s[n - 1]))
		n--;
	if (memchr(s, ':', n)) {
		*ret_family = 6;
		return parse_v6(s, n, out);
	}
	*ret_family = 4;
	memset(out, 0, 16);
	return parse_v4(s, n, out);
}

bool ag_ip_in(const uint8_t addr[16], uint8_t fam, const uint8_t net[16], uint8_t nfam,
	      uint8_t prefix)
{
	unsigned full = prefix / 8u, rest = prefix % 8u;

	if (fam != nfam)
		return false;
	if (memcmp(addr, net, full) != 0)
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));

		return (addr[full] & mask) == (net[full] & mask);
	}
	return true;
}

static int num2(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static long days_from_civil(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* ISO 8601 week number: weeks start on Monday; week 1 holds the year's first Thursday. */
static int iso_week(int y, int m, int d)
{
	long days = days_from_civil(y, m, d);
	long wd = ((days + 3) % 7 + 7) % 7;	/* 0 = Monday */
	long thursday = days - wd + 3;
	int ty = y;

	if (thursday < days_from_civil(y, 1, 1))
		ty = y - 1;
	else if (thursday >= days_from_civil(y + 1, 1, 1))
		ty = y + 1;
	return (int)((thursday - days_from_civil(ty, 1, 1)) / 7 + 1);
}

bool ag_parse_time(const char *s, size_t n, struct ag_time *t)
{
	/* YYYY-MM-DD[T ]HH:MM[:SS[.fff]][Z|+hh:mm] */
	if (n < 16)
		return false;
	if (num2(s) < 0 || num2(s + 2) < 0 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != ' ') || s[13] != ':')
		return false;
	t->year = num2(s) * 100 + num2(s + 2);
	t->month = num2(s + 5);
	t->day = num2(s + 8);
	t->hour = num2(s + 11);
	t->minute = num2(s + 14);
	t->second = n >= 19 && s[16] == ':' ? num2(s + 17) : 0;
	if (t->month < 1 || t->month > 12 || t->day < 1 || t->day > 31 || t->hour < 0 ||
	    t->hour > 23 || t->minute < 0 || t->minute > 59 || t->second < 0 || t->second > 60)
		return false;
	t->week = iso_week(t->year, t->month, t->day);
	return true;
}

/*
 * ASCII folding of eight bytes at once: bit 5 set in every byte 'A'..'Z'.
 * The additions see only the low seven bits of each byte, so no carry
 * crosses a byte, and bytes >= 0x80 are left as they are, exactly as the
 * byte loop below does.
 */
static inline uint64_t fold8(uint64_t x)
{
	const uint64_t lo7 = 0x7f7f7f7f7f7f7f7full, hi = 0x8080808080808080ull;
	uint64_t ge_a = (x & lo7) + 0x3f3f3f3f3f3f3f3full; /* high bit: byte >= 'A' */
	uint64_t gt_z = (x & lo7) + 0x2525252525252525ull; /* high bit: byte > 'Z' */

	return x | ((ge_a & ~gt_z & ~x & hi) >> 2);
}

/*
 * ASCII folding of n bytes, n a multiple of 16. With SSE2, sixteen bytes a
 * step: c + 63 wraps 'A'..'Z' (and only them) onto -128..-103 as signed
 * bytes, so one signed comparison finds the upper-case letters. Without
 * it, a loop written so that the compiler vectorises it.
 */
#ifdef __SSE2__
static void fold_block(const uint8_t *restrict s, size_t n, uint8_t *restrict out)
{
	const __m128i bias = _mm_set1_epi8(63), lim = _mm_set1_epi8(-102);
	const __m128i bit = _mm_set1_epi8(0x20);
	size_t i;

	for (i = 0; i < n; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		__m128i up = _mm_cmplt_epi8(_mm_add_epi8(x, bias), lim);

		x = _mm_or_si128(x, _mm_and_si128(up, bit));
		_mm_storeu_si128((__m128i *)(void *)(out + i), x);
	}
}
#else
static void fold_block(const uint8_t *restrict s, size_t n, uint8_t *restrict out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t c = s[i];

		out[i] = (uint8_t)(c | ((uint8_t)(c - 'A') < 26 ? 0x20 : 0));
	}
}
#endif /* __SSE2__ */

static inline uint32_t fold4(uint32_t x)
{
	const uint32_t lo7 = 0x7f7f7f7fu, hi = 0x80808080u;
	uint32_t ge_a = (x & lo7) + 0x3f3f3f3fu, gt_z = (x & lo7) + 0x25252525u;

	return x | ((ge_a & ~gt_z & ~x & hi) >> 2);
}

/* Fold s[from .. from + 8) into out (one word; the ranges of two calls may overlap). */
static inline void fold_word(const uint8_t *s, size_t from, uint8_t *out)
{
	uint64_t x;

	memcpy(&x, s + from, 8);
	x = fold8(x);
	memcpy(out + from, &x, 8);
}

size_t ag_fold(const uint8_t *s, size_t n, bool nonascii, uint8_t *out)
{
	size_t i;

	if (nonascii)
		return ag_utf8_fold(s, n, out);
	if (n >= 16) {
		i = n & ~(size_t)15;
		fold_block(s, i, out); /* whole 16-byte blocks */
		if (n != i)
			fold_block(s + n - 16, 16, out + n - 16); /* the rest, again in part */
	} else if (n >= 8) {
		fold_word(s, 0, out);
		fold_word(s, n - 8, out);
	} else if (n >= 4) {
		uint32_t a, b;

		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		a = fold4(a);
		b = fold4(b);
		memcpy(out, &a, 4);
		memcpy(out + n - 4, &b, 4);
	} else {
		for (i = 0; i < n; i++)
			out[i] = (uint8_t)(s[i] | ((uint8_t)(s[i] - 'A') < 26 ? 0x20 : 0));
	}
	return n;
}

/* Length of the code point at s (1 for an invalid byte). */
static size_t cp_len(const uint8_t *s, size_t n)
{
	size_t k;

	ag_utf8_decode(s, n, &k);
	return k;
}

/*
 * Globs without '?' (most of them): the pieces between stars are found
 * leftmost in order with memmem, the first anchored at the start and the
 * last at the end unless a star frees them. Leftmost is enough: a later
 * piece only gains room when an earlier one ends sooner. Byte positions
 * suffice, since a piece of valid UTF-8 never starts on a continuation
 * byte. Returns -1 when the pattern has a '?' (or a piece too long for
 * the local buffer), for the general matcher.
 */
static int glob_stars(const uint8_t *pat, size_t pn, const uint8_t *s, size_t n)
{
	uint8_t piece[512];
	size_t pi = 0, pos = 0, k;
	bool star_before = false;

	while (pi <= pn) {
		/* the next piece, unescaped */
		k = 0;
		while (pi < pn && pat[pi] != '*') {
			uint8_t c = pat[pi];

			if (c == '?' || k == sizeof(piece))
				return -1;
			if (c == '\\' && pi + 1 < pn &&
			    (pat[pi + 1] == '*' || pat[pi + 1] == '?' || pat[pi + 1] == '\\'))
				c = pat[++pi];
			piece[k++] = c;
			pi++;
		}
		if (pi == pn) { /* the last piece: anchored at the end unless a star precedes */
			if (!star_before)
				return n - pos == k && memcmp(s + pos, piece, k) == 0;
			return n - pos >= k && memcmp(s + n - k, piece, k) == 0;
		}
		/* a piece followed by a star */
		if (!star_before) {
			if (n - pos < k || memcmp(s + pos, piece, k) != 0)
				return 0;
			pos += k;
		} else if (k) {
			const uint8_t *f = memmem(s + pos, n - pos, piece, k);

			if (!f)
				return 0;
			pos = (size_t)(f - s) + k;
		}
		star_before = true;
		pi++; /* the star */
	}
	return 1;
}

bool ag_glob(const uint8_t *pat, size_t pn, const uint8_t *s, size_t n)
{
	size_t pi = 0, si = 0, star_p = (size_t)-1, star_s = 0;
	int fast = glob_stars(pat, pn, s, n);

	if (fast >= 0)
		return fast;

	while (si < n) {
		if (pi < pn && pat[pi] == '*') {
			star_p = ++pi;
			star_s = si;
			continue;
		}
		if (pi < pn && pat[pi] == '?') {
			pi++;
			si += cp_len(s + si, n - si);
			continue;
		}
		if (pi < pn) {
			uint8_t c = pat[pi];
			size_t adv = 1;

			if (c == '\\' && pi + 1 < pn &&
			    (pat[pi + 1] == '*' || pat[pi + 1] == '?' || pat[pi + 1] == '\\')) {
				c = pat[pi + 1];
				adv = 2;
			}
			if (c == s[si]) {
				pi += adv;
				si++;
				continue;
			}
		}
		if (star_p == (size_t)-1)
			return false;
		/* Backtrack: the last '*' takes one more code point. */
		pi = star_p;
		star_s += cp_len(s + star_s, n - star_s);
		si = star_s;
	}
	while (pi < pn && pat[pi] == '*')
		pi++;
	return pi == pn;
}

/*
 * Substring search for the lazy contains atoms (a few per event, often on
 * long command lines and script blocks): Mula's first-and-last-byte filter.
 * Sixteen positions at a time, a position is a candidate when the text
 * has p's first byte there and p's last byte pn - 1 further; candidates
 * are compared. With SSE2 (always on x86-64) the vector part tests every
 * position when n >= pn + 15 (the last block again in part), else none,
 * and returns the first untested one in *ret_next; without it, nothing
 * is tested (*ret_next = 0). pn >= 2.
 */
#ifdef __SSE2__
static inline bool block_has(const uint8_t *s, size_t i, const uint8_t *p, size_t pn,
			     __m128i first, __m128i last)
{
	__m128i a = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
	__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + i + pn - 1));
	unsigned m = (unsigned)_mm_movemask_epi8(
		_mm_and_si128(_mm_cmpeq_epi8(a, first), _mm_cmpeq_epi8(b, last)));

	while (m) {
		size_t k = i + (unsigned)__builtin_ctz(m);

		if (pn == 2 || memcmp(s + k + 1, p + 1, pn - 2) == 0)
			return true;
		m &= m - 1;
	}
	return false;
}

static bool contains_vec(const uint8_t *s, size_t n, const uint8_t *p, size_t pn,
			 size_t *ret_next)
{
	const __m128i first = _mm_set1_epi8((char)p[0]), last = _mm_set1_epi8((char)p[pn - 1]);
	size_t i;

	*ret_next = 0;
	if (n < pn + 15)
		return false;
	for (i = 0; i + pn - 1 + 16 <= n; i += 16)
		if (block_has(s, i, p, pn, first, last))
			return true;
	*ret_next = n - pn + 1;
	return i < n - pn + 1 && block_has(s, n - pn - 15, p, pn, first, last);
}
#else
static bool contains_vec(const uint8_t *s, size_t n, const uint8_t *p, size_t pn,
			 size_t *ret_next)
{
	(void)s;
	(void)n;
	(void)p;
	(void)pn;
	*ret_next = 0;
	return false;
}
#endif /* __SSE2__ */

bool ag_contains(const uint8_t *s, size_t n, const uint8_t *p, size_t pn)
{
	size_t i;

	if (pn == 0)
		return true;
	if (pn > n)
		return false;
	if (pn == 1)
		return memchr(s, p[0], n) != NULL;
	if (contains_vec(s, n, p, pn, &i))
		return true;
	for (; i + pn <= n; i++)
		if (s[i] == p[0] && s[i + pn - 1] == p[pn - 1] &&
		    memcmp(s + i + 1, p + 1, pn - 2) == 0)
			return true;
	return false;
}

size_t ag_utf8_sanitize(const uint8_t *s, size_t n, uint8_t *out)
{
	size_t i = 0, o = 0, k;

	while (i < n) {
		if (s[i] < 0x80) {
			out[o++] = s[i++];
			continue;
		}
		if (ag_utf8_decode(s + i, n - i, &k) == AG_UTF8_INVALID) {
			out[o++] = 0xEF;
			out[o++] = 0xBF;
			out[o++] = 0xBD;
			i++;
			continue;
		}
		memcpy(out + o, s + i, k);
		o += k;
		i += k;
	}
	out[o] = '\0';
	return o;
}
