/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The front end's driver: load input files, build and lower every
 * document, then run the checks that need all documents at once
 * (duplicate ids and names, correlation and filter references).
 */
#ifndef SC_RULESET_H
#define SC_RULESET_H

#include <stddef.h>
#include <stdint.h>

struct sc_ctx;

/*
 * Load every rule file under path (file or directory). Problems with the
 * files are diagnostics. Returns 0, or -errno if path itself cannot be
 * read (reported too).
 */
int sc_ruleset_add_path(struct sc_ctx *ctx, const char *path);

/*
 * Load one file's bytes under the display name path (the buffer is
 * copied). Each document becomes a rule, correlation or filter, lowered to
 * the IR when it is a valid rule.
 */
void sc_ruleset_add_buffer(struct sc_ctx *ctx, const char *path, const uint8_t *buf, size_t len);

/* The same, with the path generated output records for the file (see sc_yaml_file.rel). */
void sc_ruleset_add_buffer_rel(struct sc_ctx *ctx, const char *path, const char *rel,
			       const uint8_t *buf, size_t len);

/* Cross-document checks; call once after every input is added. */
void sc_ruleset_finish(struct sc_ctx *ctx);

/* Counts for summaries. */
struct sc_ruleset_stats {
	size_t files;
	size_t bad_files; /* unreadable, or YAML errors stopped loading */
	size_t docs;
	size_t rules, correlations, filters;
	size_t accepted, rejected;
};

void sc_ruleset_stats(const struct sc_ctx *ctx, struct sc_ruleset_stats *st);

#endif /* SC_RULESET_H */
