// SPDX-License-Identifier: Apache-2.0
/*
 * The SigmaHQ corpus (../shared/corpus/sigmahq) through the front end:
 *  - main folders (rules*): 3,780 rules, every one accepted except those
 *    that use |expand, rejected with SC_E_PLACEHOLDER_UNRESOLVED when no
 *    placeholders file is given, and all accepted with one;
 *  - deprecated/ and unsupported/: every document accepted or rejected
 *    with a specific code; the list of rejections is pinned in
 *    tests/corpus/expected-rejections.txt (tools/update-corpus-expectations).
 * Skips with a message when ../shared is absent.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ctx.h"
#include "placeholders.h"
#include "rule.h"
#include "ruleset.h"
#include "test_util.h"
#include "yaml_load.h"

static const char *const main_folders[] = {"rules", "rules-threat-hunting",
					   "rules-emerging-threats", "rules-placeholder",
					   "rules-compliance", NULL};
static const char *const old_folders[] = {"deprecated", "unsupported", NULL};

static struct sc_ctx *load(const char *const *folders, bool placeholders)
{
	struct sc_ctx *ctx = sc_ctx_new();
	char path[4096];
	size_t i;

	if (placeholders) {
		snprintf(path, sizeof(path), "%s/tests/corpus/placeholders.yml", tu_source_root());
		sc_placeholders_load(ctx, path);
	}
	for (i = 0; folders[i]; i++) {
		snprintf(path, sizeof(path), "%s/corpus/sigmahq/%s", tu_shared_root(), folders[i]);
		sc_ruleset_add_path(ctx, path);
	}
	sc_ruleset_finish(ctx);
	return ctx;
}

static int strcmp_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "relpath#doc CODE" of every rejected document, sorted, one per line. */
static void rejections(const struct sc_ctx *ctx, struct sc_buf *out)
{
	char prefix[4096];
	size_t i, pl;
	char **lines = calloc(ctx->nrules + 1, sizeof(*lines));
	size_t n = 0;

	snprintf(prefix, sizeof(prefix), "%s/corpus/sigmahq/", tu_shared_root());
	pl = strlen(prefix);
	for (i = 0; i < ctx->nrules; i++) {
		const struct sc_rule *r = ctx->rules[i];
		char buf[4096];

		if (!r->rejected)
			continue;
		snprintf(buf, sizeof(buf), "%s#%u %s",
			 strncmp(r->file->path, prefix, pl) == 0 ? r->file->path + pl
								 : r->file->path,
			 r->doc_index, sc_code_name(r->reject_code));
		lines[n++] = strdup(buf);
	}
	qsort(lines, n, sizeof(*lines), strcmp_ptr);
	for (i = 0; i < n; i++) {
		sc_buf_printf(out, "%s\n", lines[i]);
		free(lines[i]);
	}
	free(lines);
}

static void need_corpus(void)
{
	if (!tu_have_shared("corpus/sigmahq/rules"))
		cr_skip_test("../shared/corpus/sigmahq is absent: corpus tests skipped");
}

Test(corpus, main_folders_without_placeholders)
{
	struct sc_ctx *ctx;
	struct sc_ruleset_stats st;
	size_t i;

	need_corpus();
	ctx = load(main_folders, false);
	sc_ruleset_stats(ctx, &st);
	cr_log_info("main folders: %zu rules, %zu accepted, %zu rejected", st.rules, st.accepted,
		    st.rejected);
	cr_assert_eq(st.docs, 3780);
	cr_assert_eq(st.rules, 3780);
	cr_assert_eq(st.rejected, 25);
	for (i = 0; i < ctx->nrules; i++)
		if (ctx->rules[i]->rejected)
			cr_assert_eq(ctx->rules[i]->reject_code, SC_E_PLACEHOLDER_UNRESOLVED,
				     "%s rejected with %s", ctx->rules[i]->file->path,
				     sc_code_name(ctx->rules[i]->reject_code));
	sc_ctx_free(ctx);
}

Test(corpus, main_folders_with_placeholders_all_accepted)
{
	struct sc_ctx *ctx;
	struct sc_ruleset_stats st;

	need_corpus();
	ctx = load(main_folders, true);
	sc_ruleset_stats(ctx, &st);
	cr_log_info("main folders with placeholders: %zu accepted, %zu rejected, %zu errors",
		    st.accepted, st.rejected, ctx->diags.nerrors);
	cr_assert_eq(st.rules, 3780);
	cr_assert_eq(st.accepted, 3780);
	cr_assert_eq(ctx->diags.nerrors, 0);
	sc_ctx_free(ctx);
}

Test(corpus, rejections_are_pinned)
{
	static const char *const all[] = {"rules",	      "rules-threat-hunting",
					  "rules-emerging-threats", "rules-placeholder",
					  "rules-compliance",	      "deprecated",
					  "unsupported",	      NULL};
	struct sc_buf got = SC_BUF_INIT, want = SC_BUF_INIT;
	struct sc_ruleset_stats st;
	struct sc_ctx *ctx;
	char path[4096], *text, *line, *save = NULL;

	need_corpus();
	ctx = load(all, false);
	sc_ruleset_stats(ctx, &st);
	rejections(ctx, &got);
	snprintf(path, sizeof(path), "%s/tests/corpus/expected-rejections.txt", tu_source_root());
	text = tu_read(path, NULL);
	cr_assert_not_null(text);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (line[0] != '#')
			sc_buf_printf(&want, "%s\n", line);
	cr_log_info("all folders: %zu documents, %zu accepted, %zu rejected", st.docs,
		    st.accepted, st.rejected);
	cr_assert_eq(st.docs, 3780 + 172 + 92);
	cr_expect_str_eq(sc_buf_cstr(&got), sc_buf_cstr(&want),
			 "rejections differ from tests/corpus/expected-rejections.txt");
	free(text);
	sc_buf_done(&got);
	sc_buf_done(&want);
	sc_ctx_free(ctx);
}

Test(corpus, old_folders_only_specific_codes)
{
	struct sc_ctx *ctx;
	size_t i, pipes = 0;

	need_corpus();
	ctx = load(old_folders, false);
	for (i = 0; i < ctx->nrules; i++) {
		enum sc_code c = ctx->rules[i]->reject_code;

		if (!ctx->rules[i]->rejected)
			continue;
		cr_assert(c == SC_E_COND_PIPE || c == SC_E_V1_COLLECTION || c == SC_E_COND_SYNTAX ||
				  c == SC_E_PLACEHOLDER_UNRESOLVED,
			  "%s: unexpected %s", ctx->rules[i]->file->path, sc_code_name(c));
		pipes += c == SC_E_COND_PIPE;
	}
	cr_log_info("deprecated+unsupported: %zu documents, %zu v1 aggregations rejected",
		    ctx->nrules, pipes);
	cr_assert_eq(pipes, 55);
	sc_ctx_free(ctx);
}
