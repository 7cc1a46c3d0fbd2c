/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Perfect hashing for exact-match sets (phash.c). The lookup, which the
 * runtime repeats exactly (runtime/detect.c, ag_phash_find; both use the
 * inline functions of gen_abi.h), is:
 *
 *   h    = XXH3_64bits_withSeed(key, len, seed)
 *   b    = sgr_phash_bucket(h, nbuckets)	(low half of h, multiply-shift)
 *   slot = sgr_phash_slot(h, disp[b], nslots)	(high half, mixed with disp)
 *   slots[slot] = key index + 1, 0 when empty
 *
 * then one comparison of the bytes. Construction is hash-and-displace:
 * buckets, largest first, get the smallest displacement that sends all
 * their keys to free slots.
 */
#ifndef SC_PHASH_H
#define SC_PHASH_H

#include <stdint.h>

struct sc_phash_out {
	uint64_t seed;
	uint32_t nbuckets;
	uint32_t nslots;
	uint32_t *disp;	 /* [nbuckets] */
	uint32_t *slots; /* [nslots] */
};

/*
 * Build a perfect hash over n distinct keys. Returns 0 or -EINVAL when two
 * keys are equal. Free with sc_phash_done().
 */
int sc_phash_build(struct sc_phash_out *o, const uint8_t *const *key, const uint32_t *len,
		   uint32_t n);
void sc_phash_done(struct sc_phash_out *o);

#endif /* SC_PHASH_H */
