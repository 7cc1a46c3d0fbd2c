// SPDX-License-Identifier: Apache-2.0
/*
 * sgr_ruleset.c: the field table and its perfect-hash index, the atom
 * table, CIDR networks, rule metadata and the exported struct sgr_ruleset
 * (include/agent/gen_abi.h) that ties every table together.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cg.h"
#include "ctx.h"
#include "emit.h"
#include "emit_int.h"
#include "gen_abi.h"
#include "ir.h"
#include "phash.h"
#include "rule.h"
#include "taxonomy.h"
#include "yaml_load.h"

static const char *const target_names[] = {"replay", "linux", "windows"};

const char *sc_cg_rule_path(const struct sc_cg *cg, const struct sc_rule *r)
{
	(void)cg;
	return r->file->rel;
}

static unsigned severity(enum sc_level l)
{
	switch (l) {
	case SC_LEVEL_INFORMATIONAL:
		return 10;
	case SC_LEVEL_LOW:
		return 21;
	case SC_LEVEL_MEDIUM:
		return 47;
	case SC_LEVEL_HIGH:
		return 73;
	case SC_LEVEL_CRITICAL:
		return 99;
	default:
		return 47;
	}
}

static int emit_fields(struct sc_cg *cg, struct sc_buf *b)
{
	uint32_t n = sc_ir_nfields(cg->ctx->ir), i;
	const uint8_t **key = sc_xreallocarray(NULL, n, sizeof(*key));
	uint32_t *len = sc_xreallocarray(NULL, n, sizeof(*len));
	struct sc_phash_out ph;
	int err;

	for (i = 1; i < n; i++) {
		key[i - 1] = (const uint8_t *)sc_ir_field_name(cg->ctx->ir, i);
		len[i - 1] = (uint32_t)strlen(sc_ir_field_name(cg->ctx->ir, i));
	}
	err = sc_phash_build(&ph, key, len, n - 1);
	if (err < 0)
		goto out;
	sc_buf_printf(b, "\n/* Fields by id (%u); ids below %u are the runtime's taxonomy. */\n", n,
		      (unsigned)AG_FIELD_CORE_MAX);
	sc_buf_printf(b, "static const char *const fields[%u] = {\n\t\"\",", n);
	for (i = 1; i < n; i++) {
		sc_buf_puts(b, "\n\t");
		sc_emit_cstr(b, key[i - 1], len[i - 1]);
		sc_buf_putc(b, ',');
	}
	sc_buf_puts(b, "\n};\n");
	sc_emit_u32s(b, "field_index_disp", ph.disp, ph.nbuckets);
	sc_emit_u32s(b, "field_index_slots", ph.slots, ph.nslots);
	sc_emit_u32s(b, "field_len", len, n - 1);
	sc_buf_printf(b,
		      "static const struct sgr_phash field_index = {\n\t0x%016llxull, %u, %u, "
		      "field_index_disp, field_index_slots,\n\t(const uint8_t *const *)(fields + 1), "
		      "field_len, %u,\n};\n",
		      (unsigned long long)ph.seed, ph.nbuckets, ph.nslots, n - 1);
	sc_phash_done(&ph);
out:
	free(key);
	free(len);
	return err;
}

static void emit_atoms(struct sc_cg *cg, struct sc_buf *b)
{
	uint32_t i;

	sc_buf_printf(b, "\nstatic const struct sgr_atom atoms[%u] = {\n", cg->natoms ? cg->natoms : 1);
	for (i = 0; i < cg->natoms; i++) {
		const struct sc_cg_atom *ca = &cg->atoms[i];
		const struct sc_atom *a = ca->ir;
		unsigned kind = 0, match = 0, cmp = 0, flags = 0, aux = 0;
		const uint8_t *val = a->val;
		uint32_t len = a->len;

		switch (a->kind) {
		case SC_ATOM_STR:
			kind = a->field == SC_FIELD_KEYWORD ? SGR_A_KEYWORD : SGR_A_STR;
			match = a->match;
			break;
		case SC_ATOM_NUM:
			kind = SGR_A_NUM;
			cmp = a->cmp;
			val = (const uint8_t *)a->num_text;
			len = (uint32_t)strlen(a->num_text);
			break;
		case SC_ATOM_REGEX:
			kind = SGR_A_REGEX;
			aux = ca->regex;
			break;
		case SC_ATOM_CIDR:
			kind = SGR_A_CIDR;
			aux = ca->cidr;
			break;
		case SC_ATOM_NULL:
			kind = SGR_A_NULL;
			break;
		case SC_ATOM_EXISTS:
			kind = SGR_A_EXISTS;
			break;
		case SC_ATOM_FIELDREF:
			kind = SGR_A_FIELDREF;
			match = a->match;
			aux = sc_ir_field(cg->ctx->ir, (const char *)a->val);
			break;
		case SC_ATOM_TIMEPART:
			kind = SGR_A_TIMEPART;
			cmp = a->part;
			val = (const uint8_t *)a->num_text;
			len = (uint32_t)strlen(a->num_text);
			break;
		}
		if (a->flags & SC_AF_CASED)
			flags |= SGR_AF_CASED;
		if (ca->eval == SC_CG_INDEXED)
			flags |= SGR_AF_INDEXED;
		if (ca->eval != SC_CG_INDEXED && ca->npre)
			flags |= SGR_AF_PREFILTER;
		if ((a->kind == SC_ATOM_NUM || a->kind == SC_ATOM_TIMEPART) && a->is_int)
			flags |= SGR_AF_INT;
		sc_buf_printf(b, "\t/* %u */ { %u, %u, %u, %u, %u, %u, %u, (const uint8_t *)", i, kind,
			      match, cmp, flags, a->field, aux, len);
		sc_emit_cstr(b, val, len);
		sc_buf_printf(b, ", %.17g, %lldll },\n",
			      a->kind == SC_ATOM_NUM || a->kind == SC_ATOM_TIMEPART ? a->num : 0.0,
			      a->kind == SC_ATOM_NUM || a->kind == SC_ATOM_TIMEPART
				      ? (long long)a->inum
				      : 0ll);
	}
	if (!cg->natoms)
		sc_buf_puts(b, "\t{ 0 },\n");
	sc_buf_puts(b, "};\n");
}

static void emit_cidrs(struct sc_cg *cg, struct sc_buf *b)
{
	uint32_t i, k;

	sc_buf_printf(b, "\nstatic const struct sgr_cidr cidrs[%u] = {\n", cg->ncidr ? cg->ncidr : 1);
	for (i = 0; i < cg->ncidr; i++) {
		const struct sc_atom *a = cg->atoms[cg->cidr_atom[i]].ir;

		sc_buf_printf(b, "\t{ %u, %u, {", a->family, a->prefix);
		for (k = 0; k < 16; k++)
			sc_buf_printf(b, "%s%u", k ? "," : "", a->addr[k]);
		sc_buf_puts(b, "} },\n");
	}
	if (!cg->ncidr)
		sc_buf_puts(b, "\t{ 0, 0, {0} },\n");
	sc_buf_puts(b, "};\n");
}

static void emit_strlist(struct sc_buf *b, const char *name, const struct sc_strlist *l)
{
	uint32_t i;

	sc_buf_printf(b, "static const char *const %s[%u] = {", name, l->n + 1);
	for (i = 0; i < l->n; i++) {
		sc_buf_puts(b, "\n\t");
		sc_emit_cstr(b, l->v[i], strlen(l->v[i]));
		sc_buf_putc(b, ',');
	}
	sc_buf_puts(b, " NULL };\n");
}

static void emit_rules(struct sc_cg *cg, struct sc_buf *b)
{
	struct sc_buf tab = SC_BUF_INIT;
	char name[64];
	uint32_t i;

	sc_buf_printf(&tab, "\nstatic const struct sgr_rule rules[%u] = {\n",
		      cg->nrules ? cg->nrules : 1);
	for (i = 0; i < cg->nrules; i++) {
		const struct sc_rule *r = cg->rules[i].r;

		snprintf(name, sizeof(name), "r%u_tags", i);
		emit_strlist(b, name, &r->tags);
		snprintf(name, sizeof(name), "r%u_refs", i);
		emit_strlist(b, name, &r->references);
		snprintf(name, sizeof(name), "r%u_fps", i);
		emit_strlist(b, name, &r->falsepositives);
		sc_buf_printf(&tab, "\t/* %u */ {\n\t\t", i);
		sc_emit_cstr(&tab, r->id ? r->id : "", r->id ? strlen(r->id) : 0);
		sc_buf_puts(&tab, ",\n\t\t");
		sc_emit_cstr_or_null(&tab, r->title);
		sc_buf_puts(&tab, ",\n\t\t");
		sc_emit_cstr_or_null(&tab, r->description);
		sc_buf_puts(&tab, ",\n\t\t");
		sc_emit_cstr_or_null(&tab, r->author);
		sc_buf_puts(&tab, ", ");
		sc_emit_cstr_or_null(&tab, r->status ? sc_status_name(r->status) : NULL);
		sc_buf_puts(&tab, ", ");
		sc_emit_cstr_or_null(&tab, r->level ? sc_level_name(r->level) : NULL);
		sc_buf_puts(&tab, ", ");
		sc_emit_cstr_or_null(&tab, r->date);
		sc_buf_puts(&tab, ", ");
		sc_emit_cstr_or_null(&tab, r->modified);
		sc_buf_puts(&tab, ",\n\t\t");
		sc_emit_cstr_or_null(&tab, sc_cg_rule_path(cg, r));
		sc_buf_printf(&tab,
			      ",\n\t\tr%u_tags, r%u_refs, r%u_fps, %u, %u, %u, %u, 0, %u, sgr_c_%u },\n",
			      i, i, i, r->tags.n, r->references.n, r->falsepositives.n,
			      severity(r->level), cg->rules[i].group, i);
	}
	if (!cg->nrules)
		sc_buf_puts(&tab, "\t{ 0 },\n");
	sc_buf_puts(&tab, "};\n");
	sc_buf_add(b, tab.data, tab.len);
	sc_buf_done(&tab);
}

/*
 * sgr_ruleset.h: what the generated files share, and the ABI they were
 * generated for, checked when they are compiled against the runtime's
 * gen_abi.h (the agent checks it again at start-up).
 */
void sc_cg_emit_header(struct sc_cg *cg, struct sc_buf *b)
{
	uint32_t i;

	sc_emit_banner(b, cg, "declarations shared by the generated files");
	sc_buf_printf(b,
		      "#ifndef SGR_RULESET_H\n#define SGR_RULESET_H\n\n"
		      "#include <stdbool.h>\n\n#include \"gen_abi.h\"\n\n"
		      "/* The ABI version this rule set was generated for. */\n"
		      "#define SGR_RULESET_ABI %u\n"
		      "_Static_assert(SGR_RULESET_ABI == SGR_ABI_VERSION,\n"
		      "\t       \"generated for another ABI: run sigmac-c compile again\");\n\n"
		      "extern const struct sgr_group sgr_groups[];\n"
		      "extern const sgr_regex_fn sgr_regex_table[];\n\n"
		      "/* Rule conditions (sgr_cond_N.c), by rule index. */\n",
		      SGR_ABI_VERSION);
	for (i = 0; i < cg->nrules; i++)
		sc_buf_printf(b, "bool sgr_c_%u(struct ag_match *m);\n", i);
	sc_buf_puts(b, "\n#endif /* SGR_RULESET_H */\n");
}

int sc_cg_emit_ruleset(struct sc_cg *cg, struct sc_buf *b)
{
	int err;

	sc_emit_banner(b, cg, "rule set tables");
	sc_buf_puts(b, "#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n\n"
		       "#include \"sgr_ruleset.h\"\n");
	/* FIELDREF atoms may intern new field names: atoms first, fields after. */
	emit_atoms(cg, b);
	err = emit_fields(cg, b);
	if (err < 0)
		return err;
	emit_cidrs(cg, b);
	emit_rules(cg, b);
	sc_buf_puts(b, "\nconst struct sgr_ruleset sgr_ruleset = {\n\tSGR_ABI_VERSION,\n\t");
	sc_emit_cstr(b, cg->digest, strlen(cg->digest));
	sc_buf_printf(b, ",\n\t\"sigmac-c %s\",\n\t\"%s\",\n", SC_VERSION,
		      target_names[cg->opts.target]);
	sc_buf_printf(b,
		      "\tfields, %u, &field_index,\n\tatoms, %u,\n\tcidrs, %u,\n"
		      "\tsgr_regex_table, %u,\n\tsgr_groups, %u,\n\trules, %u,\n};\n",
		      sc_ir_nfields(cg->ctx->ir), cg->natoms, cg->ncidr, cg->nregex, cg->ngroups,
		      cg->nrules);
	return 0;
}
