/* SPDX-License-Identifier: Apache-2.0 */
/*
 * struct sc_ctx: one compilation. It owns the arena everything is built in,
 * the diagnostics sink, the IR, the placeholder values and the list of
 * loaded documents. ruleset.c drives the phases over it.
 */
#ifndef SC_CTX_H
#define SC_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct sc_arena;
struct sc_ir;
struct sc_rule;
struct sc_yaml_file;
struct sc_placeholders;
struct sc_ioc;
struct sc_yara;

enum sc_target {
	SC_TARGET_REPLAY = 0, /* every rule of every product */
	SC_TARGET_LINUX,      /* product linux and product-less rules */
	SC_TARGET_WINDOWS,    /* product windows and product-less rules */
};

struct sc_ctx {
	struct sc_arena *arena;	  /* owns every object of the compilation */
	struct sc_diags diags;	  /* every problem found */
	struct sc_ir *ir;	  /* atoms and condition DAG, shared across rules */
	struct sc_placeholders *ph; /* --placeholders values, or NULL */
	enum sc_target target;
	struct sc_ioc *ioc;	  /* --ioc indicators, or NULL (ioc.h) */
	struct sc_yara *yara;	  /* --yara compiled rules, or NULL (yara_compile.h) */

	struct sc_yaml_file **files; /* loaded files, input order (heap array) */
	size_t nfiles, capfiles;
	struct sc_rule **rules; /* every document, input order (heap array) */
	size_t nrules, caprules;
	size_t ninputs;		/* files found on the command line paths */
	size_t nunreadable;	/* paths and files that could not be read */
};

/* New compilation context. Never returns NULL. */
struct sc_ctx *sc_ctx_new(void);

/* Free the context and everything it owns. Accepts NULL. */
void sc_ctx_free(struct sc_ctx *ctx);

/*
 * Record an error or warning for rule r at pos. An error rejects r (its
 * first error code is kept in r->reject_code).
 */
void sc_rule_diag(struct sc_ctx *ctx, struct sc_rule *r, enum sc_code code, struct sc_pos pos,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif /* SC_CTX_H */
