/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 32-bit syscalls on x86-64 (int 0x80, sysenter, or syscall from a 32-bit
 * code segment), for any process: a 64-bit program can make them too.
 *
 * The syscalls:* tracepoints never fire for them (x86 defines
 * ARCH_TRACE_IGNORE_COMPAT_SYSCALLS: their numbers are the i386 table's),
 * so with IA32 emulation in the kernel a process could create, delete and
 * rename files or connect unseen by the collectors on those. The raw
 * syscall tracepoints (tp_btf/sys_enter and sys_exit) see every syscall;
 * the programs there (file_ia32.bpf.h, net_ia32.bpf.h, sys_ia32.bpf.h)
 * return at once unless the syscall is a 32-bit one: TS_COMPAT in the
 * thread's status,
 * which the kernel sets on a 32-bit syscall's entry and clears on the
 * return to user mode, after the sys_exit tracepoint.
 *
 * They run on every syscall of the machine: the six programs (two per
 * object) cost 0.4 us per syscall on the machines here
 * (tests/bench/bench-live.sh; a second probe on a tracepoint also makes
 * the kernel call its probes through a loop of indirect calls), so user
 * space loads them only when asked (live.ia32_syscalls; collector.c says
 * at start when the kernel runs 32-bit syscalls and they are off).
 *
 * Arguments are in ebx, ecx, edx, esi, edi, ebp; pointers are 32 bits
 * (zero-extended), fds and dirfds are ints (sign-extended).
 */
#ifndef AG_BPF_IA32_H
#define AG_BPF_IA32_H

#define AG_TS_COMPAT 0x0002 /* arch/x86/include/asm/thread_info.h */

/* i386 syscall numbers (arch/x86/entry/syscalls/syscall_32.tbl) */
#define IA32_OPEN	       5
#define IA32_CLOSE	       6
#define IA32_CREAT	       8
#define IA32_LINK	       9
#define IA32_UNLINK	       10
#define IA32_EXECVE	       11
#define IA32_MKNOD	       14
#define IA32_SETUID16	       23
#define IA32_PTRACE	       26
#define IA32_RENAME	       38
#define IA32_RMDIR	       40
#define IA32_SETGID16	       46
#define IA32_DUP2	       63
#define IA32_SETREUID16	       70
#define IA32_SETREGID16	       71
#define IA32_SYMLINK	       83
#define IA32_SOCKETCALL	       102
#define IA32_INIT_MODULE       128
#define IA32_SETFSUID16	       138
#define IA32_SETFSGID16	       139
#define IA32_WRITEV	       146
#define IA32_SETRESUID16       164
#define IA32_SETRESGID16       170
#define IA32_SETREUID	       203
#define IA32_SETREGID	       204
#define IA32_SETRESUID	       208
#define IA32_SETRESGID	       210
#define IA32_SETUID	       213
#define IA32_SETGID	       214
#define IA32_SETFSUID	       215
#define IA32_SETFSGID	       216
#define IA32_OPENAT	       295
#define IA32_MKNODAT	       297
#define IA32_UNLINKAT	       301
#define IA32_RENAMEAT	       302
#define IA32_LINKAT	       303
#define IA32_SYMLINKAT	       304
#define IA32_DUP3	       330
#define IA32_OPEN_BY_HANDLE_AT 342
#define IA32_SENDMMSG	       345
#define IA32_FINIT_MODULE      350
#define IA32_RENAMEAT2	       353
#define IA32_MEMFD_CREATE      356
#define IA32_BPF	       357
#define IA32_EXECVEAT	       358
#define IA32_CONNECT	       362
#define IA32_ACCEPT4	       364
#define IA32_SENDTO	       369
#define IA32_SENDMSG	       370
#define IA32_CLOSE_RANGE       436
#define IA32_OPENAT2	       437
#define IA32_PIDFD_GETFD       438

/* socketcall(call, args) calls (include/uapi/linux/net.h) */
#define AG_SYS_CONNECT	3
#define AG_SYS_ACCEPT	5
#define AG_SYS_SEND	9
#define AG_SYS_SENDTO	11
#define AG_SYS_SENDMSG	16
#define AG_SYS_ACCEPT4	18
#define AG_SYS_SENDMMSG 20

/* Is the current syscall a 32-bit one? */
static __always_inline bool ia32_syscall(void)
{
	return bpf_get_current_task_btf()->thread_info.status & AG_TS_COMPAT;
}

/* Argument i (0-5) of a 32-bit syscall, zero-extended (a pointer, a flag word). */
static __always_inline __u64 ia32_arg(const struct pt_regs *regs, int i)
{
	switch (i) {
	case 0:
		return (__u32)regs->bx;
	case 1:
		return (__u32)regs->cx;
	case 2:
		return (__u32)regs->dx;
	case 3:
		return (__u32)regs->si;
	case 4:
		return (__u32)regs->di;
	default:
		return (__u32)regs->bp;
	}
}

/* Argument i of a 32-bit syscall as an int (an fd, AT_FDCWD), sign-extended. */
static __always_inline long ia32_int(const struct pt_regs *regs, int i)
{
	return (long)(int)ia32_arg(regs, i);
}

#endif /* AG_BPF_IA32_H */
