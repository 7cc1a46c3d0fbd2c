// SPDX-License-Identifier: Apache-2.0
/*
 * Code generation, step 3: the literal matchers of each group. Every
 * indexed atom used by a rule of the group becomes a "hit" (the atom plus
 * the group's rules anchored on it); the hit's literal goes into the matcher
 * of its field: equals into the perfect-hash set, startswith and endswith
 * into anchored tries, contains into the truncated Aho-Corasick automaton,
 * "*" into the any-value list, numeric equality into a sorted index.
 * Keywords share one contains automaton run over every field of the event.
 * Only indexed atoms get hits: those no rule is anchored on are computed on
 * demand (anchor.c, unanchored_lazy).
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cg.h"
#include "ctx.h"
#include "grams.h"
#include "ir.h"

static void lit_push(struct sc_cg_lit **v, uint32_t *n, uint32_t *cap, const uint8_t *s,
		     uint32_t len, uint32_t hit)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 8;
		*v = sc_xreallocarray(*v, *cap, sizeof(**v));
	}
	(*v)[*n].s = s;
	(*v)[*n].n = len;
	(*v)[*n].hit = hit;
	(*n)++;
}

static struct sc_cg_fmatch *get_fm(struct sc_cg_group *g, uint32_t field, bool cased)
{
	uint32_t i;

	for (i = 0; i < g->nfm; i++)
		if (g->fm[i].field == field && g->fm[i].cased == cased)
			return &g->fm[i];
	if (g->nfm == g->capfm) {
		g->capfm = g->capfm ? 2 * g->capfm : 8;
		g->fm = sc_xreallocarray(g->fm, g->capfm, sizeof(*g->fm));
	}
	memset(&g->fm[g->nfm], 0, sizeof(g->fm[0]));
	g->fm[g->nfm].field = field;
	g->fm[g->nfm].cased = cased;
	return &g->fm[g->nfm++];
}

static void collect(struct sc_cg *cg, uint32_t node, uint8_t *seen, uint8_t *used)
{
	const struct sc_irnode *n = sc_ir_get_node(cg->ctx->ir, node);
	uint32_t i;

	if (seen[node])
		return;
	seen[node] = 1;
	if (n->op == SC_IR_ATOM) {
		used[cg->atom_index[n->atom] - 1] = 1;
		return;
	}
	for (i = 0; i < n->nkids; i++)
		collect(cg, n->kids[i], seen, used);
}

static int fm_cmp(const void *pa, const void *pb)
{
	const struct sc_cg_fmatch *a = pa, *b = pb;

	if (a->field != b->field)
		return a->field < b->field ? -1 : 1;
	return (int)a->cased - (int)b->cased;
}

static void add_literal(struct sc_cg_group *g, const struct sc_atom *a, uint32_t hit)
{
	bool cased = (a->flags & SC_AF_CASED) != 0;
	struct sc_cg_fmatch *fm;

	if (a->field == SC_FIELD_KEYWORD) {
		if (!g->kw) {
			g->kw = sc_xmalloc(sizeof(*g->kw));
			memset(g->kw, 0, sizeof(*g->kw));
		}
		if (a->len == 0) /* contained in every value */
			sc_u32v_push(&g->kw->any, hit);
		else
			lit_push(&g->kw->contains, &g->kw->ncontains, &g->kw->capcontains, a->val,
				 a->len, hit);
		return;
	}
	fm = get_fm(g, a->field, a->kind == SC_ATOM_STR && cased);
	if (a->kind == SC_ATOM_NUM) {
		if (fm->nnum == fm->capnum) {
			fm->capnum = fm->capnum ? 2 * fm->capnum : 8;
			fm->num = sc_xreallocarray(fm->num, fm->capnum, sizeof(*fm->num));
			fm->num_hit = sc_xreallocarray(fm->num_hit, fm->capnum, sizeof(*fm->num_hit));
		}
		fm->num[fm->nnum] = a->num;
		fm->num_hit[fm->nnum] = hit;
		fm->nnum++;
		return;
	}
	switch (a->match) {
	case SC_MATCH_EQ:
		lit_push(&fm->eq, &fm->neq, &fm->capeq, a->val, a->len, hit);
		break;
	case SC_MATCH_PREFIX:
		lit_push(&fm->prefix, &fm->nprefix, &fm->capprefix, a->val, a->len, hit);
		break;
	case SC_MATCH_SUFFIX:
		lit_push(&fm->suffix, &fm->nsuffix, &fm->capsuffix, a->val, a->len, hit);
		break;
	case SC_MATCH_CONTAINS:
		if (a->len == 0) /* contained in every value */
			sc_u32v_push(&fm->any, hit);
		else
			lit_push(&fm->contains, &fm->ncontains, &fm->capcontains, a->val, a->len,
				 hit);
		break;
	case SC_MATCH_ANY:
	default:
		sc_u32v_push(&fm->any, hit);
		break;
	}
}

static uint32_t new_hit(struct sc_cg_group *g, uint32_t atom)
{
	struct sc_cg_hit *h;

	if (g->nhits == g->caphits) {
		g->caphits = g->caphits ? 2 * g->caphits : 16;
		g->hits = sc_xreallocarray(g->hits, g->caphits, sizeof(*g->hits));
	}
	h = &g->hits[g->nhits];
	memset(h, 0, sizeof(*h));
	h->atom = atom;
	return g->nhits++;
}

/*
 * The prefilter of atom a (dense index k): one hit per required literal,
 * consecutive, that makes the atom "maybe" (SC_CG_MAYBE); its literals
 * join the folded contains matcher of the atom's field (or the keyword
 * matcher).
 */
static void add_prefilter(struct sc_cg_group *g, const struct sc_cg_atom *a, uint32_t k)
{
	struct sc_cg_fmatch *fm;
	uint32_t j, h;

	if (a->ir->field == SC_FIELD_KEYWORD) {
		if (!g->kw) {
			g->kw = sc_xmalloc(sizeof(*g->kw));
			memset(g->kw, 0, sizeof(*g->kw));
		}
		fm = g->kw;
	} else {
		fm = get_fm(g, a->ir->field, false);
	}
	for (j = 0; j < a->npre; j++) {
		h = new_hit(g, k | SC_CG_MAYBE);
		if (j == 0)
			g->hit_of_atom[k] = h + 1;
		lit_push(&fm->contains, &fm->ncontains, &fm->capcontains, a->pre[j],
			 a->npre_len[j], h);
	}
}

void sc_cg_build_matchers(struct sc_cg *cg)
{
	uint32_t nn = sc_ir_nnodes(cg->ctx->ir) + 1;
	uint8_t *seen = calloc(nn, 1), *used = calloc(cg->natoms + 1, 1);
	uint32_t gi, i, k;

	if (!seen || !used)
		sc_oom();
	for (gi = 0; gi < cg->ngroups; gi++) {
		struct sc_cg_group *g = &cg->groups[gi];

		memset(seen, 0, nn);
		memset(used, 0, cg->natoms + 1);
		for (i = 0; i < g->rules.n; i++)
			collect(cg, cg->rules[g->rules.v[i]].root, seen, used);
		g->hit_of_atom = calloc(cg->natoms + 1, sizeof(*g->hit_of_atom));
		if (!g->hit_of_atom)
			sc_oom();
		/* One hit per indexed atom, in atom order (deterministic). */
		for (k = 0; k < cg->natoms; k++) {
			struct sc_cg_hit *h;

			if (!used[k] || cg->atoms[k].eval != SC_CG_INDEXED)
				continue;
			if (g->nhits == g->caphits) {
				g->caphits = g->caphits ? 2 * g->caphits : 16;
				g->hits = sc_xreallocarray(g->hits, g->caphits, sizeof(*g->hits));
			}
			h = &g->hits[g->nhits];
			memset(h, 0, sizeof(*h));
			h->atom = k;
			g->hit_of_atom[k] = ++g->nhits;
			add_literal(g, cg->atoms[k].ir, g->nhits - 1);
		}
		/* Prefilter hits of every lazy atom with required literals, in atom order. */
		for (k = 0; k < cg->natoms; k++)
			if (used[k] && cg->atoms[k].eval != SC_CG_INDEXED && cg->atoms[k].npre)
				add_prefilter(g, &cg->atoms[k], k);
		/* Candidate rules of each hit: the group's rules anchored on its atom. */
		for (i = 0; i < g->rules.n; i++) {
			const struct sc_cg_rule *r = &cg->rules[g->rules.v[i]];

			for (k = 0; k < r->anchors.n; k++) {
				const struct sc_cg_atom *a = &cg->atoms[r->anchors.v[k]];
				uint32_t h = g->hit_of_atom[r->anchors.v[k]], j;

				if (!h)
					continue;
				for (j = 0; j < (a->eval == SC_CG_INDEXED ? 1 : a->npre); j++)
					sc_u32v_push(&g->hits[h - 1 + j].rules, r->index);
			}
		}
		if (g->nfm)
			qsort(g->fm, g->nfm, sizeof(*g->fm), fm_cmp);
	}
	free(seen);
	free(used);
	cg->gram_freq = sc_xmalloc(sizeof(*cg->gram_freq));
	sc_gram_freq_build(cg->gram_freq, cg);
}
