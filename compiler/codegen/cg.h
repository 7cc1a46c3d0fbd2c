/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The code generator's model of a compiled rule set, built from the IR of
 * the selected rules (select.c), then turned into matcher tables (dfa.c,
 * phash.c, matchers.c) and written out as C (emit_*.c). Everything here is
 * build-time data owned by struct sc_cg and freed with it; the generated C
 * holds the run-time form (include/agent/gen_abi.h).
 */
#ifndef SC_CG_H
#define SC_CG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct sc_ctx;
struct sc_rule;
struct sc_atom;
struct sc_arena;
struct sc_gram_freq;

/* Generic growable vector of uint32_t (heap). */
struct sc_u32v {
	uint32_t *v;
	uint32_t n, cap;
};

void sc_u32v_push(struct sc_u32v *v, uint32_t x);
void sc_u32v_done(struct sc_u32v *v);
/* qsort() order of uint32_t values. */
int sc_u32_cmp(const void *a, const void *b);

/* How an atom is computed at run time. */
enum sc_cg_eval {
	SC_CG_INDEXED = 1, /* set by a literal matcher of the group's field */
	SC_CG_LAZY,	   /* computed on demand when a candidate rule needs it */
};

struct sc_cg_atom {
	const struct sc_atom *ir; /* the IR atom */
	uint32_t index;		  /* dense index in the generated atom table */
	enum sc_cg_eval eval;
	uint32_t regex;	   /* REGEX: index in the regex table */
	uint32_t cidr;	   /* CIDR: index in the cidr table */
	double weight;	   /* estimated probability of being true (anchor choice) */
	/* REGEX, glob STR: folded literals one of which every match contains (prefilter) */
	const uint8_t **pre;
	uint32_t *npre_len;
	uint32_t npre;
};

/* Hit atom flag of a prefilter hit: the atom becomes "maybe", not true. */
#define SC_CG_MAYBE 0x80000000u

/* A literal pattern for a matcher: bytes (folded unless cased) and who fires. */
struct sc_cg_lit {
	const uint8_t *s;
	uint32_t n;
	uint32_t hit; /* hit index in the group */
};

/* The literal matchers of one field in one group (see struct sgr_fmatch). */
struct sc_cg_fmatch {
	uint32_t field;
	bool cased;
	struct sc_cg_lit *eq, *prefix, *suffix, *contains;
	uint32_t neq, nprefix, nsuffix, ncontains;
	uint32_t capeq, capprefix, capsuffix, capcontains;
	struct sc_u32v any;	    /* hits that fire on any present value */
	double *num;		    /* numeric equality values */
	uint32_t *num_hit;
	uint32_t nnum, capnum;
};

struct sc_cg_hit {
	uint32_t atom;	       /* dense atom index */
	struct sc_u32v rules;  /* group-local candidate rules (dense rule indices) */
};

struct sc_cg_group {
	const char *product, *category, *service;
	struct sc_u32v rules;	  /* dense rule indices */
	struct sc_u32v always;	  /* rules without an anchor */
	struct sc_cg_fmatch *fm;  /* by field, sorted by field id */
	uint32_t nfm, capfm;
	struct sc_cg_fmatch *kw;  /* keyword matcher, or NULL */
	struct sc_cg_hit *hits;
	uint32_t nhits, caphits;
	uint32_t *hit_of_atom;	  /* dense atom -> hit index + 1 (0: none) */
};

struct sc_cg_rule {
	struct sc_rule *r;
	uint32_t index;	  /* dense index in the generated rule table */
	uint32_t group;
	uint32_t root;	  /* IR node */
	struct sc_u32v anchors; /* dense atom indices whose firing makes it a candidate */
	struct sc_u32v filters; /* ctx->rules indices of the filters applied to it */
};

enum sc_rule_state {
	SC_RS_COMPILED = 1,
	SC_RS_REJECTED,
	SC_RS_EXCLUDED, /* not for this target, status or level */
};

struct sc_cg_opts {
	int target;	      /* enum sc_target */
	unsigned status_mask; /* bit per enum sc_status allowed */
	int min_level;	      /* enum sc_level */
	const char *rules_root; /* paths in output are made relative to it, or NULL */
};

struct sc_cg {
	struct sc_ctx *ctx;
	struct sc_cg_opts opts;
	struct sc_cg_rule *rules; /* compiled rules, in input order */
	uint32_t nrules;
	struct sc_cg_group *groups;
	uint32_t ngroups;
	struct sc_cg_atom *atoms; /* dense atoms */
	uint32_t natoms;
	uint32_t *atom_index;	  /* IR atom id -> dense index + 1 (0: unused) */
	uint32_t nregex, ncidr;
	uint32_t *regex_atom;	  /* regex index -> dense atom */
	uint32_t *cidr_atom;	  /* cidr index -> dense atom */
	uint32_t nfields;	  /* field ids 0..nfields-1 (IR field ids) */
	enum sc_rule_state *state; /* by ctx->rules index */
	const char **why;	  /* excluded: reason (by ctx->rules index) */
	char digest[33];	  /* hex digest of the inputs */
	struct sc_gram_freq *gram_freq; /* gram counts for contains matchers (grams.c) */
};

/*
 * Select the rules to compile (target, status, level), group them by
 * logsource, number atoms densely, and choose anchors. Returns 0 or -errno.
 */
int sc_cg_build(struct sc_ctx *ctx, const struct sc_cg_opts *opts, struct sc_cg **ret);
void sc_cg_free(struct sc_cg *cg);

/* Anchor choice (anchor.c): fills rules[].anchors and groups[].always. */
void sc_cg_choose_anchors(struct sc_cg *cg);

/* Matchers (matchers.c): fills groups[].fm, kw, hits from anchors and atoms. */
void sc_cg_build_matchers(struct sc_cg *cg);

/*
 * Write the generated sources into outdir: sgr_ruleset.c, sgr_match.c,
 * sgr_cond_N.c, sgr_regex.re, manifest.json. Returns 0 or -errno (reported
 * on stderr by the caller).
 */
int sc_cg_emit(struct sc_cg *cg, const char *outdir);

/* The digest of the inputs (files, placeholder values, options) into cg->digest. */
void sc_cg_digest(struct sc_cg *cg);

#endif /* SC_CG_H */
