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
 * Not here: the agent's own files (filtered by tgid like everything).
 */
#include "common.bpf.h"
#include "stash.bpf.h"

char LICENSE[] SEC("license") = "GPL";

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

/* Written files sent for one exiting process or execve (the first ones in fd order). */
#define AG_EXIT_FILES 8

/*
 * Written files an execve() closes (their fd is close-on-exec): sent at
 * sys_enter, while the process is still the program that wrote them (at
 * sys_exit it is the new one). A failed execve closes nothing, and a
 * PATH search makes several: ag_wfd_exec (on the thread group leader, so
 * that any thread's close is seen) keeps the files sent until an execve
 * succeeds, so each is sent once (it is sent again if the process then
 * closes it itself, and forgotten then: exec_forget).
 */
struct wfd_exec {
	__u32 n;
	__u32 _pad;
	__u64 f[AG_EXIT_FILES]; /* struct file pointers, as numbers */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct wfd_exec);
} ag_wfd_exec SEC(".maps");

/*
 * Written file f is being closed: if an execve that failed sent it
 * already, forget it there, so that another file later at the same
 * address is sent when an execve closes it.
 */
static __always_inline void exec_forget(struct file *f)
{
	struct wfd_exec *x =
		bpf_task_storage_get(&ag_wfd_exec, bpf_get_current_task_btf()->group_leader, 0, 0);
	__u32 k;

	if (!x)
		return;
	for (k = 0; k < AG_EXIT_FILES; k++)
		if (x->f[k] == (__u64)f)
			x->f[k] = 0;
}

/* Send written file f (its inode mode, f_mode) as a change. */
static __always_inline int change_send(struct file *f, __u32 mode, __u32 fmode)
{
	struct ag_scratch *s = ag_scratch();
	struct ag_rec *r;
	__u32 off = 0;

	if (!s)
		return 1;
	r = &s->rec;
	ag_hdr(r, AG_REC_FILE_CHANGE);
	r->u.file.mode = mode;
	r->u.file.fmode = fmode;
	put_file_path(r, 0, &off, s->pbuf, f);
	ag_emit(r, off);
	return 0;
}

/* fd of the current process is being closed: a change if it is a written file. */
static __always_inline int fd_closed(long fd)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct file *f = fd_file(t, fd);
	__u32 mode, fmode;

	if (!f)
		return 0;
	fmode = BPF_CORE_READ(f, f_mode);
	mode = BPF_CORE_READ(f, f_inode, i_mode);
	if (!is_wfile(fmode, mode))
		return 0;
	exec_forget(f);
	return change_send(f, mode, fmode);
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
	return change_send(f, BPF_CORE_READ(f, f_inode, i_mode), BPF_CORE_READ(f, f_mode));
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

SEC("tp/syscalls/sys_enter_close")
int ag_close(struct trace_event_raw_sys_enter *ctx)
{
	if (!wfd_writer(bpf_get_current_task_btf()->group_leader) || ag_skip_current())
		return 0;
	return fd_closed((long)ctx->args[0]);
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
SEC("tp/syscalls/sys_enter_close_range")
int ag_close_range(struct trace_event_raw_sys_enter *ctx)
{
	struct task_struct *t = bpf_get_current_task_btf();
	__u64 first = ctx->args[0], last = ctx->args[1];
	struct wfd_exit_scan sc = {};
	__u64 nfds;

	if ((ctx->args[2] & AG_CLOSE_RANGE_CLOEXEC) || first > last ||
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
	return change_send(f, BPF_CORE_READ(f, f_inode, i_mode), BPF_CORE_READ(f, f_mode));
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

/* ---- delete, rename, new names: names the process gives ---- */

/* How string 0 gets its base directory (path_strings). */
#define PS_NOBASE0 (1ull << 32) /* s0 is not a path but a symlink's target */
#define PS_EMPTY0 (1ull << 33)	/* AT_EMPTY_PATH: an empty s0 names the fd's own file */

#define AG_AT_EMPTY_PATH 0x1000
#define AG_AT_REMOVEDIR 0x200

/* Where r's names live (the same offset in u.file and u.link, events.h). */
static __always_inline struct ag_rec_names *rec_names(struct ag_rec *r)
{
	return r->h.type == AG_REC_FILE_LINK ? &r->u.link.names : &r->u.file.names;
}

/*
 * put_base() and put_root() of string i of scratch record s, as global
 * functions: the verifier checks each once, not inlined at every call
 * site of every path program (which made loading them take seconds).
 */
__noinline int ag_names_base(struct ag_scratch *s, __u32 i, __u32 *off, long dfd)
{
	if (!s || !off)
		return 0;
	return (int)put_base(&s->rec, i & (AG_REC_NSTR - 1), off, s->pbuf, dfd);
}

__noinline int ag_names_root(struct ag_scratch *s, __u32 i, __u32 *off)
{
	if (!s || !off)
		return 0;
	put_root(&s->rec, i & (AG_REC_NSTR - 1), off, s->pbuf);
	return 0;
}

/*
 * The strings of a path syscall into s->rec: s0 the name at src (and s1 its base
 * directory, from sdfd, when it is relative; the process's root when it is
 * absolute and the process is chrooted, put_root), s2 the name at dst (s3
 * its base, from ddfd, or the root). A zero src or dst leaves its strings
 * empty. Returns the bytes of strings.
 */
static __always_inline __u32 path_strings(struct ag_scratch *s, struct ag_rec_names *nm,
					  __u64 src, long sdfd, __u64 dst, long ddfd, __u64 how)
{
	struct ag_rec *r = &s->rec;
	__u32 off = 0;

	if (src) {
		put_ustr(r, 0, &off, (const char *)src, AG_PATH_MAX + 1);
		if (how & PS_NOBASE0)
			r->h.sflag[0] &= ~AG_S_RELATIVE;
		else if ((r->h.sflag[0] & AG_S_RELATIVE) || ((how & PS_EMPTY0) && !r->h.slen[0]))
			nm->rootlen[0] = (__u16)ag_names_base(s, 1, &off, sdfd);
		else if (r->h.slen[0])
			ag_names_root(s, 1, &off);
	}
	if (dst) {
		put_ustr(r, 2, &off, (const char *)dst, AG_PATH_MAX + 1);
		if (r->h.sflag[2] & AG_S_RELATIVE)
			nm->rootlen[1] = (__u16)ag_names_base(s, 3, &off, ddfd);
		else if (r->h.slen[2])
			ag_names_root(s, 3, &off);
	}
	return off;
}

/*
 * At sys_enter: the record of type, its names read now (stash.bpf.h). u0,
 * u1, u2 are the first three words of r->u (file: dfd, flags, mode; link:
 * kind, flags, mode).
 */
static __always_inline int path_enter(__u16 type, __u32 u0, __u32 u1, __u32 u2, __u64 src,
				      long sdfd, __u64 dst, long ddfd, __u64 how)
{
	struct ag_rec_names *nm;
	struct ag_scratch *s;
	struct ag_rec *r;
	__u32 *u;

	if (ag_skip_current())
		return 0;
	s = ag_scratch();
	if (!s)
		return 0;
	r = &s->rec;
	ag_hdr(r, type);
	u = (__u32 *)&r->u;
	u[0] = u0;
	u[1] = u1;
	u[2] = u2;
	nm = rec_names(r);
	nm->mntns = cur_mntns();
	nm->rootlen[0] = nm->rootlen[1] = 0;
	stash_put(r, path_strings(s, nm, src, sdfd, dst, ddfd, how));
	return 0;
}

/*
 * Read the name of string i again at sys_exit (uptr, user memory) and
 * compare it with st's reading from sys_enter (string i at so):
 * AG_S_RACED when they differ, or when only this reading worked.
 */
static __always_inline __u16 reread(struct ag_rec *st, int i, __u32 so, __u64 uptr, char *pbuf)
{
	__u32 len = st->h.slen[i];
	long n;

	if (!uptr)
		return 0;
	n = bpf_probe_read_user_str(pbuf, AG_PATH_MAX + 1, (const char *)uptr);
	if (n <= 0)
		return 0; /* nothing to compare with */
	if ((st->h.sflag[i] & AG_S_FAULT) || (__u32)(n - 1) != len)
		return AG_S_RACED;
	return stash_same(&st->data[so & (AG_REC_DATA - 1)], pbuf, len) ? 0 : AG_S_RACED;
}

/*
 * Send st (valid for cap bytes of strings) after its syscall succeeded;
 * if a name reads otherwise now, send it twice (AG_S_RACED): as read at
 * sys_enter, and as read now.
 */
static __always_inline void path_send(struct ag_rec *st, __u32 cap, __u64 src, long sdfd,
				      __u64 dst, long ddfd, __u64 how)
{
	struct ag_scratch *s = ag_scratch();
	__u32 datalen = st->h.size - AG_REC_FIXED;
	__u16 r0, r2;
	struct ag_rec *r;

	if (!s || st->h.tid != (__u32)bpf_get_current_pid_tgid())
		return; /* not this thread's: the LRU gave its entry to another */
	r0 = reread(st, 0, 0, src, s->pbuf);
	r2 = reread(st, 2, (__u32)st->h.slen[0] + st->h.slen[1], dst, s->pbuf);
	if (!(r0 | r2)) {
		ag_emit_cap(st, datalen, cap);
		return;
	}
	stat_inc(AG_STAT_RACED);
	st->h.sflag[0] |= r0;
	st->h.sflag[2] |= r2;
	ag_emit_cap(st, datalen, cap);
	r = &s->rec;
	ag_hdr(r, st->h.type);
	__builtin_memcpy(&r->u, &st->u, sizeof(r->u));
	datalen = path_strings(s, rec_names(r), src, sdfd, dst, ddfd, how);
	r->h.sflag[0] |= r0;
	r->h.sflag[2] |= r2;
	ag_emit(r, datalen);
}

/* At sys_exit: send the record path_enter stashed, if the call returned 0. */
static __always_inline int path_exit(long ret, __u16 type, __u64 src, long sdfd, __u64 dst,
				     long ddfd, __u64 how)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct ag_rec *st;

	st = bpf_map_lookup_elem(&ag_stash_s, &id);
	if (st) {
		if (!ret && st->h.type == type)
			path_send(st, AG_STASH_SMALL, src, sdfd, dst, ddfd, how);
		bpf_map_delete_elem(&ag_stash_s, &id);
		return 0;
	}
	st = bpf_map_lookup_elem(&ag_stash_l, &id);
	if (st) {
		if (!ret && st->h.type == type)
			path_send(st, AG_REC_DATA, src, sdfd, dst, ddfd, how);
		bpf_map_delete_elem(&ag_stash_l, &id);
	}
	return 0;
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
