// SPDX-License-Identifier: Apache-2.0
/*
 * Pre-parsed event store: JSONL inputs read, copied and routed once into
 * memory, so that benchmarks time detection alone (sigmac-agent's
 * --bench-detect and the reference interpreter's --bench use the same
 * store, so they measure the same events). Not used on the agent's normal
 * paths.
 */
#include "evstore.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"
#include "route.h"

#define BLOCK (1u << 20)

/* n bytes (plus a NUL) of stable text storage; NULL when out of memory. */
static char *text(struct ag_evstore *st, const char *src, size_t n)
{
	char *p;

	if (n + 1 > st->left) {
		size_t sz = n + 1 > BLOCK ? n + 1 : BLOCK;
		char **nb = realloc(st->blocks, (st->nblocks + 1) * sizeof(*nb));

		if (!nb)
			return NULL;
		st->blocks = nb;
		st->blocks[st->nblocks] = malloc(sz);
		if (!st->blocks[st->nblocks])
			return NULL;
		st->cur = st->blocks[st->nblocks++];
		st->left = sz;
	}
	p = st->cur;
	memcpy(p, src, n);
	p[n] = '\0';
	st->cur += n + 1;
	st->left -= n + 1;
	return p;
}

static const char *text_cstr(struct ag_evstore *st, const char *s)
{
	return s ? text(st, s, strlen(s)) : NULL;
}

/* Keep a routed event (its views are copied into the store). */
static int keep(struct ag_evstore *st, const struct ag_event *ev)
{
	struct ag_stored_event *c;
	uint32_t i;

	if (st->n == st->cap) {
		size_t cap = st->cap ? 2 * st->cap : 4096;
		struct ag_stored_event *v = realloc(st->ev, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		st->ev = v;
		st->cap = cap;
	}
	if (st->nkv + ev->nkv > st->capkv) {
		size_t cap = st->capkv ? 2 * st->capkv : 65536;
		struct ag_kv *v;

		while (cap < st->nkv + ev->nkv)
			cap *= 2;
		v = realloc(st->kv, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		st->kv = v;
		st->capkv = cap;
	}
	c = &st->ev[st->n];
	memset(c, 0, sizeof(*c));
	c->nkv = ev->nkv;
	for (i = 0; i < ev->nkv; i++) {
		struct ag_kv kv = ev->kv[i];

		kv.name = text(st, kv.name, kv.name_len);
		kv.val = text(st, kv.val, kv.val_len);
		if (!kv.name || !kv.val)
			return -ENOMEM;
		st->kv[st->nkv + i] = kv;
		st->value_bytes += kv.val_len;
	}
	for (i = 0; i < ev->nalias && i < 8; i++) {
		uint32_t to = ev->alias[i];

		c->alias[i][0] = to;
		c->alias[i][1] = ev->slot[to] ? ev->kv[ev->slot[to] - 1].id : AG_FIELD_NONE;
	}
	c->nalias = i;
	/* static routing strings outlive the store: kept as they are, as a reader gives them */
	c->ls_static = ev->ls_static;
	c->product = c->ls_static ? ev->product : text_cstr(st, ev->product);
	c->service = c->ls_static ? ev->service : text_cstr(st, ev->service);
	c->ncategory = ev->ncategory;
	for (i = 0; i < ev->ncategory; i++)
		c->category[i] = c->ls_static ? ev->category[i] : text_cstr(st, ev->category[i]);
	c->seq = ev->seq;
	/* kv pointers are fixed up at the end (the array may move) */
	c->kv = (struct ag_kv *)(uintptr_t)st->nkv;
	st->nkv += ev->nkv;
	st->n++;
	return 0;
}

void ag_evstore_get(const struct ag_evstore *st, size_t i, struct ag_event *ev)
{
	const struct ag_stored_event *c = &st->ev[i];
	uint32_t k;

	ag_event_reset(ev);
	for (k = 0; k < c->nkv; k++)
		ag_event_add(ev, c->kv[k].name, c->kv[k].name_len, c->kv[k].val, c->kv[k].val_len,
			     c->kv[k].flags, c->kv[k].id);
	for (k = 0; k < c->nalias; k++)
		ag_event_alias(ev, c->alias[k][0], c->alias[k][1]);
	ev->product = c->product;
	ev->service = c->service;
	ev->ls_static = c->ls_static;
	ev->ncategory = c->ncategory;
	for (k = 0; k < c->ncategory; k++)
		ev->category[k] = c->category[k];
	ev->seq = c->seq;
}

void ag_evstore_free(struct ag_evstore *st)
{
	size_t i;

	for (i = 0; i < st->nblocks; i++)
		free(st->blocks[i]);
	free(st->blocks);
	free(st->kv);
	free(st->ev);
	memset(st, 0, sizeof(*st));
}

int ag_evstore_load(struct ag_evstore *st, char *const *files, int nfiles, uint32_t nfields,
		    uint32_t (*lookup)(void *ctx, const char *name, size_t len), void *ctx)
{
	struct ag_route_fields rf;
	struct ag_event ev;
	size_t e;
	int i, r = 0;

	ag_route_fields_init(&rf, lookup, ctx);
	if (ag_event_init(&ev, nfields) < 0)
		return -ENOMEM;
	for (i = 0; i < nfiles && r == 0; i++) {
		struct ag_jsonl_stats js;
		struct ag_jsonl *j;
		FILE *f = fopen(files[i], "rb");

		if (!f) {
			fprintf(stderr, "%s: %s\n", files[i], strerror(errno));
			continue;
		}
		r = ag_jsonl_open_file(&j, f, NULL, lookup, ctx);
		if (r == 0) {
			while (r == 0 && ag_jsonl_next(j, &ev) == 0) {
				if (ag_event_get(&ev, AG_FIELD_CHANNEL))
					ag_route_windows_fields(&ev, &rf);
				else
					ag_route_generic(&ev);
				r = keep(st, &ev);
			}
			ag_jsonl_stats(j, &js);
			st->bytes += js.bytes;
			ag_jsonl_close(j);
		}
		fclose(f);
	}
	ag_event_done(&ev);
	for (e = 0; e < st->n; e++)
		st->ev[e].kv = st->kv + (uintptr_t)st->ev[e].kv;
	return r;
}
