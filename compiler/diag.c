// SPDX-License-Identifier: Apache-2.0
/*
 * The diagnostics sink and its three renderings: text for people, one JSON
 * object per line for scripts, SARIF 2.1.0 for code-scanning interfaces.
 */
#include "diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"

struct code_info {
	int num;
	enum sc_severity sev;
	const char *name;
	const char *summary;
};

#define ERROR	SC_SEV_ERROR
#define WARNING SC_SEV_WARNING
static const struct code_info codes[] = {
#define SC_CODE(name, num, sev, summary) {num, sev, #name, summary},
#include "diag_codes.h"
#undef SC_CODE
};
#undef ERROR
#undef WARNING

#define NCODES (sizeof(codes) / sizeof(codes[0]))

static const struct code_info *code_info(enum sc_code code)
{
	size_t i;

	for (i = 0; i < NCODES; i++)
		if (codes[i].num == (int)code)
			return &codes[i];
	return NULL;
}

const char *sc_code_name(enum sc_code code)
{
	const struct code_info *ci = code_info(code);

	return ci ? ci->name : "SC_E_INTERNAL";
}

const char *sc_code_summary(enum sc_code code)
{
	const struct code_info *ci = code_info(code);

	return ci ? ci->summary : "internal compiler error";
}

enum sc_severity sc_code_severity(enum sc_code code)
{
	const struct code_info *ci = code_info(code);

	return ci ? ci->sev : SC_SEV_ERROR;
}

bool sc_code_valid(int number)
{
	return code_info((enum sc_code)number) != NULL;
}

void sc_diags_init(struct sc_diags *d, struct sc_arena *a)
{
	memset(d, 0, sizeof(*d));
	d->arena = a;
}

void sc_diags_done(struct sc_diags *d)
{
	free(d->v);
	d->v = NULL;
	d->n = d->cap = 0;
}

void sc_vdiag(struct sc_diags *d, enum sc_code code, const char *file, struct sc_pos pos,
	      const char *fmt, va_list ap)
{
	struct sc_buf b = SC_BUF_INIT;
	struct sc_diag *g;

	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 64;
		d->v = sc_xreallocarray(d->v, d->cap, sizeof(*d->v));
	}
	sc_buf_vprintf(&b, fmt, ap);
	g = &d->v[d->n];
	g->code = code;
	g->file = file;
	g->pos = pos;
	g->rule_id = NULL;
	g->msg = sc_arena_strndup(d->arena, b.data ? b.data : "", b.len);
	g->seq = (uint32_t)d->n;
	d->n++;
	sc_buf_done(&b);
	if (sc_code_severity(code) == SC_SEV_ERROR)
		d->nerrors++;
	else
		d->nwarnings++;
}

void sc_diag(struct sc_diags *d, enum sc_code code, const char *file, struct sc_pos pos,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sc_vdiag(d, code, file, pos, fmt, ap);
	va_end(ap);
}

size_t sc_diag_errors_since(const struct sc_diags *d, size_t mark)
{
	size_t i, n = 0;

	for (i = mark; i < d->n; i++)
		if (sc_code_severity(d->v[i].code) == SC_SEV_ERROR)
			n++;
	return n;
}

enum sc_code sc_diag_first_error_since(const struct sc_diags *d, size_t mark)
{
	size_t i;

	for (i = mark; i < d->n; i++)
		if (sc_code_severity(d->v[i].code) == SC_SEV_ERROR)
			return d->v[i].code;
	return 0;
}

void sc_diag_set_rule_range(struct sc_diags *d, size_t first, size_t end, const char *rule_id)
{
	size_t i;

	for (i = first; i < end && i < d->n; i++)
		if (!d->v[i].rule_id)
			d->v[i].rule_id = rule_id;
}

void sc_diag_set_rule(struct sc_diags *d, size_t mark, const char *rule_id)
{
	sc_diag_set_rule_range(d, mark, d->n, rule_id);
}

static int diag_cmp(const void *pa, const void *pb)
{
	const struct sc_diag *a = pa, *b = pb;
	int c;

	if (a->file != b->file) {
		if (!a->file)
			return -1;
		if (!b->file)
			return 1;
		c = strcmp(a->file, b->file);
		if (c)
			return c;
	}
	if (a->pos.line != b->pos.line)
		return a->pos.line < b->pos.line ? -1 : 1;
	if (a->pos.col != b->pos.col)
		return a->pos.col < b->pos.col ? -1 : 1;
	return a->seq < b->seq ? -1 : (a->seq > b->seq);
}

void sc_diags_sort(struct sc_diags *d)
{
	if (d->n > 1)
		qsort(d->v, d->n, sizeof(*d->v), diag_cmp);
}

static const char *sev_name(enum sc_severity s)
{
	return s == SC_SEV_ERROR ? "error" : "warning";
}

void sc_diag_render_text(const struct sc_diag *g, struct sc_buf *out)
{
	sc_buf_printf(out, "%s:%u:%u: %s: %s: %s", g->file ? g->file : "<input>", g->pos.line,
		      g->pos.col, sev_name(sc_code_severity(g->code)), sc_code_name(g->code), g->msg);
	if (g->rule_id)
		sc_buf_printf(out, " [%s]", g->rule_id);
	sc_buf_putc(out, '\n');
}

static void render_json(const struct sc_diag *g, struct sc_buf *out)
{
	sc_buf_puts(out, "{\"file\":");
	if (g->file)
		sc_buf_json_str(out, g->file, strlen(g->file));
	else
		sc_buf_puts(out, "null");
	sc_buf_printf(out, ",\"line\":%u,\"column\":%u,\"severity\":\"%s\",\"code\":\"%s\","
			   "\"number\":%d,\"message\":",
		      g->pos.line, g->pos.col, sev_name(sc_code_severity(g->code)),
		      sc_code_name(g->code), (int)g->code);
	sc_buf_json_str(out, g->msg, strlen(g->msg));
	sc_buf_puts(out, ",\"rule\":");
	if (g->rule_id)
		sc_buf_json_str(out, g->rule_id, strlen(g->rule_id));
	else
		sc_buf_puts(out, "null");
	sc_buf_puts(out, "}\n");
}

/* RFC 3986 percent-encoding of a relative path for SARIF artifactLocation.uri. */
static void uri_escape(struct sc_buf *out, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)path;
	struct sc_buf tmp = SC_BUF_INIT;

	if (path[0] == '/')
		sc_buf_puts(&tmp, "file://");
	for (; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p)) {
			sc_buf_putc(&tmp, (char)*p);
		} else {
			sc_buf_putc(&tmp, '%');
			sc_buf_putc(&tmp, hex[*p >> 4]);
			sc_buf_putc(&tmp, hex[*p & 15]);
		}
	}
	sc_buf_json_str(out, tmp.data ? tmp.data : "", tmp.len);
	sc_buf_done(&tmp);
}

static void render_sarif(const struct sc_diags *d, const char *version, struct sc_buf *out)
{
	size_t i, k;

	sc_buf_puts(out, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\","
			 "\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{"
			 "\"name\":\"sigmac-c\",\"version\":");
	sc_buf_json_str(out, version, strlen(version));
	sc_buf_puts(out, ",\"rules\":[");
	for (i = 0; i < NCODES; i++) {
		if (i)
			sc_buf_putc(out, ',');
		sc_buf_printf(out, "{\"id\":\"%s\",\"shortDescription\":{\"text\":", codes[i].name);
		sc_buf_json_str(out, codes[i].summary, strlen(codes[i].summary));
		sc_buf_printf(out, "},\"defaultConfiguration\":{\"level\":\"%s\"},"
				   "\"properties\":{\"number\":%d}}",
			      sev_name(codes[i].sev), codes[i].num);
	}
	sc_buf_puts(out, "]}},\"columnKind\":\"unicodeCodePoints\",\"results\":[");
	for (i = 0; i < d->n; i++) {
		const struct sc_diag *g = &d->v[i];

		for (k = 0; k < NCODES; k++)
			if (codes[k].num == (int)g->code)
				break;
		if (i)
			sc_buf_putc(out, ',');
		sc_buf_printf(out, "{\"ruleId\":\"%s\",\"ruleIndex\":%zu,\"level\":\"%s\","
				   "\"message\":{\"text\":",
			      sc_code_name(g->code), k < NCODES ? k : 0,
			      sev_name(sc_code_severity(g->code)));
		sc_buf_json_str(out, g->msg, strlen(g->msg));
		sc_buf_putc(out, '}');
		if (g->file) {
			sc_buf_puts(out, ",\"locations\":[{\"physicalLocation\":{"
					 "\"artifactLocation\":{\"uri\":");
			uri_escape(out, g->file);
			sc_buf_putc(out, '}');
			if (g->pos.line)
				sc_buf_printf(out, ",\"region\":{\"startLine\":%u,\"startColumn\":%u}",
					      g->pos.line, g->pos.col ? g->pos.col : 1);
			sc_buf_puts(out, "}}]");
		}
		if (g->rule_id) {
			sc_buf_puts(out, ",\"properties\":{\"sigmaRuleId\":");
			sc_buf_json_str(out, g->rule_id, strlen(g->rule_id));
			sc_buf_putc(out, '}');
		}
		sc_buf_putc(out, '}');
	}
	sc_buf_puts(out, "]}]}\n");
}

void sc_diags_render(const struct sc_diags *d, enum sc_diag_format fmt, const char *tool_version,
		     struct sc_buf *out)
{
	size_t i;

	switch (fmt) {
	case SC_FMT_SARIF:
		render_sarif(d, tool_version, out);
		return;
	case SC_FMT_JSON:
		for (i = 0; i < d->n; i++)
			render_json(&d->v[i], out);
		return;
	case SC_FMT_TEXT:
	default:
		for (i = 0; i < d->n; i++)
			sc_diag_render_text(&d->v[i], out);
		return;
	}
}
