// SPDX-License-Identifier: Apache-2.0
/*
 * Health counters, the status file and `sigmac-agent status` (health.h).
 *
 * The status file is one compact JSON object (keys below, stable: tools
 * read it). It is written to "<path>.tmp" and renamed over <path>, so a
 * reader sees the old or the new file, never a mix. The writer thread
 * wakes every interval and at stop; a failed write is remembered
 * (status_err) and retried at the next interval, never fatal.
 *
 *   {"agent":{"type","version","mode","pid","state"},"ruleset","rules_loaded",
 *    "started","updated","updated_unix","uptime_s","interval_s",
 *    "events":{"total","malformed","excluded","by_class":{...}},
 *    "drops":{"kernel","user"},
 *    "alerts":{"matched","written","suppressed","rollups","dropped",
 *              "encode_errors","file"},
 *    "sinks":{"write_failures","retried","pending_bytes","rotations",
 *             "reopens","last_error","last_error_at"},
 *    "response":{"killed","dry_run","skipped","failed"},
 *    "yara":{"scans","cache_hits","timeouts"},
 *    "hashing":{"computed","cache_hits"},
 *    "collection":{"programs_attached","programs","ia32_syscalls"}}  (run only)
 */
#include "health.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jsonw.h"

static const char *const class_names[_AG_HC_MAX] = {
	[AG_HC_PROCESS_CREATION] = "process_creation",
	[AG_HC_PROCESS_TERMINATION] = "process_termination",
	[AG_HC_NETWORK_CONNECTION] = "network_connection",
	[AG_HC_DNS_QUERY] = "dns_query",
	[AG_HC_FILE_EVENT] = "file_event",
	[AG_HC_FILE_DELETE] = "file_delete",
	[AG_HC_FILE_RENAME] = "file_rename",
	[AG_HC_FILE_CHANGE] = "file_change",
	[AG_HC_FILE_ACCESS] = "file_access",
	[AG_HC_IMAGE_LOAD] = "image_load",
	[AG_HC_REGISTRY] = "registry",
	[AG_HC_PS_SCRIPT] = "ps_script",
	[AG_HC_OTHER] = "other",
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ISO 8601 UTC with milliseconds into buf (>= 32 bytes). */
static void fmt_ts(char *buf, size_t n, uint64_t ns)
{
	time_t s = (time_t)(ns / 1000000000ull);
	struct tm tm;

	gmtime_r(&s, &tm);
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)(ns / 1000000ull % 1000));
}

void ag_health_init(struct ag_health *h, const char *mode, const char *version, const char *ruleset,
		    const char *alerts_path)
{
	int i;

	memset(h, 0, sizeof(*h));
	for (i = 0; i < _AG_H_MAX; i++)
		atomic_init(&h->c[i], 0);
	for (i = 0; i < _AG_HC_MAX; i++)
		atomic_init(&h->by_class[i], 0);
	atomic_init(&h->last_errno, 0);
	atomic_init(&h->last_error_ns, 0);
	atomic_init(&h->writes, 0);
	atomic_init(&h->status_err, 0);
	h->started_ns = now_ns();
	h->mode = mode;
	h->version = version;
	h->ruleset = ruleset;
	h->alerts_path = alerts_path;
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->cond, NULL);
}

void ag_health_done(struct ag_health *h)
{
	ag_health_stop(h);
	free(h->status_path);
	h->status_path = NULL;
	pthread_mutex_destroy(&h->lock);
	pthread_cond_destroy(&h->cond);
}

/*
 * Categories are static strings in practice, so the last pointer seen
 * answers almost every call without a string compare.
 */
enum ag_health_class ag_health_class_of(const char *category)
{
	int i;

	if (!category)
		return AG_HC_OTHER;
	if (strncmp(category, "registry_", 9) == 0)
		return AG_HC_REGISTRY;
	if (strncmp(category, "ps_", 3) == 0)
		return AG_HC_PS_SCRIPT;
	for (i = 0; i < AG_HC_OTHER; i++)
		if (strcmp(category, class_names[i]) == 0)
			return (enum ag_health_class)i;
	return AG_HC_OTHER;
}

void ag_health_event(struct ag_health *h, const char *category)
{
	static _Thread_local const char *last_cat;
	static _Thread_local enum ag_health_class last_class = AG_HC_OTHER;
	enum ag_health_class c;

	if (category && category == last_cat) {
		c = last_class;
	} else {
		c = ag_health_class_of(category);
		last_cat = category;
		last_class = c;
	}
	atomic_fetch_add_explicit(&h->by_class[c], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->c[AG_H_EVENTS], 1, memory_order_relaxed);
}

void ag_health_set_error(struct ag_health *h, int err)
{
	atomic_store_explicit(&h->last_errno, err, memory_order_relaxed);
	atomic_store_explicit(&h->last_error_ns, now_ns(), memory_order_relaxed);
}

static void put_c(struct ag_jsonw *w, const char *key, const struct ag_health *h,
		  enum ag_health_counter c)
{
	ag_jsonw_u64(w, key, ag_health_get(h, c));
}

void ag_health_set_collection(struct ag_health *h, uint32_t attached, uint32_t total,
			      const char *ia32)
{
	atomic_store_explicit(&h->progs_attached, attached, memory_order_relaxed);
	atomic_store_explicit(&h->progs, total, memory_order_relaxed);
	atomic_store_explicit(&h->ia32, ia32, memory_order_release);
	/* a status file written before now lacks it: the writer writes again at once */
	pthread_mutex_lock(&h->lock);
	h->write_now = true;
	pthread_cond_signal(&h->cond);
	pthread_mutex_unlock(&h->lock);
}

/* The status object as one line into w (state: "running" or "stopped"). */
static int encode(struct ag_health *h, struct ag_jsonw *w, const char *state)
{
	uint64_t now = now_ns(), err_ns;
	const char *ia32;
	char ts[64];
	size_t mark = ag_jsonw_line_begin(w);
	int i, e;

	ag_jsonw_obj_begin(w, NULL);
	ag_jsonw_obj_begin(w, "agent");
	ag_jsonw_cstr(w, "type", "sigmac-agent");
	ag_jsonw_cstr(w, "version", h->version ? h->version : "");
	ag_jsonw_cstr(w, "mode", h->mode ? h->mode : "");
	ag_jsonw_u64(w, "pid", (uint64_t)getpid());
	ag_jsonw_cstr(w, "state", state);
	ag_jsonw_obj_end(w);
	ag_jsonw_cstr(w, "ruleset", h->ruleset ? h->ruleset : "");
	put_c(w, "rules_loaded", h, AG_H_RULES_LOADED);
	fmt_ts(ts, sizeof(ts), h->started_ns);
	ag_jsonw_cstr(w, "started", ts);
	fmt_ts(ts, sizeof(ts), now);
	ag_jsonw_cstr(w, "updated", ts);
	ag_jsonw_u64(w, "updated_unix", now / 1000000000ull);
	ag_jsonw_u64(w, "uptime_s", (now - h->started_ns) / 1000000000ull);
	ag_jsonw_u64(w, "interval_s", h->interval_s);

	ag_jsonw_obj_begin(w, "events");
	put_c(w, "total", h, AG_H_EVENTS);
	put_c(w, "malformed", h, AG_H_EVENTS_MALFORMED);
	put_c(w, "excluded", h, AG_H_EVENTS_EXCLUDED);
	ag_jsonw_obj_begin(w, "by_class");
	for (i = 0; i < _AG_HC_MAX; i++)
		ag_jsonw_u64(w, class_names[i],
			     atomic_load_explicit(&h->by_class[i], memory_order_relaxed));
	ag_jsonw_obj_end(w);
	ag_jsonw_obj_end(w);

	ag_jsonw_obj_begin(w, "drops");
	put_c(w, "kernel", h, AG_H_DROPS_KERNEL);
	put_c(w, "user", h, AG_H_DROPS_USER);
	ag_jsonw_obj_end(w);

	ag_jsonw_obj_begin(w, "alerts");
	put_c(w, "matched", h, AG_H_ALERTS);
	put_c(w, "written", h, AG_H_ALERTS_WRITTEN);
	put_c(w, "suppressed", h, AG_H_ALERTS_SUPPRESSED);
	put_c(w, "rollups", h, AG_H_ALERTS_ROLLUPS);
	put_c(w, "dropped", h, AG_H_ALERTS_DROPPED);
	put_c(w, "encode_errors", h, AG_H_ALERTS_ENCODE_ERR);
	if (h->alerts_path)
		ag_jsonw_cstr(w, "file", h->alerts_path);
	else
		ag_jsonw_null(w, "file");
	ag_jsonw_obj_end(w);

	ag_jsonw_obj_begin(w, "sinks");
	put_c(w, "write_failures", h, AG_H_WRITE_FAILURES);
	put_c(w, "retried", h, AG_H_WRITE_RETRIED);
	put_c(w, "pending_bytes", h, AG_H_PENDING_BYTES);
	put_c(w, "rotations", h, AG_H_ROTATIONS);
	put_c(w, "reopens", h, AG_H_REOPENS);
	e = atomic_load_explicit(&h->last_errno, memory_order_relaxed);
	err_ns = atomic_load_explicit(&h->last_error_ns, memory_order_relaxed);
	if (e) {
		ag_jsonw_cstr(w, "last_error", strerror(e));
		fmt_ts(ts, sizeof(ts), err_ns);
		ag_jsonw_cstr(w, "last_error_at", ts);
	} else {
		ag_jsonw_null(w, "last_error");
		ag_jsonw_null(w, "last_error_at");
	}
	ag_jsonw_obj_end(w);

	ag_jsonw_obj_begin(w, "response");
	put_c(w, "killed", h, AG_H_RESP_KILLED);
	put_c(w, "dry_run", h, AG_H_RESP_DRY_RUN);
	put_c(w, "skipped", h, AG_H_RESP_SKIPPED);
	put_c(w, "failed", h, AG_H_RESP_FAILED);
	ag_jsonw_obj_end(w);

	ag_jsonw_obj_begin(w, "yara");
	put_c(w, "scans", h, AG_H_YARA_SCANS);
	put_c(w, "cache_hits", h, AG_H_YARA_CACHE_HITS);
	put_c(w, "timeouts", h, AG_H_YARA_TIMEOUTS);
	ag_jsonw_obj_end(w);

	ag_jsonw_obj_begin(w, "hashing");
	put_c(w, "computed", h, AG_H_HASH_COMPUTED);
	put_c(w, "cache_hits", h, AG_H_HASH_CACHE_HITS);
	ag_jsonw_obj_end(w);
	ia32 = atomic_load_explicit(&h->ia32, memory_order_acquire);
	if (ia32) {
		ag_jsonw_obj_begin(w, "collection");
		ag_jsonw_u64(w, "programs_attached",
			     atomic_load_explicit(&h->progs_attached, memory_order_relaxed));
		ag_jsonw_u64(w, "programs", atomic_load_explicit(&h->progs, memory_order_relaxed));
		ag_jsonw_cstr(w, "ia32_syscalls", ia32);
		ag_jsonw_obj_end(w);
	}
	ag_jsonw_obj_end(w);
	return ag_jsonw_line_end(w, mark);
}

static int write_file(const char *path, const char *state, struct ag_health *h)
{
	struct ag_jsonw w;
	char tmp[4096];
	const char *p;
	size_t left;
	int fd, r;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	r = ag_jsonw_init(&w, 4096, 1u << 20);
	if (r < 0)
		return r;
	r = encode(h, &w, state);
	if (r < 0)
		goto out_free;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		r = -errno;
		goto out_free;
	}
	for (p = w.buf, left = w.len; left;) {
		ssize_t n = write(fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : -ENOSPC;
			close(fd);
			unlink(tmp);
			goto out_free;
		}
		p += n;
		left -= (size_t)n;
	}
	if (close(fd) < 0) {
		r = -errno;
		unlink(tmp);
		goto out_free;
	}
	if (rename(tmp, path) < 0) {
		r = -errno;
		unlink(tmp);
		goto out_free;
	}
	atomic_fetch_add_explicit(&h->writes, 1, memory_order_relaxed);
	r = 0;
out_free:
	atomic_store_explicit(&h->status_err, r < 0 ? -r : 0, memory_order_relaxed);
	ag_jsonw_done(&w);
	return r;
}

int ag_health_write(struct ag_health *h, const char *path)
{
	return write_file(path, "running", h);
}

static void *writer(void *arg)
{
	struct ag_health *h = arg;
	struct timespec until;

	pthread_mutex_lock(&h->lock);
	while (!h->stop) {
		pthread_mutex_unlock(&h->lock);
		write_file(h->status_path, "running", h);
		pthread_mutex_lock(&h->lock);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += h->interval_s;
		while (!h->stop && !h->write_now &&
		       pthread_cond_timedwait(&h->cond, &h->lock, &until) != ETIMEDOUT)
			;
		h->write_now = false;
	}
	pthread_mutex_unlock(&h->lock);
	write_file(h->status_path, "stopped", h);
	return NULL;
}

int ag_health_start(struct ag_health *h, const char *path, uint32_t interval_s)
{
	sigset_t all, old;
	int r;

	if (h->running)
		return -EALREADY;
	h->status_path = strdup(path);
	if (!h->status_path)
		return -ENOMEM;
	h->interval_s = interval_s ? interval_s : 1;
	h->stop = false;
	/* The writer never handles signals: the main thread does. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = pthread_create(&h->thread, NULL, writer, h);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r) {
		free(h->status_path);
		h->status_path = NULL;
		return -r;
	}
	h->running = true;
	return 0;
}

void ag_health_stop(struct ag_health *h)
{
	if (!h->running)
		return;
	pthread_mutex_lock(&h->lock);
	h->stop = true;
	pthread_cond_signal(&h->cond);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->thread, NULL);
	h->running = false;
}

/* ---- sigmac-agent status ---- */

/* The unsigned number after "key": in the compact JSON text, or -1. */
static long long find_num(const char *s, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(s, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	if (*p < '0' || *p > '9')
		return -1;
	return strtoll(p, NULL, 10);
}

/* Indent compact JSON (our own output: no spaces outside strings). */
static void pretty(const char *s, size_t n, FILE *f)
{
	int depth = 0, d;
	bool in_str = false, esc = false;
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (in_str) {
			fputc(c, f);
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				in_str = false;
			continue;
		}
		switch (c) {
		case '"':
			in_str = true;
			fputc(c, f);
			break;
		case '{':
		case '[':
			fputc(c, f);
			if (i + 1 < n && (s[i + 1] == '}' || s[i + 1] == ']'))
				break;
			depth++;
			fputc('\n', f);
			for (d = 0; d < depth; d++)
				fputs("  ", f);
			break;
		case '}':
		case ']':
			if (i > 0 && (s[i - 1] == '{' || s[i - 1] == '[')) {
				fputc(c, f);
				break;
			}
			depth--;
			fputc('\n', f);
			for (d = 0; d < depth; d++)
				fputs("  ", f);
			fputc(c, f);
			break;
		case ',':
			fputs(",\n", f);
			for (d = 0; d < depth; d++)
				fputs("  ", f);
			break;
		case ':':
			fputs(": ", f);
			break;
		case '\n':
			break;
		default:
			fputc(c, f);
		}
	}
	fputc('\n', f);
}

int ag_health_print(const char *path, bool json, FILE *f, FILE *err)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	long long pid, upd, ival;
	int fd, ret = 0;
	ssize_t n;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(err, "sigmac-agent: status: cannot read '%s': %s (is the agent running?)\n",
			path, strerror(errno));
		return 2;
	}
	for (;;) {
		if (len + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap ? cap * 2 : 16384);

			if (!nb) {
				ret = 2;
				goto out;
			}
			buf = nb;
			cap = cap ? cap * 2 : 16384;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(err, "sigmac-agent: status: '%s': %s\n", path, strerror(errno));
			ret = 2;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = 0;
	if (json)
		fwrite(buf, 1, len, f);
	else
		pretty(buf, len, f);
	pid = find_num(buf, "pid");
	upd = find_num(buf, "updated_unix");
	ival = find_num(buf, "interval_s");
	if (strstr(buf, "\"state\":\"stopped\"")) {
		fprintf(err, "sigmac-agent: status: the agent (pid %lld) has stopped\n", pid);
		ret = 3;
	} else if (pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH) {
		fprintf(err, "sigmac-agent: status: the agent (pid %lld) is not running\n", pid);
		ret = 3;
	} else if (upd > 0 && ival > 0 && time(NULL) > upd + 3 * ival + 5) {
		fprintf(err, "sigmac-agent: status: stale: last update %lld s ago\n",
			(long long)time(NULL) - upd);
		ret = 3;
	}
out:
	free(buf);
	close(fd);
	return ret;
}
