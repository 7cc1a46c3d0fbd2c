/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Settings of `sigmac-agent run`: defaults, a configuration file and the
 * command line (which wins), with one setter for both.
 *
 * The file holds `key = value` lines; '#' starts a comment, blank lines
 * are ignored, values may be quoted with "". Keys (the long options'
 * names, '-' or '_'):
 *   alerts = FILE | -          capture = FILE | -         duration = SECONDS
 *   collect = LIST             pid-tree = PID             ring-mb = MIB
 *   wakeup-kb = KIB            poll-ms = MS               proc-max = N
 *   proc-mb = MIB              stats-interval = SECONDS   verbose = true|false
 * LIST is a comma-separated subset of process, network, dns, file, ptrace,
 * setid, memfd, bpf, module, or all. An unknown key, a bad value or an
 * unreadable file is an error naming the file and line.
 */
#ifndef AG_LINUX_LIVE_CONFIG_H
#define AG_LINUX_LIVE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ag_live_config {
	char *alerts;		 /* alert output path, "-" for standard output (owned) */
	char *capture;		 /* capture path or NULL (owned) */
	double duration;	 /* seconds to run, 0: until SIGINT/SIGTERM */
	uint32_t collect;	 /* enum ag_coll_group bits */
	uint32_t pid_tree;	 /* 0, or only this process and its descendants */
	uint32_t ring_mb;	 /* ring buffer MiB (rounded up to a power of two) */
	uint32_t wakeup_kb;	 /* batch wake-ups until this much is queued (0: every record) */
	uint32_t poll_ms;	 /* longest wait before draining the ring buffer */
	uint32_t proc_max;	 /* process table entries */
	uint32_t proc_mb;	 /* process table string memory, MiB */
	uint32_t stats_interval; /* seconds between counter lines on stderr (0: at exit only) */
	bool verbose;		 /* libbpf's messages and every disabled hook */
};

/* Fill cfg with the defaults. Returns 0 or -ENOMEM. */
int ag_live_config_init(struct ag_live_config *cfg);
void ag_live_config_done(struct ag_live_config *cfg);

/*
 * Set key (n bytes, '-' and '_' alike) to value. Returns 0, or -EINVAL
 * with a message (no file or line) in err.
 */
int ag_live_config_set(struct ag_live_config *cfg, const char *key, size_t n, const char *value,
		       char *err, size_t errlen);

/* Read a configuration file. Returns 0, or -errno with "FILE:LINE: message" in err. */
int ag_live_config_load(struct ag_live_config *cfg, const char *path, char *err, size_t errlen);

#endif /* AG_LINUX_LIVE_CONFIG_H */
