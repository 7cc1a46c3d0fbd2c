// SPDX-License-Identifier: Apache-2.0
/*
 * gen-events: synthetic events for the differential tests. For every rule
 * the code generator compiles (same selection as sigmac-c compile), it
 * writes JSONL events routed to the rule's logsource: one that satisfies
 * every atom of the rule as far as a value can be built for it, then
 * variants where one atom's value is mutated: case changes, text added
 * before or after, the last character dropped or changed, non-ASCII text
 * inserted, an empty value, the field missing or null. Values that make a
 * rule match, nearly match and miss are what differential testing needs:
 * both evaluators must agree on every one. Deterministic (fixed seed).
 *
 * Usage: gen-events [--placeholders F] [--max-per-rule N] --rules PATH... > events.jsonl
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cg.h"
#include "ctx.h"
#include "encode.h"
#include "ir.h"
#include "placeholders.h"
#include "rule.h"
#include "ruleset.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (uint32_t)(rng % n) : 0;
}

struct fieldval {
	uint32_t field;
	struct sc_buf v;
	bool null, absent, number;
};

struct gen {
	struct sc_ctx *ctx;
	struct fieldval *fv;
	uint32_t nfv, capfv;
};

static struct fieldval *slot(struct gen *g, uint32_t field)
{
	uint32_t i;

	for (i = 0; i < g->nfv; i++)
		if (g->fv[i].field == field)
			return &g->fv[i];
	if (g->nfv == g->capfv) {
		g->capfv = g->capfv ? 2 * g->capfv : 16;
		g->fv = realloc(g->fv, g->capfv * sizeof(*g->fv));
	}
	memset(&g->fv[g->nfv], 0, sizeof(g->fv[0]));
	g->fv[g->nfv].field = field;
	return &g->fv[g->nfv++];
}

/* Un-escape a canonical glob into a matching text ('*' -> "Ab", '?' -> "é"). */
static void glob_text(struct sc_buf *b, const uint8_t *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == '\\' && i + 1 < n && (p[i + 1] == '*' || p[i + 1] == '?' || p[i + 1] == '\\')) {
			sc_buf_putc(b, (char)p[++i]);
		} else if (p[i] == '*') {
			if (rnd(2))
				sc_buf_puts(b, "Ab");
		} else if (p[i] == '?') {
			sc_buf_puts(b, rnd(2) ? "x" : "\xc3\xa9");
		} else {
			sc_buf_putc(b, (char)p[i]);
		}
	}
}

/* A value for atom a appended to b (for the atom's field). */
static void satisfy(struct gen *g, const struct sc_atom *a, struct fieldval *f)
{
	struct sc_buf *b = &f->v;

	switch (a->kind) {
	case SC_ATOM_STR:
		if (a->match == SC_MATCH_CONTAINS || a->match == SC_MATCH_SUFFIX)
			sc_buf_puts(b, rnd(2) ? "pre " : "");
		if (a->match == SC_MATCH_GLOB)
			glob_text(b, a->val, a->len);
		else
			sc_buf_add(b, a->val, a->len);
		if (a->match == SC_MATCH_CONTAINS || a->match == SC_MATCH_PREFIX)
			sc_buf_puts(b, rnd(2) ? " post" : "");
		if (a->match == SC_MATCH_ANY)
			sc_buf_puts(b, "anything");
		break;
	case SC_ATOM_NUM:
		sc_buf_reset(b);
		switch (a->cmp) {
		case SC_CMP_LT:
			sc_buf_printf(b, "%.17g", a->num - 1);
			break;
		case SC_CMP_GT:
			sc_buf_printf(b, "%.17g", a->num + 1);
			break;
		default:
			sc_buf_puts(b, a->num_text);
		}
		f->number = rnd(2);
		break;
	case SC_ATOM_CIDR:
		sc_buf_reset(b);
		if (a->family == 4)
			sc_buf_printf(b, "%u.%u.%u.%u", a->addr[0], a->addr[1], a->addr[2],
				      a->addr[3] | (a->prefix < 32 ? 1 : 0));
		else
			sc_buf_printf(b, "%x%02x::%x", a->addr[0], a->addr[1], a->prefix < 128 ? 7 : 0);
		break;
	case SC_ATOM_NULL:
		f->null = rnd(2);
		f->absent = !f->null;
		break;
	case SC_ATOM_EXISTS:
		if (!b->len)
			sc_buf_puts(b, "present");
		break;
	case SC_ATOM_FIELDREF: {
		uint32_t of = sc_ir_field(g->ctx->ir, (const char *)a->val);
		struct fieldval *o = slot(g, of);

		if (!o->v.len)
			sc_buf_puts(&o->v, "Shared-Value");
		f = slot(g, a->field);
		sc_buf_reset(&f->v);
		sc_buf_add(&f->v, o->v.data, o->v.len);
		break;
	}
	case SC_ATOM_TIMEPART:
		sc_buf_reset(b);
		sc_buf_printf(b, "2024-%02d-%02d %02d:%02d:07.123",
			      a->part == SC_TP_MONTH ? (int)a->num : 3,
			      a->part == SC_TP_DAY ? (int)a->num : 14,
			      a->part == SC_TP_HOUR ? (int)a->num : 10,
			      a->part == SC_TP_MINUTE ? (int)a->num : 30);
		break;
	case SC_ATOM_REGEX:
		/* Regex literal pieces often match; keep the raw pattern text. */
		sc_buf_add(b, a->val, a->len);
		break;
	}
}

static void mutate(struct fieldval *f)
{
	struct sc_buf m = SC_BUF_INIT;
	size_t i;

	switch (rnd(9)) {
	case 0: /* upper case */
		for (i = 0; i < f->v.len; i++)
			sc_buf_putc(&m, (char)((f->v.data[i] >= 'a' && f->v.data[i] <= 'z')
						       ? f->v.data[i] - 32
						       : f->v.data[i]));
		break;
	case 1: /* text around */
		sc_buf_puts(&m, "X");
		sc_buf_add(&m, f->v.data, f->v.len);
		sc_buf_puts(&m, "Y");
		break;
	case 2: /* last character dropped */
		sc_buf_add(&m, f->v.data, f->v.len ? f->v.len - 1 : 0);
		break;
	case 3: /* one character changed */
		sc_buf_add(&m, f->v.data, f->v.len);
		if (m.len)
			m.data[rnd((uint32_t)m.len)] ^= 0x01;
		break;
	case 4: /* non-ASCII inserted */
		sc_buf_add(&m, f->v.data, f->v.len / 2);
		sc_buf_puts(&m, rnd(2) ? "\xd0\x9f\xd1\x80\xd0\xb8" : "\xce\xa3");
		sc_buf_add(&m, f->v.data + f->v.len / 2, f->v.len - f->v.len / 2);
		break;
	case 5: /* empty */
		break;
	case 6:
		f->absent = true;
		break;
	case 7:
		f->null = true;
		break;
	default: /* mixed case */
		for (i = 0; i < f->v.len; i++) {
			char c = f->v.data[i];

			if (i % 2 && c >= 'a' && c <= 'z')
				c -= 32;
			sc_buf_putc(&m, c);
		}
	}
	sc_buf_reset(&f->v);
	if (m.len)
		sc_buf_add(&f->v, m.data, m.len);
	sc_buf_done(&m);
}

static void collect_atoms(const struct sc_ir *ir, uint32_t node, uint32_t *out, uint32_t *n,
			  uint32_t max)
{
	const struct sc_irnode *nd = sc_ir_get_node(ir, node);
	uint32_t i;

	if (nd->op == SC_IR_ATOM) {
		for (i = 0; i < *n; i++)
			if (out[i] == nd->atom)
				return;
		if (*n < max)
			out[(*n)++] = nd->atom;
		return;
	}
	for (i = 0; i < nd->nkids; i++)
		collect_atoms(ir, nd->kids[i], out, n, max);
}

static void emit_event(struct gen *g, const struct sc_rule *r)
{
	struct sc_buf b = SC_BUF_INIT;
	uint32_t i;

	sc_buf_puts(&b, "{");
	if (r->logsource.product) {
		sc_buf_puts(&b, "\"logsource.product\":");
		sc_buf_json_str(&b, r->logsource.product, strlen(r->logsource.product));
		sc_buf_putc(&b, ',');
	}
	if (r->logsource.category) {
		sc_buf_puts(&b, "\"logsource.category\":");
		sc_buf_json_str(&b, r->logsource.category, strlen(r->logsource.category));
		sc_buf_putc(&b, ',');
	}
	if (r->logsource.service) {
		sc_buf_puts(&b, "\"logsource.service\":");
		sc_buf_json_str(&b, r->logsource.service, strlen(r->logsource.service));
		sc_buf_putc(&b, ',');
	}
	sc_buf_puts(&b, "\"Noise\":\"unrelated value\"");
	for (i = 0; i < g->nfv; i++) {
		const struct fieldval *f = &g->fv[i];
		const char *name = sc_ir_field_name(g->ctx->ir, f->field);

		if (f->absent || !f->field)
			continue;
		sc_buf_putc(&b, ',');
		sc_buf_json_str(&b, name, strlen(name));
		sc_buf_putc(&b, ':');
		if (f->null)
			sc_buf_puts(&b, "null");
		else if (f->number && f->v.len && strspn(f->v.data, "0123456789") == f->v.len &&
			 (f->v.len == 1 || f->v.data[0] != '0'))
			sc_buf_add(&b, f->v.data, f->v.len);
		else
			sc_buf_json_str(&b, f->v.data ? f->v.data : "", f->v.len);
	}
	sc_buf_puts(&b, "}\n");
	fwrite(b.data, 1, b.len, stdout);
	sc_buf_done(&b);
}

static void reset(struct gen *g)
{
	uint32_t i;

	for (i = 0; i < g->nfv; i++)
		sc_buf_done(&g->fv[i].v);
	g->nfv = 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"rules", required_argument, NULL, 'r'},
		{"placeholders", required_argument, NULL, 'p'},
		{"max-per-rule", required_argument, NULL, 'm'},
		{NULL, 0, NULL, 0},
	};
	struct gen g = {0};
	struct sc_cg_opts co;
	struct sc_cg *cg;
	uint32_t maxper = 16, k, i, j, atoms[64], na;
	int c;

	g.ctx = sc_ctx_new();
	memset(&co, 0, sizeof(co));
	co.status_mask = 0x1f & ~((1u << SC_STATUS_DEPRECATED) | (1u << SC_STATUS_UNSUPPORTED));
	co.target = SC_TARGET_REPLAY;
	while ((c = getopt_long(argc, argv, "r:p:m:", longopts, NULL)) != -1) {
		if (c == 'r')
			sc_ruleset_add_path(g.ctx, optarg);
		else if (c == 'p')
			sc_placeholders_load(g.ctx, optarg);
		else if (c == 'm')
			maxper = (uint32_t)atoi(optarg);
	}
	sc_ruleset_finish(g.ctx);
	if (sc_cg_build(g.ctx, &co, &cg) < 0)
		return 2;
	for (k = 0; k < cg->nrules; k++) {
		const struct sc_rule *r = cg->rules[k].r;

		na = 0;
		collect_atoms(g.ctx->ir, cg->rules[k].root, atoms, &na, 64);
		for (j = 0; j < maxper && j <= na; j++) {
			reset(&g);
			for (i = 0; i < na; i++) {
				const struct sc_atom *a = sc_ir_get_atom(g.ctx->ir, atoms[i]);

				/* Keywords go in a free-text field. */
				uint32_t field = a->field ? a->field : sc_ir_field(g.ctx->ir, "Message");

				/* In large OR lists one value per field is enough. */
				if (slot(&g, field)->v.len && rnd(3))
					continue;
				satisfy(&g, a, slot(&g, field));
			}
			if (j > 0 && na) {
				const struct sc_atom *a = sc_ir_get_atom(g.ctx->ir, atoms[(j - 1) % na]);

				mutate(slot(&g, a->field ? a->field
							 : sc_ir_field(g.ctx->ir, "Message")));
			}
			emit_event(&g, r);
		}
	}
	reset(&g);
	free(g.fv);
	sc_cg_free(cg);
	sc_ctx_free(g.ctx);
	return 0;
}
