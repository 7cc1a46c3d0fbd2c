// SPDX-License-Identifier: Apache-2.0
/*
 * re2c code for Sigma regexes (regex_emit.h): the entry points, the choice
 * of a strategy, the prelude.
 *
 * PIPELINE (regex_emit_int.h lists the files)
 *
 * 1. Lowering and 2. search simplification: regex_rx.c.
 * 3. Assertions: regex_assert.c.
 * 4. Alphabet: regex_alpha.c; the re2c text of the blocks: regex_block.c.
 * 5. Strategy (per pattern), chosen with our own subset construction of
 *    each candidate automaton over the class alphabet (sc_rx_dfa_estimate()
 *    in regex_est.c: DFA states before minimization, and "code units", the
 *    states plus their transition ranges, which track the size of re2c's
 *    output). The strategies are described where they are emitted: CONST,
 *    RUN, DFA and ANCHORED in regex_strat.c, SPLIT in regex_split.c.
 *    The policy: DFA when its estimate is at most CHEAP_COST code units;
 *    otherwise the cheapest of DFA, ANCHORED and SPLIT, the latter two
 *    counted three times (several start positions per text), and used
 *    instead of a DFA within the limits only when no attempt from one
 *    start can run to the end of the text (no unbounded loop: then their
 *    time is linear too, with a constant bounded by the pattern's
 *    counts); an unbounded loop makes them O(n^2) in the worst case, so
 *    they are then only a fallback for a pattern whose DFA is over the
 *    limits (DFA_LIMIT states, DFA_COST_LIMIT code units, BLOCK_COST_LIMIT
 *    for one block of SPLIT). Anything over every limit is -ENOTSUP ("regex
 *    needs a DFA larger than the limits"), as are the constructs no DFA
 *    expresses. The limits keep gcc's time per function to seconds (its
 *    -O2 time grows faster than linearly with a function's size) and
 *    re2c's under a second for the whole corpus.
 */

#include "regex_emit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "regex_emit_int.h"
#include "regex_lit.h"
#include "utf8.h"

static void em_free(struct em *e)
{
	size_t j;

	for (j = 0; j < e->memocap; j++)
		if (e->memo && e->memo[j].used)
			sc_ov_free(&e->memo[j].res);
	free(e->memo);
	free(e->tab);
	free(e->bmemo);
	sc_arena_free(e->a);
}

static int emit_fn(struct sc_buf *out, const char *fn, const struct sc_re *re, struct sc_buf *why,
		   struct sc_regex_emit_info *info)
{
	static const struct sc_re_range anyr[] = {{0, 0xD7FF}, {0xE000, CP_MAX}};
	struct em e = {0};
	struct sc_regex_emit_info inf = {0};
	struct rx *root, *search, *l = NULL, *lb = NULL, *r0;
	struct rx *ra[MAX_STARTS] = {NULL}, *rb[MAX_STARTS] = {NULL};
	struct rx *ba[MAX_STARTS] = {NULL}, *bb[MAX_STARTS] = {NULL};
	struct start starts[MAX_STARTS];
	struct est edfa = {0, 0, true}, ea = {0, 0, false};
	unsigned nstarts = 0, i, k, pend;
	bool empty_ans, all_free = true, anch_ok = true, anch_loops = false, use_dfa;
	struct sc_buf code = SC_BUF_INIT;
	struct calpha ca = {0};
	struct half hx, hy;
	int rc = 0;

	memset(starts, 0, sizeof(starts));
	e.a = sc_arena_new();
	e.peek = fn;
	e.anyset = sc_rs_make(&e, anyr, 2);
	if (re->cls == SC_RE_UNSUPPORTED) {
		struct sc_buf f = SC_BUF_INIT;

		sc_re_features_describe(re->features, &f);
		sc_rx_fail(&e, "regex uses constructs no DFA can match (%s)", sc_buf_cstr(&f));
		sc_buf_done(&f);
		goto out;
	}
	root = sc_rx_lower(&e, re->root);
	if (e.failed)
		goto out;
	empty_ans = sc_rx_empty_text_match(root);
	search = sc_rx_strip_edge(&e, sc_rx_strip_edge(&e, root, true), false);
	inf.has_assertions = search && search->has_assert;

	/* CONST: impossible, or matches everywhere */
	if (!search || (!search->has_assert && search->nullable)) {
		inf.strategy = SC_REGEX_CONST;
		sc_rx_emit_const(&code, fn, empty_ans, search != NULL);
		goto done;
	}

	/* step 3: the assertion product, per start context */
	sc_rx_scan_asserts(&e, search);
	sc_rx_setup_kinds(&e);
	if (search->first_look) {
		starts[nstarts++].c0 = PREV_BOT;
		for (k = 0; k < e.nkinds; k++)
			starts[nstarts++].c0 = k;
	} else {
		starts[nstarts++].c0 = PREV_UNK;
	}
	for (i = 0; i < nstarts; i++) {
		starts[i].res = sc_rx_apply(&e, search, ST(starts[i].c0, e.all), false);
		for (k = 0; k < starts[i].res.n; k++)
			all_free &= ST_PEND(starts[i].res.v[k].st) == e.all;
	}
	if (e.failed)
		goto out;

	/* RUN */
	r0 = sc_rx_run_shape(&e, starts, nstarts, &pend);
	if (r0) {
		inf.strategy = SC_REGEX_RUN;
		sc_rx_emit_run(&e, &code, fn, r0, pend, empty_ans);
		goto done;
	}

	/* the search form: ([^]* R | R_bot | [^]* K R_k) S */
	{
		struct rx *any = sc_rx_set(&e, e.anyset), *anys = sc_rx_rep(&e, any, 0, SC_RE_INF);
		struct rx *bykind[MAX_STARTS] = {NULL};
		struct rset kset[MAX_STARTS];
		unsigned nby = 0, j;

		for (i = 0; i < nstarts; i++) {
			struct rx *body = NULL;

			for (k = 0; k < starts[i].res.n; k++) {
				struct out *o = &starts[i].res.v[k];

				body = sc_rx_alt(
					&e, body,
					all_free ? o->r
						 : sc_rx_cat(&e, o->r,
							     sc_rx_suffix(&e, ST_PEND(o->st))));
			}
			if (!body)
				continue;
			if (starts[i].c0 == PREV_UNK) {
				l = sc_rx_alt(&e, l, sc_rx_cat(&e, anys, body));
			} else if (starts[i].c0 == PREV_BOT) {
				l = sc_rx_alt(&e, l, body);
			} else {
				for (j = 0; j < nby && bykind[j] != body; j++)
					;
				if (j == nby) {
					bykind[nby] = body;
					kset[nby++] = e.kset[starts[i].c0];
				} else {
					kset[j] = sc_rs_union(&e, kset[j], e.kset[starts[i].c0]);
				}
			}
		}
		for (j = 0; j < nby; j++)
			l = sc_rx_alt(&e, l,
				      sc_rx_cat3(&e, anys, sc_rx_set(&e, kset[j]), bykind[j]));
	}
	if (!l) {
		inf.strategy = SC_REGEX_CONST;
		sc_rx_emit_const(&code, fn, empty_ans, false);
		goto done;
	}
	if (l->nullable) {
		/*
		 * Every non-empty text has a matching prefix (all_free), or the
		 * whole-text language only gains the empty text, which n > 0 rules out.
		 */
		if (all_free) {
			inf.strategy = SC_REGEX_CONST;
			sc_rx_emit_const(&code, fn, empty_ans, true);
			goto done;
		}
		l = sc_rx_nonempty(&e, l);
		if (!l) {
			inf.strategy = SC_REGEX_CONST;
			sc_rx_emit_const(&code, fn, empty_ans, false);
			goto done;
		}
	}
	/* the anchored form, at code point level */
	for (i = 0; i < nstarts; i++)
		for (k = 0; k < starts[i].res.n; k++)
			sc_rx_anchored_parts(&e, starts[i].res.v[k].r,
					     ST_PEND(starts[i].res.v[k].st), &ra[i], &rb[i]);
	/* one alphabet for both forms, then their class-level encodings */
	{
		struct rx *roots[1 + 2 * MAX_STARTS];
		size_t nr = 0;

		roots[nr++] = l;
		for (i = 0; i < nstarts; i++) {
			roots[nr++] = ra[i];
			roots[nr++] = rb[i];
		}
		if (sc_calpha_build(&e, &ca, roots, nr))
			goto out;
	}
	lb = sc_rx_cenc(&e, &ca, l);
	edfa = sc_rx_dfa_estimate(lb);
	for (i = 0; i < nstarts; i++) {
		for (k = 0; k < 2; k++) {
			struct rx *r = k ? rb[i] : ra[i];
			struct est es;

			if (!r)
				continue;
			anch_ok &= !r->nullable;
			anch_loops |= sc_rx_has_star(r);
			if (k)
				bb[i] = sc_rx_cenc(&e, &ca, r);
			else
				ba[i] = sc_rx_cenc(&e, &ca, r);
			es = sc_rx_dfa_estimate(k ? bb[i] : ba[i]);
			anch_ok &= !es.over;
			ea.states = es.states > ea.states ? es.states : ea.states;
			ea.cost += es.cost;
		}
	}
	if (e.failed)
		goto out;

	/*
	 * The policy (see the top of the file): the one-pass DFA when it is
	 * small; otherwise the cheapest in estimated code of DFA, ANCHORED and
	 * SPLIT, where the latter two must be three times cheaper than the DFA
	 * (they try several start positions), and are only used instead of a
	 * DFA within the limits when no match attempt can run to the end of the
	 * text (no unbounded loop: bounded work per start position).
	 */
	inf.search_states = edfa.over ? 0 : edfa.states;
	inf.search_cost = edfa.over ? 0 : edfa.cost;
	if (!edfa.over && edfa.cost <= CHEAP_COST) {
		use_dfa = true;
	} else {
		uint64_t cd = edfa.over ? UINT64_MAX : edfa.cost;
		uint64_t cq = UINT64_MAX, cs = UINT64_MAX;

		if (anch_ok && (!anch_loops || edfa.over))
			cq = 3 * ea.cost;
		if (sc_rx_pick_split(&e, &ca, starts, nstarts, &hx, &hy) &&
		    (edfa.over || (!sc_rx_half_unbounded(&hx) && !sc_rx_half_unbounded(&hy))))
			cs = 3 * (hx.cost + hy.cost + 50);
		if (cs < cd && cs < cq) {
			inf.strategy = SC_REGEX_SPLIT;
			inf.dfa_states = hx.states > hy.states ? hx.states : hy.states;
			inf.dfa_cost = hx.cost + hy.cost;
			sc_rx_emit_peek(&code, fn, &ca);
			sc_rx_emit_split(&e, &code, fn, &ca, &hx, &hy, empty_ans);
			goto done;
		}
		if (cd == UINT64_MAX && cq == UINT64_MAX) {
			sc_rx_fail(
				&e,
				"regex needs a DFA larger than the limits (%u states, %u code units)",
				DFA_LIMIT, DFA_COST_LIMIT);
			goto out;
		}
		use_dfa = cd <= cq;
	}
	if (use_dfa) {
		inf.strategy = SC_REGEX_DFA;
		inf.dfa_states = edfa.states;
		inf.dfa_cost = edfa.cost;
		sc_rx_emit_peek(&code, fn, &ca);
		sc_rx_emit_dfa(&e, &code, fn, lb, all_free, empty_ans);
	} else {
		inf.strategy = SC_REGEX_ANCHORED;
		inf.dfa_states = ea.states;
		inf.dfa_cost = ea.cost;
		sc_rx_emit_peek(&code, fn, &ca);
		sc_rx_emit_anchored(&e, &code, fn, &ca, starts, nstarts, ba, bb, empty_ans);
	}

done:
	if (e.failed)
		goto out;
	inf.bytes = code.len;
	sc_buf_add(out, code.data, code.len);
out:
	if (e.failed) {
		rc = -ENOTSUP;
		if (why)
			sc_buf_puts(why, e.why);
	}
	if (info)
		*info = inf;
	for (i = 0; i < nstarts; i++)
		sc_ov_free(&starts[i].res);
	sc_calpha_free(&ca);
	sc_buf_done(&code);
	em_free(&e);
	return rc;
}

/* Bytes common in event text come last among the required bytes checked. */
static bool common_byte(unsigned c)
{
	return (c | 0x20) - 'a' < 26 || c - '0' < 10 || strchr(" \\./-:_", (int)c);
}

/*
 * With required bytes (sc_regex_required_bytes), fn is a wrapper: up to
 * MAX_REQ memchr() calls, the rarer bytes first, reject most texts before
 * the automaton (fn_m) runs; each stops at the byte's first occurrence.
 */
#define MAX_REQ 3

int sc_regex_emit_ex(struct sc_buf *out, const char *fn, const struct sc_re *re,
		     struct sc_buf *why, struct sc_regex_emit_info *info)
{
	unsigned req[MAX_REQ], nreq = 0, pass, c;
	uint64_t set[2];
	char inner[128];
	int rc;

	sc_regex_required_bytes(re, set);
	for (pass = 0; pass < 2; pass++)
		for (c = 1; c < 0x80 && nreq < MAX_REQ; c++)
			if ((set[c / 64] >> (c % 64) & 1) && common_byte(c) == (pass == 1))
				req[nreq++] = c;
	if (!nreq || strlen(fn) + 3 > sizeof(inner))
		return emit_fn(out, fn, re, why, info);
	snprintf(inner, sizeof(inner), "%s_m", fn);
	rc = emit_fn(out, inner, re, why, info);
	if (rc < 0)
		return rc;
	sc_buf_printf(out, "/* every match contains the byte%s", nreq > 1 ? "s" : "");
	for (c = 0; c < nreq; c++)
		sc_buf_printf(out, " 0x%02X", req[c]);
	sc_buf_printf(out, " */\nstatic bool %s(const uint8_t *s, size_t n)\n{\n\tif (n == 0", fn);
	for (c = 0; c < nreq; c++)
		sc_buf_printf(out, " || !memchr(s, 0x%02X, n)", req[c]);
	sc_buf_printf(out, ")\n\t\treturn false;\n\treturn %s(s, n);\n}\n\n", inner);
	return 0;
}

int sc_regex_emit(struct sc_buf *out, const char *fn, const struct sc_re *re, struct sc_buf *why)
{
	return sc_regex_emit_ex(out, fn, re, why, NULL);
}

/* ---------------------------------------------------------------- */
/* Prelude                                                           */

void sc_regex_emit_prelude(struct sc_buf *out)
{
	size_t n, i, k = 0;
	const uint32_t(*t)[2] = sc_ucd_ranges(SC_UCD_WORD, &n);

	sc_buf_puts(out, "#include <string.h>\n"
			 "\n"
			 "/*\n"
			 " * The code point at p < e and its length in *len (when len is not NULL):\n"
			 " * invalid UTF-8 is one byte read as U+FFFD, as the reference matcher does.\n"
			 " */\n"
			 "static inline __attribute__((unused)) uint32_t sc_re_cp(const uint8_t *p, const uint8_t *e, size_t *len)\n"
			 "{\n"
			 "\tsize_t k, i, n = (size_t)(e - p);\n"
			 "\tuint32_t cp, min;\n"
			 "\n"
			 "\tif (len)\n"
			 "\t\t*len = 1;\n"
			 "\tif (p[0] < 0x80)\n"
			 "\t\treturn p[0];\n"
			 "\tif ((p[0] & 0xE0) == 0xC0) {\n"
			 "\t\tk = 2, cp = p[0] & 0x1Fu, min = 0x80;\n"
			 "\t} else if ((p[0] & 0xF0) == 0xE0) {\n"
			 "\t\tk = 3, cp = p[0] & 0x0Fu, min = 0x800;\n"
			 "\t} else if ((p[0] & 0xF8) == 0xF0) {\n"
			 "\t\tk = 4, cp = p[0] & 0x07u, min = 0x10000;\n"
			 "\t} else {\n"
			 "\t\treturn 0xFFFD;\n"
			 "\t}\n"
			 "\tif (n < k)\n"
			 "\t\treturn 0xFFFD;\n"
			 "\tfor (i = 1; i < k; i++) {\n"
			 "\t\tif ((p[i] & 0xC0) != 0x80)\n"
			 "\t\t\treturn 0xFFFD;\n"
			 "\t\tcp = cp << 6 | (p[i] & 0x3Fu);\n"
			 "\t}\n"
			 "\tif (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))\n"
			 "\t\treturn 0xFFFD;\n"
			 "\tif (len)\n"
			 "\t\t*len = k;\n"
			 "\treturn cp;\n"
			 "}\n"
			 "\n"
			 "static __attribute__((noinline, unused)) size_t sc_re_len_slow(const uint8_t *p,\n"
			 "\t\t\t\t\t\t\t\t   const uint8_t *e)\n"
			 "{\n"
			 "\tsize_t len;\n"
			 "\n"
			 "\tsc_re_cp(p, e, &len);\n"
			 "\treturn len;\n"
			 "}\n"
			 "\n"
			 "/* YYSKIP: the length of the code point at p < e. */\n"
			 "static inline __attribute__((unused)) size_t sc_re_len(const uint8_t *p, const uint8_t *e)\n"
			 "{\n"
			 "\treturn *p < 0x80 ? 1 : sc_re_len_slow(p, e);\n"
			 "}\n"
			 "\n"
			 "/*\n"
			 " * The start of the code point that ends at p (s < p), as reading forwards\n"
			 " * from s would decode it: a valid sequence, or one invalid byte.\n"
			 " */\n"
			 "static __attribute__((noinline, unused)) const uint8_t *\n"
			 "sc_re_rstart_slow(const uint8_t *s, const uint8_t *p)\n"
			 "{\n"
			 "\tconst uint8_t *q = p - 1;\n"
			 "\tsize_t len;\n"
			 "\n"
			 "\tif ((*q & 0xC0) != 0x80)\n"
			 "\t\treturn q;\n"
			 "\twhile (q > s && q > p - 4 && (*q & 0xC0) == 0x80)\n"
			 "\t\tq--;\n"
			 "\tif ((*q & 0xC0) != 0x80) {\n"
			 "\t\tsc_re_cp(q, p, &len);\n"
			 "\t\tif (q + len == p)\n"
			 "\t\t\treturn q;\n"
			 "\t}\n"
			 "\treturn p - 1;\n"
			 "}\n"
			 "\n"
			 "static inline __attribute__((unused)) const uint8_t *sc_re_rstart(const uint8_t *s, const uint8_t *p)\n"
			 "{\n"
			 "\treturn p[-1] < 0x80 ? p - 1 : sc_re_rstart_slow(s, p);\n"
			 "}\n"
			 "\n"
			 "/* Does a code point start at p (s <= p < e), reading forwards from s? */\n"
			 "static inline __attribute__((unused)) bool sc_re_isstart(const uint8_t *s, const uint8_t *p, const uint8_t *e)\n"
			 "{\n"
			 "\tconst uint8_t *q = p;\n"
			 "\tsize_t len;\n"
			 "\n"
			 "\tif ((*p & 0xC0) != 0x80)\n"
			 "\t\treturn true;\n"
			 "\twhile (q > s && q > p - 3 && (*q & 0xC0) == 0x80)\n"
			 "\t\tq--;\n"
			 "\tif ((*q & 0xC0) == 0x80)\n"
			 "\t\treturn true;\n"
			 "\tsc_re_cp(q, e, &len);\n"
			 "\treturn q + len <= p;\n"
			 "}\n"
			 "\n"
			 "/* The class of non-ASCII cp: the last run of t[0..n) starting at or before cp. */\n"
			 "static inline __attribute__((unused)) uint8_t sc_re_class(const uint32_t (*t)[2], size_t n, uint32_t cp,\n"
			 "\t\t\t\t   uint8_t dflt)\n"
			 "{\n"
			 "\tsize_t lo = 0, hi = n;\n"
			 "\n"
			 "\twhile (lo < hi) {\n"
			 "\t\tsize_t mid = lo + (hi - lo) / 2;\n"
			 "\n"
			 "\t\tif (t[mid][0] <= cp)\n"
			 "\t\t\tlo = mid + 1;\n"
			 "\t\telse\n"
			 "\t\t\thi = mid;\n"
			 "\t}\n"
			 "\treturn lo ? (uint8_t)t[lo - 1][1] : dflt;\n"
			 "}\n"
			 "\n"
			 "/*\n"
			 " * What precedes p (s < p, valid UTF-8): bit 0 a '\\n', bit 1 an ASCII word\n"
			 " * character, bit 2 another word character of Python's re (str.isalnum()\n"
			 " * or '_'); 0 for anything else. Used by regexes with \\b \\B ^ at the start.\n"
			 " */\n"
			 "static inline __attribute__((unused)) unsigned sc_re_ctx(const uint8_t *s, const uint8_t *p)\n"
			 "{\n"
			 "\tstatic const uint32_t w[][2] = {");
	for (i = 0; i < n; i++) {
		uint32_t lo = t[i][0] < 0x80 ? 0x80 : t[i][0];

		if (t[i][1] < 0x80)
			continue;
		sc_buf_printf(out, "%s{0x%X, 0x%X},", k % 6 ? " " : "\n\t\t", lo, t[i][1]);
		k++;
	}
	sc_buf_puts(out,
		    "\n\t};\n"
		    "\tconst uint8_t *q = p - 1;\n"
		    "\tsize_t lo = 0, hi = sizeof(w) / sizeof(w[0]);\n"
		    "\tuint32_t cp;\n"
		    "\n"
		    "\twhile (q > s && (*q & 0xC0) == 0x80)\n"
		    "\t\tq--;\n"
		    "\tif (*q < 0x80) {\n"
		    "\t\tunsigned c = *q;\n"
		    "\n"
		    "\t\tif (c == '\\n')\n"
		    "\t\t\treturn 1u;\n"
		    "\t\treturn (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||\n"
		    "\t\t\t       c == '_'\n"
		    "\t\t\t       ? 2u\n"
		    "\t\t\t       : 0u;\n"
		    "\t}\n"
		    "\tif ((*q & 0xE0) == 0xC0)\n"
		    "\t\tcp = (uint32_t)(q[0] & 0x1F) << 6 | (q[1] & 0x3Fu);\n"
		    "\telse if ((*q & 0xF0) == 0xE0)\n"
		    "\t\tcp = (uint32_t)(q[0] & 0x0F) << 12 | (uint32_t)(q[1] & 0x3F) << 6 | (q[2] & 0x3Fu);\n"
		    "\telse\n"
		    "\t\tcp = (uint32_t)(q[0] & 0x07) << 18 | (uint32_t)(q[1] & 0x3F) << 12 |\n"
		    "\t\t     (uint32_t)(q[2] & 0x3F) << 6 | (q[3] & 0x3Fu);\n"
		    "\twhile (lo < hi) {\n"
		    "\t\tsize_t mid = lo + (hi - lo) / 2;\n"
		    "\n"
		    "\t\tif (cp < w[mid][0])\n"
		    "\t\t\thi = mid;\n"
		    "\t\telse if (cp > w[mid][1])\n"
		    "\t\t\tlo = mid + 1;\n"
		    "\t\telse\n"
		    "\t\t\treturn 4u;\n"
		    "\t}\n"
		    "\treturn 0u;\n"
		    "}\n\n");
}
