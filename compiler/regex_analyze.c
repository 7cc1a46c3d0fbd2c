// SPDX-License-Identifier: Apache-2.0
/*
 * Analyses of a parsed regex (regex.h, regex_int.h): Python's widths of
 * a subpattern, which the parser needs for look-behind and group widths,
 * and the classification of the whole pattern (sc_re.features, sc_re.cls)
 * that sc_re_parse() ends with.
 */
#include "regex_int.h"

#define F_REWRITE_MASK	   0x007Fu /* SC_RE_F_INLINE_FLAGS .. SC_RE_F_LARGE_COUNT */
#define F_UNSUPPORTED_MASK 0x3F80u /* SC_RE_F_BACKREF .. SC_RE_F_NAMED_CHAR */

/* ---- widths: Python's SubPattern.getwidth(), saturating ---- */

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	return a && b > UINT64_MAX / a ? UINT64_MAX : a * b;
}

void sc_re_node_width(const struct sc_re_parser *p, const struct sc_re_node *n, uint64_t *lo,
		      uint64_t *hi)
{
	uint64_t l, h, l2, h2;
	uint32_t i;

	*lo = *hi = 0;
	switch (n->op) {
	case SC_RE_CHAR:
	case SC_RE_CLASS:
	case SC_RE_ANY:
		*lo = *hi = 1;
		break;
	case SC_RE_CONCAT:
		for (i = 0; i < n->nkids; i++) {
			sc_re_node_width(p, n->kids[i], &l, &h);
			*lo = sat_add(*lo, l);
			*hi = sat_add(*hi, h);
		}
		break;
	case SC_RE_ALT:
		*lo = UINT64_MAX;
		for (i = 0; i < n->nkids; i++) {
			sc_re_node_width(p, n->kids[i], &l, &h);
			*lo = l < *lo ? l : *lo;
			*hi = h > *hi ? h : *hi;
		}
		break;
	case SC_RE_REPEAT:
		sc_re_node_width(p, n->kids[0], &l, &h);
		*lo = sat_mul(l, n->min);
		*hi = n->max == SC_RE_INF && h ? UINT64_MAX : sat_mul(h, n->max);
		break;
	case SC_RE_GROUP:
	case SC_RE_ATOMIC:
		sc_re_node_width(p, n->kids[0], lo, hi);
		break;
	case SC_RE_BACKREF:
		*lo = p->groups[n->min].wlo;
		*hi = p->groups[n->min].whi;
		break;
	case SC_RE_COND:
		sc_re_node_width(p, n->kids[0], &l, &h);
		sc_re_node_width(p, n->kids[1], &l2, &h2);
		*lo = l < l2 ? l : l2;
		*hi = h > h2 ? h : h2;
		break;
	default: /* anchors, lookaround, EMPTY */
		break;
	}
}

/* ---- classification ---- */

static void find_inner_anchors(struct sc_re_parser *p, const struct sc_re_node *n,
			       const struct sc_re_node *ok_bol, const struct sc_re_node *ok_eol)
{
	uint32_t i;

	if ((n->op == SC_RE_BOL && n != ok_bol) || (n->op == SC_RE_EOL && n != ok_eol))
		p->features |= SC_RE_F_INNER_ANCHOR;
	for (i = 0; i < n->nkids; i++)
		find_inner_anchors(p, n->kids[i], ok_bol, ok_eol);
}

void sc_re_classify(struct sc_re_parser *p, struct sc_re *re)
{
	const struct sc_re_node *root = re->root;

	if (root->op == SC_RE_CONCAT)
		find_inner_anchors(p, root, root->kids[0], root->kids[root->nkids - 1]);
	else
		find_inner_anchors(p, root, root, root);
	if (p->modflags)
		p->features |= SC_RE_F_MOD_FLAGS;
	re->features = p->features;
	if (p->features & F_UNSUPPORTED_MASK)
		re->cls = SC_RE_UNSUPPORTED;
	else if (p->features & F_REWRITE_MASK)
		re->cls = SC_RE_REWRITE;
	else
		re->cls = SC_RE_DFA;
}

/* Decode the pattern; false (with the error set) if it is not UTF-8. */
