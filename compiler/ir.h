/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The IR: every rule's condition as a DAG of boolean nodes over atoms.
 *
 * An atom is one test of one field of an event (or of the keyword text),
 * with every modifier already applied: the value bytes it holds are the
 * bytes that must be found, after encodings (base64, utf16, windash,
 * placeholder expansion) and after case folding for case-insensitive
 * tests. Atoms and nodes are hash-consed in one table for the whole
 * compilation, so identical tests are shared across rules; the code
 * generator evaluates each shared atom once per event.
 *
 * Node ids and atom ids are dense, allocation-ordered, stable for a given
 * input set. Id 0 is reserved for "none".
 */
#ifndef SC_IR_H
#define SC_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sc_arena;
struct sc_re;

enum sc_atom_kind {
	SC_ATOM_STR = 1,  /* string pattern (match says how) */
	SC_ATOM_NUM,	  /* numeric comparison (cmp) */
	SC_ATOM_REGEX,	  /* regular expression search */
	SC_ATOM_CIDR,	  /* IP address inside a network */
	SC_ATOM_NULL,	  /* field absent or JSON null */
	SC_ATOM_EXISTS,	  /* field present (any value, even empty) */
	SC_ATOM_FIELDREF, /* field compared with another field (match says how) */
	SC_ATOM_TIMEPART, /* part of a timestamp field equals a number */
};

/* How a string (or a field reference) matches. */
enum sc_match {
	SC_MATCH_EQ = 1,   /* whole value equals */
	SC_MATCH_CONTAINS, /* value contains */
	SC_MATCH_PREFIX,   /* value starts with */
	SC_MATCH_SUFFIX,   /* value ends with */
	SC_MATCH_GLOB,	   /* wildcard pattern, see below */
	SC_MATCH_ANY,	   /* any string value at all ("*") */
};

enum sc_cmp {
	SC_CMP_EQ = 1,
	SC_CMP_LT,
	SC_CMP_LTE,
	SC_CMP_GT,
	SC_CMP_GTE,
};

enum sc_timepart {
	SC_TP_MINUTE = 1,
	SC_TP_HOUR,
	SC_TP_DAY,
	SC_TP_WEEK,
	SC_TP_MONTH,
	SC_TP_YEAR,
};

/* Atom flags. */
enum {
	SC_AF_CASED = 1u << 0,	/* STR/FIELDREF: case-sensitive (|cased) */
	SC_AF_RE_I = 1u << 1,	/* REGEX: IGNORECASE */
	SC_AF_RE_M = 1u << 2,	/* REGEX: MULTILINE */
	SC_AF_RE_S = 1u << 3,	/* REGEX: DOTALL */
	SC_AF_ENCODED = 1u << 4, /* STR: value produced by base64/utf16 encoding */
};

/* The field id of keyword atoms (field-less values). */
#define SC_FIELD_KEYWORD 0u

/*
 * STR with match GLOB: val holds the pattern in Sigma's own canonical form:
 * '*' any sequence, '?' one code point, '\*' '\?' '\\' literal characters;
 * no other backslash sequences occur. For the other matches val holds the
 * literal bytes (no escaping). Case-insensitive values are stored folded
 * (utf8.h simple case folding).
 */
struct sc_atom {
	uint32_t id;
	enum sc_atom_kind kind;
	uint32_t field;	    /* field id; SC_FIELD_KEYWORD for keywords */
	enum sc_match match; /* STR, FIELDREF */
	enum sc_cmp cmp;    /* NUM */
	uint32_t flags;	    /* SC_AF_* */
	const uint8_t *val; /* STR literal or pattern; REGEX pattern; FIELDREF other field */
	uint32_t len;	    /* bytes in val */
	/* NUM, TIMEPART */
	double num;	      /* value */
	int64_t inum;	      /* value when is_int */
	bool is_int;	      /* integral and fits int64_t */
	const char *num_text; /* canonical decimal text (pySigma's str(number)) */
	enum sc_timepart part; /* TIMEPART */
	/* CIDR */
	uint8_t family;	  /* 4 or 6 */
	uint8_t prefix;	  /* prefix length */
	uint8_t addr[16]; /* network address, host bits zero */
	/* REGEX */
	const struct sc_re *re; /* parsed pattern (not part of identity) */
	uint32_t hash;
};

enum sc_irop {
	SC_IR_FALSE = 1,
	SC_IR_TRUE,
	SC_IR_ATOM,
	SC_IR_NOT,
	SC_IR_AND,
	SC_IR_OR,
};

struct sc_irnode {
	uint32_t id;
	enum sc_irop op;
	uint32_t atom;	/* ATOM */
	uint32_t *kids; /* NOT: 1; AND/OR: >= 2, sorted by id, no duplicates */
	uint32_t nkids;
	uint32_t hash;
};

struct sc_ir;

/* New empty IR (allocations from arena a). Never returns NULL. */
struct sc_ir *sc_ir_new(struct sc_arena *a);
void sc_ir_free(struct sc_ir *ir);

/* Field names: interned, ids from 1 (0 = keyword). */
uint32_t sc_ir_field(struct sc_ir *ir, const char *name);
const char *sc_ir_field_name(const struct sc_ir *ir, uint32_t id);
uint32_t sc_ir_nfields(const struct sc_ir *ir); /* highest id + 1 */

/*
 * Intern an atom: proto's identity fields (kind, field, match, cmp, flags,
 * val/len, number, part, family/prefix/addr) are compared; val is copied.
 * Returns the atom id.
 */
uint32_t sc_ir_atom(struct sc_ir *ir, const struct sc_atom *proto);
const struct sc_atom *sc_ir_get_atom(const struct sc_ir *ir, uint32_t id);
uint32_t sc_ir_natoms(const struct sc_ir *ir); /* highest id + 1 */

/* Node constructors (simplify and hash-cons). kids may be modified. */
uint32_t sc_ir_true(struct sc_ir *ir);
uint32_t sc_ir_false(struct sc_ir *ir);
uint32_t sc_ir_leaf(struct sc_ir *ir, uint32_t atom);
uint32_t sc_ir_not(struct sc_ir *ir, uint32_t kid);
uint32_t sc_ir_and(struct sc_ir *ir, uint32_t *kids, uint32_t n);
uint32_t sc_ir_or(struct sc_ir *ir, uint32_t *kids, uint32_t n);
uint32_t sc_ir_and2(struct sc_ir *ir, uint32_t a, uint32_t b);
uint32_t sc_ir_or2(struct sc_ir *ir, uint32_t a, uint32_t b);
const struct sc_irnode *sc_ir_get_node(const struct sc_ir *ir, uint32_t id);
uint32_t sc_ir_nnodes(const struct sc_ir *ir); /* highest id + 1 */

/* Names for dumps. */
const char *sc_atom_kind_name(enum sc_atom_kind k);
const char *sc_match_name(enum sc_match m);
const char *sc_cmp_name(enum sc_cmp c);
const char *sc_timepart_name(enum sc_timepart p);
const char *sc_irop_name(enum sc_irop op);

#endif /* SC_IR_H */
