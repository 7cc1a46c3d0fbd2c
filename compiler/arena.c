// SPDX-License-Identifier: Apache-2.0
/*
 * Chunked bump allocator. Small requests are carved from 64 KiB chunks;
 * requests larger than a quarter chunk get a chunk of their own so that a
 * 4,432-value list does not waste the tail of the current chunk.
 */
#include "arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE (64u * 1024u)
#define ALIGN	   16u

struct chunk {
	struct chunk *next; /* previously filled chunk */
	size_t size;	    /* usable bytes in data[] */
	size_t used;	    /* bytes handed out */
	_Alignas(16) unsigned char data[];
};

struct sc_arena {
	struct chunk *head; /* chunk being filled */
	size_t total;	    /* bytes handed out, all chunks */
};

void sc_oom(void)
{
	fputs("sigmac-c: out of memory\n", stderr);
	exit(2);
}

void *sc_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		sc_oom();
	return p;
}

void *sc_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		sc_oom();
	return q;
}

void *sc_xreallocarray(void *p, size_t n, size_t sz)
{
	if (sz && n > SIZE_MAX / sz)
		sc_oom();
	return sc_xrealloc(p, n * sz);
}

static struct chunk *chunk_new(size_t size, struct chunk *next)
{
	struct chunk *c;

	if (size > SIZE_MAX - sizeof(*c))
		sc_oom();
	c = sc_xmalloc(sizeof(*c) + size);
	c->next = next;
	c->size = size;
	c->used = 0;
	return c;
}

struct sc_arena *sc_arena_new(void)
{
	struct sc_arena *a = sc_xmalloc(sizeof(*a));

	a->head = chunk_new(CHUNK_SIZE, NULL);
	a->total = 0;
	return a;
}

void sc_arena_free(struct sc_arena *a)
{
	struct chunk *c, *next;

	if (!a)
		return;
	for (c = a->head; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

void *sc_arena_alloc(struct sc_arena *a, size_t n)
{
	struct chunk *c = a->head;
	size_t need;
	void *p;

	if (n > SIZE_MAX - ALIGN)
		sc_oom();
	need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (need == 0)
		need = ALIGN;
	if (need > CHUNK_SIZE / 4) {
		/* Big block: its own chunk, linked behind the current one. */
		struct chunk *big = chunk_new(need, c->next);

		c->next = big;
		big->used = need;
		a->total += need;
		memset(big->data, 0, need);
		return big->data;
	}
	if (c->size - c->used < need) {
		c = chunk_new(CHUNK_SIZE, c);
		a->head = c;
	}
	p = c->data + c->used;
	c->used += need;
	a->total += need;
	memset(p, 0, need);
	return p;
}

void *sc_arena_array(struct sc_arena *a, size_t n, size_t sz)
{
	if (sz && n > SIZE_MAX / sz)
		sc_oom();
	return sc_arena_alloc(a, n * sz);
}

char *sc_arena_strndup(struct sc_arena *a, const char *s, size_t n)
{
	char *p = sc_arena_alloc(a, n + 1);

	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *sc_arena_strdup(struct sc_arena *a, const char *s)
{
	return sc_arena_strndup(a, s, strlen(s));
}

char *sc_arena_printf(struct sc_arena *a, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	char *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return sc_arena_strdup(a, "");
	p = sc_arena_alloc(a, (size_t)n + 1);
	if ((size_t)n < sizeof(small)) {
		memcpy(p, small, (size_t)n + 1);
		return p;
	}
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

size_t sc_arena_used(const struct sc_arena *a)
{
	return a->total;
}
