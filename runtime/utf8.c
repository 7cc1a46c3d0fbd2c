// SPDX-License-Identifier: Apache-2.0
/*
 * UTF-8 coding and the Unicode properties both sigmac-c and the agent need:
 * simple case folding (Sigma values are case-insensitive with Unicode
 * folding, see ARCHITECTURE.md section 4) and the classes of Python's re
 * (windash, regex \w \d \s \b).
 */
#include "unicode.h"

#include <string.h>

extern const uint32_t ag_ucd_word[][2];
extern const size_t ag_ucd_word_len;
extern const uint32_t ag_ucd_digit[][2];
extern const size_t ag_ucd_digit_len;
extern const uint32_t ag_ucd_space[][2];
extern const size_t ag_ucd_space_len;

uint32_t ag_utf8_decode(const uint8_t *p, size_t n, size_t *len)
{
	uint32_t cp, min;
	size_t k, i;

	*len = 1;
	if (n == 0)
		return AG_UTF8_INVALID;
	if (p[0] < 0x80)
		return p[0];
	if ((p[0] & 0xE0) == 0xC0) {
		k = 2;
		cp = p[0] & 0x1F;
		min = 0x80;
	} else if ((p[0] & 0xF0) == 0xE0) {
		k = 3;
		cp = p[0] & 0x0F;
		min = 0x800;
	} else if ((p[0] & 0xF8) == 0xF0) {
		k = 4;
		cp = p[0] & 0x07;
		min = 0x10000;
	} else {
		return AG_UTF8_INVALID;
	}
	if (n < k)
		return AG_UTF8_INVALID;
	for (i = 1; i < k; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return AG_UTF8_INVALID;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return AG_UTF8_INVALID;
	*len = k;
	return cp;
}

size_t ag_utf8_encode(uint32_t cp, uint8_t out[4])
{
	if (cp < 0x80) {
		out[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (uint8_t)(0xC0 | (cp >> 6));
		out[1] = (uint8_t)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (uint8_t)(0xE0 | (cp >> 12));
		out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (uint8_t)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (uint8_t)(0xF0 | (cp >> 18));
	out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (uint8_t)(0x80 | (cp & 0x3F));
	return 4;
}

size_t ag_utf8_valid_prefix(const uint8_t *p, size_t n)
{
	size_t len;

	if (ag_utf8_decode(p, n, &len) == AG_UTF8_INVALID)
		return 0;
	return len;
}

bool ag_utf8_valid(const uint8_t *p, size_t n)
{
	size_t i = 0, len;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (ag_utf8_decode(p + i, n - i, &len) == AG_UTF8_INVALID)
			return false;
		i += len;
	}
	return true;
}

size_t ag_utf8_count(const uint8_t *p, size_t n)
{
	size_t i = 0, len, c = 0;

	while (i < n) {
		ag_utf8_decode(p + i, n - i, &len);
		i += len;
		c++;
	}
	return c;
}

uint32_t ag_ucd_fold_cp(uint32_t cp)
{
	size_t lo = 0, hi = ag_ucd_fold_len;

	if (cp < 0x80)
		return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ag_ucd_fold[mid][0] == cp)
			return ag_ucd_fold[mid][1];
		if (ag_ucd_fold[mid][0] < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return cp;
}

bool ag_ucd_is_word(uint32_t cp)
{
	size_t lo = 0, hi = ag_ucd_word_len;

	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') ||
		       (cp >= 'a' && cp <= 'z') || cp == '_';
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < ag_ucd_word[mid][0])
			hi = mid;
		else if (cp > ag_ucd_word[mid][1])
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

const uint32_t (*ag_ucd_ranges(enum ag_ucd_prop prop, size_t *ret_n))[2]
{
	switch (prop) {
	case AG_UCD_DIGIT:
		*ret_n = ag_ucd_digit_len;
		return ag_ucd_digit;
	case AG_UCD_SPACE:
		*ret_n = ag_ucd_space_len;
		return ag_ucd_space;
	case AG_UCD_WORD:
	default:
		*ret_n = ag_ucd_word_len;
		return ag_ucd_word;
	}
}

size_t ag_utf8_fold(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t i = 0, o = 0, len;

	while (i < n) {
		uint32_t cp;

		if (in[i] < 0x80) {
			uint8_t c = in[i++];

			out[o++] = (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
			continue;
		}
		cp = ag_utf8_decode(in + i, n - i, &len);
		if (cp == AG_UTF8_INVALID) {
			out[o++] = in[i++];
			continue;
		}
		o += ag_utf8_encode(ag_ucd_fold_cp(cp), out + o);
		i += len;
	}
	return o;
}

size_t ag_ucd_fold_class(uint32_t cp, uint32_t *out, size_t max)
{
	uint32_t f = ag_ucd_fold_cp(cp);
	size_t n = 0, i;

	if (max == 0)
		return 0;
	out[n++] = cp;
	if (f != cp && n < max)
		out[n++] = f;
	/* ASCII members: the only ASCII code points that fold are A-Z. */
	if (f < 0x80 && f >= 'a' && f <= 'z') {
		uint32_t up = f - 32;

		if (up != cp && n < max)
			out[n++] = up;
	}
	for (i = 0; i < ag_ucd_fold_len && n < max; i++) {
		if (ag_ucd_fold[i][1] == f && ag_ucd_fold[i][0] != cp)
			out[n++] = ag_ucd_fold[i][0];
	}
	return n;
}
