// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: the whole front end on one input file (YAML loading,
 * rule model, detection, modifiers, conditions, lowering, cross-document
 * checks, IR dump and all three diagnostic renderings). Must never crash,
 * hang or leak, whatever the bytes.
 */
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "ctx.h"
#include "diag.h"
#include "ir_dump.h"
#include "ruleset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_ctx *ctx = sc_ctx_new();
	struct sc_buf out = SC_BUF_INIT;
	size_t i;

	sc_ruleset_add_buffer(ctx, "fuzz.yml", data, size);
	sc_ruleset_finish(ctx);
	sc_diags_sort(&ctx->diags);
	for (i = 0; i < ctx->nrules; i++)
		sc_ir_dump_rule(ctx, ctx->rules[i], &out);
	sc_diags_render(&ctx->diags, SC_FMT_TEXT, "fuzz", &out);
	sc_diags_render(&ctx->diags, SC_FMT_JSON, "fuzz", &out);
	sc_diags_render(&ctx->diags, SC_FMT_SARIF, "fuzz", &out);
	sc_buf_done(&out);
	sc_ctx_free(ctx);
	return 0;
}
