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
 * arrays go to a per-reader arena of blocks that are never moved and are
 * reused for every event: after warm-up, no allocation per event or field.
 *
 * Scanning strings is the hot loop: eight bytes at a time (SWAR on
 * little-endian hosts) for the first byte that is '"', '\\', < 0x20 or
 * >= 0x80. Bytes >= 0x80 are validated as UTF-8 (no overlongs, surrogates
 * or code points past U+10FFFF). Newlines can only occur in whitespace
 * between tokens (a raw newline in a string is an error), so counting lines
 * costs nothing extra.
 *
 * Not here: routing (route.c), the event arrays (event.c).
 */
#include "jsonl.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "event.h"

/* Zero bytes kept after the data: the sentinel plus room for 8-byte loads. */
#define AG_JSONL_SLACK 16
/* Arena block size (the first block, and the minimum). */
#define ARENA_BLOCK (64u << 10)

struct arena_blk {
	struct arena_blk *next; /* following block, reused by later events */
	size_t cap;		/* bytes in data[] */
	char data[];
};

/* Per-event scratch: reset for every event, blocks kept for the next ones. */
struct arena {
	struct arena_blk *head; /* first block (owned) */
	struct arena_blk *cur;	/* block being filled, NULL before the first use */
	size_t used;		/* bytes used in cur */
	size_t out;		/* bytes handed out since the last reset */
	size_t limit;		/* cap on out per event */
};

struct ag_jsonl {
	int fd;	 /* source when f is NULL (borrowed) */
	FILE *f; /* source, or NULL (borrowed) */
	uint32_t (*lookup)(void *ctx, const char *name, size_t len);
	void *ctx;

	char *buf;	   /* data, then AG_JSONL_SLACK zero bytes (owned) */
	size_t cap;	   /* allocated bytes of buf, slack included */
	size_t pos;	   /* first unconsumed byte */
	size_t end;	   /* end of data */
	uint64_t off0;	   /* input offset of buf[0] */
	bool eof;	   /* the source returned end of file */
	bool started;	   /* past the start of input (BOM check) */
	size_t chunk;	   /* bytes per read */
	size_t max_object; /* size cap of one object */

	struct arena arena;
	uint64_t line;	 /* 1-based line of buf[pos] */
	uint64_t values; /* top-level values seen (objects + malformed) */
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
	bool need_more; /* the object goes on past end */
	bool ws;	/* whitespace seen (compound values) */
};

/* ---- arena ---- */

static void arena_reset(struct arena *a)
{
	a->cur = NULL;
	a->used = 0;
	a->out = 0;
}

static void arena_done(struct arena *a)
{
	struct arena_blk *b, *n;

	for (b = a->head; b; b = n) {
		n = b->next;
		free(b);
	}
	a->head = NULL;
	arena_reset(a);
}

/* n bytes valid until the next arena_reset(), or NULL (limit or ENOMEM). */
static char *arena_alloc(struct arena *a, size_t n)
{
	struct arena_blk *next, *b;
	size_t sz;

	if (n > a->limit - a->out)
		return NULL;
	for (;;) {
		if (a->cur && n <= a->cur->cap - a->used) {
			char *p = a->cur->data + a->used;

			a->used += n;
			a->out += n;
			return p;
		}
		next = a->cur ? a->cur->next : a->head;
		if (!next || next->cap < n)
			break;
		a->cur = next;
		a->used = 0;
	}
	sz = a->cur ? a->cur->cap * 2 : ARENA_BLOCK;
	if (sz < n)
		sz = n;
	b = malloc(sizeof(*b) + sz);
	if (!b)
		return NULL;
	b->cap = sz;
	b->next = next;
	if (a->cur)
		a->cur->next = b;
	else
		a->head = b;
	a->cur = b;
	a->used = n;
	a->out += n;
	return b->data;
}

/* Give back the last n bytes of the latest allocation. */
static void arena_unget(struct arena *a, size_t n)
{
	a->used -= n;
	a->out -= n;
}

/* ---- failures ---- */

static int fail(struct pctx *c, const char *at, const char *why)
{
	if (at >= c->end) {
		c->need_more = true;
		return -1;
	}
	c->errp = at;
	c->why = why;
	return -1;
}

static void problem(struct ag_jsonl *r, uint64_t line, uint64_t offset, const char *why)
{
	struct ag_jsonl_problem *pr = &r->prob[r->nprob++ % AG_JSONL_PROBLEMS];

	pr->line = line;
	pr->offset = offset;
	pr->reason = why;
	r->st.malformed++;
	r->values++;
}

/* ---- lexing ---- */

static const char *skip_ws(struct pctx *c, const char *p)
{
	for (;; p++) {
		switch (*p) {
		case '\n':
			c->lines++;
			/* fall through */
		case ' ':
		case '\t':
		case '\r':
			c->ws = true;
			continue;
		default:
			return p;
		}
	}
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull
/* First byte at or after q that is '"', '\\', < 0x20 or >= 0x80. */
static inline const char *scan_plain(const char *q)
{
	for (;; q += 8) {
		uint64_t x, a, b, t;

		memcpy(&x, q, 8);
		a = x ^ (ONES * '"');
		b = x ^ (ONES * '\\');
		t = ((a - ONES) & ~a) | ((b - ONES) & ~b) | (x - ONES * 0x20) | x;
		t &= HIGHS;
		if (t)
			return q + (__builtin_ctzll(t) >> 3);
	}
}
#else  /* !little endian */
static inline const char *scan_plain(const char *q)
{
	for (;; q++) {
		unsigned char ch = (unsigned char)*q;

		if (ch == '"' || ch == '\\' || ch < 0x20 || ch >= 0x80)
			return q;
	}
}
#endif /* little endian */

/* Length of the valid UTF-8 sequence at q (lead byte >= 0x80), or 0. */
static size_t utf8_len(const char *s, const char **ret_bad)
{
	const unsigned char *q = (const unsigned char *)s;
	unsigned char b0 = q[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (b0 >= 0xc2 && b0 <= 0xdf) {
		n = 2;
	} else if (b0 >= 0xe0 && b0 <= 0xef) {
		n = 3;
		if (b0 == 0xe0)
			lo = 0xa0;
		else if (b0 == 0xed)
			hi = 0x9f;
	} else if (b0 >= 0xf0 && b0 <= 0xf4) {
		n = 4;
		if (b0 == 0xf0)
			lo = 0x90;
		else if (b0 == 0xf4)
			hi = 0x8f;
	} else {
		*ret_bad = s;
		return 0;
	}
	for (i = 1; i < n; i++) {
		if (q[i] < lo || q[i] > hi) {
			*ret_bad = s + i;
			return 0;
		}
		lo = 0x80;
		hi = 0xbf;
	}
	return n;
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* The 4 hex digits at q as a code unit, or -1 (*ret_bad: first bad digit). */
static long hex4(const char *q, const char **ret_bad)
{
	long v = 0;
	int i, d;

	for (i = 0; i < 4; i++) {
		d = hexval((unsigned char)q[i]);
		if (d < 0) {
			*ret_bad = q + i;
			return -1;
		}
		v = v * 16 + d;
	}
	return v;
}

/*
 * Validate the string whose opening quote is at c->p: UTF-8, escapes,
 * surrogate pairs. On success *ret_close is the closing quote, *ret_esc
 * tells whether an escape occurs, AG_V_NONASCII is or-ed into *flags for
 * raw bytes >= 0x80, and c->p is past the closing quote.
 */
static int scan_string(struct pctx *c, const char **ret_close, bool *ret_esc, uint32_t *flags)
{
	const char *q = c->p + 1, *bad;
	bool esc = false;
	long u, v;

	for (;;) {
		unsigned char ch;

		q = scan_plain(q);
		ch = (unsigned char)*q;
		if (ch == '"')
			break;
		if (ch >= 0x80) {
			size_t n = utf8_len(q, &bad);

			if (!n)
				return fail(c, bad, "invalid UTF-8 in string");
			*flags |= AG_V_NONASCII;
			q += n;
			continue;
		}
		if (ch != '\\')
			return fail(c, q, "control character in string");
		esc = true;
		switch (q[1]) {
		case '"':
		case '\\':
		case '/':
		case 'b':
		case 'f':
		case 'n':
		case 'r':
		case 't':
			q += 2;
			continue;
		case 'u':
			break;
		default:
			return fail(c, q + 1, "invalid escape");
		}
		u = hex4(q + 2, &bad);
		if (u < 0)
			return fail(c, bad, "invalid \\u escape");
		q += 6;
		if (u >= 0xdc00 && u <= 0xdfff)
			return fail(c, q - 6, "lone surrogate");
		if (u < 0xd800 || u > 0xdbff)
			continue;
		if (q[0] != '\\')
			return fail(c, q, "lone surrogate");
		if (q[1] != 'u')
			return fail(c, q + 1, "lone surrogate");
		v = hex4(q + 2, &bad);
		if (v < 0)
			return fail(c, bad, "invalid \\u escape");
		if (v < 0xdc00 || v > 0xdfff)
			return fail(c, q, "lone surrogate");
		q += 6;
	}
	*ret_close = q;
	*ret_esc = esc;
	c->p = q + 1;
	return 0;
}

/* Decode the validated string body [s, e) into out; returns the length. */
static size_t decode_string(const char *s, const char *e, char *out, uint32_t *flags)
{
	char *o = out;
	const char *bad;

	while (s < e) {
		unsigned long u;

		if (*s != '\\') {
			*o++ = *s++;
			continue;
		}
		switch (s[1]) {
		case 'b':
			*o++ = '\b';
			break;
		case 'f':
			*o++ = '\f';
			break;
		case 'n':
			*o++ = '\n';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 'u':
			u = (unsigned long)hex4(s + 2, &bad);
			s += 6;
			if (u >= 0xd800 && u <= 0xdbff) {
				u = 0x10000 + ((u - 0xd800) << 10) +
				    ((unsigned long)hex4(s + 2, &bad) - 0xdc00);
				s += 6;
			}
			if (u < 0x80) {
				*o++ = (char)u;
				continue;
			}
			*flags |= AG_V_NONASCII;
			if (u < 0x800) {
				*o++ = (char)(0xc0 | (u >> 6));
			} else if (u < 0x10000) {
				*o++ = (char)(0xe0 | (u >> 12));
				*o++ = (char)(0x80 | ((u >> 6) & 0x3f));
			} else {
				*o++ = (char)(0xf0 | (u >> 18));
				*o++ = (char)(0x80 | ((u >> 12) & 0x3f));
				*o++ = (char)(0x80 | ((u >> 6) & 0x3f));
			}
			*o++ = (char)(0x80 | (u & 0x3f));
			continue;
		default: /* '"', '\\', '/' */
			*o++ = s[1];
			break;
		}
		s += 2;
	}
	return (size_t)(o - out);
}

/*
 * Parse the string at c->p into a view: into the buffer when it has no
 * escape (NUL added after the object parsed), else decoded into the arena
 * (NUL-terminated).
 */
static int parse_string(struct pctx *c, const char **ret_s, uint32_t *ret_n, uint32_t *flags)
{
	const char *s = c->p + 1, *close;
	bool esc;
	size_t n;
	char *out;

	if (scan_string(c, &close, &esc, flags))
		return -1;
	n = (size_t)(close - s);
	if (!esc) {
		*ret_s = s;
		*ret_n = (uint32_t)n;
		return 0;
	}
	out = arena_alloc(&c->r->arena, n + 1);
	if (!out)
		return fail(c, s, "object too large");
	n = decode_string(s, close, out, flags);
	out[n] = '\0';
	arena_unget(&c->r->arena, (size_t)(close - s) - n);
	*ret_s = out;
	*ret_n = (uint32_t)n;
	return 0;
}

static int scan_number(struct pctx *c)
{
	const char *q = c->p;

	if (*q == '-')
		q++;
	if (*q == '0') {
		q++;
	} else if (*q >= '1' && *q <= '9') {
		while (*q >= '0' && *q <= '9')
			q++;
	} else {
		return fail(c, q, "invalid number");
	}
	if (*q == '.') {
		q++;
		if (*q < '0' || *q > '9')
			return fail(c, q, "invalid number");
		while (*q >= '0' && *q <= '9')
			q++;
	}
	if (*q == 'e' || *q == 'E') {
		q++;
		if (*q == '+' || *q == '-')
			q++;
		if (*q < '0' || *q > '9')
			return fail(c, q, "invalid number");
		while (*q >= '0' && *q <= '9')
			q++;
	}
	c->p = q;
	return 0;
}

static int scan_literal(struct pctx *c, const char *lit, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (c->p[i] != lit[i])
			return fail(c, c->p + i, "invalid literal");
	c->p += n;
	return 0;
}

/* Validate any JSON value at c->p (inside an array), advancing c->p. */
static int skip_value(struct pctx *c, int depth)
{
	const char *close;
	uint32_t flags = 0;
	bool esc;

	switch (*c->p) {
	case '"':
		return scan_string(c, &close, &esc, &flags);
	case 't':
		return scan_literal(c, "true", 4);
	case 'f':
		return scan_literal(c, "false", 5);
	case 'n':
		return scan_literal(c, "null", 4);
	case '[':
	case '{':
		break;
	default:
		return scan_number(c);
	}
	if (depth >= AG_JSONL_MAX_DEPTH)
		return fail(c, c->p, "nesting too deep");
	if (*c->p == '[') {
		c->p = skip_ws(c, c->p + 1);
		if (*c->p == ']') {
			c->p++;
			return 0;
		}
		for (;;) {
			if (skip_value(c, depth + 1))
				return -1;
			c->p = skip_ws(c, c->p);
			if (*c->p == ']') {
				c->p++;
				return 0;
			}
			if (*c->p != ',')
				return fail(c, c->p, "expected ',' or ']'");
			c->p = skip_ws(c, c->p + 1);
		}
	}
	c->p = skip_ws(c, c->p + 1);
	if (*c->p == '}') {
		c->p++;
		return 0;
	}
	for (;;) {
		if (*c->p != '"')
			return fail(c, c->p, "expected a key");
		if (scan_string(c, &close, &esc, &flags))
			return -1;
		c->p = skip_ws(c, c->p);
		if (*c->p != ':')
			return fail(c, c->p, "expected ':'");
		c->p = skip_ws(c, c->p + 1);
		if (skip_value(c, depth + 1))
			return -1;
		c->p = skip_ws(c, c->p);
		if (*c->p == '}') {
			c->p++;
			return 0;
		}
		if (*c->p != ',')
			return fail(c, c->p, "expected ',' or '}'");
		c->p = skip_ws(c, c->p + 1);
	}
}

/*
 * Parse the array at c->p into its compact JSON text: a view into the
 * buffer when it holds no whitespace, else a copy without the whitespace
 * outside strings (arena, NUL-terminated).
 */
static int parse_array(struct pctx *c, int depth, const char **ret_s, uint32_t *ret_n,
		       uint32_t *flags)
{
	const char *s = c->p, *e, *q;
	char *out, *o;
	bool in_str = false;

	c->ws = false;
	if (skip_value(c, depth))
		return -1;
	e = c->p;
	for (q = s; q < e; q++)
		if ((unsigned char)*q >= 0x80) {
			*flags |= AG_V_NONASCII;
			break;
		}
	if (!c->ws) {
		*ret_s = s;
		*ret_n = (uint32_t)(e - s);
		return 0;
	}
	out = arena_alloc(&c->r->arena, (size_t)(e - s) + 1);
	if (!out)
		return fail(c, s, "object too large");
	for (o = out, q = s; q < e; q++) {
		if (in_str) {
			if (*q == '\\')
				*o++ = *q++;
			else if (*q == '"')
				in_str = false;
		} else if (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n') {
			continue;
		} else if (*q == '"') {
			in_str = true;
		}
		*o++ = *q;
	}
	*o = '\0';
	arena_unget(&c->r->arena, (size_t)(e - s) - (size_t)(o - out));
	*ret_s = out;
	*ret_n = (uint32_t)(o - out);
	return 0;
}

/* The field name: key, or prefix "." key in the arena; NULL when too large. */
static const char *field_name(struct pctx *c, const char *prefix, uint32_t plen, const char *key,
			      uint32_t klen, uint32_t *ret_len)
{
	char *n;

	if (!prefix) {
		*ret_len = klen;
		return key;
	}
	n = arena_alloc(&c->r->arena, (size_t)plen + 1 + klen + 1);
	if (!n)
		return NULL;
	memcpy(n, prefix, plen);
	n[plen] = '.';
	memcpy(n + plen + 1, key, klen);
	n[plen + 1 + klen] = '\0';
	*ret_len = plen + 1 + klen;
	return n;
}

static void emit(struct pctx *c, const char *name, uint32_t nlen, const char *val, uint32_t vlen,
		 uint32_t flags)
{
	struct ag_jsonl *r = c->r;
	uint32_t id = r->lookup ? r->lookup(r->ctx, name, nlen) : AG_FIELD_NONE;

	ag_event_add(c->ev, name, nlen, val, vlen, flags, id);
}

/*
 * Parse the object at c->p ('{'), its fields named prefix.key when nested;
 * *ret_members is the number of members (0 for "{}").
 */
static int parse_object(struct pctx *c, const char *prefix, uint32_t plen, int depth,
			uint32_t *ret_members)
{
	const char *key, *name, *val = NULL;
	uint32_t klen, nlen, vlen = 0, flags, members;
	const char *start;

	*ret_members = 0;
	c->p = skip_ws(c, c->p + 1);
	if (*c->p == '}') {
		c->p++;
		return 0;
	}
	for (;; (*ret_members)++) {
		if (*c->p != '"')
			return fail(c, c->p, "expected a key");
		flags = 0;
		if (parse_string(c, &key, &klen, &flags))
			return -1;
		c->p = skip_ws(c, c->p);
		if (*c->p != ':')
			return fail(c, c->p, "expected ':'");
		c->p = skip_ws(c, c->p + 1);
		start = c->p;
		/* A full event keeps counting fields, but builds no more names. */
		if (c->ev->nkv >= AG_MAX_EVENT_FIELDS) {
			name = key;
			nlen = klen;
		} else {
			name = field_name(c, prefix, plen, key, klen, &nlen);
			if (!name)
				return fail(c, start, "object too large");
		}
		flags = 0;
		switch (*start) {
		case '"':
			if (parse_string(c, &val, &vlen, &flags))
				return -1;
			break;
		case '{':
			if (depth >= AG_JSONL_MAX_DEPTH)
				return fail(c, start, "nesting too deep");
			if (parse_object(c, name, nlen, depth + 1, &members))
				return -1;
			if (members)
				goto next; /* its fields are emitted */
			val = "{}";
			vlen = 2;
			flags = AG_V_COMPOUND;
			break;
		case '[':
			if (parse_array(c, depth, &val, &vlen, &flags))
				return -1;
			flags |= AG_V_COMPOUND;
			break;
		case 't':
		case 'f':
			if (scan_literal(c, *start == 't' ? "true" : "false", *start == 't' ? 4 : 5))
				return -1;
			val = start;
			vlen = (uint32_t)(c->p - start);
			flags = AG_V_BOOL;
			break;
		case 'n':
			if (scan_literal(c, "null", 4))
				return -1;
			val = start;
			vlen = 4;
			flags = AG_V_NULL;
			break;
		default:
			if (scan_number(c))
				return -1;
			val = start;
			vlen = (uint32_t)(c->p - start);
			flags = AG_V_NUMBER;
			break;
		}
		if (c->ev->nkv >= AG_MAX_EVENT_FIELDS)
			c->ev->dropped++;
		else
			emit(c, name, nlen, val, vlen, flags);
next:
		c->p = skip_ws(c, c->p);
		if (*c->p == '}') {
			c->p++;
			return 0;
		}
		if (*c->p != ',')
			return fail(c, c->p, "expected ',' or '}'");
		c->p = skip_ws(c, c->p + 1);
	}
}

/* NUL-terminate the views into [lo, hi) once the object parsed. */
static void terminate_views(struct ag_event *ev, const char *lo, const char *hi)
{
	uint32_t i;

	for (i = 0; i < ev->nkv; i++) {
		struct ag_kv *kv = &ev->kv[i];

		if (kv->name >= lo && kv->name < hi)
			((char *)kv->name)[kv->name_len] = '\0';
		if (kv->val >= lo && kv->val < hi)
			((char *)kv->val)[kv->val_len] = '\0';
	}
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
	while (got < 0 && errno == EINTR);
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

	if (keep) {
		memmove(r->buf, r->buf + keep, have);
		r->off0 += keep;
		r->pos -= keep;
		r->end = have;
	}
	if (need > r->cap) {
		size_t ncap = r->cap * 2 > need ? r->cap * 2 : need;
		char *nb;

		if (ncap > limit + AG_JSONL_SLACK)
			ncap = limit + AG_JSONL_SLACK > need ? limit + AG_JSONL_SLACK : need;
		nb = realloc(r->buf, ncap);
		if (!nb)
			return -ENOMEM;
		r->buf = nb;
		r->cap = ncap;
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

/*
 * Skip from buf[pos] to the start of the next line beginning with '{' (or
 * the end of input): the rest of the current line, then whole lines.
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
		if (r->pos >= r->end || r->buf[r->pos] == '{')
			return 0;
	}
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
	r->line = 1;
	r->arena.limit = 4 * r->max_object + ARENA_BLOCK;
	r->cap = r->chunk + AG_JSONL_SLACK;
	r->buf = calloc(1, r->cap);
	if (!r->buf) {
		free(r);
		return -ENOMEM;
	}
	*ret = r;
	return 0;
}

int ag_jsonl_open_fd(struct ag_jsonl **ret, int fd, const struct ag_jsonl_opts *opts,
		     uint32_t (*lookup)(void *ctx, const char *name, size_t len), void *ctx)
{
	return open_common(ret, fd, NULL, opts, lookup, ctx);
}

int ag_jsonl_open_file(struct ag_jsonl **ret, FILE *f, const struct ag_jsonl_opts *opts,
		       uint32_t (*lookup)(void *ctx, const char *name, size_t len), void *ctx)
{
	if (!f)
		return -EINVAL;
	return open_common(ret, -1, f, opts, lookup, ctx);
}

void ag_jsonl_close(struct ag_jsonl *r)
{
	if (!r)
		return;
	arena_done(&r->arena);
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
		p = skip_ws(&c, p);
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

int ag_jsonl_next(struct ag_jsonl *r, struct ag_event *ev)
{
	struct pctx c;
	const char *obj;
	uint32_t members;
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
		arena_reset(&r->arena);
		if (*obj != '{') {
			fail(&c, obj, "not a JSON object");
		} else if (!parse_object(&c, NULL, 0, 1, &members)) {
			terminate_views(ev, obj, c.end);
			r->line += c.lines;
			r->pos = (size_t)(c.p - r->buf);
			r->st.objects++;
			ev->seq = ++r->values;
			return 0;
		}
		ag_event_reset(ev);
		if (c.need_more) {
			size_t have = r->end - r->pos;

			if (!r->eof && have < r->max_object) {
				err = refill(r, r->pos);
				if (err)
					return err;
				continue;
			}
			problem(r, r->line + count_nl(obj, c.end), r->off0 + r->end,
				r->eof && have < r->max_object ? "truncated object at end of input"
							       : "object larger than the size cap");
			r->line += count_nl(obj, c.end);
			r->pos = r->end;
		} else {
			r->line += c.lines;
			problem(r, r->line, r->off0 + (uint64_t)(c.errp - r->buf), c.why);
			r->pos = (size_t)(c.errp - r->buf);
		}
		err = resync(r);
		if (err)
			return err;
	}
}

void ag_jsonl_stats(const struct ag_jsonl *r, struct ag_jsonl_stats *ret)
{
	*ret = r->st;
	ret->lines = r->line - 1;
}

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
