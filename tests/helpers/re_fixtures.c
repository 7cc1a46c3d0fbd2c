// SPDX-License-Identifier: Apache-2.0
/* Helpers of the regex parser's unit tests (re_fixtures.h). */
#include "re_fixtures.h"

#include <criterion/criterion.h>

#include <errno.h>
#include <string.h>

#include "arena.h"
#include "buf.h"

struct sc_arena *re_arena;

void re_setup(void)
{
	re_arena = sc_arena_new();
}

void re_teardown(void)
{
	sc_arena_free(re_arena);
	re_arena = NULL;
}

struct sc_re *parse_flags_ok(const char *pat, unsigned flags)
{
	struct sc_re_error err;
	struct sc_re *re = NULL;
	int rc = sc_re_parse(re_arena, pat, strlen(pat), flags, &re, &err);

	cr_assert_eq(rc, 0, "pattern %s: unexpected error at %u: %s", pat, rc ? err.offset : 0,
		     rc ? err.msg : "");
	cr_assert_not_null(re);
	cr_assert_not_null(re->root);
	return re;
}

struct sc_re *parse_ok(const char *pat)
{
	return parse_flags_ok(pat, 0);
}

void expect_error(const char *pat, unsigned flags, uint32_t offset, const char *msg)
{
	struct sc_re_error err;
	struct sc_re *re = NULL;
	int rc = sc_re_parse(re_arena, pat, strlen(pat), flags, &re, &err);

	cr_assert_eq(rc, -EINVAL, "pattern %s: expected an error, got %d", pat, rc);
	cr_assert_null(re, "pattern %s: *ret set on error", pat);
	cr_assert_str_eq(err.msg, msg, "pattern %s: message", pat);
	cr_assert_eq(err.offset, offset, "pattern %s: offset %u, expected %u", pat, err.offset,
		     offset);
}

void expect_class(const char *pat, unsigned flags, enum sc_re_class cls, const char *features)
{
	struct sc_re *re = parse_flags_ok(pat, flags);
	struct sc_buf b = SC_BUF_INIT;

	sc_re_features_describe(re->features, &b);
	cr_expect_str_eq(sc_re_class_name(re->cls), sc_re_class_name(cls), "pattern %s: class",
			 pat);
	cr_expect_str_eq(sc_buf_cstr(&b), features, "pattern %s: features", pat);
	sc_buf_done(&b);
}

void expect_dump(const char *pat, unsigned flags, const char *dump)
{
	struct sc_re *re = parse_flags_ok(pat, flags);
	struct sc_buf b = SC_BUF_INIT;

	sc_re_dump(re->root, &b);
	cr_expect_str_eq(sc_buf_cstr(&b), dump, "pattern %s", pat);
	sc_buf_done(&b);
}

bool class_has(const struct sc_re_node *n, uint32_t cp)
{
	uint32_t i;

	cr_assert_eq(n->op, SC_RE_CLASS);
	for (i = 0; i < n->nranges; i++) {
		if (cp >= n->ranges[i].lo && cp <= n->ranges[i].hi)
			return true;
	}
	return false;
}

/* The ranges are sorted, disjoint and non-adjacent. */
static void check_ranges(const struct sc_re_node *n)
{
	uint32_t i;

	for (i = 0; i < n->nranges; i++) {
		cr_assert_leq(n->ranges[i].lo, n->ranges[i].hi);
		cr_assert_leq(n->ranges[i].hi, 0x10FFFF);
		if (i)
			cr_assert_gt(n->ranges[i].lo, n->ranges[i - 1].hi + 1);
	}
}

const struct sc_re_node *class_of(const char *pat, unsigned flags)
{
	const struct sc_re_node *n = parse_flags_ok(pat, flags)->root;

	cr_assert_eq(n->op, SC_RE_CLASS, "pattern %s is no class", pat);
	check_ranges(n);
	return n;
}
