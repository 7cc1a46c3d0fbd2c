/* SPDX-License-Identifier: Apache-2.0 */
/*
 * YARA rules (--yara PATH): compiled with libyara's compiler at build time,
 * errors and warnings reported as diagnostics (SC_E_YARA_SYNTAX,
 * SC_W_YARA_WARNING) at file:line, and the compiled rules saved into a
 * byte buffer (yr_rules_save_stream) that codegen embeds in the generated
 * C; the agent loads it from memory (runtime/yara_scan.c). A file that does
 * not compile is left out and the others are compiled.
 *
 * The saved form is libyara's own: the agent must link the libyara version
 * sigmac-c was built with (both come from the same Debian package here).
 */
#ifndef SC_YARA_COMPILE_H
#define SC_YARA_COMPILE_H

#include <stddef.h>
#include <stdint.h>

struct sc_ctx;

struct sc_yara {
	char **paths; /* rule files found, sorted, heap strings */
	uint32_t npaths, cappaths;
	uint8_t *blob; /* compiled rules (heap), NULL before sc_yara_finish */
	size_t len;
	uint32_t nrules; /* rules in the blob */
	uint32_t nfiles; /* files compiled into it */
	uint64_t digest; /* xxh3 of the accepted files' names and bytes */
};

/*
 * Add the YARA files under path (a file, or a directory searched
 * recursively for *.yar and *.yara) to ctx's list. Returns 0 or -errno
 * (reported as SC_E_IO).
 */
int sc_yara_add_path(struct sc_ctx *ctx, const char *path);

/*
 * Compile every file added, report diagnostics, and save the rules into
 * ctx->yara->blob. Returns 0, or -errno for a libyara failure that is not
 * a rule problem (reported as SC_E_INTERNAL). Does nothing without files.
 */
int sc_yara_finish(struct sc_ctx *ctx);

/* Free (ctx does it). Accepts NULL. */
void sc_yara_free(struct sc_yara *y);

#endif /* SC_YARA_COMPILE_H */
