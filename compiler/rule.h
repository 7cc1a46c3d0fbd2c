/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rule model: what a Sigma document says, checked against the
 * specification (sigma-reference A1, A2, A5, A6) but not yet lowered to the
 * IR. One struct sc_rule per YAML document: a detection rule, a correlation
 * or a filter. Everything is allocated from the compilation arena and
 * points into the YAML node tree, which stays alive as long as the rules.
 */
#ifndef SC_RULE_H
#define SC_RULE_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"

struct sc_ctx;
struct sc_node;
struct sc_yaml_file;
struct sc_cond;

enum sc_doc_kind {
	SC_DOC_RULE = 1,
	SC_DOC_CORRELATION,
	SC_DOC_FILTER,
};

enum sc_status {
	SC_STATUS_NONE = 0,
	SC_STATUS_STABLE,
	SC_STATUS_TEST,
	SC_STATUS_EXPERIMENTAL,
	SC_STATUS_DEPRECATED,
	SC_STATUS_UNSUPPORTED,
	_SC_STATUS_MAX,
};

enum sc_level {
	SC_LEVEL_NONE = 0,
	SC_LEVEL_INFORMATIONAL,
	SC_LEVEL_LOW,
	SC_LEVEL_MEDIUM,
	SC_LEVEL_HIGH,
	SC_LEVEL_CRITICAL,
	_SC_LEVEL_MAX,
};

/* A list of strings from YAML, with the position of each. */
struct sc_strlist {
	const char **v;
	struct sc_pos *pos;
	uint32_t n;
};

struct sc_related {
	const char *id;	  /* UUID */
	const char *type; /* derived, obsolete, merged, renamed, similar */
};

struct sc_logsource {
	const char *category;	/* NULL when absent */
	const char *product;	/* NULL when absent */
	const char *service;	/* NULL when absent */
	const char *definition; /* NULL when absent */
	struct sc_pos pos;	/* the logsource mapping */
};

/*
 * Value modifiers, in the order of the Sigma specification's appendix.
 * Names as written in rules are in sc_mod_name().
 */
enum sc_mod {
	SC_MOD_CONTAINS = 0,
	SC_MOD_STARTSWITH,
	SC_MOD_ENDSWITH,
	SC_MOD_ALL,
	SC_MOD_EXISTS,
	SC_MOD_CASED,
	SC_MOD_NEQ,
	SC_MOD_WINDASH,
	SC_MOD_RE,
	SC_MOD_RE_I,
	SC_MOD_RE_M,
	SC_MOD_RE_S,
	SC_MOD_BASE64,
	SC_MOD_BASE64OFFSET,
	SC_MOD_UTF16LE,
	SC_MOD_UTF16BE,
	SC_MOD_UTF16,
	SC_MOD_CIDR,
	SC_MOD_LT,
	SC_MOD_LTE,
	SC_MOD_GT,
	SC_MOD_GTE,
	SC_MOD_MINUTE,
	SC_MOD_HOUR,
	SC_MOD_DAY,
	SC_MOD_WEEK,
	SC_MOD_MONTH,
	SC_MOD_YEAR,
	SC_MOD_EXPAND,
	SC_MOD_FIELDREF,
	_SC_MOD_MAX,
};

#define SC_MAX_MODS 16

/*
 * One detection item: "Field|mod|mod: value(s)" inside a selection map, or
 * a keyword list (field NULL). Values are the YAML scalar nodes.
 */
struct sc_det_item {
	const char *field;	       /* NULL for keywords */
	const struct sc_node *key;     /* the key node ("Field|mods"), NULL for a bare list */
	enum sc_mod mods[SC_MAX_MODS]; /* in the order written */
	struct sc_pos mod_pos[SC_MAX_MODS];
	uint8_t nmods;
	const struct sc_node **values; /* scalar nodes */
	uint32_t nvalues;
	bool from_list; /* values were written as a YAML list */
	bool all;	/* |all: values are ANDed */
	bool neq;	/* |neq: the item is negated */
};

enum sc_sel_kind {
	SC_SEL_AND = 1, /* a mapping: all entries */
	SC_SEL_OR,	/* a list of mappings (or of nested selections) */
	SC_SEL_ITEM,	/* one detection item */
};

struct sc_sel {
	enum sc_sel_kind kind;
	struct sc_pos pos;
	struct sc_sel **kids; /* AND/OR */
	uint32_t nkids;
	struct sc_det_item *item; /* ITEM */
};

struct sc_detection {
	uint32_t n;		   /* search identifiers */
	const char **names;	   /* identifier names */
	struct sc_pos *name_pos;   /* position of each identifier key */
	struct sc_sel **sels;	   /* selection of each identifier */
	bool *used;		   /* set by condition resolution */
	const struct sc_node *condition; /* string or list of strings */
	struct sc_cond **conds;	   /* parsed conditions (ORed when several) */
	uint32_t nconds;
};

enum sc_corr_type {
	SC_CORR_EVENT_COUNT = 1,
	SC_CORR_VALUE_COUNT,
	SC_CORR_TEMPORAL,
	SC_CORR_TEMPORAL_ORDERED,
	SC_CORR_VALUE_SUM,
	SC_CORR_VALUE_AVG,
	SC_CORR_VALUE_PERCENTILE,
	SC_CORR_VALUE_MEDIAN,
};

enum sc_corr_op {
	SC_CORR_GT = 1,
	SC_CORR_GTE,
	SC_CORR_LT,
	SC_CORR_LTE,
	SC_CORR_EQ,
	SC_CORR_NEQ,
};

struct sc_corr_cond {
	enum sc_corr_op op;
	double value;
};

struct sc_correlation {
	enum sc_corr_type type;
	struct sc_strlist rules;    /* referenced rule ids or names */
	struct sc_strlist group_by; /* fields */
	uint64_t timespan_s;	    /* seconds */
	const char *timespan;	    /* as written */
	struct sc_corr_cond cond[2]; /* one criterion, or two forming a range */
	uint32_t ncond;
	struct sc_strlist fields; /* condition field(s) for value_* types */
	double percentile;	  /* value_percentile */
	bool generate;
	const char *cond_expr; /* string condition of temporal types (pySigma extension) */
};

struct sc_filter {
	struct sc_strlist rules; /* rule ids or names; n == 0 with any = true */
	bool any;		 /* rules: any (or an empty list) */
};

struct sc_rule {
	enum sc_doc_kind kind;
	const struct sc_yaml_file *file;
	const struct sc_node *root;
	uint32_t doc_index;
	struct sc_pos pos; /* document start */

	const char *title;
	const char *id;	  /* UUID, or NULL */
	const char *name; /* or NULL */
	struct sc_pos id_pos, name_pos;
	const char *description, *author, *license, *date, *modified, *taxonomy;
	enum sc_status status;
	enum sc_level level;
	struct sc_strlist tags, references, falsepositives, fields, scope;
	struct sc_related *related;
	uint32_t nrelated;

	struct sc_logsource logsource;	  /* rules and filters */
	struct sc_detection *detection;	  /* rules, and filters (their selections) */
	struct sc_correlation *corr;	  /* correlations */
	struct sc_filter *filter;	  /* filters */

	size_t diag_mark;	  /* first diagnostic of this document */
	bool rejected;		  /* an error was reported for this document */
	enum sc_code reject_code; /* the first error's code */
	uint32_t ir_root;	  /* IR node of the condition (accepted rules) */
	uint32_t seq;		  /* position among all documents, input order */
};

/* Name of a modifier as written, e.g. "base64offset". */
const char *sc_mod_name(enum sc_mod m);

/* Parse a modifier name; returns -1 if unknown. Long aliases are accepted. */
int sc_mod_parse(const char *s, size_t n);

const char *sc_status_name(enum sc_status s);
const char *sc_level_name(enum sc_level l);

/*
 * Build the rule model of one YAML document (file f, document index i):
 * classify it, check every metadata key, and for rules and filters parse
 * the detection and its condition. Returns the rule (never NULL); problems
 * are diagnostics, and rule->rejected says whether any was an error.
 */
struct sc_rule *sc_rule_load(struct sc_ctx *ctx, const struct sc_yaml_file *f, uint32_t i);

/* Metadata checks shared by all document kinds (rule_meta.c). */
void sc_rule_meta_load(struct sc_ctx *ctx, struct sc_rule *r);

/* Detection parsing (detection.c); d is "detection" or a filter's "filter". */
struct sc_detection *sc_detection_load(struct sc_ctx *ctx, struct sc_rule *r,
				       const struct sc_node *d, bool is_filter);

/* Correlation and filter documents (correlation.c, filter.c). */
void sc_correlation_load(struct sc_ctx *ctx, struct sc_rule *r);
void sc_filter_load(struct sc_ctx *ctx, struct sc_rule *r);

#endif /* SC_RULE_H */
