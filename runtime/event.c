// SPDX-License-Identifier: Apache-2.0
/*
 * The normalised event (include/agent/event.h): field list and slots.
 *
 * Design. An event owns two arrays sized once by ag_event_init(): kv[], the
 * fields in reading order (at most AG_MAX_EVENT_FIELDS), and slot[], one
 * uint16_t per field id of the rule set holding "index into kv + 1" (0 =
 * absent). Nothing is allocated per event. ag_event_reset() must be O(fields
 * of the last event), not O(field ids of the rule set): it walks kv[] and
 * clears the slot of every id it set, then the slots ag_event_alias() set
 * (remembered in ev->alias[]). The names and values themselves belong to the
 * reader that filled the event; this file never copies or frees them.
 *
 * A field id >= nslots (a reader whose lookup knows more fields than the rule
 * set the event was sized for) is stored as AG_FIELD_NONE: the field stays in
 * kv[] but gets no slot, so nothing can index past slot[].
 *
 * A full event keeps taking fields the rule set uses: each takes the place
 * of the last field kept with no id, then of the last one a later copy of
 * the same id shadows (ag_event_displace, two cursors walking down kv[]
 * once per event), so a rule's field cannot be pushed out by fields no
 * rule names, or by copies of one, placed before it.
 *
 * Not here: routing (route.c), readers (jsonl.c, evtx.c).
 */
#include "event.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* slot[] holds kv index + 1 in a uint16_t. */
_Static_assert(AG_MAX_EVENT_FIELDS < UINT16_MAX, "slot[] entries are uint16_t");

/*
 * Size the arrays for nfields field ids (ids 0 .. nfields - 1; id 0 is
 * AG_FIELD_NONE and never gets a slot). The event is zeroed first. Returns 0
 * or -ENOMEM (the event is then left empty and ag_event_done() is safe).
 */
int ag_event_init(struct ag_event *ev, uint32_t nfields)
{
	memset(ev, 0, sizeof(*ev));
	ev->kv = calloc(AG_MAX_EVENT_FIELDS, sizeof(*ev->kv));
	if (!ev->kv)
		goto err;
	/* One more than needed so that nfields == 0 still allocates. */
	ev->slot = calloc((size_t)nfields + 1, sizeof(*ev->slot));
	if (!ev->slot)
		goto err_free_kv;
	ev->nslots = nfields;
	ev->spare = AG_MAX_EVENT_FIELDS;
	ev->shadow = AG_MAX_EVENT_FIELDS;
	return 0;

err_free_kv:
	free(ev->kv);
	ev->kv = NULL;
err:
	return -ENOMEM;
}

/* Free the arrays of ev (not ev itself); safe on a zeroed or failed event. */
void ag_event_done(struct ag_event *ev)
{
	free(ev->kv);
	free(ev->slot);
	memset(ev, 0, sizeof(*ev));
}

/* Whether kv[i] has an id whose slot, and every alias, points elsewhere (a later copy). */
static bool shadowed(const struct ag_event *ev, uint32_t i)
{
	uint32_t id = ev->kv[i].id, k;

	if (id == AG_FIELD_NONE || ev->slot[id] == i + 1)
		return false;
	for (k = 0; k < ev->nalias; k++)
		if (ev->slot[ev->alias[k]] == i + 1)
			return false;
	return true;
}

int ag_event_displace(struct ag_event *ev, const char *name, uint32_t name_len, const char *val,
		      uint32_t val_len, uint32_t flags, uint32_t id)
{
	uint32_t i;

	/* the last field with no id: no slot or alias points to it */
	while (ev->spare > 0 && ev->kv[ev->spare - 1].id != AG_FIELD_NONE)
		ev->spare--;
	if (ev->spare) {
		i = --ev->spare;
	} else {
		/* then the last one a later copy shadows */
		while (ev->shadow > 0 && !shadowed(ev, ev->shadow - 1))
			ev->shadow--;
		if (!ev->shadow)
			return -E2BIG;
		i = --ev->shadow;
	}
	ag_event_put(ev, i, name, name_len, val, val_len, flags, id);
	return 0;
}

/*
 * Forget the last event: clear the slots its fields and aliases set, the
 * field list, the routing attributes and the time. seq is left for the
 * reader to set.
 */
void ag_event_reset(struct ag_event *ev)
{
	uint32_t i;

	for (i = 0; i < ev->nkv; i++) {
		uint32_t id = ev->kv[i].id;

		if (id != AG_FIELD_NONE)
			ev->slot[id] = 0;
	}
	for (i = 0; i < ev->nalias; i++)
		ev->slot[ev->alias[i]] = 0;
	ev->nkv = 0;
	ev->dropped = 0;
	ev->spare = AG_MAX_EVENT_FIELDS;
	ev->shadow = AG_MAX_EVENT_FIELDS;
	ev->nalias = 0;
	ev->product = NULL;
	ev->service = NULL;
	ev->ls_static = false;
	memset(ev->category, 0, sizeof(ev->category));
	ev->ncategory = 0;
	ev->ts_ns = 0;
	ev->raw = NULL;
	ev->raw_len = 0;
}

/*
 * Make field id `to` read the value of field `from` (a field mapping such as
 * Image <- NewProcessName for Security 4688). Nothing happens when `from` is
 * absent, when either id is out of range or AG_FIELD_NONE, or when all
 * ev->alias[] entries are in use. The slot is cleared by ag_event_reset().
 */
void ag_event_alias(struct ag_event *ev, uint32_t to, uint32_t from)
{
	const size_t max = sizeof(ev->alias) / sizeof(ev->alias[0]);

	if (to == AG_FIELD_NONE || from == AG_FIELD_NONE || to >= ev->nslots ||
	    from >= ev->nslots || to == from)
		return;
	if (!ev->slot[from] || ev->nalias >= max)
		return;
	ev->slot[to] = ev->slot[from];
	ev->alias[ev->nalias++] = to;
}
