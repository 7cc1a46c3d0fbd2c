// SPDX-License-Identifier: Apache-2.0
/*
 * Text renderings of parsed regexes (regex.h): class names, the feature
 * list that explains a class, and sc_re_dump(), a canonical S-expression of
 * the AST for golden tests and debugging. The dump is on one line, its
 * items separated by single spaces, and depends on nothing but the AST:
 *
 *   (empty)                         SC_RE_EMPTY
 *   'a'  10  'a'/i  955/i           SC_RE_CHAR: 'c' for printable ASCII but
 *                                   ' and \, else the decimal code point;
 *                                   "/i" when fold is set
 *   (named {EM DASH})               SC_RE_CHAR of an unresolved \N{...}
 *   (class 48-57 95)                SC_RE_CLASS: decimal ranges lo-hi, or lo
 *                                   alone when lo == hi; "(class)" if empty
 *   (any)  (any dotall)             SC_RE_ANY
 *   (cat K...)  (alt K...)          SC_RE_CONCAT, SC_RE_ALT
 *   (rep MIN MAX greedy|lazy K)     SC_RE_REPEAT; MAX is "inf" if unbounded
 *   (group K)                       SC_RE_GROUP, not capturing
 *   (capture N K)  (capture N <name> K)
 *   (bol) (bol multiline) (eol) (eol multiline) (bot) (eot)
 *   (wordb) (wordb ascii) (nwordb) (nwordb ascii)
 *   (backref N)
 *   (look ahead|behind pos|neg K)
 *   (atomic K)                      SC_RE_ATOMIC, also for a*+ and the like
 *   (cond N YES NO)
 * For example, a+[0-9] gives "(cat (rep 1 inf greedy 'a') (class 48-57))".
 */
#include "regex.h"

#include "buf.h"

const char *sc_re_class_name(enum sc_re_class cls)
{
	switch (cls) {
	case SC_RE_DFA:
		return "dfa";
	case SC_RE_REWRITE:
		return "rewrite";
	case SC_RE_UNSUPPORTED:
		return "unsupported";
	}
	return "?";
}

void sc_re_features_describe(uint32_t features, struct sc_buf *out)
{
	static const char *const names[] = {
		"inline-flags", "modifier-flags", "lazy",	   "inner-anchor", "word-boundary",
		"text-anchor",	"large-count",	  "backreference", "lookaround",   "atomic-group",
		"possessive",	"conditional",	  "huge-count",	   "named-char",
	};
	bool sep = false;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(features & (1u << i)))
			continue;
		if (sep)
			sc_buf_putc(out, ',');
		sc_buf_puts(out, names[i]);
		sep = true;
	}
}

/* Nodes without children, rendered whole. */
static bool dump_leaf(const struct sc_re_node *n, struct sc_buf *out)
{
	uint32_t i;

	switch (n->op) {
	case SC_RE_EMPTY:
		sc_buf_puts(out, "(empty)");
		return true;
	case SC_RE_CHAR:
		if (n->name)
			sc_buf_printf(out, "(named {%s})", n->name);
		else if (n->cp >= 0x20 && n->cp < 0x7F && n->cp != '\'' && n->cp != '\\')
			sc_buf_printf(out, "'%c'", (char)n->cp);
		else
			sc_buf_printf(out, "%u", n->cp);
		if (n->fold)
			sc_buf_puts(out, "/i");
		return true;
	case SC_RE_CLASS:
		sc_buf_puts(out, "(class");
		for (i = 0; i < n->nranges; i++) {
			if (n->ranges[i].lo == n->ranges[i].hi)
				sc_buf_printf(out, " %u", n->ranges[i].lo);
			else
				sc_buf_printf(out, " %u-%u", n->ranges[i].lo, n->ranges[i].hi);
		}
		sc_buf_putc(out, ')');
		return true;
	case SC_RE_ANY:
		sc_buf_puts(out, n->dotall ? "(any dotall)" : "(any)");
		return true;
	case SC_RE_BOL:
		sc_buf_puts(out, n->multiline ? "(bol multiline)" : "(bol)");
		return true;
	case SC_RE_EOL:
		sc_buf_puts(out, n->multiline ? "(eol multiline)" : "(eol)");
		return true;
	case SC_RE_BOT:
		sc_buf_puts(out, "(bot)");
		return true;
	case SC_RE_EOT:
		sc_buf_puts(out, "(eot)");
		return true;
	case SC_RE_WORDB:
		sc_buf_puts(out, n->ascii ? "(wordb ascii)" : "(wordb)");
		return true;
	case SC_RE_NWORDB:
		sc_buf_puts(out, n->ascii ? "(nwordb ascii)" : "(nwordb)");
		return true;
	case SC_RE_BACKREF:
		sc_buf_printf(out, "(backref %u)", n->min);
		return true;
	default:
		return false;
	}
}

void sc_re_dump(const struct sc_re_node *n, struct sc_buf *out)
{
	uint32_t i;

	if (dump_leaf(n, out))
		return;
	switch (n->op) {
	case SC_RE_CONCAT:
		sc_buf_puts(out, "(cat");
		break;
	case SC_RE_ALT:
		sc_buf_puts(out, "(alt");
		break;
	case SC_RE_REPEAT:
		sc_buf_printf(out, "(rep %u ", n->min);
		if (n->max == SC_RE_INF)
			sc_buf_puts(out, "inf");
		else
			sc_buf_printf(out, "%u", n->max);
		sc_buf_puts(out, n->greedy ? " greedy" : " lazy");
		break;
	case SC_RE_GROUP:
		if (!n->capture)
			sc_buf_puts(out, "(group");
		else if (n->name)
			sc_buf_printf(out, "(capture %u <%s>", n->min, n->name);
		else
			sc_buf_printf(out, "(capture %u", n->min);
		break;
	case SC_RE_LOOK:
		sc_buf_printf(out, "(look %s %s", n->behind ? "behind" : "ahead",
			      n->negate ? "neg" : "pos");
		break;
	case SC_RE_ATOMIC:
		sc_buf_puts(out, "(atomic");
		break;
	case SC_RE_COND:
		sc_buf_printf(out, "(cond %u", n->min);
		break;
	default:
		sc_buf_printf(out, "(op%d", (int)n->op);
		break;
	}
	for (i = 0; i < n->nkids; i++) {
		sc_buf_putc(out, ' ');
		sc_re_dump(n->kids[i], out);
	}
	sc_buf_putc(out, ')');
}
