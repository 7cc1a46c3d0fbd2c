// SPDX-License-Identifier: Apache-2.0
/*
 * Anchored tries for startswith and endswith literal sets (trie.h).
 *
 * One state per trie node with its edges sorted by byte, outputs at the
 * nodes where a pattern ends; endswith tries hold the patterns reversed and
 * are walked from the end of the value. A walk costs at most the longest
 * pattern, and a value fires every pattern that is a prefix (suffix) of it.
 */
#include "trie.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"

static uint8_t fold_byte(uint8_t c, bool cased)
{
	return (!cased && c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

struct edge {
	uint32_t from;
	uint8_t byte;
	uint32_t to;
};

static int edge_cmp(const void *pa, const void *pb)
{
	const struct edge *a = pa, *b = pb;

	if (a->from != b->from)
		return a->from < b->from ? -1 : 1;
	return (int)a->byte - (int)b->byte;
}

struct tkey {
	uint8_t *k; /* folded, reversed for endswith (heap) */
	uint32_t n;
	uint32_t hit;
};

static int tkey_cmp(const void *pa, const void *pb)
{
	const struct tkey *a = pa, *b = pb;
	int c = memcmp(a->k, b->k, a->n < b->n ? a->n : b->n);

	if (c)
		return c;
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	return a->hit < b->hit ? -1 : (a->hit > b->hit);
}

/*
 * Built from the sorted keys: each key shares the path of its longest
 * common prefix with the previous key and adds nodes for the rest, so the
 * construction is linear in the total key length.
 */
int sc_trie_build(struct sc_trie_out *t, const struct sc_cg_lit *p, uint32_t n, bool cased,
		  bool reverse)
{
	struct tkey *keys = sc_xreallocarray(NULL, n ? n : 1, sizeof(*keys));
	struct edge *e = NULL;
	struct sc_u32v *outs = NULL;
	uint32_t ne = 0, cape = 0, nodes = 1, capn = 0, i, k, maxlen = 0, *path = NULL;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < n; i++) {
		keys[i].k = sc_xmalloc(p[i].n ? p[i].n : 1);
		keys[i].n = p[i].n;
		keys[i].hit = p[i].hit;
		for (k = 0; k < p[i].n; k++)
			keys[i].k[k] = fold_byte(p[i].s[reverse ? p[i].n - 1 - k : k], cased);
		if (p[i].n > maxlen)
			maxlen = p[i].n;
	}
	qsort(keys, n, sizeof(*keys), tkey_cmp);
	path = sc_xreallocarray(NULL, maxlen + 1, sizeof(*path)); /* path[d]: node at depth d */
	path[0] = 0;
	for (i = 0; i < n; i++) {
		uint32_t lcp = 0;

		if (i)
			while (lcp < keys[i].n && lcp < keys[i - 1].n &&
			       keys[i].k[lcp] == keys[i - 1].k[lcp])
				lcp++;
		for (k = lcp; k < keys[i].n; k++) {
			if (ne == cape) {
				cape = cape ? 2 * cape : 256;
				e = sc_xreallocarray(e, cape, sizeof(*e));
			}
			e[ne].from = path[k];
			e[ne].byte = keys[i].k[k];
			e[ne].to = nodes;
			path[k + 1] = nodes++;
			ne++;
		}
		if (nodes > capn) {
			uint32_t old = capn;

			capn = nodes * 2;
			outs = sc_xreallocarray(outs, capn, sizeof(*outs));
			memset(outs + old, 0, (capn - old) * sizeof(*outs));
		}
		sc_u32v_push(&outs[path[keys[i].n]], keys[i].hit);
	}
	if (!outs) {
		outs = calloc(1, sizeof(*outs));
		if (!outs)
			sc_oom();
	}
	if (ne)
		qsort(e, ne, sizeof(*e), edge_cmp);
	t->nstates = nodes;
	t->edge_off = calloc(nodes + 1, sizeof(*t->edge_off));
	t->edge_byte = sc_xreallocarray(NULL, ne ? ne : 1, sizeof(*t->edge_byte));
	t->edge_to = sc_xreallocarray(NULL, ne ? ne : 1, sizeof(*t->edge_to));
	t->out_off = calloc(nodes + 1, sizeof(*t->out_off));
	if (!t->edge_off || !t->out_off)
		sc_oom();
	for (i = 0; i < ne; i++) {
		t->edge_off[e[i].from + 1]++;
		t->edge_byte[i] = e[i].byte;
		t->edge_to[i] = e[i].to;
	}
	for (i = 0; i < nodes; i++)
		t->edge_off[i + 1] += t->edge_off[i];
	for (i = 0; i < nodes; i++) {
		t->out_off[i] = t->out.n;
		for (k = 0; k < outs[i].n; k++)
			sc_u32v_push(&t->out, outs[i].v[k]);
		sc_u32v_done(&outs[i]);
	}
	t->out_off[nodes] = t->out.n;
	t->nedges = ne;
	for (i = 0; i < n; i++)
		free(keys[i].k);
	free(keys);
	free(path);
	free(outs);
	free(e);
	return 0;
}

void sc_trie_done(struct sc_trie_out *t)
{
	free(t->edge_off);
	free(t->edge_byte);
	free(t->edge_to);
	free(t->out_off);
	sc_u32v_done(&t->out);
	memset(t, 0, sizeof(*t));
}
