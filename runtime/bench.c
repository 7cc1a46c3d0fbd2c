// SPDX-License-Identifier: Apache-2.0
/*
 * Detection benchmark (sigmac-agent replay --bench-detect N): the JSONL
 * inputs are read and routed once into memory, then the engine runs over
 * the pre-parsed events N times (each loaded into one reused event, as a
 * reader fills it: that copy of its field views is part of the time); the
 * median round is reported as events per second on one core, beside the
 * cost of one xxh3 pass over the same field bytes (every field a matcher of
 * the event's groups reads, the "touch every byte once" floor of
 * ARCHITECTURE.md section 9) and the fraction of the rule set evaluated per
 * event. The event loads are also timed alone, so that the ratio can be
 * read without them too (the floor hashes from a prepared list and loads
 * nothing), and so is detecting each event a second time at once, with its
 * bytes, its matchers' tables and its values' memo entries in cache: what
 * detection costs with no memory to wait on and no value new to the memo.
 * Figures only: no pass/fail.
 */
#include "bench.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "detect.h"
#include "event.h"
#include "evstore.h"

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint32_t lookup(void *arg, const char *name, size_t len)
{
	return ag_field_lookup(arg, name, len);
}

/*
 * The floor's input, computed outside the timed loop: for every event, the
 * distinct field values some matcher of its groups reads (each field once,
 * every field for keyword groups), as (pointer, length) pairs.
 */
struct floor_in {
	const struct ag_kv **kv; /* all events' lists, back to back */
	size_t *off;		 /* event e's list: kv[off[e] .. off[e + 1]) */
};

static int floor_prepare(struct floor_in *fi, const struct sgr_ruleset *rs,
			 const struct ag_evstore *st, struct ag_event *ev)
{
	size_t e, n = 0, cap = 0;
	uint8_t *seen = calloc(rs->nfields + 1, 1);
	uint32_t gi, i;

	fi->kv = NULL;
	fi->off = calloc(st->n + 1, sizeof(*fi->off));
	if (!seen || !fi->off)
		goto oom;
	for (e = 0; e < st->n; e++) {
		bool all = false;

		ag_evstore_get(st, e, ev);
		fi->off[e] = n;
		for (gi = 0; gi < rs->ngroups; gi++) {
			const struct sgr_group *g = &rs->groups[gi];

			if (!ag_group_matches(g, ev))
				continue;
			all |= g->keywords != NULL;
			for (i = 0; i < g->nfm; i++)
				if (g->fm[i].field <= rs->nfields)
					seen[g->fm[i].field] = 1;
		}
		for (i = 0; i < ev->nkv; i++) {
			const struct ag_kv *kv = &ev->kv[i];
			const struct ag_kv *cur = kv->id ? ag_event_get(ev, kv->id) : NULL;

			/* a field with an id counts once (its slot's value); keywords read all */
			if (!all && !(kv->id && kv->id <= rs->nfields && seen[kv->id] && cur == kv))
				continue;
			if (n == cap) {
				const struct ag_kv **nk;

				cap = cap ? 2 * cap : 1024;
				nk = realloc(fi->kv, cap * sizeof(*nk));
				if (!nk)
					goto oom;
				fi->kv = nk;
			}
			fi->kv[n++] = &st->ev[e].kv[i]; /* stable: the store's copy */
		}
		memset(seen, 0, rs->nfields + 1);
	}
	fi->off[st->n] = n;
	free(seen);
	return 0;
oom:
	free(seen);
	free(fi->kv);
	free(fi->off);
	return -ENOMEM;
}

static uint64_t hash_floor(const struct floor_in *fi, size_t e)
{
	uint64_t acc = 0;
	size_t i;

	for (i = fi->off[e]; i < fi->off[e + 1]; i++)
		acc ^= XXH3_64bits(fi->kv[i]->val, fi->kv[i]->val_len);
	return acc;
}

/*
 * One round from an empty memo: every event loaded, then detected `times`
 * times in a row. Returns its seconds.
 */
static double detect_round(struct ag_engine *eng, const struct ag_evstore *st, struct ag_event *ev,
			   int times, uint64_t *sink)
{
	double t0;
	size_t e;
	int k;

	ag_engine_forget(eng);
	t0 = mono();
	for (e = 0; e < st->n; e++) {
		ag_evstore_get(st, e, ev);
		for (k = 0; k < times; k++)
			*sink += ag_detect(eng, ev, NULL, NULL);
	}
	return mono() - t0;
}

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int ag_bench_detect(const struct sgr_ruleset *rs, char *const *files, int nfiles, int rounds)
{
	struct ag_evstore st = {0};
	struct ag_engine eng;
	double det[64], flo[64], lod[64], two[64], t0;
	uint64_t sink = 0, cand = 0, bytes = 0, floor_bytes = 0;
	struct floor_in fi;
	struct ag_event ev;
	size_t e;
	int r, k;

	if (rounds < 1 || rounds > 64)
		rounds = 5;
	r = ag_evstore_load(&st, files, nfiles, rs->nfields, lookup, (void *)rs);
	if (r < 0 || ag_engine_init(&eng, rs) < 0) {
		ag_evstore_free(&st);
		return -ENOMEM;
	}
	if (ag_event_init(&ev, rs->nfields) < 0 || floor_prepare(&fi, rs, &st, &ev) < 0) {
		ag_event_done(&ev);
		ag_engine_done(&eng);
		ag_evstore_free(&st);
		return -ENOMEM;
	}
	for (e = 0; e < fi.off[st.n]; e++)
		floor_bytes += fi.kv[e]->val_len;
	bytes = st.value_bytes;
	for (k = 0; k < rounds; k++) {
		uint64_t c0 = eng.st.candidates;

		det[k] = detect_round(&eng, &st, &ev, 1, &sink);
		cand = eng.st.candidates - c0;
		t0 = mono();
		for (e = 0; e < st.n; e++)
			sink ^= hash_floor(&fi, e);
		flo[k] = mono() - t0;
		/* the event loads alone: how much of the detection round is not detection */
		t0 = mono();
		for (e = 0; e < st.n; e++) {
			ag_evstore_get(&st, e, &ev);
			sink += ev.nkv;
		}
		lod[k] = mono() - t0;
	}
	qsort(det, (size_t)rounds, sizeof(double), dcmp);
	qsort(flo, (size_t)rounds, sizeof(double), dcmp);
	qsort(lod, (size_t)rounds, sizeof(double), dcmp);
	printf("bench-detect: %zu pre-parsed events (%.1f MB of values, %.1f MB JSONL), %u rules, "
	       "%d rounds\n",
	       st.n, bytes / 1e6, st.bytes / 1e6, rs->nrules, rounds);
	printf("  detection: median %.3f s per round = %.0f events/s per core (%.2f us/event)\n",
	       det[rounds / 2], st.n / det[rounds / 2], det[rounds / 2] / (double)st.n * 1e6);
	printf("  xxh3 floor (%.1f MB the matchers read): median %.3f s per round; "
	       "detection / floor = %.2fx\n",
	       floor_bytes / 1e6, flo[rounds / 2],
	       flo[rounds / 2] > 0 ? det[rounds / 2] / flo[rounds / 2] : 0.0);
	printf("  of which loading the events alone: median %.3f s per round (%.2f us/event); "
	       "detection without it / floor = %.2fx\n",
	       lod[rounds / 2], lod[rounds / 2] / (double)st.n * 1e6,
	       flo[rounds / 2] > 0 ? (det[rounds / 2] - lod[rounds / 2]) / flo[rounds / 2] : 0.0);
	printf("  rules evaluated: %.2f per event = %.3f%% of the rule set\n",
	       st.n ? (double)cand / (double)st.n : 0.0,
	       st.n && rs->nrules ? 100.0 * (double)cand / (double)st.n / rs->nrules : 0.0);
	printf("  contains matchers: %.0f bytes scanned per event, %.2f%% of positions pass the "
	       "gram filter, %.1f comparisons per event\n",
	       (double)eng.st.scanned / (double)eng.st.events,
	       eng.st.scanned ? 100.0 * (double)eng.st.passed / (double)eng.st.scanned : 0.0,
	       (double)eng.st.confirms / (double)eng.st.events);
	printf("  atoms computed on demand per event: str %.2f, regex %.2f, num %.2f, cidr %.2f, "
	       "keyword %.2f, other %.2f\n",
	       (double)eng.st.lazy[SGR_A_STR] / (double)eng.st.events,
	       (double)eng.st.lazy[SGR_A_REGEX] / (double)eng.st.events,
	       (double)eng.st.lazy[SGR_A_NUM] / (double)eng.st.events,
	       (double)eng.st.lazy[SGR_A_CIDR] / (double)eng.st.events,
	       (double)eng.st.lazy[SGR_A_KEYWORD] / (double)eng.st.events,
	       (double)(eng.st.lazy[SGR_A_NULL] + eng.st.lazy[SGR_A_EXISTS] +
			eng.st.lazy[SGR_A_FIELDREF] + eng.st.lazy[SGR_A_TIMEPART]) /
		       (double)eng.st.events);
	printf("  matcher memo: %.1f lookups per event, %.1f%% replayed (each round starts "
	       "empty)\n",
	       (double)eng.st.memo_lookups / (double)eng.st.events,
	       eng.st.memo_lookups ? 100.0 * (double)eng.st.memo_found / (double)eng.st.memo_lookups
				   : 0.0);
	printf("  matches per round: %llu (checksum %llu)\n",
	       (unsigned long long)(eng.st.matches / (uint64_t)rounds),
	       (unsigned long long)(sink & 0xff));
	/*
	 * What detection costs once memory is out of the way: a round that
	 * detects every event twice in a row, less a plain round run just
	 * before it (the second detection has the event's bytes, its matchers'
	 * tables and its values' memo entries in cache); the median of these.
	 */
	for (k = 0; k < rounds; k++) {
		double once = detect_round(&eng, &st, &ev, 1, &sink);

		two[k] = detect_round(&eng, &st, &ev, 2, &sink) - once;
	}
	qsort(two, (size_t)rounds, sizeof(double), dcmp);
	printf("  the same event detected again at once (in cache, in the memo): %.2f us/event = "
	       "%.2fx the floor\n",
	       two[rounds / 2] / (double)st.n * 1e6,
	       flo[rounds / 2] > 0 ? two[rounds / 2] / flo[rounds / 2] : 0.0);
	free(fi.kv);
	free(fi.off);
	ag_event_done(&ev);
	ag_engine_done(&eng);
	ag_evstore_free(&st);
	return 0;
}
