// SPDX-License-Identifier: Apache-2.0
/*
 * IR tables: field names, atoms and nodes, each hash-consed through an
 * open-addressing table of ids (xxh3 hashes). Node constructors normalise
 * as they build: AND/OR are flattened, their operands sorted and
 * de-duplicated, TRUE/FALSE folded, double negation removed. So two rules
 * that test the same thing share the node, and the DAG of the whole rule
 * set is as small as these local rewrites make it.
 */
#include "ir.h"

#include <stdlib.h>
#include <string.h>
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "arena.h"
#include "taxonomy.h"

struct idtab {
	uint32_t *slots; /* 0 = empty, else id */
	uint32_t mask;	 /* capacity - 1 (power of two) */
	uint32_t used;
};

struct sc_ir {
	struct sc_arena *a;
	const char **fields; /* by id; [0] = "" (keyword) */
	uint32_t *field_hash;
	uint32_t nfields, capfields;
	struct idtab field_tab;
	struct sc_atom **atoms; /* by id; [0] unused */
	uint32_t natoms, capatoms;
	struct idtab atom_tab;
	struct sc_irnode **nodes; /* by id; [0] unused */
	uint32_t nnodes, capnodes;
	struct idtab node_tab;
	uint32_t id_true, id_false;
};

static void idtab_init(struct idtab *t)
{
	t->mask = 1023;
	t->used = 0;
	t->slots = calloc(t->mask + 1, sizeof(*t->slots));
	if (!t->slots)
		sc_oom();
}

/* Grow when 50% full; rehash with the stored hashes through get_hash. */
static void idtab_maybe_grow(struct idtab *t, uint32_t (*get_hash)(const struct sc_ir *, uint32_t),
			     const struct sc_ir *ir)
{
	uint32_t *old = t->slots, oldcap = t->mask + 1, i;

	if ((t->used + 1) * 2 <= oldcap)
		return;
	t->mask = oldcap * 2 - 1;
	t->slots = calloc(t->mask + 1, sizeof(*t->slots));
	if (!t->slots)
		sc_oom();
	for (i = 0; i < oldcap; i++) {
		uint32_t id = old[i], h;

		if (!id)
			continue;
		h = get_hash(ir, id);
		while (t->slots[h & t->mask])
			h++;
		t->slots[h & t->mask] = id;
	}
	free(old);
}

static uint32_t field_hash_of(const struct sc_ir *ir, uint32_t id)
{
	return ir->field_hash[id];
}

static uint32_t atom_hash_of(const struct sc_ir *ir, uint32_t id)
{
	return ir->atoms[id]->hash;
}

static uint32_t node_hash_of(const struct sc_ir *ir, uint32_t id)
{
	return ir->nodes[id]->hash;
}

struct sc_ir *sc_ir_new(struct sc_arena *a)
{
	struct sc_ir *ir = sc_arena_alloc(a, sizeof(*ir));

	ir->a = a;
	idtab_init(&ir->field_tab);
	idtab_init(&ir->atom_tab);
	idtab_init(&ir->node_tab);
	ir->capfields = 64;
	ir->fields = sc_xreallocarray(NULL, ir->capfields, sizeof(*ir->fields));
	ir->field_hash = sc_xreallocarray(NULL, ir->capfields, sizeof(*ir->field_hash));
	ir->fields[0] = "";
	ir->field_hash[0] = 0;
	ir->nfields = 1;
	ir->capatoms = 256;
	ir->atoms = sc_xreallocarray(NULL, ir->capatoms, sizeof(*ir->atoms));
	ir->atoms[0] = NULL;
	ir->natoms = 1;
	ir->capnodes = 256;
	ir->nodes = sc_xreallocarray(NULL, ir->capnodes, sizeof(*ir->nodes));
	ir->nodes[0] = NULL;
	ir->nnodes = 1;
	/* The runtime knows these fields by fixed ids (include/agent/taxonomy.h). */
#define AG_FIELD_INTERN(suffix, name) sc_ir_field(ir, name);
	AG_TAXONOMY_FIELDS(AG_FIELD_INTERN)
#undef AG_FIELD_INTERN
	return ir;
}

void sc_ir_free(struct sc_ir *ir)
{
	if (!ir)
		return;
	free(ir->field_tab.slots);
	free(ir->atom_tab.slots);
	free(ir->node_tab.slots);
	free(ir->fields);
	free(ir->field_hash);
	free(ir->atoms);
	free(ir->nodes);
}

uint32_t sc_ir_field(struct sc_ir *ir, const char *name)
{
	size_t len = strlen(name);
	uint32_t h = (uint32_t)XXH3_64bits(name, len), i, id;

	if (len == 0)
		return SC_FIELD_KEYWORD;
	for (i = h;; i++) {
		id = ir->field_tab.slots[i & ir->field_tab.mask];
		if (!id)
			break;
		if (ir->field_hash[id] == h && strcmp(ir->fields[id], name) == 0)
			return id;
	}
	idtab_maybe_grow(&ir->field_tab, field_hash_of, ir);
	if (ir->nfields == ir->capfields) {
		ir->capfields *= 2;
		ir->fields = sc_xreallocarray(ir->fields, ir->capfields, sizeof(*ir->fields));
		ir->field_hash =
			sc_xreallocarray(ir->field_hash, ir->capfields, sizeof(*ir->field_hash));
	}
	id = ir->nfields++;
	ir->fields[id] = sc_arena_strndup(ir->a, name, len);
	ir->field_hash[id] = h;
	for (i = h; ir->field_tab.slots[i & ir->field_tab.mask]; i++)
		;
	ir->field_tab.slots[i & ir->field_tab.mask] = id;
	ir->field_tab.used++;
	return id;
}

const char *sc_ir_field_name(const struct sc_ir *ir, uint32_t id)
{
	return id < ir->nfields ? ir->fields[id] : "";
}

uint32_t sc_ir_nfields(const struct sc_ir *ir)
{
	return ir->nfields;
}

static uint32_t atom_hash(const struct sc_atom *p)
{
	XXH3_state_t st;
	uint32_t hdr[8];

	hdr[0] = (uint32_t)p->kind;
	hdr[1] = p->field;
	hdr[2] = (uint32_t)p->match;
	hdr[3] = (uint32_t)p->cmp;
	hdr[4] = p->flags;
	hdr[5] = (uint32_t)p->part;
	hdr[6] = (uint32_t)p->family | ((uint32_t)p->prefix << 8) | ((uint32_t)p->is_int << 16);
	hdr[7] = p->len;
	XXH3_64bits_reset(&st);
	XXH3_64bits_update(&st, hdr, sizeof(hdr));
	if (p->len)
		XXH3_64bits_update(&st, p->val, p->len);
	XXH3_64bits_update(&st, &p->num, sizeof(p->num));
	XXH3_64bits_update(&st, p->addr, sizeof(p->addr));
	return (uint32_t)XXH3_64bits_digest(&st);
}

static bool atom_eq(const struct sc_atom *a, const struct sc_atom *b)
{
	return a->kind == b->kind && a->field == b->field && a->match == b->match &&
	       a->cmp == b->cmp && a->flags == b->flags && a->part == b->part &&
	       a->family == b->family && a->prefix == b->prefix && a->is_int == b->is_int &&
	       a->len == b->len && (a->len == 0 || memcmp(a->val, b->val, a->len) == 0) &&
	       memcmp(&a->num, &b->num, sizeof(a->num)) == 0 &&
	       memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}

uint32_t sc_ir_atom(struct sc_ir *ir, const struct sc_atom *proto)
{
	struct sc_atom key = *proto, *at;
	uint32_t h, i, id;

	/* Identity must not depend on padding or unused members. */
	if (key.kind != SC_ATOM_NUM && key.kind != SC_ATOM_TIMEPART) {
		key.num = 0;
		key.inum = 0;
		key.is_int = false;
	}
	h = atom_hash(&key);
	for (i = h;; i++) {
		id = ir->atom_tab.slots[i & ir->atom_tab.mask];
		if (!id)
			break;
		if (ir->atoms[id]->hash == h && atom_eq(ir->atoms[id], &key))
			return id;
	}
	idtab_maybe_grow(&ir->atom_tab, atom_hash_of, ir);
	if (ir->natoms == ir->capatoms) {
		ir->capatoms *= 2;
		ir->atoms = sc_xreallocarray(ir->atoms, ir->capatoms, sizeof(*ir->atoms));
	}
	id = ir->natoms++;
	at = sc_arena_alloc(ir->a, sizeof(*at));
	*at = key;
	if (key.len) {
		uint8_t *v = sc_arena_alloc(ir->a, key.len + 1);

		memcpy(v, key.val, key.len);
		at->val = v;
	} else {
		at->val = (const uint8_t *)"";
	}
	at->id = id;
	at->hash = h;
	ir->atoms[id] = at;
	for (i = h; ir->atom_tab.slots[i & ir->atom_tab.mask]; i++)
		;
	ir->atom_tab.slots[i & ir->atom_tab.mask] = id;
	ir->atom_tab.used++;
	return id;
}

const struct sc_atom *sc_ir_get_atom(const struct sc_ir *ir, uint32_t id)
{
	return id && id < ir->natoms ? ir->atoms[id] : NULL;
}

uint32_t sc_ir_natoms(const struct sc_ir *ir)
{
	return ir->natoms;
}

static uint32_t node_hash(enum sc_irop op, uint32_t atom, const uint32_t *kids, uint32_t n)
{
	XXH3_state_t st;
	uint32_t hdr[3] = {(uint32_t)op, atom, n};

	XXH3_64bits_reset(&st);
	XXH3_64bits_update(&st, hdr, sizeof(hdr));
	if (n)
		XXH3_64bits_update(&st, kids, n * sizeof(*kids));
	return (uint32_t)XXH3_64bits_digest(&st);
}

static uint32_t intern_node(struct sc_ir *ir, enum sc_irop op, uint32_t atom,
			    const uint32_t *kids, uint32_t n)
{
	uint32_t h = node_hash(op, atom, kids, n), i, id;
	struct sc_irnode *nd;

	for (i = h;; i++) {
		id = ir->node_tab.slots[i & ir->node_tab.mask];
		if (!id)
			break;
		nd = ir->nodes[id];
		if (nd->hash == h && nd->op == op && nd->atom == atom && nd->nkids == n &&
		    (n == 0 || memcmp(nd->kids, kids, n * sizeof(*kids)) == 0))
			return id;
	}
	idtab_maybe_grow(&ir->node_tab, node_hash_of, ir);
	if (ir->nnodes == ir->capnodes) {
		ir->capnodes *= 2;
		ir->nodes = sc_xreallocarray(ir->nodes, ir->capnodes, sizeof(*ir->nodes));
	}
	id = ir->nnodes++;
	nd = sc_arena_alloc(ir->a, sizeof(*nd));
	nd->id = id;
	nd->op = op;
	nd->atom = atom;
	nd->nkids = n;
	if (n) {
		nd->kids = sc_arena_array(ir->a, n, sizeof(*kids));
		memcpy(nd->kids, kids, n * sizeof(*kids));
	}
	nd->hash = h;
	ir->nodes[id] = nd;
	for (i = h; ir->node_tab.slots[i & ir->node_tab.mask]; i++)
		;
	ir->node_tab.slots[i & ir->node_tab.mask] = id;
	ir->node_tab.used++;
	return id;
}

uint32_t sc_ir_true(struct sc_ir *ir)
{
	if (!ir->id_true)
		ir->id_true = intern_node(ir, SC_IR_TRUE, 0, NULL, 0);
	return ir->id_true;
}

uint32_t sc_ir_false(struct sc_ir *ir)
{
	if (!ir->id_false)
		ir->id_false = intern_node(ir, SC_IR_FALSE, 0, NULL, 0);
	return ir->id_false;
}

uint32_t sc_ir_leaf(struct sc_ir *ir, uint32_t atom)
{
	return intern_node(ir, SC_IR_ATOM, atom, NULL, 0);
}

uint32_t sc_ir_not(struct sc_ir *ir, uint32_t kid)
{
	const struct sc_irnode *k = ir->nodes[kid];

	if (k->op == SC_IR_NOT)
		return k->kids[0];
	if (k->op == SC_IR_TRUE)
		return sc_ir_false(ir);
	if (k->op == SC_IR_FALSE)
		return sc_ir_true(ir);
	return intern_node(ir, SC_IR_NOT, 0, &kid, 1);
}

static int id_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* AND (is_and) or OR over kids: flatten, fold constants, sort, dedupe. */
static uint32_t nary(struct sc_ir *ir, bool is_and, uint32_t *kids, uint32_t n)
{
	enum sc_irop op = is_and ? SC_IR_AND : SC_IR_OR;
	uint32_t unit = is_and ? sc_ir_true(ir) : sc_ir_false(ir);
	uint32_t zero = is_and ? sc_ir_false(ir) : sc_ir_true(ir);
	uint32_t *flat, nflat = 0, i, j, cap = 0, ret;

	for (i = 0; i < n; i++) {
		const struct sc_irnode *k = ir->nodes[kids[i]];

		cap += k->op == op ? k->nkids : 1;
	}
	flat = sc_xreallocarray(NULL, cap ? cap : 1, sizeof(*flat));
	for (i = 0; i < n; i++) {
		const struct sc_irnode *k = ir->nodes[kids[i]];

		if (kids[i] == zero) {
			free(flat);
			return zero;
		}
		if (kids[i] == unit)
			continue;
		if (k->op == op) {
			for (j = 0; j < k->nkids; j++)
				flat[nflat++] = k->kids[j];
		} else {
			flat[nflat++] = kids[i];
		}
	}
	qsort(flat, nflat, sizeof(*flat), id_cmp);
	for (i = j = 0; i < nflat; i++)
		if (j == 0 || flat[j - 1] != flat[i])
			flat[j++] = flat[i];
	nflat = j;
	if (nflat == 0)
		ret = unit;
	else if (nflat == 1)
		ret = flat[0];
	else
		ret = intern_node(ir, op, 0, flat, nflat);
	free(flat);
	return ret;
}

uint32_t sc_ir_and(struct sc_ir *ir, uint32_t *kids, uint32_t n)
{
	return nary(ir, true, kids, n);
}

uint32_t sc_ir_or(struct sc_ir *ir, uint32_t *kids, uint32_t n)
{
	return nary(ir, false, kids, n);
}

uint32_t sc_ir_and2(struct sc_ir *ir, uint32_t a, uint32_t b)
{
	uint32_t k[2] = {a, b};

	return nary(ir, true, k, 2);
}

uint32_t sc_ir_or2(struct sc_ir *ir, uint32_t a, uint32_t b)
{
	uint32_t k[2] = {a, b};

	return nary(ir, false, k, 2);
}

const struct sc_irnode *sc_ir_get_node(const struct sc_ir *ir, uint32_t id)
{
	return id && id < ir->nnodes ? ir->nodes[id] : NULL;
}

uint32_t sc_ir_nnodes(const struct sc_ir *ir)
{
	return ir->nnodes;
}

const char *sc_atom_kind_name(enum sc_atom_kind k)
{
	switch (k) {
	case SC_ATOM_STR:
		return "string";
	case SC_ATOM_NUM:
		return "number";
	case SC_ATOM_REGEX:
		return "regex";
	case SC_ATOM_CIDR:
		return "cidr";
	case SC_ATOM_NULL:
		return "null";
	case SC_ATOM_EXISTS:
		return "exists";
	case SC_ATOM_FIELDREF:
		return "fieldref";
	case SC_ATOM_TIMEPART:
		return "timepart";
	}
	return "?";
}

const char *sc_match_name(enum sc_match m)
{
	switch (m) {
	case SC_MATCH_EQ:
		return "equals";
	case SC_MATCH_CONTAINS:
		return "contains";
	case SC_MATCH_PREFIX:
		return "startswith";
	case SC_MATCH_SUFFIX:
		return "endswith";
	case SC_MATCH_GLOB:
		return "glob";
	case SC_MATCH_ANY:
		return "any";
	}
	return "?";
}

const char *sc_cmp_name(enum sc_cmp c)
{
	switch (c) {
	case SC_CMP_EQ:
		return "eq";
	case SC_CMP_LT:
		return "lt";
	case SC_CMP_LTE:
		return "lte";
	case SC_CMP_GT:
		return "gt";
	case SC_CMP_GTE:
		return "gte";
	}
	return "?";
}

const char *sc_timepart_name(enum sc_timepart p)
{
	switch (p) {
	case SC_TP_MINUTE:
		return "minute";
	case SC_TP_HOUR:
		return "hour";
	case SC_TP_DAY:
		return "day";
	case SC_TP_WEEK:
		return "week";
	case SC_TP_MONTH:
		return "month";
	case SC_TP_YEAR:
		return "year";
	}
	return "?";
}

const char *sc_irop_name(enum sc_irop op)
{
	switch (op) {
	case SC_IR_FALSE:
		return "false";
	case SC_IR_TRUE:
		return "true";
	case SC_IR_ATOM:
		return "atom";
	case SC_IR_NOT:
		return "not";
	case SC_IR_AND:
		return "and";
	case SC_IR_OR:
		return "or";
	}
	return "?";
}
