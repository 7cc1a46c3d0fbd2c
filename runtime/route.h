/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Routing of replayed events to Sigma logsources: sets ev->product,
 * ev->service and ev->category[] (static strings), applies the field
 * mappings Sigma's taxonomy defines for some classes (Security 4688:
 * Image <- NewProcessName, ParentImage <- ParentProcessName; Defender:
 * Signature <- ThreatName, Filename <- Path), and sets ev->ts_ns from
 * TimeCreated when it is still 0.
 *
 * Windows events route on Channel (compared case-insensitively) and
 * EventID, as SigmaHQ's regression runner maps them: every Sysmon EventID
 * to its category (12/13/14 also registry_event; 12 registry_add or
 * registry_delete by EventType), Security 4688 process_creation, PowerShell
 * 4103/4104, Windows PowerShell 400/600/800, Defender antivirus events.
 * Sysmon for Linux ("Linux-Sysmon/Operational") routes to product linux.
 *
 * Fields are found by their core field id (taxonomy.h) and, when the event
 * has no slot for it (a reader without a lookup), by name.
 *
 * Not here: matching rules to classes (the detection engine).
 */
#ifndef AG_RUNTIME_ROUTE_H
#define AG_RUNTIME_ROUTE_H

#include <stddef.h>
#include <stdint.h>

struct ag_event;

/* Field ids, in the rule set, of mapping targets outside the core taxonomy. */
struct ag_route_fields {
	uint32_t signature; /* "Signature" (Defender ThreatName), AG_FIELD_NONE if unused */
	uint32_t filename;  /* "Filename" (Defender Path), AG_FIELD_NONE if unused */
};

/* Resolve rf through the readers' lookup callback (NULL: all AG_FIELD_NONE). */
void ag_route_fields_init(struct ag_route_fields *rf,
			  uint32_t (*lookup)(void *ctx, const char *name, size_t len), void *ctx);

/*
 * Route a Windows event (one with a Channel; without one only product is
 * set). rf may be NULL: the non-core field mappings are then skipped.
 */
void ag_route_windows_fields(struct ag_event *ev, const struct ag_route_fields *rf);

/* ag_route_windows_fields(ev, NULL). */
void ag_route_windows(struct ag_event *ev);

/*
 * Route any event: one with a Channel as ag_route_windows(); otherwise from
 * the keys "logsource.product", "logsource.category" and
 * "logsource.service" when present (a convention of non-Windows JSONL).
 * Known names become static strings; others point at the event's value,
 * which must be NUL-terminated (as the readers of this tree make them) and
 * is valid until the event is reset.
 */
void ag_route_generic(struct ag_event *ev);

/*
 * The second class of a Linux live class, or NULL: "ptrace" is also
 * "process_access", "module_load" also "driver_load". The live normaliser
 * sets both; a capture records the first, and ag_route_generic() adds the
 * second back for product "linux", so replay routes it the same way.
 */
const char *ag_route_linux_also(const char *category);

#endif /* AG_RUNTIME_ROUTE_H */
