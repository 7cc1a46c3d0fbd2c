// SPDX-License-Identifier: Apache-2.0
/*
 * Metadata of Sigma documents (sigma-reference A1): every standard key is
 * type-checked and validated (UUIDs, calendar dates, enumerations, tag
 * syntax, lengths), custom keys are allowed, and custom keys that look
 * like a misspelt standard key get a warning. Logsources are checked here
 * too, for rules and filters.
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "ctx.h"
#include "rule.h"
#include "suggest.h"
#include "utf8.h"
#include "yaml_load.h"

#define MAX_TITLE	256
#define MAX_NAME	256
#define MAX_DESCRIPTION 65535

static const char *const std_keys[] = {
	"title",       "id",	    "name",	   "related",	   "taxonomy",
	"status",      "description", "license",   "author",	   "references",
	"date",	       "modified",  "logsource", "detection",	   "fields",
	"falsepositives", "level",  "tags",	   "scope",	   "correlation",
	"filter",      NULL,
};

#define NSTD_KEYS (sizeof(std_keys) / sizeof(std_keys[0]) - 1)

static bool is_std_key(const char *k)
{
	size_t i;

	for (i = 0; std_keys[i]; i++)
		if (strcmp(std_keys[i], k) == 0)
			return true;
	return false;
}

static void check_custom_keys(struct sc_ctx *ctx, struct sc_rule *r)
{
	const struct sc_node *root = r->root;
	size_t i;

	for (i = 0; i < root->n; i++) {
		const char *key = root->keys[i]->str, *hint;

		if (is_std_key(key) || strlen(key) < 4)
			continue;
		hint = sc_suggest(key, strlen(key), std_keys, NSTD_KEYS);
		if (hint)
			sc_rule_diag(ctx, r, SC_W_CUSTOM_KEY_TYPO, root->keys[i]->pos,
				     "custom key '%s' looks like '%s'; it is kept as a custom "
				     "attribute",
				     key, hint);
	}
}

/*
 * Optional string key: NULL when absent or null. A non-string is an error.
 * maxlen 0 means unlimited; nonempty requires at least one character.
 */
static const char *get_string(struct sc_ctx *ctx, struct sc_rule *r, const char *key,
			      size_t maxlen, bool nonempty, struct sc_pos *ret_pos)
{
	const struct sc_node *n = sc_node_get(r->root, key);

	if (!n || sc_scalar_type(n) == SC_SCALAR_NULL)
		return NULL;
	if (ret_pos)
		*ret_pos = n->pos;
	if (n->kind != SC_NODE_SCALAR || sc_scalar_type(n) != SC_SCALAR_STR) {
		sc_rule_diag(ctx, r, SC_E_BAD_TYPE, n->pos, "'%s' must be a string, not a %s", key,
			     sc_node_type_name(n));
		return NULL;
	}
	if (nonempty && n->len == 0) {
		sc_rule_diag(ctx, r, SC_E_EMPTY_STRING, n->pos, "'%s' must not be empty", key);
		return NULL;
	}
	if (maxlen && sc_utf8_count((const uint8_t *)n->str, n->len) > maxlen) {
		sc_rule_diag(ctx, r, SC_E_TOO_LONG, n->pos,
			     "'%s' is %zu characters long; the limit is %zu", key,
			     sc_utf8_count((const uint8_t *)n->str, n->len), maxlen);
		return NULL;
	}
	return n->str;
}

/* Optional list of strings. Duplicates are a warning when unique is set. */
static void get_strlist(struct sc_ctx *ctx, struct sc_rule *r, const char *key, bool unique,
			struct sc_strlist *out)
{
	const struct sc_node *n = sc_node_get(r->root, key);
	uint32_t i, j;

	memset(out, 0, sizeof(*out));
	if (!n || sc_scalar_type(n) == SC_SCALAR_NULL)
		return;
	if (n->kind != SC_NODE_SEQ) {
		sc_rule_diag(ctx, r, SC_E_BAD_TYPE, n->pos, "'%s' must be a list of strings, not a %s",
			     key, sc_node_type_name(n));
		return;
	}
	out->v = sc_arena_array(ctx->arena, n->n, sizeof(*out->v));
	out->pos = sc_arena_array(ctx->arena, n->n, sizeof(*out->pos));
	for (i = 0; i < n->n; i++) {
		const struct sc_node *it = n->items[i];

		if (it->kind != SC_NODE_SCALAR || sc_scalar_type(it) != SC_SCALAR_STR) {
			sc_rule_diag(ctx, r, SC_E_BAD_TYPE, it->pos,
				     "'%s' must be a list of strings; this item is a %s", key,
				     sc_node_type_name(it));
			continue;
		}
		if (unique) {
			for (j = 0; j < out->n; j++)
				if (strcmp(out->v[j], it->str) == 0)
					break;
			if (j < out->n) {
				sc_rule_diag(ctx, r, SC_W_DUPLICATE_ENTRY, it->pos,
					     "'%s' lists '%s' twice", key, it->str);
				continue;
			}
		}
		out->v[out->n] = it->str;
		out->pos[out->n] = it->pos;
		out->n++;
	}
}

/* Canonical 8-4-4-4-12 hexadecimal UUID (any case). */
static bool is_uuid(const char *s)
{
	static const int dash[] = {8, 13, 18, 23};
	size_t i, k = 0;

	if (strlen(s) != 36)
		return false;
	for (i = 0; i < 36; i++) {
		if (k < 4 && (int)i == dash[k]) {
			if (s[i] != '-')
				return false;
			k++;
			continue;
		}
		if (!((s[i] >= '0' && s[i] <= '9') || ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'f')))
			return false;
	}
	return true;
}

/* YYYY-MM-DD (or sep '/', Sigma v1) naming a real calendar day. */
static bool is_date(const char *s, char sep, unsigned *ret_ymd)
{
	static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	unsigned y, m, d, i, lim;

	if (strlen(s) != 10 || s[4] != sep || s[7] != sep)
		return false;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	y = (unsigned)((s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0'));
	m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
	d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
	if (m < 1 || m > 12 || d < 1)
		return false;
	lim = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		lim = 29;
	if (d > lim)
		return false;
	*ret_ymd = y * 10000 + m * 100 + d;
	return true;
}

static const char *get_date(struct sc_ctx *ctx, struct sc_rule *r, const char *key,
			    unsigned *ret_ymd)
{
	struct sc_pos pos = {0, 0};
	const char *s = get_string(ctx, r, key, 0, false, &pos);

	*ret_ymd = 0;
	if (!s)
		return NULL;
	if (is_date(s, '-', ret_ymd))
		return s;
	if (is_date(s, '/', ret_ymd)) {
		sc_rule_diag(ctx, r, SC_W_V1_DATE, pos,
			     "'%s' is '%s', the Sigma v1 format; v2 writes YYYY-MM-DD", key, s);
		return s;
	}
	sc_rule_diag(ctx, r, SC_E_BAD_DATE, pos,
		     "'%s' is '%s'; Sigma dates are YYYY-MM-DD calendar dates", key, s);
	return NULL;
}

/* Tag syntax of the specification's JSON schema: ^[a-z0-9_-]+\.[a-z0-9._-]+$ */
static bool is_tag(const char *s)
{
	const char *dot = strchr(s, '.');
	const char *p;

	if (!dot || dot == s || !dot[1])
		return false;
	for (p = s; *p; p++) {
		bool ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
			  *p == '-' || (p > dot && *p == '.') || p == dot;

		if (!ok)
			return false;
	}
	return true;
}

static void load_related(struct sc_ctx *ctx, struct sc_rule *r)
{
	static const char *const types[] = {"derived", "obsolete", "merged", "renamed",
					    "similar", NULL};
	const struct sc_node *n = sc_node_get(r->root, "related");
	uint32_t i, k;

	if (!n || sc_scalar_type(n) == SC_SCALAR_NULL)
		return;
	if (n->kind != SC_NODE_SEQ) {
		sc_rule_diag(ctx, r, SC_E_BAD_TYPE, n->pos, "'related' must be a list, not a %s",
			     sc_node_type_name(n));
		return;
	}
	r->related = sc_arena_array(ctx->arena, n->n, sizeof(*r->related));
	for (i = 0; i < n->n; i++) {
		const struct sc_node *it = n->items[i], *id, *type;

		if (it->kind != SC_NODE_MAP) {
			sc_rule_diag(ctx, r, SC_E_BAD_RELATED, it->pos,
				     "'related' entries are mappings with 'id' and 'type'");
			continue;
		}
		id = sc_node_get(it, "id");
		type = sc_node_get(it, "type");
		if (!id || id->kind != SC_NODE_SCALAR || !is_uuid(id->str)) {
			sc_rule_diag(ctx, r, SC_E_BAD_RELATED, id ? id->pos : it->pos,
				     "'related' entry needs an 'id' that is a UUID");
			continue;
		}
		if (!type || type->kind != SC_NODE_SCALAR) {
			sc_rule_diag(ctx, r, SC_E_BAD_RELATED, it->pos,
				     "'related' entry needs a 'type'");
			continue;
		}
		for (k = 0; types[k]; k++)
			if (sc_node_is(type, types[k]))
				break;
		if (!types[k]) {
			sc_rule_diag(ctx, r, SC_E_BAD_RELATED, type->pos,
				     "related type '%s' is not derived, obsolete, merged, renamed "
				     "or similar",
				     type->str);
			continue;
		}
		r->related[r->nrelated].id = id->str;
		r->related[r->nrelated].type = type->str;
		r->nrelated++;
	}
}

static void load_status_level(struct sc_ctx *ctx, struct sc_rule *r)
{
	struct sc_pos pos = {0, 0};
	const char *s;
	int i;

	s = get_string(ctx, r, "status", 0, false, &pos);
	if (s) {
		for (i = 1; i < _SC_STATUS_MAX; i++)
			if (strcmp(s, sc_status_name((enum sc_status)i)) == 0)
				r->status = (enum sc_status)i;
		if (!r->status)
			sc_rule_diag(ctx, r, SC_E_BAD_STATUS, pos,
				     "status '%s' is not stable, test, experimental, deprecated "
				     "or unsupported",
				     s);
		else if (r->status == SC_STATUS_DEPRECATED)
			sc_rule_diag(ctx, r, SC_W_STATUS_DEPRECATED, pos,
				     "rule is deprecated; it is checked but compile skips it "
				     "unless --status includes 'deprecated'");
		else if (r->status == SC_STATUS_UNSUPPORTED)
			sc_rule_diag(ctx, r, SC_W_STATUS_UNSUPPORTED, pos,
				     "rule is marked unsupported; it is checked but compile skips "
				     "it unless --status includes 'unsupported'");
	}
	s = get_string(ctx, r, "level", 0, false, &pos);
	if (s) {
		for (i = 1; i < _SC_LEVEL_MAX; i++)
			if (strcmp(s, sc_level_name((enum sc_level)i)) == 0)
				r->level = (enum sc_level)i;
		if (!r->level)
			sc_rule_diag(ctx, r, SC_E_BAD_LEVEL, pos,
				     "level '%s' is not informational, low, medium, high or "
				     "critical",
				     s);
	}
}

/*
 * Service names that SigmaHQ rules still use under an older spelling, mapped
 * to the name the logsource taxonomy (and so the agent's channel map) uses.
 * SigmaHQ's own win_hybridconnectionmgr_svc_running.yml notes "change to
 * servicebus-client once validators are up to date".
 */
static const char *canonical_service(const char *s)
{
	static const char *const legacy[][2] = {
		{"microsoft-servicebus-client", "servicebus-client"},
	};
	size_t i;

	for (i = 0; i < sizeof(legacy) / sizeof(legacy[0]); i++)
		if (strcmp(s, legacy[i][0]) == 0)
			return legacy[i][1];
	return s;
}

static void load_logsource(struct sc_ctx *ctx, struct sc_rule *r)
{
	static const char *const keys[] = {"category", "product", "service", "definition"};
	const struct sc_node *ls = sc_node_get(r->root, "logsource");
	const char **slot[4];
	size_t i;

	slot[0] = &r->logsource.category;
	slot[1] = &r->logsource.product;
	slot[2] = &r->logsource.service;
	slot[3] = &r->logsource.definition;
	if (!ls) {
		sc_rule_diag(ctx, r, SC_E_MISSING_LOGSOURCE, r->root->pos,
			     "%s has no 'logsource'",
			     r->kind == SC_DOC_FILTER ? "filter" : "rule");
		return;
	}
	r->logsource.pos = ls->pos;
	if (ls->kind != SC_NODE_MAP) {
		sc_rule_diag(ctx, r, SC_E_BAD_TYPE, ls->pos, "'logsource' must be a mapping, not a %s",
			     sc_node_type_name(ls));
		return;
	}
	for (i = 0; i < 4; i++) {
		const struct sc_node *v = sc_node_get(ls, keys[i]);

		if (!v || sc_scalar_type(v) == SC_SCALAR_NULL)
			continue;
		if (v->kind != SC_NODE_SCALAR || sc_scalar_type(v) != SC_SCALAR_STR) {
			sc_rule_diag(ctx, r, SC_E_BAD_TYPE, v->pos,
				     "logsource '%s' must be a string, not a %s", keys[i],
				     sc_node_type_name(v));
			continue;
		}
		if (v->len == 0) {
			sc_rule_diag(ctx, r, SC_E_EMPTY_STRING, v->pos,
				     "logsource '%s' must not be empty", keys[i]);
			continue;
		}
		*slot[i] = v->str;
	}
	if (r->logsource.service)
		r->logsource.service = canonical_service(r->logsource.service);
	if (!r->logsource.category && !r->logsource.product && !r->logsource.service &&
	    !r->rejected)
		sc_rule_diag(ctx, r, SC_E_LOGSOURCE_EMPTY, ls->pos,
			     "logsource needs at least one of category, product, service");
}

void sc_rule_meta_load(struct sc_ctx *ctx, struct sc_rule *r)
{
	const struct sc_node *title = sc_node_get(r->root, "title");
	unsigned d0 = 0, d1 = 0;
	uint32_t i;

	if (!title) {
		sc_rule_diag(ctx, r, SC_E_MISSING_TITLE, r->root->pos, "document has no 'title'");
	} else if (title->kind != SC_NODE_SCALAR || sc_scalar_type(title) != SC_SCALAR_STR) {
		sc_rule_diag(ctx, r, SC_E_BAD_TYPE, title->pos, "'title' must be a string, not a %s",
			     sc_node_type_name(title));
	} else {
		r->title = get_string(ctx, r, "title", MAX_TITLE, true, NULL);
	}

	r->id = get_string(ctx, r, "id", 0, false, &r->id_pos);
	if (!sc_node_get(r->root, "id") && r->kind == SC_DOC_RULE)
		sc_rule_diag(ctx, r, SC_W_NO_ID, r->root->pos,
			     "rule has no id; give it a UUID so that alerts, exceptions and "
			     "correlations can refer to it");
	if (r->id && !is_uuid(r->id)) {
		sc_rule_diag(ctx, r, SC_E_BAD_UUID, r->id_pos,
			     "id '%s' is not a UUID (8-4-4-4-12 hexadecimal digits)", r->id);
		r->id = NULL;
	}
	r->name = get_string(ctx, r, "name", MAX_NAME, true, &r->name_pos);
	r->taxonomy = get_string(ctx, r, "taxonomy", MAX_NAME, true, NULL);
	r->description = get_string(ctx, r, "description", MAX_DESCRIPTION, false, NULL);
	r->author = get_string(ctx, r, "author", 0, false, NULL);
	r->license = get_string(ctx, r, "license", 0, false, NULL);
	r->date = get_date(ctx, r, "date", &d0);
	r->modified = get_date(ctx, r, "modified", &d1);
	if (d0 && d1 && d1 < d0)
		sc_rule_diag(ctx, r, SC_W_MODIFIED_DATE, sc_node_get(r->root, "modified")->pos,
			     "modified date %s is before the creation date %s", r->modified,
			     r->date);
	load_status_level(ctx, r);
	get_strlist(ctx, r, "references", true, &r->references);
	get_strlist(ctx, r, "falsepositives", false, &r->falsepositives);
	get_strlist(ctx, r, "fields", true, &r->fields);
	get_strlist(ctx, r, "scope", true, &r->scope);
	get_strlist(ctx, r, "tags", true, &r->tags);
	for (i = 0; i < r->tags.n; i++)
		if (!is_tag(r->tags.v[i]))
			sc_rule_diag(ctx, r, SC_E_BAD_TAG, r->tags.pos[i],
				     "tag '%s' is not namespace.name in lower case "
				     "([a-z0-9_-]+\\.[a-z0-9._-]+)",
				     r->tags.v[i]);
	load_related(ctx, r);
	if (r->kind != SC_DOC_CORRELATION)
		load_logsource(ctx, r);
	check_custom_keys(ctx, r);
}
