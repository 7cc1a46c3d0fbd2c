/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the reader and routing unit tests (test-readers.c,
 * test-evtx.c, test-route.c): the field-name lookup the readers are opened
 * with, a growable text buffer, and the ../shared/datasets files.
 */
#ifndef TU_READER_FIXTURES_H
#define TU_READER_FIXTURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

#ifndef TU_SOURCE_ROOT
#error "TU_SOURCE_ROOT must be defined by the build"
#endif

#define DATASETS TU_SOURCE_ROOT "/../shared/datasets"
#define EVTX_DIR DATASETS "/evtx-attack-samples"

/* Field ids beyond the core taxonomy that the tests' "rule set" uses. */
enum { F_SIGNATURE = AG_FIELD_CORE_MAX, F_FILENAME, F_THREATNAME, F_EVENTTYPE, F_NFIELDS };

/* Build the lookup table (the suites' .init; idempotent). */
void lookup_init(void);

/* Field id of name (the readers' lookup callback), or AG_FIELD_NONE. */
uint32_t lookup(void *ctx, const char *name, size_t len);

struct sbuf {
	char *s;
	size_t n, cap;
};

/* Append n bytes (the text stays NUL-terminated). */
void sb_put(struct sbuf *b, const char *s, size_t n);
void sb_str(struct sbuf *b, const char *s);

/* True when ../shared/datasets has the EVTX samples' JSONL twin. */
bool have_datasets(void);

/* The JSONL files of the datasets (heap paths into list, count returned). */
size_t dataset_files(char **list, size_t max);

#endif /* TU_READER_FIXTURES_H */
