// SPDX-License-Identifier: Apache-2.0
/*
 * Hash-and-displace perfect hashing (see phash.h). With about four keys per
 * bucket and 25% spare slots, the displacement search ends within a few
 * tries per bucket; a seed that leaves a bucket unplaceable after many
 * tries (two keys with equal high hash halves) is replaced and the build
 * starts over, deterministically.
 */
#include "phash.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "arena.h"
#include "gen_abi.h"

#define MAX_DISP 1000000u
#define MAX_SEEDS 64

struct bucket {
	uint32_t id;
	uint32_t n;
	uint32_t first; /* index into order[] */
};

static int bucket_cmp(const void *pa, const void *pb)
{
	const struct bucket *a = pa, *b = pb;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return a->id < b->id ? -1 : (a->id > b->id);
}

static int try_seed(struct sc_phash_out *o, const uint64_t *h, uint32_t n)
{
	struct bucket *b = calloc(o->nbuckets, sizeof(*b));
	uint32_t *order = sc_xreallocarray(NULL, n ? n : 1, sizeof(*order));
	uint32_t *fill = calloc(o->nbuckets, sizeof(*fill));
	uint32_t *tmp = sc_xreallocarray(NULL, n ? n : 1, sizeof(*tmp));
	uint32_t i, k, acc = 0;
	int err = 0;

	if (!b || !fill)
		sc_oom();
	for (i = 0; i < o->nbuckets; i++)
		b[i].id = i;
	for (i = 0; i < n; i++)
		b[sgr_phash_bucket(h[i], o->nbuckets)].n++;
	for (i = 0; i < o->nbuckets; i++) {
		b[i].first = acc;
		acc += b[i].n;
	}
	for (i = 0; i < n; i++) {
		uint32_t bi = sgr_phash_bucket(h[i], o->nbuckets);

		order[b[bi].first + fill[bi]++] = i;
	}
	qsort(b, o->nbuckets, sizeof(*b), bucket_cmp);
	memset(o->slots, 0, o->nslots * sizeof(*o->slots));
	for (i = 0; i < o->nbuckets && b[i].n; i++) {
		uint32_t d;

		for (d = 0; d < MAX_DISP; d++) {
			for (k = 0; k < b[i].n; k++) {
				uint32_t key = order[b[i].first + k], j;
				uint32_t s = sgr_phash_slot(h[key], d, o->nslots);

				if (o->slots[s])
					break;
				for (j = 0; j < k; j++)
					if (tmp[j] == s)
						break;
				if (j < k)
					break;
				tmp[k] = s;
			}
			if (k == b[i].n)
				break;
		}
		if (d == MAX_DISP) {
			err = -EAGAIN;
			break;
		}
		o->disp[b[i].id] = d;
		for (k = 0; k < b[i].n; k++)
			o->slots[tmp[k]] = order[b[i].first + k] + 1;
	}
	free(b);
	free(order);
	free(fill);
	free(tmp);
	return err;
}

/* For the duplicate check: sort key indices by (hash, bytes). */
static const uint8_t *const *g_key;
static const uint32_t *g_len;
static const uint64_t *g_h;

static int dup_cmp(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	if (g_h[a] != g_h[b])
		return g_h[a] < g_h[b] ? -1 : 1;
	if (g_len[a] != g_len[b])
		return g_len[a] < g_len[b] ? -1 : 1;
	return memcmp(g_key[a], g_key[b], g_len[a]);
}

static bool has_duplicates(const uint8_t *const *key, const uint32_t *len, const uint64_t *h,
			   uint32_t n)
{
	uint32_t *idx = sc_xreallocarray(NULL, n ? n : 1, sizeof(*idx)), i;
	bool dup = false;

	for (i = 0; i < n; i++)
		idx[i] = i;
	g_key = key;
	g_len = len;
	g_h = h;
	qsort(idx, n, sizeof(*idx), dup_cmp);
	for (i = 1; i < n && !dup; i++)
		dup = dup_cmp(&idx[i - 1], &idx[i]) == 0;
	free(idx);
	return dup;
}

int sc_phash_build(struct sc_phash_out *o, const uint8_t *const *key, const uint32_t *len,
		   uint32_t n)
{
	uint64_t *h = sc_xreallocarray(NULL, n ? n : 1, sizeof(*h));
	uint32_t attempt, i;
	int err = -EAGAIN;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < n; i++)
		h[i] = XXH3_64bits_withSeed(key[i], len[i], 0);
	if (has_duplicates(key, len, h, n)) {
		free(h);
		return -EINVAL;
	}
	o->nbuckets = n / 4 + 1;
	o->nslots = n + n / 4 + 1;
	o->disp = calloc(o->nbuckets, sizeof(*o->disp));
	o->slots = calloc(o->nslots, sizeof(*o->slots));
	if (!o->disp || !o->slots)
		sc_oom();
	for (attempt = 0; attempt < MAX_SEEDS && err == -EAGAIN; attempt++) {
		o->seed = 0x5163a7c0ffee0000ull + attempt;
		for (i = 0; i < n; i++)
			h[i] = XXH3_64bits_withSeed(key[i], len[i], o->seed);
		memset(o->disp, 0, o->nbuckets * sizeof(*o->disp));
		err = try_seed(o, h, n);
	}
	free(h);
	if (err < 0)
		sc_phash_done(o);
	return err;
}

void sc_phash_done(struct sc_phash_out *o)
{
	free(o->disp);
	free(o->slots);
	o->disp = NULL;
	o->slots = NULL;
}
