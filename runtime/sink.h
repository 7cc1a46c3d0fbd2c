/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alert sinks (issue 5): where finished NDJSON lines go. Up to three at
 * once, from the configuration's alerts section:
 *   - a file: opened O_WRONLY|O_CREAT|O_APPEND|O_NOFOLLOW|O_CLOEXEC, mode
 *     0600 (0640 with alerts.group_read) by the agent, then written by a
 *     process of its own, the alert writer, so that a kill -9 or a crash of
 *     the agent cannot cut a line (sink.c tells why); each line one write(2); a short
 *     write is cut back with ftruncate(2) so no partial line stays; a
 *     partial last line left by a crash is cut at open; rotation by size
 *     and/or at UTC midnight to FILE.1 .. FILE.<keep>; reopened after
 *     SIGHUP (logrotate's "create" mode);
 *   - standard output (a pipe or a terminal): lines as they come;
 *   - syslog(3) (journald reads it): one message per alert.
 *
 * Failures never stop the agent: a line the file cannot take (disk full,
 * EIO, the file gone) waits in a bounded retry buffer (alerts.retry_buffer_kb)
 * and is written, in order, before any newer line as soon as a write
 * succeeds again; when the buffer is full the line is counted as dropped.
 * Every failed attempt counts in AG_H_WRITE_FAILURES and sets the health's
 * last error.
 *
 * Processes: ag_sink_open() forks the alert writer when there is a file, so
 * call it while the process has one thread. SIGHUP to the agent is passed
 * on to the writer; SIGTERM is not: ag_sink_close() closes the pipe, the
 * writer writes what it was given and exits, and the close waits for it.
 * Its counters go to h, which must therefore be in shared memory
 * (MAP_SHARED, as ops.c does).
 *
 * Threading: one writer thread owns the sink (open, write, tick, close).
 * ag_sink_request_reopen() is async-signal-safe and may be called from a
 * SIGHUP handler in any thread.
 *
 * Caller contract (replay and the live loop):
 *   main:     ag_sink_open() once, before events flow
 *   writer:   ag_sink_write() per alert line; ag_sink_tick() about once a
 *             second even without alerts (retries, SIGHUP, daily rotation)
 *   handler:  ag_sink_request_reopen() from SIGHUP
 *   writer:   ag_sink_close() at exit (last retry, then close)
 */
#ifndef AG_RUNTIME_SINK_H
#define AG_RUNTIME_SINK_H

#include <stddef.h>

struct ag_config;
struct ag_health;
struct ag_sink;

/*
 * Open the sinks cfg->alerts asks for. cfg and h are borrowed and must
 * outlive the sink. A file that cannot be opened at start refuses the
 * start: returns -errno with "cannot open 'FILE': reason" in err.
 * Returns 0 and *ret (owned by the caller, ag_sink_close()), -ENOMEM.
 */
int ag_sink_open(struct ag_sink **ret, const struct ag_config *cfg, struct ag_health *h, char *err,
		 size_t errlen);

/*
 * Write one alert line (len bytes, ending with '\n') to every sink.
 * Returns 0 when the file (or, without a file, standard output) took it,
 * -EAGAIN when it waits in the retry buffer, -ENOBUFS when it was dropped,
 * -EINVAL when it is not one line. The line is copied when kept.
 */
int ag_sink_write(struct ag_sink *s, const char *line, size_t len);

/*
 * Periodic work without new lines: a pending SIGHUP reopen, daily
 * rotation, retrying the buffer and reopening a failed file. Cheap when
 * there is nothing to do.
 */
void ag_sink_tick(struct ag_sink *s);

/* Bytes waiting in the retry buffer. */
size_t ag_sink_pending(const struct ag_sink *s);

/* The alert writer process's pid (the file sink's), 0 when there is none. */
int ag_sink_writer_pid(const struct ag_sink *s);

/* Ask every sink to reopen its file before the next write (signal-safe). */
void ag_sink_request_reopen(void);

/* Retry what is pending once more, close everything, free s (NULL is fine). */
void ag_sink_close(struct ag_sink *s);

#endif /* AG_RUNTIME_SINK_H */
