/* SPDX-License-Identifier: GPL-2.0 */
/*
 * io_uring requests (file.bpf.c, net.bpf.c). A request passes no syscall
 * tracepoint: the kernel runs it in the io_uring_enter() that submitted
 * it, in an io-wq worker or in the SQPOLL thread, all threads of the
 * submitting process. Its record is made when it is submitted (tracepoint
 * io_uring_submit_req, after its prep copied its names into the kernel)
 * and kept until its completion says whether it succeeded
 * (io_uring_complete): a failed request is then dropped, as a failed
 * syscall is, and so is one whose link fails (io_uring_fail_link).
 *
 * A record is kept by ring, user_data and the request's address: user_data
 * is the submitter's to choose, and another request's completion with the
 * same user_data leaves the record alone. A completion that overflows the
 * completion queue (io_uring_cqe_overflow) names no request, only ring
 * and user_data: every record kept for those is then sent unchecked.
 *
 * No request goes unreported for want of a completion: a record is sent
 * unchecked at once when its completion will not be seen (the request
 * asked for none on success, IOSQE_CQE_SKIP_SUCCESS) or cannot be kept
 * (the pending maps are full: they are plain hash maps, which never evict
 * silently).
 */
#ifndef AG_BPF_URING_BPF_H
#define AG_BPF_URING_BPF_H

#include "common.bpf.h"
#include "stash.bpf.h"

#define AG_REQ_F_FIXED_FILE 1ull  /* REQ_F_FIXED_FILE: IOSQE_FIXED_FILE's bit */
#define AG_REQ_F_CQE_SKIP   64ull /* REQ_F_CQE_SKIP: IOSQE_CQE_SKIP_SUCCESS's bit */

#define AG_UPEND_SMALL_MAX 1024
#define AG_UPEND_FULL_MAX  16
#define AG_UPEND_SCAN	   4 /* records sent for one overflowed completion, per map */

struct ag_ukey {
	__u64 ctx; /* struct io_ring_ctx * */
	__u64 user_data;
	__u64 req; /* struct io_kiocb * */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, AG_UPEND_SMALL_MAX);
	__type(key, struct ag_ukey);
	__type(value, struct ag_stash_small);
} ag_upend_s SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, AG_UPEND_FULL_MAX);
	__type(key, struct ag_ukey);
	__type(value, struct ag_rec);
} ag_upend_l SEC(".maps");

/* Records pending in this object's maps: completions look only when some are. */
__u64 ag_upend_n = 0;

/*
 * A request with a registered personality (sqe->personality) runs with
 * that personality's credentials, which may be other than the
 * submitter's (taken before it dropped privileges, say): report those.
 */
static __always_inline void uring_creds(struct ag_rec *r, struct io_kiocb *req)
{
	const struct cred *cr;

	if (!ag_req_f_creds || !(BPF_CORE_READ(req, flags) & ag_req_f_creds))
		return;
	cr = BPF_CORE_READ(req, creds);
	if (!cr)
		return;
	r->h.uid = BPF_CORE_READ(cr, uid.val);
	r->h.gid = BPF_CORE_READ(cr, gid.val);
	r->h.euid = BPF_CORE_READ(cr, euid.val);
}

static __always_inline void upend_key(struct ag_ukey *k, struct io_kiocb *req)
{
	k->ctx = (__u64)BPF_CORE_READ(req, ctx);
	k->user_data = BPF_CORE_READ(req, cqe.user_data);
	k->req = (__u64)req;
}

/*
 * Send record r unchecked (cap: the string room of the memory it is in):
 * all but an io_uring open for writing that neither creates nor truncates,
 * kept only to catch a close of its fd linked after it (file_uring.bpf.h),
 * which is no event of its own.
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
 * Keep r (datalen bytes of strings) until request req completes, or send
 * it now. again: the record of req made anew (io_uring_queue_async_work),
 * which replaces the one kept.
 */
static __always_inline void upend_put(struct ag_rec *r, struct io_kiocb *req, __u32 datalen,
				      bool again)
{
	struct ag_ukey k;
	struct ag_rec *old;
	long err;

	if (BPF_CORE_READ(req, flags) & AG_REQ_F_CQE_SKIP) {
		upend_emit(r, datalen, AG_REC_DATA);
		return;
	}
	upend_key(&k, req);
	/* again: the old record goes; else one left by a freed request at this address */
	old = bpf_map_lookup_elem(&ag_upend_s, &k);
	if (old && again)
		upend_forget(&ag_upend_s, &k);
	else if (old)
		upend_flush(&ag_upend_s, &k, old, AG_STASH_SMALL);
	old = bpf_map_lookup_elem(&ag_upend_l, &k);
	if (old && again)
		upend_forget(&ag_upend_l, &k);
	else if (old)
		upend_flush(&ag_upend_l, &k, old, AG_REC_DATA);
	r->h.size = AG_REC_FIXED + datalen;
	if (datalen <= AG_STASH_SMALL)
		err = bpf_map_update_elem(&ag_upend_s, &k, r, BPF_NOEXIST);
	else
		err = bpf_map_update_elem(&ag_upend_l, &k, r, BPF_NOEXIST);
	if (err) {
		stat_inc(AG_STAT_PENDING_FULL);
		upend_emit(r, datalen, AG_REC_DATA);
		return;
	}
	__sync_fetch_and_add(&ag_upend_n, 1);
}

/* Is a record kept for request req? */
static __always_inline bool upend_has(struct io_kiocb *req)
{
	struct ag_ukey k;

	if (!ag_upend_n)
		return false;
	upend_key(&k, req);
	return bpf_map_lookup_elem(&ag_upend_s, &k) || bpf_map_lookup_elem(&ag_upend_l, &k);
}

/* Forget, unsent, the record of request req (it failed). */
static __always_inline void upend_drop(struct io_kiocb *req)
{
	struct ag_ukey k;

	if (!ag_upend_n)
		return;
	upend_key(&k, req);
	upend_forget(&ag_upend_s, &k);
	upend_forget(&ag_upend_l, &k);
}

struct upend_scan {
	__u64 ctx;
	__u64 user_data;
	__u32 n;
	struct ag_ukey k[AG_UPEND_SCAN];
};

/* bpf_for_each_map_elem callback: note the keys of (ctx, user_data). */
static long upend_match(struct bpf_map *map, struct ag_ukey *key, void *val, struct upend_scan *sc)
{
	if (key->ctx != sc->ctx || key->user_data != sc->user_data)
		return 0;
	if (sc->n >= AG_UPEND_SCAN)
		return 1;
	sc->k[sc->n & (AG_UPEND_SCAN - 1)] = *key;
	sc->n++;
	return 0;
}

/*
 * An overflowed completion of (ctx, user_data), which names no request:
 * send unchecked and forget what is kept for them (a rare event, so a
 * scan of the maps).
 */
static __always_inline void upend_overflow(void *ctx, __u64 user_data)
{
	struct upend_scan sc = {.ctx = (__u64)ctx, .user_data = user_data};
	struct ag_rec *r;
	__u32 i;

	bpf_for_each_map_elem(&ag_upend_s, upend_match, &sc, 0);
	for (i = 0; i < AG_UPEND_SCAN && i < sc.n; i++) {
		r = bpf_map_lookup_elem(&ag_upend_s, &sc.k[i]);
		if (r)
			upend_flush(&ag_upend_s, &sc.k[i], r, AG_STASH_SMALL);
	}
	sc.n = 0;
	bpf_for_each_map_elem(&ag_upend_l, upend_match, &sc, 0);
	for (i = 0; i < AG_UPEND_SCAN && i < sc.n; i++) {
		r = bpf_map_lookup_elem(&ag_upend_l, &sc.k[i]);
		if (r)
			upend_flush(&ag_upend_l, &sc.k[i], r, AG_REC_DATA);
	}
}

#endif /* AG_BPF_URING_BPF_H */
