// SPDX-License-Identifier: Apache-2.0
/*
 * Reference regex matcher (see re_match.h): a Pike VM without captures.
 *
 * The AST becomes a small program (Thompson's construction), counted
 * repetitions expanded into copies:
 *   SET i      consume one code point in set i          (CHAR, CLASS, ANY)
 *   SPLIT x y  continue at x and at y                   (ALT, REPEAT)
 *   JMP x      continue at x
 *   ASSERT k   continue when the assertion holds here   (^ $ \A \Z \b \B)
 *   FAIL       no continuation (unsupported constructs)
 *   MATCH      a match ends here
 * The simulation keeps the set of program counters alive at each text
 * position; a thread starts at every position (unanchored search), and the
 * search succeeds as soon as one reaches MATCH. A set never holds a
 * counter twice, so empty loops such as (a*)* terminate.
 */
#include "re_match.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regex.h"
#include "utf8.h"

enum ti_op { OP_SET, OP_SPLIT, OP_JMP, OP_ASSERT, OP_FAIL, OP_MATCH };

/* Assertions (OP_ASSERT x). */
enum ti_at { AT_BOL, AT_BOL_M, AT_EOL, AT_EOL_M, AT_BOT, AT_EOT, AT_B, AT_B_A, AT_NB, AT_NB_A };

struct ti_inst {
	enum ti_op op;
	uint32_t x, y;
};

/* A code point set: sorted disjoint ranges. */
struct ti_set {
	const struct sc_re_range *r;
	uint32_t n;
	struct sc_re_range own[8]; /* storage for CHAR and ANY */
};

struct ti_re_prog {
	struct ti_inst *insts;
	uint32_t ninsts, cap;
	struct ti_set *sets;
	uint32_t nsets, setcap;
};

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "re_match: out of memory\n");
		abort();
	}
	return p;
}

static uint32_t emit(struct ti_re_prog *p, enum ti_op op, uint32_t x, uint32_t y)
{
	if (p->ninsts == p->cap) {
		if (p->cap >= TI_RE_MAX_PROG) {
			fprintf(stderr, "re_match: program larger than %u instructions\n",
				TI_RE_MAX_PROG);
			abort();
		}
		p->cap = p->cap ? 2 * p->cap : 64;
		p->insts = xrealloc(p->insts, p->cap * sizeof(*p->insts));
	}
	p->insts[p->ninsts].op = op;
	p->insts[p->ninsts].x = x;
	p->insts[p->ninsts].y = y;
	return p->ninsts++;
}

static struct ti_set *new_set(struct ti_re_prog *p, uint32_t *idx)
{
	if (p->nsets == p->setcap) {
		p->setcap = p->setcap ? 2 * p->setcap : 16;
		p->sets = xrealloc(p->sets, p->setcap * sizeof(*p->sets));
	}
	*idx = p->nsets;
	memset(&p->sets[p->nsets], 0, sizeof(p->sets[0]));
	return &p->sets[p->nsets++];
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Set index of a CHAR node: the code point, or its simple folding class. */
static uint32_t char_set(struct ti_re_prog *p, const struct sc_re_node *n)
{
	uint32_t cps[8], idx, i, k = 1;
	struct ti_set *s;

	cps[0] = n->cp;
	if (n->fold)
		k = (uint32_t)sc_ucd_fold_class(n->cp, cps, 8);
	qsort(cps, k, sizeof(cps[0]), cmp_u32);
	s = new_set(p, &idx);
	for (i = 0; i < k; i++) {
		s->own[s->n].lo = s->own[s->n].hi = cps[i];
		s->n++;
	}
	return idx;
}

static uint32_t any_set(struct ti_re_prog *p, bool dotall)
{
	uint32_t idx;
	struct ti_set *s = new_set(p, &idx);

	if (dotall) {
		s->own[0] = (struct sc_re_range){0, 0x10FFFF};
		s->n = 1;
	} else {
		s->own[0] = (struct sc_re_range){0, '\n' - 1};
		s->own[1] = (struct sc_re_range){'\n' + 1, 0x10FFFF};
		s->n = 2;
	}
	return idx;
}

static void compile_node(struct ti_re_prog *p, const struct sc_re_node *n)
{
	uint32_t i, idx, split, *holes;
	struct ti_set *s;

	switch (n->op) {
	case SC_RE_EMPTY:
		break;
	case SC_RE_CHAR:
		emit(p, OP_SET, char_set(p, n), 0);
		break;
	case SC_RE_CLASS:
		s = new_set(p, &idx);
		s->r = n->ranges;
		s->n = n->nranges;
		emit(p, OP_SET, idx, 0);
		break;
	case SC_RE_ANY:
		emit(p, OP_SET, any_set(p, n->dotall), 0);
		break;
	case SC_RE_CONCAT:
		for (i = 0; i < n->nkids; i++)
			compile_node(p, n->kids[i]);
		break;
	case SC_RE_GROUP:
		compile_node(p, n->kids[0]);
		break;
	case SC_RE_ALT:
		/* SPLIT k0, next; k0; JMP end; next: SPLIT k1, next'; ...; k_last */
		holes = calloc(n->nkids, sizeof(*holes));
		for (i = 0; i + 1 < n->nkids; i++) {
			split = emit(p, OP_SPLIT, 0, 0);
			p->insts[split].x = p->ninsts;
			compile_node(p, n->kids[i]);
			holes[i] = emit(p, OP_JMP, 0, 0);
			p->insts[split].y = p->ninsts;
		}
		compile_node(p, n->kids[n->nkids - 1]);
		for (i = 0; i + 1 < n->nkids; i++)
			p->insts[holes[i]].x = p->ninsts;
		free(holes);
		break;
	case SC_RE_REPEAT:
		for (i = 0; i < n->min; i++)
			compile_node(p, n->kids[0]);
		if (n->max == SC_RE_INF) {
			/* L: SPLIT body, out; body; JMP L */
			split = emit(p, OP_SPLIT, 0, 0);
			p->insts[split].x = p->ninsts;
			compile_node(p, n->kids[0]);
			emit(p, OP_JMP, split, 0);
			p->insts[split].y = p->ninsts;
		} else if (n->max > n->min) {
			/* (body (body ...)?)?: every SPLIT skips to the end */
			uint32_t k = n->max - n->min;

			holes = calloc(k, sizeof(*holes));
			for (i = 0; i < k; i++) {
				holes[i] = emit(p, OP_SPLIT, 0, 0);
				p->insts[holes[i]].x = p->ninsts;
				compile_node(p, n->kids[0]);
			}
			for (i = 0; i < k; i++)
				p->insts[holes[i]].y = p->ninsts;
			free(holes);
		}
		break;
	case SC_RE_BOL:
		emit(p, OP_ASSERT, n->multiline ? AT_BOL_M : AT_BOL, 0);
		break;
	case SC_RE_EOL:
		emit(p, OP_ASSERT, n->multiline ? AT_EOL_M : AT_EOL, 0);
		break;
	case SC_RE_BOT:
		emit(p, OP_ASSERT, AT_BOT, 0);
		break;
	case SC_RE_EOT:
		emit(p, OP_ASSERT, AT_EOT, 0);
		break;
	case SC_RE_WORDB:
		emit(p, OP_ASSERT, n->ascii ? AT_B_A : AT_B, 0);
		break;
	case SC_RE_NWORDB:
		emit(p, OP_ASSERT, n->ascii ? AT_NB_A : AT_NB, 0);
		break;
	case SC_RE_BACKREF:
	case SC_RE_LOOK:
	case SC_RE_ATOMIC:
	case SC_RE_COND:
	default:
		emit(p, OP_FAIL, 0, 0);
		break;
	}
}

struct ti_re_prog *ti_re_compile(const struct sc_re *re)
{
	struct ti_re_prog *p = calloc(1, sizeof(*p));

	if (!p)
		abort();
	compile_node(p, re->root);
	emit(p, OP_MATCH, 0, 0);
	/* Sets that use their own storage point at it now that sets[] is final. */
	for (uint32_t i = 0; i < p->nsets; i++)
		if (!p->sets[i].r)
			p->sets[i].r = p->sets[i].own;
	return p;
}

void ti_re_free(struct ti_re_prog *p)
{
	if (!p)
		return;
	free(p->insts);
	free(p->sets);
	free(p);
}

static bool set_has(const struct ti_set *s, uint32_t cp)
{
	uint32_t lo = 0, hi = s->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (cp < s->r[mid].lo)
			hi = mid;
		else if (cp > s->r[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

/* What the assertions need to know about one text position. */
struct ti_pos {
	size_t at, n;	/* byte offset, text length */
	uint32_t prev;	/* code point before, or UINT32_MAX at the start */
	uint32_t next;	/* code point after, or UINT32_MAX at the end */
	bool final_nl;	/* next is a '\n' that ends the text */
};

static bool is_word(uint32_t cp, bool ascii)
{
	if (cp == UINT32_MAX)
		return false;
	if (ascii)
		return cp < 0x80 && (cp == '_' || (cp >= '0' && cp <= '9') ||
				     ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z'));
	return sc_ucd_is_word(cp);
}

static bool assertion(enum ti_at k, const struct ti_pos *q)
{
	switch (k) {
	case AT_BOL:
		return q->at == 0;
	case AT_BOL_M:
		return q->at == 0 || q->prev == '\n';
	case AT_EOL:
		return q->at == q->n || q->final_nl;
	case AT_EOL_M:
		return q->at == q->n || q->next == '\n';
	case AT_BOT:
		return q->at == 0;
	case AT_EOT:
		return q->at == q->n;
	case AT_B:
	case AT_B_A:
		return q->n > 0 && is_word(q->prev, k == AT_B_A) != is_word(q->next, k == AT_B_A);
	case AT_NB:
	case AT_NB_A:
		/* Python < 3.14: \B fails in an empty text. */
		return q->n > 0 && is_word(q->prev, k == AT_NB_A) == is_word(q->next, k == AT_NB_A);
	}
	return false;
}

/* A sparse set of program counters. */
struct ti_list {
	uint32_t *dense, *sparse, n;
};

static bool list_has(const struct ti_list *l, uint32_t pc)
{
	uint32_t i = l->sparse[pc];

	return i < l->n && l->dense[i] == pc;
}

static void list_add(struct ti_list *l, uint32_t pc)
{
	l->sparse[pc] = l->n;
	l->dense[l->n++] = pc;
}

/* Add pc and everything reachable from it without consuming; true on MATCH. */
static bool add_thread(const struct ti_re_prog *p, struct ti_list *l, uint32_t *stack, uint32_t pc,
		       const struct ti_pos *q)
{
	uint32_t sp = 0;

	stack[sp++] = pc;
	while (sp) {
		const struct ti_inst *in;

		pc = stack[--sp];
		if (list_has(l, pc))
			continue;
		list_add(l, pc);
		in = &p->insts[pc];
		switch (in->op) {
		case OP_MATCH:
			return true;
		case OP_JMP:
			stack[sp++] = in->x;
			break;
		case OP_SPLIT:
			stack[sp++] = in->y;
			stack[sp++] = in->x;
			break;
		case OP_ASSERT:
			if (assertion((enum ti_at)in->x, q))
				stack[sp++] = pc + 1;
			break;
		case OP_SET:
		case OP_FAIL:
			break;
		}
	}
	return false;
}

static uint32_t decode(const uint8_t *s, size_t n, size_t at, size_t *len)
{
	uint32_t cp = sc_utf8_decode(s + at, n - at, len);

	return cp == SC_UTF8_INVALID ? 0xFFFD : cp;
}

bool ti_re_exec(const struct ti_re_prog *p, const uint8_t *s, size_t n)
{
	struct ti_list a, b, *cur = &a, *nxt = &b, *t;
	uint32_t *stack, i;
	struct ti_pos q;
	size_t len = 0;
	bool found = false;

	a.dense = malloc(p->ninsts * sizeof(uint32_t));
	a.sparse = calloc(p->ninsts, sizeof(uint32_t));
	b.dense = malloc(p->ninsts * sizeof(uint32_t));
	b.sparse = calloc(p->ninsts, sizeof(uint32_t));
	/* Each counter is pushed at most twice per closure (SPLIT pushes two). */
	stack = malloc(2 * (size_t)p->ninsts * sizeof(uint32_t) + 8);
	if (!a.dense || !a.sparse || !b.dense || !b.sparse || !stack)
		abort();
	a.n = b.n = 0;

	q.n = n;
	q.at = 0;
	q.prev = UINT32_MAX;
	q.next = n ? decode(s, n, 0, &len) : UINT32_MAX;
	q.final_nl = n == 1 && s[0] == '\n';
	for (;;) {
		size_t nlen = 0;
		struct ti_pos q2;

		/* A new thread at every position: unanchored search. */
		if (add_thread(p, cur, stack, 0, &q)) {
			found = true;
			break;
		}
		if (q.at == n)
			break;
		q2.n = n;
		q2.at = q.at + len;
		q2.prev = q.next;
		q2.next = q2.at < n ? decode(s, n, q2.at, &nlen) : UINT32_MAX;
		q2.final_nl = q2.at + 1 == n && s[q2.at] == '\n';
		nxt->n = 0;
		for (i = 0; i < cur->n; i++) {
			const struct ti_inst *in = &p->insts[cur->dense[i]];

			if (in->op == OP_SET && set_has(&p->sets[in->x], q.next) &&
			    add_thread(p, nxt, stack, cur->dense[i] + 1, &q2)) {
				found = true;
				goto out;
			}
		}
		t = cur;
		cur = nxt;
		nxt = t;
		q = q2;
		len = nlen;
	}
out:
	free(a.dense);
	free(a.sparse);
	free(b.dense);
	free(b.sparse);
	free(stack);
	return found;
}

bool ti_re_search(const struct sc_re *re, const uint8_t *s, size_t n)
{
	struct ti_re_prog *p = ti_re_compile(re);
	bool r = ti_re_exec(p, s, n);

	ti_re_free(p);
	return r;
}
