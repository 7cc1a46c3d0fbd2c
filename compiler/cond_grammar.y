/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Lemon grammar of Sigma conditions (sigma-reference A4). Actions only call
 * the sc_cond_* constructors of cond_parse.c; name resolution happens after
 * parsing (sc_cond_resolve). AST nodes live in the compilation arena, so no
 * %destructor is needed: nothing popped from the stack owns heap memory.
 * Edits go here, not into the generated cond_grammar.c.
 */

%include {
#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cond.h"
}

%name sc_cond_parser
%token_prefix SC_TK_
%token_type {struct sc_cond_tok}
%extra_context {struct sc_cond_pctx *pc}
%stack_size 200

%syntax_error {
	(void)yymajor;
	if (!pc->failed) {
		if (TOKEN.n)
			sc_cond_error(pc, SC_E_COND_SYNTAX, TOKEN.off, "unexpected '%.*s'",
				      (int)TOKEN.n, TOKEN.s);
		else
			sc_cond_error(pc, SC_E_COND_SYNTAX, TOKEN.off,
				      "condition ends too early");
	}
}

%stack_overflow {
	if (!pc->failed)
		sc_cond_error(pc, SC_E_COND_DEPTH, 0, "condition nested too deeply");
}

%parse_failure {
	if (!pc->failed)
		sc_cond_error(pc, SC_E_COND_SYNTAX, 0, "condition cannot be parsed");
}

/* Loosest first: or < and < not. "x of" and parentheses are operands. */
%left OR.
%left AND.
%right NOT.

%token LPAREN RPAREN IDENT NUMBER PATTERN ANY ALL OF THEM.

%type expr {struct sc_cond *}
%type quant {struct sc_cond_tok}

start ::= expr(A).			{ pc->root = A; }

expr(A) ::= expr(B) OR expr(C).		{ A = sc_cond_bin(pc, SC_COND_OR, B, C); }
expr(A) ::= expr(B) AND expr(C).	{ A = sc_cond_bin(pc, SC_COND_AND, B, C); }
expr(A) ::= NOT(T) expr(B).		{ A = sc_cond_not(pc, B, T.off); }
expr(A) ::= LPAREN expr(B) RPAREN.	{ A = B; }
expr(A) ::= IDENT(T).			{ A = sc_cond_ident(pc, &T); }
expr(A) ::= NUMBER(T).			{ A = sc_cond_ident(pc, &T); }
expr(A) ::= quant(Q) OF IDENT(T).	{ A = sc_cond_quant(pc, &Q, &T, false); }
expr(A) ::= quant(Q) OF NUMBER(T).	{ A = sc_cond_quant(pc, &Q, &T, false); }
expr(A) ::= quant(Q) OF PATTERN(T).	{ A = sc_cond_quant(pc, &Q, &T, false); }
expr(A) ::= quant(Q) OF THEM(T).	{ A = sc_cond_quant(pc, &Q, &T, true); }

quant(A) ::= NUMBER(T).			{ A = T; }
quant(A) ::= ANY(T).			{ A = T; }
quant(A) ::= ALL(T).			{ A = T; }
