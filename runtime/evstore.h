/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pre-parsed event store for benchmarks (evstore.c).
 */
#ifndef AG_EVSTORE_H
#define AG_EVSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

struct ag_evstore {
	struct ag_event *ev;  /* events owning their names, values and slots */
	size_t n, cap;
	uint64_t bytes;	      /* JSONL bytes read */
	uint64_t value_bytes; /* bytes of all field values */
};

/*
 * Read the JSONL files, copy and route every event. Field ids through
 * lookup. Returns 0 or -ENOMEM. Free with ag_evstore_free().
 */
int ag_evstore_load(struct ag_evstore *st, char *const *files, int nfiles, uint32_t nfields,
		    uint32_t (*lookup)(void *ctx, const char *name, size_t len), void *ctx);
void ag_evstore_free(struct ag_evstore *st);

#endif /* AG_EVSTORE_H */
