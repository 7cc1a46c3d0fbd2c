// SPDX-License-Identifier: Apache-2.0
/*
 * hook-floor: attach an empty BPF program to every tracepoint the agent's
 * collectors attach to, and wait for SIGINT/SIGTERM. The live benchmark
 * runs its workloads with nothing, with this, and with the agent, so the
 * overhead the agent adds shows apart from the cost of any program on
 * those hooks (the syscall tracing slow path and the dispatch).
 *
 *   hook-floor FLOOR.bpf.o COLLECTOR.bpf.o...
 *
 * The hooks are read from the collectors' section names: tp/CAT/NAME is
 * attached as is; tp_btf/NAME (BTF-typed: the fork hook, io_uring's
 * submit hook) gets the empty program on the classic tracepoint of the
 * same event (sched/NAME, io_uring/NAME), which costs about the same. Hooks absent on this kernel are left out, as the
 * agent leaves them out, and so are the programs of 32-bit syscalls
 * (ag_ia32_*), which the agent loads only when asked. Prints "ready N
 * hooks" on standard error.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#define MAX_HOOKS 256

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

int main(int argc, char **argv)
{
	static char hooks[MAX_HOOKS][2][64];
	struct bpf_object *floor, *o;
	struct bpf_program *empty, *p;
	struct bpf_link *link;
	int i, j, n = 0, attached = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: hook-floor FLOOR.bpf.o COLLECTOR.bpf.o...\n");
		return 2;
	}
	libbpf_set_print(quiet);
	for (i = 2; i < argc; i++) {
		o = bpf_object__open_file(argv[i], NULL);
		if (!o) {
			fprintf(stderr, "hook-floor: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		bpf_object__for_each_program(p, o) {
			const char *sec = bpf_program__section_name(p), *cat, *name;
			size_t catlen;

			/* the raw syscall hooks of 32-bit syscalls: the agent loads them if asked */
			if (strncmp(bpf_program__name(p), "ag_ia32_", 8) == 0)
				continue;
			if (strncmp(sec, "tp/", 3) == 0) {
				cat = sec + 3;
				name = strchr(cat, '/');
				if (!name)
					continue;
				catlen = (size_t)(name - cat);
				name++;
			} else if (strncmp(sec, "tp_btf/", 7) == 0) {
				name = sec + 7;
				cat = strncmp(name, "io_uring_", 9) == 0 ? "io_uring" : "sched";
				catlen = strlen(cat);
			} else {
				continue;
			}
			for (j = 0; j < n; j++)
				if (strncmp(hooks[j][0], cat, catlen) == 0 && !hooks[j][0][catlen] &&
				    strcmp(hooks[j][1], name) == 0)
					break;
			if (j < n || n == MAX_HOOKS || catlen >= sizeof(hooks[0][0]))
				continue;
			memcpy(hooks[n][0], cat, catlen);
			hooks[n][0][catlen] = '\0';
			snprintf(hooks[n][1], sizeof(hooks[n][1]), "%s", name);
			n++;
		}
		bpf_object__close(o);
	}
	floor = bpf_object__open_file(argv[1], NULL);
	if (!floor || bpf_object__load(floor)) {
		fprintf(stderr, "hook-floor: cannot load %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	empty = bpf_object__find_program_by_name(floor, "ag_floor");
	for (i = 0; i < n; i++) {
		link = bpf_program__attach_tracepoint(empty, hooks[i][0], hooks[i][1]);
		if (link)
			attached++;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	fprintf(stderr, "ready %d hooks (of %d the collectors name)\n", attached, n);
	while (!stop)
		pause();
	bpf_object__close(floor);
	return 0;
}
