// SPDX-License-Identifier: Apache-2.0
/*
 * Streaming JSONL reader (jsonl.h).
 *
 * Design. Input is read in chunks into one growable buffer that always
 * ends with AG_JSONL_SLACK zero bytes after the data (the "sentinel"). The
 * parser is a recursive descent over [p, end) that never checks p < end in
 * its inner loops: every scan stops at the NUL sentinel because NUL is not
 * valid at any point of a JSON text, and every failure site asks fail(),
 * which tells a real error (p < end) from "the object goes on past the
 * data we have" (p >= end). In the second case the reader keeps the
 * partial object, moves it to the start of the buffer, reads at least as
 * much again as it already holds (so a large object costs O(n) parsing in
 * total, not O(n^2 / chunk)), and parses the object again from its '{'.
 * An object still incomplete at max_object bytes is skipped as malformed.
 *
 * Zero copy. Strings without escapes, numbers, literals and arrays without
 * whitespace are views into the buffer. Only after a whole object parsed do
 * we write a NUL after each of those views (over the closing quote or the
 * delimiter that follows: nothing reads those bytes again), so that the
 * buffer is never modified while an object might still be parsed again.
 * Decoded strings (escapes), dotted names of nested objects and compacted
 * arrays go to one scratch block reused for every event; an object that
 * does not fit is parsed again with a block twice as large (views into the
 * block must not move), so after warm-up nothing is allocated per event.
 *
 * Scanning strings is the hot loop: sixteen bytes at a time (SSE2; eight
 * with SWAR on other little-endian hosts) for the first byte that is '"',
 * '\\', < 0x20 or >= 0x80. Bytes >= 0x80 are validated as UTF-8 (no
 * overlongs, surrogates or code points past U+10FFFF). Newlines can only
 * occur in whitespace between tokens (a raw newline in a string is an
 * error), so counting lines costs nothing extra.
 *
 * Field ids. The reader asks lookup() through a direct-mapped cache keyed
 * by the name's bytes (names up to NAME_CACHE_LEN bytes, unknown names
 * too), fronted by the entries the last event used, by field position:
 * the same few dozen names recur in every event, mostly in the same order,
 * and a hit costs a comparison of three words instead of the lookup's
 * hash, probe and string comparison.
 *
 * Not here: routing (route.c), the event arrays (event.c).
 */
#include "jsonl.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "event.h"
#include "jsonl_int.h"

static void problem(struct ag_jsonl *r, uint64_t line, uint64_t offset, const char *why)
{
	struct ag_jsonl_problem *pr = &r->prob[r->nprob++ % AG_JSONL_PROBLEMS];

	pr->line = line;
	pr->offset = offset;
	pr->reason = why;
	r->st.malformed++;
	r->values++;
}

/* ---- input ---- */

static ssize_t source_read(struct ag_jsonl *r, char *dst, size_t n)
{
	ssize_t got;

	if (r->f) {
		size_t k = fread(dst, 1, n, r->f);

		if (k == 0 && ferror(r->f))
			return -EIO;
		return (ssize_t)k;
	}
	do
		got = read(r->fd, dst, n);
	while (got < 0 && errno == EINTR && !(r->stop && *r->stop));
	return got < 0 ? -errno : got;
}

/*
 * Drop the bytes before buf[keep], then read until at least max(chunk,
 * bytes kept) new bytes arrived, the buffer is full or the input ended.
 * Returns 0 or -errno (-ENOMEM, or a read error).
 */
static int refill(struct ag_jsonl *r, size_t keep)
{
	size_t have = r->end - keep, want = have > r->chunk ? have : r->chunk, got_total = 0;
	size_t limit = r->max_object + r->chunk, need;

	if (have + want > limit)
		want = limit > have + r->chunk ? limit - have : r->chunk;
	need = have + want + AG_JSONL_SLACK;

	if (need > r->cap) {
		size_t ncap = r->cap * 2 > need ? r->cap * 2 : need;
		char *nb;

		if (ncap > limit + AG_JSONL_SLACK)
			ncap = limit + AG_JSONL_SLACK > need ? limit + AG_JSONL_SLACK : need;
		/* Not realloc(): it would copy the whole old block, not the kept bytes. */
		nb = malloc(ncap);
		if (!nb)
			return -ENOMEM;
		memcpy(nb, r->buf + keep, have);
		free(r->buf);
		r->buf = nb;
		r->cap = ncap;
	} else if (keep) {
		memmove(r->buf, r->buf + keep, have);
	}
	if (keep) {
		r->off0 += keep;
		r->pos -= keep;
		r->end = have;
	}
	while (!r->eof && got_total < want && r->end + AG_JSONL_SLACK < r->cap) {
		size_t room = r->cap - AG_JSONL_SLACK - r->end;
		ssize_t got = source_read(r, r->buf + r->end, room < r->chunk ? room : r->chunk);

		if (got < 0) {
			memset(r->buf + r->end, 0, AG_JSONL_SLACK);
			return (int)got;
		}
		if (got == 0)
			r->eof = true;
		r->end += (size_t)got;
		got_total += (size_t)got;
		r->st.bytes += (uint64_t)got;
		if (r->stream && got > 0)
			break;
	}
	memset(r->buf + r->end, 0, AG_JSONL_SLACK);
	return 0;
}

static uint64_t count_nl(const char *p, const char *e)
{
	uint64_t n = 0;

	while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

/* Objects cut short at the end of input tried again in a row, at most (see ag_jsonl_next). */
#define CUT_RETRIES 16

/*
 * Whether the line at r->pos may start an object: '{' after blanks and a
 * BOM, or the end of what is read (skip_between sees to the rest).
 */
static bool line_starts_object(const struct ag_jsonl *r)
{
	const char *q = r->buf + r->pos, *e = r->buf + r->end;

	if (e - q >= 3 && memcmp(q, "\xef\xbb\xbf", 3) == 0)
		q += 3;
	while (q < e && (*q == ' ' || *q == '\t'))
		q++;
	return q >= e || *q == '{';
}

/*
 * Skip from buf[pos] to the start of the next line that may start an object
 * (or the end of input): the rest of the current line, then whole lines.
 */
static int resync(struct ag_jsonl *r)
{
	int err;

	for (;;) {
		const char *s = r->buf + r->pos;
		const char *nl = memchr(s, '\n', r->end - r->pos);

		if (!nl) {
			r->pos = r->end;
			if (r->eof)
				return 0;
			err = refill(r, r->pos);
			if (err)
				return err;
			continue;
		}
		r->line++;
		r->pos = (size_t)(nl + 1 - r->buf);
		while (r->pos >= r->end && !r->eof) {
			err = refill(r, r->pos);
			if (err)
				return err;
		}
		if (line_starts_object(r))
			return 0;
	}
}

/* ---- shared with the parser (jsonl_int.h) ---- */

int ag_jsonl_fail(struct pctx *c, const char *at, const char *why)
{
	if (at >= c->end) {
		c->need_more = true;
		return -1;
	}
	c->errp = at;
	c->why = why;
	return -1;
}

const char *ag_jsonl_skip_ws(struct pctx *c, const char *p)
{
	for (;; p++) {
		if (*p == '\n')
			c->lines++;
		else if (*p != ' ' && *p != '\t' && *p != '\r')
			return p;
		c->ws = true;
	}
}

/* ---- field ids ---- */

/* The 8 bytes at p as a word. */
static inline uint64_t load64(const char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return w;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* The len < 8 bytes at p, zero-padded (the 8 bytes at p can be loaded). */
static inline uint64_t load_short(const char *p, uint32_t len)
{
	return load64(p) & ((1ull << (8 * len)) - 1);
}
#else  /* !little endian */
static inline uint64_t load_short(const char *p, uint32_t len)
{
	uint64_t w = 0;

	memcpy(&w, p, len);
	return w;
}
#endif /* little endian */

/*
 * The id of field `name` (len bytes, in the buffer or in scratch: the 8
 * bytes from its start can be loaded, the slack of both covers them). The
 * key of an entry is the length and three words that cover the name
 * exactly: a zero-padded word below 8 bytes, else overlapping loads that
 * end at the name's last byte. A hit therefore compares every byte, and
 * the cache returns what lookup() returned for exactly those bytes; a miss
 * asks lookup() and replaces the entry. Before the hash, the entry that
 * served field k of the last event is tried: events of one source repeat
 * their names in the same order, and that entry is read in sequence.
 */
uint32_t ag_jsonl_field_id(struct ag_jsonl *r, const char *name, uint32_t len, uint32_t k)
{
	struct name_entry *e, *p = NULL;
	uint64_t w0, w1 = 0, w2 = 0, h;

	_Static_assert(NAME_CACHE_LEN == 24 && AG_JSONL_SLACK >= 8 && SCRATCH_SLACK >= 8,
		       "the cache loads a word from the start of a name");
	if (!r->lookup)
		return AG_FIELD_NONE;
	if (len > NAME_CACHE_LEN)
		return r->lookup(r->ctx, name, len);
	if (len < 8) {
		w0 = load_short(name, len);
	} else {
		w0 = load64(name);
		w1 = load64(name + (len > 16 ? 8 : len - 8));
		if (len > 16)
			w2 = load64(name + len - 8);
	}
	if (k < NAME_PRED) {
		p = &r->names[NAME_CACHE + k];
		if (p->len1 == len + 1 && p->w[0] == w0 && p->w[1] == w1 && p->w[2] == w2)
			return p->id;
	}
	h = (w0 ^ (w1 * 0x9e3779b97f4a7c15ull) ^ (w2 * 0xc2b2ae3d27d4eb4full) ^ len) *
	    0xff51afd7ed558ccdull;
	e = &r->names[h >> (64 - NAME_CACHE_BITS)];
	if (e->len1 != len + 1 || e->w[0] != w0 || e->w[1] != w1 || e->w[2] != w2) {
		e->w[0] = w0;
		e->w[1] = w1;
		e->w[2] = w2;
		e->len1 = len + 1;
		e->id = r->lookup(r->ctx, name, len);
	}
	if (p)
		*p = *e;
	return e->id;
}

static int open_common(struct ag_jsonl **ret, int fd, FILE *f, const struct ag_jsonl_opts *opts,
		       uint32_t (*lookup)(void *ctx, const char *name, size_t len), void *ctx)
{
	struct ag_jsonl *r;

	if (!ret || (!f && fd < 0))
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->fd = fd;
	r->f = f;
	r->lookup = lookup;
	r->ctx = ctx;
	r->chunk = opts && opts->chunk ? opts->chunk : AG_JSONL_CHUNK;
	r->max_object = opts && opts->max_object ? opts->max_object : AG_JSONL_MAX_OBJECT;
	r->stop = opts ? opts->stop : NULL;
	if (!f) {
		struct stat st;

		r->stream = fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
	}
	r->line = 1;
	r->sc_max = 4 * r->max_object + SCRATCH_MIN;
	r->sc_cap = SCRATCH_MIN;
	r->sc = malloc(r->sc_cap + SCRATCH_SLACK);
	r->cap = r->chunk + AG_JSONL_SLACK;
	/* Only the bytes up to end + AG_JSONL_SLACK are ever read. */
	r->buf = malloc(r->cap);
	if (lookup)
		r->names = calloc(NAME_CACHE + NAME_PRED, sizeof(*r->names));
	if (!r->buf || !r->sc || (lookup && !r->names)) {
		free(r->names);
		free(r->sc);
		free(r->buf);
		free(r);
		return -ENOMEM;
	}
	memset(r->buf, 0, AG_JSONL_SLACK);
	*ret = r;
	return 0;
}

/* Reader over fd (borrowed); see jsonl.h. Returns 0, -EINVAL or -ENOMEM. */
int ag_jsonl_open_fd(struct ag_jsonl **ret, int fd, const struct ag_jsonl_opts *opts,
		     uint32_t (*lookup)(void *ctx, const char *name, size_t len), void *ctx)
{
	return open_common(ret, fd, NULL, opts, lookup, ctx);
}

/* Reader over f (borrowed); see jsonl.h. Returns 0, -EINVAL or -ENOMEM. */
int ag_jsonl_open_file(struct ag_jsonl **ret, FILE *f, const struct ag_jsonl_opts *opts,
		       uint32_t (*lookup)(void *ctx, const char *name, size_t len), void *ctx)
{
	if (!f)
		return -EINVAL;
	return open_common(ret, -1, f, opts, lookup, ctx);
}

/* Free r and its buffers; the source stays open. Accepts NULL. */
void ag_jsonl_close(struct ag_jsonl *r)
{
	if (!r)
		return;
	free(r->names);
	free(r->sc);
	free(r->buf);
	free(r);
}

/* Skip whitespace and BOMs between top-level values; 1 when data is at pos. */
static int skip_between(struct ag_jsonl *r, int *err)
{
	struct pctx c = {.r = r};

	for (;;) {
		const char *p = r->buf + r->pos;

		c.end = r->buf + r->end;
		c.lines = 0;
		p = ag_jsonl_skip_ws(&c, p);
		r->line += c.lines;
		r->pos = (size_t)(p - r->buf);
		if (r->end - r->pos >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)) {
			r->pos += 3;
			continue;
		}
		/* A BOM cut by the end of the buffer: read on before judging. */
		if (r->pos < r->end && (r->end - r->pos >= 3 || *p != '\xef' || r->eof))
			return 1;
		if (r->eof && r->pos >= r->end)
			return 0;
		*err = refill(r, r->pos);
		if (*err)
			return 0;
	}
}

/*
 * Next object into ev (views valid until the next call). Skips and counts
 * malformed values. Returns 0, -ENODATA at the end, or -errno of a read.
 */
int ag_jsonl_next(struct ag_jsonl *r, struct ag_event *ev)
{
	struct pctx c;
	const char *obj;
	int err = 0;

	ag_event_reset(ev);
	ev->raw = NULL;
	ev->raw_len = 0;
	for (;;) {
		if (!skip_between(r, &err))
			return err ? err : -ENODATA;
		obj = r->buf + r->pos;
		memset(&c, 0, sizeof(c));
		c.r = r;
		c.ev = ev;
		c.p = obj;
		c.end = r->buf + r->end;
		r->sc_used = 0;
		if (*obj != '{') {
			ag_jsonl_fail(&c, obj, "not a JSON object");
		} else if (!ag_jsonl_parse_object(&c)) {
			ag_jsonl_terminate_views(ev, obj, c.end);
			r->line += c.lines;
			r->pos = (size_t)(c.p - r->buf);
			r->st.objects++;
			r->cut_retries = 0;
			ev->seq = ++r->values;
			return 0;
		}
		ag_event_reset(ev);
		if (c.sc_need && c.sc_need <= r->sc_max) {
			size_t ncap = r->sc_cap * 2 > c.sc_need ? r->sc_cap * 2 : c.sc_need;
			char *nb = realloc(r->sc, ncap + SCRATCH_SLACK);

			if (!nb)
				return -ENOMEM;
			r->sc = nb;
			r->sc_cap = ncap;
			continue;
		}
		if (c.need_more) {
			size_t have = r->end - r->pos;

			if (!r->eof && have < r->max_object) {
				err = refill(r, r->pos);
				if (err)
					return err;
				continue;
			}
			/* named by where it starts: the end says nothing of which object */
			problem(r, r->line, r->off0 + r->pos,
				r->eof && have < r->max_object ? "truncated object at end of input"
							       : "object larger than the size cap");
			if (r->eof && have < r->max_object && r->cut_retries < CUT_RETRIES) {
				/*
				 * Cut short at the end: its later lines may hold whole
				 * objects ({"a":[1, then a good line). Each try reads
				 * to the end again, so only a few in a row.
				 */
				r->cut_retries++;
				r->pos = (size_t)(obj - r->buf);
			} else {
				r->line += count_nl(obj, c.end);
				r->pos = r->end;
			}
		} else {
			/*
			 * Named by the line where it starts. The next try is the
			 * first later line that starts with '{', even one this
			 * object ran into: a record cut short ({"a":"b" with no
			 * close) must not take the good line after it along.
			 */
			problem(r, r->line, r->off0 + (uint64_t)(c.errp - r->buf), c.why);
			r->pos = (size_t)(obj - r->buf);
		}
		err = resync(r);
		if (err)
			return err;
	}
}

/* Copy the counters into *ret. */
void ag_jsonl_stats(const struct ag_jsonl *r, struct ag_jsonl_stats *ret)
{
	*ret = r->st;
	ret->lines = r->line - 1;
}

/* The most recent problems, newest first; returns how many were copied. */
size_t ag_jsonl_problems(const struct ag_jsonl *r, struct ag_jsonl_problem *ret, size_t n)
{
	size_t k = 0;
	uint64_t i = r->nprob;

	while (k < n && i > 0 && r->nprob - i < AG_JSONL_PROBLEMS) {
		i--;
		ret[k++] = r->prob[i % AG_JSONL_PROBLEMS];
	}
	return k;
}
