// SPDX-License-Identifier: Apache-2.0
/*
 * Test helpers (see test_util.h).
 */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "ctx.h"
#include "ir_dump.h"
#include "placeholders.h"
#include "rule.h"
#include "ruleset.h"

#ifndef TU_SOURCE_ROOT
#error "TU_SOURCE_ROOT must be defined by the build"
#endif

const char *tu_source_root(void)
{
	return TU_SOURCE_ROOT;
}

const char *tu_shared_root(void)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/../shared", TU_SOURCE_ROOT);
	return path;
}

bool tu_have_shared(const char *rel)
{
	char path[8192];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", tu_shared_root(), rel);
	return stat(path, &st) == 0;
}

struct sc_ctx *tu_load(const char *yaml, const char *placeholders_yaml)
{
	struct sc_ctx *ctx = sc_ctx_new();

	if (placeholders_yaml) {
		char tmpl[] = "/tmp/sigmac-test-ph-XXXXXX";
		int fd = mkstemp(tmpl);
		FILE *f;

		if (fd < 0)
			abort();
		f = fdopen(fd, "w");
		fputs(placeholders_yaml, f);
		fclose(f);
		sc_placeholders_load(ctx, tmpl);
		unlink(tmpl);
	}
	sc_ruleset_add_buffer(ctx, "test.yml", (const uint8_t *)yaml, strlen(yaml));
	sc_ruleset_finish(ctx);
	sc_diags_sort(&ctx->diags);
	return ctx;
}

size_t tu_count(const struct sc_ctx *ctx, enum sc_code code)
{
	size_t i, n = 0;

	for (i = 0; i < ctx->diags.n; i++)
		if (ctx->diags.v[i].code == code)
			n++;
	return n;
}

bool tu_has(const struct sc_ctx *ctx, enum sc_code code, uint32_t line, uint32_t col)
{
	size_t i;

	for (i = 0; i < ctx->diags.n; i++) {
		const struct sc_diag *g = &ctx->diags.v[i];

		if (g->code == code && g->pos.line == line && (col == 0 || g->pos.col == col))
			return true;
	}
	return false;
}

static char *take(struct sc_buf *b)
{
	char *s = strdup(b->data ? b->data : "");

	sc_buf_done(b);
	return s;
}

char *tu_diags_text(const struct sc_ctx *ctx)
{
	struct sc_buf b = SC_BUF_INIT;

	sc_diags_render(&ctx->diags, SC_FMT_TEXT, "test", &b);
	return take(&b);
}

char *tu_dump(const struct sc_ctx *ctx)
{
	struct sc_buf b = SC_BUF_INIT;
	size_t i;

	for (i = 0; i < ctx->nrules; i++)
		sc_ir_dump_rule(ctx, ctx->rules[i], &b);
	return take(&b);
}

char *tu_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}
