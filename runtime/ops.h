/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's operating layer (issue 5) in one place: what happens to a
 * rule match after detection, and the agent's life cycle around it.
 * A match becomes an ECS alert line (alert.h) with an event.id, passes
 * dedup (dedup.h), goes to the sinks (sink.h), and may trigger active
 * response (response.h), whose decision is its own ECS event line. Health
 * counters (health.h) and the status file follow all of it; signals ask
 * for a clean stop (SIGTERM, SIGINT) or a reopen of the alert file
 * (SIGHUP).
 *
 * Used by `sigmac-agent replay` (runtime/main.c) and meant for the live
 * loop of `sigmac-agent run`.
 *
 * Caller contract:
 *   main thread, at start:
 *     ag_config_init() [+ ag_config_load() + overrides]     (config.h)
 *     ag_ops_open(&ops, &cfg, ruleset, "run"|"replay", err) (starts the status writer)
 *     ag_ops_signals_install()           SIGTERM/SIGINT/SIGHUP handlers, no SA_RESTART
 *   the detection thread (one thread; ops is not shared between threads):
 *     per event:  ag_ops_event_excluded() (optional: exclude.paths/images),
 *                 ag_ops_count_event(ops, ev->category[0])
 *     per match:  ag_ops_alert(ops, rule_index, ev, now_ns)
 *     loop:       ag_ops_tick(ops) at least once a second (cheap: reads the
 *                 clock and returns), and stop when ag_ops_stop_requested()
 *   any thread: ag_health_add(ag_ops_health(ops), AG_H_..., n) for drops,
 *               YARA and hashing counters
 *   at exit (same thread): ag_ops_close(ops): dedup windows flushed, sinks
 *     retried and closed, final status written ("stopped"); then
 *     ag_config_done().
 *
 * The live loop, in short (sigmac-agent run):
 *     ag_config_init(&cfg, AG_CONFIG_RUN);
 *     if (--config) ag_config_load(&cfg, path, err, sizeof(err));   exit 2 on error
 *     --alerts: ag_config_set_alerts(); --response: ag_config_set_response();
 *     ag_ops_open(&ops, &cfg, &sgr_ruleset, "run", err, sizeof(err)); exit 1 on error
 *     ag_ops_signals_install();        (replaces the loop's own SIGINT/SIGTERM handlers)
 *     while (!ag_ops_stop_requested()) {
 *             poll the ring buffer (timeout <= 1 s); per event:
 *                     ag_ops_count_event(); if (ag_ops_event_excluded()) continue;
 *                     ag_detect(..., on_match) -> ag_ops_alert(ops, rule, ev, now_ns);
 *             ag_health_set(ag_ops_health(ops), AG_H_DROPS_KERNEL, kernel_drops);
 *             ag_health_set(ag_ops_health(ops), AG_H_DROPS_USER, user_drops);
 *             ag_ops_tick(ops);
 *     }
 *     drain the ring buffer; ag_ops_close(ops); ag_config_done(&cfg);
 * Response needs the process identity: give process events a
 * ProcessStartTicks field (task start_boottime in clock ticks, i.e. ns /
 * (1e9 / sysconf(_SC_CLK_TCK)), as /proc/PID/stat field 22), otherwise it is
 * read from /proc when the event is matched. cfg.queues.* (ring_mb, events,
 * alerts) size the live queues; yara.* and hashing.* go to their owners.
 */
#ifndef AG_RUNTIME_OPS_H
#define AG_RUNTIME_OPS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ag_config;
struct ag_event;
struct ag_health;
struct ag_ops;
struct sgr_ruleset;

/* Set by SIGTERM/SIGINT (ag_ops_signals_install); readers may poll it. */
extern volatile sig_atomic_t ag_ops_stop;

/*
 * Open sinks, dedup, response and health for cfg (borrowed: must outlive
 * ops) and the rule set rs. mode is "run" or "replay". Returns 0 and *ret
 * (owned by the caller: ag_ops_close()), or -errno with a message in err
 * (an alert file that cannot be opened, a status writer that cannot start).
 */
int ag_ops_open(struct ag_ops **ret, const struct ag_config *cfg, const struct sgr_ruleset *rs,
		const char *mode, char *err, size_t errlen);

/* log.file.path of the next alerts (replay: the input file; NULL: none). Borrowed. */
void ag_ops_set_source(struct ag_ops *ops, const char *path);

/* The pid of the alert writer process (sink.h), 0 when there is none. */
int ag_ops_writer_pid(const struct ag_ops *ops);

/* The health counters (valid until ag_ops_close). */
struct ag_health *ag_ops_health(struct ag_ops *ops);

/* Count one event of category (Sigma category name or NULL). */
void ag_ops_count_event(struct ag_ops *ops, const char *category);

/* True (and counted) when exclude.paths/images drop this event before detection. */
bool ag_ops_event_excluded(struct ag_ops *ops, const struct ag_event *ev);

/*
 * One match of rule index rule (in rs) on ev at now_ns (ns since the
 * epoch): alert, dedup, sinks, response. Never fails the caller: every
 * problem is counted. Returns 1 when an alert line was written (or
 * queued) now, 0 when dedup collapsed it or it could not be encoded.
 */
int ag_ops_alert(struct ag_ops *ops, uint32_t rule, const struct ag_event *ev, uint64_t now_ns);

/*
 * Alert lines encoded elsewhere (IOC/YARA: buf holds whole lines, len
 * bytes) straight to the sinks, one write per line; no dedup or response.
 * Returns the lines written.
 */
uint32_t ag_ops_write_lines(struct ag_ops *ops, const char *buf, size_t len);

/* Periodic work: closed dedup windows, sink retries/reopen/rotation. */
void ag_ops_tick(struct ag_ops *ops);

/* Install SIGTERM/SIGINT (stop) and SIGHUP (reopen) handlers; SIGPIPE ignored. */
void ag_ops_signals_install(void);

static inline bool ag_ops_stop_requested(void)
{
	return ag_ops_stop != 0;
}

/* Flush and close everything, write the final status; frees ops (NULL is fine). */
void ag_ops_close(struct ag_ops *ops);

#endif /* AG_RUNTIME_OPS_H */
