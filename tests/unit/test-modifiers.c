// SPDX-License-Identifier: Apache-2.0
/*
 * Modifiers lowered to atoms: every modifier of the specification and of
 * pySigma, the shape of the resulting IR, and the type errors that reject
 * a rule. Atoms are rendered compactly as "Field match 'value' flags".
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ctx.h"
#include "encode.h"
#include "ir.h"
#include "rule.h"
#include "test_util.h"

static struct sc_ctx *load_sel(const char *sel, const char *ph)
{
	char buf[8192];

	snprintf(buf, sizeof(buf),
		 "title: t\n"
		 "id: 11111111-2222-3333-4444-555555555555\n"
		 "logsource:\n"
		 "    category: process_creation\n"
		 "    product: windows\n"
		 "detection:\n"
		 "    sel:\n"
		 "%s"
		 "    condition: sel\n",
		 sel);
	return tu_load(buf, ph);
}

static void atom_text(const struct sc_ir *ir, const struct sc_atom *a, struct sc_buf *b)
{
	struct sc_cidr c;

	sc_buf_printf(b, "%s ", a->field ? sc_ir_field_name(ir, a->field) : "*");
	switch (a->kind) {
	case SC_ATOM_STR:
		sc_buf_printf(b, "%s '%.*s'", sc_match_name(a->match), (int)a->len,
			      (const char *)a->val);
		break;
	case SC_ATOM_FIELDREF:
		sc_buf_printf(b, "ref-%s %.*s", sc_match_name(a->match), (int)a->len,
			      (const char *)a->val);
		break;
	case SC_ATOM_NUM:
		sc_buf_printf(b, "%s %s", sc_cmp_name(a->cmp), a->num_text);
		break;
	case SC_ATOM_TIMEPART:
		sc_buf_printf(b, "%s %s", sc_timepart_name(a->part), a->num_text);
		break;
	case SC_ATOM_REGEX:
		sc_buf_printf(b, "re /%.*s/", (int)a->len, (const char *)a->val);
		break;
	case SC_ATOM_CIDR:
		c.family = a->family;
		c.prefix = a->prefix;
		memcpy(c.addr, a->addr, 16);
		sc_buf_puts(b, "cidr ");
		sc_cidr_format(&c, b);
		break;
	case SC_ATOM_NULL:
		sc_buf_puts(b, "null");
		break;
	case SC_ATOM_EXISTS:
		sc_buf_puts(b, "exists");
		break;
	}
	if (a->flags & SC_AF_CASED)
		sc_buf_puts(b, " cased");
	if (a->flags & SC_AF_RE_I)
		sc_buf_puts(b, " i");
	if (a->flags & SC_AF_RE_M)
		sc_buf_puts(b, " m");
	if (a->flags & SC_AF_RE_S)
		sc_buf_puts(b, " s");
}

/* The rule's IR as an S-expression over atom texts. */
static void node_text(const struct sc_ir *ir, uint32_t id, struct sc_buf *b)
{
	const struct sc_irnode *n = sc_ir_get_node(ir, id);
	uint32_t i;

	switch (n->op) {
	case SC_IR_ATOM:
		sc_buf_putc(b, '[');
		atom_text(ir, sc_ir_get_atom(ir, n->atom), b);
		sc_buf_putc(b, ']');
		return;
	case SC_IR_TRUE:
	case SC_IR_FALSE:
		sc_buf_puts(b, sc_irop_name(n->op));
		return;
	default:
		sc_buf_printf(b, "(%s", sc_irop_name(n->op));
		for (i = 0; i < n->nkids; i++) {
			sc_buf_putc(b, ' ');
			node_text(ir, n->kids[i], b);
		}
		sc_buf_putc(b, ')');
	}
}

static char *ir_of(const char *sel, const char *ph)
{
	struct sc_ctx *ctx = load_sel(sel, ph);
	struct sc_buf b = SC_BUF_INIT;
	char *out;

	cr_assert_eq(ctx->nrules, 1);
	if (ctx->rules[0]->rejected) {
		sc_buf_printf(&b, "REJECTED %s", sc_code_name(ctx->rules[0]->reject_code));
	} else {
		node_text(ctx->ir, ctx->rules[0]->ir_root, &b);
	}
	out = strdup(sc_buf_cstr(&b));
	sc_buf_done(&b);
	sc_ctx_free(ctx);
	return out;
}

#define IR(sel, want)                                                                          \
	do {                                                                                   \
		char *got_ = ir_of(sel, NULL);                                                 \
		cr_expect_str_eq(got_, want, "selection:\n%s", sel);                           \
		free(got_);                                                                    \
	} while (0)

Test(modifiers, plain_values_and_wildcards)
{
	IR("        Image: 'C:\\Windows\\System32\\cmd.exe'\n",
	   "[Image equals 'c:\\windows\\system32\\cmd.exe']");
	IR("        Image: '*\\cmd.exe'\n", "[Image endswith '\\cmd.exe']");
	/* The classic pitfall: \* escapes the star, \\* is backslash + wildcard. */
	IR("        Image: 'C:\\Temp\\*'\n", "[Image equals 'c:\\temp*']");
	IR("        Image: 'C:\\Temp\\\\*'\n", "[Image startswith 'c:\\temp\\']");
	IR("        CommandLine: '*whoami*'\n", "[CommandLine contains 'whoami']");
	IR("        CommandLine: '*'\n", "[CommandLine any '']");
	IR("        CommandLine: ''\n", "[CommandLine equals '']");
	IR("        CommandLine: 'a*b'\n", "[CommandLine glob 'a*b']");
	IR("        CommandLine: '8?\?\?'\n", "[CommandLine glob '8?\?\?']");
	IR("        CommandLine: 'a\\*b'\n", "[CommandLine equals 'a*b']");
	IR("        CommandLine: 'a\\*b*'\n", "[CommandLine startswith 'a*b']");
	IR("        CommandLine: 'x\\\\*'\n", "[CommandLine startswith 'x\\']");
}

Test(modifiers, value_lists_or_and_all)
{
	IR("        Image|endswith:\n"
	   "            - '\\a.exe'\n"
	   "            - '\\b.exe'\n",
	   "(or [Image endswith '\\a.exe'] [Image endswith '\\b.exe'])");
	IR("        CommandLine|contains|all:\n"
	   "            - 'x'\n"
	   "            - 'y'\n",
	   "(and [CommandLine contains 'x'] [CommandLine contains 'y'])");
	IR("        Image|endswith: '\\a.exe'\n"
	   "        CommandLine|contains: 'z'\n",
	   "(and [Image endswith '\\a.exe'] [CommandLine contains 'z'])");
}

Test(modifiers, case_folding_and_cased)
{
	IR("        Image: 'CMD.EXE'\n", "[Image equals 'cmd.exe']");
	IR("        Image|cased: 'CMD.EXE'\n", "[Image equals 'CMD.EXE' cased]");
	IR("        Image|contains|cased: 'Ab'\n", "[Image contains 'Ab' cased]");
	IR("        Image|contains: 'ПРИВЕТ'\n", "[Image contains 'привет']");
	IR("        Image|contains: 'ΣΑΣ'\n", "[Image contains 'σασ']");
	IR("        Image|contains: 'K'\n", "[Image contains 'k']"); /* U+212A KELVIN SIGN */
}

Test(modifiers, numbers_booleans_null_empty)
{
	IR("        EventID: 4688\n", "[EventID eq 4688]");
	IR("        EventID:\n            - 1\n            - 4688\n",
	   "(or [EventID eq 1] [EventID eq 4688])");
	IR("        Initiated: true\n", "[Initiated equals 'true']");
	IR("        Foo: null\n", "[Foo null]");
	IR("        Foo:\n", "[Foo null]");
	IR("        Foo: []\n", "[Foo null]");
	IR("        Foo: 1.5\n", "[Foo eq 1.5]");
	IR("        Foo: 010\n", "[Foo eq 8]");
	IR("        Foo: '010'\n", "[Foo equals '010']");
}

Test(modifiers, neq_exists_compare_timeparts)
{
	IR("        Image|neq: 'x'\n", "(not [Image equals 'x'])");
	IR("        Image|neq:\n            - a\n            - b\n",
	   "(not (or [Image equals 'a'] [Image equals 'b']))");
	IR("        Foo|exists: true\n", "[Foo exists]");
	IR("        Foo|exists: false\n", "(not [Foo exists])");
	IR("        Port|lt: 1024\n", "[Port lt 1024]");
	IR("        Port|lte: 1024\n", "[Port lte 1024]");
	IR("        Port|gt: 1024\n", "[Port gt 1024]");
	IR("        Port|gte: 1.5\n", "[Port gte 1.5]");
	IR("        Time|hour: 3\n", "[Time hour 3]");
	IR("        Time|minute: 59\n", "[Time minute 59]");
	IR("        Time|day: 1\n", "[Time day 1]");
	IR("        Time|week: 52\n", "[Time week 52]");
	IR("        Time|month: 12\n", "[Time month 12]");
	IR("        Time|year: 2026\n", "[Time year 2026]");
}

Test(modifiers, regex_and_flags)
{
	IR("        CommandLine|re: 'a.*b'\n", "[CommandLine re /a.*b/]");
	IR("        CommandLine|re|i: 'A'\n", "[CommandLine re /A/ i]");
	IR("        CommandLine|re|m|s: '^a.b$'\n", "[CommandLine re /^a.b$/ m s]");
	IR("        CommandLine|re|ignorecase|multiline|dotall: 'x'\n",
	   "[CommandLine re /x/ i m s]");
	/* contains/startswith/endswith on a regex change nothing under search semantics. */
	IR("        CommandLine|re|contains: 'x'\n", "[CommandLine re /x/]");
	IR("        CommandLine|re: 'a\\d+*'\n", "REJECTED SC_E_BAD_REGEX");
	IR("        CommandLine|re: '(?=x)'\n", "REJECTED SC_E_REGEX_UNSUPPORTED");
	IR("        CommandLine|re: '(a)\\1'\n", "REJECTED SC_E_REGEX_UNSUPPORTED");
}

Test(modifiers, cidr)
{
	IR("        DestinationIp|cidr: '10.0.0.0/8'\n", "[DestinationIp cidr 10.0.0.0/8]");
	IR("        DestinationIp|cidr: 'fe80::/10'\n", "[DestinationIp cidr fe80::/10]");
	IR("        DestinationIp|cidr: '10.0.0.1/8'\n", "REJECTED SC_E_CIDR_HOST_BITS");
	IR("        DestinationIp|cidr: '10.0.0/8'\n", "REJECTED SC_E_BAD_CIDR");
}

Test(modifiers, fieldref)
{
	IR("        User|fieldref: ParentUser\n", "[User ref-equals ParentUser]");
	IR("        Image|fieldref|contains: ParentImage\n", "[Image ref-contains ParentImage]");
	IR("        Image|fieldref|startswith: ParentImage\n",
	   "[Image ref-startswith ParentImage]");
	IR("        Image|fieldref|endswith: ParentImage\n", "[Image ref-endswith ParentImage]");
	IR("        Image|fieldref: 'Parent*'\n", "REJECTED SC_E_WILDCARD_NOT_ALLOWED");
	IR("        Image|neq|fieldref: ParentImage\n", "(not [Image ref-equals ParentImage])");
}

Test(modifiers, encodings)
{
	IR("        CommandLine|base64|contains: 'abc'\n", "[CommandLine contains 'ywjj']");
	IR("        CommandLine|base64offset|contains: '::FromBase64String'\n",
	   "(or [CommandLine contains 'ojpgcm9tqmfzzty0u3ryaw5n'] "
	   "[CommandLine contains 'o6rnjvbujhc2u2nfn0cmluz'] "
	   "[CommandLine contains '6okzyb21cyxnlnjrtdhjpbm'])");
	IR("        CommandLine|wide|base64offset|contains: 'IEX (New'\n",
	   "(or [CommandLine contains 'sqbfafgaiaaoae4azqb3a'] "
	   "[CommandLine contains 'karqbyacaakaboaguadw'] "
	   "[CommandLine contains 'jaeuawaagacgatgblahca'])");
	IR("        CommandLine|utf16|base64|contains: 'cmd'\n",
	   "[CommandLine contains '//5jag0azaa=']");
	IR("        CommandLine|utf16be|base64|contains: 'cmd'\n",
	   "[CommandLine contains 'agmabqbk']");
	IR("        CommandLine|utf16le|base64|contains: 'cmd'\n",
	   "[CommandLine contains 'ywbtagqa']");
	IR("        CommandLine|base64|contains: 'a*'\n", "REJECTED SC_E_WILDCARD_NOT_ALLOWED");
	IR("        CommandLine|base64offset|contains: 'a?'\n",
	   "REJECTED SC_E_WILDCARD_NOT_ALLOWED");
	/* An escaped wildcard is a literal character and may be encoded. */
	IR("        CommandLine|base64|contains: 'a\\*'\n", "[CommandLine contains 'yso=']");
}

Test(modifiers, windash)
{
	IR("        CommandLine|windash|contains: ' -s '\n",
	   "(or [CommandLine contains ' -s '] [CommandLine contains ' /s '] "
	   "[CommandLine contains ' \xe2\x80\x93s '] [CommandLine contains ' \xe2\x80\x94s '] "
	   "[CommandLine contains ' \xe2\x80\x95s '])");
	IR("        CommandLine|windash|endswith: 'a-b'\n", "[CommandLine endswith 'a-b']");
	/* windash variants stay ORed under |all. */
	IR("        CommandLine|windash|contains|all:\n"
	   "            - ' -a '\n"
	   "            - 'x'\n",
	   "(and (or [CommandLine contains ' -a '] [CommandLine contains ' /a '] "
	   "[CommandLine contains ' \xe2\x80\x93" "a '] [CommandLine contains ' \xe2\x80\x94" "a '] "
	   "[CommandLine contains ' \xe2\x80\x95" "a ']) [CommandLine contains 'x'])");
}

Test(modifiers, expand_placeholders)
{
	const char *ph = "Admins:\n    - alice\n    - 'bob*'\nOne: x\n";
	char *got;

	got = ir_of("        User|expand: '%Admins%'\n", ph);
	cr_expect_str_eq(got, "(or [User equals 'alice'] [User startswith 'bob'])");
	free(got);
	got = ir_of("        User|contains|expand: 'pre%Admins%'\n", ph);
	cr_expect_str_eq(got, "(or [User contains 'prealice'] [User contains 'prebob'])");
	free(got);
	got = ir_of("        User|expand: '%One%-%Admins%'\n", ph);
	cr_expect_str_eq(got, "(or [User equals 'x-alice'] [User startswith 'x-bob'])");
	free(got);
	got = ir_of("        User|expand: '100\\%'\n", ph);
	cr_expect_str_eq(got, "[User equals '100%']");
	free(got);
	got = ir_of("        User|expand: '%Missing%'\n", ph);
	cr_expect_str_eq(got, "REJECTED SC_E_PLACEHOLDER_UNRESOLVED");
	free(got);
	got = ir_of("        User|expand: '%Admins%'\n", NULL);
	cr_expect_str_eq(got, "REJECTED SC_E_PLACEHOLDER_UNRESOLVED");
	free(got);
	/* Without |expand, %name% is literal text (e.g. %%1793 message strings). */
	got = ir_of("        Data|contains: '%%1793'\n", NULL);
	cr_expect_str_eq(got, "[Data contains '%%1793']");
	free(got);
}

Test(modifiers, keywords)
{
	char buf[2048], *got;
	struct sc_ctx *ctx;

	snprintf(buf, sizeof(buf),
		 "title: t\n"
		 "logsource:\n"
		 "    product: linux\n"
		 "detection:\n"
		 "    keywords:\n"
		 "        - 'rm *sh_history'\n"
		 "        - 6\n"
		 "    kw_all:\n"
		 "        '|all':\n"
		 "            - 'a'\n"
		 "            - 'B'\n"
		 "    condition: keywords or kw_all\n");
	ctx = tu_load(buf, NULL);
	cr_assert_eq(ctx->diags.nerrors, 0);
	got = tu_dump(ctx);
	cr_expect(strstr(got, "{\"id\":1,\"field\":null,\"kind\":\"string\",\"match\":\"glob\","
			      "\"value\":\"*rm *sh_history*\"}"),
		  "%s", got);
	cr_expect(strstr(got, "\"match\":\"contains\",\"value\":\"6\""), "%s", got);
	cr_expect(strstr(got, "\"match\":\"contains\",\"value\":\"b\""), "%s", got);
	free(got);
	sc_ctx_free(ctx);
}

Test(modifiers, type_errors)
{
	IR("        EventID|contains: 4688\n", "REJECTED SC_E_MODIFIER_TYPE");
	IR("        Port|gt: 'abc'\n", "REJECTED SC_E_BAD_NUMBER");
	IR("        Time|hour: 'x'\n", "REJECTED SC_E_BAD_NUMBER");
	IR("        Foo|exists: 'yes'\n", "REJECTED SC_E_EXISTS_VALUE");
	IR("        Foo|exists: 1\n", "REJECTED SC_E_EXISTS_VALUE");
	IR("        Foo|cased: 12\n", "REJECTED SC_E_MODIFIER_TYPE");
	IR("        Foo|re: 12\n", "REJECTED SC_E_MODIFIER_TYPE");
	IR("        Foo|contains: null\n", "REJECTED SC_E_MODIFIER_TYPE");
	IR("        Foo|cidr: 10\n", "REJECTED SC_E_MODIFIER_TYPE");
	IR("        Foo|re|cased: 'x'\n", "REJECTED SC_E_MODIFIER_TYPE");
	IR("        Foo|lt|contains: 5\n", "REJECTED SC_E_MODIFIER_TYPE");
}

Test(modifiers, identical_atoms_are_shared_across_rules)
{
	const char *two =
		"title: a\n"
		"id: 11111111-2222-3333-4444-555555555555\n"
		"logsource:\n    category: process_creation\n"
		"detection:\n    sel:\n        Image|endswith: '\\CMD.exe'\n    condition: sel\n"
		"---\n"
		"title: b\n"
		"id: 11111111-2222-3333-4444-555555555556\n"
		"logsource:\n    category: process_creation\n"
		"detection:\n    sel:\n        Image: '*\\cmd.EXE'\n"
		"        CommandLine|contains: x\n    condition: sel\n";
	struct sc_ctx *ctx = tu_load(two, NULL);
	const struct sc_irnode *n0, *n1;

	cr_assert_eq(ctx->nrules, 2);
	cr_assert_eq(ctx->diags.nerrors, 0);
	n0 = sc_ir_get_node(ctx->ir, ctx->rules[0]->ir_root);
	n1 = sc_ir_get_node(ctx->ir, ctx->rules[1]->ir_root);
	cr_assert_eq(n0->op, SC_IR_ATOM);
	cr_assert_eq(n1->op, SC_IR_AND);
	cr_assert(n1->kids[0] == ctx->rules[0]->ir_root || n1->kids[1] == ctx->rules[0]->ir_root);
	sc_ctx_free(ctx);
}
