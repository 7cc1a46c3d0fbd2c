// SPDX-License-Identifier: GPL-2.0
/*
 * Process collectors: exec, fork, exit (telemetry.md 1.1, 5).
 *
 *  - exec: tp/sched/sched_process_exec fires after a successful exec, in
 *    the new image: the real executable (a dentry walk of mm->exe_file, so
 *    memfd and deleted files show as such), the working directory, the
 *    filename as given and the whole argv read at once from mm->arg_start
 *    (the kernel has just written those pages).
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
	put_cwd(r, 1, &off, s->pbuf, t);
	/* __data_loc: offset in the low 16 bits, length (with the NUL) in the high 16 */
	loc = ctx->__data_loc_filename;
	if ((loc >> 16) > 1)
		put_kbuf(r, 2, &off, (void *)ctx + (loc & 0xffff), ((loc >> 16) - 1) & 0xfff, 0);
	astart = BPF_CORE_READ(mm, arg_start);
	aend = BPF_CORE_READ(mm, arg_end);
	if (aend > astart) {
		r->u.exec.args_size = (__u32)(aend - astart);
		put_ubuf(r, 3, &off, (const void *)astart, aend - astart, AG_ARGS_MAX);
	}
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
