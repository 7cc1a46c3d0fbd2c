// SPDX-License-Identifier: Apache-2.0
/*
 * Correlation documents (Sigma v2 meta-rules, sigma-reference A5): every
 * key of the "correlation" mapping is checked, for all types of the v2.1
 * specification and pySigma's value_median. References to other rules are
 * resolved later, across all inputs (ruleset.c). Compilation of
 * correlations into bounded per-group state is a later step; until then
 * compile rejects them with SC_E_CORR_NOT_COMPILED.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ctx.h"
#include "rule.h"
#include "yaml_load.h"

static const struct {
	const char *name;
	enum sc_corr_type type;
} corr_types[] = {
	{"event_count", SC_CORR_EVENT_COUNT},
	{"value_count", SC_CORR_VALUE_COUNT},
	{"temporal", SC_CORR_TEMPORAL},
	{"temporal_ordered", SC_CORR_TEMPORAL_ORDERED},
	{"value_sum", SC_CORR_VALUE_SUM},
	{"value_avg", SC_CORR_VALUE_AVG},
	{"value_percentile", SC_CORR_VALUE_PERCENTILE},
	{"value_median", SC_CORR_VALUE_MEDIAN},
};

static const struct {
	const char *name;
	enum sc_corr_op op;
} corr_ops[] = {
	{"gt", SC_CORR_GT}, {"gte", SC_CORR_GTE}, {"lt", SC_CORR_LT},
	{"lte", SC_CORR_LTE}, {"eq", SC_CORR_EQ}, {"neq", SC_CORR_NEQ},
};

static bool is_value_type(enum sc_corr_type t)
{
	return t == SC_CORR_VALUE_COUNT || t == SC_CORR_VALUE_SUM || t == SC_CORR_VALUE_AVG ||
	       t == SC_CORR_VALUE_PERCENTILE || t == SC_CORR_VALUE_MEDIAN;
}

static bool is_temporal(enum sc_corr_type t)
{
	return t == SC_CORR_TEMPORAL || t == SC_CORR_TEMPORAL_ORDERED;
}

/* A string, or a list of strings, into out. */
static bool str_or_list(struct sc_ctx *ctx, const struct sc_node *n,
			struct sc_strlist *out)
{
	uint32_t i;

	memset(out, 0, sizeof(*out));
	if (n->kind == SC_NODE_SCALAR && sc_scalar_type(n) == SC_SCALAR_STR && n->len) {
		out->v = sc_arena_alloc(ctx->arena, sizeof(*out->v));
		out->pos = sc_arena_alloc(ctx->arena, sizeof(*out->pos));
		out->v[0] = n->str;
		out->pos[0] = n->pos;
		out->n = 1;
		return true;
	}
	if (n->kind != SC_NODE_SEQ || n->n == 0)
		return false;
	out->v = sc_arena_array(ctx->arena, n->n, sizeof(*out->v));
	out->pos = sc_arena_array(ctx->arena, n->n, sizeof(*out->pos));
	for (i = 0; i < n->n; i++) {
		const struct sc_node *x = n->items[i];

		if (x->kind != SC_NODE_SCALAR || sc_scalar_type(x) != SC_SCALAR_STR || !x->len)
			return false;
		out->v[out->n] = x->str;
		out->pos[out->n] = x->pos;
		out->n++;
	}
	return true;
}

/* "<n><unit>" with unit s m h d (spec) or w M y (pySigma). */
static bool parse_timespan(const char *s, uint64_t *ret)
{
	uint64_t v = 0, mul;
	size_t i = 0;

	while (s[i] >= '0' && s[i] <= '9') {
		if (v > UINT64_MAX / 10 - 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
		i++;
	}
	if (i == 0 || !s[i] || s[i + 1])
		return false;
	switch (s[i]) {
	case 's':
		mul = 1;
		break;
	case 'm':
		mul = 60;
		break;
	case 'h':
		mul = 3600;
		break;
	case 'd':
		mul = 86400;
		break;
	case 'w':
		mul = 7 * 86400;
		break;
	case 'M':
		mul = 2629800; /* 30.4375 days, pySigma's month */
		break;
	case 'y':
		mul = 31557600; /* 365.25 days */
		break;
	default:
		return false;
	}
	if (v == 0 || v > UINT64_MAX / mul)
		return false;
	*ret = v * mul;
	return true;
}

static void load_condition(struct sc_ctx *ctx, struct sc_rule *r, struct sc_correlation *c,
			   const struct sc_node *cond)
{
	bool count_type = !is_value_type(c->type) || c->type == SC_CORR_VALUE_COUNT;
	uint32_t i, k;
	int lower = 0, upper = 0, exact = 0;

	if (cond->kind == SC_NODE_SCALAR && is_temporal(c->type) &&
	    sc_scalar_type(cond) == SC_SCALAR_STR) {
		c->cond_expr = cond->str; /* pySigma extension: expression over rule names */
		return;
	}
	if (cond->kind != SC_NODE_MAP) {
		sc_rule_diag(ctx, r, SC_E_CORR_CONDITION, cond->pos,
			     "correlation condition must be a mapping such as 'gte: 10', not a %s",
			     sc_node_type_name(cond));
		return;
	}
	for (i = 0; i < cond->n; i++) {
		const struct sc_node *key = cond->keys[i], *v = cond->items[i];
		double d;
		int64_t iv;
		bool is_int = false;

		if (sc_node_is(key, "field")) {
			if (!str_or_list(ctx, v, &c->fields))
				sc_rule_diag(ctx, r, SC_E_CORR_FIELD, v->pos,
					     "correlation condition 'field' must name a field");
			continue;
		}
		if (sc_node_is(key, "percentile")) {
			if (sc_scalar_type(v) != SC_SCALAR_INT && sc_scalar_type(v) != SC_SCALAR_FLOAT)
				sc_rule_diag(ctx, r, SC_E_CORR_CONDITION, v->pos,
					     "'percentile' must be a number");
			else
				sc_scalar_number(v, &c->percentile, &iv, &is_int);
			continue;
		}
		for (k = 0; k < sizeof(corr_ops) / sizeof(corr_ops[0]); k++)
			if (sc_node_is(key, corr_ops[k].name))
				break;
		if (k == sizeof(corr_ops) / sizeof(corr_ops[0])) {
			sc_rule_diag(ctx, r, SC_E_CORR_CONDITION, key->pos,
				     "'%s' is not a correlation condition operator (gt, gte, lt, "
				     "lte, eq, neq) or 'field'",
				     key->str);
			continue;
		}
		if ((sc_scalar_type(v) != SC_SCALAR_INT && sc_scalar_type(v) != SC_SCALAR_FLOAT) ||
		    !sc_scalar_number(v, &d, &iv, &is_int) || (count_type && !is_int) ||
		    (count_type && iv < 0)) {
			sc_rule_diag(ctx, r, SC_E_CORR_CONDITION, v->pos,
				     "'%s' needs %s, not '%s'", key->str,
				     count_type ? "a non-negative integer count" : "a number",
				     v->kind == SC_NODE_SCALAR ? v->str : sc_node_type_name(v));
			continue;
		}
		if (c->ncond == 2) {
			sc_rule_diag(ctx, r, SC_E_CORR_CONDITION, key->pos,
				     "more than two comparison operators in correlation condition");
			continue;
		}
		c->cond[c->ncond].op = corr_ops[k].op;
		c->cond[c->ncond].value = d;
		c->ncond++;
		if (corr_ops[k].op == SC_CORR_GT || corr_ops[k].op == SC_CORR_GTE)
			lower++;
		else if (corr_ops[k].op == SC_CORR_LT || corr_ops[k].op == SC_CORR_LTE)
			upper++;
		else
			exact++;
	}
	if (c->ncond == 0 && !r->rejected)
		sc_rule_diag(ctx, r, SC_E_CORR_CONDITION, cond->pos,
			     "correlation condition needs one of gt, gte, lt, lte, eq, neq");
	else if (c->ncond == 2 && (exact || lower != 1 || upper != 1))
		sc_rule_diag(ctx, r, SC_E_CORR_CONDITION, cond->pos,
			     "two operators must form a range: one of gt/gte and one of lt/lte");
	if (is_value_type(c->type) && c->fields.n == 0 && !r->rejected)
		sc_rule_diag(ctx, r, SC_E_CORR_FIELD, cond->pos,
			     "%s correlation needs 'field' in its condition",
			     c->type == SC_CORR_VALUE_COUNT ? "value_count" : "value_*");
}

void sc_correlation_load(struct sc_ctx *ctx, struct sc_rule *r)
{
	static const char *const known[] = {"type",	 "rules",     "group-by", "timespan",
					    "condition", "aliases",   "generate", NULL};
	const struct sc_node *cm = sc_node_get(r->root, "correlation"), *n;
	struct sc_correlation *c = sc_arena_alloc(ctx->arena, sizeof(*c));
	uint32_t i, k;

	r->corr = c;
	if (sc_node_key(r->root, "detection"))
		sc_rule_diag(ctx, r, SC_E_CORR_KEY, sc_node_key(r->root, "detection")->pos,
			     "a correlation has no 'detection'; put the rule in its own document");
	if (cm->kind != SC_NODE_MAP) {
		sc_rule_diag(ctx, r, SC_E_BAD_TYPE, cm->pos,
			     "'correlation' must be a mapping, not a %s", sc_node_type_name(cm));
		return;
	}
	for (i = 0; i < cm->n; i++) {
		for (k = 0; known[k]; k++)
			if (sc_node_is(cm->keys[i], known[k]))
				break;
		if (!known[k])
			sc_rule_diag(ctx, r, SC_E_CORR_KEY, cm->keys[i]->pos,
				     "unknown key '%s' in correlation%s", cm->keys[i]->str,
				     sc_node_is(cm->keys[i], "timeframe") ? " (did you mean 'timespan'?)"
				     : sc_node_is(cm->keys[i], "group_by") ? " (did you mean 'group-by'?)"
									   : "");
	}

	n = sc_node_get(cm, "type");
	if (!n) {
		sc_rule_diag(ctx, r, SC_E_CORR_TYPE, cm->pos, "correlation has no 'type'");
	} else {
		for (k = 0; k < sizeof(corr_types) / sizeof(corr_types[0]); k++)
			if (sc_node_is(n, corr_types[k].name))
				c->type = corr_types[k].type;
		if (!c->type)
			sc_rule_diag(ctx, r, SC_E_CORR_TYPE, n->pos,
				     "unknown correlation type '%s'",
				     n->kind == SC_NODE_SCALAR ? n->str : sc_node_type_name(n));
	}

	n = sc_node_get(cm, "rules");
	if (!n)
		sc_rule_diag(ctx, r, SC_E_CORR_RULES, cm->pos, "correlation has no 'rules'");
	else if (!str_or_list(ctx, n, &c->rules))
		sc_rule_diag(ctx, r, SC_E_CORR_RULES, n->pos,
			     "'rules' must be a non-empty list of rule ids or names");

	n = sc_node_get(cm, "group-by");
	if (n && !str_or_list(ctx, n, &c->group_by))
		sc_rule_diag(ctx, r, SC_E_CORR_GROUP_BY, n->pos,
			     "'group-by' must be a list of field names");
	if (!n && c->type && c->type != SC_CORR_VALUE_SUM && c->type != SC_CORR_VALUE_AVG &&
	    c->type != SC_CORR_VALUE_PERCENTILE && c->type != SC_CORR_VALUE_MEDIAN)
		sc_rule_diag(ctx, r, SC_W_CORR_NO_GROUP_BY, cm->pos,
			     "no 'group-by': events are counted across all hosts and users");

	n = sc_node_get(cm, "timespan");
	if (!n) {
		sc_rule_diag(ctx, r, SC_E_CORR_TIMESPAN, cm->pos, "correlation has no 'timespan'");
	} else if (n->kind != SC_NODE_SCALAR || !parse_timespan(n->str, &c->timespan_s)) {
		sc_rule_diag(ctx, r, SC_E_CORR_TIMESPAN, n->pos,
			     "timespan '%s' is not <number><s|m|h|d|w|M|y>, e.g. '5m'",
			     n->kind == SC_NODE_SCALAR ? n->str : sc_node_type_name(n));
	} else {
		c->timespan = n->str;
	}

	n = sc_node_get(cm, "condition");
	if (n)
		load_condition(ctx, r, c, n);
	else if (c->type && !is_temporal(c->type))
		sc_rule_diag(ctx, r, SC_E_CORR_CONDITION, cm->pos,
			     "%s correlation needs a 'condition'",
			     c->type == SC_CORR_EVENT_COUNT ? "event_count" : "value");
	if (is_temporal(c->type) && c->rules.n == 1)
		sc_rule_diag(ctx, r, SC_W_CORR_SINGLE_RULE, sc_node_get(cm, "rules")->pos,
			     "a temporal correlation over one rule is an event_count");

	n = sc_node_get(cm, "generate");
	if (n) {
		if (sc_scalar_type(n) != SC_SCALAR_BOOL)
			sc_rule_diag(ctx, r, SC_E_CORR_GENERATE, n->pos,
				     "'generate' must be true or false");
		else
			c->generate = sc_scalar_bool(n);
	}

	n = sc_node_get(cm, "aliases");
	if (n) {
		if (n->kind != SC_NODE_MAP) {
			sc_rule_diag(ctx, r, SC_E_CORR_ALIASES, n->pos,
				     "'aliases' maps an alias to {rule: field}");
			return;
		}
		for (i = 0; i < n->n; i++) {
			const struct sc_node *m = n->items[i];

			if (m->kind != SC_NODE_MAP || m->n == 0) {
				sc_rule_diag(ctx, r, SC_E_CORR_ALIASES, m->pos,
					     "alias '%s' must map rule names to fields",
					     n->keys[i]->str);
				continue;
			}
			for (k = 0; k < m->n; k++) {
				uint32_t j;

				for (j = 0; j < c->rules.n; j++)
					if (strcmp(c->rules.v[j], m->keys[k]->str) == 0)
						break;
				if (j == c->rules.n)
					sc_rule_diag(ctx, r, SC_E_CORR_ALIASES, m->keys[k]->pos,
						     "alias '%s' names rule '%s', which is not in "
						     "'rules'",
						     n->keys[i]->str, m->keys[k]->str);
				if (m->items[k]->kind != SC_NODE_SCALAR ||
				    sc_scalar_type(m->items[k]) != SC_SCALAR_STR)
					sc_rule_diag(ctx, r, SC_E_CORR_ALIASES, m->items[k]->pos,
						     "alias '%s': the field for '%s' must be a "
						     "field name",
						     n->keys[i]->str, m->keys[k]->str);
			}
		}
	}
}
