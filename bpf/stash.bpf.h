/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Records built at sys_enter and sent at sys_exit (the stash, by
 * pid_tgid), for syscalls whose arguments are names in user memory.
 *
 * The kernel copies such a name right after sys_enter, so the reading at
 * sys_enter is the one closest to the kernel's own; the name is read again
 * at sys_exit (file.bpf.c path_exit). Another thread may rewrite the
 * buffer at any time, so neither reading is certain to be the kernel's:
 * when the two differ, the record is sent with each (AG_S_RACED), and a
 * rule on either name still fires. A reading that faulted at sys_enter
 * (the page was not in yet: the kernel's copy faults it in) is taken from
 * sys_exit the same way.
 *
 * Two LRU maps: most records fit the small one. An LRU map never fills
 * (a thread stopped inside the syscall forever only ages out), and its
 * memory is allocated once, at load: 2048 small + 128 full records, 3.4 MiB.
 */
#ifndef AG_BPF_STASH_BPF_H
#define AG_BPF_STASH_BPF_H

#include "common.bpf.h"

/* Bytes of strings a small stash entry holds. */
#define AG_STASH_SMALL 512

struct ag_stash_small {
	struct ag_rec_hdr h;
	__u8 u[48];
	char data[AG_STASH_SMALL];
};

_Static_assert(sizeof(struct ag_stash_small) == AG_REC_FIXED + AG_STASH_SMALL, "stash layout");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 2048);
	__type(key, __u64);
	__type(value, struct ag_stash_small);
} ag_stash_s SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 128);
	__type(key, __u64);
	__type(value, struct ag_rec);
} ag_stash_l SEC(".maps");

/* Keep r, with datalen bytes of strings, for this thread's sys_exit. */
static __always_inline void stash_put(struct ag_rec *r, __u32 datalen)
{
	__u64 id = bpf_get_current_pid_tgid();
	long err;

	r->h.size = AG_REC_FIXED + datalen;
	if (datalen <= AG_STASH_SMALL) {
		err = bpf_map_update_elem(&ag_stash_s, &id, r, BPF_ANY);
		bpf_map_delete_elem(&ag_stash_l, &id);
	} else {
		err = bpf_map_update_elem(&ag_stash_l, &id, r, BPF_ANY);
		bpf_map_delete_elem(&ag_stash_s, &id);
	}
	if (err)
		stat_inc(AG_STAT_PENDING_FULL);
}

#endif /* AG_BPF_STASH_BPF_H */
