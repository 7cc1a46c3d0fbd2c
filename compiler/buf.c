// SPDX-License-Identifier: Apache-2.0
/*
 * Growable byte buffer and JSON string escaping for the compiler's output.
 */
#include "buf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "utf8.h"

void sc_buf_done(struct sc_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void sc_buf_reset(struct sc_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void sc_buf_grow(struct sc_buf *b, size_t extra)
{
	size_t need;

	if (extra > SIZE_MAX - b->len - 1)
		sc_oom();
	need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	if (b->cap < 256)
		b->cap = 256;
	while (b->cap < need) {
		if (b->cap > SIZE_MAX / 2)
			sc_oom();
		b->cap *= 2;
	}
	b->data = sc_xrealloc(b->data, b->cap);
}

void sc_buf_add(struct sc_buf *b, const void *p, size_t n)
{
	sc_buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void sc_buf_puts(struct sc_buf *b, const char *s)
{
	sc_buf_add(b, s, strlen(s));
}

void sc_buf_putc(struct sc_buf *b, char c)
{
	sc_buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

void sc_buf_vprintf(struct sc_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	sc_buf_grow(b, 64);
	va_copy(ap2, ap);
	n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->len) {
		sc_buf_grow(b, (size_t)n);
		vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void sc_buf_printf(struct sc_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sc_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

const char *sc_buf_cstr(struct sc_buf *b)
{
	sc_buf_grow(b, 0);
	b->data[b->len] = '\0';
	return b->data;
}

void sc_buf_json_str(struct sc_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	sc_buf_grow(b, n + 2);
	sc_buf_putc(b, '"');
	while (i < n) {
		unsigned char c = p[i];
		char esc[8];

		if (c >= 0x80) {
			size_t k = sc_utf8_valid_prefix(p + i, n - i);

			if (k) {
				sc_buf_add(b, p + i, k);
				i += k;
				continue;
			}
			/* Not UTF-8: keep the byte value visible. */
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			sc_buf_add(b, esc, 6);
			i++;
			continue;
		}
		switch (c) {
		case '"':
			sc_buf_add(b, "\\\"", 2);
			break;
		case '\\':
			sc_buf_add(b, "\\\\", 2);
			break;
		case '\n':
			sc_buf_add(b, "\\n", 2);
			break;
		case '\r':
			sc_buf_add(b, "\\r", 2);
			break;
		case '\t':
			sc_buf_add(b, "\\t", 2);
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[c >> 4];
				esc[5] = hex[c & 15];
				sc_buf_add(b, esc, 6);
			} else {
				sc_buf_putc(b, (char)c);
			}
		}
		i++;
	}
	sc_buf_putc(b, '"');
}

void sc_buf_json_hex(struct sc_buf *b, const void *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *q = p;
	size_t i;

	sc_buf_grow(b, 2 * n + 2);
	sc_buf_putc(b, '"');
	for (i = 0; i < n; i++) {
		sc_buf_putc(b, hex[q[i] >> 4]);
		sc_buf_putc(b, hex[q[i] & 15]);
	}
	sc_buf_putc(b, '"');
}

int sc_buf_write(const struct sc_buf *b, FILE *f)
{
	if (b->len && fwrite(b->data, 1, b->len, f) != b->len)
		return -EIO;
	return 0;
}
