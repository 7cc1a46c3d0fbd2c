// SPDX-License-Identifier: Apache-2.0
/*
 * Detection benchmark (sigmac-agent replay --bench-detect N): the JSONL
 * inputs are read and routed once into memory, then the engine runs over
 * the pre-parsed events N times; the median round is reported as events per
 * second on one core, beside the cost of one xxh3 pass over the same field
 * bytes (every field a matcher of the event's groups reads, the
 * "touch every byte once" floor of ARCHITECTURE.md section 9) and the
 * fraction of the rule set evaluated per event. Figures only: no pass/fail.
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

/* One xxh3 over every field value a matcher of the event's groups reads. */
static uint64_t hash_floor(struct ag_engine *e, const struct ag_event *ev)
{
	const struct sgr_ruleset *rs = e->rs;
	uint64_t acc = 0;
	uint32_t gi, i;

	for (gi = 0; gi < rs->ngroups; gi++) {
		const struct sgr_group *g = &rs->groups[gi];

		if (!ag_group_matches(g, ev))
			continue;
		for (i = 0; i < g->nfm; i++) {
			const struct ag_kv *kv = ag_event_get(ev, g->fm[i].field);

			if (kv)
				acc ^= XXH3_64bits(kv->val, kv->val_len);
		}
		if (g->keywords)
			for (i = 0; i < ev->nkv; i++)
				acc ^= XXH3_64bits(ev->kv[i].val, ev->kv[i].val_len);
	}
	return acc;
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
	double det[64], flo[64], t0;
	uint64_t sink = 0, cand = 0, bytes = 0;
	size_t e;
	int r, k;

	if (rounds < 1 || rounds > 64)
		rounds = 5;
	r = ag_evstore_load(&st, files, nfiles, rs->nfields, lookup, (void *)rs);
	if (r < 0 || ag_engine_init(&eng, rs) < 0) {
		ag_evstore_free(&st);
		return -ENOMEM;
	}
	bytes = st.value_bytes;
	for (k = 0; k < rounds; k++) {
		uint64_t c0 = eng.st.candidates;

		t0 = mono();
		for (e = 0; e < st.n; e++)
			sink += ag_detect(&eng, &st.ev[e], NULL, NULL);
		det[k] = mono() - t0;
		cand = eng.st.candidates - c0;
		t0 = mono();
		for (e = 0; e < st.n; e++)
			sink ^= hash_floor(&eng, &st.ev[e]);
		flo[k] = mono() - t0;
	}
	qsort(det, (size_t)rounds, sizeof(double), dcmp);
	qsort(flo, (size_t)rounds, sizeof(double), dcmp);
	printf("bench-detect: %zu pre-parsed events (%.1f MB of values, %.1f MB JSONL), %u rules, "
	       "%d rounds\n",
	       st.n, bytes / 1e6, st.bytes / 1e6, rs->nrules, rounds);
	printf("  detection: median %.3f s per round = %.0f events/s per core (%.2f us/event)\n",
	       det[rounds / 2], st.n / det[rounds / 2], det[rounds / 2] / (double)st.n * 1e6);
	printf("  xxh3 floor: median %.3f s per round; detection / floor = %.2fx\n",
	       flo[rounds / 2], flo[rounds / 2] > 0 ? det[rounds / 2] / flo[rounds / 2] : 0.0);
	printf("  rules evaluated: %.2f per event = %.3f%% of the rule set\n",
	       st.n ? (double)cand / (double)st.n : 0.0,
	       st.n && rs->nrules ? 100.0 * (double)cand / (double)st.n / rs->nrules : 0.0);
	printf("  matches per round: %llu (checksum %llu)\n",
	       (unsigned long long)(eng.st.matches / (uint64_t)rounds),
	       (unsigned long long)(sink & 0xff));
	ag_engine_done(&eng);
	ag_evstore_free(&st);
	return 0;
}
