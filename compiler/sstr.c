// SPDX-License-Identifier: Apache-2.0
/*
 * Sigma strings (see sstr.h): parsing with Sigma's escape rules and the
 * small algebra the modifiers need.
 */
#include "sstr.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"

/* Builder: collects parts, merging adjacent literals. */
struct builder {
	struct sc_arena *a;
	struct sc_part *v;
	uint32_t n, cap;
	struct sc_buf lit; /* pending literal bytes */
};

static void b_flush(struct builder *b)
{
	if (!b->lit.len)
		return;
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 8;
		b->v = sc_xreallocarray(b->v, b->cap, sizeof(*b->v));
	}
	b->v[b->n].kind = SC_PART_LIT;
	b->v[b->n].s = (const uint8_t *)sc_arena_strndup(b->a, b->lit.data, b->lit.len);
	b->v[b->n].n = (uint32_t)b->lit.len;
	b->n++;
	sc_buf_reset(&b->lit);
}

static void b_part(struct builder *b, const struct sc_part *p)
{
	if (p->kind == SC_PART_LIT) {
		sc_buf_add(&b->lit, p->s, p->n);
		return;
	}
	b_flush(b);
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 8;
		b->v = sc_xreallocarray(b->v, b->cap, sizeof(*b->v));
	}
	b->v[b->n++] = *p;
}

static struct sc_sstr b_done(struct builder *b)
{
	struct sc_sstr s;

	b_flush(b);
	s.n = b->n;
	s.v = sc_arena_array(b->a, b->n ? b->n : 1, sizeof(*s.v));
	if (b->n)
		memcpy(s.v, b->v, b->n * sizeof(*s.v));
	free(b->v);
	sc_buf_done(&b->lit);
	return s;
}

static void b_init(struct builder *b, struct sc_arena *a)
{
	memset(b, 0, sizeof(*b));
	b->a = a;
}

struct sc_sstr sc_sstr_parse(struct sc_arena *a, const uint8_t *s, size_t n)
{
	struct builder b;
	size_t i;

	b_init(&b, a);
	for (i = 0; i < n; i++) {
		struct sc_part p = {SC_PART_LIT, NULL, 0};

		if (s[i] == '\\') {
			if (i + 1 < n && (s[i + 1] == '*' || s[i + 1] == '?' || s[i + 1] == '\\')) {
				sc_buf_putc(&b.lit, (char)s[i + 1]);
				i++;
			} else {
				sc_buf_putc(&b.lit, '\\');
			}
			continue;
		}
		if (s[i] == '*' || s[i] == '?') {
			p.kind = s[i] == '*' ? SC_PART_ANY : SC_PART_ONE;
			b_part(&b, &p);
			continue;
		}
		sc_buf_putc(&b.lit, (char)s[i]);
	}
	return b_done(&b);
}

struct sc_sstr sc_sstr_lit(struct sc_arena *a, const uint8_t *s, size_t n)
{
	struct builder b;
	struct sc_part p = {SC_PART_LIT, s, (uint32_t)n};

	b_init(&b, a);
	if (n)
		b_part(&b, &p);
	return b_done(&b);
}

struct sc_sstr sc_sstr_cat(struct sc_arena *a, struct sc_sstr x, struct sc_sstr y)
{
	struct builder b;
	uint32_t i;

	b_init(&b, a);
	for (i = 0; i < x.n; i++)
		b_part(&b, &x.v[i]);
	for (i = 0; i < y.n; i++)
		b_part(&b, &y.v[i]);
	return b_done(&b);
}

struct sc_sstr sc_sstr_prepend(struct sc_arena *a, struct sc_sstr x, enum sc_part_kind k)
{
	struct sc_part p = {k, NULL, 0};
	struct sc_sstr one = {&p, 1};

	return sc_sstr_cat(a, one, x);
}

struct sc_sstr sc_sstr_append(struct sc_arena *a, struct sc_sstr x, enum sc_part_kind k)
{
	struct sc_part p = {k, NULL, 0};
	struct sc_sstr one = {&p, 1};

	return sc_sstr_cat(a, x, one);
}

bool sc_sstr_starts_with_any(struct sc_sstr x)
{
	return x.n && x.v[0].kind == SC_PART_ANY;
}

bool sc_sstr_ends_with_any(struct sc_sstr x)
{
	return x.n && x.v[x.n - 1].kind == SC_PART_ANY;
}

bool sc_sstr_has_wildcard(struct sc_sstr x)
{
	uint32_t i;

	for (i = 0; i < x.n; i++)
		if (x.v[i].kind == SC_PART_ANY || x.v[i].kind == SC_PART_ONE)
			return true;
	return false;
}

bool sc_sstr_has_placeholder(struct sc_sstr x)
{
	uint32_t i;

	for (i = 0; i < x.n; i++)
		if (x.v[i].kind == SC_PART_PH)
			return true;
	return false;
}

void sc_sstr_plain(struct sc_sstr x, struct sc_buf *out)
{
	uint32_t i;

	for (i = 0; i < x.n; i++)
		if (x.v[i].kind == SC_PART_LIT)
			sc_buf_add(out, x.v[i].s, x.v[i].n);
}

void sc_sstr_canon(struct sc_sstr x, struct sc_buf *out)
{
	uint32_t i, j;

	for (i = 0; i < x.n; i++) {
		const struct sc_part *p = &x.v[i];

		switch (p->kind) {
		case SC_PART_ANY:
			sc_buf_putc(out, '*');
			continue;
		case SC_PART_ONE:
			sc_buf_putc(out, '?');
			continue;
		case SC_PART_PH:
			sc_buf_putc(out, '%');
			sc_buf_add(out, p->s, p->n);
			sc_buf_putc(out, '%');
			continue;
		case SC_PART_LIT:
		default:
			break;
		}
		for (j = 0; j < p->n; j++) {
			uint8_t c = p->s[j];
			bool next_special;

			if (c == '*' || c == '?') {
				sc_buf_putc(out, '\\');
				sc_buf_putc(out, (char)c);
				continue;
			}
			if (c != '\\') {
				sc_buf_putc(out, (char)c);
				continue;
			}
			/* A literal backslash needs escaping only before something special. */
			if (j + 1 < p->n)
				next_special = p->s[j + 1] == '*' || p->s[j + 1] == '?' ||
					       p->s[j + 1] == '\\';
			else
				next_special = i + 1 < x.n;
			sc_buf_puts(out, next_special ? "\\\\" : "\\");
		}
	}
}
