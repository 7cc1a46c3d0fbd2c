/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alert deduplication (issue 5). Alerts with the same key (rule, process
 * image, command line: ag_dedup_key()) within a window of dedup.window_s
 * seconds, counted from the first one (repeats do not extend it), collapse
 * into one alert with a count:
 *   - emit_first (default): the first alert is written at once; when the
 *     window closes and there were repeats, one summary line follows: the
 *     first alert's line plus
 *       "sigmac":{"dedup":{"count":N,"first":T0,"last":T1,"window_s":W}}
 *     where N counts every match in the window, the first included;
 *   - otherwise nothing is written at once and the summary (with N >= 1)
 *     is the only line, written when the window closes.
 * ECS has no field for this, so the count lives under the agent's own
 * namespace `sigmac.dedup.*` (ECS custom fields, no clash with `sigma.*`).
 *
 * Memory is fixed at creation: max_entries windows and pool_bytes for the
 * stored first lines, a ring used in arrival order. When either is full,
 * the oldest window closes early (its summary is emitted then), so nothing
 * is ever lost, only split. No allocation per alert.
 *
 * Threading: one thread (the alert writer) owns the table.
 *
 * Caller contract:
 *   writer: ag_dedup_new(); per alert ag_dedup_offer(); about once a
 *           second ag_dedup_expire(); at exit ag_dedup_flush(); ag_dedup_free().
 */
#ifndef AG_RUNTIME_DEDUP_H
#define AG_RUNTIME_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ag_dedup;

/* Receives a finished line (len bytes, '\n'-terminated), valid during the call. */
typedef void (*ag_dedup_emit_fn)(void *arg, const char *line, size_t len);

/*
 * A table of max_entries windows of window_s seconds (> 0), pool_bytes of
 * line storage. Returns 0 and *ret (owned by the caller) or -ENOMEM/-EINVAL.
 */
int ag_dedup_new(struct ag_dedup **ret, uint32_t window_s, uint32_t max_entries, size_t pool_bytes,
		 bool emit_first);
void ag_dedup_free(struct ag_dedup *d);

/* The key of rule index rule, image and command line (any bytes). */
uint64_t ag_dedup_key(uint32_t rule, const char *image, size_t ilen, const char *cmd, size_t clen);

/*
 * Offer one alert line with its key at now_ms (monotonic) and now_ns
 * (wall clock, for the summary's timestamps). Returns true when the
 * caller must write the line now, false when it was collapsed (counted).
 * Windows that have closed by now_ms, or that make room, are emitted
 * through emit first.
 */
bool ag_dedup_offer(struct ag_dedup *d, uint64_t key, const char *line, size_t len, uint64_t now_ms,
		    uint64_t now_ns, ag_dedup_emit_fn emit, void *arg);

/* Emit the summaries of windows closed by now_ms. Returns lines emitted. */
uint32_t ag_dedup_expire(struct ag_dedup *d, uint64_t now_ms, ag_dedup_emit_fn emit, void *arg);

/* Close every window now (exit). Returns lines emitted. */
uint32_t ag_dedup_flush(struct ag_dedup *d, ag_dedup_emit_fn emit, void *arg);

/* Alerts collapsed so far (not written as their own line). */
uint64_t ag_dedup_suppressed(const struct ag_dedup *d);

#endif /* AG_RUNTIME_DEDUP_H */
