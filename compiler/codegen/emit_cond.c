// SPDX-License-Identifier: Apache-2.0
/*
 * sgr_cond_N.c: one C function per rule, its condition over atom results.
 * AND and OR operands are ordered cheapest first (atoms the matchers have
 * already set before ones that need work, regular expressions last), which
 * is free to do: operands have no side effects. Under an AND, negated
 * operands (Sigma's filters, seldom true, so seldom deciding) come after
 * the positive ones, whatever their cost. Long lists of plain atoms
 * become a table and a loop, or a scan of their states when their atoms
 * are consecutive. The runtime evaluates a rule with anchors only when one
 * of them fired (gen_abi.h, struct sgr_rule), so the part of the condition
 * that holds every anchor (the condition, or an operand of its top AND) is
 * written as true. Each function carries the rule's id, title and
 * condition in a comment.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cg.h"
#include "ctx.h"
#include "emit.h"
#include "emit_int.h"
#include "ir.h"
#include "rule.h"
#include "yaml_load.h"

#define LIST_MIN 8 /* atom lists at least this long become tables */

struct cond_emit {
	struct sc_cg *cg;
	struct sc_buf *pre;  /* static tables before the function */
	uint32_t rule;
	uint32_t ntab;
	uint32_t root;	     /* the condition's root node */
	uint32_t parent;     /* the node whose operand expr() is writing (root: none) */
};

static unsigned atom_cost(const struct sc_cg *cg, const struct sc_atom *a)
{
	const struct sc_cg_atom *ca = &cg->atoms[cg->atom_index[a->id] - 1];

	if (ca->eval == SC_CG_INDEXED)
		return 0;
	switch (a->kind) {
	case SC_ATOM_REGEX:
		return 20;
	case SC_ATOM_STR:
		return a->match == SC_MATCH_GLOB ? 4 : 2;
	case SC_ATOM_CIDR:
	case SC_ATOM_FIELDREF:
	case SC_ATOM_TIMEPART:
		return 2;
	default:
		return 1;
	}
}

static unsigned node_cost(const struct sc_cg *cg, uint32_t id, int depth)
{
	const struct sc_irnode *n = sc_ir_get_node(cg->ctx->ir, id);
	unsigned c = 0;
	uint32_t i;

	if (n->op == SC_IR_ATOM)
		return atom_cost(cg, sc_ir_get_atom(cg->ctx->ir, n->atom));
	if (depth > 32)
		return 100;
	for (i = 0; i < n->nkids; i++)
		c += node_cost(cg, n->kids[i], depth + 1);
	return c;
}

struct kid {
	uint32_t id;
	bool late; /* a NOT under an AND: after the positive operands */
	unsigned cost;
};

static int kid_cmp(const void *pa, const void *pb)
{
	const struct kid *a = pa, *b = pb;

	if (a->late != b->late)
		return a->late ? 1 : -1;
	if (a->cost != b->cost)
		return a->cost < b->cost ? -1 : 1;
	return a->id < b->id ? -1 : (a->id > b->id);
}

static uint32_t dense(const struct sc_cg *cg, uint32_t ir_atom)
{
	return cg->atom_index[ir_atom] - 1;
}

/*
 * True when the n atom operands kids[] are the n distinct atoms *first ..
 * *first + n - 1 (a long list of one selection's values).
 */
static bool consecutive(const struct sc_cg *cg, const struct kid *kids, uint32_t n, uint32_t *first)
{
	uint32_t *v = sc_xreallocarray(NULL, n, sizeof(*v)), i;
	bool ok = true;

	for (i = 0; i < n; i++)
		v[i] = dense(cg, sc_ir_get_node(cg->ctx->ir, kids[i].id)->atom);
	qsort(v, n, sizeof(*v), sc_u32_cmp);
	for (i = 1; i < n && ok; i++)
		ok = v[i] == v[i - 1] + 1;
	*first = v[0];
	free(v);
	return ok;
}

/*
 * True when node (an atom, or an OR of atoms) is true whenever the rule is
 * evaluated: the runtime evaluates a rule only when one of its anchors
 * fired, so an OR that holds every anchor holds a true atom. Anchors that
 * are prefilter literals (regex, glob) only make their atom "maybe": not
 * then.
 */
static bool holds_anchors(const struct cond_emit *ce, uint32_t node)
{
	const struct sc_cg_rule *r = &ce->cg->rules[ce->rule];
	const struct sc_irnode *n = sc_ir_get_node(ce->cg->ctx->ir, node);
	uint32_t i, k;

	if (!r->anchors.n || (n->op != SC_IR_ATOM && n->op != SC_IR_OR))
		return false;
	for (k = 0; k < r->anchors.n; k++) {
		if (ce->cg->atoms[r->anchors.v[k]].eval != SC_CG_INDEXED)
			return false;
		if (n->op == SC_IR_ATOM) {
			if (r->anchors.n != 1 || dense(ce->cg, n->atom) != r->anchors.v[0])
				return false;
			continue;
		}
		for (i = 0; i < n->nkids; i++) {
			const struct sc_irnode *x = sc_ir_get_node(ce->cg->ctx->ir, n->kids[i]);

			if (x->op == SC_IR_ATOM && dense(ce->cg, x->atom) == r->anchors.v[k])
				break;
		}
		if (i == n->nkids)
			return false;
	}
	return true;
}

static void expr(struct cond_emit *ce, uint32_t id, struct sc_buf *b)
{
	const struct sc_irnode *n = sc_ir_get_node(ce->cg->ctx->ir, id);
	struct kid *kids;
	uint32_t i, natoms = 0, first;
	const char *op;

	/* the condition, or an operand of the AND at its root */
	if ((id == ce->root ||
	     (ce->parent == ce->root && sc_ir_get_node(ce->cg->ctx->ir, ce->root)->op == SC_IR_AND)) &&
	    holds_anchors(ce, id)) {
		sc_buf_puts(b, "true /* an anchor fired */");
		return;
	}
	switch (n->op) {
	case SC_IR_TRUE:
		sc_buf_puts(b, "true");
		return;
	case SC_IR_FALSE:
		sc_buf_puts(b, "false");
		return;
	case SC_IR_ATOM:
		sc_buf_printf(b, "sgr_atom(m, %u)", dense(ce->cg, n->atom));
		return;
	case SC_IR_NOT:
		sc_buf_puts(b, "!");
		ce->parent = id;
		expr(ce, n->kids[0], b);
		return;
	case SC_IR_AND:
	case SC_IR_OR:
	default:
		break;
	}
	op = n->op == SC_IR_AND ? " && " : " || ";
	kids = sc_xreallocarray(NULL, n->nkids, sizeof(*kids));
	for (i = 0; i < n->nkids; i++) {
		kids[i].id = n->kids[i];
		kids[i].cost = node_cost(ce->cg, n->kids[i], 0);
		kids[i].late = n->op == SC_IR_AND &&
			       sc_ir_get_node(ce->cg->ctx->ir, n->kids[i])->op == SC_IR_NOT;
		if (sc_ir_get_node(ce->cg->ctx->ir, n->kids[i])->op == SC_IR_ATOM)
			natoms++;
	}
	qsort(kids, n->nkids, sizeof(*kids), kid_cmp);
	sc_buf_putc(b, '(');
	if (natoms >= LIST_MIN && natoms == n->nkids && n->op == SC_IR_OR &&
	    consecutive(ce->cg, kids, natoms, &first)) {
		/* Atoms first .. first + natoms - 1: no table, a scan of their states. */
		sc_buf_printf(b, "sgr_any_run(m, %u, %u)", first, natoms);
	} else if (natoms >= LIST_MIN && natoms == n->nkids) {
		/* A table of atoms and one loop. */
		sc_buf_printf(ce->pre, "static const uint32_t r%u_t%u[%u] = {", ce->rule, ce->ntab,
			      natoms);
		for (i = 0; i < n->nkids; i++)
			sc_buf_printf(ce->pre, "%s%u,", i % 16 ? "" : "\n\t",
				      dense(ce->cg, sc_ir_get_node(ce->cg->ctx->ir, kids[i].id)->atom));
		sc_buf_puts(ce->pre, "\n};\n");
		sc_buf_printf(b, "%s(m, r%u_t%u, %u)", n->op == SC_IR_AND ? "sgr_all" : "sgr_any",
			      ce->rule, ce->ntab, natoms);
		ce->ntab++;
	} else {
		for (i = 0; i < n->nkids; i++) {
			if (i)
				sc_buf_puts(b, op);
			ce->parent = id;
			expr(ce, kids[i].id, b);
		}
	}
	sc_buf_putc(b, ')');
	free(kids);
}

static void condition_comment(struct sc_buf *b, const struct sc_rule *r)
{
	const struct sc_node *c = r->detection ? r->detection->condition : NULL;
	uint32_t i;

	if (!c)
		return;
	if (c->kind == SC_NODE_SCALAR) {
		sc_buf_puts(b, "\n * condition: ");
		sc_emit_comment_text(b, c->str, 200);
		return;
	}
	for (i = 0; i < c->n; i++) {
		sc_buf_puts(b, "\n * condition: ");
		sc_emit_comment_text(b, c->items[i]->str, 200);
	}
}

void sc_cg_emit_cond(struct sc_cg *cg, unsigned file, struct sc_buf *b)
{
	struct sc_buf pre = SC_BUF_INIT, body = SC_BUF_INIT;
	uint32_t i;

	sc_emit_banner(b, cg, "rule conditions");
	sc_buf_puts(b, "#include <stdbool.h>\n#include <stdint.h>\n\n#include \"sgr_ruleset.h\"\n");
	for (i = file; i < cg->nrules; i += SC_COND_FILES) {
		const struct sc_rule *r = cg->rules[i].r;
		struct cond_emit ce = {cg, &pre, i, 0, cg->rules[i].root, UINT32_MAX};

		sc_buf_reset(&pre);
		sc_buf_reset(&body);
		expr(&ce, cg->rules[i].root, &body);
		sc_buf_printf(b, "\n/* %s: ", r->id ? r->id : sc_cg_rule_path(cg, r));
		sc_emit_comment_text(b, r->title, 120);
		condition_comment(b, r);
		sc_buf_puts(b, " */\n");
		if (pre.len)
			sc_buf_add(b, pre.data, pre.len);
		sc_buf_printf(b, "bool sgr_c_%u(struct ag_match *m)\n{\n\t(void)m;\n\treturn %s;\n}\n",
			      i, body.data);
	}
	sc_buf_done(&pre);
	sc_buf_done(&body);
}
