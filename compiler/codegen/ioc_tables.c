// SPDX-License-Identifier: Apache-2.0
/*
 * IOC tables (see ioc_tables.h). Per kind, the entries are sorted by key
 * (input order among equal keys) to drop duplicates, then laid out:
 *
 *  - hash, address and domain sets: keys ordered by (source, key), so that
 *    one run table gives every key its source; the perfect hash is
 *    phash.c's (the agent repeats its function). A SHA256 costs 32 bytes
 *    of key, 5 of slots and 1 of displacement: 38 bytes; a domain its
 *    length plus 10.
 *  - networks: sorted by (network, prefix); each entry's parent is the
 *    nearest enclosing network, found with a stack (networks either nest
 *    or are disjoint), so a lookup is one binary search plus a walk up a
 *    chain no longer than the nesting depth.
 *  - paths: the globs in key order, in one pool.
 *
 * Everything is ordered by key bytes or input order: the output depends
 * on nothing else (reproducible).
 */
#include "ioc_tables.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ctx.h"
#include "diag.h"
#include "ioc_feed.h"

/* qsort has no context argument: the entries being sorted. */
static const struct sc_ioc_ent *g_ent;

static int key_cmp(const struct sc_ioc_ent *a, const struct sc_ioc_ent *b)
{
	uint32_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->key, b->key, n);

	if (c)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return a->prefix < b->prefix ? -1 : a->prefix > b->prefix;
}

/* By key, then input order (the first of equal keys is kept). */
static int by_key(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	int c = key_cmp(&g_ent[a], &g_ent[b]);

	if (c)
		return c;
	return a < b ? -1 : a > b;
}

/* By source, then key. */
static int by_src(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	if (g_ent[a].src != g_ent[b].src)
		return g_ent[a].src < g_ent[b].src ? -1 : 1;
	return key_cmp(&g_ent[a], &g_ent[b]);
}

/*
 * The entries of kind k (or k2), sorted by key, duplicates reported and
 * removed. Returns a heap array; *ret_n entries.
 */
static uint32_t *collect(struct sc_ctx *ctx, enum sc_ioc_kind k, uint32_t *ret_n)
{
	const struct sc_ioc *ioc = ctx->ioc;
	uint32_t *idx, n = 0, i, m;

	idx = sc_xreallocarray(NULL, ioc->n ? ioc->n : 1, sizeof(*idx));
	for (i = 0; i < ioc->n; i++)
		if (ioc->ent[i].kind == k)
			idx[n++] = i;
	g_ent = ioc->ent;
	qsort(idx, n, sizeof(*idx), by_key);
	for (i = 0, m = 0; i < n; i++) {
		const struct sc_ioc_ent *e = &ioc->ent[idx[i]];

		if (m && key_cmp(&ioc->ent[idx[m - 1]], e) == 0) {
			const struct sc_ioc_ent *first = &ioc->ent[idx[m - 1]];

			sc_diag(&ctx->diags, SC_W_IOC_DUPLICATE, ioc->paths[ioc->src[e->src].feed],
				(struct sc_pos){e->line, e->col},
				"indicator already listed at %s:%u",
				ioc->feeds[ioc->src[first->src].feed], first->line);
			continue;
		}
		idx[m++] = idx[i];
	}
	*ret_n = m;
	return idx;
}

static int build_set(struct sc_ctx *ctx, enum sc_ioc_kind k, uint32_t width,
		     struct sc_ioc_set_out *o)
{
	const struct sc_ioc *ioc = ctx->ioc;
	uint32_t n, i, *len = NULL;
	uint32_t *idx = collect(ctx, k, &n);
	const uint8_t **key = NULL;
	size_t off = 0;
	int err = 0;

	memset(o, 0, sizeof(*o));
	o->width = width;
	o->nkeys = n;
	if (!n)
		goto out;
	qsort(idx, n, sizeof(*idx), by_src);
	key = sc_xreallocarray(NULL, n, sizeof(*key));
	len = sc_xreallocarray(NULL, n, sizeof(*len));
	for (i = 0; i < n; i++) {
		key[i] = ioc->ent[idx[i]].key;
		len[i] = ioc->ent[idx[i]].len;
		off += len[i];
	}
	o->keys = sc_xmalloc(off ? off : 1);
	o->keys_len = off;
	if (!width)
		o->off = sc_xreallocarray(NULL, n + 1, sizeof(*o->off));
	o->run_end = sc_xreallocarray(NULL, n, sizeof(*o->run_end));
	o->run_src = sc_xreallocarray(NULL, n, sizeof(*o->run_src));
	for (i = 0, off = 0; i < n; i++) {
		uint32_t src = ioc->ent[idx[i]].src;

		if (!width)
			o->off[i] = (uint32_t)off;
		memcpy(o->keys + off, key[i], len[i]);
		off += len[i];
		if (o->nruns && o->run_src[o->nruns - 1] == src) {
			o->run_end[o->nruns - 1] = i + 1;
		} else {
			o->run_src[o->nruns] = src;
			o->run_end[o->nruns++] = i + 1;
		}
	}
	if (!width)
		o->off[n] = (uint32_t)off;
	err = sc_phash_build(&o->ph, key, len, n);
out:
	free(key);
	free(len);
	free(idx);
	return err;
}

/* True when network a/pa contains b (pa <= pb and the first pa bits agree). */
static bool net_contains(const uint8_t *a, unsigned pa, const uint8_t *b, unsigned pb)
{
	unsigned full = pa / 8, rest = pa % 8;

	if (pa > pb || memcmp(a, b, full) != 0)
		return false;
	return !rest || ((a[full] ^ b[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

static void build_cidrs(struct sc_ctx *ctx, enum sc_ioc_kind k, uint32_t width,
			struct sc_ioc_cidr_out *o)
{
	const struct sc_ioc *ioc = ctx->ioc;
	uint32_t n, i, *stack, depth = 0;
	uint32_t *idx = collect(ctx, k, &n);

	memset(o, 0, sizeof(*o));
	o->width = width;
	o->n = n;
	o->net = sc_xmalloc((size_t)n * width + 1);
	o->prefix = sc_xmalloc(n + 1);
	o->parent = sc_xreallocarray(NULL, n + 1, sizeof(*o->parent));
	o->src = sc_xreallocarray(NULL, n + 1, sizeof(*o->src));
	stack = sc_xreallocarray(NULL, n + 1, sizeof(*stack));
	for (i = 0; i < n; i++) {
		const struct sc_ioc_ent *e = &ioc->ent[idx[i]];

		memcpy(o->net + (size_t)i * width, e->key, width);
		o->prefix[i] = e->prefix;
		o->src[i] = e->src;
		while (depth && !net_contains(o->net + (size_t)stack[depth - 1] * width,
					      o->prefix[stack[depth - 1]], e->key, e->prefix))
			depth--;
		o->parent[i] = depth ? stack[depth - 1] : UINT32_MAX;
		stack[depth++] = i;
	}
	free(stack);
	free(idx);
}

static void build_paths(struct sc_ctx *ctx, struct sc_ioc_paths_out *o)
{
	const struct sc_ioc *ioc = ctx->ioc;
	uint32_t n, i;
	uint32_t *idx = collect(ctx, SC_IOC_PATH, &n);
	size_t off = 0;

	memset(o, 0, sizeof(*o));
	o->n = n;
	for (i = 0; i < n; i++)
		off += ioc->ent[idx[i]].len;
	o->pool = sc_xmalloc(off + 1);
	o->pool_len = off;
	o->off = sc_xreallocarray(NULL, n + 1, sizeof(*o->off));
	o->src = sc_xreallocarray(NULL, n + 1, sizeof(*o->src));
	for (i = 0, off = 0; i < n; i++) {
		const struct sc_ioc_ent *e = &ioc->ent[idx[i]];

		o->off[i] = (uint32_t)off;
		o->src[i] = e->src;
		memcpy(o->pool + off, e->key, e->len);
		off += e->len;
	}
	o->off[n] = (uint32_t)off;
	free(idx);
}

static const struct {
	enum sc_ioc_kind kind;
	uint32_t width;
} set_kinds[_SGR_IOC_SET_MAX] = {
	[SGR_IOC_MD5] = {SC_IOC_MD5, 16},
	[SGR_IOC_SHA1] = {SC_IOC_SHA1, 20},
	[SGR_IOC_SHA256] = {SC_IOC_SHA256, 32},
	[SGR_IOC_IP4] = {SC_IOC_IP4, 4},
	[SGR_IOC_IP6] = {SC_IOC_IP6, 16},
	[SGR_IOC_DOMAIN] = {SC_IOC_DOMAIN, 0},
	[SGR_IOC_SUBDOMAIN] = {SC_IOC_SUBDOMAIN, 0},
};

int sc_ioc_tables_build(struct sc_ctx *ctx, struct sc_ioc_tables *t)
{
	const struct sc_ioc *ioc = ctx->ioc;
	struct sc_ioc empty;
	uint32_t i;
	int err;

	memset(t, 0, sizeof(*t));
	if (!ioc) {
		memset(&empty, 0, sizeof(empty));
		ctx->ioc = &empty;
	}
	for (i = 0; i < _SGR_IOC_SET_MAX; i++) {
		err = build_set(ctx, set_kinds[i].kind, set_kinds[i].width, &t->sets[i]);
		if (err < 0)
			goto out;
		t->n += t->sets[i].nkeys;
	}
	build_cidrs(ctx, SC_IOC_CIDR4, 4, &t->cidr[0]);
	build_cidrs(ctx, SC_IOC_CIDR6, 16, &t->cidr[1]);
	build_paths(ctx, &t->paths);
	t->n += t->cidr[0].n + t->cidr[1].n + t->paths.n;
	t->nsrcs = ctx->ioc->nsrc;
	t->srcs = sc_xreallocarray(NULL, t->nsrcs + 1, sizeof(*t->srcs));
	for (i = 0; i < t->nsrcs; i++)
		t->comments_len += strlen(ctx->ioc->src[i].comment) + 1;
	t->comments = sc_xmalloc(t->comments_len + 1);
	t->comments_len = 0;
	for (i = 0; i < t->nsrcs; i++) {
		size_t l = strlen(ctx->ioc->src[i].comment);

		t->srcs[i].feed = ctx->ioc->src[i].feed;
		t->srcs[i].comment = (uint32_t)t->comments_len;
		memcpy(t->comments + t->comments_len, ctx->ioc->src[i].comment, l + 1);
		t->comments_len += l + 1;
	}
	err = 0;
out:
	if (!ioc)
		ctx->ioc = NULL;
	return err;
}

void sc_ioc_tables_done(struct sc_ioc_tables *t)
{
	uint32_t i;

	for (i = 0; i < _SGR_IOC_SET_MAX; i++) {
		sc_phash_done(&t->sets[i].ph);
		free(t->sets[i].keys);
		free(t->sets[i].off);
		free(t->sets[i].run_end);
		free(t->sets[i].run_src);
	}
	for (i = 0; i < 2; i++) {
		free(t->cidr[i].net);
		free(t->cidr[i].prefix);
		free(t->cidr[i].parent);
		free(t->cidr[i].src);
	}
	free(t->paths.pool);
	free(t->paths.off);
	free(t->paths.src);
	free(t->srcs);
	free(t->comments);
	memset(t, 0, sizeof(*t));
}

void sc_ioc_tables_view(const struct sc_ctx *ctx, const struct sc_ioc_tables *t,
			struct sc_intel_view *v)
{
	uint32_t i;

	memset(v, 0, sizeof(*v));
	v->intel.abi_version = SGR_ABI_VERSION;
	for (i = 0; i < _SGR_IOC_SET_MAX; i++) {
		const struct sc_ioc_set_out *o = &t->sets[i];

		if (!o->nkeys)
			continue;
		v->sets[i] =
			(struct sgr_ioc_set){o->ph.seed,  o->ph.nbuckets, o->ph.nslots, o->ph.disp,
					     o->ph.slots, o->keys,	  o->off,	o->run_end,
					     o->run_src,  o->width,	  o->nkeys,	o->nruns};
		v->intel.sets[i] = &v->sets[i];
	}
	for (i = 0; i < 2; i++) {
		const struct sc_ioc_cidr_out *o = &t->cidr[i];

		v->cidr[i] = (struct sgr_ioc_cidrs){o->net, o->prefix, o->parent,
						    o->src, o->width,  o->n};
	}
	v->intel.cidr4 = t->cidr[0].n ? &v->cidr[0] : NULL;
	v->intel.cidr6 = t->cidr[1].n ? &v->cidr[1] : NULL;
	v->paths = (struct sgr_ioc_paths){t->paths.pool, t->paths.off, t->paths.src, t->paths.n};
	v->intel.paths = t->paths.n ? &v->paths : NULL;
	for (i = 0; ctx->ioc && i < ctx->ioc->nfeeds && i < 64; i++)
		v->feeds[i] = ctx->ioc->feeds[i];
	v->intel.feeds = v->feeds;
	v->intel.nfeeds = ctx->ioc ? (ctx->ioc->nfeeds < 64 ? ctx->ioc->nfeeds : 64) : 0;
	v->intel.nsrcs = t->nsrcs;
	v->intel.srcs = t->srcs;
	v->intel.comments = t->comments;
	v->intel.nindicators = t->n;
}
