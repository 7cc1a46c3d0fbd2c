// SPDX-License-Identifier: Apache-2.0
/*
 * manifest.json: what became of every input document. Rules are
 * "compiled" (with the logsource they run on and their anchors),
 * "rejected" (with the code and message of their first error) or
 * "excluded" (not for this target, status or level, with the reason).
 * Filters list the rules they were applied to; correlations are rejected
 * until they are compiled.
 */
#include <string.h>

#include "cg.h"
#include "ctx.h"
#include "emit_int.h"
#include "ir.h"
#include "rule.h"
#include "yaml_load.h"

#ifndef SC_VERSION
#define SC_VERSION "0.0.0"
#endif

static void jstr(struct sc_buf *b, const char *s)
{
	if (s)
		sc_buf_json_str(b, s, strlen(s));
	else
		sc_buf_puts(b, "null");
}

/* The message of the first error of document r. */
static const struct sc_diag *first_error(const struct sc_ctx *ctx, const struct sc_rule *r)
{
	size_t i;

	for (i = 0; i < ctx->diags.n; i++) {
		const struct sc_diag *g = &ctx->diags.v[i];

		if (g->code == r->reject_code && g->file == r->file->path &&
		    sc_code_severity(g->code) == SC_SEV_ERROR &&
		    (!r->id || !g->rule_id || strcmp(g->rule_id, r->id) == 0))
			return g;
	}
	return NULL;
}

void sc_cg_emit_manifest(struct sc_cg *cg, const struct sc_cg_stats *st, struct sc_buf *b)
{
	static const char *const kinds[] = {"", "rule", "correlation", "filter"};
	static const char *const targets[] = {"replay", "linux", "windows"};
	const struct sc_ctx *ctx = cg->ctx;
	uint32_t ncomp = 0, nrej = 0, nexc = 0, k = 0;
	size_t i;

	for (i = 0; i < ctx->nrules; i++) {
		ncomp += cg->state[i] == SC_RS_COMPILED && ctx->rules[i]->kind == SC_DOC_RULE;
		nrej += cg->state[i] == SC_RS_REJECTED;
		nexc += cg->state[i] == SC_RS_EXCLUDED;
	}
	sc_buf_printf(b,
		      "{\n\"compiler\": \"sigmac-c %s\",\n\"abi\": 1,\n\"target\": \"%s\",\n"
		      "\"ruleset\": \"%s\",\n\"summary\": {\"documents\": %zu, \"compiled\": %u, "
		      "\"rejected\": %u, \"excluded\": %u, \"groups\": %u, \"atoms\": %u, "
		      "\"literals\": %u, \"regexes\": %u, \"dfa_states\": %u, "
		      "\"always_evaluated\": %u},\n\"documents\": [\n",
		      SC_VERSION, targets[cg->opts.target], cg->digest, ctx->nrules, ncomp, nrej,
		      nexc, cg->ngroups, cg->natoms, st->literals, cg->nregex, st->dfa_states,
		      st->always);
	for (i = 0; i < ctx->nrules; i++) {
		const struct sc_rule *r = ctx->rules[i];

		sc_buf_puts(b, i ? ",\n{" : "{");
		sc_buf_puts(b, "\"file\": ");
		jstr(b, r->file->rel);
		sc_buf_printf(b, ", \"doc\": %u, \"kind\": \"%s\", \"id\": ", r->doc_index,
			      kinds[r->kind]);
		jstr(b, r->id);
		sc_buf_puts(b, ", \"title\": ");
		jstr(b, r->title);
		if (cg->state[i] == SC_RS_REJECTED) {
			const struct sc_diag *g = first_error(ctx, r);

			sc_buf_printf(b, ", \"state\": \"rejected\", \"code\": \"%s\", \"reason\": ",
				      sc_code_name(r->reject_code));
			jstr(b, g ? g->msg : sc_code_summary(r->reject_code));
		} else if (cg->state[i] == SC_RS_EXCLUDED) {
			sc_buf_puts(b, ", \"state\": \"excluded\", \"reason\": ");
			jstr(b, cg->why[i]);
		} else if (r->kind == SC_DOC_FILTER) {
			uint32_t j, n = 0;

			sc_buf_puts(b, ", \"state\": \"compiled\", \"applied_to\": [");
			for (j = 0; j < cg->nrules; j++) {
				const struct sc_cg_rule *cr = &cg->rules[j];
				uint32_t q;

				for (q = 0; q < cr->filters.n; q++)
					if (cr->filters.v[q] == i)
						break;
				if (q == cr->filters.n)
					continue;
				sc_buf_puts(b, n++ ? ", " : "");
				jstr(b, cr->r->id ? cr->r->id : cr->r->title);
			}
			sc_buf_putc(b, ']');
		} else {
			const struct sc_cg_rule *cr = &cg->rules[k++];
			const struct sc_cg_group *g = &cg->groups[cr->group];
			uint32_t j;

			sc_buf_printf(b, ", \"state\": \"compiled\", \"index\": %u, \"level\": \"%s\", "
				      "\"class\": {\"product\": ",
				      cr->index, sc_level_name(r->level));
			jstr(b, g->product);
			sc_buf_puts(b, ", \"category\": ");
			jstr(b, g->category);
			sc_buf_puts(b, ", \"service\": ");
			jstr(b, g->service);
			sc_buf_puts(b, "}, \"anchors\": [");
			for (j = 0; j < cr->anchors.n; j++)
				sc_buf_printf(b, "%s%u", j ? ", " : "", cr->anchors.v[j]);
			sc_buf_putc(b, ']');
		}
		sc_buf_putc(b, '}');
	}
	sc_buf_puts(b, "\n]\n}\n");
}
