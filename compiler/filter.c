// SPDX-License-Identifier: Apache-2.0
/*
 * Filter documents (Sigma v2 meta-filters, sigma-reference A6): a logsource,
 * the rules they apply to, and selections with one condition, which pySigma
 * ANDs to the rule's condition. The selections are parsed like a rule's
 * detection; which rules exist is checked across all inputs (ruleset.c).
 */
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "ctx.h"
#include "rule.h"
#include "yaml_load.h"

void sc_filter_load(struct sc_ctx *ctx, struct sc_rule *r)
{
	static const char *const not_allowed[] = {"level", "status", "falsepositives",
						  "correlation", NULL};
	const struct sc_node *fm = sc_node_get(r->root, "filter"), *rules;
	struct sc_filter *f = sc_arena_alloc(ctx->arena, sizeof(*f));
	uint32_t i;

	r->filter = f;
	for (i = 0; not_allowed[i]; i++) {
		const struct sc_node *k = sc_node_key(r->root, not_allowed[i]);

		if (k)
			sc_rule_diag(ctx, r, SC_E_FILTER_KEY, k->pos,
				     "'%s' is not allowed in a filter: a filter takes the level "
				     "and status of the rules it applies to",
				     not_allowed[i]);
	}
	if (fm->kind != SC_NODE_MAP) {
		sc_rule_diag(ctx, r, SC_E_FILTER_MISSING, fm->pos,
			     "'filter' must be a mapping with 'rules', selections and "
			     "'condition', not a %s",
			     sc_node_type_name(fm));
		return;
	}
	rules = sc_node_get(fm, "rules");
	if (!rules) {
		sc_rule_diag(ctx, r, SC_E_FILTER_RULES, fm->pos,
			     "filter has no 'rules' (use 'rules: any' for every rule of the "
			     "logsource)");
	} else if ((rules->kind == SC_NODE_SCALAR && sc_scalar_type(rules) == SC_SCALAR_STR &&
		    (!strcasecmp(rules->str, "any") || !strcasecmp(rules->str, "all"))) ||
		   (rules->kind == SC_NODE_SEQ && rules->n == 0)) {
		/* 'any' and 'all' in any case, as pySigma reads them */
		f->any = true;
	} else if (rules->kind == SC_NODE_SCALAR && sc_scalar_type(rules) == SC_SCALAR_STR &&
		   rules->len) {
		f->rules.v = sc_arena_alloc(ctx->arena, sizeof(*f->rules.v));
		f->rules.pos = sc_arena_alloc(ctx->arena, sizeof(*f->rules.pos));
		f->rules.v[0] = rules->str;
		f->rules.pos[0] = rules->pos;
		f->rules.n = 1;
	} else if (rules->kind == SC_NODE_SEQ) {
		f->rules.v = sc_arena_array(ctx->arena, rules->n, sizeof(*f->rules.v));
		f->rules.pos = sc_arena_array(ctx->arena, rules->n, sizeof(*f->rules.pos));
		for (i = 0; i < rules->n; i++) {
			const struct sc_node *x = rules->items[i];

			if (x->kind != SC_NODE_SCALAR || sc_scalar_type(x) != SC_SCALAR_STR ||
			    !x->len) {
				sc_rule_diag(ctx, r, SC_E_FILTER_RULES, x->pos,
					     "filter 'rules' lists rule ids or names; this item "
					     "is a %s",
					     sc_node_type_name(x));
				continue;
			}
			f->rules.v[f->rules.n] = x->str;
			f->rules.pos[f->rules.n] = x->pos;
			f->rules.n++;
		}
	} else {
		sc_rule_diag(ctx, r, SC_E_FILTER_RULES, rules->pos,
			     "filter 'rules' must be a list of rule ids or names, or 'any'");
	}
	r->detection = sc_detection_load(ctx, r, fm, true);
}
