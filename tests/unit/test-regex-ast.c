// SPDX-License-Identifier: Apache-2.0
/*
 * Unit tests of the |re regex parser (compiler/regex.h): the AST of every
 * construct through sc_re_dump(), character classes and their case
 * closure, inline flags, groups and the other constructs (test-regex.c has
 * the classification and Python's errors).
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

/* ---- the AST of each construct ---- */

Test(regex, dump_literals_and_escapes)
{
	expect_dump("", 0, "(empty)");
	expect_dump("a", 0, "'a'");
	expect_dump("a+[0-9]", 0, "(cat (rep 1 inf greedy 'a') (class 48-57))");
	expect_dump("\\n\\t\\r\\f\\v\\a", 0, "(cat 10 9 13 12 11 7)");
	expect_dump("\\x41\\u00e9\\U0001F600", 0, "(cat 'A' 233 128512)");
	expect_dump("\\0\\012\\101\\08", 0, "(cat 0 10 'A' 0 '8')");
	expect_dump("\\.\\*\\\\\\'\\-\\ ", 0, "(cat '.' '*' 92 39 '-' ' ')");
	expect_dump("\\\xc3\xa9", 0, "233");
	expect_dump("\\ud800", 0, "55296");
	expect_dump("}]", 0, "(cat '}' ']')");
}

Test(regex, dump_quantifiers)
{
	expect_dump("a*b+c?", 0,
		    "(cat (rep 0 inf greedy 'a') (rep 1 inf greedy 'b') (rep 0 1 greedy 'c'))");
	expect_dump("a{3}b{2,}c{,4}d{1,5}", 0,
		    "(cat (rep 3 3 greedy 'a') (rep 2 inf greedy 'b') (rep 0 4 greedy 'c') "
		    "(rep 1 5 greedy 'd'))");
	expect_dump("a*?b{2}?", 0, "(cat (rep 0 inf lazy 'a') (rep 2 2 lazy 'b'))");
	expect_dump("a++", 0, "(atomic (rep 1 inf greedy 'a'))");
	expect_dump("a{,}", 0, "(rep 0 inf greedy 'a')");
	expect_dump("a{00003}", 0, "(rep 3 3 greedy 'a')");
	/* '{' that starts no quantifier is a literal. */
	expect_dump("a{", 0, "(cat 'a' '{')");
	expect_dump("a{}", 0, "(cat 'a' '{' '}')");
	expect_dump("a{1", 0, "(cat 'a' '{' '1')");
	expect_dump("a{1,x}", 0, "(cat 'a' '{' '1' ',' 'x' '}')");
	expect_dump("{a}", 0, "(cat '{' 'a' '}')");
	expect_error("{1}", 0, 0, "nothing to repeat");
	expect_dump("a{ 1}", 0, "(cat 'a' '{' ' ' '1' '}')");
	/* A comment between item and quantifier is transparent, as in Python. */
	expect_dump("a(?#x)*", 0, "(rep 0 inf greedy 'a')");
	expect_dump("(?=a)*", 0, "(rep 0 inf greedy (look ahead pos 'a'))");
}

Test(regex, dump_groups)
{
	struct sc_re *re;

	expect_dump("(a)(?:b)(?P<n>c)", 0, "(cat (capture 1 'a') (group 'b') (capture 2 <n> 'c'))");
	expect_dump("()", 0, "(capture 1 (empty))");
	expect_dump("a|", 0, "(alt 'a' (empty))");
	expect_dump("|", 0, "(alt (empty) (empty))");
	expect_dump("ab|cd|e", 0, "(alt (cat 'a' 'b') (cat 'c' 'd') 'e')");
	expect_dump("a(?#comment)b", 0, "(cat 'a' 'b')");
	expect_dump("(?#only)", 0, "(empty)");
	expect_dump("(?=a)(?!b)(?<=c)(?<!d)", 0,
		    "(cat (look ahead pos 'a') (look ahead neg 'b') (look behind pos 'c') "
		    "(look behind neg 'd'))");
	expect_dump("(?>ab)", 0, "(atomic (cat 'a' 'b'))");
	expect_dump("(a)(?(1)b|c)(?(1)d)", 0,
		    "(cat (capture 1 'a') (cond 1 'b' 'c') (cond 1 'd' (empty)))");
	expect_dump("(?P<x>a)(?(x)b)(?P=x)\\1", 0,
		    "(cat (capture 1 <x> 'a') (cond 1 'b' (empty)) (backref 1) (backref 1))");
	/* Conditionals may name a group defined later. */
	expect_dump("(?(2)a)(b)(c)", 0,
		    "(cat (cond 2 'a' (empty)) (capture 1 'b') (capture 2 'c'))");
	re = parse_ok("(a)(b(c))(?:d)");
	cr_expect_eq(re->ngroups, 3);
	cr_expect_eq(re->root->kids[1]->kids[0]->kids[1]->min, 3);
	cr_expect_str_eq(parse_ok("(?P<grp>a)")->root->name, "grp");
}

Test(regex, dump_anchors_and_dot)
{
	expect_dump("^.$", 0, "(cat (bol) (any) (eol))");
	expect_dump("^.$", SC_RE_FLAG_M | SC_RE_FLAG_S,
		    "(cat (bol multiline) (any dotall) (eol multiline))");
	expect_dump("(?m)^(?s:.)(?-m:$)", 0,
		    "(cat (bol multiline) (group (any dotall)) (group (eol)))");
	expect_dump("\\A\\b\\B\\Z", 0, "(cat (bot) (wordb) (nwordb) (eot))");
	expect_dump("(?a)\\b(?u:\\B)", 0, "(cat (wordb ascii) (group (nwordb)))");
}

Test(regex, dump_named_char)
{
	struct sc_re *re = parse_ok("\\N{EM DASH}");

	cr_expect_eq(re->root->op, SC_RE_CHAR);
	cr_expect_eq(re->root->cp, 0xFFFD);
	cr_expect_str_eq(re->root->name, "EM DASH");
	expect_dump("\\N{EM DASH}", 0, "(named {EM DASH})");
	expect_dump("[\\N{EM DASH}a]", 0, "(class 97 65533)");
	expect_class("[\\N{latin small letter a}]", 0, SC_RE_UNSUPPORTED, "named-char");
}

/* ---- character classes ---- */

Test(regex, class_basics)
{
	expect_dump("[abc]", 0, "(class 97-99)");
	expect_dump("[a-cx]", 0, "(class 97-99 120)");
	expect_dump("[]a]", 0, "(class 93 97)");
	expect_dump("[^]a]", 0, "(class 0-92 94-96 98-1114111)");
	expect_dump("[a-]", 0, "(class 45 97)");
	expect_dump("[-a]", 0, "(class 45 97)");
	expect_dump("[a-a]", 0, "(class 97)");
	expect_dump("[\\]\\-\\^]", 0, "(class 45 93-94)");
	expect_dump("[\\b]", 0, "(class 8)");
	expect_dump("[\\x41-\\x43\\101]", 0, "(class 65-67)");
	expect_dump("[.*+?(){}|$^]", 0, "(class 36 40-43 46 63 94 123-125)");
	expect_dump("[\\d]", SC_RE_FLAG_A, "(class 48-57)");
}

Test(regex, class_set_operation_warnings_accepted)
{
	expect_dump("[[a]", 0, "(class 91 97)");
	expect_dump("[%--]", 0, "(class 37-45)");
	expect_dump("[a-z--]", 0, "(class 45 97-122)");
	expect_error("[a--b]", 0, 1, "bad character range a--");
	expect_dump("[a&&b]", 0, "(class 38 97-98)");
	expect_dump("[a||b]", 0, "(class 97-98 124)");
	expect_dump("[a~~b]", 0, "(class 97-98 126)");
	expect_dump("[---]", 0, "(class 45)");
}

Test(regex, class_negation)
{
	const struct sc_re_node *n = class_of("[^a]", 0);

	cr_expect_eq(n->nranges, 2);
	cr_expect(class_has(n, 0));
	cr_expect(!class_has(n, 'a'));
	cr_expect(class_has(n, 0x10FFFF));
	cr_expect(class_has(n, 0xD800)); /* the complement includes surrogates */
	n = class_of("[^\\x00-\\U0010ffff]", 0);
	cr_expect_eq(n->nranges, 0);
	expect_dump("[^\\x00-\\U0010ffff]", 0, "(class)");
	n = class_of("[^\\W]", 0);
	cr_expect(class_has(n, 'a'));
	cr_expect(!class_has(n, ' '));
	n = class_of("\\D", 0);
	cr_expect(!class_has(n, '5'));
	cr_expect(!class_has(n, 0x660));
	cr_expect(class_has(n, 'x'));
}

Test(regex, shorthand_unicode_and_ascii)
{
	const struct sc_re_node *n = class_of("\\d", 0);

	cr_expect(class_has(n, '7'));
	cr_expect(class_has(n, 0x660)); /* ARABIC-INDIC DIGIT ZERO */
	n = class_of("\\w", 0);
	cr_expect(class_has(n, '_'));
	cr_expect(class_has(n, 0xE9));
	cr_expect(!class_has(n, '-'));
	n = class_of("\\s", 0);
	cr_expect(class_has(n, 0x3000));
	cr_expect(class_has(n, 0x1C));
	n = class_of("(?a)\\d", 0);
	cr_expect(!class_has(n, 0x660));
	expect_dump("(?a)\\w", 0, "(class 48-57 65-90 95 97-122)");
	expect_dump("\\s", SC_RE_FLAG_A, "(class 9-13 32)");
	expect_dump("(?a:\\S)", 0, "(group (class 0-8 14-31 33-1114111))");
	expect_dump("[\\s\\d]", SC_RE_FLAG_A, "(class 9-13 32 48-57)");
}

Test(regex, case_closure)
{
	const struct sc_re_node *n = class_of("(?i)[k]", 0);

	cr_expect(class_has(n, 'k'));
	cr_expect(class_has(n, 'K'));
	cr_expect(class_has(n, 0x212A)); /* KELVIN SIGN */
	expect_dump("[k]", SC_RE_FLAG_I, "(class 75 107 8490)");
	n = class_of("(?i)[\xcf\x83]", 0); /* σ */
	cr_expect(class_has(n, 0x3C2));	   /* ς */
	cr_expect(class_has(n, 0x3A3));	   /* Σ */
	n = class_of("(?i)[a-z]", 0);
	cr_expect(class_has(n, 'Q'));
	cr_expect(class_has(n, 0x17F));	   /* LATIN SMALL LETTER LONG S */
	n = class_of("(?i)[\xc3\x9f]", 0); /* ß */
	cr_expect(class_has(n, 0x1E9E));
}

Test(regex, case_closure_negated_and_shorthand)
{
	const struct sc_re_node *n = class_of("(?i)[^k]", 0);

	cr_expect(!class_has(n, 'k'));
	cr_expect(!class_has(n, 'K'));
	cr_expect(!class_has(n, 0x212A));
	cr_expect(class_has(n, 'j'));
	/* Python tests \W without folding: no Greek iota although U+0345 folds to it. */
	n = class_of("(?i)\\W", 0);
	cr_expect(!class_has(n, 0x3B9));
	cr_expect(class_has(n, 0x345));
	n = class_of("(?i)[\\Wa]", 0);
	cr_expect(!class_has(n, 0x3B9));
	cr_expect(class_has(n, 'A'));
}

Test(regex, ignorecase_chars)
{
	struct sc_re *re = parse_ok("(?i)\xcf\x83");

	cr_expect_eq(re->root->op, SC_RE_CHAR);
	cr_expect_eq(re->root->cp, 0x3C3);
	cr_expect(re->root->fold);
	cr_expect(re->flags & SC_RE_FLAG_I);
	expect_dump("(?i)a(?-i:b)", 0, "(cat 'a'/i (group 'b'))");
	expect_dump("a(?i:b)", 0, "(cat 'a' (group 'b'/i))");
	expect_dump("a", SC_RE_FLAG_I, "'a'/i");
	expect_dump("(?i)a|b", 0, "(alt 'a'/i 'b'/i)");
	/* IGNORECASE with ASCII: ASCII letters only, no KELVIN SIGN. */
	expect_dump("(?ai)k\xc3\xa9", 0, "(cat (class 75 107) 233)");
	expect_dump("(?ai)[k]", 0, "(class 75 107)");
	expect_dump("(?i)(?a:k)", 0, "(group (class 75 107))");
}

Test(regex, inline_flags)
{
	struct sc_re *re = parse_ok("(?im)(?s)a");

	cr_expect_eq(re->flags, SC_RE_FLAG_I | SC_RE_FLAG_M | SC_RE_FLAG_S);
	cr_expect(re->features & SC_RE_F_INLINE_FLAGS);
	re = parse_flags_ok("a", SC_RE_FLAG_S | 0x100);
	cr_expect_eq(re->flags, SC_RE_FLAG_S);
	parse_ok("(?#c)(?i)a");
	parse_ok("(?x) (?i)a");
	parse_ok("(?i-s:a)(?si-mx:b)(?a:c)(?u:d)(?-x:e)");
	parse_ok("(?a)(?u:\\w)");
	parse_ok("(?u)(?a:\\w)");
	expect_error("(?:)(?i)a", 0, 4, "global flags not at the start of the expression");
	expect_error("(?iq)", 0, 3, "unknown flag");
	expect_error("(?i;)", 0, 3, "missing -, : or )");
	expect_error("(?-)", 0, 3, "missing flag");
	expect_error("(?i-q:a)", 0, 4, "unknown flag");
	expect_error("(?-i", 0, 4, "missing :");
	expect_error("(?-i)", 0, 4, "missing :");
}

Test(regex, verbose_mode)
{
	expect_dump("(?x) a b # comment", 0, "(cat 'a' 'b')");
	expect_dump("(?x)a\\ b", 0, "(cat 'a' ' ' 'b')");
	expect_dump("(?x)[ ]a", 0, "(cat (class 32) 'a')");
	expect_dump("(?x)a # c\n b", 0, "(cat 'a' 'b')");
	expect_dump("(?x)a {2}", 0, "(rep 2 2 greedy 'a')");
	expect_dump("(?x)a{1, 2}", 0, "(cat 'a' '{' '1' ',' '2' '}')");
	expect_dump("(?x: a b ) c", 0, "(cat (group (cat 'a' 'b')) ' ' 'c')");
	expect_dump("(?x)a(?-x: b)", 0, "(cat 'a' (group (cat ' ' 'b')))");
	expect_dump("a b|c d", SC_RE_FLAG_X, "(alt (cat 'a' 'b') (cat 'c' 'd'))");
	/* Inside a comment, \<newline> is one token: the comment goes on. */
	expect_dump("(?x)a#\\\nb\nc", 0, "(cat 'a' 'c')");
}

Test(regex, backrefs_and_octal)
{
	struct sc_re *re;
	char pat[128];
	int i, n = 0;

	expect_dump("(a)\\1", 0, "(cat (capture 1 'a') (backref 1))");
	expect_dump("(a)\\1a", 0, "(cat (capture 1 'a') (backref 1) 'a')");
	expect_error("(a)\\11", 0, 4, "invalid group reference 11");
	expect_dump("\\111", 0, "'I'");
	for (i = 0; i < 10; i++)
		n += sprintf(pat + n, "(x)");
	sprintf(pat + n, "\\10");
	re = parse_ok(pat);
	cr_expect_eq(re->root->kids[10]->op, SC_RE_BACKREF);
	cr_expect_eq(re->root->kids[10]->min, 10);
	expect_error("(a)\\10", 0, 4, "invalid group reference 10");
	expect_error("\\777", 0, 0, "octal escape value \\777 outside of range 0-0o377");
}

Test(regex, conditionals_by_number)
{
	parse_ok("(?(+1)a)(b)");
	parse_ok("(?( 1 )a)(b)");
	parse_ok("(?(01)a)(b)");
	expect_error("(?(-1)a)", 0, 3, "bad character in group name '-1'");
	expect_error("(?(1_)a)", 0, 3, "bad character in group name '1_'");
	expect_error("(?(-0)a)", 0, 3, "bad group number");
	expect_error("(?(1_0)a)", 0, 3, "invalid group reference 10");
	expect_error("(?(1073741823)a)", 0, 3, "invalid group reference 1073741823");
}

Test(regex, describe_and_names)
{
	struct sc_buf b = SC_BUF_INIT;

	sc_re_features_describe(0x3FFFF, &b);
	cr_expect_str_eq(sc_buf_cstr(&b),
			 "inline-flags,modifier-flags,lazy,inner-anchor,word-boundary,text-anchor,"
			 "large-count,backreference,lookaround,atomic-group,possessive,conditional,"
			 "huge-count,named-char");
	sc_buf_reset(&b);
	sc_re_features_describe(SC_RE_F_LAZY | SC_RE_F_INLINE_FLAGS | SC_RE_F_CLASS, &b);
	cr_expect_str_eq(sc_buf_cstr(&b), "inline-flags,lazy");
	sc_buf_done(&b);
	cr_expect_str_eq(sc_re_class_name(SC_RE_DFA), "dfa");
	cr_expect_str_eq(sc_re_class_name(SC_RE_REWRITE), "rewrite");
	cr_expect_str_eq(sc_re_class_name(SC_RE_UNSUPPORTED), "unsupported");
}

Test(regex, node_offsets)
{
	struct sc_re *re = parse_ok("ab(c)[d]*");

	cr_expect_eq(re->root->op, SC_RE_CONCAT);
	cr_expect_eq(re->root->kids[1]->offset, 1);
	cr_expect_eq(re->root->kids[2]->offset, 2);
	cr_expect_eq(re->root->kids[3]->op, SC_RE_REPEAT);
	cr_expect_eq(re->root->kids[3]->offset, 5);
}

Test(regex, dump_is_stable)
{
	const char *pat = "(?i)(?P<a>x|[^\\d\\s])+?\\b(?:y{2,5}|$)";
	struct sc_buf b1 = SC_BUF_INIT, b2 = SC_BUF_INIT;

	sc_re_dump(parse_ok(pat)->root, &b1);
	sc_re_dump(parse_ok(pat)->root, &b2);
	cr_expect_str_eq(sc_buf_cstr(&b1), sc_buf_cstr(&b2));
	sc_buf_done(&b1);
	sc_buf_done(&b2);
}

Test(regex, many_named_groups)
{
	struct sc_buf pat = SC_BUF_INIT;
	struct sc_re *re;
	int i;

	for (i = 0; i < 500; i++)
		sc_buf_printf(&pat, "(?P<g%d>x)", i);
	for (i = 499; i >= 0; i -= 7)
		sc_buf_printf(&pat, "(?P=g%d)", i);
	re = parse_ok(sc_buf_cstr(&pat));
	cr_expect_eq(re->ngroups, 500);
	cr_expect_eq(re->root->kids[500]->op, SC_RE_BACKREF);
	cr_expect_eq(re->root->kids[500]->min, 500);
	sc_buf_puts(&pat, "(?P<g250>y)");
	expect_error(sc_buf_cstr(&pat), 0, (uint32_t)pat.len - 7,
		     "redefinition of group name 'g250' as group 501; was group 251");
	sc_buf_done(&pat);
}

Test(regex, lookbehind_widths)
{
	parse_ok("(?<=a|b)");
	parse_ok("(?<=[ab]c{3}(?:de|fg))");
	parse_ok("(a|bc)(?<!x)(?<=\\d)");
	parse_ok("(ab)(?<=\\1)");
	parse_ok("(?<=\\b\\Aa$)");
	parse_ok("(x)(?<=(?(1)a|b))");
	expect_error("(?<=(?(1)a|b))(x)", 0, 9, "cannot refer to an open group");
	expect_error("(a*)(?<=\\1)", 0, 4, "look-behind requires fixed-width pattern");
	expect_error("(x)(?<=(?(1)a|bc))", 0, 3, "look-behind requires fixed-width pattern");
	expect_error("(?<=(?:a{65536}){65536})", 0, 0, "looks too much behind");
	expect_error("(?<=a?)", 0, 0, "look-behind requires fixed-width pattern");
}

Test(regex, group_names)
{
	expect_dump("(?P<_a1>x)", 0, "(capture 1 <_a1> 'x')");
	expect_dump("(?P<\xc3\xa9t\xc3\xa9>x)", 0, "(capture 1 <\xc3\xa9t\xc3\xa9> 'x')");
	expect_error("(?P<a b>x)", 0, 4, "bad character in group name 'a b'");
	expect_error("(?P<a\\>b>x)", 0, 4, "bad character in group name 'a\\\\>b'");
	expect_error("(?P<>x)", 0, 4, "missing group name");
	expect_error("(?P<a", 0, 4, "missing >, unterminated name");
	expect_error("(?P=a", 0, 4, "missing ), unterminated name");
	expect_error("(?P<a>(?P=a))", 0, 10, "cannot refer to an open group");
}

/*
 * Verdicts of Python 3.11's re.compile() on generated patterns (random
 * token soups and mutations of corpus patterns), recorded when this test
 * was written: -1 for accepted, else the error's byte offset and message.
 */
