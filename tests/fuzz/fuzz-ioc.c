// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: the IOC feed parser (compiler/ioc.c) on arbitrary
 * bytes, typed by the first byte as each feed kind (line format by file
 * name, or CSV), then the tables built from whatever was accepted.
 */
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "ioc_feed.h"
#include "codegen/ioc_tables.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"hashes.txt", "ips.txt",  "domains.txt",
					    "paths.txt",  "feed.csv", "intel.txt"};
	struct sc_ctx *ctx;
	struct sc_ioc_tables t;

	if (!size)
		return 0;
	ctx = sc_ctx_new();
	sc_ioc_load_buffer(ctx, names[data[0] % 6], data + 1, size - 1);
	if (sc_ioc_tables_build(ctx, &t) == 0)
		sc_ioc_tables_done(&t);
	sc_ctx_free(ctx);
	return 0;
}
