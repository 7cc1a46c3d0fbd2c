// SPDX-License-Identifier: Apache-2.0
/*
 * Modifier application (see value.h). Each modifier is a function from one
 * typed value to one or more values, written to mirror pySigma's
 * sigma/modifiers.py so that the values searched for are the ones the
 * reference implementation would search for. Differences are deliberate
 * and documented in compiler/DIAGNOSTICS.md ("Semantics").
 */
#include "value.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "ctx.h"
#include "placeholders.h"
#include "regex.h"
#include "rule.h"
#include "utf8.h"
#include "yaml_load.h"

/* Growable vector of values (heap; the values themselves are copied out to the arena). */
struct vvec {
	struct sc_value *v;
	uint32_t n, cap;
};

static void vvec_push(struct vvec *vv, const struct sc_value *x)
{
	if (vv->n == vv->cap) {
		vv->cap = vv->cap ? 2 * vv->cap : 4;
		vv->v = sc_xreallocarray(vv->v, vv->cap, sizeof(*vv->v));
	}
	vv->v[vv->n++] = *x;
}

/* Python's repr() of a float. */
static void py_float_repr(double d, struct sc_buf *out)
{
	char buf[64], digits[32];
	int p, e, nd = 0, k;
	const char *q;
	bool neg;

	if (isnan(d)) {
		sc_buf_puts(out, "nan");
		return;
	}
	if (isinf(d)) {
		sc_buf_puts(out, d < 0 ? "-inf" : "inf");
		return;
	}
	for (p = 1; p <= 17; p++) {
		snprintf(buf, sizeof(buf), "%.*e", p - 1, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	neg = buf[0] == '-';
	for (q = buf + neg; *q && *q != 'e'; q++)
		if (*q >= '0' && *q <= '9')
			digits[nd++] = *q;
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	e = atoi(q + 1);
	if (neg)
		sc_buf_putc(out, '-');
	if (e >= -5 && e < 16) {
		if (e < 0) {
			sc_buf_puts(out, "0.");
			for (k = 0; k < -e - 1; k++)
				sc_buf_putc(out, '0');
			sc_buf_add(out, digits, (size_t)nd);
			return;
		}
		for (k = 0; k <= e; k++)
			sc_buf_putc(out, k < nd ? digits[k] : '0');
		sc_buf_putc(out, '.');
		if (nd > e + 1)
			sc_buf_add(out, digits + e + 1, (size_t)(nd - e - 1));
		else
			sc_buf_putc(out, '0');
		return;
	}
	sc_buf_putc(out, digits[0]);
	if (nd > 1) {
		sc_buf_putc(out, '.');
		sc_buf_add(out, digits + 1, (size_t)(nd - 1));
	}
	sc_buf_printf(out, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
}

const char *sc_number_text(struct sc_ctx *ctx, double d, int64_t i, bool is_int)
{
	struct sc_buf b = SC_BUF_INIT;
	const char *s;

	if (is_int)
		sc_buf_printf(&b, "%lld", (long long)i);
	else if (isfinite(d) && d == floor(d))
		sc_buf_printf(&b, "%.0f", d); /* integral beyond int64: Python keeps an int */
	else
		py_float_repr(d, &b);
	s = sc_arena_strndup(ctx->arena, b.data, b.len);
	sc_buf_done(&b);
	return s;
}

static const char *vtype_name(const struct sc_value *v)
{
	switch (v->t) {
	case SC_V_STR:
		return "string";
	case SC_V_NUM:
		return "number";
	case SC_V_BOOL:
		return "boolean";
	case SC_V_NULL:
		return "null";
	case SC_V_RE:
		return "regular expression";
	case SC_V_CIDR:
		return "CIDR network";
	case SC_V_CMP:
		return "numeric comparison";
	case SC_V_EXISTS:
		return "existence test";
	case SC_V_FIELDREF:
		return "field reference";
	case SC_V_TIMEPART:
		return "timestamp part";
	}
	return "value";
}

struct apply {
	struct sc_ctx *ctx;
	struct sc_rule *r;
	const struct sc_det_item *it;
	const struct sc_node *node; /* the YAML value */
	int k;			    /* index of the modifier being applied */
};

static int type_error(struct apply *ap, const struct sc_value *v)
{
	enum sc_mod m = ap->it->mods[ap->k];

	if (m >= SC_MOD_LT && m <= SC_MOD_YEAR && (v->t == SC_V_STR || v->t == SC_V_BOOL))
		sc_rule_diag(ap->ctx, ap->r, SC_E_BAD_NUMBER, ap->it->mod_pos[ap->k],
			     "'%s' needs a number, not a %s ('%s'); write it unquoted",
			     sc_mod_name(m), vtype_name(v), ap->node->str);
	else if (m == SC_MOD_EXISTS)
		sc_rule_diag(ap->ctx, ap->r, SC_E_EXISTS_VALUE, ap->node->pos,
			     "'exists' needs true or false, not a %s ('%s')", vtype_name(v),
			     ap->node->str);
	else
		sc_rule_diag(ap->ctx, ap->r, SC_E_MODIFIER_TYPE, ap->it->mod_pos[ap->k],
			     "'%s' does not apply to %s %s%s%s%s", sc_mod_name(m),
			     v->t == SC_V_EXISTS ? "an" : "a", vtype_name(v),
			     v->t == SC_V_STR || v->t == SC_V_NUM ? " ('" : "",
			     v->t == SC_V_STR || v->t == SC_V_NUM ? ap->node->str : "",
			     v->t == SC_V_STR || v->t == SC_V_NUM ? "')" : "");
	return -EINVAL;
}

static int wildcard_error(struct apply *ap)
{
	sc_rule_diag(ap->ctx, ap->r, SC_E_WILDCARD_NOT_ALLOWED, ap->it->mod_pos[ap->k],
		     "'%s' does not allow wildcards in '%s'; escape them as \\* and \\? if they "
		     "are literal",
		     sc_mod_name(ap->it->mods[ap->k]), ap->node->str);
	return -EINVAL;
}

/* Literal bytes of a wildcard-free string. */
static void plain_bytes(const struct sc_value *v, struct sc_buf *out)
{
	sc_sstr_plain(v->s, out);
}

static struct sc_value str_value(struct sc_arena *a, const void *s, size_t n,
				 const struct sc_value *from)
{
	struct sc_value r = *from;

	r.s = sc_sstr_lit(a, s, n);
	return r;
}

/* Split literal parts at %name% placeholders (pySigma's insert_placeholders). */
static struct sc_sstr insert_placeholders(struct sc_arena *a, struct sc_sstr x)
{
	struct sc_part *parts = NULL;
	uint32_t np = 0, cap = 0, i;
	struct sc_sstr tmp, empty = {NULL, 0};
	struct sc_buf txt = SC_BUF_INIT;

#define PUSH(kind_, s_, n_)                                                                    \
	do {                                                                                   \
		if (np == cap) {                                                               \
			cap = cap ? 2 * cap : 8;                                               \
			parts = sc_xreallocarray(parts, cap, sizeof(*parts));                  \
		}                                                                              \
		parts[np].kind = (kind_);                                                      \
		parts[np].s = (s_);                                                            \
		parts[np].n = (uint32_t)(n_);                                                  \
		np++;                                                                          \
	} while (0)

	for (i = 0; i < x.n; i++) {
		const struct sc_part *p = &x.v[i];
		size_t j = 0;

		if (p->kind != SC_PART_LIT) {
			PUSH(p->kind, p->s, p->n);
			continue;
		}
		sc_buf_reset(&txt);
		while (j < p->n) {
			size_t e = j + 1, k;

			if (p->s[j] == '\\' && j + 1 < p->n && p->s[j + 1] == '%') {
				sc_buf_putc(&txt, '%');
				j += 2;
				continue;
			}
			if (p->s[j] != '%') {
				sc_buf_putc(&txt, (char)p->s[j++]);
				continue;
			}
			/*
			 * %name% with name made of word characters (Python's \w, as
			 * pySigma) or '-': pySigma would leave "%DC-MACHINE-NAME%" as
			 * literal text, silently; SigmaHQ rules use such names.
			 */
			while (e < p->n) {
				uint32_t cp = sc_utf8_decode(p->s + e, p->n - e, &k);

				if (cp == SC_UTF8_INVALID || (!sc_ucd_is_word(cp) && cp != '-'))
					break;
				e += k;
			}
			if (e == j + 1 || e >= p->n || p->s[e] != '%') {
				sc_buf_putc(&txt, '%');
				j++;
				continue;
			}
			if (txt.len) {
				PUSH(SC_PART_LIT,
				     (const uint8_t *)sc_arena_strndup(a, txt.data, txt.len),
				     txt.len);
				sc_buf_reset(&txt);
			}
			PUSH(SC_PART_PH,
			     (const uint8_t *)sc_arena_strndup(a, (const char *)p->s + j + 1,
							      e - j - 1),
			     e - j - 1);
			j = e + 1;
		}
		if (txt.len)
			PUSH(SC_PART_LIT, (const uint8_t *)sc_arena_strndup(a, txt.data, txt.len),
			     txt.len);
	}
#undef PUSH
	sc_buf_done(&txt);
	tmp.v = parts;
	tmp.n = np;
	tmp = sc_sstr_cat(a, tmp, empty);
	free(parts);
	return tmp;
}

/* Cartesian expansion of the placeholders of x (first varies slowest). */
static int expand_placeholders(struct apply *ap, struct sc_sstr x, const struct sc_value *base,
			       struct vvec *out)
{
	struct sc_arena *a = ap->ctx->arena;
	uint32_t i;

	for (i = 0; i < x.n; i++) {
		const struct sc_sstr *vals;
		struct sc_sstr prefix = {x.v, i}, suffix = {x.v + i + 1, x.n - i - 1};
		uint32_t nv, j;

		if (x.v[i].kind != SC_PART_PH)
			continue;
		if (!ap->ctx->ph) {
			sc_rule_diag(ap->ctx, ap->r, SC_E_PLACEHOLDER_UNRESOLVED, ap->node->pos,
				     "placeholder '%%%.*s%%' needs a value: compile with "
				     "--placeholders FILE",
				     (int)x.v[i].n, x.v[i].s);
			return -EINVAL;
		}
		if (!sc_placeholders_get(ap->ctx->ph, x.v[i].s, x.v[i].n, &vals, &nv)) {
			sc_rule_diag(ap->ctx, ap->r, SC_E_PLACEHOLDER_UNRESOLVED, ap->node->pos,
				     "placeholder '%%%.*s%%' is not defined in '%s'",
				     (int)x.v[i].n, x.v[i].s, ap->ctx->ph->path);
			return -EINVAL;
		}
		for (j = 0; j < nv; j++) {
			struct sc_sstr s = sc_sstr_cat(a, sc_sstr_cat(a, prefix, vals[j]), suffix);

			if (out->n >= SC_MAX_VARIANTS) {
				sc_rule_diag(ap->ctx, ap->r, SC_E_EXPANSION_LIMIT, ap->node->pos,
					     "placeholders expand to more than %d values",
					     SC_MAX_VARIANTS);
				return -E2BIG;
			}
			if (expand_placeholders(ap, s, base, out) < 0)
				return -EINVAL;
		}
		return 0;
	}
	{
		struct sc_value v = *base;

		v.s = x;
		vvec_push(out, &v);
	}
	return 0;
}

/* |expand on a regular expression: substitute placeholder values as text. */
static int expand_regex(struct apply *ap, const struct sc_value *v, struct vvec *out)
{
	struct sc_sstr raw = sc_sstr_lit(ap->ctx->arena, (const uint8_t *)v->re, v->relen);
	struct sc_sstr x = insert_placeholders(ap->ctx->arena, raw);
	struct vvec tmp = {0};
	struct sc_value base = *v;
	uint32_t i;
	int err;

	base.t = SC_V_STR;
	err = expand_placeholders(ap, x, &base, &tmp);
	for (i = 0; err == 0 && i < tmp.n; i++) {
		struct sc_buf b = SC_BUF_INIT;
		struct sc_value r = *v;

		sc_sstr_canon(tmp.v[i].s, &b);
		r.re = sc_arena_strndup(ap->ctx->arena, b.data ? b.data : "", b.len);
		r.relen = (uint32_t)b.len;
		vvec_push(out, &r);
		sc_buf_done(&b);
	}
	free(tmp.v);
	return err;
}

static int apply_one(struct apply *ap, const struct sc_value *v, struct vvec *out)
{
	struct sc_arena *a = ap->ctx->arena;
	enum sc_mod m = ap->it->mods[ap->k];
	struct sc_value r = *v;
	struct sc_buf b = SC_BUF_INIT;
	int err = 0, i, n;

	switch (m) {
	case SC_MOD_CONTAINS:
	case SC_MOD_STARTSWITH:
	case SC_MOD_ENDSWITH:
		if (v->t == SC_V_STR) {
			if (m != SC_MOD_STARTSWITH && !sc_sstr_starts_with_any(r.s))
				r.s = sc_sstr_prepend(a, r.s, SC_PART_ANY);
			if (m != SC_MOD_ENDSWITH && !sc_sstr_ends_with_any(r.s))
				r.s = sc_sstr_append(a, r.s, SC_PART_ANY);
		} else if (v->t == SC_V_FIELDREF) {
			r.ref_start |= m != SC_MOD_ENDSWITH;
			r.ref_end |= m != SC_MOD_STARTSWITH;
		} else if (v->t != SC_V_RE) {
			/* On a regex these only add ".*": no change to a search. */
			return type_error(ap, v);
		}
		break;
	case SC_MOD_ALL:
	case SC_MOD_NEQ:
		break; /* list modifiers: handled by lower.c */
	case SC_MOD_EXISTS:
		if (v->t != SC_V_BOOL)
			return type_error(ap, v);
		r.t = SC_V_EXISTS;
		break;
	case SC_MOD_CASED:
		if (v->t != SC_V_STR)
			return type_error(ap, v);
		r.cased = true;
		break;
	case SC_MOD_WINDASH: {
		struct sc_sstr *vars;

		if (v->t != SC_V_STR)
			return type_error(ap, v);
		vars = sc_xreallocarray(NULL, SC_MAX_VARIANTS, sizeof(*vars));
		n = sc_windash(a, v->s, vars, SC_MAX_VARIANTS);
		if (n < 0) {
			free(vars);
			sc_rule_diag(ap->ctx, ap->r, SC_E_EXPANSION_LIMIT, ap->it->mod_pos[ap->k],
				     "'windash' would expand '%s' into more than %d variants",
				     ap->node->str, SC_MAX_VARIANTS);
			return -E2BIG;
		}
		for (i = 0; i < n; i++) {
			r.s = vars[i];
			vvec_push(out, &r);
		}
		free(vars);
		return 0;
	}
	case SC_MOD_RE:
		if (v->t != SC_V_STR)
			return type_error(ap, v);
		r.t = SC_V_RE;
		r.re = ap->node->str; /* as written: no wildcard or escape processing */
		r.relen = (uint32_t)ap->node->len;
		r.reflags = 0;
		break;
	case SC_MOD_RE_I:
	case SC_MOD_RE_M:
	case SC_MOD_RE_S:
		if (v->t != SC_V_RE)
			return type_error(ap, v);
		r.reflags |= m == SC_MOD_RE_I ? SC_RE_FLAG_I : m == SC_MOD_RE_M ? SC_RE_FLAG_M
										  : SC_RE_FLAG_S;
		break;
	case SC_MOD_BASE64:
	case SC_MOD_BASE64OFFSET: {
		struct sc_buf vars[3] = {SC_BUF_INIT, SC_BUF_INIT, SC_BUF_INIT};

		if (v->t != SC_V_STR)
			return type_error(ap, v);
		if (sc_sstr_has_wildcard(v->s))
			return wildcard_error(ap);
		plain_bytes(v, &b);
		r.encoded = true;
		if (m == SC_MOD_BASE64) {
			struct sc_buf enc = SC_BUF_INIT;

			sc_base64((const uint8_t *)b.data, b.len, &enc);
			r = str_value(a, enc.data ? enc.data : "", enc.len, &r);
			sc_buf_done(&enc);
			break;
		}
		sc_base64offset((const uint8_t *)b.data, b.len, vars);
		for (i = 0; i < 3; i++) {
			struct sc_value x = str_value(a, vars[i].data ? vars[i].data : "",
						      vars[i].len, &r);

			vvec_push(out, &x);
			sc_buf_done(&vars[i]);
		}
		sc_buf_done(&b);
		return 0;
	}
	case SC_MOD_UTF16LE:
	case SC_MOD_UTF16BE:
	case SC_MOD_UTF16: {
		size_t off = 0;

		if (v->t != SC_V_STR)
			return type_error(ap, v);
		err = sc_utf16(a, v->s,
			       m == SC_MOD_UTF16LE   ? SC_UTF16_LE
			       : m == SC_MOD_UTF16BE ? SC_UTF16_BE
						     : SC_UTF16_BOM,
			       &r.s, &off);
		if (err < 0) {
			sc_rule_diag(ap->ctx, ap->r, SC_E_BAD_ENCODING_INPUT,
				     ap->it->mod_pos[ap->k],
				     "'%s': the value is not valid UTF-8 at byte %zu",
				     sc_mod_name(m), off);
			return -EINVAL;
		}
		r.encoded = true;
		break;
	}
	case SC_MOD_CIDR: {
		const char *why;

		if (v->t != SC_V_STR)
			return type_error(ap, v);
		err = sc_cidr_parse(ap->node->str, ap->node->len, &r.cidr, &why);
		if (err == -EDOM) {
			sc_rule_diag(ap->ctx, ap->r, SC_E_CIDR_HOST_BITS, ap->node->pos,
				     "'%s' has host bits set (strict CIDR parsing, as Python's "
				     "ipaddress)",
				     ap->node->str);
			return -EINVAL;
		}
		if (err < 0) {
			sc_rule_diag(ap->ctx, ap->r, SC_E_BAD_CIDR, ap->node->pos,
				     "'%s' is not an IP network: %s", ap->node->str, why);
			return -EINVAL;
		}
		r.t = SC_V_CIDR;
		break;
	}
	case SC_MOD_LT:
	case SC_MOD_LTE:
	case SC_MOD_GT:
	case SC_MOD_GTE:
		if (v->t != SC_V_NUM)
			return type_error(ap, v);
		r.t = SC_V_CMP;
		r.cmp = m == SC_MOD_LT ? SC_CMP_LT : m == SC_MOD_LTE ? SC_CMP_LTE
				   : m == SC_MOD_GT		 ? SC_CMP_GT
								 : SC_CMP_GTE;
		break;
	case SC_MOD_MINUTE:
	case SC_MOD_HOUR:
	case SC_MOD_DAY:
	case SC_MOD_WEEK:
	case SC_MOD_MONTH:
	case SC_MOD_YEAR:
		if (v->t != SC_V_NUM)
			return type_error(ap, v);
		r.t = SC_V_TIMEPART;
		r.part = (enum sc_timepart)(SC_TP_MINUTE + (m - SC_MOD_MINUTE));
		r.is_int = true;
		r.i = (int64_t)v->d; /* pySigma: int(val.number) */
		r.d = (double)r.i;
		r.text = sc_number_text(ap->ctx, r.d, r.i, true);
		break;
	case SC_MOD_EXPAND: {
		uint32_t start = out->n, g;
		int e;

		if (v->t == SC_V_RE)
			e = expand_regex(ap, v, out);
		else if (v->t != SC_V_STR)
			return type_error(ap, v);
		else
			e = expand_placeholders(ap, insert_placeholders(a, v->s), v, out);
		for (g = start; e == 0 && g < out->n; g++)
			out->v[g].group = g - start + 1;
		return e;
	}
	case SC_MOD_FIELDREF:
		if (v->t != SC_V_STR)
			return type_error(ap, v);
		if (sc_sstr_has_wildcard(v->s))
			return wildcard_error(ap);
		plain_bytes(v, &b);
		if (!b.len) {
			sc_rule_diag(ap->ctx, ap->r, SC_E_BAD_FIELD, ap->node->pos,
				     "'fieldref' needs the name of the other field");
			sc_buf_done(&b);
			return -EINVAL;
		}
		r.t = SC_V_FIELDREF;
		r.ref = sc_arena_strndup(a, b.data, b.len);
		r.ref_start = r.ref_end = false;
		break;
	case _SC_MOD_MAX:
	default:
		return -EINVAL;
	}
	sc_buf_done(&b);
	vvec_push(out, &r);
	return err;
}

/* Warnings about string values that were probably meant otherwise. */
static void value_hints(struct sc_ctx *ctx, struct sc_rule *r, const struct sc_det_item *it,
			const struct sc_node *v)
{
	bool value_mods = false, digits = v->len > 0 && v->len <= 18;
	size_t i;
	uint8_t k;

	for (k = 0; k < it->nmods; k++)
		if (it->mods[k] != SC_MOD_ALL && it->mods[k] != SC_MOD_NEQ)
			value_mods = true;
	for (i = 0; i < v->len; i++)
		if (v->str[i] < '0' || v->str[i] > '9' || (i == 0 && v->str[0] == '0' && v->len > 1))
			digits = false;
	if (digits && !value_mods && it->field && v->style != SC_STYLE_PLAIN)
		sc_rule_diag(ctx, r, SC_W_NUMBER_AS_STRING, v->pos,
			     "'%s' is a number written as a string: it matches the text only; "
			     "write it unquoted to compare numerically",
			     v->str);
	/* ".*" inside (not as the final wildcard of "127.*"), ".+" or an inline flag. */
	if (!value_mods && ((v->len > 2 && memmem(v->str, v->len - 2, ".*", 2)) ||
			    memmem(v->str, v->len, ".+", 2) || memmem(v->str, v->len, "(?i)", 4)))
		sc_rule_diag(ctx, r, SC_W_REGEX_LIKE_VALUE, v->pos,
			     "'%s' looks like a regular expression, but without '|re' it is "
			     "matched as a wildcard string",
			     v->str);
}

int sc_value_apply(struct sc_ctx *ctx, struct sc_rule *r, const struct sc_det_item *it,
		   const struct sc_node *v, struct sc_value **ret, uint32_t *ret_n)
{
	struct apply ap = {ctx, r, it, v, 0};
	struct vvec cur = {0}, next = {0};
	struct sc_value x;
	uint32_t i;
	int err = 0;

	memset(&x, 0, sizeof(x));
	if (sc_scalar_yaml11_note(v))
		sc_rule_diag(ctx, r, SC_W_YAML11_SCALAR, v->pos, "'%s': %s; quote it to be explicit",
			     v->str, sc_scalar_yaml11_note(v));
	switch (sc_scalar_type(v)) {
	case SC_SCALAR_NULL:
		x.t = SC_V_NULL;
		break;
	case SC_SCALAR_BOOL:
		x.t = SC_V_BOOL;
		x.b = sc_scalar_bool(v);
		break;
	case SC_SCALAR_INT:
	case SC_SCALAR_FLOAT:
		x.t = SC_V_NUM;
		sc_scalar_number(v, &x.d, &x.i, &x.is_int);
		x.text = sc_number_text(ctx, x.d, x.i, x.is_int);
		break;
	case SC_SCALAR_STR:
	default:
		x.t = SC_V_STR;
		x.s = sc_sstr_parse(ctx->arena, (const uint8_t *)v->str, v->len);
		value_hints(ctx, r, it, v);
		for (i = 1; i < x.s.n; i++)
			if (x.s.v[i].kind == SC_PART_ANY && x.s.v[i - 1].kind == SC_PART_ANY) {
				sc_rule_diag(ctx, r, SC_W_DOUBLE_WILDCARD, v->pos,
					     "'**' in '%s' is the same as '*'", v->str);
				break;
			}
		break;
	}
	vvec_push(&cur, &x);
	for (ap.k = 0; ap.k < it->nmods; ap.k++) {
		next.n = 0;
		for (i = 0; i < cur.n; i++) {
			err = apply_one(&ap, &cur.v[i], &next);
			if (err < 0)
				goto out;
			if (next.n > SC_MAX_VARIANTS) {
				sc_rule_diag(ctx, r, SC_E_EXPANSION_LIMIT, it->mod_pos[ap.k],
					     "value expands into more than %d variants",
					     SC_MAX_VARIANTS);
				err = -E2BIG;
				goto out;
			}
		}
		{
			struct vvec t = cur;

			cur = next;
			next = t;
		}
	}
	*ret = sc_arena_array(ctx->arena, cur.n, sizeof(**ret));
	memcpy(*ret, cur.v, cur.n * sizeof(**ret));
	*ret_n = cur.n;
out:
	free(cur.v);
	free(next.v);
	return err;
}
