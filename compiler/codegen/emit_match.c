// SPDX-License-Identifier: Apache-2.0
/*
 * sgr_match.c: the literal matchers of every group (byte-class DFAs,
 * truncated Aho-Corasick automata, perfect-hash sets, numeric indexes) and
 * the group table. Each table is preceded by a comment naming the group,
 * the field and what it matches.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cg.h"
#include "ctx.h"
#include "grams.h"
#include "emit.h"
#include "emit_int.h"
#include "ir.h"
#include "phash.h"
#include "trie.h"

/* name + suffix in one of a few rotating buffers (generated names are short). */
static const char *nm(const char *name, const char *suffix)
{
	static char buf[16][256];
	static unsigned next;
	size_t a = strlen(name), b = strlen(suffix);
	char *out = buf[next++ % 16];

	if (a + b >= sizeof(buf[0]))
		abort(); /* cannot happen: names are "g<N>_f<N>..." */
	memcpy(out, name, a);
	memcpy(out + a, suffix, b + 1);
	return out;
}

/* Anchored trie (startswith, or endswith walked from the end). */
static int emit_trie(struct sc_buf *b, const char *name, const struct sc_cg_lit *p, uint32_t n,
		     bool cased, bool reverse, struct sc_cg_stats *st)
{
	struct sc_trie_out t;
	int err = sc_trie_build(&t, p, n, cased, reverse);

	if (err < 0)
		return err;
	sc_buf_printf(b, "/* %s: %u %s patterns, %u states */\n", name, n,
		      reverse ? "endswith" : "startswith", t.nstates);
	sc_emit_u32s(b, nm(name, "_edge_off"), t.edge_off, t.nstates + 1);
	sc_emit_u8s(b, nm(name, "_edge_byte"), t.edge_byte, t.nedges);
	sc_emit_u32s(b, nm(name, "_edge_to"), t.edge_to, t.nedges);
	sc_emit_u32s(b, nm(name, "_out_off"), t.out_off, t.nstates + 1);
	sc_emit_u32s(b, nm(name, "_out"), t.out.v, t.out.n);
	sc_buf_printf(b,
		      "static const struct sgr_trie %s = { %s_edge_off, %s_edge_byte, %s_edge_to, "
		      "%s_out_off, %s_out, %u };\n",
		      name, name, name, name, name, name, t.nstates);
	st->dfa_states += t.nstates;
	st->table_bytes += (size_t)t.nstates * 8 + (size_t)t.nedges * 5;
	sc_trie_done(&t);
	return 0;
}

static int emit_contains(struct sc_buf *b, const char *name, const struct sc_cg_lit *p, uint32_t n,
			 const struct sc_gram_freq *freq, struct sc_cg_stats *st)
{
	uint32_t *len = sc_xreallocarray(NULL, n ? n : 1, sizeof(*len));
	uint32_t *hit = sc_xreallocarray(NULL, n ? n : 1, sizeof(*hit));
	uint32_t i, slots, words;
	struct sc_grams_out g;
	int err;

	err = sc_grams_build(&g, p, n, freq);
	if (err < 0)
		goto out;
	slots = 1u << g.tab_log2;
	words = (1u << g.filter_log2) / 64;
	sc_buf_printf(b,
		      "/* %s: %u contains patterns, %u grams, %u-bit filter, stride %u, %u short */\n",
		      name, n, g.ngrams, 1u << g.filter_log2, g.stride, g.nshort);
	sc_emit_u64s(b, nm(name, "_filter"), g.filter, words);
	sc_emit_u32s(b, nm(name, "_tab_gram"), g.tab_gram, slots);
	sc_emit_u32s(b, nm(name, "_tab_first"), g.tab_first, slots);
	sc_emit_u32s(b, nm(name, "_tab_n"), g.tab_n, slots);
	sc_emit_u32s(b, nm(name, "_ent_pat"), g.ent_pat, g.nent);
	sc_emit_u32s(b, nm(name, "_ent_off"), g.ent_off, g.nent);
	sc_emit_u32s(b, nm(name, "_short_off"), g.short_off, 257);
	sc_emit_u32s(b, nm(name, "_short_pat"), g.short_pat, g.nshort);
	sc_buf_printf(b, "static const uint8_t *const %s_pat[%u] = {", name, n ? n : 1);
	for (i = 0; i < n; i++) {
		sc_buf_puts(b, "\n\t(const uint8_t *)");
		sc_emit_cstr(b, p[i].s, p[i].n);
		sc_buf_putc(b, ',');
		len[i] = p[i].n;
		hit[i] = p[i].hit;
	}
	sc_buf_puts(b, "\n};\n");
	sc_emit_u32s(b, nm(name, "_len"), len, n);
	sc_emit_u32s(b, nm(name, "_hit"), hit, n);
	sc_buf_printf(b,
		      "static const struct sgr_contains %s = {\n"
		      "\t%s_filter, %s_tab_gram, %s_tab_first, %s_tab_n, %s_ent_pat, %s_ent_off,\n"
		      "\t%s_short_off, %s_short_pat, %s_pat, %s_len, %s_hit,\n"
		      "\t%u, %u, %u, %u, %u, %u,\n};\n",
		      name, name, name, name, name, name, name, name, name, name, name, name,
		      g.filter_log2, g.tab_log2, g.nent, g.nshort, n, g.stride);
	st->dfa_states += g.ngrams;
	st->table_bytes += (size_t)words * 8 + (size_t)slots * 12 + (size_t)g.nent * 8;
	sc_grams_done(&g);
out:
	free(len);
	free(hit);
	return err;
}

static int lit_cmp(const void *pa, const void *pb)
{
	const struct sc_cg_lit *a = pa, *b = pb;
	int c;

	if (a->n != b->n)
		c = memcmp(a->s, b->s, a->n < b->n ? a->n : b->n);
	else
		c = memcmp(a->s, b->s, a->n);
	if (c)
		return c;
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	return a->hit < b->hit ? -1 : (a->hit > b->hit);
}

/* Equals set: distinct keys, each with its hits. */
static int emit_eq(struct sc_buf *b, const char *name, struct sc_cg_lit *p, uint32_t n)
{
	const uint8_t **key = sc_xreallocarray(NULL, n, sizeof(*key));
	uint32_t *klen = sc_xreallocarray(NULL, n, sizeof(*klen));
	uint32_t *off = sc_xreallocarray(NULL, n + 1, sizeof(*off));
	uint32_t *hits = sc_xreallocarray(NULL, n, sizeof(*hits));
	struct sc_phash_out ph;
	uint32_t i, nk = 0;
	int err;

	qsort(p, n, sizeof(*p), lit_cmp);
	for (i = 0; i < n; i++) {
		if (!nk || klen[nk - 1] != p[i].n || memcmp(key[nk - 1], p[i].s, p[i].n) != 0) {
			key[nk] = p[i].s;
			klen[nk] = p[i].n;
			off[nk] = i;
			nk++;
		}
		hits[i] = p[i].hit;
	}
	off[nk] = n;
	err = sc_phash_build(&ph, key, klen, nk);
	if (err < 0)
		goto out;
	sc_buf_printf(b, "/* %s: %u equals values */\n", name, nk);
	sc_emit_u32s(b, nm(name, "_disp"), ph.disp, ph.nbuckets);
	sc_emit_u32s(b, nm(name, "_slots"), ph.slots, ph.nslots);
	sc_buf_printf(b, "static const uint8_t *const %s_key[%u] = {", name, nk ? nk : 1);
	for (i = 0; i < nk; i++) {
		sc_buf_puts(b, "\n\t(const uint8_t *)");
		sc_emit_cstr(b, key[i], klen[i]);
		sc_buf_putc(b, ',');
	}
	sc_buf_puts(b, "\n};\n");
	sc_emit_u32s(b, nm(name, "_klen"), klen, nk);
	sc_emit_u32s(b, nm(name, "_hit_off"), off, nk + 1);
	sc_emit_u32s(b, nm(name, "_hits"), hits, n);
	sc_buf_printf(b,
		      "static const struct sgr_phash %s = {\n\t0x%016llxull, %u, %u, %s_disp, "
		      "%s_slots, %s_key, %s_klen, %u,\n};\n",
		      name, (unsigned long long)ph.seed, ph.nbuckets, ph.nslots, name, name, name,
		      name, nk);
	sc_phash_done(&ph);
out:
	free(key);
	free(klen);
	free(off);
	free(hits);
	return err;
}

struct numhit {
	double v;
	uint32_t hit;
};

static int numhit_cmp(const void *pa, const void *pb)
{
	const struct numhit *a = pa, *b = pb;

	if (a->v != b->v)
		return a->v < b->v ? -1 : 1;
	return a->hit < b->hit ? -1 : (a->hit > b->hit);
}

static void emit_num(struct sc_buf *b, const char *name, const struct sc_cg_fmatch *fm)
{
	struct numhit *v = sc_xreallocarray(NULL, fm->nnum, sizeof(*v));
	uint32_t i;

	for (i = 0; i < fm->nnum; i++) {
		v[i].v = fm->num[i];
		v[i].hit = fm->num_hit[i];
	}
	qsort(v, fm->nnum, sizeof(*v), numhit_cmp);
	sc_buf_printf(b, "static const double %s_val[%u] = {", name, fm->nnum);
	for (i = 0; i < fm->nnum; i++)
		sc_buf_printf(b, "%s%.17g,", i % 8 ? " " : "\n\t", v[i].v);
	sc_buf_printf(b, "\n};\nstatic const uint32_t %s_hit[%u] = {", name, fm->nnum);
	for (i = 0; i < fm->nnum; i++)
		sc_buf_printf(b, "%s%u,", i % 16 ? "" : "\n\t", v[i].hit);
	sc_buf_printf(b, "\n};\nstatic const struct sgr_numidx %s = { %s_val, %s_hit, %u };\n",
		      name, name, name, fm->nnum);
	free(v);
}

/* All tables of one field matcher, then its struct sgr_fmatch initialiser into init. */
static int emit_fmatch(struct sc_cg *cg, struct sc_buf *b, struct sc_buf *init, const char *name,
		       struct sc_cg_fmatch *fm, struct sc_cg_stats *st)
{
	int err = 0;

	sc_buf_printf(b, "\n/* ---- %s: field '%s'%s ---- */\n", name,
		      fm->field ? sc_ir_field_name(cg->ctx->ir, fm->field) : "(keywords)",
		      fm->cased ? ", case-sensitive" : "");
	if (fm->neq) {
		err = emit_eq(b, nm(name, "_eq"), fm->eq, fm->neq);
		if (err < 0)
			return err;
	}
	if (fm->nprefix) {
		err = emit_trie(b, nm(name, "_pre"), fm->prefix, fm->nprefix, fm->cased, false, st);
		if (err < 0)
			return err;
	}
	if (fm->nsuffix) {
		err = emit_trie(b, nm(name, "_suf"), fm->suffix, fm->nsuffix, fm->cased, true, st);
		if (err < 0)
			return err;
	}
	if (fm->ncontains) {
		err = emit_contains(b, nm(name, "_con"), fm->contains, fm->ncontains, cg->gram_freq,
				    st);
		if (err < 0)
			return err;
	}
	if (fm->nnum) {
		emit_num(b, nm(name, "_num"), fm);
	}
	if (fm->any.n) {
		sc_emit_u32s(b, nm(name, "_any"), fm->any.v, fm->any.n);
	}
	sc_buf_printf(init, "\t{ %u, %u, ", fm->field, fm->cased ? 1 : 0);
	if (fm->neq)
		sc_buf_printf(init, "&%s_eq, %s_eq_hit_off, %s_eq_hits, ", name, name, name);
	else
		sc_buf_puts(init, "NULL, NULL, NULL, ");
	sc_buf_printf(init, fm->nprefix ? "&%s_pre, " : "NULL, ", name);
	sc_buf_printf(init, fm->nsuffix ? "&%s_suf, " : "NULL, ", name);
	sc_buf_printf(init, fm->ncontains ? "&%s_con, " : "NULL, ", name);
	sc_buf_printf(init, fm->nnum ? "&%s_num, " : "NULL, ", name);
	if (fm->any.n)
		sc_buf_printf(init, "%s_any, %u },\n", name, fm->any.n);
	else
		sc_buf_puts(init, "NULL, 0 },\n");
	st->literals += fm->neq + fm->nprefix + fm->nsuffix + fm->ncontains + fm->nnum;
	return 0;
}

int sc_cg_emit_match(struct sc_cg *cg, struct sc_buf *b, struct sc_cg_stats *st)
{
	struct sc_buf groups = SC_BUF_INIT;
	uint32_t gi, i, k;
	char name[128];
	int err = 0;

	sc_emit_banner(b, cg, "literal matchers and rule groups");
	sc_buf_puts(b, "#include <stddef.h>\n#include <stdint.h>\n\n#include \"sgr_ruleset.h\"\n");
	sc_buf_puts(&groups, "\nconst struct sgr_group sgr_groups[] = {\n");
	for (gi = 0; gi < cg->ngroups; gi++) {
		struct sc_cg_group *g = &cg->groups[gi];
		struct sc_buf init = SC_BUF_INIT;
		struct sc_u32v anchors = {0};
		uint32_t *hoff = sc_xreallocarray(NULL, g->nhits + 1, sizeof(*hoff));

		sc_buf_printf(b, "\n/* ======== group %u: product=%s category=%s service=%s, %u rules "
				 "(%u always evaluated) ======== */\n",
			      gi, g->product ? g->product : "*", g->category ? g->category : "*",
			      g->service ? g->service : "*", g->rules.n, g->always.n);
		for (i = 0; i < g->nfm && !err; i++) {
			snprintf(name, sizeof(name), "g%u_f%u%s", gi, g->fm[i].field,
				 g->fm[i].cased ? "c" : "");
			err = emit_fmatch(cg, b, &init, name, &g->fm[i], st);
		}
		if (g->kw && !err) {
			struct sc_buf kwinit = SC_BUF_INIT;

			snprintf(name, sizeof(name), "g%u_kw", gi);
			err = emit_fmatch(cg, b, &kwinit, name, g->kw, st);
			/* The initialiser reads "\t{ ... },\n": keep "{ ... }". */
			if (!err)
				sc_buf_printf(b, "static const struct sgr_fmatch %s_m = %.*s;\n", name,
					      (int)(kwinit.len - 3), kwinit.data + 1);
			sc_buf_done(&kwinit);
		}
		if (err) {
			sc_buf_done(&init);
			sc_u32v_done(&anchors);
			free(hoff);
			break;
		}
		sc_buf_printf(b, "static const struct sgr_fmatch g%u_fm[%u] = {\n%s};\n", gi,
			      g->nfm ? g->nfm : 1, g->nfm ? init.data : "\t{ 0 }\n");
		for (i = 0; i < g->nhits; i++) {
			hoff[i] = anchors.n;
			for (k = 0; k < g->hits[i].rules.n; k++)
				sc_u32v_push(&anchors, g->hits[i].rules.v[k]);
		}
		hoff[g->nhits] = anchors.n;
		sc_buf_printf(b, "static const struct sgr_hit g%u_hits[%u] = {", gi,
			      g->nhits ? g->nhits : 1);
		for (i = 0; i < g->nhits; i++) {
			sc_buf_puts(b, i % 6 ? " {" : "\n\t{");
			if (g->hits[i].atom & SC_CG_MAYBE)
				sc_buf_printf(b, "%u | SGR_HIT_MAYBE", g->hits[i].atom & ~SC_CG_MAYBE);
			else
				sc_buf_printf(b, "%u", g->hits[i].atom);
			sc_buf_printf(b, ",%u,%u},", hoff[i], hoff[i + 1] - hoff[i]);
		}
		if (!g->nhits)
			sc_buf_puts(b, "{0, 0, 0}");
		sc_buf_puts(b, "\n};\n");
		snprintf(name, sizeof(name), "g%u_anchors", gi);
		sc_emit_u32s(b, name, anchors.v, anchors.n);
		snprintf(name, sizeof(name), "g%u_rules", gi);
		sc_emit_u32s(b, name, g->rules.v, g->rules.n);
		snprintf(name, sizeof(name), "g%u_always", gi);
		sc_emit_u32s(b, name, g->always.v, g->always.n);
		sc_buf_puts(&groups, "\t{ ");
		sc_emit_cstr_or_null(&groups, g->product);
		sc_buf_puts(&groups, ", ");
		sc_emit_cstr_or_null(&groups, g->category);
		sc_buf_puts(&groups, ", ");
		sc_emit_cstr_or_null(&groups, g->service);
		sc_buf_printf(&groups, ",\n\t  g%u_fm, %u, ", gi, g->nfm);
		if (g->kw)
			sc_buf_printf(&groups, "&g%u_kw_m, ", gi);
		else
			sc_buf_puts(&groups, "NULL, ");
		sc_buf_printf(&groups,
			      "g%u_hits, %u, g%u_anchors, g%u_rules, %u, g%u_always, %u },\n", gi,
			      g->nhits, gi, gi, g->rules.n, gi, g->always.n);
		st->hits += g->nhits;
		st->always += g->always.n;
		sc_buf_done(&init);
		sc_u32v_done(&anchors);
		free(hoff);
	}
	sc_buf_puts(&groups, "};\n");
	if (!err)
		sc_buf_add(b, groups.data, groups.len);
	sc_buf_done(&groups);
	return err;
}
