// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of the |re regex parser and classifier (compiler/regex.h):
 * acceptance and rejection as Python 3.11's re module decides (errors with
 * Python's message and position, as a byte offset), the classification of
 * patterns from the SigmaHQ corpus, and a differential check of class
 * closure against sc_ucd_fold_class(). test-regex-ast.c has the AST of each
 * construct; re_fixtures.h the helpers.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "re_fixtures.h"
#include "regex.h"
#include "utf8.h"

TestSuite(regex, .init = re_setup, .fini = re_teardown);

/* ---- classification of real patterns ---- */

Test(regex, sigmahq_corpus)
{
	static const struct {
		const char *pat;
		enum sc_re_class cls;
		const char *features;
	} t[] = {
		{"https?://(?:(?:25[0-5]|(?:2[0-4]|1\\d|[1-9])?\\d)(?:\\.|\\b)){4}", SC_RE_REWRITE,
		 "word-boundary"},
		{"(?i)&&set.*(\\{\\d\\}){2,}\\\\\"\\s+?-f.*&&.*cmd.*/c", SC_RE_REWRITE,
		 "inline-flags,lazy"},
		{"cmd.{0,5}(?:/c|/r)(?:\\s|)\\\"set\\s[a-zA-Z]{3,6}.*(?:\\{\\d\\}){1,}\\\\\\\"\\s+?"
		 "\\-f(?:.*\\)){1,}.*\\\"",
		 SC_RE_REWRITE, "lazy"},
		{"[Rr][Uu][Nn][Dd][Ll][Ll]32(?:\\.[Ee][Xx][Ee])? \\S+?\\w:\\S+?:", SC_RE_REWRITE,
		 "lazy"},
		{"(?:[Pp]rogram[Dd]ata|%(?:[Ll]ocal)?[Aa]pp[Dd]ata%|\\\\[Aa]pp[Dd]ata\\\\(?:[Ll]ocal"
		 "(?:[Ll]ow)?|[Rr]oaming))\\\\[^\\\\]{1,256}$",
		 SC_RE_REWRITE, "large-count"},
		{"(^[a-zA-Z]{4}$)|(^[a-zA-Z]{8}$)|(^[a-zA-Z]{16}$)", SC_RE_REWRITE, "inner-anchor"},
		{"(?i)\\.exe[\\\"\\']?\\s+[^\\\"]{0,64}werfaultsecure\\.exe[\\\"\\']?\\s+\\d{2,10}",
		 SC_RE_REWRITE, "inline-flags,large-count"},
		{"\\n\\n\\n\\n\\n\\n", SC_RE_DFA, ""},
		{"(.){200,}", SC_RE_REWRITE, "large-count"},
		{"-k\\s\\w{1,64}(?:\\s?(?:-p|-s))?", SC_RE_REWRITE, "large-count"},
		{"https?://[0-9]{1,3}\\.[0-9]{1,3}\\.0[0-9]{3,4}", SC_RE_DFA, ""},
		{"(^|\\/)\\.[^.\\/]", SC_RE_REWRITE, "inner-anchor"},
		{"(?i)(ipfs\\.io/|ipfs\\.io\\s).+\\..+@.+\\.[a-z]+", SC_RE_REWRITE, "inline-flags"},
		{"\\$\\{`?e`?n`?v`?:`?p`?a`?t`?h`?\\}", SC_RE_DFA, ""},
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		expect_class(t[i].pat, 0, t[i].cls, t[i].features);
}

Test(regex, unsupported_constructs)
{
	static const struct {
		const char *pat;
		const char *features;
	} t[] = {
		{"(?=a)", "lookaround"},
		{"(?<!b)c", "lookaround"},
		{"(a)\\1", "backreference"},
		{"(?P<x>a)(?P=x)", "backreference"},
		{"(?>a)", "atomic-group"},
		{"a*+", "possessive"},
		{"a{2,3}+", "possessive"},
		{"(a)?(?(1)b|c)", "conditional"},
		{"a{2000}", "large-count,huge-count"},
		{"\\N{EM DASH}", "named-char"},
		{"(?i)(?=a)b*?", "inline-flags,lazy,lookaround"},
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		expect_class(t[i].pat, 0, SC_RE_UNSUPPORTED, t[i].features);
}

Test(regex, rewrite_triggers)
{
	expect_class("a*?", 0, SC_RE_REWRITE, "lazy");
	expect_class("a??b+?c{1,2}?", 0, SC_RE_REWRITE, "lazy");
	expect_class("\\bword\\B", 0, SC_RE_REWRITE, "word-boundary");
	expect_class("\\Aa\\Z", 0, SC_RE_REWRITE, "text-anchor");
	expect_class("(?s:a.)", 0, SC_RE_REWRITE, "inline-flags");
	expect_class("(?-i:a)", 0, SC_RE_REWRITE, "inline-flags");
	expect_class("(?u)a", 0, SC_RE_REWRITE, "inline-flags");
	expect_class("abc", SC_RE_FLAG_I, SC_RE_REWRITE, "modifier-flags");
	expect_class("abc", SC_RE_FLAG_M | SC_RE_FLAG_S, SC_RE_REWRITE, "modifier-flags");
	expect_class("a{50}", 0, SC_RE_DFA, "");
	expect_class("a{0,51}", 0, SC_RE_REWRITE, "large-count");
	expect_class("a{1000}", 0, SC_RE_REWRITE, "large-count");
	expect_class("a{1001,}", 0, SC_RE_UNSUPPORTED, "large-count,huge-count");
	expect_class("a{4294967294}", 0, SC_RE_UNSUPPORTED, "large-count,huge-count");
}

Test(regex, anchors_inner_or_not)
{
	expect_class("^abc$", 0, SC_RE_DFA, "");
	expect_class("^", 0, SC_RE_DFA, "");
	expect_class("$", 0, SC_RE_DFA, "");
	expect_class("^$", 0, SC_RE_DFA, "");
	expect_class("(?#c)^a$(?#d)", 0, SC_RE_DFA, "");
	expect_class("$^", 0, SC_RE_REWRITE, "inner-anchor");
	expect_class("a^", 0, SC_RE_REWRITE, "inner-anchor");
	expect_class("$a", 0, SC_RE_REWRITE, "inner-anchor");
	expect_class("^^a", 0, SC_RE_REWRITE, "inner-anchor");
	expect_class("(^a|b)", 0, SC_RE_REWRITE, "inner-anchor");
	expect_class("^a|b", 0, SC_RE_REWRITE, "inner-anchor");
	expect_class("(^[a-z]{4}$)|(^x$)", 0, SC_RE_REWRITE, "inner-anchor");
	expect_class("(?:^a)", 0, SC_RE_REWRITE, "inner-anchor");
}

Test(regex, features_informational)
{
	struct sc_re *re = parse_ok("(a|[bc])\\d{2}");

	cr_expect(re->features & SC_RE_F_GROUP);
	cr_expect(re->features & SC_RE_F_ALTERNATION);
	cr_expect(re->features & SC_RE_F_CLASS);
	cr_expect(re->features & SC_RE_F_COUNTED);
	cr_expect_eq(re->cls, SC_RE_DFA);
	cr_expect_eq(re->ngroups, 1);
	re = parse_ok("abc");
	cr_expect_eq(re->features, 0);
}

/* ---- errors: Python's message and position ---- */

Test(regex, python_errors)
{
	static const struct {
		const char *pat;
		uint32_t offset;
		const char *msg;
	} t[] = {
		{"(", 0, "missing ), unterminated subpattern"},
		{"(a", 0, "missing ), unterminated subpattern"},
		{")", 0, "unbalanced parenthesis"},
		{"a)", 1, "unbalanced parenthesis"},
		{"a**", 2, "multiple repeat"},
		{"a{2}{3}", 4, "multiple repeat"},
		{"*a", 0, "nothing to repeat"},
		{"^*", 1, "nothing to repeat"},
		{"\\b+", 2, "nothing to repeat"},
		{"a|*", 2, "nothing to repeat"},
		{"(*)", 1, "nothing to repeat"},
		{"[z-a]", 1, "bad character range z-a"},
		{"[a-\\d]", 1, "bad character range a-\\d"},
		{"[\\w-z]", 1, "bad character range \\w-z"},
		{"a{3,1}", 2, "min repeat greater than max repeat"},
		{"\\q", 0, "bad escape \\q"},
		{"\\e", 0, "bad escape \\e"},
		{"\\z", 0, "bad escape \\z"},
		{"(?<name>x)", 1, "unknown extension ?<n"},
		{"(?P=nope)", 4, "unknown group name 'nope'"},
		{"\\1", 1, "invalid group reference 1"},
		{"(a)\\2", 4, "invalid group reference 2"},
		{"\\8", 1, "invalid group reference 8"},
		{"(a\\1)", 2, "cannot refer to an open group"},
		{"[a", 0, "unterminated character set"},
		{"[]", 0, "unterminated character set"},
		{"[^]", 0, "unterminated character set"},
		{"(?i", 3, "missing -, : or )"},
		{"a(?i)b", 1, "global flags not at the start of the expression"},
		{"((?i)a)", 1, "global flags not at the start of the expression"},
		{"a|(?i)b", 2, "global flags not at the start of the expression"},
		{"[\\A]", 1, "bad escape \\A"},
		{"[\\B]", 1, "bad escape \\B"},
		{"[\\Z]", 1, "bad escape \\Z"},
		{"[\\8]", 1, "bad escape \\8"},
		{"\\x4", 0, "incomplete escape \\x4"},
		{"\\u12g", 0, "incomplete escape \\u12"},
		{"\\U00110000", 0, "bad escape \\U00110000"},
		{"\\400", 0, "octal escape value \\400 outside of range 0-0o377"},
		{"[\\400]", 1, "octal escape value \\400 outside of range 0-0o377"},
		{"\\", 0, "bad escape (end of pattern)"},
		{"a\\", 1, "bad escape (end of pattern)"},
		{"\\N", 2, "missing {"},
		{"\\N{}", 3, "missing character name"},
		{"\\N{1x}", 0, "undefined character name '1x'"},
		{"\\N{EM DASH", 3, "missing }, unterminated name"},
		{"(?#abc", 0, "missing ), unterminated comment"},
		{"(?P<1>x)", 4, "bad character in group name '1'"},
		{"(?P<a>x)(?P<a>y)", 12, "redefinition of group name 'a' as group 2; was group 1"},
		{"(?L)a", 3, "bad inline flags: cannot use 'L' flag with a str pattern"},
		{"(?au)", 4, "bad inline flags: flags 'a', 'u' and 'L' are incompatible"},
		{"(?i-i:a)", 5, "bad inline flags: flag turned on and off"},
		{"(?-a:a)", 4, "bad inline flags: cannot turn off flags 'a', 'u' and 'L'"},
		{"(?t:a)", 3, "bad inline flags: cannot turn on global flag"},
		{"(?q)", 1, "unknown extension ?q"},
		{"(?i-)", 4, "missing flag"},
		{"(?(1)a|b|c)", 8, "conditional backref with more than two branches"},
		{"(?(2)a)(b)", 3, "invalid group reference 2"},
		{"(?(0)a)", 3, "bad group number"},
		{"(?(x)a)", 3, "unknown group name 'x'"},
		{"(?P", 3, "unexpected end of pattern"},
		{"(?Px)", 1, "unknown extension ?Px"},
		{"(?", 2, "unexpected end of pattern"},
		{"(?<", 3, "unexpected end of pattern"},
		{"(?<=(a)\\1)", 9,
		 "cannot refer to group defined in the same lookbehind subpattern"},
		{"(?x)a)", 5, "unbalanced parenthesis"},
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		expect_error(t[i].pat, 0, t[i].offset, t[i].msg);
}

/* Errors Python raises without a position: ours point at the construct. */
Test(regex, compile_time_errors)
{
	expect_error("a{4294967295}", 0, 1, "the repetition number is too large");
	expect_error("a{0,99999999999999999999}", 0, 1, "the repetition number is too large");
	expect_error("(?<=a*)", 0, 0, "look-behind requires fixed-width pattern");
	expect_error("x(?<=a|bc)", 0, 1, "look-behind requires fixed-width pattern");
	expect_error("(?a)(?u)a", 0, 0, "ASCII and UNICODE flags are incompatible");
	expect_error("(?u)a", SC_RE_FLAG_A, 0, "ASCII and UNICODE flags are incompatible");
	expect_error("(?t)ab*", 0, 6, "internal: unsupported template operator MAX_REPEAT");
	parse_ok("(?t)ab");
	parse_ok("(?<=ab|cd)");
	parse_ok("(?<=a{3})(?<!(?:ab){2})");
	parse_ok("(a)(?<=\\1)");
}

Test(regex, byte_offsets_and_utf8)
{
	struct sc_re_error err;
	struct sc_re *re;

	expect_error("\xc3\xa9)", 0, 2, "unbalanced parenthesis");
	expect_error("\xc3\xa9\\q", 0, 2, "bad escape \\q");
	expect_error("\xe2\x82\xac[z-a]", 0, 4, "bad character range z-a");
	expect_error("ab\xff", 0, 2, "pattern is not valid UTF-8");
	expect_error("a\xc3", 0, 1, "pattern is not valid UTF-8");
	expect_error("\xed\xa0\x80", 0, 0, "pattern is not valid UTF-8"); /* surrogate */
	/* Not NUL-terminated: only len bytes count. */
	cr_expect_eq(sc_re_parse(re_arena, "ab)", 2, 0, &re, &err), 0);
	/* NUL is an ordinary character. */
	cr_expect_eq(sc_re_parse(re_arena, "a\0b", 3, 0, &re, &err), 0);
	cr_expect_eq(re->root->nkids, 3);
	cr_expect_eq(re->root->kids[1]->cp, 0);
	re = parse_ok("\xc3\xa9\\d");
	cr_expect_eq(re->root->kids[1]->offset, 2);
}

Test(regex, depth_limit)
{
	char pat[512];
	int i, n = 0;

	for (i = 0; i < SC_RE_MAX_DEPTH; i++)
		pat[n++] = '(';
	pat[n++] = 'a';
	for (i = 0; i < SC_RE_MAX_DEPTH; i++)
		pat[n++] = ')';
	pat[n] = '\0';
	cr_expect_eq(parse_ok(pat)->ngroups, SC_RE_MAX_DEPTH);
	n = 0;
	for (i = 0; i <= SC_RE_MAX_DEPTH; i++)
		pat[n++] = '(';
	for (i = 0; i <= SC_RE_MAX_DEPTH; i++)
		pat[n++] = ')';
	pat[n] = '\0';
	expect_error(pat, 0, SC_RE_MAX_DEPTH, "groups nested more than 100 deep (sigmac-c limit)");
	/* Every kind of group counts. */
	n = 0;
	for (i = 0; i <= SC_RE_MAX_DEPTH; i++)
		n += sprintf(pat + n, "%s", i % 2 ? "(?:" : "(?=");
	for (i = 0; i <= SC_RE_MAX_DEPTH; i++)
		pat[n++] = ')';
	pat[n] = '\0';
	expect_error(pat, 0, 3 * SC_RE_MAX_DEPTH,
		     "groups nested more than 100 deep (sigmac-c limit)");
}

Test(regex, python_verdicts)
{
	static const struct {
		const char *pat;
		int offset;
		const char *msg;
	} t[] = {
		{"wP$9_3b", -1, NULL},
		{"\\b|", -1, NULL},
		{"tw3iZ=,", -1, NULL},
		{"9\\]{b]", -1, NULL},
		{"-7", -1, NULL},
		{"[]*?]", -1, NULL},
		{"dxB", -1, NULL},
		{"\\u00e9LP<", -1, NULL},
		{"", -1, NULL},
		{"312.>PN\nK|s-P", -1, NULL},
		{"[9\\d]", -1, NULL},
		{"(?<=(a)\\&&1)", -1, NULL},
		{"bk^$$#m{Pm{", -1, NULL},
		{"(?t)\\b\\u00e9", -1, NULL},
		{"=k2Zu7=1{sa.A1", -1, NULL},
		{" s\\:", -1, NULL},
		{"a{,3}\\-", -1, NULL},
		{"9}dB  .\\_", -1, NULL},
		{"(\\[q)", -1, NULL},
		{"xbk3w7ZNA\nbd,", -1, NULL},
		{"0>_?{.=  ", -1, NULL},
		{"(a)", -1, NULL},
		{"1#s\n+!,w\n", -1, NULL},
		{"kU0011000", -1, NULL},
		{"<", -1, NULL},
		{"(a)(\\b)(c)(d)(e)(f)(g)(h)(i)(j)\\10", -1, NULL},
		{"()1!\\[", -1, NULL},
		{"^2", -1, NULL},
		{",*_", -1, NULL},
		{"w2^\n33]_$", -1, NULL},
		{"b~~", -1, NULL},
		{"Z|A0B", -1, NULL},
		{"xa2]a3+", -1, NULL},
		{"NkZ#{sx", -1, NULL},
		{"{] +axK>+<,$u", -1, NULL},
		{"#++$P<!|3,+{", -1, NULL},
		{"a{2?", -1, NULL},
		{"[B]", -1, NULL},
		{"^:-\n$a^", -1, NULL},
		{"(?-i:^|\\/)\\.[^./]", -1, NULL},
		{"(?a)1", -1, NULL},
		{"-N?xb", -1, NULL},
		{"3P>iw", -1, NULL},
		{"[(?u)z?]", -1, NULL},
		{"\\n\\n\\n\\n\\n\\>", -1, NULL},
		{"|t\\,1$di+}\xc3"
		 "\xa9"
		 "k ",
		 -1, NULL},
		{"^,?1a$>ku*-!", -1, NULL},
		{"a{31}", -1, NULL},
		{"(^\\/)\\.[^.\\/]", -1, NULL},
		{"(?:)", -1, NULL},
		{"9a{8^kB_.", -1, NULL},
		{"\\{1", -1, NULL},
		{"NN", -1, NULL},
		{"i_8", -1, NULL},
		{"\\]*", -1, NULL},
		{"(P<>x)", -1, NULL},
		{"2P", -1, NULL},
		{"\\Zi", -1, NULL},
		{"_ ", -1, NULL},
		{"\xc3"
		 "\xa9"
		 "{,",
		 -1, NULL},
		{"(?<abc)", 1, "unknown extension ?<a"},
		{"(?u:c", 0, "missing ), unterminated subpattern"},
		{"\\wu[", 3, "unterminated character set"},
		{"+#8B*_a}-a3,", 0, "nothing to repeat"},
		{"(?<=a(?(1)b?c)", 10, "cannot refer to an open group"},
		{"(?-i:*+{3,1}9(?\?\?", 5, "nothing to repeat"},
		{"(?<b)c", 1, "unknown extension ?<b"},
		{"a39(?|NB^N|0s", 4, "unknown extension ?|"},
		{"(?a)(?u$)", 7, "missing -, : or )"},
		{"(?[-", 1, "unknown extension ?["},
		{"(?#(?=nop(?(1)e=)", 16, "unbalanced parenthesis"},
		{"3x[!N N11*-_", 2, "unterminated character set"},
		{"(?(?-x:-:?\?a", 3, "missing ), unterminated name"},
		{"\\x41(?", 6, "unexpected end of pattern"},
		{"9(?-i:aL\\x4*?i(?P<a>", 8, "incomplete escape \\x4"},
		{"\\B\\w\\]{,2}\\[(?a:(?a:b(?", 23, "unexpected end of pattern"},
		{"{(?!", 1, "missing ), unterminated subpattern"},
		{"c\\U0001F600(?x)\\x4\\x41\\-", 11,
		 "global flags not at the start of the expression"},
		{"\\w(?=(?<={,}-(?>i\\B\\8\\d", 9, "nothing to repeat"},
		{"a)\\10", 1, "unbalanced parenthesis"},
		{"a{3,1}c(?<!", 2, "min repeat greater than max repeat"},
		{"P(?x)", 1, "global flags not at the start of the expression"},
		{"*?(?P=b)(?!{,}(?u)", 0, "nothing to repeat"},
		{"?]+b!x.", 0, "nothing to repeat"},
		{"(a|b*?+", 6, "multiple repeat"},
		{"=*?{1,3})\xc3"
		 "\xa9"
		 ".(?!\\s(?L)",
		 3, "multiple repeat"},
		{"_xi(2Pi-B|ai w", 3, "missing ), unterminated subpattern"},
		{"(?<nam{1,3}e>x", 1, "unknown extension ?<n"},
		{"|a+\\1", 4, "invalid group reference 1"},
		{"\\Z\\0\\10(?(1)<\\8", 5, "invalid group reference 10"},
		{"\\S)9\\W(?P<b>\\i\xc3"
		 "\xa9"
		 "?\?",
		 2, "unbalanced parenthesis"},
		{"(", 0, "missing ), unterminated subpattern"},
		{"(?i-i(?i)a)", 5, "missing :"},
		{"( a1B8w-", 0, "missing ), unterminated subpattern"},
		{"(?-a:\\10", 4, "bad inline flags: cannot turn off flags 'a', 'u' and 'L'"},
		{"\\\\[{K{,}\\Z(?i)\\W~~", 8, "bad escape \\Z"},
		{"a*(?-x:", 2, "missing ), unterminated subpattern"},
		{"(^(?(1)!(?i))+", 8, "global flags not at the start of the expression"},
		{"#![=\\\xc3"
		 "\xa9"
		 "",
		 2, "unterminated character set"},
		{"\\D\\A\\B(?P=b){3,1}K(?u:(?-i:\\d{2,}$(?s)", 10, "unknown group name 'b'"},
		{"9:!>i**", 6, "multiple repeat"},
		{"P>x(]B", 3, "missing ), unterminated subpattern"},
		{"1{3,1}", 2, "min repeat greater than max repeat"},
		{"=a(?(?(a)=++1))", 5, "bad character in group name '?(a'"},
		{"(?-x:{3,1}", 6, "min repeat greater than max repeat"},
		{"(?||1_*?)c", 1, "unknown extension ?|"},
		{"?xB{0<-as+x", 0, "nothing to repeat"},
		{":1?(K78 [", 8, "unterminated character set"},
		{"(?-t:+(?!", 4, "bad inline flags: cannot turn off global flag"},
		{"(?P<ax)?(a)$b)", 4, "missing >, unterminated name"},
		{"\\x++1*?\\u0041\\U000000*\\D", 0, "incomplete escape \\x"},
		{",:)wP1B", 2, "unbalanced parenthesis"},
		{"(?L)-", 3, "bad inline flags: cannot use 'L' flag with a str pattern"},
		{"(?!{,}(?<=", 3, "nothing to repeat"},
		{"k_Zw*b]i0|P[,", 11, "unterminated character set"},
		{"\\2", 1, "invalid group reference 2"},
		{"(?<=a(?(1cb|c))", 8, "bad character in group name '1cb|c'"},
		{"(?>(?-i:(?x)\\w", 8, "global flags not at the start of the expression"},
		{"0,(s*B", 2, "missing ), unterminated subpattern"},
		{"(?P=\\.nope<", 4, "missing ), unterminated name"},
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (t[i].offset < 0)
			parse_ok(t[i].pat);
		else
			expect_error(t[i].pat, 0, (uint32_t)t[i].offset, t[i].msg);
	}
}

/*
 * Differential check: under IGNORECASE, the class of one code point is
 * exactly the sc_ucd_fold_class() of that code point.
 */
Test(regex, closure_matches_fold_class)
{
	static const uint32_t extra[] = {0x1E9E, 0x212A, 0x2126, 0x10400, 0x1E900, 0x10FFFF};
	uint32_t cp, want[32];
	size_t i, nwant, ncheck = 0;

	for (cp = 0; cp < 0x3000 + sizeof(extra) / sizeof(extra[0]); cp++) {
		uint32_t c = cp < 0x3000 ? cp : extra[cp - 0x3000];
		const struct sc_re_node *n;
		uint32_t total = 0, j;
		char pat[32];

		if (c >= 0xD800 && c <= 0xDFFF)
			continue;
		snprintf(pat, sizeof(pat), "(?i)[\\U%08x]", c);
		n = class_of(pat, 0);
		nwant = sc_ucd_fold_class(c, want, 32);
		for (i = 0; i < nwant; i++)
			cr_assert(class_has(n, want[i]), "U+%04X: missing U+%04X", c, want[i]);
		for (j = 0; j < n->nranges; j++)
			total += n->ranges[j].hi - n->ranges[j].lo + 1;
		cr_assert_eq(total, nwant, "U+%04X: %u members, fold class has %zu", c, total,
			     nwant);
		ncheck++;
		if (cp % 256 == 255) {
			sc_arena_free(re_arena);
			re_arena = sc_arena_new();
		}
	}
	cr_expect_gt(ncheck, 10000);
}
