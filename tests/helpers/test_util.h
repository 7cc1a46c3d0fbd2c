/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the compiler's tests: load YAML text through the whole
 * front end, look for diagnostics, render the IR.
 */
#ifndef TU_TEST_UTIL_H
#define TU_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct sc_ctx;

/* Source tree and ../shared paths (set by meson). */
const char *tu_source_root(void);
const char *tu_shared_root(void);

/* True when ../shared/<rel> exists. */
bool tu_have_shared(const char *rel);

/*
 * Run the front end on yaml (NUL-terminated), as file name "test.yml",
 * with an optional placeholders YAML text. Never NULL; free with
 * sc_ctx_free().
 */
struct sc_ctx *tu_load(const char *yaml, const char *placeholders_yaml);

/* Count of diagnostics with code (any position). */
size_t tu_count(const struct sc_ctx *ctx, enum sc_code code);

/* True when a diagnostic with code exists at line:col (col 0 = any column). */
bool tu_has(const struct sc_ctx *ctx, enum sc_code code, uint32_t line, uint32_t col);

/* All diagnostics as text (heap; caller frees). */
char *tu_diags_text(const struct sc_ctx *ctx);

/* dump-ir output of every document (heap; caller frees). */
char *tu_dump(const struct sc_ctx *ctx);

/* Read a whole file (heap, NUL-terminated); NULL if unreadable. */
char *tu_read(const char *path, size_t *len);

#endif /* TU_TEST_UTIL_H */
