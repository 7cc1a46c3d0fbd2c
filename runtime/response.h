/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Active response (issue 5): kill the process an alert is about, or say
 * what would have been done (dry-run), under a policy from the
 * configuration's response section:
 *   - mode off | dry-run | kill; replay acts only with an explicit
 *     --response (config.h: mode_from_cli), never from the file alone;
 *   - min_level (default critical), opt-in (response.rules: rule ids or
 *     tags; empty means every rule) and opt-out (response.exclude_rules);
 *   - allow_images (full path, or basename without '/') and allow_paths
 *     (absolute prefixes), checked against the event's image and the
 *     process's real executable (/proc/PID/exe);
 *   - never pid <= 1, kernel threads (PF_KTHREAD in /proc/PID/stat, or
 *     parent 2 with an empty cmdline), the agent or any of its ancestors.
 *
 * Identity: a target carries the pid and, when known, the process start
 * time (field 22 of /proc/PID/stat: clock ticks since boot). The kill path
 * is pidfd_open(pid) -> read /proc/PID/stat and /proc/PID/exe -> start time
 * and image must match the target -> pidfd_send_signal(SIGKILL). A pid
 * reused before pidfd_open fails the start-time (or image) check; one
 * reused after it is not the pidfd's process, so the signal cannot reach
 * it. Without a start time (replay of an event that has none) the image
 * check alone guards.
 *
 * Every decision on an eligible match (killed, would kill, skipped with
 * the reason, failed) becomes its own ECS event line (ag_response_event),
 * linked to the alert through sigmac.response.alert_id = the alert's
 * event.id.
 *
 * Threading: ag_response_new/free on the main thread; ag_response_eligible
 * and ag_response_target on the detection thread (cheap, no syscalls in
 * eligible, /proc reads in target only when the start time is missing);
 * ag_response_act on any single thread (the live loop may run it on a
 * response thread, with targets queued: they are self-contained copies).
 */
#ifndef AG_RUNTIME_RESPONSE_H
#define AG_RUNTIME_RESPONSE_H

#include <stdbool.h>
#include <stdint.h>

struct ag_alert_ctx;
struct ag_config;
struct ag_event;
struct ag_health;
struct ag_jsonw;
struct ag_response;
struct sgr_rule;

#define AG_RESP_IMAGE_MAX 4096
#define AG_RESP_CMD_MAX	  2048

/* The process a match is about: a self-contained copy (queueable). */
struct ag_resp_target {
	int32_t pid;		       /* 0: the event names none */
	bool has_start;		       /* start_ticks is known */
	uint64_t start_ticks;	       /* /proc/PID/stat field 22 at match time */
	char image[AG_RESP_IMAGE_MAX]; /* the event's image ("" unknown), NUL-terminated */
	char cmd[AG_RESP_CMD_MAX];     /* the event's command line, truncated */
};

enum ag_resp_result {
	AG_RESP_KILLED,	    /* SIGKILL delivered */
	AG_RESP_WOULD_KILL, /* dry-run: every check passed */
	AG_RESP_SKIPPED,    /* not acted on: reason says why */
	AG_RESP_FAILED,	    /* the signal failed: reason has errno's text */
	_AG_RESP_MAX
};

struct ag_resp_outcome {
	enum ag_resp_result result;
	char reason[160]; /* "allowlisted image", "pid reused (start time differs)", ... */
	char exe[AG_RESP_IMAGE_MAX]; /* /proc/PID/exe when read, else "" */
};

/*
 * The policy from cfg (borrowed, must outlive r); h counts outcomes.
 * Returns 0 and *ret (owned by the caller) or -ENOMEM.
 */
int ag_response_new(struct ag_response **ret, const struct ag_config *cfg, struct ag_health *h);
void ag_response_free(struct ag_response *r);

/* The mode in force (off unless configured; replay: only --response). */
bool ag_response_enabled(const struct ag_response *r);

/* Whether a match of rule calls for a response at all (mode, level, opt-in/out). */
bool ag_response_eligible(const struct ag_response *r, const struct sgr_rule *rule);

/*
 * Fill t from the event: ProcessId, Image, CommandLine, and the start time
 * from a ProcessStartTicks field or, failing that, /proc/PID/stat now.
 * Returns 0, or -ESRCH when the event names no process.
 */
int ag_response_target(const struct ag_event *ev, struct ag_resp_target *t);

/*
 * Check and act on t (see the file comment); counts the outcome in the
 * health counters. Returns the result, also in *out.
 */
enum ag_resp_result ag_response_act(struct ag_response *r, const struct ag_resp_target *t,
				    struct ag_resp_outcome *out);

/*
 * Append the ECS event line for an outcome to w: event.kind=event,
 * event.action=process-kill, event.outcome, event.reason, rule.{id,name},
 * process.{pid,executable,command_line}, sigmac.response.{mode,result,
 * dry_run,reason,alert_id,start_ticks}. ac and alert_id may be NULL.
 * Returns 0 or -ENOMEM/-E2BIG (w unchanged).
 */
int ag_response_event(const struct ag_response *r, struct ag_jsonw *w,
		      const struct ag_alert_ctx *ac, const struct sgr_rule *rule,
		      const struct ag_resp_target *t, const struct ag_resp_outcome *o,
		      const char *alert_id, uint64_t now_ns);

#endif /* AG_RUNTIME_RESPONSE_H */
