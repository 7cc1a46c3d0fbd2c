/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The normalised event (ARCHITECTURE.md section 3). A reader (JSONL, EVTX)
 * or a collector fills one struct ag_event per event: every field as a
 * (name, value) view into the reader's own buffer, in the order read, and
 * for fields the rule set knows, a slot indexed by field id. Values are
 * UTF-8 text, not NUL-terminated; JSON numbers, booleans and nulls keep
 * their text with a flag. Routing attributes (product, category, service)
 * are pointers to static strings; the detection engine routes on them.
 *
 * No allocation per event: the arrays are sized once (ag_event_init) and
 * reused; ag_event_reset() clears only what the last event set.
 */
#ifndef AG_EVENT_H
#define AG_EVENT_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "taxonomy.h"

/*
 * Fields kept per event; more are counted (ag_event.dropped) and ignored,
 * except that a field the rule set uses takes the place of one it does not
 * (ag_event_add).
 */
#ifndef AG_MAX_EVENT_FIELDS
#define AG_MAX_EVENT_FIELDS 512
#endif

enum ag_value_flags {
	AG_V_NULL = 1u << 0,	 /* JSON null (text "null"); "Field: null" matches it */
	AG_V_NUMBER = 1u << 1,	 /* a JSON number; text as written */
	AG_V_BOOL = 1u << 2,	 /* JSON true/false; text "true"/"false" */
	AG_V_NONASCII = 1u << 3, /* the text has bytes >= 0x80 */
	AG_V_COMPOUND = 1u << 4, /* a JSON array or object, kept as its JSON text */
	AG_V_META = 1u << 5,	 /* routing data, not log content: a logsource.* key (route.c) */
};

/* Values a keyword (field-less) search skips. */
#define AG_V_NOKEYWORD (AG_V_NULL | AG_V_META)

/* One field of an event. */
struct ag_kv {
	const char *name;  /* field name (reader's buffer) */
	const char *val;   /* value text (reader's buffer) */
	uint32_t name_len; /* bytes */
	uint32_t val_len;  /* bytes */
	uint32_t flags;	   /* AG_V_* */
	uint32_t id;	   /* field id in the rule set, AG_FIELD_NONE if unknown */
};

struct ag_event {
	/*
	 * Routing: static strings (or NULL when not known); ag_route_generic()
	 * may point into the event's buffer (NUL-terminated, valid until reset).
	 */
	const char *product;	 /* "windows", "linux", ... */
	const char *category[4]; /* "process_creation", ...: an event may be in several
				  * (Sysmon 13 is registry_set and registry_event) */
	uint8_t ncategory;	 /* entries used in category[] */
	const char *service;	 /* "security", "sysmon", ... */
	/*
	 * True when product, category[] and service all point to strings that
	 * live as long as the program and never change (set by the routers,
	 * cleared by reset): the engine may then recognise a logsource seen
	 * just before by its pointers alone.
	 */
	bool ls_static;
	uint64_t ts_ns;	 /* event time, ns since the epoch (0 if unknown) */
	const char *raw; /* raw message for keyword searches, or NULL */
	uint32_t raw_len;

	struct ag_kv *kv; /* fields in reading order (see ag_event_add for a full event) */
	uint32_t nkv;
	uint32_t dropped; /* fields beyond AG_MAX_EVENT_FIELDS */
	uint32_t spare;	  /* once full: kv[0 .. spare) may hold a field with no id */
	uint32_t shadow;  /* then: kv[0 .. shadow) may hold a field a later one shadows */

	uint16_t *slot;	   /* by field id: index into kv + 1, 0 = absent */
	uint32_t nslots;   /* field ids known to the rule set */
	uint32_t alias[8]; /* slots set by ag_event_alias (cleared on reset) */
	uint32_t nalias;
	uint64_t seq; /* position of the event in its input (1-based) */
};

/*
 * Size the arrays for a rule set with nfields field ids. Returns 0 or
 * -ENOMEM. ag_event_done() frees them.
 */
int ag_event_init(struct ag_event *ev, uint32_t nfields);
void ag_event_done(struct ag_event *ev);

/* Forget the last event (clears only the slots it set). */
void ag_event_reset(struct ag_event *ev);

/* Fill kv[i] with a field, and point the slot of its id (if any) at it. */
static inline void ag_event_put(struct ag_event *ev, uint32_t i, const char *name,
				uint32_t name_len, const char *val, uint32_t val_len, uint32_t flags,
				uint32_t id)
{
	struct ag_kv *kv = &ev->kv[i];

	kv->name = name;
	kv->name_len = name_len;
	kv->val = val;
	kv->val_len = val_len;
	kv->flags = flags;
	kv->id = id;
	if (id != AG_FIELD_NONE)
		ev->slot[id] = (uint16_t)(i + 1);
}

/*
 * The event is full and a field with an id comes (or one with none that
 * routing reads, see ag_event_add_routing): see ag_event_add. Returns 0,
 * or -E2BIG when no field kept can make room.
 */
int ag_event_displace(struct ag_event *ev, const char *name, uint32_t name_len, const char *val,
		      uint32_t val_len, uint32_t flags, uint32_t id);

/*
 * Add a field; name and val must stay valid until ag_event_reset(). id is
 * the field id (AG_FIELD_NONE for fields the rule set does not use). A later
 * field with the same id replaces the earlier one in the slot. Returns 0,
 * or -E2BIG when the event is full. A field dropped is counted in
 * ev->dropped; when the event is full, a field with an id takes the place
 * of the last field kept with none, else of the last field kept that a
 * later one of the same id shadows (which is the one dropped), so that
 * padding an event with fields no rule names, or with copies of one, cannot
 * push out one a rule tests.
 */
static inline int ag_event_add(struct ag_event *ev, const char *name, uint32_t name_len,
			       const char *val, uint32_t val_len, uint32_t flags, uint32_t id)
{
	if (id >= ev->nslots)
		id = AG_FIELD_NONE;
	if (ev->nkv >= AG_MAX_EVENT_FIELDS) {
		ev->dropped++;
		if (id == AG_FIELD_NONE)
			return -E2BIG;
		return ag_event_displace(ev, name, name_len, val, val_len, flags, id);
	}
	ag_event_put(ev, ev->nkv++, name, name_len, val, val_len, flags, id);
	return 0;
}

/*
 * ag_event_add() for a field with no id that routing still reads by name
 * (a generic event's logsource.* keys): when the event is full it takes a
 * place as a field with an id would.
 */
static inline int ag_event_add_routing(struct ag_event *ev, const char *name, uint32_t name_len,
				       const char *val, uint32_t val_len, uint32_t flags)
{
	if (ev->nkv < AG_MAX_EVENT_FIELDS)
		return ag_event_add(ev, name, name_len, val, val_len, flags, AG_FIELD_NONE);
	ev->dropped++;
	return ag_event_displace(ev, name, name_len, val, val_len, flags, AG_FIELD_NONE);
}

/* The field with id, or NULL when absent. */
static inline const struct ag_kv *ag_event_get(const struct ag_event *ev, uint32_t id)
{
	uint16_t s;

	if (id >= ev->nslots)
		return NULL;
	s = ev->slot[id];
	return s ? &ev->kv[s - 1] : NULL;
}

/* Point field id `to` at the value of field `from` (field aliases, e.g. 4688). */
void ag_event_alias(struct ag_event *ev, uint32_t to, uint32_t from);

#endif /* AG_EVENT_H */
