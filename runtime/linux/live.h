/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `sigmac-agent run`: live detection on Linux with the eBPF collectors
 * (ARCHITECTURE.md sections 1 and 7). The one entry point the agent's
 * command line calls.
 *
 * Where the agent is built without live collection (not Linux, or the BPF
 * toolchain was missing: AG_HAVE_LIVE undefined), ag_cmd_run() is a stub
 * that says so and fails.
 */
#ifndef AG_LINUX_LIVE_H
#define AG_LINUX_LIVE_H

#include <stdio.h>

/*
 * Run the live agent. argv[0] is "run"; the options are documented in
 * ag_cmd_run's usage text (sigmac-agent run --help). Returns the process
 * exit status: 0 after a clean stop (SIGINT, SIGTERM, --duration), 1 when
 * the agent cannot start (not root, no BTF, old kernel, no collector
 * attached), 2 for usage or configuration errors.
 */
#if defined(AG_HAVE_LIVE) && AG_HAVE_LIVE
int ag_cmd_run(int argc, char **argv);
#else
static inline int ag_cmd_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("sigmac-agent: this agent was built without live collection (it needs Linux, "
	      "clang, bpftool and libbpf at build time)\n",
	      stderr);
	return 1;
}
#endif /* AG_HAVE_LIVE */

#endif /* AG_LINUX_LIVE_H */
