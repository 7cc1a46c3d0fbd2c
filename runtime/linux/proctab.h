/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The live agent's process table: what every event needs to know about
 * its process and its parent (executable, command line, working
 * directory, effective uid), kept from fork/exec/exit records and seeded
 * from /proc at start-up.
 *
 * Bounded: at most max_procs entries and max_bytes of strings, whatever
 * the event rate. A process that exits stays (marked dead) for its
 * children's and its late events' sake until AG_PROCTAB_DEAD_KEEP later
 * exits push it out. Strings live in reference-counted blobs from
 * size-class free lists (a fork shares its parent's blob), so steady state
 * allocates nothing. An unknown process (or a reused pid) is looked up in
 * /proc once, at a bounded rate.
 *
 * Not thread-safe: one table per consumer thread.
 */
#ifndef AG_LINUX_PROCTAB_H
#define AG_LINUX_PROCTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exited processes kept for late events and their children. */
#ifndef AG_PROCTAB_DEAD_KEEP
#define AG_PROCTAB_DEAD_KEEP 1024
#endif

/* Processes looked up in /proc per second at most (unknown pids). */
#ifndef AG_PROCTAB_LAZY_RATE
#define AG_PROCTAB_LAZY_RATE 2000
#endif

/* Strings of one process. Read-only for users of the table. */
struct ag_pblob {
	uint32_t ref; /* entries sharing it */
	uint16_t cls; /* size class */
	uint16_t _pad;
	uint32_t image_len; /* data[0 .. image_len) */
	uint32_t cmd_len;   /* then the command line (argv joined with spaces) */
	uint32_t cwd_len;   /* then the working directory */
	char data[];
};

enum ag_proc_flags {
	AG_PROC_DEAD = 1u << 0,	  /* exited; kept for a while */
	AG_PROC_SEEDED = 1u << 1, /* from /proc: start_ns is rounded to clock ticks */
};

struct ag_proc {
	uint32_t pid;	       /* process (thread group) id; 0: a free slot */
	uint32_t ppid;	       /* parent */
	uint32_t euid;	       /* effective uid */
	uint32_t flags;	       /* enum ag_proc_flags */
	uint64_t start_ns;     /* start, CLOCK_BOOTTIME */
	struct ag_pblob *blob; /* NULL when the strings did not fit */
};

struct ag_proctab_stats {
	uint64_t live;	      /* entries of running processes */
	uint64_t dead;	      /* entries of exited ones, kept */
	uint64_t bytes;	      /* string memory reserved */
	uint64_t full;	      /* entries refused: the table was full */
	uint64_t no_strings;  /* entries kept without strings: string memory was full */
	uint64_t lazy_ok;     /* processes found in /proc on a miss */
	uint64_t lazy_missed; /* misses /proc could not fill (gone, or rate limit) */
};

struct ag_proctab;

/* A table of at most max_procs entries and max_bytes of strings. Returns 0 or -ENOMEM. */
int ag_proctab_new(struct ag_proctab **ret, uint32_t max_procs, size_t max_bytes);
void ag_proctab_free(struct ag_proctab *t);

/* Add every process of /proc. Returns the number added, or -errno. */
int ag_proctab_seed(struct ag_proctab *t);

/*
 * The entry of process pid started at start_ns (0: any), or NULL. A miss
 * (or an entry of an older process with that pid) is filled from /proc
 * when the process still runs and the rate limit allows. The entry is
 * valid until the next call that changes the table.
 */
const struct ag_proc *ag_proctab_get(struct ag_proctab *t, uint32_t pid, uint64_t start_ns);

/* A successful exec: the process's strings are replaced. Strings are borrowed. */
void ag_proctab_exec(struct ag_proctab *t, uint32_t pid, uint32_t ppid, uint64_t start_ns,
		     uint32_t euid, const char *image, size_t image_len, const char *cmd,
		     size_t cmd_len, const char *cwd, size_t cwd_len);

/* A fork: child shares the parent's strings (the parent is looked up first). */
void ag_proctab_fork(struct ag_proctab *t, uint32_t child, uint64_t child_start, uint32_t parent,
		     uint64_t parent_start, uint32_t euid);

/* An exit: the entry is marked dead and dropped AG_PROCTAB_DEAD_KEEP exits later. */
void ag_proctab_exit(struct ag_proctab *t, uint32_t pid, uint64_t start_ns);

void ag_proctab_stats(const struct ag_proctab *t, struct ag_proctab_stats *ret);

/* Helpers for /proc, shared with the collector. */

/* Every numeric entry of /proc into a new array (*ret, free() it). Returns 0 or -errno. */
int ag_proc_list(uint32_t **ret, size_t *ret_n);

/* The start time of process pid in clock ticks since boot (/proc/PID/stat field 22), 0 if unknown. */
uint64_t ag_proc_start(uint32_t pid);

/* The parent of pid from /proc, 0 when unknown. */
uint32_t ag_proc_ppid(uint32_t pid);

#endif /* AG_LINUX_PROCTAB_H */
