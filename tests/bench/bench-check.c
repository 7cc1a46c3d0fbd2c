// SPDX-License-Identifier: Apache-2.0
/*
 * Benchmark (not a test): time to check the whole SigmaHQ corpus (main
 * folders, with the placeholders file, plus deprecated/ and unsupported/),
 * in process, one core. Prints the median and spread of RUNS runs (default
 * 7) of wall and CPU time, rules per second and the compiler's arena size.
 * Run: meson test -C build --benchmark --verbose, or build/tests/bench-check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "arena.h"
#include "ctx.h"
#include "ir.h"
#include "placeholders.h"
#include "ruleset.h"
#include "test_util.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static const char *const folders[] = {"rules",	    "rules-threat-hunting",
					      "rules-emerging-threats", "rules-placeholder",
					      "rules-compliance", "deprecated",
					      "unsupported",	    NULL};
	int runs = argc > 1 ? atoi(argv[1]) : 7, r;
	double wall[64], cput[64];
	size_t docs = 0, arena = 0, atoms = 0, nodes = 0;
	char path[4096];

	if (!tu_have_shared("corpus/sigmahq/rules")) {
		printf("bench-check: ../shared/corpus/sigmahq is absent; nothing to measure\n");
		return 0;
	}
	if (runs < 1 || runs > 64)
		runs = 7;
	for (r = 0; r < runs; r++) {
		struct sc_ctx *ctx = sc_ctx_new();
		double w0 = now(), c0 = cpu();
		size_t i;

		snprintf(path, sizeof(path), "%s/tests/corpus/placeholders.yml", tu_source_root());
		sc_placeholders_load(ctx, path);
		for (i = 0; folders[i]; i++) {
			snprintf(path, sizeof(path), "%s/corpus/sigmahq/%s", tu_shared_root(),
				 folders[i]);
			sc_ruleset_add_path(ctx, path);
		}
		sc_ruleset_finish(ctx);
		sc_diags_sort(&ctx->diags);
		wall[r] = now() - w0;
		cput[r] = cpu() - c0;
		docs = ctx->nrules;
		arena = sc_arena_used(ctx->arena);
		atoms = sc_ir_natoms(ctx->ir) - 1;
		nodes = sc_ir_nnodes(ctx->ir) - 1;
		sc_ctx_free(ctx);
	}
	qsort(wall, (size_t)runs, sizeof(double), dcmp);
	qsort(cput, (size_t)runs, sizeof(double), dcmp);
	printf("bench-check: SigmaHQ corpus, %zu documents, %d runs\n", docs, runs);
	printf("  wall  median %.3f s  (min %.3f, max %.3f)\n", wall[runs / 2], wall[0],
	       wall[runs - 1]);
	printf("  cpu   median %.3f s  (min %.3f, max %.3f)\n", cput[runs / 2], cput[0],
	       cput[runs - 1]);
	printf("  rate  %.0f documents/s (median wall)\n", (double)docs / wall[runs / 2]);
	printf("  IR    %zu atoms, %zu nodes; arena %.1f MiB\n", atoms, nodes,
	       (double)arena / (1024.0 * 1024.0));
	printf("  target: check <= 2 s on one core: %s\n", wall[runs / 2] <= 2.0 ? "met" : "MISSED");
	return 0;
}
