/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON rendering of the IR for "sigmac-c dump-ir" (ir_dump.c).
 */
#ifndef SC_IR_DUMP_H
#define SC_IR_DUMP_H

struct sc_ctx;
struct sc_rule;
struct sc_buf;

/* Append one line of JSON describing document r (rule, filter or correlation). */
void sc_ir_dump_rule(const struct sc_ctx *ctx, const struct sc_rule *r, struct sc_buf *b);

#endif /* SC_IR_DUMP_H */
