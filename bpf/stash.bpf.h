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
 * memory is allocated once: 2048 small + 128 full records, 3.4 MiB. User
 * space creates them and every object that has them shares them
 * (runtime/linux/collector.c), like the ring buffer.
 */
#ifndef AG_BPF_STASH_BPF_H
#define AG_BPF_STASH_BPF_H

#include "common.bpf.h"

struct ag_stash_small {
	struct ag_rec_hdr h;
	__u8 u[48];
	char data[AG_STASH_SMALL];
};

_Static_assert(sizeof(struct ag_stash_small) == AG_REC_FIXED + AG_STASH_SMALL, "stash layout");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, AG_STASH_SMALL_MAX);
	__type(key, __u64);
	__type(value, struct ag_stash_small);
} ag_stash_s SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, AG_STASH_FULL_MAX);
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

struct ag_cmp {
	char *buf; /* the per-CPU path buffer, 2 * AG_PBUF bytes */
	__u32 n;
	__u32 diff;
};

/* Word i of the two halves (bpf_loop callback: verified once, not per word). */
static long ag_cmp_word(__u32 i, void *ctx)
{
	struct ag_cmp *c = ctx;
	char *buf = c->buf;
	__u32 k = i * 8, n = c->n;
	__u64 x, y, m;

	if (k >= n)
		return 1;
	x = *(const __u64 *)&buf[k & (AG_PBUF - 8)];
	y = *(const __u64 *)&buf[AG_PBUF + (k & (AG_PBUF - 8))];
	m = n - k >= 8 ? ~0ull : (1ull << ((n - k) * 8)) - 1;
	if ((x ^ y) & m) {
		c->diff = 1;
		return 1;
	}
	return 0;
}

/* Are pbuf[0 .. n) and pbuf[AG_PBUF .. AG_PBUF + n) the same bytes? */
static __always_inline bool stash_halves_equal(char *pbuf, __u32 n)
{
	struct ag_cmp c = {.buf = pbuf, .n = n};

	bpf_loop((n + 7) / 8, ag_cmp_word, &c, 0);
	return !c.diff;
}

/*
 * Are n bytes at a (kernel memory: a record) and the first n bytes of
 * pbuf the same? pbuf is the per-CPU path buffer (2 * AG_PBUF bytes).
 */
static __always_inline bool stash_same(const void *a, char *pbuf, __u32 n)
{
	if (n >= AG_PBUF || bpf_probe_read_kernel(&pbuf[AG_PBUF], n & (AG_PBUF - 1), a))
		return true; /* nothing to compare with */
	return stash_halves_equal(pbuf, n);
}

#endif /* AG_BPF_STASH_BPF_H */
