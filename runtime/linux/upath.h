/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Paths a process gave to a syscall (unlink, rename, link, symlink,
 * mknod): the kernel side sends the name as given, with its base
 * directory (the cwd or the dirfd's canonical path) or, for an absolute
 * name in a chroot, the process's root (bpf/file.bpf.c). User space makes
 * the name absolute and canonical, as the kernel's walk does for an open
 * file, so that the same file has the same name in every category:
 *
 *  - the directory part is resolved as the kernel does (ag_upath_resolve):
 *    symlinks and ".." as the kernel took them, /bin/x as /usr/bin/x, a
 *    symlinked directory as its target;
 *  - when that cannot be done (the directory is gone already, a dentry not
 *    cached, another mount namespace), the path is cleaned lexically
 *    (ag_upath_clean): "//", "." and ".." removed.
 *
 * The resolution happens when the agent reads the record, after the
 * syscall: a symlink swapped in between is followed as it is then.
 */
#ifndef AG_LINUX_UPATH_H
#define AG_LINUX_UPATH_H

#include <stddef.h>

/* Clean absolute path p[0 .. len) in place: "//", "." and ".." removed. Returns its length. */
size_t ag_upath_clean(char *p, size_t len);

/*
 * Resolve the directory part of absolute path[0 .. len) (not cleaned: its
 * ".." follow symlinks, as the kernel's do) and write the canonical
 * directory, '/' and the last component into out[0 .. cap), NUL-terminated.
 * root[0 .. rlen), when rlen is not 0, is the canonical directory path is
 * relative to (a chroot: ".." stops there, absolute symlinks start there).
 * The walk uses the kernel's dentry cache only, except where that cannot
 * finish without a write (a fresh symlink's atime): then it walks again
 * normally, if it stays within one filesystem on a disk (RESOLVE_NO_XDEV),
 * so it does not wait on a FUSE or network server; the one exception is an
 * automount point on the way whose mount expired since the syscall (the
 * kernel mounts before it refuses the crossing). Returns the length,
 * or -errno: -ENOENT (gone), -EAGAIN (not cached), -EINVAL (a last
 * component of "", "." or ".."), -ENAMETOOLONG.
 */
long ag_upath_resolve(const char *root, size_t rlen, const char *path, size_t len, char *out,
		      size_t cap);

#endif /* AG_LINUX_UPATH_H */
