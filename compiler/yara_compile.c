// SPDX-License-Identifier: Apache-2.0
/*
 * YARA compilation with libyara (see yara_compile.h). libyara's compiler
 * cannot be used again after an error, so every file is first compiled
 * alone (its diagnostics are the ones reported), then the files that passed
 * are compiled together; a file that fails only together with the others
 * (a rule name defined twice) is reported and dropped, and the rest
 * compiled again. All rules share the namespace "default": rule.id is
 * yara::<rule name>.
 */
#include "yara_compile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>
#include <yara.h>

#include "arena.h"
#include "buf.h"
#include "ctx.h"
#include "diag.h"
#include "source.h"

static struct sc_yara *get(struct sc_ctx *ctx)
{
	if (!ctx->yara) {
		ctx->yara = calloc(1, sizeof(*ctx->yara));
		if (!ctx->yara)
			sc_oom();
	}
	return ctx->yara;
}

void sc_yara_free(struct sc_yara *y)
{
	uint32_t i;

	if (!y)
		return;
	for (i = 0; i < y->npaths; i++)
		free(y->paths[i]);
	free(y->paths);
	free(y->blob);
	free(y);
}

static void add_file(struct sc_yara *y, const char *path)
{
	if (y->npaths == y->cappaths) {
		y->cappaths = y->cappaths ? 2 * y->cappaths : 16;
		y->paths = sc_xreallocarray(y->paths, y->cappaths, sizeof(*y->paths));
	}
	y->paths[y->npaths] = strdup(path);
	if (!y->paths[y->npaths])
		sc_oom();
	y->npaths++;
}

static bool yara_name(const char *n)
{
	size_t l = strlen(n);

	return (l > 4 && strcmp(n + l - 4, ".yar") == 0) ||
	       (l > 5 && strcmp(n + l - 5, ".yara") == 0);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files under dir, recursively, in byte order of their paths. */
static int walk(struct sc_yara *y, const char *dir)
{
	struct sc_pathlist sub = {NULL, 0, 0};
	struct dirent *de;
	DIR *d = opendir(dir);
	size_t i;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char path[4096];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) < 0)
			continue;
		if (!S_ISDIR(st.st_mode) && !(S_ISREG(st.st_mode) && yara_name(de->d_name)))
			continue;
		if (sub.n == sub.cap) {
			sub.cap = sub.cap ? 2 * sub.cap : 32;
			sub.v = sc_xreallocarray(sub.v, sub.cap, sizeof(*sub.v));
		}
		sub.v[sub.n] = strdup(path);
		if (!sub.v[sub.n])
			sc_oom();
		sub.n++;
	}
	closedir(d);
	if (sub.n > 1)
		qsort(sub.v, sub.n, sizeof(*sub.v), str_cmp);
	for (i = 0; i < sub.n; i++) {
		struct stat st;

		if (stat(sub.v[i], &st) == 0 && S_ISDIR(st.st_mode))
			walk(y, sub.v[i]);
		else
			add_file(y, sub.v[i]);
	}
	sc_pathlist_done(&sub);
	return 0;
}

int sc_yara_add_path(struct sc_ctx *ctx, const char *path)
{
	struct sc_yara *y = get(ctx);
	uint32_t before = y->npaths;
	struct stat st;
	int err;

	if (stat(path, &st) < 0) {
		err = -errno;
		goto fail;
	}
	if (!S_ISDIR(st.st_mode)) {
		add_file(y, path);
		return 0;
	}
	err = walk(y, path);
	if (err < 0)
		goto fail;
	if (y->npaths == before)
		sc_diag(&ctx->diags, SC_W_YARA_NO_INPUT, sc_arena_strdup(ctx->arena, path),
			(struct sc_pos){0, 0}, "'%s' holds no .yar or .yara file", path);
	return 0;
fail:
	sc_diag(&ctx->diags, SC_E_IO, sc_arena_strdup(ctx->arena, path), (struct sc_pos){0, 0},
		"cannot read YARA path '%s': %s", path, strerror(-err));
	return err;
}

/* Compiler callback state: diagnostics go to ctx unless quiet. */
struct cb_state {
	struct sc_ctx *ctx;
	const char *file; /* display name (arena) */
	bool quiet;
	uint32_t errors;
};

static void on_message(int level, const char *file_name, int line, const YR_RULE *rule,
		       const char *message, void *arg)
{
	struct cb_state *cs = arg;
	bool err = level == YARA_ERROR_LEVEL_ERROR;
	const char *f = cs->file;

	if (err)
		cs->errors++;
	if (cs->quiet)
		return;
	/* An included file reports under its own name. */
	if (file_name && strcmp(file_name, cs->file) != 0)
		f = sc_arena_strdup(cs->ctx->arena, file_name);
	sc_diag(&cs->ctx->diags, err ? SC_E_YARA_SYNTAX : SC_W_YARA_WARNING, f,
		(struct sc_pos){line > 0 ? (uint32_t)line : 0, 0}, "%s%s%s%s", message,
		rule ? " (rule '" : "", rule ? rule->identifier : "", rule ? "')" : "");
}

/*
 * Compile files[0..n) (those with ok[i]) into one compiler, reporting the
 * messages of file loud only (UINT32_MAX: none). Returns 0 and
 * the rules in *ret_rules, the index of a failing file + 1 as a positive
 * number, or -errno.
 */
static int compile_set(struct sc_ctx *ctx, char **files, const bool *ok, uint32_t n, uint32_t loud,
		       YR_RULES **ret_rules)
{
	struct cb_state cs = {ctx, NULL, true, 0};
	YR_COMPILER *c = NULL;
	uint32_t i;
	int ret = 0;

	if (yr_compiler_create(&c) != ERROR_SUCCESS)
		return -ENOMEM;
	yr_compiler_set_callback(c, on_message, &cs);
	for (i = 0; i < n; i++) {
		int fd;

		if (!ok[i])
			continue;
		fd = open(files[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			ret = (int)i + 1;
			sc_diag(&ctx->diags, SC_E_IO, sc_arena_strdup(ctx->arena, files[i]),
				(struct sc_pos){0, 0}, "cannot read YARA file '%s': %s", files[i],
				strerror(errno));
			goto out;
		}
		cs.file = sc_arena_strdup(ctx->arena, files[i]);
		cs.errors = 0;
		cs.quiet = i != loud;
		yr_compiler_add_fd(c, fd, "default", files[i]);
		close(fd);
		if (cs.errors) {
			ret = (int)i + 1;
			goto out;
		}
	}
	if (ret_rules && yr_compiler_get_rules(c, ret_rules) != ERROR_SUCCESS)
		ret = -ENOMEM;
out:
	yr_compiler_destroy(c);
	return ret;
}

static uint32_t count_rules(YR_RULES *rules)
{
	YR_RULE *rule;
	uint32_t n = 0;

	yr_rules_foreach(rules, rule)
	{
		n++;
	}
	return n;
}

static size_t stream_write(const void *p, size_t size, size_t count, void *arg)
{
	struct sc_buf *b = arg;

	sc_buf_add(b, p, size * count);
	return count;
}

int sc_yara_finish(struct sc_ctx *ctx)
{
	struct sc_yara *y = ctx->yara;
	struct sc_buf out = SC_BUF_INIT;
	YR_RULES *rules = NULL;
	YR_STREAM st;
	XXH3_state_t hs;
	bool *ok;
	uint32_t i;
	int r, err = 0;

	if (!y || !y->npaths)
		return 0;
	if (yr_initialize() != ERROR_SUCCESS) {
		sc_diag(&ctx->diags, SC_E_INTERNAL, NULL, (struct sc_pos){0, 0},
			"libyara cannot be initialised");
		return -ENOMEM;
	}
	ok = calloc(y->npaths, sizeof(*ok));
	if (!ok)
		sc_oom();
	/* Each file alone: the diagnostics users see. */
	for (i = 0; i < y->npaths; i++) {
		bool one[1] = {true};

		r = compile_set(ctx, &y->paths[i], one, 1, 0, NULL);
		if (r < 0) {
			err = r;
			goto out;
		}
		ok[i] = r == 0;
	}
	/* Together; drop a file that clashes with the ones before it. */
	for (;;) {
		r = compile_set(ctx, y->paths, ok, y->npaths, UINT32_MAX, &rules);
		if (r <= 0)
			break;
		compile_set(ctx, y->paths, ok, (uint32_t)r, (uint32_t)r - 1, NULL);
		ok[r - 1] = false;
	}
	if (r < 0) {
		err = r;
		goto out;
	}
	st.user_data = &out;
	st.read = NULL;
	st.write = stream_write;
	if (yr_rules_save_stream(rules, &st) != ERROR_SUCCESS) {
		err = -EIO;
		goto out;
	}
	y->blob = (uint8_t *)out.data;
	y->len = out.len;
	out.data = NULL;
	y->nrules = count_rules(rules);
	XXH3_64bits_reset(&hs);
	for (i = 0; i < y->npaths; i++) {
		uint8_t *buf = NULL;
		size_t len = 0;
		const char *base = strrchr(y->paths[i], '/');

		if (!ok[i] || sc_read_file(y->paths[i], &buf, &len) < 0)
			continue;
		base = base ? base + 1 : y->paths[i];
		XXH3_64bits_update(&hs, base, strlen(base) + 1);
		XXH3_64bits_update(&hs, buf, len);
		free(buf);
		y->nfiles++;
	}
	y->digest = XXH3_64bits_digest(&hs);
out:
	if (err < 0)
		sc_diag(&ctx->diags, SC_E_INTERNAL, NULL, (struct sc_pos){0, 0},
			"libyara failed: %s", strerror(-err));
	if (rules)
		yr_rules_destroy(rules);
	sc_buf_done(&out);
	free(ok);
	yr_finalize();
	return err;
}
