/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Written files (file.bpf.c, change): which processes may hold a regular
 * file open for writing (ag_wfd, "writers"), the files a failed execve
 * already sent (ag_wfd_exec), and sending a written file's close as a
 * change.
 */
#ifndef AG_BPF_WFD_BPF_H
#define AG_BPF_WFD_BPF_H

#include "common.bpf.h"
#include "uring.bpf.h"

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

/*
 * Send written file f (its inode mode, f_mode) as a change; req: the
 * io_uring request that closes it, or NULL (its credentials, uring.bpf.h).
 */
static __always_inline int change_send(struct file *f, __u32 mode, __u32 fmode,
				       struct io_kiocb *req)
{
	struct ag_scratch *s = ag_scratch();
	struct ag_rec *r;
	__u32 off = 0;

	if (!s)
		return 1;
	r = &s->rec;
	ag_hdr(r, AG_REC_FILE_CHANGE);
	if (req)
		uring_creds(r, req);
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
	return change_send(f, mode, fmode, NULL);
}

#endif /* AG_BPF_WFD_BPF_H */
