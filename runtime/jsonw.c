// SPDX-License-Identifier: Apache-2.0
/*
 * The JSON writer (jsonw.h): a growable byte buffer, comma bookkeeping and
 * string escaping that repairs UTF-8.
 *
 * Design. Every value call goes through prefix(), which writes the comma
 * and the member name that the position needs: bit d of w->more says that
 * the container at depth d already has a member. Strings are copied in runs
 * of bytes that need no escaping (printable ASCII other than '"' and '\\'),
 * so ASCII text costs one scan and one memcpy per run; other bytes are
 * decoded as UTF-8 by hand (no locale, no libc tables) and either copied
 * (well-formed), escaped (controls, U+2028, U+2029) or replaced by U+FFFD
 * (each maximal ill-formed subpart, Unicode 15 section 3.9 / WHATWG).
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

/*
 * Make room for n more bytes. Returns false (and sets w->err) when the
 * buffer cannot or may not grow; the contents are kept either way.
 */
static bool grow(struct ag_jsonw *w, size_t n)
{
	size_t need, cap;
	char *p;

	if (w->err)
		return false;
	if (n > SIZE_MAX / 2 - w->len) {
		w->err = -E2BIG;
		return false;
	}
	need = w->len + n;
	if (w->limit && need > w->limit) {
		w->err = -E2BIG;
		return false;
	}
	cap = w->cap ? w->cap : 256;
	while (cap < need)
		cap *= 2;
	if (w->limit && cap > w->limit)
		cap = w->limit;
	p = realloc(w->buf, cap);
	if (!p) {
		w->err = -ENOMEM;
		return false;
	}
	w->buf = p;
	w->cap = cap;
	return true;
}

static inline bool reserve(struct ag_jsonw *w, size_t n)
{
	if (w->err)
		return false;
	if (w->cap - w->len >= n)
		return true;
	return grow(w, n);
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
	w->keyed = false;
}

size_t ag_jsonw_line_begin(struct ag_jsonw *w)
{
	w->depth = 0;
	w->more = 0;
	w->keyed = false;
	return w->len;
}

int ag_jsonw_line_end(struct ag_jsonw *w, size_t mark)
{
	int err;

	if (!w->err && (w->depth || w->keyed))
		w->err = -EINVAL;
	putc1(w, '\n');
	err = w->err;
	if (err) {
		if (mark <= w->len)
			w->len = mark;
		w->err = 0;
	}
	w->depth = 0;
	w->more = 0;
	w->keyed = false;
	return err;
}

/*
 * Escape s[0 .. n) into the buffer (no quotes). The scan copies runs of
 * plain ASCII with one memcpy; everything else is handled byte by byte.
 */
static void put_escaped(struct ag_jsonw *w, const unsigned char *s, size_t n)
{
	static const char fffd[] = "\xef\xbf\xbd";
	size_t i = 0;

	while (i < n && !w->err) {
		size_t run = i;
		unsigned char c;
		size_t k;
		unsigned char lo, hi;

		while (run < n && s[run] >= 0x20 && s[run] < 0x80 && s[run] != '"' &&
		       s[run] != '\\')
			run++;
		if (run > i) {
			put(w, s + i, run - i);
			i = run;
			if (i == n)
				break;
		}
		c = s[i];
		if (c < 0x80) {
			char e[6] = {'\\', 0, 0, 0, 0, 0};
			size_t elen = 2;

			switch (c) {
			case '"':
				e[1] = '"';
				break;
			case '\\':
				e[1] = '\\';
				break;
			case '\b':
				e[1] = 'b';
				break;
			case '\f':
				e[1] = 'f';
				break;
			case '\n':
				e[1] = 'n';
				break;
			case '\r':
				e[1] = 'r';
				break;
			case '\t':
				e[1] = 't';
				break;
			default:
				e[1] = 'u';
				e[2] = '0';
				e[3] = '0';
				e[4] = hexdig[c >> 4];
				e[5] = hexdig[c & 15];
				elen = 6;
				break;
			}
			put(w, e, elen);
			i++;
			continue;
		}
		/* Lead byte: how many continuation bytes, and the range of the first. */
		lo = 0x80;
		hi = 0xbf;
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
			put(w, fffd, 3); /* 0x80..0xc1, 0xf5..0xff: never valid */
			i++;
			continue;
		}
		{
			size_t j = 1;

			/* Count the valid prefix: the maximal subpart when it breaks. */
			if (i + 1 < n && s[i + 1] >= lo && s[i + 1] <= hi) {
				j = 2;
				while (j <= k && i + j < n && s[i + j] >= 0x80 && s[i + j] <= 0xbf)
					j++;
			}
			if (j <= k) {
				put(w, fffd, 3);
				i += j;
				continue;
			}
		}
		/* Well-formed, k + 1 bytes. U+2028 and U+2029 are escaped. */
		if (c == 0xe2 && s[i + 1] == 0x80 && (s[i + 2] == 0xa8 || s[i + 2] == 0xa9))
			put(w, s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029", 6);
		else
			put(w, s + i, k + 1);
		i += k + 1;
	}
}

/* Comma and member name before a value. */
static void prefix(struct ag_jsonw *w, const char *key)
{
	uint64_t bit;

	if (w->err)
		return;
	if (w->keyed) {
		w->keyed = false;
		return;
	}
	bit = 1ull << (w->depth & 63);
	if (w->depth && (w->more & bit))
		putc1(w, ',');
	w->more |= bit;
	if (key) {
		putc1(w, '"');
		put_escaped(w, (const unsigned char *)key, strlen(key));
		put(w, "\":", 2);
	}
}

void ag_jsonw_key(struct ag_jsonw *w, const char *k, size_t n)
{
	prefix(w, NULL);
	putc1(w, '"');
	put_escaped(w, (const unsigned char *)k, n);
	put(w, "\":", 2);
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
}

static void close_container(struct ag_jsonw *w, char c)
{
	if (w->err)
		return;
	if (!w->depth || w->keyed) {
		w->err = -EINVAL;
		return;
	}
	w->more &= ~(1ull << w->depth);
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
	prefix(w, key);
	putc1(w, '"');
	put_escaped(w, (const unsigned char *)s, n);
	putc1(w, '"');
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
