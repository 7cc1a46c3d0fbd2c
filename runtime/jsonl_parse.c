// SPDX-License-Identifier: Apache-2.0
/*
 * The JSON object parser of the JSONL reader: recursive descent over a
 * NUL-sentinelled buffer, zero copy where the text allows, nested objects
 * flattened to dotted names, arrays kept as compact JSON text. See jsonl.c
 * for the buffering design this relies on.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "jsonl_int.h"

/* ---- scratch ---- */

/*
 * n bytes of scratch valid for the current object, or NULL when the block
 * is too small: the object is then parsed again with a larger block (views
 * into the block must not move under the event).
 */
static char *sc_alloc(struct pctx *c, size_t n)
{
	struct ag_jsonl *r = c->r;
	char *p;

	if (n > r->sc_cap - r->sc_used) {
		c->sc_need = r->sc_used + n;
		return NULL;
	}
	p = r->sc + r->sc_used;
	r->sc_used += n;
	return p;
}

/* ---- failures ---- */

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

/* ---- lexing ---- */

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

/* The character of the escape \\x by x, 0 when x is not a one-letter escape. */
static const char unescaped[256] = {
	['"'] = '"', ['\\'] = '\\', ['/'] = '/', ['b'] = '\b',
	['f'] = '\f', ['n'] = '\n',   ['r'] = '\r', ['t'] = '\t',
};

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
				return ag_jsonl_fail(c, bad, "invalid UTF-8 in string");
			*flags |= AG_V_NONASCII;
			q += n;
			continue;
		}
		if (ch != '\\')
			return ag_jsonl_fail(c, q, "control character in string");
		esc = true;
		if (unescaped[(unsigned char)q[1]]) {
			q += 2;
			continue;
		}
		if (q[1] != 'u')
			return ag_jsonl_fail(c, q + 1, "invalid escape");
		u = hex4(q + 2, &bad);
		if (u < 0)
			return ag_jsonl_fail(c, bad, "invalid \\u escape");
		q += 6;
		if (u >= 0xdc00 && u <= 0xdfff)
			return ag_jsonl_fail(c, q - 6, "lone surrogate");
		if (u < 0xd800 || u > 0xdbff)
			continue;
		if (q[0] != '\\')
			return ag_jsonl_fail(c, q, "lone surrogate");
		if (q[1] != 'u')
			return ag_jsonl_fail(c, q + 1, "lone surrogate");
		v = hex4(q + 2, &bad);
		if (v < 0)
			return ag_jsonl_fail(c, bad, "invalid \\u escape");
		if (v < 0xdc00 || v > 0xdfff)
			return ag_jsonl_fail(c, q, "lone surrogate");
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
		if (s[1] != 'u') {
			*o++ = unescaped[(unsigned char)s[1]];
			s += 2;
			continue;
		}
		u = (unsigned long)hex4(s + 2, &bad);
		s += 6;
		if (u >= 0xd800 && u <= 0xdbff) {
			u = 0x10000 + ((u - 0xd800) << 10) + ((unsigned long)hex4(s + 2, &bad) - 0xdc00);
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
	}
	return (size_t)(o - out);
}

/*
 * Parse the string at c->p into a view: into the buffer when it has no
 * escape (NUL added after the object parsed), else decoded into scratch
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
	out = sc_alloc(c, n + 1);
	if (!out)
		return ag_jsonl_fail(c, s, "object too large");
	n = decode_string(s, close, out, flags);
	out[n] = '\0';
	c->r->sc_used -= (size_t)(close - s) - n;
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
		return ag_jsonl_fail(c, q, "invalid number");
	}
	if (*q == '.') {
		q++;
		if (*q < '0' || *q > '9')
			return ag_jsonl_fail(c, q, "invalid number");
		while (*q >= '0' && *q <= '9')
			q++;
	}
	if (*q == 'e' || *q == 'E') {
		q++;
		if (*q == '+' || *q == '-')
			q++;
		if (*q < '0' || *q > '9')
			return ag_jsonl_fail(c, q, "invalid number");
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
			return ag_jsonl_fail(c, c->p + i, "invalid literal");
	c->p += n;
	return 0;
}

/* Validate any JSON value at c->p (inside an array), advancing c->p. */
static int skip_value(struct pctx *c, int depth)
{
	const char *end;
	uint32_t flags = 0;
	char open, close;
	bool esc;

	switch (*c->p) {
	case '"':
		return scan_string(c, &end, &esc, &flags);
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
		return ag_jsonl_fail(c, c->p, "nesting too deep");
	open = *c->p;
	close = open == '[' ? ']' : '}';
	c->p = ag_jsonl_skip_ws(c, c->p + 1);
	if (*c->p == close) {
		c->p++;
		return 0;
	}
	for (;;) {
		if (open == '{') {
			if (*c->p != '"')
				return ag_jsonl_fail(c, c->p, "expected a key");
			if (scan_string(c, &end, &esc, &flags))
				return -1;
			c->p = ag_jsonl_skip_ws(c, c->p);
			if (*c->p != ':')
				return ag_jsonl_fail(c, c->p, "expected ':'");
			c->p = ag_jsonl_skip_ws(c, c->p + 1);
		}
		if (skip_value(c, depth + 1))
			return -1;
		c->p = ag_jsonl_skip_ws(c, c->p);
		if (*c->p == close) {
			c->p++;
			return 0;
		}
		if (*c->p != ',')
			return ag_jsonl_fail(c, c->p, open == '[' ? "expected ',' or ']'" : "expected ',' or '}'");
		c->p = ag_jsonl_skip_ws(c, c->p + 1);
	}
}

/*
 * Parse the array at c->p into its compact JSON text: a view into the
 * buffer when it holds no whitespace, else a copy without the whitespace
 * outside strings (scratch, NUL-terminated).
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
	out = sc_alloc(c, (size_t)(e - s) + 1);
	if (!out)
		return ag_jsonl_fail(c, s, "object too large");
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
	c->r->sc_used -= (size_t)(e - s) - (size_t)(o - out);
	*ret_s = out;
	*ret_n = (uint32_t)(o - out);
	return 0;
}

/* The field name: key, or prefix "." key in scratch; NULL when too large. */
static const char *field_name(struct pctx *c, const char *prefix, uint32_t plen, const char *key,
			      uint32_t klen, uint32_t *ret_len)
{
	char *n;

	if (!prefix) {
		*ret_len = klen;
		return key;
	}
	n = sc_alloc(c, (size_t)plen + 1 + klen + 1);
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

	if (c->ev->nkv >= AG_MAX_EVENT_FIELDS)
		c->ev->dropped++;
	else
		ag_event_add(c->ev, name, nlen, val, vlen, flags,
			     r->lookup ? r->lookup(r->ctx, name, nlen) : AG_FIELD_NONE);
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
	c->p = ag_jsonl_skip_ws(c, c->p + 1);
	if (*c->p == '}') {
		c->p++;
		return 0;
	}
	for (;;) {
		(*ret_members)++;
		if (*c->p != '"')
			return ag_jsonl_fail(c, c->p, "expected a key");
		flags = 0;
		if (parse_string(c, &key, &klen, &flags))
			return -1;
		c->p = ag_jsonl_skip_ws(c, c->p);
		if (*c->p != ':')
			return ag_jsonl_fail(c, c->p, "expected ':'");
		c->p = ag_jsonl_skip_ws(c, c->p + 1);
		start = c->p;
		/* A full event keeps counting fields, but builds no more names. */
		if (c->ev->nkv >= AG_MAX_EVENT_FIELDS) {
			name = key;
			nlen = klen;
		} else {
			name = field_name(c, prefix, plen, key, klen, &nlen);
			if (!name)
				return ag_jsonl_fail(c, start, "object too large");
		}
		flags = 0;
		switch (*start) {
		case '"':
			if (parse_string(c, &val, &vlen, &flags))
				return -1;
			break;
		case '{':
			if (depth >= AG_JSONL_MAX_DEPTH)
				return ag_jsonl_fail(c, start, "nesting too deep");
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
		default: /* true, false, null, a number: kept as written */
			if (skip_value(c, depth))
				return -1;
			val = start;
			vlen = (uint32_t)(c->p - start);
			flags = *start == 'n' ? AG_V_NULL : *start == 't' || *start == 'f' ? AG_V_BOOL
											 : AG_V_NUMBER;
			break;
		}
		emit(c, name, nlen, val, vlen, flags);
next:
		c->p = ag_jsonl_skip_ws(c, c->p);
		if (*c->p == '}') {
			c->p++;
			return 0;
		}
		if (*c->p != ',')
			return ag_jsonl_fail(c, c->p, "expected ',' or '}'");
		c->p = ag_jsonl_skip_ws(c, c->p + 1);
	}
}

void ag_jsonl_terminate_views(struct ag_event *ev, const char *lo, const char *hi)
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

int ag_jsonl_parse_object(struct pctx *c)
{
	uint32_t members;

	return parse_object(c, NULL, 0, 1, &members);
}
