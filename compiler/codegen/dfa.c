// SPDX-License-Identifier: Apache-2.0
/*
 * Byte-class DFAs for literal sets.
 *
 * Anchored tries (startswith, and endswith on reversed text): one state per
 * trie node, a dead state when no edge matches, outputs at the nodes where
 * a pattern ends. The walk costs at most the longest pattern.
 *
 * Contains: a truncated Aho-Corasick automaton. A full AC DFA over the
 * 10,000 CommandLine literals of SigmaHQ would have ~77,000 states; with
 * ~100 byte classes that is tens of megabytes. Instead each pattern
 * contributes only a "head": its shortest prefix of at least MIN_HEAD bytes
 * that no more than MAX_SHARE patterns share (at most MAX_HEAD bytes). The
 * automaton finds every occurrence of every head in one pass (the standard
 * goto/failure construction, flattened into a transition table); an output
 * state lists the patterns whose head ends there, and the runtime confirms
 * the rest of the pattern with one comparison. Because every occurrence of a
 * pattern starts with an occurrence of its head, nothing is missed; the
 * truncation bounds both the table and the confirmation work. States are
 * 16-bit; when a literal set would need more, heads get shorter.
 *
 * Byte classes: each byte that occurs in a pattern (ASCII letters folded
 * unless the matcher is cased) starts as its own class, the rest share
 * class 0; after construction, classes whose transition columns are equal
 * are merged.
 */
#include "dfa.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define MIN_HEAD  4
#define MAX_SHARE 4
#define MAX_HEAD  16

struct trie {
	uint32_t *child;   /* [nodes * ncls], 0 = none (root is node 0, never a child) */
	uint32_t *count;   /* patterns through each node */
	uint32_t *depth;
	struct sc_u32v *out; /* per node: output items */
	uint32_t nodes, cap, ncls;
};

static void trie_init(struct trie *t, uint32_t ncls)
{
	memset(t, 0, sizeof(*t));
	t->ncls = ncls;
	t->cap = 64;
	t->child = calloc((size_t)t->cap * ncls, sizeof(*t->child));
	t->count = calloc(t->cap, sizeof(*t->count));
	t->depth = calloc(t->cap, sizeof(*t->depth));
	t->out = calloc(t->cap, sizeof(*t->out));
	if (!t->child || !t->count || !t->depth || !t->out)
		sc_oom();
	t->nodes = 1;
}

static uint32_t trie_new_node(struct trie *t, uint32_t depth)
{
	if (t->nodes == t->cap) {
		uint32_t old = t->cap;

		t->cap *= 2;
		t->child = sc_xreallocarray(t->child, (size_t)t->cap * t->ncls, sizeof(*t->child));
		memset(t->child + (size_t)old * t->ncls, 0,
		       (size_t)(t->cap - old) * t->ncls * sizeof(*t->child));
		t->count = sc_xreallocarray(t->count, t->cap, sizeof(*t->count));
		t->depth = sc_xreallocarray(t->depth, t->cap, sizeof(*t->depth));
		t->out = sc_xreallocarray(t->out, t->cap, sizeof(*t->out));
		memset(t->count + old, 0, (t->cap - old) * sizeof(*t->count));
		memset(t->out + old, 0, (t->cap - old) * sizeof(*t->out));
	}
	t->depth[t->nodes] = depth;
	return t->nodes++;
}

static void trie_done(struct trie *t)
{
	uint32_t i;

	for (i = 0; i < t->nodes; i++)
		sc_u32v_done(&t->out[i]);
	free(t->child);
	free(t->count);
	free(t->depth);
	free(t->out);
}

static uint8_t fold_byte(uint8_t c, bool cased)
{
	return (!cased && c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/*
 * Initial classes: one per ASCII byte used by the patterns (folded), one
 * for every byte >= 0x80 (UTF-8 text narrows nothing down that the final
 * comparison does not check), class 0 for the rest.
 */
static uint32_t initial_classes(const struct sc_cg_lit *p, uint32_t n, bool cased, uint8_t cls[256])
{
	bool used[256] = {false};
	uint32_t i, k, ncls = 1, high = 0;

	for (i = 0; i < n; i++)
		for (k = 0; k < p[i].n; k++)
			used[fold_byte(p[i].s[k], cased)] = true;
	memset(cls, 0, 256);
	for (i = 0; i < 0x80; i++)
		if (used[i])
			cls[i] = (uint8_t)ncls++;
	for (i = 0x80; i < 256; i++)
		if (used[i])
			high = 1;
	if (high) {
		for (i = 0x80; i < 256; i++)
			cls[i] = (uint8_t)ncls;
		ncls++;
	}
	if (!cased)
		for (i = 'A'; i <= 'Z'; i++)
			cls[i] = cls[i + 32];
	return ncls;
}

/* Insert the first len bytes of s (optionally reversed) and return the end node. */
static uint32_t trie_insert(struct trie *t, const uint8_t *cls, const uint8_t *s, uint32_t len,
			    bool reverse)
{
	uint32_t node = 0, i;

	t->count[0]++;
	for (i = 0; i < len; i++) {
		uint8_t c = cls[reverse ? s[len - 1 - i] : s[i]];
		uint32_t *slot = &t->child[(size_t)node * t->ncls + c];

		if (!*slot) {
			uint32_t nn = trie_new_node(t, i + 1);

			slot = &t->child[(size_t)node * t->ncls + c];
			*slot = nn;
		}
		node = *slot;
		t->count[node]++;
	}
	return node;
}

/*
 * Merge byte classes with identical columns in delta[nstates][ncls];
 * rewrites cls[] and delta, returns the new class count.
 */
static uint32_t merge_classes(uint16_t **delta, uint32_t nstates, uint32_t ncls, uint8_t cls[256])
{
	uint32_t *map = sc_xreallocarray(NULL, ncls, sizeof(*map));
	uint32_t *rep = sc_xreallocarray(NULL, ncls, sizeof(*rep)); /* first old class of each new */
	uint32_t nnew = 0, c, r, s, i;
	uint16_t *nd;

	for (c = 0; c < ncls; c++) {
		for (r = 0; r < nnew; r++) {
			for (s = 0; s < nstates; s++)
				if ((*delta)[(size_t)s * ncls + c] != (*delta)[(size_t)s * ncls + rep[r]])
					break;
			if (s == nstates)
				break;
		}
		if (r == nnew)
			rep[nnew++] = c;
		map[c] = r;
	}
	nd = sc_xreallocarray(NULL, (size_t)nstates * nnew, sizeof(*nd));
	for (s = 0; s < nstates; s++)
		for (r = 0; r < nnew; r++)
			nd[(size_t)s * nnew + r] = (*delta)[(size_t)s * ncls + rep[r]];
	for (i = 0; i < 256; i++)
		cls[i] = (uint8_t)map[cls[i]];
	free(*delta);
	*delta = nd;
	free(map);
	free(rep);
	return nnew;
}

/*
 * Renumber states so that the start stays 0 and states with outputs come
 * last; fill d from the trie-shaped arrays. trans[old * ncls + c] holds old
 * state numbers or SGR_DFA_DEAD.
 */
static int finish(struct sc_dfa_out *d, const struct trie *t, const uint32_t *trans, uint32_t ncls,
		  struct sc_u32v *outs)
{
	uint32_t n = t->nodes, *newid, s, c, k, next = 0;

	if (n >= SGR_DFA_DEAD)
		return -E2BIG;
	newid = sc_xreallocarray(NULL, n, sizeof(*newid));
	newid[0] = next++;
	for (s = 1; s < n; s++)
		if (!outs[s].n)
			newid[s] = next++;
	d->first_out = outs[0].n ? 0 : next;
	for (s = 1; s < n; s++)
		if (outs[s].n)
			newid[s] = next++;
	d->nstates = n;
	d->delta = sc_xreallocarray(NULL, (size_t)n * ncls, sizeof(*d->delta));
	for (s = 0; s < n; s++)
		for (c = 0; c < ncls; c++) {
			uint32_t to = trans[(size_t)s * ncls + c];

			d->delta[(size_t)newid[s] * ncls + c] =
				to == SGR_DFA_DEAD ? SGR_DFA_DEAD : (uint16_t)newid[to];
		}
	d->out_off = sc_xreallocarray(NULL, n - d->first_out + 1, sizeof(*d->out_off));
	memset(&d->out, 0, sizeof(d->out));
	{
		/* Outputs in new-state order. */
		uint32_t *old = sc_xreallocarray(NULL, n, sizeof(*old));

		for (s = 0; s < n; s++)
			old[newid[s]] = s;
		for (s = d->first_out; s < n; s++) {
			const struct sc_u32v *o = &outs[old[s]];

			d->out_off[s - d->first_out] = d->out.n;
			for (k = 0; k < o->n; k++)
				sc_u32v_push(&d->out, o->v[k]);
		}
		d->out_off[n - d->first_out] = d->out.n;
		free(old);
	}
	d->nclass = ncls;
	free(newid);
	return 0;
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

static int build_ac(struct sc_dfa_out *d, const struct sc_cg_lit *p, uint32_t n, bool cased,
		    uint16_t *head, uint32_t max_head)
{
	struct trie full, t;
	uint32_t ncls, i, k, c, *fail, *queue, qh = 0, qt = 0, *trans;
	struct sc_u32v *outs;
	int err;

	memset(d, 0, sizeof(*d));
	ncls = initial_classes(p, n, cased, d->cls);

	/* Heads: the shortest prefix >= MIN_HEAD shared by at most MAX_SHARE patterns. */
	trie_init(&full, ncls);
	for (i = 0; i < n; i++)
		trie_insert(&full, d->cls, p[i].s, p[i].n, false);
	for (i = 0; i < n; i++) {
		uint32_t node = 0, h = 0;

		while (h < p[i].n && h < max_head) {
			node = full.child[(size_t)node * ncls + d->cls[p[i].s[h]]];
			h++;
			if (h >= MIN_HEAD && full.count[node] <= MAX_SHARE)
				break;
		}
		head[i] = (uint16_t)h;
	}
	trie_done(&full);

	trie_init(&t, ncls);
	for (i = 0; i < n; i++) {
		uint32_t end = trie_insert(&t, d->cls, p[i].s, head[i], false);

		sc_u32v_push(&t.out[end], i);
	}
	if (t.nodes >= SGR_DFA_DEAD) {
		trie_done(&t);
		return -E2BIG;
	}

	/* Failure links and the full transition table, breadth first. */
	fail = calloc(t.nodes, sizeof(*fail));
	queue = sc_xreallocarray(NULL, t.nodes, sizeof(*queue));
	trans = sc_xreallocarray(NULL, (size_t)t.nodes * ncls, sizeof(*trans));
	outs = calloc(t.nodes, sizeof(*outs));
	if (!fail || !outs)
		sc_oom();
	for (c = 0; c < ncls; c++) {
		uint32_t ch = t.child[c];

		trans[c] = ch;
		if (ch) {
			fail[ch] = 0;
			queue[qt++] = ch;
		}
	}
	for (k = 0; k < t.out[0].n; k++)
		sc_u32v_push(&outs[0], t.out[0].v[k]);
	while (qh < qt) {
		uint32_t s = queue[qh++];

		/* Outputs: own patterns, then those of the failure state (already final). */
		for (k = 0; k < t.out[s].n; k++)
			sc_u32v_push(&outs[s], t.out[s].v[k]);
		for (k = 0; k < outs[fail[s]].n; k++)
			sc_u32v_push(&outs[s], outs[fail[s]].v[k]);
		for (c = 0; c < ncls; c++) {
			uint32_t ch = t.child[(size_t)s * ncls + c];

			if (ch) {
				fail[ch] = trans[(size_t)fail[s] * ncls + c];
				trans[(size_t)s * ncls + c] = ch;
				queue[qt++] = ch;
			} else {
				trans[(size_t)s * ncls + c] = trans[(size_t)fail[s] * ncls + c];
			}
		}
	}
	err = finish(d, &t, trans, ncls, outs);
	for (i = 0; i < t.nodes; i++)
		sc_u32v_done(&outs[i]);
	free(outs);
	free(fail);
	free(queue);
	free(trans);
	trie_done(&t);
	if (err < 0)
		return err;
	d->nclass = merge_classes(&d->delta, d->nstates, d->nclass, d->cls);
	return 0;
}

int sc_dfa_ac(struct sc_dfa_out *d, const struct sc_cg_lit *p, uint32_t n, bool cased,
	      uint16_t *head)
{
	uint32_t max_head;
	int err = -E2BIG;

	/* A failed attempt allocates nothing in d: retry with shorter heads. */
	for (max_head = MAX_HEAD; max_head >= MIN_HEAD && err == -E2BIG; max_head -= 2)
		err = build_ac(d, p, n, cased, head, max_head);
	return err;
}

void sc_dfa_done(struct sc_dfa_out *d)
{
	free(d->delta);
	free(d->out_off);
	sc_u32v_done(&d->out);
	d->delta = NULL;
	d->out_off = NULL;
}
