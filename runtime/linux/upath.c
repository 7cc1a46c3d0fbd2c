// SPDX-License-Identifier: Apache-2.0
/*
 * Paths a process gave to a syscall, made absolute and canonical (see
 * upath.h).
 */
#include "upath.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

size_t ag_upath_clean(char *p, size_t len)
{
	size_t r = 1, w = 1, s, cl;

	while (r < len) {
		while (r < len && p[r] == '/')
			r++;
		s = r;
		while (r < len && p[r] != '/')
			r++;
		cl = r - s;
		if (!cl || (cl == 1 && p[s] == '.'))
			continue;
		if (cl == 2 && p[s] == '.' && p[s + 1] == '.') {
			while (w > 1 && p[w - 1] != '/')
				w--;
			if (w > 1)
				w--;
			continue;
		}
		if (w > 1)
			p[w++] = '/';
		memmove(p + w, p + s, cl);
		w += cl;
	}
	return w;
}

/* openat2() of directory path from dirfd, O_PATH, no magic links. Returns an fd or -errno. */
static int open_dir(int dirfd, const char *path, unsigned long long resolve)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_NO_MAGICLINKS | resolve,
	};
	long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));

	return fd < 0 ? -errno : (int)fd;
}

/*
 * True when fd (AT_FDCWD: "/") is on a block device: a local filesystem,
 * no FUSE or NFS. Asked without syncing, so such a server is not asked.
 */
static bool on_disk(int fd)
{
	struct statx stx;

	if (statx(fd, fd == AT_FDCWD ? "/" : "",
		  (fd == AT_FDCWD ? 0 : AT_EMPTY_PATH) | AT_STATX_DONT_SYNC, STATX_TYPE, &stx) < 0)
		return false;
	return stx.stx_dev_major != 0;
}

/*
 * Open directory path from dirfd (resolve: RESOLVE_IN_ROOT or 0) from the
 * dcache only (see upath.h). A walk the cache cannot finish without a
 * write (a symlink followed for the first time since it was made has its
 * atime updated, as a fresh one does) is done again by a normal walk, if
 * it stays within dirfd's filesystem and that is on a disk: such a walk
 * may wait on I/O, but never on a FUSE or network server.
 */
static int open_cached(int dirfd, const char *path, unsigned long long resolve)
{
	int fd = open_dir(dirfd, path, RESOLVE_CACHED | resolve);

	if (fd == -EAGAIN && on_disk(dirfd))
		fd = open_dir(dirfd, path, RESOLVE_NO_XDEV | resolve);
	return fd;
}

/* A NUL-terminated copy of s[0 .. n) into buf[PATH_MAX + 1]: 0, or -ENAMETOOLONG. */
static int cstr(char *buf, const char *s, size_t n)
{
	if (n > PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return 0;
}

long ag_upath_resolve(const char *root, size_t rlen, const char *path, size_t len, char *out,
		      size_t cap)
{
	static const char deleted[] = " (deleted)";
	char dir[PATH_MAX + 1], link[32];
	size_t k, flen;
	const char *last;
	int rootfd = -1, fd, r;
	ssize_t n;

	/* the last component, trailing slashes aside (rmdir("a/b/")) */
	while (len > 1 && path[len - 1] == '/')
		len--;
	if (!len || path[0] != '/')
		return -EINVAL;
	for (k = len; path[k - 1] != '/'; k--)
		;
	last = path + k;
	flen = len - k;
	if (!flen || (flen == 1 && last[0] == '.') ||
	    (flen == 2 && last[0] == '.' && last[1] == '.'))
		return -EINVAL;
	r = cstr(dir, path, k > 1 ? k - 1 : 1);
	if (r < 0)
		return r;
	if (rlen) {
		char rbuf[PATH_MAX + 1];

		r = cstr(rbuf, root, rlen);
		if (r < 0)
			return r;
		/* the root is canonical: a symlink in it now is not the one the kernel used */
		rootfd = open_cached(AT_FDCWD, rbuf, RESOLVE_NO_SYMLINKS);
		if (rootfd < 0)
			return rootfd;
		fd = open_cached(rootfd, dir, RESOLVE_IN_ROOT);
		close(rootfd);
	} else {
		fd = open_cached(AT_FDCWD, dir, 0);
	}
	if (fd < 0)
		return fd;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, out, cap);
	r = n < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return r;
	if ((size_t)n >= cap)
		return -ENAMETOOLONG;
	/* a directory removed since, or one outside our tree */
	if (!n || out[0] != '/' ||
	    ((size_t)n >= sizeof(deleted) - 1 &&
	     !memcmp(out + n - (sizeof(deleted) - 1), deleted, sizeof(deleted) - 1)))
		return -ENOENT;
	if (n == 1) /* the root directory */
		n = 0;
	if ((size_t)n + 1 + flen >= cap)
		return -ENAMETOOLONG;
	out[n] = '/';
	memcpy(out + n + 1, last, flen);
	out[n + 1 + flen] = '\0';
	return (long)(n + 1 + flen);
}
