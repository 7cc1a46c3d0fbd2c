// SPDX-License-Identifier: Apache-2.0
/*
 * Atoms computed on demand (ag_atom_slow): everything the literal
 * matchers do not set. Called by the generated condition functions through
 * sgr_atom() the first time a candidate rule needs an atom in an event; the
 * result is memoised until the event ends. An indexed atom that was not set
 * by the matchers is simply false.
 */
#include <math.h>
#include <string.h>

#include "detect.h"
#include "values.h"

static const struct ag_kv *field(const struct ag_engine *e, uint32_t id)
{
	const struct ag_kv *kv = ag_event_get(e->ev, id);

	return kv && !(kv->flags & AG_V_NULL) ? kv : NULL;
}

static bool str_test(uint8_t match, const uint8_t *s, size_t n, const uint8_t *p, size_t pn)
{
	switch (match) {
	case SGR_M_EQ:
		return n == pn && memcmp(s, p, n) == 0;
	case SGR_M_CONTAINS:
		return ag_contains(s, n, p, pn);
	case SGR_M_PREFIX:
		return n >= pn && memcmp(s, p, pn) == 0;
	case SGR_M_SUFFIX:
		return n >= pn && memcmp(s + n - pn, p, pn) == 0;
	case SGR_M_GLOB:
		return ag_glob(p, pn, s, n);
	case SGR_M_ANY:
		return true;
	default:
		return false;
	}
}

/* The DFAs read invalid UTF-8 as U+FFFD byte by byte, as the reference does. */
static bool regex_on(sgr_regex_fn fn, const struct ag_kv *kv)
{
	size_t len = kv->val_len > AG_MAX_VALUE ? AG_MAX_VALUE : kv->val_len;

	return fn((const uint8_t *)kv->val, len);
}

static bool number_test(const struct sgr_atom *a, const struct ag_kv *kv)
{
	double v;

	if (ag_parse_number(kv->val, kv->val_len, &v)) {
		switch (a->cmp) {
		case SGR_C_EQ:
			return v == a->num;
		case SGR_C_LT:
			return v < a->num;
		case SGR_C_LTE:
			return v <= a->num;
		case SGR_C_GT:
			return v > a->num;
		case SGR_C_GTE:
			return v >= a->num;
		default:
			return false;
		}
	}
	/* Not a number: equality compares the decimal text, case-insensitively. */
	if (a->cmp != SGR_C_EQ || kv->val_len != a->len)
		return false;
	return strncasecmp(kv->val, (const char *)a->val, a->len) == 0;
}

static bool timepart_test(const struct sgr_atom *a, const struct ag_kv *kv)
{
	struct ag_time t;
	int v;

	if (!ag_parse_time(kv->val, kv->val_len, &t))
		return false;
	switch (a->cmp) {
	case SGR_T_MINUTE:
		v = t.minute;
		break;
	case SGR_T_HOUR:
		v = t.hour;
		break;
	case SGR_T_DAY:
		v = t.day;
		break;
	case SGR_T_WEEK:
		v = t.week;
		break;
	case SGR_T_MONTH:
		v = t.month;
		break;
	case SGR_T_YEAR:
	default:
		v = t.year;
		break;
	}
	return (double)v == a->num;
}

static bool eval(struct ag_engine *e, const struct sgr_atom *a)
{
	const struct sgr_ruleset *rs = e->rs;
	const struct ag_event *ev = e->ev;
	const struct ag_kv *kv, *other;
	const uint8_t *s, *t;
	size_t n, tn;
	uint32_t i;

	if (a->flags & SGR_AF_INDEXED)
		return false; /* the matchers would have set it */
	switch (a->kind) {
	case SGR_A_STR:
		kv = field(e, a->field);
		if (!kv)
			return false;
		s = ag_folded_cached(e, kv, a->flags & SGR_AF_CASED, &n);
		return str_test(a->match, s, n, a->val, a->len);
	case SGR_A_KEYWORD:
		if (ev->raw) {
			struct ag_kv raw = {NULL, ev->raw, 0, ev->raw_len, AG_V_NONASCII, 0};

			s = ag_folded(e, &raw, a->flags & SGR_AF_CASED, e->fold, &n);
			return str_test(a->match, s, n, a->val, a->len);
		}
		for (i = 0; i < ev->nkv; i++) {
			if (ev->kv[i].flags & AG_V_NOKEYWORD)
				continue;
			s = ag_folded_cached(e, &ev->kv[i], a->flags & SGR_AF_CASED, &n);
			if (str_test(a->match, s, n, a->val, a->len))
				return true;
		}
		return false;
	case SGR_A_NUM:
		kv = field(e, a->field);
		return kv && number_test(a, kv);
	case SGR_A_REGEX:
		if (a->field)
			return (kv = field(e, a->field)) && regex_on(rs->regexes[a->aux], kv);
		if (ev->raw) {
			struct ag_kv raw = {NULL, ev->raw, 0, ev->raw_len, 0, 0};

			return regex_on(rs->regexes[a->aux], &raw);
		}
		for (i = 0; i < ev->nkv; i++)
			if (!(ev->kv[i].flags & AG_V_NOKEYWORD) &&
			    regex_on(rs->regexes[a->aux], &ev->kv[i]))
				return true;
		return false;
	case SGR_A_CIDR: {
		const struct sgr_cidr *c = &rs->cidrs[a->aux];
		uint8_t addr[16], fam;

		kv = field(e, a->field);
		return kv && ag_parse_ip(kv->val, kv->val_len, addr, &fam) &&
		       ag_ip_in(addr, fam, c->addr, c->family, c->prefix);
	}
	case SGR_A_NULL:
		kv = ag_event_get(ev, a->field);
		return !kv || (kv->flags & AG_V_NULL);
	case SGR_A_EXISTS:
		return ag_event_get(ev, a->field) != NULL;
	case SGR_A_FIELDREF:
		kv = field(e, a->field);
		other = field(e, a->aux);
		if (!kv || !other)
			return false;
		s = ag_folded(e, kv, a->flags & SGR_AF_CASED, e->fold, &n);
		t = ag_folded(e, other, a->flags & SGR_AF_CASED, e->fold2, &tn);
		return str_test(a->match, s, n, t, tn);
	case SGR_A_TIMEPART:
		kv = field(e, a->field);
		return kv && timepart_test(a, kv);
	default:
		return false;
	}
}

bool ag_atom_slow(struct ag_match *m, uint32_t atom)
{
	struct ag_engine *e = m->priv;
	const struct sgr_atom *a = &e->rs->atoms[atom];
	bool maybe = m->astate[atom] == 3;
	bool v;

	/* a prefiltered atom none of whose literals was seen cannot match */
	if ((a->flags & SGR_AF_PREFILTER) && !maybe) {
		v = false;
	} else {
		v = eval(e, a);
		e->st.lazy[a->kind < 16 ? a->kind : 0]++;
	}
	if (!maybe) /* a maybe atom is on the touched list already */
		e->touched[e->ntouched++] = atom;
	m->astate[atom] = v ? 2 : 1;
	return v;
}
