/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The reference interpreter of the IR: the oracle of the differential
 * tests. It evaluates a rule's IR node directly on a normalised event, in
 * the most obvious way (recursive boolean evaluation, every atom recomputed
 * from the event text, its own glob matcher, the Pike-VM regex matcher of
 * re_match.c), sharing with the agent only the definitions of what an event
 * value means (runtime/values.c: numbers, addresses, timestamps, folding).
 * Tests and tools only: never linked into the agent.
 */
#ifndef TI_INTERP_H
#define TI_INTERP_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"

struct sc_ctx;
struct sc_rule;

/* True when the event's routing puts it in the rule's logsource. */
bool ti_logsource_matches(const struct sc_rule *r, const struct ag_event *ev);

/*
 * Evaluate IR node root of ctx on ev. Field ids in ev must be the IR's
 * field ids (read events with ti_field_lookup).
 */
bool ti_eval(const struct sc_ctx *ctx, uint32_t root, const struct ag_event *ev);

/* Field-id lookup over the IR's field names (for the readers). */
uint32_t ti_field_lookup(void *ctx, const char *name, size_t len);

#endif /* TI_INTERP_H */
