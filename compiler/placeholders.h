/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Placeholder values for the |expand modifier (--placeholders FILE): a YAML
 * mapping from placeholder name to a list of values (or one value). Values
 * are Sigma strings: '*' and '?' are wildcards, as in pySigma's
 * ValueListPlaceholderTransformation.
 */
#ifndef SC_PLACEHOLDERS_H
#define SC_PLACEHOLDERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sstr.h"

struct sc_ctx;

struct sc_placeholders {
	const char *path;	/* display path of the file */
	uint32_t n;		/* names */
	const char **names;	/* placeholder names */
	struct sc_sstr **vals;	/* values of each name */
	uint32_t *nvals;
};

/*
 * Load path into ctx->ph. Problems are SC_E_PLACEHOLDERS_FILE diagnostics
 * (or YAML ones) naming the file and line; entries that are fine are kept.
 * Returns 0, or -errno when the file cannot be read at all.
 */
int sc_placeholders_load(struct sc_ctx *ctx, const char *path);

/* Values of name (n bytes); false if the name is not defined. */
bool sc_placeholders_get(const struct sc_placeholders *ph, const uint8_t *name, size_t n,
			 const struct sc_sstr **ret_vals, uint32_t *ret_n);

#endif /* SC_PLACEHOLDERS_H */
