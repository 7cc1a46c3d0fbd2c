/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the JSONL reader (jsonl.c: buffering, resync,
 * statistics) and its JSON object parser (jsonl_parse.c). Not an API.
 */
#ifndef AG_JSONL_INT_H
#define AG_JSONL_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "jsonl.h"

/*
 * Zero bytes kept after the data: the sentinel plus room for the 16-byte
 * loads of the string scanner and the 8-byte loads of the name cache. (It
 * also sets how much a refill reads, so the offsets reported for objects
 * over the size cap depend on it.)
 */
#define AG_JSONL_SLACK 16
/* Initial size of the scratch block. */
#define SCRATCH_MIN (64u << 10)
/*
 * Bytes allocated past sc_cap: the string decoder stores 16 bytes at a
 * time, and the name cache loads 8 bytes from the start of a name.
 */
#define SCRATCH_SLACK 32
/* Entries of the field-name cache: 1 << NAME_CACHE_BITS. */
#define NAME_CACHE_BITS 9
#define NAME_CACHE	(1u << NAME_CACHE_BITS)
/* Field positions whose last entry the cache remembers (see jsonl.c). */
#define NAME_PRED 64
/* Longest field name a full event still looks up (longer ones are only counted). */
#define JSONL_PATH_MAX 512
/* Longest name the cache holds (a multiple of 8). */
#define NAME_CACHE_LEN 24

/*
 * One entry of the field-name cache: a name of at most NAME_CACHE_LEN
 * bytes and the id lookup() gave for it.
 */
struct name_entry {
	uint64_t w[NAME_CACHE_LEN / 8]; /* words covering the name (see jsonl.c) */
	uint32_t len1;			/* name length + 1, 0 = empty entry */
	uint32_t id;			/* lookup() of the name */
};

struct ag_jsonl {
	int fd;	 /* source when f is NULL (borrowed) */
	FILE *f; /* source, or NULL (borrowed) */
	uint32_t (*lookup)(void *ctx, const char *name, size_t len);
	void *ctx;
	struct name_entry *names; /* field-name cache: NAME_CACHE entries by hash, then
				   * NAME_PRED by field position (owned) */

	char *buf;	   /* data, then AG_JSONL_SLACK zero bytes (owned) */
	size_t cap;	   /* allocated bytes of buf, slack included */
	size_t pos;	   /* first unconsumed byte */
	size_t end;	   /* end of data */
	uint64_t off0;	   /* input offset of buf[0] */
	bool eof;	   /* the source returned end of file */
	size_t chunk;	   /* bytes per read */
	size_t max_object; /* size cap of one object */
	bool stream;	   /* fd is a pipe, FIFO or socket: use what one read returns */
	const volatile sig_atomic_t *stop; /* opts->stop (borrowed) */

	char *sc;	/* scratch of the current object: decoded text, names (owned) */
	size_t sc_cap;	/* bytes usable (SCRATCH_SLACK more are allocated) */
	size_t sc_used; /* bytes used by the current object */
	size_t sc_max;	/* cap on sc_cap */
	uint64_t line;	 /* 1-based line of buf[pos] */
	uint64_t values; /* top-level values seen (objects + malformed) */
	uint32_t cut_retries; /* objects cut short at the end tried again since the last good one */
	char path[JSONL_PATH_MAX]; /* a full event's field names, built as a stack (parse_object) */
	struct ag_jsonl_stats st;
	struct ag_jsonl_problem prob[AG_JSONL_PROBLEMS]; /* ring, newest at nprob - 1 */
	uint64_t nprob;
};

/* State of one parse attempt of one object. */
struct pctx {
	struct ag_jsonl *r;
	struct ag_event *ev;
	const char *p;	 /* cursor */
	const char *end; /* end of data; *end == 0 */
	const char *errp;
	const char *why;
	uint64_t lines; /* newlines consumed before p */
	size_t sc_need; /* scratch bytes the object needs when it did not fit */
	bool need_more; /* the object goes on past end */
	bool ws;	/* whitespace seen (compound values) */
	bool esc;	/* an escape seen in a string (compound values) */
};

/*
 * Parses the object at c->p (which is '{') into c->ev. Returns 0, or -1
 * with c->errp/c->why set, c->need_more when the data ended first, or
 * c->sc_need when the scratch block was too small.
 */
int ag_jsonl_parse_object(struct pctx *c);
/* First byte at or after p that is not JSON whitespace; counts newlines. */
const char *ag_jsonl_skip_ws(struct pctx *c, const char *p);
/* The field id of name, the event's field k, through the cache and lookup(). */
uint32_t ag_jsonl_field_id(struct ag_jsonl *r, const char *name, uint32_t len, uint32_t k);
/* Marks c as failed at `at` (or as needing more data past the end). */
int ag_jsonl_fail(struct pctx *c, const char *at, const char *why);
/* NUL-terminates the views into [lo, hi) once the object parsed. */
void ag_jsonl_terminate_views(struct ag_event *ev, const char *lo, const char *hi);

#endif
