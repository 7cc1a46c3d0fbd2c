// SPDX-License-Identifier: Apache-2.0
/*
 * The ABI between generated code and the runtime (include/agent/gen_abi.h).
 *
 * 1. The layout is pinned: a change to any struct below fails here until
 *    SGR_ABI_VERSION is bumped and the pins are updated together, so an
 *    agent can never link rule tables of one layout against a runtime that
 *    reads another.
 * 2. The runtime refuses a rule set of another ABI version.
 * 3. Both sides of the perfect hash agree: tables built by the compiler
 *    (codegen/phash.c) are read by the runtime (ag_phash_find) for every
 *    key, and nothing else is found.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "gen_abi.h"
#include "phash.h"

/*
 * The pins of ABI version 7 on LP64 (x86-64, aarch64). ABI 7 kept the
 * layout of 6 and changed two hashes (gen_abi.h): the perfect hash's range
 * reduction (multiply-shift) and the contains gram filter's bit index.
 */
Test(abi, version_and_layout_are_pinned)
{
	cr_assert_eq(SGR_ABI_VERSION, 7, "ABI bumped: update the pins below with it");
	if (sizeof(void *) != 8) {
		cr_skip_test("layout pins are for LP64");
		return;
	}
	cr_expect_eq(sizeof(struct sgr_atom), 40);
	cr_expect_eq(offsetof(struct sgr_atom, field), 4);
	cr_expect_eq(offsetof(struct sgr_atom, val), 16);
	cr_expect_eq(offsetof(struct sgr_atom, num), 24);
	cr_expect_eq(offsetof(struct sgr_atom, inum), 32);
	cr_expect_eq(sizeof(struct sgr_cidr), 18);
	cr_expect_eq(sizeof(struct sgr_hit), 12);
	cr_expect_eq(sizeof(struct sgr_trie), 48);
	cr_expect_eq(sizeof(struct sgr_contains), 112);
	cr_expect_eq(sizeof(struct sgr_phash), 56);
	cr_expect_eq(sizeof(struct sgr_numidx), 24);
	cr_expect_eq(sizeof(struct sgr_fmatch), 80);
	cr_expect_eq(offsetof(struct sgr_fmatch, any_hits), 64);
	cr_expect_eq(sizeof(struct sgr_group), 104);
	cr_expect_eq(offsetof(struct sgr_group, always), 88);
	cr_expect_eq(sizeof(struct sgr_rule), 120);
	cr_expect_eq(offsetof(struct sgr_rule, group), 104);
	cr_expect_eq(offsetof(struct sgr_rule, eval), 112);
	cr_expect_eq(sizeof(struct sgr_ruleset), 136);
	cr_expect_eq(offsetof(struct sgr_ruleset, field_index), 48);
	cr_expect_eq(offsetof(struct sgr_ruleset, rules), 120);
	cr_expect_eq(sizeof(struct ag_match), 16);
	/* ABI 6: IOC tables and the YARA image (sgr_intel.c) */
	cr_expect_eq(sizeof(struct sgr_ioc_set), 80);
	cr_expect_eq(sizeof(struct sgr_ioc_cidrs), 40);
	cr_expect_eq(sizeof(struct sgr_ioc_paths), 32);
	cr_expect_eq(sizeof(struct sgr_ioc_src), 8);
	cr_expect_eq(sizeof(struct sgr_intel), 152);
	cr_expect_eq(offsetof(struct sgr_intel, feeds), 88);
	cr_expect_eq(offsetof(struct sgr_intel, yara), 128);
}

static const uint32_t no_rules[1];

Test(abi, runtime_refuses_another_abi_version)
{
	struct sgr_ruleset rs = {
		.abi_version = SGR_ABI_VERSION + 1,
		.digest = "0",
		.compiler = "test",
		.target = "replay",
	};
	struct ag_engine e;

	(void)no_rules;
	cr_assert_eq(ag_engine_init(&e, &rs), -EPROTO);
	rs.abi_version = SGR_ABI_VERSION;
	cr_assert_eq(ag_engine_init(&e, &rs), 0);
	ag_engine_done(&e);
}

/* Keys 0..n-1 as "k<i>" plus a few awkward ones: empty, NUL bytes, long. */
static uint32_t make_keys(uint8_t **key, uint32_t *len, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		char buf[64];

		snprintf(buf, sizeof(buf), "k%u", i);
		key[i] = (uint8_t *)strdup(buf);
		len[i] = (uint32_t)strlen(buf);
	}
	key[n] = (uint8_t *)strdup("");
	len[n] = 0;
	key[n + 1] = malloc(5);
	memcpy(key[n + 1], "a\0b\0c", 5);
	len[n + 1] = 5;
	key[n + 2] = malloc(300);
	memset(key[n + 2], 'x', 300);
	len[n + 2] = 300;
	return n + 3;
}

static void phash_round_trip(uint32_t n)
{
	uint8_t **key = calloc(n + 3, sizeof(*key));
	uint32_t *len = calloc(n + 3, sizeof(*len));
	struct sc_phash_out o;
	struct sgr_phash ph;
	uint32_t i, nk = make_keys(key, len, n);
	char probe[64];

	cr_assert_eq(sc_phash_build(&o, (const uint8_t *const *)key, len, nk), 0);
	ph = (struct sgr_phash){
		.seed = o.seed,
		.nbuckets = o.nbuckets,
		.nslots = o.nslots,
		.disp = o.disp,
		.slots = o.slots,
		.key = (const uint8_t *const *)key,
		.klen = len,
		.nkeys = nk,
	};
	for (i = 0; i < nk; i++)
		cr_assert_eq(ag_phash_find(&ph, key[i], len[i]), (int32_t)i, "key %u of %u", i, nk);
	for (i = 0; i < 2 * n + 10; i++) {
		snprintf(probe, sizeof(probe), "K%u", i); /* case differs: not a key */
		cr_assert_eq(ag_phash_find(&ph, (const uint8_t *)probe, strlen(probe)), -1);
		snprintf(probe, sizeof(probe), "k%u", n + i);
		cr_assert_eq(ag_phash_find(&ph, (const uint8_t *)probe, strlen(probe)), -1);
	}
	cr_assert_eq(ag_phash_find(&ph, (const uint8_t *)"a\0b\0d", 5), -1);
	cr_assert_eq(ag_phash_find(&ph, (const uint8_t *)"a\0b\0", 4), -1);
	sc_phash_done(&o);
	for (i = 0; i < nk; i++)
		free(key[i]);
	free(key);
	free(len);
}

Test(abi, perfect_hash_compiler_and_runtime_agree)
{
	static const uint32_t sizes[] = {0, 1, 2, 7, 100, 5000, 60000};
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		phash_round_trip(sizes[i]);
}

Test(abi, perfect_hash_refuses_duplicate_keys)
{
	const uint8_t *key[2] = {(const uint8_t *)"same", (const uint8_t *)"same"};
	uint32_t len[2] = {4, 4};
	struct sc_phash_out o;

	cr_assert_eq(sc_phash_build(&o, key, len, 2), -EINVAL);
}
