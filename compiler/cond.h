/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sigma conditions: the AST, the parser entry point (re2c lexer in
 * cond_lexer.re, lemon grammar in cond_grammar.y, driver in cond_parse.c)
 * and name resolution against a rule's search identifiers.
 *
 * Grammar (sigma-reference A4; keywords are lower case):
 *   expr := expr "or" expr | expr "and" expr | "not" expr | "(" expr ")"
 *         | IDENT | QUANT "of" (IDENT | PATTERN | "them")
 *   QUANT := "1" | "any" | "all"
 * Precedence, loosest first: or < and < not < x of < ( ).
 */
#ifndef SC_COND_H
#define SC_COND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct sc_ctx;
struct sc_rule;
struct sc_node;
struct sc_detection;

enum sc_cond_op {
	SC_COND_AND = 1,
	SC_COND_OR,
	SC_COND_NOT,
	SC_COND_IDENT,	/* a search identifier */
	SC_COND_ONE_OF, /* 1 of / any of */
	SC_COND_ALL_OF, /* all of */
};

struct sc_cond {
	enum sc_cond_op op;
	struct sc_cond *l;    /* AND, OR: left; NOT: operand */
	struct sc_cond *r;    /* AND, OR: right */
	const char *name;     /* IDENT: identifier; *_OF: pattern (NULL for "them") */
	uint32_t off;	      /* byte offset in the condition string */
	uint32_t *refs;	      /* after resolution: identifier indices (IDENT: one) */
	uint32_t nrefs;
};

/* Limits. */
#define SC_COND_MAX_TOKENS 4096
#define SC_COND_MAX_DEPTH  64

/*
 * Parse the condition string held by scalar node cn of rule r. On success
 * returns the AST (arena). On error reports a diagnostic (syntax errors at
 * the offending column) and returns NULL.
 */
struct sc_cond *sc_cond_parse(struct sc_ctx *ctx, struct sc_rule *r, const struct sc_node *cn);

/*
 * Parse a condition from a bare string (no YAML position): used by the
 * fuzzer and unit tests. Diagnostics are reported for rule r (whose file
 * may be NULL) at line 1, column off + 1.
 */
struct sc_cond *sc_cond_parse_str(struct sc_ctx *ctx, struct sc_rule *r, const char *s,
				  size_t len);

/*
 * Resolve identifiers and patterns of cond against detection det: fills
 * refs, marks det->used. Errors: undefined identifier, pattern matching
 * nothing. cn is the condition's YAML node (for positions). Returns 0 or
 * -EINVAL after reporting.
 */
int sc_cond_resolve(struct sc_ctx *ctx, struct sc_rule *r, const struct sc_node *cn,
		    struct sc_detection *det, struct sc_cond *cond);

/* ---- used by the grammar actions (cond_grammar.y) ---- */

struct sc_cond_tok {
	const char *s; /* token text (not NUL-terminated) */
	uint32_t n;    /* length */
	uint32_t off;  /* byte offset in the condition */
};

struct sc_cond_pctx {
	struct sc_ctx *ctx;
	struct sc_rule *rule;
	const struct sc_node *cn; /* condition node, or NULL (bare string) */
	struct sc_cond *root;	  /* result */
	bool failed;		  /* an error was reported */
};

struct sc_cond *sc_cond_bin(struct sc_cond_pctx *pc, enum sc_cond_op op, struct sc_cond *l,
			    struct sc_cond *r);
struct sc_cond *sc_cond_not(struct sc_cond_pctx *pc, struct sc_cond *x, uint32_t off);
struct sc_cond *sc_cond_ident(struct sc_cond_pctx *pc, const struct sc_cond_tok *t);
struct sc_cond *sc_cond_quant(struct sc_cond_pctx *pc, const struct sc_cond_tok *q,
			      const struct sc_cond_tok *target, bool them);
void sc_cond_error(struct sc_cond_pctx *pc, enum sc_code code, uint32_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* lemon entry points (cond_grammar.c), declared for -Wmissing-prototypes. */
void *sc_cond_parserAlloc(void *(*alloc)(size_t), struct sc_cond_pctx *pc);
void sc_cond_parser(void *p, int major, struct sc_cond_tok minor);
void sc_cond_parserFree(void *p, void (*dealloc)(void *));
void sc_cond_parserInit(void *p, struct sc_cond_pctx *pc);
void sc_cond_parserFinalize(void *p);
int sc_cond_parserFallback(int token);

/*
 * re2c tokenizer (cond_lexer.re): the next token of the condition that
 * starts at base, from *cur (lim is the end; *lim must be a NUL byte).
 * Fills t (offsets relative to base), advances *cur, returns SC_TK_* or
 * one of the pseudo-tokens below.
 */
int sc_cond_lex(const unsigned char *base, const unsigned char **cur, const unsigned char *lim,
		struct sc_cond_tok *t);

/* Pseudo-tokens the lexer returns besides the grammar's SC_TK_* codes. */
#define SC_CONDLEX_EOF	   0
#define SC_CONDLEX_PIPE	   1000
#define SC_CONDLEX_BADCHAR 1001

#endif /* SC_COND_H */
