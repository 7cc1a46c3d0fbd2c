/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Lowering of detections to the IR (lower.c).
 */
#ifndef SC_LOWER_H
#define SC_LOWER_H

#include <stdint.h>

struct sc_ctx;
struct sc_rule;
struct sc_detection;

/*
 * Lower det (of rule or filter r) to one IR node, the OR of its conditions:
 * *ret receives the node id. Returns 0, or -EINVAL after reporting
 * diagnostics (bad values, regexes, placeholders, ...).
 */
int sc_lower_detection(struct sc_ctx *ctx, struct sc_rule *r, const struct sc_detection *det,
		       uint32_t *ret);

#endif /* SC_LOWER_H */
