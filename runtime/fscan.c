// SPDX-License-Identifier: Apache-2.0
/*
 * The file scan pool (fscan.h).
 *
 * Jobs live in a fixed ring of slots (no allocation per job): submit
 * writes slot head, workers take slots in order (next), poll returns slot
 * tail once it is done, so results come back in submission order. One
 * mutex guards the ring; workers run the file work outside it.
 *
 * The cache is an open-addressing table keyed by file identity, under its
 * own mutex: each entry holds what was computed (hashes, YARA matches).
 * A lookup probes 8 slots; an insert takes a free one or evicts the least
 * recently used of the 8 (a stamp per entry), so the table never grows.
 */
#include "fscan.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "yara_scan.h"

#define PROBES 8

enum slot_state {
	S_FREE = 0,
	S_QUEUED,
	S_RUNNING,
	S_DONE,
};

struct slot {
	int state;
	int fd;
	struct ag_fscan_result res;
};

struct centry {
	struct ag_file_id id;
	uint64_t stamp; /* 0: empty */
	bool hashed, scanned;
	int yara_status;
	struct ag_file_hashes h;
	uint32_t nmatch;
	uint32_t match[AG_FSCAN_MAX_MATCHES];
};

struct ag_fscan {
	struct ag_fscan_opts o;
	struct ag_yara *y;
	pthread_mutex_t lock;
	pthread_cond_t work; /* a job was queued, or stop */
	pthread_cond_t done; /* a job finished */
	struct slot *slots;  /* [o.queue] */
	uint64_t head, next, tail;
	bool stop;
	pthread_t *th;
	uint32_t nth;
	pthread_mutex_t clock; /* the cache */
	struct centry *cache;  /* [o.cache_entries] */
	uint64_t stamp;
	struct ag_fscan_stats st; /* under lock (cache counters under clock) */
};

static uint32_t id_hash(const struct ag_file_id *id)
{
	return (uint32_t)XXH3_64bits(id, sizeof(*id));
}

/* Copy of the cached entry for id into *ret; false when absent. */
static bool cache_get(struct ag_fscan *fs, const struct ag_file_id *id, struct centry *ret)
{
	uint32_t mask = fs->o.cache_entries - 1, h = id_hash(id), i;
	bool found = false;

	pthread_mutex_lock(&fs->clock);
	for (i = 0; i < PROBES; i++) {
		struct centry *e = &fs->cache[(h + i) & mask];

		if (e->stamp && ag_file_id_eq(&e->id, id)) {
			e->stamp = ++fs->stamp;
			*ret = *e;
			found = true;
			break;
		}
	}
	if (found)
		fs->st.cache_hits++;
	else
		fs->st.cache_misses++;
	pthread_mutex_unlock(&fs->clock);
	return found;
}

static void cache_put(struct ag_fscan *fs, const struct centry *c)
{
	uint32_t mask = fs->o.cache_entries - 1, h = id_hash(&c->id), i;
	struct centry *victim = NULL;

	pthread_mutex_lock(&fs->clock);
	for (i = 0; i < PROBES; i++) {
		struct centry *e = &fs->cache[(h + i) & mask];

		if (!e->stamp || ag_file_id_eq(&e->id, &c->id)) {
			victim = e;
			break;
		}
		if (!victim || e->stamp < victim->stamp)
			victim = e;
	}
	*victim = *c;
	victim->stamp = ++fs->stamp;
	pthread_mutex_unlock(&fs->clock);
}

/* The work of one job, outside the ring lock. */
static void run_job(struct ag_fscan *fs, struct slot *s, struct ag_hasher *hasher, void *scanner,
		    struct ag_fscan_stats *st)
{
	struct ag_fscan_result *r = &s->res;
	struct centry c;
	int fd = s->fd, err;
	bool want_hash = fs->o.hash, want_yara = scanner != NULL;

	s->fd = -1;
	if (fd < 0) {
		fd = open(r->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (fd < 0) {
			r->status = -errno;
			st->errors++;
			return;
		}
	}
	err = ag_file_id_of(fd, &r->id);
	if (err < 0) {
		r->status = err;
		st->errors++;
		goto out;
	}
	if (r->id.size > fs->o.max_size) {
		r->status = -EFBIG;
		st->too_big++;
		goto out;
	}
	memset(&c, 0, sizeof(c));
	if (cache_get(fs, &r->id, &c) && (c.hashed || !want_hash) && (c.scanned || !want_yara)) {
		r->cached = true;
		goto fill;
	}
	c.id = r->id;
	if (want_hash && !c.hashed) {
		err = ag_hasher_fd(hasher, fd, fs->o.max_size, &c.h);
		if (err == 0) {
			c.hashed = true;
			st->hashed++;
			st->hashed_bytes += r->id.size;
		} else if (err == -EFBIG) {
			r->status = -EFBIG;
			st->too_big++;
			goto out;
		} else {
			st->errors++;
		}
	}
	if (want_yara && !c.scanned) {
		c.yara_status =
			ag_yara_scan_fd(scanner, fd, c.match, AG_FSCAN_MAX_MATCHES, &c.nmatch);
		c.scanned = true;
		st->scanned++;
		st->scanned_bytes += r->id.size;
		if (c.yara_status == -ETIME)
			st->yara_timeouts++;
	}
	cache_put(fs, &c);
fill:
	r->hashed = c.hashed;
	r->h = c.h;
	r->scanned = c.scanned;
	r->yara_status = c.yara_status;
	r->nmatch = c.nmatch;
	memcpy(r->match, c.match, sizeof(r->match));
out:
	close(fd);
}

static void *worker(void *arg)
{
	struct ag_fscan *fs = arg;
	struct ag_hasher *hasher = ag_hasher_new();
	void *scanner = fs->y ? ag_yara_scanner_new(fs->y, fs->o.yara_timeout_s) : NULL;

	pthread_mutex_lock(&fs->lock);
	for (;;) {
		struct ag_fscan_stats st;
		struct slot *s;

		while (!fs->stop && fs->next == fs->head)
			pthread_cond_wait(&fs->work, &fs->lock);
		if (fs->stop)
			break;
		s = &fs->slots[fs->next++ % fs->o.queue];
		s->state = S_RUNNING;
		pthread_mutex_unlock(&fs->lock);
		memset(&st, 0, sizeof(st));
		if (hasher)
			run_job(fs, s, hasher, scanner, &st);
		else
			s->res.status = -ENOMEM;
		pthread_mutex_lock(&fs->lock);
		fs->st.done++;
		fs->st.hashed += st.hashed;
		fs->st.hashed_bytes += st.hashed_bytes;
		fs->st.scanned += st.scanned;
		fs->st.scanned_bytes += st.scanned_bytes;
		fs->st.yara_timeouts += st.yara_timeouts;
		fs->st.too_big += st.too_big;
		fs->st.errors += st.errors;
		s->state = S_DONE;
		pthread_cond_broadcast(&fs->done);
	}
	pthread_mutex_unlock(&fs->lock);
	ag_yara_scanner_free(scanner);
	ag_hasher_free(hasher);
	return NULL;
}

static uint32_t pow2(uint32_t v)
{
	uint32_t p = 1;

	while (p < v && p < (1u << 30))
		p <<= 1;
	return p;
}

int ag_fscan_new(const struct ag_fscan_opts *o, struct ag_yara *y, struct ag_fscan **ret)
{
	struct ag_fscan *fs = calloc(1, sizeof(*fs));
	uint32_t i;
	int err = -EAGAIN;

	if (!fs)
		return -ENOMEM;
	fs->o = *o;
	fs->o.threads = o->threads ? o->threads : 2;
	fs->o.queue = o->queue ? o->queue : 256;
	fs->o.cache_entries = pow2(o->cache_entries ? o->cache_entries : 4096);
	fs->o.max_size = o->max_size ? o->max_size : 64ull << 20;
	fs->o.yara_timeout_s = o->yara_timeout_s > 0 ? o->yara_timeout_s : 10;
	fs->y = y;
	fs->slots = calloc(fs->o.queue, sizeof(*fs->slots));
	fs->cache = calloc(fs->o.cache_entries, sizeof(*fs->cache));
	fs->th = calloc(fs->o.threads, sizeof(*fs->th));
	if (!fs->slots || !fs->cache || !fs->th) {
		err = -ENOMEM;
		goto fail;
	}
	pthread_mutex_init(&fs->lock, NULL);
	pthread_mutex_init(&fs->clock, NULL);
	pthread_cond_init(&fs->work, NULL);
	pthread_cond_init(&fs->done, NULL);
	for (i = 0; i < fs->o.threads; i++) {
		err = -pthread_create(&fs->th[i], NULL, worker, fs);
		if (err < 0)
			break;
		fs->nth++;
	}
	if (!fs->nth) {
		ag_fscan_free(fs);
		return err;
	}
	*ret = fs;
	return 0;
fail:
	free(fs->slots);
	free(fs->cache);
	free(fs->th);
	free(fs);
	return err;
}

void ag_fscan_free(struct ag_fscan *fs)
{
	uint32_t i;

	if (!fs)
		return;
	pthread_mutex_lock(&fs->lock);
	fs->stop = true;
	pthread_cond_broadcast(&fs->work);
	pthread_mutex_unlock(&fs->lock);
	for (i = 0; i < fs->nth; i++)
		pthread_join(fs->th[i], NULL);
	for (i = 0; i < fs->o.queue; i++)
		if (fs->slots[i].state == S_QUEUED && fs->slots[i].fd >= 0)
			close(fs->slots[i].fd);
	pthread_mutex_destroy(&fs->lock);
	pthread_mutex_destroy(&fs->clock);
	pthread_cond_destroy(&fs->work);
	pthread_cond_destroy(&fs->done);
	free(fs->slots);
	free(fs->cache);
	free(fs->th);
	free(fs);
}

int ag_fscan_submit(struct ag_fscan *fs, int fd, const char *path, uint64_t cookie)
{
	struct slot *s;
	size_t n = path ? strlen(path) : 0;

	pthread_mutex_lock(&fs->lock);
	if (fs->head - fs->tail == fs->o.queue) {
		fs->st.dropped++;
		pthread_mutex_unlock(&fs->lock);
		if (fd >= 0)
			close(fd);
		return -EAGAIN;
	}
	s = &fs->slots[fs->head % fs->o.queue];
	s->fd = fd;
	memset(&s->res, 0, offsetof(struct ag_fscan_result, path));
	s->res.cookie = cookie;
	if (n >= AG_FSCAN_PATH_MAX)
		n = AG_FSCAN_PATH_MAX - 1;
	memcpy(s->res.path, path ? path : "", n);
	s->res.path[n] = '\0';
	s->state = S_QUEUED;
	fs->head++;
	fs->st.submitted++;
	pthread_cond_signal(&fs->work);
	pthread_mutex_unlock(&fs->lock);
	return 0;
}

int ag_fscan_poll(struct ag_fscan *fs, struct ag_fscan_result *ret, int timeout_ms)
{
	struct slot *s;
	struct timespec until;
	int err = 0;

	if (timeout_ms > 0) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += timeout_ms / 1000;
		until.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
	}
	pthread_mutex_lock(&fs->lock);
	if (fs->tail == fs->head) {
		pthread_mutex_unlock(&fs->lock);
		return -ENOENT;
	}
	s = &fs->slots[fs->tail % fs->o.queue];
	while (s->state != S_DONE && err == 0) {
		if (timeout_ms == 0)
			err = ETIMEDOUT;
		else if (timeout_ms < 0)
			err = pthread_cond_wait(&fs->done, &fs->lock);
		else
			err = pthread_cond_timedwait(&fs->done, &fs->lock, &until);
	}
	if (s->state != S_DONE) {
		pthread_mutex_unlock(&fs->lock);
		return -EAGAIN;
	}
	memcpy(ret, &s->res, offsetof(struct ag_fscan_result, path));
	strcpy(ret->path, s->res.path);
	s->state = S_FREE;
	fs->tail++;
	pthread_mutex_unlock(&fs->lock);
	return 0;
}

uint32_t ag_fscan_pending(const struct ag_fscan *fs)
{
	return (uint32_t)(fs->head - fs->tail);
}

void ag_fscan_stats(struct ag_fscan *fs, struct ag_fscan_stats *ret)
{
	pthread_mutex_lock(&fs->lock);
	*ret = fs->st;
	pthread_mutex_unlock(&fs->lock);
	pthread_mutex_lock(&fs->clock);
	ret->cache_hits = fs->st.cache_hits;
	ret->cache_misses = fs->st.cache_misses;
	pthread_mutex_unlock(&fs->clock);
}
