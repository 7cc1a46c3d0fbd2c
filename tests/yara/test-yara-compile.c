// SPDX-License-Identifier: Apache-2.0
/*
 * YARA at build time and at run time: libyara's errors and warnings become
 * diagnostics with file:line, a bad file is left out while the others
 * compile, a rule clashing across files is reported on the later file, the
 * saved image is reproducible, and the agent loads it from memory, reads
 * the metadata and scans a file.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctx.h"
#include "gen_abi.h"
#include "test_util.h"
#include "yara_compile.h"
#include "yara_scan.h"

static char dir[256];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/sigmac-yara-test-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(yara, .init = setup, .fini = teardown);

static const char *put(const char *name, const char *text)
{
	static char path[8][512];
	static int k;
	char *p = path[k++ % 8];
	FILE *f;

	snprintf(p, 512, "%s/%s", dir, name);
	f = fopen(p, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	return p;
}

static const char good[] = "rule good_one : tag1\n"
			   "{\n"
			   "\tmeta:\n"
			   "\t\tdescription = \"finds the marker\"\n"
			   "\t\tscore = 85\n"
			   "\t\tmitre_attack = \"T1105\"\n"
			   "\tstrings:\n"
			   "\t\t$a = \"MARKER_42\"\n"
			   "\tcondition:\n"
			   "\t\t$a\n"
			   "}\n";

Test(yara, errors_have_positions_and_the_rest_compiles)
{
	struct sc_ctx *ctx = sc_ctx_new();
	char want[600];
	char *all;

	put("a_good.yar", good);
	put("b_bad.yar", "rule bad\n{\n\tcondition:\n\t\tnot_defined_identifier\n}\n");
	put("c_syntax.yara", "rule broken {\n\tcondition:\n}\n");
	put("d_ignored.txt", "this is not a rule file");
	cr_assert_eq(sc_yara_add_path(ctx, dir), 0);
	cr_assert_eq(ctx->yara->npaths, 3, "*.yar and *.yara only");
	cr_assert_eq(sc_yara_finish(ctx), 0);
	cr_expect_eq(ctx->yara->nrules, 1);
	cr_expect_eq(ctx->yara->nfiles, 1);
	cr_expect_not_null(ctx->yara->blob);
	all = tu_diags_text(ctx);
	snprintf(want, sizeof(want), "%s/b_bad.yar:4:0: error: SC_E_YARA_SYNTAX: ", dir);
	cr_expect(strstr(all, want) != NULL, "want '%s' in\n%s", want, all);
	cr_expect(strstr(all, "not_defined_identifier") != NULL, "%s", all);
	snprintf(want, sizeof(want), "%s/c_syntax.yara:3:0: error: SC_E_YARA_SYNTAX: ", dir);
	cr_expect(strstr(all, want) != NULL, "want '%s' in\n%s", want, all);
	cr_expect_eq(ctx->diags.nerrors, 2);
	free(all);
	sc_ctx_free(ctx);
}

Test(yara, clash_across_files_is_reported_on_the_later_file)
{
	struct sc_ctx *ctx = sc_ctx_new();
	char want[600];
	char *all;

	sc_yara_add_path(ctx, put("one.yar", good));
	sc_yara_add_path(ctx, put("two.yar", "\n\nrule good_one { condition: true }\n"
					     "rule other { condition: false }\n"));
	cr_assert_eq(sc_yara_finish(ctx), 0);
	cr_expect_eq(ctx->yara->nrules, 1);
	all = tu_diags_text(ctx);
	snprintf(want, sizeof(want), "%s/two.yar:3:0: error: SC_E_YARA_SYNTAX: ", dir);
	cr_expect(strstr(all, want) != NULL, "want '%s' in\n%s", want, all);
	cr_expect_eq(ctx->diags.nerrors, 1, "%s", all);
	free(all);
	sc_ctx_free(ctx);
}

Test(yara, warnings_are_diagnostics)
{
	struct sc_ctx *ctx = sc_ctx_new();

	sc_yara_add_path(
		ctx,
		put("slow.yar",
		    "rule slow\n{\n\tstrings:\n\t\t$a = { 00 ?? }\n\tcondition:\n\t\t$a\n}\n"));
	cr_assert_eq(sc_yara_finish(ctx), 0);
	cr_expect_eq(ctx->diags.nerrors, 0);
	cr_expect(tu_count(ctx, SC_W_YARA_WARNING) >= 1);
	cr_expect_eq(ctx->yara->nrules, 1);
	sc_ctx_free(ctx);
}

Test(yara, missing_path_and_empty_dir)
{
	struct sc_ctx *ctx = sc_ctx_new();
	char sub[300];

	cr_expect_lt(sc_yara_add_path(ctx, "/nonexistent/sigmac.yar"), 0);
	cr_expect(tu_has(ctx, SC_E_IO, 0, 0));
	snprintf(sub, sizeof(sub), "%s/empty", dir);
	mkdir(sub, 0700);
	cr_expect_eq(sc_yara_add_path(ctx, sub), 0);
	cr_expect(tu_has(ctx, SC_W_YARA_NO_INPUT, 0, 0));
	sc_ctx_free(ctx);
}

/* Compile good, load the image in the agent, scan a file. */
Test(yara, image_is_reproducible_and_loads_and_scans)
{
	struct sc_ctx *a = sc_ctx_new(), *b = sc_ctx_new();
	struct sgr_intel in = {.abi_version = SGR_ABI_VERSION};
	struct ag_yara *y = NULL;
	const struct ag_yara_match *m;
	uint32_t match[4], n = 0;
	const char *p = put("rules.yar", good);
	const char *target;
	void *sc;
	int fd;

	sc_yara_add_path(a, p);
	sc_yara_add_path(b, p);
	cr_assert_eq(sc_yara_finish(a), 0);
	cr_assert_eq(sc_yara_finish(b), 0);
	cr_assert_eq(a->yara->len, b->yara->len);
	cr_expect(memcmp(a->yara->blob, b->yara->blob, a->yara->len) == 0, "same bytes");
	in.yara = a->yara->blob;
	in.yara_len = a->yara->len;
	in.yara_rules = a->yara->nrules;
	cr_assert_eq(ag_yara_load(&in, &y), 0);
	cr_assert_not_null(y);
	cr_assert_eq(ag_yara_nrules(y), 1);
	m = ag_yara_rule(y, 0);
	cr_expect_str_eq(m->name, "good_one");
	cr_expect_str_eq(m->description, "finds the marker");
	cr_expect_eq(m->level, 4, "score 85 is critical");
	cr_assert_eq(m->nattack, 1);
	cr_expect_str_eq(m->attack[0], "attack.t1105");
	cr_expect_str_eq(m->tags[0], "tag1");
	sc = ag_yara_scanner_new(y, 5);
	cr_assert_not_null(sc);
	target = put("target.bin", "xxxx MARKER_42 yyyy");
	fd = open(target, O_RDONLY);
	cr_assert_geq(fd, 0);
	cr_expect_eq(ag_yara_scan_fd(sc, fd, match, 4, &n), 0);
	cr_expect_eq(n, 1);
	cr_expect_eq(match[0], 0);
	close(fd);
	target = put("clean.bin", "nothing to see");
	fd = open(target, O_RDONLY);
	cr_expect_eq(ag_yara_scan_fd(sc, fd, match, 4, &n), 0);
	cr_expect_eq(n, 0);
	close(fd);
	ag_yara_scanner_free(sc);
	ag_yara_free(y);
	/* A corrupt image is refused, not crashed on. */
	in.yara_len = a->yara->len / 2;
	cr_expect_eq(ag_yara_load(&in, &y), -EPROTO);
	sc_ctx_free(a);
	sc_ctx_free(b);
}
