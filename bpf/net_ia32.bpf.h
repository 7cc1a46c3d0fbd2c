/* SPDX-License-Identifier: GPL-2.0 */
/*
 * net.bpf.c's syscalls made as 32-bit ones (int 0x80: see ia32.bpf.h),
 * which no syscalls:* tracepoint sees: connect, accept4, sendto, sendmsg
 * and sendmmsg (their 32-bit message headers: K_SENDMSG32, K_SENDMMSG32),
 * called directly or through socketcall(call, args), which i386 glibc
 * uses for all of them (send() too), with net.bpf.c's helpers. Included
 * at the end of net.bpf.c.
 *
 * socketcall's arguments are in user memory, which the kernel copies
 * after sys_enter: the read there may fail (a page not in memory yet: the
 * kernel's copy faults it in, a BPF read cannot) or another thread may
 * rewrite them in between. So they are read again at sys_exit, when the
 * page is in: the call kept at sys_enter is sent as it was read then, and
 * when the arguments differ now, the call they name is sent too (another
 * connect, another send); with nothing kept at sys_enter (a marker says
 * so), the call is taken from what sys_exit reads. A thread that rewrites
 * the array after the kernel's copy, while sys_enter could not read it,
 * makes that the only reading: the limit of reading user memory from
 * tracepoints (the kernel's own copy is beyond them here: no fentry).
 *
 * And writev on a socket connected to port 53 (DNS over TCP: glibc's
 * use-vc), with 32-bit iovecs. Not covered: a TCP Fast Open sendmsg.
 */
#include "ia32.bpf.h"

#define A(i) ia32_arg(regs, i)

/* socketcall(call, args): the 32-bit words of args the call has (include/uapi/linux/net.h). */
static __always_inline __u32 sock_nargs(__u64 call)
{
	switch (call) {
	case AG_SYS_CONNECT:
	case AG_SYS_SENDMSG:
		return 3;
	case AG_SYS_SEND:
	case AG_SYS_SENDMMSG:
		return 4;
	case AG_SYS_SENDTO:
		return 6;
	}
	return 0;
}

/*
 * socketcall's send calls as send_enter's arguments: kind, fd (v[0]),
 * a1 (buffer or message headers), a2 (length, or message count), a3 (the
 * destination of a sendto).
 */
struct sock_send {
	__u32 kind;
	__u64 a1, a2, a3, flags;
};

static __always_inline void sock_send_args(__u64 call, const __u32 *v, struct sock_send *c)
{
	c->a1 = v[1];
	c->a2 = c->a3 = c->flags = 0;
	switch (call) {
	case AG_SYS_SENDMSG:
		c->kind = K_SENDMSG32;
		break;
	case AG_SYS_SENDMMSG:
		c->kind = K_SENDMMSG32;
		c->a2 = v[2];
		break;
	default: /* send (4 words), sendto (6) */
		c->kind = K_SENDTO;
		c->a2 = v[2];
		c->flags = v[3];
		if (call == AG_SYS_SENDTO)
			c->a3 = v[4];
	}
}

/* What the 64-bit programs do at sys_enter, for socketcall's call with arguments v. */
static __always_inline int sock_enter(__u64 call, const __u32 *v)
{
	bool net = ag_groups & AG_G_NETWORK;
	struct sock_send c;

	if (call == AG_SYS_CONNECT)
		return net ? connect_enter(v[0], K_CONNECT) : 0;
	sock_send_args(call, v, &c);
	if (c.kind == K_SENDTO)
		return sendto_enter(v[0], c.a1, c.a2, c.flags, c.a3);
	return send_enter(c.kind, v[0], c.a1, c.a2, 0);
}

/* sys_enter of a socketcall that kept nothing: a K_SOCKCALL marker for its sys_exit. */
static __always_inline void sock_mark(void)
{
	__u64 id = bpf_get_current_pid_tgid();

	if (!bpf_map_lookup_elem(&ag_pend, &id) && !ag_skip_current())
		pend_put(K_SOCKCALL, 0, 0, 0, 0);
}

/* A connect of fd that the read at sys_enter did not name: sent if the socket has a peer. */
static __always_inline int connect_also(__u64 fd, long ret)
{
	struct sock *sk = fd_sock((long)fd);

	if (!sk || !BPF_CORE_READ(sk, __sk_common.skc_dport))
		return 0;
	return connect_send(fd, ret);
}

/* This thread's socketcall marker (K_SOCKCALL), or the entry sys_enter kept, is done. */
static __always_inline void pend_drop(void)
{
	__u64 id = bpf_get_current_pid_tgid();

	bpf_map_delete_elem(&ag_pend, &id);
}

/* A send of kind c with fd, as made now: kept, read and sent at once (sys_exit). */
static __always_inline int send_now(const struct sock_send *c, __u64 fd, long ret)
{
	send_enter(c->kind, fd, c->a1, c->a2, c->a3);
	return c->kind == K_SENDTO ? sendto_exit(ret) : send_exit(ret, c->kind);
}

/*
 * socketcall's connect and send calls at sys_exit (see the top of this
 * file). sys_enter left an entry: the call it kept (K_CONNECT, K_FASTOPEN,
 * a send kind), or a K_SOCKCALL marker when it kept nothing (the array
 * unreadable, or an fd that was no IP socket then). No entry: no sys_enter
 * was seen (a tracer's PTRACE_SYSEMU makes sys_exits of calls that never
 * ran), and nothing is sent.
 */
static __always_inline int sock_exit(const void *args, __u64 call, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct ag_pending *p = bpf_map_lookup_elem(&ag_pend, &id);
	bool net = ag_groups & AG_G_NETWORK, fastopen;
	struct sock_send c = {};
	__u32 v[6] = {}, kind;
	__u64 fd0;

	if (!p)
		return 0;
	kind = p->kind;
	fd0 = p->a[0];
	if (bpf_probe_read_user(v, sock_nargs(call) * 4, args)) {
		/* rewritten into a page that is gone: what sys_enter kept, if anything */
		if (kind == K_SOCKCALL) {
			pend_drop();
			return 0;
		}
		if (call == AG_SYS_CONNECT)
			return connect_exit(ret, K_CONNECT);
		sock_send_args(call, v, &c);
		return c.kind == K_SENDTO ? sendto_exit(ret) : send_exit(ret, c.kind);
	}
	if (call == AG_SYS_CONNECT) {
		if (kind == K_CONNECT)
			connect_exit(ret, K_CONNECT);
		else
			pend_drop();
		if (net && (kind != K_CONNECT || v[0] != fd0))
			connect_also(v[0], ret);
		return 0;
	}
	sock_send_args(call, v, &c);
	fastopen = c.kind == K_SENDTO && (c.flags & AG_MSG_FASTOPEN) && c.a3 && fd_tcp(v[0]);
	if (kind == K_FASTOPEN) {
		connect_exit(ret, K_FASTOPEN);
		if (fastopen && v[0] != fd0)
			connect_also(v[0], ret);
		return 0;
	}
	if (kind == c.kind) {
		bool same = v[0] == fd0 && c.a1 == p->a[1] && c.a2 == p->a[2] && c.a3 == p->a[3];

		/* the call as sys_enter read it, then as read now if that differs */
		if (c.kind == K_SENDTO)
			sendto_exit(ret);
		else
			send_exit(ret, c.kind);
		if (same)
			return 0;
	} else {
		pend_drop(); /* the marker */
	}
	if (fastopen)
		return net ? connect_also(v[0], ret) : 0;
	return send_now(&c, v[0], ret);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(ag_ia32_net_enter, struct pt_regs *regs, long id)
{
	bool net = ag_groups & AG_G_NETWORK;
	__u32 v[6] = {}, n;

	if (!ia32_syscall())
		return 0;
	switch (id) {
	case IA32_CONNECT:
		return net ? connect_enter(A(0), K_CONNECT) : 0;
	case IA32_SENDTO:
		return sendto_enter(A(0), A(1), A(2), A(3), A(4));
	case IA32_SENDMSG:
		return send_enter(K_SENDMSG32, A(0), A(1), 0, 0);
	case IA32_SENDMMSG:
		return send_enter(K_SENDMMSG32, A(0), A(1), A(2), 0);
	case IA32_WRITEV:
		return (ag_groups & AG_G_DNS) ? dns_writev(A(0), A(1), A(2), true) : 0;
	case IA32_SOCKETCALL:
		n = sock_nargs(A(0));
		if (!n)
			return 0;
		/* an entry of this thread now is stale (its exit unseen): the marker test needs none */
		pend_drop();
		/* a read that fails here is made again at sys_exit */
		if (!bpf_probe_read_user(v, n * 4, (const void *)A(1)))
			sock_enter(A(0), v);
		sock_mark();
		return 0;
	}
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(ag_ia32_net_exit, struct pt_regs *regs, long ret)
{
	bool net = ag_groups & AG_G_NETWORK;

	if (!ia32_syscall())
		return 0;
	/* the number the kernel ran: the low 32 bits (a tracer may set the others) */
	switch ((int)regs->orig_ax) {
	case IA32_CONNECT:
		return connect_exit(ret, K_CONNECT);
	case IA32_ACCEPT4:
		return net ? accept_exit(ret) : 0;
	case IA32_SENDTO:
		return sendto_exit(ret);
	case IA32_SENDMSG:
		return send_exit(ret, K_SENDMSG32);
	case IA32_SENDMMSG:
		return send_exit(ret, K_SENDMMSG32);
	case IA32_SOCKETCALL:
		switch (A(0)) {
		case AG_SYS_ACCEPT:
		case AG_SYS_ACCEPT4:
			return net ? accept_exit(ret) : 0;
		}
		if (sock_nargs(A(0)))
			return sock_exit((const void *)A(1), A(0), ret);
	}
	return 0;
}

#undef A
