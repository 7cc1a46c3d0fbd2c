/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Contains matchers (grams.c): many literal patterns searched in a value
 * by a filter over 4-byte windows. Each pattern of four bytes or more is
 * represented by one of its 4-byte windows (its "gram", chosen to be rare
 * in typical event text); a bitmap over a hash of every gram lets the scan
 * reject a text position with one load, and the positions that pass are
 * confirmed through a table from gram to (pattern, offset of the gram).
 * Patterns of one to three bytes, and a few of up to eight when that lets
 * the scan skip more positions, are listed by their first byte. The
 * result has the layout of struct sgr_contains (include/agent/gen_abi.h),
 * whose comment gives the hash functions.
 */
#ifndef SC_GRAMS_H
#define SC_GRAMS_H

#include <stdint.h>

#include "cg.h"

struct sc_grams_out {
	uint32_t reach;	      /* patterns shorter than this are short, the others have grams */
	uint32_t stride;      /* the scan tests one position in stride */
	uint32_t filter_log2; /* the filter has 1 << filter_log2 bits */
	uint64_t *filter;     /* [(1 << filter_log2) / 64] */
	uint32_t tab_log2;    /* the gram table has 1 << tab_log2 slots */
	uint32_t *tab_gram;   /* [slots] gram (little-endian value of its 4 bytes) */
	uint32_t *tab_first;  /* [slots] first entry of the gram */
	uint32_t *tab_n;      /* [slots] entries of the gram, 0 for an empty slot */
	uint32_t *ent_pat;    /* [nent] pattern index */
	uint32_t *ent_off;    /* [nent] offset of the gram in the pattern */
	uint32_t nent, ngrams;
	uint32_t short_off[257]; /* short patterns starting with byte b: short_off[b] .. [b + 1] */
	uint32_t *short_pat;	 /* [nshort] pattern index */
	uint32_t nshort;
};

/*
 * How many literals of the whole rule set contain each 4-byte gram: a gram
 * that hundreds of rules mention ("\\win", ".exe") is common in events
 * too, so gram choice avoids it.
 */
struct sc_gram_freq {
	uint32_t *gram;	 /* open addressing by tab_hash */
	uint32_t *count; /* 0: empty slot */
	uint32_t log2;
};

/* Count the grams of every literal matcher of cg (once per literal). */
void sc_gram_freq_build(struct sc_gram_freq *f, const struct sc_cg *cg);
void sc_gram_freq_done(struct sc_gram_freq *f);

/*
 * Build the matcher of the n patterns p (bytes as they must appear); freq
 * may be NULL. Returns 0.
 */
int sc_grams_build(struct sc_grams_out *g, const struct sc_cg_lit *p, uint32_t n,
		   const struct sc_gram_freq *freq);
void sc_grams_done(struct sc_grams_out *g);

#endif /* SC_GRAMS_H */
