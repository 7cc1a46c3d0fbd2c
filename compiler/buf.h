/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Growable byte buffer used to build output text (diagnostics, JSON, C).
 * Heap-allocated; the owner calls sc_buf_done(). Appends never fail (OOM is
 * fatal, see arena.h).
 */
#ifndef SC_BUF_H
#define SC_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct sc_buf {
	char *data; /* NUL-terminated when len > 0 or after sc_buf_cstr() */
	size_t len; /* bytes used, excluding the NUL */
	size_t cap; /* bytes allocated */
};

#define SC_BUF_INIT {NULL, 0, 0}

void sc_buf_done(struct sc_buf *b);
void sc_buf_reset(struct sc_buf *b);
void sc_buf_grow(struct sc_buf *b, size_t extra);
void sc_buf_add(struct sc_buf *b, const void *p, size_t n);
void sc_buf_puts(struct sc_buf *b, const char *s);
void sc_buf_putc(struct sc_buf *b, char c);
void sc_buf_printf(struct sc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sc_buf_vprintf(struct sc_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
const char *sc_buf_cstr(struct sc_buf *b);

/*
 * Append s (n bytes) as a JSON string literal, quotes included. Valid UTF-8
 * is copied; control characters are escaped; bytes that are not valid UTF-8
 * are written as \u00XX escapes of the byte value, so the output is always
 * valid JSON (callers that need exact bytes use sc_buf_json_hex()).
 */
void sc_buf_json_str(struct sc_buf *b, const char *s, size_t n);

/* Append the bytes as a JSON string of lower-case hex digits. */
void sc_buf_json_hex(struct sc_buf *b, const void *p, size_t n);

/* Write the buffer to f; returns 0 or -EIO. */
int sc_buf_write(const struct sc_buf *b, FILE *f);

#endif /* SC_BUF_H */
