// SPDX-License-Identifier: Apache-2.0
/*
 * Active response: policy, identity checks, pidfd kill, ECS events
 * (response.h). Linux only; the only action is SIGKILL.
 */
#include "response.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "config.h"
#include "event.h"
#include "gen_abi.h"
#include "health.h"
#include "jsonw.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

#define PF_KTHREAD 0x00200000u

struct ag_response {
	const struct ag_config *cfg; /* borrowed */
	struct ag_health *h;	     /* borrowed */
	enum ag_response_mode mode;  /* in force */
};

static const char *const result_names[_AG_RESP_MAX] = {"killed", "would-kill", "skipped", "failed"};

int ag_response_new(struct ag_response **ret, const struct ag_config *cfg, struct ag_health *h)
{
	struct ag_response *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->cfg = cfg;
	r->h = h;
	r->mode = cfg->response.mode;
	/* Replay acts only when asked on the command line (a config alone never kills). */
	if (cfg->command == AG_CONFIG_REPLAY && !cfg->response.mode_from_cli)
		r->mode = AG_RESPONSE_OFF;
	*ret = r;
	return 0;
}

void ag_response_free(struct ag_response *r)
{
	free(r);
}

bool ag_response_enabled(const struct ag_response *r)
{
	return r->mode != AG_RESPONSE_OFF;
}

/* rule id (bare or "sigma::"), or any tag, in l (case-insensitive). */
static bool rule_listed(const struct ag_strlist *l, const struct sgr_rule *rule)
{
	uint32_t i, t;

	for (i = 0; i < l->n; i++) {
		const char *e = l->v[i];

		if (strncmp(e, "sigma::", 7) == 0)
			e += 7;
		if (rule->id && rule->id[0] && strcasecmp(e, rule->id) == 0)
			return true;
		for (t = 0; t < rule->ntags; t++)
			if (strcasecmp(l->v[i], rule->tags[t]) == 0)
				return true;
	}
	return false;
}

bool ag_response_eligible(const struct ag_response *r, const struct sgr_rule *rule)
{
	const struct ag_config *cfg = r->cfg;

	if (r->mode == AG_RESPONSE_OFF)
		return false;
	if (ag_level_rank(rule->level) < cfg->response.min_level)
		return false;
	if (rule_listed(&cfg->response.exclude, rule))
		return false;
	if (cfg->response.rules.n && !rule_listed(&cfg->response.rules, rule))
		return false;
	return true;
}

struct pstat {
	int32_t ppid;
	uint32_t flags;
	uint64_t start;
};

/* Fields 4 (ppid), 9 (flags) and 22 (starttime) of /proc/PID/stat. */
static int read_stat(int32_t pid, struct pstat *ret)
{
	char path[64], buf[1024];
	unsigned long long v[20];
	const char *p;
	ssize_t n;
	int fd, i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -ESRCH;
	buf[n] = 0;
	p = strrchr(buf, ')'); /* comm may hold spaces and parentheses */
	if (!p || p[1] != ' ')
		return -EINVAL;
	p += 2;
	/* p: field 3 (state), then numbers from field 4 */
	while (*p && *p != ' ')
		p++;
	for (i = 0; i < 19; i++) {
		char *end;

		while (*p == ' ')
			p++;
		v[i] = strtoull(p, &end, 10);
		if (end == p && *p != '-')
			return -EINVAL;
		if (*p == '-') /* negative fields (tty_nr, priority): skip */
			strtoll(p, &end, 10);
		p = end;
	}
	ret->ppid = (int32_t)v[0];   /* field 4 */
	ret->flags = (uint32_t)v[5]; /* field 9 */
	ret->start = v[18];	     /* field 22 */
	return 0;
}

static bool cmdline_empty(int32_t pid)
{
	char path[64], c;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;
	n = read(fd, &c, 1);
	close(fd);
	return n <= 0;
}

static void read_exe(int32_t pid, char *buf, size_t n)
{
	char path[64];
	ssize_t k;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	k = readlink(path, buf, n - 1);
	buf[k > 0 ? k : 0] = 0;
}

/* pid is the agent or one of its ancestors. */
static bool is_self_or_ancestor(int32_t pid)
{
	int32_t p = (int32_t)getpid();
	int hops;

	for (hops = 0; hops < 256 && p > 1; hops++) {
		struct pstat st;

		if (p == pid)
			return true;
		if (read_stat(p, &st) < 0)
			break;
		p = st.ppid;
	}
	return pid == 1;
}

static const struct ag_kv *field_named(const struct ag_event *ev, const char *name)
{
	size_t n = strlen(name);
	uint32_t i;

	for (i = 0; i < ev->nkv; i++)
		if (ev->kv[i].name_len == n && memcmp(ev->kv[i].name, name, n) == 0)
			return &ev->kv[i];
	return NULL;
}

static bool kv_u64(const struct ag_kv *kv, uint64_t *ret)
{
	uint64_t v = 0;
	uint32_t i;

	if (!kv || !kv->val_len || kv->val_len > 19)
		return false;
	for (i = 0; i < kv->val_len; i++) {
		if (kv->val[i] < '0' || kv->val[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(kv->val[i] - '0');
	}
	*ret = v;
	return true;
}

static void kv_copy(char *dst, size_t n, const struct ag_kv *kv)
{
	size_t k = kv ? kv->val_len : 0;

	if (k >= n)
		k = n - 1;
	if (k)
		memcpy(dst, kv->val, k);
	dst[k] = 0;
}

int ag_response_target(const struct ag_event *ev, struct ag_resp_target *t)
{
	const struct ag_kv *pid = ag_event_get(ev, AG_FIELD_PROCESSID);
	uint64_t v;

	t->pid = 0;
	t->has_start = false;
	t->start_ticks = 0;
	if (!kv_u64(pid, &v) || v > INT32_MAX)
		return -ESRCH;
	t->pid = (int32_t)v;
	kv_copy(t->image, sizeof(t->image), ag_event_get(ev, AG_FIELD_IMAGE));
	kv_copy(t->cmd, sizeof(t->cmd), ag_event_get(ev, AG_FIELD_COMMANDLINE));
	if (kv_u64(field_named(ev, "ProcessStartTicks"), &v)) {
		t->has_start = true;
		t->start_ticks = v;
	} else {
		struct pstat st;

		if (read_stat(t->pid, &st) == 0) {
			t->has_start = true;
			t->start_ticks = st.start;
		}
	}
	return 0;
}

static enum ag_resp_result done(struct ag_response *r, struct ag_resp_outcome *o,
				enum ag_resp_result res, const char *reason)
{
	static const enum ag_health_counter ctr[_AG_RESP_MAX] = {
		AG_H_RESP_KILLED, AG_H_RESP_DRY_RUN, AG_H_RESP_SKIPPED, AG_H_RESP_FAILED};

	o->result = res;
	snprintf(o->reason, sizeof(o->reason), "%s", reason);
	ag_health_add(r->h, ctr[res], 1);
	return res;
}

/* The event's image and the real one agree (directly or through symlinks). */
static bool same_image(const char *image, const char *exe)
{
	char real[PATH_MAX];
	size_t n = strlen(exe);

	if (!image[0] || strcmp(image, exe) == 0)
		return true;
	if (n > 10 && strcmp(exe + n - 10, " (deleted)") == 0 && strncmp(image, exe, n - 10) == 0 &&
	    !image[n - 10])
		return true;
	return realpath(image, real) && strcmp(real, exe) == 0;
}

enum ag_resp_result ag_response_act(struct ag_response *r, const struct ag_resp_target *t,
				    struct ag_resp_outcome *o)
{
	const struct ag_config *cfg = r->cfg;
	struct pstat st;
	char why[160];
	int pidfd, e;

	o->exe[0] = 0;
	if (t->pid <= 1)
		return done(r, o, AG_RESP_SKIPPED, "protected: pid 0 or 1");
	if (is_self_or_ancestor(t->pid))
		return done(r, o, AG_RESP_SKIPPED, "protected: the agent or its ancestor");
	if (t->image[0] &&
	    (ag_strlist_image(&cfg->response.allow_images, t->image, strlen(t->image)) ||
	     ag_strlist_prefix(&cfg->response.allow_paths, t->image, strlen(t->image))))
		return done(r, o, AG_RESP_SKIPPED, "allowlisted image");
	pidfd = (int)syscall(SYS_pidfd_open, (pid_t)t->pid, 0);
	if (pidfd < 0) {
		e = errno;
		if (e == ESRCH)
			return done(r, o, AG_RESP_SKIPPED, "process gone");
		snprintf(why, sizeof(why), "pidfd_open: %s", strerror(e));
		return done(r, o, AG_RESP_FAILED, why);
	}
	/* From here the pidfd pins the process; check that it is the one matched. */
	if (read_stat(t->pid, &st) < 0) {
		close(pidfd);
		return done(r, o, AG_RESP_SKIPPED, "process gone");
	}
	if ((st.flags & PF_KTHREAD) || t->pid == 2 || (st.ppid == 2 && cmdline_empty(t->pid))) {
		close(pidfd);
		return done(r, o, AG_RESP_SKIPPED, "protected: kernel thread");
	}
	if (t->has_start && st.start != t->start_ticks) {
		close(pidfd);
		snprintf(why, sizeof(why),
			 "pid reused: start time %llu differs from the matched process's %llu",
			 (unsigned long long)st.start, (unsigned long long)t->start_ticks);
		return done(r, o, AG_RESP_SKIPPED, why);
	}
	read_exe(t->pid, o->exe, sizeof(o->exe));
	if (o->exe[0] && !same_image(t->image, o->exe)) {
		close(pidfd);
		return done(r, o, AG_RESP_SKIPPED, "image differs from the matched process's");
	}
	if (o->exe[0] && (ag_strlist_image(&cfg->response.allow_images, o->exe, strlen(o->exe)) ||
			  ag_strlist_prefix(&cfg->response.allow_paths, o->exe, strlen(o->exe)))) {
		close(pidfd);
		return done(r, o, AG_RESP_SKIPPED, "allowlisted image");
	}
	if (is_self_or_ancestor(t->pid)) {
		close(pidfd);
		return done(r, o, AG_RESP_SKIPPED, "protected: the agent or its ancestor");
	}
	if (r->mode != AG_RESPONSE_KILL) {
		close(pidfd);
		return done(r, o, AG_RESP_WOULD_KILL, "dry-run");
	}
	if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0) {
		e = errno;
		close(pidfd);
		if (e == ESRCH)
			return done(r, o, AG_RESP_SKIPPED, "process gone");
		snprintf(why, sizeof(why), "pidfd_send_signal: %s", strerror(e));
		return done(r, o, AG_RESP_FAILED, why);
	}
	close(pidfd);
	return done(r, o, AG_RESP_KILLED, "killed");
}

static void fmt_ts(char *buf, size_t n, uint64_t ns)
{
	time_t s = (time_t)(ns / 1000000000ull);
	struct tm tm;

	gmtime_r(&s, &tm);
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)(ns / 1000000ull % 1000));
}

int ag_response_event(const struct ag_response *r, struct ag_jsonw *w,
		      const struct ag_alert_ctx *ac, const struct sgr_rule *rule,
		      const struct ag_resp_target *t, const struct ag_resp_outcome *o,
		      const char *alert_id, uint64_t now_ns)
{
	static const char *const outcome[_AG_RESP_MAX] = {"success", "unknown", "unknown",
							  "failure"};
	size_t mark = ag_jsonw_line_begin(w);
	char ts[64], id[80];

	fmt_ts(ts, sizeof(ts), now_ns);
	ag_jsonw_obj_begin(w, NULL);
	ag_jsonw_cstr(w, "@timestamp", ts);
	ag_jsonw_obj_begin(w, "ecs");
	ag_jsonw_cstr(w, "version", ac && ac->ecs_version ? ac->ecs_version : AG_ECS_VERSION);
	ag_jsonw_obj_end(w);
	ag_jsonw_obj_begin(w, "event");
	ag_jsonw_cstr(w, "kind", "event");
	ag_jsonw_arr_begin(w, "category");
	ag_jsonw_cstr(w, NULL, "process");
	ag_jsonw_arr_end(w);
	ag_jsonw_arr_begin(w, "type");
	ag_jsonw_cstr(w, NULL, o->result == AG_RESP_KILLED ? "end" : "info");
	ag_jsonw_arr_end(w);
	ag_jsonw_cstr(w, "action", "process-kill");
	ag_jsonw_cstr(w, "outcome", outcome[o->result]);
	ag_jsonw_cstr(w, "reason", o->reason);
	ag_jsonw_cstr(w, "module", "sigmac");
	ag_jsonw_cstr(w, "dataset", "sigmac.response");
	ag_jsonw_cstr(w, "created", ts);
	ag_jsonw_obj_end(w);
	ag_jsonw_obj_begin(w, "rule");
	snprintf(id, sizeof(id), "sigma::%s", rule->id ? rule->id : "");
	ag_jsonw_cstr(w, "id", id);
	ag_jsonw_cstr(w, "name", rule->title ? rule->title : "");
	ag_jsonw_obj_end(w);
	if (ac && ac->host_name) {
		ag_jsonw_obj_begin(w, "host");
		ag_jsonw_cstr(w, "name", ac->host_name);
		ag_jsonw_obj_end(w);
	}
	ag_jsonw_obj_begin(w, "agent");
	ag_jsonw_cstr(w, "type", "sigmac-agent");
	if (ac && ac->agent_version)
		ag_jsonw_cstr(w, "version", ac->agent_version);
	ag_jsonw_obj_end(w);
	ag_jsonw_obj_begin(w, "process");
	ag_jsonw_u64(w, "pid", (uint64_t)(t->pid > 0 ? t->pid : 0));
	if (o->exe[0])
		ag_jsonw_cstr(w, "executable", o->exe);
	else if (t->image[0])
		ag_jsonw_cstr(w, "executable", t->image);
	if (t->cmd[0])
		ag_jsonw_cstr(w, "command_line", t->cmd);
	ag_jsonw_obj_end(w);
	ag_jsonw_obj_begin(w, "sigmac");
	ag_jsonw_obj_begin(w, "response");
	ag_jsonw_cstr(w, "mode", ag_response_mode_name(r->mode));
	ag_jsonw_cstr(w, "result", result_names[o->result]);
	ag_jsonw_bool(w, "dry_run", r->mode != AG_RESPONSE_KILL);
	if (alert_id)
		ag_jsonw_cstr(w, "alert_id", alert_id);
	if (t->has_start)
		ag_jsonw_u64(w, "start_ticks", t->start_ticks);
	ag_jsonw_obj_end(w);
	ag_jsonw_obj_end(w);
	ag_jsonw_obj_end(w);
	return ag_jsonw_line_end(w, mark);
}
