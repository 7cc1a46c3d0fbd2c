/* SPDX-License-Identifier: GPL-2.0 */
/*
 * io_uring file requests: part of file.bpf.c's object (included once, at
 * its end, after the helpers and programs it uses).
 */
#ifndef AG_BPF_FILE_URING_BPF_H
#define AG_BPF_FILE_URING_BPF_H

/*
 * Made when submitted, sent when they succeeded (uring.bpf.h). An open
 * that may create or truncate is checked at completion as an open is
 * (a regular file, FMODE_CREATED or O_TRUNC) and sent as a create of the
 * file opened; one whose file cannot be looked at then (a direct
 * descriptor, an fd closed meanwhile, a record sent unchecked) is sent as
 * its name (AG_LINK_OPEN). An open for writing marks the process a
 * writer, and a close request of a written file is a change, sent when
 * submitted (at completion the fd is gone).
 */
#define AG_O_TMPFILE_BIT 020000000 /* __O_TMPFILE: an open that makes no name */

/*
 * The record of request req with its names (path_record), kept until it
 * completes (again: made anew, replacing the one kept).
 */
static __always_inline int uring_names(struct io_kiocb *req, bool again, __u16 type, __u32 u0,
				       __u32 u1, __u32 u2, __u64 src, long sdfd, __u64 dst,
				       long ddfd, __u64 how)
{
	struct ag_scratch *s = ag_scratch();

	if (!s)
		return 0;
	upend_put(s, req, path_record(s, type, u0, u1, u2, src, sdfd, dst, ddfd, how | PS_KERNEL),
		  again);
	return 0;
}

/*
 * The record of a request naming files (unlink, rename, link, symlink),
 * with its names and their base directories as they are now.
 */
static __always_inline int uring_path_req(struct io_kiocb *req, __u8 op, bool again)
{
	void *cmd = ag_uring_cmd(req);
	struct io_rename *rn = cmd;
	struct io_unlink *un = cmd;
	struct io_link *ln = cmd;
	int flags;

	switch (op) {
	case IORING_OP_UNLINKAT:
		flags = BPF_CORE_READ(un, flags);
		return uring_names(req, again, AG_REC_FILE_DELETE, (__u32)BPF_CORE_READ(un, dfd),
				   (__u32)flags, 0, (__u64)BPF_CORE_READ(un, filename, name),
				   BPF_CORE_READ(un, dfd), 0, 0, 0);
	case IORING_OP_RENAMEAT:
		return uring_names(
			req, again, AG_REC_FILE_RENAME, 0, (__u32)BPF_CORE_READ(rn, flags), 0,
			(__u64)BPF_CORE_READ(rn, oldpath, name), BPF_CORE_READ(rn, old_dfd),
			(__u64)BPF_CORE_READ(rn, newpath, name), BPF_CORE_READ(rn, new_dfd), 0);
	case IORING_OP_LINKAT:
		flags = BPF_CORE_READ(ln, flags);
		return uring_names(
			req, again, AG_REC_FILE_LINK, AG_LINK_HARD, (__u32)flags, 0,
			(__u64)BPF_CORE_READ(ln, oldpath, name), BPF_CORE_READ(ln, old_dfd),
			(__u64)BPF_CORE_READ(ln, newpath, name), BPF_CORE_READ(ln, new_dfd),
			(flags & AG_AT_EMPTY_PATH) ? PS_EMPTY0 : 0);
	case IORING_OP_SYMLINKAT:
		return uring_names(req, again, AG_REC_FILE_LINK, AG_LINK_SYMBOLIC, 0, 0,
				   (__u64)BPF_CORE_READ(ln, oldpath, name), 0,
				   (__u64)BPF_CORE_READ(ln, newpath, name),
				   BPF_CORE_READ(ln, new_dfd), PS_NOBASE0);
	}
	return 0;
}

/*
 * Close requests of an fd that did not exist when they were submitted: a
 * request linked before them (an open) makes it. uring_open_done sends the
 * file such an fd gets as a change when the open completes (its close is
 * not seen: at completion the fd is gone, and then so is its file).
 */
struct ag_uclose_key {
	__u32 tgid;
	__s32 fd;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct ag_uclose_key);
	__type(value, __u8);
} ag_uclose SEC(".maps");

/*
 * An open request: kept when it may create or truncate (a create, if it
 * does), or open for writing (a change, if its fd is already to be closed
 * by a close request, see ag_uclose).
 */
static __always_inline int uring_open(struct io_kiocb *req, struct io_open *o)
{
	__u64 flags = BPF_CORE_READ(o, how.flags);
	struct ag_scratch *s;
	__u32 datalen;

	if (flags & (AG_O_WRONLY | AG_O_RDWR))
		wfd_mark(bpf_get_current_task_btf()->group_leader);
	if (!(flags & (AG_O_CREAT | AG_O_TRUNC | AG_O_WRONLY | AG_O_RDWR)) ||
	    (flags & AG_O_TMPFILE_BIT))
		return 0;
	s = ag_scratch();
	if (!s)
		return 0;
	datalen = path_record(
		s, AG_REC_FILE_LINK, AG_LINK_OPEN, (__u32)flags, (__u32)BPF_CORE_READ(o, how.mode),
		0, 0, (__u64)BPF_CORE_READ(o, filename, name), BPF_CORE_READ(o, dfd), PS_KERNEL);
	s->rec.u.link.slot = BPF_CORE_READ(o, file_slot);
	upend_put(s, req, datalen, false);
	return 0;
}

SEC("tp_btf/io_uring_submit_req")
int BPF_PROG(ag_uring_submit, struct io_kiocb *req)
{
	struct io_close *cl = ag_uring_cmd(req);
	struct ag_uclose_key ck;
	__u8 one = 1;
	__u8 op = BPF_CORE_READ(req, opcode);

	switch (op) {
	case IORING_OP_OPENAT:
	case IORING_OP_OPENAT2:
	case IORING_OP_UNLINKAT:
	case IORING_OP_RENAMEAT:
	case IORING_OP_LINKAT:
	case IORING_OP_SYMLINKAT:
	case IORING_OP_CLOSE:
		break;
	default:
		return 0;
	}
	if (ag_skip_current())
		return 0;
	switch (op) {
	case IORING_OP_OPENAT:
	case IORING_OP_OPENAT2:
		return uring_open(req, ag_uring_cmd(req));
	case IORING_OP_CLOSE:
		/* a direct descriptor (file_slot) is not in the fd table: not seen */
		if (BPF_CORE_READ(cl, file_slot))
			return 0;
		ck.tgid = bpf_get_current_pid_tgid() >> 32;
		ck.fd = BPF_CORE_READ(cl, fd);
		if (!fd_file((struct task_struct *)bpf_get_current_task(), ck.fd)) {
			bpf_map_update_elem(&ag_uclose, &ck, &one, BPF_ANY);
			return 0;
		}
		if (!wfd_writer(bpf_get_current_task_btf()->group_leader))
			return 0;
		return fd_closed(ck.fd);
	}
	return uring_path_req(req, op, false);
}

/*
 * A request handed to an io-wq worker, which unlink, rename and link
 * requests always are, now (a request linked behind another, a read that
 * waits say, only when that one is done): the base directories of its
 * names are read again, as the dirfd or the cwd may name another
 * directory by now than when it was submitted.
 */
SEC("tp_btf/io_uring_queue_async_work")
int BPF_PROG(ag_uring_queue, struct io_kiocb *req, int rw)
{
	struct ag_upend_small *ks;
	struct ag_upend_full *kl;
	struct ag_ukey k;
	__u8 op;

	if (!ag_upend_n)
		return 0;
	op = BPF_CORE_READ(req, opcode);
	if (op != IORING_OP_UNLINKAT && op != IORING_OP_RENAMEAT && op != IORING_OP_LINKAT &&
	    op != IORING_OP_SYMLINKAT)
		return 0;
	k.ctx = (__u64)BPF_CORE_READ(req, ctx);
	k.user_data = BPF_CORE_READ(req, cqe.user_data);
	/* only this request's record, still kept (one sent unchecked at submit stays sent) */
	ks = bpf_map_lookup_elem(&ag_upend_s, &k);
	kl = bpf_map_lookup_elem(&ag_upend_l, &k);
	if (!(ks && ks->req == (__u64)req) && !(kl && kl->req == (__u64)req))
		return 0;
	return uring_path_req(req, op, true);
}

/*
 * Pending open st (cap: its map's string room) succeeded with res, an fd
 * unless it has a slot: send the file created or truncated, if it was.
 */
static __always_inline void uring_open_done(struct ag_rec *st, __u32 cap, __s32 res)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct file *f = NULL;
	__u32 mode, fmode, off = 0;
	struct ag_scratch *s;
	struct ag_rec *r;

	/* the fd table is the process's: any of its threads may complete the request */
	if (!st->u.link.slot && (bpf_get_current_pid_tgid() >> 32) == st->h.tgid)
		f = fd_file(t, res);
	if (!f) {
		upend_emit(st, st->h.size - AG_REC_FIXED, cap);
		return;
	}
	mode = BPF_CORE_READ(f, f_inode, i_mode);
	fmode = BPF_CORE_READ(f, f_mode);
	if ((mode & AG_S_IFMT) != AG_S_IFREG)
		return;
	if (!(fmode & AG_FMODE_CREATED) && !(st->u.link.flags & AG_O_TRUNC)) {
		struct ag_uclose_key ck = {.tgid = st->h.tgid, .fd = res};

		if (is_wfile(fmode, mode) && bpf_map_lookup_elem(&ag_uclose, &ck)) {
			bpf_map_delete_elem(&ag_uclose, &ck);
			change_send(f, mode, fmode);
		}
		return;
	}
	s = ag_scratch();
	if (!s)
		return;
	r = &s->rec;
	__builtin_memcpy(&r->h, &st->h, sizeof(r->h));
	r->h.type = AG_REC_FILE_CREATE;
	__builtin_memset(r->h.slen, 0, sizeof(r->h.slen));
	__builtin_memset(r->h.sflag, 0, sizeof(r->h.sflag));
	__builtin_memset(&r->u, 0, sizeof(r->u));
	r->u.file.flags = st->u.link.flags;
	r->u.file.mode = mode;
	r->u.file.fmode = fmode;
	put_file_path(r, 0, &off, s->pbuf, f);
	ag_emit(r, off);
}

/*
 * Pending record st (cap: its map's string room) completed with res; req:
 * the request, or 0 for an overflowed completion, which tells no request:
 * st is then sent whatever the result.
 */
static __always_inline void uring_done_one(struct ag_rec *st, __u32 cap, __s32 res, __u64 req)
{
	if (res < 0 && req)
		return;
	if (res >= 0 && st->h.type == AG_REC_FILE_LINK && st->u.link.kind == AG_LINK_OPEN)
		uring_open_done(st, cap, res);
	else
		upend_emit(st, st->h.size - AG_REC_FIXED, cap);
}

/*
 * Request req (0: unknown, an overflow) of (ctx, user_data) completed with
 * res: send the record kept for it if it succeeded.
 */
static __always_inline int uring_done(void *ctx, __u64 user_data, __s32 res, __u64 req)
{
	struct ag_ukey k = {.ctx = (__u64)ctx, .user_data = user_data};
	struct ag_upend_small *ps;
	struct ag_upend_full *pl;

	ps = bpf_map_lookup_elem(&ag_upend_s, &k);
	if (ps && (!req || ps->req == req)) {
		uring_done_one((struct ag_rec *)&ps->r, AG_STASH_SMALL, res, req);
		upend_forget(&ag_upend_s, &k);
		return 0;
	}
	pl = bpf_map_lookup_elem(&ag_upend_l, &k);
	if (pl && (!req || pl->req == req)) {
		uring_done_one(&pl->r, AG_REC_DATA, res, req);
		upend_forget(&ag_upend_l, &k);
	}
	return 0;
}

SEC("tp_btf/io_uring_complete")
int BPF_PROG(ag_uring_complete, struct io_ring_ctx *ring, void *req, struct io_uring_cqe *cqe)
{
	if (!ag_upend_n || !req) /* no request: an auxiliary completion */
		return 0;
	return uring_done(ring, BPF_CORE_READ(cqe, user_data), BPF_CORE_READ(cqe, res), (__u64)req);
}

/* A completion that did not fit the completion queue (it is posted later, untraced). */
SEC("tp_btf/io_uring_cqe_overflow")
int BPF_PROG(ag_uring_overflow, void *ring, __u64 user_data, __s32 res, __u32 cflags, void *ocqe)
{
	if (!ag_upend_n)
		return 0;
	return uring_done(ring, user_data, res, 0);
}

#endif /* AG_BPF_FILE_URING_BPF_H */
