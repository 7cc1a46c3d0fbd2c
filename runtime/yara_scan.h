/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The YARA engine of the agent: the rules sigmac-c compiled and embedded
 * (struct sgr_intel.yara, a yr_rules_save_stream() image) loaded from
 * memory at start-up, rule metadata prepared once for alerts, and scans
 * of one file descriptor with a per-thread scanner and a timeout. The
 * rules are immutable and shared by every thread (STYLE.md rule 37).
 *
 * Scans do not run on the event path: runtime/fscan.h queues them to a
 * worker pool with a result cache per file identity. The live loop calls
 * ag_fscan_submit() for each new process image (a descriptor held from the
 * exec event, or /proc/PID/exe) and each written file it wants scanned,
 * and ag_alert_yara() for each match of a result it gets back.
 */
#ifndef AG_RUNTIME_YARA_SCAN_H
#define AG_RUNTIME_YARA_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sgr_intel;
struct ag_jsonw;
struct ag_alert_ctx;
struct ag_alert_hook;
struct ag_event;

#define AG_YARA_MAX_TAGS 8

/* What an alert says about a rule (strings owned by the loaded rules). */
struct ag_yara_match {
	const char *name;
	const char *ns;
	const char *description;	    /* meta description, or NULL */
	const char *author;		    /* meta author, or NULL */
	const char *reference;		    /* meta reference, or NULL */
	const char *tags[AG_YARA_MAX_TAGS]; /* the rule's tags */
	uint32_t ntags;
	const char *attack[AG_YARA_MAX_TAGS]; /* Sigma-style ATT&CK tags: attack.t1059.001 */
	uint32_t nattack;
	uint8_t level; /* 0 informational, 1 low, 2 medium, 3 high (default), 4 critical */
};

struct ag_yara; /* the loaded rules (opaque) */

/*
 * Load the embedded rules of in (NULL or no rules: *ret stays NULL and 0
 * is returned). Returns 0, -EPROTO when libyara cannot read the image (a
 * different libyara version), or -ENOMEM. Free with ag_yara_free().
 */
int ag_yara_load(const struct sgr_intel *in, struct ag_yara **ret);
void ag_yara_free(struct ag_yara *y);

uint32_t ag_yara_nrules(const struct ag_yara *y);

/* Metadata of rule index i (< ag_yara_nrules). */
const struct ag_yara_match *ag_yara_rule(const struct ag_yara *y, uint32_t i);

/* A scanner for one thread (a YR_SCANNER; NULL on ENOMEM). */
void *ag_yara_scanner_new(struct ag_yara *y, int timeout_s);
void ag_yara_scanner_free(void *scanner);

/*
 * Scan fd (not closed) with a thread's scanner; the indices of matching
 * rules go to ret_rules (up to max, *ret_n in all, ascending). Returns 0,
 * -ETIME on timeout (matches found so far are kept), or -EIO.
 */
int ag_yara_scan_fd(void *scanner, int fd, uint32_t *ret_rules, uint32_t max, uint32_t *ret_n);

/*
 * Append one YARA alert line for rule m matching the file at path, on
 * event ev (see alert_intel.c). Returns 0 or -ENOMEM / -E2BIG.
 */
int ag_alert_yara(struct ag_jsonw *out, const struct ag_alert_ctx *ac,
		  const struct ag_yara_match *m, const char *path, const struct ag_event *ev,
		  const struct ag_alert_hook *hashes, uint64_t now_ns);

#endif /* AG_RUNTIME_YARA_SCAN_H */
