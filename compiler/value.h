/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Typed Sigma values and the application of modifier chains to them: the
 * part of pySigma's SigmaDetectionItem that turns a YAML value plus
 * "|contains|windash" into the values actually searched for. Type checks
 * follow pySigma: a modifier that does not accept the value's type is an
 * error at the modifier's position.
 */
#ifndef SC_VALUE_H
#define SC_VALUE_H

#include <stdbool.h>
#include <stdint.h>

#include "encode.h"
#include "ir.h"
#include "sstr.h"

struct sc_ctx;
struct sc_rule;
struct sc_det_item;
struct sc_node;

enum sc_vtype {
	SC_V_STR = 1,
	SC_V_NUM,
	SC_V_BOOL,
	SC_V_NULL,
	SC_V_RE,
	SC_V_CIDR,
	SC_V_CMP,
	SC_V_EXISTS,
	SC_V_FIELDREF,
	SC_V_TIMEPART,
};

struct sc_value {
	enum sc_vtype t;
	struct sc_sstr s;     /* STR */
	bool cased;	      /* STR: |cased */
	bool encoded;	      /* STR: produced by an encoding modifier */
	double d;	      /* NUM, CMP, TIMEPART */
	int64_t i;	      /* when is_int */
	bool is_int;	      /* integral and fits int64_t */
	const char *text;     /* canonical decimal text of the number */
	bool b;		      /* BOOL, EXISTS */
	const char *re;	      /* RE: pattern as written */
	uint32_t relen;	      /* RE: bytes */
	uint32_t reflags;     /* RE: SC_RE_FLAG_* from i/m/s */
	struct sc_cidr cidr;  /* CIDR */
	enum sc_cmp cmp;      /* CMP */
	enum sc_timepart part; /* TIMEPART */
	const char *ref;      /* FIELDREF: the other field */
	bool ref_start;	      /* FIELDREF: |startswith or |contains applied */
	bool ref_end;	      /* FIELDREF: |endswith or |contains applied */
	/*
	 * |expand: which placeholder value (1-based) this variant carries. The
	 * values a placeholder expands into are values of the item in their
	 * own right, as in pySigma (|all ANDs them); other variants OR.
	 */
	uint32_t group;
};

/* Expansion limit per value (windash, base64offset, placeholders). */
#define SC_MAX_VARIANTS 4096

/*
 * Apply the value modifiers of item it to YAML scalar v. The variants the
 * modifiers produce (ORed, even under |all) are returned in *ret (arena),
 * *ret_n of them. Returns 0, or -EINVAL after reporting a diagnostic.
 */
int sc_value_apply(struct sc_ctx *ctx, struct sc_rule *r, const struct sc_det_item *it,
		   const struct sc_node *v, struct sc_value **ret, uint32_t *ret_n);

/* pySigma's str() of a number: "4688", "0.5", "1e-05". */
const char *sc_number_text(struct sc_ctx *ctx, double d, int64_t i, bool is_int);

#endif /* SC_VALUE_H */
