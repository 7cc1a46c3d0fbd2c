/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Diagnostics: data, not return codes (STYLE.md rule 13). Every phase
 * reports problems into one sink with a stable code, a position and the
 * rule they belong to; main.c prints them at the end, sorted, as text,
 * JSON lines or SARIF 2.1.0.
 */
#ifndef SC_DIAG_H
#define SC_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sc_arena;
struct sc_buf;

enum sc_severity {
	SC_SEV_ERROR = 0,
	SC_SEV_WARNING = 1,
};

enum sc_code {
#define SC_CODE(name, num, sev, summary) name = num,
#include "diag_codes.h"
#undef SC_CODE
};

/* A position in an input file: 1-based line and column (in code points); 0 = unknown. */
struct sc_pos {
	uint32_t line;
	uint32_t col;
};

struct sc_diag {
	enum sc_code code;
	const char *file;    /* display path (arena), or NULL */
	struct sc_pos pos;   /* where */
	const char *rule_id; /* rule id, or NULL when unknown (arena) */
	const char *msg;     /* message, lower case, no trailing period (arena) */
	uint32_t seq;	     /* emission order, tie-breaker for sorting */
};

struct sc_diags {
	struct sc_arena *arena; /* owns file names and messages */
	struct sc_diag *v;	/* heap array */
	size_t n, cap;
	size_t nerrors;
	size_t nwarnings;
};

void sc_diags_init(struct sc_diags *d, struct sc_arena *a);
void sc_diags_done(struct sc_diags *d);

/* Record a diagnostic; file must outlive the sink (arena or static). */
void sc_diag(struct sc_diags *d, enum sc_code code, const char *file, struct sc_pos pos,
	     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void sc_vdiag(struct sc_diags *d, enum sc_code code, const char *file, struct sc_pos pos,
	      const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

/* Number of diagnostics recorded so far: a mark for the two calls below. */
static inline size_t sc_diag_mark(const struct sc_diags *d)
{
	return d->n;
}

/* Errors recorded since mark. */
size_t sc_diag_errors_since(const struct sc_diags *d, size_t mark);

/* First error code recorded since mark, or 0. */
enum sc_code sc_diag_first_error_since(const struct sc_diags *d, size_t mark);

/* Attach rule_id (arena string) to every diagnostic recorded since mark that has none. */
void sc_diag_set_rule(struct sc_diags *d, size_t mark, const char *rule_id);

/* The same for the diagnostics with index in [first, end). */
void sc_diag_set_rule_range(struct sc_diags *d, size_t first, size_t end, const char *rule_id);

/* Sort by file, line, column, emission order (deterministic output). */
void sc_diags_sort(struct sc_diags *d);

/* Code metadata. */
const char *sc_code_name(enum sc_code code);
const char *sc_code_summary(enum sc_code code);
enum sc_severity sc_code_severity(enum sc_code code);
bool sc_code_valid(int number);

enum sc_diag_format {
	SC_FMT_TEXT = 0,
	SC_FMT_JSON,
	SC_FMT_SARIF,
};

/* Render every diagnostic in the given format; SARIF also lists all codes. */
void sc_diags_render(const struct sc_diags *d, enum sc_diag_format fmt, const char *tool_version,
		     struct sc_buf *out);

/* Render one diagnostic as text (FILE:LINE:COL: error: CODE: message [rule]). */
void sc_diag_render_text(const struct sc_diag *g, struct sc_buf *out);

#endif /* SC_DIAG_H */
