/* SPDX-License-Identifier: Apache-2.0 */
/*
 * YAML loading through libyaml's event API into an immutable node tree that
 * keeps what Sigma needs and PyYAML throws away: the line and column of
 * every key and scalar, the raw scalar text (dates stay strings, "Field:"
 * with nothing stays an empty plain scalar = null), and whether a scalar
 * was quoted. Multi-document files give one document each. Duplicate keys,
 * non-scalar keys, undefined aliases and alias bombs are diagnosed here.
 */
#ifndef SC_YAML_LOAD_H
#define SC_YAML_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct sc_arena;

enum sc_node_kind {
	SC_NODE_SCALAR = 1,
	SC_NODE_SEQ,
	SC_NODE_MAP,
};

enum sc_style {
	SC_STYLE_PLAIN = 0,
	SC_STYLE_SINGLE,  /* 'quoted' */
	SC_STYLE_DOUBLE,  /* "quoted" */
	SC_STYLE_LITERAL, /* | */
	SC_STYLE_FOLDED,  /* > */
};

struct sc_node {
	enum sc_node_kind kind;
	enum sc_style style;	/* scalars */
	struct sc_pos pos;	/* first character (the quote for quoted scalars) */
	struct sc_pos end;	/* just after the last character */
	const char *tag;	/* explicit tag, resolved ("tag:yaml.org,2002:str"), or NULL */
	const char *str;	/* scalar value after YAML unescaping, NUL-terminated */
	size_t len;		/* scalar value length in bytes (may contain NUL) */
	size_t n;		/* sequence items / mapping entries */
	struct sc_node **items; /* sequence items, or mapping values */
	struct sc_node **keys;	/* mapping keys (scalars), parallel to items */
};

struct sc_doc {
	struct sc_node *root; /* never NULL for a kept document */
	struct sc_pos pos;    /* document start */
	uint32_t index;	      /* 0-based index among the file's documents */
	size_t diag_first;    /* diagnostics the loader reported for this document: */
	size_t diag_end;      /*   indices [diag_first, diag_end) of the sink */
};

struct sc_yaml_file {
	const char *path;	   /* display path (arena) */
	const char *rel;	   /* machine-independent path for generated output (arena) */
	const uint8_t *src;	   /* the file bytes after any UTF-8 BOM (arena), NUL-terminated */
	size_t len;		   /* bytes in src */
	const uint32_t *line_off;  /* byte offset of each line start; line_off[0] = line 1 */
	uint32_t nlines;
	struct sc_doc *docs;	   /* documents loaded in full */
	uint32_t ndocs;
	bool failed;		   /* a YAML error stopped loading (docs holds those before it) */
};

/* Limits (a document exceeding one is an error, the file stops there). */
#define SC_YAML_MAX_DEPTH  64	     /* nesting of sequences and mappings */
#define SC_YAML_MAX_WEIGHT 4000000u /* nodes reachable after alias expansion, per document */

/*
 * Parse src (len bytes; the file's display path is path) into *ret, all from
 * arena a. Diagnostics go to d. Returns 0 (even when the YAML had errors:
 * then ret->failed is set and ret->docs has the documents completed before
 * the error) or -errno on internal failure.
 */
int sc_yaml_load(struct sc_arena *a, struct sc_diags *d, const char *path, const uint8_t *src,
		 size_t len, struct sc_yaml_file **ret);

/* Look up a mapping key; NULL if node is not a mapping or has no such key. */
struct sc_node *sc_node_get(const struct sc_node *map, const char *key);

/* The key node of a mapping entry (for positions); NULL if absent. */
struct sc_node *sc_node_key(const struct sc_node *map, const char *key);

/* True for a scalar equal to s. */
bool sc_node_is(const struct sc_node *n, const char *s);

/*
 * Position of byte offset off of a scalar's value in the source: exact for
 * single-line plain, single- and double-quoted scalars; the scalar's start
 * for block scalars and multi-line flow scalars.
 */
struct sc_pos sc_node_value_pos(const struct sc_yaml_file *f, const struct sc_node *n, size_t off);

/*
 * Type of a scalar, as PyYAML (YAML 1.1, so pySigma) resolves plain
 * scalars, with the two exceptions sigma-reference A9 recommends: only
 * true/false are booleans (not yes/no/on/off) and dates stay strings;
 * base-60 numbers stay strings too. A quoted scalar or one tagged !!str
 * is always a string. Plain: null ("", "~", "null"), boolean, integer
 * (decimal without leading zeros, 0x, 0b, 0-prefixed octal, '_'
 * separators), float (with a '.'), else string.
 */
enum sc_scalar_type {
	SC_SCALAR_STR = 0,
	SC_SCALAR_NULL,
	SC_SCALAR_BOOL,
	SC_SCALAR_INT,
	SC_SCALAR_FLOAT,
};

enum sc_scalar_type sc_scalar_type(const struct sc_node *n);

/* Value of a BOOL scalar. */
bool sc_scalar_bool(const struct sc_node *n);

/*
 * Numeric value of an INT or FLOAT scalar: *ret_d always, and *ret_i with
 * *ret_is_int = true when the value is integral and fits in int64_t (as
 * pySigma's SigmaNumber keeps integral floats as ints). Returns false if
 * the scalar is not numeric.
 */
bool sc_scalar_number(const struct sc_node *n, double *ret_d, int64_t *ret_i, bool *ret_is_int);

/*
 * When a plain scalar is typed in a way a YAML 1.1 reader (PyYAML, so
 * pySigma) would disagree with or that surprises people, a short
 * explanation for a warning; else NULL. Cases: yes/no/on/off (booleans in
 * YAML 1.1, strings here), octal integers (010 is 8, as in PyYAML),
 * base-60 integers (1:30 is 90 in YAML 1.1, a string here).
 */
const char *sc_scalar_yaml11_note(const struct sc_node *n);

/* Human name of a node's type for messages: "string", "list", "mapping", "null", ... */
const char *sc_node_type_name(const struct sc_node *n);

#endif /* SC_YAML_LOAD_H */
