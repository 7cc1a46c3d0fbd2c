// SPDX-License-Identifier: Apache-2.0
/*
 * Configuration file and overrides (config.h).
 *
 * The file is read with libyaml into a small node tree that keeps every
 * node's line and column, then walked against one table of settings
 * (`keys` below: dotted name, kind, range, where it lands in struct
 * ag_config). The table is the single source of truth: a key not in it is
 * refused, and tools/sigmac-agent.yml documents each entry.
 *
 * What it does not do: YAML beyond what a config needs. Anchors and
 * aliases, tags, several documents and non-scalar keys are refused with a
 * message rather than half-supported.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <yaml.h>

/* ---- the node tree ---- */

enum node_type { N_SCALAR, N_SEQ, N_MAP };

struct node {
	enum node_type type;
	char *s;	   /* scalar text, NUL-terminated (owned) */
	bool plain;	   /* scalar written without quotes */
	unsigned line;	   /* 1-based */
	unsigned col;	   /* 1-based */
	struct node **kid; /* sequence items, or map key, value, key, value... (owned) */
	uint32_t n;
};

struct parse {
	yaml_parser_t p;
	const char *file;
	char *err;
	size_t errlen;
	char last_key[128]; /* for syntax errors: the key being read */
	bool stdout_set;    /* alerts.stdout was given */
};

static void node_free(struct node *n)
{
	uint32_t i;

	if (!n)
		return;
	for (i = 0; i < n->n; i++)
		node_free(n->kid[i]);
	free(n->kid);
	free(n->s);
	free(n);
}

static int node_push(struct node *parent, struct node *kid)
{
	struct node **k = reallocarray(parent->kid, parent->n + 1, sizeof(*k));

	if (!k)
		return -ENOMEM;
	parent->kid = k;
	parent->kid[parent->n++] = kid;
	return 0;
}

static int perr(struct parse *ps, unsigned line, unsigned col, const char *key, const char *fmt,
		...) __attribute__((format(printf, 5, 6)));

static int perr(struct parse *ps, unsigned line, unsigned col, const char *key, const char *fmt,
		...)
{
	size_t o;
	va_list ap;

	o = (size_t)snprintf(ps->err, ps->errlen, "%s:%u:%u: error: key '%s': ", ps->file, line,
			     col, key && key[0] ? key : "(document)");
	if (o < ps->errlen) {
		va_start(ap, fmt);
		vsnprintf(ps->err + o, ps->errlen - o, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static int next_event(struct parse *ps, yaml_event_t *ev)
{
	if (yaml_parser_parse(&ps->p, ev))
		return 0;
	return perr(ps, (unsigned)ps->p.problem_mark.line + 1,
		    (unsigned)ps->p.problem_mark.column + 1, ps->last_key, "invalid YAML: %s%s%s",
		    ps->p.problem ? ps->p.problem : "syntax error", ps->p.context ? " " : "",
		    ps->p.context ? ps->p.context : "");
}

/*
 * Build the node for the event ev (already read) and, for collections,
 * everything up to its end. The new node is returned in *ret (owned by the
 * caller). is_key: the scalar is a mapping key (remembered for messages).
 */
static int build(struct parse *ps, yaml_event_t *ev, struct node **ret, bool is_key, int depth)
{
	struct node *n;
	yaml_event_t kid;
	int r = 0;

	if (depth > 32)
		return perr(ps, (unsigned)ev->start_mark.line + 1,
			    (unsigned)ev->start_mark.column + 1, ps->last_key, "nested too deeply");
	if (ev->type == YAML_ALIAS_EVENT)
		return perr(ps, (unsigned)ev->start_mark.line + 1,
			    (unsigned)ev->start_mark.column + 1, ps->last_key,
			    "YAML aliases are not supported");
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->line = (unsigned)ev->start_mark.line + 1;
	n->col = (unsigned)ev->start_mark.column + 1;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n->type = N_SCALAR;
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		n->s = strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
		if (!n->s) {
			r = -ENOMEM;
			break;
		}
		if (strlen(n->s) != ev->data.scalar.length)
			r = perr(ps, n->line, n->col, ps->last_key, "NUL byte in value");
		else if (ev->data.scalar.anchor)
			r = perr(ps, n->line, n->col, ps->last_key,
				 "YAML anchors are not supported");
		else if (is_key)
			snprintf(ps->last_key, sizeof(ps->last_key), "%s", n->s);
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		bool map = ev->type == YAML_MAPPING_START_EVENT;
		yaml_event_type_t end = map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
		const yaml_char_t *anchor =
			map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;

		n->type = map ? N_MAP : N_SEQ;
		if (anchor) {
			r = perr(ps, n->line, n->col, ps->last_key,
				 "YAML anchors are not supported");
			break;
		}
		for (;;) {
			struct node *k = NULL;

			r = next_event(ps, &kid);
			if (r < 0)
				break;
			if (kid.type == end) {
				yaml_event_delete(&kid);
				break;
			}
			r = build(ps, &kid, &k, map && (n->n % 2 == 0), depth + 1);
			yaml_event_delete(&kid);
			if (r == 0)
				r = node_push(n, k);
			if (r < 0) {
				node_free(k);
				break;
			}
		}
		break;
	}
	default:
		r = perr(ps, n->line, n->col, ps->last_key, "unexpected YAML event");
	}
	if (r < 0) {
		node_free(n);
		return r;
	}
	*ret = n;
	return 0;
}

/* Parse a whole file into *ret (NULL for an empty document). */
static int parse_file(struct parse *ps, FILE *f, struct node **ret)
{
	yaml_event_t ev;
	struct node *root = NULL;
	int r, docs = 0;

	*ret = NULL;
	yaml_parser_set_input_file(&ps->p, f);
	for (;;) {
		r = next_event(ps, &ev);
		if (r < 0)
			goto fail;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			yaml_event_delete(&ev);
			*ret = root;
			return 0;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				r = perr(ps, (unsigned)ev.start_mark.line + 1,
					 (unsigned)ev.start_mark.column + 1, NULL,
					 "only one YAML document is allowed");
				yaml_event_delete(&ev);
				goto fail;
			}
			break;
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			break;
		default:
			r = build(ps, &ev, &root, false, 0);
			if (r < 0) {
				yaml_event_delete(&ev);
				goto fail;
			}
		}
		yaml_event_delete(&ev);
	}
fail:
	node_free(root);
	return r;
}

/* ---- the settings ---- */

enum kind {
	K_BOOL,	    /* bool */
	K_U32,	    /* uint32_t in [min, max] */
	K_U64,	    /* uint64_t = value * scale, value in [min, max] */
	K_PATH,	    /* char *: absolute path, or null/"" for none */
	K_STR,	    /* char *: non-empty */
	K_PATHS,    /* struct ag_strlist of absolute path prefixes */
	K_NAMES,    /* struct ag_strlist of non-empty strings */
	K_LEVEL,    /* uint8_t severity from a Sigma level name */
	K_LOG,	    /* enum ag_log_level */
	K_MODE,	    /* enum ag_response_mode */
	K_FACILITY, /* int LOG_* facility */
	K_GROUPS,   /* struct ag_strlist of ag_config_collect_names */
};

struct key {
	const char *name; /* "section.key" or "key" */
	enum kind kind;
	size_t off;
	uint64_t min, max, scale;
};

#define C(f) offsetof(struct ag_config, f)
static const struct key keys[] = {
	{"log_level", K_LOG, C(log_level), 0, 0, 0},
	{"alerts.file", K_PATH, C(alerts.file), 0, 0, 0},
	{"alerts.stdout", K_BOOL, C(alerts.stdout_), 0, 0, 0},
	{"alerts.syslog", K_BOOL, C(alerts.syslog), 0, 0, 0},
	{"alerts.syslog_ident", K_STR, C(alerts.syslog_ident), 0, 0, 0},
	{"alerts.syslog_facility", K_FACILITY, C(alerts.syslog_facility), 0, 0, 0},
	{"alerts.group_read", K_BOOL, C(alerts.group_read), 0, 0, 0},
	{"alerts.rotate_size_mb", K_U64, C(alerts.rotate_bytes), 0, 1u << 20, 1u << 20},
	{"alerts.rotate_daily", K_BOOL, C(alerts.rotate_daily), 0, 0, 0},
	{"alerts.rotate_keep", K_U32, C(alerts.rotate_keep), 0, 1000, 0},
	{"alerts.retry_buffer_kb", K_U64, C(alerts.retry_bytes), 0, 1u << 20, 1024},
	{"alerts.max_line_kb", K_U32, C(alerts.max_line_bytes), 4, 65536, 1024},
	{"dedup.window_s", K_U32, C(dedup.window_s), 0, 86400, 0},
	{"dedup.max_entries", K_U32, C(dedup.max_entries), 1, 1u << 20, 0},
	{"dedup.pool_kb", K_U64, C(dedup.pool_bytes), 64, 1u << 22, 1024},
	{"dedup.emit_first", K_BOOL, C(dedup.emit_first), 0, 0, 0},
	{"response.mode", K_MODE, C(response.mode), 0, 0, 0},
	{"response.min_level", K_LEVEL, C(response.min_level), 0, 0, 0},
	{"response.rules", K_NAMES, C(response.rules), 0, 0, 0},
	{"response.exclude_rules", K_NAMES, C(response.exclude), 0, 0, 0},
	{"response.allow_images", K_NAMES, C(response.allow_images), 0, 0, 0},
	{"response.allow_paths", K_PATHS, C(response.allow_paths), 0, 0, 0},
	{"response.queue", K_U32, C(response.queue), 1, 1u << 20, 0},
	{"yara.max_file_mb", K_U32, C(yara.max_file_mb), 1, 4096, 0},
	{"yara.timeout_ms", K_U32, C(yara.timeout_ms), 1, 600000, 0},
	{"yara.cache_entries", K_U32, C(yara.cache_entries), 0, 1u << 24, 0},
	{"yara.workers", K_U32, C(yara.workers), 1, 64, 0},
	{"yara.queue", K_U32, C(yara.queue), 1, 1u << 20, 0},
	{"hashing.max_file_mb", K_U32, C(hashing.max_file_mb), 1, 4096, 0},
	{"hashing.timeout_ms", K_U32, C(hashing.timeout_ms), 1, 600000, 0},
	{"hashing.cache_entries", K_U32, C(hashing.cache_entries), 0, 1u << 24, 0},
	{"hashing.workers", K_U32, C(hashing.workers), 1, 64, 0},
	{"queues.ring_mb", K_U32, C(queues.ring_mb), 1, 1024, 0},
	{"queues.events", K_U32, C(queues.events), 16, 1u << 24, 0},
	{"queues.alerts", K_U32, C(queues.alerts), 16, 1u << 24, 0},
	{"exclude.paths", K_PATHS, C(exclude.paths), 0, 0, 0},
	{"exclude.images", K_NAMES, C(exclude.images), 0, 0, 0},
	{"status.file", K_PATH, C(status.file), 0, 0, 0},
	{"status.interval_s", K_U32, C(status.interval_s), 1, 86400, 0},
	{"live.collect", K_GROUPS, C(live.collect), 0, 0, 0},
	{"live.pid_tree", K_U32, C(live.pid_tree), 0, 0x7fffffff, 0},
	{"live.wakeup_kb", K_U32, C(live.wakeup_kb), 0, 1u << 20, 0},
	{"live.poll_ms", K_U32, C(live.poll_ms), 1, 10000, 0},
	{"live.proc_max", K_U32, C(live.proc_max), 64, 1u << 22, 0},
	{"live.proc_mb", K_U32, C(live.proc_mb), 1, 4096, 0},
	{"live.capture", K_PATH, C(live.capture), 0, 0, 0},
	{"live.stats_interval_s", K_U32, C(live.stats_interval_s), 0, 86400, 0},
	{"live.verbose", K_BOOL, C(live.verbose), 0, 0, 0},
	{"live.scan_images", K_BOOL, C(live.scan_images), 0, 0, 0},
	{"live.scan_written", K_BOOL, C(live.scan_written), 0, 0, 0},
	{"live.ia32_syscalls", K_BOOL, C(live.ia32_syscalls), 0, 0, 0},
};

const char *const ag_config_collect_names[] = {
	"process", "network", "dns",	"file", "ptrace", "setid",
	"memfd",   "bpf",     "module", "all",	NULL,
};
#undef C

static const char *const sections[] = {"alerts", "dedup",   "response", "yara", "hashing",
				       "queues", "exclude", "status",	"live"};

static const char *const log_names[_AG_LOG_MAX] = {"error", "warn", "info", "debug"};
static const char *const mode_names[_AG_RESPONSE_MAX] = {"off", "dry-run", "kill"};
static const char *const level_names[] = {"informational", "low", "medium", "high", "critical"};
static const struct {
	const char *name;
	int value;
} facilities[] = {
	{"daemon", LOG_DAEMON},	    {"user", LOG_USER},	    {"auth", LOG_AUTH},
	{"authpriv", LOG_AUTHPRIV}, {"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1},
	{"local2", LOG_LOCAL2},	    {"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4},
	{"local5", LOG_LOCAL5},	    {"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
};

const char *ag_response_mode_name(enum ag_response_mode m)
{
	return m < _AG_RESPONSE_MAX ? mode_names[m] : "?";
}

uint8_t ag_level_rank(const char *level)
{
	size_t i;

	if (!level)
		return 0;
	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcmp(level, level_names[i]) == 0)
			return (uint8_t)(i + 1);
	return 0;
}

static void strlist_free(struct ag_strlist *l)
{
	uint32_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int strlist_add(struct ag_strlist *l, const char *s)
{
	char **v = reallocarray(l->v, l->n + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	l->v = v;
	l->v[l->n] = strdup(s);
	if (!l->v[l->n])
		return -ENOMEM;
	l->n++;
	return 0;
}

bool ag_strlist_prefix(const struct ag_strlist *l, const char *path, size_t n)
{
	uint32_t i;

	for (i = 0; i < l->n; i++) {
		size_t k = strlen(l->v[i]);

		if (k <= n && memcmp(path, l->v[i], k) == 0)
			return true;
	}
	return false;
}

bool ag_strlist_image(const struct ag_strlist *l, const char *image, size_t n)
{
	const char *base = image;
	size_t i, bn;
	uint32_t j;

	for (i = 0; i < n; i++)
		if (image[i] == '/' || image[i] == '\\')
			base = image + i + 1;
	bn = n - (size_t)(base - image);
	for (j = 0; j < l->n; j++) {
		const char *e = l->v[j];
		size_t k = strlen(e);

		if (k == n && memcmp(e, image, n) == 0)
			return true;
		if (!strchr(e, '/') && k == bn && memcmp(e, base, bn) == 0)
			return true;
	}
	return false;
}

static int set_str(char **dst, const char *s)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		return -ENOMEM;
	free(*dst);
	*dst = d;
	return 0;
}

int ag_config_init(struct ag_config *cfg, enum ag_config_command command)
{
	bool run = command == AG_CONFIG_RUN;
	int r = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->command = command;
	cfg->log_level = AG_LOG_INFO;
	if (run)
		r |= set_str(&cfg->alerts.file, "/var/log/sigmac-agent/alerts.ndjson");
	cfg->alerts.stdout_ = !run;
	r |= set_str(&cfg->alerts.syslog_ident, "sigmac-agent");
	cfg->alerts.syslog_facility = LOG_DAEMON;
	cfg->alerts.rotate_bytes = run ? 100ull << 20 : 0;
	cfg->alerts.rotate_keep = 10;
	cfg->alerts.retry_bytes = 4ull << 20;
	cfg->alerts.max_line_bytes = 1u << 20;
	cfg->dedup.window_s = run ? 60 : 0;
	cfg->dedup.max_entries = 10000;
	cfg->dedup.pool_bytes = 8ull << 20;
	cfg->dedup.emit_first = true;
	cfg->response.mode = AG_RESPONSE_OFF;
	cfg->response.min_level = 5; /* critical */
	cfg->response.queue = 128;
	cfg->yara.max_file_mb = 64;
	cfg->yara.timeout_ms = 10000;
	cfg->yara.cache_entries = 4096;
	cfg->yara.workers = 1;
	cfg->yara.queue = 256;
	cfg->hashing.max_file_mb = 64;
	cfg->hashing.timeout_ms = 5000;
	cfg->hashing.cache_entries = 8192;
	cfg->hashing.workers = 1;
	cfg->queues.ring_mb = 16;
	cfg->queues.events = 65536;
	cfg->queues.alerts = 4096;
	if (run)
		r |= set_str(&cfg->status.file, "/run/sigmac-agent/status.json");
	cfg->status.interval_s = 10;
	cfg->live.wakeup_kb = 64;
	cfg->live.poll_ms = 50;
	cfg->live.proc_max = 32768;
	cfg->live.proc_mb = 16;
	cfg->live.scan_images = true;
	return r ? -ENOMEM : 0;
}

void ag_config_done(struct ag_config *cfg)
{
	free(cfg->source);
	free(cfg->alerts.file);
	free(cfg->alerts.syslog_ident);
	strlist_free(&cfg->response.rules);
	strlist_free(&cfg->response.exclude);
	strlist_free(&cfg->response.allow_images);
	strlist_free(&cfg->response.allow_paths);
	strlist_free(&cfg->exclude.paths);
	strlist_free(&cfg->exclude.images);
	free(cfg->status.file);
	strlist_free(&cfg->live.collect);
	free(cfg->live.capture);
	memset(cfg, 0, sizeof(*cfg));
}

static bool is_null(const struct node *v)
{
	return v->type == N_SCALAR && v->plain &&
	       (!v->s[0] || strcmp(v->s, "null") == 0 || strcmp(v->s, "~") == 0);
}

/* Unsigned decimal; false on anything else or overflow. */
static bool parse_u64(const char *s, uint64_t *ret)
{
	uint64_t v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*ret = v;
	return true;
}

/* Index of s in names[0 .. n), or -1. */
static int pick(const char *s, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] && strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

static int set_list(struct parse *ps, const struct key *k, struct ag_strlist *l,
		    const struct node *v)
{
	uint32_t i;
	int r;

	if (v->type != N_SEQ && !is_null(v))
		return perr(ps, v->line, v->col, k->name, "expected a list (e.g. [a, b])");
	strlist_free(l);
	for (i = 0; v->type == N_SEQ && i < v->n; i++) {
		const struct node *e = v->kid[i];

		if (e->type != N_SCALAR)
			return perr(ps, e->line, e->col, k->name, "list entries must be strings");
		if (!e->s[0])
			return perr(ps, e->line, e->col, k->name, "empty list entry");
		if (k->kind == K_PATHS && e->s[0] != '/')
			return perr(ps, e->line, e->col, k->name,
				    "'%s' is not an absolute path prefix", e->s);
		if (k->kind == K_GROUPS && pick(e->s, ag_config_collect_names, 10) < 0)
			return perr(ps, e->line, e->col, k->name,
				    "'%s' is not an event group (process, network, dns, file, "
				    "ptrace, setid, memfd, bpf, module, all)",
				    e->s);
		r = strlist_add(l, e->s);
		if (r < 0)
			return r;
	}
	return 0;
}

static int set_value(struct parse *ps, struct ag_config *cfg, const struct key *k,
		     const struct node *v)
{
	char *base = (char *)cfg + k->off;
	uint64_t u;
	int i;

	if (k->kind == K_PATHS || k->kind == K_NAMES || k->kind == K_GROUPS)
		return set_list(ps, k, (struct ag_strlist *)base, v);
	if (v->type != N_SCALAR)
		return perr(ps, v->line, v->col, k->name, "expected a single value, not a %s",
			    v->type == N_MAP ? "mapping" : "list");
	switch (k->kind) {
	case K_BOOL:
		if (!v->plain || (strcmp(v->s, "true") && strcmp(v->s, "false")))
			return perr(ps, v->line, v->col, k->name,
				    "expected true or false, not '%s'", v->s);
		*(bool *)base = v->s[0] == 't';
		return 0;
	case K_U32:
	case K_U64:
		if (!v->plain || !parse_u64(v->s, &u))
			return perr(ps, v->line, v->col, k->name,
				    "expected a whole number, not '%s'", v->s);
		if (u < k->min || u > k->max)
			return perr(ps, v->line, v->col, k->name,
				    "%llu is out of range (%llu to %llu)", (unsigned long long)u,
				    (unsigned long long)k->min, (unsigned long long)k->max);
		if (k->kind == K_U32)
			*(uint32_t *)base = (uint32_t)(k->scale ? u * k->scale : u);
		else
			*(uint64_t *)base = k->scale ? u * k->scale : u;
		return 0;
	case K_PATH:
		if (is_null(v))
			return set_str((char **)base, NULL);
		if (v->s[0] != '/')
			return perr(ps, v->line, v->col, k->name, "'%s' is not an absolute path",
				    v->s);
		return set_str((char **)base, v->s);
	case K_STR:
		if (!v->s[0])
			return perr(ps, v->line, v->col, k->name, "must not be empty");
		return set_str((char **)base, v->s);
	case K_LEVEL:
		u = ag_level_rank(v->s);
		if (!u)
			return perr(ps, v->line, v->col, k->name,
				    "'%s' is not a level (informational, low, medium, high, "
				    "critical)",
				    v->s);
		*(uint8_t *)base = (uint8_t)u;
		return 0;
	case K_LOG:
		i = pick(v->s, log_names, _AG_LOG_MAX);
		if (i < 0)
			return perr(ps, v->line, v->col, k->name,
				    "'%s' is not a log level (error, warn, info, debug)", v->s);
		*(enum ag_log_level *)base = (enum ag_log_level)i;
		return 0;
	case K_MODE:
		/* YAML 1.1 reads a bare off as false: accept the word either way. */
		i = pick(v->s, mode_names, _AG_RESPONSE_MAX);
		if (i < 0)
			return perr(ps, v->line, v->col, k->name,
				    "'%s' is not a response mode (off, dry-run, kill)", v->s);
		*(enum ag_response_mode *)base = (enum ag_response_mode)i;
		return 0;
	case K_FACILITY:
		for (i = 0; i < (int)(sizeof(facilities) / sizeof(facilities[0])); i++)
			if (strcmp(v->s, facilities[i].name) == 0) {
				*(int *)base = facilities[i].value;
				return 0;
			}
		return perr(ps, v->line, v->col, k->name,
			    "'%s' is not a syslog facility (daemon, user, auth, authpriv, "
			    "local0..local7)",
			    v->s);
	default:
		return -EINVAL;
	}
}

static const struct key *find_key(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* Keys of map m under prefix ("" or "section."). */
static int walk(struct parse *ps, struct ag_config *cfg, const struct node *m, const char *prefix)
{
	uint32_t i, j;
	int r;

	for (i = 0; i + 1 < m->n; i += 2) {
		const struct node *k = m->kid[i], *v = m->kid[i + 1];
		char name[160];
		const struct key *key;

		if (k->type != N_SCALAR)
			return perr(ps, k->line, k->col, prefix, "keys must be plain names");
		snprintf(name, sizeof(name), "%s%s", prefix, k->s);
		for (j = 0; j < i; j += 2)
			if (strcmp(m->kid[j]->s, k->s) == 0)
				return perr(ps, k->line, k->col, name,
					    "duplicate key (first at line %u)", m->kid[j]->line);
		if (!prefix[0] &&
		    pick(k->s, sections, sizeof(sections) / sizeof(sections[0])) >= 0) {
			char sub[160];

			if (is_null(v))
				continue;
			if (v->type != N_MAP)
				return perr(ps, v->line, v->col, name,
					    "expected a mapping of settings");
			snprintf(sub, sizeof(sub), "%s.", k->s);
			r = walk(ps, cfg, v, sub);
			if (r < 0)
				return r;
			continue;
		}
		key = find_key(name);
		if (!key)
			return perr(ps, k->line, k->col, name,
				    "unknown setting (see tools/sigmac-agent.yml)");
		r = set_value(ps, cfg, key, v);
		if (r < 0)
			return r;
		if (key->off == offsetof(struct ag_config, alerts.stdout_))
			ps->stdout_set = true;
	}
	return 0;
}

int ag_config_load(struct ag_config *cfg, const char *path, char *err, size_t errlen)
{
	struct parse ps = {.file = path, .err = err, .errlen = errlen};
	struct node *root = NULL;
	FILE *f;
	int r;

	err[0] = 0;
	f = fopen(path, "rb");
	if (!f) {
		r = -errno;
		snprintf(err, errlen, "%s: error: cannot read the configuration: %s", path,
			 strerror(errno));
		return r;
	}
	if (!yaml_parser_initialize(&ps.p)) {
		fclose(f);
		return -ENOMEM;
	}
	r = parse_file(&ps, f, &root);
	if (r == -ENOMEM && !err[0])
		snprintf(err, errlen, "%s: error: out of memory", path);
	if (r < 0)
		goto out;
	if (root && root->type != N_MAP && !is_null(root)) {
		r = perr(&ps, root->line, root->col, NULL,
			 "the configuration must be a mapping of settings");
		goto out;
	}
	if (root && root->type == N_MAP)
		r = walk(&ps, cfg, root, "");
	/* Replay prints alerts unless the file names an alert file and says nothing of stdout. */
	if (r == 0 && cfg->command == AG_CONFIG_REPLAY && cfg->alerts.file && !ps.stdout_set)
		cfg->alerts.stdout_ = false;
	if (r == 0)
		r = set_str(&cfg->source, path);
	if (r == -ENOMEM && !err[0])
		snprintf(err, errlen, "%s: error: out of memory", path);
out:
	node_free(root);
	yaml_parser_delete(&ps.p);
	fclose(f);
	return r;
}

int ag_config_set_alerts(struct ag_config *cfg, const char *arg)
{
	if (!arg || !arg[0])
		return -EINVAL;
	cfg->alerts.syslog = false;
	if (strcmp(arg, "-") == 0) {
		cfg->alerts.stdout_ = true;
		return set_str(&cfg->alerts.file, NULL);
	}
	cfg->alerts.stdout_ = false;
	return set_str(&cfg->alerts.file, arg);
}

int ag_config_set_response(struct ag_config *cfg, const char *arg)
{
	int i = arg ? pick(arg, mode_names, _AG_RESPONSE_MAX) : -1;

	if (i < 0)
		return -EINVAL;
	cfg->response.mode = (enum ag_response_mode)i;
	cfg->response.mode_from_cli = true;
	return 0;
}

int ag_config_set_status_file(struct ag_config *cfg, const char *path)
{
	return set_str(&cfg->status.file, path);
}
