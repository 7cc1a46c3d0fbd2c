// SPDX-License-Identifier: Apache-2.0
/*
 * The matcher memo (see detect_memo.h): a direct-mapped table of entries
 * and a ring of the values' bytes.
 */
#include "detect_memo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int ag_memo_init(struct ag_memo *m)
{
	const char *off = getenv("SIGMAC_AGENT_NO_MEMO");

	memset(m, 0, sizeof(*m));
	if (off && *off && strcmp(off, "0") != 0)
		return 0;
	m->ent = calloc(AG_MEMO_SLOTS, sizeof(*m->ent));
	m->ring = malloc(AG_MEMO_RING);
	if (!m->ent || !m->ring) {
		ag_memo_done(m);
		return -ENOMEM;
	}
	return 0;
}

void ag_memo_done(struct ag_memo *m)
{
	free(m->ent);
	free(m->ring);
	memset(m, 0, sizeof(*m));
}

void ag_memo_clear(struct ag_memo *m)
{
	if (m->ent)
		memset(m->ent, 0, AG_MEMO_SLOTS * sizeof(*m->ent));
	m->wpos = 0;
}

static inline uint32_t slot_of(uint64_t key)
{
	return (uint32_t)(key >> (64 - AG_MEMO_SLOTS_LOG2));
}

const struct ag_memo_ent *ag_memo_get(const struct ag_memo *m, uint64_t key, uint32_t mi,
				      const char *v, uint32_t lenf)
{
	const struct ag_memo_ent *x = &m->ent[slot_of(key)];
	uint32_t len = lenf & ~(1u << 31);

	if (x->key != key || x->mi != mi || x->len != lenf)
		return NULL;
	/* the bytes are still in the ring, and they are the value's */
	if (m->wpos - x->pos > AG_MEMO_RING ||
	    (len && memcmp(m->ring + x->pos % AG_MEMO_RING, v, len) != 0))
		return NULL;
	return x;
}

void ag_memo_put(struct ag_memo *m, uint64_t key, uint32_t mi, const char *v, uint32_t lenf)
{
	struct ag_memo_ent *x = &m->ent[slot_of(key)];
	uint32_t len = lenf & ~(1u << 31);
	uint64_t at = m->wpos % AG_MEMO_RING;

	m->recording = false;
	if (m->overflow || len > AG_MEMO_MAXLEN)
		return;
	/* a value is kept in one piece: from the ring's start when it would wrap */
	if (at + len > AG_MEMO_RING)
		m->wpos += AG_MEMO_RING - at;
	x->key = key;
	x->pos = m->wpos;
	x->mi = mi;
	x->len = lenf;
	x->nhits = m->ncap;
	memcpy(x->hits, m->cap, m->ncap * sizeof(m->cap[0]));
	if (len)
		memcpy(m->ring + m->wpos % AG_MEMO_RING, v, len);
	m->wpos += len;
}
