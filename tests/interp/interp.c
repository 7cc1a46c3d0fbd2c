// SPDX-License-Identifier: Apache-2.0
/*
 * Reference interpreter of the IR (see interp.h). Deliberately simple and
 * slow: no indexes, no memoisation, every value folded again for every
 * atom, globs matched by plain recursion over code points.
 */
#include "interp.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctx.h"
#include "ir.h"
#include "re_match.h"
#include "rule.h"
#include "unicode.h"
#include "values.h"

bool ti_logsource_matches(const struct sc_rule *r, const struct ag_event *ev)
{
	const struct sc_logsource *ls = &r->logsource;
	uint8_t i;

	if (ls->product && (!ev->product || strcmp(ls->product, ev->product) != 0))
		return false;
	if (ls->service && (!ev->service || strcmp(ls->service, ev->service) != 0))
		return false;
	if (ls->category) {
		for (i = 0; i < ev->ncategory; i++)
			if (ev->category[i] && strcmp(ls->category, ev->category[i]) == 0)
				return true;
		return false;
	}
	return true;
}

/* Field names sorted once per IR, searched by bisection. */
static const struct sc_ir *sorted_ir;
static uint32_t *sorted, nsorted;

static int name_cmp(const void *a, const void *b)
{
	return strcmp(sc_ir_field_name(sorted_ir, *(const uint32_t *)a),
		      sc_ir_field_name(sorted_ir, *(const uint32_t *)b));
}

uint32_t ti_field_lookup(void *arg, const char *name, size_t len)
{
	const struct sc_ctx *ctx = arg;
	uint32_t lo = 0, hi, i, n = sc_ir_nfields(ctx->ir);

	if (sorted_ir != ctx->ir || nsorted != n - 1) {
		free(sorted);
		sorted = malloc(n * sizeof(*sorted));
		if (!sorted)
			abort();
		for (i = 1; i < n; i++)
			sorted[i - 1] = i;
		sorted_ir = ctx->ir;
		nsorted = n - 1;
		qsort(sorted, nsorted, sizeof(*sorted), name_cmp);
	}
	hi = nsorted;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const char *f = sc_ir_field_name(ctx->ir, sorted[mid]);
		int c = strncmp(f, name, len);

		if (c == 0 && f[len] != '\0')
			c = 1;
		if (c == 0)
			return sorted[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return AG_FIELD_NONE;
}

/* Folded copy of a value (heap); *n receives its length. */
static uint8_t *fold_value(const char *s, size_t len, bool cased, size_t *n)
{
	uint8_t *out = malloc(2 * len + 1);

	if (!out)
		abort();
	if (cased) {
		memcpy(out, s, len);
		*n = len;
	} else {
		*n = ag_utf8_fold((const uint8_t *)s, len, out);
	}
	return out;
}

static size_t cplen(const uint8_t *s, size_t n)
{
	size_t k;

	ag_utf8_decode(s, n, &k);
	return k;
}

/* Glob by recursion: '*' tries every split, '?' eats one code point. */
static bool glob(const uint8_t *p, size_t pn, const uint8_t *s, size_t n)
{
	size_t i;

	if (pn == 0)
		return n == 0;
	if (p[0] == '*') {
		for (i = 0; i <= n; i += (i < n ? cplen(s + i, n - i) : 1))
			if (glob(p + 1, pn - 1, s + i, n - i))
				return true;
		return false;
	}
	if (p[0] == '?')
		return n > 0 && glob(p + 1, pn - 1, s + cplen(s, n), n - cplen(s, n));
	if (p[0] == '\\' && pn > 1 && (p[1] == '*' || p[1] == '?' || p[1] == '\\'))
		return n > 0 && s[0] == p[1] && glob(p + 2, pn - 2, s + 1, n - 1);
	return n > 0 && s[0] == p[0] && glob(p + 1, pn - 1, s + 1, n - 1);
}

static bool string_match(enum sc_match m, const uint8_t *s, size_t n, const uint8_t *p, size_t pn)
{
	size_t i;

	switch (m) {
	case SC_MATCH_EQ:
		return n == pn && memcmp(s, p, n) == 0;
	case SC_MATCH_PREFIX:
		return n >= pn && memcmp(s, p, pn) == 0;
	case SC_MATCH_SUFFIX:
		return n >= pn && memcmp(s + n - pn, p, pn) == 0;
	case SC_MATCH_CONTAINS:
		for (i = 0; i + pn <= n; i++)
			if (memcmp(s + i, p, pn) == 0)
				return true;
		return false;
	case SC_MATCH_GLOB:
		return glob(p, pn, s, n);
	case SC_MATCH_ANY:
		return true;
	}
	return false;
}

static const struct ag_kv *value(const struct ag_event *ev, uint32_t field)
{
	const struct ag_kv *kv = ag_event_get(ev, field);

	return kv && !(kv->flags & AG_V_NULL) ? kv : NULL;
}

static bool str_atom_on(const struct sc_atom *a, const char *v, size_t len)
{
	size_t n;
	uint8_t *f = fold_value(v, len, a->flags & SC_AF_CASED, &n);
	bool r = string_match(a->match, f, n, a->val, a->len);

	free(f);
	return r;
}

static bool regex_on(const struct sc_atom *a, const char *v, size_t len)
{
	return ti_re_search(a->re, (const uint8_t *)v, len);
}

/* Keyword atoms: the raw message, or else any non-null field that is not routing data. */
static bool keyword(const struct sc_atom *a, const struct ag_event *ev,
		    bool (*test)(const struct sc_atom *, const char *, size_t))
{
	uint32_t i;

	if (ev->raw)
		return test(a, ev->raw, ev->raw_len);
	for (i = 0; i < ev->nkv; i++)
		if (!(ev->kv[i].flags & AG_V_NOKEYWORD) &&
		    test(a, ev->kv[i].val, ev->kv[i].val_len))
			return true;
	return false;
}

static bool number(const struct sc_atom *a, const struct ag_kv *kv)
{
	double v;

	if (!ag_parse_number(kv->val, kv->val_len, &v))
		return a->cmp == SC_CMP_EQ && strlen(a->num_text) == kv->val_len &&
		       strncasecmp(a->num_text, kv->val, kv->val_len) == 0;
	switch (a->cmp) {
	case SC_CMP_EQ:
		return v == a->num;
	case SC_CMP_LT:
		return v < a->num;
	case SC_CMP_LTE:
		return v <= a->num;
	case SC_CMP_GT:
		return v > a->num;
	case SC_CMP_GTE:
		return v >= a->num;
	}
	return false;
}

static bool in_network(const uint8_t *ip, const uint8_t *net, unsigned prefix)
{
	unsigned b;

	for (b = 0; b < prefix; b++) {
		unsigned mask = 0x80u >> (b % 8);

		if ((ip[b / 8] & mask) != (net[b / 8] & mask))
			return false;
	}
	return true;
}

/*
 * The value of the field called name: through its id when the IR has one
 * (slots also hold routing aliases, e.g. ParentImage of Security 4688),
 * else by name, the last occurrence as slots keep (a field only a fieldref
 * names has no id in the IR).
 */
static const struct ag_kv *by_name(const struct sc_ctx *ctx, const struct ag_event *ev,
				   const char *name, size_t len)
{
	uint32_t i, id = ti_field_lookup((void *)ctx, name, len);

	if (id != AG_FIELD_NONE)
		return value(ev, id);

	for (i = ev->nkv; i-- > 0;)
		if (ev->kv[i].name_len == len && memcmp(ev->kv[i].name, name, len) == 0)
			return ev->kv[i].flags & AG_V_NULL ? NULL : &ev->kv[i];
	return NULL;
}

static bool atom(const struct sc_ctx *ctx, const struct sc_atom *a, const struct ag_event *ev)
{
	const struct ag_kv *kv, *other;
	uint8_t ip[16], fam;
	struct ag_time t;
	int part = 0;

	switch (a->kind) {
	case SC_ATOM_STR:
		if (a->field == SC_FIELD_KEYWORD)
			return keyword(a, ev, str_atom_on);
		kv = value(ev, a->field);
		return kv && str_atom_on(a, kv->val, kv->val_len);
	case SC_ATOM_REGEX:
		if (a->field == SC_FIELD_KEYWORD)
			return keyword(a, ev, regex_on);
		kv = value(ev, a->field);
		return kv && regex_on(a, kv->val, kv->val_len);
	case SC_ATOM_NUM:
		kv = value(ev, a->field);
		return kv && number(a, kv);
	case SC_ATOM_CIDR:
		kv = value(ev, a->field);
		return kv && ag_parse_ip(kv->val, kv->val_len, ip, &fam) && fam == a->family &&
		       in_network(ip, a->addr, a->prefix);
	case SC_ATOM_NULL:
		kv = ag_event_get(ev, a->field);
		return !kv || (kv->flags & AG_V_NULL);
	case SC_ATOM_EXISTS:
		return ag_event_get(ev, a->field) != NULL;
	case SC_ATOM_FIELDREF: {
		uint8_t *x, *y;
		size_t xn, yn;
		bool r;

		kv = value(ev, a->field);
		other = by_name(ctx, ev, (const char *)a->val, a->len);
		if (!kv || !other)
			return false;
		x = fold_value(kv->val, kv->val_len, a->flags & SC_AF_CASED, &xn);
		y = fold_value(other->val, other->val_len, a->flags & SC_AF_CASED, &yn);
		r = a->match == SC_MATCH_EQ ? xn == yn && memcmp(x, y, xn) == 0
					    : string_match(a->match, x, xn, y, yn);
		free(x);
		free(y);
		return r;
	}
	case SC_ATOM_TIMEPART:
		kv = value(ev, a->field);
		if (!kv || !ag_parse_time(kv->val, kv->val_len, &t))
			return false;
		switch (a->part) {
		case SC_TP_MINUTE:
			part = t.minute;
			break;
		case SC_TP_HOUR:
			part = t.hour;
			break;
		case SC_TP_DAY:
			part = t.day;
			break;
		case SC_TP_WEEK:
			part = t.week;
			break;
		case SC_TP_MONTH:
			part = t.month;
			break;
		case SC_TP_YEAR:
			part = t.year;
			break;
		}
		return (double)part == a->num;
	}
	return false;
}

bool ti_eval(const struct sc_ctx *ctx, uint32_t root, const struct ag_event *ev)
{
	const struct sc_irnode *n = sc_ir_get_node(ctx->ir, root);
	uint32_t i;

	switch (n->op) {
	case SC_IR_TRUE:
		return true;
	case SC_IR_FALSE:
		return false;
	case SC_IR_ATOM:
		return atom(ctx, sc_ir_get_atom(ctx->ir, n->atom), ev);
	case SC_IR_NOT:
		return !ti_eval(ctx, n->kids[0], ev);
	case SC_IR_AND:
		for (i = 0; i < n->nkids; i++)
			if (!ti_eval(ctx, n->kids[i], ev))
				return false;
		return true;
	case SC_IR_OR:
		for (i = 0; i < n->nkids; i++)
			if (ti_eval(ctx, n->kids[i], ev))
				return true;
		return false;
	}
	return false;
}
