// SPDX-License-Identifier: Apache-2.0
/*
 * live-trigger: the real actions the live tests (run-live.py) and the
 * live benchmark (tests/bench/bench-live.sh) ask the kernel for, one
 * subcommand each. Every network action stays on loopback (or in a network
 * namespace this program creates); every file action stays in the
 * directory it is given. Prints one line "ok KEY=VALUE ..." on success
 * (what the test then looks for in the alerts), or a reason on stderr and
 * exits 1 (77 when the kernel refuses something the test cannot do
 * without, e.g. a network namespace).
 *
 *   tcp4 PORT | tcp6 PORT     listen on loopback, connect to it, accept
 *   udp4 PORT                 an unconnected sendto(), then a connected send()
 *   dns MODE NAME             a query for NAME to our own listener on port 53
 *                             (MODE: sendto, sendmsg, sendmmsg, connected, glibc;
 *                             over TCP: tcp (send), glibc-tcp (use-vc: writev);
 *                             io_uring: uring-send (connected), uring-sendmsg)
 *   dns-race N NAME           N queries while a thread flips a letter of the name
 *   files DIR TAG             create, change, rename, delete in DIR (relative paths)
 *   links DIR TAG             new names: link, O_TMPFILE + linkat, symlinkat, mknod
 *   exit-write DIR TAG        a child writes a file and exits without closing it
 *   exec-write DIR TAG        a child writes a file (close-on-exec), fails two execs, execs
 *   closes DIR TAG            written files closed by dup2() and by close_range()
 *   cold-unlink DIR TAG       unlink a name held in a page not faulted in yet
 *   race DIR TAG N            N unlinks while a thread flips the name (prints the counts)
 *   double-fork MARK          a grandchild, orphaned by then, runs /bin/true MARK
 *   ptrace                    attach to and detach from a child (sleep)
 *   memfd-exec                run /bin/true from a memfd named sgl-payload
 *   setuid                    a child drops to uid/gid 65534
 *   bpf                       load a two-instruction socket filter named sgl_prog
 *   storm DIR SECONDS         create and unlink files as fast as possible
 *   forkexec N                N times fork + exec /bin/true + wait (benchmark)
 *   openloop N FILE           N times open(FILE, O_RDONLY) + close (benchmark)
 *   uring DIR TAG             file operations as io_uring requests (trigger-uring.c)
 *   uring-connect PORT        TCP connect requests to loopback (trigger-uring.c)
 *   uring-accept PORT         an accept request for a connect to loopback
 *   uring-personality DIR TAG an unlink through a root personality, after dropping root
 *   uring-nop N               N no-op requests, one enter each (benchmark)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "trigger.h"

int fail(const char *what)
{
	fprintf(stderr, "live-trigger: %s: %s\n", what, strerror(errno));
	return 1;
}

struct flipper {
	volatile char *byte;
	volatile int stop;
};

static void *flip(void *arg)
{
	struct flipper *f = arg;

	while (!f->stop)
		*f->byte ^= 'A' ^ 'B';
	return NULL;
}

/* ---- TCP, UDP ---- */

/*
 * A copy of sa[0 .. n) in a fresh file mapping not touched yet: reading it
 * from BPF fails until the kernel itself faults the page in.
 */
static const struct sockaddr *cold_copy(const void *sa, size_t n)
{
	char tmpl[] = "/tmp/sgl-cold-XXXXXX";
	int fd = mkstemp(tmpl);
	void *m;

	if (fd < 0 || write(fd, sa, n) != (ssize_t)n || ftruncate(fd, 4096) < 0)
		return NULL;
	m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	unlink(tmpl);
	close(fd);
	return m == MAP_FAILED ? NULL : m;
}

enum tcp_mode { TCP_CONNECT, TCP_COLD, TCP_FASTOPEN };

/*
 * Connect to a listener of our own on loopback: connect(), connect() from
 * a sockaddr in an untouched page, or a TCP Fast Open sendto() (no
 * connect at all).
 */
static int tcp(int family, int port, enum tcp_mode mode)
{
	struct sockaddr_storage ss = {0};
	const struct sockaddr *to;
	socklen_t sl;
	int l, c, a;

	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		in6->sin6_addr = in6addr_loopback;
		sl = sizeof(*in6);
	}
	l = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0)
		return fail("socket");
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &(int){1}, sizeof(int));
	if (bind(l, (struct sockaddr *)&ss, sl) < 0 || listen(l, 4) < 0)
		return fail("bind/listen");
	to = mode == TCP_COLD ? cold_copy(&ss, sl) : (const struct sockaddr *)&ss;
	if (!to)
		return fail("cold_copy");
	c = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0)
		return fail("socket");
	if (mode == TCP_FASTOPEN) {
		if (sendto(c, "x", 1, MSG_FASTOPEN, to, sl) < 0) {
			if (errno == EOPNOTSUPP) {
				fprintf(stderr, "TCP Fast Open is off (net.ipv4.tcp_fastopen)\n");
				return 77;
			}
			return fail("sendto(MSG_FASTOPEN)");
		}
	} else if (connect(c, to, sl) < 0) {
		return fail("connect");
	}
	a = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (a < 0)
		return fail("accept");
	{
		struct sockaddr_storage local;
		socklen_t ll = sizeof(local);
		int sport;

		getsockname(c, (struct sockaddr *)&local, &ll);
		sport = ntohs(family == AF_INET ? ((struct sockaddr_in *)&local)->sin_port
						: ((struct sockaddr_in6 *)&local)->sin6_port);
		printf("ok pid=%d sport=%d dport=%d\n", getpid(), sport, port);
	}
	close(a);
	close(c);
	close(l);
	return 0;
}

static int udp4(int port)
{
	struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int r, s, c;
	char buf[64];

	dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	r = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (r < 0 || bind(r, (struct sockaddr *)&dst, sizeof(dst)) < 0)
		return fail("udp bind");
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sendto(s, "sgl-udp", 7, 0, (struct sockaddr *)&dst, sizeof(dst)) != 7)
		return fail("sendto");
	c = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (connect(c, (struct sockaddr *)&dst, sizeof(dst)) < 0 || send(c, "sgl-udp2", 8, 0) != 8)
		return fail("connected send");
	if (recv(r, buf, sizeof(buf), 0) < 0 || recv(r, buf, sizeof(buf), 0) < 0)
		return fail("recv");
	printf("ok pid=%d dport=%d\n", getpid(), port);
	close(r);
	close(s);
	close(c);
	return 0;
}

/* ---- DNS ---- */

/* A DNS query for name (qtype) into buf; returns its length. */
static size_t dns_build(uint8_t *buf, const char *name, uint16_t id, uint16_t qtype)
{
	size_t o = 12;
	const char *p = name;

	memset(buf, 0, 12);
	buf[0] = (uint8_t)(id >> 8);
	buf[1] = (uint8_t)id;
	buf[2] = 0x01; /* RD */
	buf[5] = 1;    /* QDCOUNT */
	while (*p) {
		size_t n = strcspn(p, ".");

		buf[o++] = (uint8_t)n;
		memcpy(buf + o, p, n);
		o += n;
		p += n;
		if (*p == '.')
			p++;
	}
	buf[o++] = 0;
	buf[o++] = (uint8_t)(qtype >> 8);
	buf[o++] = (uint8_t)qtype;
	buf[o++] = 0;
	buf[o++] = 1; /* IN */
	return o;
}

/* Bring up lo in a new network namespace (ours only). */
static int netns_lo(void)
{
	struct ifreq ifr = {0};
	int s;

	if (unshare(CLONE_NEWNET) < 0)
		return -errno;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0 ||
	    (ifr.ifr_flags |= IFF_UP | IFF_RUNNING, ioctl(s, SIOCSIFFLAGS, &ifr) < 0)) {
		close(s);
		return -errno;
	}
	close(s);
	return 0;
}

/* A socket of type bound to 127.0.0.1:53 (listening if a stream), or -errno. */
static int bind53(int type)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(53)};
	int s, one = 1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	if (type == SOCK_STREAM)
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    (type == SOCK_STREAM && listen(s, 8) < 0)) {
		int e = -errno;

		close(s);
		return e;
	}
	return s;
}

/*
 * Listeners on 127.0.0.1:53, UDP (returned) and TCP (*tcp), answering every
 * query with NXDOMAIN: ours in this namespace, or, when port 53 is taken,
 * in a new network namespace.
 */
static int dns_listener(const char **where, int *tcp)
{
	int s, r;

	*where = "127.0.0.1:53";
	s = bind53(SOCK_DGRAM);
	if (s >= 0) {
		*tcp = bind53(SOCK_STREAM);
		if (*tcp >= 0)
			return s;
		close(s);
		s = *tcp;
	}
	if (s != -EADDRINUSE)
		return s;
	fprintf(stderr, "live-trigger: 127.0.0.1:53 is in use here: using 127.0.0.1:53 in a "
			"network namespace of our own\n");
	r = netns_lo();
	if (r < 0)
		return r;
	*where = "127.0.0.1:53 (own network namespace)";
	s = bind53(SOCK_DGRAM);
	if (s < 0)
		return s;
	*tcp = bind53(SOCK_STREAM);
	if (*tcp < 0) {
		close(s);
		return *tcp;
	}
	return s;
}

/* Read exactly n bytes from s; false on EOF, error or timeout. */
static int read_all(int s, uint8_t *buf, size_t n)
{
	ssize_t r;

	while (n) {
		r = read(s, buf, n);
		if (r <= 0)
			return 0;
		buf += r;
		n -= (size_t)r;
	}
	return 1;
}

/*
 * Answer DNS over TCP on listener l: the first connection within 2 s, then
 * more until none came for 300 ms; returns the count of queries.
 */
static int dns_serve_tcp(int l)
{
	struct timeval first = {2, 0}, quiet = {0, 300000};
	uint8_t buf[2 + 512];
	size_t len;
	int c, n = 0;

	setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, &first, sizeof(first));
	while ((c = accept4(l, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, &quiet, sizeof(quiet));
		setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &first, sizeof(first));
		while (read_all(c, buf, 2)) {
			len = (size_t)buf[0] << 8 | buf[1];
			if (len < 12 || len > 512 || !read_all(c, buf + 2, len))
				break;
			buf[2 + 2] |= 0x80;				     /* QR */
			buf[2 + 3] = (uint8_t)((buf[2 + 3] & 0xf0) | 3); /* NXDOMAIN */
			if (write(c, buf, 2 + len) < 0)
				break;
			n++;
		}
		close(c);
	}
	return n;
}

/* Answer queries on s until it has been quiet for 300 ms; returns the count. */
static int dns_serve(int s)
{
	uint8_t buf[512];
	struct sockaddr_storage from;
	socklen_t fl;
	struct timeval tv = {0, 300000};
	int n = 0;
	ssize_t len;

	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (;;) {
		fl = sizeof(from);
		len = recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (len < 12)
			break;
		buf[2] |= 0x80;				 /* QR */
		buf[3] = (uint8_t)((buf[3] & 0xf0) | 3); /* NXDOMAIN */
		sendto(s, buf, (size_t)len, 0, (struct sockaddr *)&from, fl);
		n++;
	}
	return n;
}

/*
 * Our listener on 127.0.0.1:53 (UDP *ret_ls, TCP *ret_lt), then fork: the
 * child (0) has neither open. Returns the child's pid, or minus the exit
 * code to give (SKIP when no listener could be made).
 */
static pid_t dns_fork(int *ret_ls, int *ret_lt, const char **where)
{
	pid_t pid;

	*ret_lt = -1;
	*ret_ls = dns_listener(where, ret_lt);
	if (*ret_ls < 0) {
		errno = -*ret_ls;
		fail("cannot listen on 127.0.0.1:53, not even in a new network namespace");
		return -SKIP;
	}
	pid = fork();
	if (pid < 0)
		return -fail("fork");
	if (pid == 0) {
		close(*ret_ls);
		close(*ret_lt);
	}
	return pid;
}

/* Like dns_serve; the first label of each query received goes to out ("L1,L2,..."). */
static int dns_serve_names(int s, char *out, size_t size)
{
	uint8_t buf[512];
	struct timeval tv = {0, 300000};
	size_t o = 0;
	int n = 0;
	ssize_t len;

	out[0] = 0;
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (;;) {
		len = recv(s, buf, sizeof(buf), 0);
		if (len < 13)
			break;
		if (buf[12] < 64 && 13 + (ssize_t)buf[12] <= len && o + 80 < size)
			o += (size_t)snprintf(out + o, size - o, "%s%.*s", n ? "," : "", buf[12],
					      (const char *)buf + 13);
		n++;
	}
	return n;
}

/*
 * n sendto()s of queries for A<i>.NAME (i = 00000 ...) while another
 * thread flips the first letter between A and B; the listener prints
 * which name each query had when the kernel sent it.
 */
static int dns_race(long n, const char *name)
{
	struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons(53)};
	static char seen[1 << 16];
	uint8_t q[300], tmp[300];
	struct flipper f = {0};
	const char *where;
	char label[256];
	int ls, lt, s, got, st;
	pthread_t th;
	size_t l;
	pid_t pid;
	long i;

	dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (strlen(name) > 200)
		return 1;
	pid = dns_fork(&ls, &lt, &where);
	if (pid < 0)
		return -pid;
	if (pid == 0) {
		s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		snprintf(label, sizeof(label), "A%05ld.%s", 0L, name);
		l = dns_build(q, label, 0x5a00, 1);
		f.byte = (volatile char *)&q[13];
		if (s < 0 || pthread_create(&th, NULL, flip, &f))
			_exit(fail("socket/pthread_create"));
		for (i = 0; i < n; i++) {
			snprintf(label, sizeof(label), "A%05ld.%s", i, name);
			l = dns_build(tmp, label, (uint16_t)i, 1);
			/* the flipper owns q[13]: write the rest around it */
			memcpy(q, tmp, 13);
			memcpy(q + 14, tmp + 14, l - 14);
			if (sendto(s, q, l, 0, (struct sockaddr *)&dst, sizeof(dst)) < 0)
				_exit(fail("sendto"));
			usleep(200); /* the listener keeps up */
		}
		f.stop = 1;
		pthread_join(th, NULL);
		_exit(0);
	}
	got = dns_serve_names(ls, seen, sizeof(seen));
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		return 1;
	printf("ok pid=%d sender=%d queries=%d listener=%s seen=%s\n", getpid(), pid, got, where,
	       seen);
	return 0;
}

/* getaddrinfo(name) against our listener; vc: over TCP (glibc's use-vc). */
static int dns_glibc(const char *name, int vc)
{
	char tmpl[] = "/tmp/sgl-resolv-XXXXXX";
	struct addrinfo *ai = NULL;
	int fd;

	/* our own /etc/resolv.conf, in a mount namespace of our own */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -errno;
	fd = mkstemp(tmpl);
	if (fd < 0)
		return -errno;
	dprintf(fd, "nameserver 127.0.0.1\noptions timeout:1 attempts:1%s\n", vc ? " use-vc" : "");
	close(fd);
	if (mount(tmpl, "/etc/resolv.conf", NULL, MS_BIND, NULL) < 0) {
		unlink(tmpl);
		return -errno;
	}
	unlink(tmpl);
	getaddrinfo(name, NULL, NULL, &ai); /* NXDOMAIN: fails, as it should */
	if (ai)
		freeaddrinfo(ai);
	return 0;
}

static int dns(const char *mode, const char *name)
{
	struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons(53)};
	uint8_t q1[300], q2[300];
	size_t l1, l2;
	const char *where;
	int ls, lt, s, r = 0, got, st, tcp = strstr(mode, "tcp") != NULL;
	pid_t pid;

	dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (strlen(name) > 200)
		return 1;
	pid = dns_fork(&ls, &lt, &where);
	if (pid < 0)
		return -pid;
	if (pid == 0) {
		l1 = dns_build(q1, name, 0x5a01, 1);
		l2 = dns_build(q2, name, 0x5a02, 28);
		s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (strcmp(mode, "sendto") == 0) {
			r = sendto(s, q1, l1, 0, (struct sockaddr *)&dst, sizeof(dst)) < 0;
		} else if (strcmp(mode, "sendto-fastopen-udp") == 0) {
			/* UDP ignores MSG_FASTOPEN: a plain datagram to port 53 */
			r = sendto(s, q1, l1, MSG_FASTOPEN, (struct sockaddr *)&dst, sizeof(dst)) < 0;
		} else if (strcmp(mode, "sendmsg-split") == 0) {
			/* the query in two iovecs, its first byte alone */
			struct iovec iov[2] = {{q1, 1}, {q1 + 1, l1 - 1}};
			struct msghdr m = {.msg_name = &dst,
					   .msg_namelen = sizeof(dst),
					   .msg_iov = iov,
					   .msg_iovlen = 2};

			r = sendmsg(s, &m, 0) < 0;
		} else if (strcmp(mode, "sendmsg-namelen0") == 0) {
			/* a name with length 0 is ignored: the datagram goes to the peer, port 53 */
			struct sockaddr_in decoy = dst;
			struct iovec iov = {q1, l1};
			struct msghdr m = {.msg_name = &decoy, .msg_iov = &iov, .msg_iovlen = 1};

			decoy.sin_port = htons(9999);
			r = connect(s, (struct sockaddr *)&dst, sizeof(dst)) < 0 || sendmsg(s, &m, 0) < 0;
		} else if (strcmp(mode, "sendmsg") == 0) {
			struct iovec iov = {q1, l1};
			struct msghdr m = {.msg_name = &dst,
					   .msg_namelen = sizeof(dst),
					   .msg_iov = &iov,
					   .msg_iovlen = 1};

			r = sendmsg(s, &m, 0) < 0;
		} else if (strcmp(mode, "sendmmsg") == 0 || strcmp(mode, "connected") == 0) {
			struct iovec iov[2] = {{q1, l1}, {q2, l2}};
			struct mmsghdr mm[2] = {0};

			r = connect(s, (struct sockaddr *)&dst, sizeof(dst)) < 0;
			if (!r && mode[0] == 'c') {
				r = send(s, q1, l1, 0) < 0;
			} else if (!r) {
				mm[0].msg_hdr.msg_iov = &iov[0];
				mm[0].msg_hdr.msg_iovlen = 1;
				mm[1].msg_hdr.msg_iov = &iov[1];
				mm[1].msg_hdr.msg_iovlen = 1;
				r = sendmmsg(s, mm, 2, 0) != 2;
			}
		} else if (strcmp(mode, "uring-send") == 0) {
			/* io_uring: a send request on a socket connected to port 53 */
			r = connect(s, (struct sockaddr *)&dst, sizeof(dst)) < 0;
			if (!r && (r = uring_send(s, q1, l1, NULL)) == -ENOSYS)
				_exit(SKIP);
			r = r < 0;
		} else if (strcmp(mode, "uring-sendmsg") == 0) {
			/* io_uring: a sendmsg request naming port 53 */
			struct iovec iov = {q1, l1};
			struct msghdr m = {.msg_name = &dst,
					   .msg_namelen = sizeof(dst),
					   .msg_iov = &iov,
					   .msg_iovlen = 1};

			if ((r = uring_send(s, NULL, 0, &m)) == -ENOSYS)
				_exit(SKIP);
			r = r < 0;
		} else if (strncmp(mode, "ia32-", 5) == 0) {
			/* 32-bit syscalls (int 0x80): trigger-ia32.c */
			if ((r = ia32_dns(mode, s, q1, l1, q2, l2, &dst)) == -ENOSYS)
				_exit(SKIP);
			r = r < 0;
		} else if (strcmp(mode, "tcp") == 0 || strcmp(mode, "tcp-decoy-addr") == 0) {
			/*
			 * one send of the length-prefixed query on a TCP connection;
			 * tcp-decoy-addr: a sendto naming port 9999, which TCP ignores
			 */
			struct sockaddr_in decoy = dst;
			uint8_t m[2 + sizeof(q1)];

			decoy.sin_port = htons(9999);
			m[0] = (uint8_t)(l1 >> 8);
			m[1] = (uint8_t)l1;
			memcpy(m + 2, q1, l1);
			s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
			r = connect(s, (struct sockaddr *)&dst, sizeof(dst)) < 0 ||
			    sendto(s, m, 2 + l1, 0, mode[3] ? (struct sockaddr *)&decoy : NULL,
				   mode[3] ? sizeof(decoy) : 0) != (ssize_t)(2 + l1) ||
			    read(s, m, sizeof(m)) <= 0;
		} else if (strcmp(mode, "glibc") == 0 || strcmp(mode, "glibc-tcp") == 0) {
			r = dns_glibc(name, tcp) < 0;
		} else {
			fprintf(stderr, "live-trigger: unknown dns mode '%s'\n", mode);
			_exit(2);
		}
		if (r)
			fail("dns send");
		_exit(r);
	}
	got = tcp ? dns_serve_tcp(lt) : dns_serve(ls);
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		return 1;
	if (WEXITSTATUS(st) == SKIP) {
		fprintf(stderr, "live-trigger: %s\n",
			strncmp(mode, "ia32", 4) ? "the kernel refuses io_uring"
						 : "the kernel does not run 32-bit syscalls");
		return SKIP;
	}
	if (WEXITSTATUS(st))
		return 1;
	if (!got) {
		fprintf(stderr, "live-trigger: the listener received no query\n");
		return 1;
	}
	printf("ok pid=%d sender=%d queries=%d listener=%s\n", getpid(), pid, got, where);
	return 0;
}

/* ---- files ---- */

static int files(const char *dir, const char *tag)
{
	char a[256], b[256], c[256], d[256];
	int fd, dfd;

	if (chdir(dir) < 0 || mkdir("sub", 0700) < 0)
		return fail("chdir/mkdir");
	snprintf(a, sizeof(a), "sgl-created-%s.txt", tag);
	snprintf(b, sizeof(b), "sgl-changed-%s.txt", tag);
	snprintf(c, sizeof(c), "sub/../sgl-renamed-%s.txt", tag);
	snprintf(d, sizeof(d), "sgl-deleted-%s.txt", tag);
	/* create: a relative path (cwd), written and closed */
	fd = open(a, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, "x", 1) != 1 || close(fd) < 0)
		return fail("create");
	/* change: an existing file opened for writing (via a dirfd), written, closed */
	dfd = open("sub", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fd = openat(dfd, "../sgl-changed-tmp", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || close(fd) < 0 || rename("sgl-changed-tmp", b) < 0)
		return fail("prepare change");
	{
		char rel[300];

		snprintf(rel, sizeof(rel), "../%s", b);
		fd = openat(dfd, rel, O_WRONLY | O_APPEND | O_CLOEXEC);
	}
	if (fd < 0 || write(fd, "y", 1) != 1 || close(fd) < 0)
		return fail("change");
	/* rename: the legacy syscall, a relative target with ".." in it */
	if (rename(a, c) < 0)
		return fail("rename");
	/* an exchange: renameat2(RENAME_EXCHANGE) swaps two existing files */
	{
		char xa[300], xb[300];

		snprintf(xa, sizeof(xa), "sgl-renamed-xa-%s", tag);
		snprintf(xb, sizeof(xb), "sgl-renamed-xb-%s", tag);
		fd = open(xa, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 || close(fd) < 0)
			return fail("create for exchange");
		fd = open(xb, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 || close(fd) < 0 ||
		    renameat2(AT_FDCWD, xa, AT_FDCWD, xb, RENAME_EXCHANGE) < 0)
			return fail("renameat2(RENAME_EXCHANGE)");
	}
	/* delete: unlinkat() relative to a directory fd */
	fd = open(d, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || close(fd) < 0)
		return fail("create for delete");
	{
		char rel[300];

		snprintf(rel, sizeof(rel), "../%s", d);
		if (unlinkat(dfd, rel, 0) < 0)
			return fail("unlinkat");
	}
	close(dfd);
	printf("ok pid=%d\n", getpid());
	return 0;
}

/*
 * New names without open(O_CREAT), in DIR: a hard link (the legacy link
 * syscall), an O_TMPFILE file linked in with linkat(AT_EMPTY_PATH), a
 * symlink (symlinkat, dirfd-relative), a regular file made by mknod; then a
 * FIFO made by mknodat, which is not a file_event.
 */
static int links(const char *dir, const char *tag)
{
	char src[256], name[256];
	int fd, dfd;

	if (chdir(dir) < 0)
		return fail("chdir");
	snprintf(src, sizeof(src), "sgl-src-%s.txt", tag);
	fd = open(src, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || close(fd) < 0)
		return fail("create source");
	snprintf(name, sizeof(name), "sgl-created-hard-%s", tag);
	if (syscall(SYS_link, src, name) < 0)
		return fail("link");
	fd = open(".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, "x", 1) != 1)
		return fail("O_TMPFILE");
	snprintf(name, sizeof(name), "sgl-created-tmpfile-%s", tag);
	if (linkat(fd, "", AT_FDCWD, name, AT_EMPTY_PATH) < 0)
		return fail("linkat(AT_EMPTY_PATH)");
	close(fd);
	dfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	snprintf(name, sizeof(name), "sgl-created-sym-%s", tag);
	if (dfd < 0 || symlinkat("/etc/hostname", dfd, name) < 0)
		return fail("symlinkat");
	snprintf(name, sizeof(name), "sgl-created-fifo-%s", tag);
	if (mknodat(dfd, name, S_IFIFO | 0600, 0) < 0)
		return fail("mknodat(S_IFIFO)");
	close(dfd);
	snprintf(name, sizeof(name), "sgl-created-mknod-%s", tag);
	if (syscall(SYS_mknod, name, S_IFREG | 0600, 0) < 0)
		return fail("mknod");
	printf("ok pid=%d\n", getpid());
	return 0;
}

/*
 * Names given through symlinks, in DIR (real/, real/deep/, via -> real,
 * deep -> real/deep, abs -> DIR/real): an unlink through "via", a rename
 * to "deep/../NAME" (the ".." of a symlink's target: real/NAME), a hard
 * link through "abs"; then, in a child chrooted to DIR/jail (jail/d,
 * jail/lnk -> /d), an unlink of "/../../NAME" (".." stops at the root) and
 * one through the absolute symlink "/lnk", then the same with relative
 * names from the cwd /d. Prints jail=0 when chroot() is refused.
 */
static int symlinked(const char *dir, const char *tag)
{
	char a[512], b[512], abs[600];
	int fd, st, jail = 1;
	pid_t pid;

	snprintf(abs, sizeof(abs), "%s/real", dir);
	if (chdir(dir) < 0 || mkdir("real", 0700) < 0 || mkdir("real/deep", 0700) < 0 ||
	    symlink("real", "via") < 0 || symlink("real/deep", "deep") < 0 ||
	    symlink(abs, "abs") < 0 || mkdir("jail", 0700) < 0 || mkdir("jail/d", 0700) < 0 ||
	    symlink("/d", "jail/lnk") < 0)
		return fail("prepare");
	snprintf(a, sizeof(a), "%s/via/sgl-deleted-via-%s", dir, tag);
	fd = open(a, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || close(fd) < 0 || unlink(a) < 0)
		return fail("unlink through a symlink");
	snprintf(a, sizeof(a), "via/sgl-src-%s", tag);
	snprintf(b, sizeof(b), "deep/../sgl-renamed-dotdot-%s", tag);
	fd = open(a, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || close(fd) < 0 || rename(a, b) < 0)
		return fail("rename through a symlink");
	snprintf(a, sizeof(a), "real/sgl-renamed-dotdot-%s", tag);
	snprintf(b, sizeof(b), "%s/abs/sgl-created-abs-%s", dir, tag);
	if (link(a, b) < 0)
		return fail("link through a symlink");
	pid = fork();
	if (pid < 0)
		return fail("fork");
	if (pid == 0) {
		if (chroot("jail") < 0)
			_exit(errno == EPERM ? 77 : 1);
		if (chdir("/") < 0)
			_exit(1);
		snprintf(a, sizeof(a), "/sgl-deleted-jail-%s", tag);
		snprintf(b, sizeof(b), "/../../sgl-deleted-jail-%s", tag);
		fd = open(a, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 || close(fd) < 0 || unlink(b) < 0)
			_exit(1);
		snprintf(a, sizeof(a), "/lnk/sgl-deleted-jailsym-%s", tag);
		fd = open(a, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 || close(fd) < 0 || unlink(a) < 0)
			_exit(1);
		/* relative names, from the cwd /d: ../.. and an absolute symlink */
		snprintf(a, sizeof(a), "/sgl-deleted-jailrel-%s", tag);
		snprintf(b, sizeof(b), "../../sgl-deleted-jailrel-%s", tag);
		fd = open(a, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 || close(fd) < 0 || chdir("/d") < 0 || unlink(b) < 0)
			_exit(1);
		snprintf(a, sizeof(a), "../lnk/sgl-deleted-jailrelsym-%s", tag);
		fd = open(a, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 || close(fd) < 0 || unlink(a) < 0)
			_exit(1);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		return fail("chroot child");
	if (WEXITSTATUS(st) == 77)
		jail = 0;
	else if (WEXITSTATUS(st))
		return fail("chroot child");
	printf("ok pid=%d child=%d jail=%d\n", getpid(), pid, jail);
	return 0;
}

/*
 * DIR/sgl-changed-HOW-TAG, an existing file, opened for writing and
 * written by a child that never closes it:
 *  - exit: the child exits; the kernel closes the file at exit;
 *  - exec: the fd is close-on-exec; the child tries to exec two programs
 *    that do not exist (as a PATH search does), then execs /bin/true,
 *    which closes the file;
 *  - reuse: as exec, but first the child writes another file
 *    (DIR/sgl-changed-first-TAG, close-on-exec), fails an exec (which
 *    sends it) and closes it, so that the file opened next may take its
 *    freed struct file.
 */
static int child_write(const char *dir, const char *tag, bool exec, bool reuse)
{
	const char *how = reuse ? "reuse" : exec ? "exec" : "exit";
	char path[512], first[512], none[512];
	pid_t pid;
	int fd, st;

	snprintf(path, sizeof(path), "%s/sgl-changed-%s-%s", dir, how, tag);
	snprintf(first, sizeof(first), "%s/sgl-changed-first-%s", dir, tag);
	snprintf(none, sizeof(none), "%s/sgl-no-such-program-%s", dir, tag);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || close(fd) < 0)
		return fail("create");
	if (reuse) {
		fd = open(first, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 || close(fd) < 0)
			return fail("create");
	}
	pid = fork();
	if (pid < 0)
		return fail("fork");
	if (pid == 0) {
		char *const argv[] = {"true", NULL};

		if (reuse) {
			/* sent by the failed exec, then closed: its struct file is free again */
			fd = open(first, O_WRONLY | O_APPEND | O_CLOEXEC);
			if (fd < 0 || write(fd, "x", 1) != 1)
				_exit(1);
			execv(none, argv);
			close(fd);
		}
		fd = open(path, O_WRONLY | O_APPEND | (exec ? O_CLOEXEC : 0));
		if (fd < 0 || write(fd, "x", 1) != 1)
			_exit(1);
		if (!exec)
			_exit(0);
		execv(none, argv);
		execv(none, argv);
		execv("/bin/true", argv);
		_exit(2);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		return fail("child");
	printf("ok pid=%d child=%d path=%s\n", getpid(), pid, path);
	return 0;
}

/*
 * Written files closed with no close(): DIR/sgl-changed-dup-TAG by a
 * dup2() onto its fd, DIR/sgl-changed-range-TAG by close_range().
 */
static int closes(const char *dir, const char *tag)
{
	char a[512], b[512];
	int fa, fb, nul;

	snprintf(a, sizeof(a), "%s/sgl-changed-dup-%s", dir, tag);
	snprintf(b, sizeof(b), "%s/sgl-changed-range-%s", dir, tag);
	fa = open(a, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	fb = open(b, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fa < 0 || fb < 0 || close(fa) < 0 || close(fb) < 0)
		return fail("create");
	nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
	fa = open(a, O_WRONLY | O_APPEND | O_CLOEXEC);
	fb = open(b, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (nul < 0 || fa < 0 || fb < 0 || write(fa, "x", 1) != 1 || write(fb, "x", 1) != 1)
		return fail("open, write");
	if (dup2(nul, fa) < 0)
		return fail("dup2");
	if (syscall(SYS_close_range, fb, fb, 0) < 0)
		return fail("close_range");
	printf("ok pid=%d dup=%s range=%s\n", getpid(), a, b);
	return 0;
}

/*
 * unlink() of DIR/sgl-deleted-cold-TAG, its name in a page of a file
 * mapping that nothing touched yet: a read of it at sys_enter faults (BPF
 * cannot page it in), the kernel's own copy pages it in.
 */
static int cold_unlink(const char *dir, const char *tag)
{
	char path[512], map[512];
	long pg = sysconf(_SC_PAGESIZE);
	int fd, mfd;
	char *p;

	snprintf(path, sizeof(path), "%s/sgl-deleted-cold-%s", dir, tag);
	snprintf(map, sizeof(map), "%s/sgl-cold-map-XXXXXX", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	mfd = mkstemp(map);
	if (fd < 0 || close(fd) < 0 || mfd < 0 || unlink(map) < 0)
		return fail("create");
	if (pwrite(mfd, path, strlen(path) + 1, 0) != (ssize_t)strlen(path) + 1)
		return fail("pwrite");
	p = mmap(NULL, (size_t)pg, PROT_READ, MAP_PRIVATE, mfd, 0);
	if (p == MAP_FAILED)
		return fail("mmap");
	close(mfd);
	if (unlink(p) < 0)
		return fail("unlink");
	printf("ok pid=%d path=%s\n", getpid(), path);
	return 0;
}

/*
 * N unlink()s while another thread flips one byte of the name: unlink i
 * is given DIR/sgl-deleted-raceA-TAG-i while the flipper turns it into
 * ...raceB-TAG-i and back; both files exist, and the one left afterwards
 * tells which name the kernel read. Prints how many of each went.
 */
static int race(const char *dir, const char *tag, long n)
{
	char name[2][512], buf[512];
	struct flipper f = {0};
	long i, gone[2] = {0, 0}, fails = 0;
	size_t at = strlen(dir) + strlen("/sgl-deleted-race");
	pthread_t th;
	int k, fd;

	if (at + 64 > sizeof(buf))
		return fail("directory name too long");
	f.byte = &buf[at];
	snprintf(buf, sizeof(buf), "%s/sgl-deleted-raceA-%s-%06ld", dir, tag, 0L);
	if (pthread_create(&th, NULL, flip, &f))
		return fail("pthread_create");
	for (i = 0; i < n; i++) {
		for (k = 0; k < 2; k++) {
			snprintf(name[k], sizeof(name[k]), "%s/sgl-deleted-race%c-%s-%06ld", dir,
				 'A' + k, tag, i);
			fd = open(name[k], O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
			if (fd < 0 || close(fd) < 0)
				return fail("create");
		}
		/* the flipper owns buf[at]: write the rest around it */
		memcpy(buf + at + 1, name[0] + at + 1, strlen(name[0] + at + 1) + 1);
		if (unlink(buf) < 0) {
			fails++;
			continue;
		}
		for (k = 0; k < 2; k++)
			gone[k] += access(name[k], F_OK) != 0;
	}
	f.stop = 1;
	pthread_join(th, NULL);
	printf("ok pid=%d goneA=%ld goneB=%ld failed=%ld\n", getpid(), gone[0], gone[1], fails);
	return 0;
}

/*
 * A double fork: a child forks a grandchild and exits at once; the
 * grandchild, given to init (or a subreaper) by then, runs
 * /bin/true MARK.
 */
static int double_fork(const char *mark)
{
	pid_t c, g;
	int st, i;

	c = fork();
	if (c < 0)
		return fail("fork");
	if (c == 0) {
		g = fork();
		if (g < 0)
			_exit(1);
		if (g == 0) {
			for (i = 0; i < 2000 && getppid() == c; i++)
				usleep(1000);
			execl("/bin/true", "true", mark, (char *)NULL);
			_exit(127);
		}
		_exit(0);
	}
	if (waitpid(c, &st, 0) < 0)
		return fail("waitpid");
	printf("ok pid=%d child=%d\n", getpid(), c);
	return 0;
}

/* ---- ptrace, memfd, setuid, bpf ---- */

static int do_ptrace(void)
{
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return fail("fork");
	if (pid == 0) {
		execl("/bin/sleep", "sleep", "5", (char *)NULL);
		_exit(127);
	}
	usleep(100000); /* let it exec */
	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return fail("PTRACE_ATTACH");
	}
	waitpid(pid, &st, 0);
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	printf("ok pid=%d target=%d\n", getpid(), pid);
	return 0;
}

static int memfd_exec(void)
{
	char buf[65536];
	int in, fd, st;
	ssize_t n;
	pid_t pid;

	fd = (int)syscall(SYS_memfd_create, "sgl-payload", 0);
	if (fd < 0)
		return fail("memfd_create");
	in = open("/bin/true", O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return fail("open /bin/true");
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			return fail("write memfd");
	close(in);
	pid = fork();
	if (pid < 0)
		return fail("fork");
	if (pid == 0) {
		char *argv[] = {"sgl-fileless", "--sgl-memfd", NULL}, *envp[] = {NULL};

		fexecve(fd, argv, envp);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "live-trigger: the memfd program failed (status %d)\n", st);
		return 1;
	}
	printf("ok pid=%d child=%d\n", getpid(), pid);
	return 0;
}

static int do_setuid(void)
{
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return fail("fork");
	if (pid == 0) {
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(1);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "live-trigger: setuid(65534) failed in the child\n");
		return 1;
	}
	printf("ok pid=%d child=%d\n", getpid(), pid);
	return 0;
}

static int do_bpf(void)
{
	struct bpf_insn insns[2] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (uint64_t)(uintptr_t)insns;
	attr.insn_cnt = 2;
	attr.license = (uint64_t)(uintptr_t) "GPL";
	snprintf(attr.prog_name, sizeof(attr.prog_name), "sgl_prog");
	fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0)
		return fail("bpf(BPF_PROG_LOAD)");
	close(fd);
	printf("ok pid=%d\n", getpid());
	return 0;
}

/* ---- load ---- */

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int storm(const char *dir, double secs)
{
	char p[512];
	double end = mono() + secs;
	unsigned long n = 0;
	int fd;

	while (mono() < end) {
		int i;

		for (i = 0; i < 256; i++, n++) {
			snprintf(p, sizeof(p), "%s/sgl-storm-%lu", dir, n % 64);
			fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
			if (fd < 0)
				return fail("storm open");
			close(fd);
			unlink(p);
		}
	}
	printf("ok pid=%d files=%lu\n", getpid(), n);
	return 0;
}

static int forkexec(long n)
{
	long i;
	int st;

	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return fail("fork");
		if (pid == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		waitpid(pid, &st, 0);
	}
	return 0;
}

static int openloop(long n, const char *path)
{
	long i;
	int fd;

	for (i = 0; i < n; i++) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return fail("open");
		close(fd);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(c, "tcp4") == 0 && argc == 3)
		return tcp(AF_INET, atoi(argv[2]), TCP_CONNECT);
	if (strcmp(c, "tcp4-cold") == 0 && argc == 3)
		return tcp(AF_INET, atoi(argv[2]), TCP_COLD);
	if (strcmp(c, "tcp4-fastopen") == 0 && argc == 3)
		return tcp(AF_INET, atoi(argv[2]), TCP_FASTOPEN);
	if (strcmp(c, "tcp6") == 0 && argc == 3)
		return tcp(AF_INET6, atoi(argv[2]), TCP_CONNECT);
	if (strcmp(c, "udp4") == 0 && argc == 3)
		return udp4(atoi(argv[2]));
	if (strcmp(c, "dns") == 0 && argc == 4)
		return dns(argv[2], argv[3]);
	if (strcmp(c, "dns-race") == 0 && argc == 4)
		return dns_race(atol(argv[2]), argv[3]);
	if (strcmp(c, "files") == 0 && argc == 4)
		return files(argv[2], argv[3]);
	if (strcmp(c, "links") == 0 && argc == 4)
		return links(argv[2], argv[3]);
	if (strcmp(c, "symlinked") == 0 && argc == 4)
		return symlinked(argv[2], argv[3]);
	if (strcmp(c, "closes") == 0 && argc == 4)
		return closes(argv[2], argv[3]);
	if (strcmp(c, "exit-write") == 0 && argc == 4)
		return child_write(argv[2], argv[3], false, false);
	if (strcmp(c, "exec-write") == 0 && argc == 4)
		return child_write(argv[2], argv[3], true, false);
	if (strcmp(c, "exec-reuse") == 0 && argc == 4)
		return child_write(argv[2], argv[3], true, true);
	if (strcmp(c, "cold-unlink") == 0 && argc == 4)
		return cold_unlink(argv[2], argv[3]);
	if (strcmp(c, "race") == 0 && argc == 5)
		return race(argv[2], argv[3], atol(argv[4]));
	if (strcmp(c, "double-fork") == 0 && argc == 3)
		return double_fork(argv[2]);
	if (strcmp(c, "ptrace") == 0)
		return do_ptrace();
	if (strcmp(c, "memfd-exec") == 0)
		return memfd_exec();
	if (strcmp(c, "setuid") == 0)
		return do_setuid();
	if (strcmp(c, "bpf") == 0)
		return do_bpf();
	if (strcmp(c, "storm") == 0 && argc == 4)
		return storm(argv[2], atof(argv[3]));
	if (strcmp(c, "forkexec") == 0 && argc == 3)
		return forkexec(atol(argv[2]));
	if (strcmp(c, "openloop") == 0 && argc == 4)
		return openloop(atol(argv[2]), argv[3]);
	if (strcmp(c, "uring") == 0 && argc == 4)
		return uring_files(argv[2], argv[3]);
	if (strcmp(c, "uring-connect") == 0 && argc == 3)
		return uring_connect(atoi(argv[2]));
	if (strcmp(c, "uring-accept") == 0 && argc == 3)
		return uring_accept(atoi(argv[2]));
	if (strcmp(c, "uring-personality") == 0 && argc == 4)
		return uring_personality(argv[2], argv[3]);
	if (strcmp(c, "uring-nop") == 0 && argc == 3)
		return uring_nops(atol(argv[2]));
	if (strcmp(c, "ia32-runs") == 0)
		return ia32_check();
	if (strcmp(c, "ia32") == 0 && argc == 4)
		return ia32_files(argv[2], argv[3]);
	if (strcmp(c, "ia32-traced") == 0 && argc == 4)
		return ia32_traced(argv[2], argv[3]);
	if (strcmp(c, "ia32-sys") == 0)
		return ia32_sys();
	if (strcmp(c, "ia32-connect") == 0 && argc == 3)
		return ia32_connect(atoi(argv[2]));
	fprintf(stderr, "usage: live-trigger tcp4|tcp4-cold|tcp4-fastopen|tcp6|udp4 PORT |"
			" dns MODE NAME | dns-race N NAME | files DIR TAG | links DIR TAG | symlinked DIR TAG | exit-write DIR TAG | exec-write DIR TAG | exec-reuse DIR TAG |"
			" closes DIR TAG |"
			" cold-unlink DIR TAG |"
			" race DIR TAG N | double-fork MARK | ptrace | memfd-exec | setuid | bpf | storm DIR SECONDS | forkexec N |"
			" openloop N FILE | uring DIR TAG | uring-connect PORT | uring-accept PORT |"
			" uring-personality DIR TAG | uring-nop N | ia32 DIR TAG | ia32-connect PORT | ia32-sys | ia32-traced DIR TAG | ia32-runs\n");
	return 2;
}
