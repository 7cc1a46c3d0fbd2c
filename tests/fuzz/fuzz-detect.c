// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: the detection engine on arbitrary events, with the
 * semantics rule set (tests/semantics/rules: every modifier, keywords,
 * regexes, filters). The input is JSONL; each event is routed by its
 * logsource.* keys and detected three times: by an engine with the matcher
 * memo, again by it (the memo now replays what it remembered), and by an
 * engine without the memo. The three rule sets must be the same, or the
 * target traps. Values repeat across the events of an input as in real
 * logs, so the memo's lookups, replays, collisions and evictions all run
 * under the sanitizers.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "event.h"
#include "gen_abi.h"
#include "jsonl.h"
#include "route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ag_engine memo, plain;
static struct ag_event ev;
static uint8_t *seen; /* by rule: bit k set by pass k */

static uint32_t lookup(void *ctx, const char *name, size_t len)
{
	(void)ctx;
	return ag_field_lookup(&sgr_ruleset, name, len);
}

static void mark(void *arg, const struct ag_event *e, uint32_t rule)
{
	(void)e;
	seen[rule] |= (uint8_t)(uintptr_t)arg;
}

static void setup(void)
{
	if (ag_engine_init(&memo, &sgr_ruleset) || ag_event_init(&ev, sgr_ruleset.nfields))
		abort();
	setenv("SIGMAC_AGENT_NO_MEMO", "1", 1);
	if (ag_engine_init(&plain, &sgr_ruleset))
		abort();
	unsetenv("SIGMAC_AGENT_NO_MEMO");
	if (!memo.memo.ent || plain.memo.ent)
		abort();
	seen = calloc(sgr_ruleset.nrules + 1, 1);
	if (!seen)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ag_jsonl_opts o = {.max_object = 16384};
	struct ag_jsonl *r;
	uint32_t k;
	FILE *f;

	if (!seen)
		setup();
	if (!size)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	if (ag_jsonl_open_file(&r, f, &o, lookup, NULL)) {
		fclose(f);
		return 0;
	}
	while (ag_jsonl_next(r, &ev) == 0) {
		ag_route_generic(&ev);
		memset(seen, 0, sgr_ruleset.nrules);
		ag_detect(&memo, &ev, mark, (void *)1);
		ag_detect(&memo, &ev, mark, (void *)2);
		ag_detect(&plain, &ev, mark, (void *)4);
		for (k = 0; k < sgr_ruleset.nrules; k++)
			if (seen[k] && seen[k] != 7)
				__builtin_trap(); /* the memo changed a result */
	}
	ag_jsonl_close(r);
	fclose(f);
	return 0;
}
