/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What every collector object (proc, sys, file, net) shares: the maps user
 * space creates once and hands to each object (the ring buffer, the
 * counters, the followed process tree), the load-time configuration, and
 * the helpers that build records: the record header, strings packed into
 * data[], the dentry walk that gives canonical paths, fd -> file, emission
 * with batched wake-ups.
 *
 * Verifier notes (clang 14 / kernels 5.17+): every variable offset into
 * data[] is masked below AG_REC_HALF and every length is clamped below
 * AG_REC_HALF, so any write stays inside the record; the path walk runs in
 * bpf_loop() callbacks (a bounded loop of the same walk hits the
 * 1M-instruction limit), and copies pointer fields of its context into
 * locals before reading through them (telemetry.md 1.6).
 */
#ifndef AG_BPF_COMMON_BPF_H
#define AG_BPF_COMMON_BPF_H

#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "events.h"

/* ---- configuration (rodata, set by the loader before load) ---- */

const volatile __u32 ag_self_tgid = 0;	  /* the agent: never reported */
const volatile __u32 ag_writer_tgid = 0;  /* its alert writer process: never reported */
/*
 * The writer's start time in clock ticks since boot (/proc/PID/stat field
 * 22, start_boottime / ag_tick_ns): a process that gets the writer's pid
 * after the writer is gone is not filtered.
 */
const volatile __u64 ag_writer_start = 0;
const volatile __u64 ag_tick_ns = 10000000;
const volatile __u32 ag_follow_tree = 0;  /* 1: only processes in ag_tree */
const volatile __u64 ag_wakeup_bytes = 0; /* wake the consumer when this much is queued */
const volatile __u64 ag_req_f_creds = 0;  /* REQ_F_CREDS of this kernel (user space finds it) */
const volatile __u32 ag_groups = 0;	  /* enum ag_coll_group bits asked for */

/* ---- shared maps (created by user space, reused by every object) ---- */

#define AG_TREE_MAX 65536

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} ag_rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} ag_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, AG_TREE_MAX);
	__type(key, __u32);
	__type(value, __u8);
} ag_tree SEC(".maps");

/* ---- per-object maps ---- */

/* Half of the path buffer: paths are built right to left ending at AG_PBUF. */
#define AG_PBUF 4096

struct ag_scratch {
	struct ag_rec rec;
	char pbuf[2 * AG_PBUF];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ag_scratch);
} ag_heap SEC(".maps");

/* Syscall arguments kept from sys_enter to sys_exit, by pid_tgid. */
struct ag_pending {
	__u64 a[4];
	__u32 kind;
	__u32 stashed;	/* a record was stashed too (stash.bpf.h) */
	__u8 daddr[16]; /* sends: the destination the call named, as read at sys_enter */
	__u16 dport;
	__u16 dest;	 /* 1: daddr and dport are set */
	__u32 dest_fault; /* 1: a destination was named but could not be read at sys_enter */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u64);
	__type(value, struct ag_pending);
} ag_pend SEC(".maps");

/* ---- constants the UAPI headers would give ---- */

#define AG_AT_FDCWD	 -100
#define AG_EINPROGRESS	 115
#define AG_EINTR	 4
#define AG_ERESTARTSYS	 512
#define AG_AF_INET	 2
#define AG_AF_INET6	 10
#define AG_IPPROTO_TCP	 6
#define AG_IPPROTO_UDP	 17
#define AG_S_IFMT	 00170000
#define AG_S_IFREG	 0100000
#define AG_S_IFSOCK	 0140000
#define AG_FMODE_WRITE	 0x2
#define AG_FMODE_CREATED 0x100000
#define AG_O_WRONLY	 01
#define AG_O_RDWR	 02
#define AG_O_CREAT	 0100
#define AG_O_TRUNC	 01000

/* ---- helpers ---- */

static __always_inline void stat_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&ag_stats, &idx);

	if (v)
		(*v)++;
}

/* Whether the current process (tgid) is the agent's alert writer, not one reusing its pid. */
static __always_inline bool ag_is_writer(__u32 tgid)
{
	struct task_struct *t;

	if (!ag_writer_tgid || tgid != ag_writer_tgid || !ag_tick_ns)
		return false;
	t = (struct task_struct *)bpf_get_current_task();
	return BPF_CORE_READ(t, group_leader, start_boottime) / ag_tick_ns == ag_writer_start;
}

/*
 * True when events of the current process (tgid) are not wanted: the
 * agent, its writer, or outside the followed tree.
 */
static __always_inline bool ag_skip(__u32 tgid)
{
	if (tgid == ag_self_tgid || ag_is_writer(tgid))
		return true;
	if (ag_follow_tree && !bpf_map_lookup_elem(&ag_tree, &tgid))
		return true;
	return false;
}

static __always_inline bool ag_skip_current(void)
{
	return ag_skip(bpf_get_current_pid_tgid() >> 32);
}

/* The op-specific part of io_uring request req (struct io_open, io_connect, ...). */
static __always_inline void *ag_uring_cmd(struct io_kiocb *req)
{
	return (void *)req + bpf_core_field_offset(struct io_kiocb, cmd);
}

static __always_inline struct ag_scratch *ag_scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&ag_heap, &zero);
}

/* Fill r's header for the current task; strings start empty. */
static __always_inline void ag_hdr(struct ag_rec *r, __u16 type)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__u64 id = bpf_get_current_pid_tgid();
	const struct cred *cred = BPF_CORE_READ(t, real_cred);

	r->h.type = type;
	r->h.size = AG_REC_FIXED;
	r->h.ts_ns = bpf_ktime_get_boot_ns();
	r->h.start_ns = BPF_CORE_READ(t, group_leader, start_boottime);
	r->h.tgid = id >> 32;
	r->h.tid = (__u32)id;
	r->h.ppid = BPF_CORE_READ(t, real_parent, tgid);
	r->h.uid = BPF_CORE_READ(cred, uid.val);
	r->h.gid = BPF_CORE_READ(cred, gid.val);
	r->h.euid = BPF_CORE_READ(cred, euid.val);
	if (bpf_core_field_exists(t->loginuid)) {
		r->h.auid = BPF_CORE_READ(t, loginuid.val);
		r->h.sessionid = BPF_CORE_READ(t, sessionid);
	} else {
		r->h.auid = (__u32)-1;
		r->h.sessionid = (__u32)-1;
	}
	bpf_get_current_comm(r->h.comm, sizeof(r->h.comm));
	__builtin_memset(r->h.slen, 0, sizeof(r->h.slen));
	__builtin_memset(r->h.sflag, 0, sizeof(r->h.sflag));
	__builtin_memset(&r->u, 0, sizeof(r->u));
}

/*
 * Strings. Each appends string i at *off in r->data and advances *off; a
 * string that does not fit is cut (AG_S_TRUNC). i must be a constant.
 */
static __always_inline void put_kbuf(struct ag_rec *r, int i, __u32 *off, const void *src,
				     __u32 len, __u16 flags)
{
	__u32 o = *off;

	if (o >= AG_REC_HALF) {
		r->h.sflag[i] = flags | AG_S_TRUNC;
		return;
	}
	if (len > AG_REC_HALF - 1) {
		len = AG_REC_HALF - 1;
		flags |= AG_S_TRUNC;
	}
	if (bpf_probe_read_kernel(&r->data[o & (AG_REC_HALF - 1)], len & (AG_REC_HALF - 1), src)) {
		len = 0;
		flags |= AG_S_FAULT;
	}
	r->h.slen[i] = len;
	r->h.sflag[i] = flags;
	*off = o + len;
}

/* len bytes of user memory (cut at max, itself below AG_REC_HALF). */
static __always_inline void put_ubuf(struct ag_rec *r, int i, __u32 *off, const void *src,
				     __u64 len, __u32 max)
{
	__u32 o = *off;
	__u16 flags = 0;

	if (o >= AG_REC_HALF) {
		r->h.sflag[i] = AG_S_TRUNC;
		return;
	}
	if (len > max) {
		len = max;
		flags |= AG_S_TRUNC;
	}
	barrier_var(o); /* keep the mask: the verifier does not see the check above on o's copies */
	if (bpf_probe_read_user(&r->data[o & (AG_REC_HALF - 1)], len & (AG_REC_HALF - 1), src)) {
		len = 0;
		flags |= AG_S_FAULT;
	}
	r->h.slen[i] = len;
	r->h.sflag[i] = flags;
	*off = o + (__u32)len;
}

/*
 * A NUL-terminated string of at most max bytes (max < AG_REC_HALF), in user
 * memory, or in the kernel's when !user (a name the kernel copied).
 */
static __always_inline void put_str(struct ag_rec *r, int i, __u32 *off, const char *src, __u32 max,
				    bool user)
{
	__u32 o = *off;
	__u16 flags = 0;
	long n;

	if (o >= AG_REC_HALF) {
		r->h.sflag[i] = AG_S_TRUNC;
		return;
	}
	if (user)
		n = bpf_probe_read_user_str(&r->data[o & (AG_REC_HALF - 1)],
					    max & (AG_REC_HALF - 1), src);
	else
		n = bpf_probe_read_kernel_str(&r->data[o & (AG_REC_HALF - 1)],
					      max & (AG_REC_HALF - 1), src);
	if (n <= 0) {
		n = 0;
		flags |= AG_S_FAULT;
	} else {
		if ((__u32)n >= max)
			flags |= AG_S_TRUNC;
		n--; /* the NUL */
	}
	if (n > 0 && r->data[o & (AG_REC_HALF - 1)] != '/')
		flags |= AG_S_RELATIVE;
	r->h.slen[i] = (__u16)n;
	r->h.sflag[i] = flags;
	*off = o + (__u32)n;
}

static __always_inline void put_ustr(struct ag_rec *r, int i, __u32 *off, const char *src,
				     __u32 max)
{
	put_str(r, i, off, src, max, true);
}

/* ---- paths: the dentry walk ---- */

struct ag_walk {
	struct dentry *d;
	struct mount *mnt;
	struct dentry *mnt_root;
	char *buf;    /* 2 * AG_PBUF bytes; the path ends at AG_PBUF */
	__u32 off;    /* the path is buf[off .. AG_PBUF) */
	__u32 done;   /* reached the root */
	__u32 pseudo; /* ended at a dentry that is its own parent, not a mount root */
};

/* One path component per call (bpf_loop callback). */
static long ag_walk_step(__u32 i, void *ctx)
{
	struct ag_walk *w = ctx;
	struct dentry *d = w->d, *root = w->mnt_root, *parent;
	struct mount *mnt = w->mnt, *mp;
	const unsigned char *name;
	__u32 len, off = w->off;

	if (d == root) {
		mp = BPF_CORE_READ(mnt, mnt_parent);
		if (mp == mnt || !mp) {
			w->done = 1; /* the root of the mount namespace */
			return 1;
		}
		w->d = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = mp;
		w->mnt_root = BPF_CORE_READ(mp, mnt.mnt_root);
		return 0;
	}
	parent = BPF_CORE_READ(d, d_parent);
	len = BPF_CORE_READ(d, d_name.len);
	name = BPF_CORE_READ(d, d_name.name);
	if (len > 255)
		len = 255;
	if (len + 1 > off)
		return 1; /* too long: not done, the caller flags it */
	off -= len + 1;
	bpf_probe_read_kernel(&w->buf[(off + 1) & (AG_PBUF - 1)], len & 255, name);
	w->buf[off & (AG_PBUF - 1)] = '/';
	w->off = off;
	if (d == parent || !parent) {
		w->pseudo = 1; /* memfd:, anon files: no parent and no mount root */
		w->done = 1;
		return 1;
	}
	w->d = parent;
	return 0;
}

/*
 * Components walked at most (deeper paths are cut, AG_S_TRUNC): as many as
 * the path buffer can hold ("/a" each), so only a path longer than
 * AG_PBUF loses its head. bpf_loop() costs only the depth walked.
 */
#define AG_WALK_MAX (AG_PBUF / 2)

/*
 * Append the canonical path of (dentry, vfsmount) as string i: absolute in
 * the process's mount namespace, symlinks and relative names resolved.
 */
static __always_inline void put_path(struct ag_rec *r, int i, __u32 *off, char *pbuf,
				     struct dentry *d, struct vfsmount *vm)
{
	struct ag_walk w = {};
	struct dentry *parent;
	__u16 flags = 0;
	__u32 len;

	if (!d || !vm) {
		r->h.sflag[i] = AG_S_FAULT;
		return;
	}
	w.d = d;
	w.mnt = (struct mount *)((void *)vm - bpf_core_field_offset(struct mount, mnt));
	w.mnt_root = BPF_CORE_READ(vm, mnt_root);
	w.buf = pbuf;
	w.off = AG_PBUF;
	/* d_unlinked(): unhashed and not a root */
	parent = BPF_CORE_READ(d, d_parent);
	if (!BPF_CORE_READ(d, d_hash.pprev) && parent != d)
		flags |= AG_S_DELETED;
	bpf_loop(AG_WALK_MAX, ag_walk_step, &w, 0);
	if (!w.done) {
		flags |= AG_S_TRUNC;
		stat_inc(AG_STAT_PATH_TRUNC);
	}
	if (w.pseudo)
		flags |= AG_S_PSEUDO;
	if (w.off >= AG_PBUF) {
		pbuf[AG_PBUF - 1] = '/';
		w.off = AG_PBUF - 1;
	}
	len = AG_PBUF - w.off;
	put_kbuf(r, i, off, &pbuf[w.off & (AG_PBUF - 1)], len, flags);
}

/* A walk up from a directory to the process's root (see below_len). */
struct ag_below {
	struct dentry *d;
	struct mount *mnt;
	struct dentry *stop_d; /* the root */
	struct mount *stop_m;
	__u32 len;   /* bytes of the path walked so far ("/name" each) */
	__u32 found; /* reached the root */
};

/* One component per call (bpf_loop callback), as ag_walk_step goes, without the names. */
static long ag_below_step(__u32 i, void *ctx)
{
	struct ag_below *b = ctx;
	struct dentry *d = b->d, *parent;
	struct mount *mnt = b->mnt, *mp;

	if (d == b->stop_d && mnt == b->stop_m) {
		b->found = 1;
		return 1;
	}
	if (d == BPF_CORE_READ(mnt, mnt.mnt_root)) {
		mp = BPF_CORE_READ(mnt, mnt_parent);
		if (mp == mnt || !mp)
			return 1; /* the namespace's root: the process's root is not above */
		b->d = BPF_CORE_READ(mnt, mnt_mountpoint);
		b->mnt = mp;
		return 0;
	}
	parent = BPF_CORE_READ(d, d_parent);
	if (!parent || parent == d)
		return 1;
	b->len += BPF_CORE_READ(d, d_name.len) + 1;
	b->d = parent;
	return 0;
}

/*
 * How many bytes of the canonical path of (d, vm) lie below the process's
 * root (stop_d, stop_vm), plus 1; 0 when the root is not on its way up.
 */
static __always_inline __u32 below_len(struct dentry *d, struct vfsmount *vm, struct dentry *stop_d,
				       struct vfsmount *stop_vm)
{
	struct ag_below b = {};

	if (!d || !vm || !stop_d || !stop_vm)
		return 0;
	b.d = d;
	b.mnt = (struct mount *)((void *)vm - bpf_core_field_offset(struct mount, mnt));
	b.stop_d = stop_d;
	b.stop_m = (struct mount *)((void *)stop_vm - bpf_core_field_offset(struct mount, mnt));
	bpf_loop(AG_WALK_MAX, ag_below_step, &b, 0);
	return b.found ? b.len + 1 : 0;
}

/* The current process's working directory as string i. */
static __always_inline void put_cwd(struct ag_rec *r, int i, __u32 *off, char *pbuf,
				    struct task_struct *t)
{
	struct fs_struct *fs = BPF_CORE_READ(t, fs);

	put_path(r, i, off, pbuf, BPF_CORE_READ(fs, pwd.dentry), BPF_CORE_READ(fs, pwd.mnt));
}

/*
 * The current process's root directory as string i, flagged AG_S_ROOT,
 * when it is not "/" (a chroot): the base of the absolute names it gives.
 * Nothing (an empty string) otherwise.
 */
static __always_inline void put_root(struct ag_rec *r, int i, __u32 *off, char *pbuf)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct fs_struct *fs = BPF_CORE_READ(t, fs);
	__u32 o = *off;

	put_path(r, i, off, pbuf, BPF_CORE_READ(fs, root.dentry), BPF_CORE_READ(fs, root.mnt));
	if (r->h.slen[i] == 1 && !(r->h.sflag[i] & (AG_S_TRUNC | AG_S_FAULT))) {
		*off = o;
		r->h.slen[i] = 0;
		r->h.sflag[i] = 0;
		return;
	}
	r->h.sflag[i] |= AG_S_ROOT;
}

/* The current process's mount namespace (its inode number, as /proc/PID/ns/mnt shows). */
static __always_inline __u32 cur_mntns(void)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();

	return BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum);
}

/* The open file behind fd of task t, or NULL. */
static __always_inline struct file *fd_file(struct task_struct *t, long fd)
{
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	struct file **arr;
	struct file *f = NULL;

	if (fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	arr = BPF_CORE_READ(fdt, fd);
	bpf_probe_read_kernel(&f, sizeof(f), &arr[fd & 0xffffff]);
	return f;
}

/* The file of fd as string i. */
static __always_inline void put_file_path(struct ag_rec *r, int i, __u32 *off, char *pbuf,
					  struct file *f)
{
	put_path(r, i, off, pbuf, BPF_CORE_READ(f, f_path.dentry), BPF_CORE_READ(f, f_path.mnt));
}

/*
 * The base directory of a relative path given to a *at() syscall: the cwd
 * for AT_FDCWD, else the directory fd's path. Returns how many of its
 * first bytes are the process's root when it is chrooted and the base lies
 * below its root, else 0.
 */
static __always_inline __u32 put_base(struct ag_rec *r, int i, __u32 *off, char *pbuf, long dfd)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct fs_struct *fs = BPF_CORE_READ(t, fs);
	struct dentry *d;
	struct vfsmount *vm;
	struct file *f;
	__u32 below, len;

	if (dfd == AG_AT_FDCWD) {
		d = BPF_CORE_READ(fs, pwd.dentry);
		vm = BPF_CORE_READ(fs, pwd.mnt);
	} else {
		f = fd_file(t, dfd);
		if (!f) {
			r->h.sflag[i] = AG_S_FAULT;
			return 0;
		}
		d = BPF_CORE_READ(f, f_path.dentry);
		vm = BPF_CORE_READ(f, f_path.mnt);
	}
	put_path(r, i, off, pbuf, d, vm);
	below = below_len(d, vm, BPF_CORE_READ(fs, root.dentry), BPF_CORE_READ(fs, root.mnt));
	len = r->h.slen[i];
	if (!below || (r->h.sflag[i] & (AG_S_TRUNC | AG_S_FAULT | AG_S_PSEUDO)) || below - 1 > len)
		return 0;
	/* the root is the path less what lies below it; "/" is no chroot */
	len -= below - 1;
	return len > 1 ? len : 0;
}

/* ---- emission ---- */

static __always_inline __u64 rb_flags(void)
{
	if (!ag_wakeup_bytes)
		return 0;
	return bpf_ringbuf_query(&ag_rb, BPF_RB_AVAIL_DATA) >= ag_wakeup_bytes ? BPF_RB_FORCE_WAKEUP
									       : BPF_RB_NO_WAKEUP;
}

/*
 * Send r with datalen bytes of strings, r being valid for AG_REC_FIXED + cap
 * bytes (a constant); count it as sent or dropped.
 */
static __always_inline void ag_emit_cap(struct ag_rec *r, __u32 datalen, __u32 cap)
{
	__u64 size = AG_REC_FIXED + (__u64)datalen;
	__u32 type = r->h.type;

	if (size > AG_REC_FIXED + cap)
		size = AG_REC_FIXED + cap;
	r->h.size = (__u32)size;
	if (type >= AG_REC_TYPE_MAX)
		return;
	if (bpf_ringbuf_output(&ag_rb, r, size, rb_flags()) == 0)
		stat_inc(AG_STAT_EMIT + type);
	else
		stat_inc(AG_STAT_DROP + type);
}

/* Send r (a whole struct ag_rec) with datalen bytes of strings. */
static __always_inline void ag_emit(struct ag_rec *r, __u32 datalen)
{
	ag_emit_cap(r, datalen, AG_REC_DATA);
}

/* Stash syscall arguments for the matching sys_exit program. */
static __always_inline void pend_put_p(struct ag_pending *p)
{
	__u64 id = bpf_get_current_pid_tgid();

	if (bpf_map_update_elem(&ag_pend, &id, p, BPF_ANY))
		stat_inc(AG_STAT_PENDING_FULL);
}

static __always_inline void pend_put(__u32 kind, __u64 a0, __u64 a1, __u64 a2, __u64 a3)
{
	struct ag_pending p = {.a = {a0, a1, a2, a3}, .kind = kind};

	pend_put_p(&p);
}
/* Take the stashed arguments of this thread's syscall (copied to ret_p); false if none. */
static __always_inline bool pend_take(__u32 kind, struct ag_pending *ret_p)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct ag_pending *p = bpf_map_lookup_elem(&ag_pend, &id);

	if (!p)
		return false;
	if (p->kind != kind) {
		bpf_map_delete_elem(&ag_pend, &id);
		return false;
	}
	*ret_p = *p;
	bpf_map_delete_elem(&ag_pend, &id);
	return true;
}

#endif /* AG_BPF_COMMON_BPF_H */
