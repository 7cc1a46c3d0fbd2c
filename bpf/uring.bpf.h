/* SPDX-License-Identifier: GPL-2.0 */
/*
 * io_uring requests (file.bpf.c, net.bpf.c). A request passes no syscall
 * tracepoint: the kernel runs it in the io_uring_enter() that submitted
 * it, in an io-wq worker or in the SQPOLL thread, all threads of the
 * submitting process. Its record is made when it is submitted (tracepoint
 * io_uring_submit_req, after its prep copied its names into the kernel)
 * and kept, by ring and user_data, until its completion says whether it
 * succeeded: io_uring_complete, or io_uring_cqe_overflow when the
 * completion queue is full. A failed request is then dropped, as a failed
 * syscall is.
 *
 * user_data is the submitter's to choose, so a record is kept with its
 * request's address, and a completion of another request with the same
 * user_data leaves it alone. An overflowed completion gives no request:
 * it sends the record whatever its result.
 *
 * No request goes unreported for want of a completion: a record is sent
 * unchecked at once when its completion will not be seen (the request
 * asked for none on success, IOSQE_CQE_SKIP_SUCCESS) or cannot be kept
 * (the pending maps are full: they are plain hash maps, which never evict
 * silently), and a pending record is sent unchecked when another request
 * with the same ring and user_data replaces it.
 */
#ifndef AG_BPF_URING_BPF_H
#define AG_BPF_URING_BPF_H

#include "common.bpf.h"
#include "stash.bpf.h"

#define AG_REQ_F_FIXED_FILE 1ull  /* REQ_F_FIXED_FILE: IOSQE_FIXED_FILE's bit */
#define AG_REQ_F_CQE_SKIP   64ull /* REQ_F_CQE_SKIP: IOSQE_CQE_SKIP_SUCCESS's bit */

#define AG_UPEND_SMALL_MAX 1024
#define AG_UPEND_FULL_MAX  16

struct ag_ukey {
	__u64 ctx; /* struct io_ring_ctx * */
	__u64 user_data;
};

/* A kept record and its request (the front of struct ag_scratch: req, rec). */
struct ag_upend_small {
	__u64 req;
	struct ag_stash_small r;
};

struct ag_upend_full {
	__u64 req;
	struct ag_rec r;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, AG_UPEND_SMALL_MAX);
	__type(key, struct ag_ukey);
	__type(value, struct ag_upend_small);
} ag_upend_s SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, AG_UPEND_FULL_MAX);
	__type(key, struct ag_ukey);
	__type(value, struct ag_upend_full);
} ag_upend_l SEC(".maps");

/* Records pending in this object's maps: completions look only when some are. */
__u64 ag_upend_n = 0;

/*
 * Send record r unchecked (cap: the string room of the memory it is in):
 * all but an io_uring open for writing that neither creates nor truncates,
 * kept only to catch a close of its fd (file_uring.bpf.h), which is no
 * event of its own.
 */
static __always_inline void upend_emit(struct ag_rec *r, __u32 datalen, __u32 cap)
{
	if (r->h.type == AG_REC_FILE_LINK && r->u.link.kind == AG_LINK_OPEN &&
	    !(r->u.link.flags & (AG_O_CREAT | AG_O_TRUNC)))
		return;
	ag_emit_cap(r, datalen, cap);
}

/* Forget the record of key k in map (its completion came). */
static __always_inline void upend_forget(void *map, struct ag_ukey *k)
{
	if (!bpf_map_delete_elem(map, k))
		__sync_fetch_and_sub(&ag_upend_n, 1);
}

/* Send pending record r of key k unchecked (cap: its map's string room) and forget it. */
static __always_inline void upend_flush(void *map, struct ag_ukey *k, struct ag_rec *r, __u32 cap)
{
	upend_emit(r, r->h.size - AG_REC_FIXED, cap);
	upend_forget(map, k);
}

/*
 * Keep s->rec (datalen bytes of strings) until request req completes, or
 * send it now. again: the record of req made anew
 * (io_uring_queue_async_work), which replaces the one kept.
 */
static __always_inline void upend_put(struct ag_scratch *s, struct io_kiocb *req, __u32 datalen,
				      bool again)
{
	struct ag_ukey k = {.ctx = (__u64)BPF_CORE_READ(req, ctx),
			    .user_data = BPF_CORE_READ(req, cqe.user_data)};
	struct ag_rec *r = &s->rec;
	struct ag_upend_small *os;
	struct ag_upend_full *ol;
	long err;

	if (BPF_CORE_READ(req, flags) & AG_REQ_F_CQE_SKIP) {
		upend_emit(r, datalen, AG_REC_DATA);
		return;
	}
	os = bpf_map_lookup_elem(&ag_upend_s, &k);
	if (os && again)
		upend_forget(&ag_upend_s, &k);
	else if (os)
		upend_flush(&ag_upend_s, &k, (struct ag_rec *)&os->r, AG_STASH_SMALL);
	ol = bpf_map_lookup_elem(&ag_upend_l, &k);
	if (ol && again)
		upend_forget(&ag_upend_l, &k);
	else if (ol)
		upend_flush(&ag_upend_l, &k, &ol->r, AG_REC_DATA);
	r->h.size = AG_REC_FIXED + datalen;
	s->req = (__u64)req;
	if (datalen <= AG_STASH_SMALL)
		err = bpf_map_update_elem(&ag_upend_s, &k, s, BPF_NOEXIST);
	else
		err = bpf_map_update_elem(&ag_upend_l, &k, s, BPF_NOEXIST);
	if (err) {
		stat_inc(AG_STAT_PENDING_FULL);
		upend_emit(r, datalen, AG_REC_DATA);
		return;
	}
	__sync_fetch_and_add(&ag_upend_n, 1);
}

#endif /* AG_BPF_URING_BPF_H */
