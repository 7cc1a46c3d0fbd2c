// SPDX-License-Identifier: Apache-2.0
/*
 * Code generation, last step: write every generated file into the output
 * directory, and the rule set digest that identifies the inputs (files,
 * placeholder values and options), which every alert carries.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "cg.h"
#include "ctx.h"
#include "emit.h"
#include "emit_int.h"
#include "emit_intel.h"
#include "placeholders.h"
#include "yaml_load.h"

#ifndef SC_VERSION
#define SC_VERSION "0.0.0"
#endif

void sc_cg_digest(struct sc_cg *cg)
{
	const struct sc_ctx *ctx = cg->ctx;
	XXH3_state_t st;
	XXH128_hash_t h;
	uint32_t opts[3] = {(uint32_t)cg->opts.target, cg->opts.status_mask,
			    (uint32_t)cg->opts.min_level};
	size_t i;
	uint32_t k, j;

	XXH3_128bits_reset(&st);
	XXH3_128bits_update(&st, SC_VERSION, sizeof(SC_VERSION));
	XXH3_128bits_update(&st, opts, sizeof(opts));
	for (i = 0; i < ctx->nfiles; i++) {
		const struct sc_yaml_file *f = ctx->files[i];
		uint64_t len = f->len;

		XXH3_128bits_update(&st, f->rel, strlen(f->rel) + 1);
		XXH3_128bits_update(&st, &len, sizeof(len));
		XXH3_128bits_update(&st, f->src, f->len);
	}
	if (ctx->ph) {
		for (k = 0; k < ctx->ph->n; k++) {
			XXH3_128bits_update(&st, ctx->ph->names[k], strlen(ctx->ph->names[k]) + 1);
			for (j = 0; j < ctx->ph->nvals[k]; j++) {
				struct sc_buf b = SC_BUF_INIT;

				sc_sstr_canon(ctx->ph->vals[k][j], &b);
				XXH3_128bits_update(&st, b.data ? b.data : "", b.len + 1);
				sc_buf_done(&b);
			}
		}
	}
	sc_cg_digest_intel(cg, &st);
	h = XXH3_128bits_digest(&st);
	snprintf(cg->digest, sizeof(cg->digest), "%016llx%016llx", (unsigned long long)h.high64,
		 (unsigned long long)h.low64);
}

static int write_file(const char *dir, const char *name, struct sc_buf *b)
{
	int err = sc_emit_write(dir, name, b);

	if (err < 0)
		fprintf(stderr, "sigmac-c: cannot write %s/%s: %s\n", dir, name, strerror(-err));
	sc_buf_reset(b);
	return err;
}

int sc_cg_emit(struct sc_cg *cg, const char *outdir)
{
	struct sc_cg_stats st;
	struct sc_buf b = SC_BUF_INIT;
	char name[64];
	unsigned f;
	int err;

	memset(&st, 0, sizeof(st));
	if (mkdir(outdir, 0755) < 0 && errno != EEXIST) {
		err = -errno;
		fprintf(stderr, "sigmac-c: cannot create %s: %s\n", outdir, strerror(errno));
		return err;
	}
	sc_cg_emit_header(cg, &b);
	err = write_file(outdir, "sgr_ruleset.h", &b);
	if (err < 0)
		goto out;
	err = sc_cg_emit_match(cg, &b, &st);
	if (err < 0) {
		fprintf(stderr, "sigmac-c: cannot build the literal matchers: %s\n",
			strerror(-err));
		goto out;
	}
	err = write_file(outdir, "sgr_match.c", &b);
	if (err < 0)
		goto out;
	err = sc_cg_emit_ruleset(cg, &b);
	if (err < 0)
		goto out;
	err = write_file(outdir, "sgr_ruleset.c", &b);
	if (err < 0)
		goto out;
	for (f = 0; f < SC_COND_FILES; f++) {
		sc_cg_emit_cond(cg, f, &b);
		snprintf(name, sizeof(name), "sgr_cond_%u.c", f);
		err = write_file(outdir, name, &b);
		if (err < 0)
			goto out;
	}
	err = sc_cg_emit_regex(cg, &b);
	if (err < 0)
		goto out;
	err = write_file(outdir, "sgr_regex.re", &b);
	if (err < 0)
		goto out;
	err = sc_cg_emit_intel(cg, &b);
	if (err < 0)
		goto out;
	err = write_file(outdir, "sgr_intel.c", &b);
	if (err < 0)
		goto out;
	sc_cg_emit_manifest(cg, &st, &b);
	err = write_file(outdir, "manifest.json", &b);
out:
	sc_buf_done(&b);
	return err;
}
