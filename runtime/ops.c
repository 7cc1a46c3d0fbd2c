// SPDX-License-Identifier: Apache-2.0
/*
 * The operating layer: match -> alert -> dedup -> sinks -> response
 * (ops.h). Owns one scratch writer per line kind, sized once; nothing is
 * allocated per match.
 *
 * Alert ids: event.id is a UUID-shaped string, 64 random bits per agent
 * start and a 48-bit sequence ("xxxxxxxx-xxxx-4xxx-8xxx-<seq hex>"), so a
 * response event can name its alert. Replay adds ids only when response is
 * enabled, so plain replay output stays byte-for-byte reproducible.
 *
 * Logging (log_level): warnings for sink failures (at most one per 10 s),
 * info for response decisions, debug for dedup summaries; to stderr.
 */
#include "ops.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "config.h"
#include "dedup.h"
#include "event.h"
#include "gen_abi.h"
#include "health.h"
#include "jsonw.h"
#include "response.h"
#include "sink.h"

#ifndef AG_VERSION
#define AG_VERSION "0.0.0"
#endif

volatile sig_atomic_t ag_ops_stop;

struct ag_ops {
	const struct ag_config *cfg;  /* borrowed */
	const struct sgr_ruleset *rs; /* borrowed */
	struct ag_health health;
	struct ag_sink *sink;		/* owned */
	struct ag_dedup *dedup;		/* owned, NULL when dedup is off */
	struct ag_response *resp;	/* owned */
	struct ag_jsonw line;		/* one alert */
	struct ag_jsonw rline;		/* one response event */
	struct ag_resp_target target;	/* scratch */
	struct ag_resp_outcome outcome; /* scratch */
	struct ag_alert_ctx ac;
	char host[256];
	char id[48];	/* event.id of the current alert */
	uint64_t id_hi; /* random part */
	uint64_t seq;	/* alerts so far */
	bool ids;	/* write event.id */
	uint64_t last_tick_ms;
	uint64_t last_warn_ms;
	uint64_t warned_failures;
};

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void logf_(const struct ag_ops *ops, enum ag_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void logf_(const struct ag_ops *ops, enum ag_log_level lvl, const char *fmt, ...)
{
	static const char *const names[_AG_LOG_MAX] = {"error", "warning", "info", "debug"};
	va_list ap;

	if (lvl > ops->cfg->log_level)
		return;
	fprintf(stderr, "sigmac-agent: %s: ", names[lvl]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void on_stop(int sig)
{
	(void)sig;
	ag_ops_stop = 1;
}

static void on_hup(int sig)
{
	(void)sig;
	ag_sink_request_reopen();
}

void ag_ops_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop; /* no SA_RESTART: a blocking read returns EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_hup;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int ag_ops_open(struct ag_ops **ret, const struct ag_config *cfg, const struct sgr_ruleset *rs,
		const char *mode, char *err, size_t errlen)
{
	/* Shared: the alert writer process (sink.c) counts in ops->health too. */
	struct ag_ops *ops =
		mmap(NULL, sizeof(*ops), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int r;

	err[0] = 0;
	if (ops == MAP_FAILED)
		return -ENOMEM;
	ops->cfg = cfg;
	ops->rs = rs;
	ag_health_init(&ops->health, mode, AG_VERSION, rs->digest, cfg->alerts.file);
	ag_health_set(&ops->health, AG_H_RULES_LOADED, rs->nrules);
	r = ag_jsonw_init(&ops->line, 16384, cfg->alerts.max_line_bytes);
	if (r == 0)
		r = ag_jsonw_init(&ops->rline, 16384, 1u << 20);
	if (r < 0) {
		snprintf(err, errlen, "%s", strerror(-r));
		goto fail;
	}
	/* First, while this is the only thread: it may fork the alert writer. */
	r = ag_sink_open(&ops->sink, cfg, &ops->health, err, errlen);
	if (r < 0)
		goto fail;
	r = ag_response_new(&ops->resp, cfg, &ops->health);
	if (r == 0 && cfg->dedup.window_s)
		r = ag_dedup_new(&ops->dedup, cfg->dedup.window_s, cfg->dedup.max_entries,
				 cfg->dedup.pool_bytes, cfg->dedup.emit_first);
	if (r < 0) {
		snprintf(err, errlen, "%s", strerror(-r));
		goto fail;
	}
	if (gethostname(ops->host, sizeof(ops->host) - 1) < 0)
		strcpy(ops->host, "localhost");
	ops->ac.host_name = ops->host;
	ops->ac.os_type = "linux";
	ops->ac.agent_version = AG_VERSION;
	ops->ac.ruleset_digest = rs->digest;
	ops->ids = strcmp(mode, "replay") != 0 || ag_response_enabled(ops->resp);
	if (getrandom(&ops->id_hi, sizeof(ops->id_hi), 0) != sizeof(ops->id_hi))
		ops->id_hi = wall_ns() ^ ((uint64_t)getpid() << 32);
	ops->last_tick_ms = mono_ms();
	if (cfg->status.file) {
		r = ag_health_start(&ops->health, cfg->status.file, cfg->status.interval_s);
		if (r < 0) {
			snprintf(err, errlen, "cannot start the status writer: %s", strerror(-r));
			goto fail;
		}
	}
	*ret = ops;
	return 0;
fail:
	ag_sink_close(ops->sink);
	ag_dedup_free(ops->dedup);
	ag_response_free(ops->resp);
	ag_jsonw_done(&ops->line);
	ag_jsonw_done(&ops->rline);
	ag_health_done(&ops->health);
	munmap(ops, sizeof(*ops));
	return r;
}

void ag_ops_set_source(struct ag_ops *ops, const char *path)
{
	ops->ac.source_path = path;
}

int ag_ops_writer_pid(const struct ag_ops *ops)
{
	return ag_sink_writer_pid(ops->sink);
}

struct ag_health *ag_ops_health(struct ag_ops *ops)
{
	return &ops->health;
}

void ag_ops_count_event(struct ag_ops *ops, const char *category)
{
	ag_health_event(&ops->health, category);
}

static bool kv_excluded(const struct ag_ops *ops, const struct ag_kv *kv, bool image)
{
	const struct ag_config *cfg = ops->cfg;

	if (!kv || !kv->val_len)
		return false;
	if (ag_strlist_prefix(&cfg->exclude.paths, kv->val, kv->val_len))
		return true;
	return image && ag_strlist_image(&cfg->exclude.images, kv->val, kv->val_len);
}

bool ag_ops_event_excluded(struct ag_ops *ops, const struct ag_event *ev)
{
	const struct ag_config *cfg = ops->cfg;

	if (!cfg->exclude.paths.n && !cfg->exclude.images.n)
		return false;
	if (kv_excluded(ops, ag_event_get(ev, AG_FIELD_IMAGE), true) ||
	    kv_excluded(ops, ag_event_get(ev, AG_FIELD_TARGETFILENAME), false)) {
		ag_health_add(&ops->health, AG_H_EVENTS_EXCLUDED, 1);
		return true;
	}
	return false;
}

/* A line for the sinks; warns (rate-limited) when they fail. */
static void put_line(struct ag_ops *ops, const char *line, size_t len)
{
	uint64_t f, now;

	ag_sink_write(ops->sink, line, len);
	f = ag_health_get(&ops->health, AG_H_WRITE_FAILURES);
	if (f == ops->warned_failures)
		return;
	now = mono_ms();
	if (ops->last_warn_ms && now - ops->last_warn_ms < 10000)
		return;
	logf_(ops, AG_LOG_WARN,
	      "cannot write alerts (%llu failed attempts so far, %llu bytes waiting, %llu "
	      "alerts dropped): %s",
	      (unsigned long long)f, (unsigned long long)ag_sink_pending(ops->sink),
	      (unsigned long long)ag_health_get(&ops->health, AG_H_ALERTS_DROPPED),
	      strerror(atomic_load(&ops->health.last_errno)));
	ops->warned_failures = f;
	ops->last_warn_ms = now;
}

static void on_rollup(void *arg, const char *line, size_t len)
{
	struct ag_ops *ops = arg;

	ag_health_add(&ops->health, AG_H_ALERTS_ROLLUPS, 1);
	logf_(ops, AG_LOG_DEBUG, "dedup summary: %.*s", (int)(len > 200 ? 200 : len - 1), line);
	put_line(ops, line, len);
}

static void respond(struct ag_ops *ops, const struct sgr_rule *rule, const struct ag_event *ev,
		    uint64_t now_ns, const char *alert_id)
{
	struct ag_resp_target *t = &ops->target;
	struct ag_resp_outcome *o = &ops->outcome;

	if (ag_response_target(ev, t) < 0)
		return;
	ag_response_act(ops->resp, t, o);
	logf_(ops, AG_LOG_INFO, "response (%s): pid %d '%s': %s",
	      ag_response_mode_name(ops->cfg->response.mode), (int)t->pid, t->image, o->reason);
	ag_jsonw_reset(&ops->rline);
	if (ag_response_event(ops->resp, &ops->rline, &ops->ac, rule, t, o, alert_id, now_ns) == 0)
		put_line(ops, ops->rline.buf, ops->rline.len);
}

int ag_ops_alert(struct ag_ops *ops, uint32_t rule, const struct ag_event *ev, uint64_t now_ns)
{
	const struct sgr_rule *r = &ops->rs->rules[rule];
	bool write = true;
	int out = 0;

	ag_health_add(&ops->health, AG_H_ALERTS, 1);
	ops->seq++;
	if (ops->ids) {
		snprintf(ops->id, sizeof(ops->id), "%08x-%04x-4%03x-8%03x-%012llx",
			 (unsigned)(ops->id_hi >> 32), (unsigned)(ops->id_hi >> 16) & 0xffff,
			 (unsigned)(ops->id_hi >> 4) & 0xfff, (unsigned)(ops->id_hi & 0xf) << 8,
			 (unsigned long long)(ops->seq & 0xffffffffffffull));
		ops->ac.event_id = ops->id;
	}
	ag_jsonw_reset(&ops->line);
	if (ag_alert_sigma(&ops->line, &ops->ac, r, ev, now_ns) < 0) {
		ag_health_add(&ops->health, AG_H_ALERTS_ENCODE_ERR, 1);
		write = false;
	}
	if (write && ops->dedup) {
		const struct ag_kv *img = ag_event_get(ev, AG_FIELD_IMAGE);
		const struct ag_kv *cmd = ag_event_get(ev, AG_FIELD_COMMANDLINE);
		uint64_t key = ag_dedup_key(rule, img ? img->val : "", img ? img->val_len : 0,
					    cmd ? cmd->val : "", cmd ? cmd->val_len : 0);

		write = ag_dedup_offer(ops->dedup, key, ops->line.buf, ops->line.len, mono_ms(),
				       now_ns, on_rollup, ops);
		if (!write)
			ag_health_add(&ops->health, AG_H_ALERTS_SUPPRESSED, 1);
	}
	if (write) {
		put_line(ops, ops->line.buf, ops->line.len);
		out = 1;
	}
	if (ag_response_eligible(ops->resp, r))
		respond(ops, r, ev, now_ns, ops->ids ? ops->id : NULL);
	ops->ac.event_id = NULL;
	return out;
}

uint32_t ag_ops_write_lines(struct ag_ops *ops, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	uint32_t n = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl)
			break;
		ag_health_add(&ops->health, AG_H_ALERTS, 1);
		put_line(ops, p, (size_t)(nl - p) + 1);
		p = nl + 1;
		n++;
	}
	return n;
}

void ag_ops_tick(struct ag_ops *ops)
{
	uint64_t now = mono_ms();

	if (now - ops->last_tick_ms < 200)
		return;
	ops->last_tick_ms = now;
	if (ops->dedup)
		ag_dedup_expire(ops->dedup, now, on_rollup, ops);
	ag_sink_tick(ops->sink);
}

void ag_ops_close(struct ag_ops *ops)
{
	if (!ops)
		return;
	if (ops->dedup)
		ag_dedup_flush(ops->dedup, on_rollup, ops);
	ag_sink_close(ops->sink);
	ops->sink = NULL;
	ag_health_stop(&ops->health);
	ag_dedup_free(ops->dedup);
	ag_response_free(ops->resp);
	ag_jsonw_done(&ops->line);
	ag_jsonw_done(&ops->rline);
	ag_health_done(&ops->health);
	munmap(ops, sizeof(*ops));
}
