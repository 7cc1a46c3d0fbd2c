// SPDX-License-Identifier: Apache-2.0
/*
 * The YAML loader: positions of keys and scalars, scalar styles and raw
 * text, typing of plain scalars, multi-document files, UTF-8, duplicate
 * keys, aliases and their limits, and the mapping from value offsets back
 * to source columns.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "yaml_load.h"
#include "ctx.h"
#include "rule.h"
#include "test_util.h"

struct fixture {
	struct sc_arena *a;
	struct sc_diags d;
	struct sc_yaml_file *f;
};

static struct fixture fx;

static void load(const char *text)
{
	fx.a = sc_arena_new();
	sc_diags_init(&fx.d, fx.a);
	cr_assert_eq(sc_yaml_load(fx.a, &fx.d, "t.yml", (const uint8_t *)text, strlen(text),
				  &fx.f),
		     0);
}

static void teardown(void)
{
	sc_diags_done(&fx.d);
	sc_arena_free(fx.a);
	memset(&fx, 0, sizeof(fx));
}

TestSuite(yaml, .fini = teardown);

static const struct sc_node *root(uint32_t i)
{
	cr_assert_lt(i, fx.f->ndocs);
	return fx.f->docs[i].root;
}

Test(yaml, positions_of_keys_and_scalars)
{
	const struct sc_node *det, *sel, *v;

	load("title: x\n"
	     "detection:\n"
	     "    sel:\n"
	     "        Image|endswith: '\\cmd.exe'\n"
	     "    condition: sel\n");
	det = sc_node_get(root(0), "detection");
	cr_assert_eq(det->pos.line, 3);
	cr_assert_eq(det->pos.col, 5);
	sel = sc_node_get(det, "sel");
	cr_assert_eq(sel->keys[0]->pos.line, 4);
	cr_assert_eq(sel->keys[0]->pos.col, 9);
	v = sel->items[0];
	cr_assert_eq(v->pos.line, 4);
	cr_assert_eq(v->pos.col, 25);
	cr_assert_eq(v->style, SC_STYLE_SINGLE);
	cr_assert_str_eq(v->str, "\\cmd.exe");
	cr_assert_eq(fx.d.n, 0);
}

Test(yaml, styles_raw_text_and_null)
{
	const struct sc_node *r;

	load("a: plain text\n"
	     "b: 'it''s'\n"
	     "c: \"tab\\there \\u0416\"\n"
	     "d:\n"
	     "e: ''\n"
	     "f: 2019-10-23\n"
	     "g: |\n"
	     "    line1\n"
	     "    line2\n");
	r = root(0);
	cr_assert_eq(sc_node_get(r, "a")->style, SC_STYLE_PLAIN);
	cr_assert_str_eq(sc_node_get(r, "b")->str, "it's");
	cr_assert_eq(sc_node_get(r, "b")->style, SC_STYLE_SINGLE);
	cr_assert_str_eq(sc_node_get(r, "c")->str, "tab\there \xd0\x96");
	cr_assert_eq(sc_node_get(r, "c")->style, SC_STYLE_DOUBLE);
	cr_assert_eq(sc_scalar_type(sc_node_get(r, "d")), SC_SCALAR_NULL);
	cr_assert_eq(sc_scalar_type(sc_node_get(r, "e")), SC_SCALAR_STR);
	cr_assert_eq(sc_scalar_type(sc_node_get(r, "f")), SC_SCALAR_STR);
	cr_assert_str_eq(sc_node_get(r, "f")->str, "2019-10-23");
	cr_assert_str_eq(sc_node_get(r, "g")->str, "line1\nline2\n");
	cr_assert_eq(sc_node_get(r, "g")->style, SC_STYLE_LITERAL);
}

static enum sc_scalar_type type_of(const char *v)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "k: %s\n", v);
	load(buf);
	return sc_scalar_type(sc_node_get(root(0), "k"));
}

Test(yaml, plain_scalar_typing_like_pyyaml)
{
	double d;
	int64_t i;
	bool is_int;

	cr_assert_eq(type_of("4688"), SC_SCALAR_INT);
	teardown();
	cr_assert_eq(type_of("-12"), SC_SCALAR_INT);
	teardown();
	cr_assert_eq(type_of("0x1F"), SC_SCALAR_INT);
	cr_assert(sc_scalar_number(sc_node_get(root(0), "k"), &d, &i, &is_int));
	cr_assert_eq(i, 31);
	teardown();
	cr_assert_eq(type_of("010"), SC_SCALAR_INT); /* YAML 1.1 octal */
	sc_scalar_number(sc_node_get(root(0), "k"), &d, &i, &is_int);
	cr_assert_eq(i, 8);
	cr_assert_not_null(sc_scalar_yaml11_note(sc_node_get(root(0), "k")));
	teardown();
	cr_assert_eq(type_of("00000429"), SC_SCALAR_STR); /* not octal, not decimal */
	teardown();
	cr_assert_eq(type_of("1_000"), SC_SCALAR_INT);
	teardown();
	cr_assert_eq(type_of("1.5"), SC_SCALAR_FLOAT);
	teardown();
	cr_assert_eq(type_of("1e3"), SC_SCALAR_STR); /* PyYAML needs a '.' */
	teardown();
	cr_assert_eq(type_of("1.0e+3"), SC_SCALAR_FLOAT);
	teardown();
	cr_assert_eq(type_of("true"), SC_SCALAR_BOOL);
	teardown();
	cr_assert_eq(type_of("False"), SC_SCALAR_BOOL);
	teardown();
	cr_assert_eq(type_of("yes"), SC_SCALAR_STR);
	cr_assert_not_null(sc_scalar_yaml11_note(sc_node_get(root(0), "k")));
	teardown();
	cr_assert_eq(type_of("y"), SC_SCALAR_STR); /* a string for PyYAML too: no note */
	cr_assert_null(sc_scalar_yaml11_note(sc_node_get(root(0), "k")));
	teardown();
	cr_assert_eq(type_of("N"), SC_SCALAR_STR);
	cr_assert_null(sc_scalar_yaml11_note(sc_node_get(root(0), "k")));
	teardown();
	cr_assert_eq(type_of("~"), SC_SCALAR_NULL);
	teardown();
	cr_assert_eq(type_of("null"), SC_SCALAR_NULL);
	teardown();
	cr_assert_eq(type_of("'4688'"), SC_SCALAR_STR);
	teardown();
	cr_assert_eq(type_of("!!str 4688"), SC_SCALAR_STR);
	teardown();
	cr_assert_eq(type_of("12:30"), SC_SCALAR_STR); /* base 60 in YAML 1.1 */
	cr_assert_not_null(sc_scalar_yaml11_note(sc_node_get(root(0), "k")));
}

Test(yaml, multi_document_files)
{
	load("title: one\n---\ntitle: two\n---\n# empty\n---\ntitle: three\n");
	cr_assert_eq(fx.f->ndocs, 3);
	cr_assert_str_eq(sc_node_get(root(1), "title")->str, "two");
	cr_assert_eq(root(2)->pos.line, 7);
}

Test(yaml, utf8_values_kept)
{
	load("k: 'ПРИВЕТ 😀'\n");
	cr_assert_str_eq(sc_node_get(root(0), "k")->str, "ПРИВЕТ 😀");
}

Test(yaml, bad_utf8_position)
{
	load("title: x\nk: 'ab\xff'\n");
	cr_assert_eq(fx.d.n, 1);
	cr_assert_eq(fx.d.v[0].code, SC_E_YAML_BAD_UTF8);
	cr_assert_eq(fx.d.v[0].pos.line, 2);
	cr_assert_eq(fx.d.v[0].pos.col, 7);
	cr_assert(fx.f->failed);
}

Test(yaml, syntax_error_position_and_earlier_documents_kept)
{
	load("title: ok\n---\ntitle: 'unterminated\n");
	cr_assert_eq(fx.f->ndocs, 1);
	cr_assert_eq(fx.d.n, 1);
	cr_assert_eq(fx.d.v[0].code, SC_E_YAML_SYNTAX);
	cr_assert_eq(fx.d.v[0].pos.line, 4);
}

Test(yaml, duplicate_keys)
{
	load("a: 1\nb: 2\na: 3\n");
	cr_assert_eq(fx.d.n, 1);
	cr_assert_eq(fx.d.v[0].code, SC_E_YAML_DUPLICATE_KEY);
	cr_assert_eq(fx.d.v[0].pos.line, 3);
	cr_assert_eq(fx.d.v[0].pos.col, 1);
}

Test(yaml, duplicate_keys_in_large_mapping)
{
	char buf[4096];
	size_t o = 0;
	int i;

	for (i = 0; i < 40; i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "k%d: %d\n", i, i);
	snprintf(buf + o, sizeof(buf) - o, "k7: again\n");
	load(buf);
	cr_assert_eq(fx.d.n, 1);
	cr_assert_eq(fx.d.v[0].code, SC_E_YAML_DUPLICATE_KEY);
	cr_assert_eq(fx.d.v[0].pos.line, 41);
}

Test(yaml, complex_key)
{
	load("? [a, b]\n: 1\n");
	cr_assert_eq(fx.d.n, 1);
	cr_assert_eq(fx.d.v[0].code, SC_E_YAML_COMPLEX_KEY);
}

Test(yaml, anchors_aliases_and_merge_keys)
{
	const struct sc_node *r;

	load("base: &b\n  x: 1\n  y: 2\nuse: *b\nmerged:\n  <<: *b\n  y: 3\n");
	r = root(0);
	cr_assert_eq(sc_node_get(r, "use"), sc_node_get(r, "base"));
	cr_assert_str_eq(sc_node_get(sc_node_get(r, "merged"), "y")->str, "3");
	cr_assert_str_eq(sc_node_get(sc_node_get(r, "merged"), "x")->str, "1");
	cr_assert_eq(fx.d.n, 0);
}

Test(yaml, undefined_alias)
{
	load("a: *nope\n");
	cr_assert_eq(fx.d.n, 1);
	cr_assert_eq(fx.d.v[0].code, SC_E_YAML_ALIAS);
}

Test(yaml, alias_bomb_refused)
{
	load("a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	     "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
	     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
	     "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
	     "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
	     "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
	     "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n");
	cr_assert_eq(fx.d.n, 1);
	cr_assert_eq(fx.d.v[0].code, SC_E_YAML_ALIAS);
}

Test(yaml, depth_limit)
{
	char buf[512];
	int i;

	memset(buf, 0, sizeof(buf));
	strcpy(buf, "k: ");
	for (i = 0; i < 80; i++)
		strcat(buf, "[");
	for (i = 0; i < 80; i++)
		strcat(buf, "]");
	strcat(buf, "\n");
	load(buf);
	cr_assert_eq(fx.d.n, 1);
	cr_assert_eq(fx.d.v[0].code, SC_E_YAML_DEPTH);
}

Test(yaml, value_offsets_map_to_columns)
{
	const struct sc_node *n;
	struct sc_pos p;

	load("a: sel and (x\n"
	     "b: 'it''s (x'\n"
	     "c: \"\\u0416 (x\"\n"
	     "d: 'Ж (x'\n");
	n = sc_node_get(root(0), "a");
	p = sc_node_value_pos(fx.f, n, 8); /* the '(' */
	cr_assert_eq(p.line, 1);
	cr_assert_eq(p.col, 12);
	n = sc_node_get(root(0), "b");
	p = sc_node_value_pos(fx.f, n, 5); /* "it's (x": '(' at value offset 5 */
	cr_assert_eq(p.col, 11);
	n = sc_node_get(root(0), "c");
	p = sc_node_value_pos(fx.f, n, 3); /* Zhe is 2 bytes, then ' ', then '(' */
	cr_assert_eq(p.col, 12);
	n = sc_node_get(root(0), "d");
	p = sc_node_value_pos(fx.f, n, 3); /* columns count code points */
	cr_assert_eq(p.col, 7);
}

Test(yaml, crlf_and_unicode_line_breaks_count_lines)
{
	load("a: 1\r\nb: 2\rc: 3\nd: x\xc2\x85" "e: 4\n");
	cr_assert_eq(sc_node_get(root(0), "c")->pos.line, 3);
}

Test(yaml, utf8_bom_is_skipped)
{
	load("\xef\xbb\xbftitle: x\nk: v\n");
	cr_assert_eq(fx.d.n, 0);
	cr_assert_eq(sc_node_get(root(0), "k")->pos.col, 4);
	cr_assert_eq(root(0)->keys[0]->pos.col, 1);
}

Test(yaml, duplicate_key_rejects_its_rule_only)
{
	struct sc_ctx *ctx = tu_load("title: a\n"
				     "id: 11111111-2222-3333-4444-555555555555\n"
				     "logsource: {product: linux}\n"
				     "detection:\n"
				     "    sel:\n"
				     "        Image: x\n"
				     "        Image: y\n"
				     "    condition: sel\n"
				     "---\n"
				     "title: b\n"
				     "id: 11111111-2222-3333-4444-555555555556\n"
				     "logsource: {product: linux}\n"
				     "detection: {sel: {Image: z}, condition: sel}\n",
				     NULL);

	cr_assert_eq(ctx->nrules, 2);
	cr_assert(ctx->rules[0]->rejected);
	cr_assert_eq(ctx->rules[0]->reject_code, SC_E_YAML_DUPLICATE_KEY);
	cr_assert_not(ctx->rules[1]->rejected);
	cr_assert(tu_has(ctx, SC_E_YAML_DUPLICATE_KEY, 7, 9));
	cr_assert_str_eq(ctx->diags.v[0].rule_id, "11111111-2222-3333-4444-555555555555");
	sc_ctx_free(ctx);
}

Test(yaml, value_offsets_in_block_and_multiline_scalars)
{
	const struct sc_node *n;
	struct sc_pos p;

	load("a: >\n"
	     "    sel and\n"
	     "    (x\n"
	     "b: sel and\n"
	     "    not (y\n");
	n = sc_node_get(root(0), "a");
	cr_assert_str_eq(n->str, "sel and (x\n");
	p = sc_node_value_pos(fx.f, n, 8); /* the '(' */
	cr_assert_eq(p.line, 3);
	cr_assert_eq(p.col, 5);
	n = sc_node_get(root(0), "b");
	cr_assert_str_eq(n->str, "sel and not (y");
	p = sc_node_value_pos(fx.f, n, 12);
	cr_assert_eq(p.line, 5);
	cr_assert_eq(p.col, 9);
}
