// SPDX-License-Identifier: Apache-2.0
/*
 * Front-end driver (see ruleset.h) and the compilation context.
 */
#include "ruleset.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ctx.h"
#include "ir.h"
#include "ioc_feed.h"
#include "lower.h"
#include "rule.h"
#include "source.h"
#include "yaml_load.h"
#include "yara_compile.h"

struct sc_ctx *sc_ctx_new(void)
{
	struct sc_ctx *ctx = sc_xmalloc(sizeof(*ctx));

	memset(ctx, 0, sizeof(*ctx));
	ctx->arena = sc_arena_new();
	sc_diags_init(&ctx->diags, ctx->arena);
	ctx->ir = sc_ir_new(ctx->arena);
	return ctx;
}

void sc_ctx_free(struct sc_ctx *ctx)
{
	if (!ctx)
		return;
	sc_ir_free(ctx->ir);
	sc_ioc_free(ctx->ioc);
	sc_yara_free(ctx->yara);
	sc_diags_done(&ctx->diags);
	free(ctx->files);
	free(ctx->rules);
	sc_arena_free(ctx->arena);
	free(ctx);
}

static void add_rule(struct sc_ctx *ctx, struct sc_rule *r)
{
	if (ctx->nrules == ctx->caprules) {
		ctx->caprules = ctx->caprules ? 2 * ctx->caprules : 256;
		ctx->rules = sc_xreallocarray(ctx->rules, ctx->caprules, sizeof(*ctx->rules));
	}
	r->seq = (uint32_t)ctx->nrules;
	ctx->rules[ctx->nrules++] = r;
}

void sc_ruleset_add_buffer(struct sc_ctx *ctx, const char *path, const uint8_t *buf, size_t len)
{
	sc_ruleset_add_buffer_rel(ctx, path, path, buf, len);
}

void sc_ruleset_add_buffer_rel(struct sc_ctx *ctx, const char *path, const char *rel,
			       const uint8_t *buf, size_t len)
{
	struct sc_yaml_file *f = NULL;
	uint32_t i;

	sc_yaml_load(ctx->arena, &ctx->diags, path, buf, len, &f);
	f->rel = sc_arena_strdup(ctx->arena, rel);
	if (ctx->nfiles == ctx->capfiles) {
		ctx->capfiles = ctx->capfiles ? 2 * ctx->capfiles : 256;
		ctx->files = sc_xreallocarray(ctx->files, ctx->capfiles, sizeof(*ctx->files));
	}
	ctx->files[ctx->nfiles++] = f;
	for (i = 0; i < f->ndocs; i++) {
		struct sc_rule *r = sc_rule_load(ctx, f, i);

		if (r->kind == SC_DOC_RULE && !r->rejected && r->detection)
			sc_lower_detection(ctx, r, r->detection, &r->ir_root);
		if (r->kind == SC_DOC_FILTER && !r->rejected && r->detection)
			sc_lower_detection(ctx, r, r->detection, &r->ir_root);
		/* Any error reported by lowering rejected the rule (sc_rule_diag). */
		if (r->rejected)
			r->ir_root = 0;
		sc_diag_set_rule(&ctx->diags, r->diag_mark, r->id);
		sc_diag_set_rule_range(&ctx->diags, f->docs[i].diag_first, f->docs[i].diag_end,
				       r->id);
		add_rule(ctx, r);
	}
	if (f->ndocs == 0 && !f->failed) {
		struct sc_pos p = {1, 1};

		sc_diag(&ctx->diags, SC_W_EMPTY_DOC, f->path, p, "file holds no YAML document");
	}
}

/*
 * The machine-independent name of file under the command-line path root:
 * the root's last component followed by the path inside it ("rules/linux/
 * x.yml" for root "../../rules"), or the file's own name when root is the file.
 */
static char *relative_name(const char *root, const char *file)
{
	char base[4096], *p, *out;
	size_t rl = strlen(root);

	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	if (strncmp(file, root, rl) == 0 && file[rl] == '/') {
		snprintf(base, sizeof(base), "%.*s", (int)rl, root);
		if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
		    (rl >= 3 && strcmp(base + rl - 3, "/..") == 0) ||
		    (rl >= 2 && strcmp(base + rl - 2, "/.") == 0)) {
			char *real = realpath(base, NULL);

			snprintf(base, sizeof(base), "%s", real ? real : "rules");
			free(real);
		}
		p = strrchr(base, '/');
		out = sc_xmalloc(strlen(p ? p + 1 : base) + strlen(file + rl) + 1);
		strcpy(out, p ? p + 1 : base);
		strcat(out, file + rl);
		return out;
	}
	p = strrchr(file, '/');
	out = sc_xmalloc(strlen(p ? p + 1 : file) + 1);
	strcpy(out, p ? p + 1 : file);
	return out;
}

int sc_ruleset_add_path(struct sc_ctx *ctx, const char *path)
{
	struct sc_pathlist files = {0};
	struct sc_pos zero = {0, 0};
	size_t i;
	int err;

	err = sc_find_rule_files(path, &files);
	if (err < 0 && files.n == 0) {
		ctx->nunreadable++;
		sc_diag(&ctx->diags, SC_E_IO, sc_arena_strdup(ctx->arena, path), zero,
			"cannot read '%s': %s", path, strerror(-err));
		sc_pathlist_done(&files);
		return err;
	}
	if (files.n == 0)
		sc_diag(&ctx->diags, SC_W_NO_INPUT, sc_arena_strdup(ctx->arena, path), zero,
			"no .yml or .yaml file under '%s'", path);
	for (i = 0; i < files.n; i++) {
		uint8_t *buf = NULL;
		size_t len = 0;
		int e = sc_read_file(files.v[i], &buf, &len);

		ctx->ninputs++;
		if (e < 0) {
			ctx->nunreadable++;
			sc_diag(&ctx->diags, e == -EFBIG ? SC_E_LIMIT : SC_E_IO,
				sc_arena_strdup(ctx->arena, files.v[i]), zero, "cannot read: %s",
				e == -EFBIG ? "file larger than 64 MiB" : strerror(-e));
			continue;
		}
		{
			char *rel = relative_name(path, files.v[i]);

			sc_ruleset_add_buffer_rel(ctx, files.v[i], rel, buf, len);
			free(rel);
		}
		free(buf);
	}
	sc_pathlist_done(&files);
	return 0;
}

/* Reject r with a cross-document diagnostic carrying its rule id. */
static void cross_diag(struct sc_ctx *ctx, struct sc_rule *r, enum sc_code code,
		       struct sc_pos pos, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void cross_diag(struct sc_ctx *ctx, struct sc_rule *r, enum sc_code code,
		       struct sc_pos pos, const char *fmt, ...)
{
	size_t mark = sc_diag_mark(&ctx->diags);
	va_list ap;

	va_start(ap, fmt);
	sc_vdiag(&ctx->diags, code, r->file->path, pos, fmt, ap);
	va_end(ap);
	if (sc_code_severity(code) == SC_SEV_ERROR && !r->rejected) {
		r->rejected = true;
		r->reject_code = code;
		r->ir_root = 0;
	}
	sc_diag_set_rule(&ctx->diags, mark, r->id);
}

struct key_ref {
	const char *key;
	struct sc_rule *r;
};

static int key_ref_cmp(const void *a, const void *b)
{
	const struct key_ref *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	return x->r->seq < y->r->seq ? -1 : (x->r->seq > y->r->seq);
}

/* Duplicate ids or names: the later document (input order) is rejected. */
static void check_duplicates(struct sc_ctx *ctx, bool names)
{
	struct key_ref *v = sc_xreallocarray(NULL, ctx->nrules ? ctx->nrules : 1, sizeof(*v));
	size_t n = 0, i;

	for (i = 0; i < ctx->nrules; i++) {
		const char *k = names ? ctx->rules[i]->name : ctx->rules[i]->id;

		if (k) {
			v[n].key = k;
			v[n].r = ctx->rules[i];
			n++;
		}
	}
	qsort(v, n, sizeof(*v), key_ref_cmp);
	for (i = 1; i < n; i++) {
		struct sc_rule *first = v[i - 1].r, *dup = v[i].r;

		if (strcmp(v[i].key, v[i - 1].key) != 0)
			continue;
		/* Walk back to the first holder of this key for the message. */
		{
			size_t j = i - 1;

			while (j > 0 && strcmp(v[j - 1].key, v[i].key) == 0)
				j--;
			first = v[j].r;
		}
		if (names)
			cross_diag(ctx, dup, SC_E_DUPLICATE_NAME, dup->name_pos,
				   "name '%s' is already used by %s:%u", v[i].key, first->file->path,
				   first->name_pos.line);
		else
			cross_diag(ctx, dup, SC_E_DUPLICATE_ID, dup->id_pos,
				   "id %s is already used by %s:%u", v[i].key, first->file->path,
				   first->id_pos.line);
	}
	free(v);
}

/* The rule or correlation an id-or-name reference points to, or NULL. */
static struct sc_rule *find_ref(struct sc_ctx *ctx, const char *ref, bool filters_too)
{
	size_t i;

	for (i = 0; i < ctx->nrules; i++) {
		struct sc_rule *r = ctx->rules[i];

		if (r->kind == SC_DOC_FILTER && !filters_too)
			continue;
		if ((r->id && strcmp(r->id, ref) == 0) || (r->name && strcmp(r->name, ref) == 0))
			return r;
	}
	return NULL;
}

/* Depth-first search for correlation cycles; state: 0 new, 1 on stack, 2 done. */
static bool corr_cycle(struct sc_ctx *ctx, struct sc_rule *r, uint8_t *state)
{
	uint32_t i;

	if (state[r->seq] == 1)
		return true;
	if (state[r->seq] == 2)
		return false;
	state[r->seq] = 1;
	for (i = 0; r->corr && i < r->corr->rules.n; i++) {
		struct sc_rule *t = find_ref(ctx, r->corr->rules.v[i], false);

		if (t && t->kind == SC_DOC_CORRELATION && corr_cycle(ctx, t, state))
			return true;
	}
	state[r->seq] = 2;
	return false;
}

static void check_references(struct sc_ctx *ctx)
{
	uint8_t *state = calloc(ctx->nrules ? ctx->nrules : 1, 1);
	size_t i;
	uint32_t k;

	if (!state)
		sc_oom();
	for (i = 0; i < ctx->nrules; i++) {
		struct sc_rule *r = ctx->rules[i];

		if (r->kind == SC_DOC_CORRELATION && r->corr) {
			for (k = 0; k < r->corr->rules.n; k++)
				if (!find_ref(ctx, r->corr->rules.v[k], false))
					cross_diag(ctx, r, SC_E_CORR_UNKNOWN_RULE,
						   r->corr->rules.pos[k],
						   "correlation references '%s', which is not the "
						   "id or name of any input rule",
						   r->corr->rules.v[k]);
			memset(state, 0, ctx->nrules);
			if (corr_cycle(ctx, r, state))
				cross_diag(ctx, r, SC_E_CORR_CYCLE, r->pos,
					   "correlation '%s' references itself through other "
					   "correlations",
					   r->title ? r->title : "?");
		}
		if (r->kind == SC_DOC_FILTER && r->filter)
			for (k = 0; k < r->filter->rules.n; k++)
				if (!find_ref(ctx, r->filter->rules.v[k], false))
					cross_diag(ctx, r, SC_W_FILTER_UNKNOWN_RULE,
						   r->filter->rules.pos[k],
						   "filter names '%s', which is not the id or name "
						   "of any input rule",
						   r->filter->rules.v[k]);
	}
	free(state);
}

void sc_ruleset_finish(struct sc_ctx *ctx)
{
	check_duplicates(ctx, false);
	check_duplicates(ctx, true);
	check_references(ctx);
}

void sc_ruleset_stats(const struct sc_ctx *ctx, struct sc_ruleset_stats *st)
{
	size_t i;

	memset(st, 0, sizeof(*st));
	st->files = ctx->nfiles + ctx->nunreadable;
	st->docs = ctx->nrules;
	st->bad_files = ctx->nunreadable;
	for (i = 0; i < ctx->nfiles; i++)
		if (ctx->files[i]->failed)
			st->bad_files++;
	for (i = 0; i < ctx->nrules; i++) {
		const struct sc_rule *r = ctx->rules[i];

		if (r->kind == SC_DOC_CORRELATION)
			st->correlations++;
		else if (r->kind == SC_DOC_FILTER)
			st->filters++;
		else
			st->rules++;
		if (r->rejected)
			st->rejected++;
		else
			st->accepted++;
	}
}
