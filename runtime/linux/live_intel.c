// SPDX-License-Identifier: Apache-2.0
/*
 * IOC and YARA checks of live events (live_intel.h).
 *
 * The ring: slot i of nslots holds the event of scan job (cookie) c with
 * c % nslots == i. fscan returns results in submission order, so the
 * oldest job in flight is always ring[tail % nslots]; a submission needs
 * head - tail < nslots. Snapshots copy every field whose name and value
 * still fit into the slot's buffer (the first fields, ProcessId, Image,
 * CommandLine, always do).
 */
#include "live_intel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "config.h"
#include "event.h"
#include "fscan.h"
#include "gen_abi.h"
#include "health.h"
#include "intel.h"
#include "ioc.h"
#include "jsonw.h"
#include "ops.h"

struct snap {
	struct ag_event ev;
	char *buf; /* AG_LIVE_INTEL_SNAP bytes (owned) */
};

/* A created file waiting for its content (scan_written). */
struct deferred {
	uint64_t due_ms; /* CLOCK_MONOTONIC */
	bool cancelled;	 /* a change or rename of the path was queued since */
	struct snap s;
};

struct ag_live_intel {
	const struct sgr_intel *in;
	const struct ag_config *cfg;
	struct ag_ops *ops;
	const struct ag_alert_ctx *ac;
	struct ag_intel *it; /* YARA rules and the scan pool (owned) */
	struct ag_fscan *fs; /* it's pool, NULL when no file work */
	struct snap *ring;   /* nslots (owned) */
	uint32_t nslots;
	uint64_t head, tail;   /* jobs submitted, handled */
	struct deferred *dq;   /* created files, AG_LIVE_INTEL_DEFER_SLOTS (owned), or NULL */
	uint64_t dhead, dtail; /* deferred queued, submitted */
	struct ag_jsonw out;   /* pending alert lines */
	struct ag_fscan_result res;
	uint64_t now_ns; /* of the event being checked (IOC callback) */
	const struct ag_event *ev;
	uint64_t ns_per_tick;	    /* /proc/PID/stat start time unit */
	struct ag_fscan_stats seen; /* pool counters already in health */
	uint64_t drops_seen;
	struct ag_live_intel_stats st;
	char path[AG_FSCAN_PATH_MAX];  /* the file of the event being checked */
	char dpath[AG_FSCAN_PATH_MAX]; /* the file of a delayed scan (submit_deferred) */
	char link[AG_FSCAN_PATH_MAX];
};

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int snap_init(struct snap *s, uint32_t nfields)
{
	s->buf = malloc(AG_LIVE_INTEL_SNAP);
	if (!s->buf || ag_event_init(&s->ev, nfields) < 0)
		return -ENOMEM;
	return 0;
}

static void snap_done(struct snap *s)
{
	ag_event_done(&s->ev);
	free(s->buf);
}

static bool has_category(const struct ag_event *ev, const char *cat)
{
	uint8_t i;

	for (i = 0; i < ev->ncategory; i++)
		if (ev->category[i] && strcmp(ev->category[i], cat) == 0)
			return true;
	return false;
}

int ag_live_intel_new(struct ag_live_intel **ret, const struct sgr_intel *in,
		      const struct sgr_ruleset *rs, const struct ag_config *cfg, struct ag_ops *ops,
		      const struct ag_alert_ctx *ac)
{
	struct ag_intel_opts io = {0};
	struct ag_live_intel *li;
	long tck = sysconf(_SC_CLK_TCK);
	uint32_t i;
	int r;

	li = calloc(1, sizeof(*li));
	if (!li)
		return -ENOMEM;
	li->in = in;
	li->cfg = cfg;
	li->ops = ops;
	li->ac = ac;
	li->ns_per_tick = tck > 0 ? 1000000000ull / (uint64_t)tck : 10000000ull;
	io.files = cfg->live.scan_images || cfg->live.scan_written;
	io.threads =
		cfg->yara.workers > cfg->hashing.workers ? cfg->yara.workers : cfg->hashing.workers;
	io.max_size = (uint64_t)(cfg->yara.max_file_mb > cfg->hashing.max_file_mb
					 ? cfg->yara.max_file_mb
					 : cfg->hashing.max_file_mb)
		      << 20;
	io.yara_timeout_s = (int)((cfg->yara.timeout_ms + 999) / 1000);
	r = ag_jsonw_init(&li->out, 64u * 1024, 64u << 20);
	if (r < 0)
		goto fail;
	r = ag_intel_new(in, rs, &io, &li->it);
	if (r < 0)
		goto fail;
	li->fs = ag_intel_fscan(li->it);
	if (li->fs) {
		li->nslots = cfg->yara.queue < AG_LIVE_INTEL_SLOTS_MAX ? cfg->yara.queue
								       : AG_LIVE_INTEL_SLOTS_MAX;
		li->ring = calloc(li->nslots, sizeof(*li->ring));
		if (!li->ring) {
			r = -ENOMEM;
			goto fail;
		}
		for (i = 0; i < li->nslots; i++) {
			r = snap_init(&li->ring[i], rs->nfields);
			if (r < 0)
				goto fail;
		}
	}
	if (li->fs && cfg->live.scan_written) {
		li->dq = calloc(AG_LIVE_INTEL_DEFER_SLOTS, sizeof(*li->dq));
		if (!li->dq) {
			r = -ENOMEM;
			goto fail;
		}
		for (i = 0; i < AG_LIVE_INTEL_DEFER_SLOTS; i++) {
			r = snap_init(&li->dq[i].s, rs->nfields);
			if (r < 0)
				goto fail;
		}
	}
	*ret = li;
	return 0;
fail:
	ag_live_intel_free(li);
	return r;
}

void ag_live_intel_free(struct ag_live_intel *li)
{
	uint32_t i;

	if (!li)
		return;
	ag_intel_free(li->it); /* stops the pool before the snapshots go */
	for (i = 0; li->ring && i < li->nslots; i++)
		snap_done(&li->ring[i]);
	free(li->ring);
	for (i = 0; li->dq && i < AG_LIVE_INTEL_DEFER_SLOTS; i++)
		snap_done(&li->dq[i].s);
	free(li->dq);
	ag_jsonw_done(&li->out);
	free(li);
}

static void flush(struct ag_live_intel *li)
{
	if (!li->out.len)
		return;
	ag_ops_write_lines(li->ops, li->out.buf, li->out.len);
	ag_jsonw_reset(&li->out);
}

static void on_ioc(void *arg, const struct ag_ioc_hit *hit, const char *field, const char *observed,
		   size_t observed_len)
{
	struct ag_live_intel *li = arg;

	if (ag_alert_ioc(&li->out, li->ac, li->in, hit, field, observed, observed_len, li->ev, NULL,
			 li->now_ns) == 0)
		li->st.ioc_alerts++;
}

/* Copy ev into s: routing, then every field that fits. */
static void snap_copy(struct snap *s, const struct ag_event *ev)
{
	size_t used = 0;
	uint32_t i;

	ag_event_reset(&s->ev);
	s->ev.product = ev->product;
	memcpy(s->ev.category, ev->category, sizeof(s->ev.category));
	s->ev.ncategory = ev->ncategory;
	s->ev.service = ev->service;
	s->ev.ls_static = ev->ls_static;
	s->ev.ts_ns = ev->ts_ns;
	s->ev.seq = ev->seq;
	s->ev.raw = NULL;
	s->ev.raw_len = 0;
	for (i = 0; i < ev->nkv; i++) {
		const struct ag_kv *kv = &ev->kv[i];
		char *p = s->buf + used;

		if ((size_t)kv->name_len + kv->val_len > AG_LIVE_INTEL_SNAP - used)
			continue;
		memcpy(p, kv->name, kv->name_len);
		memcpy(p + kv->name_len, kv->val, kv->val_len);
		used += (size_t)kv->name_len + kv->val_len;
		ag_event_add(&s->ev, p, kv->name_len, p + kv->name_len, kv->val_len, kv->flags,
			     kv->id);
	}
}

/* kv as a NUL-terminated absolute path in buf, or NULL. */
static const char *kv_path(const struct ag_kv *kv, char *buf, size_t cap)
{
	if (!kv || !kv->val_len || kv->val_len >= cap || kv->val[0] != '/' ||
	    memchr(kv->val, 0, kv->val_len))
		return NULL;
	memcpy(buf, kv->val, kv->val_len);
	buf[kv->val_len] = 0;
	return buf;
}

/*
 * The executable of process tgid started at start_ns, if it still runs the
 * image the event names: an fd of /proc/PID/exe (the very file executed,
 * even when its path now names another or none), else -1.
 */
static int open_image(struct ag_live_intel *li, uint32_t tgid, uint64_t start_ns, const char *image)
{
	char p[32], stat[1024], *s;
	unsigned long long st = 0;
	int dfd, fd = -1, sfd;
	size_t il = strlen(image);
	ssize_t n;

	snprintf(p, sizeof(p), "/proc/%u", tgid);
	dfd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	sfd = openat(dfd, "stat", O_RDONLY | O_CLOEXEC);
	if (sfd < 0)
		goto out;
	n = read(sfd, stat, sizeof(stat) - 1);
	close(sfd);
	if (n <= 0)
		goto out;
	stat[n] = 0;
	/* field 22 (starttime): the 20th after the ')' that ends comm */
	s = strrchr(stat, ')');
	if (!s ||
	    sscanf(s + 2,
		   "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d "
		   "%*d %*d %llu",
		   &st) != 1 ||
	    st != start_ns / li->ns_per_tick)
		goto out; /* another process has the pid now */
	n = readlinkat(dfd, "exe", li->link, sizeof(li->link) - 1);
	if (n <= 0)
		goto out;
	li->link[n] = 0;
	/* the same path, or the same file deleted or replaced since ("PATH (deleted)") */
	if (strncmp(li->link, image, il) != 0 ||
	    (li->link[il] && strcmp(li->link + il, " (deleted)") != 0))
		goto out; /* it has executed something else since */
	fd = openat(dfd, "exe", O_RDONLY | O_CLOEXEC);
out:
	close(dfd);
	return fd;
}

/* A change or rename of path is being scanned: its pending create scan is not needed. */
static void cancel_deferred(struct ag_live_intel *li, const char *path)
{
	size_t n = strlen(path);
	uint64_t i;

	for (i = li->dtail; i < li->dhead; i++) {
		struct deferred *d = &li->dq[i % AG_LIVE_INTEL_DEFER_SLOTS];
		const struct ag_kv *kv = ag_event_get(&d->s.ev, AG_FIELD_TARGETFILENAME);

		if (kv && kv->val_len == n && memcmp(kv->val, path, n) == 0)
			d->cancelled = true;
	}
}

static void submit(struct ag_live_intel *li, const struct ag_event *ev, int fd, const char *path)
{
	struct snap *s;
	int r;

	if (li->head - li->tail >= li->nslots) {
		/* the oldest result may be ready: make room before giving up */
		ag_live_intel_poll(li, 0);
		if (li->head - li->tail >= li->nslots) {
			if (fd >= 0)
				close(fd);
			li->st.dropped++;
			return;
		}
	}
	s = &li->ring[li->head % li->nslots];
	snap_copy(s, ev);
	r = ag_fscan_submit(li->fs, fd, path, li->head);
	if (r < 0) {
		li->st.dropped++; /* fd closed by the pool */
		return;
	}
	li->head++;
	li->st.submitted++;
}

void ag_live_intel_event(struct ag_live_intel *li, const struct ag_event *ev, uint32_t tgid,
			 uint64_t start_ns, uint64_t now_ns)
{
	const char *path;
	int fd;

	if (!li)
		return;
	if (li->in->nindicators) {
		li->ev = ev;
		li->now_ns = now_ns;
		ag_ioc_check_event(li->in, ev, on_ioc, li);
		li->ev = NULL;
		flush(li);
	}
	if (!li->fs)
		return;
	if (li->cfg->live.scan_images && has_category(ev, "process_creation")) {
		path = kv_path(ag_event_get(ev, AG_FIELD_IMAGE), li->path, sizeof(li->path));
		if (!path)
			return;
		fd = open_image(li, tgid, start_ns, path);
		if (fd >= 0)
			li->st.image_fd++;
		else
			li->st.image_path++;
		submit(li, ev, fd, path);
	} else if (li->dq && (has_category(ev, "file_change") || has_category(ev, "file_rename"))) {
		path = kv_path(ag_event_get(ev, AG_FIELD_TARGETFILENAME), li->path,
			       sizeof(li->path));
		if (path) {
			cancel_deferred(li, path);
			submit(li, ev, -1, path);
		}
	} else if (li->dq && has_category(ev, "file_event")) {
		struct deferred *d;

		if (!kv_path(ag_event_get(ev, AG_FIELD_TARGETFILENAME), li->path, sizeof(li->path)))
			return;
		if (li->dhead - li->dtail >= AG_LIVE_INTEL_DEFER_SLOTS) {
			li->st.dropped++;
			return;
		}
		d = &li->dq[li->dhead++ % AG_LIVE_INTEL_DEFER_SLOTS];
		d->due_ms = mono_ms() + AG_LIVE_INTEL_CREATE_DELAY_MS;
		d->cancelled = false;
		snap_copy(&d->s, ev);
	}
}

/* Created files whose delay is over go to the pool (their TargetFilename, by path). */
static void submit_deferred(struct ag_live_intel *li, bool all)
{
	uint64_t now = mono_ms();

	while (li->dtail < li->dhead) {
		struct deferred *d = &li->dq[li->dtail % AG_LIVE_INTEL_DEFER_SLOTS];
		const char *path;

		if (!all && d->due_ms > now)
			break;
		if (!all && li->head - li->tail >= li->nslots)
			break; /* the pool is full: later */
		li->dtail++;
		if (d->cancelled)
			continue;
		path = kv_path(ag_event_get(&d->s.ev, AG_FIELD_TARGETFILENAME), li->dpath,
			       sizeof(li->dpath));
		if (path)
			submit(li, &d->s.ev, -1, path);
	}
}

uint32_t ag_live_intel_poll(struct ag_live_intel *li, int timeout_ms)
{
	uint32_t n = 0;
	struct timespec ts;
	uint64_t now;

	if (!li || !li->fs)
		return 0;
	if (li->dq)
		submit_deferred(li, timeout_ms > 0 && li->tail == li->head);
	while (li->tail < li->head) {
		struct snap *s = &li->ring[li->tail % li->nslots];

		if (ag_fscan_poll(li->fs, &li->res, n ? 0 : timeout_ms) < 0)
			break;
		li->tail++;
		n++;
		if (li->res.status < 0) {
			li->st.errors++;
			continue;
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
		ag_intel_file_result(li->it, &li->res, &s->ev, &li->out, li->ac, now);
		flush(li);
	}
	return n;
}

uint32_t ag_live_intel_pending(const struct ag_live_intel *li)
{
	return li ? (uint32_t)(li->head - li->tail + li->dhead - li->dtail) : 0;
}

void ag_live_intel_health(struct ag_live_intel *li)
{
	struct ag_health *h;
	struct ag_fscan_stats fs;

	if (!li || !li->fs)
		return;
	h = ag_ops_health(li->ops);
	ag_fscan_stats(li->fs, &fs);
	ag_health_add(h, AG_H_YARA_SCANS, fs.scanned - li->seen.scanned);
	ag_health_add(h, AG_H_YARA_CACHE_HITS, fs.cache_hits - li->seen.cache_hits);
	ag_health_add(h, AG_H_YARA_TIMEOUTS, fs.yara_timeouts - li->seen.yara_timeouts);
	ag_health_add(h, AG_H_HASH_COMPUTED, fs.hashed - li->seen.hashed);
	ag_health_add(h, AG_H_DROPS_USER, li->st.dropped - li->drops_seen);
	li->seen = fs;
	li->drops_seen = li->st.dropped;
}

void ag_live_intel_stats(const struct ag_live_intel *li, struct ag_live_intel_stats *ret)
{
	struct ag_intel_stats is;

	if (!li) {
		memset(ret, 0, sizeof(*ret));
		return;
	}
	*ret = li->st;
	ag_intel_stats(li->it, &is);
	ret->yara_alerts = is.yara_alerts; /* file results: YARA matches, hash IOCs */
	ret->hash_alerts = is.ioc_alerts;
}
