// SPDX-License-Identifier: Apache-2.0
/*
 * The engine's routing of consecutive events (runtime/detect.c), with the
 * semantics rule set (rules/routing.yml): the groups of the last event are
 * reused only when its logsource strings are static (ag_event ls_static),
 * never for a logsource that points into a buffer the next event rewrites.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "detect.h"
#include "event.h"
#include "gen_abi.h"

static struct ag_engine eng;
static struct ag_event ev;

static void setup(void)
{
	cr_assert_eq(ag_engine_init(&eng, &sgr_ruleset), 0);
	cr_assert_eq(ag_event_init(&ev, sgr_ruleset.nfields), 0);
}

static void teardown(void)
{
	ag_event_done(&ev);
	ag_engine_done(&eng);
}

TestSuite(detect_route, .init = setup, .fini = teardown);

static const char *rule_of(uint32_t r)
{
	return sgr_ruleset.rules[r].id;
}

static void collect(void *arg, const struct ag_event *e, uint32_t r)
{
	char *out = arg;

	(void)e;
	strcat(out, rule_of(r) + strlen(rule_of(r)) - 2); /* the id's last two digits */
	strcat(out, " ");
}

/* The rules of routing.yml the event matches, as "01 " / "02 " / "03 ". */
static void detect(const char *product, const char *cat, bool stat, char *out)
{
	static const char *fields[][2] = {{"msg", "zq-route-marker"},
					  {"CommandLine", "x zq-route-marker"}};
	size_t i;

	out[0] = 0;
	ag_event_reset(&ev);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		ag_event_add(&ev, fields[i][0], (uint32_t)strlen(fields[i][0]), fields[i][1],
			     (uint32_t)strlen(fields[i][1]), 0,
			     ag_field_lookup(&sgr_ruleset, fields[i][0], strlen(fields[i][0])));
	ev.product = product;
	if (cat) {
		ev.category[0] = cat;
		ev.ncategory = 1;
	}
	ev.ls_static = stat;
	ag_detect(&eng, &ev, collect, out);
}

Test(detect_route, a_rewritten_buffer_is_routed_again)
{
	char prod[16], got[64];

	strcpy(prod, "acmeone");
	detect(prod, NULL, false, got);
	cr_expect_str_eq(got, "01 ");
	/* the same pointer, another product: rule 01 must not be reached */
	strcpy(prod, "acmetwo");
	detect(prod, NULL, false, got);
	cr_expect_str_eq(got, "");
	strcpy(prod, "acmeone");
	detect(prod, NULL, false, got);
	cr_expect_str_eq(got, "01 ");
}

Test(detect_route, static_logsources_in_turn)
{
	static const char acme[] = "acmeone";
	char got[64];
	int k;

	for (k = 0; k < 3; k++) {
		detect("windows", "process_creation", true, got);
		cr_expect_str_eq(got, "03 ");
		detect("windows", "process_creation", true, got);
		cr_expect_str_eq(got, "03 ");
		detect(acme, NULL, true, got);
		cr_expect_str_eq(got, "01 ");
		detect("windows", "file_event", true, got);
		cr_expect_str_eq(got, "");
		detect("windows", NULL, true, got);
		cr_expect_str_eq(got, "");
	}
}
