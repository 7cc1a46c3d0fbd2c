/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IOC and YARA checks around Sigma detection, for one event loop: the
 * glue between the IOC lookups (ioc.h), the file scan pool (fscan.h), the
 * YARA rules (yara_scan.h) and the alert writer. replay uses it as is; it
 * runs file work synchronously (submit, then wait for that result), so the
 * alerts of an event follow its Sigma alerts and replay output stays
 * deterministic.
 *
 * The live loop (runtime/linux/) wants file work asynchronous: it calls
 * ag_ioc_check_event() itself per event, ag_fscan_submit() with a cookie
 * naming a snapshot of the event, and ag_intel_file_result() for each
 * result ag_fscan_poll() returns (see fscan.h, ioc.h, yara_scan.h).
 */
#ifndef AG_RUNTIME_INTEL_H
#define AG_RUNTIME_INTEL_H

#include <stdbool.h>
#include <stdint.h>

struct ag_alert_ctx;
struct ag_event;
struct ag_fscan;
struct ag_fscan_result;
struct ag_jsonw;
struct sgr_intel;
struct sgr_ruleset;

struct ag_intel_opts {
	bool files;	    /* hash/scan files named in events (when there is something to check) */
	bool fill_hashes;   /* add a Hashes field to process events that lack one */
	uint32_t threads;   /* scan workers (0: 2) */
	uint64_t max_size;  /* file size cap (0: 64 MiB) */
	int yara_timeout_s; /* (0: 10) */
};

struct ag_intel_stats {
	uint64_t ioc_alerts, yara_alerts;
	uint64_t files_checked, files_missing, hashes_filled;
};

struct ag_intel;

/*
 * Load the YARA rules of in and start the scan pool if there is anything
 * to do. Returns 0 (*ret may then do nothing: no indicators, no rules),
 * -EPROTO (the YARA image does not load: another libyara), or -errno.
 */
int ag_intel_new(const struct sgr_intel *in, const struct sgr_ruleset *rs,
		 const struct ag_intel_opts *o, struct ag_intel **ret);
void ag_intel_free(struct ag_intel *it);

/* The scan pool (NULL when no file work is needed). */
struct ag_fscan *ag_intel_fscan(struct ag_intel *it);

/*
 * Before Sigma detection: with fill_hashes, a process_creation event whose
 * Image exists and that has no Hashes gets "SHA1=..,MD5=..,SHA256=.."
 * (the value lives in it until the next call).
 */
void ag_intel_prepare(struct ag_intel *it, struct ag_event *ev);

/*
 * After Sigma detection: IOC checks of ev's fields, then (files) the files
 * it names (process image, written file, loaded image) hashed and scanned.
 * Alerts are appended to out. Returns the number of alerts.
 */
uint32_t ag_intel_event(struct ag_intel *it, const struct ag_event *ev, struct ag_jsonw *out,
			const struct ag_alert_ctx *ac, uint64_t now_ns);

/*
 * Alerts for one file result (IOC hash hits, YARA matches) on event ev.
 * Returns the number of alerts appended to out.
 */
uint32_t ag_intel_file_result(struct ag_intel *it, const struct ag_fscan_result *r,
			      const struct ag_event *ev, struct ag_jsonw *out,
			      const struct ag_alert_ctx *ac, uint64_t now_ns);

void ag_intel_stats(const struct ag_intel *it, struct ag_intel_stats *ret);

#endif /* AG_RUNTIME_INTEL_H */
