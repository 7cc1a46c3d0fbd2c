// SPDX-License-Identifier: Apache-2.0
/*
 * Event value functions of the engine's hot path (runtime/values.c) against
 * simple references: ASCII case folding (word-at-a-time and vectorised
 * paths, every length and alignment, bytes >= 0x80 left alone) against a
 * byte loop and against the Unicode folding, and number parsing (the
 * integer fast path) against strtod, and substring search against memmem.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unicode.h"
#include "values.h"

static uint8_t ref_fold_byte(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* xorshift: the same bytes on every run */
static uint32_t rnd(uint32_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 17;
	*st ^= *st << 5;
	return *st;
}

Test(values, ascii_fold_matches_a_byte_loop_at_every_length_and_offset)
{
	static const uint8_t alphabet[] = "@AZ[`az{MmQq09 \\:.-_\x7f\x80\xc3\xff";
	uint8_t src[96], out[2 * 96 + 16], guard[2 * 96 + 16];
	uint32_t st = 12345;
	size_t n, off, i;
	int round;

	for (round = 0; round < 50; round++)
		for (off = 0; off < 8; off++)
			for (n = 0; n + off <= 64; n++) {
				for (i = 0; i < sizeof(src); i++)
					src[i] = alphabet[rnd(&st) % (sizeof(alphabet) - 1)];
				memset(out, 0xa5, sizeof(out));
				memcpy(guard, out, sizeof(out));
				cr_assert_eq(ag_fold(src + off, n, false, out), n);
				for (i = 0; i < n; i++)
					cr_assert_eq(out[i], ref_fold_byte(src[off + i]),
						     "length %zu offset %zu byte %zu", n, off, i);
				/* nothing written past the folded bytes */
				cr_assert_eq(memcmp(out + n, guard + n, sizeof(out) - n), 0,
					     "length %zu offset %zu", n, off);
			}
}

Test(values, ascii_fold_agrees_with_unicode_folding_on_ascii_text)
{
	uint8_t src[300], a[600], b[600];
	uint32_t st = 777;
	size_t n, i;

	for (n = 0; n < sizeof(src); n++) {
		for (i = 0; i < n; i++)
			src[i] = (uint8_t)(rnd(&st) % 128);
		cr_assert_eq(ag_fold(src, n, false, a), n);
		cr_assert_eq(ag_utf8_fold(src, n, b), n);
		cr_assert_eq(memcmp(a, b, n), 0, "length %zu", n);
	}
}

static void number_like_strtod(const char *s)
{
	double got = 0, want;
	char *end;
	bool ok = ag_parse_number(s, strlen(s), &got);

	want = strtod(s, &end);
	cr_assert(ok, "'%s' is a number", s);
	cr_assert_eq(*end, '\0');
	cr_assert(got == want && signbit(got) == signbit(want), "'%s': %.17g, strtod %.17g", s,
		  got, want);
}

Test(values, integers_parse_as_strtod_does)
{
	static const char *const nums[] = {
		"0", "-0", "+0", "7", "-7", "+42", "007", "4624", "65535", "4294967295",
		"999999999999999", "-999999999999999", "1000000000000000", "9007199254740993",
		"123456789012345678901234567890", "3.5", "-0.25", "1e3", "1E-3", "12.", ".5",
	};
	char buf[32];
	uint32_t st = 99;
	size_t i;

	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		number_like_strtod(nums[i]);
	for (i = 0; i < 20000; i++) {
		unsigned long long v = ((unsigned long long)rnd(&st) << 32 | rnd(&st)) %
				       (1ull << (rnd(&st) % 60 + 1));

		snprintf(buf, sizeof(buf), "%s%llu", rnd(&st) % 2 ? "-" : "", v);
		number_like_strtod(buf);
	}
}

Test(values, non_numbers_are_rejected)
{
	static const char *const bad[] = {"", " ", "-", "+", "1a", "a1", "--1", "1-", "0x", "1e",
					  ".", "1 2"};
	double d;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert(!ag_parse_number(bad[i], strlen(bad[i]), &d), "'%s'", bad[i]);
	cr_assert(ag_parse_number(" 12 ", 4, &d) && d == 12);
}

/*
 * Substring search (vectorised, with an overlapping last block, and a
 * scalar tail) against memmem: texts of a small alphabet so that first and
 * last bytes often match, every text length up to 80, patterns of 0 to 20
 * bytes taken from the text or made up.
 */
Test(values, contains_agrees_with_memmem)
{
	uint8_t s[96], p[24];
	uint32_t st = 0x1234567u;
	size_t n, pn, round;

	for (n = 0; n <= 80; n++)
		for (round = 0; round < 40; round++) {
			size_t i;

			for (i = 0; i < n; i++)
				s[i] = (uint8_t)"abcA\\ "[rnd(&st) % 6];
			pn = rnd(&st) % 21;
			if (n >= pn && round % 2 == 0) {
				memcpy(p, s + (n ? rnd(&st) % (n - pn + 1) : 0), pn);
			} else {
				for (i = 0; i < pn; i++)
					p[i] = (uint8_t)"abcA\\ "[rnd(&st) % 6];
			}
			cr_assert_eq(ag_contains(s, n, p, pn), memmem(s, n, p, pn) != NULL,
				     "n %zu, pn %zu, round %zu", n, pn, round);
		}
}
