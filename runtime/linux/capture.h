/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Capture of normalised live events as JSONL, the format `sigmac-agent
 * replay` reads: one object per event, "logsource.product" and
 * "logsource.category" first (replay routes on them), then every field of
 * the event in order, numbers as JSON numbers. Replaying a capture with
 * the same rule set gives the alerts the live agent gave (event.created
 * and log.file.path aside, and the two logsource keys in sigma.fields).
 *
 * Lines are buffered and written whole; a failed write is counted, never
 * fatal. Not thread-safe.
 */
#ifndef AG_LINUX_CAPTURE_H
#define AG_LINUX_CAPTURE_H

#include <stdint.h>

#include "jsonw.h"

struct ag_event;

struct ag_capture {
	int fd;		   /* owned unless it is standard output */
	struct ag_jsonw w; /* pending lines */
	uint64_t events;   /* lines written or pending */
	uint64_t write_errors;
	uint64_t encode_errors; /* events that could not be encoded (too large) */
};

/* Create (truncate) path, "-" for standard output. Returns 0 or -errno. */
int ag_capture_open(struct ag_capture *c, const char *path);

/* Append ev (borrowed) as one line; flushed when AG_CAPTURE_FLUSH bytes are pending. */
void ag_capture_event(struct ag_capture *c, const struct ag_event *ev);

/* Write what is pending. Returns 0 or -errno (counted). */
int ag_capture_flush(struct ag_capture *c);

/* Flush and close; safe on a zeroed capture. */
void ag_capture_close(struct ag_capture *c);

#define AG_CAPTURE_FLUSH (64u * 1024)

#endif /* AG_LINUX_CAPTURE_H */
