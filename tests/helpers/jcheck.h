/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A strict JSON checker for tests (jcheck.c): RFC 8259, strict UTF-8, no
 * duplicate keys, no lone surrogates, and an index of every value by path
 * ("process/pid", "tags/0") so tests can assert on any member.
 */
#ifndef TU_JCHECK_H
#define TU_JCHECK_H

#include <stdbool.h>
#include <stddef.h>

struct jent {
	char *path;    /* "a/b/0": members by name, elements by index */
	char type;     /* o a s n b z (null) */
	const char *v; /* value text (strings include their quotes) */
	size_t vn;
	bool member; /* an object member, not an array element */
};

struct jdoc {
	struct jent *e;
	size_t n, cap;
	char err[128];
};

/* Parse s[0..n); d->err is empty on success. Free with jfree(). */
struct jdoc *jparse(const char *s, size_t n);
void jfree(struct jdoc *d);
/* The value at path, or NULL. */
const struct jent *jget(const struct jdoc *d, const char *path);
/* The decoded string at path (heap, NUL-terminated; *ret_len its length), or NULL. */
char *jstr(const struct jdoc *d, const char *path, size_t *ret_len);
/* The raw JSON text of the value at path (heap), or NULL. */
char *jraw(const struct jdoc *d, const char *path);
/* Paths of object members in document order, joined with ',' (heap). */
char *jkeys(const struct jdoc *d);

/* Length of the well-formed UTF-8 sequence at s (strict), 0 if ill-formed. */
size_t jutf8_len(const unsigned char *s, size_t n);

#endif /* TU_JCHECK_H */
