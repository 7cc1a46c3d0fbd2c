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
 *    "was written" bit); the same for such a file closed by a dup2/dup3
 *    onto its fd, by close_range(), by an execve() (its fd close-on-exec;
 *    sent at sys_enter, while the writer is still the program), and still
 *    held when its process exits (the kernel closes it: no close() to
 *    see). The fd is only looked at in processes that may hold such a
 *    file ("writers"):
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
 *  - delete, rename, and new names (link, linkat, symlink, symlinkat,
 *    mknod and mknodat of a regular file: an O_TMPFILE file linked in gets
 *    a name with no open(O_CREAT)): the legacy syscalls (glibc's unlink(),
 *    rename() use them) and the *at ones. The names as given are read at
 *    sys_enter, with the base directory (the cwd or the dirfd's path) of a
 *    relative one (or the process's root, for an absolute one in a
 *    chroot), and sent from sys_exit if the call succeeded; a name that
 *    reads otherwise at sys_exit is sent both ways (stash.bpf.h). User
 *    space joins a name to its base and resolves it
 *    (runtime/linux/upath.h).
 *
 *  - io_uring requests doing any of the above (open with O_CREAT/O_TRUNC,
 *    close, unlinkat, renameat, linkat, symlinkat): read when submitted,
 *    sent when they succeeded (see the io_uring section, uring.bpf.h).
 *  - the syscalls above made as 32-bit ones (int 0x80), which pass no
 *    syscalls:* tracepoint: on the raw syscall tracepoints, loaded only
 *    when asked (ia32.bpf.h, file_ia32.bpf.h).
 *
 * Not here: the agent's own files (filtered by tgid like everything).
 */
#include "common.bpf.h"
#include "names.bpf.h"
#include "stash.bpf.h"
#include "uring.bpf.h"
#include "wfd.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define WRITE_FLAGS (AG_O_WRONLY | AG_O_RDWR | AG_O_CREAT | AG_O_TRUNC)

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

struct wfd_exit_scan {
	struct file **fd;
	unsigned long *open_fds;
	unsigned long *cloexec; /* when set: only fds with their close-on-exec bit */
	__u32 first;		/* the fd of call 0 */
	__u32 n;
	struct file *f[AG_EXIT_FILES];
};

/* One fd per call: keep it if it is a written file (bpf_loop callback). */
static long wfd_exit_fd(__u32 i, void *ctx)
{
	struct wfd_exit_scan *sc = ctx;
	struct file **arr = sc->fd;
	unsigned long *bits = sc->open_fds;
	unsigned long word = 0;
	struct file *f = NULL;
	__u32 n = sc->n;

	i += sc->first;
	if (n >= AG_EXIT_FILES || i >= AG_SCAN_WORDS * 64)
		return 1;
	bpf_probe_read_kernel(&word, sizeof(word), &bits[(i / 64) & (AG_SCAN_WORDS - 1)]);
	if (!(word & (1ul << (i % 64))))
		return 0;
	if (sc->cloexec) {
		word = 0;
		bpf_probe_read_kernel(&word, sizeof(word),
				      &sc->cloexec[(i / 64) & (AG_SCAN_WORDS - 1)]);
		if (!(word & (1ul << (i % 64))))
			return 0;
	}
	bpf_probe_read_kernel(&f, sizeof(f), &arr[i & (AG_SCAN_WORDS * 64 - 1)]);
	if (f && is_wfile(BPF_CORE_READ(f, f_mode), BPF_CORE_READ(f, f_inode, i_mode))) {
		sc->f[n & (AG_EXIT_FILES - 1)] = f;
		sc->n = n + 1;
	}
	return 0;
}

/* Send file i of the scan as a change (bpf_loop callback). */
static long wfd_exit_send(__u32 i, void *ctx)
{
	struct wfd_exit_scan *sc = ctx;
	struct file *f = sc->f[i & (AG_EXIT_FILES - 1)];

	if (!f)
		return 1;
	exec_forget(f);
	return change_send(f, BPF_CORE_READ(f, f_inode, i_mode), BPF_CORE_READ(f, f_mode), NULL);
}

/* Point sc at fd table fdt; returns how many of its fds a scan reads (the first 4096). */
static __always_inline __u32 scan_table(struct wfd_exit_scan *sc, struct fdtable *fdt)
{
	__u32 nfds = BPF_CORE_READ(fdt, max_fds);

	sc->fd = BPF_CORE_READ(fdt, fd);
	sc->open_fds = BPF_CORE_READ(fdt, open_fds);
	return nfds > AG_SCAN_WORDS * 64 ? AG_SCAN_WORDS * 64 : nfds;
}

/*
 * A process that exits holding files open for writing: the kernel closes
 * them with no close() to see, so each is a change here, as its close
 * would have been (the first AG_EXIT_FILES of the first 4096 fds). Only
 * when this task is the last user of its fd table (a CLONE_FILES sharer
 * or another thread still holds them open), and only for writers.
 */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(ag_wfd_exit, struct task_struct *p)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct wfd_exit_scan sc = {};
	struct files_struct *files;
	__u32 nfds;

	files = t->files;
	if (!files || BPF_CORE_READ(files, count.counter) != 1)
		return 0;
	if (!wfd_writer(t->group_leader))
		return 0;
	/*
	 * With --pid-tree, proc.bpf.c's program on this tracepoint may have
	 * taken the process out of the tree already: its parent tells.
	 */
	if (ag_skip_current() && (!ag_follow_tree || ag_skip(t->real_parent->tgid)))
		return 0;
	nfds = scan_table(&sc, BPF_CORE_READ(files, fdt));
	bpf_loop(nfds, wfd_exit_fd, &sc, 0);
	bpf_loop(sc.n, wfd_exit_send, &sc, 0);
	return 0;
}

static __always_inline int close_enter(long fd)
{
	if (!wfd_writer(bpf_get_current_task_btf()->group_leader) || ag_skip_current())
		return 0;
	return fd_closed(fd);
}

SEC("tp/syscalls/sys_enter_close")
int ag_close(struct trace_event_raw_sys_enter *ctx)
{
	return close_enter((long)ctx->args[0]);
}

/* dup2(old, new), dup3(old, new, flags): new is closed first, if open and not old. */
static __always_inline int dup_enter(long oldfd, long newfd)
{
	struct task_struct *t;

	if (oldfd == newfd || !wfd_writer(bpf_get_current_task_btf()->group_leader) ||
	    ag_skip_current())
		return 0;
	t = (struct task_struct *)bpf_get_current_task();
	if (!fd_file(t, oldfd))
		return 0; /* the call fails: new stays open */
	return fd_closed(newfd);
}

SEC("tp/syscalls/sys_enter_dup2")
int ag_dup2(struct trace_event_raw_sys_enter *ctx)
{
	return dup_enter((long)(int)ctx->args[0], (long)(int)ctx->args[1]);
}

SEC("tp/syscalls/sys_enter_dup3")
int ag_dup3(struct trace_event_raw_sys_enter *ctx)
{
	return dup_enter((long)(int)ctx->args[0], (long)(int)ctx->args[1]);
}

#define AG_CLOSE_RANGE_CLOEXEC 4

/* close_range(first, last, flags): each written file in the range (the first AG_EXIT_FILES). */
static __always_inline int close_range_enter(__u64 first, __u64 last, __u64 flags)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct wfd_exit_scan sc = {};
	__u64 nfds;

	if ((flags & AG_CLOSE_RANGE_CLOEXEC) || first > last ||
	    !wfd_writer(t->group_leader) || ag_skip_current())
		return 0;
	nfds = scan_table(&sc, BPF_CORE_READ(t, files, fdt));
	if (last >= nfds)
		last = nfds - 1;
	if (first >= nfds)
		return 0;
	sc.first = (__u32)first;
	bpf_loop((__u32)(last - first + 1), wfd_exit_fd, &sc, 0);
	bpf_loop(sc.n, wfd_exit_send, &sc, 0);
	return 0;
}

SEC("tp/syscalls/sys_enter_close_range")
int ag_close_range(struct trace_event_raw_sys_enter *ctx)
{
	return close_range_enter(ctx->args[0], ctx->args[1], ctx->args[2]);
}

struct exec_send_ctx {
	struct wfd_exit_scan *sc;
	struct wfd_exec *x;
};

/* Send file i of the scan unless an earlier execve of this task sent it (bpf_loop callback). */
static long exec_send(__u32 i, void *ctx)
{
	struct exec_send_ctx *c = ctx;
	struct file *f = c->sc->f[i & (AG_EXIT_FILES - 1)];
	struct wfd_exec *x = c->x;
	__u32 k, n = x->n;

	if (!f)
		return 1;
	for (k = 0; k < AG_EXIT_FILES; k++)
		if (k < n && x->f[k] == (__u64)f)
			return 0;
	/* remember it: in a slot a close emptied (exec_forget), else the next one */
	for (k = 0; k < AG_EXIT_FILES; k++)
		if (k < n && !x->f[k])
			break;
	if (k < AG_EXIT_FILES && k < n) {
		x->f[k] = (__u64)f;
	} else if (n < AG_EXIT_FILES) {
		x->f[n & (AG_EXIT_FILES - 1)] = (__u64)f;
		x->n = n + 1;
	}
	return change_send(f, BPF_CORE_READ(f, f_inode, i_mode), BPF_CORE_READ(f, f_mode), NULL);
}

static __always_inline int exec_enter(void)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct wfd_exit_scan sc = {};
	struct exec_send_ctx c = {&sc};
	struct files_struct *files;
	struct fdtable *fdt;
	__u32 nfds;

	files = t->files;
	if (!files || !wfd_writer(t->group_leader) || ag_skip_current())
		return 0;
	/* another process sharing the table (CLONE_FILES) keeps the files open */
	if (BPF_CORE_READ(files, count.counter) > BPF_CORE_READ(t, signal, nr_threads))
		return 0;
	fdt = BPF_CORE_READ(files, fdt);
	nfds = scan_table(&sc, fdt);
	sc.cloexec = BPF_CORE_READ(fdt, close_on_exec);
	bpf_loop(nfds, wfd_exit_fd, &sc, 0);
	if (!sc.n)
		return 0;
	c.x = bpf_task_storage_get(&ag_wfd_exec, t->group_leader, 0,
				   BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!c.x)
		return 0;
	bpf_loop(sc.n, exec_send, &c, 0);
	return 0;
}

/* An execve that succeeded closed the files: later ones are new files. */
static __always_inline int exec_exit(long ret)
{
	struct task_struct *t = bpf_get_current_task_btf();

	if (ret == 0)
		bpf_task_storage_delete(&ag_wfd_exec, t->group_leader);
	return 0;
}

SEC("tp/syscalls/sys_enter_execve")
int ag_wfd_execve(struct trace_event_raw_sys_enter *ctx)
{
	return exec_enter();
}

SEC("tp/syscalls/sys_enter_execveat")
int ag_wfd_execveat(struct trace_event_raw_sys_enter *ctx)
{
	return exec_enter();
}

SEC("tp/syscalls/sys_exit_execve")
int ag_wfd_execve_exit(struct trace_event_raw_sys_exit *ctx)
{
	return exec_exit(ctx->ret);
}

SEC("tp/syscalls/sys_exit_execveat")
int ag_wfd_execveat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return exec_exit(ctx->ret);
}

/* ---- delete ---- */

/* unlink(path) */
SEC("tp/syscalls/sys_enter_unlink")
int ag_unlink_enter(struct trace_event_raw_sys_enter *ctx)
{
	return path_enter(AG_REC_FILE_DELETE, (__u32)AG_AT_FDCWD, 0, 0, ctx->args[0], AG_AT_FDCWD,
			  0, 0, 0);
}

SEC("tp/syscalls/sys_exit_unlink")
int ag_unlink_exit(struct trace_event_raw_sys_exit *ctx)
{
	return path_exit(ctx->ret, AG_REC_FILE_DELETE, sys_regs()->di, AG_AT_FDCWD, 0, 0, 0);
}

/* unlinkat(dfd, path, flags) */
SEC("tp/syscalls/sys_enter_unlinkat")
int ag_unlinkat_enter(struct trace_event_raw_sys_enter *ctx)
{
	return path_enter(AG_REC_FILE_DELETE, (__u32)ctx->args[0], (__u32)ctx->args[2], 0,
			  ctx->args[1], (long)(int)ctx->args[0], 0, 0, 0);
}

SEC("tp/syscalls/sys_exit_unlinkat")
int ag_unlinkat_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs = sys_regs();

	return path_exit(ctx->ret, AG_REC_FILE_DELETE, regs->si, (long)(int)regs->di, 0, 0, 0);
}

/* rmdir(path) */
SEC("tp/syscalls/sys_enter_rmdir")
int ag_rmdir_enter(struct trace_event_raw_sys_enter *ctx)
{
	return path_enter(AG_REC_FILE_DELETE, (__u32)AG_AT_FDCWD, AG_AT_REMOVEDIR, 0, ctx->args[0],
			  AG_AT_FDCWD, 0, 0, 0);
}

SEC("tp/syscalls/sys_exit_rmdir")
int ag_rmdir_exit(struct trace_event_raw_sys_exit *ctx)
{
	return path_exit(ctx->ret, AG_REC_FILE_DELETE, sys_regs()->di, AG_AT_FDCWD, 0, 0, 0);
}

/* ---- rename ---- */

/* rename(old, new) */
SEC("tp/syscalls/sys_enter_rename")
int ag_rename_enter(struct trace_event_raw_sys_enter *ctx)
{
	return path_enter(AG_REC_FILE_RENAME, 0, 0, 0, ctx->args[0], AG_AT_FDCWD, ctx->args[1],
			  AG_AT_FDCWD, 0);
}

SEC("tp/syscalls/sys_exit_rename")
int ag_rename_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs = sys_regs();

	return path_exit(ctx->ret, AG_REC_FILE_RENAME, regs->di, AG_AT_FDCWD, regs->si, AG_AT_FDCWD,
			 0);
}

/* renameat(odfd, old, ndfd, new), renameat2(..., flags) */
SEC("tp/syscalls/sys_enter_renameat")
int ag_renameat_enter(struct trace_event_raw_sys_enter *ctx)
{
	return path_enter(AG_REC_FILE_RENAME, 0, 0, 0, ctx->args[1], (long)(int)ctx->args[0],
			  ctx->args[3], (long)(int)ctx->args[2], 0);
}

SEC("tp/syscalls/sys_enter_renameat2")
int ag_renameat2_enter(struct trace_event_raw_sys_enter *ctx)
{
	return path_enter(AG_REC_FILE_RENAME, 0, (__u32)ctx->args[4], 0, ctx->args[1],
			  (long)(int)ctx->args[0], ctx->args[3], (long)(int)ctx->args[2], 0);
}

static __always_inline int renameat_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs = sys_regs();

	return path_exit(ctx->ret, AG_REC_FILE_RENAME, regs->si, (long)(int)regs->di, regs->r10,
			 (long)(int)regs->dx, 0);
}

SEC("tp/syscalls/sys_exit_renameat")
int ag_renameat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return renameat_exit(ctx);
}

SEC("tp/syscalls/sys_exit_renameat2")
int ag_renameat2_exit(struct trace_event_raw_sys_exit *ctx)
{
	return renameat_exit(ctx);
}

/*
 * ---- new names: hard links, symlinks, regular files made by mknod ----
 * A file can get a name without any open(O_CREAT): an O_TMPFILE file
 * linked in with linkat(AT_EMPTY_PATH), a hard link to an existing file,
 * a symlink, mknod(S_IFREG). Each is a file_event for its new name.
 */

/* link(old, new) */
SEC("tp/syscalls/sys_enter_link")
int ag_link_enter(struct trace_event_raw_sys_enter *ctx)
{
	return path_enter(AG_REC_FILE_LINK, AG_LINK_HARD, 0, 0, ctx->args[0], AG_AT_FDCWD,
			  ctx->args[1], AG_AT_FDCWD, 0);
}

SEC("tp/syscalls/sys_exit_link")
int ag_link_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs = sys_regs();

	return path_exit(ctx->ret, AG_REC_FILE_LINK, regs->di, AG_AT_FDCWD, regs->si, AG_AT_FDCWD,
			 0);
}

/* linkat(odfd, old, ndfd, new, flags) */
SEC("tp/syscalls/sys_enter_linkat")
int ag_linkat_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u64 flags = ctx->args[4];

	return path_enter(AG_REC_FILE_LINK, AG_LINK_HARD, (__u32)flags, 0, ctx->args[1],
			  (long)(int)ctx->args[0], ctx->args[3], (long)(int)ctx->args[2],
			  (flags & AG_AT_EMPTY_PATH) ? PS_EMPTY0 : 0);
}

SEC("tp/syscalls/sys_exit_linkat")
int ag_linkat_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs = sys_regs();

	return path_exit(ctx->ret, AG_REC_FILE_LINK, regs->si, (long)(int)regs->di, regs->r10,
			 (long)(int)regs->dx, (regs->r8 & AG_AT_EMPTY_PATH) ? PS_EMPTY0 : 0);
}

/* symlink(target, name) */
SEC("tp/syscalls/sys_enter_symlink")
int ag_symlink_enter(struct trace_event_raw_sys_enter *ctx)
{
	return path_enter(AG_REC_FILE_LINK, AG_LINK_SYMBOLIC, 0, 0, ctx->args[0], 0, ctx->args[1],
			  AG_AT_FDCWD, PS_NOBASE0);
}

SEC("tp/syscalls/sys_exit_symlink")
int ag_symlink_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs = sys_regs();

	return path_exit(ctx->ret, AG_REC_FILE_LINK, regs->di, 0, regs->si, AG_AT_FDCWD,
			 PS_NOBASE0);
}

/* symlinkat(target, ndfd, name) */
SEC("tp/syscalls/sys_enter_symlinkat")
int ag_symlinkat_enter(struct trace_event_raw_sys_enter *ctx)
{
	return path_enter(AG_REC_FILE_LINK, AG_LINK_SYMBOLIC, 0, 0, ctx->args[0], 0, ctx->args[2],
			  (long)(int)ctx->args[1], PS_NOBASE0);
}

SEC("tp/syscalls/sys_exit_symlinkat")
int ag_symlinkat_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs = sys_regs();

	return path_exit(ctx->ret, AG_REC_FILE_LINK, regs->di, 0, regs->dx, (long)(int)regs->si,
			 PS_NOBASE0);
}

/* A mknod of a regular file (S_IFREG, or no type at all) */
static __always_inline bool mknod_reg(__u64 mode)
{
	return (mode & AG_S_IFMT) == AG_S_IFREG || !(mode & AG_S_IFMT);
}

/* mknod(name, mode, dev) */
SEC("tp/syscalls/sys_enter_mknod")
int ag_mknod_enter(struct trace_event_raw_sys_enter *ctx)
{
	if (!mknod_reg(ctx->args[1]))
		return 0;
	return path_enter(AG_REC_FILE_LINK, AG_LINK_MKNOD, 0, (__u32)ctx->args[1], 0, 0,
			  ctx->args[0], AG_AT_FDCWD, 0);
}

SEC("tp/syscalls/sys_exit_mknod")
int ag_mknod_exit(struct trace_event_raw_sys_exit *ctx)
{
	return path_exit(ctx->ret, AG_REC_FILE_LINK, 0, 0, sys_regs()->di, AG_AT_FDCWD, 0);
}

/* mknodat(dfd, name, mode, dev) */
SEC("tp/syscalls/sys_enter_mknodat")
int ag_mknodat_enter(struct trace_event_raw_sys_enter *ctx)
{
	if (!mknod_reg(ctx->args[2]))
		return 0;
	return path_enter(AG_REC_FILE_LINK, AG_LINK_MKNOD, 0, (__u32)ctx->args[2], 0, 0,
			  ctx->args[1], (long)(int)ctx->args[0], 0);
}

SEC("tp/syscalls/sys_exit_mknodat")
int ag_mknodat_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs = sys_regs();

	return path_exit(ctx->ret, AG_REC_FILE_LINK, 0, 0, regs->si, (long)(int)regs->di, 0);
}

/* ---- io_uring: requests that do what the syscalls above do (file_uring.bpf.h) ---- */

#include "file_uring.bpf.h"

/* ---- the syscalls above made as 32-bit ones (file_ia32.bpf.h) ---- */

#include "file_ia32.bpf.h"
