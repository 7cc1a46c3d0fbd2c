// SPDX-License-Identifier: GPL-2.0
/*
 * The floor of the live benchmark (tests/bench/bench-live.sh): one empty
 * program that hook-floor attaches to every tracepoint the agent's
 * collectors use, so the benchmark can tell what the kernel's tracepoint
 * machinery costs from what the collectors' own code costs.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tracepoint")
int ag_floor(void *ctx)
{
	return 0;
}
