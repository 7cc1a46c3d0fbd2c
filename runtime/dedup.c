// SPDX-License-Identifier: Apache-2.0
/*
 * Alert deduplication windows (dedup.h).
 *
 * Windows open in time order and all last window_s, so they also close in
 * that order: the table is a FIFO of entries (a circular array) with a
 * chained hash index on the key, and the stored first lines sit in a byte
 * ring in the same order. Closing the oldest window frees the oldest bytes.
 * Keys are 64-bit xxh3 hashes; two different (rule, image, command line)
 * colliding would merge their counts (probability ~2^-64 per pair).
 */
#include "dedup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xxhash.h>

struct entry {
	uint64_t key;
	uint64_t first_ms;	    /* monotonic, window start */
	uint64_t first_ns, last_ns; /* wall clock of the first and last match */
	size_t off, len;	    /* the first line in the ring */
	uint32_t count;		    /* matches in the window */
	int32_t next;		    /* hash chain, -1 ends */
};

struct ag_dedup {
	uint64_t window_ms;
	bool emit_first;
	struct entry *e; /* FIFO, capacity max */
	uint32_t max;
	uint32_t head;	 /* oldest */
	uint32_t n;	 /* live entries */
	int32_t *bucket; /* hash heads, nbucket (a power of two) */
	uint32_t nbucket;
	char *ring; /* stored lines */
	size_t cap;
	char *sum; /* summary line scratch, cap + 256 */
	uint64_t suppressed;
};

int ag_dedup_new(struct ag_dedup **ret, uint32_t window_s, uint32_t max_entries, size_t pool_bytes,
		 bool emit_first)
{
	struct ag_dedup *d;
	uint32_t i;

	if (!window_s || !max_entries || pool_bytes < 1024)
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->window_ms = (uint64_t)window_s * 1000u;
	d->emit_first = emit_first;
	d->max = max_entries;
	for (d->nbucket = 16; d->nbucket < max_entries * 2u && d->nbucket < (1u << 30);)
		d->nbucket *= 2;
	d->e = calloc(max_entries, sizeof(*d->e));
	d->bucket = malloc(d->nbucket * sizeof(*d->bucket));
	d->cap = pool_bytes;
	d->ring = malloc(pool_bytes);
	d->sum = malloc(pool_bytes + 256);
	if (!d->e || !d->bucket || !d->ring || !d->sum) {
		ag_dedup_free(d);
		return -ENOMEM;
	}
	for (i = 0; i < d->nbucket; i++)
		d->bucket[i] = -1;
	*ret = d;
	return 0;
}

void ag_dedup_free(struct ag_dedup *d)
{
	if (!d)
		return;
	free(d->e);
	free(d->bucket);
	free(d->ring);
	free(d->sum);
	free(d);
}

uint64_t ag_dedup_key(uint32_t rule, const char *image, size_t ilen, const char *cmd, size_t clen)
{
	uint64_t h = XXH3_64bits_withSeed(image, ilen, (uint64_t)rule * 0x9e3779b97f4a7c15ull + 1);

	return XXH3_64bits_withSeed(cmd, clen, h ^ (uint64_t)ilen);
}

uint64_t ag_dedup_suppressed(const struct ag_dedup *d)
{
	return d->suppressed;
}

static uint32_t slot(const struct ag_dedup *d, uint32_t i)
{
	return (d->head + i) % d->max;
}

static void fmt_ts(char *buf, size_t n, uint64_t ns)
{
	time_t s = (time_t)(ns / 1000000000ull);
	struct tm tm;

	gmtime_r(&s, &tm);
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)(ns / 1000000ull % 1000));
}

/* Remove the oldest entry, emitting its summary when one is due. */
static uint32_t close_oldest(struct ag_dedup *d, ag_dedup_emit_fn emit, void *arg)
{
	struct entry *e = &d->e[d->head];
	int32_t *pp = &d->bucket[e->key & (d->nbucket - 1)];
	uint32_t out = 0;

	while (*pp != (int32_t)d->head && *pp >= 0)
		pp = &d->e[*pp].next;
	if (*pp >= 0)
		*pp = e->next;
	if (e->count > 1 || !d->emit_first) {
		char t0[64], t1[64];
		const char *line = d->ring + e->off;
		size_t body = e->len - 2; /* without the final "}\n" */
		int k;

		fmt_ts(t0, sizeof(t0), e->first_ns);
		fmt_ts(t1, sizeof(t1), e->last_ns);
		memcpy(d->sum, line, body);
		k = snprintf(d->sum + body, 256,
			     "%s\"sigmac\":{\"dedup\":{\"count\":%u,\"first\":\"%s\","
			     "\"last\":\"%s\",\"window_s\":%llu}}}\n",
			     body > 1 ? "," : "", e->count, t0, t1,
			     (unsigned long long)(d->window_ms / 1000));
		if (k > 0 && k < 256) {
			emit(arg, d->sum, body + (size_t)k);
			out = 1;
		}
	}
	d->head = (d->head + 1) % d->max;
	d->n--;
	return out;
}

/*
 * Where len bytes go in the ring, closing the oldest windows for room.
 * Returns false when len cannot be stored at all (larger than the ring).
 */
static bool ring_alloc(struct ag_dedup *d, size_t len, size_t *ret_off, uint32_t *emitted,
		       ag_dedup_emit_fn emit, void *arg)
{
	if (len > d->cap)
		return false;
	for (;;) {
		const struct entry *old, *new;
		size_t head, tail;

		if (d->n == 0) {
			*ret_off = 0;
			return true;
		}
		if (d->n < d->max) {
			old = &d->e[d->head];
			new = &d->e[slot(d, d->n - 1)];
			head = old->off;
			tail = new->off + new->len;
			if (new->off >= old->off) { /* not wrapped: [head, tail) used */
				if (d->cap - tail >= len) {
					*ret_off = tail;
					return true;
				}
				if (head >= len) {
					*ret_off = 0;
					return true;
				}
			} else if (head - tail >= len) { /* wrapped: [tail, head) free */
				*ret_off = tail;
				return true;
			}
		}
		*emitted += close_oldest(d, emit, arg);
	}
}

uint32_t ag_dedup_expire(struct ag_dedup *d, uint64_t now_ms, ag_dedup_emit_fn emit, void *arg)
{
	uint32_t out = 0;

	while (d->n && d->e[d->head].first_ms + d->window_ms <= now_ms)
		out += close_oldest(d, emit, arg);
	return out;
}

uint32_t ag_dedup_flush(struct ag_dedup *d, ag_dedup_emit_fn emit, void *arg)
{
	uint32_t out = 0;

	while (d->n)
		out += close_oldest(d, emit, arg);
	return out;
}

bool ag_dedup_offer(struct ag_dedup *d, uint64_t key, const char *line, size_t len, uint64_t now_ms,
		    uint64_t now_ns, ag_dedup_emit_fn emit, void *arg)
{
	uint32_t emitted = 0, i;
	struct entry *e;
	size_t off;
	int32_t j;

	ag_dedup_expire(d, now_ms, emit, arg);
	for (j = d->bucket[key & (d->nbucket - 1)]; j >= 0; j = d->e[j].next) {
		e = &d->e[j];
		if (e->key == key) {
			e->count++;
			e->last_ns = now_ns;
			d->suppressed++;
			return false;
		}
	}
	/* A new window; an alert that is not one JSON object line is passed through. */
	if (len < 3 || line[len - 2] != '}' || line[len - 1] != '\n' ||
	    !ring_alloc(d, len, &off, &emitted, emit, arg))
		return true;
	i = slot(d, d->n);
	e = &d->e[i];
	e->key = key;
	e->first_ms = now_ms;
	e->first_ns = e->last_ns = now_ns;
	e->off = off;
	e->len = len;
	e->count = 1;
	memcpy(d->ring + off, line, len);
	e->next = d->bucket[key & (d->nbucket - 1)];
	d->bucket[key & (d->nbucket - 1)] = (int32_t)i;
	d->n++;
	if (!d->emit_first) {
		d->suppressed++;
		return false;
	}
	return true;
}
