/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Anchored tries for startswith and endswith (trie.c). The result has the
 * layout of struct sgr_trie (include/agent/gen_abi.h).
 */
#ifndef SC_TRIE_H
#define SC_TRIE_H

#include <stdbool.h>
#include <stdint.h>

#include "cg.h"

/* A sparse anchored trie (struct sgr_trie). */
struct sc_trie_out {
	uint32_t nstates, nedges;
	uint32_t *edge_off; /* [nstates + 1] */
	uint8_t *edge_byte; /* [nedges], sorted per state */
	uint32_t *edge_to;  /* [nedges] */
	uint32_t *out_off;  /* [nstates + 1] */
	struct sc_u32v out; /* hit indices */
};

/*
 * Anchored trie over the n patterns (reversed when reverse is set, for
 * endswith); ASCII folded unless cased. Output items are the patterns'
 * hit indices. Returns 0. Free with sc_trie_done().
 */
int sc_trie_build(struct sc_trie_out *t, const struct sc_cg_lit *p, uint32_t n, bool cased,
		  bool reverse);
void sc_trie_done(struct sc_trie_out *t);

#endif /* SC_TRIE_H */
