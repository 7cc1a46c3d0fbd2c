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

static char *dup_bytes(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* A deep copy of ev that owns its memory (re-routed after the copy). */
static int keep(struct ag_evstore *st, const struct ag_event *ev, uint32_t nfields,
		const struct ag_route_fields *rf)
{
	struct ag_event *c;
	uint32_t i;

	if (st->n == st->cap) {
		size_t cap = st->cap ? 2 * st->cap : 4096;
		struct ag_event *v = realloc(st->ev, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		st->ev = v;
		st->cap = cap;
	}
	c = &st->ev[st->n];
	if (ag_event_init(c, nfields) < 0)
		return -ENOMEM;
	st->n++;
	for (i = 0; i < ev->nkv; i++) {
		const struct ag_kv *kv = &ev->kv[i];
		char *name = dup_bytes(kv->name, kv->name_len), *val = dup_bytes(kv->val, kv->val_len);

		if (!name || !val) {
			free(name);
			free(val);
			return -ENOMEM;
		}
		ag_event_add(c, name, kv->name_len, val, kv->val_len, kv->flags, kv->id);
		st->value_bytes += kv->val_len;
	}
	c->seq = ev->seq;
	if (ag_event_get(c, AG_FIELD_CHANNEL))
		ag_route_windows_fields(c, rf);
	else
		ag_route_generic(c);
	return 0;
}

void ag_evstore_free(struct ag_evstore *st)
{
	size_t e;
	uint32_t i;

	for (e = 0; e < st->n; e++) {
		for (i = 0; i < st->ev[e].nkv; i++) {
			free((char *)st->ev[e].kv[i].name);
			free((char *)st->ev[e].kv[i].val);
		}
		ag_event_done(&st->ev[e]);
	}
	free(st->ev);
	memset(st, 0, sizeof(*st));
}

int ag_evstore_load(struct ag_evstore *st, char *const *files, int nfiles, uint32_t nfields,
		    uint32_t (*lookup)(void *ctx, const char *name, size_t len), void *ctx)
{
	struct ag_route_fields rf;
	struct ag_event ev;
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
			while (r == 0 && ag_jsonl_next(j, &ev) == 0)
				r = keep(st, &ev, nfields, &rf);
			ag_jsonl_stats(j, &js);
			st->bytes += js.bytes;
			ag_jsonl_close(j);
		}
		fclose(f);
	}
	ag_event_done(&ev);
	return r;
}
