/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Input files: reading one file whole, and finding the rule files under a
 * path (a file, or a directory searched recursively for *.yml and *.yaml,
 * in byte order of path names so output never depends on readdir order).
 */
#ifndef SC_SOURCE_H
#define SC_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#define SC_MAX_FILE_SIZE (64u << 20) /* larger inputs are refused */

/*
 * Read path into a heap buffer with a NUL byte after the data. The caller
 * frees *ret_buf. Returns 0, -errno, or -EFBIG above SC_MAX_FILE_SIZE.
 */
int sc_read_file(const char *path, uint8_t **ret_buf, size_t *ret_len);

struct sc_pathlist {
	char **v; /* heap strings */
	size_t n, cap;
};

/*
 * Append the rule files under path to list, sorted. A path that is a
 * regular file is added whatever its name. Returns 0 or -errno (the path
 * does not exist or a directory cannot be read).
 */
int sc_find_rule_files(const char *path, struct sc_pathlist *list);

void sc_pathlist_done(struct sc_pathlist *list);

#endif /* SC_SOURCE_H */
