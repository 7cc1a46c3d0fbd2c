// SPDX-License-Identifier: GPL-2.0
/*
 * Process collectors: exec, fork, exit (telemetry.md 1.1, 5).
 *
 *  - exec: tp/sched/sched_process_exec fires after a successful exec, in
 *    the new image: the real executable (a dentry walk of mm->exe_file, so
 *    memfd and deleted files show as such), the working directory, the
 *    filename as given and the whole argv read at once from mm->arg_start
 *    (the kernel has just written those pages). argv comes right after the
 *    executable, so that long paths cannot push it out of the record, and
 *    an argv too long for what is left is sent as its head and its tail
 *    (put_argv).
 *  - fork: tp_btf/sched_process_fork; threads are skipped. It also grows
 *    the followed tree (--pid-tree) before any filtering.
 *  - exit: tp/sched/sched_process_exit for the last thread of a process
 *    (signal->live == 0), with the wait status.
 *
 * Not here: anything about other processes' state (user space keeps the
 * process table), other syscalls (sys.bpf.c).
 */
#include "common.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/*
 * The argv area [astart, aend) as string 1: whole when it fits below
 * AG_REC_HALF, else its head and its tail with a NUL between, cut
 * (AG_S_TRUNC): padding put before or after a payload cannot push the
 * payload out of the command line (only a payload with more than about
 * 4 KiB of padding on each side is lost).
 */
static __always_inline void put_argv(struct ag_rec *r, __u32 *off, __u64 astart, __u64 aend)
{
	__u32 o = *off, max, head, tail;
	__u64 len = aend - astart;

	if (o >= AG_REC_HALF - 8) {
		r->h.sflag[1] = AG_S_TRUNC;
		return;
	}
	max = AG_REC_HALF - 1 - o; /* at most AG_ARGS_MAX */
	if (len <= max) {
		put_ubuf(r, 1, off, (const void *)astart, len, max);
		return;
	}
	head = max / 2;
	tail = max - head - 1;
	barrier_var(o);
	if (bpf_probe_read_user(&r->data[o & (AG_REC_HALF - 1)], head & (AG_REC_HALF - 1),
				(const void *)astart) ||
	    bpf_probe_read_user(&r->data[(o + head + 1) & (AG_REC_DATA - 1)],
				tail & (AG_REC_HALF - 1), (const void *)(aend - tail))) {
		r->h.sflag[1] = AG_S_FAULT | AG_S_TRUNC;
		return;
	}
	r->data[(o + head) & (AG_REC_DATA - 1)] = 0;
	r->h.slen[1] = max;
	r->h.sflag[1] = AG_S_TRUNC;
	*off = o + max;
}

SEC("tp/sched/sched_process_exec")
int ag_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct ag_scratch *s;
	struct ag_rec *r;
	struct mm_struct *mm;
	struct file *exe;
	__u64 astart, aend;
	__u32 off = 0, loc;

	if (ag_skip_current())
		return 0;
	s = ag_scratch();
	if (!s)
		return 0;
	r = &s->rec;
	ag_hdr(r, AG_REC_EXEC);
	mm = BPF_CORE_READ(t, mm);
	exe = BPF_CORE_READ(mm, exe_file);
	if (exe)
		put_file_path(r, 0, &off, s->pbuf, exe);
	else
		r->h.sflag[0] = AG_S_FAULT;
	astart = BPF_CORE_READ(mm, arg_start);
	aend = BPF_CORE_READ(mm, arg_end);
	if (aend > astart) {
		r->u.exec.args_size = (__u32)(aend - astart);
		put_argv(r, &off, astart, aend);
	}
	put_cwd(r, 2, &off, s->pbuf, t);
	/* __data_loc: offset in the low 16 bits, length (with the NUL) in the high 16 */
	loc = ctx->__data_loc_filename;
	if ((loc >> 16) > 1)
		put_kbuf(r, 3, &off, (void *)ctx + (loc & 0xffff), ((loc >> 16) - 1) & 0xfff, 0);
	ag_emit(r, off);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(ag_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = parent->tgid, ctgid = child->tgid;
	struct ag_scratch *s;
	struct ag_rec *r;
	__u8 one = 1;

	if (child->pid != ctgid)
		return 0; /* a new thread, not a process */
	if (ag_follow_tree && bpf_map_lookup_elem(&ag_tree, &ptgid) &&
	    bpf_map_update_elem(&ag_tree, &ctgid, &one, BPF_ANY))
		stat_inc(AG_STAT_TREE_FULL);
	if (ag_skip(ptgid))
		return 0;
	s = ag_scratch();
	if (!s)
		return 0;
	r = &s->rec;
	ag_hdr(r, AG_REC_FORK);
	r->u.fork.child = ctgid;
	r->u.fork.child_start = child->start_boottime;
	ag_emit(r, 0);
	return 0;
}

SEC("tp/sched/sched_process_exit")
int ag_exit(void *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct ag_scratch *s;
	struct ag_rec *r;
	bool skip;

	if (BPF_CORE_READ(t, signal, live.counter) != 0)
		return 0; /* not the last thread */
	skip = ag_skip(tgid);
	if (ag_follow_tree)
		bpf_map_delete_elem(&ag_tree, &tgid);
	if (skip)
		return 0;
	s = ag_scratch();
	if (!s)
		return 0;
	r = &s->rec;
	ag_hdr(r, AG_REC_EXIT);
	r->u.exit.code = BPF_CORE_READ(t, exit_code);
	ag_emit(r, 0);
	return 0;
}
