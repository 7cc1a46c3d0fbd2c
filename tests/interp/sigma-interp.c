// SPDX-License-Identifier: Apache-2.0
/*
 * sigma-interp: the reference interpreter as a tool, the other side of the
 * differential tests. It loads rules with sigmac-c's front end, selects
 * them as `sigmac-c compile` does (same options, same filters), reads
 * events with the agent's readers and routing, and evaluates every rule's
 * IR on every event with interp.c. Output: one line per match,
 *
 *   FILE <TAB> EVENT-SEQUENCE <TAB> RULE
 *
 * where RULE is "sigma::<id>" as in the agent's alerts (rule.id). Tests and
 * tools only: never shipped.
 *
 * Usage: sigma-interp [--target T] [--placeholders F] [--status S,...]
 *                     --rules PATH [--rules PATH]... EVENT-FILE...
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cg.h"
#include "ctx.h"
#include "event.h"
#include "evstore.h"
#include "evtx.h"
#include "interp.h"
#include "jsonl.h"
#include "placeholders.h"
#include "route.h"
#include "rule.h"
#include "ruleset.h"
#include "ir.h"
#include "yaml_load.h"

struct run {
	struct sc_ctx *ctx;
	struct sc_cg *cg;
	uint64_t events, matches;
};

static void evaluate(struct run *rn, const char *file, struct ag_event *ev)
{
	uint32_t k;

	rn->events++;
	for (k = 0; k < rn->cg->nrules; k++) {
		const struct sc_cg_rule *cr = &rn->cg->rules[k];

		if (!ti_logsource_matches(cr->r, ev) || !ti_eval(rn->ctx, cr->root, ev))
			continue;
		rn->matches++;
		printf("%s\t%llu\tsigma::%s\n", file, (unsigned long long)ev->seq,
		       cr->r->id ? cr->r->id : cr->r->file->rel);
	}
}

static int run_file(struct run *rn, const char *path, struct ag_event *ev)
{
	struct ag_route_fields rf;
	size_t l = strlen(path);
	char err[256] = "";
	int r;

	ag_route_fields_init(&rf, ti_field_lookup, rn->ctx);
	if (l > 5 && strcasecmp(path + l - 5, ".evtx") == 0) {
		struct ag_evtx *x;

		r = ag_evtx_open(&x, path, NULL, ti_field_lookup, rn->ctx, err, sizeof(err));
		if (r < 0) {
			fprintf(stderr, "sigma-interp: %s: %s\n", path, err);
			return r;
		}
		while (ag_evtx_next(x, ev) == 0) {
			ag_route_windows_fields(ev, &rf);
			evaluate(rn, path, ev);
		}
		ag_evtx_close(x);
		return 0;
	} else {
		struct ag_jsonl *j;
		FILE *f = fopen(path, "rb");

		if (!f) {
			fprintf(stderr, "sigma-interp: %s: %s\n", path, strerror(errno));
			return -errno;
		}
		r = ag_jsonl_open_file(&j, f, NULL, ti_field_lookup, rn->ctx);
		if (r < 0) {
			fclose(f);
			return r;
		}
		while (ag_jsonl_next(j, ev) == 0) {
			if (ag_event_get(ev, AG_FIELD_CHANNEL))
				ag_route_windows_fields(ev, &rf);
			else
				ag_route_generic(ev);
			evaluate(rn, path, ev);
		}
		ag_jsonl_close(j);
		fclose(f);
	}
	return 0;
}

/* --bench N: the interpreter over pre-parsed events, as the agent's --bench-detect. */
static int bench(struct run *rn, char *const *files, int nfiles, int rounds)
{
	struct ag_evstore st = {0};
	struct ag_event ev;
	double t[64];
	struct timespec a, b;
	uint64_t matches = 0;
	size_t e;
	int k, i, j;

	if (rounds < 1 || rounds > 64)
		rounds = 3;
	if (ag_evstore_load(&st, files, nfiles, sc_ir_nfields(rn->ctx->ir), ti_field_lookup,
			    rn->ctx) < 0 ||
	    ag_event_init(&ev, sc_ir_nfields(rn->ctx->ir)) < 0)
		return 2;
	for (k = 0; k < rounds; k++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		for (e = 0; e < st.n; e++) {
			uint32_t r;

			ag_evstore_get(&st, e, &ev);
			for (r = 0; r < rn->cg->nrules; r++)
				if (ti_logsource_matches(rn->cg->rules[r].r, &ev) &&
				    ti_eval(rn->ctx, rn->cg->rules[r].root, &ev))
					matches++;
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
		t[k] = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	}
	for (i = 1; i < rounds; i++)
		for (j = i; j > 0 && t[j - 1] > t[j]; j--) {
			double x = t[j];

			t[j] = t[j - 1];
			t[j - 1] = x;
		}
	printf("bench-interp: %zu pre-parsed events, %u rules, %d rounds: median %.3f s per round "
	       "= %.0f events/s (%llu matches per round)\n",
	       st.n, rn->cg->nrules, rounds, t[rounds / 2], st.n / t[rounds / 2],
	       (unsigned long long)(matches / (uint64_t)rounds));
	ag_event_done(&ev);
	ag_evstore_free(&st);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"rules", required_argument, NULL, 'r'},
		{"target", required_argument, NULL, 't'},
		{"placeholders", required_argument, NULL, 'p'},
		{"bench", required_argument, NULL, 'B'},
		{NULL, 0, NULL, 0},
	};
	int rounds = 0;
	struct run rn = {0};
	struct sc_cg_opts co;
	struct ag_event ev;
	const char *rules[64];
	int c, nrules = 0, i, ret = 0;

	memset(&co, 0, sizeof(co));
	co.status_mask = (1u << SC_STATUS_NONE) | (1u << SC_STATUS_STABLE) |
			 (1u << SC_STATUS_TEST) | (1u << SC_STATUS_EXPERIMENTAL);
	co.target = SC_TARGET_REPLAY;
	rn.ctx = sc_ctx_new();
	while ((c = getopt_long(argc, argv, "r:t:p:B:", longopts, NULL)) != -1) {
		switch (c) {
		case 'B':
			rounds = atoi(optarg);
			break;
		case 'r':
			if (nrules < 64)
				rules[nrules++] = optarg;
			break;
		case 't':
			co.target = strcmp(optarg, "linux") == 0     ? SC_TARGET_LINUX
				    : strcmp(optarg, "windows") == 0 ? SC_TARGET_WINDOWS
								     : SC_TARGET_REPLAY;
			break;
		case 'p':
			sc_placeholders_load(rn.ctx, optarg);
			break;
		default:
			fprintf(stderr, "usage: sigma-interp [--target T] [--placeholders F] --rules PATH... "
					"EVENT-FILE...\n");
			return 2;
		}
	}
	for (i = 0; i < nrules; i++)
		sc_ruleset_add_path(rn.ctx, rules[i]);
	sc_ruleset_finish(rn.ctx);
	if (sc_cg_build(rn.ctx, &co, &rn.cg) < 0)
		return 2;
	if (rounds)
		return bench(&rn, argv + optind, argc - optind, rounds);
	if (ag_event_init(&ev, sc_ir_nfields(rn.ctx->ir)) < 0)
		return 2;
	for (i = optind; i < argc; i++)
		if (run_file(&rn, argv[i], &ev) < 0)
			ret = 1;
	fprintf(stderr, "sigma-interp: %u rules, %llu events, %llu matches\n", rn.cg->nrules,
		(unsigned long long)rn.events, (unsigned long long)rn.matches);
	ag_event_done(&ev);
	sc_cg_free(rn.cg);
	sc_ctx_free(rn.ctx);
	return ret;
}
