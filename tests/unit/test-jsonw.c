// SPDX-License-Identifier: Apache-2.0
/*
 * The JSON writer under the alerts (runtime/jsonw.c): structure, escaping
 * against an independent reference escaper, UTF-8 repair, limits that keep
 * whole lines.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jcheck.h"
#include "jsonw.h"

/* ---- the JSON writer ---- */

Test(jsonw, nesting_commas_and_scalars)
{
	struct ag_jsonw w;
	size_t m;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	m = ag_jsonw_line_begin(&w);
	ag_jsonw_obj_begin(&w, NULL);
	ag_jsonw_u64(&w, "a", 18446744073709551615ull);
	ag_jsonw_i64(&w, "b", INT64_MIN);
	ag_jsonw_i64(&w, "c", 7);
	ag_jsonw_arr_begin(&w, "d");
	ag_jsonw_bool(&w, NULL, true);
	ag_jsonw_bool(&w, NULL, false);
	ag_jsonw_null(&w, NULL);
	ag_jsonw_obj_begin(&w, NULL);
	ag_jsonw_obj_end(&w);
	ag_jsonw_arr_begin(&w, NULL);
	ag_jsonw_arr_end(&w);
	ag_jsonw_arr_end(&w);
	ag_jsonw_key(&w, "k\"\x01", 3);
	ag_jsonw_raw(&w, NULL, "1.5e3", 5);
	ag_jsonw_cstr(&w, "e", NULL);
	ag_jsonw_str_begin(&w, "f");
	ag_jsonw_str_append(&w, "ab", 2);
	ag_jsonw_str_append(&w, "\t", 1);
	ag_jsonw_str_end(&w);
	ag_jsonw_obj_end(&w);
	cr_assert_eq(ag_jsonw_line_end(&w, m), 0);
	cr_assert_eq(w.len, strlen("{\"a\":18446744073709551615,\"b\":-9223372036854775808,"
				   "\"c\":7,\"d\":[true,false,null,{},[]],\"k\\\"\\u0001\":1.5e3,"
				   "\"e\":null,\"f\":\"ab\\t\"}\n"));
	cr_assert(memcmp(w.buf,
			 "{\"a\":18446744073709551615,\"b\":-9223372036854775808,"
			 "\"c\":7,\"d\":[true,false,null,{},[]],\"k\\\"\\u0001\":1.5e3,"
			 "\"e\":null,\"f\":\"ab\\t\"}\n",
			 w.len) == 0,
		  "%.*s", (int)w.len, w.buf);
	ag_jsonw_done(&w);
}

Test(jsonw, unbalanced_line_is_rolled_back)
{
	struct ag_jsonw w;
	size_t m;

	cr_assert_eq(ag_jsonw_init(&w, 16, 0), 0);
	m = ag_jsonw_line_begin(&w);
	ag_jsonw_obj_begin(&w, NULL);
	ag_jsonw_obj_end(&w);
	cr_assert_eq(ag_jsonw_line_end(&w, m), 0);
	m = ag_jsonw_line_begin(&w);
	ag_jsonw_obj_begin(&w, NULL);
	ag_jsonw_str(&w, "x", "y", 1);
	cr_assert_eq(ag_jsonw_line_end(&w, m), -EINVAL);
	cr_assert_eq(w.len, 3);
	cr_assert(memcmp(w.buf, "{}\n", 3) == 0);
	/* Closing more than was opened is an error too, and the writer recovers. */
	m = ag_jsonw_line_begin(&w);
	ag_jsonw_arr_end(&w);
	cr_assert_eq(ag_jsonw_line_end(&w, m), -EINVAL);
	m = ag_jsonw_line_begin(&w);
	ag_jsonw_arr_begin(&w, NULL);
	ag_jsonw_arr_end(&w);
	cr_assert_eq(ag_jsonw_line_end(&w, m), 0);
	cr_assert(memcmp(w.buf, "{}\n[]\n", 6) == 0 && w.len == 6);
	ag_jsonw_done(&w);
}

/* Misplaced values lose the line instead of writing invalid JSON. */
Test(jsonw, structure_errors)
{
	struct ag_jsonw w;
	size_t m;
	int i;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	for (i = 0; i < 9; i++) {
		m = ag_jsonw_line_begin(&w);
		switch (i) {
		case 0: /* a member at the top level */
			ag_jsonw_cstr(&w, "id", "x");
			break;
		case 1: /* an element without a key in an object */
			ag_jsonw_obj_begin(&w, NULL);
			ag_jsonw_cstr(&w, NULL, "x");
			ag_jsonw_obj_end(&w);
			break;
		case 2: /* a member in an array */
			ag_jsonw_arr_begin(&w, NULL);
			ag_jsonw_cstr(&w, "k", "x");
			ag_jsonw_arr_end(&w);
			break;
		case 3: /* two values on one line */
			ag_jsonw_obj_begin(&w, NULL);
			ag_jsonw_obj_end(&w);
			ag_jsonw_obj_begin(&w, NULL);
			ag_jsonw_obj_end(&w);
			break;
		case 4: /* mismatched close */
			ag_jsonw_obj_begin(&w, NULL);
			ag_jsonw_arr_end(&w);
			break;
		case 5: /* a key in an array */
			ag_jsonw_arr_begin(&w, NULL);
			ag_jsonw_key(&w, "k", 1);
			ag_jsonw_null(&w, NULL);
			ag_jsonw_arr_end(&w);
			break;
		case 6: /* two keys in a row */
			ag_jsonw_obj_begin(&w, NULL);
			ag_jsonw_key(&w, "a", 1);
			ag_jsonw_key(&w, "b", 1);
			ag_jsonw_null(&w, NULL);
			ag_jsonw_obj_end(&w);
			break;
		case 7: /* a key without a value */
			ag_jsonw_obj_begin(&w, NULL);
			ag_jsonw_key(&w, "a", 1);
			ag_jsonw_obj_end(&w);
			break;
		case 8: /* nothing */
			break;
		}
		cr_assert_eq(ag_jsonw_line_end(&w, m), -EINVAL, "case %d", i);
		cr_assert_eq(w.len, 0, "case %d", i);
	}
	ag_jsonw_done(&w);
}

Test(jsonw, depth_limit)
{
	struct ag_jsonw w;
	size_t m;
	int i;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	m = ag_jsonw_line_begin(&w);
	for (i = 0; i < AG_JSONW_MAX_DEPTH + 5; i++)
		ag_jsonw_arr_begin(&w, NULL);
	for (i = 0; i < AG_JSONW_MAX_DEPTH + 5; i++)
		ag_jsonw_arr_end(&w);
	cr_assert_eq(ag_jsonw_line_end(&w, m), -E2BIG);
	cr_assert_eq(w.len, 0);
	ag_jsonw_done(&w);
}

Test(jsonw, utf8_repair)
{
	static const struct {
		const char *in;
		const char *out; /* JSON string body */
	} cases[] = {
		{"plain", "plain"},
		{"\xc3\xa9", "\xc3\xa9"},		  /* é */
		{"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"}, /* U+1F600 */
		{"\xef\xbf\xbf", "\xef\xbf\xbf"},	  /* U+FFFF is a valid scalar */
		{"\xff", "\xef\xbf\xbd"},		  /* never valid */
		{"\x80z", "\xef\xbf\xbdz"},		  /* stray continuation */
		{"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"}, /* overlong '/' */
		{"\xe0\x80\xaf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* overlong */
		{"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* surrogate */
		{"\xf4\x90\x80\x80",
		 "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* > U+10FFFF */
		{"\xe2\x82", "\xef\xbf\xbd"}, /* truncated: one maximal subpart */
		{"\xe2\x82x", "\xef\xbf\xbdx"},
		{"\xf0\x9f\x98", "\xef\xbf\xbd"},
		{"a\xf0\x9f\x98\xc3\xa9", "a\xef\xbf\xbd\xc3\xa9"},
		{"\x01\x1f\x7f", "\\u0001\\u001f\x7f"},
		{"\"\\/\b\f\n\r\t", "\\\"\\\\/\\b\\f\\n\\r\\t"},
		{"\xe2\x80\xa8\xe2\x80\xa9", "\\u2028\\u2029"},
	};
	struct ag_jsonw w;
	size_t i;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t m = ag_jsonw_line_begin(&w);

		ag_jsonw_str(&w, NULL, cases[i].in, strlen(cases[i].in));
		cr_assert_eq(ag_jsonw_line_end(&w, m), 0);
		cr_assert_eq(w.len - m, strlen(cases[i].out) + 3, "case %zu: %.*s", i,
			     (int)(w.len - m), w.buf + m);
		cr_assert(memcmp(w.buf + m + 1, cases[i].out, strlen(cases[i].out)) == 0,
			  "case %zu: %.*s", i, (int)(w.len - m), w.buf + m);
	}
	/* A NUL byte inside the value. */
	{
		size_t m = ag_jsonw_line_begin(&w);

		ag_jsonw_str(&w, NULL, "a\0b", 3);
		cr_assert_eq(ag_jsonw_line_end(&w, m), 0);
		cr_assert(memcmp(w.buf + m, "\"a\\u0000b\"\n", 11) == 0);
	}
	ag_jsonw_done(&w);
}

/*
 * Reference escaper, written from the Unicode table of well-formed
 * sequences (Table 3-7) without the writer's tricks: one ill-formed
 * maximal subpart becomes one U+FFFD.
 */
static size_t ref_escape(char *out, const unsigned char *s, size_t n)
{
	size_t i = 0, o = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t k = jutf8_len(s + i, n - i), j;

		if (c < 0x80) {
			const char *e = NULL;

			switch (c) {
			case '"':
				e = "\\\"";
				break;
			case '\\':
				e = "\\\\";
				break;
			case '\b':
				e = "\\b";
				break;
			case '\f':
				e = "\\f";
				break;
			case '\n':
				e = "\\n";
				break;
			case '\r':
				e = "\\r";
				break;
			case '\t':
				e = "\\t";
				break;
			default:
				break;
			}
			if (e) {
				memcpy(out + o, e, 2);
				o += 2;
			} else if (c < 0x20) {
				o += (size_t)sprintf(out + o, "\\u%04x", c);
			} else {
				out[o++] = (char)c;
			}
			i++;
			continue;
		}
		if (k) {
			if (k == 3 && c == 0xe2 && s[i + 1] == 0x80 && (s[i + 2] & 0xfe) == 0xa8) {
				o += (size_t)sprintf(out + o, "\\u%04x",
						     s[i + 2] == 0xa8 ? 0x2028 : 0x2029);
			} else {
				memcpy(out + o, s + i, k);
				o += k;
			}
			i += k;
			continue;
		}
		/* Grow j while s[i .. i + j) is a prefix of a well-formed sequence. */
		{
			static const unsigned char lo2[256] = {
				[0xc2 ... 0xdf] = 0x80, [0xe0] = 0xa0,
				[0xe1 ... 0xec] = 0x80, [0xed] = 0x80,
				[0xee ... 0xef] = 0x80, [0xf0] = 0x90,
				[0xf1 ... 0xf3] = 0x80, [0xf4] = 0x80,
			};
			static const unsigned char hi2[256] = {
				[0xc2 ... 0xdf] = 0xbf, [0xe0] = 0xbf,
				[0xe1 ... 0xec] = 0xbf, [0xed] = 0x9f,
				[0xee ... 0xef] = 0xbf, [0xf0] = 0xbf,
				[0xf1 ... 0xf3] = 0xbf, [0xf4] = 0x8f,
			};
			size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;

			j = 1;
			if (lo2[c] && i + 1 < n && s[i + 1] >= lo2[c] && s[i + 1] <= hi2[c]) {
				j = 2;
				while (j < len && i + j < n && (s[i + j] & 0xc0) == 0x80)
					j++;
			}
		}
		memcpy(out + o, "\xef\xbf\xbd", 3);
		o += 3;
		i += j;
	}
	return o;
}

Test(jsonw, random_strings_match_reference_and_limits)
{
	static const unsigned char alphabet[] = {
		'a',  'b',  ' ',  '"',	'\\', '/',  '\n', 0x00, 0x01, 0x1f, 0x7f,
		0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xe2, 0xa0, 0xa8, 0xed, 0x9f,
		0xef, 0xf0, 0x90, 0xf4, 0x8f, 0xf5, 0xff, 'Z',	'~',  '\t',
	};
	unsigned char s[300];
	char want[300 * 6 + 8];
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	int iter;

	for (iter = 0; iter < 20000; iter++) {
		struct ag_jsonw w;
		size_t n, i, wn, m, full;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		n = (size_t)(seed >> 33) % (iter < 1000 ? 20 : sizeof(s));
		for (i = 0; i < n; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			/* Mostly ASCII letters, so that long plain runs are common too. */
			s[i] = (seed >> 60) < 10 ? (unsigned char)('a' + (seed >> 40) % 26)
						 : alphabet[(seed >> 40) % sizeof(alphabet)];
		}
		want[0] = '"';
		wn = 1 + ref_escape(want + 1, s, n);
		want[wn++] = '"';
		want[wn++] = '\n';

		/* Unlimited. */
		cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
		m = ag_jsonw_line_begin(&w);
		ag_jsonw_str(&w, NULL, (const char *)s, n);
		cr_assert_eq(ag_jsonw_line_end(&w, m), 0);
		cr_assert(w.len == wn && memcmp(w.buf, want, wn) == 0,
			  "iter %d: got %.*s want %.*s", iter, (int)w.len, w.buf, (int)wn, want);
		full = w.len;
		ag_jsonw_done(&w);

		/* A limit of exactly the line fits; one byte less does not, and leaves nothing. */
		cr_assert_eq(ag_jsonw_init(&w, 0, full), 0);
		m = ag_jsonw_line_begin(&w);
		ag_jsonw_str(&w, NULL, (const char *)s, n);
		cr_assert_eq(ag_jsonw_line_end(&w, m), 0, "iter %d: exact limit", iter);
		cr_assert(w.len == wn && memcmp(w.buf, want, wn) == 0);
		ag_jsonw_done(&w);
		cr_assert_eq(ag_jsonw_init(&w, 0, full - 1), 0);
		m = ag_jsonw_line_begin(&w);
		ag_jsonw_str(&w, NULL, (const char *)s, n);
		cr_assert_eq(ag_jsonw_line_end(&w, m), -E2BIG, "iter %d: limit - 1", iter);
		cr_assert_eq(w.len, 0);
		ag_jsonw_done(&w);

		/* Valid UTF-8 written in two pieces cut between characters: same bytes. */
		for (i = 0; i < n;) {
			size_t k = jutf8_len(s + i, n - i);

			if (!k)
				break;
			i += k;
		}
		if (i == n && n > 2 && (s[n / 2] & 0xc0) != 0x80) {
			cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
			m = ag_jsonw_line_begin(&w);
			ag_jsonw_str_begin(&w, NULL);
			ag_jsonw_str_append(&w, (const char *)s, n / 2);
			ag_jsonw_str_append(&w, (const char *)s + n / 2, n - n / 2);
			ag_jsonw_str_end(&w);
			cr_assert_eq(ag_jsonw_line_end(&w, m), 0);
			cr_assert(w.len == wn && memcmp(w.buf, want, wn) == 0, "iter %d: pieces",
				  iter);
			ag_jsonw_done(&w);
		}
	}
}

Test(jsonw, number_grammar)
{
	static const char *const ok[] = {"0", "-0", "12", "-12.5", "1e9", "1E+9", "2.5e-3", "0.0"};
	static const char *const bad[] = {"",	 "-",  "01", "1.",  ".5",  "1e",    "+1",
					  "0x1", "1 ", " 1", "NaN", "inf", "1.5e+", "--1"};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		cr_assert(ag_json_number_valid(ok[i], strlen(ok[i])), "%s", ok[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert(!ag_json_number_valid(bad[i], strlen(bad[i])), "%s", bad[i]);
}
