// SPDX-License-Identifier: Apache-2.0
/*
 * The JSON writer (jsonw.h): a growable byte buffer, comma bookkeeping and
 * string escaping that repairs UTF-8.
 *
 * Design. Every value call goes through prefix(), which writes the comma
 * and the member name that the position needs and checks that the value
 * may stand there: bit d of w->more says that the container at depth d
 * already has a member, bit d of w->obj that it is an object. Strings move
 * 8 bytes at a time while the bytes need no escaping (printable ASCII
 * other than '"' and '\\'); other bytes are decoded as UTF-8 by hand (no
 * locale, no libc tables) and either copied (well-formed), escaped
 * (controls, U+2028, U+2029) or replaced by U+FFFD (each maximal
 * ill-formed subpart: Unicode 15 section 3.9, as WHATWG and Python do).
 *
 * Errors are sticky (w->err) and turn every later call into a no-op; the
 * line functions roll a failed line back so the buffer holds whole lines.
 *
 * Not here: what goes into the lines (alert.c), writing them out (sinks).
 */
#include "jsonw.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char hexdig[] = "0123456789abcdef";

/* Grow the buffer to hold n more bytes: 0, -E2BIG (past the limit) or -ENOMEM. */
static int try_grow(struct ag_jsonw *w, size_t n)
{
	size_t need, cap;
	char *p;

	if (n > SIZE_MAX / 2 - w->len)
		return -E2BIG;
	need = w->len + n;
	if (w->limit && need > w->limit)
		return -E2BIG;
	cap = w->cap ? w->cap : 256;
	while (cap < need)
		cap *= 2;
	if (w->limit && cap > w->limit)
		cap = w->limit;
	p = realloc(w->buf, cap);
	if (!p)
		return -ENOMEM;
	w->buf = p;
	w->cap = cap;
	return 0;
}

/* Room for n more bytes, or false with w->err set (and the contents kept). */
static inline bool reserve(struct ag_jsonw *w, size_t n)
{
	int err;

	if (w->err)
		return false;
	if (w->cap - w->len >= n)
		return true;
	err = try_grow(w, n);
	if (err)
		w->err = err;
	return !err;
}

static inline void put(struct ag_jsonw *w, const void *s, size_t n)
{
	if (!reserve(w, n))
		return;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static inline void putc1(struct ag_jsonw *w, char c)
{
	if (!reserve(w, 1))
		return;
	w->buf[w->len++] = c;
}

int ag_jsonw_init(struct ag_jsonw *w, size_t reserve_bytes, size_t limit)
{
	memset(w, 0, sizeof(*w));
	w->limit = limit;
	if (!reserve_bytes)
		return 0;
	if (limit && reserve_bytes > limit)
		reserve_bytes = limit;
	w->buf = malloc(reserve_bytes);
	if (!w->buf)
		return -ENOMEM;
	w->cap = reserve_bytes;
	return 0;
}

void ag_jsonw_done(struct ag_jsonw *w)
{
	free(w->buf);
	memset(w, 0, sizeof(*w));
}

void ag_jsonw_reset(struct ag_jsonw *w)
{
	w->len = 0;
	w->err = 0;
	w->depth = 0;
	w->more = 0;
	w->obj = 0;
	w->keyed = false;
}

size_t ag_jsonw_line_begin(struct ag_jsonw *w)
{
	w->depth = 0;
	w->more = 0;
	w->obj = 0;
	w->keyed = false;
	return w->len;
}

int ag_jsonw_line_end(struct ag_jsonw *w, size_t mark)
{
	int err;

	if (!w->err && (w->depth || w->keyed || !(w->more & 1)))
		w->err = -EINVAL; /* unbalanced, or no value at all */
	putc1(w, '\n');
	err = w->err;
	if (err) {
		if (mark <= w->len)
			w->len = mark;
		w->err = 0;
	}
	w->depth = 0;
	w->more = 0;
	w->obj = 0;
	w->keyed = false;
	return err;
}

/* Bytes copied as they are inside a JSON string: printable ASCII but '"' and '\\'. */
static const unsigned char plain_byte[256] = {
	[0x20 ... 0x21] = 1,
	[0x23 ... 0x5b] = 1,
	[0x5d ... 0x7f] = 1,
};

#define ONES  0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/*
 * Bit 7 of byte i is set when byte i of x may need attention: a control
 * (< 0x20), '"', '\\' or a byte >= 0x80 (the "has a byte less than" and
 * "has a zero byte" tests of Bit Twiddling Hacks). A spurious flag can
 * only sit above a true one (a borrow runs upwards), so the lowest flag is
 * exact.
 */
static inline uint64_t attention8(uint64_t x)
{
	uint64_t q = x ^ (ONES * '"'), b = x ^ (ONES * '\\');

	return (x | ((x - ONES * 0x20) & ~x) | ((q - ONES) & ~q) | ((b - ONES) & ~b)) & HIGHS;
}

/* 8 bytes as a little-endian word (byte 0 lowest), and back. */
static inline uint64_t le64(uint64_t v)
{
	if (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
		return __builtin_bswap64(v);
	return v;
}

/*
 * Room one step of esc_run() may write: an 8-byte word, or up to 7 plain
 * bytes and an escape of up to 6.
 */
#define ESC_STEP_MAX 16

/*
 * Escape one unit at s[*pi] (a byte that needs escaping, a UTF-8 sequence,
 * or an ill-formed subpart) into dst; returns the bytes written (<= 6).
 */
static size_t esc_step(char *dst, const unsigned char *s, size_t n, size_t *pi)
{
	static const char fffd[] = "\xef\xbf\xbd";
	size_t i = *pi, k, j;
	unsigned char c = s[i], lo = 0x80, hi = 0xbf;

	if (c < 0x80) {
		*pi = i + 1;
		if (plain_byte[c]) {
			dst[0] = (char)c;
			return 1;
		}
		dst[0] = '\\';
		switch (c) {
		case '"':
		case '\\':
			dst[1] = (char)c;
			return 2;
		case '\b':
			dst[1] = 'b';
			return 2;
		case '\f':
			dst[1] = 'f';
			return 2;
		case '\n':
			dst[1] = 'n';
			return 2;
		case '\r':
			dst[1] = 'r';
			return 2;
		case '\t':
			dst[1] = 't';
			return 2;
		default:
			memcpy(dst + 1, "u00", 3);
			dst[4] = hexdig[c >> 4];
			dst[5] = hexdig[c & 15];
			return 6;
		}
	}
	/* A lead byte: how many continuation bytes, and the range of the first. */
	if (c >= 0xc2 && c <= 0xdf) {
		k = 1;
	} else if (c >= 0xe0 && c <= 0xef) {
		k = 2;
		if (c == 0xe0)
			lo = 0xa0; /* no overlongs */
		else if (c == 0xed)
			hi = 0x9f; /* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		k = 3;
		if (c == 0xf0)
			lo = 0x90; /* no overlongs */
		else if (c == 0xf4)
			hi = 0x8f; /* nothing above U+10FFFF */
	} else {
		*pi = i + 1; /* 0x80..0xc1, 0xf5..0xff: never valid */
		memcpy(dst, fffd, 3);
		return 3;
	}
	/* The valid prefix; when it breaks, it is one maximal ill-formed subpart. */
	j = 1;
	if (i + 1 < n && s[i + 1] >= lo && s[i + 1] <= hi) {
		j = 2;
		while (j <= k && i + j < n && s[i + j] >= 0x80 && s[i + j] <= 0xbf)
			j++;
	}
	*pi = i + j;
	if (j <= k) {
		memcpy(dst, fffd, 3);
		return 3;
	}
	/* Well-formed. U+2028 and U+2029 are escaped for JavaScript's sake. */
	if (c == 0xe2 && s[i + 1] == 0x80 && (s[i + 2] == 0xa8 || s[i + 2] == 0xa9)) {
		memcpy(dst, s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029", 6);
		return 6;
	}
	memcpy(dst, s + i, k + 1);
	return k + 1;
}

/*
 * Escape from s[*pi] into dst while input remains and room leaves space for
 * one more step; returns the bytes written. Words of 8 bytes are copied
 * whole and the plain bytes before the first one that needs attention are
 * kept, so plain ASCII moves 8 bytes per step and each escape costs one
 * step more. The last bytes of a string of 8 or more are read through a
 * window that ends at the string's end; shorter strings go byte by byte.
 */
static size_t esc_run(char *dst, size_t room, const unsigned char *s, size_t n, size_t *pi)
{
	size_t i = *pi, o = 0;

	while (i < n && o + ESC_STEP_MAX <= room) {
		size_t left = n - i, k;
		uint64_t raw, x, m;

		if (n < 8) {
			if (plain_byte[s[i]])
				dst[o++] = (char)s[i++];
			else
				o += esc_step(dst + o, s, n, &i);
			continue;
		}
		memcpy(&raw, left >= 8 ? s + i : s + n - 8, 8);
		x = le64(raw);
		if (left < 8)
			x >>= 8 * (8 - left); /* the bytes past the end read as zero */
		m = attention8(x);
		k = m ? (size_t)__builtin_ctzll(m) / 8 : 8;
		if (k > left)
			k = left;
		raw = le64(x);
		memcpy(dst + o, &raw, 8); /* bytes past k are overwritten later or unused */
		o += k;
		i += k;
		if (k < 8 && i < n)
			o += esc_step(dst + o, s, n, &i);
	}
	*pi = i;
	return o;
}

/*
 * Escape s[0 .. n) into the buffer (no quotes). The buffer is grown for
 * the common case (output as long as the input) and again when escapes
 * need more; when it cannot grow that far (the limit, or no memory), the
 * rest goes one step at a time so that only a real overflow is an error.
 */
static void put_escaped(struct ag_jsonw *w, const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n && !w->err) {
		if (w->cap - w->len >= ESC_STEP_MAX + (n - i) ||
		    !try_grow(w, ESC_STEP_MAX + (n - i)))
			w->len += esc_run(w->buf + w->len, w->cap - w->len, s, n, &i);
		if (i < n) {
			char tmp[ESC_STEP_MAX];
			size_t k = esc_step(tmp, s, n, &i);

			put(w, tmp, k);
		}
	}
}

/*
 * '"', s escaped, '"' and, for a member name, ':'. The common case (room
 * for the string unescaped plus a step) is written straight into the
 * buffer; the rest goes through put_escaped().
 */
static void put_quoted(struct ag_jsonw *w, const unsigned char *s, size_t n, bool colon)
{
	size_t need = n + 3 + ESC_STEP_MAX, i = 0;
	char *d;

	if (w->err)
		return;
	if (w->cap - w->len >= need || !try_grow(w, need)) {
		d = w->buf + w->len;
		d[0] = '"';
		/* Leave room for the closing '"' and ':'. */
		w->len += 1 + esc_run(d + 1, w->cap - w->len - 3, s, n, &i);
	} else {
		putc1(w, '"');
	}
	if (i < n)
		put_escaped(w, s + i, n - i);
	put(w, "\":", colon ? 2 : 1);
}

/* Member names this long or shorter take the fused scan-and-copy path. */
#define KEY_FAST_MAX 64

/*
 * Comma and member name before a value. Structure is checked here: a
 * member (key set, or member for ag_jsonw_key()) only inside an object, an
 * element (no key) only inside an array, and one value per line at the
 * top level; anything else is -EINVAL, so a caller's mistake loses the
 * line instead of writing invalid JSON.
 */
static void prefix_at(struct ag_jsonw *w, const char *key, bool member)
{
	uint64_t bit;

	if (w->err)
		return;
	if (w->keyed) {
		w->keyed = false;
		if (member)
			w->err = -EINVAL; /* two keys in a row */
		return;
	}
	bit = 1ull << w->depth;
	if (member != !!(w->obj & bit) || (!w->depth && (w->more & 1))) {
		w->err = -EINVAL;
		return;
	}
	if (w->more & bit)
		putc1(w, ',');
	w->more |= bit;
	if (!key)
		return;
	/* Member names are nearly always short plain ASCII: copy while scanning. */
	if (w->cap - w->len >= KEY_FAST_MAX + 3) {
		char *d = w->buf + w->len;
		size_t k;

		for (k = 0; k < KEY_FAST_MAX && plain_byte[(unsigned char)key[k]]; k++)
			d[k + 1] = key[k];
		if (!key[k]) {
			d[0] = '"';
			d[k + 1] = '"';
			d[k + 2] = ':';
			w->len += k + 3;
			return;
		}
	}
	put_quoted(w, (const unsigned char *)key, strlen(key), true);
}

static inline void prefix(struct ag_jsonw *w, const char *key)
{
	prefix_at(w, key, key != NULL);
}

/* n, or less when w->str_cap cuts s there (never inside a UTF-8 sequence). */
static size_t capped(struct ag_jsonw *w, const char *s, size_t n)
{
	size_t c = w->str_cap, k;

	if (!c || n <= c)
		return n;
	/* back off over continuation bytes to the start of the character cut */
	for (k = 0; k < 3 && c > 0 && ((unsigned char)s[c] & 0xc0) == 0x80; k++)
		c--;
	w->cut++;
	return c;
}

void ag_jsonw_key(struct ag_jsonw *w, const char *k, size_t n)
{
	n = capped(w, k, n);
	prefix_at(w, NULL, true);
	put_quoted(w, (const unsigned char *)k, n, true);
	if (!w->err)
		w->keyed = true;
}

static void open_container(struct ag_jsonw *w, const char *key, char c)
{
	prefix(w, key);
	if (w->err)
		return;
	if (w->depth + 1 >= AG_JSONW_MAX_DEPTH) {
		w->err = -E2BIG;
		return;
	}
	putc1(w, c);
	w->depth++;
	w->more &= ~(1ull << w->depth);
	if (c == '{')
		w->obj |= 1ull << w->depth;
	else
		w->obj &= ~(1ull << w->depth);
}

static void close_container(struct ag_jsonw *w, char c)
{
	uint64_t bit = 1ull << w->depth;

	if (w->err)
		return;
	if (!w->depth || w->keyed || (c == '}') != !!(w->obj & bit)) {
		w->err = -EINVAL;
		return;
	}
	w->more &= ~bit;
	w->obj &= ~bit;
	w->depth--;
	putc1(w, c);
}

void ag_jsonw_obj_begin(struct ag_jsonw *w, const char *key)
{
	open_container(w, key, '{');
}

void ag_jsonw_obj_end(struct ag_jsonw *w)
{
	close_container(w, '}');
}

void ag_jsonw_arr_begin(struct ag_jsonw *w, const char *key)
{
	open_container(w, key, '[');
}

void ag_jsonw_arr_end(struct ag_jsonw *w)
{
	close_container(w, ']');
}

void ag_jsonw_str(struct ag_jsonw *w, const char *key, const char *s, size_t n)
{
	n = capped(w, s, n);
	prefix(w, key);
	put_quoted(w, (const unsigned char *)s, n, false);
}

void ag_jsonw_cstr(struct ag_jsonw *w, const char *key, const char *s)
{
	if (!s)
		ag_jsonw_null(w, key);
	else
		ag_jsonw_str(w, key, s, strlen(s));
}

void ag_jsonw_str_begin(struct ag_jsonw *w, const char *key)
{
	prefix(w, key);
	putc1(w, '"');
}

void ag_jsonw_str_append(struct ag_jsonw *w, const char *s, size_t n)
{
	put_escaped(w, (const unsigned char *)s, n);
}

void ag_jsonw_str_end(struct ag_jsonw *w)
{
	putc1(w, '"');
}

/* Decimal digits of v. */
static void put_u64(struct ag_jsonw *w, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do {
		tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(w, tmp + sizeof(tmp) - n, n);
}

void ag_jsonw_u64(struct ag_jsonw *w, const char *key, uint64_t v)
{
	prefix(w, key);
	put_u64(w, v);
}

void ag_jsonw_i64(struct ag_jsonw *w, const char *key, int64_t v)
{
	prefix(w, key);
	if (v < 0) {
		putc1(w, '-');
		put_u64(w, (uint64_t)0 - (uint64_t)v);
	} else {
		put_u64(w, (uint64_t)v);
	}
}

void ag_jsonw_bool(struct ag_jsonw *w, const char *key, bool v)
{
	prefix(w, key);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void ag_jsonw_null(struct ag_jsonw *w, const char *key)
{
	prefix(w, key);
	put(w, "null", 4);
}

void ag_jsonw_raw(struct ag_jsonw *w, const char *key, const char *s, size_t n)
{
	prefix(w, key);
	put(w, s, n);
}

/* number = [ "-" ] ( "0" / 1-9 *DIGIT ) [ "." 1*DIGIT ] [ ( "e" / "E" ) [ "+" / "-" ] 1*DIGIT ] */
bool ag_json_number_valid(const char *s, size_t n)
{
	size_t i = 0, d;

	if (i < n && s[i] == '-')
		i++;
	if (i >= n)
		return false;
	if (s[i] == '0') {
		i++;
	} else if (s[i] >= '1' && s[i] <= '9') {
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	} else {
		return false;
	}
	if (i < n && s[i] == '.') {
		d = ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == d)
			return false;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		d = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == d)
			return false;
	}
	return i == n;
}
