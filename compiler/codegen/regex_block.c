// SPDX-License-Identifier: Apache-2.0
/*
 * re2c code for Sigma regexes: the re2c text of class-level expressions
 * and the local blocks that hold them (regex_emit.c has the pipeline).
 *
 * Every re2c block is a local block with its own configuration (8-bit,
 * no YYFILL, generic API, re2c:eof = 0 with the class peek returning 0 at
 * the limit: NUL bytes in the text are ordinary code points), so the file
 * may be processed with or without --utf8. Texts are valid UTF-8 by
 * contract; invalid bytes still behave as in the reference matcher (one
 * byte, U+FFFD).
 */

#include "regex_emit_int.h"

/* ---------------------------------------------------------------- */
/* re2c text of class-level expressions                              */

static void byte_esc(struct sc_buf *b, uint32_t c, bool in_class)
{
	if ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
		sc_buf_putc(b, (char)c);
	else if (!in_class && c >= 0x20 && c < 0x7F && c != '"' && c != '\\')
		sc_buf_putc(b, (char)c);
	else
		sc_buf_printf(b, "\\x%02X", c);
}

static bool is_single(const struct rx *x)
{
	return x->k == RX_SET && x->set.n == 1 && x->set.r[0].lo == x->set.r[0].hi;
}

static void set_text(struct sc_buf *b, const struct rx *x)
{
	uint32_t i;

	if (x->set.n == 1 && x->set.r[0].lo == 0 && x->set.r[0].hi == 0xFF) {
		sc_buf_puts(b, "[^]");
		return;
	}
	if (is_single(x)) {
		sc_buf_putc(b, '"');
		byte_esc(b, x->set.r[0].lo, false);
		sc_buf_putc(b, '"');
		return;
	}
	sc_buf_putc(b, '[');
	for (i = 0; i < x->set.n; i++) {
		byte_esc(b, x->set.r[i].lo, true);
		if (x->set.r[i].hi != x->set.r[i].lo) {
			if (x->set.r[i].hi > x->set.r[i].lo + 1)
				sc_buf_putc(b, '-');
			byte_esc(b, x->set.r[i].hi, true);
		}
	}
	sc_buf_putc(b, ']');
}

/* Text of x as an operand of a quantifier or a concatenation. */
static void atom_text(struct sc_buf *b, struct rx *x, struct names *nm, bool quant)
{
	bool paren = !x->named && (x->k == RX_ALT || (x->k == RX_CAT && quant) ||
				   (x->k == RX_REP && quant));

	if (paren)
		sc_buf_putc(b, '(');
	sc_rx_text(b, x, nm);
	if (paren)
		sc_buf_putc(b, ')');
}

static void rx_body(struct sc_buf *b, struct rx *x, struct names *nm)
{
	uint32_t i;

	switch (x->k) {
	case RX_EMPTY:
	case RX_ASSERT:
		sc_buf_puts(b, "\"\"");
		break;
	case RX_SET:
		set_text(b, x);
		break;
	case RX_CAT:
		for (i = 0; i < x->nkids; i++) {
			if (i)
				sc_buf_putc(b, ' ');
			if (is_single(x->kids[i]) && !x->kids[i]->named) {
				/* a run of single bytes as one string */
				sc_buf_putc(b, '"');
				for (; i < x->nkids && is_single(x->kids[i]) && !x->kids[i]->named;
				     i++)
					byte_esc(b, x->kids[i]->set.r[0].lo, false);
				sc_buf_putc(b, '"');
				i--;
				continue;
			}
			atom_text(b, x->kids[i], nm, false);
		}
		break;
	case RX_ALT: {
		bool empty = false, first = true;

		for (i = 0; i < x->nkids; i++)
			empty |= x->kids[i]->k == RX_EMPTY;
		if (empty)
			sc_buf_putc(b, '(');
		for (i = 0; i < x->nkids; i++) {
			if (x->kids[i]->k == RX_EMPTY)
				continue;
			if (!first)
				sc_buf_puts(b, " | ");
			first = false;
			atom_text(b, x->kids[i], nm, false);
		}
		if (empty)
			sc_buf_puts(b, ")?");
		break;
	}
	case RX_REP:
		atom_text(b, x->kids[0], nm, true);
		if (x->min == 0 && x->max == SC_RE_INF)
			sc_buf_putc(b, '*');
		else if (x->min == 1 && x->max == SC_RE_INF)
			sc_buf_putc(b, '+');
		else if (x->min == 0 && x->max == 1)
			sc_buf_putc(b, '?');
		else if (x->max == SC_RE_INF)
			sc_buf_printf(b, "{%u,}", x->min);
		else if (x->min == x->max)
			sc_buf_printf(b, "{%u}", x->min);
		else
			sc_buf_printf(b, "{%u,%u}", x->min, x->max);
		break;
	}
}

void sc_rx_text(struct sc_buf *b, struct rx *x, struct names *nm)
{
	if (x->named) {
		sc_buf_printf(b, "%s_%u", nm->prefix, x->id);
		return;
	}
	rx_body(b, x, nm);
}

/* Count references (first visit in this epoch) and text sizes. */
static void count_refs(struct em *e, struct rx *x)
{
	uint32_t i;
	size_t t = 0;

	if (x->mark == e->epoch) {
		x->refs++;
		return;
	}
	x->mark = e->epoch;
	x->refs = 1;
	x->named = false;
	for (i = 0; i < x->nkids; i++)
		count_refs(e, x->kids[i]);
	switch (x->k) {
	case RX_SET:
		t = 2 + 9 * (size_t)x->set.n;
		break;
	case RX_REP:
		t = x->kids[0]->text + 10;
		break;
	default:
		for (i = 0; i < x->nkids; i++)
			t += x->kids[i]->text + 3;
		t += 2;
		break;
	}
	x->text = t;
}

/* Name shared subexpressions, children first, into nm->defs. */
static void define_shared(struct em *e, struct rx *x, struct names *nm)
{
	uint32_t i;

	if (x->mark == e->epoch)
		return;
	x->mark = e->epoch;
	for (i = 0; i < x->nkids; i++)
		define_shared(e, x->kids[i], nm);
	if (x->refs > 1 && x->text > DEF_MIN_TEXT) {
		sc_buf_printf(&nm->defs, "\t%s_%u = ", nm->prefix, x->id);
		rx_body(&nm->defs, x, nm);
		sc_buf_puts(&nm->defs, ";\n");
		x->named = true;
	}
}

/* Prepare names for the rule x of one block, appending definitions. */
void sc_rx_block_names(struct em *e, struct rx *x, struct names *nm)
{
	e->epoch++;
	count_refs(e, x);
	e->epoch++;
	define_shared(e, x, nm);
}

/* The configuration of every block: input through the function's class peek. */
void sc_rx_block_conf(struct sc_buf *b, const char *peek, const char *indent)
{
	sc_buf_printf(b,
		      "%s\tre2c:encoding:utf8 = 0;\n"
		      "%s\tre2c:flags:case-ranges = 1;\n"
		      "%s\tre2c:flags:input = custom;\n"
		      "%s\tre2c:api:style = free-form;\n"
		      "%s\tre2c:define:YYCTYPE = uint8_t;\n"
		      "%s\tre2c:define:YYPEEK = \"%s_p(YYCURSOR, YYLIMIT, &yylen)\";\n"
		      "%s\tre2c:define:YYSKIP = \"YYCURSOR += yylen;\";\n"
		      "%s\tre2c:define:YYBACKUP = \"YYMARKER = YYCURSOR;\";\n"
		      "%s\tre2c:define:YYRESTORE = \"YYCURSOR = YYMARKER;\";\n"
		      "%s\tre2c:define:YYLESSTHAN = \"YYCURSOR >= YYLIMIT\";\n"
		      "%s\tre2c:yyfill:enable = 0;\n"
		      "%s\tre2c:eof = 0;\n",
		      indent, indent, indent, indent, indent, indent, peek, indent, indent, indent,
		      indent, indent, indent);
}

/*
 * The configuration of a block that reads backwards from YYCURSOR down to
 * YYLIMIT (the start of the text): the code point ending at YYCURSOR.
 */
static void block_conf_rev(struct sc_buf *b, const char *peek)
{
	sc_buf_printf(b,
		      "\tre2c:encoding:utf8 = 0;\n"
		      "\tre2c:flags:case-ranges = 1;\n"
		      "\tre2c:flags:input = custom;\n"
		      "\tre2c:api:style = free-form;\n"
		      "\tre2c:define:YYCTYPE = uint8_t;\n"
		      "\tre2c:define:YYPEEK = \"(YYCURSOR > YYLIMIT ? %s_c(sc_re_rstart(YYLIMIT, "
		      "YYCURSOR), YYCURSOR) : 0)\";\n"
		      "\tre2c:define:YYSKIP = \"YYCURSOR = sc_re_rstart(YYLIMIT, YYCURSOR);\";\n"
		      "\tre2c:define:YYBACKUP = \"YYMARKER = YYCURSOR;\";\n"
		      "\tre2c:define:YYRESTORE = \"YYCURSOR = YYMARKER;\";\n"
		      "\tre2c:define:YYLESSTHAN = \"YYCURSOR <= YYLIMIT\";\n"
		      "\tre2c:yyfill:enable = 0;\n"
		      "\tre2c:eof = 0;\n",
		      peek);
}

/* Append one local re2c block: configuration, definitions, the rule. */
void sc_rx_emit_block(struct em *e, struct sc_buf *code, const char *prefix, struct rx *x,
		      const char *indent, const char *action, const char *other)
{
	struct names nm = {prefix, SC_BUF_INIT};

	sc_rx_block_names(e, x, &nm);
	sc_buf_printf(code, "%s/*!local:re2c\n", indent);
	if (e->rev)
		block_conf_rev(code, e->peek);
	else
		sc_rx_block_conf(code, e->peek, "");
	sc_buf_printf(code, "%s\t", nm.defs.len ? sc_buf_cstr(&nm.defs) : "");
	sc_rx_text(code, x, &nm);
	sc_buf_printf(code, " { %s }\n\t* { %s }\n\t$ { %s }\n%s*/\n", action, other, other, indent);
	sc_buf_done(&nm.defs);
}

/* Classes that can start a match of class-level x (a bitmap). */
void sc_rx_first_bytes(const struct rx *x, uint8_t tab[32])
{
	uint32_t i, c;

	if (!x)
		return;
	switch (x->k) {
	case RX_SET:
		for (i = 0; i < x->set.n; i++)
			for (c = x->set.r[i].lo; c <= x->set.r[i].hi; c++)
				tab[c >> 3] |= (uint8_t)(1u << (c & 7));
		break;
	case RX_CAT:
		for (i = 0; i < x->nkids; i++) {
			sc_rx_first_bytes(x->kids[i], tab);
			if (!x->kids[i]->nullable)
				break;
		}
		break;
	case RX_ALT:
		for (i = 0; i < x->nkids; i++)
			sc_rx_first_bytes(x->kids[i], tab);
		break;
	case RX_REP:
		if (x->max > 0)
			sc_rx_first_bytes(x->kids[0], tab);
		break;
	default:
		break;
	}
}

bool sc_rx_has_star(const struct rx *x)
{
	uint32_t i;

	if (x->k == RX_REP && x->max == SC_RE_INF)
		return true;
	for (i = 0; i < x->nkids; i++)
		if (sc_rx_has_star(x->kids[i]))
			return true;
	return false;
}
