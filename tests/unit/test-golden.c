// SPDX-License-Identifier: Apache-2.0
/*
 * Golden IR tests: for each tests/golden/NAME.yml, the dump-ir output must
 * equal tests/golden/expected/NAME.json byte for byte. Regenerate with
 * tools/update-golden and review the diff.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "placeholders.h"
#include "ruleset.h"
#include "test_util.h"

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

Test(golden, ir_dumps_are_pinned)
{
	char dir[4096], *names[256];
	size_t n = 0, i;
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/tests/golden", tu_source_root());
	d = opendir(dir);
	cr_assert_not_null(d);
	while ((de = readdir(d)) && n < 256) {
		size_t l = strlen(de->d_name);

		if (l > 4 && strcmp(de->d_name + l - 4, ".yml") == 0 &&
		    strcmp(de->d_name, "placeholders.yml") != 0)
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	cr_assert_geq(n, 10, "expected at least 10 golden rules");
	for (i = 0; i < n; i++) {
		char path[4096], exp_path[4096], ph[4096];
		size_t len, base = strlen(names[i]) - 4;
		char *src, *want, *got;
		struct sc_ctx *ctx = sc_ctx_new();

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		snprintf(exp_path, sizeof(exp_path), "%s/expected/%.*s.json", dir, (int)base,
			 names[i]);
		snprintf(ph, sizeof(ph), "%s/placeholders.yml", dir);
		sc_placeholders_load(ctx, ph);
		src = tu_read(path, &len);
		cr_assert_not_null(src);
		/* Display name as tools/update-golden runs it: the bare file name. */
		sc_ruleset_add_buffer(ctx, names[i], (const uint8_t *)src, len);
		sc_ruleset_finish(ctx);
		got = tu_dump(ctx);
		want = tu_read(exp_path, NULL);
		cr_assert_not_null(want, "missing %s (run tools/update-golden)", exp_path);
		cr_expect_str_eq(got, want, "%s: IR differs from %s", names[i], exp_path);
		free(src);
		free(got);
		free(want);
		free(names[i]);
		sc_ctx_free(ctx);
	}
}
