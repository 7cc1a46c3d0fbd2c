// SPDX-License-Identifier: Apache-2.0
/*
 * Condition grammar: precedence and associativity, quantifiers, patterns,
 * "them", error codes and their columns, and resolution against search
 * identifiers.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cond.h"
#include "ctx.h"
#include "rule.h"
#include "test_util.h"

static void show(const struct sc_cond *c, struct sc_buf *b)
{
	switch (c->op) {
	case SC_COND_AND:
	case SC_COND_OR:
		sc_buf_printf(b, "(%s ", c->op == SC_COND_AND ? "and" : "or");
		show(c->l, b);
		sc_buf_putc(b, ' ');
		show(c->r, b);
		sc_buf_putc(b, ')');
		break;
	case SC_COND_NOT:
		sc_buf_puts(b, "(not ");
		show(c->l, b);
		sc_buf_putc(b, ')');
		break;
	case SC_COND_IDENT:
		sc_buf_puts(b, c->name);
		break;
	case SC_COND_ONE_OF:
	case SC_COND_ALL_OF:
		sc_buf_printf(b, "(%s-of %s)", c->op == SC_COND_ALL_OF ? "all" : "one",
			      c->name ? c->name : "them");
		break;
	}
}

/* Parse s; return its S-expression, or "ERR <code> <col>". */
static char *parse(const char *s)
{
	struct sc_ctx *ctx = sc_ctx_new();
	struct sc_rule r;
	struct sc_cond *c;
	struct sc_buf b = SC_BUF_INIT;
	char *out;

	memset(&r, 0, sizeof(r));
	c = sc_cond_parse_str(ctx, &r, s, strlen(s));
	if (c)
		show(c, &b);
	else if (ctx->diags.n)
		sc_buf_printf(&b, "ERR %s %u", sc_code_name(ctx->diags.v[0].code),
			      ctx->diags.v[0].pos.col);
	else
		sc_buf_puts(&b, "ERR none");
	out = strdup(sc_buf_cstr(&b));
	sc_buf_done(&b);
	sc_ctx_free(ctx);
	return out;
}

#define P(in, want)                                                                            \
	do {                                                                                   \
		char *got_ = parse(in);                                                        \
		cr_expect_str_eq(got_, want, "condition '%s'", in);                            \
		free(got_);                                                                    \
	} while (0)

Test(cond, precedence_or_and_not)
{
	P("a or b and c", "(or a (and b c))");
	P("a and b or c", "(or (and a b) c)");
	P("not a and b", "(and (not a) b)");
	P("not a or not b", "(or (not a) (not b))");
	P("a or b or c", "(or (or a b) c)");
	P("a and b and c", "(and (and a b) c)");
	P("not not a", "(not (not a))");
	P("(a or b) and c", "(and (or a b) c)");
	P("selection1 or selection2a and selection2b", "(or selection1 (and selection2a selection2b))");
}

Test(cond, quantifiers_and_patterns)
{
	P("1 of sel*", "(one-of sel*)");
	P("any of sel*", "(one-of sel*)");
	P("all of sel_*", "(all-of sel_*)");
	P("1 of them", "(one-of them)");
	P("all of them", "(all-of them)");
	P("1 of selection", "(one-of selection)");
	P("not 1 of filter_*", "(not (one-of filter_*))");
	P("sel and not 1 of filter_main_* and not 1 of filter_optional_*",
	  "(and (and sel (not (one-of filter_main_*))) (not (one-of filter_optional_*)))");
	P("all of sel* and not (1 of f* or x)", "(and (all-of sel*) (not (or (one-of f*) x)))");
	P("*", "ERR SC_E_COND_SYNTAX 1");
}

Test(cond, identifiers_with_dashes_and_digits)
{
	P("sel-1 and 2", "(and sel-1 2)");
	P("x_y-z", "x_y-z");
}

Test(cond, errors_with_columns)
{
	P("", "ERR SC_E_COND_EMPTY 1");
	P("   ", "ERR SC_E_COND_EMPTY 1");
	P("sel and", "ERR SC_E_COND_SYNTAX 8");
	P("sel sel2", "ERR SC_E_COND_SYNTAX 5");
	P("sel and or x", "ERR SC_E_COND_SYNTAX 9");
	P("sel and (x", "ERR SC_E_COND_PAREN 9");
	P("sel) and x", "ERR SC_E_COND_PAREN 4");
	P("((a) and (b)", "ERR SC_E_COND_PAREN 1");
	P("sel && x", "ERR SC_E_COND_SYNTAX 5");
	P("sel AND x", "ERR SC_E_COND_SYNTAX 5");
	P("2 of sel*", "ERR SC_E_COND_QUANTIFIER 1");
	P("all of sel-*", "ERR SC_E_COND_SYNTAX 8");
	P("selection | count() by x > 5", "ERR SC_E_COND_PIPE 11");
	P("count(x) > 5", "ERR SC_E_COND_PIPE 1");
	P("sel | near other", "ERR SC_E_COND_PIPE 5");
	P("not", "ERR SC_E_COND_SYNTAX 4");
	P("sel and ()", "ERR SC_E_COND_SYNTAX 10");
	P("1 of", "ERR SC_E_COND_SYNTAX 5");
	P("sel é", "ERR SC_E_COND_SYNTAX 5");
}

Test(cond, nesting_limits)
{
	char buf[512];
	int i;

	memset(buf, 0, sizeof(buf));
	for (i = 0; i < 70; i++)
		strcat(buf, "(");
	strcat(buf, "a");
	for (i = 0; i < 70; i++)
		strcat(buf, ")");
	P(buf, "ERR SC_E_COND_DEPTH 65");
	memset(buf, 0, sizeof(buf));
	for (i = 0; i < 120; i++)
		strcat(buf, "not ");
	strcat(buf, "a");
	{
		char *got = parse(buf);

		cr_assert(strncmp(got, "ERR SC_E_COND_DEPTH", 19) == 0 || got[0] == '(');
		free(got);
	}
}

static const char *rule_with(const char *det)
{
	static char buf[2048];

	snprintf(buf, sizeof(buf),
		 "title: t\n"
		 "id: 11111111-2222-3333-4444-555555555555\n"
		 "logsource:\n"
		 "    category: process_creation\n"
		 "detection:\n"
		 "%s",
		 det);
	return buf;
}

Test(cond, resolution_errors_point_into_the_condition)
{
	struct sc_ctx *ctx;

	ctx = tu_load(rule_with("    selection:\n"
				"        Image: x\n"
				"    condition: selection and not filter\n"),
		      NULL);
	cr_assert(tu_has(ctx, SC_E_COND_UNDEFINED, 8, 34));
	sc_ctx_free(ctx);

	ctx = tu_load(rule_with("    selection:\n"
				"        Image: x\n"
				"    condition: selction\n"),
		      NULL);
	cr_assert(tu_has(ctx, SC_E_COND_UNDEFINED, 8, 16));
	cr_assert(strstr(ctx->diags.v[0].msg, "did you mean 'selection'"));
	sc_ctx_free(ctx);

	ctx = tu_load(rule_with("    selection:\n"
				"        Image: x\n"
				"    condition: selection and not 1 of filter_*\n"),
		      NULL);
	cr_assert(tu_has(ctx, SC_E_COND_PATTERN_EMPTY, 8, 34));
	sc_ctx_free(ctx);
}

Test(cond, underscore_identifiers_and_them)
{
	struct sc_ctx *ctx;

	/* "them" skips identifiers starting with '_'. */
	ctx = tu_load(rule_with("    _hidden:\n"
				"        Image: x\n"
				"    condition: 1 of them\n"),
		      NULL);
	cr_assert(tu_has(ctx, SC_E_COND_PATTERN_EMPTY, 8, 16));
	sc_ctx_free(ctx);

	/* A pattern starting with '_' reaches them. */
	ctx = tu_load(rule_with("    _hidden:\n"
				"        Image: x\n"
				"    condition: 1 of _hid*\n"),
		      NULL);
	cr_assert_eq(ctx->diags.nerrors, 0);
	sc_ctx_free(ctx);

	/* Identifier keys may hold '.' and '|'; patterns still reach them. */
	ctx = tu_load(rule_with("    filter_main_mdadm.conf:\n"
				"        Image: x\n"
				"    select_tree|endswith:\n"
				"        Image: y\n"
				"    condition: 1 of filter_main_* or 1 of select*\n"),
		      NULL);
	cr_assert_eq(ctx->diags.nerrors, 0);
	sc_ctx_free(ctx);
}

Test(cond, condition_list_is_ored_and_dangling_warned)
{
	struct sc_ctx *ctx;

	ctx = tu_load(rule_with("    a:\n"
				"        Image: x\n"
				"    b:\n"
				"        Image: y\n"
				"    c:\n"
				"        Image: z\n"
				"    condition:\n"
				"        - a\n"
				"        - b\n"),
		      NULL);
	cr_assert_eq(ctx->diags.nerrors, 0);
	cr_assert(tu_has(ctx, SC_W_DANGLING_DETECTION, 10, 5));
	sc_ctx_free(ctx);
}
