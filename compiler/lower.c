// SPDX-License-Identifier: Apache-2.0
/*
 * Lowering: rule model -> IR. Each detection item becomes atoms (one per
 * value variant, see value.c), combined as Sigma says: variants and values
 * ORed (values ANDed under |all), |neq negating the item, map entries
 * ANDed, lists of maps ORed; then the condition AST is rewritten over the
 * identifiers' nodes. Keywords become keyword atoms with an implicit
 * "contains", the project's decision for field-less values (ARCHITECTURE.md
 * section 4).
 */
#include "lower.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "cond.h"
#include "ctx.h"
#include "ir.h"
#include "regex.h"
#include "rule.h"
#include "utf8.h"
#include "value.h"
#include "yaml_load.h"

struct lower {
	struct sc_ctx *ctx;
	struct sc_rule *r;
	uint32_t *sel_ir; /* IR node of each search identifier */
};

/* Fold the literal parts of s (simple case folding) unless cased. */
static struct sc_sstr fold_sstr(struct sc_arena *a, struct sc_sstr s)
{
	struct sc_sstr out = s;
	uint32_t i;

	out.v = sc_arena_array(a, s.n ? s.n : 1, sizeof(*out.v));
	for (i = 0; i < s.n; i++) {
		uint8_t *buf;

		out.v[i] = s.v[i];
		if (s.v[i].kind != SC_PART_LIT)
			continue;
		buf = sc_arena_alloc(a, 2 * (size_t)s.v[i].n + 1);
		out.v[i].n = (uint32_t)sc_utf8_fold(s.v[i].s, s.v[i].n, buf);
		out.v[i].s = buf;
	}
	return out;
}

/* Atom for a string value: classify the wildcard shape into a match kind. */
static uint32_t str_atom(struct lower *lw, uint32_t field, const struct sc_value *v)
{
	struct sc_arena *a = lw->ctx->arena;
	struct sc_sstr s = v->cased ? v->s : fold_sstr(a, v->s);
	struct sc_atom at;
	struct sc_part *p;
	struct sc_buf b = SC_BUF_INIT;
	uint32_t i, n = 0, nlit = 0, none = 0, id;

	/* "**" is one "*". */
	p = sc_arena_array(a, s.n ? s.n : 1, sizeof(*p));
	for (i = 0; i < s.n; i++) {
		if (s.v[i].kind == SC_PART_ANY && n && p[n - 1].kind == SC_PART_ANY)
			continue;
		p[n++] = s.v[i];
		nlit += s.v[i].kind == SC_PART_LIT;
		none += s.v[i].kind == SC_PART_ONE;
	}
	memset(&at, 0, sizeof(at));
	at.kind = SC_ATOM_STR;
	at.field = field;
	at.flags = (v->cased ? SC_AF_CASED : 0) | (v->encoded ? SC_AF_ENCODED : 0);
	if (n == 0) {
		at.match = SC_MATCH_EQ;
	} else if (nlit == 0 && none == 0) {
		at.match = SC_MATCH_ANY;
	} else if (none == 0 && nlit == 1 && n <= 3) {
		const struct sc_part *lit = NULL;
		bool pre = p[0].kind == SC_PART_ANY, post = p[n - 1].kind == SC_PART_ANY;

		for (i = 0; i < n; i++)
			if (p[i].kind == SC_PART_LIT)
				lit = &p[i];
		at.match = pre && post ? SC_MATCH_CONTAINS
			   : pre       ? SC_MATCH_SUFFIX
			   : post      ? SC_MATCH_PREFIX
				       : SC_MATCH_EQ;
		at.val = lit->s;
		at.len = lit->n;
	} else {
		struct sc_sstr t = {p, n};

		at.match = SC_MATCH_GLOB;
		sc_sstr_canon(t, &b);
		at.val = (const uint8_t *)(b.data ? b.data : "");
		at.len = (uint32_t)b.len;
	}
	id = sc_ir_atom(lw->ctx->ir, &at);
	sc_buf_done(&b);
	return id;
}

static int regex_atom(struct lower *lw, uint32_t field, const struct sc_value *v,
		      const struct sc_node *vn, uint32_t *ret)
{
	struct sc_re_error err;
	struct sc_re *re = NULL;
	struct sc_atom at;
	struct sc_buf why = SC_BUF_INIT;

	if (sc_re_parse(lw->ctx->arena, v->re, v->relen, v->reflags, &re, &err) < 0) {
		struct sc_pos pos = vn->pos;

		if (v->relen == vn->len && memcmp(v->re, vn->str, vn->len) == 0)
			pos = sc_node_value_pos(lw->r->file, vn, err.offset);
		sc_rule_diag(lw->ctx, lw->r, SC_E_BAD_REGEX, pos,
			     "invalid regular expression: %s (at offset %u of '%s')", err.msg,
			     err.offset, v->re);
		return -EINVAL;
	}
	if (re->cls == SC_RE_UNSUPPORTED) {
		sc_re_features_describe(re->features, &why);
		sc_rule_diag(lw->ctx, lw->r, SC_E_REGEX_UNSUPPORTED, vn->pos,
			     "regular expression '%s' uses %s, which no finite automaton can "
			     "match",
			     v->re, sc_buf_cstr(&why));
		sc_buf_done(&why);
		return -EINVAL;
	}
	memset(&at, 0, sizeof(at));
	at.kind = SC_ATOM_REGEX;
	at.field = field;
	at.flags = ((v->reflags & SC_RE_FLAG_I) ? SC_AF_RE_I : 0) |
		   ((v->reflags & SC_RE_FLAG_M) ? SC_AF_RE_M : 0) |
		   ((v->reflags & SC_RE_FLAG_S) ? SC_AF_RE_S : 0);
	at.val = (const uint8_t *)v->re;
	at.len = v->relen;
	at.re = re;
	*ret = sc_ir_atom(lw->ctx->ir, &at);
	return 0;
}

/* IR node for one value variant. Returns 0 or -EINVAL (reported). */
static int variant_node(struct lower *lw, const struct sc_det_item *it, uint32_t field,
			const struct sc_value *v, const struct sc_node *vn, uint32_t *ret)
{
	struct sc_ir *ir = lw->ctx->ir;
	struct sc_atom at;
	uint32_t atom;
	int err;

	memset(&at, 0, sizeof(at));
	at.field = field;
	switch (v->t) {
	case SC_V_STR:
		*ret = sc_ir_leaf(ir, str_atom(lw, field, v));
		return 0;
	case SC_V_BOOL: {
		struct sc_value s = *v;
		const char *t = v->b ? "true" : "false";

		s.t = SC_V_STR;
		s.s = sc_sstr_lit(lw->ctx->arena, (const uint8_t *)t, strlen(t));
		*ret = sc_ir_leaf(ir, str_atom(lw, field, &s));
		return 0;
	}
	case SC_V_NUM:
	case SC_V_CMP:
		at.kind = SC_ATOM_NUM;
		at.cmp = v->t == SC_V_NUM ? SC_CMP_EQ : v->cmp;
		break;
	case SC_V_TIMEPART:
		at.kind = SC_ATOM_TIMEPART;
		at.part = v->part;
		break;
	case SC_V_NULL:
		at.kind = SC_ATOM_NULL;
		*ret = sc_ir_leaf(ir, sc_ir_atom(ir, &at));
		return 0;
	case SC_V_EXISTS:
		at.kind = SC_ATOM_EXISTS;
		atom = sc_ir_atom(ir, &at);
		*ret = v->b ? sc_ir_leaf(ir, atom) : sc_ir_not(ir, sc_ir_leaf(ir, atom));
		return 0;
	case SC_V_RE:
		err = regex_atom(lw, field, v, vn, &atom);
		if (err < 0)
			return err;
		*ret = sc_ir_leaf(ir, atom);
		return 0;
	case SC_V_CIDR:
		at.kind = SC_ATOM_CIDR;
		at.family = v->cidr.family;
		at.prefix = v->cidr.prefix;
		memcpy(at.addr, v->cidr.addr, sizeof(at.addr));
		*ret = sc_ir_leaf(ir, sc_ir_atom(ir, &at));
		return 0;
	case SC_V_FIELDREF:
		at.kind = SC_ATOM_FIELDREF;
		at.match = v->ref_start && v->ref_end ? SC_MATCH_CONTAINS
			   : v->ref_start	       ? SC_MATCH_PREFIX
			   : v->ref_end		       ? SC_MATCH_SUFFIX
						       : SC_MATCH_EQ;
		at.flags = v->cased ? SC_AF_CASED : 0;
		at.val = (const uint8_t *)v->ref;
		at.len = (uint32_t)strlen(v->ref);
		*ret = sc_ir_leaf(ir, sc_ir_atom(ir, &at));
		return 0;
	default:
		sc_rule_diag(lw->ctx, lw->r, SC_E_INTERNAL, vn->pos, "unexpected value type %d",
			     (int)v->t);
		return -EINVAL;
	}
	/* Numbers: identity is the value, text kept for string comparison. */
	at.num = v->d;
	at.inum = v->i;
	at.is_int = v->is_int;
	at.num_text = v->text;
	(void)it;
	*ret = sc_ir_leaf(ir, sc_ir_atom(ir, &at));
	return 0;
}

/* Keywords: strings get an implicit "*value*"; numbers and booleans become text. */
static int keyword_variant(struct lower *lw, const struct sc_det_item *it,
			   const struct sc_value *v, const struct sc_node *vn, uint32_t *ret)
{
	struct sc_arena *a = lw->ctx->arena;
	struct sc_value s = *v;

	switch (v->t) {
	case SC_V_RE:
		return variant_node(lw, it, SC_FIELD_KEYWORD, v, vn, ret);
	case SC_V_NUM:
	case SC_V_BOOL:
		s.t = SC_V_STR;
		s.s = v->t == SC_V_NUM
			      ? sc_sstr_lit(a, (const uint8_t *)v->text, strlen(v->text))
			      : sc_sstr_lit(a, (const uint8_t *)(v->b ? "true" : "false"),
					    v->b ? 4 : 5);
		break;
	case SC_V_STR:
		break;
	default:
		sc_rule_diag(lw->ctx, lw->r, SC_E_MODIFIER_TYPE, vn->pos,
			     "keywords are matched as text; a keyword cannot be a %s test",
			     v->t == SC_V_CIDR ? "CIDR" : "typed");
		return -EINVAL;
	}
	if (!sc_sstr_starts_with_any(s.s))
		s.s = sc_sstr_prepend(a, s.s, SC_PART_ANY);
	if (!sc_sstr_ends_with_any(s.s))
		s.s = sc_sstr_append(a, s.s, SC_PART_ANY);
	return variant_node(lw, it, SC_FIELD_KEYWORD, &s, vn, ret);
}

/*
 * Append to *vals (grown as needed) the node of one YAML value: its
 * variants alts[0 .. nv) ORed, except that under |all the values an
 * |expand placeholder gave are ANDed with the item's other values, as in
 * pySigma, where they replace the placeholder in the item's value list.
 * Returns the new count.
 */
static uint32_t add_value(struct lower *lw, const struct sc_det_item *it,
			  const struct sc_value *vv, uint32_t *alts, uint32_t nv, uint32_t **vals,
			  uint32_t nvals)
{
	struct sc_ir *ir = lw->ctx->ir;
	uint32_t ngroups = 0, g, j, n, *sub;

	for (j = 0; j < nv; j++)
		if (vv[j].group > ngroups)
			ngroups = vv[j].group;
	if (!it->all || ngroups < 2) {
		(*vals)[nvals] = sc_ir_or(ir, alts, nv);
		return nvals + 1;
	}
	*vals = sc_xreallocarray(*vals, (size_t)nvals + it->nvalues + ngroups, sizeof(**vals));
	sub = sc_xreallocarray(NULL, nv, sizeof(*sub));
	for (g = 1; g <= ngroups; g++) {
		for (j = n = 0; j < nv; j++)
			if (vv[j].group == g)
				sub[n++] = alts[j];
		if (n)
			(*vals)[nvals++] = sc_ir_or(ir, sub, n);
	}
	free(sub);
	return nvals;
}

static int lower_item(struct lower *lw, const struct sc_det_item *it, uint32_t *ret)
{
	struct sc_ir *ir = lw->ctx->ir;
	uint32_t field = it->field ? sc_ir_field(ir, it->field) : SC_FIELD_KEYWORD;
	uint32_t *vals, nvals = 0, i, j, node;
	int err = 0;

	if (it->nvalues == 0) {
		/* "Field: []" is a null test in pySigma. */
		struct sc_atom at;

		memset(&at, 0, sizeof(at));
		at.kind = SC_ATOM_NULL;
		at.field = field;
		node = sc_ir_leaf(ir, sc_ir_atom(ir, &at));
		*ret = it->neq ? sc_ir_not(ir, node) : node;
		return 0;
	}
	vals = sc_xreallocarray(NULL, it->nvalues, sizeof(*vals));
	for (i = 0; i < it->nvalues; i++) {
		struct sc_value *vv;
		uint32_t nv, *alts;

		if (sc_value_apply(lw->ctx, lw->r, it, it->values[i], &vv, &nv) < 0) {
			err = -EINVAL;
			continue;
		}
		alts = sc_xreallocarray(NULL, nv ? nv : 1, sizeof(*alts));
		for (j = 0; j < nv; j++) {
			int e = it->field ? variant_node(lw, it, field, &vv[j], it->values[i],
							 &alts[j])
					  : keyword_variant(lw, it, &vv[j], it->values[i],
							    &alts[j]);

			if (e < 0) {
				err = e;
				break;
			}
		}
		if (j == nv)
			nvals = add_value(lw, it, vv, alts, nv, &vals, nvals);
		free(alts);
	}
	if (err == 0) {
		node = it->all ? sc_ir_and(ir, vals, nvals) : sc_ir_or(ir, vals, nvals);
		*ret = it->neq ? sc_ir_not(ir, node) : node;
	}
	free(vals);
	return err;
}

static int lower_sel(struct lower *lw, const struct sc_sel *s, uint32_t *ret)
{
	uint32_t *kids, i, n = 0;
	int err = 0;

	if (s->kind == SC_SEL_ITEM) {
		if (!s->item)
			return -EINVAL;
		return lower_item(lw, s->item, ret);
	}
	kids = sc_xreallocarray(NULL, s->nkids ? s->nkids : 1, sizeof(*kids));
	for (i = 0; i < s->nkids; i++) {
		if (lower_sel(lw, s->kids[i], &kids[n]) < 0)
			err = -EINVAL;
		else
			n++;
	}
	if (!err)
		*ret = s->kind == SC_SEL_AND ? sc_ir_and(lw->ctx->ir, kids, n)
					     : sc_ir_or(lw->ctx->ir, kids, n);
	free(kids);
	return err;
}

static uint32_t lower_cond(struct lower *lw, const struct sc_cond *c)
{
	struct sc_ir *ir = lw->ctx->ir;
	uint32_t *kids, i, ret;

	switch (c->op) {
	case SC_COND_AND:
		return sc_ir_and2(ir, lower_cond(lw, c->l), lower_cond(lw, c->r));
	case SC_COND_OR:
		return sc_ir_or2(ir, lower_cond(lw, c->l), lower_cond(lw, c->r));
	case SC_COND_NOT:
		return sc_ir_not(ir, lower_cond(lw, c->l));
	case SC_COND_IDENT:
		return lw->sel_ir[c->refs[0]];
	case SC_COND_ONE_OF:
	case SC_COND_ALL_OF:
	default:
		kids = sc_xreallocarray(NULL, c->nrefs ? c->nrefs : 1, sizeof(*kids));
		for (i = 0; i < c->nrefs; i++)
			kids[i] = lw->sel_ir[c->refs[i]];
		ret = c->op == SC_COND_ALL_OF ? sc_ir_and(ir, kids, c->nrefs)
					      : sc_ir_or(ir, kids, c->nrefs);
		free(kids);
		return ret;
	}
}

int sc_lower_detection(struct sc_ctx *ctx, struct sc_rule *r, const struct sc_detection *det,
		       uint32_t *ret)
{
	struct lower lw = {ctx, r, NULL};
	uint32_t i, *roots;
	int err = 0;

	if (!det || det->nconds == 0)
		return -EINVAL;
	lw.sel_ir = sc_xreallocarray(NULL, det->n ? det->n : 1, sizeof(*lw.sel_ir));
	for (i = 0; i < det->n; i++) {
		lw.sel_ir[i] = 0;
		if (lower_sel(&lw, det->sels[i], &lw.sel_ir[i]) < 0)
			err = -EINVAL;
	}
	if (err == 0) {
		roots = sc_xreallocarray(NULL, det->nconds, sizeof(*roots));
		for (i = 0; i < det->nconds; i++)
			roots[i] = lower_cond(&lw, det->conds[i]);
		*ret = sc_ir_or(ctx->ir, roots, det->nconds);
		free(roots);
	}
	free(lw.sel_ir);
	return err;
}
