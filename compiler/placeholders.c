// SPDX-License-Identifier: Apache-2.0
/*
 * Loading the --placeholders file (see placeholders.h).
 */
#include "placeholders.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ctx.h"
#include "source.h"
#include "yaml_load.h"

static const char *scalar_text(const struct sc_node *n)
{
	if (n->kind != SC_NODE_SCALAR || sc_scalar_type(n) == SC_SCALAR_NULL)
		return NULL;
	return n->str;
}

int sc_placeholders_load(struct sc_ctx *ctx, const char *path)
{
	struct sc_placeholders *ph = sc_arena_alloc(ctx->arena, sizeof(*ph));
	struct sc_yaml_file *f = NULL;
	const struct sc_node *root;
	struct sc_pos zero = {0, 0};
	uint8_t *buf = NULL;
	size_t len = 0;
	uint32_t i, j;
	int err;

	ph->path = sc_arena_strdup(ctx->arena, path);
	ctx->ph = ph;
	err = sc_read_file(path, &buf, &len);
	if (err < 0) {
		sc_diag(&ctx->diags, SC_E_PLACEHOLDERS_FILE, ph->path, zero,
			"cannot read placeholders file: %s", strerror(-err));
		return err;
	}
	sc_yaml_load(ctx->arena, &ctx->diags, path, buf, len, &f);
	free(buf);
	if (f->ndocs == 0) {
		if (!f->failed)
			sc_diag(&ctx->diags, SC_E_PLACEHOLDERS_FILE, ph->path, zero,
				"placeholders file is empty");
		return 0;
	}
	root = f->docs[0].root;
	if (f->ndocs > 1)
		sc_diag(&ctx->diags, SC_E_PLACEHOLDERS_FILE, ph->path, f->docs[1].pos,
			"placeholders file has more than one document; only the first is read");
	if (root->kind != SC_NODE_MAP) {
		sc_diag(&ctx->diags, SC_E_PLACEHOLDERS_FILE, ph->path, root->pos,
			"placeholders file must map names to lists of values, not be a %s",
			sc_node_type_name(root));
		return 0;
	}
	ph->names = sc_arena_array(ctx->arena, root->n, sizeof(*ph->names));
	ph->vals = sc_arena_array(ctx->arena, root->n, sizeof(*ph->vals));
	ph->nvals = sc_arena_array(ctx->arena, root->n, sizeof(*ph->nvals));
	for (i = 0; i < root->n; i++) {
		const struct sc_node *v = root->items[i];
		struct sc_node *const *items = &root->items[i];
		uint32_t n = 1, k = 0;

		if (v->kind == SC_NODE_SEQ) {
			items = v->items;
			n = (uint32_t)v->n;
		} else if (v->kind == SC_NODE_MAP) {
			sc_diag(&ctx->diags, SC_E_PLACEHOLDERS_FILE, ph->path, v->pos,
				"placeholder '%s' must have a list of values, not a mapping",
				root->keys[i]->str);
			continue;
		}
		ph->vals[ph->n] = sc_arena_array(ctx->arena, n ? n : 1, sizeof(**ph->vals));
		for (j = 0; j < n; j++) {
			const char *t = scalar_text(items[j]);

			if (!t) {
				sc_diag(&ctx->diags, SC_E_PLACEHOLDERS_FILE, ph->path,
					items[j]->pos,
					"placeholder '%s': values must be strings or numbers, "
					"not a %s",
					root->keys[i]->str, sc_node_type_name(items[j]));
				continue;
			}
			ph->vals[ph->n][k++] = sc_sstr_parse(ctx->arena, (const uint8_t *)t,
							     items[j]->len);
		}
		if (k == 0) {
			sc_diag(&ctx->diags, SC_E_PLACEHOLDERS_FILE, ph->path, v->pos,
				"placeholder '%s' has no value", root->keys[i]->str);
			continue;
		}
		ph->names[ph->n] = root->keys[i]->str;
		ph->nvals[ph->n] = k;
		ph->n++;
	}
	return 0;
}

bool sc_placeholders_get(const struct sc_placeholders *ph, const uint8_t *name, size_t n,
			 const struct sc_sstr **ret_vals, uint32_t *ret_n)
{
	uint32_t i;

	if (!ph)
		return false;
	for (i = 0; i < ph->n; i++)
		if (strlen(ph->names[i]) == n && memcmp(ph->names[i], name, n) == 0) {
			*ret_vals = ph->vals[i];
			*ret_n = ph->nvals[i];
			return true;
		}
	return false;
}
