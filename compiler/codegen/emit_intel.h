/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sgr_intel.c, the IOC tables and compiled YARA rules of the agent
 * (emit_intel.c).
 */
#ifndef SC_EMIT_INTEL_H
#define SC_EMIT_INTEL_H

struct sc_cg;
struct sc_buf;

/*
 * Append sgr_intel.c for cg's context (ctx->ioc, ctx->yara; both may be
 * NULL) to b. Duplicate indicators are reported into ctx->diags. Returns
 * 0 or -errno.
 */
int sc_cg_emit_intel(struct sc_cg *cg, struct sc_buf *b);

/* Add the IOC and YARA inputs to a digest state (XXH3_state_t *). */
void sc_cg_digest_intel(const struct sc_cg *cg, void *xxh3_state);

#endif /* SC_EMIT_INTEL_H */
