// SPDX-License-Identifier: Apache-2.0
/*
 * re2c code for Sigma regexes: the strategies CONST, RUN, DFA and
 * ANCHORED (SPLIT is in regex_split.c; regex_emit.c chooses among them).
 *
 *    CONST     the answer does not depend on the text beyond n == 0 (a
 *              nullable pattern without assertions, an impossible one):
 *              no automaton.
 *    RUN       the search is for C{m} (m >= RUN_MIN) with an end condition
 *              and no start one, e.g. ".{1000,}", "(.){200,}",
 *              "[^/]{100,}$": a loop counts the current run of members of
 *              C; re2c classifies one code point per iteration.
 *    DFA       one pass of re2c's DFA for
 *                  ( [^]* R | R_bot | [^]* K R_k ... ) S
 *              over the whole text, where the start context becomes a
 *              prefix (text start, or any text ending with a code point of
 *              kind K) and the end condition a suffix S (end of text, a
 *              final '\n', or a code point of an allowed kind followed by
 *              anything); when end conditions exist the rule must match
 *              the whole text (re2c's longest match reaches YYLIMIT
 *              exactly when the text is in the language). Linear time,
 *              whatever the text. The default.
 *    ANCHORED  re2c's DFA for R alone (no `[^]*`), tried at every start
 *              position whose first byte can begin a match (a 256-bit
 *              table, or memchr() for a single byte), with the start
 *              context computed in C (sc_re_ctx() of the prelude) and the
 *              end condition checked by one code point of look-ahead
 *              consumed by the rule, or, for end of text, by a second
 *              block whose match must reach YYLIMIT. R must not match "".
 */

#include "regex_emit_int.h"

#include <stdio.h>
#include <string.h>

/* Suffix of the text after a match whose end condition is pend (search form). */
struct rx *sc_rx_suffix(struct em *e, unsigned pend)
{
	struct rx *any = sc_rx_set(e, e->anyset), *anys = sc_rx_rep(e, any, 0, SC_RE_INF),
		  *r = NULL;
	struct rset la = {NULL, 0};
	unsigned k;

	if (pend == e->all)
		return anys;
	for (k = 0; k < e->nkinds; k++)
		if ((int)k != e->nl_kind && (pend & (1u << k)))
			la = sc_rs_union(e, la, e->kset[k]);
	r = sc_rx_alt(e, r, sc_rx_cat(e, sc_rx_set(e, la), anys));
	if (pend & e->eot_bit)
		r = sc_rx_alt(e, r, sc_rx_empty(e));
	if (e->nl_kind >= 0) {
		bool a = pend & (1u << e->nl_kind), b = pend & e->nlf_bit;
		struct rx *nl = sc_rx_set(e, e->kset[e->nl_kind]);

		if (a && b)
			r = sc_rx_alt(e, r, sc_rx_cat(e, nl, anys));
		else if (a)
			r = sc_rx_alt(e, r, sc_rx_cat3(e, nl, any, anys));
		else if (b)
			r = sc_rx_alt(e, r, nl);
	}
	return r;
}

/* Anchored form: one code point of look-ahead (A) or a match to the end (B). */
void sc_rx_anchored_parts(struct em *e, struct rx *r, unsigned pend, struct rx **a, struct rx **b)
{
	struct rx *any = sc_rx_set(e, e->anyset);
	struct rset la = {NULL, 0};
	unsigned k;

	if (pend == e->all) {
		*a = sc_rx_alt(e, *a, r);
		return;
	}
	for (k = 0; k < e->nkinds; k++)
		if ((int)k != e->nl_kind && (pend & (1u << k)))
			la = sc_rs_union(e, la, e->kset[k]);
	if (e->nl_kind >= 0) {
		bool x = pend & (1u << e->nl_kind), y = pend & e->nlf_bit;
		struct rx *nl = sc_rx_set(e, e->kset[e->nl_kind]);

		if (x && y)
			la = sc_rs_union(e, la, e->kset[e->nl_kind]);
		else if (x)
			*a = sc_rx_alt(e, *a, sc_rx_cat3(e, r, nl, any));
		else if (y)
			*b = sc_rx_alt(e, *b, sc_rx_cat(e, r, nl));
	}
	if (la.n)
		*a = sc_rx_alt(e, *a, sc_rx_cat(e, r, sc_rx_set(e, la)));
	if (pend & e->eot_bit)
		*b = sc_rx_alt(e, *b, r);
}

void sc_rx_emit_const(struct sc_buf *out, const char *fn, bool empty, bool other)
{
	sc_buf_printf(out,
		      "static bool %s(const uint8_t *s, size_t n)\n"
		      "{\n"
		      "\t(void)s;\n",
		      fn);
	if (empty == other)
		sc_buf_printf(out, "\t(void)n;\n\treturn %s;\n}\n\n", empty ? "true" : "false");
	else
		sc_buf_printf(out, "\treturn n %s 0;\n}\n\n", empty ? "==" : "!=");
}

/* C expression mapping sc_re_ctx()'s bits (in variable m) to a kind index. */
static void kind_expr(struct em *e, struct sc_buf *b)
{
	unsigned k, other = 0;

	for (k = 0; k < e->nkinds; k++) {
		unsigned f = e->kflags[k];

		if (f & KF_NL)
			sc_buf_printf(b, "(m & 1u) ? %uu : ", k);
		else if ((f & KF_WA) && (f & KF_WU))
			sc_buf_printf(b, "(m & 2u) ? %uu : ", k);
		else if (f & KF_WU)
			sc_buf_printf(b, "(m & %su) ? %uu : ", e->need_wa ? "4" : "6", k);
		else if (f & KF_WA)
			sc_buf_printf(b, "(m & 2u) ? %uu : ", k);
		else
			other = k;
	}
	sc_buf_printf(b, "%uu", other);
}

/*
 * RUN: the search is for C{m} with an end condition and no start one:
 * count the length of the current run of members of C, one code point per
 * iteration of a small re2c block.
 */
struct rx *sc_rx_run_shape(struct em *e, const struct start *st, unsigned nstarts, unsigned *pend)
{
	struct rx *r0 = NULL;
	uint32_t i;

	*pend = 0;
	if (nstarts != 1 || st[0].c0 != PREV_UNK || st[0].res.n == 0)
		return NULL;
	for (i = 0; i < st[0].res.n; i++) {
		if (r0 && st[0].res.v[i].r != r0)
			return NULL;
		r0 = st[0].res.v[i].r;
		*pend |= ST_PEND(st[0].res.v[i].st);
	}
	if (r0->k != RX_REP || r0->kids[0]->k != RX_SET || r0->min != r0->max ||
	    r0->min < RUN_MIN)
		return NULL;
	(void)e;
	return r0;
}

void sc_rx_emit_run(struct em *e, struct sc_buf *code, const char *fn, struct rx *r0, unsigned pend,
		    bool empty_ans)
{
	struct rset c = r0->kids[0]->set, notc = sc_rs_diff(e, e->anyset, c);
	uint32_t m = r0->min;
	unsigned k, in;
	char prefix[256];
	struct rx *parts[2 * 4 + 2];
	size_t np = 0;
	struct calpha ca;

	/* the alphabet of every part the loop below writes */
	for (k = 0; k < (pend == e->all ? 1u : e->nkinds); k++)
		for (in = 0; in < 2; in++)
			parts[np++] = sc_rx_set(
				e, pend != e->all ? sc_rs_inter(e, in ? c : notc, e->kset[k])
				   : in		  ? c
						  : notc);
	if (sc_calpha_build(e, &ca, parts, np))
		return;
	sc_rx_emit_peek(code, fn, &ca);
	sc_buf_printf(code,
		      "static bool %s(const uint8_t *s, size_t n)\n"
		      "{\n"
		      "\tconst uint8_t *YYCURSOR = s, *YYMARKER = s;\n"
		      "\tconst uint8_t *const YYLIMIT = s + n;\n"
		      "\tsize_t run = 0, yylen = 1;\n"
		      "\n"
		      "\t(void)YYMARKER;\n\t(void)yylen;\n"
		      "\tif (n == 0)\n"
		      "\t\treturn %s;\n"
		      "\tfor (;;) {\n"
		      "\t\t/*!local:re2c\n",
		      fn, empty_ans ? "true" : "false");
	sc_rx_block_conf(code, e->peek, "");
	for (k = 0; k < (pend == e->all ? 1u : e->nkinds); k++) {
		for (in = 0; in < 2; in++) {
			struct rset part = in ? c : notc;
			struct rx *bx;
			struct names nm = {prefix, SC_BUF_INIT};
			const char *ok = "0";

			if (pend != e->all)
				part = sc_rs_inter(e, part, e->kset[k]);
			if (part.n == 0)
				continue;
			if (pend != e->all) {
				if ((int)k == e->nl_kind) {
					bool a = pend & (1u << k), b = pend & e->nlf_bit;

					ok = a && b ? "1" : a ? "YYCURSOR != YYLIMIT" : b ? "YYCURSOR == YYLIMIT" : "0";
				} else {
					ok = pend & (1u << k) ? "1" : "0";
				}
			}
			snprintf(prefix, sizeof(prefix), "%s_%u%u", fn, k, in);
			bx = sc_rx_cenc(e, &ca, sc_rx_set(e, part));
			sc_rx_block_names(e, bx, &nm);
			sc_buf_printf(code, "%s\t", nm.defs.len ? sc_buf_cstr(&nm.defs) : "");
			sc_rx_text(code, bx, &nm);
			sc_buf_done(&nm.defs);
			sc_buf_puts(code, " {");
			if (strcmp(ok, "0") != 0)
				sc_buf_printf(code, " if (run >= %u && (%s)) return true;", m, ok);
			if (!in)
				sc_buf_puts(code, " run = 0;");
			else if (pend == e->all)
				sc_buf_printf(code, " if (++run >= %u) return true;", m);
			else
				sc_buf_puts(code, " run++;");
			sc_buf_puts(code, " continue; }\n");
		}
	}
	{
		char eof[64] = "false";

		if ((pend & e->eot_bit) && pend != e->all)
			snprintf(eof, sizeof(eof), "run >= %u", m);
		sc_buf_printf(code,
			      "\t* { return false; }\n"
			      "\t$ { return %s; }\n"
			      "\t\t*/\n"
			      "\t}\n"
			      "}\n\n",
			      eof);
	}
	sc_calpha_free(&ca);
}

void sc_rx_emit_dfa(struct em *e, struct sc_buf *code, const char *fn, struct rx *lb, bool all_free,
		    bool empty_ans)
{
	sc_buf_printf(code,
		      "static bool %s(const uint8_t *s, size_t n)\n"
		      "{\n"
		      "\tconst uint8_t *YYCURSOR = s, *YYMARKER = s;\n"
		      "\tconst uint8_t *const YYLIMIT = s + n;\n"
		      "\tsize_t yylen = 1;\n"
		      "\n"
		      "\t(void)YYMARKER;\n\t(void)yylen;\n"
		      "\tif (n == 0)\n"
		      "\t\treturn %s;\n",
		      fn, empty_ans ? "true" : "false");
	sc_rx_emit_block(e, code, fn, lb, "\t",
			 all_free ? "return true;" : "return YYCURSOR == YYLIMIT;",
			 "return false;");
	sc_buf_puts(code, "}\n\n");
}

void sc_rx_emit_anchored(struct em *e, struct sc_buf *code, const char *fn, const struct calpha *ca,
			 const struct start *starts, unsigned nstarts, struct rx **ba,
			 struct rx **bb, bool empty_ans)
{
	uint8_t ctab[32] = {0}, tab[32] = {0};
	unsigned nbytes = 0, lastbyte = 0, c, i, k, part;
	bool ctx = starts[0].c0 != PREV_UNK;

	for (i = 0; i < nstarts; i++) {
		sc_rx_first_bytes(ba[i], ctab);
		sc_rx_first_bytes(bb[i], ctab);
	}
	sc_rx_class_lead_bytes(ca, ctab, tab);
	for (c = 0; c < 256; c++)
		if (tab[c >> 3] & (1u << (c & 7))) {
			nbytes++;
			lastbyte = c;
		}
	sc_buf_printf(code, "static bool %s(const uint8_t *s, size_t n)\n{\n", fn);
	if (nbytes > 1) {
		sc_buf_printf(code, "\tstatic const uint8_t first[32] = {");
		for (c = 0; c < 32; c++)
			sc_buf_printf(code, "%s0x%02X", c ? ", " : "", tab[c]);
		sc_buf_puts(code, "};\n");
	}
	sc_buf_puts(code, "\tconst uint8_t *const YYLIMIT = s + n;\n"
			  "\tconst uint8_t *p, *YYCURSOR, *YYMARKER;\n"
			  "\tsize_t yylen = 1;\n");
	if (ctx)
		sc_buf_puts(code, "\tunsigned m, c0;\n");
	sc_buf_printf(code, "\n\tif (n == 0)\n\t\treturn %s;\n", empty_ans ? "true" : "false");
	sc_buf_puts(code, "\tfor (p = s; p < YYLIMIT; p++) {\n");
	if (nbytes == 1)
		sc_buf_printf(code,
			      "\t\tp = memchr(p, 0x%02X, (size_t)(YYLIMIT - p));\n"
			      "\t\tif (!p)\n"
			      "\t\t\tbreak;\n",
			      lastbyte);
	else
		sc_buf_puts(code, "\t\tif (!(first[*p >> 3] & (1u << (*p & 7))))\n"
				  "\t\t\tcontinue;\n");
	for (c = 0x80; c < 0xC0; c++)
		if (tab[c >> 3] & (1u << (c & 7))) {
			sc_buf_puts(code, "\t\tif (!sc_re_isstart(s, p, YYLIMIT))\n\t\t\tcontinue;\n");
			break;
		}
	if (ctx) {
		sc_buf_puts(code, "\t\tm = p == s ? 0u : sc_re_ctx(s, p);\n"
				  "\t\tc0 = p == s ? 99u : ");
		kind_expr(e, code);
		sc_buf_puts(code, ";\n\t\t(void)m;\n");
	}
	for (i = 0; i < nstarts; i++) {
		bool dup = false;

		for (k = 0; k < i; k++)
			dup |= ba[k] == ba[i] && bb[k] == bb[i];
		if (dup || (!ba[i] && !bb[i]))
			continue;
		if (ctx) {
			/* every start context with the same rules shares the blocks */
			sc_buf_puts(code, "\t\tif (");
			for (k = i; k < nstarts; k++)
				if (ba[k] == ba[i] && bb[k] == bb[i])
					sc_buf_printf(code, "%sc0 == %uu", k == i ? "" : " || ",
						      starts[k].c0 == PREV_BOT ? 99u : starts[k].c0);
			sc_buf_puts(code, ") {\n");
		} else {
			sc_buf_puts(code, "\t\t{\n");
		}
		for (part = 0; part < 2; part++) {
			struct rx *r = part ? bb[i] : ba[i];
			char prefix[256], label[300], action[400], other[320];

			if (!r)
				continue;
			snprintf(prefix, sizeof(prefix), "%s_%u%c", fn, i, part ? 'b' : 'a');
			snprintf(label, sizeof(label), "%s_%u%c", fn, i, part ? 'b' : 'a');
			snprintf(other, sizeof(other), "goto %s;", label);
			if (part)
				snprintf(action, sizeof(action),
					 "if (YYCURSOR == YYLIMIT) return true; goto %s;", label);
			else
				snprintf(action, sizeof(action), "return true;");
			sc_buf_puts(code, "\t\t\tYYCURSOR = YYMARKER = p;\n"
					  "\t\t\t(void)YYMARKER;\n"
					  "\t\t\t(void)yylen;\n");
			sc_rx_emit_block(e, code, prefix, r, "\t\t\t", action, other);
			sc_buf_printf(code, "%s:;\n", label);
		}
		sc_buf_puts(code, "\t\t}\n");
	}
	sc_buf_puts(code, "\t}\n\treturn false;\n}\n\n");
}
