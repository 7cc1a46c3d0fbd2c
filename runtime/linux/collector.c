// SPDX-License-Identifier: Apache-2.0
/*
 * The eBPF collectors: start-up checks, load, attach, ring buffer,
 * counters (collector.h).
 *
 * Design. The four objects are bpftool skeletons (the object bytes are
 * embedded in the agent). User space creates the maps they share (the
 * ring buffer, the per-CPU counters, the followed tree) and hands the fds
 * to every object before load, so each object loads on its own: one that
 * fails does not take the others down. Within an object:
 *
 *   1. programs of switched-off classes and programs whose hook is absent
 *      (tracepoint not in tracefs, tp_btf target not in the kernel's BTF)
 *      get autoload off (STYLE.md rule 38, libbpf-tools' opensnoop);
 *   2. bpf_object__load() either loads every program or none, so when the
 *      verifier rejects one, its name is taken from libbpf's message, the
 *      object reopened without it and loaded again (at most once per
 *      program);
 *   3. programs attach one by one; a failure skips that program only.
 *
 * Every decision is reported through the note callback. The libbpf print
 * callback is process-global (libbpf's design): it records the name of the
 * last program libbpf complained about, in a static.
 *
 * Not here: record decoding (normalize.c), the main loop (live.c).
 */
#include "collector.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/capability.h>

#include "events.h"
#include "proctab.h"
#include "file.skel.h"
#include "net.skel.h"
#include "proc.skel.h"
#include "sys.skel.h"

#define MAX_PROGS 64 /* per object */

/* Nanoseconds per clock tick (USER_HZ), as /proc/PID/stat counts start times. */
static uint64_t ag_tick_ns(void)
{
	long hz = sysconf(_SC_CLK_TCK);

	return hz > 0 ? 1000000000ull / (uint64_t)hz : 10000000ull;
}

/* ---- the four skeletons behind one interface ---- */

struct skel_ops {
	const char *name;
	void *(*open)(void);
	int (*load)(void *s);
	void (*destroy)(void *s);
	struct bpf_object *(*obj)(void *s);
	void (*config)(void *s, const struct ag_collector_opts *o);
};

#define SKEL_OPS(n)                                                                                \
	static void *n##_open(void)                                                                \
	{                                                                                          \
		return n##_bpf__open();                                                            \
	}                                                                                          \
	static int n##_load(void *s)                                                               \
	{                                                                                          \
		return n##_bpf__load(s);                                                           \
	}                                                                                          \
	static void n##_destroy(void *s)                                                           \
	{                                                                                          \
		n##_bpf__destroy(s);                                                               \
	}                                                                                          \
	static struct bpf_object *n##_obj(void *s)                                                 \
	{                                                                                          \
		return ((struct n##_bpf *)s)->obj;                                                 \
	}                                                                                          \
	static void n##_config(void *s, const struct ag_collector_opts *o)                         \
	{                                                                                          \
		struct n##_bpf *k = s;                                                             \
		k->rodata->ag_self_tgid = o->self_tgid;                                            \
		k->rodata->ag_writer_tgid = o->writer_tgid;                                        \
		k->rodata->ag_writer_start = o->writer_start;                                      \
		k->rodata->ag_tick_ns = ag_tick_ns();                                              \
		k->rodata->ag_follow_tree = o->follow_pid != 0;                                    \
		k->rodata->ag_wakeup_bytes = o->wakeup_bytes;                                      \
		k->rodata->ag_req_f_creds = o->req_f_creds;                                        \
		k->rodata->ag_groups = o->groups;                                                  \
	}

SKEL_OPS(proc)
SKEL_OPS(sys)
SKEL_OPS(file)
SKEL_OPS(net)

#define OPS(n)                                                                                     \
	{                                                                                          \
#n, n##_open, n##_load, n##_destroy, n##_obj, n##_config                           \
	}
static const struct skel_ops skels[] = {OPS(proc), OPS(sys), OPS(file), OPS(net)};
#define NSKELS (sizeof(skels) / sizeof(skels[0]))

/* Which class a program serves, by name prefix (first match wins). */
static const struct {
	const char *prefix;
	uint32_t groups;
} prog_groups[] = {
	{"ag_exec", 0}, /* 0: always (the process table needs them) */
	{"ag_fork", 0},
	{"ag_exit", 0},
	{"ag_connect", AG_G_NETWORK},
	{"ag_accept", AG_G_NETWORK},
	{"ag_send", AG_G_NETWORK | AG_G_DNS},
	{"ag_dns", AG_G_DNS},
	{"ag_ptrace", AG_G_PTRACE},
	{"ag_set", AG_G_SETID},
	{"ag_memfd", AG_G_MEMFD},
	{"ag_bpf", AG_G_BPF},
	{"ag_finit_module", AG_G_MODULE},
	{"ag_init_module", AG_G_MODULE},
	/* 32-bit syscalls: only when asked for, and then with their group */
	{"ag_ia32_net", AG_G_IA32 | AG_G_NETWORK | AG_G_DNS},
	{"ag_ia32_file", AG_G_IA32 | AG_G_FILE},
	{"ag_ia32_sys", AG_G_IA32 | AG_G_PTRACE | AG_G_SETID | AG_G_MEMFD | AG_G_BPF | AG_G_MODULE},
	{"ag_", AG_G_FILE}, /* the rest: file.bpf.c */
};

struct obj {
	const struct skel_ops *ops;
	void *skel;
	struct bpf_link *links[MAX_PROGS];
	uint32_t nlinks;
	char failed[MAX_PROGS][64]; /* programs the verifier rejected */
	uint32_t nfailed;
	uint32_t nattach_failed;
};

struct ag_collector {
	struct ag_collector_opts o;
	struct obj objs[NSKELS];
	int rb_fd, stats_fd, tree_fd, stash_fd[2];
	struct ring_buffer *rb;
	uint32_t attached, total;
	uint32_t ia32_total, ia32_attached; /* the ag_ia32_* programs of classes asked for */
	int ia32_runs;			    /* ia32_runs(): 1, 0, -1 (unknown) */
	int ncpus;
	struct btf *vmlinux_btf;
	char tracefs[64];
};

/* ---- notes and libbpf's log ---- */

static void note(const struct ag_collector_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(const struct ag_collector_opts *o, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!o->note)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	o->note(o->note_arg, buf);
}

static const struct ag_collector_opts *log_opts; /* for libbpf's callback */
static char log_failed_prog[64];		 /* the last program libbpf reported failing */

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char buf[1024];
	const char *p, *q;
	size_t n;

	if (level == LIBBPF_DEBUG && !(log_opts && log_opts->verbose))
		return 0;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	p = strstr(buf, "prog '");
	if (level == LIBBPF_WARN && p && strstr(buf, "fail")) {
		p += 6;
		q = strchr(p, '\'');
		if (q && (size_t)(q - p) < sizeof(log_failed_prog)) {
			memcpy(log_failed_prog, p, (size_t)(q - p));
			log_failed_prog[q - p] = '\0';
		}
	}
	if (log_opts && (log_opts->verbose || level == LIBBPF_WARN) && log_opts->note &&
	    !strstr(buf, "-- BEGIN") && strncmp(buf, "libbpf: prog '", 14) != 0)
		log_opts->note(log_opts->note_arg, buf);
	return 0;
}

/* ---- start-up checks ---- */

static bool has_cap(const struct __user_cap_data_struct d[2], int cap)
{
	return d[cap / 32].effective & (1u << (cap % 32));
}

static int kernel_version(int *ret_major, int *ret_minor)
{
	struct utsname u;

	if (uname(&u) < 0 || sscanf(u.release, "%d.%d", ret_major, ret_minor) != 2)
		return -EINVAL;
	return 0;
}

/* The tracefs directory holding events/, mounting tracefs when needed. */
static int find_tracefs(char *buf, size_t n, bool mount_it)
{
	static const char *const dirs[] = {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"};
	char p[128];
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s/events", dirs[i]);
		if (access(p, F_OK) == 0) {
			snprintf(buf, n, "%s", dirs[i]);
			return 0;
		}
	}
	if (!mount_it)
		return -ENOENT;
	if (mount("tracefs", dirs[0], "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return -errno;
	snprintf(buf, n, "%s", dirs[0]);
	return 1;
}

int ag_collector_preflight(char *err, size_t errlen, ag_note_fn nfn, void *narg)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2] = {{0}};
	int major = 0, minor = 0, r;
	char tfs[64], missing[96] = "";

	if (kernel_version(&major, &minor) < 0) {
		snprintf(err, errlen, "cannot read the kernel version (uname)");
		return -ENOSYS;
	}
	if (major < 5 || (major == 5 && minor < 8)) {
		snprintf(err, errlen,
			 "kernel %d.%d is too old: live collection needs Linux 5.8 or newer "
			 "(BPF ring buffer, CAP_BPF)",
			 major, minor);
		return -ENOSYS;
	}
	if (syscall(SYS_capget, &h, d) < 0) {
		snprintf(err, errlen, "cannot read this process's capabilities: %s",
			 strerror(errno));
		return -EPERM;
	}
	if (!has_cap(d, CAP_SYS_ADMIN)) {
		if (!has_cap(d, 39 /* CAP_BPF */))
			strcat(missing, " CAP_BPF");
		if (!has_cap(d, 38 /* CAP_PERFMON */))
			strcat(missing, " CAP_PERFMON");
		if (missing[0]) {
			snprintf(err, errlen,
				 "live collection needs root, or the capabilities CAP_BPF, "
				 "CAP_PERFMON and CAP_SYS_RESOURCE (missing:%s)",
				 missing);
			return -EPERM;
		}
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK) < 0) {
		snprintf(err, errlen,
			 "the kernel has no BTF (/sys/kernel/btf/vmlinux: %s): it must be built "
			 "with CONFIG_DEBUG_INFO_BTF=y for the CO-RE collectors",
			 strerror(errno));
		return -ENOENT;
	}
	r = find_tracefs(tfs, sizeof(tfs), true);
	if (r == 1 && nfn)
		nfn(narg, "mounted tracefs on /sys/kernel/tracing (it was not mounted)");
	if (r < 0) {
		snprintf(err, errlen,
			 "tracefs is not mounted and mounting it on /sys/kernel/tracing failed "
			 "(%s): the tracepoint collectors cannot attach",
			 strerror(-r));
		return -ENOENT;
	}
	if ((major == 5 && minor < 17) && nfn)
		nfn(narg, "kernel older than 5.17 (no bpf_loop): collectors that walk paths "
			  "will not load");
	return 0;
}

/* ---- hooks ---- */

static uint32_t groups_of(const char *prog)
{
	size_t i;

	for (i = 0; i < sizeof(prog_groups) / sizeof(prog_groups[0]); i++)
		if (strncmp(prog, prog_groups[i].prefix, strlen(prog_groups[i].prefix)) == 0)
			return prog_groups[i].groups;
	return AG_G_FILE;
}

/* NULL when the hook of prog exists, else why it does not. */
static const char *hook_missing(struct ag_collector *c, const struct bpf_program *prog)
{
	const char *sec = bpf_program__section_name(prog);
	char p[256], name[160];

	if (strncmp(sec, "tp/", 3) == 0) {
		snprintf(p, sizeof(p), "%s/events/%s", c->tracefs, sec + 3);
		return access(p, F_OK) == 0 ? NULL : "tracepoint absent on this kernel";
	}
	if (strncmp(sec, "tp_btf/", 7) == 0) {
		if (!c->vmlinux_btf)
			return "no kernel BTF";
		snprintf(name, sizeof(name), "btf_trace_%s", sec + 7);
		return btf__find_by_name_kind(c->vmlinux_btf, name, BTF_KIND_TYPEDEF) >= 0
			       ? NULL
			       : "raw tracepoint absent on this kernel";
	}
	return NULL;
}

static bool was_rejected(const struct obj *ob, const char *name)
{
	uint32_t i;

	for (i = 0; i < ob->nfailed; i++)
		if (strcmp(ob->failed[i], name) == 0)
			return true;
	return false;
}

/* Share map fd as bo's map name, when bo has one. */
static int reuse_if_present(struct bpf_object *bo, const char *name, int fd)
{
	struct bpf_map *m = bpf_object__find_map_by_name(bo, name);

	return m ? bpf_map__reuse_fd(m, fd) : 0;
}

/* Open ob's skeleton and set it up for load; returns programs left to load, or -errno. */
static int obj_prepare(struct ag_collector *c, struct obj *ob, bool report)
{
	struct bpf_object *bo;
	struct bpf_program *prog;
	const char *why;
	int n = 0, r;

	ob->skel = ob->ops->open();
	if (!ob->skel)
		return -errno ? -errno : -ENOMEM;
	bo = ob->ops->obj(ob->skel);
	ob->ops->config(ob->skel, &c->o);
	r = bpf_map__reuse_fd(bpf_object__find_map_by_name(bo, "ag_rb"), c->rb_fd);
	if (!r)
		r = bpf_map__reuse_fd(bpf_object__find_map_by_name(bo, "ag_stats"), c->stats_fd);
	if (!r)
		r = bpf_map__reuse_fd(bpf_object__find_map_by_name(bo, "ag_tree"), c->tree_fd);
	if (!r)
		r = reuse_if_present(bo, "ag_stash_s", c->stash_fd[0]);
	if (!r)
		r = reuse_if_present(bo, "ag_stash_l", c->stash_fd[1]);
	if (r)
		return r;
	bpf_object__for_each_program(prog, bo)
	{
		const char *name = bpf_program__name(prog);
		uint32_t g = groups_of(name);

		why = NULL;
		if (g && !(g & ~AG_G_IA32 & c->o.groups))
			why = ""; /* a class not asked for */
		else if ((g & AG_G_IA32) && !(c->o.groups & AG_G_IA32))
			why = "";
		if (!why) {
			if (report)
				c->total++; /* "N of M attached" counts the programs asked for */
			if (report && (g & AG_G_IA32))
				c->ia32_total++;
			why = was_rejected(ob, name) ? "" : hook_missing(c, prog);
		}
		if (why) {
			bpf_program__set_autoload(prog, false);
			if (report && why[0])
				note(&c->o, "%s (%s): %s: disabled", name,
				     bpf_program__section_name(prog), why);
			continue;
		}
		n++;
	}
	return n;
}

/* Load ob, leaving out programs the verifier rejects. Returns 0 or -errno. */
static int obj_load(struct ag_collector *c, struct obj *ob)
{
	int r, n, attempt;

	for (attempt = 0; attempt < MAX_PROGS; attempt++) {
		n = obj_prepare(c, ob, attempt == 0);
		if (n <= 0) {
			if (ob->skel)
				ob->ops->destroy(ob->skel);
			ob->skel = NULL;
			return n < 0 ? n : -ENOENT;
		}
		log_failed_prog[0] = '\0';
		r = ob->ops->load(ob->skel);
		if (!r)
			return 0;
		ob->ops->destroy(ob->skel);
		ob->skel = NULL;
		if (!log_failed_prog[0] || was_rejected(ob, log_failed_prog) ||
		    ob->nfailed >= MAX_PROGS) {
			note(&c->o, "collector object '%s' failed to load: %s", ob->ops->name,
			     strerror(-r));
			return r;
		}
		note(&c->o, "%s: rejected by the kernel's verifier (%s): disabled", log_failed_prog,
		     strerror(-r));
		snprintf(ob->failed[ob->nfailed++], sizeof(ob->failed[0]), "%s", log_failed_prog);
	}
	return -ELOOP;
}

static void obj_attach(struct ag_collector *c, struct obj *ob)
{
	struct bpf_object *bo = ob->ops->obj(ob->skel);
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, bo)
	{
		struct bpf_link *l;

		if (!bpf_program__autoload(prog) || ob->nlinks >= MAX_PROGS)
			continue;
		l = bpf_program__attach(prog);
		if (!l) {
			note(&c->o, "%s (%s): attach failed: %s: disabled", bpf_program__name(prog),
			     bpf_program__section_name(prog), strerror(errno));
			ob->nattach_failed++;
			continue;
		}
		ob->links[ob->nlinks++] = l;
		c->attached++;
		if (groups_of(bpf_program__name(prog)) & AG_G_IA32)
			c->ia32_attached++;
	}
}

/*
 * Arm file.bpf.c's writer tracking (ag_wfd_epoch): from now on, closes in
 * processes started later are only looked at when the process may hold a
 * writable file. Only when everything that tracks those processes is
 * attached: otherwise every close keeps being looked at.
 */
static void file_arm(struct obj *ob)
{
	static const char *const need[] = {"ag_openat_exit", "ag_open_exit", "ag_wfd_fork",
					   "ag_close"};
	struct file_bpf *k = ob->skel;
	struct timespec ts;
	size_t i;

	if (!k || ob->nattach_failed || !k->bss)
		return;
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		struct bpf_program *p = bpf_object__find_program_by_name(k->obj, need[i]);

		if (!p || !bpf_program__autoload(p))
			return;
	}
	/*
	 * io_uring opens for writing mark writers too: without that program
	 * (the verifier refused it; no io_uring on this kernel is fine), keep
	 * every process a writer.
	 */
	if (was_rejected(ob, "ag_uring_submit"))
		return;
	if (clock_gettime(CLOCK_BOOTTIME, &ts) < 0)
		return;
	k->bss->ag_wfd_epoch = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- the followed tree ---- */

/*
 * Put root and its living descendants in the tree map; from then on the
 * fork program adds new children in the kernel.
 */
static void follow_seed(struct ag_collector *c, uint32_t root)
{
	uint32_t *pids = NULL, *ppids = NULL, maxpid = root;
	uint8_t *in = NULL, one = 1;
	bool changed;
	size_t n = 0, i;

	bpf_map_update_elem(c->tree_fd, &root, &one, BPF_ANY);
	if (ag_proc_list(&pids, &n) < 0)
		return;
	ppids = calloc(n + 1, sizeof(*ppids));
	for (i = 0; i < n; i++)
		maxpid = pids[i] > maxpid ? pids[i] : maxpid;
	in = calloc((size_t)maxpid / 8 + 1, 1); /* a bitmap by pid */
	if (!ppids || !in)
		goto out;
	for (i = 0; i < n; i++)
		ppids[i] = ag_proc_ppid(pids[i]);
	in[root / 8] |= (uint8_t)(1u << (root % 8));
	do {
		changed = false;
		for (i = 0; i < n; i++) {
			uint32_t p = pids[i], pp = ppids[i];

			if ((in[p / 8] >> (p % 8)) & 1 || pp > maxpid ||
			    !((in[pp / 8] >> (pp % 8)) & 1))
				continue;
			in[p / 8] |= (uint8_t)(1u << (p % 8));
			bpf_map_update_elem(c->tree_fd, &p, &one, BPF_ANY);
			changed = true;
		}
	} while (changed);
out:
	free(pids);
	free(ppids);
	free(in);
}

/* ---- open, poll, close ---- */

/*
 * The value of enumerator name in btf, or 0. For the kernel's internal
 * flags, which sit in anonymous enums that CO-RE cannot name.
 */
static uint64_t btf_enum_value(const struct btf *btf, const char *name)
{
	uint32_t id, n = btf ? btf__type_cnt(btf) : 0;
	uint16_t i;

	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (btf_is_enum(t)) {
			const struct btf_enum *e = btf_enum(t);

			for (i = 0; i < btf_vlen(t); i++)
				if (strcmp(btf__name_by_offset(btf, e[i].name_off), name) == 0)
					return (uint32_t)e[i].val;
		} else if (btf_is_enum64(t)) {
			const struct btf_enum64 *e = btf_enum64(t);

			for (i = 0; i < btf_vlen(t); i++)
				if (strcmp(btf__name_by_offset(btf, e[i].name_off), name) == 0)
					return btf_enum64_value(&e[i]);
		}
	}
	return 0;
}

/*
 * Does this kernel run 32-bit syscalls (IA32 emulation, not disabled by
 * ia32_emulation=0)? A child makes one: getpid through int 0x80, which
 * faults (SIGSEGV, no core dump) where the kernel has none. Returns 1
 * (it does), 0 (it does not) or -1 (cannot tell: the child died otherwise,
 * e.g. of a seccomp filter that allows only the native syscalls).
 */
static int ia32_runs(void)
{
#if defined(__x86_64__)
	int st = 0;
	pid_t p = fork();

	if (p < 0)
		return -1;
	if (p == 0) {
		struct rlimit no_core = {0, 0};
		long r = 20; /* i386 getpid */

		setrlimit(RLIMIT_CORE, &no_core);
		__asm__ volatile("int $0x80" : "+a"(r) : : "memory", "r8", "r9", "r10", "r11");
		_exit(r == (long)getpid() ? 0 : 1);
	}
	while (waitpid(p, &st, 0) < 0 && errno == EINTR)
		;
	/* ran (0); refused by a filter (1: an error came back); faulted: not run */
	if (WIFEXITED(st))
		return WEXITSTATUS(st) == 0 ? 1 : -1;
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV ? 0 : -1;
#else
	return 0;
#endif
}

/*
 * Does this kernel run x32-ABI syscalls (CONFIG_X86_X32_ABI, syscall.x32)?
 * Their numbers have bit 30 set; the syscall tracepoints skip them and
 * TS_COMPAT is not set for them, so no program here sees them. Tried in a
 * child: a seccomp filter on the agent may kill for a foreign ABI.
 */
static bool x32_runs(void)
{
#if defined(__x86_64__)
	int st = 0;
	pid_t p = fork();

	if (p < 0)
		return false;
	if (p == 0) {
		struct rlimit no_core = {0, 0};

		setrlimit(RLIMIT_CORE, &no_core);
		_exit(syscall(0x40000000 | SYS_getpid) == getpid() ? 0 : 1);
	}
	while (waitpid(p, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
#else
	return false;
#endif
}

int ag_collector_open(struct ag_collector **ret, const struct ag_collector_opts *o, char *err,
		      size_t errlen)
{
	struct ag_collector *c;
	size_t i;
	int r;

	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	c->o = *o;
	c->rb_fd = c->stats_fd = c->tree_fd = c->stash_fd[0] = c->stash_fd[1] = -1;
	log_opts = &c->o;
	libbpf_set_print(libbpf_log);
	c->ncpus = libbpf_num_possible_cpus();
	if (c->ncpus <= 0) {
		snprintf(err, errlen, "cannot count the CPUs: %s", strerror(-c->ncpus));
		r = c->ncpus ? c->ncpus : -EINVAL;
		goto fail;
	}
	if (find_tracefs(c->tracefs, sizeof(c->tracefs), false) < 0)
		snprintf(c->tracefs, sizeof(c->tracefs), "/sys/kernel/tracing");
	c->vmlinux_btf = btf__load_vmlinux_btf();
	if (!c->vmlinux_btf)
		note(&c->o, "cannot read the kernel's BTF: %s", strerror(errno));
	/* io_uring requests run with a registered personality's credentials under this flag */
	c->o.req_f_creds = btf_enum_value(c->vmlinux_btf, "REQ_F_CREDS");
	if (c->vmlinux_btf && !c->o.req_f_creds)
		note(&c->o, "REQ_F_CREDS not in the kernel's BTF: io_uring requests are reported "
			    "with their submitter's credentials");
	c->rb_fd =
		bpf_map_create(BPF_MAP_TYPE_RINGBUF, "ag_rb", 0, 0, (uint32_t)o->ring_bytes, NULL);
	c->stats_fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "ag_stats", sizeof(uint32_t),
				     sizeof(uint64_t), 64, NULL);
	c->tree_fd = bpf_map_create(BPF_MAP_TYPE_HASH, "ag_tree", sizeof(uint32_t), sizeof(uint8_t),
				    65536, NULL);
	c->stash_fd[0] = bpf_map_create(BPF_MAP_TYPE_LRU_HASH, "ag_stash_s", sizeof(uint64_t),
					AG_REC_FIXED + AG_STASH_SMALL, AG_STASH_SMALL_MAX, NULL);
	c->stash_fd[1] = bpf_map_create(BPF_MAP_TYPE_LRU_HASH, "ag_stash_l", sizeof(uint64_t),
					sizeof(struct ag_rec), AG_STASH_FULL_MAX, NULL);
	if (c->rb_fd < 0 || c->stats_fd < 0 || c->tree_fd < 0 || c->stash_fd[0] < 0 ||
	    c->stash_fd[1] < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot create the BPF maps: %s", strerror(errno));
		goto fail;
	}
	if (o->follow_pid)
		follow_seed(c, o->follow_pid);
	for (i = 0; i < NSKELS; i++) {
		c->objs[i].ops = &skels[i];
		if (obj_load(c, &c->objs[i]) == 0)
			obj_attach(c, &c->objs[i]);
		if (skels[i].open == file_open)
			file_arm(&c->objs[i]);
	}
	c->ia32_runs = ia32_runs();
	if (!(o->groups & AG_G_IA32) && c->ia32_runs)
		note(&c->o,
		     "%s 32-bit syscalls (int 0x80), which the syscall tracepoints do not "
		     "see: set live.ia32_syscalls (--ia32-syscalls) to collect them too, or "
		     "boot with ia32_emulation=0",
		     c->ia32_runs > 0 ? "this kernel runs"
				      : "cannot tell whether this kernel runs");
	if (x32_runs())
		note(&c->o, "this kernel runs x32-ABI syscalls, which no collector sees (the "
			    "syscall tracepoints skip them): boot with syscall.x32=n");
	/* only the hook checks needed it: several MiB less for the agent's life */
	btf__free(c->vmlinux_btf);
	c->vmlinux_btf = NULL;
	if (!c->attached) {
		r = -ENOENT;
		snprintf(err, errlen, "no collector could be attached (see the messages above)");
		goto fail;
	}
	c->rb = ring_buffer__new(c->rb_fd, o->on_record, o->record_ctx, NULL);
	if (!c->rb) {
		r = -errno;
		snprintf(err, errlen, "cannot map the ring buffer: %s", strerror(errno));
		goto fail;
	}
	*ret = c;
	return 0;

fail:
	ag_collector_close(c);
	return r;
}

void ag_collector_close(struct ag_collector *c)
{
	size_t i;
	uint32_t k;

	if (!c)
		return;
	ring_buffer__free(c->rb);
	for (i = 0; i < NSKELS; i++) {
		struct obj *ob = &c->objs[i];

		for (k = 0; k < ob->nlinks; k++)
			bpf_link__destroy(ob->links[k]);
		if (ob->skel)
			ob->ops->destroy(ob->skel);
	}
	if (c->rb_fd >= 0)
		close(c->rb_fd);
	if (c->stats_fd >= 0)
		close(c->stats_fd);
	if (c->tree_fd >= 0)
		close(c->tree_fd);
	for (i = 0; i < 2; i++)
		if (c->stash_fd[i] >= 0)
			close(c->stash_fd[i]);
	btf__free(c->vmlinux_btf);
	if (log_opts == &c->o)
		log_opts = NULL;
	free(c);
}

void ag_collector_programs(const struct ag_collector *c, uint32_t *ret_attached,
			   uint32_t *ret_total)
{
	*ret_attached = c->attached;
	*ret_total = c->total;
}

const char *ag_collector_ia32(const struct ag_collector *c)
{
	if (c->ia32_total && c->ia32_attached)
		return c->ia32_attached == c->ia32_total ? "collected" : "partly collected";
	if (c->o.groups & AG_G_IA32)
		return "not collected (the programs did not load)";
	return c->ia32_runs > 0	   ? "not collected"
	       : c->ia32_runs == 0 ? "not run by this kernel"
				   : "not collected (unknown whether this kernel runs them)";
}

int ag_collector_poll(struct ag_collector *c, int timeout_ms)
{
	int n, m;

	n = ring_buffer__poll(c->rb, timeout_ms);
	if (n < 0)
		return n;
	/* records queued without a wake-up (BPF_RB_NO_WAKEUP) */
	m = ring_buffer__consume(c->rb);
	if (m < 0)
		return m;
	return n + m;
}

int ag_collector_counters(const struct ag_collector *c, uint64_t ret[64])
{
	uint64_t *v;
	uint32_t k;
	int cpu;

	v = calloc((size_t)c->ncpus, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (k = 0; k < 64; k++) {
		ret[k] = 0;
		if (bpf_map_lookup_elem(c->stats_fd, &k, v) < 0)
			continue;
		for (cpu = 0; cpu < c->ncpus; cpu++)
			ret[k] += v[cpu];
	}
	free(v);
	return 0;
}
