// SPDX-License-Identifier: Apache-2.0
/*
 * Alert dedup windows (runtime/dedup.c): collapse within a window, the
 * summary line's count and shape, expiry in order, early closing when the
 * table or the line pool is full (nothing lost), emit_first off.
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dedup.h"
#include "jcheck.h"

struct sink {
	char lines[64][512];
	int n;
};

static void emit(void *arg, const char *line, size_t len)
{
	struct sink *s = arg;

	cr_assert_lt(s->n, 64);
	cr_assert_lt(len, sizeof(s->lines[0]));
	memcpy(s->lines[s->n], line, len);
	s->lines[s->n][len] = 0;
	s->n++;
}

/* One valid JSON object (the line without its '\n'). */
static bool jcheck_valid(const char *s, size_t n)
{
	struct jdoc *d = jparse(s, n && s[n - 1] == '\n' ? n - 1 : n);
	bool ok = d && !d->err[0];

	jfree(d);
	return ok;
}

static const char *line_of(int i, char *buf, size_t n)
{
	snprintf(buf, n, "{\"rule\":{\"id\":\"r%d\"},\"n\":%d}\n", i, i);
	return buf;
}

Test(dedup, collapses_and_summarises_at_window_close)
{
	struct ag_dedup *d;
	struct sink s = {0};
	char l[128];
	uint64_t k = ag_dedup_key(1, "/bin/sh", 7, "sh -c x", 7);
	int i;

	cr_assert_eq(ag_dedup_new(&d, 10, 16, 4096, true), 0);
	line_of(1, l, sizeof(l));
	cr_assert(ag_dedup_offer(d, k, l, strlen(l), 1000, 1000000000ull, emit, &s));
	for (i = 0; i < 4; i++)
		cr_assert_not(
			ag_dedup_offer(d, k, l, strlen(l), 2000 + i, 2000000000ull, emit, &s));
	cr_assert_eq(ag_dedup_suppressed(d), 4);
	cr_assert_eq(ag_dedup_expire(d, 10999, emit, &s), 0);
	cr_assert_eq(s.n, 0);
	cr_assert_eq(ag_dedup_expire(d, 11000, emit, &s), 1);
	cr_assert_eq(s.n, 1);
	cr_assert(jcheck_valid(s.lines[0], strlen(s.lines[0])), "%s", s.lines[0]);
	cr_assert(strstr(s.lines[0], "\"sigmac\":{\"dedup\":{\"count\":5,"), "%s", s.lines[0]);
	cr_assert(strstr(s.lines[0], "\"window_s\":10}}}\n"));
	/* A new window after the close: written again. */
	cr_assert(ag_dedup_offer(d, k, l, strlen(l), 12000, 3000000000ull, emit, &s));
	ag_dedup_free(d);
}

Test(dedup, keys_differ_by_rule_image_and_command_line)
{
	uint64_t a = ag_dedup_key(1, "/bin/sh", 7, "x", 1);

	cr_assert_neq(a, ag_dedup_key(2, "/bin/sh", 7, "x", 1));
	cr_assert_neq(a, ag_dedup_key(1, "/bin/s", 6, "hx", 2));
	cr_assert_neq(a, ag_dedup_key(1, "/bin/sh", 7, "y", 1));
	cr_assert_eq(a, ag_dedup_key(1, "/bin/sh", 7, "x", 1));
}

Test(dedup, full_table_closes_the_oldest_window_early)
{
	struct ag_dedup *d;
	struct sink s = {0};
	char l[128];
	int i;

	cr_assert_eq(ag_dedup_new(&d, 60, 4, 4096, true), 0);
	for (i = 0; i < 4; i++) {
		line_of(i, l, sizeof(l));
		cr_assert(ag_dedup_offer(d, (uint64_t)i, l, strlen(l), 1, 1, emit, &s));
		cr_assert_not(ag_dedup_offer(d, (uint64_t)i, l, strlen(l), 2, 2, emit, &s));
	}
	line_of(9, l, sizeof(l));
	cr_assert(ag_dedup_offer(d, 9, l, strlen(l), 3, 3, emit, &s));
	cr_assert_eq(s.n, 1, "the oldest window's summary was emitted");
	cr_assert(strstr(s.lines[0], "\"r0\""));
	cr_assert(strstr(s.lines[0], "\"count\":2"));
	cr_assert_eq(ag_dedup_flush(d, emit, &s), 3, "r1..r3 had repeats, r9 none");
	ag_dedup_free(d);
}

Test(dedup, full_pool_wraps_and_keeps_every_summary)
{
	struct ag_dedup *d;
	struct sink s = {0};
	char l[128];
	int i, total = 0;

	/* 1024 bytes hold about 30 of these lines: force many wraps. */
	cr_assert_eq(ag_dedup_new(&d, 60, 1000, 1024, true), 0);
	for (i = 0; i < 200; i++) {
		line_of(i, l, sizeof(l));
		cr_assert(ag_dedup_offer(d, (uint64_t)i, l, strlen(l), (uint64_t)i, 1, emit, &s));
		cr_assert_not(
			ag_dedup_offer(d, (uint64_t)i, l, strlen(l), (uint64_t)i, 1, emit, &s));
		total += s.n;
		while (s.n) {
			s.n--;
			cr_assert(jcheck_valid(s.lines[s.n], strlen(s.lines[s.n])), "%s",
				  s.lines[s.n]);
			cr_assert(strstr(s.lines[s.n], "\"count\":2"));
		}
	}
	total += (int)ag_dedup_flush(d, emit, &s);
	cr_assert_eq(total, 200, "one summary per key, none lost");
	ag_dedup_free(d);
}

Test(dedup, summary_only_mode)
{
	struct ag_dedup *d;
	struct sink s = {0};
	char l[128];

	cr_assert_eq(ag_dedup_new(&d, 5, 8, 4096, false), 0);
	line_of(1, l, sizeof(l));
	cr_assert_not(ag_dedup_offer(d, 7, l, strlen(l), 0, 1, emit, &s));
	cr_assert_eq(ag_dedup_flush(d, emit, &s), 1);
	cr_assert(strstr(s.lines[0], "\"count\":1"));
	ag_dedup_free(d);
}
