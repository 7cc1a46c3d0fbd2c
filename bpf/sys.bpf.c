// SPDX-License-Identifier: GPL-2.0
/*
 * Collectors for single syscalls worth a record of their own (telemetry.md
 * 1.5): ptrace (attach, seize, traceme, and writes into the tracee),
 * set*id (uid/gid changes), memfd_create, bpf(BPF_PROG_LOAD), and kernel
 * module loads where the kernel has them. Each syscall's arguments are
 * stashed at sys_enter and the record is sent at sys_exit with the
 * result, so a failed attempt and a successful one can be told apart.
 *
 * The same syscalls made as 32-bit ones (int 0x80), which pass no
 * syscalls:* tracepoint: sys_ia32.bpf.h, loaded only when asked.
 *
 * Not here: exec/fork/exit (proc.bpf.c), files (file.bpf.c).
 */
#include "common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

enum {
	K_PTRACE = 1,
	K_SETID,
	K_MEMFD,
	K_BPF,
	K_FINIT_MODULE,
	K_INIT_MODULE,
};

/* ---- ptrace ---- */

static __always_inline bool ptrace_wanted(long req)
{
	switch (req) {
	case 0:	     /* PTRACE_TRACEME */
	case 4:	     /* PTRACE_POKETEXT */
	case 5:	     /* PTRACE_POKEDATA */
	case 6:	     /* PTRACE_POKEUSER */
	case 13:     /* PTRACE_SETREGS */
	case 16:     /* PTRACE_ATTACH */
	case 0x4206: /* PTRACE_SEIZE */
		return true;
	}
	return false;
}

/* One record per (tracer, target, request): pokes come by the thousand. */
struct ptrace_key {
	__u32 tgid;
	__u32 target;
	__s64 request;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct ptrace_key);
	__type(value, __u8);
} ag_ptrace_seen SEC(".maps");

/* ptrace(request, pid, addr, data) */
static __always_inline int ptrace_enter(long req, __u64 pid)
{
	if (!ptrace_wanted(req) || ag_skip_current())
		return 0;
	pend_put(K_PTRACE, req, pid, 0, 0);
	return 0;
}

SEC("tp/syscalls/sys_enter_ptrace")
int ag_ptrace_enter(struct trace_event_raw_sys_enter *ctx)
{
	return ptrace_enter((long)ctx->args[0], ctx->args[1]);
}

static __always_inline int ptrace_exit(long ret)
{
	struct ag_pending p = {};
	struct ptrace_key k = {};
	struct ag_scratch *s;
	struct ag_rec *r;
	__u8 one = 1;

	if (!pend_take(K_PTRACE, &p))
		return 0;
	k.tgid = bpf_get_current_pid_tgid() >> 32;
	k.target = (__u32)p.a[1];
	k.request = (__s64)p.a[0];
	if (ret == 0 && bpf_map_lookup_elem(&ag_ptrace_seen, &k))
		return 0;
	if (ret == 0)
		bpf_map_update_elem(&ag_ptrace_seen, &k, &one, BPF_ANY);
	s = ag_scratch();
	if (!s)
		return 0;
	r = &s->rec;
	ag_hdr(r, AG_REC_PTRACE);
	r->u.ptrace.request = (__s64)p.a[0];
	r->u.ptrace.target = (__u32)p.a[1];
	r->u.ptrace.ret = (__s32)ret;
	ag_emit(r, 0);
	return 0;
}

SEC("tp/syscalls/sys_exit_ptrace")
int ag_ptrace_exit(struct trace_event_raw_sys_exit *ctx)
{
	return ptrace_exit(ctx->ret);
}

/* ---- set*id ---- */

/*
 * nargs is the syscall's argument count, a constant: the kernel refuses to
 * attach a program that reads past a tracepoint's arguments (EACCES, the
 * context is only as large as the syscall's own arguments).
 */
static __always_inline int setid_put(__u32 nr, __u64 a0, __u64 a1, __u64 a2)
{
	if (ag_skip_current())
		return 0;
	pend_put(K_SETID, nr, a0, a1, a2);
	return 0;
}

static __always_inline int setid_enter(struct trace_event_raw_sys_enter *ctx, __u32 nr, int nargs)
{
	return setid_put(nr, ctx->args[0], nargs > 1 ? ctx->args[1] : (__u64)-1,
			 nargs > 2 ? ctx->args[2] : (__u64)-1);
}

static __always_inline int setid_exit(long ret)
{
	struct ag_pending p = {};
	struct ag_scratch *s;
	struct ag_rec *r;

	if (!pend_take(K_SETID, &p))
		return 0;
	s = ag_scratch();
	if (!s)
		return 0;
	r = &s->rec;
	ag_hdr(r, AG_REC_SETID);
	r->u.setid.nr = (__u32)p.a[0];
	r->u.setid.ret = (__s32)ret;
	r->u.setid.arg[0] = (__u32)p.a[1];
	r->u.setid.arg[1] = (__u32)p.a[2];
	r->u.setid.arg[2] = (__u32)p.a[3];
	ag_emit(r, 0);
	return 0;
}

#define SETID_PROGS(name, nr, nargs)                                                               \
	SEC("tp/syscalls/sys_enter_" #name)                                                        \
	int ag_##name##_enter(struct trace_event_raw_sys_enter *ctx)                               \
	{                                                                                          \
		return setid_enter(ctx, nr, nargs);                                                \
	}                                                                                          \
	SEC("tp/syscalls/sys_exit_" #name)                                                         \
	int ag_##name##_exit(struct trace_event_raw_sys_exit *ctx)                                 \
	{                                                                                          \
		return setid_exit(ctx->ret);                                                       \
	}

SETID_PROGS(setuid, AG_SETUID, 1)
SETID_PROGS(setgid, AG_SETGID, 1)
SETID_PROGS(setreuid, AG_SETREUID, 2)
SETID_PROGS(setregid, AG_SETREGID, 2)
SETID_PROGS(setresuid, AG_SETRESUID, 3)
SETID_PROGS(setresgid, AG_SETRESGID, 3)
SETID_PROGS(setfsuid, AG_SETFSUID, 1)
SETID_PROGS(setfsgid, AG_SETFSGID, 1)

/* ---- memfd_create ---- */

/* memfd_create(name, flags) */
static __always_inline int memfd_enter(__u64 name, __u64 flags)
{
	if (ag_skip_current())
		return 0;
	pend_put(K_MEMFD, name, flags, 0, 0);
	return 0;
}

SEC("tp/syscalls/sys_enter_memfd_create")
int ag_memfd_enter(struct trace_event_raw_sys_enter *ctx)
{
	return memfd_enter(ctx->args[0], ctx->args[1]);
}

static __always_inline int memfd_exit(long ret)
{
	struct ag_pending p = {};
	struct ag_scratch *s;
	struct ag_rec *r;
	__u32 off = 0;

	if (!pend_take(K_MEMFD, &p))
		return 0;
	s = ag_scratch();
	if (!s)
		return 0;
	r = &s->rec;
	ag_hdr(r, AG_REC_MEMFD);
	r->u.memfd.flags = (__u32)p.a[1];
	r->u.memfd.ret = (__s32)ret;
	put_ustr(r, 0, &off, (const char *)p.a[0], 256);
	ag_emit(r, off);
	return 0;
}

SEC("tp/syscalls/sys_exit_memfd_create")
int ag_memfd_exit(struct trace_event_raw_sys_exit *ctx)
{
	return memfd_exit(ctx->ret);
}

/* ---- bpf(BPF_PROG_LOAD) ---- */

/* bpf(cmd, attr, size) */
static __always_inline int bpf_enter(__u64 cmd, __u64 attr)
{
	if (cmd != BPF_PROG_LOAD || ag_skip_current())
		return 0;
	pend_put(K_BPF, cmd, attr, 0, 0);
	return 0;
}

SEC("tp/syscalls/sys_enter_bpf")
int ag_bpf_enter(struct trace_event_raw_sys_enter *ctx)
{
	return bpf_enter(ctx->args[0], ctx->args[1]);
}

static __always_inline int bpf_exit(long ret)
{
	union bpf_attr *attr;
	struct ag_pending p = {};
	struct ag_scratch *s;
	struct ag_rec *r;
	__u32 off = 0;

	if (!pend_take(K_BPF, &p))
		return 0;
	s = ag_scratch();
	if (!s)
		return 0;
	r = &s->rec;
	ag_hdr(r, AG_REC_BPF);
	attr = (union bpf_attr *)p.a[1];
	r->u.bpf.cmd = (__u32)p.a[0];
	r->u.bpf.ret = (__s32)ret;
	bpf_probe_read_user(&r->u.bpf.prog_type, sizeof(__u32), &attr->prog_type);
	bpf_probe_read_user(&r->u.bpf.insn_cnt, sizeof(__u32), &attr->insn_cnt);
	put_ubuf(r, 0, &off, attr->prog_name, sizeof(attr->prog_name), sizeof(attr->prog_name));
	ag_emit(r, off);
	return 0;
}

SEC("tp/syscalls/sys_exit_bpf")
int ag_bpf_exit(struct trace_event_raw_sys_exit *ctx)
{
	return bpf_exit(ctx->ret);
}

/* ---- kernel modules (absent where the kernel has no module support) ---- */

/* finit_module(fd, uargs, flags) */
static __always_inline int finit_enter(long fd, __u64 flags)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();

	if (ag_skip_current())
		return 0;
	/* the file now: the fd may be closed by the time the syscall returns */
	pend_put(K_FINIT_MODULE, fd, flags, (__u64)fd_file(t, fd), 0);
	return 0;
}

SEC("tp/syscalls/sys_enter_finit_module")
int ag_finit_module_enter(struct trace_event_raw_sys_enter *ctx)
{
	return finit_enter((long)ctx->args[0], ctx->args[2]);
}

static __always_inline int module_exit(long ret, __u32 kind)
{
	struct ag_pending p = {};
	struct ag_scratch *s;
	struct ag_rec *r;
	struct file *f;
	__u32 off = 0;

	if (!pend_take(kind, &p))
		return 0;
	s = ag_scratch();
	if (!s)
		return 0;
	r = &s->rec;
	ag_hdr(r, AG_REC_MODULE);
	r->u.module.fd = kind == K_FINIT_MODULE ? (__s32)p.a[0] : -1;
	r->u.module.flags = (__u32)p.a[1];
	r->u.module.ret = (__s32)ret;
	f = (struct file *)p.a[2];
	if (f)
		put_file_path(r, 0, &off, s->pbuf, f);
	ag_emit(r, off);
	return 0;
}

SEC("tp/syscalls/sys_exit_finit_module")
int ag_finit_module_exit(struct trace_event_raw_sys_exit *ctx)
{
	return module_exit(ctx->ret, K_FINIT_MODULE);
}

static __always_inline int init_enter(void)
{
	if (ag_skip_current())
		return 0;
	pend_put(K_INIT_MODULE, 0, 0, 0, 0);
	return 0;
}

SEC("tp/syscalls/sys_enter_init_module")
int ag_init_module_enter(struct trace_event_raw_sys_enter *ctx)
{
	return init_enter();
}

SEC("tp/syscalls/sys_exit_init_module")
int ag_init_module_exit(struct trace_event_raw_sys_exit *ctx)
{
	return module_exit(ctx->ret, K_INIT_MODULE);
}

/* ---- the syscalls above made as 32-bit ones (sys_ia32.bpf.h) ---- */

#include "sys_ia32.bpf.h"
