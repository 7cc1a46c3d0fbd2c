// SPDX-License-Identifier: GPL-2.0
/*
 * Network and DNS collectors (telemetry.md 1.2, 1.3), all on syscall
 * tracepoints (no kprobes, no cgroup attachment needed):
 *
 *  - connect: sys_enter_connect keeps the fd of IPv4/IPv6 connects;
 *    sys_exit_connect sends the socket's tuple when the connect succeeded
 *    or is in progress (the local port is bound by then), TCP and UDP.
 *  - accept: sys_exit_accept{,4}: the new socket's tuple.
 *  - UDP sends with an explicit destination (sendto, sendmsg, sendmmsg on
 *    unconnected sockets): one record per socket and destination (an LRU
 *    set remembers which were sent), so a chatty socket costs one record.
 *  - DNS: any send to port 53 (UDP, or TCP where the message has a 2-byte
 *    length prefix): the first message's bytes (up to AG_DNS_MAX), and the
 *    second one of a sendmmsg (glibc sends A and AAAA together); user
 *    space parses the question. Sends on other sockets are dropped at
 *    sys_enter after looking at the socket. The messages are read at
 *    sys_enter and again at sys_exit; if another thread changed them in
 *    between, both readings are sent (stash.bpf.h).
 *  - DNS over TCP through writev (glibc's `options use-vc` and its TCP
 *    retry send the length and the message as two iovecs, A and AAAA as
 *    four): sys_enter_writev on a socket connected to port 53, sent at
 *    once (the bytes are in user memory now; whether the write succeeded
 *    does not change what was asked). Plain write() is not hooked: it is
 *    the hottest syscall there is, and resolvers use send*() or writev().
 *
 *  - io_uring connect requests: read when submitted, sent when they
 *    succeeded (connect_uring, uring.bpf.h); accept requests: at their
 *    completion (accept_done).
 *
 *  - DNS over io_uring: send and sendmsg requests to port 53, when
 *    submitted (dns_uring).
 *
 * Not here: receives (DNS answers), UDP sends other than DNS through
 * io_uring, DoH/DoT (encrypted).
 */
#include "common.bpf.h"
#include "stash.bpf.h"
#include "uring.bpf.h"

char LICENSE[] SEC("license") = "GPL";

enum {
	K_CONNECT = 1,
	K_SENDTO,
	K_SENDMSG,
	K_SENDMMSG,
	K_FASTOPEN,   /* sendto(MSG_FASTOPEN) on TCP: a connect */
	K_SENDMSG32,  /* 32-bit sendmsg: struct compat_msghdr (net_ia32.bpf.h) */
	K_SENDMMSG32, /* 32-bit sendmmsg: struct compat_mmsghdr */
	K_SOCKCALL,   /* a socketcall() whose sys_enter kept nothing else (net_ia32.bpf.h) */
};

#define AG_MSG_FASTOPEN 0x20000000

struct udp_key {
	__u64 sk;
	__u8 daddr[16];
	__u16 dport;
	__u16 _pad[3];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct udp_key);
	__type(value, __u8);
} ag_udp_seen SEC(".maps");

/* The socket behind fd, or NULL when fd is not a socket. */
static __always_inline struct sock *fd_sock(long fd)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct file *f = fd_file(t, fd);
	struct socket *sock;

	if (!f)
		return NULL;
	if ((BPF_CORE_READ(f, f_inode, i_mode) & AG_S_IFMT) != AG_S_IFSOCK)
		return NULL;
	sock = BPF_CORE_READ(f, private_data);
	return BPF_CORE_READ(sock, sk);
}

/* The local and remote ends of sk into r->u.net; false if sk is not IPv4/IPv6. */
static __always_inline bool fill_tuple(struct ag_rec *r, struct sock *sk)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	if (family != AG_AF_INET && family != AG_AF_INET6)
		return false;
	r->u.net.family = family;
	r->u.net.proto = BPF_CORE_READ(sk, sk_protocol);
	r->u.net.sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	r->u.net.dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (family == AG_AF_INET) {
		bpf_probe_read_kernel(r->u.net.saddr, 4, &sk->__sk_common.skc_rcv_saddr);
		bpf_probe_read_kernel(r->u.net.daddr, 4, &sk->__sk_common.skc_daddr);
	} else {
		bpf_probe_read_kernel(r->u.net.saddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_probe_read_kernel(r->u.net.daddr, 16, &sk->__sk_common.skc_v6_daddr);
	}
	return true;
}

/* ---- connect, accept ---- */

/* Keep a connect of fd (kind: K_CONNECT, or K_FASTOPEN for TCP only) for its sys_exit. */
static __always_inline int connect_enter(__u64 fd, __u32 kind)
{
	struct sock *sk;
	__u16 family;

	if (ag_skip_current())
		return 0;
	/*
	 * The socket's family, from the kernel's socket: the sockaddr in user
	 * memory may not be paged in yet (the read fails, the kernel's own
	 * copy then pages it in) or may change before the kernel reads it.
	 */
	sk = fd_sock((long)fd);
	if (!sk)
		return 0;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != AG_AF_INET && family != AG_AF_INET6)
		return 0;
	if (kind == K_FASTOPEN && BPF_CORE_READ(sk, sk_protocol) != AG_IPPROTO_TCP)
		return 0;
	pend_put(kind, fd, 0, 0, 0);
	return 0;
}

SEC("tp/syscalls/sys_enter_connect")
int ag_connect_enter(struct trace_event_raw_sys_enter *ctx)
{
	return connect_enter(ctx->args[0], K_CONNECT);
}

/*
 * A connect kept by connect_enter, at its sys_exit: done, in progress,
 * interrupted by a signal (the connect goes on), or for a Fast Open
 * sendto the bytes sent.
 */
/* Send the connect of fd that returned ret, if it is one that goes on. */
static __always_inline int connect_send(__u64 fd, long ret)
{
	struct ag_scratch *s;
	struct ag_rec *r;
	struct sock *sk;

	if (ret < 0 && ret != -AG_EINPROGRESS && ret != -AG_EINTR && ret != -AG_ERESTARTSYS)
		return 0;
	sk = fd_sock((long)fd);
	s = ag_scratch();
	if (!sk || !s)
		return 0;
	r = &s->rec;
	ag_hdr(r, AG_REC_CONNECT);
	if (!fill_tuple(r, sk))
		return 0;
	r->u.net.ret = ret > 0 ? 0 : (__s32)ret;
	ag_emit(r, 0);
	return 0;
}

static __always_inline int connect_exit(long ret, __u32 kind)
{
	struct ag_pending p = {};

	if (!pend_take(kind, &p))
		return 0;
	return connect_send(p.a[0], ret);
}

SEC("tp/syscalls/sys_exit_connect")
int ag_connect_exit(struct trace_event_raw_sys_exit *ctx)
{
	return connect_exit(ctx->ret, K_CONNECT);
}

/*
 * io_uring connect requests (IORING_OP_CONNECT), which pass no syscall
 * tracepoint: made when submitted and sent when they succeeded, as
 * file.bpf.c does with file requests (uring.bpf.h). At submit the record
 * has the destination the request's prep copied into the kernel (or, on
 * kernels that copy it only at issue, the sockaddr in user memory, which
 * the kernel has yet to read: this is the submitting process or its
 * SQPOLL thread); at completion the socket's own tuple replaces it, local
 * port included. A registered (fixed) file is in no fd table, and an fd
 * that a linked socket request makes does not exist yet: such a record
 * has only the destination until the completion gives its socket.
 */
static __always_inline bool ip_family(__u16 f)
{
	return f == AG_AF_INET || f == AG_AF_INET6;
}

/* A connect request (IORING_OP_CONNECT), from ag_send_uring. */
static __always_inline int connect_uring(struct io_kiocb *req)
{
	struct __kernel_sockaddr_storage ss;
	struct sockaddr_in6 *sin6 = (void *)&ss;
	struct sockaddr_in *sin = (void *)&ss;
	struct io_async_msghdr *io;
	struct sock *sk = NULL;
	struct io_connect *cn;
	struct ag_scratch *s;
	struct ag_rec *r;
	bool fixed;

	if (ag_skip_current())
		return 0;
	s = ag_scratch();
	if (!s)
		return 0;
	r = &s->rec;
	ag_hdr(r, AG_REC_CONNECT);
	uring_creds(r, req);
	/*
	 * The socket: none yet for a registered file, or for an fd a request
	 * linked before this one has yet to make (a socket request), or may
	 * make anew; the completion gives it.
	 */
	fixed = BPF_CORE_READ(req, flags) & AG_REQ_F_FIXED_FILE;
	if (!fixed && (sk = fd_sock(BPF_CORE_READ(req, cqe.fd))) && !fill_tuple(r, sk))
		sk = NULL; /* not IPv4/IPv6 now: a linked close and socket may replace it */
	io = BPF_CORE_READ(req, async_data);
	if (!io || BPF_CORE_READ_INTO(&ss, io, addr) || !ip_family(ss.ss_family) ||
	    (sk && ss.ss_family != r->u.net.family)) {
		cn = (struct io_connect *)ag_uring_cmd(req);
		if (bpf_probe_read_user(&ss, sizeof(struct sockaddr_in6),
					BPF_CORE_READ(cn, addr)) ||
		    !ip_family(ss.ss_family) || (sk && ss.ss_family != r->u.net.family))
			return 0;
	}
	r->u.net.family = ss.ss_family;
	if (ss.ss_family == AG_AF_INET) {
		r->u.net.dport = bpf_ntohs(sin->sin_port);
		__builtin_memcpy(r->u.net.daddr, &sin->sin_addr, 4);
	} else {
		r->u.net.dport = bpf_ntohs(sin6->sin6_port);
		__builtin_memcpy(r->u.net.daddr, &sin6->sin6_addr, 16);
	}
	r->u.net.ret = -AG_EINPROGRESS;
	upend_put(r, req, 0, false);
	return 0;
}

/*
 * Connect request req, kept as st, completed with res: send it with the
 * tuple of its socket (req's file, connected now), if it succeeded.
 */
static __always_inline void connect_done_one(struct ag_rec *st, __s32 res, struct io_kiocb *req)
{
	struct ag_scratch *s = ag_scratch();
	struct sock *sk = NULL;
	struct socket *sock;
	struct ag_rec *r;
	struct file *f;

	if (res < 0 || !s)
		return;
	f = BPF_CORE_READ(req, file);
	if (f && (BPF_CORE_READ(f, f_inode, i_mode) & AG_S_IFMT) == AG_S_IFSOCK) {
		sock = BPF_CORE_READ(f, private_data);
		sk = BPF_CORE_READ(sock, sk);
	}
	r = &s->rec;
	__builtin_memcpy(&r->h, &st->h, sizeof(r->h));
	__builtin_memcpy(&r->u, &st->u, sizeof(r->u));
	if (sk && fill_tuple(r, sk))
		r->u.net.ret = 0;
	else
		__builtin_memcpy(&r->u, &st->u, sizeof(r->u)); /* the destination from submit */
	ag_emit(r, 0);
}

/* Set once an accept request was submitted: until then no completion is one. */
__u32 ag_uring_accepts = 0;

/*
 * An accept request completed with res, the new connection's fd: send its
 * tuple. Nothing is kept for it from submit (an accept may wait for hours):
 * one with IOSQE_CQE_SKIP_SUCCESS, a multishot one (its completions name
 * no request) or one into a direct descriptor is not seen.
 */
static __always_inline int accept_done(struct io_kiocb *req, __s32 res)
{
	struct io_accept *ac = ag_uring_cmd(req);
	struct ag_scratch *s;
	struct ag_rec *r;
	struct sock *sk;

	if (res < 0 || BPF_CORE_READ(ac, file_slot) || ag_skip_current())
		return 0;
	/* the fd table is the process's: any of its threads may complete the request */
	sk = fd_sock(res);
	s = ag_scratch();
	if (!sk || !s)
		return 0;
	r = &s->rec;
	ag_hdr(r, AG_REC_ACCEPT);
	uring_creds(r, req);
	if (fill_tuple(r, sk))
		ag_emit(r, 0);
	return 0;
}

SEC("tp_btf/io_uring_complete")
int BPF_PROG(ag_send_uring_done, struct io_ring_ctx *ring, struct io_kiocb *req,
	     struct io_uring_cqe *cqe)
{
	struct ag_ukey k;
	struct ag_rec *st;

	if (!req) /* no request: an auxiliary completion */
		return 0;
	if (ag_uring_accepts && BPF_CORE_READ(req, opcode) == IORING_OP_ACCEPT)
		return accept_done(req, BPF_CORE_READ(cqe, res));
	if (!ag_upend_n)
		return 0;
	k.ctx = (__u64)ring;
	k.user_data = BPF_CORE_READ(cqe, user_data);
	k.req = (__u64)req;
	st = bpf_map_lookup_elem(&ag_upend_s, &k);
	if (st) {
		connect_done_one(st, BPF_CORE_READ(cqe, res), req);
		upend_forget(&ag_upend_s, &k);
	}
	return 0;
}

/* A completion that did not fit the completion queue (it is posted later, untraced). */
SEC("tp_btf/io_uring_cqe_overflow")
int BPF_PROG(ag_send_uring_ovf, void *ring, __u64 user_data, __s32 res, __u32 cflags, void *ocqe)
{
	if (ag_upend_n)
		upend_overflow(ring, user_data);
	return 0;
}

/* A linked request fails (its predecessor did): drop its record, as its failure's. */
SEC("tp_btf/io_uring_fail_link")
int BPF_PROG(ag_send_uring_fail, struct io_kiocb *req, struct io_kiocb *link)
{
	upend_drop(link);
	return 0;
}

static __always_inline int accept_exit(long ret)
{
	struct ag_scratch *s;
	struct ag_rec *r;
	struct sock *sk;

	if (ret < 0 || ag_skip_current())
		return 0;
	sk = fd_sock(ret);
	s = ag_scratch();
	if (!sk || !s)
		return 0;
	r = &s->rec;
	ag_hdr(r, AG_REC_ACCEPT);
	if (!fill_tuple(r, sk))
		return 0;
	ag_emit(r, 0);
	return 0;
}

SEC("tp/syscalls/sys_exit_accept")
int ag_accept_exit(struct trace_event_raw_sys_exit *ctx)
{
	return accept_exit(ctx->ret);
}

SEC("tp/syscalls/sys_exit_accept4")
int ag_accept4_exit(struct trace_event_raw_sys_exit *ctx)
{
	return accept_exit(ctx->ret);
}

/* ---- sends: UDP destinations and DNS ---- */

/*
 * An explicit destination address (user memory) into r->u.net: 1, or 0 for
 * none (NULL, not IPv4/IPv6), or -1 when it could not be read (its page not
 * in memory yet: the kernel's own copy faults it in, a BPF read cannot).
 */
static __always_inline int user_dest(struct ag_rec *r, const void *uaddr)
{
	struct sockaddr_in6 sa = {};

	if (!uaddr)
		return 0;
	if (bpf_probe_read_user(&sa, sizeof(sa.sin6_family) + sizeof(sa.sin6_port), uaddr))
		return -1;
	if (sa.sin6_family == AG_AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)uaddr;

		__builtin_memset(r->u.net.daddr, 0, sizeof(r->u.net.daddr));
		bpf_probe_read_user(r->u.net.daddr, 4, &in->sin_addr);
	} else if (sa.sin6_family == AG_AF_INET6) {
		bpf_probe_read_user(r->u.net.daddr, 16, &((struct sockaddr_in6 *)uaddr)->sin6_addr);
	} else {
		return 0;
	}
	r->u.net.dport = bpf_ntohs(sa.sin6_port);
	return 1;
}

/* Iovec k of the array at iov (compat: 32-bit struct compat_iovec) into *v; 0 or -errno. */
static __always_inline long read_iov(struct iovec *v, __u64 iov, __u64 k, bool compat)
{
	__u32 w[2];
	long r;

	if (!compat)
		return bpf_probe_read_user(v, sizeof(*v), (const struct iovec *)iov + k);
	r = bpf_probe_read_user(w, sizeof(w), (const void *)(iov + k * sizeof(w)));
	v->iov_base = (void *)(__u64)w[0];
	v->iov_len = w[1];
	return r;
}

static __always_inline void put_iov2(struct ag_rec *r, int i, __u32 *off, __u64 iov, int first,
				     __u64 cnt, bool compat)
{
	struct iovec v[2] = {};
	__u32 o, len, n;

	if (cnt <= (__u64)first || read_iov(&v[0], iov, first, compat))
		return;
	put_ubuf(r, i, off, v[0].iov_base, v[0].iov_len, AG_DNS_MAX);
	len = r->h.slen[i];
	o = *off;
	if (cnt <= (__u64)first + 1 || r->h.sflag[i] || len >= AG_DNS_MAX || o >= AG_REC_HALF ||
	    read_iov(&v[1], iov, first + 1, compat))
		return;
	n = AG_DNS_MAX - len;
	if (v[1].iov_len < n)
		n = (__u32)v[1].iov_len;
	else if (v[1].iov_len > n)
		r->h.sflag[i] = AG_S_TRUNC;
	barrier_var(o);
	if (bpf_probe_read_user(&r->data[o & (AG_REC_HALF - 1)], n & (AG_REC_HALF - 1),
				v[1].iov_base))
		return;
	r->h.slen[i] = len + n;
	*off = o + n;
}

/* The first two iovecs of msghdr m as string i (a message split after its first bytes). */
static __always_inline void put_msg(struct ag_rec *r, int i, __u32 *off, struct user_msghdr *m)
{
	struct iovec *iov = NULL;
	__u64 n = 0;

	if (bpf_probe_read_user(&iov, sizeof(iov), &m->msg_iov) ||
	    bpf_probe_read_user(&n, sizeof(n), &m->msg_iovlen) || !iov)
		return;
	put_iov2(r, i, off, (__u64)iov, 0, n, false);
}

/*
 * The 32-bit message headers (struct compat_msghdr: msg_name, msg_namelen,
 * msg_iov, msg_iovlen, ... as 32-bit words; struct compat_mmsghdr: one
 * and msg_len, 32 bytes; struct compat_iovec: base, len).
 */
#define AG_MSG32_NAME	 0
#define AG_MSG32_NAMELEN 4
#define AG_MSG32_IOV	 8
#define AG_MMSG32_SIZE	 32

/* The first two iovecs of the 32-bit msghdr at m as string i. */
static __always_inline void put_msg32(struct ag_rec *r, int i, __u32 *off, __u64 m)
{
	__u32 w[2] = {}; /* msg_iov, msg_iovlen */

	if (bpf_probe_read_user(w, sizeof(w), (const void *)(m + AG_MSG32_IOV)) || !w[0])
		return;
	put_iov2(r, i, off, w[0], 0, w[1], true);
}

/* The destination a send names in user memory (a sockaddr), or NULL. */
static __always_inline const void *send_uaddr(__u32 kind, __u64 a1, __u64 a3)
{
	struct user_msghdr *m = (struct user_msghdr *)a1;
	const void *uaddr = NULL;
	__u32 u32 = 0;

	if (kind == K_SENDTO)
		return (const void *)a3;
	/* a message's name counts only with a length (a zero one: the socket's peer) */
	if (kind == K_SENDMSG32 || kind == K_SENDMMSG32) {
		if (bpf_probe_read_user(&u32, sizeof(u32), (const void *)(a1 + AG_MSG32_NAMELEN)) ||
		    u32 < sizeof(struct sockaddr_in))
			return NULL;
		bpf_probe_read_user(&u32, sizeof(u32), (const void *)(a1 + AG_MSG32_NAME));
		return (const void *)(__u64)u32;
	}
	if (kind == K_SENDMMSG)
		m = &((struct mmsghdr *)a1)->msg_hdr;
	if (bpf_probe_read_user(&u32, sizeof(u32), &m->msg_namelen) ||
	    u32 < sizeof(struct sockaddr_in))
		return NULL;
	bpf_probe_read_user(&uaddr, sizeof(uaddr), &m->msg_name);
	return uaddr;
}

/*
 * The DNS message(s) of a send (arguments a1, a2) as r's strings: s0, and
 * s1 for a sendmmsg that sent two (sent: at sys_enter, 2: may send two).
 * Returns the bytes.
 */
static __always_inline __u32 dns_payload(struct ag_rec *r, __u32 kind, __u64 a1, __u64 a2,
					 long sent)
{
	struct mmsghdr *vec = (struct mmsghdr *)a1;
	__u32 off = 0;

	r->u.net.nmsg = 1;
	if (kind == K_SENDTO) {
		put_ubuf(r, 0, &off, (const void *)a1, a2, AG_DNS_MAX);
	} else if (kind == K_SENDMSG) {
		put_msg(r, 0, &off, (struct user_msghdr *)a1);
	} else if (kind == K_SENDMSG32 || kind == K_SENDMMSG32) {
		put_msg32(r, 0, &off, a1);
		if (kind == K_SENDMMSG32 && sent > 1 && a2 > 1) {
			put_msg32(r, 1, &off, a1 + AG_MMSG32_SIZE);
			r->u.net.nmsg = 2;
		}
	} else {
		put_msg(r, 0, &off, &vec->msg_hdr);
		if (sent > 1 && a2 > 1) {
			put_msg(r, 1, &off, &vec[1].msg_hdr);
			r->u.net.nmsg = 2;
		}
	}
	return off;
}

/*
 * Keep a send for sys_exit when it may be UDP or DNS over TCP. A DNS
 * message is read now too, into a stashed record (stash.bpf.h), and read
 * again at sys_exit.
 */
static __always_inline int send_enter(__u32 kind, __u64 fd, __u64 a1, __u64 a2, __u64 a3)
{
	struct ag_pending p = {.a = {fd, a1, a2, a3}, .kind = kind};
	struct ag_scratch *s;
	struct ag_rec *r;
	struct sock *sk;
	__u16 family, proto;

	if (ag_skip_current())
		return 0;
	sk = fd_sock((long)fd);
	if (!sk)
		return 0;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != AG_AF_INET && family != AG_AF_INET6)
		return 0;
	proto = BPF_CORE_READ(sk, sk_protocol);
	if (proto != AG_IPPROTO_UDP &&
	    !(proto == AG_IPPROTO_TCP && BPF_CORE_READ(sk, __sk_common.skc_dport) == bpf_htons(53)))
		return 0;
	s = ag_scratch();
	if (s) {
		r = &s->rec;
		__builtin_memset(&r->u, 0, sizeof(r->u));
		if (fill_tuple(r, sk)) {
			/* a destination named counts on UDP only (TCP sends to its peer) */
			int d = proto == AG_IPPROTO_UDP ? user_dest(r, send_uaddr(kind, a1, a3))
							: 0;

			if (d > 0) {
				__builtin_memcpy(p.daddr, r->u.net.daddr, sizeof(p.daddr));
				p.dport = r->u.net.dport;
				p.dest = 1;
			}
			p.dest_fault = d < 0;
			if (r->u.net.dport == 53) { /* only then the header: a send is hot */
				struct ag_rec_net net = r->u.net;

				ag_hdr(r, AG_REC_DNS);
				r->u.net = net;
				stash_put(r, dns_payload(r, kind, a1, a2, 2));
				p.stashed = 1;
			}
		}
	}
	pend_put_p(&p);
	return 0;
}

/* sendto(fd, buf, len, flags, addr, addrlen) */
/* Is fd a TCP socket (MSG_FASTOPEN means something to it only; UDP ignores the flag)? */
static __always_inline bool fd_tcp(__u64 fd)
{
	struct sock *sk = fd_sock((long)fd);

	return sk && BPF_CORE_READ(sk, sk_protocol) == AG_IPPROTO_TCP;
}

static __always_inline int sendto_enter(__u64 fd, __u64 buf, __u64 len, __u64 flags, __u64 addr)
{
	if ((flags & AG_MSG_FASTOPEN) && addr && fd_tcp(fd))
		return connect_enter(fd, K_FASTOPEN);
	return send_enter(K_SENDTO, fd, buf, len, addr);
}

SEC("tp/syscalls/sys_enter_sendto")
int ag_sendto_enter(struct trace_event_raw_sys_enter *ctx)
{
	return sendto_enter(ctx->args[0], ctx->args[1], ctx->args[2], ctx->args[3], ctx->args[4]);
}

SEC("tp/syscalls/sys_enter_sendmsg")
int ag_sendmsg_enter(struct trace_event_raw_sys_enter *ctx)
{
	return send_enter(K_SENDMSG, ctx->args[0], ctx->args[1], 0, 0);
}

SEC("tp/syscalls/sys_enter_sendmmsg")
int ag_sendmmsg_enter(struct trace_event_raw_sys_enter *ctx)
{
	return send_enter(K_SENDMMSG, ctx->args[0], ctx->args[1], ctx->args[2], 0);
}

/* Do string i of records a and b (at offset o in both) hold the same bytes? */
static __always_inline bool str_same(struct ag_rec *a, struct ag_rec *b, int i, __u32 o,
				     char *pbuf)
{
	__u32 n = a->h.slen[i];

	if (n != b->h.slen[i])
		return false;
	if (n >= AG_PBUF ||
	    bpf_probe_read_kernel(pbuf, n & (AG_PBUF - 1), &a->data[o & (AG_REC_DATA - 1)]))
		return true;
	return stash_same(&b->data[o & (AG_REC_DATA - 1)], pbuf, n);
}

/*
 * At sys_exit of a DNS send: st, the record read at sys_enter (valid for
 * cap bytes of strings), and x, read now (xlen bytes of strings; its
 * local end is bound now). st is sent; if a message reads otherwise now,
 * x is sent too, and both are flagged AG_S_RACED.
 */
static __always_inline void dns_exit(struct ag_rec *st, __u32 cap, struct ag_rec *x, __u32 xlen,
				     char *pbuf)
{
	__u32 datalen = st->h.size - AG_REC_FIXED;
	bool raced;

	if (st->h.tid != (__u32)bpf_get_current_pid_tgid() || st->h.type != AG_REC_DNS)
		return; /* not this thread's: the LRU gave its entry to another */
	if (st->u.net.nmsg > x->u.net.nmsg) { /* a sendmmsg that sent one */
		st->u.net.nmsg = x->u.net.nmsg;
		datalen = st->h.slen[0];
		st->h.slen[1] = 0;
	}
	raced = !str_same(x, st, 0, 0, pbuf) ||
		(x->u.net.nmsg > 1 && !str_same(x, st, 1, x->h.slen[0], pbuf));
	st->u.net.sport = x->u.net.sport;
	__builtin_memcpy(st->u.net.saddr, x->u.net.saddr, sizeof(st->u.net.saddr));
	st->u.net.ret = x->u.net.ret;
	if (raced) {
		stat_inc(AG_STAT_RACED);
		st->h.sflag[0] |= AG_S_RACED;
		x->h.sflag[0] |= AG_S_RACED;
	}
	ag_emit_cap(st, datalen, cap);
	if (raced)
		ag_emit(x, xlen);
}

/*
 * The DNS message stashed at sys_enter, sent as read then: at sys_exit the
 * fd no longer names an IP socket (another thread closed or replaced it).
 */
static __always_inline void dns_stash_send(__u64 id)
{
	struct ag_rec *st = bpf_map_lookup_elem(&ag_stash_s, &id);

	if (st && st->h.tid == (__u32)id && st->h.type == AG_REC_DNS) {
		ag_emit_cap(st, st->h.size - AG_REC_FIXED, AG_STASH_SMALL);
		return;
	}
	st = bpf_map_lookup_elem(&ag_stash_l, &id);
	if (st && st->h.tid == (__u32)id && st->h.type == AG_REC_DNS)
		ag_emit_cap(st, st->h.size - AG_REC_FIXED, AG_REC_DATA);
}

/* A send kept by send_enter (p), at its sys_exit; ret: its result. */
static __always_inline void send_done(long ret, __u32 kind, const struct ag_pending *p, __u64 id)
{
	struct udp_key k = {};
	struct ag_scratch *s;
	struct ag_rec *r, *st;
	struct sock *sk;
	bool explicit;
	__u32 off;
	__u8 one = 1;

	if (ret <= 0)
		return;
	sk = fd_sock((long)p->a[0]);
	s = ag_scratch();
	if (!sk || !s) {
		if (p->stashed)
			dns_stash_send(id);
		return;
	}
	r = &s->rec;
	ag_hdr(r, AG_REC_UDP_SEND);
	if (!fill_tuple(r, sk))
		return;
	explicit = p->dest; /* the destination as read at sys_enter */
	if (explicit) {
		__builtin_memcpy(r->u.net.daddr, p->daddr, sizeof(r->u.net.daddr));
		r->u.net.dport = p->dport;
	}
	if (explicit && r->u.net.proto == AG_IPPROTO_UDP) {
		k.sk = (__u64)sk;
		__builtin_memcpy(k.daddr, r->u.net.daddr, sizeof(k.daddr));
		k.dport = r->u.net.dport;
		if (!bpf_map_lookup_elem(&ag_udp_seen, &k)) {
			bpf_map_update_elem(&ag_udp_seen, &k, &one, BPF_ANY);
			ag_emit(r, 0);
		}
	}
	if (r->u.net.dport != 53 && !p->stashed)
		return;
	r->h.type = AG_REC_DNS;
	r->u.net.ret = (__s32)ret;
	off = dns_payload(r, kind, p->a[1], p->a[2], ret);
	if (!p->stashed) {
		ag_emit(r, off);
		return;
	}
	st = bpf_map_lookup_elem(&ag_stash_s, &id);
	if (st) {
		dns_exit(st, AG_STASH_SMALL, r, off, s->pbuf);
		return;
	}
	st = bpf_map_lookup_elem(&ag_stash_l, &id);
	if (st)
		dns_exit(st, AG_REC_DATA, r, off, s->pbuf);
	else if (r->u.net.dport == 53)
		ag_emit(r, off); /* the stashed record was lost */
}

static __always_inline int send_exit(long ret, __u32 kind)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct ag_pending p = {};
	struct ag_scratch *s;

	if (!pend_take(kind, &p))
		return 0;
	/*
	 * A destination that could not be read at sys_enter (its page not in
	 * memory yet: the kernel's own copy faults it in) is read now; not one
	 * that was NULL or no IP address then (a rewrite after the kernel's
	 * copy would name a destination never used).
	 */
	if (p.dest_fault && ret > 0 && (s = ag_scratch()) &&
	    user_dest(&s->rec, send_uaddr(kind, p.a[1], p.a[3])) > 0) {
		__builtin_memcpy(p.daddr, s->rec.u.net.daddr, sizeof(p.daddr));
		p.dport = s->rec.u.net.dport;
		p.dest = 1;
	}
	send_done(ret, kind, &p, id);
	if (p.stashed) {
		bpf_map_delete_elem(&ag_stash_s, &id);
		bpf_map_delete_elem(&ag_stash_l, &id);
	}
	return 0;
}

/* Iovecs iov[first] and iov[first + 1] as one string i (the TCP length, then the message). */
/* writev(fd, iov, iovcnt) on a TCP or UDP socket connected to port 53 (compat: 32-bit iovecs). */
static __always_inline int dns_writev(__u64 fd, __u64 iov, __u64 cnt, bool compat)
{
	struct ag_scratch *s;
	struct ag_rec *r;
	struct sock *sk;
	__u32 off = 0;

	if (ag_skip_current())
		return 0;
	sk = fd_sock((long)fd);
	if (!sk || BPF_CORE_READ(sk, __sk_common.skc_dport) != bpf_htons(53))
		return 0;
	s = ag_scratch();
	if (!s)
		return 0;
	r = &s->rec;
	ag_hdr(r, AG_REC_DNS);
	if (!fill_tuple(r, sk))
		return 0;
	r->u.net.nmsg = 1;
	r->u.net.ret = 1;
	if (r->u.net.proto == AG_IPPROTO_TCP) {
		put_iov2(r, 0, &off, iov, 0, cnt, compat);
		if (cnt >= 4 && r->h.slen[0] > 2) {
			put_iov2(r, 1, &off, iov, 2, cnt, compat);
			r->u.net.nmsg = 2;
		}
	} else {
		put_iov2(r, 0, &off, iov, 0, cnt, compat); /* one datagram: what the iovecs hold */
	}
	ag_emit(r, off);
	return 0;
}

SEC("tp/syscalls/sys_enter_writev")
int ag_dns_writev(struct trace_event_raw_sys_enter *ctx)
{
	return dns_writev(ctx->args[0], ctx->args[1], ctx->args[2], false);
}

/*
 * DNS over io_uring: a send request (IORING_OP_SEND, SENDMSG) to port 53,
 * on a socket connected there or naming it, sent when submitted as the
 * writev path is (what was asked does not depend on the send succeeding).
 * The message is read from the submitter's memory, which the kernel has
 * yet to read (this is the submitting process or its SQPOLL thread), and
 * the destination from the kernel's copy. Not seen: sends on registered
 * files, from provided or registered buffers, bundles, on a socket a
 * linked request connects or makes only later, and bytes rewritten
 * between submission and the send.
 */
#define AG_REQ_F_BUFFER_SELECT 32 /* IOSQE_BUFFER_SELECT's bit: a provided buffer */
#define AG_RECVSEND_FIXED_BUF  4  /* IORING_RECVSEND_FIXED_BUF, in sqe->ioprio */
#define AG_RECVSEND_BUNDLE     16 /* IORING_RECVSEND_BUNDLE */
#define AG_SEND_VECTORIZED     32 /* IORING_SEND_VECTORIZED */

/* A send request (IORING_OP_SEND, SENDMSG: op), from ag_send_uring. */
static __always_inline int dns_uring(struct io_kiocb *req, __u8 op)
{
	struct __kernel_sockaddr_storage ss;
	struct io_sr_msg *sr = ag_uring_cmd(req);
	struct user_msghdr *um = NULL;
	struct io_async_msghdr *io;
	struct ag_rec_net net;
	struct ag_scratch *s;
	struct ag_rec *r;
	struct sock *sk;
	__u32 off = 0;

	if ((BPF_CORE_READ(req, flags) & (AG_REQ_F_FIXED_FILE | AG_REQ_F_BUFFER_SELECT)) ||
	    (BPF_CORE_READ(sr, flags) & (AG_RECVSEND_FIXED_BUF | AG_RECVSEND_BUNDLE)) ||
	    ag_skip_current())
		return 0; /* the bytes sent are not at the address given (not seen) */
	sk = fd_sock(BPF_CORE_READ(req, cqe.fd));
	s = ag_scratch();
	if (!sk || !s)
		return 0;
	r = &s->rec;
	__builtin_memset(&r->u, 0, sizeof(r->u));
	if (!fill_tuple(r, sk))
		return 0;
	if (op == IORING_OP_SENDMSG)
		um = BPF_CORE_READ(sr, umsg);
	/* a destination named: prep copied it (msg_name) to the request's msghdr */
	io = BPF_CORE_READ(req, async_data);
	if (io && BPF_CORE_READ(io, msg.msg_namelen) > 0 && !BPF_CORE_READ_INTO(&ss, io, addr) &&
	    ss.ss_family == r->u.net.family) {
		if (ss.ss_family == AG_AF_INET) {
			r->u.net.dport = bpf_ntohs(((struct sockaddr_in *)&ss)->sin_port);
			__builtin_memset(r->u.net.daddr, 0, sizeof(r->u.net.daddr));
			__builtin_memcpy(r->u.net.daddr, &((struct sockaddr_in *)&ss)->sin_addr, 4);
		} else {
			r->u.net.dport = bpf_ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
			__builtin_memcpy(r->u.net.daddr, &((struct sockaddr_in6 *)&ss)->sin6_addr,
					 16);
		}
	}
	if (r->u.net.dport != 53)
		return 0;
	net = r->u.net;
	ag_hdr(r, AG_REC_DNS);
	uring_creds(r, req);
	r->u.net = net;
	r->u.net.nmsg = 1;
	r->u.net.ret = 1;
	if (um) {
		put_msg(r, 0, &off, um);
	} else if (BPF_CORE_READ(sr, flags) & AG_SEND_VECTORIZED) {
		/* buf is an array of iovecs: the first one's bytes */
		struct iovec v = {};

		bpf_probe_read_user(&v, sizeof(v), BPF_CORE_READ(sr, buf));
		put_ubuf(r, 0, &off, v.iov_base, v.iov_len, AG_DNS_MAX);
	} else {
		put_ubuf(r, 0, &off, BPF_CORE_READ(sr, buf), (__u32)BPF_CORE_READ(sr, len),
			 AG_DNS_MAX);
	}
	ag_emit(r, off);
	return 0;
}

/*
 * This collector's io_uring submissions, in one program (the hook runs for
 * every request of every ring): connects and DNS sends. Its name puts it
 * in both the network and the DNS group, as its completion programs.
 */
SEC("tp_btf/io_uring_submit_req")
int BPF_PROG(ag_send_uring, struct io_kiocb *req)
{
	__u8 op = BPF_CORE_READ(req, opcode);

	if (op == IORING_OP_ACCEPT && !ag_uring_accepts)
		ag_uring_accepts = 1; /* from now on, completions are looked at (accept_done) */
	if (op == IORING_OP_CONNECT)
		return connect_uring(req);
	if (op == IORING_OP_SEND || op == IORING_OP_SENDMSG)
		return dns_uring(req, op);
	return 0;
}

static __always_inline int sendto_exit(long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct ag_pending *p = bpf_map_lookup_elem(&ag_pend, &id);

	if (p && p->kind == K_FASTOPEN)
		return connect_exit(ret, K_FASTOPEN);
	return send_exit(ret, K_SENDTO);
}

SEC("tp/syscalls/sys_exit_sendto")
int ag_sendto_exit(struct trace_event_raw_sys_exit *ctx)
{
	return sendto_exit(ctx->ret);
}

SEC("tp/syscalls/sys_exit_sendmsg")
int ag_sendmsg_exit(struct trace_event_raw_sys_exit *ctx)
{
	return send_exit(ctx->ret, K_SENDMSG);
}

SEC("tp/syscalls/sys_exit_sendmmsg")
int ag_sendmmsg_exit(struct trace_event_raw_sys_exit *ctx)
{
	return send_exit(ctx->ret, K_SENDMMSG);
}

/* ---- connect, accept and sendto made as 32-bit syscalls (net_ia32.bpf.h) ---- */

#include "net_ia32.bpf.h"
