/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's configuration (issue 5): defaults per command, a YAML file
 * read with libyaml (tools/sigmac-agent.yml is the commented reference of
 * every setting), then command-line overrides, in that order. The result
 * is immutable once the agent starts.
 *
 * Errors refuse the start: an unknown key, a value of the wrong type or
 * out of range, a duplicate key, YAML anchors/aliases or a YAML syntax
 * error gives one message
 *     FILE:LINE:COL: error: key 'section.name': message
 * (LINE and COL 1-based, pointing at the offending key or value).
 *
 * What it does not do: act on the settings. Each module reads its part.
 *
 * Caller contract: main thread, before any other module starts:
 *   ag_config_init(cfg, AG_CONFIG_RUN or _REPLAY)
 *   [ag_config_load(cfg, path, err, n)]       --config FILE
 *   [ag_config_set_alerts(cfg, "FILE"|"-")]    --alerts
 *   [ag_config_set_response(cfg, "kill", ...)] --response
 *   ... read-only use from any thread ...
 *   ag_config_done(cfg)
 */
#ifndef AG_RUNTIME_CONFIG_H
#define AG_RUNTIME_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ag_config_command {
	AG_CONFIG_RUN,	  /* live: dedup 60 s, status file in /run */
	AG_CONFIG_REPLAY, /* replay: alerts on stdout, no dedup, no status, response off */
};

enum ag_log_level { AG_LOG_ERROR, AG_LOG_WARN, AG_LOG_INFO, AG_LOG_DEBUG, _AG_LOG_MAX };

enum ag_response_mode { AG_RESPONSE_OFF, AG_RESPONSE_DRY_RUN, AG_RESPONSE_KILL, _AG_RESPONSE_MAX };

/* A list of strings (owned: each string and the array). */
struct ag_strlist {
	char **v;
	uint32_t n;
};

struct ag_config {
	enum ag_config_command command;
	char *source;		     /* the file loaded, or NULL (owned) */
	enum ag_log_level log_level; /* log_level */

	struct {
		char *file;		 /* alerts.file: absolute path, NULL = none (owned) */
		bool stdout_;		 /* alerts.stdout */
		bool syslog;		 /* alerts.syslog */
		char *syslog_ident;	 /* alerts.syslog_ident (owned) */
		int syslog_facility;	 /* alerts.syslog_facility as LOG_* */
		bool group_read;	 /* alerts.group_read: mode 0640 instead of 0600 */
		uint64_t rotate_bytes;	 /* alerts.rotate_size_mb in bytes, 0 = no size rotation */
		bool rotate_daily;	 /* alerts.rotate_daily (UTC midnight) */
		uint32_t rotate_keep;	 /* alerts.rotate_keep: rotated files kept */
		uint64_t retry_bytes;	 /* alerts.retry_buffer_kb in bytes */
		uint32_t max_line_bytes; /* alerts.max_line_kb in bytes (larger: counted) */
	} alerts;

	struct {
		uint32_t window_s;    /* dedup.window_s, 0 = off */
		uint32_t max_entries; /* dedup.max_entries */
		uint64_t pool_bytes;  /* dedup.pool_kb in bytes: stored first alerts */
		bool emit_first;      /* dedup.emit_first: first alert at once, summary later */
	} dedup;

	struct {
		enum ag_response_mode mode; /* response.mode (replay: only --response sets it) */
		bool mode_from_cli;	    /* --response was given */
		uint8_t min_level;	    /* response.min_level as ag_level_rank() (1..5) */
		struct ag_strlist rules;    /* response.rules: opt-in ids or tags (empty: all) */
		struct ag_strlist exclude;  /* response.exclude_rules: opt-out ids or tags */
		struct ag_strlist allow_images; /* response.allow_images: full paths or basenames */
		struct ag_strlist allow_paths;	/* response.allow_paths: absolute path prefixes */
		uint32_t queue;			/* response.queue: pending actions (live) */
	} response;

	struct {
		uint32_t max_file_mb;	/* yara.max_file_mb */
		uint32_t timeout_ms;	/* yara.timeout_ms */
		uint32_t cache_entries; /* yara.cache_entries */
		uint32_t workers;	/* yara.workers */
		uint32_t queue;		/* yara.queue */
	} yara;

	struct {
		uint32_t max_file_mb;	/* hashing.max_file_mb */
		uint32_t timeout_ms;	/* hashing.timeout_ms */
		uint32_t cache_entries; /* hashing.cache_entries */
		uint32_t workers;	/* hashing.workers */
	} hashing;

	struct {
		uint32_t ring_mb; /* queues.ring_mb: kernel ring buffer */
		uint32_t events;  /* queues.events: user-space event queue */
		uint32_t alerts;  /* queues.alerts: alerts waiting for the writer */
	} queues;

	struct {
		struct ag_strlist paths;  /* exclude.paths: prefixes of Image/TargetFilename */
		struct ag_strlist images; /* exclude.images: full paths or basenames */
	} exclude;

	struct {
		char *file;	     /* status.file: absolute path, NULL = none (owned) */
		uint32_t interval_s; /* status.interval_s */
	} status;

	/* `sigmac-agent run` only (replay ignores them); the command line overrides. */
	struct {
		struct ag_strlist collect; /* live.collect: event groups (empty: all) */
		uint32_t pid_tree;	   /* live.pid_tree: 0, or one process tree */
		uint32_t wakeup_kb;	   /* live.wakeup_kb: batched wake-ups (0: each) */
		uint32_t poll_ms;	   /* live.poll_ms: longest wait before a drain */
		uint32_t proc_max;	   /* live.proc_max: process table entries */
		uint32_t proc_mb;	   /* live.proc_mb: process table strings, MiB */
		char *capture;		   /* live.capture: JSONL file or NULL (owned) */
		uint32_t stats_interval_s; /* live.stats_interval_s: 0 = at exit only */
		bool verbose;		   /* live.verbose: libbpf messages, hooks left out */
		bool scan_images;	   /* live.scan_images: hash/YARA new process images */
		bool scan_written;	   /* live.scan_written: hash/YARA written files */
		bool ia32_syscalls;	   /* live.ia32_syscalls: collect 32-bit syscalls too */
	} live;
};

/* The names live.collect (and `run --collect`) accepts, NULL-terminated. */
extern const char *const ag_config_collect_names[];

/* Defaults for command. Returns 0 or -ENOMEM (cfg is then safe to _done). */
int ag_config_init(struct ag_config *cfg, enum ag_config_command command);

/* Free what cfg owns (not cfg). */
void ag_config_done(struct ag_config *cfg);

/*
 * Read the YAML file at path over the current settings. Returns 0, or
 * -EINVAL (bad content), -errno (unreadable) with the message
 * ("FILE:LINE:COL: error: key 'k': message", or "FILE: error: ...") in err.
 * On error cfg holds a mix of old and new settings: refuse the start.
 */
int ag_config_load(struct ag_config *cfg, const char *path, char *err, size_t errlen);

/*
 * --alerts FILE|-: alerts go to FILE only ("-": standard output only),
 * replacing alerts.file/stdout/syslog. Returns 0, -EINVAL (empty) or -ENOMEM.
 */
int ag_config_set_alerts(struct ag_config *cfg, const char *arg);

/* --response off|dry-run|kill. Returns 0 or -EINVAL. */
int ag_config_set_response(struct ag_config *cfg, const char *arg);

/* --status-file FILE. Returns 0 or -ENOMEM. */
int ag_config_set_status_file(struct ag_config *cfg, const char *path);

/* "off", "dry-run", "kill". */
const char *ag_response_mode_name(enum ag_response_mode m);

/* Rank of a Sigma level: informational 1, low 2, medium 3, high 4, critical 5; 0 unknown. */
uint8_t ag_level_rank(const char *level);

/* True when path (n bytes) starts with one of the prefixes (at any byte). */
bool ag_strlist_prefix(const struct ag_strlist *l, const char *path, size_t n);

/* True when image (n bytes) equals an entry, or its basename equals an entry without '/'. */
bool ag_strlist_image(const struct ag_strlist *l, const char *image, size_t n);

#endif /* AG_RUNTIME_CONFIG_H */
