// SPDX-License-Identifier: Apache-2.0
/*
 * The diagnostic codes are a contract: unique numbers, names whose prefix
 * matches their severity, and every code documented in
 * compiler/DIAGNOSTICS.md under a "### NAME (NUMBER, severity)" heading.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "test_util.h"

static const struct {
	int num;
	const char *name;
	const char *sev;
} codes[] = {
#define SC_CODE(name, num, sev, summary) {num, #name, #sev},
#include "diag_codes.h"
#undef SC_CODE
};

#define NCODES (sizeof(codes) / sizeof(codes[0]))

Test(codes, numbers_unique_and_names_match_severity)
{
	size_t i, j;

	cr_assert_gt(NCODES, 50);
	for (i = 0; i < NCODES; i++) {
		bool err = strcmp(codes[i].sev, "ERROR") == 0;

		cr_assert(sc_code_valid(codes[i].num));
		cr_assert_str_eq(sc_code_name((enum sc_code)codes[i].num), codes[i].name);
		cr_assert(strncmp(codes[i].name, err ? "SC_E_" : "SC_W_", 5) == 0,
			  "%s: prefix does not match severity %s", codes[i].name, codes[i].sev);
		cr_assert_eq(sc_code_severity((enum sc_code)codes[i].num),
			     err ? SC_SEV_ERROR : SC_SEV_WARNING);
		for (j = 0; j < i; j++) {
			cr_assert_neq(codes[i].num, codes[j].num, "%s and %s share a number",
				      codes[i].name, codes[j].name);
			cr_assert_str_neq(codes[i].name, codes[j].name);
		}
	}
}

Test(codes, every_code_documented)
{
	char path[4096], *doc;
	size_t i;

	snprintf(path, sizeof(path), "%s/compiler/DIAGNOSTICS.md", tu_source_root());
	doc = tu_read(path, NULL);
	cr_assert_not_null(doc, "compiler/DIAGNOSTICS.md is missing");
	for (i = 0; i < NCODES; i++) {
		char heading[160];

		snprintf(heading, sizeof(heading), "### %s (%d, %s)", codes[i].name, codes[i].num,
			 strcmp(codes[i].sev, "ERROR") == 0 ? "error" : "warning");
		cr_expect_not_null(strstr(doc, heading), "DIAGNOSTICS.md lacks '%s'", heading);
	}
	free(doc);
}
