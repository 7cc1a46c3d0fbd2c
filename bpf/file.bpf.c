// SPDX-License-Identifier: GPL-2.0
/*
 * File collectors (telemetry.md 1.4): creation, write-then-close, delete,
 * rename, each with canonical paths.
 *
 * The common path, read-only opens and closes of fds never opened for
 * writing, costs almost nothing (tests/bench/bench-live.sh: openat loop):
 *
 *  - create: only sys_exit_{open,openat,openat2,creat} are hooked; the
 *    open flags are read back from the syscall's saved registers, so an
 *    open without O_WRONLY, O_RDWR, O_CREAT or O_TRUNC returns after one
 *    comparison, with no map and no fd walk. Other opens walk the new fd's
 *    path, which is the file actually opened (symlinks, dirfd and relative
 *    names resolved); a regular file that the open created (FMODE_CREATED)
 *    or truncated is sent.
 *  - change: sys_enter_close of a regular file open for writing that its
 *    open did not create (inotify's IN_CLOSE_WRITE; the kernel keeps no
 *    "was written" bit, and files closed by exit() are not seen). The fd is
 *    only looked at in processes that may hold such a file ("writers"):
 *      * processes started before the agent was armed (ag_wfd_epoch: user
 *        space sets it once every program here is attached; until then
 *        every process counts as one);
 *      * a process that opened a regular file for writing (open*,
 *        open_by_handle_at), made a memfd or took an fd with pidfd_getfd;
 *      * a child whose parent held such an fd when it forked (the fork
 *        scans the parent's fd table), or that shares its fd table.
 *    The mark is task local storage on the thread group leader, so the
 *    close of any other process costs one storage lookup. Not seen: fds
 *    received over SCM_RIGHTS by a process that never was a writer, and a
 *    mark lost when a non-leader thread execs.
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
	K_UNLINK = 1,
	K_RENAME,
};

#define WRITE_FLAGS (AG_O_WRONLY | AG_O_RDWR | AG_O_CREAT | AG_O_TRUNC)

/* Boot time (ns) from which every new process is tracked; 0: not armed yet. */
__u64 ag_wfd_epoch = 0;

/* Present on a thread group leader: the process may hold a writable regular fd. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u8);
} ag_wfd SEC(".maps");

/* A regular file open for writing that its open did not create: its close is a change. */
static __always_inline bool is_wfile(__u32 fmode, __u32 mode)
{
	return (fmode & AG_FMODE_WRITE) && !(fmode & AG_FMODE_CREATED) &&
	       (mode & AG_S_IFMT) == AG_S_IFREG;
}

static __always_inline void wfd_mark(struct task_struct *t)
{
	bpf_task_storage_get(&ag_wfd, t, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
}

/* True when the process of leader may hold a writable regular fd. */
static __always_inline bool wfd_writer(struct task_struct *leader)
{
	__u64 epoch = ag_wfd_epoch;

	if (!epoch || leader->start_boottime < epoch)
		return true;
	return bpf_task_storage_get(&ag_wfd, leader, 0, 0) != NULL;
}

/* The current syscall's saved registers (its arguments, still there at sys_exit). */
static __always_inline struct pt_regs *sys_regs(void)
{
	return (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
}

/* ---- create ---- */

static __always_inline int open_exit(long ret, __u64 flags)
{
	struct task_struct *t;
	struct ag_scratch *s;
	struct ag_rec *r;
	struct file *f;
	__u32 off = 0, mode, fmode;

	if (!(flags & WRITE_FLAGS) || ret < 0)
		return 0;
	t = (struct task_struct *)bpf_get_current_task();
	f = fd_file(t, ret);
	if (!f)
		return 0;
	mode = BPF_CORE_READ(f, f_inode, i_mode);
	fmode = BPF_CORE_READ(f, f_mode);
	if ((mode & AG_S_IFMT) != AG_S_IFREG)
		return 0;
	if (is_wfile(fmode, mode))
		wfd_mark(bpf_get_current_task_btf()->group_leader);
	if (!(fmode & AG_FMODE_CREATED) && !(flags & AG_O_TRUNC))
		return 0;
	if (ag_skip_current())
		return 0;
	s = ag_scratch();
	if (!s)
		return 0;
	r = &s->rec;
	ag_hdr(r, AG_REC_FILE_CREATE);
	r->u.file.flags = (__u32)flags;
	r->u.file.mode = mode;
	r->u.file.fmode = fmode;
	put_file_path(r, 0, &off, s->pbuf, f);
	ag_emit(r, off);
	return 0;
}

/* openat(dfd, path, flags, mode) */
SEC("tp/syscalls/sys_exit_openat")
int ag_openat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return open_exit(ctx->ret, sys_regs()->dx);
}

/* open(path, flags, mode) */
SEC("tp/syscalls/sys_exit_open")
int ag_open_exit(struct trace_event_raw_sys_exit *ctx)
{
	return open_exit(ctx->ret, sys_regs()->si);
}

SEC("tp/syscalls/sys_exit_creat")
int ag_creat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return open_exit(ctx->ret, AG_O_CREAT | AG_O_WRONLY | AG_O_TRUNC);
}

/* openat2(dfd, path, how, size) */
SEC("tp/syscalls/sys_exit_openat2")
int ag_openat2_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct open_how *how = (struct open_how *)sys_regs()->dx;
	__u64 flags = 0;

	if (ctx->ret < 0)
		return 0;
	bpf_probe_read_user(&flags, sizeof(flags), &how->flags);
	return open_exit(ctx->ret, flags);
}

/* ---- change (write, then close) ---- */

/* Other ways to get a writable regular fd: mark, never send. */
static __always_inline int mark_exit(long ret)
{
	if (ret >= 0)
		wfd_mark(bpf_get_current_task_btf()->group_leader);
	return 0;
}

/* open_by_handle_at(mount_fd, handle, flags) */
SEC("tp/syscalls/sys_exit_open_by_handle_at")
int ag_wfd_handle_exit(struct trace_event_raw_sys_exit *ctx)
{
	if (!(sys_regs()->dx & (AG_O_WRONLY | AG_O_RDWR)))
		return 0;
	return mark_exit(ctx->ret);
}

SEC("tp/syscalls/sys_exit_memfd_create")
int ag_wfd_memfd_exit(struct trace_event_raw_sys_exit *ctx)
{
	return mark_exit(ctx->ret);
}

SEC("tp/syscalls/sys_exit_pidfd_getfd")
int ag_wfd_getfd_exit(struct trace_event_raw_sys_exit *ctx)
{
	return mark_exit(ctx->ret);
}

/* Fd table words scanned at fork (64 fds each); a larger table counts as a writer. */
#define AG_SCAN_WORDS 64

struct wfd_scan {
	struct file **fd;
	unsigned long *open_fds;
	__u32 found;
};

/* One word of the open-fd bitmap per call (bpf_loop callback). */
static long wfd_scan_word(__u32 w, void *ctx)
{
	struct wfd_scan *sc = ctx;
	struct file **arr = sc->fd;
	unsigned long *bits = sc->open_fds;
	unsigned long word = 0;
	struct file *f;
	__u32 b, i;

	bpf_probe_read_kernel(&word, sizeof(word), &bits[w & (AG_SCAN_WORDS - 1)]);
	for (b = 0; b < 64 && word; b++, word >>= 1) {
		if (!(word & 1))
			continue;
		i = (w & (AG_SCAN_WORDS - 1)) * 64 + b;
		f = NULL;
		bpf_probe_read_kernel(&f, sizeof(f), &arr[i]);
		if (f && is_wfile(BPF_CORE_READ(f, f_mode), BPF_CORE_READ(f, f_inode, i_mode))) {
			sc->found = 1;
			return 1;
		}
	}
	return 0;
}

/* A new process inherits the parent's fds: it is a writer when one of them is a written file. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(ag_wfd_fork, struct task_struct *parent, struct task_struct *child)
{
	struct wfd_scan sc = {};
	struct fdtable *fdt;
	__u32 words;

	if (child->tgid == parent->tgid)
		return 0; /* a thread: the mark is on the leader */
	if (child->files == parent->files) {
		wfd_mark(child); /* CLONE_FILES: the same table, the same opens */
		return 0;
	}
	if (!wfd_writer(parent->group_leader))
		return 0;
	fdt = BPF_CORE_READ(child, files, fdt);
	words = (BPF_CORE_READ(fdt, max_fds) + 63) / 64;
	if (words > AG_SCAN_WORDS) {
		wfd_mark(child);
		return 0;
	}
	sc.fd = BPF_CORE_READ(fdt, fd);
	sc.open_fds = BPF_CORE_READ(fdt, open_fds);
	bpf_loop(words, wfd_scan_word, &sc, 0);
	if (sc.found)
		wfd_mark(child);
	return 0;
}

SEC("tp/syscalls/sys_enter_close")
int ag_close(struct trace_event_raw_sys_enter *ctx)
{
	struct task_struct *t;
	struct ag_scratch *s;
	struct ag_rec *r;
	struct file *f;
	__u32 off = 0, mode, fmode;

	if (!wfd_writer(bpf_get_current_task_btf()->group_leader) || ag_skip_current())
		return 0;
	t = (struct task_struct *)bpf_get_current_task();
	f = fd_file(t, (long)ctx->args[0]);
	if (!f)
		return 0;
	fmode = BPF_CORE_READ(f, f_mode);
	mode = BPF_CORE_READ(f, f_inode, i_mode);
	if (!is_wfile(fmode, mode))
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
