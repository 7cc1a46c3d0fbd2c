// SPDX-License-Identifier: Apache-2.0
/*
 * Scalar typing of loaded YAML nodes: how a plain scalar resolves (null,
 * bool, int, float, string) under YAML 1.2's core schema, and where YAML 1.1
 * (PyYAML, used by the Sigma tool chain) would have read it differently.
 */
#include "yaml_load.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool str_in(const struct sc_node *n, const char *const *list)
{
	size_t i;

	for (i = 0; list[i]; i++)
		if (sc_node_is(n, list[i]))
			return true;
	return false;
}

static bool is_plain_untyped(const struct sc_node *n)
{
	return n->kind == SC_NODE_SCALAR && n->style == SC_STYLE_PLAIN && !n->tag;
}

/*
 * Integers as PyYAML (YAML 1.1) resolves them, minus sexagesimal: decimal
 * without leading zeros, 0x hex, 0b binary, 0-prefixed octal, '_' allowed
 * between digits. "00000429" is no integer (PyYAML keeps it a string).
 */
static bool parse_int_text(const char *s, size_t len, double *ret_d, int64_t *ret_i,
			   bool *ret_fits)
{
	size_t i = 0, ndig = 0;
	int base = 10;
	bool neg = false;
	uint64_t v = 0;
	double d = 0;
	bool overflow = false;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	if (i >= len)
		return false;
	if (i + 1 < len && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'b')) {
		base = s[i + 1] == 'x' ? 16 : 2;
		i += 2;
	} else if (s[i] == '0' && i + 1 < len) {
		base = 8;
		i += 1;
	}
	for (; i < len; i++) {
		int c = (unsigned char)s[i], dv;

		if (c == '_')
			continue;
		if (c >= '0' && c <= '9')
			dv = c - '0';
		else if (base == 16 && ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'))
			dv = (c | 0x20) - 'a' + 10;
		else
			return false;
		if (dv >= base)
			return false;
		ndig++;
		if (v > (UINT64_MAX - (uint64_t)dv) / (uint64_t)base)
			overflow = true;
		else
			v = v * (uint64_t)base + (uint64_t)dv;
		d = d * base + dv;
	}
	if (!ndig || s[len - 1] == '_')
		return false;
	*ret_fits = !overflow && (neg ? v <= (uint64_t)INT64_MAX + 1 : v <= (uint64_t)INT64_MAX);
	if (*ret_fits)
		*ret_i = neg ? (int64_t)(0 - v) : (int64_t)v;
	*ret_d = neg ? -d : d;
	return true;
}

/*
 * Floats as PyYAML resolves them: a '.' is required, the exponent needs a
 * sign ("1.5e+3"); ".inf", ".nan" in three spellings. "1e3" is a string.
 */
static bool parse_float_text(const char *s, size_t len, double *ret)
{
	static const char *const inf[] = {".inf", ".Inf", ".INF", NULL};
	static const char *const nan[] = {".nan", ".NaN", ".NAN", NULL};
	size_t i = 0, digits = 0, k, o = 0;
	const char *body = s;
	size_t blen = len;
	char tmp[128];
	bool dot = false;

	if (len && (s[0] == '+' || s[0] == '-')) {
		body = s + 1;
		blen = len - 1;
	}
	for (k = 0; inf[k]; k++)
		if (blen == 4 && memcmp(body, inf[k], 4) == 0) {
			*ret = s[0] == '-' ? -INFINITY : INFINITY;
			return true;
		}
	for (k = 0; nan[k]; k++)
		if (len == 4 && memcmp(s, nan[k], 4) == 0) {
			*ret = NAN;
			return true;
		}
	if (len >= sizeof(tmp))
		return false;
	if (body != s)
		tmp[o++] = s[0];
	while (i < blen && ((body[i] >= '0' && body[i] <= '9') || (i && body[i] == '_'))) {
		if (body[i] != '_') {
			tmp[o++] = body[i];
			digits++;
		}
		i++;
	}
	if (i < blen && body[i] == '.') {
		dot = true;
		tmp[o++] = '.';
		i++;
		while (i < blen && ((body[i] >= '0' && body[i] <= '9') || body[i] == '_')) {
			if (body[i] != '_') {
				tmp[o++] = body[i];
				digits++;
			}
			i++;
		}
	}
	if (!dot || !digits)
		return false;
	if (i < blen && (body[i] == 'e' || body[i] == 'E')) {
		size_t e0;

		tmp[o++] = 'e';
		i++;
		if (i >= blen || (body[i] != '+' && body[i] != '-'))
			return false;
		tmp[o++] = body[i++];
		e0 = i;
		while (i < blen && body[i] >= '0' && body[i] <= '9')
			tmp[o++] = body[i++];
		if (i == e0)
			return false;
	}
	if (i != blen)
		return false;
	tmp[o] = '\0';
	*ret = strtod(tmp, NULL);
	return true;
}

enum sc_scalar_type sc_scalar_type(const struct sc_node *n)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
	static const char *const bools[] = {"true", "True", "TRUE", "false", "False", "FALSE",
					    NULL};
	double d;
	int64_t i;
	bool fits;

	if (!n || n->kind != SC_NODE_SCALAR)
		return SC_SCALAR_STR;
	if (n->tag) {
		if (strcmp(n->tag, "tag:yaml.org,2002:null") == 0)
			return SC_SCALAR_NULL;
		if (strcmp(n->tag, "tag:yaml.org,2002:bool") == 0 && str_in(n, bools))
			return SC_SCALAR_BOOL;
		if (strcmp(n->tag, "tag:yaml.org,2002:int") == 0 &&
		    parse_int_text(n->str, n->len, &d, &i, &fits))
			return SC_SCALAR_INT;
		if (strcmp(n->tag, "tag:yaml.org,2002:float") == 0 &&
		    (parse_int_text(n->str, n->len, &d, &i, &fits) ||
		     parse_float_text(n->str, n->len, &d)))
			return SC_SCALAR_FLOAT;
		if (strcmp(n->tag, "!") != 0)
			return SC_SCALAR_STR;
	}
	if (!is_plain_untyped(n))
		return SC_SCALAR_STR;
	if (str_in(n, nulls))
		return SC_SCALAR_NULL;
	if (str_in(n, bools))
		return SC_SCALAR_BOOL;
	if (parse_int_text(n->str, n->len, &d, &i, &fits))
		return SC_SCALAR_INT;
	if (parse_float_text(n->str, n->len, &d))
		return SC_SCALAR_FLOAT;
	return SC_SCALAR_STR;
}

bool sc_scalar_bool(const struct sc_node *n)
{
	return n && n->len && (n->str[0] == 't' || n->str[0] == 'T');
}

bool sc_scalar_number(const struct sc_node *n, double *ret_d, int64_t *ret_i, bool *ret_is_int)
{
	double d;
	int64_t i = 0;
	bool fits = false;

	if (!n || n->kind != SC_NODE_SCALAR)
		return false;
	if (parse_int_text(n->str, n->len, &d, &i, &fits)) {
		*ret_d = d;
		*ret_is_int = fits;
		if (fits)
			*ret_i = i;
		return true;
	}
	if (!parse_float_text(n->str, n->len, &d))
		return false;
	*ret_d = d;
	*ret_is_int = false;
	if (isfinite(d) && d == floor(d) && d >= -9.2e18 && d <= 9.2e18) {
		*ret_i = (int64_t)d;
		*ret_is_int = true;
	}
	return true;
}

const char *sc_scalar_yaml11_note(const struct sc_node *n)
{
	/* PyYAML's boolean words (its resolver leaves YAML 1.1's y, Y, n, N strings) */
	static const char *const b[] = {"yes", "Yes", "YES", "no",  "No",  "NO",
					"on",  "On",  "ON",  "off", "Off", "OFF", NULL};
	size_t i = 0, colons = 0;

	if (!n || !is_plain_untyped(n) || !n->len)
		return NULL;
	if (str_in(n, b))
		return "YAML 1.1 (PyYAML, pySigma) reads it as a boolean; here it is a string";
	if (sc_scalar_type(n) == SC_SCALAR_INT) {
		size_t k = (n->str[0] == '+' || n->str[0] == '-') ? 1 : 0;

		if (n->len > k + 1 && n->str[k] == '0' && n->str[k + 1] >= '0' &&
		    n->str[k + 1] <= '9')
			return "a leading 0 makes it an octal number in YAML 1.1 (as in PyYAML)";
		return NULL;
	}
	/* Sexagesimal integers ("1:30" = 90 in YAML 1.1) stay strings here. */
	if (n->str[0] == '+' || n->str[0] == '-')
		i++;
	if (i >= n->len || n->str[i] < '1' || n->str[i] > '9')
		return NULL;
	for (; i < n->len; i++) {
		if (n->str[i] == ':')
			colons++;
		else if (!(n->str[i] >= '0' && n->str[i] <= '9') && n->str[i] != '_')
			return NULL;
	}
	if (colons && n->str[n->len - 1] != ':')
		return "YAML 1.1 (PyYAML) reads it as a base-60 number; here it is a string";
	return NULL;
}

const char *sc_node_type_name(const struct sc_node *n)
{
	if (!n)
		return "nothing";
	switch (n->kind) {
	case SC_NODE_SEQ:
		return "list";
	case SC_NODE_MAP:
		return "mapping";
	case SC_NODE_SCALAR:
	default:
		break;
	}
	switch (sc_scalar_type(n)) {
	case SC_SCALAR_NULL:
		return "null";
	case SC_SCALAR_BOOL:
		return "boolean";
	case SC_SCALAR_INT:
		return "integer";
	case SC_SCALAR_FLOAT:
		return "float";
	case SC_SCALAR_STR:
	default:
		return "string";
	}
}
