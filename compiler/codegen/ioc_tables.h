/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's IOC tables (include/agent/gen_abi.h, struct sgr_intel) built
 * from the parsed indicators (ioc.h): perfect hashes for hashes, exact
 * addresses and domains, the apex set for subdomain entries, sorted network
 * tables with parent links, the path globs. Build-time heap arrays in the
 * run-time layout: emit_intel.c prints them, tests point the run-time
 * structs at them (sc_ioc_tables_view) and run the agent's lookups.
 */
#ifndef SC_IOC_TABLES_H
#define SC_IOC_TABLES_H

#include <stddef.h>
#include <stdint.h>

#include "gen_abi.h"
#include "phash.h"

struct sc_ctx;

struct sc_ioc_set_out {
	struct sc_phash_out ph;
	uint8_t *keys; /* heap */
	size_t keys_len;
	uint32_t *off;		     /* width == 0: [nkeys + 1] (heap) */
	uint32_t *run_end, *run_src; /* heap */
	uint32_t nruns;
	uint32_t width;
	uint32_t nkeys;
};

struct sc_ioc_cidr_out {
	uint8_t *net, *prefix;	/* heap */
	uint32_t *parent, *src; /* heap */
	uint32_t width, n;
};

struct sc_ioc_paths_out {
	uint8_t *pool; /* heap */
	size_t pool_len;
	uint32_t *off, *src; /* heap */
	uint32_t n;
};

struct sc_ioc_tables {
	struct sc_ioc_set_out sets[_SGR_IOC_SET_MAX];
	struct sc_ioc_cidr_out cidr[2]; /* IPv4, IPv6 */
	struct sc_ioc_paths_out paths;
	struct sgr_ioc_src *srcs; /* heap, [nsrcs] */
	uint32_t nsrcs;
	char *comments; /* heap, NUL-separated */
	size_t comments_len;
	uint64_t n; /* indicators kept */
};

/*
 * Build the tables from ctx->ioc (may be NULL: empty tables); duplicates
 * are reported (SC_W_IOC_DUPLICATE) and left out. Returns 0 or -errno.
 * Free with sc_ioc_tables_done().
 */
int sc_ioc_tables_build(struct sc_ctx *ctx, struct sc_ioc_tables *t);
void sc_ioc_tables_done(struct sc_ioc_tables *t);

/* Run-time views of built tables (they borrow t's arrays). */
struct sc_intel_view {
	struct sgr_intel intel;
	struct sgr_ioc_set sets[_SGR_IOC_SET_MAX];
	struct sgr_ioc_cidrs cidr[2];
	struct sgr_ioc_paths paths;
	const char *feeds[64];
};

/* Fill v from t; feeds names come from ctx->ioc (the first 64). */
void sc_ioc_tables_view(const struct sc_ctx *ctx, const struct sc_ioc_tables *t,
			struct sc_intel_view *v);

#endif /* SC_IOC_TABLES_H */
