// SPDX-License-Identifier: Apache-2.0
/*
 * Strict JSON checker for tests (jcheck.h), written for this project: a
 * recursive descent parser that rejects everything RFC 8259 does not allow
 * and records every value under its path.
 */
#include "jcheck.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"

struct jpar {
	const char *s;
	size_t n, i;
	struct jdoc *d;
	char path[8192];
	size_t plen;
	int depth;
};

void jfree(struct jdoc *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++)
		free(d->e[i].path);
	free(d->e);
	free(d);
}

static bool jfail(struct jpar *p, const char *what)
{
	if (!p->d->err[0])
		snprintf(p->d->err, sizeof(p->d->err), "%s at byte %zu", what, p->i);
	return false;
}

static void jws(struct jpar *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
			       p->s[p->i] == '\r'))
		p->i++;
}

static void put_utf8(char *out, size_t *o, uint32_t cp)
{
	if (cp < 0x80) {
		out[(*o)++] = (char)cp;
	} else if (cp < 0x800) {
		out[(*o)++] = (char)(0xc0 | cp >> 6);
		out[(*o)++] = (char)(0x80 | (cp & 63));
	} else if (cp < 0x10000) {
		out[(*o)++] = (char)(0xe0 | cp >> 12);
		out[(*o)++] = (char)(0x80 | (cp >> 6 & 63));
		out[(*o)++] = (char)(0x80 | (cp & 63));
	} else {
		out[(*o)++] = (char)(0xf0 | cp >> 18);
		out[(*o)++] = (char)(0x80 | (cp >> 12 & 63));
		out[(*o)++] = (char)(0x80 | (cp >> 6 & 63));
		out[(*o)++] = (char)(0x80 | (cp & 63));
	}
}

static int hex4(const char *s, uint32_t *ret)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*ret = v;
	return 0;
}

/* Length of a well-formed UTF-8 sequence at s (strict), 0 if ill-formed. */
size_t jutf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t k, j;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		k = 1;
	else if (c >= 0xe0 && c <= 0xef)
		k = 2;
	else if (c >= 0xf0 && c <= 0xf4)
		k = 3;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	if (c == 0xed)
		hi = 0x9f;
	if (c == 0xf0)
		lo = 0x90;
	if (c == 0xf4)
		hi = 0x8f;
	if (n < k + 1 || s[1] < lo || s[1] > hi)
		return 0;
	for (j = 2; j <= k; j++)
		if (s[j] < 0x80 || s[j] > 0xbf)
			return 0;
	return k + 1;
}

/*
 * Validate the string starting at p->i (at the quote) and decode it into a
 * heap buffer (NUL-terminated; *ret_len bytes) when ret is set.
 */
static bool jstring(struct jpar *p, char **ret, size_t *ret_len)
{
	size_t start = ++p->i, o = 0;
	char *out = NULL;

	if (ret)
		out = malloc(p->n - start + 1);
	while (p->i < p->n && p->s[p->i] != '"') {
		unsigned char c = (unsigned char)p->s[p->i];

		if (c < 0x20) {
			free(out);
			return jfail(p, "raw control character in string");
		}
		if (c == '\\') {
			char e;
			uint32_t cp, lo;

			if (p->i + 1 >= p->n) {
				free(out);
				return jfail(p, "truncated escape");
			}
			e = p->s[p->i + 1];
			p->i += 2;
			switch (e) {
			case '"':
			case '\\':
			case '/':
				cp = (uint32_t)e;
				break;
			case 'b':
				cp = '\b';
				break;
			case 'f':
				cp = '\f';
				break;
			case 'n':
				cp = '\n';
				break;
			case 'r':
				cp = '\r';
				break;
			case 't':
				cp = '\t';
				break;
			case 'u':
				if (p->i + 4 > p->n || hex4(p->s + p->i, &cp)) {
					free(out);
					return jfail(p, "bad \\u escape");
				}
				p->i += 4;
				if (cp >= 0xdc00 && cp <= 0xdfff) {
					free(out);
					return jfail(p, "lone low surrogate");
				}
				if (cp >= 0xd800 && cp <= 0xdbff) {
					if (p->i + 6 > p->n || p->s[p->i] != '\\' ||
					    p->s[p->i + 1] != 'u' || hex4(p->s + p->i + 2, &lo) ||
					    lo < 0xdc00 || lo > 0xdfff) {
						free(out);
						return jfail(p, "lone high surrogate");
					}
					p->i += 6;
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				}
				break;
			default:
				free(out);
				return jfail(p, "bad escape");
			}
			if (out)
				put_utf8(out, &o, cp);
			continue;
		}
		{
			size_t k = jutf8_len((const unsigned char *)p->s + p->i, p->n - p->i);

			if (!k) {
				free(out);
				return jfail(p, "invalid UTF-8 in string");
			}
			if (out)
				memcpy(out + o, p->s + p->i, k);
			o += k;
			p->i += k;
		}
	}
	if (p->i >= p->n) {
		free(out);
		return jfail(p, "unterminated string");
	}
	p->i++;
	if (out) {
		out[o] = '\0';
		*ret = out;
		*ret_len = o;
	}
	return true;
}

static bool jnumber(struct jpar *p)
{
	size_t st = p->i;

	while (p->i < p->n && strchr("+-0123456789.eE", p->s[p->i]))
		p->i++;
	if (!ag_json_number_valid(p->s + st, p->i - st))
		return jfail(p, "bad number");
	return true;
}

static void jadd(struct jpar *p, char type, size_t st, bool member)
{
	struct jdoc *d = p->d;

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		d->e = realloc(d->e, d->cap * sizeof(*d->e));
	}
	d->e[d->n].path = strndup(p->path, p->plen);
	d->e[d->n].type = type;
	d->e[d->n].v = p->s + st;
	d->e[d->n].vn = 0;
	d->e[d->n].member = member;
	d->n++;
}

static bool jvalue(struct jpar *p, bool member);

static bool jpush(struct jpar *p, const char *comp, size_t n, size_t *saved)
{
	*saved = p->plen;
	if (p->plen + n + 2 >= sizeof(p->path))
		return jfail(p, "path too long");
	if (p->plen)
		p->path[p->plen++] = '/';
	memcpy(p->path + p->plen, comp, n);
	p->plen += n;
	return true;
}

static bool jobject(struct jpar *p)
{
	char **keys = NULL;
	size_t nkeys = 0, i;
	bool ok = false;

	p->i++;
	jws(p);
	if (p->i < p->n && p->s[p->i] == '}') {
		p->i++;
		return true;
	}
	for (;;) {
		char *k;
		size_t kn, saved;

		jws(p);
		if (p->i >= p->n || p->s[p->i] != '"') {
			jfail(p, "expected a key");
			goto out;
		}
		if (!jstring(p, &k, &kn))
			goto out;
		for (i = 0; i < nkeys; i++) {
			if (strcmp(keys[i], k) == 0) {
				free(k);
				jfail(p, "duplicate key");
				goto out;
			}
		}
		keys = realloc(keys, (nkeys + 1) * sizeof(*keys));
		keys[nkeys++] = k;
		jws(p);
		if (p->i >= p->n || p->s[p->i] != ':') {
			jfail(p, "expected ':'");
			goto out;
		}
		p->i++;
		if (!jpush(p, k, kn, &saved) || !jvalue(p, true))
			goto out;
		p->plen = saved;
		jws(p);
		if (p->i < p->n && p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->i < p->n && p->s[p->i] == '}') {
			p->i++;
			ok = true;
			goto out;
		}
		jfail(p, "expected ',' or '}'");
		goto out;
	}
out:
	for (i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
	return ok;
}

static bool jarray(struct jpar *p)
{
	size_t idx = 0;

	p->i++;
	jws(p);
	if (p->i < p->n && p->s[p->i] == ']') {
		p->i++;
		return true;
	}
	for (;;) {
		char comp[24];
		size_t saved;

		snprintf(comp, sizeof(comp), "%zu", idx++);
		if (!jpush(p, comp, strlen(comp), &saved) || !jvalue(p, false))
			return false;
		p->plen = saved;
		jws(p);
		if (p->i < p->n && p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->i < p->n && p->s[p->i] == ']') {
			p->i++;
			return true;
		}
		return jfail(p, "expected ',' or ']'");
	}
}

static bool jvalue(struct jpar *p, bool member)
{
	size_t st, e;
	bool ok;
	char c;

	jws(p);
	if (p->i >= p->n)
		return jfail(p, "expected a value");
	if (++p->depth > 100)
		return jfail(p, "too deep");
	st = p->i;
	c = p->s[p->i];
	e = p->d->n;
	switch (c) {
	case '{':
		jadd(p, 'o', st, member);
		ok = jobject(p);
		break;
	case '[':
		jadd(p, 'a', st, member);
		ok = jarray(p);
		break;
	case '"':
		jadd(p, 's', st, member);
		ok = jstring(p, NULL, NULL);
		break;
	case 't':
	case 'f':
	case 'n': {
		const char *lit = c == 't' ? "true" : c == 'f' ? "false" : "null";
		size_t ln = strlen(lit);

		jadd(p, c == 'n' ? 'z' : 'b', st, member);
		ok = p->i + ln <= p->n && memcmp(p->s + p->i, lit, ln) == 0;
		p->i += ln;
		if (!ok)
			jfail(p, "bad literal");
		break;
	}
	default:
		jadd(p, 'n', st, member);
		ok = jnumber(p);
		break;
	}
	p->d->e[e].vn = p->i - st;
	p->depth--;
	return ok;
}

/* Parse one JSON text (the whole of s[0 .. n)). Never NULL; check ->err[0]. */
struct jdoc *jparse(const char *s, size_t n)
{
	struct jpar p = {.s = s, .n = n};

	p.d = calloc(1, sizeof(*p.d));
	if (jvalue(&p, false)) {
		jws(&p);
		if (p.i != n)
			jfail(&p, "trailing bytes");
	}
	return p.d;
}

const struct jent *jget(const struct jdoc *d, const char *path)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->e[i].path, path) == 0)
			return &d->e[i];
	return NULL;
}

/* The decoded string at path (heap), or NULL if absent or not a string. */
char *jstr(const struct jdoc *d, const char *path, size_t *ret_len)
{
	const struct jent *e = jget(d, path);
	struct jpar p;
	char *out = NULL;
	size_t n;

	if (!e || e->type != 's')
		return NULL;
	memset(&p, 0, sizeof(p));
	p.s = e->v;
	p.n = e->vn;
	p.d = calloc(1, sizeof(*p.d));
	if (!jstring(&p, &out, &n))
		out = NULL;
	jfree(p.d);
	if (ret_len)
		*ret_len = n;
	return out;
}

/* The raw text of a scalar at path as a NUL-terminated copy (heap), or NULL. */
char *jraw(const struct jdoc *d, const char *path)
{
	const struct jent *e = jget(d, path);

	return e ? strndup(e->v, e->vn) : NULL;
}

/* Paths of object members in document order, outside sigma/fields, joined with ','. */
char *jkeys(const struct jdoc *d)
{
	size_t i, len = 0;
	char *out = calloc(1, 65536);

	for (i = 0; i < d->n; i++) {
		const struct jent *e = &d->e[i];

		if (!e->member || strncmp(e->path, "sigma/fields/", 13) == 0)
			continue;
		len += (size_t)snprintf(out + len, 65536 - len, "%s%s", len ? "," : "", e->path);
	}
	return out;
}
