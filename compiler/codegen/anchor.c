// SPDX-License-Identifier: Apache-2.0
/*
 * Candidate indexing: for every rule, a set of indexed atoms of which at
 * least one is true whenever the rule is (a "cover" of its condition). At
 * run time a rule is evaluated only when one of its anchors fired, so the
 * cost per event follows the number of rules that could match, not the
 * number of rules. This is Suricata's prefilter idea and rsigma's
 * required-literal index, applied to the whole boolean condition:
 *
 *   cover(atom)   = {atom} if the atom is indexed, else none
 *   cover(a AND b) = the cheaper of cover(a), cover(b)
 *   cover(a OR b)  = cover(a) + cover(b), none if either has none
 *   cover(NOT x)   = none;  cover(FALSE) = {} (never true);  cover(TRUE) = none
 *
 * The cost of a cover is the sum of its atoms' estimated probabilities of
 * firing (longer literals are rarer: Suricata's PatternStrength). Rules
 * without a cover go to their group's "always" list. Indexable atoms that
 * end up in no rule's cover are computed on demand (unanchored_lazy).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cg.h"
#include "ctx.h"
#include "ir.h"
#include "regex_lit.h"
#include "utf8.h"

/* Whether an atom can be set by a literal matcher (see matchers.c). */
static bool indexable(const struct sc_atom *a)
{
	switch (a->kind) {
	case SC_ATOM_STR:
		if (a->field == SC_FIELD_KEYWORD)
			return a->match == SC_MATCH_CONTAINS && !(a->flags & SC_AF_CASED);
		return a->match != SC_MATCH_GLOB;
	case SC_ATOM_NUM:
		/* The numeric index fires on numeric values; "inf" text needs the lazy path. */
		return a->cmp == SC_CMP_EQ && a->field != SC_FIELD_KEYWORD && isfinite(a->num);
	default:
		return false;
	}
}

/* Estimated probability that an indexed atom fires on an event of its group. */
static double weight(const struct sc_atom *a)
{
	double len = a->len;

	if (a->kind == SC_ATOM_NUM)
		return 0.05;
	if (a->field == SC_FIELD_KEYWORD)
		return fmin(1.0, 16.0 * pow(0.55, len));
	switch (a->match) {
	case SC_MATCH_EQ:
		return fmin(0.5, 0.05 * pow(0.8, len));
	case SC_MATCH_PREFIX:
	case SC_MATCH_SUFFIX:
		return fmin(1.0, 2.0 * pow(0.6, len));
	case SC_MATCH_CONTAINS:
		return fmin(1.0, 8.0 * pow(0.55, len));
	case SC_MATCH_ANY:
		return 0.9;
	default:
		return 1.0;
	}
}

struct cover {
	bool none;	       /* no cover */
	double cost;
	struct sc_u32v atoms; /* dense atom indices (may repeat) */
};

static void cover_none(struct cover *c)
{
	c->none = true;
	c->cost = INFINITY;
	c->atoms.n = 0;
}

static void compute(struct sc_cg *cg, uint32_t node, struct cover *out, int depth)
{
	const struct sc_irnode *n = sc_ir_get_node(cg->ctx->ir, node);
	struct cover tmp;
	uint32_t i, k;

	memset(&tmp, 0, sizeof(tmp));
	out->none = false;
	out->cost = 0;
	out->atoms.n = 0;
	if (depth > 256) {
		cover_none(out);
		return;
	}
	switch (n->op) {
	case SC_IR_FALSE:
		return; /* never true: the empty cover */
	case SC_IR_TRUE:
	case SC_IR_NOT:
		cover_none(out);
		return;
	case SC_IR_ATOM: {
		uint32_t idx = cg->atom_index[n->atom] - 1;
		struct sc_cg_atom *a = &cg->atoms[idx];

		if (a->eval != SC_CG_INDEXED && !a->npre) {
			cover_none(out);
			return;
		}
		sc_u32v_push(&out->atoms, idx);
		out->cost = a->weight;
		return;
	}
	case SC_IR_AND:
		cover_none(out);
		for (i = 0; i < n->nkids; i++) {
			compute(cg, n->kids[i], &tmp, depth + 1);
			if (tmp.none || tmp.cost >= out->cost)
				continue;
			out->none = false;
			out->cost = tmp.cost;
			out->atoms.n = 0;
			for (k = 0; k < tmp.atoms.n; k++)
				sc_u32v_push(&out->atoms, tmp.atoms.v[k]);
		}
		break;
	case SC_IR_OR:
		for (i = 0; i < n->nkids; i++) {
			compute(cg, n->kids[i], &tmp, depth + 1);
			if (tmp.none) {
				cover_none(out);
				break;
			}
			out->cost += tmp.cost;
			for (k = 0; k < tmp.atoms.n; k++)
				sc_u32v_push(&out->atoms, tmp.atoms.v[k]);
		}
		break;
	}
	sc_u32v_done(&tmp.atoms);
}

/*
 * A regex or glob atom's prefilter: literals one of which every match
 * contains (regex_lit.c; a glob's longest piece), always folded so they
 * join the field's folded contains matcher; the weight is that of a
 * contains test for each. When none of them is found in an event, the
 * atom is false without running the regex or the glob (gen_abi.h,
 * SGR_HIT_MAYBE), and rules anchored on it are not candidates.
 */
/*
 * The longest piece of a glob between its wildcards (unescaped), which
 * every match contains: its only literal when at least SC_RLIT_MIN bytes.
 */
static uint32_t glob_required(const struct sc_atom *at, struct sc_rlit *out)
{
	const uint8_t *p = at->val;
	uint32_t i = 0, n = at->len;
	struct sc_rlit cur = {.n = 0};

	out->n = 0;
	while (i <= n) {
		if (i == n || p[i] == '*' || p[i] == '?') {
			if (cur.n > out->n)
				*out = cur;
			cur.n = 0;
			i++;
			continue;
		}
		if (p[i] == '\\' && i + 1 < n && (p[i + 1] == '*' || p[i + 1] == '?' || p[i + 1] == '\\'))
			i++;
		if (cur.n < SC_RLIT_MAX)
			cur.b[cur.n++] = p[i];
		i++;
	}
	return out->n >= SC_RLIT_MIN ? 1 : 0;
}

static void prefilter(struct sc_cg *cg, struct sc_cg_atom *a)
{
	struct sc_rlit lit[SC_RLIT_ALTS];
	bool folded;
	uint32_t n, i;

	(void)cg;
	if (a->ir->kind == SC_ATOM_REGEX) {
		n = sc_regex_required(a->ir->re, lit, &folded);
	} else {
		n = glob_required(a->ir, lit);
		folded = !(a->ir->flags & SC_AF_CASED); /* the value is folded already */
	}
	if (!n)
		return;
	a->pre = sc_xreallocarray(NULL, n, sizeof(*a->pre));
	a->npre_len = sc_xreallocarray(NULL, n, sizeof(*a->npre_len));
	a->weight = 0;
	for (i = 0; i < n; i++) {
		uint8_t *f = sc_xmalloc(2 * SC_RLIT_MAX + 4);

		a->npre_len[i] = folded ? lit[i].n : (uint32_t)sc_utf8_fold(lit[i].b, lit[i].n, f);
		if (folded)
			memcpy(f, lit[i].b, lit[i].n);
		a->pre[i] = f;
		a->weight += fmin(1.0, 8.0 * pow(0.55, a->npre_len[i]));
	}
	a->npre = n;
	a->weight = fmin(1.0, a->weight);
}

/*
 * Lists of at least LONG_LIST atoms or'ed together (the values of one
 * selection field: 52 command-line fragments behind a rule's one anchor,
 * the filter values of a rule) stay indexed even when no rule is anchored
 * on them: computed on demand they cost one comparison each, one after
 * another, for every candidate that reaches them; indexed, the field's
 * matcher finds them all in its one pass (and the memo replays it). The
 * same length at which emit_cond.c makes a list a table. Side by side with
 * 8: 0.85-0.88 us/event against 0.90-0.94 (on-demand string tests 5.20 ->
 * 2.80 per event); 4 and 16 did worse than 8.
 */
#define LONG_LIST 8

/* Mark in keep[] the atoms of the long OR lists of plain atoms under node. */
static void long_lists(struct sc_cg *cg, uint32_t node, uint8_t *keep, int depth)
{
	const struct sc_irnode *n = sc_ir_get_node(cg->ctx->ir, node);
	uint32_t i, natoms = 0;

	if (n->op == SC_IR_ATOM || depth > 64)
		return;
	for (i = 0; i < n->nkids; i++)
		if (sc_ir_get_node(cg->ctx->ir, n->kids[i])->op == SC_IR_ATOM)
			natoms++;
	if (n->op == SC_IR_OR && natoms >= LONG_LIST && natoms == n->nkids) {
		for (i = 0; i < n->nkids; i++)
			keep[cg->atom_index[sc_ir_get_node(cg->ctx->ir, n->kids[i])->atom] - 1] = 1;
		return;
	}
	for (i = 0; i < n->nkids; i++)
		long_lists(cg, n->kids[i], keep, depth + 1);
}

/*
 * Indexable atoms no rule is anchored on are computed on demand, unless in
 * a long list (above). Such an atom only matters to rules that are already
 * candidates, and those read it after their anchors' part of the condition
 * (emit_cond.c orders operands cheapest first), so indexing it would make
 * every event of the group pay for what a few candidates may ask: its
 * literal in the matchers (short contains patterns compared at every byte,
 * long ones filling the gram filters and lowering the stride, trie states,
 * numeric parses). One comparison or memmem() when a candidate asks is
 * cheaper (callgrind over the datasets: 12,500 -> 10,300 instructions per
 * event). The prefilters of regex and glob atoms stay, anchors or not: a
 * candidate that reads the atom then skips the automaton when none of its
 * literals was seen.
 */
static void unanchored_lazy(struct sc_cg *cg)
{
	uint8_t *anchor = calloc(cg->natoms + 1, 1);
	uint32_t i, k;

	if (!anchor)
		sc_oom();
	for (i = 0; i < cg->nrules; i++)
		for (k = 0; k < cg->rules[i].anchors.n; k++)
			anchor[cg->rules[i].anchors.v[k]] = 1;
	for (i = 0; i < cg->nrules; i++)
		long_lists(cg, cg->rules[i].root, anchor, 0);
	for (i = 0; i < cg->natoms; i++)
		if (!anchor[i] && cg->atoms[i].eval == SC_CG_INDEXED)
			cg->atoms[i].eval = SC_CG_LAZY;
	free(anchor);
}

void sc_cg_choose_anchors(struct sc_cg *cg)
{
	struct cover c;
	uint32_t i, k, m;

	for (i = 0; i < cg->natoms; i++) {
		struct sc_cg_atom *a = &cg->atoms[i];

		a->eval = indexable(a->ir) ? SC_CG_INDEXED : SC_CG_LAZY;
		a->weight = a->eval == SC_CG_INDEXED ? weight(a->ir) : 1.0;
		if (a->ir->kind == SC_ATOM_REGEX ||
		    (a->ir->kind == SC_ATOM_STR && a->ir->match == SC_MATCH_GLOB))
			prefilter(cg, a);
	}
	memset(&c, 0, sizeof(c));
	for (i = 0; i < cg->nrules; i++) {
		struct sc_cg_rule *r = &cg->rules[i];

		compute(cg, r->root, &c, 0);
		if (c.none) {
			sc_u32v_push(&cg->groups[r->group].always, r->index);
			continue;
		}
		if (c.atoms.n)
			qsort(c.atoms.v, c.atoms.n, sizeof(*c.atoms.v), sc_u32_cmp);
		for (k = m = 0; k < c.atoms.n; k++)
			if (m == 0 || c.atoms.v[m - 1] != c.atoms.v[k])
				c.atoms.v[m++] = c.atoms.v[k];
		for (k = 0; k < m; k++)
			sc_u32v_push(&r->anchors, c.atoms.v[k]);
	}
	sc_u32v_done(&c.atoms);
	unanchored_lazy(cg);
}
