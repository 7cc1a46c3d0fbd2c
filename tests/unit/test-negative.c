// SPDX-License-Identifier: Apache-2.0
/*
 * The negative suite: every file under tests/negative is an invalid Sigma
 * document (or, in a sub-directory, a set of files that is invalid
 * together). Each file states what it must produce in comments:
 *
 *   # expect: SC_E_CODE LINE:COL
 *
 * The test loads the file (or directory) through the front end and checks
 * that every expected diagnostic is reported at exactly that position, and
 * that no error beyond the expected ones is reported for that file.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ctx.h"
#include "diag.h"
#include "ruleset.h"
#include "test_util.h"

struct expect {
	enum sc_code code;
	uint32_t line, col;
	bool seen;
};

static enum sc_code code_by_name(const char *name)
{
	int n;

	for (n = 1; n < 1000; n++)
		if (sc_code_valid(n) && strcmp(sc_code_name((enum sc_code)n), name) == 0)
			return (enum sc_code)n;
	return 0;
}

/* Parse "# expect: CODE L:C" lines of path. Returns the count. */
static size_t read_expectations(const char *path, struct expect *ex, size_t max)
{
	char *text = tu_read(path, NULL), *line, *save = NULL;
	size_t n = 0;

	cr_assert_not_null(text, "cannot read %s", path);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[64];
		unsigned l, c;

		if (sscanf(line, "# expect: %63s %u:%u", name, &l, &c) != 3)
			continue;
		cr_assert_lt(n, max);
		ex[n].code = code_by_name(name);
		cr_assert_neq(ex[n].code, 0, "%s: unknown code %s", path, name);
		ex[n].line = l;
		ex[n].col = c;
		ex[n].seen = false;
		n++;
	}
	free(text);
	return n;
}

static void check_file(struct sc_ctx *ctx, const char *path, size_t *nchecked)
{
	struct expect ex[32];
	size_t n = read_expectations(path, ex, 32), i, k;

	/* A file without expectations (inside a case directory) must be clean. */
	for (i = 0; i < ctx->diags.n; i++) {
		const struct sc_diag *g = &ctx->diags.v[i];
		bool expected = false;

		if (!g->file || strcmp(g->file, path) != 0)
			continue;
		for (k = 0; k < n; k++)
			if (ex[k].code == g->code && ex[k].line == g->pos.line &&
			    ex[k].col == g->pos.col) {
				ex[k].seen = true;
				expected = true;
			}
		if (!expected && sc_code_severity(g->code) == SC_SEV_ERROR)
			cr_expect_fail("%s: unexpected %s at %u:%u: %s", path, sc_code_name(g->code),
				g->pos.line, g->pos.col, g->msg);
	}
	if (n == 0)
		return;
	for (k = 0; k < n; k++) {
		if (!ex[k].seen) {
			char *all = tu_diags_text(ctx);

			cr_expect_fail("%s: expected %s at %u:%u, got:\n%s", path,
				sc_code_name(ex[k].code), ex[k].line, ex[k].col, all);
			free(all);
		}
	}
	(*nchecked)++;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

Test(negative, suite)
{
	char dir[4096];
	struct dirent *de;
	char *names[1024];
	size_t nnames = 0, i, nchecked = 0, nunits = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/tests/negative", tu_source_root());
	d = opendir(dir);
	cr_assert_not_null(d);
	while ((de = readdir(d)) && nnames < 1024)
		if (de->d_name[0] != '.')
			names[nnames++] = strdup(de->d_name);
	closedir(d);
	qsort(names, nnames, sizeof(*names), name_cmp);
	for (i = 0; i < nnames; i++) {
		char path[4096];
		struct sc_ctx *ctx = sc_ctx_new();
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		stat(path, &st);
		if (!S_ISDIR(st.st_mode) && !strstr(names[i], ".yml")) {
			sc_ctx_free(ctx);
			free(names[i]);
			continue;
		}
		sc_ruleset_add_path(ctx, path);
		sc_ruleset_finish(ctx);
		sc_diags_sort(&ctx->diags);
		cr_assert_gt(ctx->diags.nerrors, 0, "%s: no error reported", path);
		if (S_ISDIR(st.st_mode)) {
			DIR *sd = opendir(path);

			while ((de = readdir(sd))) {
				char sub[4096];

				if (!strstr(de->d_name, ".yml"))
					continue;
				snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
				check_file(ctx, sub, &nchecked);
			}
			closedir(sd);
		} else {
			size_t before = nchecked;

			check_file(ctx, path, &nchecked);
			cr_assert_gt(nchecked, before, "%s states no expectation", path);
		}
		nunits++;
		sc_ctx_free(ctx);
		free(names[i]);
	}
	cr_log_info("negative suite: %zu cases, %zu files with expectations", nunits, nchecked);
	cr_assert_geq(nunits, 80, "the negative suite must hold at least 80 cases");
}
