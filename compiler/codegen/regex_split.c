// SPDX-License-Identifier: Apache-2.0
/*
 * re2c code for Sigma regexes: the strategy SPLIT (regex_emit.c chooses
 * it; regex_strat.c has the others).
 *
 *    SPLIT     R = X Y (no assertions), tried at every split point r whose
 *              byte can start Y and whose previous byte can end X: Y is
 *              matched forwards from r and X backwards from r (re2c reads
 *              backwards through the same generic API). A half that is a
 *              fixed-length part, a gap C{m,n} and a rest has its gap
 *              walked by a C loop (the rest's DFA tried after each
 *              admissible length), so each half's DFA only tracks one
 *              counter start. This is what `[^]*` in front of a counted
 *              gap after a prefix that can recur needs: the DFA of
 *              "(Get-Item|gci).{1,64}-Path.{1,64}\\(...)" has to track
 *              every place each gap may have started (over 100000 states),
 *              its halves need a few hundred.
 */

#include "regex_emit_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The mirror image of x: its matches read backwards. */
static struct rx *rx_reverse(struct em *e, struct rx *x)
{
	struct kidv v = {0};
	struct rx *y;
	uint32_t i;

	if (!x)
		return NULL;
	switch (x->k) {
	case RX_CAT:
		for (i = x->nkids; i-- > 0;)
			sc_kv_push(&v, rx_reverse(e, x->kids[i]));
		y = sc_rx_catv(e, v.v, v.n);
		free(v.v);
		return y;
	case RX_ALT:
		for (i = 0; i < x->nkids; i++)
			sc_kv_push(&v, rx_reverse(e, x->kids[i]));
		y = sc_rx_altv(e, v.v, v.n);
		free(v.v);
		return y;
	case RX_REP:
		return sc_rx_rep(e, rx_reverse(e, x->kids[0]), x->min, x->max);
	default:
		return x;
	}
}

/* Length in code points of every match of x, or -1 when matches differ in length. */
static int64_t fixed_len(const struct rx *x)
{
	int64_t n = 0, k;
	uint32_t i;

	switch (x->k) {
	case RX_EMPTY:
		return 0;
	case RX_SET:
		return 1;
	case RX_CAT:
		for (i = 0; i < x->nkids; i++) {
			k = fixed_len(x->kids[i]);
			if (k < 0)
				return -1;
			n += k;
		}
		return n;
	case RX_ALT:
		n = fixed_len(x->kids[0]);
		for (i = 1; i < x->nkids && n >= 0; i++)
			if (fixed_len(x->kids[i]) != n)
				return -1;
		return n;
	case RX_REP:
		if (x->min != x->max)
			return -1;
		k = fixed_len(x->kids[0]);
		return k < 0 ? -1 : k * x->min;
	default:
		return -1;
	}
}
#define GAP_SPAN 8u /* C{m,n} with n - m >= GAP_SPAN (or unbounded) is walked as a gap */

static bool est_ok(struct rx *x, struct half *h)
{
	struct est es;

	if (!x)
		return true;
	es = sc_rx_dfa_estimate(x);
	if (es.over || es.cost > BLOCK_COST_LIMIT)
		return false;
	h->states = es.states > h->states ? es.states : h->states;
	h->cost += es.cost;
	return true;
}

static bool plan_half(struct em *e, const struct calpha *ca, struct rx *x, struct half *h)
{
	uint32_t g, n = x->k == RX_CAT ? x->nkids : 1;
	struct rx *const *kids = x->k == RX_CAT ? x->kids : &x;

	memset(h, 0, sizeof(*h));
	for (g = 0; g < n; g++) {
		struct rx *k = kids[g];

		if (k->k == RX_REP && k->kids[0]->k == RX_SET &&
		    (k->max == SC_RE_INF || k->max - k->min >= GAP_SPAN))
			break;
		if (fixed_len(k) < 0) {
			g = n;
			break;
		}
	}
	if (g < n) {
		struct rx *fix = sc_rx_catv(e, kids, g),
			  *rest = sc_rx_catv(e, kids + g + 1, n - g - 1);

		h->fix = fix->k == RX_EMPTY ? NULL : sc_rx_cenc(e, ca, fix);
		h->gap = sc_rx_cenc(e, ca, kids[g]->kids[0]);
		h->gmin = kids[g]->min;
		h->gmax = kids[g]->max;
		h->rest = rest->k == RX_EMPTY ? NULL : sc_rx_cenc(e, ca, rest);
		if (h->rest && h->rest->nullable) {
			/* the rest can match empty: any admissible gap length will do */
			h->rest = NULL;
		}
		if (!h->fix && !h->rest && h->gmin == 0)
			return false; /* nullable half */
		return est_ok(h->fix, h) && est_ok(h->rest, h);
	}
	h->whole = sc_rx_cenc(e, ca, x);
	return !h->whole->nullable && est_ok(h->whole, h);
}

/* Bytes at p that can begin the half (fwd), or at p[-1] that can end it (!fwd). */
static void half_bytes(const struct calpha *ca, const struct half *h, bool fwd, uint8_t tab[32])
{
	uint8_t ctab[32] = {0};
	uint32_t i, c, fffd = ca->cls[sc_calpha_find(ca, 0xFFFD)];

	if (h->whole)
		sc_rx_first_bytes(h->whole, ctab);
	else if (h->fix)
		sc_rx_first_bytes(h->fix, ctab);
	else {
		sc_rx_first_bytes(h->gap, ctab);
		if (h->gmin == 0)
			sc_rx_first_bytes(h->rest, ctab);
	}
	if (fwd) {
		sc_rx_class_lead_bytes(ca, ctab, tab);
		return;
	}
	/* the last byte of a code point: itself (ASCII), a continuation byte, or invalid */
	for (i = 0; i < ca->n; i++) {
		uint32_t lo = ca->lo[i], hi = ca->lo[i + 1] - 1;

		if (!(ctab[ca->cls[i] >> 3] & (1u << (ca->cls[i] & 7))))
			continue;
		for (c = lo; c <= hi && c < 0x80; c++)
			tab[c >> 3] |= (uint8_t)(1u << (c & 7));
		if (hi >= 0x80)
			for (c = 0x80; c < 0xC0; c++)
				tab[c >> 3] |= (uint8_t)(1u << (c & 7));
	}
	if (ctab[fffd >> 3] & (1u << (fffd & 7)))
		for (c = 0x80; c < 0x100; c++)
			tab[c >> 3] |= (uint8_t)(1u << (c & 7));
}

/* Can matching the half run over the whole text (an unbounded loop or gap)? */
bool sc_rx_half_unbounded(const struct half *h)
{
	return (h->gap && h->gmax == SC_RE_INF) || (h->whole && sc_rx_has_star(h->whole)) ||
	       (h->fix && sc_rx_has_star(h->fix)) || (h->rest && sc_rx_has_star(h->rest));
}

static unsigned count_bytes(const uint8_t tab[32])
{
	unsigned c, n = 0;

	for (c = 0; c < 256; c++)
		n += (tab[c >> 3] >> (c & 7)) & 1;
	return n;
}

static void emit_table(struct sc_buf *code, const char *name, const uint8_t tab[32])
{
	unsigned c;

	sc_buf_printf(code, "static const uint8_t %s[32] = {", name);
	for (c = 0; c < 32; c++)
		sc_buf_printf(code, "%s0x%02X", c ? ", " : "", tab[c]);
	sc_buf_puts(code, "};\n");
}

/* The static function FN_<tag>(p, YYLIMIT) that matches half h from p. */
static void emit_half(struct em *e, struct sc_buf *code, const char *fn, const char *tag,
		      const struct half *h, bool fwd)
{
	char name[256], pre[300], lab[320], act[400];

	snprintf(name, sizeof(name), "%s_%s", fn, tag);
	if (h->gap) {
		uint8_t gtab[32] = {0};

		sc_rx_first_bytes(h->gap, gtab);
		snprintf(pre, sizeof(pre), "%s_g", name);
		emit_table(code, pre, gtab);
	}
	sc_buf_printf(code,
		      "static bool %s(const uint8_t *p, const uint8_t *YYLIMIT)\n"
		      "{\n"
		      "\tconst uint8_t *YYCURSOR = p, *YYMARKER = p;\n"
		      "\tsize_t yylen = 1;\n",
		      name);
	if (h->gap)
		sc_buf_puts(code, "\tuint32_t k;\n");
	sc_buf_puts(code, "\n\t(void)YYMARKER;\n\t(void)yylen;\n");
	e->rev = !fwd;
	if (h->whole) {
		snprintf(pre, sizeof(pre), "%s_w", name);
		sc_rx_emit_block(e, code, pre, h->whole, "\t", "return true;", "return false;");
		sc_buf_puts(code, "}\n\n");
		e->rev = false;
		return;
	}
	if (h->fix) {
		snprintf(pre, sizeof(pre), "%s_f", name);
		snprintf(act, sizeof(act), "p = YYCURSOR; goto %s_g0;", name);
		sc_rx_emit_block(e, code, pre, h->fix, "\t", act, "return false;");
		sc_buf_printf(code, "%s_g0:\n", name);
	}
	sc_buf_puts(code, "\tfor (k = 0;; k++) {\n");
	if (h->rest) {
		snprintf(pre, sizeof(pre), "%s_r", name);
		snprintf(lab, sizeof(lab), "%s_n", name);
		snprintf(act, sizeof(act), "goto %s;", lab);
		if (h->gmin)
			sc_buf_printf(code, "\t\tif (k >= %uu) {\n", h->gmin);
		else
			sc_buf_puts(code, "\t\t{\n");
		sc_buf_puts(code, "\t\t\tYYCURSOR = YYMARKER = p;\n");
		sc_rx_emit_block(e, code, pre, h->rest, "\t\t\t", "return true;", act);
		sc_buf_printf(code, "\t\t}\n%s:\n", lab);
	} else {
		if (h->gmin)
			sc_buf_printf(code, "\t\tif (k >= %uu)\n\t\t\treturn true;\n", h->gmin);
		else
			sc_buf_puts(code, "\t\treturn true;\n");
	}
	if (h->gmax != SC_RE_INF)
		sc_buf_printf(code, "\t\tif (k == %uu)\n\t\t\treturn false;\n", h->gmax);
	if (fwd)
		sc_buf_printf(code,
			      "\t\tif (p >= YYLIMIT || !((%s_g[%s_c(p, YYLIMIT) >> 3] >> "
			      "(%s_c(p, YYLIMIT) & 7)) & 1))\n"
			      "\t\t\treturn false;\n"
			      "\t\tp += sc_re_len(p, YYLIMIT);\n",
			      name, e->peek, e->peek);
	else
		sc_buf_printf(code,
			      "\t\tif (p <= YYLIMIT || !((%s_g[%s_c(sc_re_rstart(YYLIMIT, p), p) >> 3] >> "
			      "(%s_c(sc_re_rstart(YYLIMIT, p), p) & 7)) & 1))\n"
			      "\t\t\treturn false;\n"
			      "\t\tp = sc_re_rstart(YYLIMIT, p);\n",
			      name, e->peek, e->peek);
	sc_buf_puts(code, "\t}\n}\n\n");
	e->rev = false;
}

/*
 * SPLIT: R = X Y, tried at every split point r whose bytes can end X and
 * start Y: Y forward from r, X backward from r (both anchored at r, so a
 * counted gap next to the split starts at one place and the DFAs stay
 * small where the DFA of R is not).
 */
void sc_rx_emit_split(struct em *e, struct sc_buf *code, const char *fn, const struct calpha *ca,
		      const struct half *hx, const struct half *hy, bool empty_ans)
{
	uint8_t ty[32] = {0}, tx[32] = {0};
	unsigned c, ny, nx, lastbyte = 0;
	bool cont = false;

	emit_half(e, code, fn, "y", hy, true);
	emit_half(e, code, fn, "x", hx, false);
	half_bytes(ca, hy, true, ty);
	half_bytes(ca, hx, false, tx);
	ny = count_bytes(ty);
	nx = count_bytes(tx);
	for (c = 0; c < 256; c++)
		if (ty[c >> 3] & (1u << (c & 7))) {
			lastbyte = c;
			cont |= c >= 0x80 && c < 0xC0;
		}
	sc_buf_printf(code, "static bool %s(const uint8_t *s, size_t n)\n{\n", fn);
	if (ny > 1 && ny < 256) {
		sc_buf_putc(code, '\t');
		emit_table(code, "fy", ty);
	}
	if (nx < 256) {
		sc_buf_putc(code, '\t');
		emit_table(code, "fx", tx);
	}
	sc_buf_printf(code, "\tconst uint8_t *const e = s + n;\n"
			    "\tconst uint8_t *r;\n"
			    "\n\tif (n == 0)\n\t\treturn %s;\n"
			    "\tfor (r = s + 1; r < e; r++) {\n",
		      empty_ans ? "true" : "false");
	if (ny == 1)
		sc_buf_printf(code,
			      "\t\tr = memchr(r, 0x%02X, (size_t)(e - r));\n"
			      "\t\tif (!r)\n"
			      "\t\t\tbreak;\n",
			      lastbyte);
	else if (ny < 256)
		sc_buf_puts(code, "\t\tif (!(fy[*r >> 3] & (1u << (*r & 7))))\n"
				  "\t\t\tcontinue;\n");
	if (nx < 256)
		sc_buf_puts(code, "\t\tif (!(fx[r[-1] >> 3] & (1u << (r[-1] & 7))))\n"
				  "\t\t\tcontinue;\n");
	if (cont)
		sc_buf_puts(code, "\t\tif (!sc_re_isstart(s, r, e))\n\t\t\tcontinue;\n");
	sc_buf_printf(code,
		      "\t\tif (%s_y(r, e) && %s_x(r, s))\n"
		      "\t\t\treturn true;\n"
		      "\t}\n\treturn false;\n}\n\n",
		      fn, fn);
}

/*
 * The best split R = X Y for SPLIT (no assertions: one start, one end
 * condition): both halves non-nullable and within the limits, fewest
 * estimated code units, with a penalty for split points a byte filter
 * cannot single out. False when there is none.
 */
bool sc_rx_pick_split(struct em *e, const struct calpha *ca, const struct start *st,
		      unsigned nstarts, struct half *bx, struct half *by)
{
	struct rx *r;
	uint64_t score, best_score = UINT64_MAX;
	uint32_t k;

	if (nstarts != 1 || st[0].c0 != PREV_UNK || st[0].res.n != 1 ||
	    ST_PEND(st[0].res.v[0].st) != e->all)
		return false;
	r = st[0].res.v[0].r;
	if (r->k != RX_CAT)
		return false;
	for (k = 1; k < r->nkids && !e->failed; k++) {
		struct rx *x = sc_rx_catv(e, r->kids, k),
			  *y = sc_rx_catv(e, r->kids + k, r->nkids - k);
		struct half hx, hy;
		uint8_t tx[32] = {0}, ty[32] = {0};
		unsigned nx, ny;

		if (x->nullable || y->nullable)
			continue;
		if (!plan_half(e, ca, rx_reverse(e, x), &hx) || !plan_half(e, ca, y, &hy))
			continue;
		half_bytes(ca, &hy, true, ty);
		half_bytes(ca, &hx, false, tx);
		nx = count_bytes(tx);
		ny = count_bytes(ty);
		score = hx.cost + hy.cost + 64 * (uint64_t)(nx < ny ? nx : ny);
		if (score < best_score) {
			best_score = score;
			*bx = hx;
			*by = hy;
		}
	}
	return best_score != UINT64_MAX && !e->failed;
}
