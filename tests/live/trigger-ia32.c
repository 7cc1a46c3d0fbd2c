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
#include <sys/user.h>
#include <sys/socket.h>
#include <sys/stat.h>
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
	I_WRITEV = 146,
	I_RMDIR = 40,
	I_SYMLINK = 83,
	I_SOCKETCALL = 102,
	I_OPENAT = 295,
	I_UNLINKAT = 301,
	I_RENAMEAT = 302,
	I_CONNECT = 362,
	I_ACCEPT4 = 364,
	I_SENDTO = 369,
	I_SENDMSG = 370,
	I_CLOSE_RANGE = 436,
};

#define SC_CONNECT  3 /* socketcall calls */
#define SC_ACCEPT   5
#define SC_SEND	    9
#define SC_SENDTO   11
#define SC_SENDMMSG 20

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
 * Memory at 3 GiB: a 32-bit pointer with its top bit set (a sign-extending
 * reader would miss it), or NULL where that range is taken (ASan keeps its
 * shadow memory from 2 GiB up).
 */
static char *high_page(void)
{
	void *p = mmap((void *)0xc0000000ul, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	return p == (void *)0xc0000000ul ? p : NULL;
}

/* Make DIR/PRE-TAG for each PRE in a child (this process must not become a writer by it). */
static int make_files(const char *dir, const char *tag, const char *const *pre, int n)
{
	int st, k, fd;
	char b[512];
	pid_t p = fork();

	if (p == 0) {
		for (k = 0; k < n; k++) {
			snprintf(b, sizeof(b), "%s/%s-%s", dir, pre[k], tag);
			if ((fd = open(b, O_CREAT | O_WRONLY | O_CLOEXEC, 0644)) < 0)
				_exit(1);
			close(fd);
		}
		_exit(0);
	}
	return p > 0 && waitpid(p, &st, 0) == p && WIFEXITED(st) && !WEXITSTATUS(st) ? 0 : -1;
}

/*
 * File operations in DIR, names ending in -TAG: creat and openat(O_CREAT)
 * (file_event); open for writing, write, then close or close_range of
 * existing files (file_change: the 32-bit open alone makes this process a
 * writer); rename; renameat of names relative to the cwd (AT_FDCWD);
 * link, symlink (its name at 3 GiB); unlink, unlinkat on a dirfd, rmdir
 * (file_delete); and an unlink that fails.
 */
int ia32_files(const char *dir, const char *tag)
{
	static const char data[] = "written through int 0x80\n";
	static const char *const pre[] = {"sgl-changed-ia32", "sgl-changed-i32cr",
					  "sgl-deleted-ia32", "sgl-deleted-ia32at",
					  "sgl-src-i32rel"};
	long r, fd, buf;
	char b[512], *hi;
	int dfd;

	if ((r = start()))
		return r;
	hi = high_page();
	buf = low_copy(data, sizeof(data) - 1);
	if (make_files(dir, tag, pre, 5) < 0)
		return fail("making the files in a child");
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
	fd = sys32(I_OPEN, low_path(dir, "sgl-changed-i32cr", tag), O_WRONLY, 0, 0, 0);
	if (fd < 0 || sys32(I_WRITE, fd, buf, sizeof(data) - 1, 0, 0) < 0 ||
	    (r = sys32(I_CLOSE_RANGE, fd, fd, 0, 0, 0)) < 0)
		return fail32("open for writing, close_range", fd < 0 ? fd : -EIO);
	if ((r = sys32(I_RENAME, low_path(dir, "sgl-created-ia32at", tag),
		       low_path(dir, "sgl-renamed-ia32", tag), 0, 0, 0)) < 0)
		return fail32("rename", r);
	if (chdir(dir) < 0)
		return fail("chdir");
	snprintf(b, sizeof(b), "sgl-renamed-i32rel-%s", tag);
	r = low_str(b);
	snprintf(b, sizeof(b), "sgl-src-i32rel-%s", tag);
	if ((r = sys32(I_RENAMEAT, AT_FDCWD, low_str(b), AT_FDCWD, r, 0)) < 0)
		return fail32("renameat(AT_FDCWD) of relative names", r);
	if ((r = sys32(I_LINK, low_path(dir, "sgl-renamed-ia32", tag),
		       low_path(dir, "sgl-created-i32link", tag), 0, 0, 0)) < 0)
		return fail32("link", r);
	snprintf(b, sizeof(b), "%s/sgl-created-i32sym-%s", dir, tag);
	if (hi)
		memcpy(hi, b, strlen(b) + 1);
	if ((r = sys32(I_SYMLINK, low_str("sgl-symlink-target"),
		       hi ? (long)(uintptr_t)hi : low_str(b), 0, 0, 0)) < 0)
		return fail32("symlink", r);
	if ((r = sys32(I_UNLINK, low_path(dir, "sgl-deleted-ia32", tag), 0, 0, 0, 0)) < 0)
		return fail32("unlink", r);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	snprintf(b, sizeof(b), "sgl-deleted-ia32at-%s", tag);
	if (dfd < 0 || (r = sys32(I_UNLINKAT, dfd, low_str(b), 0, 0, 0)) < 0)
		return fail32("unlinkat", dfd < 0 ? -errno : r);
	close(dfd);
	snprintf(b, sizeof(b), "%s/sgl-deleted-i32dir-%s", dir, tag);
	if (mkdir(b, 0755) < 0 || (r = sys32(I_RMDIR, low_str(b), 0, 0, 0, 0)) < 0)
		return fail32("rmdir", r ? r : -errno);
	if (sys32(I_UNLINK, low_path(dir, "sgl-deleted-ia32fail", tag), 0, 0, 0, 0) != -ENOENT)
		return fail32("unlink of a missing file", -EEXIST);
	printf("ok pid=%d high=%d\n", getpid(), hi != NULL);
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
 * The 32-bit words w[0 .. n) in a shared mapping below 4 GiB that this
 * process never touched (a memfd's page): not in its page tables until
 * the kernel reads it, so a BPF read at sys_enter fails. Its address, or 0.
 */
static long untouched_words(const uint32_t *w, size_t n)
{
	int fd = memfd_create("sgl-args", MFD_CLOEXEC);
	void *p;

	if (fd < 0 || write(fd, w, n * sizeof(*w)) != (ssize_t)(n * sizeof(*w)))
		return 0;
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED | MAP_32BIT, fd, 0);
	close(fd);
	return p == MAP_FAILED ? 0 : (long)(uintptr_t)p;
}

/*
 * Connections to a listener of ours on 127.0.0.1:PORT: three made with
 * the 32-bit connect (362), socketcall(SYS_CONNECT), and socketcall with
 * its arguments in a page not yet in memory, accepted with the 64-bit
 * accept; then two made with the 64-bit connect, accepted with
 * socketcall(SYS_ACCEPT) and the 32-bit accept4 (364). Prints the
 * connecting sockets' ports.
 */
int ia32_connect(int port)
{
	static const char *const key[5] = {"sport", "sport_sc", "sport_scfault", "sport_acc_sc",
					   "sport_acc4"};
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int l, c, a, one = 1, sport[5], k;
	long r, lsa, la;
	uint32_t args[3];

	if ((r = start()))
		return (int)r;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(l, 4) < 0)
		return fail("listen");
	lsa = low_copy(&sa, sizeof(sa));
	for (k = 0; k < 5; k++) {
		struct sockaddr_in me;
		socklen_t ml = sizeof(me);

		if ((c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
			return fail("socket");
		args[0] = (uint32_t)c;
		args[1] = (uint32_t)lsa;
		args[2] = sizeof(sa);
		if (k == 0) {
			r = sys32(I_CONNECT, c, lsa, sizeof(sa), 0, 0);
		} else if (k < 3) {
			la = k == 1 ? low_copy(args, sizeof(args)) : untouched_words(args, 3);
			if (!la)
				return fail("mapping the arguments");
			r = sys32(I_SOCKETCALL, SC_CONNECT, la, 0, 0, 0);
		} else {
			r = connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
		}
		if (r < 0)
			return fail32(k ? "socketcall(SYS_CONNECT)" : "connect", r);
		if (getsockname(c, (struct sockaddr *)&me, &ml) < 0)
			return fail("getsockname");
		sport[k] = ntohs(me.sin_port);
		if (k < 3) {
			a = accept_one(l);
		} else if (k == 3) {
			args[0] = (uint32_t)l;
			args[1] = 0;
			args[2] = 0;
			a = (int)sys32(I_SOCKETCALL, SC_ACCEPT, low_copy(args, sizeof(args)), 0, 0,
				       0);
		} else {
			a = (int)sys32(I_ACCEPT4, l, 0, 0, 0, 0);
		}
		if (a < 0)
			return fail32(k == 3 ? "socketcall(SYS_ACCEPT)" : "accept", a);
		close(a);
		close(c);
	}
	printf("ok pid=%d", getpid());
	for (k = 0; k < 5; k++)
		printf(" %s=%d", key[k], sport[k]);
	printf("\n");
	close(l);
	return 0;
}

/* compat_msghdr, compat_iovec (32-bit words), compat_mmsghdr: 32 bytes */
struct msg32 {
	uint32_t name, namelen, iov, iovlen, control, controllen, flags;
};

struct mmsg32 {
	struct msg32 hdr;
	uint32_t len;
};

/*
 * A 32-bit message header in low memory for the message q[0 .. n) to dst
 * (or none), in two iovecs (its first byte alone) when split.
 */
static struct msg32 msg32(const void *q, size_t n, const struct sockaddr_in *dst, bool split)
{
	uint32_t b = (uint32_t)low_copy(q, n);
	uint32_t iov[4] = {b, (uint32_t)n, b + 1, (uint32_t)n - 1};
	struct msg32 m = {.iovlen = split ? 2 : 1};

	if (split)
		iov[1] = 1;
	m.iov = (uint32_t)low_copy(iov, sizeof(iov));

	if (dst) {
		m.name = (uint32_t)low_copy(dst, sizeof(*dst));
		m.namelen = sizeof(*dst);
	}
	return m;
}

/*
 * The DNS queries q1, q2 (lengths l1, l2) sent to dst on UDP socket s
 * through 32-bit syscalls (live-trigger's dns action, modes ia32-*):
 * sendto, and through socketcall: sendto, send (s connected first),
 * sendmsg (the direct call), sendmmsg of both; or q1 over TCP with writev
 * of two 32-bit iovecs, the length and the message (glibc's use-vc), and
 * its answer read. Returns 0, -ENOSYS where the kernel runs no 32-bit
 * syscalls, or another -errno.
 */
int ia32_dns(const char *mode, int s, const void *q1, size_t l1, const void *q2, size_t l2,
	     const struct sockaddr_in *dst)
{
	struct mmsg32 mm[2];
	struct msg32 m;
	uint32_t args[6];
	long r, lq, ld;

	if ((r = start()))
		return r == SKIP ? -ENOSYS : -EIO;
	lq = low_copy(q1, l1);
	ld = low_copy(dst, sizeof(*dst));
	args[0] = (uint32_t)s;
	args[1] = (uint32_t)lq;
	args[2] = (uint32_t)l1;
	args[3] = 0;
	args[4] = (uint32_t)ld;
	args[5] = sizeof(*dst);
	if (strcmp(mode, "ia32-sendto") == 0) {
		r = sys32_6(I_SENDTO, s, lq, (long)l1, 0, ld, sizeof(*dst));
	} else if (strcmp(mode, "ia32-socketcall") == 0) {
		r = sys32(I_SOCKETCALL, SC_SENDTO, low_copy(args, sizeof(args)), 0, 0, 0);
	} else if (strcmp(mode, "ia32-send") == 0) {
		if (connect(s, (const struct sockaddr *)dst, sizeof(*dst)) < 0)
			return -errno;
		r = sys32(I_SOCKETCALL, SC_SEND, low_copy(args, 4 * sizeof(args[0])), 0, 0, 0);
	} else if (strcmp(mode, "ia32-sendmsg") == 0 || strcmp(mode, "ia32-sendmsg-split") == 0) {
		m = msg32(q1, l1, dst, mode[12] != '\0');
		r = sys32(I_SENDMSG, s, low_copy(&m, sizeof(m)), 0, 0, 0);
	} else if (strcmp(mode, "ia32-sendmmsg") == 0) {
		memset(mm, 0, sizeof(mm));
		mm[0].hdr = msg32(q1, l1, dst, false);
		mm[1].hdr = msg32(q2, l2, dst, false);
		args[1] = (uint32_t)low_copy(mm, sizeof(mm));
		args[2] = 2;
		r = sys32(I_SOCKETCALL, SC_SENDMMSG, low_copy(args, 4 * sizeof(args[0])), 0, 0, 0);
		if (r >= 0 && r != 2)
			r = -EIO;
	} else if (strcmp(mode, "ia32-writev-tcp") == 0) {
		uint8_t len[2] = {(uint8_t)(l1 >> 8), (uint8_t)l1};
		uint32_t iov[4] = {(uint32_t)low_copy(len, 2), 2, (uint32_t)lq, (uint32_t)l1};
		int t = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (t < 0 || connect(t, (const struct sockaddr *)dst, sizeof(*dst)) < 0)
			return -errno;
		r = sys32(I_WRITEV, t, low_copy(iov, sizeof(iov)), 2, 0, 0);
		if (r == (long)(2 + l1) && read(t, mm, sizeof(mm)) <= 0)
			r = -EIO;
		close(t);
	} else {
		return -EINVAL;
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

/*
 * A 32-bit unlink of DIR/sgl-deleted-i32trace-TAG in a traced child whose
 * tracer (this process) sets the high bits of orig_rax at the syscall
 * entry stop: the kernel runs the low 32 bits (the unlink), a collector
 * that compares all 64 would miss its exit. Prints the child's pid.
 */
int ia32_traced(const char *dir, const char *tag)
{
	struct user_regs_struct regs;
	long path, r;
	int st, k;
	pid_t p;

	if ((r = start()))
		return (int)r;
	path = low_path(dir, "sgl-deleted-i32trace", tag);
	r = open((const char *)(uintptr_t)path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (r < 0)
		return fail("open");
	close((int)r);
	p = fork();
	if (p < 0)
		return fail("fork");
	if (p == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(2);
		raise(SIGSTOP);
		_exit(sys32(I_UNLINK, path, 0, 0, 0, 0) == 0 ? 0 : 1);
	}
	if (waitpid(p, &st, 0) != p || !WIFSTOPPED(st) ||
	    ptrace(PTRACE_SETOPTIONS, p, NULL, (void *)PTRACE_O_TRACESYSGOOD) < 0 ||
	    ptrace(PTRACE_SYSCALL, p, NULL, NULL) < 0)
		return fail("tracing the child");
	/* syscall stops until the unlink's entry (rax is -ENOSYS at an entry stop) */
	for (k = 0;; k++) {
		if (waitpid(p, &st, 0) != p || !WIFSTOPPED(st) ||
		    WSTOPSIG(st) != (SIGTRAP | 0x80) || ptrace(PTRACE_GETREGS, p, NULL, &regs) < 0)
			return fail("syscall stop");
		if (regs.orig_rax == I_UNLINK && (long)regs.rax == -ENOSYS)
			break;
		if (k == 50 || ptrace(PTRACE_SYSCALL, p, NULL, NULL) < 0) {
			kill(p, SIGKILL);
			waitpid(p, NULL, 0);
			errno = EPROTO;
			return fail("no unlink in the child's syscalls");
		}
	}
	regs.orig_rax |= 1ull << 32;
	if (ptrace(PTRACE_SETREGS, p, NULL, &regs) < 0 || ptrace(PTRACE_DETACH, p, NULL, NULL) < 0)
		return fail("setting orig_rax");
	if (waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "live-trigger: the traced unlink failed (status %#x)\n", st);
		return 1;
	}
	printf("ok pid=%d child=%d\n", getpid(), p);
	return 0;
}
