/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal interface of the EVTX reader (evtx.h), shared by its files:
 *   evtx.c      files, records, rendering, ag_evtx_next();
 *   evtx_map.c  the rendered XML of a record mapped to fields.
 * Nothing here is for use outside those files.
 */
#ifndef AG_EVTX_INT_H
#define AG_EVTX_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libevtx.h>

#include "evtx.h"

/* Entries per record before fields are dropped (unnamed Data pieces count). */
#define ENT_MAX (2 * AG_MAX_EVENT_FIELDS)

enum ent_flags {
	ENT_DATA = 1u << 0,    /* an EventData/UserData value (hex normalised) */
	ENT_UNNAMED = 1u << 1, /* a piece of the unnamed Data text */
	ENT_NUMBER = 1u << 2,  /* AG_V_NUMBER */
};

/* One field of the record being built. */
struct ent {
	const char *name;
	char *val; /* in xml[] (not yet NUL-terminated) or in scratch[] */
	uint32_t name_len;
	uint32_t val_len;
	uint32_t flags; /* enum ent_flags */
};

/* The System values, by JSONL key order. */
enum sys_key {
	SYS_EVENTID,
	SYS_CHANNEL,
	SYS_PROVIDER,
	SYS_PROVIDER_NAME,
	SYS_TIMECREATED,
	SYS_COMPUTER,
	SYS_EVENTRECORDID,
	SYS_LEVEL,
	SYS_TASK,
	SYS_OPCODE,
	SYS_KEYWORDS,
	SYS_VERSION,
	SYS_EXEC_PID,
	SYS_EXEC_TID,
	SYS_USERID,
	_SYS_MAX,
};

struct ag_evtx {
	libevtx_file_t *file;
	uint32_t (*lookup)(void *ctx, const char *name, size_t len);
	void *ctx;
	int nrec;	 /* allocated records */
	int nrecov;	 /* recovered records */
	int next;	 /* next position: [0, nrec) allocated, then recovered */
	bool recovered;	 /* return recovered records */
	uint64_t *ids;	 /* identifiers of the allocated records read (owned) */
	size_t nids;	 /* used entries of ids[] */
	size_t ids_cap;	 /* entries allocated */
	bool ids_sorted; /* ids[] sorted for the recovered pass */

	char *xml;	  /* XML of the current record (owned) */
	size_t xml_cap;	  /* bytes allocated */
	char *scratch;	  /* System_ names, joined Data (owned) */
	size_t sc_cap;	  /* bytes allocated */
	size_t sc_used;	  /* bytes used for the current record */
	struct ent *leaves; /* EventData/UserData values in document order (owned) */
	uint32_t nleaves;
	struct ent *ents; /* the fields, collisions resolved (owned) */
	uint32_t nents;
	uint32_t dropped; /* entries beyond ENT_MAX in this record */
	struct {
		char *s;
		uint32_t n;
		bool set;
	} sys[_SYS_MAX];

	struct ag_evtx_stats st;
};

/* Parse the XML of one record into x->sys and x->ents. Returns 0 or -EBADMSG. */
int ag_evtx_parse_xml(struct ag_evtx *x, char *p);

/* The record's fields into ev (see evtx_map.c). */
void ag_evtx_fill(struct ag_evtx *x, struct ag_event *ev);

#endif /* AG_EVTX_INT_H */
