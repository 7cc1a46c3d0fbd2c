/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names a process gives to path syscalls (delete, rename, new names): the
 * record of each, its names and their base directories read at sys_enter
 * (or, for an io_uring request, from the kernel's copies when it is
 * submitted: PS_KERNEL), stashed, and sent once the call succeeded
 * (file.bpf.c).
 */
#ifndef AG_BPF_NAMES_BPF_H
#define AG_BPF_NAMES_BPF_H

#include "common.bpf.h"
#include "stash.bpf.h"

/* How string 0 gets its base directory (path_strings). */
#define PS_NOBASE0 (1ull << 32) /* s0 is not a path but a symlink's target */
#define PS_EMPTY0  (1ull << 33) /* AT_EMPTY_PATH: an empty s0 names the fd's own file */
#define PS_KERNEL  (1ull << 34) /* src and dst are in kernel memory (struct filename names) */

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
		put_str(r, 0, &off, (const char *)src, AG_PATH_MAX + 1, !(how & PS_KERNEL));
		if (how & PS_NOBASE0)
			r->h.sflag[0] &= ~AG_S_RELATIVE;
		else if ((r->h.sflag[0] & AG_S_RELATIVE) || ((how & PS_EMPTY0) && !r->h.slen[0]))
			nm->rootlen[0] = (__u16)ag_names_base(s, 1, &off, sdfd);
		else if (r->h.slen[0])
			ag_names_root(s, 1, &off);
	}
	if (dst) {
		put_str(r, 2, &off, (const char *)dst, AG_PATH_MAX + 1, !(how & PS_KERNEL));
		if (r->h.sflag[2] & AG_S_RELATIVE)
			nm->rootlen[1] = (__u16)ag_names_base(s, 3, &off, ddfd);
		else if (r->h.slen[2])
			ag_names_root(s, 3, &off);
	}
	return off;
}

/*
 * The record of type into s->rec with its names (path_strings); u0, u1, u2
 * are the first three words of r->u (file: dfd, flags, mode; link: kind,
 * flags, mode). Returns its bytes of strings.
 */
static __always_inline __u32 path_record(struct ag_scratch *s, __u16 type, __u32 u0, __u32 u1,
					 __u32 u2, __u64 src, long sdfd, __u64 dst, long ddfd,
					 __u64 how)
{
	struct ag_rec *r = &s->rec;
	struct ag_rec_names *nm;
	__u32 *u;

	ag_hdr(r, type);
	u = (__u32 *)&r->u;
	u[0] = u0;
	u[1] = u1;
	u[2] = u2;
	nm = rec_names(r);
	nm->mntns = cur_mntns();
	nm->rootlen[0] = nm->rootlen[1] = 0;
	return path_strings(s, nm, src, sdfd, dst, ddfd, how);
}

/* At sys_enter: the record, its names read now, kept for sys_exit (stash.bpf.h). */
static __always_inline int path_enter(__u16 type, __u32 u0, __u32 u1, __u32 u2, __u64 src,
				      long sdfd, __u64 dst, long ddfd, __u64 how)
{
	struct ag_scratch *s;

	if (ag_skip_current())
		return 0;
	s = ag_scratch();
	if (!s)
		return 0;
	stash_put(&s->rec, path_record(s, type, u0, u1, u2, src, sdfd, dst, ddfd, how));
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

#endif /* AG_BPF_NAMES_BPF_H */
