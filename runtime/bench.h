/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The detection benchmark of `sigmac-agent replay --bench-detect N` (bench.c).
 */
#ifndef AG_BENCH_H
#define AG_BENCH_H

#include "gen_abi.h"

/* Read the JSONL files into memory, run detection `rounds` times, print figures. */
int ag_bench_detect(const struct sgr_ruleset *rs, char *const *files, int nfiles, int rounds);

#endif /* AG_BENCH_H */
