// SPDX-License-Identifier: Apache-2.0
/*
 * re2c code for Sigma regexes: the DFA size estimate behind the strategy
 * policy (regex_emit.c). sc_rx_dfa_estimate() builds a Thompson NFA of a
 * class-level rx and runs the subset construction as re2c does (longest
 * match from the start, no minimization), within the limits of
 * regex_emit_int.h.
 */

#include "regex_emit_int.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"

/* ---------------------------------------------------------------- */
/* DFA size estimate: Thompson NFA over code point classes, subsets  */

struct nst {
	struct rx *set; /* char state: the SET; else NULL */
	uint32_t out1, out2;
	uint8_t kind; /* 0 epsilon (out1, out2 or UINT32_MAX), 1 char, 2 match */
};

struct nfa {
	struct nst *s;
	uint32_t n, cap;
	bool over;
};

#define NONE UINT32_MAX

static uint32_t nfa_new(struct nfa *f, uint8_t kind, struct rx *set, uint32_t o1, uint32_t o2)
{
	if (f->n >= NFA_LIMIT) {
		f->over = true;
		return 0;
	}
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 256;
		f->s = sc_xreallocarray(f->s, f->cap, sizeof(*f->s));
	}
	f->s[f->n] = (struct nst){set, o1, o2, kind};
	return f->n++;
}

/* Build x in front of state target; returns the entry state. */
static uint32_t nfa_build(struct nfa *f, struct rx *x, uint32_t target)
{
	uint32_t i, entry, l, body;

	if (f->over)
		return 0;
	switch (x->k) {
	case RX_EMPTY:
	case RX_ASSERT:
		return target;
	case RX_SET:
		return nfa_new(f, 1, x, target, NONE);
	case RX_CAT:
		for (i = x->nkids; i-- > 0;)
			target = nfa_build(f, x->kids[i], target);
		return target;
	case RX_ALT:
		entry = nfa_build(f, x->kids[x->nkids - 1], target);
		for (i = x->nkids - 1; i-- > 0;)
			entry = nfa_new(f, 0, NULL, nfa_build(f, x->kids[i], target), entry);
		return entry;
	case RX_REP:
		entry = target;
		if (x->max == SC_RE_INF) {
			l = nfa_new(f, 0, NULL, NONE, target);
			if (f->over)
				return 0;
			/* f->s may move while the body is built */
			body = nfa_build(f, x->kids[0], l);
			f->s[l].out1 = body;
			entry = l;
		} else {
			for (i = x->min; i < x->max && !f->over; i++)
				entry = nfa_new(f, 0, NULL, nfa_build(f, x->kids[0], entry), target);
		}
		for (i = 0; i < x->min && !f->over; i++)
			entry = nfa_build(f, x->kids[0], entry);
		return entry;
	}
	return target;
}

/* Alphabet: classes of code points that no SET of the NFA tells apart. */
struct alpha {
	struct rx **sets; /* distinct SETs */
	uint32_t nsets;
	uint32_t **cls; /* per set: class ids */
	uint32_t *ncls;
	uint32_t nclasses;
	int32_t byteclass[256]; /* class of each symbol (0..255), or -1 */
};

int sc_rx_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void alpha_build(struct alpha *al, struct nfa *f)
{
	uint32_t i, j, nb = 0, *b, nwords, *sig, *sigmap, nsig = 0;
	size_t cap = 0;

	memset(al, 0, sizeof(*al));
	memset(al->byteclass, 0xFF, sizeof(al->byteclass));
	for (i = 0; i < f->n; i++) {
		struct rx *s = f->s[i].set;

		if (!s || s->mark == UINT32_MAX)
			continue;
		s->mark = UINT32_MAX;
		if (al->nsets == cap) {
			cap = cap ? 2 * cap : 16;
			al->sets = sc_xreallocarray(al->sets, cap, sizeof(*al->sets));
		}
		al->sets[al->nsets++] = s;
	}
	for (i = 0; i < al->nsets; i++)
		nb += 2 * al->sets[i]->set.n;
	b = sc_xreallocarray(NULL, nb + 1, sizeof(*b));
	nb = 0;
	for (i = 0; i < al->nsets; i++) {
		const struct rset *s = &al->sets[i]->set;

		al->sets[i]->mark = i; /* index, for the sweep */
		for (j = 0; j < s->n; j++) {
			b[nb++] = s->r[j].lo;
			b[nb++] = s->r[j].hi + 1;
		}
	}
	qsort(b, nb, sizeof(*b), sc_rx_cmp_u32);
	for (i = j = 0; i < nb; i++)
		if (j == 0 || b[j - 1] != b[i])
			b[j++] = b[i];
	nb = j;
	/* elementary intervals [b[i], b[i+1]): signature = sets containing them */
	nwords = (al->nsets + 31) / 32;
	sig = calloc((size_t)(nb ? nb : 1) * (nwords ? nwords : 1), sizeof(*sig));
	sigmap = calloc(nb ? nb : 1, sizeof(*sigmap));
	if (!sig || !sigmap)
		sc_oom();
	for (i = 0; i < al->nsets; i++) {
		const struct rset *s = &al->sets[i]->set;
		uint32_t k = 0;

		for (j = 0; j < s->n; j++) {
			while (k < nb && b[k] < s->r[j].lo)
				k++;
			for (; k < nb && b[k] <= s->r[j].hi; k++)
				sig[(size_t)k * nwords + i / 32] |= 1u << (i % 32);
		}
	}
	/* class id per distinct non-empty signature (quadratic in the worst case, small here) */
	{
		uint32_t *rep = sc_xreallocarray(NULL, nb ? nb : 1, sizeof(*rep));

		for (i = 0; i + 1 < nb; i++) {
			uint32_t w, c;
			bool empty = true;

			for (w = 0; w < nwords; w++)
				empty &= sig[(size_t)i * nwords + w] == 0;
			if (empty) {
				sigmap[i] = UINT32_MAX;
				continue;
			}
			for (c = 0; c < nsig; c++)
				if (memcmp(&sig[(size_t)rep[c] * nwords], &sig[(size_t)i * nwords],
					   nwords * sizeof(*sig)) == 0)
					break;
			if (c == nsig)
				rep[nsig++] = i;
			sigmap[i] = c;
			for (w = b[i]; w < b[i + 1] && w < 256; w++)
				al->byteclass[w] = (int32_t)c;
		}
		al->nclasses = nsig;
		al->cls = calloc(al->nsets ? al->nsets : 1, sizeof(*al->cls));
		al->ncls = calloc(al->nsets ? al->nsets : 1, sizeof(*al->ncls));
		if (!al->cls || !al->ncls)
			sc_oom();
		for (i = 0; i < al->nsets; i++) {
			uint32_t c;

			al->cls[i] = sc_xreallocarray(NULL, nsig ? nsig : 1, sizeof(uint32_t));
			for (c = 0; c < nsig; c++)
				if (sig[(size_t)rep[c] * nwords + i / 32] & (1u << (i % 32)))
					al->cls[i][al->ncls[i]++] = c;
		}
		free(rep);
	}
	free(sig);
	free(sigmap);
	free(b);
}

static void alpha_free(struct alpha *al)
{
	uint32_t i;

	for (i = 0; i < al->nsets; i++) {
		al->sets[i]->mark = 0;
		free(al->cls[i]);
	}
	free(al->sets);
	free(al->cls);
	free(al->ncls);
}

struct dstate {
	uint32_t *pos;
	uint32_t n;
	uint32_t hash;
};

struct subset {
	struct nfa *f;
	uint32_t *mark, epoch;
	uint32_t *stack;
	struct dstate *st;
	uint32_t nst, capst;
	uint32_t *tab;
	size_t tabcap;
	uint64_t work;
};

/* Sorted char states (and the match state) reachable from seeds by epsilons. */
static void closure(struct subset *ss, const uint32_t *seeds, uint32_t nseeds, uint32_t **out,
		    uint32_t *nout)
{
	struct nfa *f = ss->f;
	uint32_t sp = 0, n = 0, i;
	uint32_t *res = NULL;
	size_t cap = 0;

	ss->epoch++;
	for (i = 0; i < nseeds; i++)
		ss->stack[sp++] = seeds[i];
	while (sp) {
		uint32_t q = ss->stack[--sp];

		if (q == NONE || ss->mark[q] == ss->epoch)
			continue;
		ss->mark[q] = ss->epoch;
		if (f->s[q].kind == 0) {
			ss->stack[sp++] = f->s[q].out2;
			ss->stack[sp++] = f->s[q].out1;
			continue;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			res = sc_xreallocarray(res, cap, sizeof(*res));
		}
		res[n++] = q;
	}
	qsort(res, n, sizeof(*res), sc_rx_cmp_u32);
	*out = res;
	*nout = n;
}

static uint32_t ds_hash(const uint32_t *p, uint32_t n)
{
	uint32_t h = 0x12345u, i;

	for (i = 0; i < n; i++)
		h = sc_rx_mix(h, p[i]);
	return sc_rx_mix(h, n);
}

/* Index of the DFA state with these positions; adds it (taking pos) if new. */
static uint32_t ds_find(struct subset *ss, uint32_t *pos, uint32_t n, bool *added)
{
	uint32_t h = ds_hash(pos, n);
	size_t j;

	if (2 * (ss->nst + 1) > ss->tabcap) {
		size_t ncap = ss->tabcap ? 2 * ss->tabcap : 1024, i;
		uint32_t *nt = malloc(ncap * sizeof(*nt));

		if (!nt)
			sc_oom();
		memset(nt, 0xFF, ncap * sizeof(*nt));
		for (i = 0; i < ss->nst; i++) {
			for (j = ss->st[i].hash & (ncap - 1); nt[j] != NONE; j = (j + 1) & (ncap - 1))
				;
			nt[j] = (uint32_t)i;
		}
		free(ss->tab);
		ss->tab = nt;
		ss->tabcap = ncap;
	}
	for (j = h & (ss->tabcap - 1); ss->tab[j] != NONE; j = (j + 1) & (ss->tabcap - 1)) {
		struct dstate *d = &ss->st[ss->tab[j]];

		if (d->hash == h && d->n == n && memcmp(d->pos, pos, n * sizeof(*pos)) == 0) {
			*added = false;
			return ss->tab[j];
		}
	}
	if (ss->nst == ss->capst) {
		ss->capst = ss->capst ? 2 * ss->capst : 256;
		ss->st = sc_xreallocarray(ss->st, ss->capst, sizeof(*ss->st));
	}
	ss->st[ss->nst] = (struct dstate){pos, n, h};
	ss->tab[j] = ss->nst;
	*added = true;
	return ss->nst++;
}

/*
 * Subset construction of the class-level rx x as re2c does it (longest
 * match from the start, no minimization), stopping at DFA_LIMIT states,
 * DFA_WORK_LIMIT work or DFA_COST_LIMIT cost.
 */
struct est sc_rx_dfa_estimate(struct rx *x)
{
	struct nfa f = {0};
	struct alpha al;
	struct subset ss = {0};
	struct est res = {0, 0, false};
	uint32_t start, fin, i, **bucket, *nbucket, *capb, *touched, ntouched, *ctarget;
	uint32_t *pos, npos;
	bool added;

	if (!x)
		return res;
	fin = nfa_new(&f, 2, NULL, NONE, NONE);
	start = nfa_build(&f, x, fin);
	if (f.over) {
		free(f.s);
		res.over = true;
		return res;
	}
	alpha_build(&al, &f);
	ss.f = &f;
	ss.mark = calloc(f.n, sizeof(*ss.mark));
	ss.stack = malloc((3 * (size_t)f.n + 8) * sizeof(*ss.stack));
	bucket = calloc(al.nclasses + 1, sizeof(*bucket));
	nbucket = calloc(al.nclasses + 1, sizeof(*nbucket));
	capb = calloc(al.nclasses + 1, sizeof(*capb));
	touched = malloc((al.nclasses + 1) * sizeof(*touched));
	ctarget = malloc((al.nclasses + 1) * sizeof(*ctarget));
	if (!ss.mark || !ss.stack || !bucket || !nbucket || !capb || !touched || !ctarget)
		sc_oom();
	memset(ctarget, 0xFF, (al.nclasses + 1) * sizeof(*ctarget));
	closure(&ss, &start, 1, &pos, &npos);
	ds_find(&ss, pos, npos, &added);
	for (i = 0; i < ss.nst && ss.nst <= DFA_LIMIT && ss.work <= DFA_WORK_LIMIT &&
		    res.cost <= DFA_COST_LIMIT;
	     i++) {
		struct dstate d = ss.st[i];
		uint32_t p, c, prev = NONE, bv;

		ss.work += d.n;
		ntouched = 0;
		for (p = 0; p < d.n; p++) {
			struct nst *q = &f.s[d.pos[p]];
			uint32_t si;

			if (q->kind != 1)
				continue;
			si = q->set->mark;
			for (c = 0; c < al.ncls[si]; c++) {
				uint32_t cl = al.cls[si][c];

				if (nbucket[cl] == 0)
					touched[ntouched++] = cl;
				if (nbucket[cl] == capb[cl]) {
					capb[cl] = capb[cl] ? 2 * capb[cl] : 8;
					bucket[cl] = sc_xreallocarray(bucket[cl], capb[cl],
								      sizeof(uint32_t));
				}
				bucket[cl][nbucket[cl]++] = q->out1;
			}
		}
		for (c = 0; c < ntouched; c++) {
			uint32_t cl = touched[c];

			closure(&ss, bucket[cl], nbucket[cl], &pos, &npos);
			nbucket[cl] = 0;
			ctarget[cl] = ds_find(&ss, pos, npos, &added);
			if (!added)
				free(pos);
		}
		/* the code re2c writes for a state is about its byte ranges */
		res.cost++;
		for (bv = 0; bv < 256; bv++) {
			int32_t cl = al.byteclass[bv];
			uint32_t t = cl >= 0 ? ctarget[cl] : NONE;

			if (t != NONE && t != prev)
				res.cost++;
			prev = t;
		}
		for (c = 0; c < ntouched; c++)
			ctarget[touched[c]] = NONE;
	}
	res.states = ss.nst;
	res.over = ss.nst > DFA_LIMIT || ss.work > DFA_WORK_LIMIT || res.cost > DFA_COST_LIMIT;
	for (i = 0; i < ss.nst; i++)
		free(ss.st[i].pos);
	for (i = 0; i <= al.nclasses; i++)
		free(bucket[i]);
	free(bucket);
	free(nbucket);
	free(capb);
	free(touched);
	free(ctarget);
	free(ss.st);
	free(ss.tab);
	free(ss.mark);
	free(ss.stack);
	alpha_free(&al);
	free(f.s);
	return res;
}

