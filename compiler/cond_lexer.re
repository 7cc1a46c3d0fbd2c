// SPDX-License-Identifier: Apache-2.0
/*
 * re2c tokenizer for Sigma conditions. The input is length-delimited (a
 * YAML scalar may contain NUL bytes), so the lexer uses re2c's EOF rule
 * with a bounds check (STYLE.md 4.6): the buffer holds a NUL at lim.
 * Keywords are lower case only, as in pySigma; "AND" is an identifier and
 * the parser reports it. '|' and any byte outside the grammar are returned
 * as pseudo-tokens so the driver can give precise messages.
 */
#include "cond.h"
#include "cond_grammar.h"

int sc_cond_lex(const unsigned char *base, const unsigned char **cur, const unsigned char *lim,
		struct sc_cond_tok *t)
{
	const unsigned char *p = *cur, *tok, *mar;
	int ret;

	(void)mar;
	for (;;) {
		tok = p;
		/*!re2c
		re2c:define:YYCTYPE = "unsigned char";
		re2c:define:YYCURSOR = p;
		re2c:define:YYMARKER = mar;
		re2c:define:YYLIMIT = lim;
		re2c:yyfill:enable = 0;
		re2c:eof = 0;

		ident = [A-Za-z0-9_-]+;
		pat   = [A-Za-z0-9_*-]* "*" [A-Za-z0-9_*-]*;

		$		{ ret = SC_CONDLEX_EOF; goto out; }
		[ \t\r\n\f\v]+	{ continue; }
		"("		{ ret = SC_TK_LPAREN; goto out; }
		")"		{ ret = SC_TK_RPAREN; goto out; }
		"|"		{ ret = SC_CONDLEX_PIPE; goto out; }
		"and"		{ ret = SC_TK_AND; goto out; }
		"or"		{ ret = SC_TK_OR; goto out; }
		"not"		{ ret = SC_TK_NOT; goto out; }
		"of"		{ ret = SC_TK_OF; goto out; }
		"them"		{ ret = SC_TK_THEM; goto out; }
		"any"		{ ret = SC_TK_ANY; goto out; }
		"all"		{ ret = SC_TK_ALL; goto out; }
		[0-9]+		{ ret = SC_TK_NUMBER; goto out; }
		ident		{ ret = SC_TK_IDENT; goto out; }
		pat		{ ret = SC_TK_PATTERN; goto out; }
		*		{ ret = SC_CONDLEX_BADCHAR; goto out; }
		*/
	}
out:
	t->s = (const char *)tok;
	t->n = (uint32_t)(p - tok);
	t->off = (uint32_t)(tok - base);
	*cur = p;
	return ret;
}
