/* SPDX-License-Identifier: GPL-2.0 */
/*
 * net.bpf.c's syscalls made as 32-bit ones (int 0x80: see ia32.bpf.h),
 * which no syscalls:* tracepoint sees: connect, accept4 and sendto, called
 * directly or through socketcall(call, args) (i386 glibc used socketcall
 * for all of them until 2.23, and still does on older kernels), with
 * net.bpf.c's helpers. Included at the end of net.bpf.c.
 *
 * Not covered: sendmsg and sendmmsg (their 32-bit message headers differ
 * from the 64-bit ones the helpers read), writev.
 */
#include "ia32.bpf.h"

#define A(i) ia32_arg(regs, i)

/* Argument i of socketcall's argument array (32-bit words in user memory). */
static __always_inline __u64 sock_arg(const __u32 *v, int i)
{
	return v[i];
}

/*
 * socketcall's arguments are in user memory, which the kernel copies
 * after sys_enter: another thread may rewrite them in between. At
 * sys_exit they are read again (args: the array), and when they changed,
 * what they say now is reported too: a connect on the fd read now (one
 * that has a peer), as well as on the first; a sendto with the fd, buffer
 * and destination read now (a DNS message kept from sys_enter is then
 * sent as well, as it differs: stash.bpf.h).
 */
static __always_inline int socketcall_exit(const void *args, __u32 call, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct ag_pending *p = bpf_map_lookup_elem(&ag_pend, &id);
	struct ag_scratch *s;
	__u32 v[6] = {};
	__u64 fd0;

	if (!p)
		return 0;
	fd0 = p->a[0];
	if (bpf_probe_read_user(v, call == AG_SYS_CONNECT ? 12 : 24, args))
		return call == AG_SYS_CONNECT ? connect_exit(ret, K_CONNECT) : sendto_exit(ret);
	if (call == AG_SYS_CONNECT) {
		connect_exit(ret, K_CONNECT);
		if (v[0] != fd0) {
			struct sock *sk = fd_sock(v[0]);

			if (sk && BPF_CORE_READ(sk, __sk_common.skc_dport))
				connect_send(v[0], ret);
		}
		return 0;
	}
	if (p->kind == K_SENDTO &&
	    (v[0] != p->a[0] || v[1] != p->a[1] || v[2] != p->a[2] || v[4] != p->a[3])) {
		p->a[0] = v[0];
		p->a[1] = v[1];
		p->a[2] = v[2];
		p->a[3] = v[4];
		s = ag_scratch();
		if (s && user_dest(&s->rec, (const void *)(__u64)v[4])) {
			__builtin_memcpy(p->daddr, s->rec.u.net.daddr, sizeof(p->daddr));
			p->dport = s->rec.u.net.dport;
			p->dest = 1;
		}
	}
	return sendto_exit(ret);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(ag_ia32_net_enter, struct pt_regs *regs, long id)
{
	bool net = ag_groups & AG_G_NETWORK, dns = ag_groups & (AG_G_NETWORK | AG_G_DNS);
	__u32 v[6] = {};

	if (!ia32_syscall())
		return 0;
	switch (id) {
	case IA32_CONNECT:
		return net ? connect_enter(A(0), K_CONNECT) : 0;
	case IA32_SENDTO:
		return dns ? sendto_enter(A(0), A(1), A(2), A(3), A(4)) : 0;
	case IA32_SOCKETCALL:
		if (A(0) != AG_SYS_CONNECT && A(0) != AG_SYS_SENDTO)
			return 0;
		/* the words the kernel copies next: 3 for connect, 6 for sendto */
		if (bpf_probe_read_user(v, A(0) == AG_SYS_CONNECT ? 12 : 24, (const void *)A(1)))
			return 0;
		if (A(0) == AG_SYS_CONNECT)
			return net ? connect_enter(sock_arg(v, 0), K_CONNECT) : 0;
		return dns ? sendto_enter(sock_arg(v, 0), sock_arg(v, 1), sock_arg(v, 2),
					  sock_arg(v, 3), sock_arg(v, 4))
			   : 0;
	}
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(ag_ia32_net_exit, struct pt_regs *regs, long ret)
{
	bool net = ag_groups & AG_G_NETWORK;

	if (!ia32_syscall())
		return 0;
	switch (regs->orig_ax) {
	case IA32_CONNECT:
		return connect_exit(ret, K_CONNECT);
	case IA32_ACCEPT4:
		return net ? accept_exit(ret) : 0;
	case IA32_SENDTO:
		return sendto_exit(ret);
	case IA32_SOCKETCALL:
		switch (A(0)) {
		case AG_SYS_CONNECT:
		case AG_SYS_SENDTO:
			return socketcall_exit((const void *)A(1), (__u32)A(0), ret);
		case AG_SYS_ACCEPT:
		case AG_SYS_ACCEPT4:
			return net ? accept_exit(ret) : 0;
		}
	}
	return 0;
}

#undef A
