// SPDX-License-Identifier: Apache-2.0
/*
 * live-trigger's 32-bit syscall actions (int 0x80 from this 64-bit
 * program): the file operations, connects, accepts and a DNS sendto of
 * the other actions, made through the i386 syscall table, which the
 * syscalls:* tracepoints never see. Pointers passed to a 32-bit syscall
 * are 32 bits: every name and buffer is copied into a MAP_32BIT mapping.
 * Exit SKIP (77) where the kernel does not run 32-bit syscalls.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <linux/bpf.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "trigger.h"

/* i386 syscall numbers (arch/x86/entry/syscalls/syscall_32.tbl) */
enum {
	I_WRITE = 4,
	I_OPEN = 5,
	I_CLOSE = 6,
	I_CREAT = 8,
	I_LINK = 9,
	I_UNLINK = 10,
	I_GETPID = 20,
	I_PTRACE = 26,
	I_SETRESUID16 = 164,
	I_SETUID32 = 213,
	I_MEMFD_CREATE = 356,
	I_BPF = 357,
	I_RENAME = 38,
	I_SYMLINK = 83,
	I_SOCKETCALL = 102,
	I_OPENAT = 295,
	I_UNLINKAT = 301,
	I_CONNECT = 362,
	I_ACCEPT4 = 364,
	I_SENDTO = 369,
};

#define SC_CONNECT 3 /* socketcall calls */
#define SC_ACCEPT  5
#define SC_SENDTO  11

#if defined(__x86_64__)
/* A 32-bit syscall: int 0x80 (r8-r11 come back zeroed). */
static long sys32(long nr, long a, long b, long c, long d, long e)
{
	long r = nr;

	__asm__ volatile("int $0x80"
			 : "+a"(r)
			 : "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
			 : "memory", "r8", "r9", "r10", "r11");
	return (int)r;
}

/* With a sixth argument (ebp): below the red zone, rbp saved around the call. */
static long sys32_6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r12 __asm__("r12") = f;
	long r = nr;

	__asm__ volatile("sub $128, %%rsp\n\t"
			 "push %%rbp\n\t"
			 "mov %%r12d, %%ebp\n\t"
			 "int $0x80\n\t"
			 "pop %%rbp\n\t"
			 "add $128, %%rsp"
			 : "+a"(r)
			 : "b"(a), "c"(b), "d"(c), "S"(d), "D"(e), "r"(r12)
			 : "memory", "r8", "r9", "r10", "r11");
	return (int)r;
}
#else
static long sys32(long nr, long a, long b, long c, long d, long e)
{
	(void)nr, (void)a, (void)b, (void)c, (void)d, (void)e;
	return -ENOSYS;
}

static long sys32_6(long nr, long a, long b, long c, long d, long e, long f)
{
	(void)f;
	return sys32(nr, a, b, c, d, e);
}
#endif

/* Memory below 4 GiB for what a 32-bit syscall reads (bump allocated, never freed). */
static char *low, *low_end;

static int low_init(void)
{
	void *p = mmap(NULL, 1 << 16, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	low = p;
	low_end = low + (1 << 16);
	return 0;
}

static long low_copy(const void *src, size_t n)
{
	char *p = low;

	if ((size_t)(low_end - low) < n)
		return 0;
	memcpy(p, src, n);
	low += (n + 15) & ~(size_t)15;
	return (long)(uintptr_t)p;
}

static long low_str(const char *s)
{
	return low_copy(s, strlen(s) + 1);
}

static long low_path(const char *dir, const char *name, const char *tag)
{
	char b[512];

	snprintf(b, sizeof(b), "%s/%s-%s", dir, name, tag);
	return low_str(b);
}

/* Can this kernel run them? A child tries (int 0x80 faults where it cannot). */
static bool ia32_runs(void)
{
	int st = 0;
	pid_t p = fork();

	if (p == 0)
		_exit(sys32(I_GETPID, 0, 0, 0, 0, 0) == getpid() ? 0 : 1);
	return p > 0 && waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Prints whether this kernel runs 32-bit syscalls (runs=1) or not (runs=0). */
int ia32_check(void)
{
	printf("ok runs=%d\n", ia32_runs());
	return 0;
}

static int start(void)
{
	if (!ia32_runs()) {
		fprintf(stderr, "live-trigger: the kernel does not run 32-bit syscalls\n");
		return SKIP;
	}
	if (low_init() < 0)
		return fail("mmap(MAP_32BIT)");
	return 0;
}

static int fail32(const char *what, long r)
{
	errno = (int)-r;
	return fail(what);
}

/*
 * File operations in DIR, names ending in -TAG: creat and openat(O_CREAT)
 * (file_event), open for writing, write and close of an existing file
 * (file_change), rename, link and symlink, unlink and unlinkat
 * (file_delete), and an unlink that fails.
 */
int ia32_files(const char *dir, const char *tag)
{
	static const char data[] = "written through int 0x80\n";
	long r, fd, buf;
	int dfd, k;
	char b[512];

	if ((r = start()))
		return r;
	buf = low_copy(data, sizeof(data) - 1);
	/* made with 64-bit calls: the files changed and deleted below */
	for (k = 0; k < 3; k++) {
		static const char *const pre[] = {"sgl-changed-ia32", "sgl-deleted-ia32",
						  "sgl-deleted-ia32at"};

		snprintf(b, sizeof(b), "%s/%s-%s", dir, pre[k], tag);
		if ((fd = open(b, O_CREAT | O_WRONLY | O_CLOEXEC, 0644)) < 0)
			return fail("open");
		close((int)fd);
	}
	fd = sys32(I_CREAT, low_path(dir, "sgl-created-ia32", tag), 0644, 0, 0, 0);
	if (fd < 0 || sys32(I_WRITE, fd, buf, sizeof(data) - 1, 0, 0) < 0 ||
	    (r = sys32(I_CLOSE, fd, 0, 0, 0, 0)) < 0)
		return fail32("creat", fd < 0 ? fd : -EIO);
	fd = sys32(I_OPENAT, AT_FDCWD, low_path(dir, "sgl-created-ia32at", tag), O_CREAT | O_WRONLY,
		   0644, 0);
	if (fd < 0 || (r = sys32(I_CLOSE, fd, 0, 0, 0, 0)) < 0)
		return fail32("openat", fd < 0 ? fd : r);
	fd = sys32(I_OPEN, low_path(dir, "sgl-changed-ia32", tag), O_WRONLY, 0, 0, 0);
	if (fd < 0 || sys32(I_WRITE, fd, buf, sizeof(data) - 1, 0, 0) < 0 ||
	    (r = sys32(I_CLOSE, fd, 0, 0, 0, 0)) < 0)
		return fail32("open for writing", fd < 0 ? fd : -EIO);
	if ((r = sys32(I_RENAME, low_path(dir, "sgl-created-ia32at", tag),
		       low_path(dir, "sgl-renamed-ia32", tag), 0, 0, 0)) < 0)
		return fail32("rename", r);
	if ((r = sys32(I_LINK, low_path(dir, "sgl-renamed-ia32", tag),
		       low_path(dir, "sgl-created-i32link", tag), 0, 0, 0)) < 0)
		return fail32("link", r);
	if ((r = sys32(I_SYMLINK, low_str("sgl-symlink-target"),
		       low_path(dir, "sgl-created-i32sym", tag), 0, 0, 0)) < 0)
		return fail32("symlink", r);
	if ((r = sys32(I_UNLINK, low_path(dir, "sgl-deleted-ia32", tag), 0, 0, 0, 0)) < 0)
		return fail32("unlink", r);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	snprintf(b, sizeof(b), "sgl-deleted-ia32at-%s", tag);
	if (dfd < 0 || (r = sys32(I_UNLINKAT, dfd, low_str(b), 0, 0, 0)) < 0)
		return fail32("unlinkat", dfd < 0 ? -errno : r);
	close(dfd);
	if (sys32(I_UNLINK, low_path(dir, "sgl-deleted-ia32fail", tag), 0, 0, 0, 0) != -ENOENT)
		return fail32("unlink of a missing file", -EEXIST);
	printf("ok pid=%d\n", getpid());
	return 0;
}

/* Accept one connection on l (64-bit) within 5 s: its fd, or -errno. */
static int accept_one(int l)
{
	struct pollfd pl = {.fd = l, .events = POLLIN};
	int a;

	if (poll(&pl, 1, 5000) != 1)
		return -ETIMEDOUT;
	a = accept(l, NULL, NULL);
	return a < 0 ? -errno : a;
}

/*
 * Connections to a listener of ours on 127.0.0.1:PORT: two made with the
 * 32-bit connect (362) and socketcall(SYS_CONNECT), accepted with the
 * 64-bit accept; then two made with the 64-bit connect, accepted with
 * socketcall(SYS_ACCEPT) and the 32-bit accept4 (364). Prints the
 * connecting sockets' ports.
 */
int ia32_connect(int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int l, c, a, one = 1, sport[4], k;
	long r, lsa;
	uint32_t args[3];

	if ((r = start()))
		return (int)r;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(l, 4) < 0)
		return fail("listen");
	lsa = low_copy(&sa, sizeof(sa));
	for (k = 0; k < 4; k++) {
		struct sockaddr_in me;
		socklen_t ml = sizeof(me);

		if ((c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
			return fail("socket");
		if (k == 0) {
			r = sys32(I_CONNECT, c, lsa, sizeof(sa), 0, 0);
		} else if (k == 1) {
			args[0] = (uint32_t)c;
			args[1] = (uint32_t)lsa;
			args[2] = sizeof(sa);
			r = sys32(I_SOCKETCALL, SC_CONNECT, low_copy(args, sizeof(args)), 0, 0, 0);
		} else {
			r = connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
		}
		if (r < 0)
			return fail32(k == 1 ? "socketcall(SYS_CONNECT)" : "connect", r);
		if (getsockname(c, (struct sockaddr *)&me, &ml) < 0)
			return fail("getsockname");
		sport[k] = ntohs(me.sin_port);
		if (k < 2) {
			a = accept_one(l);
		} else if (k == 2) {
			args[0] = (uint32_t)l;
			args[1] = 0;
			args[2] = 0;
			a = (int)sys32(I_SOCKETCALL, SC_ACCEPT, low_copy(args, sizeof(args)), 0, 0,
				       0);
		} else {
			a = (int)sys32(I_ACCEPT4, l, 0, 0, 0, 0);
		}
		if (a < 0)
			return fail32(k == 2 ? "socketcall(SYS_ACCEPT)" : "accept", a);
		close(a);
		close(c);
	}
	printf("ok pid=%d sport=%d sport_sc=%d sport_acc_sc=%d sport_acc4=%d\n", getpid(), sport[0],
	       sport[1], sport[2], sport[3]);
	close(l);
	return 0;
}

/*
 * A DNS query q[0 .. n) sent to dst with the 32-bit sendto, or with
 * socketcall(SYS_SENDTO) (live-trigger's dns action, modes ia32-sendto and
 * ia32-socketcall). Returns 0, -ENOSYS where the kernel runs no 32-bit
 * syscalls, or another -errno.
 */
int ia32_sendto(int s, const void *q, size_t n, const struct sockaddr_in *dst, bool socketcall)
{
	uint32_t args[6];
	long r, lq, ld;

	if ((r = start()))
		return r == SKIP ? -ENOSYS : -EIO;
	lq = low_copy(q, n);
	ld = low_copy(dst, sizeof(*dst));
	if (socketcall) {
		args[0] = (uint32_t)s;
		args[1] = (uint32_t)lq;
		args[2] = (uint32_t)n;
		args[3] = 0;
		args[4] = (uint32_t)ld;
		args[5] = sizeof(*dst);
		r = sys32(I_SOCKETCALL, SC_SENDTO, low_copy(args, sizeof(args)), 0, 0, 0);
	} else {
		r = sys32_6(I_SENDTO, s, lq, (long)n, 0, ld, sizeof(*dst));
	}
	return r < 0 ? (int)r : 0;
}

/* Run fn in a child (as root: it may drop to 65534); its pid, or -1 if it failed. */
static pid_t in_child(long (*fn)(void))
{
	int st;
	pid_t p = fork();

	if (p == 0)
		_exit(fn() < 0 ? 1 : 0);
	if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st))
		return -1;
	return p;
}

static long setuid32_nobody(void)
{
	return sys32(I_SETUID32, 65534, 0, 0, 0, 0);
}

static long setresuid16_nobody(void)
{
	return sys32(I_SETRESUID16, 65534, 65534, 65534, 0, 0);
}

/*
 * sys.bpf.c's syscalls as 32-bit ones: PTRACE_ATTACH to a child running
 * /bin/sleep, setuid32(65534) and the 16-bit setresuid(65534, ...) in two
 * children, memfd_create("sgl-payload"), bpf(BPF_PROG_LOAD) of a program
 * named sgl_prog.
 */
int ia32_sys(void)
{
	static const struct bpf_insn insns[2] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	union bpf_attr attr;
	pid_t target, uid32, uid16;
	long r, fd;
	int st;

	if ((r = start()))
		return (int)r;
	target = fork();
	if (target < 0)
		return fail("fork");
	if (target == 0) {
		execl("/bin/sleep", "sleep", "5", (char *)NULL);
		_exit(127);
	}
	usleep(100000); /* let it exec */
	r = sys32(I_PTRACE, PTRACE_ATTACH, target, 0, 0, 0);
	if (r == 0) {
		waitpid(target, &st, 0);
		ptrace(PTRACE_DETACH, target, NULL, NULL);
	}
	kill(target, SIGKILL);
	waitpid(target, NULL, 0);
	if (r < 0)
		return fail32("ptrace(PTRACE_ATTACH)", r);
	uid32 = in_child(setuid32_nobody);
	uid16 = in_child(setresuid16_nobody);
	if (uid32 < 0 || uid16 < 0)
		return fail32("setuid to 65534 in a child", -EPERM);
	fd = sys32(I_MEMFD_CREATE, low_str("sgl-payload"), 0, 0, 0, 0);
	if (fd < 0)
		return fail32("memfd_create", fd);
	close((int)fd);
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (uint64_t)low_copy(insns, sizeof(insns));
	attr.insn_cnt = 2;
	attr.license = (uint64_t)low_str("GPL");
	snprintf(attr.prog_name, sizeof(attr.prog_name), "sgl_prog");
	fd = sys32(I_BPF, BPF_PROG_LOAD, low_copy(&attr, sizeof(attr)), sizeof(attr), 0, 0);
	if (fd < 0)
		return fail32("bpf(BPF_PROG_LOAD)", fd);
	close((int)fd);
	printf("ok pid=%d target=%d uid32=%d uid16=%d\n", getpid(), target, uid32, uid16);
	return 0;
}
