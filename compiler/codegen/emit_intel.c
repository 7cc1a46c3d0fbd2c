// SPDX-License-Identifier: Apache-2.0
/*
 * sgr_intel.c: the IOC tables and the compiled YARA rules, as the one
 * exported object `sgr_intel` (include/agent/gen_abi.h). Always written,
 * with empty tables when there are no --ioc / --yara inputs, so the agent
 * links the same way either way.
 *
 * Byte arrays (keys, string pools, the YARA blob) are written as string
 * literals (printable bytes as they are, the rest as three-digit octal
 * escapes): a compiler reads those several times faster than
 * comma-separated numbers, which matters at a million indicators.
 */
#include "emit_intel.h"

#include <stdio.h>
#include <string.h>

#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "cg.h"
#include "ctx.h"
#include "emit.h"
#include "ioc_feed.h"
#include "ioc_tables.h"
#include "yara_compile.h"

static const char *const set_names[_SGR_IOC_SET_MAX] = {
	"md5", "sha1", "sha256", "ip4", "ip6", "domain", "subdomain",
};

/* "static const uint8_t name[n + 1] = "...";" with 64 bytes per line. */
static void emit_bytes(struct sc_buf *b, const char *name, const uint8_t *p, size_t n)
{
	static const char oct[] = "01234567";
	size_t i;

	sc_buf_printf(b, "static const uint8_t %s[%zu] =\n\t\"", name, n + 1);
	sc_buf_grow(b, n * 4 + n / 16 + 16);
	for (i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (i && i % 64 == 0)
			sc_buf_puts(b, "\"\n\t\"");
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '?') {
			sc_buf_putc(b, (char)c);
		} else {
			char e[4] = {'\\', oct[c >> 6], oct[(c >> 3) & 7], oct[c & 7]};

			sc_buf_add(b, e, 4);
		}
	}
	sc_buf_puts(b, "\";\n");
}

static void emit_set(struct sc_buf *b, const struct sc_ioc_set_out *o, const char *nm)
{
	char name[64];

	sc_buf_printf(b, "\n/* %s: %u keys, %u sources; perfect hash, %u buckets, %u slots */\n",
		      nm, o->nkeys, o->nruns, o->ph.nbuckets, o->ph.nslots);
	snprintf(name, sizeof(name), "%s_disp", nm);
	sc_emit_u32s(b, name, o->ph.disp, o->ph.nbuckets);
	snprintf(name, sizeof(name), "%s_slots", nm);
	sc_emit_u32s(b, name, o->ph.slots, o->ph.nslots);
	snprintf(name, sizeof(name), "%s_keys", nm);
	emit_bytes(b, name, o->keys, o->keys_len);
	if (!o->width) {
		snprintf(name, sizeof(name), "%s_off", nm);
		sc_emit_u32s(b, name, o->off, o->nkeys + 1);
	}
	snprintf(name, sizeof(name), "%s_run_end", nm);
	sc_emit_u32s(b, name, o->run_end, o->nruns);
	snprintf(name, sizeof(name), "%s_run_src", nm);
	sc_emit_u32s(b, name, o->run_src, o->nruns);
	sc_buf_printf(b,
		      "static const struct sgr_ioc_set %s_set = {\n"
		      "\t0x%llxull, %u, %u, %s_disp, %s_slots, %s_keys,\n"
		      "\t%s%s, %s_run_end, %s_run_src, %u, %u, %u,\n};\n",
		      nm, (unsigned long long)o->ph.seed, o->ph.nbuckets, o->ph.nslots, nm, nm, nm,
		      o->width ? "NULL" : nm, o->width ? "" : "_off", nm, nm, o->width, o->nkeys,
		      o->nruns);
}

static void emit_cidrs(struct sc_buf *b, const struct sc_ioc_cidr_out *o, const char *nm)
{
	char name[64];

	sc_buf_printf(b, "\n/* %s: %u networks, sorted, with parent links */\n", nm, o->n);
	snprintf(name, sizeof(name), "%s_net", nm);
	emit_bytes(b, name, o->net, (size_t)o->n * o->width);
	snprintf(name, sizeof(name), "%s_prefix", nm);
	sc_emit_u8s(b, name, o->prefix, o->n);
	snprintf(name, sizeof(name), "%s_parent", nm);
	sc_emit_u32s(b, name, o->parent, o->n);
	snprintf(name, sizeof(name), "%s_src", nm);
	sc_emit_u32s(b, name, o->src, o->n);
	sc_buf_printf(b,
		      "static const struct sgr_ioc_cidrs %s = {\n"
		      "\t%s_net, %s_prefix, %s_parent, %s_src, %u, %u,\n};\n",
		      nm, nm, nm, nm, nm, o->width, o->n);
}

static void emit_paths(struct sc_buf *b, const struct sc_ioc_paths_out *o)
{
	uint32_t i;

	sc_buf_printf(b, "\n/*\n * path globs: %u%s\n", o->n, o->n > 32 ? " (the first 32)" : "");
	for (i = 0; i < o->n && i < 32; i++) {
		uint32_t l = o->off[i + 1] - o->off[i], k;

		sc_buf_puts(b, " *   ");
		for (k = 0; k < l && k < 100; k++) {
			uint8_t c = o->pool[o->off[i] + k];

			/* No comment delimiters, no control or non-ASCII bytes. */
			if (c < 0x20 || c >= 0x7f)
				c = '.';
			sc_buf_putc(b, (char)c);
			if ((c == '/' && k + 1 < l && o->pool[o->off[i] + k + 1] == '*') ||
			    (c == '*' && k + 1 < l && o->pool[o->off[i] + k + 1] == '/'))
				sc_buf_putc(b, ' ');
		}
		sc_buf_putc(b, '\n');
	}
	sc_buf_puts(b, " */\n");
	emit_bytes(b, "path_pool", o->pool, o->pool_len);
	sc_emit_u32s(b, "path_off", o->off, o->n + 1);
	sc_emit_u32s(b, "path_src", o->src, o->n);
	sc_buf_printf(b,
		      "static const struct sgr_ioc_paths paths = {path_pool, path_off, "
		      "path_src, %u};\n",
		      o->n);
}

int sc_cg_emit_intel(struct sc_cg *cg, struct sc_buf *b)
{
	const struct sc_ctx *ctx = cg->ctx;
	const struct sc_yara *y = ctx->yara;
	struct sc_ioc_tables t;
	uint32_t i;
	int err;

	err = sc_ioc_tables_build(cg->ctx, &t);
	if (err < 0)
		return err;
	sc_emit_banner(b, cg, "IOC tables and compiled YARA rules");
	sc_buf_puts(b, "#include <stddef.h>\n#include <stdint.h>\n\n#include \"gen_abi.h\"\n\n");
	sc_buf_puts(b, "/* IOC feeds (base names) */\nstatic const char *const feeds[] = {\n");
	for (i = 0; ctx->ioc && i < ctx->ioc->nfeeds; i++) {
		sc_buf_putc(b, '\t');
		sc_emit_cstr(b, ctx->ioc->feeds[i], strlen(ctx->ioc->feeds[i]));
		sc_buf_puts(b, ",\n");
	}
	sc_buf_puts(b, "\tNULL,\n};\n\n/* sources: feed, comment offset */\n");
	sc_buf_printf(b, "static const struct sgr_ioc_src srcs[%u] = {", t.nsrcs ? t.nsrcs : 1);
	for (i = 0; i < t.nsrcs; i++)
		sc_buf_printf(b, "%s{%u, %u},", i % 8 ? " " : "\n\t", t.srcs[i].feed,
			      t.srcs[i].comment);
	sc_buf_puts(b, t.nsrcs ? "\n};\n" : "{0, 0}};\n");
	emit_bytes(b, "comments", (const uint8_t *)t.comments, t.comments_len);
	for (i = 0; i < _SGR_IOC_SET_MAX; i++)
		if (t.sets[i].nkeys)
			emit_set(b, &t.sets[i], set_names[i]);
	if (t.cidr[0].n)
		emit_cidrs(b, &t.cidr[0], "cidr4");
	if (t.cidr[1].n)
		emit_cidrs(b, &t.cidr[1], "cidr6");
	if (t.paths.n)
		emit_paths(b, &t.paths);
	if (y && y->blob) {
		sc_buf_printf(b, "\n/* YARA: %u rules from %u files, saved by libyara */\n",
			      y->nrules, y->nfiles);
		emit_bytes(b, "yara_rules", y->blob, y->len);
	}
	sc_buf_printf(b, "\nconst struct sgr_intel sgr_intel = {\n\tSGR_ABI_VERSION,\n\t{");
	for (i = 0; i < _SGR_IOC_SET_MAX; i++)
		sc_buf_printf(b, "%s%s%s%s", i ? ", " : "", t.sets[i].nkeys ? "&" : "NULL",
			      t.sets[i].nkeys ? set_names[i] : "", t.sets[i].nkeys ? "_set" : "");
	sc_buf_printf(b, "},\n\t%s, %s, %s,\n", t.cidr[0].n ? "&cidr4" : "NULL",
		      t.cidr[1].n ? "&cidr6" : "NULL", t.paths.n ? "&paths" : "NULL");
	sc_buf_printf(b, "\tfeeds, %u, %u, srcs, (const char *)comments, %llu,\n",
		      ctx->ioc ? ctx->ioc->nfeeds : 0, t.nsrcs, (unsigned long long)t.n);
	if (y && y->blob)
		sc_buf_printf(b, "\tyara_rules, %zu, %u,\n};\n", y->len, y->nrules);
	else
		sc_buf_puts(b, "\tNULL, 0, 0,\n};\n");
	sc_ioc_tables_done(&t);
	return 0;
}

void sc_cg_digest_intel(const struct sc_cg *cg, void *xxh3_state)
{
	const struct sc_ctx *ctx = cg->ctx;
	XXH3_state_t *st = xxh3_state;
	size_t i;

	if (ctx->ioc) {
		const struct sc_ioc *ioc = ctx->ioc;

		XXH3_128bits_update(st, "ioc", 4);
		for (i = 0; i < ioc->nfeeds; i++)
			XXH3_128bits_update(st, ioc->feeds[i], strlen(ioc->feeds[i]) + 1);
		for (i = 0; i < ioc->nsrc; i++) {
			XXH3_128bits_update(st, &ioc->src[i].feed, sizeof(ioc->src[i].feed));
			XXH3_128bits_update(st, ioc->src[i].comment,
					    strlen(ioc->src[i].comment) + 1);
		}
		for (i = 0; i < ioc->n; i++) {
			const struct sc_ioc_ent *e = &ioc->ent[i];
			uint32_t hdr[3] = {e->kind, e->prefix, e->src};

			XXH3_128bits_update(st, hdr, sizeof(hdr));
			XXH3_128bits_update(st, e->key, e->len);
		}
	}
	if (ctx->yara) {
		XXH3_128bits_update(st, "yara", 5);
		XXH3_128bits_update(st, &ctx->yara->digest, sizeof(ctx->yara->digest));
	}
}
