/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal interface between the generated-file writers (emit_*.c).
 */
#ifndef SC_EMIT_INT_H
#define SC_EMIT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct sc_cg;

/* Figures about the generated matchers (manifest and compile summary). */
struct sc_cg_stats {
	uint32_t literals;   /* literal patterns in matchers */
	uint32_t hits;	     /* (group, atom) hit records */
	uint32_t always;     /* rules without an anchor */
	uint32_t dfa_states; /* states of all literal DFAs */
	size_t table_bytes;  /* transition tables */
};

/* Number of condition files (fixed, so build systems know the outputs). */
#define SC_COND_FILES 8

void sc_cg_emit_header(struct sc_cg *cg, struct sc_buf *b);
int sc_cg_emit_match(struct sc_cg *cg, struct sc_buf *b, struct sc_cg_stats *st);
int sc_cg_emit_ruleset(struct sc_cg *cg, struct sc_buf *b);
void sc_cg_emit_cond(struct sc_cg *cg, unsigned file, struct sc_buf *b);
int sc_cg_emit_regex(struct sc_cg *cg, struct sc_buf *b);
void sc_cg_emit_manifest(struct sc_cg *cg, const struct sc_cg_stats *st, struct sc_buf *b);

/* Rule file path for generated output (relative, machine-independent). */
const char *sc_cg_rule_path(const struct sc_cg *cg, const struct sc_rule *r);

#endif /* SC_EMIT_INT_H */
