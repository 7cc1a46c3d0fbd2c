/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bump allocator for everything the compiler builds from its inputs: YAML
 * nodes, the rule model, condition ASTs and the IR. Objects are never freed
 * one by one; the whole arena goes at once. Memory exhaustion is fatal for
 * the compiler (like gcc's xmalloc): the allocation functions never return
 * NULL, they print a message and exit with status 2.
 */
#ifndef SC_ARENA_H
#define SC_ARENA_H

#include <stddef.h>
#include <stdint.h>

struct sc_arena;

/* Create an empty arena. Never returns NULL. */
struct sc_arena *sc_arena_new(void);

/* Release the arena and every object allocated from it. Accepts NULL. */
void sc_arena_free(struct sc_arena *a);

/* Zeroed, 16-byte aligned storage owned by the arena. */
void *sc_arena_alloc(struct sc_arena *a, size_t n);

/* Zeroed array of n elements of size sz, with an overflow check. */
void *sc_arena_array(struct sc_arena *a, size_t n, size_t sz);

/* Copy of n bytes followed by a NUL byte. */
char *sc_arena_strndup(struct sc_arena *a, const char *s, size_t n);

/* Copy of a NUL-terminated string. */
char *sc_arena_strdup(struct sc_arena *a, const char *s);

/* printf into arena storage. */
char *sc_arena_printf(struct sc_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Bytes handed out so far (for the benchmark's memory figure). */
size_t sc_arena_used(const struct sc_arena *a);

/* Fatal out-of-memory exit shared by the compiler's heap helpers. */
void sc_oom(void) __attribute__((noreturn));

/* malloc/realloc that never return NULL (heap, not arena). */
void *sc_xmalloc(size_t n);
void *sc_xrealloc(void *p, size_t n);
void *sc_xreallocarray(void *p, size_t n, size_t sz);

#endif /* SC_ARENA_H */
