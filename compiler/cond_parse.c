// SPDX-License-Identifier: Apache-2.0
/*
 * Condition parsing driver and name resolution. As in SQLite, the tokenizer
 * calls the parser: the re2c lexer's tokens are checked first for what the
 * grammar cannot explain well (v1 pipes, stray characters, unbalanced
 * parentheses, upper-case keywords), then fed to the lemon parser, whose
 * actions call the constructors below. Resolution then binds identifiers
 * and "x of" patterns to the rule's search identifiers.
 */
#include "cond.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "buf.h"
#include "cond_grammar.h"
#include "ctx.h"
#include "rule.h"
#include "suggest.h"
#include "utf8.h"
#include "yaml_load.h"

static struct sc_pos off_pos(struct sc_cond_pctx *pc, uint32_t off)
{
	struct sc_pos p = {1, off + 1};

	if (pc->cn && pc->rule->file)
		return sc_node_value_pos(pc->rule->file, pc->cn, off);
	return p;
}

void sc_cond_error(struct sc_cond_pctx *pc, enum sc_code code, uint32_t off, const char *fmt, ...)
{
	struct sc_buf b = SC_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sc_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	sc_rule_diag(pc->ctx, pc->rule, code, off_pos(pc, off), "%s", sc_buf_cstr(&b));
	sc_buf_done(&b);
	pc->failed = true;
}

static struct sc_cond *new_node(struct sc_cond_pctx *pc, enum sc_cond_op op, uint32_t off)
{
	struct sc_cond *c = sc_arena_alloc(pc->ctx->arena, sizeof(*c));

	c->op = op;
	c->off = off;
	return c;
}

struct sc_cond *sc_cond_bin(struct sc_cond_pctx *pc, enum sc_cond_op op, struct sc_cond *l,
			    struct sc_cond *r)
{
	struct sc_cond *c = new_node(pc, op, l ? l->off : 0);

	c->l = l;
	c->r = r;
	return c;
}

struct sc_cond *sc_cond_not(struct sc_cond_pctx *pc, struct sc_cond *x, uint32_t off)
{
	struct sc_cond *c = new_node(pc, SC_COND_NOT, off);

	c->l = x;
	return c;
}

struct sc_cond *sc_cond_ident(struct sc_cond_pctx *pc, const struct sc_cond_tok *t)
{
	struct sc_cond *c = new_node(pc, SC_COND_IDENT, t->off);

	c->name = sc_arena_strndup(pc->ctx->arena, t->s, t->n);
	return c;
}

struct sc_cond *sc_cond_quant(struct sc_cond_pctx *pc, const struct sc_cond_tok *q,
			      const struct sc_cond_tok *target, bool them)
{
	enum sc_cond_op op;
	struct sc_cond *c;

	if (q->n == 3 && memcmp(q->s, "all", 3) == 0) {
		op = SC_COND_ALL_OF;
	} else if ((q->n == 3 && memcmp(q->s, "any", 3) == 0) || (q->n == 1 && q->s[0] == '1')) {
		op = SC_COND_ONE_OF;
	} else {
		if (!pc->failed)
			sc_cond_error(pc, SC_E_COND_QUANTIFIER, q->off,
				      "'%.*s of': Sigma only has '1 of', 'any of' and 'all of'",
				      (int)q->n, q->s);
		op = SC_COND_ONE_OF;
	}
	if (!them && memchr(target->s, '-', target->n) && memchr(target->s, '*', target->n) &&
	    !pc->failed)
		sc_cond_error(pc, SC_E_COND_SYNTAX, target->off,
			      "pattern '%.*s' contains '-'; patterns are letters, digits, '_' and "
			      "'*'",
			      (int)target->n, target->s);
	c = new_node(pc, op, q->off);
	if (!them)
		c->name = sc_arena_strndup(pc->ctx->arena, target->s, target->n);
	return c;
}

static bool is_keyword_ci(const struct sc_cond_tok *t)
{
	static const char *const kw[] = {"and", "or", "not", "of"};
	size_t i;

	for (i = 0; i < 4; i++)
		if (t->n == strlen(kw[i]) && strncasecmp(t->s, kw[i], t->n) == 0)
			return true;
	return false;
}

/* "count(" and the other v1 aggregation functions, even without a pipe. */
static bool is_aggregation(const struct sc_cond_tok *t, const unsigned char *next,
			   const unsigned char *lim)
{
	static const char *const fn[] = {"count", "min", "max", "avg", "sum", "near", NULL};
	size_t i;

	if (next >= lim || *next != '(')
		return false;
	for (i = 0; fn[i]; i++)
		if (t->n == strlen(fn[i]) && memcmp(t->s, fn[i], t->n) == 0)
			return true;
	return false;
}

/* Lex everything, check what the grammar reports badly, then parse. */
static struct sc_cond *parse_common(struct sc_cond_pctx *pc, const char *s, size_t len)
{
	const unsigned char *base = (const unsigned char *)s, *cur = base, *lim = base + len;
	struct sc_cond_tok *toks = NULL;
	uint32_t *types = NULL; /* token type of each token */
	size_t ntoks = 0, cap = 0, i, depth = 0;
	void *parser = NULL;
	struct sc_cond *ret = NULL;

	for (;;) {
		struct sc_cond_tok t = {0};
		int tt = sc_cond_lex(base, &cur, lim, &t);

		if (tt == SC_CONDLEX_EOF)
			break;
		if (tt == SC_CONDLEX_PIPE) {
			sc_cond_error(pc, SC_E_COND_PIPE, t.off,
				      "'|' starts a Sigma v1 aggregation ('%.*s'); pipes are not "
				      "part of Sigma v2, use a correlation rule instead",
				      (int)(len - t.off > 40 ? 40 : len - t.off), s + t.off);
			goto out;
		}
		if (tt == SC_CONDLEX_BADCHAR) {
			size_t k = sc_utf8_valid_prefix(base + t.off, len - t.off);

			if (!k)
				sc_cond_error(pc, SC_E_COND_SYNTAX, t.off,
					      "unexpected byte 0x%02x in condition",
					      base[t.off]);
			else
				sc_cond_error(pc, SC_E_COND_SYNTAX, t.off,
					      "unexpected character '%.*s' in condition", (int)k,
					      s + t.off);
			goto out;
		}
		if (tt == SC_TK_IDENT && is_aggregation(&t, cur, lim)) {
			sc_cond_error(pc, SC_E_COND_PIPE, t.off,
				      "'%.*s(' is a Sigma v1 aggregation; aggregations are not part "
				      "of Sigma v2, use a correlation rule instead",
				      (int)t.n, t.s);
			goto out;
		}
		if (tt == SC_TK_IDENT && is_keyword_ci(&t)) {
			sc_cond_error(pc, SC_E_COND_SYNTAX, t.off,
				      "'%.*s': condition keywords are lower case", (int)t.n, t.s);
			goto out;
		}
		if (ntoks == SC_COND_MAX_TOKENS) {
			sc_cond_error(pc, SC_E_LIMIT, t.off, "condition has more than %d tokens",
				      SC_COND_MAX_TOKENS);
			goto out;
		}
		if (ntoks == cap) {
			cap = cap ? 2 * cap : 32;
			toks = sc_xreallocarray(toks, cap, sizeof(*toks));
			types = sc_xreallocarray(types, cap, sizeof(*types));
		}
		toks[ntoks] = t;
		types[ntoks] = (uint32_t)tt;
		ntoks++;
	}
	if (ntoks == 0) {
		sc_cond_error(pc, SC_E_COND_EMPTY, 0, "condition is empty");
		goto out;
	}

	/* Parentheses: report the first unmatched one precisely. */
	{
		uint32_t *open = sc_xreallocarray(NULL, ntoks, sizeof(*open));

		for (i = 0; i < ntoks; i++) {
			if (types[i] == SC_TK_LPAREN) {
				open[depth++] = toks[i].off;
				if (depth > SC_COND_MAX_DEPTH) {
					sc_cond_error(pc, SC_E_COND_DEPTH, toks[i].off,
						      "parentheses nested deeper than %d",
						      SC_COND_MAX_DEPTH);
					free(open);
					goto out;
				}
			} else if (types[i] == SC_TK_RPAREN) {
				if (depth == 0) {
					sc_cond_error(pc, SC_E_COND_PAREN, toks[i].off,
						      "')' without a matching '('");
					free(open);
					goto out;
				}
				depth--;
			}
		}
		if (depth) {
			sc_cond_error(pc, SC_E_COND_PAREN, open[depth - 1],
				      "'(' is never closed");
			free(open);
			goto out;
		}
		free(open);
	}

	parser = sc_cond_parserAlloc(sc_xmalloc, pc);
	for (i = 0; i < ntoks && !pc->failed; i++)
		sc_cond_parser(parser, (int)types[i], toks[i]);
	if (!pc->failed) {
		struct sc_cond_tok end = {s + len, 0, (uint32_t)len};

		sc_cond_parser(parser, 0, end);
	}
	if (!pc->failed)
		ret = pc->root;
out:
	if (parser)
		sc_cond_parserFree(parser, free);
	free(toks);
	free(types);
	return ret;
}

struct sc_cond *sc_cond_parse(struct sc_ctx *ctx, struct sc_rule *r, const struct sc_node *cn)
{
	struct sc_cond_pctx pc = {ctx, r, cn, NULL, false};

	return parse_common(&pc, cn->str, cn->len);
}

struct sc_cond *sc_cond_parse_str(struct sc_ctx *ctx, struct sc_rule *r, const char *s,
				  size_t len)
{
	struct sc_cond_pctx pc = {ctx, r, NULL, NULL, false};
	char *copy = sc_arena_strndup(ctx->arena, s, len); /* the lexer needs a NUL at lim */

	return parse_common(&pc, copy, len);
}

/* Glob match of a Sigma pattern: '*' is any sequence, everything else literal. */
static bool pattern_match(const char *pat, const char *s)
{
	const char *star = NULL, *ss = NULL;

	while (*s) {
		if (*pat == '*') {
			star = pat++;
			ss = s;
		} else if (*pat == *s) {
			pat++;
			s++;
		} else if (star) {
			pat = star + 1;
			s = ++ss;
		} else {
			return false;
		}
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

struct resolver {
	struct sc_cond_pctx pc;
	struct sc_detection *det;
	int depth;
};

static const char *closest_name(const struct sc_detection *det, const char *name)
{
	return sc_suggest(name, strlen(name), det->names, det->n);
}

static int resolve(struct resolver *rs, struct sc_cond *c)
{
	struct sc_arena *a = rs->pc.ctx->arena;
	struct sc_detection *det = rs->det;
	uint32_t i, n = 0;
	int err = 0;

	if (++rs->depth > 10000)
		return -EINVAL; /* cannot happen: the parser's stack is smaller */
	switch (c->op) {
	case SC_COND_AND:
	case SC_COND_OR:
		err = resolve(rs, c->l);
		if (resolve(rs, c->r) < 0)
			err = -EINVAL;
		break;
	case SC_COND_NOT:
		err = resolve(rs, c->l);
		break;
	case SC_COND_IDENT:
		for (i = 0; i < det->n; i++)
			if (strcmp(det->names[i], c->name) == 0)
				break;
		if (i == det->n) {
			const char *hint = closest_name(det, c->name);

			if (hint)
				sc_cond_error(&rs->pc, SC_E_COND_UNDEFINED, c->off,
					      "'%s' is not a search identifier of this rule "
					      "(did you mean '%s'?)",
					      c->name, hint);
			else
				sc_cond_error(&rs->pc, SC_E_COND_UNDEFINED, c->off,
					      "'%s' is not a search identifier of this rule",
					      c->name);
			err = -EINVAL;
			break;
		}
		c->refs = sc_arena_alloc(a, sizeof(*c->refs));
		c->refs[0] = i;
		c->nrefs = 1;
		det->used[i] = true;
		break;
	case SC_COND_ONE_OF:
	case SC_COND_ALL_OF:
		c->refs = sc_arena_array(a, det->n ? det->n : 1, sizeof(*c->refs));
		for (i = 0; i < det->n; i++) {
			const char *name = det->names[i];
			bool hit;

			if (!c->name)
				hit = name[0] != '_';
			else
				hit = pattern_match(c->name, name) &&
				      (name[0] != '_' || c->name[0] == '_');
			if (hit) {
				c->refs[n++] = i;
				det->used[i] = true;
			}
		}
		c->nrefs = n;
		if (n == 0) {
			sc_cond_error(&rs->pc, SC_E_COND_PATTERN_EMPTY, c->off,
				      "'%s of %s' matches no search identifier",
				      c->op == SC_COND_ALL_OF ? "all" : "1",
				      c->name ? c->name : "them");
			err = -EINVAL;
		} else if (!c->name && n == 1) {
			sc_rule_diag(rs->pc.ctx, rs->pc.rule, SC_W_COND_THEM_SINGLE,
				     off_pos(&rs->pc, c->off),
				     "'of them' covers a single search identifier; name it instead");
		}
		break;
	}
	rs->depth--;
	return err;
}

int sc_cond_resolve(struct sc_ctx *ctx, struct sc_rule *r, const struct sc_node *cn,
		    struct sc_detection *det, struct sc_cond *cond)
{
	struct resolver rs;

	memset(&rs, 0, sizeof(rs));
	rs.pc.ctx = ctx;
	rs.pc.rule = r;
	rs.pc.cn = cn;
	rs.det = det;
	return resolve(&rs, cond);
}
