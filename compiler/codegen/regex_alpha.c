// SPDX-License-Identifier: Apache-2.0
/*
 * re2c code for Sigma regexes: the class alphabet of a function and its
 * YYPEEK function (regex_emit.c has the pipeline).
 *
 * 4. Alphabet. re2c does not read bytes here: every block uses re2c's
 *    generic API, where YYPEEK (FN_p) decodes the UTF-8 code point at the
 *    cursor and returns its class id, and YYSKIP steps over it. The
 *    classes are the elementary intervals of the code point sets the
 *    function uses, merged when no set tells them apart (at most 255), so
 *    a DFA state has at most that many transitions whatever Unicode
 *    classes (\w \s \d, folded letters) the pattern has. ASCII is mapped by
 *    a 128-entry table inline; other code points by bisection of a table
 *    shared between the functions of the file (out of line). Spelling the
 *    sets as UTF-8 byte sequences instead multiplies the states by the
 *    decoding trees of the Unicode classes: the SigmaHQ corpus then needs
 *    millions of lines of C, which gcc -O2 does not compile in an hour.
 */

#include "regex_emit_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

/* ---------------------------------------------------------------- */
/* Class alphabet: code point sets as sets of class ids              */

/*
 * re2c does not read bytes here. Each function's YYPEEK decodes the code
 * point at the cursor and maps it to a class id (1..nclass; 0 is the end
 * of the text, the eof sentinel), YYSKIP steps over the code point. The
 * classes are the elementary intervals of every code point set the
 * function's expressions use, merged when no set tells them apart, so a
 * set becomes a plain set of class ids and a DFA state has at most nclass
 * transitions. Encoding sets as UTF-8 byte sequences instead multiplies
 * the states by the decoding trees of Unicode classes (\w, \s, '.'): the
 * SigmaHQ corpus then needs millions of lines of C.
 *
 * Invalid UTF-8 (which the readers do not produce) decodes as in
 * tests/interp/re_match.c: one byte, U+FFFD.
 */
/* Collect the distinct SETs reachable from x (marked with the epoch). */
static void collect_sets(struct em *e, struct rx *x, struct kidv *sets)
{
	uint32_t i;

	if (!x || x->mark == e->epoch)
		return;
	x->mark = e->epoch;
	if (x->k == RX_SET)
		sc_kv_push(sets, x);
	for (i = 0; i < x->nkids; i++)
		collect_sets(e, x->kids[i], sets);
}

/*
 * The alphabet of the expressions roots[0..nroots): -E2BIG (and e->failed)
 * when they need more than 255 classes.
 */
int sc_calpha_build(struct em *e, struct calpha *ca, struct rx *const *roots, size_t nroots)
{
	struct kidv sets = {0};
	uint32_t *b, nb = 0, i, j, nwords, *sig, *rep, nrep = 0;
	size_t k;

	memset(ca, 0, sizeof(*ca));
	e->epoch++;
	for (k = 0; k < nroots; k++)
		collect_sets(e, roots[k], &sets);
	b = sc_xreallocarray(NULL, 2, sizeof(*b));
	b[nb++] = 0;
	b[nb++] = CP_MAX + 1;
	for (i = 0; i < sets.n; i++) {
		const struct rset *s = &sets.v[i]->set;

		b = sc_xreallocarray(b, nb + 2 * (size_t)s->n, sizeof(*b));
		for (j = 0; j < s->n; j++) {
			b[nb++] = s->r[j].lo;
			b[nb++] = s->r[j].hi + 1;
		}
	}
	qsort(b, nb, sizeof(*b), sc_rx_cmp_u32);
	for (i = j = 0; i < nb; i++)
		if (j == 0 || b[j - 1] != b[i])
			b[j++] = b[i];
	nb = j; /* boundaries; intervals [b[i], b[i + 1]) for i < nb - 1 */
	nwords = (uint32_t)(sets.n + 32) / 32;
	sig = calloc((size_t)nb * nwords, sizeof(*sig));
	rep = calloc(nb, sizeof(*rep));
	ca->cls = calloc(nb, 1);
	if (!sig || !rep || !ca->cls)
		sc_oom();
	for (i = 0; i < sets.n; i++) {
		const struct rset *s = &sets.v[i]->set;
		uint32_t lo = 0;

		for (j = 0; j < s->n; j++) {
			uint32_t hi = nb - 1, at;

			/* first boundary >= s->r[j].lo */
			while (lo < hi) {
				uint32_t mid = lo + (hi - lo) / 2;

				if (b[mid] < s->r[j].lo)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (at = lo; at + 1 < nb && b[at] <= s->r[j].hi; at++)
				sig[(size_t)at * nwords + i / 32] |= 1u << (i % 32);
		}
	}
	/* class ids in order of first appearance: deterministic output */
	for (i = 0; i + 1 < nb; i++) {
		uint32_t c;

		for (c = 0; c < nrep; c++)
			if (!memcmp(&sig[(size_t)rep[c] * nwords], &sig[(size_t)i * nwords],
				    nwords * sizeof(*sig)))
				break;
		if (c == nrep) {
			if (nrep == 255) {
				sc_rx_fail(e, "regex needs more than 255 character classes");
				break;
			}
			rep[nrep++] = i;
		}
		ca->cls[i] = (uint8_t)(c + 1);
	}
	ca->lo = b;
	ca->n = nb - 1;
	ca->nclass = nrep;
	free(sig);
	free(rep);
	free(sets.v);
	/* forms encoded under another alphabet are stale */
	if (e->bmemo)
		memset(e->bmemo, 0, e->nbmemo * sizeof(*e->bmemo));
	return e->failed ? -E2BIG : 0;
}

void sc_calpha_free(struct calpha *ca)
{
	free(ca->lo);
	free(ca->cls);
	memset(ca, 0, sizeof(*ca));
}

/* Index of the interval holding code point cp. */
uint32_t sc_calpha_find(const struct calpha *ca, uint32_t cp)
{
	uint32_t lo = 0, hi = ca->n;

	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (ca->lo[mid] <= cp)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* The class ids of the code points of s (every interval is in s or out of it). */
static struct rset class_set(struct em *e, const struct calpha *ca, struct rset s)
{
	uint8_t in[256] = {0};
	struct rvec v = {0};
	uint32_t j, i, c;

	for (j = 0; j < s.n; j++)
		for (i = sc_calpha_find(ca, s.r[j].lo); i < ca->n && ca->lo[i] <= s.r[j].hi; i++)
			in[ca->cls[i]] = 1;
	for (c = 1; c <= ca->nclass; c++)
		if (in[c])
			sc_rv_push(&v, c, c);
	return sc_rv_finish(e, &v);
}

/* The class-level form of an assertion-free code point rx. */
struct rx *sc_rx_cenc(struct em *e, const struct calpha *ca, struct rx *x)
{
	struct kidv v = {0};
	struct rx *y = NULL;
	uint32_t i;

	if (!x)
		return NULL;
	if (x->id < e->nbmemo && e->bmemo[x->id])
		return e->bmemo[x->id];
	switch (x->k) {
	case RX_EMPTY:
		y = x;
		break;
	case RX_ASSERT:
		sc_rx_fail(e, "internal error: assertion left after the product");
		y = sc_rx_empty(e);
		break;
	case RX_SET:
		y = sc_rx_set(e, class_set(e, ca, x->set));
		break;
	case RX_CAT:
	case RX_ALT:
		for (i = 0; i < x->nkids; i++)
			sc_kv_push(&v, sc_rx_cenc(e, ca, x->kids[i]));
		y = x->k == RX_CAT ? sc_rx_catv(e, v.v, v.n) : sc_rx_altv(e, v.v, v.n);
		free(v.v);
		break;
	case RX_REP:
		y = sc_rx_rep(e, sc_rx_cenc(e, ca, x->kids[0]), x->min, x->max);
		break;
	}
	if (x->id >= e->nbmemo) {
		uint32_t n = e->next_id + 1024;

		e->bmemo = sc_xreallocarray(e->bmemo, n, sizeof(*e->bmemo));
		memset(e->bmemo + e->nbmemo, 0, (n - e->nbmemo) * sizeof(*e->bmemo));
		e->nbmemo = n;
	}
	e->bmemo[x->id] = y;
	return y;
}

/* First byte of the UTF-8 form of cp. */
static uint32_t lead_byte(uint32_t cp)
{
	if (cp < 0x80)
		return cp;
	if (cp < 0x800)
		return 0xC0 | (cp >> 6);
	if (cp < 0x10000)
		return 0xE0 | (cp >> 12);
	return 0xF0 | (cp >> 18);
}

/* Bytes that can start a code point of a class in tab (class bitmap). */
void sc_rx_class_lead_bytes(const struct calpha *ca, const uint8_t ctab[32], uint8_t btab[32])
{
	uint32_t i, c, fffd = ca->cls[sc_calpha_find(ca, 0xFFFD)];

	for (i = 0; i < ca->n; i++) {
		uint32_t lo = ca->lo[i], hi = ca->lo[i + 1] - 1;

		if (!(ctab[ca->cls[i] >> 3] & (1u << (ca->cls[i] & 7))))
			continue;
		for (c = lead_byte(lo); c <= lead_byte(hi); c++)
			btab[c >> 3] |= (uint8_t)(1u << (c & 7));
	}
	/* invalid bytes read as U+FFFD */
	if (ctab[fffd >> 3] & (1u << (fffd & 7)))
		for (c = 0x80; c < 0x100; c++)
			if (c < 0xC2 || c > 0xF4)
				btab[c >> 3] |= (uint8_t)(1u << (c & 7));
}

/*
 * The static inline YYPEEK function FN_c of one alphabet: ASCII by a table,
 * other code points by bisection of the intervals whose class differs from
 * the most common non-ASCII one. The interval table is shared through the
 * preprocessor by every function of the file with the same table.
 */
void sc_rx_emit_peek(struct sc_buf *code, const char *fn, const struct calpha *ca)
{
	uint32_t count[256] = {0}, i, c, dflt = 0, first, nt = 0;
	struct sc_buf t = SC_BUF_INIT;
	uint64_t h = 0xcbf29ce484222325ull;

	first = sc_calpha_find(ca, 0x80);
	for (i = first; i < ca->n; i++)
		count[ca->cls[i]]++;
	for (c = 1; c <= ca->nclass; c++)
		if (count[c] > count[dflt])
			dflt = c;
	/* intervals from 0x80 on, merged, where the class is not the default */
	for (i = first; i < ca->n; i++) {
		uint32_t lo = i == first ? 0x80 : ca->lo[i];

		if (i > first && ca->cls[i] == ca->cls[i - 1])
			continue;
		if (ca->cls[i] == dflt && (i == first || ca->cls[i - 1] == dflt))
			continue;
		sc_buf_printf(&t, "%s{0x%X, %u},", nt % 6 ? " " : "\n\t", lo, ca->cls[i]);
		nt++;
	}
	for (i = 0; i < t.len; i++)
		h = (h ^ (uint8_t)t.data[i]) * 0x100000001b3ull;
	if (nt) {
		sc_buf_printf(code,
			      "#ifndef SC_RE_T_%016llX\n#define SC_RE_T_%016llX\n"
			      "static const uint32_t sc_re_t_%016llX[][2] = {%s\n};\n#endif\n",
			      (unsigned long long)h, (unsigned long long)h,
			      (unsigned long long)h, sc_buf_cstr(&t));
	}
	/*
	 * YYPEEK is expanded at every state of the DFA: only the ASCII test is
	 * inline, the rest is one out-of-line function (inlining it everywhere
	 * multiplies the code gcc has to compile). FN_p also stores the length
	 * of the code point in *len, so that YYSKIP (which re2c only writes
	 * after a YYPEEK at the same position) is a plain addition.
	 */
	sc_buf_printf(code, "static const uint8_t %s_a[128] = {", fn);
	for (c = 0; c < 128; c++)
		sc_buf_printf(code, "%s%u,", c % 16 ? " " : "\n\t", ca->cls[sc_calpha_find(ca, c)]);
	sc_buf_puts(code, "\n};\n\n");
	if (nt)
		sc_buf_printf(code,
			      "static __attribute__((noinline)) uint8_t %s_s(const uint8_t *p, "
			      "const uint8_t *e, size_t *len)\n"
			      "{\n"
			      "\treturn sc_re_class(sc_re_t_%016llX, %u, sc_re_cp(p, e, len), %u);\n"
			      "}\n\n",
			      fn, (unsigned long long)h, nt, dflt);
	sc_buf_printf(code,
		      "static inline __attribute__((unused)) uint8_t %s_p(const uint8_t *p,\n"
		      "\t\t\t\t\t\t\t   const uint8_t *e, size_t *len)\n"
		      "{\n"
		      "\t*len = 1;\n"
		      "\tif (p >= e)\n"
		      "\t\treturn 0;\n"
		      "\tif (*p < 0x80)\n"
		      "\t\treturn %s_a[*p];\n",
		      fn, fn);
	if (nt)
		sc_buf_printf(code, "\treturn %s_s(p, e, len);\n", fn);
	else
		sc_buf_printf(code, "\t*len = sc_re_len_slow(p, e);\n\treturn %u;\n", dflt);
	sc_buf_printf(code,
		      "}\n\n"
		      "static inline __attribute__((unused)) uint8_t %s_c(const uint8_t *p,\n"
		      "\t\t\t\t\t\t\t   const uint8_t *e)\n"
		      "{\n"
		      "\tsize_t len;\n"
		      "\n"
		      "\treturn %s_p(p, e, &len);\n"
		      "}\n\n",
		      fn, fn);
	sc_buf_done(&t);
}
