/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sys.bpf.c's syscalls made as 32-bit ones (int 0x80: see ia32.bpf.h),
 * which no syscalls:* tracepoint sees: ptrace, the set*id calls (the
 * 32-bit ones and the old 16-bit ones, whose -1 is 0xffff), memfd_create,
 * bpf(BPF_PROG_LOAD), init_module and finit_module, with sys.bpf.c's
 * helpers, each only when its class is asked for (ag_groups). Included at
 * the end of sys.bpf.c.
 */
#include "ia32.bpf.h"

/* A 16-bit uid or gid argument as the kernel widens it (low2highuid: 0xffff is -1). */
static __always_inline __u64 uid16(__u64 v)
{
	return (__u16)v == 0xffff ? (__u64)-1 : (__u16)v;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(ag_ia32_sys_enter, struct pt_regs *regs, long id)
{
	__u64 a0, a1, a2;

	if (!ia32_syscall())
		return 0;
	a0 = ia32_arg(regs, 0);
	a1 = ia32_arg(regs, 1);
	a2 = ia32_arg(regs, 2);
	switch (id) {
	case IA32_PTRACE:
		return (ag_groups & AG_G_PTRACE) ? ptrace_enter(ia32_int(regs, 0), a1) : 0;
	case IA32_MEMFD_CREATE:
		return (ag_groups & AG_G_MEMFD) ? memfd_enter(a0, a1) : 0;
	case IA32_BPF:
		return (ag_groups & AG_G_BPF) ? bpf_enter(a0, a1) : 0;
	case IA32_INIT_MODULE:
		return (ag_groups & AG_G_MODULE) ? init_enter() : 0;
	case IA32_FINIT_MODULE:
		return (ag_groups & AG_G_MODULE) ? finit_enter(ia32_int(regs, 0), a2) : 0;
	}
	if (!(ag_groups & AG_G_SETID))
		return 0;
	switch (id) {
	case IA32_SETUID:
		return setid_put(AG_SETUID, a0, (__u64)-1, (__u64)-1);
	case IA32_SETGID:
		return setid_put(AG_SETGID, a0, (__u64)-1, (__u64)-1);
	case IA32_SETREUID:
		return setid_put(AG_SETREUID, a0, a1, (__u64)-1);
	case IA32_SETREGID:
		return setid_put(AG_SETREGID, a0, a1, (__u64)-1);
	case IA32_SETRESUID:
		return setid_put(AG_SETRESUID, a0, a1, a2);
	case IA32_SETRESGID:
		return setid_put(AG_SETRESGID, a0, a1, a2);
	case IA32_SETFSUID:
		return setid_put(AG_SETFSUID, a0, (__u64)-1, (__u64)-1);
	case IA32_SETFSGID:
		return setid_put(AG_SETFSGID, a0, (__u64)-1, (__u64)-1);
	case IA32_SETUID16:
		return setid_put(AG_SETUID, uid16(a0), (__u64)-1, (__u64)-1);
	case IA32_SETGID16:
		return setid_put(AG_SETGID, uid16(a0), (__u64)-1, (__u64)-1);
	case IA32_SETREUID16:
		return setid_put(AG_SETREUID, uid16(a0), uid16(a1), (__u64)-1);
	case IA32_SETREGID16:
		return setid_put(AG_SETREGID, uid16(a0), uid16(a1), (__u64)-1);
	case IA32_SETRESUID16:
		return setid_put(AG_SETRESUID, uid16(a0), uid16(a1), uid16(a2));
	case IA32_SETRESGID16:
		return setid_put(AG_SETRESGID, uid16(a0), uid16(a1), uid16(a2));
	case IA32_SETFSUID16:
		return setid_put(AG_SETFSUID, uid16(a0), (__u64)-1, (__u64)-1);
	case IA32_SETFSGID16:
		return setid_put(AG_SETFSGID, uid16(a0), (__u64)-1, (__u64)-1);
	}
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(ag_ia32_sys_exit, struct pt_regs *regs, long ret)
{
	if (!ia32_syscall())
		return 0;
	/* the number the kernel ran: the low 32 bits (a tracer may set the others) */
	switch ((int)regs->orig_ax) {
	case IA32_PTRACE:
		return ptrace_exit(ret);
	case IA32_MEMFD_CREATE:
		return memfd_exit(ret);
	case IA32_BPF:
		return bpf_exit(ret);
	case IA32_INIT_MODULE:
		return module_exit(ret, K_INIT_MODULE);
	case IA32_FINIT_MODULE:
		return module_exit(ret, K_FINIT_MODULE);
	case IA32_SETUID:
	case IA32_SETGID:
	case IA32_SETREUID:
	case IA32_SETREGID:
	case IA32_SETRESUID:
	case IA32_SETRESGID:
	case IA32_SETFSUID:
	case IA32_SETFSGID:
	case IA32_SETUID16:
	case IA32_SETGID16:
	case IA32_SETREUID16:
	case IA32_SETREGID16:
	case IA32_SETRESUID16:
	case IA32_SETRESGID16:
	case IA32_SETFSUID16:
	case IA32_SETFSGID16:
		return setid_exit(ret);
	}
	return 0;
}
