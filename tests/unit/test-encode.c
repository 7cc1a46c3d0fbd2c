// SPDX-License-Identifier: Apache-2.0
/*
 * Encodings applied at compile time: the worked values of sigma-reference
 * A3 and Python's output for the other cases (computed with CPython's
 * base64 module and pySigma's algorithms).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "encode.h"
#include "sstr.h"

static char *b64(const char *s, size_t n)
{
	static char out[256];
	struct sc_buf b = SC_BUF_INIT;

	sc_base64((const uint8_t *)s, n, &b);
	snprintf(out, sizeof(out), "%.*s", (int)b.len, b.data ? b.data : "");
	sc_buf_done(&b);
	return out;
}

static void b64off(const char *s, size_t n, char out[3][128])
{
	struct sc_buf v[3] = {SC_BUF_INIT, SC_BUF_INIT, SC_BUF_INIT};
	int i;

	sc_base64offset((const uint8_t *)s, n, v);
	for (i = 0; i < 3; i++) {
		snprintf(out[i], 128, "%.*s", (int)v[i].len, v[i].data ? v[i].data : "");
		sc_buf_done(&v[i]);
	}
}

Test(encode, base64_rfc4648)
{
	cr_assert_str_eq(b64("", 0), "");
	cr_assert_str_eq(b64("f", 1), "Zg==");
	cr_assert_str_eq(b64("fo", 2), "Zm8=");
	cr_assert_str_eq(b64("foo", 3), "Zm9v");
	cr_assert_str_eq(b64("foob", 4), "Zm9vYg==");
	cr_assert_str_eq(b64("\xff\xfe\x00", 3), "//4A");
}

Test(encode, base64offset_worked_example_fromBase64String)
{
	char v[3][128];

	b64off("::FromBase64String", 18, v);
	cr_assert_str_eq(v[0], "OjpGcm9tQmFzZTY0U3RyaW5n");
	cr_assert_str_eq(v[1], "o6RnJvbUJhc2U2NFN0cmluZ");
	cr_assert_str_eq(v[2], "6OkZyb21CYXNlNjRTdHJpbm");
}

Test(encode, base64offset_short_values)
{
	char v[3][128];

	b64off("a", 1, v);
	cr_assert_str_eq(v[0], "Y");
	cr_assert_str_eq(v[1], "");
	cr_assert_str_eq(v[2], "h");
	b64off("ab", 2, v);
	cr_assert_str_eq(v[0], "YW");
	cr_assert_str_eq(v[1], "Fi");
	cr_assert_str_eq(v[2], "hY");
}

Test(encode, wide_base64offset_worked_example)
{
	struct sc_arena *a = sc_arena_new();
	struct sc_sstr s = sc_sstr_parse(a, (const uint8_t *)"IEX (New", 8), w;
	struct sc_buf plain = SC_BUF_INIT;
	char v[3][128];
	size_t off;

	cr_assert_eq(sc_utf16(a, s, SC_UTF16_LE, &w, &off), 0);
	sc_sstr_plain(w, &plain);
	cr_assert_eq(plain.len, 16);
	b64off(plain.data, plain.len, v);
	cr_assert_str_eq(v[0], "SQBFAFgAIAAoAE4AZQB3A");
	cr_assert_str_eq(v[1], "kARQBYACAAKABOAGUAdw");
	cr_assert_str_eq(v[2], "JAEUAWAAgACgATgBlAHcA");
	sc_buf_done(&plain);
	sc_arena_free(a);
}

Test(encode, utf16_variants)
{
	struct sc_arena *a = sc_arena_new();
	struct sc_sstr s = sc_sstr_parse(a, (const uint8_t *)"cmd", 3), w;
	struct sc_buf plain = SC_BUF_INIT;
	size_t off;

	cr_assert_eq(sc_utf16(a, s, SC_UTF16_BOM, &w, &off), 0);
	sc_sstr_plain(w, &plain);
	cr_assert_str_eq(b64(plain.data, plain.len), "//5jAG0AZAA=");
	sc_buf_reset(&plain);
	cr_assert_eq(sc_utf16(a, s, SC_UTF16_BE, &w, &off), 0);
	sc_sstr_plain(w, &plain);
	cr_assert_str_eq(b64(plain.data, plain.len), "AGMAbQBk");
	/* Non-ASCII and a surrogate pair: U+00E4, U+20AC, U+1F600. */
	s = sc_sstr_parse(a, (const uint8_t *)"\xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80", 9);
	sc_buf_reset(&plain);
	cr_assert_eq(sc_utf16(a, s, SC_UTF16_LE, &w, &off), 0);
	sc_sstr_plain(w, &plain);
	cr_assert_str_eq(b64(plain.data, plain.len), "5ACsID3YAN4=");
	sc_buf_done(&plain);
	sc_arena_free(a);
}

Test(encode, utf16_keeps_wildcards)
{
	struct sc_arena *a = sc_arena_new();
	struct sc_sstr s = sc_sstr_parse(a, (const uint8_t *)"a*b", 3), w;
	struct sc_buf c = SC_BUF_INIT;
	size_t off;

	cr_assert_eq(sc_utf16(a, s, SC_UTF16_LE, &w, &off), 0);
	cr_assert_eq(w.n, 3);
	cr_assert_eq(w.v[1].kind, SC_PART_ANY);
	sc_sstr_canon(w, &c);
	cr_assert_eq(c.len, 5);
	cr_assert(memcmp(c.data, "a\0*b\0", 5) == 0);
	sc_buf_done(&c);
	sc_arena_free(a);
}

static int windash(const char *in, struct sc_sstr *out, size_t max, struct sc_arena *a)
{
	struct sc_sstr s = sc_sstr_parse(a, (const uint8_t *)in, strlen(in));

	return sc_windash(a, s, out, max);
}

static const char *plain(struct sc_sstr s)
{
	static char out[256];
	struct sc_buf b = SC_BUF_INIT;

	sc_sstr_canon(s, &b);
	snprintf(out, sizeof(out), "%.*s", (int)b.len, b.data ? b.data : "");
	sc_buf_done(&b);
	return out;
}

Test(encode, windash_positions_follow_python_word_boundaries)
{
	struct sc_arena *a = sc_arena_new();
	struct sc_sstr v[256];

	/* Python: re.finditer(r'\B[-/]\b', ' -foo --bar -x ') -> 1, 7, 12 */
	cr_assert_eq(windash(" -foo --bar -x ", v, 256, a), 125);
	cr_assert_str_eq(plain(v[0]), " -foo --bar -x ");
	cr_assert_str_eq(plain(v[1]), " -foo --bar /x ");
	cr_assert_str_eq(plain(v[5]), " -foo -/bar -x ");
	cr_assert_str_eq(plain(v[25]), " /foo --bar -x ");
	cr_assert_str_eq(plain(v[124]), " \xe2\x80\x95" "foo -\xe2\x80\x95" "bar \xe2\x80\x95" "x ");
	cr_assert_eq(windash("a-b", v, 256, a), 1);
	cr_assert_eq(windash("x-", v, 256, a), 1);
	cr_assert_eq(windash("-x", v, 256, a), 5);
	cr_assert_eq(windash(" -\xc3\xa4", v, 256, a), 5); /* a non-ASCII letter is \w */
	cr_assert_eq(windash(" -_", v, 256, a), 5);
	sc_arena_free(a);
}

Test(encode, windash_two_dashes_order)
{
	struct sc_arena *a = sc_arena_new();
	struct sc_sstr v[32];
	static const char *const want[] = {"-a -b", "-a /b", "-a \xe2\x80\x93" "b",
					   "-a \xe2\x80\x94" "b", "-a \xe2\x80\x95" "b", "/a -b"};
	int i;

	cr_assert_eq(windash("-a -b", v, 32, a), 25);
	for (i = 0; i < 6; i++)
		cr_assert_str_eq(plain(v[i]), want[i]);
	sc_arena_free(a);
}

Test(encode, windash_limit)
{
	struct sc_arena *a = sc_arena_new();
	struct sc_sstr v[4];

	cr_assert_eq(windash("-a -b", v, 4, a), -E2BIG);
	sc_arena_free(a);
}

static int cidr(const char *s, struct sc_cidr *c, const char **why)
{
	return sc_cidr_parse(s, strlen(s), c, why);
}

static const char *cidr_str(const char *s)
{
	static char out[128];
	struct sc_buf b = SC_BUF_INIT;
	struct sc_cidr c;
	const char *why;

	if (cidr(s, &c, &why) < 0)
		return "ERR";
	sc_cidr_format(&c, &b);
	snprintf(out, sizeof(out), "%s", b.data);
	sc_buf_done(&b);
	return out;
}

Test(encode, cidr_valid_networks_like_python)
{
	cr_assert_str_eq(cidr_str("10.0.0.0/8"), "10.0.0.0/8");
	cr_assert_str_eq(cidr_str("192.168.1.7"), "192.168.1.7/32");
	cr_assert_str_eq(cidr_str("0.0.0.0/0"), "0.0.0.0/0");
	cr_assert_str_eq(cidr_str("10.0.0.0/255.0.0.0"), "10.0.0.0/8");
	cr_assert_str_eq(cidr_str("10.0.0.0/0.255.255.255"), "10.0.0.0/8");
	cr_assert_str_eq(cidr_str("fe80::/10"), "fe80::/10");
	cr_assert_str_eq(cidr_str("::1"), "::1/128");
	cr_assert_str_eq(cidr_str("::"), "::/128");
	cr_assert_str_eq(cidr_str("2001:DB8:0:0:0:0:0:0/32"), "2001:db8::/32");
	cr_assert_str_eq(cidr_str("::ffff:10.1.2.3"), "::ffff:a01:203/128");
	cr_assert_str_eq(cidr_str("1:0:0:1:0:0:0:1"), "1:0:0:1::1/128");
	cr_assert_str_eq(cidr_str("1:0:0:1:1:0:0:1"), "1::1:1:0:0:1/128");
}

Test(encode, cidr_rejects_like_python_strict)
{
	struct sc_cidr c;
	const char *why;

	cr_assert_eq(cidr("10.0.0.1/8", &c, &why), -EDOM);
	cr_assert_eq(cidr("fe80::1/10", &c, &why), -EDOM);
	cr_assert_eq(cidr("10.0.0/8", &c, &why), -EINVAL);
	cr_assert_eq(cidr("10.0.0.256", &c, &why), -EINVAL);
	cr_assert_eq(cidr("010.0.0.0/8", &c, &why), -EINVAL);
	cr_assert_eq(cidr("10.0.0.0/33", &c, &why), -EINVAL);
	cr_assert_eq(cidr("10.0.0.0/", &c, &why), -EINVAL);
	cr_assert_eq(cidr("10.0.0.0/255.0.255.0", &c, &why), -EINVAL);
	cr_assert_eq(cidr("1::2::3", &c, &why), -EINVAL);
	cr_assert_eq(cidr("1:2:3:4:5:6:7:8:9", &c, &why), -EINVAL);
	cr_assert_eq(cidr("12345::", &c, &why), -EINVAL);
	cr_assert_eq(cidr("::/129", &c, &why), -EINVAL);
	cr_assert_eq(cidr("fe80::/ff00::", &c, &why), -EINVAL);
	cr_assert_eq(cidr("", &c, &why), -EINVAL);
	cr_assert_eq(cidr("localhost", &c, &why), -EINVAL);
}

Test(encode, sstr_escapes_follow_the_spec)
{
	struct sc_arena *a = sc_arena_new();
	struct sc_sstr s;

	/* \* and \? are literal; \\ is one backslash; \x stays "\x". */
	s = sc_sstr_parse(a, (const uint8_t *)"a\\*b\\?c", 7);
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.v[0].n, 5);
	cr_assert(memcmp(s.v[0].s, "a*b?c", 5) == 0);
	s = sc_sstr_parse(a, (const uint8_t *)"C:\\Windows\\x", 12);
	cr_assert_eq(s.n, 1);
	cr_assert(memcmp(s.v[0].s, "C:\\Windows\\x", 12) == 0);
	/* \\* : a literal backslash, then the wildcard. */
	s = sc_sstr_parse(a, (const uint8_t *)"a\\\\*", 4);
	cr_assert_eq(s.n, 2);
	cr_assert_eq(s.v[0].n, 2);
	cr_assert_eq(s.v[1].kind, SC_PART_ANY);
	/* \\\* : a literal backslash and a literal star. */
	s = sc_sstr_parse(a, (const uint8_t *)"\\\\\\*", 4);
	cr_assert_eq(s.n, 1);
	cr_assert(memcmp(s.v[0].s, "\\*", 2) == 0);
	/* A trailing backslash is kept. */
	s = sc_sstr_parse(a, (const uint8_t *)"ab\\", 3);
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.v[0].n, 3);
	/* ? is a wildcard, even in URLs. */
	s = sc_sstr_parse(a, (const uint8_t *)"/x.php?op=", 10);
	cr_assert_eq(s.n, 3);
	cr_assert_eq(s.v[1].kind, SC_PART_ONE);
	sc_arena_free(a);
}
