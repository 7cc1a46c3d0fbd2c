/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The eBPF collectors of the live agent: start-up checks, loading and
 * attaching the four BPF objects (bpf/proc, sys, file, net), the ring
 * buffer they share, and their counters.
 *
 * Every program is independent: one whose hook the kernel lacks (a
 * missing tracepoint, no BTF for a tp_btf hook) is not loaded, one the
 * verifier rejects is left out and the rest reloaded, one that fails to
 * attach is skipped; each case is reported through the note callback,
 * never fatal unless nothing at all could be attached.
 *
 * Not here: what the records mean (normalize.h), the CLI (live.h).
 */
#ifndef AG_LINUX_COLLECTOR_H
#define AG_LINUX_COLLECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "events.h" /* enum ag_coll_group */

struct ag_collector;

/* The handler of one ring-buffer record (data is valid during the call only). */
typedef int (*ag_record_fn)(void *ctx, void *data, size_t size);

/* Messages for the user (one line each, no trailing newline). */
typedef void (*ag_note_fn)(void *arg, const char *msg);

struct ag_collector_opts {
	uint32_t self_tgid;    /* the agent's own process: filtered in the kernel */
	uint32_t writer_tgid;  /* its alert writer process (0 none): filtered too */
	uint64_t writer_start; /* the writer's start, clock ticks since boot (/proc/PID/stat 22) */
	uint32_t follow_pid;   /* 0, or only this process and its descendants */
	uint64_t ring_bytes;   /* ring buffer size (a power of two, >= 4096) */
	uint64_t wakeup_bytes; /* 0: wake per record; else batch until this much is queued */
	uint32_t groups;       /* enum ag_coll_group bits */
	uint64_t req_f_creds;  /* set by ag_collector_open: REQ_F_CREDS in this kernel, or 0 */
	bool verbose;	       /* libbpf's own messages as notes */
	ag_record_fn on_record;
	void *record_ctx;
	ag_note_fn note; /* may be NULL */
	void *note_arg;
};

/*
 * What a live agent needs from the machine: root or CAP_BPF + CAP_PERFMON
 * (CAP_SYS_ADMIN on kernels before 5.8), Linux 5.8 or newer, kernel BTF,
 * tracefs (mounted here when it is not). Returns 0, or -EPERM, -ENOSYS,
 * -ENOENT with a sentence for the user in err. Warnings (e.g. a kernel
 * older than 5.17: no path walks) go to note.
 */
int ag_collector_preflight(char *err, size_t errlen, ag_note_fn note, void *note_arg);

/*
 * Create the shared maps, load and attach every program the options and
 * the kernel allow. On success *ret is the collector (free it with
 * ag_collector_close()). Returns 0, or -errno with a sentence in err
 * (e.g. nothing could be attached).
 */
int ag_collector_open(struct ag_collector **ret, const struct ag_collector_opts *o, char *err,
		      size_t errlen);

/* Close every link, program and map; accepts NULL. */
void ag_collector_close(struct ag_collector *c);

/*
 * 32-bit syscalls: "collected", "partly collected", "not collected", "not
 * run by this kernel", ... (static strings, for the status file).
 */
const char *ag_collector_ia32(const struct ag_collector *c);

/* Programs attached, and programs of the classes asked for (live.collect, ia32_syscalls). */
void ag_collector_programs(const struct ag_collector *c, uint32_t *ret_attached,
			   uint32_t *ret_total);

/*
 * Wait up to timeout_ms for the kernel to wake us (batched wake-ups), then
 * drain the ring buffer, calling on_record for each record. Returns the
 * number of records handled, or -errno (-EINTR on a signal).
 */
int ag_collector_poll(struct ag_collector *c, int timeout_ms);

/* The kernel counters (enum ag_stat), summed over CPUs, into ret[64]. */
int ag_collector_counters(const struct ag_collector *c, uint64_t ret[64]);

#endif /* AG_LINUX_COLLECTOR_H */
