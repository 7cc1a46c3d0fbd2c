/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IOC and YARA checks of live events (issue 6), for the `sigmac-agent run`
 * loop (live.c). After Sigma detection of each event:
 *   - the event's fields go through the IOC tables at once (ioc.h:
 *     destination IPs, DNS QueryName, Image/TargetFilename/... path globs),
 *     alerts written through ag_ops_write_lines();
 *   - the file it names is hashed and YARA-scanned by the scan pool
 *     (fscan.h), off the event path: the image of a new process (opened
 *     through /proc/PID/exe, checked against the process's start time and
 *     the event's Image, so a file swapped after the exec is not what gets
 *     scanned; by path only when the process is already gone), and with
 *     scan_written the TargetFilename of file_change and file_rename
 *     events at once, and of file_event (create) AG_LIVE_INTEL_CREATE_DELAY_MS
 *     later (the collector reports no close-after-write for a file its open
 *     created; the delay lets the content arrive; a change or rename of the
 *     path in the meantime replaces that scan). The event is copied into a slot of a fixed ring (the cookie
 *     of its scan job), so a result's alert describes the event that asked
 *     for it, whenever it comes back.
 *
 * Memory: fixed at start (slots x (event arrays + AG_LIVE_INTEL_SNAP
 * bytes)); nothing is allocated per event. A full ring or scan queue
 * drops the file check and counts it (health: drops.user).
 *
 * Threading: everything here runs on the live loop's thread (one thread,
 * like ops); the scan workers are fscan's own.
 */
#ifndef AG_LINUX_LIVE_INTEL_H
#define AG_LINUX_LIVE_INTEL_H

#include <stdbool.h>
#include <stdint.h>

struct ag_alert_ctx;
struct ag_config;
struct ag_event;
struct ag_ops;
struct sgr_intel;
struct sgr_ruleset;

/* Bytes of names and values one event snapshot holds (larger values are cut out). */
#define AG_LIVE_INTEL_SNAP (16u * 1024)
/* Scan jobs (and snapshots) in flight at most. */
#define AG_LIVE_INTEL_SLOTS_MAX 128u
/* Created files waiting for their delay at most (more are dropped, counted). */
#define AG_LIVE_INTEL_DEFER_SLOTS 32u
/* Delay between a file's creation and its scan (ms). */
#define AG_LIVE_INTEL_CREATE_DELAY_MS 1000u

struct ag_live_intel_stats {
	uint64_t ioc_alerts, yara_alerts, hash_alerts;
	uint64_t submitted;  /* files queued for the scan pool */
	uint64_t image_fd;   /* images opened through /proc/PID/exe */
	uint64_t image_path; /* images opened by path (the process was gone) */
	uint64_t dropped;    /* file checks dropped (ring or queue full) */
	uint64_t errors;     /* files that could not be opened or read */
};

struct ag_live_intel;

/*
 * Set up the checks of in (the compiled feeds and YARA rules) under cfg
 * (live.scan_images, live.scan_written, yara.*, hashing.*; borrowed),
 * writing alerts to ops with ac (both borrowed, must outlive li). Returns
 * 0 and *ret (owned: ag_live_intel_free), or -EPROTO (the YARA rules do
 * not load), -ENOMEM, -errno.
 */
int ag_live_intel_new(struct ag_live_intel **ret, const struct sgr_intel *in,
		      const struct sgr_ruleset *rs, const struct ag_config *cfg, struct ag_ops *ops,
		      const struct ag_alert_ctx *ac);

/* Stop the scan pool (pending checks are dropped) and free. Accepts NULL. */
void ag_live_intel_free(struct ag_live_intel *li);

/*
 * One event after Sigma detection (ev borrowed for the call). tgid and
 * start_ns (CLOCK_BOOTTIME) are the event's process as the kernel saw it.
 */
void ag_live_intel_event(struct ag_live_intel *li, const struct ag_event *ev, uint32_t tgid,
			 uint64_t start_ns, uint64_t now_ns);

/*
 * Alerts of the scan results that are ready, waiting up to timeout_ms for
 * the first (0: none; at stop: a bound on draining everything queued).
 * Returns the results handled.
 */
uint32_t ag_live_intel_poll(struct ag_live_intel *li, int timeout_ms);

/* Scan jobs (and delayed scans of created files) not yet handled. */
uint32_t ag_live_intel_pending(const struct ag_live_intel *li);

/* Copy the pool's counters into ops' health (deltas since the last call). */
void ag_live_intel_health(struct ag_live_intel *li);

void ag_live_intel_stats(const struct ag_live_intel *li, struct ag_live_intel_stats *ret);

#endif /* AG_LINUX_LIVE_INTEL_H */
