// SPDX-License-Identifier: Apache-2.0
/*
 * The engine across events (runtime/detect.c), with the semantics rule set
 * (rules/routing.yml):
 * - routing: the groups of the last event are reused only when its
 *   logsource strings are static (ag_event ls_static), never for a
 *   logsource that points into a buffer the next event rewrites;
 * - the matcher memo (detect_memo.h): a value met again replays what its
 *   matchers fired, exactly: case variants and near misses, values whose
 *   hashes collide, values the ring has written over, a byte that differs
 *   anywhere in a value of any length up to 80, and the memo off.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
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

TestSuite(detect, .init = setup, .fini = teardown);

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

Test(detect, a_rewritten_buffer_is_routed_again)
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

Test(detect, static_logsources_in_turn)
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

/* ---- matcher memo ---- */

/* Rule 01 of routing.yml (product acmeone, msg contains zq-route-marker) on msg. */
static bool rule01(const char *msg, size_t len)
{
	static const char acme[] = "acmeone";
	char got[64] = "";

	ag_event_reset(&ev);
	ag_event_add(&ev, "msg", 3, msg, (uint32_t)len, 0, ag_field_lookup(&sgr_ruleset, "msg", 3));
	ev.product = acme;
	ev.ls_static = true;
	ag_detect(&eng, &ev, collect, got);
	cr_assert(!strcmp(got, "") || !strcmp(got, "01 "), "unexpected rules: %s", got);
	return got[0] != 0;
}

Test(detect, memo_replays_case_variants_and_near_misses)
{
	static const char *const msg[] = {"a zq-route-marker", "A ZQ-ROUTE-MARKER", "zq-route",
					  "zq-route-markex", "xx zq-Route-Marker yy"};
	static const bool want[] = {true, true, false, false, true};
	int round, k;

	cr_assert(eng.memo.ent, "the memo is on by default");
	for (round = 0; round < 4; round++)
		for (k = 0; k < 5; k++) {
			int j = round % 2 ? 4 - k : k;

			cr_expect_eq(rule01(msg[j], strlen(msg[j])), want[j], "round %d: %s", round,
				     msg[j]);
		}
	cr_expect_geq(eng.st.memo_found, 15, "values met again are replayed (%llu)",
		      (unsigned long long)eng.st.memo_found);
}

Test(detect, memo_collisions_are_compared_in_full)
{
	/*
	 * 100 bytes alike in what the memo hashes (length, first and last 16,
	 * 16 from the middle), one with the marker at 18, one with a near miss.
	 */
	char a[101], b[101];
	int k;

	memset(a, 'x', 100);
	memcpy(a + 18, "zq-route-marker", 15);
	memcpy(b, a, 100);
	b[32] = 'x';
	cr_assert_eq(ag_memo_hash(a, 100), ag_memo_hash(b, 100));
	for (k = 0; k < 20; k++) {
		cr_expect(rule01(a, 100), "round %d", k);
		cr_expect(!rule01(b, 100), "round %d", k);
	}
}

Test(detect, memo_forgets_what_the_ring_wrote_over)
{
	/* 2,000 values of 1,000 bytes: twice the ring; every third one holds the marker */
	static char v[2000][1000];
	int k, pass;

	for (k = 0; k < 2000; k++) {
		memset(v[k], 'a' + k % 26, sizeof(v[k]));
		snprintf(v[k], 16, "v%05d-", k);
		memcpy(v[k] + 500, k % 3 ? "zq-route-markex" : "zq-route-marker", 15);
	}
	for (pass = 0; pass < 2; pass++)
		for (k = 0; k < 2000; k++)
			cr_expect_eq(rule01(v[k], sizeof(v[k])), k % 3 == 0, "pass %d, value %d",
				     pass, k);
	/* the last ones are still remembered */
	eng.st.memo_found = 0;
	for (k = 1990; k < 2000; k++)
		cr_expect_eq(rule01(v[k], sizeof(v[k])), k % 3 == 0, "value %d", k);
	cr_expect_eq(eng.st.memo_found, 10);
}

Test(detect, memo_entries_need_the_same_bytes_and_matcher)
{
	struct ag_memo m;
	static char big[4000];
	uint64_t key = ag_memo_key(ag_memo_hash("abcdef", 6), 7, 6);
	int k;

	cr_assert_eq(ag_memo_init(&m), 0);
	ag_memo_record(&m);
	ag_memo_note(&m, 42);
	ag_memo_put(&m, key, 7, "abcdef", 6);
	cr_assert(ag_memo_get(&m, key, 7, "abcdef", 6));
	cr_expect_eq(ag_memo_get(&m, key, 7, "abcdef", 6)->nhits, 1);
	cr_expect_eq(ag_memo_get(&m, key, 7, "abcdef", 6)->hits[0], 42);
	cr_expect_null(ag_memo_get(&m, key, 7, "abcdeg", 6), "other bytes, same key");
	cr_expect_null(ag_memo_get(&m, key, 8, "abcdef", 6), "another matcher");
	cr_expect_null(ag_memo_get(&m, key, 7, "abcdef", 6 | 1u << 31), "non-ASCII flag");
	/* more hits than an entry holds: not remembered */
	ag_memo_record(&m);
	for (k = 0; k <= AG_MEMO_HITS; k++)
		ag_memo_note(&m, (uint32_t)k);
	ag_memo_put(&m, key ^ 1, 7, "zzz", 3);
	cr_expect_null(ag_memo_get(&m, key ^ 1, 7, "zzz", 3));
	/* the ring written over: the entry is dead */
	memset(big, 'q', sizeof(big));
	for (k = 0; k < (int)(AG_MEMO_RING / sizeof(big)) + 2; k++) {
		ag_memo_record(&m);
		ag_memo_put(&m, ag_memo_key((uint64_t)k + 99, 9, sizeof(big)), 9, big, sizeof(big));
	}
	cr_expect_null(ag_memo_get(&m, key, 7, "abcdef", 6));
	ag_memo_clear(&m);
	ag_memo_done(&m);
}

Test(detect, memo_compares_every_byte)
{
	struct ag_memo m;
	char v[80], w[80];
	uint32_t n, p;

	cr_assert_eq(ag_memo_init(&m), 0);
	for (n = 0; n <= sizeof(v); n++) {
		uint64_t key;

		for (p = 0; p < n; p++)
			v[p] = (char)('a' + (n + p) % 26);
		key = ag_memo_key(ag_memo_hash(v, n), 3, n);
		ag_memo_record(&m);
		ag_memo_put(&m, key, 3, v, n);
		memcpy(w, v, n);
		cr_expect(ag_memo_get(&m, key, 3, w, n), "length %u: the same bytes", n);
		for (p = 0; p < n; p++) {
			w[p] ^= 0x40;
			cr_expect_null(ag_memo_get(&m, key, 3, w, n), "length %u: byte %u differs", n,
				       p);
			w[p] ^= 0x40;
		}
	}
	ag_memo_done(&m);
}

Test(detect, memo_off_gives_the_same_answers)
{
	char got[64];

	/* the helpers use eng: start it again without the memo (the fixture frees it) */
	ag_engine_done(&eng);
	setenv("SIGMAC_AGENT_NO_MEMO", "1", 1);
	cr_assert_eq(ag_engine_init(&eng, &sgr_ruleset), 0);
	unsetenv("SIGMAC_AGENT_NO_MEMO");
	cr_expect_null(eng.memo.ent);
	detect("windows", "process_creation", true, got);
	cr_expect_str_eq(got, "03 ");
	detect("windows", "process_creation", true, got);
	cr_expect_str_eq(got, "03 ");
	cr_expect(rule01("A ZQ-ROUTE-MARKER", 17));
	cr_expect(!rule01("zq-route", 8));
	cr_expect_eq(eng.st.memo_lookups, 0);
}
