// SPDX-License-Identifier: Apache-2.0
/*
 * live-trigger's io_uring actions (live-trigger.c): file operations and a
 * connect done as io_uring requests, which pass no syscall tracepoint,
 * through raw io_uring_setup()/io_uring_enter() (no liburing): a plain
 * ring, a request with IOSQE_CQE_SKIP_SUCCESS (no completion posted) and
 * an SQPOLL ring (the kernel's own thread submits).
 */
#include "trigger.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct uring {
	int fd;
	unsigned setup;
	unsigned *sq_tail, *sq_mask, *sq_array, *sq_flags;
	unsigned *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

/* A ring of 8 entries (setup: IORING_SETUP_* flags). Returns 0, or -1 with errno. */
static int uring_init(struct uring *u, unsigned setup)
{
	struct io_uring_params p;
	size_t sqsz, cqsz;
	char *sq, *cq;

	memset(&p, 0, sizeof(p));
	memset(u, 0, sizeof(*u));
	p.flags = setup;
	p.sq_thread_idle = 2000;
	u->fd = (int)syscall(__NR_io_uring_setup, 8, &p);
	if (u->fd < 0)
		return -1;
	u->setup = setup;
	sqsz = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	cqsz = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (p.features & IORING_FEAT_SINGLE_MMAP)
		sqsz = cqsz = sqsz > cqsz ? sqsz : cqsz;
	sq = mmap(NULL, sqsz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, u->fd,
		  IORING_OFF_SQ_RING);
	if (sq == MAP_FAILED)
		return -1;
	cq = sq;
	if (!(p.features & IORING_FEAT_SINGLE_MMAP)) {
		cq = mmap(NULL, cqsz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, u->fd,
			  IORING_OFF_CQ_RING);
		if (cq == MAP_FAILED)
			return -1;
	}
	u->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, u->fd, IORING_OFF_SQES);
	if (u->sqes == MAP_FAILED)
		return -1;
	u->sq_tail = (unsigned *)(sq + p.sq_off.tail);
	u->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	u->sq_array = (unsigned *)(sq + p.sq_off.array);
	u->sq_flags = (unsigned *)(sq + p.sq_off.flags);
	u->cq_head = (unsigned *)(cq + p.cq_off.head);
	u->cq_tail = (unsigned *)(cq + p.cq_off.tail);
	u->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
	u->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	return 0;
}

/*
 * Submit *s and wait for its completion; returns its result (-errno on
 * failure, as the kernel gives it). A request with IOSQE_CQE_SKIP_SUCCESS
 * posts nothing when it succeeds: then returns 0 once submitted.
 */
static int uring_run(struct uring *u, const struct io_uring_sqe *s)
{
	unsigned tail = *u->sq_tail, idx = tail & *u->sq_mask, head, flags = 0;
	bool skip = s->flags & IOSQE_CQE_SKIP_SUCCESS;
	int res;

	u->sqes[idx] = *s;
	u->sq_array[idx] = idx;
	__atomic_store_n(u->sq_tail, tail + 1, __ATOMIC_RELEASE);
	if (u->setup & IORING_SETUP_SQPOLL) {
		/* the tail store before the flags load (liburing's barrier: no lost wake-up) */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(u->sq_flags, __ATOMIC_ACQUIRE) & IORING_SQ_NEED_WAKEUP)
			flags |= IORING_ENTER_SQ_WAKEUP;
		if (syscall(__NR_io_uring_enter, u->fd, 0, 1, flags | IORING_ENTER_GETEVENTS, NULL,
			    0) < 0)
			return -errno;
	} else if (syscall(__NR_io_uring_enter, u->fd, 1, skip ? 0 : 1,
			   skip ? 0 : IORING_ENTER_GETEVENTS, NULL, 0) < 0) {
		return -errno;
	}
	if (skip)
		return 0;
	head = *u->cq_head;
	if (head == __atomic_load_n(u->cq_tail, __ATOMIC_ACQUIRE))
		return -EAGAIN;
	res = u->cqes[head & *u->cq_mask].res;
	__atomic_store_n(u->cq_head, head + 1, __ATOMIC_RELEASE);
	return res;
}

/* Queue s[0 .. n) and submit them, waiting for nothing. Returns 0 or -errno. */
static int uring_submit(struct uring *u, const struct io_uring_sqe *s, unsigned n)
{
	unsigned tail = *u->sq_tail, i;

	for (i = 0; i < n; i++) {
		unsigned idx = (tail + i) & *u->sq_mask;

		u->sqes[idx] = s[i];
		u->sq_array[idx] = idx;
	}
	__atomic_store_n(u->sq_tail, tail + n, __ATOMIC_RELEASE);
	return syscall(__NR_io_uring_enter, u->fd, n, 0, 0, NULL, 0) < 0 ? -errno : 0;
}

static void uring_done(struct uring *u)
{
	if (u->fd >= 0)
		close(u->fd);
}

/* Wait up to 2 s for path to be gone (a skipped completion tells nothing). */
static int wait_gone(const char *path)
{
	struct timespec ts = {0, 5 * 1000 * 1000};
	struct stat st;
	int i;

	for (i = 0; i < 400; i++) {
		if (stat(path, &st) < 0 && errno == ENOENT)
			return 0;
		nanosleep(&ts, NULL);
	}
	return -1;
}

static int touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	return fd < 0 || close(fd) < 0 ? -1 : 0;
}

static struct io_uring_sqe sqe_path(unsigned char op, int dfd, const char *a, int dfd2,
				    const char *b)
{
	struct io_uring_sqe s;

	memset(&s, 0, sizeof(s));
	s.opcode = op;
	s.fd = dfd;
	s.addr = (unsigned long)a;
	s.len = (unsigned)dfd2;
	s.addr2 = (unsigned long)b;
	return s;
}

/*
 * Open name (relative to dfd) with an open request (flags, mode 0600),
 * write a byte to it, close it with a close request. Returns 0, or -1
 * with errno.
 */
static int open_write_close(struct uring *u, int dfd, const char *name, int flags)
{
	struct io_uring_sqe s = sqe_path(IORING_OP_OPENAT, dfd, name, 0600, NULL);
	int fd;

	s.open_flags = (unsigned)flags;
	fd = uring_run(u, &s);
	if (fd < 0)
		return errno = -fd, -1;
	if (write(fd, "x", 1) != 1)
		return -1;
	memset(&s, 0, sizeof(s));
	s.opcode = IORING_OP_CLOSE;
	s.fd = fd;
	return (errno = -uring_run(u, &s)) ? -1 : 0;
}

/*
 * In DIR, through io_uring (names relative to a dirfd of DIR unless said):
 * create sgl-created-uring-TAG (openat, then close request: not a change,
 * the file is new), change sgl-changed-uring-TAG (an existing file opened
 * for writing, written, closed by a close request), rename sgl-src-uring-TAG
 * to sgl-renamed-uring-TAG, hard link it as sgl-created-ulink-TAG (names
 * relative to the cwd), symlink sgl-created-usym-TAG, unlink
 * sgl-deleted-uring-TAG, unlink sgl-deleted-uskip-TAG with
 * IOSQE_CQE_SKIP_SUCCESS, unlink sgl-deleted-uovf-TAG into a full
 * completion queue, unlink sgl-deleted-uchain-TAG in chainB through a
 * dirfd that named chainA when the request was submitted (linked behind a
 * read), change sgl-changed-ulinked-TAG by linked close (of a decoy),
 * open, write and close requests, unlink sgl-deleted-usqpoll-TAG from an SQPOLL ring
 * (sqpoll=0 when the kernel refuses one). Before these, what must not be
 * reported: an unlink of sgl-deleted-ufail-TAG, which does not exist, and
 * an open(O_CREAT) of sgl-created-uexist-TAG, which does (renamed there).
 */
int uring_files(const char *dir, const char *tag)
{
	int dfd, fd, sqpoll = 1, pfd[2], da, db, i;
	char a[256], b[256], p[600], byte;
	struct io_uring_sqe s, chain[8];
	struct uring u, q;

	if (chdir(dir) < 0 || (dfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return fail("open DIR");
	if (uring_init(&u, 0) < 0) {
		fprintf(stderr, "live-trigger: io_uring_setup: %s\n", strerror(errno));
		return errno == ENOSYS || errno == EPERM ? SKIP : 1;
	}
	snprintf(a, sizeof(a), "sgl-deleted-ufail-%s", tag);
	s = sqe_path(IORING_OP_UNLINKAT, dfd, a, 0, NULL);
	if (uring_run(&u, &s) != -ENOENT)
		return fail("io_uring unlinkat of a missing name");
	snprintf(a, sizeof(a), "sgl-pre-uexist-%s", tag);
	snprintf(b, sizeof(b), "sgl-created-uexist-%s", tag);
	if (touch(a) < 0 || rename(a, b) < 0)
		return fail("prepare the existing file");
	s = sqe_path(IORING_OP_OPENAT, dfd, b, 0600, NULL);
	s.open_flags = O_WRONLY | O_CREAT | O_CLOEXEC;
	fd = uring_run(&u, &s);
	if (fd < 0 || close(fd) < 0)
		return errno = fd < 0 ? -fd : errno,
		       fail("io_uring openat O_CREAT of an existing file");
	snprintf(a, sizeof(a), "sgl-created-uring-%s", tag);
	if (open_write_close(&u, dfd, a, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC) < 0)
		return fail("io_uring openat O_CREAT, write, close request");
	snprintf(a, sizeof(a), "sgl-changed-uring-%s", tag);
	if (touch(a) < 0)
		return fail("prepare the file to change");
	if (open_write_close(&u, dfd, a, O_WRONLY | O_CLOEXEC) < 0)
		return fail("io_uring openat O_WRONLY, write, close request");
	snprintf(a, sizeof(a), "sgl-src-uring-%s", tag);
	snprintf(b, sizeof(b), "sgl-renamed-uring-%s", tag);
	if (touch(a) < 0)
		return fail("prepare the file to rename");
	s = sqe_path(IORING_OP_RENAMEAT, dfd, a, dfd, b);
	if ((errno = -uring_run(&u, &s)))
		return fail("io_uring renameat");
	snprintf(a, sizeof(a), "sgl-created-ulink-%s", tag);
	s = sqe_path(IORING_OP_LINKAT, AT_FDCWD, b, AT_FDCWD, a);
	if ((errno = -uring_run(&u, &s)))
		return fail("io_uring linkat");
	snprintf(a, sizeof(a), "sgl-created-usym-%s", tag);
	s = sqe_path(IORING_OP_SYMLINKAT, dfd, "sgl-symlink-target", 0, a);
	if ((errno = -uring_run(&u, &s)))
		return fail("io_uring symlinkat");
	snprintf(a, sizeof(a), "sgl-deleted-uring-%s", tag);
	s = sqe_path(IORING_OP_UNLINKAT, dfd, a, 0, NULL);
	if (touch(a) < 0 || (errno = -uring_run(&u, &s)))
		return fail("io_uring unlinkat");
	snprintf(a, sizeof(a), "sgl-deleted-uskip-%s", tag);
	s = sqe_path(IORING_OP_UNLINKAT, dfd, a, 0, NULL);
	s.flags = IOSQE_CQE_SKIP_SUCCESS;
	if (touch(a) < 0 || (errno = -uring_run(&u, &s)) || wait_gone(a) < 0)
		return fail("io_uring unlinkat, no completion");
	/* 16 no-ops fill the completion queue (twice the 8 entries): the unlink's overflows */
	if (uring_init(&q, 0) < 0)
		return fail("io_uring_setup");
	memset(chain, 0, sizeof(chain));
	for (i = 0; i < 8; i++)
		chain[i].opcode = IORING_OP_NOP;
	if ((errno = -uring_submit(&q, chain, 8)) || (errno = -uring_submit(&q, chain, 8)))
		return fail("io_uring no-ops");
	snprintf(a, sizeof(a), "sgl-deleted-uovf-%s", tag);
	s = sqe_path(IORING_OP_UNLINKAT, dfd, a, 0, NULL);
	if (touch(a) < 0 || (errno = -uring_submit(&q, &s, 1)) || wait_gone(a) < 0)
		return fail("io_uring unlinkat into a full completion queue");
	uring_done(&q);
	/*
	 * An unlink linked behind a read of a pipe, whose dirfd names chainA
	 * when it is submitted and chainB (where the name is) when it runs.
	 */
	snprintf(a, sizeof(a), "sgl-deleted-uchain-%s", tag);
	snprintf(p, sizeof(p), "chainB/%s", a);
	if (mkdir("chainA", 0700) < 0 || mkdir("chainB", 0700) < 0 || touch(p) < 0 ||
	    pipe2(pfd, O_CLOEXEC) < 0 ||
	    (da = open("chainA", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    (db = open("chainB", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || uring_init(&q, 0) < 0)
		return fail("prepare the linked unlink");
	memset(chain, 0, 2 * sizeof(chain[0]));
	chain[0].opcode = IORING_OP_READ;
	chain[0].fd = pfd[0];
	chain[0].addr = (unsigned long)&byte;
	chain[0].len = 1;
	chain[0].flags = IOSQE_IO_LINK;
	chain[1] = sqe_path(IORING_OP_UNLINKAT, da, a, 0, NULL);
	if ((errno = -uring_submit(&q, chain, 2)) || dup2(db, da) < 0 ||
	    write(pfd[1], "x", 1) != 1 || wait_gone(p) < 0)
		return fail("io_uring unlinkat linked behind a read");
	uring_done(&q);
	close(pfd[0]);
	close(pfd[1]);
	close(da);
	close(db);
	/*
	 * An existing file opened for writing, written and closed by linked
	 * requests, on an fd that holds a read-only decoy when they are
	 * submitted: the first request closes the decoy, the open then gets its
	 * fd (the lowest free one). An unlink of a missing name with the same
	 * user_data follows, unlinked.
	 */
	snprintf(a, sizeof(a), "sgl-changed-ulinked-%s", tag);
	snprintf(b, sizeof(b), "sgl-missing-ulinked-%s", tag);
	if (touch(a) < 0 || uring_init(&q, 0) < 0 || (fd = open("/dev/null", O_RDONLY)) < 0)
		return fail("prepare the linked open, write, close");
	memset(chain, 0, 5 * sizeof(chain[0]));
	chain[0].opcode = IORING_OP_CLOSE;
	chain[0].fd = fd;
	chain[0].flags = IOSQE_IO_LINK;
	chain[1] = sqe_path(IORING_OP_OPENAT, dfd, a, 0, NULL);
	chain[1].open_flags = O_WRONLY | O_CLOEXEC;
	chain[1].flags = IOSQE_IO_LINK;
	chain[2].opcode = IORING_OP_WRITE;
	chain[2].fd = fd;
	chain[2].addr = (unsigned long)"linked";
	chain[2].len = 6;
	chain[2].flags = IOSQE_IO_LINK;
	chain[3].opcode = IORING_OP_CLOSE;
	chain[3].fd = fd;
	chain[4] = sqe_path(IORING_OP_UNLINKAT, dfd, b, 0, NULL);
	if ((errno = -uring_submit(&q, chain, 5)) ||
	    syscall(__NR_io_uring_enter, q.fd, 0, 5, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		return fail("io_uring open, write, close linked");
	for (i = 0; i < 5; i++) {
		struct io_uring_cqe *c = &q.cqes[(*q.cq_head + i) & *q.cq_mask];

		if (c->res < 0 && c->res != -ENOENT)
			return errno = -c->res, fail("io_uring open, write, close linked");
	}
	uring_done(&q);
	snprintf(a, sizeof(a), "sgl-deleted-usqpoll-%s", tag);
	if (touch(a) < 0)
		return fail("prepare the SQPOLL unlink");
	if (uring_init(&q, IORING_SETUP_SQPOLL) < 0) {
		fprintf(stderr, "live-trigger: SQPOLL ring: %s\n", strerror(errno));
		sqpoll = 0;
	} else {
		s = sqe_path(IORING_OP_UNLINKAT, dfd, a, 0, NULL);
		if ((errno = -uring_run(&q, &s)))
			return fail("io_uring unlinkat from an SQPOLL ring");
		uring_done(&q);
	}
	uring_done(&u);
	close(dfd);
	snprintf(p, sizeof(p), "%s", dir);
	printf("ok pid=%d sqpoll=%d dir=%s\n", getpid(), sqpoll, p);
	return 0;
}

/*
 * TCP connect requests to 127.0.0.1:PORT (our own listener), accepted: one
 * on an fd, one on a registered (fixed) file, one on the fd a socket
 * request linked before it makes (so that it does not exist when the
 * connect is submitted).
 */
int uring_connect(int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int l, c = -1, a, one = 1, sport[3], k;
	struct io_uring_sqe s[2];
	struct sockaddr_in peer;
	struct pollfd pl;
	struct uring u;
	socklen_t sl;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(l, 4) < 0)
		return fail("listen");
	if (uring_init(&u, 0) < 0) {
		fprintf(stderr, "live-trigger: io_uring_setup: %s\n", strerror(errno));
		return errno == ENOSYS || errno == EPERM ? SKIP : 1;
	}
	for (k = 0; k < 3; k++) {
		memset(s, 0, sizeof(s));
		s[1].opcode = IORING_OP_CONNECT;
		s[1].addr = (unsigned long)&sa;
		s[1].off = sizeof(sa);
		if (k < 2) {
			c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
			if (c < 0)
				return fail("socket");
			s[1].fd = c;
		}
		if (k == 1) {
			if (syscall(__NR_io_uring_register, u.fd, IORING_REGISTER_FILES, &c, 1) < 0)
				return fail("io_uring_register files");
			s[1].fd = 0;
			s[1].flags = IOSQE_FIXED_FILE;
		}
		if (k < 2) {
			if ((errno = -uring_run(&u, &s[1])))
				return fail(k ? "io_uring connect, fixed file"
					      : "io_uring connect");
		} else {
			/* the lowest free fd is the one the socket request will take */
			if ((c = open("/dev/null", O_RDONLY)) < 0 || close(c) < 0)
				return fail("open /dev/null");
			s[0].opcode = IORING_OP_SOCKET;
			s[0].fd = AF_INET;
			s[0].off = SOCK_STREAM;
			s[0].flags = IOSQE_IO_LINK;
			s[1].fd = c;
			if ((errno = -uring_submit(&u, s, 2)))
				return fail("io_uring socket + connect");
		}
		sl = sizeof(peer);
		pl.fd = l;
		pl.events = POLLIN;
		if (poll(&pl, 1, 5000) != 1)
			return errno = ETIMEDOUT, fail("no connection to accept");
		a = accept(l, (struct sockaddr *)&peer, &sl);
		if (a < 0)
			return fail("accept");
		sport[k] = ntohs(peer.sin_port);
		close(a);
		close(c);
	}
	printf("ok pid=%d sport=%d sport_fixed=%d sport_linked=%d\n", getpid(), sport[0], sport[1],
	       sport[2]);
	close(l);
	uring_done(&u);
	return 0;
}

/*
 * An accept request on a listener on 127.0.0.1:PORT, then a connect to it
 * (a plain syscall): the accept's completion gives the new connection.
 */
int uring_accept(int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	struct io_uring_sqe s;
	socklen_t sl = sizeof(sa);
	int l, c, one = 1, res;
	struct uring u;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(l, 4) < 0)
		return fail("listen");
	if (uring_init(&u, 0) < 0) {
		fprintf(stderr, "live-trigger: io_uring_setup: %s\n", strerror(errno));
		return errno == ENOSYS || errno == EPERM ? SKIP : 1;
	}
	memset(&s, 0, sizeof(s));
	s.opcode = IORING_OP_ACCEPT;
	s.fd = l;
	s.accept_flags = SOCK_CLOEXEC;
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0 || (errno = -uring_submit(&u, &s, 1)) ||
	    connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return fail("io_uring accept, connect");
	if (syscall(__NR_io_uring_enter, u.fd, 0, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		return fail("io_uring_enter");
	res = u.cqes[*u.cq_head & *u.cq_mask].res;
	if (res < 0)
		return errno = -res, fail("io_uring accept");
	if (getsockname(c, (struct sockaddr *)&sa, &sl) < 0)
		return fail("getsockname");
	printf("ok pid=%d sport=%d\n", getpid(), ntohs(sa.sin_port));
	close(res);
	close(c);
	close(l);
	uring_done(&u);
	return 0;
}

/*
 * A process registers its (root) credentials as an io_uring personality,
 * drops to uid/gid 65534, and still unlinks DIR/rootonly/sgl-deleted-
 * upers-TAG, in a directory only root may write, through that
 * personality. Exits 77 when not root.
 */
int uring_personality(const char *dir, const char *tag)
{
	char d[600], p[900];
	struct io_uring_sqe s;
	struct uring u;
	int id, st;
	pid_t pid;

	if (geteuid() != 0) {
		fprintf(stderr, "live-trigger: a personality that differs needs root\n");
		return SKIP;
	}
	snprintf(d, sizeof(d), "%s/rootonly", dir);
	snprintf(p, sizeof(p), "%s/sgl-deleted-upers-%s", d, tag);
	if (mkdir(d, 0700) < 0 || touch(p) < 0)
		return fail("prepare the root-only directory");
	if (uring_init(&u, 0) < 0) {
		fprintf(stderr, "live-trigger: io_uring_setup: %s\n", strerror(errno));
		return errno == ENOSYS || errno == EPERM ? SKIP : 1;
	}
	id = (int)syscall(__NR_io_uring_register, u.fd, IORING_REGISTER_PERSONALITY, NULL, 0);
	if (id < 0)
		return fail("io_uring_register personality");
	pid = fork();
	if (pid < 0)
		return fail("fork");
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
		    setresuid(65534, 65534, 65534) < 0)
			_exit(2);
		s = sqe_path(IORING_OP_UNLINKAT, AT_FDCWD, p, 0, NULL);
		s.personality = (unsigned short)id;
		_exit(uring_run(&u, &s) == 0 ? 0 : 1);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		return errno = EPERM, fail("unlink through the personality");
	printf("ok pid=%d child=%d\n", getpid(), pid);
	uring_done(&u);
	return 0;
}

/*
 * One send request on socket s: buf[0 .. len) (IORING_OP_SEND), or m
 * (IORING_OP_SENDMSG) when not NULL. Returns its result, -errno, or -ENOSYS
 * when the kernel refuses a ring.
 */
int uring_send(int s, const void *buf, size_t len, const struct msghdr *m)
{
	struct io_uring_sqe q;
	struct uring u;
	int r;

	if (uring_init(&u, 0) < 0)
		return errno == ENOSYS || errno == EPERM ? -ENOSYS : -errno;
	memset(&q, 0, sizeof(q));
	q.opcode = m ? IORING_OP_SENDMSG : IORING_OP_SEND;
	q.fd = s;
	q.addr = m ? (unsigned long)m : (unsigned long)buf;
	q.len = m ? 1 : (unsigned)len;
	r = uring_run(&u, &q);
	uring_done(&u);
	return r;
}

/* N no-op requests, one io_uring_enter() each (benchmark: the submit hook's cost). */
int uring_nops(long n)
{
	struct io_uring_sqe s;
	struct uring u;
	long i;

	if (uring_init(&u, 0) < 0)
		return fail("io_uring_setup");
	memset(&s, 0, sizeof(s));
	s.opcode = IORING_OP_NOP;
	for (i = 0; i < n; i++)
		if (uring_run(&u, &s) < 0)
			return fail("io_uring nop");
	uring_done(&u);
	return 0;
}
