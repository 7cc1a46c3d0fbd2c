// SPDX-License-Identifier: GPL-2.0
/*
 * File collectors (telemetry.md 1.4): creation, write-then-close, delete,
 * rename, each with canonical paths.
 *
 *  - create: sys_enter_{open,openat,openat2,creat} keep the flags of opens
 *    that may write (O_WRONLY, O_RDWR, O_CREAT, O_TRUNC: other opens cost
 *    one comparison); sys_exit_* walks the new fd's path, which is the
 *    file actually opened (symlinks, dirfd and relative names resolved).
 *    A regular file that the open created (FMODE_CREATED) or truncated is
 *    sent.
 *  - change: sys_enter_close of a regular file open for writing that this
 *    open did not create (inotify's IN_CLOSE_WRITE; the kernel keeps no
 *    "was written" bit, and files closed by exit() are not seen).
 *  - delete, rename: the legacy syscalls (glibc's unlink(), rename() use
 *    them) and the *at ones; on success the path as given is sent, plus
 *    its base directory (the cwd or the dirfd's path) when it is relative;
 *    user space joins them.
 *
 * Not here: the agent's own files (filtered by tgid like everything).
 */
#include "common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

enum {
	K_OPEN = 1,
	K_UNLINK,
	K_RENAME,
};

#define WRITE_FLAGS (AG_O_WRONLY | AG_O_RDWR | AG_O_CREAT | AG_O_TRUNC)

/* ---- create ---- */

static __always_inline int open_enter(__u64 flags)
{
	if (!(flags & WRITE_FLAGS) || ag_skip_current())
		return 0;
	pend_put(K_OPEN, flags, 0, 0, 0);
	return 0;
}

SEC("tp/syscalls/sys_enter_openat")
int ag_openat_enter(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter(ctx->args[2]);
}

SEC("tp/syscalls/sys_enter_open")
int ag_open_enter(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter(ctx->args[1]);
}

SEC("tp/syscalls/sys_enter_creat")
int ag_creat_enter(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter(AG_O_CREAT | AG_O_WRONLY | AG_O_TRUNC);
}

SEC("tp/syscalls/sys_enter_openat2")
int ag_openat2_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct open_how *how = (struct open_how *)ctx->args[2];
	__u64 flags = 0;

	bpf_probe_read_user(&flags, sizeof(flags), &how->flags);
	return open_enter(flags);
}

static __always_inline int open_exit(struct trace_event_raw_sys_exit *ctx)
{
	long ret = ctx->ret;
	struct task_struct *t;
	struct ag_pending p = {};
	struct ag_scratch *s;
	struct ag_rec *r;
	struct file *f;
	__u32 off = 0, mode, fmode;

	if (!pend_take(K_OPEN, &p) || ret < 0)
		return 0;
	t = (struct task_struct *)bpf_get_current_task();
	f = fd_file(t, ret);
	if (!f)
		return 0;
	mode = BPF_CORE_READ(f, f_inode, i_mode);
	fmode = BPF_CORE_READ(f, f_mode);
	if ((mode & AG_S_IFMT) != AG_S_IFREG)
		return 0;
	if (!(fmode & AG_FMODE_CREATED) && !(p.a[0] & AG_O_TRUNC))
		return 0;
	s = ag_scratch();
	if (!s)
		return 0;
	r = &s->rec;
	ag_hdr(r, AG_REC_FILE_CREATE);
	r->u.file.flags = (__u32)p.a[0];
	r->u.file.mode = mode;
	r->u.file.fmode = fmode;
	put_file_path(r, 0, &off, s->pbuf, f);
	ag_emit(r, off);
	return 0;
}

SEC("tp/syscalls/sys_exit_openat")
int ag_openat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return open_exit(ctx);
}

SEC("tp/syscalls/sys_exit_open")
int ag_open_exit(struct trace_event_raw_sys_exit *ctx)
{
	return open_exit(ctx);
}

SEC("tp/syscalls/sys_exit_creat")
int ag_creat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return open_exit(ctx);
}

SEC("tp/syscalls/sys_exit_openat2")
int ag_openat2_exit(struct trace_event_raw_sys_exit *ctx)
{
	return open_exit(ctx);
}

/* ---- change (write, then close) ---- */

SEC("tp/syscalls/sys_enter_close")
int ag_close(struct trace_event_raw_sys_enter *ctx)
{
	struct task_struct *t;
	struct ag_scratch *s;
	struct ag_rec *r;
	struct file *f;
	__u32 off = 0, mode, fmode;

	if (ag_skip_current())
		return 0;
	t = (struct task_struct *)bpf_get_current_task();
	f = fd_file(t, (long)ctx->args[0]);
	if (!f)
		return 0;
	fmode = BPF_CORE_READ(f, f_mode);
	if (!(fmode & AG_FMODE_WRITE) || (fmode & AG_FMODE_CREATED))
		return 0;
	mode = BPF_CORE_READ(f, f_inode, i_mode);
	if ((mode & AG_S_IFMT) != AG_S_IFREG)
		return 0;
	s = ag_scratch();
	if (!s)
		return 0;
	r = &s->rec;
	ag_hdr(r, AG_REC_FILE_CHANGE);
	r->u.file.mode = mode;
	r->u.file.fmode = fmode;
	put_file_path(r, 0, &off, s->pbuf, f);
	ag_emit(r, off);
	return 0;
}

/* ---- delete ---- */

static __always_inline int unlink_enter(__u64 path, long dfd, __u64 flags)
{
	if (ag_skip_current())
		return 0;
	pend_put(K_UNLINK, path, (__u64)dfd, flags, 0);
	return 0;
}

SEC("tp/syscalls/sys_enter_unlink")
int ag_unlink_enter(struct trace_event_raw_sys_enter *ctx)
{
	return unlink_enter(ctx->args[0], AG_AT_FDCWD, 0);
}

SEC("tp/syscalls/sys_enter_unlinkat")
int ag_unlinkat_enter(struct trace_event_raw_sys_enter *ctx)
{
	return unlink_enter(ctx->args[1], (long)ctx->args[0], ctx->args[2]);
}

SEC("tp/syscalls/sys_enter_rmdir")
int ag_rmdir_enter(struct trace_event_raw_sys_enter *ctx)
{
	return unlink_enter(ctx->args[0], AG_AT_FDCWD, 0x200 /* AT_REMOVEDIR */);
}

static __always_inline int unlink_exit(struct trace_event_raw_sys_exit *ctx)
{
	long ret = ctx->ret;
	struct ag_pending p = {};
	struct ag_scratch *s;
	struct ag_rec *r;
	__u32 off = 0;

	if (!pend_take(K_UNLINK, &p) || ret != 0)
		return 0;
	s = ag_scratch();
	if (!s)
		return 0;
	r = &s->rec;
	ag_hdr(r, AG_REC_FILE_DELETE);
	r->u.file.dfd = (__s32)p.a[1];
	r->u.file.flags = (__u32)p.a[2];
	put_ustr(r, 0, &off, (const char *)p.a[0], AG_PATH_MAX + 1);
	if (r->h.sflag[0] & AG_S_RELATIVE)
		put_base(r, 1, &off, s->pbuf, (long)(__s32)p.a[1]);
	ag_emit(r, off);
	return 0;
}

SEC("tp/syscalls/sys_exit_unlink")
int ag_unlink_exit(struct trace_event_raw_sys_exit *ctx)
{
	return unlink_exit(ctx);
}

SEC("tp/syscalls/sys_exit_unlinkat")
int ag_unlinkat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return unlink_exit(ctx);
}

SEC("tp/syscalls/sys_exit_rmdir")
int ag_rmdir_exit(struct trace_event_raw_sys_exit *ctx)
{
	return unlink_exit(ctx);
}

/* ---- rename ---- */

static __always_inline int rename_enter(long odfd, __u64 old, long ndfd, __u64 new, __u64 flags)
{
	if (ag_skip_current())
		return 0;
	pend_put(K_RENAME, old, new, ((__u64)(__u32)odfd) | ((__u64)(__u32)ndfd << 32), flags);
	return 0;
}

SEC("tp/syscalls/sys_enter_rename")
int ag_rename_enter(struct trace_event_raw_sys_enter *ctx)
{
	return rename_enter(AG_AT_FDCWD, ctx->args[0], AG_AT_FDCWD, ctx->args[1], 0);
}

SEC("tp/syscalls/sys_enter_renameat")
int ag_renameat_enter(struct trace_event_raw_sys_enter *ctx)
{
	return rename_enter((long)ctx->args[0], ctx->args[1], (long)ctx->args[2], ctx->args[3], 0);
}

SEC("tp/syscalls/sys_enter_renameat2")
int ag_renameat2_enter(struct trace_event_raw_sys_enter *ctx)
{
	return rename_enter((long)ctx->args[0], ctx->args[1], (long)ctx->args[2], ctx->args[3],
			    ctx->args[4]);
}

static __always_inline int rename_exit(struct trace_event_raw_sys_exit *ctx)
{
	long ret = ctx->ret;
	struct ag_pending p = {};
	struct ag_scratch *s;
	struct ag_rec *r;
	__u32 off = 0;

	if (!pend_take(K_RENAME, &p) || ret != 0)
		return 0;
	s = ag_scratch();
	if (!s)
		return 0;
	r = &s->rec;
	ag_hdr(r, AG_REC_FILE_RENAME);
	r->u.file.flags = (__u32)p.a[3];
	put_ustr(r, 0, &off, (const char *)p.a[0], AG_PATH_MAX + 1);
	if (r->h.sflag[0] & AG_S_RELATIVE)
		put_base(r, 1, &off, s->pbuf, (long)(__s32)(__u32)p.a[2]);
	put_ustr(r, 2, &off, (const char *)p.a[1], AG_PATH_MAX + 1);
	if (r->h.sflag[2] & AG_S_RELATIVE)
		put_base(r, 3, &off, s->pbuf, (long)(__s32)(__u32)(p.a[2] >> 32));
	ag_emit(r, off);
	return 0;
}

SEC("tp/syscalls/sys_exit_rename")
int ag_rename_exit(struct trace_event_raw_sys_exit *ctx)
{
	return rename_exit(ctx);
}

SEC("tp/syscalls/sys_exit_renameat")
int ag_renameat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return rename_exit(ctx);
}

SEC("tp/syscalls/sys_exit_renameat2")
int ag_renameat2_exit(struct trace_event_raw_sys_exit *ctx)
{
	return rename_exit(ctx);
}
