/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal interface of the regex emitter (regex_emit.h), shared by its
 * files, in pipeline order (each depends only on the ones before it):
 *   regex_rx.c      code point sets, hash-consed rx nodes, lowering of the
 *                   parser's AST, search simplification;
 *   regex_assert.c  kinds of code points and the assertion product;
 *   regex_est.c     the DFA size estimate;
 *   regex_alpha.c   the class alphabet and the YYPEEK function;
 *   regex_block.c   re2c text of class-level expressions, local blocks;
 *   regex_strat.c   the strategies CONST, RUN, DFA and ANCHORED;
 *   regex_split.c   the strategy SPLIT;
 *   regex_emit.c    the entry points, the strategy policy, the prelude.
 * Nothing here is for use outside those files.
 */
#ifndef SC_REGEX_EMIT_INT_H
#define SC_REGEX_EMIT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "regex.h"
#include "regex_emit.h"

/* Limits of the strategies (regex_emit.c). */
#define DFA_LIMIT	 4000u	  /* estimated DFA states */
#define DFA_WORK_LIMIT	 2000000u /* sum of NFA positions over estimated DFA states */
#define DFA_COST_LIMIT	 12000u	  /* estimated code: states plus transition ranges */
#define NFA_LIMIT	 60000u	  /* Thompson states of the estimate's NFA */
#define UNROLL_LIMIT	 64u	  /* iterations unrolled by the assertion product */
#define KLEENE_LIMIT	 12u	  /* states of a Kleene construction */
#define WORK_LIMIT	 2000000u /* product construction steps */
#define DEF_MIN_TEXT	 24u	  /* shared subexpressions longer than this get a name */
#define BLOCK_COST_LIMIT 6000u	  /* one block of SPLIT */

#define CP_MAX 0x10FFFFu

/* ---------------------------------------------------------------- */
/* Code point sets                                                   */

struct rset {
	const struct sc_re_range *r;
	uint32_t n;
};

struct em;

/* Assertions. */
enum at {
	AT_BOL,
	AT_BOL_M,
	AT_EOL,
	AT_EOL_M,
	AT_BOT,
	AT_EOT,
	AT_B,
	AT_B_A,
	AT_NB,
	AT_NB_A,
};

enum rxk { RX_EMPTY, RX_SET, RX_CAT, RX_ALT, RX_REP, RX_ASSERT };

/* A hash-consed regular expression; NULL stands for the empty language. */
struct rx {
	enum rxk k;
	uint32_t hash;
	uint32_t id;
	struct rset set;   /* SET */
	struct rx **kids;  /* CAT, ALT: >= 2; REP: 1 */
	uint32_t nkids;
	uint32_t min, max; /* REP (max SC_RE_INF for unbounded) */
	enum at at;	   /* ASSERT */
	bool nullable;	   /* matches "" (assertions taken as true) */
	bool has_assert;   /* an ASSERT inside */
	bool first_assert; /* an ASSERT reachable before the first code point */
	bool first_look;   /* ... one that looks at the previous code point */
	/* emission */
	uint32_t mark, refs;
	size_t text; /* length of the expanded text, saturating */
	bool named;
};

/* Context states of the assertion product (regex_assert.c). */
#define PREV_BOT 14u
#define PREV_UNK 15u
#define ST(prev, pend) ((uint16_t)((prev) | ((unsigned)(pend) << 4)))
#define ST_PREV(s)     ((unsigned)(s)&15u)
#define ST_PEND(s)     ((unsigned)(s) >> 4)

struct out {
	uint16_t st;
	struct rx *r;
};

struct outv {
	struct out *v;
	uint32_t n, cap;
};

struct memo {
	struct rx *x;
	uint16_t st;
	bool follow;
	bool used;
	struct outv res;
};

/* Kinds of code points that assertions tell apart. */
enum { KF_NL = 1, KF_WU = 2, KF_WA = 4 };

struct em {
	struct sc_arena *a;
	/* hash-consing */
	struct rx **tab;
	size_t tabcap, ntab;
	uint32_t next_id;
	/* kinds and contexts */
	unsigned nkinds;
	struct rset kset[4];
	unsigned kflags[4];
	int nl_kind; /* -1 when '\n' is not a kind of its own */
	unsigned eot_bit, nlf_bit, all;
	bool need_nl, need_wu, need_wa;
	/* product memo */
	struct memo *memo;
	size_t memocap, nmemo;
	size_t work;
	/* errors */
	bool failed;
	char why[200];
	/* emission */
	uint32_t epoch;
	struct rset anyset; /* every code point but the surrogates */
	const char *peek;   /* name prefix of the YYPEEK function (FN_c) */
	bool rev;	    /* blocks read backwards (SPLIT's prefix) */
	struct rx **bmemo;  /* class-level forms, by rx id */
	uint32_t nbmemo;
};


/* Growable range vector for building sets. */
struct rvec {
	struct sc_re_range *r;
	size_t n, cap;
};

/* Growable vector of rx nodes. */
struct kidv {
	struct rx **v;
	size_t n, cap;
};

/* A DFA size estimate (regex_est.c). */
struct est {
	uint32_t states; /* DFA states (before minimization) */
	uint64_t cost;	 /* sum over states of 1 + symbol ranges with a transition */
	bool over;	 /* a limit was reached: the figures are lower bounds */
};

/* The class alphabet of one function (regex_alpha.c). */
struct calpha {
	uint32_t *lo;	/* start of elementary interval i; interval i ends at lo[i + 1] */
	uint8_t *cls;	/* class id of interval i */
	uint32_t n;	/* intervals (lo[n] = CP_MAX + 1) */
	uint32_t nclass;
};

/* Names of the shared subexpressions of one block (regex_block.c). */
struct names {
	const char *prefix;
	struct sc_buf defs;
};

/* Strategies (regex_strat.c, regex_split.c). */
#define MAX_STARTS 6
#define RUN_MIN	   12u /* C{m} with m >= RUN_MIN: counted in C */
#define CHEAP_COST 1500u

struct start {
	unsigned c0;	 /* PREV_UNK, PREV_BOT or a kind */
	struct outv res; /* (end state, rx) */
};


/*
 * One half of SPLIT, in the direction it is read (X is read backwards from
 * the split point, so its rx is reversed): either one DFA (whole), or a
 * fixed-length part, a gap C{gmin,gmax} walked in C one code point at a
 * time, and the DFA of the rest tried after every admissible gap length.
 * The gap's counter is then the loop variable: a DFA would have to track
 * every place the gap may have started.
 */
struct half {
	struct rx *whole, *fix, *gap, *rest; /* class level; NULL when absent */
	uint32_t gmin, gmax;
	uint32_t states;
	uint64_t cost;
};

/* ---- Sets, rx nodes, lowering, search simplification (regex_rx.c) ---- */

void sc_rx_fail(struct em *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
struct rset sc_rs_make(struct em *e, const struct sc_re_range *r, size_t n);
void sc_rv_push(struct rvec *v, uint32_t lo, uint32_t hi);
struct rset sc_rv_finish(struct em *e, struct rvec *v);
struct rset sc_rs_union(struct em *e, struct rset a, struct rset b);
struct rset sc_rs_inter(struct em *e, struct rset a, struct rset b);
struct rset sc_rs_diff(struct em *e, struct rset a, struct rset b);
struct rset sc_rs_range(struct em *e, uint32_t lo, uint32_t hi);
uint32_t sc_rx_mix(uint32_t h, uint32_t v);
bool sc_rx_at_looks_back(enum at at);
struct rx *sc_rx_empty(struct em *e);
struct rx *sc_rx_set(struct em *e, struct rset s);
void sc_kv_push(struct kidv *v, struct rx *x);
struct rx *sc_rx_catv(struct em *e, struct rx *const *kids, size_t n);
struct rx *sc_rx_cat(struct em *e, struct rx *a, struct rx *b);
struct rx *sc_rx_cat3(struct em *e, struct rx *a, struct rx *b, struct rx *c);
struct rx *sc_rx_altv(struct em *e, struct rx *const *kids, size_t n);
struct rx *sc_rx_alt(struct em *e, struct rx *a, struct rx *b);
struct rx *sc_rx_rep(struct em *e, struct rx *x, uint32_t min, uint32_t max);
struct rset sc_rs_no_surrogates(struct em *e, struct rset s);
struct rx *sc_rx_lower(struct em *e, const struct sc_re_node *n);
struct rx *sc_rx_strip_edge(struct em *e, struct rx *x, bool front);
bool sc_rx_empty_text_match(const struct rx *x);
struct rx *sc_rx_nonempty(struct em *e, struct rx *x);

/* ---- Kinds of code points and the assertion product (regex_assert.c) ---- */

void sc_rx_scan_asserts(struct em *e, const struct rx *x);
void sc_rx_setup_kinds(struct em *e);
void sc_ov_free(struct outv *o);
struct outv sc_rx_apply(struct em *e, struct rx *x, uint16_t st, bool follow);

/* ---- The DFA size estimate (regex_est.c) ---- */

int sc_rx_cmp_u32(const void *a, const void *b);
struct est sc_rx_dfa_estimate(struct rx *x);

/* ---- The class alphabet (regex_alpha.c) ---- */

int sc_calpha_build(struct em *e, struct calpha *ca, struct rx *const *roots, size_t nroots);
void sc_calpha_free(struct calpha *ca);
uint32_t sc_calpha_find(const struct calpha *ca, uint32_t cp);
struct rx *sc_rx_cenc(struct em *e, const struct calpha *ca, struct rx *x);
void sc_rx_class_lead_bytes(const struct calpha *ca, const uint8_t ctab[32], uint8_t btab[32]);
void sc_rx_emit_peek(struct sc_buf *code, const char *fn, const struct calpha *ca);

/* ---- re2c text and blocks (regex_block.c) ---- */

void sc_rx_text(struct sc_buf *b, struct rx *x, struct names *nm);
void sc_rx_block_names(struct em *e, struct rx *x, struct names *nm);
void sc_rx_block_conf(struct sc_buf *b, const char *peek, const char *indent);
void sc_rx_emit_block(struct em *e, struct sc_buf *code, const char *prefix, struct rx *x,
		      const char *indent, const char *action, const char *other);
void sc_rx_first_bytes(const struct rx *x, uint8_t tab[32]);
bool sc_rx_has_star(const struct rx *x);

/* ---- Strategies CONST, RUN, DFA, ANCHORED (regex_strat.c) ---- */

struct rx *sc_rx_suffix(struct em *e, unsigned pend);
void sc_rx_anchored_parts(struct em *e, struct rx *r, unsigned pend, struct rx **a, struct rx **b);
void sc_rx_emit_const(struct sc_buf *out, const char *fn, bool empty, bool other);
struct rx *sc_rx_run_shape(struct em *e, const struct start *st, unsigned nstarts, unsigned *pend);
void sc_rx_emit_run(struct em *e, struct sc_buf *code, const char *fn, struct rx *r0, unsigned pend,
		    bool empty_ans);
void sc_rx_emit_dfa(struct em *e, struct sc_buf *code, const char *fn, struct rx *lb, bool all_free,
		    bool empty_ans);
void sc_rx_emit_anchored(struct em *e, struct sc_buf *code, const char *fn, const struct calpha *ca,
			 const struct start *starts, unsigned nstarts, struct rx **ba,
			 struct rx **bb, bool empty_ans);

/* ---- Strategy SPLIT (regex_split.c) ---- */

bool sc_rx_half_unbounded(const struct half *h);
void sc_rx_emit_split(struct em *e, struct sc_buf *code, const char *fn, const struct calpha *ca,
		      const struct half *hx, const struct half *hy, bool empty_ans);
bool sc_rx_pick_split(struct em *e, const struct calpha *ca, const struct start *st,
		      unsigned nstarts, struct half *bx, struct half *by);

#endif /* SC_REGEX_EMIT_INT_H */
