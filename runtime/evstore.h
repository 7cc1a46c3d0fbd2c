/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pre-parsed event store for benchmarks (evstore.c).
 */
#ifndef AG_EVSTORE_H
#define AG_EVSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

/* One stored event: its fields, aliases and routing (see evstore.c). */
struct ag_stored_event {
	struct ag_kv *kv; /* into the store's kv array; names and values in its text */
	uint32_t nkv;
	uint32_t alias[8][2]; /* (to, from) field ids */
	uint32_t nalias;
	const char *product, *category[4], *service;
	uint8_t ncategory;
	bool ls_static; /* the routing strings are the reader's static ones */
	uint64_t seq;
};

struct ag_evstore {
	struct ag_stored_event *ev;
	size_t n, cap;
	struct ag_kv *kv; /* all events' fields, back to back */
	size_t nkv, capkv;
	char **blocks; /* text blocks (names, values, routing strings) */
	size_t nblocks;
	char *cur; /* free space in the last block */
	size_t left;
	uint64_t bytes;	      /* JSONL bytes read */
	uint64_t value_bytes; /* bytes of all field values */
};

/*
 * Read the JSONL files, route every event and keep it compactly: no slot
 * arrays, so millions of events fit. Field ids through lookup. Returns 0
 * or -ENOMEM. Free with ag_evstore_free().
 */
int ag_evstore_load(struct ag_evstore *st, char *const *files, int nfiles, uint32_t nfields,
		    uint32_t (*lookup)(void *ctx, const char *name, size_t len), void *ctx);
void ag_evstore_free(struct ag_evstore *st);

/*
 * Make ev (initialised for the same nfields, reused from one event to the
 * next as a reader reuses its event) hold stored event i: fields, slots,
 * aliases and routing. The views point into the store.
 */
void ag_evstore_get(const struct ag_evstore *st, size_t i, struct ag_event *ev);

#endif /* AG_EVSTORE_H */
