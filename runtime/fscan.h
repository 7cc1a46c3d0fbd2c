/* SPDX-License-Identifier: Apache-2.0 */
/*
 * File scans off the event path: a pool of worker threads that hash files
 * (MD5/SHA1/SHA256, for the IOC hash sets and Sigma's Hashes field) and
 * scan them with the YARA rules, with one result cache per file identity
 * (device, inode, size, mtime, ctime), a size cap and a YARA timeout.
 *
 * Use (replay does this in runtime/intel_replay.c; the live loop the same):
 *
 *   ag_fscan_new(&opts, yara, &fs);             at start-up
 *   ag_fscan_submit(fs, fd, path, cookie);      per file to check: fd held
 *                                               from the exec event (or -1:
 *                                               path is opened by the
 *                                               worker); -EAGAIN when the
 *                                               bounded queue is full (the
 *                                               caller counts a drop)
 *   while (ag_fscan_poll(fs, &res, 0) == 0)     in the event loop: results
 *           ... ag_ioc_check_hashes(), ag_alert_yara() for res.match[] ...
 *   ag_fscan_free(fs);                          at exit
 *
 * Results come back in submission order; cookie is the caller's (an index
 * of the event snapshot the alert will describe). submit and poll are for
 * one thread (the event loop); the workers are internal.
 */
#ifndef AG_RUNTIME_FSCAN_H
#define AG_RUNTIME_FSCAN_H

#include <stdbool.h>
#include <stdint.h>

#include "filehash.h"

struct ag_yara;

#ifndef AG_FSCAN_PATH_MAX
#define AG_FSCAN_PATH_MAX 4096
#endif
#ifndef AG_FSCAN_MAX_MATCHES
#define AG_FSCAN_MAX_MATCHES 16
#endif

struct ag_fscan_opts {
	uint32_t threads;	/* workers (0: 2) */
	uint32_t queue;		/* jobs in flight (0: 256) */
	uint32_t cache_entries; /* results cached (0: 4096; rounded up to a power of 2) */
	uint64_t max_size;	/* larger files are not read (0: 64 MiB) */
	int yara_timeout_s;	/* per scan (0: 10) */
	bool hash;		/* compute MD5/SHA1/SHA256 */
};

struct ag_fscan_result {
	uint64_t cookie;
	int status;	 /* 0, or -errno opening the file; -EFBIG over max_size */
	bool cached;	 /* served from the cache */
	bool hashed;	 /* h is valid */
	bool scanned;	 /* YARA ran (match[] valid) */
	int yara_status; /* 0, -ETIME (timed out), -EIO */
	struct ag_file_id id;
	struct ag_file_hashes h;
	uint32_t nmatch;		      /* matching YARA rules */
	uint32_t match[AG_FSCAN_MAX_MATCHES]; /* rule indices (ag_yara_rule) */
	char path[AG_FSCAN_PATH_MAX];	      /* as submitted */
};

struct ag_fscan_stats {
	uint64_t submitted, dropped, done;
	uint64_t cache_hits, cache_misses;
	uint64_t hashed, hashed_bytes;
	uint64_t scanned, scanned_bytes, yara_timeouts;
	uint64_t too_big, errors;
};

struct ag_fscan;

/*
 * Start the workers. y (may be NULL: no YARA) must outlive the pool.
 * Returns 0 or -errno.
 */
int ag_fscan_new(const struct ag_fscan_opts *o, struct ag_yara *y, struct ag_fscan **ret);

/* Stop the workers (pending jobs are dropped) and free. Accepts NULL. */
void ag_fscan_free(struct ag_fscan *fs);

/*
 * Queue a file: fd (ownership taken, closed by the pool) or, when fd < 0,
 * path, opened by a worker. path is copied (cut at AG_FSCAN_PATH_MAX).
 * Returns 0 or -EAGAIN (queue full; fd closed).
 */
int ag_fscan_submit(struct ag_fscan *fs, int fd, const char *path, uint64_t cookie);

/*
 * The oldest result, waiting up to timeout_ms (0: no wait, -1: forever).
 * Returns 0 (ret filled), -EAGAIN (not ready) or -ENOENT (nothing queued).
 */
int ag_fscan_poll(struct ag_fscan *fs, struct ag_fscan_result *ret, int timeout_ms);

/* Jobs submitted and not yet polled. */
uint32_t ag_fscan_pending(const struct ag_fscan *fs);

void ag_fscan_stats(struct ag_fscan *fs, struct ag_fscan_stats *ret);

#endif /* AG_RUNTIME_FSCAN_H */
