// SPDX-License-Identifier: Apache-2.0
/*
 * The structure of a detection (sigma-reference A2): search identifiers
 * made of mappings (AND), lists of mappings (OR), value lists (OR, or AND
 * under |all), keyword lists, and the modifier chains written in keys.
 * This file checks shape and modifier names and order; what modifiers do to
 * values (and the type checks that depend on the value) is lower.c's job.
 * The condition is parsed and resolved here, so that a rule leaves this
 * phase with every identifier bound.
 */
#include <string.h>

#include "arena.h"
#include "cond.h"
#include "ctx.h"
#include "rule.h"
#include "suggest.h"
#include "yaml_load.h"

static struct sc_sel *new_sel(struct sc_ctx *ctx, enum sc_sel_kind kind, struct sc_pos pos)
{
	struct sc_sel *s = sc_arena_alloc(ctx->arena, sizeof(*s));

	s->kind = kind;
	s->pos = pos;
	return s;
}

static bool has_mod(const struct sc_det_item *it, enum sc_mod m)
{
	uint8_t i;

	for (i = 0; i < it->nmods; i++)
		if (it->mods[i] == m)
			return true;
	return false;
}

static int mod_index(const struct sc_det_item *it, enum sc_mod m)
{
	uint8_t i;

	for (i = 0; i < it->nmods; i++)
		if (it->mods[i] == m)
			return i;
	return -1;
}

/* Closest known modifier name for an "unknown modifier" hint, or NULL. */
static const char *mod_hint(const char *s, size_t n)
{
	const char *names[_SC_MOD_MAX];
	int m;

	for (m = 0; m < _SC_MOD_MAX; m++)
		names[m] = sc_mod_name((enum sc_mod)m);
	return sc_suggest(s, n, names, _SC_MOD_MAX);
}

/* Split "Field|m1|m2" into the field and the modifier chain. */
static bool parse_key(struct sc_ctx *ctx, struct sc_rule *r, const struct sc_node *key,
		      struct sc_det_item *it)
{
	const char *s = key->str, *bar = memchr(key->str, '|', key->len);
	size_t off, flen = bar ? (size_t)(bar - s) : key->len;
	bool ok = true;

	it->key = key;
	if (flen)
		it->field = sc_arena_strndup(ctx->arena, s, flen);
	if (!bar) {
		if (!flen) {
			sc_rule_diag(ctx, r, SC_E_BAD_FIELD, key->pos, "empty field name");
			return false;
		}
		return true;
	}
	off = flen + 1;
	for (;;) {
		const char *m = s + off, *e = memchr(m, '|', key->len - off);
		size_t mlen = e ? (size_t)(e - m) : key->len - off;
		struct sc_pos mpos = sc_node_value_pos(r->file, key, off);
		int mod = mlen ? sc_mod_parse(m, mlen) : -1;

		if (mod < 0) {
			const char *hint = mlen ? mod_hint(m, mlen) : NULL;

			if (!mlen)
				sc_rule_diag(ctx, r, SC_E_UNKNOWN_MODIFIER, mpos,
					     "empty modifier in '%s'", s);
			else if (hint)
				sc_rule_diag(ctx, r, SC_E_UNKNOWN_MODIFIER, mpos,
					     "unknown modifier '%.*s' (did you mean '%s'?)",
					     (int)mlen, m, hint);
			else
				sc_rule_diag(ctx, r, SC_E_UNKNOWN_MODIFIER, mpos,
					     "unknown modifier '%.*s'", (int)mlen, m);
			ok = false;
		} else if (it->nmods == SC_MAX_MODS) {
			sc_rule_diag(ctx, r, SC_E_LIMIT, mpos, "more than %d modifiers",
				     SC_MAX_MODS);
			return false;
		} else if (has_mod(it, (enum sc_mod)mod)) {
			sc_rule_diag(ctx, r, SC_E_MODIFIER_COMBINATION, mpos,
				     "modifier '%s' given twice", sc_mod_name((enum sc_mod)mod));
			ok = false;
		} else {
			it->mods[it->nmods] = (enum sc_mod)mod;
			it->mod_pos[it->nmods] = mpos;
			it->nmods++;
		}
		if (!e)
			break;
		off += mlen + 1;
	}
	return ok;
}

/*
 * Order and combination rules that do not depend on values. List modifiers
 * (all, neq) do not touch values, so they may come anywhere.
 */
static bool check_chain(struct sc_ctx *ctx, struct sc_rule *r, struct sc_det_item *it)
{
	uint8_t i, nvalue_mods = 0;
	bool ok = true;
	int k;

	for (i = 0; i < it->nmods; i++) {
		enum sc_mod m = it->mods[i];

		if (m == SC_MOD_ALL) {
			it->all = true;
			continue;
		}
		if (m == SC_MOD_NEQ) {
			it->neq = true;
			continue;
		}
		if ((m == SC_MOD_RE || m == SC_MOD_CIDR || m == SC_MOD_EXISTS) && nvalue_mods) {
			sc_rule_diag(ctx, r, SC_E_MODIFIER_POSITION, it->mod_pos[i],
				     "'%s' must be the first modifier: it reads the value as "
				     "written",
				     sc_mod_name(m));
			ok = false;
		}
		if ((m == SC_MOD_RE_I || m == SC_MOD_RE_M || m == SC_MOD_RE_S) &&
		    (k = mod_index(it, SC_MOD_RE)) < 0) {
			sc_rule_diag(ctx, r, SC_E_MODIFIER_COMBINATION, it->mod_pos[i],
				     "'%s' is a regular-expression flag; it needs 're' before it",
				     sc_mod_name(m));
			ok = false;
		}
		nvalue_mods++;
	}
	k = mod_index(it, SC_MOD_BASE64OFFSET);
	if (k >= 0) {
		int c = mod_index(it, SC_MOD_CONTAINS);

		/* keywords are matched as contains already (ARCHITECTURE section 4) */
		if (c < k && it->field) {
			sc_rule_diag(ctx, r, SC_E_MODIFIER_COMBINATION, it->mod_pos[k],
				     "'base64offset' needs 'contains' after it: the encoded "
				     "variants only match inside a longer base64 string");
			ok = false;
		}
	}
	k = mod_index(it, SC_MOD_EXISTS);
	if (k >= 0 && !it->field) {
		sc_rule_diag(ctx, r, SC_E_EXISTS_NO_FIELD, it->mod_pos[k],
			     "'exists' needs a field to test");
		ok = false;
	}
	k = mod_index(it, SC_MOD_FIELDREF);
	if (k >= 0 && !it->field) {
		sc_rule_diag(ctx, r, SC_E_FIELDREF_SELF, it->mod_pos[k],
			     "'fieldref' compares two fields; this item has no field");
		ok = false;
	}
	return ok;
}

static bool load_values(struct sc_ctx *ctx, struct sc_rule *r, const struct sc_node *v,
			struct sc_det_item *it)
{
	uint32_t i;
	bool ok = true;

	if (v->kind == SC_NODE_SCALAR) {
		it->values = sc_arena_alloc(ctx->arena, sizeof(*it->values));
		it->values[0] = v;
		it->nvalues = 1;
		return true;
	}
	if (v->kind == SC_NODE_MAP) {
		sc_rule_diag(ctx, r, SC_E_SELECTION_TYPE, v->pos,
			     "value of '%s' is a mapping; values are scalars or lists of scalars",
			     it->key ? it->key->str : "keyword");
		return false;
	}
	it->from_list = true;
	it->values = sc_arena_array(ctx->arena, v->n, sizeof(*it->values));
	for (i = 0; i < v->n; i++) {
		const struct sc_node *x = v->items[i];

		if (x->kind != SC_NODE_SCALAR) {
			sc_rule_diag(ctx, r, SC_E_SELECTION_TYPE, x->pos,
				     "a %s inside a value list; values are scalars",
				     sc_node_type_name(x));
			ok = false;
			continue;
		}
		if (sc_scalar_type(x) == SC_SCALAR_NULL && v->n > 1) {
			sc_rule_diag(ctx, r, SC_E_NULL_IN_LIST, x->pos,
				     "null inside a value list; test the field for null in a "
				     "selection of its own");
			ok = false;
			continue;
		}
		it->values[it->nvalues++] = x;
	}
	return ok;
}

static struct sc_sel *parse_item(struct sc_ctx *ctx, struct sc_rule *r, const struct sc_node *key,
				 const struct sc_node *v)
{
	struct sc_det_item *it = sc_arena_alloc(ctx->arena, sizeof(*it));
	struct sc_sel *s = new_sel(ctx, SC_SEL_ITEM, key->pos);
	bool ok;
	uint32_t i;
	int k;

	s->item = it;
	ok = parse_key(ctx, r, key, it);
	ok = check_chain(ctx, r, it) && ok;
	ok = load_values(ctx, r, v, it) && ok;
	if (!ok)
		return s;
	if (it->all && (!it->from_list || it->nvalues < 2)) {
		k = mod_index(it, SC_MOD_ALL);
		sc_rule_diag(ctx, r, SC_E_ALL_SINGLE_VALUE, it->mod_pos[k],
			     "'all' needs a list of at least two values");
	}
	if (it->all && it->field && !has_mod(it, SC_MOD_CONTAINS) && !has_mod(it, SC_MOD_RE) &&
	    !has_mod(it, SC_MOD_STARTSWITH) && !has_mod(it, SC_MOD_ENDSWITH) &&
	    !has_mod(it, SC_MOD_CIDR) && !has_mod(it, SC_MOD_EXPAND)) {
		k = mod_index(it, SC_MOD_ALL);
		sc_rule_diag(ctx, r, SC_W_ALL_WITHOUT_CONTAINS, it->mod_pos[k],
			     "'%s|all' without 'contains' matches only when all values are equal",
			     it->field);
	}
	if (!it->field)
		for (i = 0; i < it->nvalues; i++)
			if (sc_scalar_type(it->values[i]) == SC_SCALAR_NULL)
				sc_rule_diag(ctx, r, SC_E_KEYWORD_NULL, it->values[i]->pos,
					     "null keyword: null only makes sense for a field");
	return s;
}

static struct sc_sel *keyword_item(struct sc_ctx *ctx, struct sc_rule *r,
				   const struct sc_node *v)
{
	struct sc_det_item *it = sc_arena_alloc(ctx->arena, sizeof(*it));
	struct sc_sel *s = new_sel(ctx, SC_SEL_ITEM, v->pos);
	uint32_t i;

	s->item = it;
	load_values(ctx, r, v, it);
	for (i = 0; i < it->nvalues; i++)
		if (sc_scalar_type(it->values[i]) == SC_SCALAR_NULL)
			sc_rule_diag(ctx, r, SC_E_KEYWORD_NULL, it->values[i]->pos,
				     "null keyword: null only makes sense for a field");
	return s;
}

static struct sc_sel *parse_sel(struct sc_ctx *ctx, struct sc_rule *r, const char *ident,
				const struct sc_node *v);

static struct sc_sel *parse_map_sel(struct sc_ctx *ctx, struct sc_rule *r, const char *ident,
				    const struct sc_node *v)
{
	struct sc_sel *s = new_sel(ctx, SC_SEL_AND, v->pos);
	uint32_t i;

	if (v->n == 0) {
		sc_rule_diag(ctx, r, SC_E_DETECTION_EMPTY, v->pos,
			     "search identifier '%s' has an empty mapping", ident);
		return s;
	}
	s->kids = sc_arena_array(ctx->arena, v->n, sizeof(*s->kids));
	for (i = 0; i < v->n; i++)
		s->kids[s->nkids++] = parse_item(ctx, r, v->keys[i], v->items[i]);
	return s;
}

static struct sc_sel *parse_sel(struct sc_ctx *ctx, struct sc_rule *r, const char *ident,
				const struct sc_node *v)
{
	struct sc_sel *s;
	uint32_t i;
	bool all_scalars = true;

	switch (v->kind) {
	case SC_NODE_MAP:
		return parse_map_sel(ctx, r, ident, v);
	case SC_NODE_SCALAR:
		if (sc_scalar_type(v) == SC_SCALAR_NULL) {
			sc_rule_diag(ctx, r, SC_E_KEYWORD_NULL, v->pos,
				     "search identifier '%s' is null", ident);
			return new_sel(ctx, SC_SEL_ITEM, v->pos);
		}
		return keyword_item(ctx, r, v);
	case SC_NODE_SEQ:
	default:
		break;
	}
	if (v->n == 0) {
		sc_rule_diag(ctx, r, SC_E_DETECTION_EMPTY, v->pos,
			     "search identifier '%s' is an empty list", ident);
		return new_sel(ctx, SC_SEL_OR, v->pos);
	}
	for (i = 0; i < v->n; i++)
		if (v->items[i]->kind != SC_NODE_SCALAR)
			all_scalars = false;
	if (all_scalars)
		return keyword_item(ctx, r, v);
	/* A list of mappings: OR of ANDs (scalars among them are keywords). */
	s = new_sel(ctx, SC_SEL_OR, v->pos);
	s->kids = sc_arena_array(ctx->arena, v->n, sizeof(*s->kids));
	for (i = 0; i < v->n; i++) {
		const struct sc_node *x = v->items[i];

		if (x->kind == SC_NODE_MAP) {
			s->kids[s->nkids++] = parse_map_sel(ctx, r, ident, x);
		} else if (x->kind == SC_NODE_SCALAR) {
			if (sc_scalar_type(x) == SC_SCALAR_NULL)
				sc_rule_diag(ctx, r, SC_E_KEYWORD_NULL, x->pos,
					     "null keyword: null only makes sense for a field");
			else
				s->kids[s->nkids++] = keyword_item(ctx, r, x);
		} else {
			sc_rule_diag(ctx, r, SC_E_SELECTION_TYPE, x->pos,
				     "a list inside the list of '%s'; use a list of mappings",
				     ident);
		}
	}
	return s;
}

static void load_conditions(struct sc_ctx *ctx, struct sc_rule *r, struct sc_detection *det,
			    const struct sc_node *c, bool is_filter)
{
	uint32_t i;

	if (c->kind == SC_NODE_SCALAR && sc_scalar_type(c) == SC_SCALAR_STR) {
		det->conds = sc_arena_alloc(ctx->arena, sizeof(*det->conds));
		det->conds[0] = sc_cond_parse(ctx, r, c);
		det->nconds = det->conds[0] ? 1 : 0;
		if (det->conds[0])
			sc_cond_resolve(ctx, r, c, det, det->conds[0]);
		return;
	}
	if (is_filter || c->kind != SC_NODE_SEQ || c->n == 0) {
		sc_rule_diag(ctx, r, is_filter ? SC_E_FILTER_CONDITION : SC_E_COND_TYPE, c->pos,
			     "condition must be a string%s, not a %s",
			     is_filter ? "" : " or a list of strings", sc_node_type_name(c));
		return;
	}
	det->conds = sc_arena_array(ctx->arena, c->n, sizeof(*det->conds));
	for (i = 0; i < c->n; i++) {
		const struct sc_node *x = c->items[i];
		struct sc_cond *ast;

		if (x->kind != SC_NODE_SCALAR || sc_scalar_type(x) != SC_SCALAR_STR) {
			sc_rule_diag(ctx, r, SC_E_COND_TYPE, x->pos,
				     "condition list items must be strings, not a %s",
				     sc_node_type_name(x));
			continue;
		}
		ast = sc_cond_parse(ctx, r, x);
		if (!ast)
			continue;
		sc_cond_resolve(ctx, r, x, det, ast);
		det->conds[det->nconds++] = ast;
	}
}

struct sc_detection *sc_detection_load(struct sc_ctx *ctx, struct sc_rule *r,
				       const struct sc_node *d, bool is_filter)
{
	struct sc_detection *det = sc_arena_alloc(ctx->arena, sizeof(*det));
	const char *what = is_filter ? "filter" : "detection";
	uint32_t i;

	if (d->kind != SC_NODE_MAP) {
		sc_rule_diag(ctx, r, is_filter ? SC_E_FILTER_MISSING : SC_E_BAD_TYPE, d->pos,
			     "'%s' must be a mapping, not a %s", what, sc_node_type_name(d));
		return NULL;
	}
	det->names = sc_arena_array(ctx->arena, d->n, sizeof(*det->names));
	det->name_pos = sc_arena_array(ctx->arena, d->n, sizeof(*det->name_pos));
	det->sels = sc_arena_array(ctx->arena, d->n, sizeof(*det->sels));
	det->used = sc_arena_array(ctx->arena, d->n, sizeof(*det->used));
	for (i = 0; i < d->n; i++) {
		const struct sc_node *k = d->keys[i];

		if (sc_node_is(k, "condition")) {
			det->condition = d->items[i];
			continue;
		}
		if (!is_filter && sc_node_is(k, "timeframe")) {
			sc_rule_diag(ctx, r, SC_W_V1_TIMEFRAME, k->pos,
				     "'timeframe' belongs to Sigma v1 aggregations and has no "
				     "effect here; use a correlation rule");
			continue;
		}
		if (is_filter && sc_node_is(k, "rules"))
			continue;
		det->names[det->n] = k->str;
		det->name_pos[det->n] = k->pos;
		det->sels[det->n] = parse_sel(ctx, r, k->str, d->items[i]);
		det->n++;
	}
	if (det->n == 0) {
		sc_rule_diag(ctx, r, SC_E_DETECTION_EMPTY, d->pos,
			     "'%s' defines no search identifier", what);
		return det;
	}
	if (!det->condition) {
		sc_rule_diag(ctx, r, is_filter ? SC_E_FILTER_CONDITION : SC_E_MISSING_CONDITION,
			     d->pos, "'%s' has no 'condition'", what);
		return det;
	}
	load_conditions(ctx, r, det, det->condition, is_filter);
	if (det->nconds == 0 || r->rejected)
		return det;
	for (i = 0; i < det->n; i++)
		if (!det->used[i])
			sc_rule_diag(ctx, r, SC_W_DANGLING_DETECTION, det->name_pos[i],
				     "search identifier '%s' is not used by the condition",
				     det->names[i]);
	return det;
}
