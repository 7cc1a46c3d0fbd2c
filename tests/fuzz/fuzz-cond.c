// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: the condition lexer and parser on arbitrary bytes, then
 * resolution against a fixed set of search identifiers.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cond.h"
#include "ctx.h"
#include "rule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *names[] = {"selection", "sel1", "sel2", "filter_main_a", "_hidden",
				      "1", "x-y"};
	struct sc_ctx *ctx = sc_ctx_new();
	struct sc_detection det;
	struct sc_rule r;
	struct sc_cond *c;
	bool used[7] = {false};

	memset(&r, 0, sizeof(r));
	memset(&det, 0, sizeof(det));
	det.n = 7;
	det.names = names;
	det.used = used;
	c = sc_cond_parse_str(ctx, &r, (const char *)data, size);
	if (c)
		sc_cond_resolve(ctx, &r, NULL, &det, c);
	sc_ctx_free(ctx);
	return 0;
}
