// SPDX-License-Identifier: Apache-2.0
/*
 * The JSON object parser of the JSONL reader: recursive descent over a
 * NUL-sentinelled buffer, zero copy where the text allows, nested objects
 * flattened to dotted names, arrays kept as compact JSON text. See jsonl.c
 * for the buffering design this relies on.
 *
 * Strings are scanned a chunk at a time (16 bytes with SSE2, 8 with SWAR on
 * other little-endian hosts) for the first byte that is '"', '\\', < 0x20
 * or >= 0x80. A string without escapes is a view into the buffer; at its
 * first escape the decoder copies the text before it into scratch and goes
 * on decoding and validating in the same pass, storing whole chunks and
 * advancing by the plain bytes among them (the scratch block has
 * SCRATCH_SLACK bytes past its end for those stores).
 *
 * Field ids come from ag_jsonl_field_id() (jsonl.c, a cache in front of
 * the reader's lookup()).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif /* __SSE2__ */

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

/* ---- lexing (ag_jsonl_skip_ws() and ag_jsonl_fail() are in jsonl.c) ---- */

/* JSON whitespace: ' ', '\t', '\n', '\r'. */
#define WS_MASK ((1ull << ' ') | (1ull << '\t') | (1ull << '\n') | (1ull << '\r'))

/*
 * ag_jsonl_skip_ws() with the common cases inline: no whitespace, or one
 * space (after ':' and ',' in most JSONL writers' output).
 */
static inline const char *skip_ws(struct pctx *c, const char *p)
{
	unsigned char ch = (unsigned char)*p;

	if (ch > ' ' || !((WS_MASK >> ch) & 1))
		return p;
	if (ch == ' ') {
		c->ws = true;
		ch = (unsigned char)*++p;
		if (ch > ' ' || !((WS_MASK >> ch) & 1))
			return p;
	}
	return ag_jsonl_skip_ws(c, p);
}

/*
 * special(q) looks at the CHUNK bytes at q (which may run into the slack)
 * and returns 0 when none of them is '"', '\\', < 0x20 or >= 0x80, else a
 * mask that first_special() turns into the offset of the first such byte;
 * special_copy(o, q) also stores those bytes at o. quote_of() flags the
 * quotes the same way: exact at the lowest bit special_of() sets, which is
 * all parse_string() asks of it.
 */
#if defined(__SSE2__)
typedef __m128i chunk_t;

static inline uint64_t special_of(chunk_t x)
{
	/* signed: bytes >= 0x80 are negative, so below 0x20 as well */
	__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
					      _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
				 _mm_cmplt_epi8(x, _mm_set1_epi8(0x20)));

	return (uint64_t)(unsigned)_mm_movemask_epi8(m);
}

static inline uint64_t quote_of(chunk_t x)
{
	return (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')));
}

static inline size_t first_special(uint64_t m)
{
	return (size_t)__builtin_ctzll(m);
}
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
typedef uint64_t chunk_t;
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

static inline uint64_t special_of(chunk_t x)
{
	uint64_t a = x ^ (ONES * '"'), b = x ^ (ONES * '\\');

	/* the lowest flagged byte is exact; bytes above it may be false hits */
	return (((a - ONES) & ~a) | ((b - ONES) & ~b) | (x - ONES * 0x20) | x) & HIGHS;
}

static inline uint64_t quote_of(chunk_t x)
{
	uint64_t a = x ^ (ONES * '"');

	return (a - ONES) & ~a & HIGHS;
}

static inline size_t first_special(uint64_t m)
{
	return (size_t)__builtin_ctzll(m) >> 3;
}
#else  /* neither SSE2 nor little endian */
typedef unsigned char chunk_t;

static inline uint64_t special_of(chunk_t ch)
{
	return ch == '"' || ch == '\\' || ch < 0x20 || ch >= 0x80;
}

static inline uint64_t quote_of(chunk_t ch)
{
	return ch == '"';
}

static inline size_t first_special(uint64_t m)
{
	(void)m;
	return 0;
}
#endif /* __SSE2__ */
#define CHUNK sizeof(chunk_t)

static inline uint64_t special(const char *q)
{
	chunk_t x;

	memcpy(&x, q, sizeof(x));
	return special_of(x);
}

/* special(q), and the chunk at q copied to o (one load for both). */
static inline uint64_t special_copy(char *o, const char *q)
{
	chunk_t x;

	memcpy(&x, q, sizeof(x));
	memcpy(o, &x, sizeof(x));
	return special_of(x);
}

/* First byte at or after q that is '"', '\\', < 0x20 or >= 0x80. */
static inline const char *scan_plain(const char *q)
{
	uint64_t m;

	while (!(m = special(q)))
		q += CHUNK;
	return q + first_special(m);
}

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

/* u_escape() result for a byte kept as it is (see there). */
#define RAW_BYTE 0x110000l

/*
 * Decode the \u escape at q (q[0] == '\\'), with the low half that must
 * follow a high surrogate. A lone surrogate costs only itself, not the
 * event: one of U+DC80..U+DCFF (how Python writes a byte of a file name
 * or argv that is not UTF-8, "surrogateescape") is that byte again,
 * returned as RAW_BYTE + the byte; any other becomes U+FFFD. Returns the
 * code point and sets *ret_next past the escape(s), or returns -1 after
 * ag_jsonl_fail().
 */
static long u_escape(struct pctx *c, const char *q, const char **ret_next)
{
	const char *bad;
	long u, v;

	if (q[1] != 'u')
		return ag_jsonl_fail(c, q + 1, "invalid escape");
	u = hex4(q + 2, &bad);
	if (u < 0)
		return ag_jsonl_fail(c, bad, "invalid \\u escape");
	q += 6;
	if (u >= 0xdc00 && u <= 0xdfff) {
		u = u >= 0xdc80 && u <= 0xdcff ? RAW_BYTE + (u & 0xff) : 0xfffd;
	} else if (u >= 0xd800 && u <= 0xdbff) {
		if (q[0] == '\\' && q[1] == 'u' && (v = hex4(q + 2, &bad)) >= 0xdc00 &&
		    v <= 0xdfff) {
			q += 6;
			u = 0x10000 + ((u - 0xd800) << 10) + (v - 0xdc00);
		} else {
			u = 0xfffd; /* what follows is read on its own */
		}
	}
	*ret_next = q;
	return u;
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

	for (;;) {
		unsigned char ch;

		q = scan_plain(q);
		ch = (unsigned char)*q;
		if (ch == '"')
			break;
		if (ch >= 0x80) {
			size_t n = utf8_len(q, &bad);

			*flags |= AG_V_NONASCII;
			q += n ? n : 1; /* an invalid byte is kept as it is */
			continue;
		}
		if (ch != '\\')
			return ag_jsonl_fail(c, q, "control character in string");
		esc = true;
		if (unescaped[(unsigned char)q[1]]) {
			q += 2;
			continue;
		}
		if (u_escape(c, q, &q) < 0)
			return -1;
	}
	*ret_close = q;
	*ret_esc = esc;
	c->p = q + 1;
	return 0;
}

/* Append code point u as UTF-8 at o (RAW_BYTE + b: the byte b); returns the new end. */
static char *put_utf8(char *o, unsigned long u, uint32_t *flags)
{
	if (u >= RAW_BYTE) {
		*flags |= AG_V_NONASCII;
		*o++ = (char)(u - RAW_BYTE);
		return o;
	}
	if (u < 0x80) {
		*o++ = (char)u;
		return o;
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
	return o;
}

/*
 * The string at c->p does not fit in what is left of the scratch block:
 * validate it as the decoder would have (so that its first error, or the
 * end of the data, is reported the same way), then ask for a block large
 * enough for its raw length plus a NUL.
 */
static int string_too_large(struct pctx *c)
{
	const char *s = c->p + 1, *close;
	uint32_t fl = 0;
	bool esc;

	if (scan_string(c, &close, &esc, &fl))
		return -1;
	c->sc_need = c->r->sc_used + (size_t)(close - s) + 1;
	return ag_jsonl_fail(c, s, "object too large");
}

/*
 * parse_string() from the first escape on (at q): decode into scratch
 * while validating, with the checks of scan_string() in the same order.
 * The decoded text never outgrows the raw text (o - out <= q - s), and
 * q - s is checked against the room left before each chunk store, so the
 * stores stay within SCRATCH_SLACK bytes past the block.
 */
static __attribute__((noinline)) int
parse_escaped(struct pctx *c, const char *q, const char **ret_s, uint32_t *ret_n, uint32_t *flags)
{
	struct ag_jsonl *r = c->r;
	const char *s = c->p + 1, *bad;
	size_t avail = r->sc_cap - r->sc_used, n;
	char *out = r->sc + r->sc_used, *o;
	uint64_t m;
	long u;

	_Static_assert(SCRATCH_SLACK >= CHUNK + 4 + 4, "room for the decoder's stores");
	if ((size_t)(q - s) > avail)
		return string_too_large(c);
	/* The text before the escape, in whole chunks (into the slack). */
	for (n = 0; n < (size_t)(q - s); n += CHUNK)
		memcpy(out + n, s + n, CHUNK);
	o = out + (q - s);
	for (;;) {
		unsigned char ch = (unsigned char)*q;

		if (ch == '"')
			break;
		if (ch >= 0x80) {
			n = utf8_len(q, &bad);
			if (!n)
				n = 1; /* an invalid byte is kept as it is */
			*flags |= AG_V_NONASCII;
			memcpy(o, q, 4);
			q += n;
			o += n;
		} else if (ch != '\\') {
			return ag_jsonl_fail(c, q, "control character in string");
		} else if (unescaped[(unsigned char)q[1]]) {
			*o++ = unescaped[(unsigned char)q[1]];
			q += 2;
		} else {
			u = u_escape(c, q, &q);
			if (u < 0)
				return -1;
			o = put_utf8(o, (unsigned long)u, flags);
		}
		/* The plain bytes up to the next special one, a chunk at a time. */
		for (;;) {
			if ((size_t)(q - s) > avail)
				return string_too_large(c);
			m = special_copy(o, q);
			if (m)
				break;
			q += CHUNK;
			o += CHUNK;
		}
		n = first_special(m);
		q += n;
		o += n;
	}
	if ((size_t)(q - s) + 1 > avail)
		return string_too_large(c);
	n = (size_t)(o - out);
	out[n] = '\0';
	r->sc_used += n + 1;
	c->p = q + 1;
	*ret_s = out;
	*ret_n = (uint32_t)n;
	return 0;
}

/*
 * parse_string() past the first special byte (at q) that is not the
 * closing quote: UTF-8 sequences, then the first escape, if any.
 */
static __attribute__((noinline)) int parse_string_slow(struct pctx *c, const char *q,
						       const char **ret_s, uint32_t *ret_n,
						       uint32_t *flags)
{
	const char *s = c->p + 1, *bad;

	for (;;) {
		unsigned char ch = (unsigned char)*q;
		size_t n;

		if (ch == '"')
			break;
		if (ch == '\\')
			return parse_escaped(c, q, ret_s, ret_n, flags);
		if (ch < 0x80)
			return ag_jsonl_fail(c, q, "control character in string");
		n = utf8_len(q, &bad);
		*flags |= AG_V_NONASCII;
		q = scan_plain(q + (n ? n : 1)); /* an invalid byte is kept as it is */
	}
	*ret_s = s;
	*ret_n = (uint32_t)(q - s);
	c->p = q + 1;
	return 0;
}

/*
 * Parse the string at c->p into a view: into the buffer when it has no
 * escape (NUL added after the object parsed), else decoded into scratch
 * (NUL-terminated). Validates as scan_string() does. Inline: the plain
 * ASCII string is the common case.
 */
static inline int parse_string(struct pctx *c, const char **ret_s, uint32_t *ret_n, uint32_t *flags)
{
	const char *s = c->p + 1, *q = s;
	chunk_t x;
	uint64_t m;

	/* scan_plain(), telling a closing quote from the mask, not by a reload */
	for (;; q += CHUNK) {
		memcpy(&x, q, sizeof(x));
		m = special_of(x);
		if (m)
			break;
	}
	q += first_special(m);
	if (!(m & -m & quote_of(x)))
		return parse_string_slow(c, q, ret_s, ret_n, flags);
	*ret_s = s;
	*ret_n = (uint32_t)(q - s);
	c->p = q + 1;
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

/*
 * A value nested deeper than AG_JSONL_MAX_DEPTH, skipped without recursion:
 * strings validated, brackets counted (not matched), anything else passed
 * over. It costs only itself: the field keeps it as its text.
 */
static int skip_deep(struct pctx *c)
{
	const char *end;
	uint32_t flags = 0;
	size_t depth = 0;
	bool esc;

	for (;;) {
		switch (*c->p) {
		case '"':
			if (scan_string(c, &end, &esc, &flags))
				return -1;
			c->esc |= esc;
			continue;
		case '[':
		case '{':
			depth++;
			break;
		case ']':
		case '}':
			if (!depth)
				return ag_jsonl_fail(c, c->p, "unbalanced brackets");
			if (!--depth) {
				c->p++;
				return 0;
			}
			break;
		case '\0':
			return ag_jsonl_fail(c, c->p, "unbalanced brackets");
		case ' ':
		case '\t':
		case '\r':
		case '\n':
			c->ws = true;
			break;
		}
		c->p++;
	}
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
		if (scan_string(c, &end, &esc, &flags))
			return -1;
		c->esc |= esc;
		return 0;
	case 't':
		return scan_literal(c, "true", 4);
	case 'f':
		return scan_literal(c, "false", 5);
	case 'n':
		return scan_literal(c, "null", 4);
	case 'N': /* not JSON, but Python's json writes them */
		return scan_literal(c, "NaN", 3);
	case 'I':
		return scan_literal(c, "Infinity", 8);
	case '[':
	case '{':
		break;
	default:
		if (c->p[0] == '-' && c->p[1] == 'I')
			return scan_literal(c, "-Infinity", 9);
		return scan_number(c);
	}
	if (depth >= AG_JSONL_MAX_DEPTH)
		return skip_deep(c);
	open = *c->p;
	close = open == '[' ? ']' : '}';
	c->p = skip_ws(c, c->p + 1);
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
			c->esc |= esc;
			c->p = skip_ws(c, c->p);
			if (*c->p != ':')
				return ag_jsonl_fail(c, c->p, "expected ':'");
			c->p = skip_ws(c, c->p + 1);
		}
		if (skip_value(c, depth + 1))
			return -1;
		c->p = skip_ws(c, c->p);
		if (*c->p == close) {
			c->p++;
			return 0;
		}
		if (*c->p != ',')
			return ag_jsonl_fail(c, c->p, open == '[' ? "expected ',' or ']'" : "expected ',' or '}'");
		c->p = skip_ws(c, c->p + 1);
	}
}

/*
 * Parse the array at c->p into its compact text: a view into the buffer
 * when it holds no whitespace and no escape, else a copy without the
 * whitespace outside strings and with the escapes inside them decoded
 * (scratch, NUL-terminated), so that rules read "C:\\Windows" and "\u006b"
 * in an array as they do in a string: the text is for matching and for the
 * alert's string, not JSON any more.
 */
static int parse_array(struct pctx *c, int depth, const char **ret_s, uint32_t *ret_n,
		       uint32_t *flags)
{
	const char *s = c->p, *e, *q;
	char *out, *o;
	bool in_str = false;
	long u;

	c->ws = false;
	c->esc = false;
	if (skip_value(c, depth))
		return -1;
	e = c->p;
	for (q = s; q < e; q++)
		if ((unsigned char)*q >= 0x80) {
			*flags |= AG_V_NONASCII;
			break;
		}
	if (!c->ws && !c->esc) {
		*ret_s = s;
		*ret_n = (uint32_t)(e - s);
		return 0;
	}
	/* decoding never lengthens the text (see parse_escaped) */
	out = sc_alloc(c, (size_t)(e - s) + 1);
	if (!out)
		return ag_jsonl_fail(c, s, "object too large");
	for (o = out, q = s; q < e; q++) {
		if (in_str) {
			if (*q == '\\' && unescaped[(unsigned char)q[1]]) {
				*o++ = unescaped[(unsigned char)q[1]];
				q++;
				continue;
			}
			if (*q == '\\') { /* \u: validated by scan_string */
				u = u_escape(c, q, &q);
				if (u < 0)
					return -1;
				o = put_utf8(o, (unsigned long)u, flags);
				q--;
				continue;
			}
			if (*q == '"')
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

/*
 * The name of a field of a full event: the key at the top level, else
 * prefix "." key built in r->path (as a stack: a nested object's members
 * are built after its own name); NULL when longer than r->path.
 */
static const char *full_name(struct pctx *c, const char *prefix, uint32_t plen, const char *key,
			     uint32_t klen, uint32_t *ret_len)
{
	char *path = c->r->path;

	*ret_len = 0;
	if (!plen) {
		*ret_len = klen;
		return key;
	}
	if ((size_t)plen + 1 + klen > sizeof(c->r->path))
		return NULL;
	if (prefix != path)
		memmove(path, prefix, plen);
	path[plen] = '.';
	memcpy(path + plen + 1, key, klen);
	*ret_len = plen + 1 + klen;
	return path;
}

static bool is_routing_key(const char *name, uint32_t nlen)
{
	return nlen > 10 && memcmp(name, "logsource.", 10) == 0;
}

/*
 * Add a field. A full event still takes one with an id, or a routing key
 * (ag_event_add, ag_event_add_routing); a name built in r->path is copied
 * to scratch only for a field that gets in.
 */
static void emit(struct pctx *c, const char *name, uint32_t nlen, const char *val, uint32_t vlen,
		 uint32_t flags)
{
	struct ag_jsonl *r = c->r;
	uint32_t id = ag_jsonl_field_id(r, name, nlen, c->ev->nkv);
	bool routing;
	char *copy = NULL;

	if (c->ev->nkv < AG_MAX_EVENT_FIELDS) {
		ag_event_add(c->ev, name, nlen, val, vlen, flags, id);
		return;
	}
	routing = id == AG_FIELD_NONE && is_routing_key(name, nlen);
	if (id == AG_FIELD_NONE && !routing) {
		c->ev->dropped++;
		return;
	}
	if (name == r->path) {
		copy = sc_alloc(c, (size_t)nlen + 1);
		if (!copy) {
			c->sc_need = 0; /* not worth a larger scratch: counted as dropped */
			c->ev->dropped++;
			return;
		}
		memcpy(copy, name, nlen);
		copy[nlen] = '\0';
		name = copy;
	}
	if ((routing ? ag_event_add_routing(c->ev, name, nlen, val, vlen, flags)
		     : ag_event_add(c->ev, name, nlen, val, vlen, flags, id)) < 0 &&
	    copy)
		r->sc_used -= (size_t)nlen + 1; /* the last allocation: given back */
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
	bool drop;

	*ret_members = 0;
	c->p = skip_ws(c, c->p + 1);
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
		c->p = skip_ws(c, c->p);
		if (*c->p != ':')
			return ag_jsonl_fail(c, c->p, "expected ':'");
		c->p = skip_ws(c, c->p + 1);
		start = c->p;
		/*
		 * A full event builds names in r->path, not in scratch, for the
		 * few fields that still get in (see emit); one longer than that
		 * is only counted.
		 */
		drop = false;
		if (c->ev->nkv >= AG_MAX_EVENT_FIELDS) {
			name = full_name(c, prefix, plen, key, klen, &nlen);
			drop = !name;
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
			if (drop) {
				if (skip_value(c, depth))
					return -1;
				break;
			}
			if (depth >= AG_JSONL_MAX_DEPTH) { /* kept as its text, as an array */
				if (parse_array(c, depth, &val, &vlen, &flags))
					return -1;
				flags |= AG_V_COMPOUND;
				break;
			}
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
			if (*start == 'n')
				flags = AG_V_NULL;
			else if (*start == 't' || *start == 'f')
				flags = AG_V_BOOL;
			else if (*start != 'N' && *start != 'I' && start[1] != 'I')
				flags = AG_V_NUMBER; /* NaN and the infinities are text */
			break;
		}
		if (drop)
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
			return ag_jsonl_fail(c, c->p, "expected ',' or '}'");
		c->p = skip_ws(c, c->p + 1);
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
