/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Health of a running agent (issue 5): counters every part of the agent
 * bumps with atomics, a status file written periodically (a temporary file
 * renamed over the old one, so a reader never sees half a file), and the
 * `sigmac-agent status` printer.
 *
 * What it does not do: decide anything. Counters are plain numbers; the
 * owners of each part (collectors, YARA, hashing) bump theirs.
 *
 * Threading. Counters and gauges are _Atomic uint64_t updated with relaxed
 * ordering: any thread may call ag_health_add()/ag_health_set() at any time
 * between ag_health_init() and ag_health_done(). The status writer is its
 * own thread (ag_health_start()), reads the counters and writes the file
 * every interval and once more at ag_health_stop().
 *
 * Caller contract (replay and the live loop alike):
 *   main thread:  ag_health_init() -> ag_health_set(AG_H_RULES_LOADED, n)
 *                 -> ag_health_start(path, interval) ... ag_health_stop()
 *                 -> ag_health_done()
 *   any thread:   ag_health_add(), ag_health_event() (per event, cheap),
 *                 ag_health_set_error() (last write error of a sink)
 */
#ifndef AG_RUNTIME_HEALTH_H
#define AG_RUNTIME_HEALTH_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Counters (monotonic) and gauges (set); names in the status file in health.c. */
enum ag_health_counter {
	AG_H_EVENTS,		/* events read or collected */
	AG_H_EVENTS_MALFORMED,	/* records skipped as malformed */
	AG_H_EVENTS_EXCLUDED,	/* events dropped by exclude.paths/images */
	AG_H_DROPS_KERNEL,	/* events lost in the kernel (ring buffer full); live only */
	AG_H_DROPS_USER,	/* events lost in user space (queue full); live only */
	AG_H_ALERTS,		/* rule matches (before dedup) */
	AG_H_ALERTS_WRITTEN,	/* alert lines on every configured sink */
	AG_H_ALERTS_SUPPRESSED, /* repeats collapsed by dedup */
	AG_H_ALERTS_ROLLUPS,	/* dedup summary lines emitted at window close */
	AG_H_ALERTS_DROPPED,	/* lines lost: the retry buffer was full */
	AG_H_ALERTS_ENCODE_ERR, /* alerts that could not be encoded (too large) */
	AG_H_WRITE_FAILURES,	/* failed write() or open() attempts on a sink */
	AG_H_WRITE_RETRIED,	/* lines written late from the retry buffer */
	AG_H_PENDING_BYTES,	/* gauge: bytes waiting in the retry buffer */
	AG_H_ROTATIONS,		/* alert file rotations */
	AG_H_REOPENS,		/* alert file reopens (SIGHUP, after an error) */
	AG_H_RESP_KILLED,	/* processes killed by active response */
	AG_H_RESP_DRY_RUN,	/* dry-run decisions (would kill) */
	AG_H_RESP_SKIPPED,	/* eligible matches not acted on (allowlist, protected, gone) */
	AG_H_RESP_FAILED,	/* kill attempts that failed */
	AG_H_YARA_SCANS,	/* YARA scans (owned by the YARA module) */
	AG_H_YARA_CACHE_HITS,	/* YARA verdicts served from cache */
	AG_H_YARA_TIMEOUTS,	/* YARA scans that timed out */
	AG_H_HASH_COMPUTED,	/* file hashes computed (owned by the hashing module) */
	AG_H_HASH_CACHE_HITS,	/* file hashes served from cache */
	AG_H_RULES_LOADED,	/* gauge: compiled rules in the agent */
	_AG_H_MAX
};

/* Event classes counted per class (the Sigma category; others are "other"). */
enum ag_health_class {
	AG_HC_PROCESS_CREATION,
	AG_HC_PROCESS_TERMINATION,
	AG_HC_NETWORK_CONNECTION,
	AG_HC_DNS_QUERY,
	AG_HC_FILE_EVENT,
	AG_HC_FILE_DELETE,
	AG_HC_FILE_RENAME,
	AG_HC_FILE_CHANGE,
	AG_HC_FILE_ACCESS,
	AG_HC_IMAGE_LOAD,
	AG_HC_REGISTRY,
	AG_HC_PS_SCRIPT,
	AG_HC_OTHER,
	_AG_HC_MAX
};

struct ag_health {
	_Atomic uint64_t c[_AG_H_MAX];	       /* counters and gauges */
	_Atomic uint64_t by_class[_AG_HC_MAX]; /* events per class */
	_Atomic int last_errno;		       /* last sink error (positive errno), 0 none */
	_Atomic uint64_t last_error_ns;	       /* when (ns since the epoch) */
	uint64_t started_ns;		       /* ag_health_init() time */
	const char *mode;		       /* "run" or "replay" (static) */
	const char *alerts_path;	       /* alert file or NULL (borrowed) */
	const char *version;		       /* agent.version (borrowed) */
	const char *ruleset;		       /* rule set digest (borrowed) */
	/* status writer (ag_health_start) */
	char *status_path;    /* owned */
	uint32_t interval_s;  /* seconds between writes */
	pthread_t thread;     /* the writer */
	pthread_mutex_t lock; /* guards stop, with cond */
	pthread_cond_t cond;
	bool stop;		 /* ask the writer to finish */
	bool write_now;		 /* ask the writer for a write before the interval ends */
	bool running;		 /* the writer thread exists */
	_Atomic uint64_t writes; /* status files written */
	_Atomic int status_err;	 /* last status write error (positive errno) */
	/* live collection (ag_health_set_collection); ia32 NULL: not set */
	_Atomic uint32_t progs_attached, progs;
	_Atomic(const char *) ia32;
};

/*
 * Start with every counter at zero. mode is "run" or "replay" (static);
 * version, ruleset and alerts_path are borrowed and must outlive h.
 */
void ag_health_init(struct ag_health *h, const char *mode, const char *version, const char *ruleset,
		    const char *alerts_path);

/* Stop the writer if running (ag_health_stop) and release what h holds. */
void ag_health_done(struct ag_health *h);

static inline void ag_health_add(struct ag_health *h, enum ag_health_counter c, uint64_t n)
{
	atomic_fetch_add_explicit(&h->c[c], n, memory_order_relaxed);
}

static inline void ag_health_sub(struct ag_health *h, enum ag_health_counter c, uint64_t n)
{
	atomic_fetch_sub_explicit(&h->c[c], n, memory_order_relaxed);
}

static inline void ag_health_set(struct ag_health *h, enum ag_health_counter c, uint64_t v)
{
	atomic_store_explicit(&h->c[c], v, memory_order_relaxed);
}

static inline uint64_t ag_health_get(const struct ag_health *h, enum ag_health_counter c)
{
	return atomic_load_explicit(&((struct ag_health *)h)->c[c], memory_order_relaxed);
}

/* The class of a Sigma category name (NULL: other). */
enum ag_health_class ag_health_class_of(const char *category);

/* Count one event of category (NULL: other); bumps AG_H_EVENTS too. */
void ag_health_event(struct ag_health *h, const char *category);

/*
 * Live collection's coverage for the status file's "collection" object:
 * programs attached of those asked for, and the state of 32-bit syscalls
 * (a static string). Any thread.
 */
void ag_health_set_collection(struct ag_health *h, uint32_t attached, uint32_t total,
			      const char *ia32);

/* Record a sink error (positive errno) and its time. */
void ag_health_set_error(struct ag_health *h, int err);

/*
 * Write the status file now: path.tmp, fsync-free, rename(2) over path.
 * Returns 0 or -errno. Any thread.
 */
int ag_health_write(struct ag_health *h, const char *path);

/*
 * Start the writer thread: the status file at path (copied) every
 * interval_s seconds (>= 1). Returns 0 or -errno (-ENOMEM, pthread).
 */
int ag_health_start(struct ag_health *h, const char *path, uint32_t interval_s);

/* Stop the writer thread after one last write. Safe when not started. */
void ag_health_stop(struct ag_health *h);

/*
 * `sigmac-agent status`: print the status file at path on f, indented
 * (json: as stored, one line). Returns 0 when the agent that wrote it is
 * alive, 3 when it is not running (or the file is stale), 2 when the file
 * cannot be read; the reason goes to err (stderr).
 */
int ag_health_print(const char *path, bool json, FILE *f, FILE *err);

#endif /* AG_RUNTIME_HEALTH_H */
