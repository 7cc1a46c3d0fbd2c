// SPDX-License-Identifier: Apache-2.0
/*
 * Rule model entry point: classify one YAML document (detection rule,
 * correlation, filter, or a Sigma v1 collection we refuse) and hand it to
 * the metadata, detection, correlation and filter loaders. Also the names
 * of modifiers, statuses and levels.
 */
#include "rule.h"

#include <stdarg.h>
#include <string.h>

#include "arena.h"
#include "cond.h"
#include "ctx.h"
#include "yaml_load.h"

static const char *const mod_names[_SC_MOD_MAX] = {
	[SC_MOD_CONTAINS] = "contains",
	[SC_MOD_STARTSWITH] = "startswith",
	[SC_MOD_ENDSWITH] = "endswith",
	[SC_MOD_ALL] = "all",
	[SC_MOD_EXISTS] = "exists",
	[SC_MOD_CASED] = "cased",
	[SC_MOD_NEQ] = "neq",
	[SC_MOD_WINDASH] = "windash",
	[SC_MOD_RE] = "re",
	[SC_MOD_RE_I] = "i",
	[SC_MOD_RE_M] = "m",
	[SC_MOD_RE_S] = "s",
	[SC_MOD_BASE64] = "base64",
	[SC_MOD_BASE64OFFSET] = "base64offset",
	[SC_MOD_UTF16LE] = "utf16le",
	[SC_MOD_UTF16BE] = "utf16be",
	[SC_MOD_UTF16] = "utf16",
	[SC_MOD_CIDR] = "cidr",
	[SC_MOD_LT] = "lt",
	[SC_MOD_LTE] = "lte",
	[SC_MOD_GT] = "gt",
	[SC_MOD_GTE] = "gte",
	[SC_MOD_MINUTE] = "minute",
	[SC_MOD_HOUR] = "hour",
	[SC_MOD_DAY] = "day",
	[SC_MOD_WEEK] = "week",
	[SC_MOD_MONTH] = "month",
	[SC_MOD_YEAR] = "year",
	[SC_MOD_EXPAND] = "expand",
	[SC_MOD_FIELDREF] = "fieldref",
};

/* Aliases: pySigma's long regex flag names and "wide" for utf16le. */
static const struct {
	const char *name;
	enum sc_mod mod;
} mod_aliases[] = {
	{"wide", SC_MOD_UTF16LE},
	{"ignorecase", SC_MOD_RE_I},
	{"multiline", SC_MOD_RE_M},
	{"dotall", SC_MOD_RE_S},
};

const char *sc_mod_name(enum sc_mod m)
{
	return (unsigned)m < _SC_MOD_MAX ? mod_names[m] : "?";
}

int sc_mod_parse(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < _SC_MOD_MAX; i++)
		if (strlen(mod_names[i]) == n && memcmp(mod_names[i], s, n) == 0)
			return (int)i;
	for (i = 0; i < sizeof(mod_aliases) / sizeof(mod_aliases[0]); i++)
		if (strlen(mod_aliases[i].name) == n && memcmp(mod_aliases[i].name, s, n) == 0)
			return (int)mod_aliases[i].mod;
	return -1;
}

const char *sc_status_name(enum sc_status s)
{
	static const char *const names[_SC_STATUS_MAX] = {
		"", "stable", "test", "experimental", "deprecated", "unsupported",
	};

	return (unsigned)s < _SC_STATUS_MAX ? names[s] : "";
}

const char *sc_level_name(enum sc_level l)
{
	static const char *const names[_SC_LEVEL_MAX] = {
		"", "informational", "low", "medium", "high", "critical",
	};

	return (unsigned)l < _SC_LEVEL_MAX ? names[l] : "";
}

void sc_rule_diag(struct sc_ctx *ctx, struct sc_rule *r, enum sc_code code, struct sc_pos pos,
		  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sc_vdiag(&ctx->diags, code, r->file ? r->file->path : NULL, pos, fmt, ap);
	va_end(ap);
	if (sc_code_severity(code) == SC_SEV_ERROR && !r->rejected) {
		r->rejected = true;
		r->reject_code = code;
	}
}

/* Title and id for messages about a document that is not checked further. */
static void peek_identity(struct sc_rule *r)
{
	const struct sc_node *t = sc_node_get(r->root, "title"), *id = sc_node_get(r->root, "id");

	if (t && t->kind == SC_NODE_SCALAR)
		r->title = t->str;
	if (id && id->kind == SC_NODE_SCALAR && id->len == 36) {
		r->id = id->str;
		r->id_pos = id->pos;
	}
}

struct sc_rule *sc_rule_load(struct sc_ctx *ctx, const struct sc_yaml_file *f, uint32_t i)
{
	struct sc_rule *r = sc_arena_alloc(ctx->arena, sizeof(*r));
	const struct sc_node *root = f->docs[i].root;
	uint32_t k;

	r->file = f;
	r->root = root;
	r->doc_index = i;
	r->pos = f->docs[i].pos;
	r->diag_mark = sc_diag_mark(&ctx->diags);
	/* YAML-level errors of this document (duplicate keys, ...) reject it too. */
	for (k = (uint32_t)f->docs[i].diag_first; k < f->docs[i].diag_end; k++) {
		enum sc_code c = ctx->diags.v[k].code;

		if (sc_code_severity(c) == SC_SEV_ERROR && !r->rejected) {
			r->rejected = true;
			r->reject_code = c;
		}
	}

	if (root->kind != SC_NODE_MAP) {
		r->kind = SC_DOC_RULE;
		sc_rule_diag(ctx, r, SC_E_DOC_NOT_MAP, root->pos,
			     "document is a %s; a Sigma rule is a mapping", sc_node_type_name(root));
		return r;
	}
	/* A v1 collection spoils the whole file: its documents are fragments. */
	for (k = 0; k < f->ndocs; k++) {
		const struct sc_node *act;

		if (f->docs[k].root->kind != SC_NODE_MAP)
			continue;
		/* Sigma v1 collections: "action: global|reset|repeat". */
		act = sc_node_get(f->docs[k].root, "action");
		if (!act)
			continue;
		r->kind = SC_DOC_RULE;
		peek_identity(r);
		sc_rule_diag(ctx, r, SC_E_V1_COLLECTION, k == i ? act->pos : r->pos,
			     "Sigma v1 rule collection ('action: %s' in document %u); split it "
			     "into stand-alone rules",
			     act->kind == SC_NODE_SCALAR ? act->str : "?", k + 1);
		return r;
	}

	if (!sc_node_get(root, "title") && !sc_node_get(root, "logsource") &&
	    !sc_node_get(root, "detection") && !sc_node_get(root, "correlation") &&
	    !sc_node_get(root, "filter")) {
		r->kind = SC_DOC_RULE;
		sc_rule_diag(ctx, r, SC_E_DOC_KIND, root->pos,
			     "not a Sigma document: no title, logsource, detection, correlation "
			     "or filter (a placeholders or configuration file given as a rule?)");
		return r;
	}
	if (sc_node_get(root, "correlation")) {
		r->kind = SC_DOC_CORRELATION;
		sc_rule_meta_load(ctx, r);
		sc_correlation_load(ctx, r);
	} else if (sc_node_get(root, "filter") && !sc_node_get(root, "detection")) {
		r->kind = SC_DOC_FILTER;
		sc_rule_meta_load(ctx, r);
		sc_filter_load(ctx, r);
	} else {
		const struct sc_node *det;

		r->kind = SC_DOC_RULE;
		sc_rule_meta_load(ctx, r);
		det = sc_node_get(root, "detection");
		if (!det)
			sc_rule_diag(ctx, r, SC_E_MISSING_DETECTION, root->pos,
				     "rule has no 'detection'");
		else
			r->detection = sc_detection_load(ctx, r, det, false);
	}
	return r;
}
