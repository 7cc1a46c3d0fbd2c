// SPDX-License-Identifier: Apache-2.0
/*
 * dump-ir: one JSON object per document, the normalised IR of rules and
 * filters (nodes in topological order, then the atoms they use) and the
 * checked form of correlations. Atom and node ids are those of the whole
 * compilation, so an atom shared by several rules has the same id in each
 * of their objects. Keys are emitted in a fixed order; the output is
 * byte-for-byte reproducible.
 */
#include "ir_dump.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ctx.h"
#include "encode.h"
#include "ir.h"
#include "regex.h"
#include "rule.h"
#include "utf8.h"
#include "yaml_load.h"

static void json_str(struct sc_buf *b, const char *s)
{
	if (s)
		sc_buf_json_str(b, s, strlen(s));
	else
		sc_buf_puts(b, "null");
}

static void json_strlist(struct sc_buf *b, const struct sc_strlist *l)
{
	uint32_t i;

	sc_buf_putc(b, '[');
	for (i = 0; i < l->n; i++) {
		if (i)
			sc_buf_putc(b, ',');
		json_str(b, l->v[i]);
	}
	sc_buf_putc(b, ']');
}

/* Value bytes: a JSON string when UTF-8, else hex under "value_hex". */
static void json_value(struct sc_buf *b, const uint8_t *v, uint32_t n)
{
	if (sc_utf8_valid(v, n)) {
		sc_buf_puts(b, ",\"value\":");
		sc_buf_json_str(b, (const char *)v, n);
	} else {
		sc_buf_puts(b, ",\"value_hex\":");
		sc_buf_json_hex(b, v, n);
	}
}

static void dump_atom(struct sc_buf *b, const struct sc_ir *ir, const struct sc_atom *a)
{
	const char *sep = "";

	sc_buf_printf(b, "{\"id\":%u,\"field\":", a->id);
	if (a->field == SC_FIELD_KEYWORD)
		sc_buf_puts(b, "null");
	else
		json_str(b, sc_ir_field_name(ir, a->field));
	sc_buf_printf(b, ",\"kind\":\"%s\"", sc_atom_kind_name(a->kind));
	switch (a->kind) {
	case SC_ATOM_STR:
	case SC_ATOM_FIELDREF:
		sc_buf_printf(b, ",\"match\":\"%s\"", sc_match_name(a->match));
		if (a->match != SC_MATCH_ANY)
			json_value(b, a->val, a->len);
		break;
	case SC_ATOM_NUM:
		sc_buf_printf(b, ",\"cmp\":\"%s\",\"value\":%s", sc_cmp_name(a->cmp), a->num_text);
		break;
	case SC_ATOM_TIMEPART:
		sc_buf_printf(b, ",\"part\":\"%s\",\"value\":%s", sc_timepart_name(a->part),
			      a->num_text);
		break;
	case SC_ATOM_REGEX:
		json_value(b, a->val, a->len);
		if (a->re) {
			struct sc_buf why = SC_BUF_INIT;

			sc_buf_printf(b, ",\"class\":\"%s\"", sc_re_class_name(a->re->cls));
			sc_re_features_describe(a->re->features, &why);
			sc_buf_puts(b, ",\"needs\":");
			sc_buf_json_str(b, why.data ? why.data : "", why.len);
			sc_buf_done(&why);
		}
		break;
	case SC_ATOM_CIDR: {
		struct sc_cidr c;
		struct sc_buf t = SC_BUF_INIT;

		c.family = a->family;
		c.prefix = a->prefix;
		memcpy(c.addr, a->addr, sizeof(c.addr));
		sc_cidr_format(&c, &t);
		sc_buf_puts(b, ",\"value\":");
		sc_buf_json_str(b, t.data, t.len);
		sc_buf_done(&t);
		break;
	}
	case SC_ATOM_NULL:
	case SC_ATOM_EXISTS:
	default:
		break;
	}
	if (a->flags) {
		sc_buf_puts(b, ",\"flags\":[");
		if (a->flags & SC_AF_CASED) {
			sc_buf_printf(b, "%s\"cased\"", sep);
			sep = ",";
		}
		if (a->flags & SC_AF_ENCODED) {
			sc_buf_printf(b, "%s\"encoded\"", sep);
			sep = ",";
		}
		if (a->flags & SC_AF_RE_I) {
			sc_buf_printf(b, "%s\"i\"", sep);
			sep = ",";
		}
		if (a->flags & SC_AF_RE_M) {
			sc_buf_printf(b, "%s\"m\"", sep);
			sep = ",";
		}
		if (a->flags & SC_AF_RE_S)
			sc_buf_printf(b, "%s\"s\"", sep);
		sc_buf_putc(b, ']');
	}
	sc_buf_putc(b, '}');
}

/* Mark the nodes and atoms reachable from root. */
static void mark(const struct sc_ir *ir, uint32_t id, uint8_t *nodes, uint8_t *atoms)
{
	const struct sc_irnode *n = sc_ir_get_node(ir, id);
	uint32_t i;

	if (!n || nodes[id])
		return;
	nodes[id] = 1;
	if (n->op == SC_IR_ATOM)
		atoms[n->atom] = 1;
	for (i = 0; i < n->nkids; i++)
		mark(ir, n->kids[i], nodes, atoms);
}

static void dump_graph(struct sc_buf *b, const struct sc_ir *ir, uint32_t root)
{
	uint32_t nn = sc_ir_nnodes(ir), na = sc_ir_natoms(ir), i, k;
	uint8_t *nodes = calloc(nn, 1), *atoms = calloc(na, 1);
	const char *sep = "";

	if (!nodes || !atoms)
		abort();
	mark(ir, root, nodes, atoms);
	sc_buf_printf(b, ",\"root\":%u,\"nodes\":[", root);
	/* Children are created before parents: id order is topological. */
	for (i = 1; i < nn; i++) {
		const struct sc_irnode *n = sc_ir_get_node(ir, i);

		if (!nodes[i])
			continue;
		sc_buf_printf(b, "%s{\"id\":%u,\"op\":\"%s\"", sep, i, sc_irop_name(n->op));
		if (n->op == SC_IR_ATOM)
			sc_buf_printf(b, ",\"atom\":%u", n->atom);
		if (n->nkids) {
			sc_buf_puts(b, ",\"args\":[");
			for (k = 0; k < n->nkids; k++)
				sc_buf_printf(b, "%s%u", k ? "," : "", n->kids[k]);
			sc_buf_putc(b, ']');
		}
		sc_buf_putc(b, '}');
		sep = ",";
	}
	sc_buf_puts(b, "],\"atoms\":[");
	sep = "";
	for (i = 1; i < na; i++) {
		if (!atoms[i])
			continue;
		sc_buf_puts(b, sep);
		dump_atom(b, ir, sc_ir_get_atom(ir, i));
		sep = ",";
	}
	sc_buf_putc(b, ']');
	free(nodes);
	free(atoms);
}

static const char *kind_name(enum sc_doc_kind k)
{
	return k == SC_DOC_CORRELATION ? "correlation" : k == SC_DOC_FILTER ? "filter" : "rule";
}

static void dump_correlation(struct sc_buf *b, const struct sc_correlation *c)
{
	static const char *const types[] = {"",		 "event_count",	     "value_count",
					    "temporal",	 "temporal_ordered", "value_sum",
					    "value_avg", "value_percentile", "value_median"};
	static const char *const ops[] = {"", "gt", "gte", "lt", "lte", "eq", "neq"};
	uint32_t i;

	sc_buf_printf(b, ",\"type\":\"%s\",\"rules\":", types[c->type]);
	json_strlist(b, &c->rules);
	sc_buf_puts(b, ",\"group_by\":");
	json_strlist(b, &c->group_by);
	sc_buf_printf(b, ",\"timespan_s\":%llu,\"condition\":[", (unsigned long long)c->timespan_s);
	for (i = 0; i < c->ncond; i++)
		sc_buf_printf(b, "%s{\"op\":\"%s\",\"value\":%.17g}", i ? "," : "",
			      ops[c->cond[i].op], c->cond[i].value);
	sc_buf_puts(b, "],\"fields\":");
	json_strlist(b, &c->fields);
	sc_buf_printf(b, ",\"generate\":%s", c->generate ? "true" : "false");
}

void sc_ir_dump_rule(const struct sc_ctx *ctx, const struct sc_rule *r, struct sc_buf *b)
{
	sc_buf_puts(b, "{\"file\":");
	json_str(b, r->file->path);
	sc_buf_printf(b, ",\"doc\":%u,\"kind\":\"%s\",\"id\":", r->doc_index, kind_name(r->kind));
	json_str(b, r->id);
	sc_buf_puts(b, ",\"title\":");
	json_str(b, r->title);
	sc_buf_printf(b, ",\"status\":\"%s\",\"level\":\"%s\"", sc_status_name(r->status),
		      sc_level_name(r->level));
	if (r->kind != SC_DOC_CORRELATION) {
		sc_buf_puts(b, ",\"logsource\":{\"category\":");
		json_str(b, r->logsource.category);
		sc_buf_puts(b, ",\"product\":");
		json_str(b, r->logsource.product);
		sc_buf_puts(b, ",\"service\":");
		json_str(b, r->logsource.service);
		sc_buf_putc(b, '}');
	}
	sc_buf_printf(b, ",\"accepted\":%s", r->rejected ? "false" : "true");
	if (r->rejected) {
		sc_buf_printf(b, ",\"code\":\"%s\"}\n", sc_code_name(r->reject_code));
		return;
	}
	if (r->kind == SC_DOC_CORRELATION && r->corr)
		dump_correlation(b, r->corr);
	if (r->kind == SC_DOC_FILTER && r->filter) {
		sc_buf_puts(b, ",\"rules\":");
		if (r->filter->any)
			sc_buf_puts(b, "\"any\"");
		else
			json_strlist(b, &r->filter->rules);
	}
	if (r->ir_root)
		dump_graph(b, ctx->ir, r->ir_root);
	sc_buf_puts(b, "}\n");
}
