// SPDX-License-Identifier: Apache-2.0
/*
 * Code generation, step 1: from the checked documents to the model of the
 * rule set to generate (cg.h). Rules are selected by target, status and
 * level; filter documents are applied (ANDed, as pySigma does) to the
 * rules they name; correlations are rejected (not compiled yet). Rules are
 * grouped by logsource, and the atoms they use get dense indices in the
 * order they are first met, so the output does not depend on anything but
 * the inputs.
 */
#include "cg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ctx.h"
#include "grams.h"
#include "ir.h"
#include "regex.h"
#include "regex_emit.h"
#include "rule.h"
#include "yaml_load.h"

void sc_u32v_push(struct sc_u32v *v, uint32_t x)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 8;
		v->v = sc_xreallocarray(v->v, v->cap, sizeof(*v->v));
	}
	v->v[v->n++] = x;
}

int sc_u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

void sc_u32v_done(struct sc_u32v *v)
{
	free(v->v);
	v->v = NULL;
	v->n = v->cap = 0;
}

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Why rule r is not for this compilation, or NULL when it is. */
static const char *exclusion(const struct sc_cg_opts *o, const struct sc_rule *r)
{
	const char *p = r->logsource.product;

	if (o->target == SC_TARGET_LINUX && p && strcmp(p, "linux") != 0)
		return "product is not linux (target linux)";
	if (o->target == SC_TARGET_WINDOWS && p && strcmp(p, "windows") != 0)
		return "product is not windows (target windows)";
	if (!(o->status_mask & (1u << r->status)))
		return "status not selected (--status)";
	if (o->min_level && r->level && (int)r->level < o->min_level)
		return "level below --min-level";
	return NULL;
}

/* A filter applies to r when its logsource is contained in r's and it names r. */
static bool filter_applies(const struct sc_rule *f, const struct sc_rule *r)
{
	uint32_t i;

	if ((f->logsource.category && !str_eq(f->logsource.category, r->logsource.category)) ||
	    (f->logsource.product && !str_eq(f->logsource.product, r->logsource.product)) ||
	    (f->logsource.service && !str_eq(f->logsource.service, r->logsource.service)))
		return false;
	if (f->filter->any)
		return true;
	for (i = 0; i < f->filter->rules.n; i++) {
		const char *ref = f->filter->rules.v[i];

		if ((r->id && strcmp(r->id, ref) == 0) || (r->name && strcmp(r->name, ref) == 0))
			return true;
	}
	return false;
}

static uint32_t find_group(struct sc_cg *cg, const struct sc_rule *r)
{
	uint32_t i;

	for (i = 0; i < cg->ngroups; i++) {
		const struct sc_cg_group *g = &cg->groups[i];

		if (str_eq(g->product, r->logsource.product) &&
		    str_eq(g->category, r->logsource.category) &&
		    str_eq(g->service, r->logsource.service))
			return i;
	}
	cg->groups = sc_xreallocarray(cg->groups, cg->ngroups + 1, sizeof(*cg->groups));
	memset(&cg->groups[cg->ngroups], 0, sizeof(cg->groups[0]));
	cg->groups[cg->ngroups].product = r->logsource.product;
	cg->groups[cg->ngroups].category = r->logsource.category;
	cg->groups[cg->ngroups].service = r->logsource.service;
	return cg->ngroups++;
}

/* The regex index of an earlier atom with the same pattern and flags, or nregex. */
static uint32_t same_regex(const struct sc_cg *cg, const struct sc_atom *x)
{
	uint32_t j;

	for (j = 0; j < cg->nregex; j++) {
		const struct sc_atom *y = cg->atoms[cg->regex_atom[j]].ir;

		if (y->len == x->len && !memcmp(y->val, x->val, x->len) &&
		    y->re->flags == x->re->flags)
			return j;
	}
	return cg->nregex;
}

/* Give every atom reachable from node a dense index (depth first, children in order). */
static void number_atoms(struct sc_cg *cg, uint32_t node, uint8_t *seen)
{
	const struct sc_irnode *n = sc_ir_get_node(cg->ctx->ir, node);
	uint32_t i;

	if (seen[node])
		return;
	seen[node] = 1;
	if (n->op == SC_IR_ATOM) {
		const struct sc_atom *a = sc_ir_get_atom(cg->ctx->ir, n->atom);
		struct sc_cg_atom *ca;

		if (cg->atom_index[n->atom])
			return;
		cg->atoms = sc_xreallocarray(cg->atoms, cg->natoms + 1, sizeof(*cg->atoms));
		ca = &cg->atoms[cg->natoms];
		memset(ca, 0, sizeof(*ca));
		ca->ir = a;
		ca->index = cg->natoms;
		cg->atom_index[n->atom] = ++cg->natoms;
		return;
	}
	for (i = 0; i < n->nkids; i++)
		number_atoms(cg, n->kids[i], seen);
}

/* First regex atom of node that cannot be compiled exactly (reason in why), or 0. */
static uint32_t bad_regex(struct sc_cg *cg, uint32_t node, uint8_t *state, struct sc_buf *why)
{
	const struct sc_irnode *n = sc_ir_get_node(cg->ctx->ir, node);
	uint32_t i, bad;

	if (n->op == SC_IR_ATOM) {
		const struct sc_atom *a = sc_ir_get_atom(cg->ctx->ir, n->atom);
		struct sc_buf tmp = SC_BUF_INIT;

		if (a->kind != SC_ATOM_REGEX)
			return 0;
		if (!state[n->atom]) {
			sc_buf_reset(why);
			state[n->atom] = sc_regex_emit(&tmp, "check", a->re, why) < 0 ? 2 : 1;
			sc_buf_done(&tmp);
		}
		if (state[n->atom] == 2) {
			if (!why->len) {
				sc_buf_reset(&tmp);
				sc_regex_emit(&tmp, "check", a->re, why);
				sc_buf_done(&tmp);
			}
			return n->atom;
		}
		return 0;
	}
	for (i = 0; i < n->nkids; i++) {
		bad = bad_regex(cg, n->kids[i], state, why);
		if (bad)
			return bad;
	}
	return 0;
}

/* Reject the rules whose regular expressions the code generator cannot translate exactly. */
static void check_regexes(struct sc_cg *cg)
{
	uint8_t *state = calloc(sc_ir_natoms(cg->ctx->ir) + 1, 1);
	struct sc_buf why = SC_BUF_INIT;
	uint32_t k, keep = 0;
	size_t i;

	if (!state)
		sc_oom();
	for (k = 0; k < cg->nrules; k++) {
		struct sc_cg_rule *cr = &cg->rules[k];
		uint32_t bad;

		sc_buf_reset(&why);
		bad = bad_regex(cg, cr->root, state, &why);
		if (bad) {
			const struct sc_atom *a = sc_ir_get_atom(cg->ctx->ir, bad);
			size_t mark = sc_diag_mark(&cg->ctx->diags);

			sc_rule_diag(cg->ctx, cr->r, SC_E_REGEX_UNSUPPORTED, cr->r->pos,
				     "regular expression '%.*s' cannot be compiled exactly: %s",
				     (int)a->len, (const char *)a->val,
				     why.len ? why.data : "unsupported construct");
			sc_diag_set_rule(&cg->ctx->diags, mark, cr->r->id);
			for (i = 0; i < cg->ctx->nrules; i++)
				if (cg->ctx->rules[i] == cr->r)
					cg->state[i] = SC_RS_REJECTED;
			sc_u32v_done(&cr->filters);
			continue;
		}
		cg->rules[keep] = *cr;
		cg->rules[keep].index = keep;
		keep++;
	}
	cg->nrules = keep;
	sc_buf_done(&why);
	free(state);
}

int sc_cg_build(struct sc_ctx *ctx, const struct sc_cg_opts *opts, struct sc_cg **ret)
{
	struct sc_cg *cg = sc_xmalloc(sizeof(*cg));
	uint8_t *seen;
	size_t i, k;

	memset(cg, 0, sizeof(*cg));
	cg->ctx = ctx;
	cg->opts = *opts;
	cg->state = calloc(ctx->nrules ? ctx->nrules : 1, sizeof(*cg->state));
	cg->why = calloc(ctx->nrules ? ctx->nrules : 1, sizeof(*cg->why));
	cg->atom_index = calloc(sc_ir_natoms(ctx->ir) + 1, sizeof(*cg->atom_index));
	cg->rules = sc_xreallocarray(NULL, ctx->nrules ? ctx->nrules : 1, sizeof(*cg->rules));
	if (!cg->state || !cg->why || !cg->atom_index)
		sc_oom();
	cg->nfields = sc_ir_nfields(ctx->ir);

	for (i = 0; i < ctx->nrules; i++) {
		struct sc_rule *r = ctx->rules[i];
		const char *why;

		if (r->rejected) {
			cg->state[i] = SC_RS_REJECTED;
			continue;
		}
		if (r->kind == SC_DOC_CORRELATION) {
			size_t mark = sc_diag_mark(&ctx->diags);

			sc_rule_diag(ctx, r, SC_E_CORR_NOT_COMPILED, r->pos,
				     "correlation rules are checked but not compiled yet; the rules "
				     "it references are compiled on their own");
			sc_diag_set_rule(&ctx->diags, mark, r->id);
			cg->state[i] = SC_RS_REJECTED;
			continue;
		}
		if (r->kind == SC_DOC_FILTER) {
			cg->state[i] = SC_RS_COMPILED; /* applied below */
			continue;
		}
		why = exclusion(opts, r);
		if (why) {
			cg->state[i] = SC_RS_EXCLUDED;
			cg->why[i] = why;
			continue;
		}
		cg->state[i] = SC_RS_COMPILED;
		memset(&cg->rules[cg->nrules], 0, sizeof(cg->rules[0]));
		cg->rules[cg->nrules].r = r;
		cg->rules[cg->nrules].index = cg->nrules;
		cg->rules[cg->nrules].root = r->ir_root;
		cg->nrules++;
	}

	/* Filters: (rule condition) and (filter condition). */
	for (i = 0; i < ctx->nrules; i++) {
		struct sc_rule *f = ctx->rules[i];

		if (f->kind != SC_DOC_FILTER || f->rejected || !f->ir_root)
			continue;
		for (k = 0; k < cg->nrules; k++)
			if (filter_applies(f, cg->rules[k].r)) {
				cg->rules[k].root =
					sc_ir_and2(ctx->ir, cg->rules[k].root, f->ir_root);
				sc_u32v_push(&cg->rules[k].filters, (uint32_t)i);
			}
	}

	check_regexes(cg);

	seen = calloc(sc_ir_nnodes(ctx->ir) + 1, 1);
	if (!seen)
		sc_oom();
	for (k = 0; k < cg->nrules; k++) {
		struct sc_cg_rule *cr = &cg->rules[k];

		cr->group = find_group(cg, cr->r);
		sc_u32v_push(&cg->groups[cr->group].rules, cr->index);
		memset(seen, 0, sc_ir_nnodes(ctx->ir) + 1);
		number_atoms(cg, cr->root, seen);
	}
	free(seen);

	for (k = 0; k < cg->natoms; k++) {
		struct sc_cg_atom *a = &cg->atoms[k];

		if (a->ir->kind == SC_ATOM_REGEX) {
			uint32_t j = same_regex(cg, a->ir);

			if (j < cg->nregex) {
				a->regex = j; /* the same pattern on another field */
				continue;
			}
			cg->regex_atom = sc_xreallocarray(cg->regex_atom, cg->nregex + 1,
							  sizeof(*cg->regex_atom));
			a->regex = cg->nregex;
			cg->regex_atom[cg->nregex++] = (uint32_t)k;
		} else if (a->ir->kind == SC_ATOM_CIDR) {
			cg->cidr_atom = sc_xreallocarray(cg->cidr_atom, cg->ncidr + 1,
							 sizeof(*cg->cidr_atom));
			a->cidr = cg->ncidr;
			cg->cidr_atom[cg->ncidr++] = (uint32_t)k;
		}
	}
	sc_cg_choose_anchors(cg);
	sc_cg_build_matchers(cg);
	sc_cg_digest(cg);
	*ret = cg;
	return 0;
}

static void fmatch_done(struct sc_cg_fmatch *fm)
{
	free(fm->eq);
	free(fm->prefix);
	free(fm->suffix);
	free(fm->contains);
	sc_u32v_done(&fm->any);
	free(fm->num);
	free(fm->num_hit);
}

void sc_cg_free(struct sc_cg *cg)
{
	uint32_t i, k;

	if (!cg)
		return;
	for (i = 0; i < cg->ngroups; i++) {
		struct sc_cg_group *g = &cg->groups[i];

		sc_u32v_done(&g->rules);
		sc_u32v_done(&g->always);
		for (k = 0; k < g->nfm; k++)
			fmatch_done(&g->fm[k]);
		free(g->fm);
		if (g->kw) {
			fmatch_done(g->kw);
			free(g->kw);
		}
		for (k = 0; k < g->nhits; k++)
			sc_u32v_done(&g->hits[k].rules);
		free(g->hits);
		free(g->hit_of_atom);
	}
	for (i = 0; i < cg->nrules; i++) {
		sc_u32v_done(&cg->rules[i].anchors);
		sc_u32v_done(&cg->rules[i].filters);
	}
	for (i = 0; i < cg->natoms; i++) {
		for (k = 0; k < cg->atoms[i].npre; k++)
			free((void *)cg->atoms[i].pre[k]);
		free(cg->atoms[i].pre);
		free(cg->atoms[i].npre_len);
	}
	if (cg->gram_freq) {
		sc_gram_freq_done(cg->gram_freq);
		free(cg->gram_freq);
	}
	free(cg->groups);
	free(cg->rules);
	free(cg->atoms);
	free(cg->atom_index);
	free(cg->regex_atom);
	free(cg->cidr_atom);
	free(cg->state);
	free(cg->why);
	free(cg);
}
