// SPDX-License-Identifier: Apache-2.0
/*
 * The process table (proctab.h).
 *
 * Design. Entries live in one open-addressing array (linear probing,
 * backward-shift deletion, so no tombstones), keyed by pid; capacity is a
 * power of two at least 4/3 of max_procs. An entry is 32 bytes; its
 * strings are in a blob from one of ten size classes (64 B .. 32 KiB),
 * carved from 64 KiB chunks allocated on demand up to max_bytes and
 * recycled through per-class free lists. A fork shares its parent's blob
 * (reference counted) until the child execs, which is the common case of
 * shells and servers.
 *
 * Exits are not applied at once: a child's exec often arrives after its
 * parent exited, and late records of a process (a close, a connect) may
 * follow its exit record from another CPU. Dead entries are remembered in
 * a FIFO of AG_PROCTAB_DEAD_KEEP and dropped when they leave it (or
 * earlier, when the table is full). A pid reused meanwhile is told apart
 * by its start time, which the kernel gives every record; entries seeded
 * from /proc have it only in clock ticks and match within one tick.
 *
 * Not here: user names (the normaliser caches them), the BPF side.
 */
#include "proctab.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NCLS	  10
#define MIN_BLOCK 64u
#define CHUNK	  (64u * 1024)
#define RBUF	  16384 /* /proc read buffer: cmdline cut here, like the kernel's argv (8 KiB) */

struct freeblk {
	struct freeblk *next;
};

struct chunk {
	struct chunk *next;
	size_t size;
};

struct dead {
	uint32_t pid;
	uint64_t start_ns;
};

struct ag_proctab {
	struct ag_proc *slot;
	uint32_t mask;	/* capacity - 1 */
	uint32_t used;	/* entries */
	uint32_t max;	/* max_procs */
	uint32_t ndead; /* entries marked dead */
	struct freeblk *free[NCLS];
	struct chunk *chunks;
	size_t bytes, max_bytes;
	struct dead dq[AG_PROCTAB_DEAD_KEEP]; /* FIFO of exits */
	uint32_t dq_head, dq_n;
	uint64_t tick_ns;
	time_t lazy_sec; /* rate limit window (CLOCK_MONOTONIC seconds) */
	uint32_t lazy_n;
	struct ag_proctab_stats st;
	char rbuf[RBUF];
	char cbuf[RBUF];
};

/* ---- blobs ---- */

static int size_class(size_t size)
{
	int k;

	for (k = 0; k < NCLS; k++)
		if ((size_t)MIN_BLOCK << k >= size)
			return k;
	return -1;
}

static struct ag_pblob *blob_alloc(struct ag_proctab *t, size_t size)
{
	int k = size_class(size);
	size_t bs, cs, off;
	struct chunk *c;
	struct freeblk *b;

	if (k < 0)
		return NULL;
	if (!t->free[k]) {
		bs = (size_t)MIN_BLOCK << k;
		cs = bs > CHUNK - 64 ? bs + 64 : CHUNK;
		if (t->bytes + cs > t->max_bytes)
			return NULL;
		c = malloc(cs);
		if (!c)
			return NULL;
		c->next = t->chunks;
		c->size = cs;
		t->chunks = c;
		t->bytes += cs;
		/* blocks start after the chunk header, 64-byte aligned */
		for (off = 64; off + bs <= cs; off += bs) {
			b = (struct freeblk *)((char *)c + off);
			b->next = t->free[k];
			t->free[k] = b;
		}
	}
	b = t->free[k];
	t->free[k] = b->next;
	((struct ag_pblob *)b)->cls = (uint16_t)k;
	return (struct ag_pblob *)b;
}

static void blob_unref(struct ag_proctab *t, struct ag_pblob *b)
{
	struct freeblk *f;

	uint16_t k;

	if (!b || --b->ref)
		return;
	k = b->cls;
	f = (struct freeblk *)b;
	f->next = t->free[k];
	t->free[k] = f;
}

/* A blob holding the three strings (the command line cut when memory is short). */
static struct ag_pblob *blob_make(struct ag_proctab *t, const char *image, size_t ilen,
				  const char *cmd, size_t clen, const char *cwd, size_t wlen)
{
	struct ag_pblob *b;
	size_t hdr = sizeof(struct ag_pblob);

	if (ilen > 8191)
		ilen = 8191;
	if (wlen > 8191)
		wlen = 8191;
	b = blob_alloc(t, hdr + ilen + clen + wlen);
	if (!b && clen > 128) {
		clen = 128; /* degrade before giving up */
		b = blob_alloc(t, hdr + ilen + clen + wlen);
	}
	if (!b) {
		t->st.no_strings++;
		return NULL;
	}
	b->ref = 1;
	b->image_len = (uint32_t)ilen;
	b->cmd_len = (uint32_t)clen;
	b->cwd_len = (uint32_t)wlen;
	if (ilen)
		memcpy(b->data, image, ilen);
	if (clen)
		memcpy(b->data + ilen, cmd, clen);
	if (wlen)
		memcpy(b->data + ilen + clen, cwd, wlen);
	return b;
}

/* ---- the hash table ---- */

static uint32_t hash_pid(const struct ag_proctab *t, uint32_t pid)
{
	return (pid * 0x9E3779B1u) & t->mask;
}

/* The slot of pid, or -1. */
static int64_t find(const struct ag_proctab *t, uint32_t pid)
{
	uint32_t i;

	if (!pid)
		return -1;
	for (i = hash_pid(t, pid);; i = (i + 1) & t->mask) {
		if (t->slot[i].pid == pid)
			return i;
		if (!t->slot[i].pid)
			return -1;
	}
}

/* Empty slot i, shifting later entries of the probe run back (no tombstones). */
static void remove_at(struct ag_proctab *t, uint32_t i)
{
	uint32_t j = i, k;

	if (t->slot[i].flags & AG_PROC_DEAD)
		t->ndead--;
	blob_unref(t, t->slot[i].blob);
	memset(&t->slot[i], 0, sizeof(t->slot[i]));
	t->used--;
	for (;;) {
		j = (j + 1) & t->mask;
		if (!t->slot[j].pid)
			return;
		k = hash_pid(t, t->slot[j].pid);
		/* move j back to i when its home k is not in (i, j] (cyclically) */
		if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
			t->slot[i] = t->slot[j];
			memset(&t->slot[j], 0, sizeof(t->slot[j]));
			i = j;
		}
	}
}

static bool same_start(const struct ag_proc *p, uint64_t start_ns, uint64_t tick_ns)
{
	uint64_t d;

	if (!start_ns || p->start_ns == start_ns)
		return true;
	if (!(p->flags & AG_PROC_SEEDED))
		return false;
	d = p->start_ns > start_ns ? p->start_ns - start_ns : start_ns - p->start_ns;
	return d <= tick_ns;
}

/* Drop the oldest exit of the FIFO (if that entry is still the same dead process). */
static void reap_oldest(struct ag_proctab *t)
{
	struct dead d;
	int64_t i;

	if (!t->dq_n)
		return;
	d = t->dq[t->dq_head];
	t->dq_head = (t->dq_head + 1) % AG_PROCTAB_DEAD_KEEP;
	t->dq_n--;
	i = find(t, d.pid);
	if (i >= 0 && (t->slot[i].flags & AG_PROC_DEAD) && t->slot[i].start_ns == d.start_ns)
		remove_at(t, (uint32_t)i);
}

/*
 * The entry of pid, new (zeroed, pid set) or existing (its blob released,
 * the rest kept for the caller to overwrite); NULL when the table is full
 * of living processes. Other entries may move.
 */
static struct ag_proc *insert(struct ag_proctab *t, uint32_t pid)
{
	int64_t f = find(t, pid);
	uint32_t i;

	if (f >= 0) {
		struct ag_proc *p = &t->slot[f];

		blob_unref(t, p->blob);
		p->blob = NULL;
		if (p->flags & AG_PROC_DEAD)
			t->ndead--;
		p->flags = 0;
		return p;
	}
	while (t->used >= t->max && t->dq_n)
		reap_oldest(t);
	if (t->used >= t->max) {
		t->st.full++;
		return NULL;
	}
	for (i = hash_pid(t, pid); t->slot[i].pid; i = (i + 1) & t->mask)
		;
	t->slot[i].pid = pid;
	t->used++;
	return &t->slot[i];
}

/* ---- /proc ---- */

static ssize_t read_file(const char *path, char *buf, size_t n)
{
	ssize_t r, got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((size_t)got < n) {
		r = read(fd, buf + got, n - (size_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += r;
	}
	close(fd);
	return got;
}

/* /proc/pid/stat: parent and start time (clock ticks since boot). */
static int proc_stat(uint32_t pid, uint32_t *ret_ppid, unsigned long long *ret_start)
{
	char p[64], buf[1024], *rp;
	unsigned int ppid;
	unsigned long long start;
	ssize_t n;

	snprintf(p, sizeof(p), "/proc/%u/stat", pid);
	n = read_file(p, buf, sizeof(buf) - 1);
	if (n <= 0)
		return n < 0 ? (int)n : -EIO;
	buf[n] = '\0';
	rp = strrchr(buf, ')'); /* comm may hold spaces and parentheses */
	if (!rp || sscanf(rp + 1,
			  " %*c %u %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d "
			  "%*d %*d %llu",
			  &ppid, &start) != 2)
		return -EINVAL;
	*ret_ppid = ppid;
	*ret_start = start;
	return 0;
}

uint64_t ag_proc_start(uint32_t pid)
{
	unsigned long long start;
	uint32_t ppid;

	return proc_stat(pid, &ppid, &start) == 0 ? start : 0;
}

uint32_t ag_proc_ppid(uint32_t pid)
{
	unsigned long long start;
	uint32_t ppid;

	return proc_stat(pid, &ppid, &start) == 0 ? ppid : 0;
}

int ag_proc_list(uint32_t **ret, size_t *ret_n)
{
	uint32_t *v = NULL, *nv;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	d = opendir("/proc");
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char *end;
		unsigned long pid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = strtoul(de->d_name, &end, 10);
		if (*end || !pid || pid > UINT32_MAX)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			nv = reallocarray(v, cap, sizeof(*v));
			if (!nv) {
				free(v);
				closedir(d);
				return -ENOMEM;
			}
			v = nv;
		}
		v[n++] = (uint32_t)pid;
	}
	closedir(d);
	*ret = v;
	*ret_n = n;
	return 0;
}

/* Effective uid from /proc/pid/status ("Uid:\treal\teffective\t..."). */
static uint32_t proc_euid(struct ag_proctab *t, uint32_t pid)
{
	char p[64], *u;
	unsigned int ruid, euid;
	ssize_t n;

	snprintf(p, sizeof(p), "/proc/%u/status", pid);
	n = read_file(p, t->rbuf, sizeof(t->rbuf) - 1);
	if (n <= 0)
		return 0;
	t->rbuf[n] = '\0';
	u = strstr(t->rbuf, "\nUid:");
	if (!u || sscanf(u + 5, "%u %u", &ruid, &euid) != 2)
		return 0;
	return euid;
}

/* Fill pid's entry from /proc; NULL when the process is gone. */
static struct ag_proc *seed_one(struct ag_proctab *t, uint32_t pid)
{
	char p[64], image[4096], cwd[4096];
	unsigned long long ticks;
	ssize_t il, wl, cl;
	struct ag_proc *e;
	uint32_t ppid, euid;
	ssize_t i;

	if (proc_stat(pid, &ppid, &ticks) < 0)
		return NULL;
	euid = proc_euid(t, pid);
	snprintf(p, sizeof(p), "/proc/%u/exe", pid);
	il = readlink(p, image, sizeof(image));
	if (il < 0 || il == (ssize_t)sizeof(image))
		il = 0; /* kernel threads have none */
	snprintf(p, sizeof(p), "/proc/%u/cwd", pid);
	wl = readlink(p, cwd, sizeof(cwd));
	if (wl < 0 || wl == (ssize_t)sizeof(cwd))
		wl = 0;
	snprintf(p, sizeof(p), "/proc/%u/cmdline", pid);
	cl = read_file(p, t->cbuf, 8191);
	if (cl < 0)
		cl = 0;
	while (cl > 0 && t->cbuf[cl - 1] == '\0')
		cl--;
	for (i = 0; i < cl; i++)
		if (t->cbuf[i] == '\0')
			t->cbuf[i] = ' ';
	e = insert(t, pid);
	if (!e)
		return NULL;
	e->ppid = ppid;
	e->euid = euid;
	e->start_ns = ticks * t->tick_ns;
	e->flags = AG_PROC_SEEDED;
	e->blob = blob_make(t, image, (size_t)il, t->cbuf, (size_t)cl, cwd, (size_t)wl);
	return e;
}

/* ---- the API ---- */

int ag_proctab_new(struct ag_proctab **ret, uint32_t max_procs, size_t max_bytes)
{
	struct ag_proctab *t;
	uint32_t cap = 64;
	long hz = sysconf(_SC_CLK_TCK);

	if (!max_procs)
		max_procs = 1;
	while (cap < max_procs + max_procs / 3 + 1)
		cap *= 2;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->slot = calloc(cap, sizeof(*t->slot));
	if (!t->slot) {
		free(t);
		return -ENOMEM;
	}
	t->mask = cap - 1;
	t->max = max_procs;
	t->max_bytes = max_bytes;
	t->tick_ns = 1000000000ull / (uint64_t)(hz > 0 ? hz : 100);
	*ret = t;
	return 0;
}

void ag_proctab_free(struct ag_proctab *t)
{
	struct chunk *c, *n;

	if (!t)
		return;
	for (c = t->chunks; c; c = n) {
		n = c->next;
		free(c);
	}
	free(t->slot);
	free(t);
}

int ag_proctab_seed(struct ag_proctab *t)
{
	uint32_t *pids;
	size_t n, i;
	int r, added = 0;

	r = ag_proc_list(&pids, &n);
	if (r < 0)
		return r;
	for (i = 0; i < n; i++)
		added += seed_one(t, pids[i]) != NULL;
	free(pids);
	return added;
}

const struct ag_proc *ag_proctab_get(struct ag_proctab *t, uint32_t pid, uint64_t start_ns)
{
	struct timespec now;
	struct ag_proc *p;
	int64_t i = find(t, pid);

	if (i >= 0) {
		p = &t->slot[i];
		if (same_start(p, start_ns, t->tick_ns)) {
			if ((p->flags & AG_PROC_SEEDED) && start_ns) {
				p->start_ns = start_ns; /* exact from now on */
				p->flags &= ~(uint32_t)AG_PROC_SEEDED;
			}
			return p;
		}
	}
	if (!pid)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec != t->lazy_sec) {
		t->lazy_sec = now.tv_sec;
		t->lazy_n = 0;
	}
	if (t->lazy_n >= AG_PROCTAB_LAZY_RATE) {
		t->st.lazy_missed++;
		return NULL;
	}
	t->lazy_n++;
	p = seed_one(t, pid);
	if (!p || !same_start(p, start_ns, t->tick_ns)) {
		t->st.lazy_missed++;
		return NULL;
	}
	t->st.lazy_ok++;
	return p;
}

void ag_proctab_exec(struct ag_proctab *t, uint32_t pid, uint32_t ppid, uint64_t start_ns,
		     uint32_t euid, const char *image, size_t image_len, const char *cmd,
		     size_t cmd_len, const char *cwd, size_t cwd_len)
{
	struct ag_proc *p = insert(t, pid);

	if (!p)
		return;
	p->ppid = ppid;
	p->euid = euid;
	p->start_ns = start_ns;
	p->blob = blob_make(t, image, image_len, cmd, cmd_len, cwd, cwd_len);
}

void ag_proctab_fork(struct ag_proctab *t, uint32_t child, uint64_t child_start, uint32_t parent,
		     uint64_t parent_start, uint32_t euid)
{
	const struct ag_proc *pp = ag_proctab_get(t, parent, parent_start);
	struct ag_pblob *b = pp ? pp->blob : NULL;
	struct ag_proc *c;

	if (b)
		b->ref++; /* before insert(): entries may move */
	c = insert(t, child);
	if (!c) {
		blob_unref(t, b);
		return;
	}
	c->ppid = parent;
	c->euid = euid;
	c->start_ns = child_start;
	c->blob = b;
}

void ag_proctab_exit(struct ag_proctab *t, uint32_t pid, uint64_t start_ns)
{
	struct ag_proc *p;
	int64_t i;

	/* make room first: reaping moves entries */
	if (t->dq_n == AG_PROCTAB_DEAD_KEEP)
		reap_oldest(t);
	i = find(t, pid);
	if (i < 0)
		return;
	p = &t->slot[i];
	if (!same_start(p, start_ns, t->tick_ns) || (p->flags & AG_PROC_DEAD))
		return;
	p->flags |= AG_PROC_DEAD;
	p->start_ns = start_ns ? start_ns : p->start_ns;
	p->flags &= ~(uint32_t)AG_PROC_SEEDED;
	t->ndead++;
	t->dq[(t->dq_head + t->dq_n) % AG_PROCTAB_DEAD_KEEP] =
		(struct dead){.pid = pid, .start_ns = p->start_ns};
	t->dq_n++;
}

void ag_proctab_stats(const struct ag_proctab *t, struct ag_proctab_stats *ret)
{
	*ret = t->st;
	ret->dead = t->ndead;
	ret->live = t->used - t->ndead;
	ret->bytes = t->bytes;
}
