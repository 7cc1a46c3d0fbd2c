// SPDX-License-Identifier: Apache-2.0
/*
 * The alert writer (runtime/alert.c) and the JSON writer under it
 * (runtime/jsonw.c). Every line the tests produce goes through a strict
 * JSON parser written here (RFC 8259, strict UTF-8, no duplicate keys, no
 * lone surrogates) that also indexes values by path ("process/pid",
 * "tags/0"), and once through python3's json module when it is installed.
 *
 * Events and rules are built by hand with runtime/event.c; nothing
 * generated is linked. The throughput measurement runs only when
 * AG_ALERT_BENCH is set in the environment (no timed assertions).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "event.h"
#include "gen_abi.h"
#include "jsonw.h"
#include "taxonomy.h"

/* ---- a strict JSON parser with a path index ---- */

struct jent {
	char *path;    /* "a/b/0": members by name, elements by index */
	char type;     /* o a s n b z (null) */
	const char *v; /* value text (strings include their quotes) */
	size_t vn;
	bool member; /* an object member, not an array element */
};

struct jdoc {
	struct jent *e;
	size_t n, cap;
	char err[128];
};

struct jpar {
	const char *s;
	size_t n, i;
	struct jdoc *d;
	char path[8192];
	size_t plen;
	int depth;
};

static void jfree(struct jdoc *d)
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
static size_t utf8_len(const unsigned char *s, size_t n)
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
			size_t k = utf8_len((const unsigned char *)p->s + p->i, p->n - p->i);

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
static struct jdoc *jparse(const char *s, size_t n)
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

static const struct jent *jget(const struct jdoc *d, const char *path)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->e[i].path, path) == 0)
			return &d->e[i];
	return NULL;
}

/* The decoded string at path (heap), or NULL if absent or not a string. */
static char *jstr(const struct jdoc *d, const char *path, size_t *ret_len)
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
static char *jraw(const struct jdoc *d, const char *path)
{
	const struct jent *e = jget(d, path);

	return e ? strndup(e->v, e->vn) : NULL;
}

/* Paths of object members in document order, outside sigma/fields, joined with ','. */
static char *jkeys(const struct jdoc *d)
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

/* ---- assertions over one alert line ---- */

#define expect_str(d, path, want)                                                                  \
	do {                                                                                       \
		char *got_ = jstr(d, path, NULL);                                                  \
		cr_assert_not_null(got_, "%s: missing or not a string", path);                     \
		cr_assert_str_eq(got_, want, "%s", path);                                          \
		free(got_);                                                                        \
	} while (0)

#define expect_raw(d, path, want)                                                                  \
	do {                                                                                       \
		char *got_ = jraw(d, path);                                                        \
		cr_assert_not_null(got_, "%s: missing", path);                                     \
		cr_assert_str_eq(got_, want, "%s", path);                                          \
		free(got_);                                                                        \
	} while (0)

#define expect_type(d, path, t)                                                                    \
	do {                                                                                       \
		const struct jent *e_ = jget(d, path);                                             \
		cr_assert_not_null(e_, "%s: missing", path);                                       \
		cr_assert_eq(e_->type, t, "%s: type %c, want %c", path, e_->type, t);              \
	} while (0)

#define expect_absent(d, path) cr_assert_null(jget(d, path), "%s: should be absent", path)

/* ---- building events and rules ---- */

static const char *const core_name[AG_FIELD_CORE_MAX] = {
#define TA_NAME(suffix, name) [AG_FIELD_##suffix] = name,
	AG_TAXONOMY_FIELDS(TA_NAME)
#undef TA_NAME
};

static uint32_t core_id(const char *name, size_t n)
{
	uint32_t i;

	for (i = 1; i < AG_FIELD_CORE_MAX; i++)
		if (strlen(core_name[i]) == n && memcmp(core_name[i], name, n) == 0)
			return i;
	return AG_FIELD_NONE;
}

static void addf(struct ag_event *ev, const char *name, const char *val, uint32_t flags)
{
	cr_assert_eq(ag_event_add(ev, name, (uint32_t)strlen(name), val, (uint32_t)strlen(val),
				  flags, core_id(name, strlen(name))),
		     0);
}

static void add(struct ag_event *ev, const char *name, const char *val)
{
	addf(ev, name, val, 0);
}

/* 2023-11-14T22:13:20.123Z */
#define NOW_NS 1700000000123456789ull

static const char *const std_tags[] = {
	"attack.execution",
	"attack.t1059.001",
	"attack.defense-evasion",
	"attack.t1027",
	"attack.command-and-control",
	"attack.t1059",
	"attack.g0032",
	"attack.s0002",
	"attack.defense_evasion",
	"cve.2021-44228",
	"detection.threat-hunting",
};
static const char *const std_refs[] = {
	"https://example.org/a",
	"https://example.org/b",
};

static const struct sgr_rule std_rule = {
	.id = "5b4d0b2e-2cf8-4a2a-9d1e-1234567890ab",
	.title = "Suspicious \"cmd\" Child",
	.description = "Detects cmd.exe\nspawned by Explorer",
	.author = "Florian Roth (Nextron Systems), Jane Doe (@jd, ACME),  X ",
	.status = "test",
	.level = "high",
	.date = "2020/01/31",
	.modified = "2023-02-03",
	.file = "windows/process_creation/proc_creation_win_cmd.yml",
	.tags = std_tags,
	.references = std_refs,
	.ntags = sizeof(std_tags) / sizeof(std_tags[0]),
	.nreferences = 2,
	.severity = 73,
};

static const struct ag_alert_ctx std_ctx = {
	.host_name = "agent-host",
	.os_type = "linux",
	.agent_version = "0.1.0",
	.ruleset_digest = "d1e5f00d",
	.ecs_version = NULL,
	.source_path = "/cases/ir-17/Sysmon.evtx",
};

#define HASHES                                                                                     \
	"SHA1=8B7C2E1A9D3F4A5B6C7D8E9F0A1B2C3D4E5F6A7B,MD5=0123456789ABCDEF0123456789ABCDEF,"      \
	"SHA256=AAAABBBBCCCCDDDDEEEEFFFF0000111122223333444455556666777788889999,"                 \
	"IMPHASH=00000000000000000000000000000000"

static void sysmon1(struct ag_event *ev)
{
	cr_assert_eq(ag_event_init(ev, AG_FIELD_CORE_MAX + 4), 0);
	ev->product = "windows";
	ev->service = "sysmon";
	ev->category[0] = "process_creation";
	ev->ncategory = 1;
	ev->seq = 17;
	addf(ev, "EventID", "1", AG_V_NUMBER);
	add(ev, "Channel", "Microsoft-Windows-Sysmon/Operational");
	add(ev, "Provider_Name", "Microsoft-Windows-Sysmon");
	add(ev, "Computer", "WS01.corp.example");
	add(ev, "RuleName", "-");
	add(ev, "UtcTime", "2023-05-01 10:20:30.456");
	add(ev, "ProcessGuid", "{a1b2c3d4-0001-0002-0003-000000000001}");
	add(ev, "ProcessId", "4242");
	add(ev, "Image", "C:\\Windows\\System32\\cmd.exe");
	add(ev, "FileVersion", "10.0.19041.1 (WinBuild.160101.0800)");
	add(ev, "Description", "Windows Command Processor");
	add(ev, "Product", "Microsoft® Windows® Operating System");
	add(ev, "Company", "Microsoft Corporation");
	add(ev, "OriginalFileName", "Cmd.Exe");
	add(ev, "CommandLine", "cmd.exe /c \"whoami /all\"");
	add(ev, "CurrentDirectory", "C:\\Users\\bob\\");
	add(ev, "User", "CORP\\bob");
	add(ev, "LogonGuid", "{a1b2c3d4-0000-0000-0000-000000000002}");
	add(ev, "LogonId", "0x3e7");
	addf(ev, "TerminalSessionId", "1", AG_V_NUMBER);
	add(ev, "IntegrityLevel", "High");
	add(ev, "Hashes", HASHES);
	add(ev, "ParentProcessGuid", "{a1b2c3d4-0001-0002-0003-000000000000}");
	add(ev, "ParentProcessId", "0x3e8");
	add(ev, "ParentImage", "C:\\Windows\\explorer.exe");
	add(ev, "ParentCommandLine", "C:\\Windows\\Explorer.EXE");
	add(ev, "ParentUser", "CORP\\bob");
}

/* Write one alert into a fresh writer and parse it; the line must be whole and valid. */
static struct jdoc *alert_doc(const struct sgr_rule *r, const struct ag_event *ev,
			      struct ag_jsonw *w)
{
	struct jdoc *d;

	ag_jsonw_reset(w);
	cr_assert_eq(ag_alert_sigma(w, &std_ctx, r, ev, NOW_NS), 0);
	cr_assert_gt(w->len, 2);
	cr_assert_eq(w->buf[w->len - 1], '\n');
	cr_assert_null(memchr(w->buf, '\n', w->len - 1), "embedded newline");
	d = jparse(w->buf, w->len - 1);
	cr_assert_eq(d->err[0], '\0', "invalid JSON: %s\n%.*s", d->err, (int)w->len, w->buf);
	cr_assert_eq(d->e[0].type, 'o');
	return d;
}

/* ---- the JSON writer ---- */

Test(jsonw, nesting_commas_and_scalars)
{
	struct ag_jsonw w;
	size_t m;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	m = ag_jsonw_line_begin(&w);
	ag_jsonw_obj_begin(&w, NULL);
	ag_jsonw_u64(&w, "a", 18446744073709551615ull);
	ag_jsonw_i64(&w, "b", INT64_MIN);
	ag_jsonw_i64(&w, "c", 7);
	ag_jsonw_arr_begin(&w, "d");
	ag_jsonw_bool(&w, NULL, true);
	ag_jsonw_bool(&w, NULL, false);
	ag_jsonw_null(&w, NULL);
	ag_jsonw_obj_begin(&w, NULL);
	ag_jsonw_obj_end(&w);
	ag_jsonw_arr_begin(&w, NULL);
	ag_jsonw_arr_end(&w);
	ag_jsonw_arr_end(&w);
	ag_jsonw_key(&w, "k\"\x01", 3);
	ag_jsonw_raw(&w, NULL, "1.5e3", 5);
	ag_jsonw_cstr(&w, "e", NULL);
	ag_jsonw_str_begin(&w, "f");
	ag_jsonw_str_append(&w, "ab", 2);
	ag_jsonw_str_append(&w, "\t", 1);
	ag_jsonw_str_end(&w);
	ag_jsonw_obj_end(&w);
	cr_assert_eq(ag_jsonw_line_end(&w, m), 0);
	cr_assert_eq(w.len, strlen("{\"a\":18446744073709551615,\"b\":-9223372036854775808,"
				   "\"c\":7,\"d\":[true,false,null,{},[]],\"k\\\"\\u0001\":1.5e3,"
				   "\"e\":null,\"f\":\"ab\\t\"}\n"));
	cr_assert(memcmp(w.buf,
			 "{\"a\":18446744073709551615,\"b\":-9223372036854775808,"
			 "\"c\":7,\"d\":[true,false,null,{},[]],\"k\\\"\\u0001\":1.5e3,"
			 "\"e\":null,\"f\":\"ab\\t\"}\n",
			 w.len) == 0,
		  "%.*s", (int)w.len, w.buf);
	ag_jsonw_done(&w);
}

Test(jsonw, unbalanced_line_is_rolled_back)
{
	struct ag_jsonw w;
	size_t m;

	cr_assert_eq(ag_jsonw_init(&w, 16, 0), 0);
	m = ag_jsonw_line_begin(&w);
	ag_jsonw_obj_begin(&w, NULL);
	ag_jsonw_obj_end(&w);
	cr_assert_eq(ag_jsonw_line_end(&w, m), 0);
	m = ag_jsonw_line_begin(&w);
	ag_jsonw_obj_begin(&w, NULL);
	ag_jsonw_str(&w, "x", "y", 1);
	cr_assert_eq(ag_jsonw_line_end(&w, m), -EINVAL);
	cr_assert_eq(w.len, 3);
	cr_assert(memcmp(w.buf, "{}\n", 3) == 0);
	/* Closing more than was opened is an error too, and the writer recovers. */
	m = ag_jsonw_line_begin(&w);
	ag_jsonw_arr_end(&w);
	cr_assert_eq(ag_jsonw_line_end(&w, m), -EINVAL);
	m = ag_jsonw_line_begin(&w);
	ag_jsonw_arr_begin(&w, NULL);
	ag_jsonw_arr_end(&w);
	cr_assert_eq(ag_jsonw_line_end(&w, m), 0);
	cr_assert(memcmp(w.buf, "{}\n[]\n", 6) == 0 && w.len == 6);
	ag_jsonw_done(&w);
}

/* Misplaced values lose the line instead of writing invalid JSON. */
Test(jsonw, structure_errors)
{
	struct ag_jsonw w;
	size_t m;
	int i;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	for (i = 0; i < 9; i++) {
		m = ag_jsonw_line_begin(&w);
		switch (i) {
		case 0: /* a member at the top level */
			ag_jsonw_cstr(&w, "id", "x");
			break;
		case 1: /* an element without a key in an object */
			ag_jsonw_obj_begin(&w, NULL);
			ag_jsonw_cstr(&w, NULL, "x");
			ag_jsonw_obj_end(&w);
			break;
		case 2: /* a member in an array */
			ag_jsonw_arr_begin(&w, NULL);
			ag_jsonw_cstr(&w, "k", "x");
			ag_jsonw_arr_end(&w);
			break;
		case 3: /* two values on one line */
			ag_jsonw_obj_begin(&w, NULL);
			ag_jsonw_obj_end(&w);
			ag_jsonw_obj_begin(&w, NULL);
			ag_jsonw_obj_end(&w);
			break;
		case 4: /* mismatched close */
			ag_jsonw_obj_begin(&w, NULL);
			ag_jsonw_arr_end(&w);
			break;
		case 5: /* a key in an array */
			ag_jsonw_arr_begin(&w, NULL);
			ag_jsonw_key(&w, "k", 1);
			ag_jsonw_null(&w, NULL);
			ag_jsonw_arr_end(&w);
			break;
		case 6: /* two keys in a row */
			ag_jsonw_obj_begin(&w, NULL);
			ag_jsonw_key(&w, "a", 1);
			ag_jsonw_key(&w, "b", 1);
			ag_jsonw_null(&w, NULL);
			ag_jsonw_obj_end(&w);
			break;
		case 7: /* a key without a value */
			ag_jsonw_obj_begin(&w, NULL);
			ag_jsonw_key(&w, "a", 1);
			ag_jsonw_obj_end(&w);
			break;
		case 8: /* nothing */
			break;
		}
		cr_assert_eq(ag_jsonw_line_end(&w, m), -EINVAL, "case %d", i);
		cr_assert_eq(w.len, 0, "case %d", i);
	}
	ag_jsonw_done(&w);
}

Test(jsonw, depth_limit)
{
	struct ag_jsonw w;
	size_t m;
	int i;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	m = ag_jsonw_line_begin(&w);
	for (i = 0; i < AG_JSONW_MAX_DEPTH + 5; i++)
		ag_jsonw_arr_begin(&w, NULL);
	for (i = 0; i < AG_JSONW_MAX_DEPTH + 5; i++)
		ag_jsonw_arr_end(&w);
	cr_assert_eq(ag_jsonw_line_end(&w, m), -E2BIG);
	cr_assert_eq(w.len, 0);
	ag_jsonw_done(&w);
}

Test(jsonw, utf8_repair)
{
	static const struct {
		const char *in;
		const char *out; /* JSON string body */
	} cases[] = {
		{"plain", "plain"},
		{"\xc3\xa9", "\xc3\xa9"},		  /* é */
		{"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"}, /* U+1F600 */
		{"\xef\xbf\xbf", "\xef\xbf\xbf"},	  /* U+FFFF is a valid scalar */
		{"\xff", "\xef\xbf\xbd"},		  /* never valid */
		{"\x80z", "\xef\xbf\xbdz"},		  /* stray continuation */
		{"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"}, /* overlong '/' */
		{"\xe0\x80\xaf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* overlong */
		{"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* surrogate */
		{"\xf4\x90\x80\x80",
		 "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* > U+10FFFF */
		{"\xe2\x82", "\xef\xbf\xbd"}, /* truncated: one maximal subpart */
		{"\xe2\x82x", "\xef\xbf\xbdx"},
		{"\xf0\x9f\x98", "\xef\xbf\xbd"},
		{"a\xf0\x9f\x98\xc3\xa9", "a\xef\xbf\xbd\xc3\xa9"},
		{"\x01\x1f\x7f", "\\u0001\\u001f\x7f"},
		{"\"\\/\b\f\n\r\t", "\\\"\\\\/\\b\\f\\n\\r\\t"},
		{"\xe2\x80\xa8\xe2\x80\xa9", "\\u2028\\u2029"},
	};
	struct ag_jsonw w;
	size_t i;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t m = ag_jsonw_line_begin(&w);

		ag_jsonw_str(&w, NULL, cases[i].in, strlen(cases[i].in));
		cr_assert_eq(ag_jsonw_line_end(&w, m), 0);
		cr_assert_eq(w.len - m, strlen(cases[i].out) + 3, "case %zu: %.*s", i,
			     (int)(w.len - m), w.buf + m);
		cr_assert(memcmp(w.buf + m + 1, cases[i].out, strlen(cases[i].out)) == 0,
			  "case %zu: %.*s", i, (int)(w.len - m), w.buf + m);
	}
	/* A NUL byte inside the value. */
	{
		size_t m = ag_jsonw_line_begin(&w);

		ag_jsonw_str(&w, NULL, "a\0b", 3);
		cr_assert_eq(ag_jsonw_line_end(&w, m), 0);
		cr_assert(memcmp(w.buf + m, "\"a\\u0000b\"\n", 11) == 0);
	}
	ag_jsonw_done(&w);
}

/*
 * Reference escaper, written from the Unicode table of well-formed
 * sequences (Table 3-7) without the writer's tricks: one ill-formed
 * maximal subpart becomes one U+FFFD.
 */
static size_t ref_escape(char *out, const unsigned char *s, size_t n)
{
	size_t i = 0, o = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t k = utf8_len(s + i, n - i), j;

		if (c < 0x80) {
			const char *e = NULL;

			switch (c) {
			case '"':
				e = "\\\"";
				break;
			case '\\':
				e = "\\\\";
				break;
			case '\b':
				e = "\\b";
				break;
			case '\f':
				e = "\\f";
				break;
			case '\n':
				e = "\\n";
				break;
			case '\r':
				e = "\\r";
				break;
			case '\t':
				e = "\\t";
				break;
			default:
				break;
			}
			if (e) {
				memcpy(out + o, e, 2);
				o += 2;
			} else if (c < 0x20) {
				o += (size_t)sprintf(out + o, "\\u%04x", c);
			} else {
				out[o++] = (char)c;
			}
			i++;
			continue;
		}
		if (k) {
			if (k == 3 && c == 0xe2 && s[i + 1] == 0x80 && (s[i + 2] & 0xfe) == 0xa8) {
				o += (size_t)sprintf(out + o, "\\u%04x",
						     s[i + 2] == 0xa8 ? 0x2028 : 0x2029);
			} else {
				memcpy(out + o, s + i, k);
				o += k;
			}
			i += k;
			continue;
		}
		/* Grow j while s[i .. i + j) is a prefix of a well-formed sequence. */
		{
			static const unsigned char lo2[256] = {
				[0xc2 ... 0xdf] = 0x80, [0xe0] = 0xa0,
				[0xe1 ... 0xec] = 0x80, [0xed] = 0x80,
				[0xee ... 0xef] = 0x80, [0xf0] = 0x90,
				[0xf1 ... 0xf3] = 0x80, [0xf4] = 0x80,
			};
			static const unsigned char hi2[256] = {
				[0xc2 ... 0xdf] = 0xbf, [0xe0] = 0xbf,
				[0xe1 ... 0xec] = 0xbf, [0xed] = 0x9f,
				[0xee ... 0xef] = 0xbf, [0xf0] = 0xbf,
				[0xf1 ... 0xf3] = 0xbf, [0xf4] = 0x8f,
			};
			size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;

			j = 1;
			if (lo2[c] && i + 1 < n && s[i + 1] >= lo2[c] && s[i + 1] <= hi2[c]) {
				j = 2;
				while (j < len && i + j < n && (s[i + j] & 0xc0) == 0x80)
					j++;
			}
		}
		memcpy(out + o, "\xef\xbf\xbd", 3);
		o += 3;
		i += j;
	}
	return o;
}

Test(jsonw, random_strings_match_reference_and_limits)
{
	static const unsigned char alphabet[] = {
		'a',  'b',  ' ',  '"',	'\\', '/',  '\n', 0x00, 0x01, 0x1f, 0x7f,
		0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xe2, 0xa0, 0xa8, 0xed, 0x9f,
		0xef, 0xf0, 0x90, 0xf4, 0x8f, 0xf5, 0xff, 'Z',	'~',  '\t',
	};
	unsigned char s[300];
	char want[300 * 6 + 8];
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	int iter;

	for (iter = 0; iter < 20000; iter++) {
		struct ag_jsonw w;
		size_t n, i, wn, m, full;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		n = (size_t)(seed >> 33) % (iter < 1000 ? 20 : sizeof(s));
		for (i = 0; i < n; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			/* Mostly ASCII letters, so that long plain runs are common too. */
			s[i] = (seed >> 60) < 10 ? (unsigned char)('a' + (seed >> 40) % 26)
						 : alphabet[(seed >> 40) % sizeof(alphabet)];
		}
		want[0] = '"';
		wn = 1 + ref_escape(want + 1, s, n);
		want[wn++] = '"';
		want[wn++] = '\n';

		/* Unlimited. */
		cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
		m = ag_jsonw_line_begin(&w);
		ag_jsonw_str(&w, NULL, (const char *)s, n);
		cr_assert_eq(ag_jsonw_line_end(&w, m), 0);
		cr_assert(w.len == wn && memcmp(w.buf, want, wn) == 0,
			  "iter %d: got %.*s want %.*s", iter, (int)w.len, w.buf, (int)wn, want);
		full = w.len;
		ag_jsonw_done(&w);

		/* A limit of exactly the line fits; one byte less does not, and leaves nothing. */
		cr_assert_eq(ag_jsonw_init(&w, 0, full), 0);
		m = ag_jsonw_line_begin(&w);
		ag_jsonw_str(&w, NULL, (const char *)s, n);
		cr_assert_eq(ag_jsonw_line_end(&w, m), 0, "iter %d: exact limit", iter);
		cr_assert(w.len == wn && memcmp(w.buf, want, wn) == 0);
		ag_jsonw_done(&w);
		cr_assert_eq(ag_jsonw_init(&w, 0, full - 1), 0);
		m = ag_jsonw_line_begin(&w);
		ag_jsonw_str(&w, NULL, (const char *)s, n);
		cr_assert_eq(ag_jsonw_line_end(&w, m), -E2BIG, "iter %d: limit - 1", iter);
		cr_assert_eq(w.len, 0);
		ag_jsonw_done(&w);

		/* Valid UTF-8 written in two pieces cut between characters: same bytes. */
		for (i = 0; i < n;) {
			size_t k = utf8_len(s + i, n - i);

			if (!k)
				break;
			i += k;
		}
		if (i == n && n > 2 && (s[n / 2] & 0xc0) != 0x80) {
			cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
			m = ag_jsonw_line_begin(&w);
			ag_jsonw_str_begin(&w, NULL);
			ag_jsonw_str_append(&w, (const char *)s, n / 2);
			ag_jsonw_str_append(&w, (const char *)s + n / 2, n - n / 2);
			ag_jsonw_str_end(&w);
			cr_assert_eq(ag_jsonw_line_end(&w, m), 0);
			cr_assert(w.len == wn && memcmp(w.buf, want, wn) == 0, "iter %d: pieces",
				  iter);
			ag_jsonw_done(&w);
		}
	}
}

Test(jsonw, number_grammar)
{
	static const char *const ok[] = {"0", "-0", "12", "-12.5", "1e9", "1E+9", "2.5e-3", "0.0"};
	static const char *const bad[] = {"",	 "-",  "01", "1.",  ".5",  "1e",    "+1",
					  "0x1", "1 ", " 1", "NaN", "inf", "1.5e+", "--1"};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		cr_assert(ag_json_number_valid(ok[i], strlen(ok[i])), "%s", ok[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert(!ag_json_number_valid(bad[i], strlen(bad[i])), "%s", bad[i]);
}

/* ---- alerts ---- */

static const char std_keys[] =
	"@timestamp,ecs,ecs/version,"
	"event,event/kind,event/category,event/type,event/code,event/provider,event/module,"
	"event/dataset,event/severity,event/created,event/sequence,"
	"log,log/file,log/file/path,"
	"rule,rule/id,rule/name,rule/description,rule/reference,rule/ruleset,rule/author,"
	"rule/version,"
	"threat,threat/framework,threat/tactic,threat/tactic/id,threat/tactic/name,"
	"threat/tactic/reference,threat/technique,threat/technique/id,"
	"threat/technique/reference,threat/technique/subtechnique,"
	"threat/technique/subtechnique/id,threat/technique/subtechnique/reference,"
	"threat/group,threat/group/id,threat/software,threat/software/id,"
	"tags,host,host/name,host/os,host/os/type,agent,agent/type,agent/version,"
	"process,process/pid,process/entity_id,process/executable,process/name,"
	"process/command_line,process/working_directory,process/hash,process/hash/md5,"
	"process/hash/sha1,process/hash/sha256,process/pe,process/pe/original_file_name,"
	"process/parent,process/parent/pid,process/parent/entity_id,process/parent/executable,"
	"process/parent/name,process/parent/command_line,"
	"user,user/name,user/domain,"
	"sigma,sigma/level,sigma/status,sigma/references,sigma/fields";

Test(alert, sysmon_process_creation_keys_in_order)
{
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;
	char *keys;

	sysmon1(&ev);
	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	d = alert_doc(&std_rule, &ev, &w);
	keys = jkeys(d);
	cr_assert_str_eq(keys, std_keys);
	free(keys);
	jfree(d);
	ag_jsonw_done(&w);
	ag_event_done(&ev);
}

Test(alert, sysmon_process_creation_values)
{
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;

	sysmon1(&ev);
	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	d = alert_doc(&std_rule, &ev, &w);

	expect_str(d, "@timestamp", "2023-05-01T10:20:30.456Z");
	expect_str(d, "ecs/version", AG_ECS_VERSION);
	expect_str(d, "event/kind", "alert");
	expect_str(d, "event/category/0", "process");
	expect_absent(d, "event/category/1");
	expect_str(d, "event/type/0", "start");
	expect_absent(d, "event/type/1");
	expect_str(d, "event/code", "1");
	expect_str(d, "event/provider", "Microsoft-Windows-Sysmon");
	expect_str(d, "log/file/path", "/cases/ir-17/Sysmon.evtx");
	expect_str(d, "event/module", "sigmac");
	expect_str(d, "event/dataset", "sigmac.process_creation");
	expect_raw(d, "event/severity", "73");
	expect_str(d, "event/created", "2023-11-14T22:13:20.123Z");
	expect_raw(d, "event/sequence", "17");

	expect_str(d, "rule/id", "sigma::5b4d0b2e-2cf8-4a2a-9d1e-1234567890ab");
	expect_str(d, "rule/name", "Suspicious \"cmd\" Child");
	expect_str(d, "rule/description", "Detects cmd.exe\nspawned by Explorer");
	expect_str(d, "rule/reference", "https://example.org/a");
	expect_str(d, "rule/ruleset", "d1e5f00d");
	expect_type(d, "rule/author", 'a');
	expect_str(d, "rule/author/0", "Florian Roth (Nextron Systems)");
	expect_str(d, "rule/author/1", "Jane Doe (@jd, ACME)");
	expect_str(d, "rule/author/2", "X");
	expect_absent(d, "rule/author/3");
	expect_str(d, "rule/version", "2023-02-03");

	expect_type(d, "tags", 'a');
	expect_str(d, "tags/0", "attack.execution");
	expect_str(d, "tags/10", "detection.threat-hunting");
	expect_absent(d, "tags/11");

	expect_str(d, "host/name", "WS01.corp.example");
	expect_str(d, "host/os/type", "windows");
	expect_str(d, "agent/type", "sigmac-agent");
	expect_str(d, "agent/version", "0.1.0");

	expect_type(d, "process/pid", 'n');
	expect_raw(d, "process/pid", "4242");
	expect_str(d, "process/entity_id", "{a1b2c3d4-0001-0002-0003-000000000001}");
	expect_str(d, "process/executable", "C:\\Windows\\System32\\cmd.exe");
	expect_str(d, "process/name", "cmd.exe");
	expect_str(d, "process/command_line", "cmd.exe /c \"whoami /all\"");
	expect_str(d, "process/working_directory", "C:\\Users\\bob\\");
	expect_str(d, "process/hash/md5", "0123456789abcdef0123456789abcdef");
	expect_str(d, "process/hash/sha1", "8b7c2e1a9d3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b");
	expect_str(d, "process/hash/sha256",
		   "aaaabbbbccccddddeeeeffff0000111122223333444455556666777788889999");
	expect_absent(d, "process/pe/imphash"); /* all zero */
	expect_str(d, "process/pe/original_file_name", "Cmd.Exe");
	expect_raw(d, "process/parent/pid", "1000"); /* 0x3e8 */
	expect_str(d, "process/parent/entity_id", "{a1b2c3d4-0001-0002-0003-000000000000}");
	expect_str(d, "process/parent/executable", "C:\\Windows\\explorer.exe");
	expect_str(d, "process/parent/name", "explorer.exe");
	expect_str(d, "process/parent/command_line", "C:\\Windows\\Explorer.EXE");
	expect_str(d, "user/name", "bob");
	expect_str(d, "user/domain", "CORP");
	expect_absent(d, "file");
	expect_absent(d, "destination");

	expect_str(d, "sigma/level", "high");
	expect_str(d, "sigma/status", "test");
	expect_str(d, "sigma/references/1", "https://example.org/b");
	expect_type(d, "sigma/fields", 'o');
	expect_raw(d, "sigma/fields/EventID", "1");
	expect_raw(d, "sigma/fields/TerminalSessionId", "1");
	expect_str(d, "sigma/fields/ProcessId", "4242");
	expect_str(d, "sigma/fields/Hashes", HASHES);
	expect_str(d, "sigma/fields/Product", "Microsoft® Windows® Operating System");
	expect_str(d, "sigma/fields/ParentUser", "CORP\\bob");

	jfree(d);
	ag_jsonw_done(&w);
	ag_event_done(&ev);
}

Test(alert, sigma_fields_every_field_in_reading_order)
{
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;
	size_t i, k = 0;

	sysmon1(&ev);
	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	d = alert_doc(&std_rule, &ev, &w);
	for (i = 0; i < d->n; i++) {
		const struct jent *e = &d->e[i];
		char want[256];

		if (strncmp(e->path, "sigma/fields/", 13) != 0)
			continue;
		cr_assert_lt(k, ev.nkv);
		snprintf(want, sizeof(want), "sigma/fields/%.*s", (int)ev.kv[k].name_len,
			 ev.kv[k].name);
		cr_assert_str_eq(e->path, want);
		k++;
	}
	cr_assert_eq(k, ev.nkv);
	jfree(d);
	ag_jsonw_done(&w);
	ag_event_done(&ev);
}

Test(alert, attack_mapping)
{
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;

	sysmon1(&ev);
	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "threat/framework", "MITRE ATT&CK");
	/* Tag order; attack.defense_evasion is the same tactic as attack.defense-evasion. */
	expect_str(d, "threat/tactic/id/0", "TA0002");
	expect_str(d, "threat/tactic/name/0", "Execution");
	expect_str(d, "threat/tactic/id/1", "TA0005");
	expect_str(d, "threat/tactic/name/1", "Defense Evasion");
	expect_str(d, "threat/tactic/id/2", "TA0011");
	expect_str(d, "threat/tactic/name/2", "Command and Control");
	expect_absent(d, "threat/tactic/id/3");
	expect_str(d, "threat/tactic/reference/2", "https://attack.mitre.org/tactics/TA0011/");
	/* t1059.001 brings T1059; the later attack.t1059 is not repeated. */
	expect_str(d, "threat/technique/id/0", "T1059");
	expect_str(d, "threat/technique/id/1", "T1027");
	expect_absent(d, "threat/technique/id/2");
	expect_str(d, "threat/technique/reference/1", "https://attack.mitre.org/techniques/T1027/");
	expect_str(d, "threat/technique/subtechnique/id/0", "T1059.001");
	expect_absent(d, "threat/technique/subtechnique/id/1");
	expect_str(d, "threat/technique/subtechnique/reference/0",
		   "https://attack.mitre.org/techniques/T1059/001/");
	expect_str(d, "threat/group/id", "G0032");
	expect_str(d, "threat/software/id", "S0002");
	jfree(d);
	ag_jsonw_done(&w);
	ag_event_done(&ev);
}

Test(alert, attack_all_tactics_and_odd_tags)
{
	static const char *const tags[] = {
		"attack.reconnaissance",
		"attack.resource-development",
		"attack.initial-access",
		"attack.execution",
		"attack.persistence",
		"attack.privilege-escalation",
		"attack.defense-evasion",
		"attack.credential-access",
		"attack.discovery",
		"attack.lateral-movement",
		"attack.collection",
		"attack.command-and-control",
		"attack.exfiltration",
		"attack.impact",
		"ATTACK.T1003",
		"attack.t10",
		"attack.t1003.1",
		"attack.t1003x001",
		"attack.unknown-tactic",
		"attack.",
		"attack",
		"",
		"attack.tA003",
	};
	static const char *const ids[] = {"TA0043", "TA0042", "TA0001", "TA0002", "TA0003",
					  "TA0004", "TA0005", "TA0006", "TA0007", "TA0008",
					  "TA0009", "TA0011", "TA0010", "TA0040"};
	static const char *const names[] = {
		"Reconnaissance",  "Resource Development",
		"Initial Access",  "Execution",
		"Persistence",	   "Privilege Escalation",
		"Defense Evasion", "Credential Access",
		"Discovery",	   "Lateral Movement",
		"Collection",	   "Command and Control",
		"Exfiltration",	   "Impact",
	};
	struct sgr_rule r = std_rule;
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;
	char path[64];
	size_t i;

	r.tags = tags;
	r.ntags = sizeof(tags) / sizeof(tags[0]);
	sysmon1(&ev);
	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	d = alert_doc(&r, &ev, &w);
	for (i = 0; i < 14; i++) {
		snprintf(path, sizeof(path), "threat/tactic/id/%zu", i);
		expect_str(d, path, ids[i]);
		snprintf(path, sizeof(path), "threat/tactic/name/%zu", i);
		expect_str(d, path, names[i]);
	}
	expect_absent(d, "threat/tactic/id/14");
	expect_str(d, "threat/technique/id/0", "T1003");
	expect_absent(d, "threat/technique/id/1");
	expect_absent(d, "threat/technique/subtechnique");
	expect_absent(d, "threat/group");
	/* Empty tags are not written; the rest are, as they are. */
	expect_str(d, "tags/14", "ATTACK.T1003");
	expect_str(d, "tags/21", "attack.tA003");
	expect_absent(d, "tags/22");
	jfree(d);
	ag_jsonw_done(&w);
	ag_event_done(&ev);
}

Test(alert, no_attack_tags_no_threat)
{
	static const char *const tags[] = {"cve.2021-44228"};
	struct sgr_rule r = std_rule;
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;

	r.tags = tags;
	r.ntags = 1;
	sysmon1(&ev);
	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	d = alert_doc(&r, &ev, &w);
	expect_absent(d, "threat");
	expect_str(d, "tags/0", "cve.2021-44228");
	jfree(d);
	ag_jsonw_done(&w);
	ag_event_done(&ev);
}

/* An event with the given category and fields (name, value pairs, NULL-terminated). */
static void mkev(struct ag_event *ev, const char *cat, ...)
{
	va_list ap;
	const char *n;

	cr_assert_eq(ag_event_init(ev, AG_FIELD_CORE_MAX), 0);
	ev->product = "windows";
	if (cat) {
		ev->category[0] = cat;
		ev->ncategory = 1;
	}
	va_start(ap, cat);
	while ((n = va_arg(ap, const char *))) {
		const char *v = va_arg(ap, const char *);

		add(ev, n, v);
	}
	va_end(ap);
}

Test(alert, hashes_parsing)
{
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);

	/* image_load: dll.*, with imphash; bad and unknown entries ignored. */
	mkev(&ev, "image_load", "Image", "C:\\a\\b.exe", "ImageLoaded", "C:\\Windows\\x.DLL",
	     "OriginalFileName", "X.dll", "Hashes",
	     " MD5=ZZ23456789ABCDEF0123456789ABCDEF, sha1=0123 ,SHA256=00,"
	     "IMPHASH=F34D5F2D4577ED6D9CEEC516C1F5A744 ,SSDEEP=3:abc,SHA384=ab",
	     NULL);
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "event/category/0", "library");
	expect_str(d, "event/type/0", "start");
	expect_str(d, "dll/path", "C:\\Windows\\x.DLL");
	expect_str(d, "dll/name", "x.DLL");
	expect_str(d, "dll/pe/imphash", "f34d5f2d4577ed6d9ceec516c1f5a744");
	expect_str(d, "dll/pe/original_file_name", "X.dll");
	expect_absent(d, "dll/hash");
	expect_absent(d, "file");
	expect_absent(d, "process/hash");
	expect_absent(d, "process/pe");
	expect_str(d, "process/name", "b.exe");
	jfree(d);
	ag_event_done(&ev);

	/* file_delete: file.hash; the file path's parts. */
	mkev(&ev, "file_delete", "TargetFilename", "C:\\Users\\bob\\Down loads\\evil.tar.GZ",
	     "Hashes", "SHA256=0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
	     NULL);
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "event/category/0", "file");
	expect_str(d, "event/type/0", "deletion");
	expect_str(d, "file/path", "C:\\Users\\bob\\Down loads\\evil.tar.GZ");
	expect_str(d, "file/name", "evil.tar.GZ");
	expect_str(d, "file/directory", "C:\\Users\\bob\\Down loads");
	expect_str(d, "file/extension", "GZ");
	expect_str(d, "file/hash/sha256",
		   "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	expect_absent(d, "process");
	jfree(d);
	ag_event_done(&ev);

	/* A bare hash is told by its length; driver_load puts ImageLoaded in file.*. */
	mkev(&ev, "driver_load", "ImageLoaded", "C:\\Windows\\System32\\drivers\\x.sys", "Hashes",
	     "0123456789abcdef0123456789abcdef", NULL);
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "event/category/0", "driver");
	expect_str(d, "file/path", "C:\\Windows\\System32\\drivers\\x.sys");
	expect_str(d, "file/extension", "sys");
	expect_str(d, "file/hash/md5", "0123456789abcdef0123456789abcdef");
	expect_absent(d, "dll");
	jfree(d);
	ag_event_done(&ev);

	/* Sysmon 15 uses "Hash". */
	mkev(&ev, "create_stream_hash", "TargetFilename", "/tmp/.hidden", "Hash",
	     "SHA1=0123456789ABCDEF0123456789ABCDEF01234567", NULL);
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "file/hash/sha1", "0123456789abcdef0123456789abcdef01234567");
	expect_str(d, "file/name", ".hidden");
	expect_str(d, "file/directory", "/tmp");
	expect_absent(d, "file/extension");
	jfree(d);
	ag_event_done(&ev);

	/* Nothing parseable: no hash objects at all. */
	mkev(&ev, "process_creation", "Image", "/bin/sh", "Hashes", ",,=,MD5=,garbage", NULL);
	d = alert_doc(&std_rule, &ev, &w);
	expect_absent(d, "process/hash");
	expect_absent(d, "process/pe");
	expect_str(d, "process/name", "sh");
	jfree(d);
	ag_event_done(&ev);
	ag_jsonw_done(&w);
}

Test(alert, pid_forms)
{
	static const struct {
		const char *in;
		const char *out; /* NULL: absent */
	} cases[] = {
		{"4242", "4242"},
		{"0x1a4", "420"},
		{"0X1A4", "420"},
		{"0", "0"},
		{"9223372036854775807", "9223372036854775807"},
		{"9223372036854775808", NULL},
		{"99999999999999999999999", NULL},
		{"0xffffffffffffffff", NULL},
		{"-5", NULL},
		{"12abc", NULL},
		{"0x", NULL},
		{" 12", NULL},
		{"1.0", NULL},
		{"", NULL},
	};
	struct ag_jsonw w;
	size_t i;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ag_event ev;
		struct jdoc *d;

		mkev(&ev, "process_creation", "ProcessId", cases[i].in, "Image", "/bin/true", NULL);
		d = alert_doc(&std_rule, &ev, &w);
		if (cases[i].out) {
			expect_type(d, "process/pid", 'n');
			expect_raw(d, "process/pid", cases[i].out);
		} else {
			expect_absent(d, "process/pid");
		}
		/* The original text stays in sigma.fields, as a string. */
		expect_str(d, "sigma/fields/ProcessId", cases[i].in);
		jfree(d);
		ag_event_done(&ev);
	}
	ag_jsonw_done(&w);
}

Test(alert, network_connection)
{
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	mkev(&ev, "network_connection", "Image", "C:\\x\\curl.exe", "Protocol", "TCP", "Initiated",
	     "true", "SourceIp", "10.0.0.5", "SourceHostname", "ws01", "SourcePort", "50000",
	     "DestinationIp", "2001:db8::1", "DestinationHostname", "evil.example",
	     "DestinationPort", "443", NULL);
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "event/category/0", "network");
	expect_str(d, "event/type/0", "connection");
	expect_str(d, "event/type/1", "start");
	expect_str(d, "source/ip", "10.0.0.5");
	expect_raw(d, "source/port", "50000");
	expect_str(d, "source/domain", "ws01");
	expect_str(d, "destination/ip", "2001:db8::1");
	expect_raw(d, "destination/port", "443");
	expect_str(d, "destination/domain", "evil.example");
	expect_str(d, "network/transport", "tcp");
	expect_str(d, "network/type", "ipv6");
	expect_str(d, "network/direction", "egress");
	jfree(d);
	ag_event_done(&ev);

	/* Bad values are left out of ECS (they would make Elasticsearch reject the document). */
	mkev(&ev, "network_connection", "Protocol", "t c p", "Initiated", "maybe", "DestinationIp",
	     "999.1.1.1", "DestinationPort", "65536", "SourceIp", "192.168.1.1", "SourcePort",
	     "0x50", NULL);
	d = alert_doc(&std_rule, &ev, &w);
	expect_absent(d, "destination");
	expect_str(d, "source/ip", "192.168.1.1");
	expect_raw(d, "source/port", "80");
	expect_absent(d, "network/transport");
	expect_absent(d, "network/direction");
	expect_str(d, "network/type", "ipv4");
	expect_str(d, "sigma/fields/DestinationIp", "999.1.1.1");
	jfree(d);
	ag_event_done(&ev);

	mkev(&ev, "network_connection", "Initiated", "False", NULL);
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "network/direction", "ingress");
	jfree(d);
	ag_event_done(&ev);

	mkev(&ev, "dns_query", "QueryName", "evil.example", "Image", "C:\\a.exe", NULL);
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "event/category/0", "network");
	expect_str(d, "event/type/0", "protocol");
	expect_str(d, "dns/question/name", "evil.example");
	jfree(d);
	ag_event_done(&ev);
	ag_jsonw_done(&w);
}

Test(alert, ip_addresses)
{
	static const struct {
		const char *ip, *type; /* type NULL: not an address */
	} cases[] = {
		{"10.0.0.1", "ipv4"},
		{"255.255.255.255", "ipv4"},
		{"0.0.0.0", "ipv4"},
		{"256.1.1.1", NULL},
		{"01.2.3.4", NULL},
		{"1.2.3", NULL},
		{"1.2.3.4.5", NULL},
		{"1.2.3.4 ", NULL},
		{"1..3.4", NULL},
		{"::", "ipv6"},
		{"::1", "ipv6"},
		{"1::", "ipv6"},
		{"fe80::1:2", "ipv6"},
		{"1:2:3:4:5:6:7:8", "ipv6"},
		{"1:2:3:4:5:6:7::", "ipv6"},
		{"::ffff:10.0.0.1", "ipv6"},
		{"1:2:3:4:5:6:1.2.3.4", "ipv6"},
		{"FE80:0:0:0:0:0:0:ABCD", "ipv6"},
		{"1:2:3:4:5:6:7:8:9", NULL},
		{"1:2:3:4:5:6:7", NULL},
		{"1:2:3:4:5:6:7:1.2.3.4", NULL},
		{"1::2::3", NULL},
		{":1", NULL},
		{"1:", NULL},
		{":::", NULL},
		{"12345::", NULL},
		{"fe80::1%eth0", NULL},
		{"g::1", NULL},
		{"", NULL},
		{"localhost", NULL},
	};
	struct ag_jsonw w;
	size_t i;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ag_event ev;
		struct jdoc *d;

		mkev(&ev, "network_connection", "DestinationIp", cases[i].ip, NULL);
		d = alert_doc(&std_rule, &ev, &w);
		if (cases[i].type) {
			expect_str(d, "destination/ip", cases[i].ip);
			expect_str(d, "network/type", cases[i].type);
		} else {
			expect_absent(d, "destination/ip");
			expect_absent(d, "network/type");
		}
		jfree(d);
		ag_event_done(&ev);
	}
	ag_jsonw_done(&w);
}

Test(alert, registry)
{
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	mkev(&ev, "registry_set", "TargetObject",
	     "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\evil", "Details",
	     "C:\\evil.exe", NULL);
	ev.category[1] = "registry_event";
	ev.ncategory = 2;
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "event/category/0", "registry");
	expect_str(d, "event/type/0", "change");
	expect_str(d, "event/dataset", "sigmac.registry_set");
	expect_str(d, "registry/hive", "HKLM");
	expect_str(d, "registry/path",
		   "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\evil");
	expect_str(d, "registry/key", "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run");
	expect_str(d, "registry/value", "evil");
	expect_str(d, "registry/data/strings/0", "C:\\evil.exe");
	jfree(d);
	ag_event_done(&ev);

	mkev(&ev, "registry_add", "TargetObject", "HKU\\S-1-5-21\\Software\\Evil", NULL);
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "event/type/0", "creation");
	expect_str(d, "registry/hive", "HKU");
	expect_str(d, "registry/key", "S-1-5-21\\Software\\Evil");
	expect_absent(d, "registry/value");
	expect_absent(d, "registry/data");
	jfree(d);
	ag_event_done(&ev);

	mkev(&ev, "registry_delete", "TargetObject", "\\REGISTRY\\MACHINE\\SYSTEM\\X", NULL);
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "event/type/0", "deletion");
	expect_str(d, "registry/hive", "HKLM");
	expect_str(d, "registry/key", "SYSTEM\\X");
	jfree(d);
	ag_event_done(&ev);
	ag_jsonw_done(&w);
}

Test(alert, category_table)
{
	static const struct {
		const char *sigma, *cat, *type0, *type1;
	} cases[] = {
		{"process_creation", "process", "start", NULL},
		{"process_termination", "process", "end", NULL},
		{"process_access", "process", "access", NULL},
		{"network_connection", "network", "connection", "start"},
		{"dns_query", "network", "protocol", NULL},
		{"file_event", "file", "creation", NULL},
		{"file_delete", "file", "deletion", NULL},
		{"file_rename", "file", "change", NULL},
		{"file_change", "file", "change", NULL},
		{"file_access", "file", "access", NULL},
		{"registry_event", "registry", "change", NULL},
		{"registry_something_new", "registry", "change", NULL},
		{"image_load", "library", "start", NULL},
		{"driver_load", "driver", "start", NULL},
		{"ps_script", "process", "info", NULL},
		{"wmi_event", "host", "info", NULL},
		{NULL, "host", "info", NULL},
	};
	struct ag_jsonw w;
	size_t i;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ag_event ev;
		struct jdoc *d;

		mkev(&ev, cases[i].sigma, NULL);
		d = alert_doc(&std_rule, &ev, &w);
		expect_str(d, "event/category/0", cases[i].cat);
		expect_absent(d, "event/category/1");
		expect_str(d, "event/type/0", cases[i].type0);
		if (cases[i].type1)
			expect_str(d, "event/type/1", cases[i].type1);
		else
			expect_absent(d, "event/type/1");
		jfree(d);
		ag_event_done(&ev);
	}
	ag_jsonw_done(&w);
}

Test(alert, dataset_fallbacks)
{
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	mkev(&ev, NULL, NULL);
	ev.service = "Powershell-Classic";
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "event/dataset", "sigmac.powershell_classic");
	jfree(d);
	ev.service = NULL;
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "event/dataset", "sigmac.windows");
	jfree(d);
	ev.product = NULL;
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "event/dataset", "sigmac.generic");
	expect_str(d, "host/os/type", "linux"); /* from the agent */
	expect_str(d, "host/name", "agent-host");
	jfree(d);
	ag_event_done(&ev);
	ag_jsonw_done(&w);
}

Test(alert, invalid_utf8_and_controls)
{
	static const char bad[] = "a\xff"
				  "b\xc0\xaf"
				  "c\xed\xa0\x80"
				  "d\xe2\x82"
				  "\x01\x1f\"\\\n\r\t\xf0\x9f\x98\x80"
				  "\xe2\x80\xa8";
	static const char want[] = "a\xef\xbf\xbd"
				   "b\xef\xbf\xbd\xef\xbf\xbd"
				   "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
				   "d\xef\xbf\xbd"
				   "\x01\x1f\"\\\n\r\t\xf0\x9f\x98\x80"
				   "\xe2\x80\xa8";
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;
	const char *name;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	mkev(&ev, "process_creation", "CommandLine", bad, "Image", "C:\\\xff\\x.exe", NULL);
	add(&ev, "Weird\xff\x01Name", "v");
	addf(&ev, "Num", "01", AG_V_NUMBER);	  /* not a JSON number: string */
	addf(&ev, "Num2", "-1.5e3", AG_V_NUMBER); /* a JSON number */
	addf(&ev, "Bool", "true", AG_V_BOOL);
	addf(&ev, "Bool2", "TRUE", AG_V_BOOL); /* not JSON: string */
	addf(&ev, "Nul", "null", AG_V_NULL);
	addf(&ev, "Obj", "{\"a\":1}", AG_V_COMPOUND);
	addf(&ev, "NumStr", "1", 0);
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "process/command_line", want);
	expect_str(d, "process/executable", "C:\\\xef\xbf\xbd\\x.exe");
	expect_str(d, "sigma/fields/CommandLine", want);
	name = "sigma/fields/Weird\xef\xbf\xbd\x01Name";
	expect_str(d, name, "v");
	expect_type(d, "sigma/fields/Num", 's');
	expect_str(d, "sigma/fields/Num", "01");
	expect_raw(d, "sigma/fields/Num2", "-1.5e3");
	expect_raw(d, "sigma/fields/Bool", "true");
	expect_str(d, "sigma/fields/Bool2", "TRUE");
	expect_type(d, "sigma/fields/Nul", 'z');
	expect_str(d, "sigma/fields/Obj", "{\"a\":1}");
	expect_str(d, "sigma/fields/NumStr", "1");
	/* The escapes themselves: nothing below 0x20 and no U+2028 is written raw. */
	for (size_t i = 0; i < w.len - 1; i++)
		cr_assert((unsigned char)w.buf[i] >= 0x20, "raw control at %zu", i);
	cr_assert_null(memmem(w.buf, w.len, "\xe2\x80\xa8", 3));
	cr_assert_not_null(memmem(w.buf, w.len, "\\u0001\\u001f\\\"\\\\\\n\\r\\t", 20));
	jfree(d);
	ag_event_done(&ev);
	ag_jsonw_done(&w);
}

Test(alert, duplicate_and_empty_field_names)
{
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	mkev(&ev, "process_creation", "Data", "one", "Image", "/bin/a", "Data", "two", "", "e1",
	     "Image", "/bin/b", "_", "e2", NULL);
	addf(&ev, "Data", "3", AG_V_NUMBER);
	d = alert_doc(&std_rule, &ev, &w);
	expect_type(d, "sigma/fields/Data", 'a');
	expect_str(d, "sigma/fields/Data/0", "one");
	expect_str(d, "sigma/fields/Data/1", "two");
	expect_raw(d, "sigma/fields/Data/2", "3");
	expect_str(d, "sigma/fields/Image/0", "/bin/a");
	expect_str(d, "sigma/fields/Image/1", "/bin/b");
	expect_str(d, "sigma/fields/_/0", "e1");
	expect_str(d, "sigma/fields/_/1", "e2");
	/* The slot holds the last Image. */
	expect_str(d, "process/executable", "/bin/b");
	{
		/* First-occurrence order: Data, Image, _. */
		size_t i, k = 0;
		const char *order[] = {"sigma/fields/Data", "sigma/fields/Image", "sigma/fields/_"};

		for (i = 0; i < d->n; i++)
			if (d->e[i].member && strncmp(d->e[i].path, "sigma/fields/", 13) == 0) {
				cr_assert_lt(k, 3);
				cr_assert_str_eq(d->e[i].path, order[k]);
				k++;
			}
		cr_assert_eq(k, 3);
	}
	jfree(d);
	ag_event_done(&ev);
	ag_jsonw_done(&w);
}

Test(alert, one_megabyte_command_line)
{
	const size_t n = 1u << 20;
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;
	char *cmd = malloc(n + 1), *got;
	size_t i, gotn;

	for (i = 0; i < n; i++)
		cmd[i] = (char)('a' + i % 26);
	cmd[n / 2] = '"';
	cmd[n / 3] = '\\';
	cmd[n] = '\0';
	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	mkev(&ev, "process_creation", "Image", "/usr/bin/python3", "CommandLine", cmd, NULL);
	d = alert_doc(&std_rule, &ev, &w);
	got = jstr(d, "process/command_line", &gotn);
	cr_assert_not_null(got);
	cr_assert_eq(gotn, n);
	cr_assert(memcmp(got, cmd, n) == 0);
	free(got);
	got = jstr(d, "sigma/fields/CommandLine", &gotn);
	cr_assert_eq(gotn, n);
	free(got);
	cr_assert_gt(w.len, 2 * n);
	jfree(d);
	ag_event_done(&ev);
	ag_jsonw_done(&w);
	free(cmd);
}

Test(alert, no_fields_at_all)
{
	static const struct sgr_rule bare = {
		.id = "",
		.file = "",
		.title = "",
		.description = NULL,
		.severity = 21,
	};
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;
	char *keys;

	cr_assert_eq(ag_event_init(&ev, 0), 0);
	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	ag_jsonw_reset(&w);
	cr_assert_eq(ag_alert_sigma(&w, NULL, &bare, &ev, NOW_NS), 0);
	d = jparse(w.buf, w.len - 1);
	cr_assert_eq(d->err[0], '\0', "%s", d->err);
	keys = jkeys(d);
	cr_assert_str_eq(keys, "@timestamp,ecs,ecs/version,event,event/kind,event/category,"
			       "event/type,event/module,event/dataset,event/severity,"
			       "event/created,rule,rule/id,agent,agent/type,sigma,sigma/fields");
	free(keys);
	expect_str(d, "@timestamp", "2023-11-14T22:13:20.123Z");
	expect_str(d, "rule/id", "sigma::unknown");
	expect_str(d, "event/dataset", "sigmac.generic");
	expect_raw(d, "event/severity", "21");
	expect_raw(d, "sigma/fields", "{}");
	jfree(d);

	/* A rule without an id is named by its file. */
	{
		struct sgr_rule r = bare;

		r.file = "rules/x.yml";
		ag_jsonw_reset(&w);
		cr_assert_eq(ag_alert_sigma(&w, NULL, &r, &ev, NOW_NS), 0);
		d = jparse(w.buf, w.len - 1);
		expect_str(d, "rule/id", "sigma::rules/x.yml");
		jfree(d);
	}
	ag_jsonw_done(&w);
	ag_event_done(&ev);
}

Test(alert, event_without_slots_is_read_by_name)
{
	struct ag_kv kv[3] = {
		{.name = "Image", .name_len = 5, .val = "/bin/ls", .val_len = 7},
		{.name = "ProcessId", .name_len = 9, .val = "12", .val_len = 2},
		{.name = "Image", .name_len = 5, .val = "/bin/cat", .val_len = 8},
	};
	struct ag_event ev = {.kv = kv, .nkv = 3, .product = "linux"};
	struct ag_jsonw w;
	struct jdoc *d;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "process/executable", "/bin/cat");
	expect_str(d, "process/name", "cat");
	expect_raw(d, "process/pid", "12");
	expect_str(d, "host/os/type", "linux");
	jfree(d);
	ag_jsonw_done(&w);
}

Test(alert, timestamps)
{
	static const struct {
		const char *field, *val, *want;
	} cases[] = {
		{"UtcTime", "2023-05-01 10:20:30.456", "2023-05-01T10:20:30.456Z"},
		{"UtcTime", "2023-05-01 10:20:30", "2023-05-01T10:20:30.000Z"},
		{"TimeCreated", "2019-06-24T14:12:57.1234567Z", "2019-06-24T14:12:57.123Z"},
		{"TimeCreated", "2019-06-24T14:12:57.999+02:00", "2019-06-24T12:12:57.999Z"},
		{"TimeCreated", "2019-06-24T23:30:00-0130", "2019-06-25T01:00:00.000Z"},
		{"TimeCreated", "{\"SystemTime\": \"2020-02-29T00:00:00.5Z\"}",
		 "2020-02-29T00:00:00.500Z"},
		{"TimeCreated", "2019-02-29T00:00:00Z", NULL}, /* not a leap year */
		{"TimeCreated", "2019-13-01T00:00:00Z", NULL},
		{"TimeCreated", "1969-12-31T23:59:59Z", NULL},
		{"TimeCreated", "2019-06-24T14:12:57Zjunk", NULL},
		{"TimeCreated", "2019-06-24T14:12:57Z\"", NULL},
		{"TimeCreated", "{\"SystemTime\": \"2019-06-24T14:12:57.5Zx\"}", NULL},
		{"TimeCreated", "yesterday", NULL},
		{"UtcTime", "", NULL},
	};
	struct ag_jsonw w;
	size_t i;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ag_event ev;
		struct jdoc *d;

		mkev(&ev, NULL, cases[i].field, cases[i].val, NULL);
		d = alert_doc(&std_rule, &ev, &w);
		expect_str(d, "@timestamp",
			   cases[i].want ? cases[i].want : "2023-11-14T22:13:20.123Z");
		jfree(d);
		ag_event_done(&ev);
	}
	/* ts_ns wins over the fields; UtcTime over TimeCreated. */
	{
		struct ag_event ev;
		struct jdoc *d;

		mkev(&ev, NULL, "TimeCreated", "2001-01-01T00:00:00Z", "UtcTime",
		     "2002-02-02 02:02:02.002", NULL);
		d = alert_doc(&std_rule, &ev, &w);
		expect_str(d, "@timestamp", "2002-02-02T02:02:02.002Z");
		jfree(d);
		ev.ts_ns = 951782400000000000ull + 999999999ull; /* 2000-02-29T00:00:00.999 */
		d = alert_doc(&std_rule, &ev, &w);
		expect_str(d, "@timestamp", "2000-02-29T00:00:00.999Z");
		jfree(d);
		ag_event_done(&ev);
	}
	ag_jsonw_done(&w);
}

Test(alert, user_forms)
{
	static const struct {
		const char *in, *name, *domain;
	} cases[] = {
		{"CORP\\bob", "bob", "CORP"}, {"NT AUTHORITY\\SYSTEM", "SYSTEM", "NT AUTHORITY"},
		{"root", "root", NULL},	      {"\\bob", "\\bob", NULL},
		{"a\\b\\c", "a\\b\\c", NULL}, {"CORP\\", "CORP\\", NULL},
	};
	struct ag_jsonw w;
	size_t i;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ag_event ev;
		struct jdoc *d;

		mkev(&ev, NULL, "User", cases[i].in, NULL);
		d = alert_doc(&std_rule, &ev, &w);
		expect_str(d, "user/name", cases[i].name);
		if (cases[i].domain)
			expect_str(d, "user/domain", cases[i].domain);
		else
			expect_absent(d, "user/domain");
		jfree(d);
		ag_event_done(&ev);
	}
	ag_jsonw_done(&w);
}

Test(alert, deterministic_bytes)
{
	struct ag_event ev;
	struct ag_jsonw a, b;
	int k;

	sysmon1(&ev);
	cr_assert_eq(ag_jsonw_init(&a, 0, 0), 0);
	cr_assert_eq(ag_jsonw_init(&b, 64, 0), 0);
	cr_assert_eq(ag_alert_sigma(&a, &std_ctx, &std_rule, &ev, NOW_NS), 0);
	for (k = 0; k < 3; k++)
		cr_assert_eq(ag_alert_sigma(&b, &std_ctx, &std_rule, &ev, NOW_NS), 0);
	cr_assert_eq(b.len, 3 * a.len);
	for (k = 0; k < 3; k++)
		cr_assert(memcmp(a.buf, b.buf + (size_t)k * a.len, a.len) == 0);
	/* Reusing the buffer after a reset gives the same bytes again. */
	ag_jsonw_reset(&b);
	cr_assert_eq(ag_alert_sigma(&b, &std_ctx, &std_rule, &ev, NOW_NS), 0);
	cr_assert(b.len == a.len && memcmp(a.buf, b.buf, a.len) == 0);
	ag_jsonw_done(&a);
	ag_jsonw_done(&b);
	ag_event_done(&ev);
}

Test(alert, limit_keeps_whole_lines)
{
	struct ag_event ev, big;
	struct ag_jsonw w;
	size_t first;

	cr_assert_eq(ag_event_init(&ev, 0), 0);
	sysmon1(&big);
	/* Room for the small alert and a little more, not for the big one. */
	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	cr_assert_eq(ag_alert_sigma(&w, &std_ctx, &std_rule, &ev, NOW_NS), 0);
	first = w.len;
	ag_jsonw_done(&w);
	cr_assert_eq(ag_jsonw_init(&w, 0, first + 64), 0);
	cr_assert_eq(ag_alert_sigma(&w, &std_ctx, &std_rule, &ev, NOW_NS), 0);
	cr_assert_eq(w.len, first);
	cr_assert_eq(ag_alert_sigma(&w, &std_ctx, &std_rule, &big, NOW_NS), -E2BIG);
	cr_assert_eq(w.len, first);
	cr_assert_eq(w.buf[first - 1], '\n');
	/* The writer is usable again at once. */
	cr_assert_eq(ag_alert_sigma(&w, &std_ctx, &std_rule, &ev, NOW_NS), -E2BIG);
	ag_jsonw_reset(&w);
	cr_assert_eq(ag_alert_sigma(&w, &std_ctx, &std_rule, &ev, NOW_NS), 0);
	cr_assert_eq(w.len, first);
	ag_jsonw_done(&w);
	ag_event_done(&ev);
	ag_event_done(&big);
}

/* Every kind of line above, once more through an independent parser. */
Test(alert, python_json_agrees)
{
	static const char bad[] = "x\xff\xc0\xaf\xed\xa0\x80\x01\n\"\\\xe2\x80\xa8\xf0\x9f\x98\x80";
	char path[] = "/tmp/test-alert-XXXXXX";
	uint64_t seed = 42;
	char cmd[1024];
	struct ag_event ev;
	struct ag_jsonw w;
	FILE *f;
	int fd, rc, k;

	if (system("python3 -c 'import json' >/dev/null 2>&1") != 0)
		cr_skip_test("python3 is not installed");
	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	sysmon1(&ev);
	cr_assert_eq(ag_alert_sigma(&w, &std_ctx, &std_rule, &ev, NOW_NS), 0);
	ag_event_done(&ev);
	mkev(&ev, "network_connection", "CommandLine", bad, "Data", "1", "Data", bad, "", "e", bad,
	     bad, "DestinationIp", "::1", "DestinationPort", "53", NULL);
	addf(&ev, "N", "-0.5E-7", AG_V_NUMBER);
	cr_assert_eq(ag_alert_sigma(&w, &std_ctx, &std_rule, &ev, NOW_NS), 0);
	ag_event_done(&ev);
	cr_assert_eq(ag_event_init(&ev, 0), 0);
	cr_assert_eq(ag_alert_sigma(&w, NULL, &std_rule, &ev, NOW_NS), 0);
	ag_event_done(&ev);
	/* Random bytes: Python's own decoder must agree on every U+FFFD. */
	for (k = 0; k < 500; k++) {
		unsigned char rnd[64];
		char hex[129];
		size_t n, i, m;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		n = (size_t)(seed >> 33) % sizeof(rnd);
		for (i = 0; i < n; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			rnd[i] = (unsigned char)(seed >> 56);
			if (rnd[i] < 0x80 && (seed & 1))
				rnd[i] = (unsigned char)(0x80 | (seed >> 48));
			sprintf(hex + 2 * i, "%02x", rnd[i]);
		}
		hex[2 * n] = '\0';
		m = ag_jsonw_line_begin(&w);
		ag_jsonw_obj_begin(&w, NULL);
		ag_jsonw_cstr(&w, "hex", hex);
		ag_jsonw_str(&w, "s", (const char *)rnd, n);
		ag_jsonw_obj_end(&w);
		cr_assert_eq(ag_jsonw_line_end(&w, m), 0);
	}

	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	f = fdopen(fd, "wb");
	cr_assert_eq(fwrite(w.buf, 1, w.len, f), w.len);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "python3 -c '"
		 "import json,sys\n"
		 "def nodup(p):\n"
		 "    d = dict(p)\n"
		 "    assert len(d) == len(p), p\n"
		 "    return d\n"
		 "data = open(sys.argv[1], \"rb\").read()\n"
		 "lines = data.split(b\"\\n\")\n"
		 "assert lines[-1] == b\"\" and len(lines) == 504\n"
		 "for l in lines[:3]:\n"
		 "    o = json.loads(l.decode(\"utf-8\", \"strict\"), object_pairs_hook=nodup)\n"
		 "    assert o[\"event\"][\"kind\"] == \"alert\"\n"
		 "for l in lines[3:-1]:\n"
		 "    o = json.loads(l.decode(\"utf-8\", \"strict\"))\n"
		 "    want = bytes.fromhex(o[\"hex\"]).decode(\"utf-8\", \"replace\")\n"
		 "    assert o[\"s\"] == want, (o, want)\n"
		 "' %s",
		 path);
	rc = system(cmd);
	unlink(path);
	cr_assert_eq(rc, 0, "python3 rejected the output");
	ag_jsonw_done(&w);
}

/*
 * Alerts per second for a typical Sysmon process_creation event: set
 * AG_ALERT_BENCH=1 (one million alerts) or to a number of alerts.
 */
Test(alert, throughput)
{
	long iters = 1000000;
	struct timespec t0, t1;
	struct ag_event ev;
	struct ag_jsonw w;
	size_t bytes = 0, one;
	double secs;
	long i;

	if (!getenv("AG_ALERT_BENCH"))
		cr_skip_test("set AG_ALERT_BENCH=1 (or the number of alerts) to measure");
	if (atol(getenv("AG_ALERT_BENCH")) > 1)
		iters = atol(getenv("AG_ALERT_BENCH"));
	sysmon1(&ev);
	cr_assert_eq(ag_jsonw_init(&w, 1 << 20, 0), 0);
	cr_assert_eq(ag_alert_sigma(&w, &std_ctx, &std_rule, &ev, NOW_NS), 0);
	one = w.len;
	ag_jsonw_reset(&w);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < iters; i++) {
		if (w.len > (1 << 20) - 4096) {
			bytes += w.len;
			ag_jsonw_reset(&w);
		}
		ag_alert_sigma(&w, &std_ctx, &std_rule, &ev, NOW_NS + (uint64_t)i);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	bytes += w.len;
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	cr_assert_eq(bytes, one * (size_t)iters);
	fprintf(stderr, "alert writer: %.0f alerts/s, %.1f MB/s, %zu bytes/alert\n",
		(double)iters / secs, (double)bytes / secs / 1e6, one);
	ag_jsonw_done(&w);
	ag_event_done(&ev);
}
