/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Byte-class DFAs for literal sets (dfa.c): anchored tries for startswith
 * and endswith, truncated Aho-Corasick automata for contains. The result
 * has the layout of struct sgr_dfa (include/agent/gen_abi.h).
 */
#ifndef SC_DFA_H
#define SC_DFA_H

#include <stdbool.h>
#include <stdint.h>

#include "cg.h"
#include "gen_abi.h"

struct sc_dfa_out {
	uint8_t cls[256];	/* byte -> class */
	uint32_t nclass;
	uint32_t nstates;
	uint32_t first_out;	/* states >= first_out have outputs */
	uint16_t *delta;	/* [nstates * nclass], SGR_DFA_DEAD for none (tries) */
	uint32_t *out_off;	/* [nstates - first_out + 1] */
	struct sc_u32v out;	/* output items */
};

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

/*
 * Truncated Aho-Corasick automaton over the patterns. head[i] receives the
 * number of leading bytes of pattern i the automaton checks; output items
 * are pattern indices. Returns 0 or -E2BIG.
 */
int sc_dfa_ac(struct sc_dfa_out *d, const struct sc_cg_lit *p, uint32_t n, bool cased,
	      uint16_t *head);

void sc_dfa_done(struct sc_dfa_out *d);

#endif /* SC_DFA_H */
