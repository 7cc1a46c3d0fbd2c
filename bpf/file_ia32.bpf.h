/* SPDX-License-Identifier: GPL-2.0 */
/*
 * file.bpf.c's syscalls made as 32-bit ones (int 0x80: see ia32.bpf.h),
 * which no syscalls:* tracepoint sees: the same helpers, on the raw
 * syscall tracepoints, with the i386 numbers and argument registers.
 * Included at the end of file.bpf.c (its helpers and maps).
 *
 * Covered: creation (open, creat, openat, openat2), writers marked
 * (open_by_handle_at, memfd_create, pidfd_getfd), change (close, dup2,
 * dup3, execve and execveat of a writer), delete (unlink, unlinkat,
 * rmdir), rename (rename, renameat, renameat2), new names (link, linkat,
 * symlink, symlinkat, mknod, mknodat), and close_range.
 */
#include "ia32.bpf.h"

#define A(i)  ia32_arg(regs, i)
#define FD(i) ia32_int(regs, i)

SEC("tp_btf/sys_enter")
int BPF_PROG(ag_ia32_file_enter, struct pt_regs *regs, long id)
{
	if (!ia32_syscall())
		return 0;
	switch (id) {
	case IA32_CLOSE:
		return close_enter(FD(0));
	case IA32_DUP2:
	case IA32_DUP3:
		return dup_enter(FD(0), FD(1));
	case IA32_CLOSE_RANGE:
		return close_range_enter(A(0), A(1), A(2));
	case IA32_EXECVE:
	case IA32_EXECVEAT:
		return exec_enter();
	case IA32_UNLINK:
		return path_enter(AG_REC_FILE_DELETE, (__u32)AG_AT_FDCWD, 0, 0, A(0), AG_AT_FDCWD,
				  0, 0, 0);
	case IA32_UNLINKAT:
		return path_enter(AG_REC_FILE_DELETE, (__u32)FD(0), (__u32)A(2), 0, A(1), FD(0), 0,
				  0, 0);
	case IA32_RMDIR:
		return path_enter(AG_REC_FILE_DELETE, (__u32)AG_AT_FDCWD, AG_AT_REMOVEDIR, 0, A(0),
				  AG_AT_FDCWD, 0, 0, 0);
	case IA32_RENAME:
		return path_enter(AG_REC_FILE_RENAME, 0, 0, 0, A(0), AG_AT_FDCWD, A(1), AG_AT_FDCWD,
				  0);
	case IA32_RENAMEAT:
	case IA32_RENAMEAT2:
		return path_enter(AG_REC_FILE_RENAME, 0, id == IA32_RENAMEAT2 ? (__u32)A(4) : 0, 0,
				  A(1), FD(0), A(3), FD(2), 0);
	case IA32_LINK:
		return path_enter(AG_REC_FILE_LINK, AG_LINK_HARD, 0, 0, A(0), AG_AT_FDCWD, A(1),
				  AG_AT_FDCWD, 0);
	case IA32_LINKAT:
		return path_enter(AG_REC_FILE_LINK, AG_LINK_HARD, (__u32)A(4), 0, A(1), FD(0), A(3),
				  FD(2), (A(4) & AG_AT_EMPTY_PATH) ? PS_EMPTY0 : 0);
	case IA32_SYMLINK:
		return path_enter(AG_REC_FILE_LINK, AG_LINK_SYMBOLIC, 0, 0, A(0), 0, A(1),
				  AG_AT_FDCWD, PS_NOBASE0);
	case IA32_SYMLINKAT:
		return path_enter(AG_REC_FILE_LINK, AG_LINK_SYMBOLIC, 0, 0, A(0), 0, A(2), FD(1),
				  PS_NOBASE0);
	case IA32_MKNOD:
		if (!mknod_reg(A(1)))
			return 0;
		return path_enter(AG_REC_FILE_LINK, AG_LINK_MKNOD, 0, (__u32)A(1), 0, 0, A(0),
				  AG_AT_FDCWD, 0);
	case IA32_MKNODAT:
		if (!mknod_reg(A(2)))
			return 0;
		return path_enter(AG_REC_FILE_LINK, AG_LINK_MKNOD, 0, (__u32)A(2), 0, 0, A(1),
				  FD(0), 0);
	}
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(ag_ia32_file_exit, struct pt_regs *regs, long ret)
{
	__u64 flags = 0;

	if (!ia32_syscall())
		return 0;
	/* the number the kernel ran: the low 32 bits (a tracer may set the others) */
	switch ((int)regs->orig_ax) {
	case IA32_OPEN:
		return open_exit(ret, A(1));
	case IA32_CREAT:
		return open_exit(ret, AG_O_CREAT | AG_O_WRONLY | AG_O_TRUNC);
	case IA32_OPENAT:
		return open_exit(ret, A(2));
	case IA32_OPENAT2:
		if (ret < 0)
			return 0;
		bpf_probe_read_user(&flags, sizeof(flags), &((struct open_how *)A(2))->flags);
		return open_exit(ret, flags);
	case IA32_OPEN_BY_HANDLE_AT:
		if (!(A(2) & (AG_O_WRONLY | AG_O_RDWR)))
			return 0;
		return mark_exit(ret);
	case IA32_MEMFD_CREATE:
	case IA32_PIDFD_GETFD:
		return mark_exit(ret);
	case IA32_EXECVE:
	case IA32_EXECVEAT:
		return exec_exit(ret);
	case IA32_UNLINK:
	case IA32_RMDIR:
		return path_exit(ret, AG_REC_FILE_DELETE, A(0), AG_AT_FDCWD, 0, 0, 0);
	case IA32_UNLINKAT:
		return path_exit(ret, AG_REC_FILE_DELETE, A(1), FD(0), 0, 0, 0);
	case IA32_RENAME:
		return path_exit(ret, AG_REC_FILE_RENAME, A(0), AG_AT_FDCWD, A(1), AG_AT_FDCWD, 0);
	case IA32_RENAMEAT:
	case IA32_RENAMEAT2:
		return path_exit(ret, AG_REC_FILE_RENAME, A(1), FD(0), A(3), FD(2), 0);
	case IA32_LINK:
		return path_exit(ret, AG_REC_FILE_LINK, A(0), AG_AT_FDCWD, A(1), AG_AT_FDCWD, 0);
	case IA32_LINKAT:
		return path_exit(ret, AG_REC_FILE_LINK, A(1), FD(0), A(3), FD(2),
				 (A(4) & AG_AT_EMPTY_PATH) ? PS_EMPTY0 : 0);
	case IA32_SYMLINK:
		return path_exit(ret, AG_REC_FILE_LINK, A(0), 0, A(1), AG_AT_FDCWD, PS_NOBASE0);
	case IA32_SYMLINKAT:
		return path_exit(ret, AG_REC_FILE_LINK, A(0), 0, A(2), FD(1), PS_NOBASE0);
	case IA32_MKNOD:
		return path_exit(ret, AG_REC_FILE_LINK, 0, 0, A(0), AG_AT_FDCWD, 0);
	case IA32_MKNODAT:
		return path_exit(ret, AG_REC_FILE_LINK, 0, 0, A(1), FD(0), 0);
	}
	return 0;
}

#undef A
#undef FD
