/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Perfect hashing for exact-match sets (phash.c). The lookup, which the
 * runtime repeats exactly (runtime/match.c, ag_phash_find), is:
 *
 *   h    = XXH3_64bits_withSeed(key, len, seed)
 *   b    = h % nbuckets
 *   x    = sc_phash_mix((h >> 32) ^ (disp[b] * 0x9E3779B97F4A7C15))
 *   slot = x % nslots;  slots[slot] = key index + 1, 0 when empty
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

/* The 64-bit finaliser of MurmurHash3 (also in gen_abi users). */
static inline uint64_t sc_phash_mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

/*
 * Build a perfect hash over n distinct keys. Returns 0 or -EINVAL when two
 * keys are equal. Free with sc_phash_done().
 */
int sc_phash_build(struct sc_phash_out *o, const uint8_t *const *key, const uint32_t *len,
		   uint32_t n);
void sc_phash_done(struct sc_phash_out *o);

#endif /* SC_PHASH_H */
