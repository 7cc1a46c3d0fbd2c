/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal interface of the detection engine (detect.c) and its literal
 * matchers (detect_match.c). Not for other modules: they use detect.h.
 */
#ifndef AG_RUNTIME_DETECT_INT_H
#define AG_RUNTIME_DETECT_INT_H

#include "detect.h"

/*
 * What the engine derives once from one literal matcher (struct
 * sgr_fmatch) of the rule set, at ag_match_init(); matcher k of group g
 * (k == nfm: its keyword matcher) is e->fmrt[e->fm_base[g] + k].
 */
struct ag_fm_rt {
	const uint8_t *filter8;	     /* the contains gram filter, a byte per bit (detect_match.c) */
	const uint8_t *pairs;	     /* byte-pair filter of the short contains patterns, or NULL */
	const uint8_t *tri;	     /* its second stage for the longer ones, or NULL */
	uint32_t tri_shift;	     /* 32 - log2 of the size of tri[] */
	const uint8_t *prefix_chain; /* by startswith trie state: chain length (detect_match.c) */
	const uint8_t *suffix_chain; /* the same for the endswith trie */
	uint64_t eq_lens;	     /* bit l: an equals key has length l (63: 63 or more) */
	uint64_t one[4];	     /* bit b: a one-byte contains pattern is b */
	uint8_t pair_mask;	     /* this matcher's first bit in pairs[] (the second: << 1) */
};

/* Compute e->fm_base and e->fmrt for e->rs. Returns 0 or -ENOMEM (ag_match_done() frees). */
int ag_match_init(struct ag_engine *e);
void ag_match_done(struct ag_engine *e);

/* Run the string matchers of fm (group g) over the value s[0 .. n), firing what they find. */
void ag_match_strings(struct ag_engine *e, const struct sgr_group *g, const struct sgr_fmatch *fm,
		      const struct ag_fm_rt *rt, const uint8_t *s, size_t n);

/* Fire hits[0 .. n) of group g again (a matcher run the memo remembers). */
void ag_match_replay(struct ag_engine *e, const struct sgr_group *g, const uint32_t *hits,
		     uint32_t n);

/* Run the numeric equality index ni (group g) over the value of kv. */
void ag_match_num(struct ag_engine *e, const struct sgr_group *g, const struct sgr_numidx *ni,
		  const struct ag_kv *kv);

#endif /* AG_RUNTIME_DETECT_INT_H */
