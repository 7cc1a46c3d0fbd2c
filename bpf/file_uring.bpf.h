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
 * submitted (at completion the fd is gone); an open for writing whose new
 * fd a close request linked after it closes (so the fd did not exist when
 * that close was submitted, or named another file) sends its file as the
 * change at its completion.
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
	__u32 datalen;

	if (!s)
		return 0;
	datalen = path_record(s, type, u0, u1, u2, src, sdfd, dst, ddfd, how | PS_KERNEL);
	uring_creds(&s->rec, req);
	upend_put(&s->rec, req, datalen, again);
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
 * An open request: kept when it may create or truncate (a create, if it
 * does), or opens for writing (a change, if a close request linked after
 * it closes its fd: uring_open_done).
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
	uring_creds(&s->rec, req);
	upend_put(&s->rec, req, datalen, false);
	return 0;
}

SEC("tp_btf/io_uring_submit_req")
int BPF_PROG(ag_uring_submit, struct io_kiocb *req)
{
	struct io_close *cl = ag_uring_cmd(req);
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
		if (BPF_CORE_READ(cl, file_slot) ||
		    !wfd_writer(bpf_get_current_task_btf()->group_leader))
			return 0;
		return fd_closed(BPF_CORE_READ(cl, fd));
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
	__u8 op = BPF_CORE_READ(req, opcode);

	if (op != IORING_OP_UNLINKAT && op != IORING_OP_RENAMEAT && op != IORING_OP_LINKAT &&
	    op != IORING_OP_SYMLINKAT)
		return 0;
	/* only a record still kept (one sent unchecked at submit stays sent) */
	if (!upend_has(req))
		return 0;
	return uring_path_req(req, op, true);
}

/* A linked request fails (its predecessor did): drop its record, as its failure's. */
SEC("tp_btf/io_uring_fail_link")
int BPF_PROG(ag_uring_fail_link, struct io_kiocb *req, struct io_kiocb *link)
{
	upend_drop(link);
	return 0;
}

#define AG_LINK_WALK 8 /* links followed from an open to find a close of its fd */

/* Does a close request linked after req (within AG_LINK_WALK links) close fd? */
static __always_inline bool close_linked(struct io_kiocb *req, __s32 fd)
{
	struct io_kiocb *nxt = BPF_CORE_READ(req, link);
	struct io_close *cl;
	int i;

	for (i = 0; i < AG_LINK_WALK && nxt; i++) {
		cl = ag_uring_cmd(nxt);
		if (BPF_CORE_READ(nxt, opcode) == IORING_OP_CLOSE &&
		    !BPF_CORE_READ(cl, file_slot) && BPF_CORE_READ(cl, fd) == fd)
			return true;
		nxt = BPF_CORE_READ(nxt, link);
	}
	return false;
}

/*
 * Open request req, kept as st (cap: its map's string room), succeeded
 * with res, an fd unless it has a slot: send the file created or
 * truncated, if it was, or as a change the file written that a close
 * linked after it closes.
 */
static __always_inline void uring_open_done(struct ag_rec *st, __u32 cap, __s32 res,
					    struct io_kiocb *req)
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
		if (is_wfile(fmode, mode) && close_linked(req, res))
			change_send(f, mode, fmode, req);
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

/* Request req, kept as st (cap: its map's string room), completed with res. */
static __always_inline void uring_done_one(struct ag_rec *st, __u32 cap, __s32 res,
					   struct io_kiocb *req)
{
	if (res < 0)
		return;
	if (st->h.type == AG_REC_FILE_LINK && st->u.link.kind == AG_LINK_OPEN)
		uring_open_done(st, cap, res, req);
	else
		ag_emit_cap(st, st->h.size - AG_REC_FIXED, cap);
}

SEC("tp_btf/io_uring_complete")
int BPF_PROG(ag_uring_complete, struct io_ring_ctx *ring, struct io_kiocb *req,
	     struct io_uring_cqe *cqe)
{
	struct ag_ukey k;
	struct ag_rec *st;
	__s32 res;

	if (!ag_upend_n || !req) /* no request: an auxiliary completion */
		return 0;
	k.ctx = (__u64)ring;
	k.user_data = BPF_CORE_READ(cqe, user_data);
	k.req = (__u64)req;
	res = BPF_CORE_READ(cqe, res);
	st = bpf_map_lookup_elem(&ag_upend_s, &k);
	if (st) {
		uring_done_one(st, AG_STASH_SMALL, res, req);
		upend_forget(&ag_upend_s, &k);
		return 0;
	}
	st = bpf_map_lookup_elem(&ag_upend_l, &k);
	if (st) {
		uring_done_one(st, AG_REC_DATA, res, req);
		upend_forget(&ag_upend_l, &k);
	}
	return 0;
}

/* A completion that did not fit the completion queue (it is posted later, untraced). */
SEC("tp_btf/io_uring_cqe_overflow")
int BPF_PROG(ag_uring_overflow, void *ring, __u64 user_data, __s32 res, __u32 cflags, void *ocqe)
{
	if (ag_upend_n)
		upend_overflow(ring, user_data);
	return 0;
}

#endif /* AG_BPF_FILE_URING_BPF_H */
