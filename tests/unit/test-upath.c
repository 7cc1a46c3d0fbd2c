// SPDX-License-Identifier: Apache-2.0
/*
 * Names given to syscalls made canonical (runtime/linux/upath.c): the
 * lexical cleaning, and the resolution of the directory part on a real
 * tree of directories and symlinks (relative and absolute ones, ".." after
 * a symlink, trailing slashes, a chroot-like root where ".." and absolute
 * symlinks stop), with the paths realpath() gives as the reference.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "upath.h"

static void clean_is(const char *in, const char *want)
{
	char buf[256];
	size_t n;

	snprintf(buf, sizeof(buf), "%s", in);
	n = ag_upath_clean(buf, strlen(buf));
	buf[n] = '\0';
	cr_expect_str_eq(buf, want, "clean(%s)", in);
}

Test(upath, clean_removes_empty_dot_and_dotdot)
{
	clean_is("/", "/");
	clean_is("//a///b/", "/a/b");
	clean_is("/a/./b/../c", "/a/c");
	clean_is("/a/b/..", "/a");
	clean_is("/../../x", "/x");
	clean_is("/a/..", "/");
	clean_is("/.../..a/a..", "/.../..a/a..");
}

/* The fixture: base/real/deep, base/via -> real, base/deep -> real/deep, base/abs -> base/real,
 * base/jail/d, base/jail/lnk -> /d, base/jail/up -> ../.. */
static char base[PATH_MAX];

static void mk(const char *what, int r)
{
	cr_assert(r == 0, "%s: %s", what, strerror(errno));
}

static void fixture(void)
{
	char tmpl[] = "upath-test-XXXXXX", p[PATH_MAX + 32], t[PATH_MAX + 32];
	struct stat st, root;

	cr_assert(mkdtemp(tmpl), "mkdtemp: %s", strerror(errno));
	cr_assert(realpath(tmpl, base));
	/*
	 * A walk past a fresh symlink is redone only from "/" on a disk and
	 * within its filesystem (upath.c open_cached): the fixture must be there.
	 */
	if (stat(base, &st) < 0 || stat("/", &root) < 0 || major(root.st_dev) == 0 ||
	    st.st_dev != root.st_dev)
		cr_skip_test("%s is not on the filesystem of /, or / is not on a block device",
			     base);
#define AT(name) (snprintf(p, sizeof(p), "%s/%s", base, name), p)
	mk("mkdir real", mkdir(AT("real"), 0700));
	mk("mkdir real/deep", mkdir(AT("real/deep"), 0700));
	mk("symlink via", symlink("real", AT("via")));
	mk("symlink deep", symlink("real/deep", AT("deep")));
	snprintf(t, sizeof(t), "%s/real", base);
	mk("symlink abs", symlink(t, AT("abs")));
	mk("mkdir jail", mkdir(AT("jail"), 0700));
	mk("mkdir jail/d", mkdir(AT("jail/d"), 0700));
	mk("symlink jail/lnk", symlink("/d", AT("jail/lnk")));
	mk("symlink jail/up", symlink("../..", AT("jail/up")));
#undef AT
}

static void teardown(void)
{
	static const char *const names[] = {"jail/up", "jail/lnk", "jail/d",	"jail", "abs",
					    "deep",    "via",	   "real/deep", "real"};
	char p[PATH_MAX + 32];
	size_t i;

	if (!base[0])
		return;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", base, names[i]);
		remove(p);
	}
	rmdir(base);
	base[0] = '\0';
}

/* resolve(base/rel) (root: base/root when not NULL, rel is then within it) == base/want */
static void resolves(const char *root, const char *rel, const char *want)
{
	char in[PATH_MAX + 32], r[PATH_MAX + 32], out[PATH_MAX + 1], exp[PATH_MAX + 32];
	long n;

	if (root) {
		snprintf(r, sizeof(r), "%s/%s", base, root);
		snprintf(in, sizeof(in), "%s", rel);
	} else {
		snprintf(in, sizeof(in), "%s/%s", base, rel);
	}
	snprintf(exp, sizeof(exp), "%s/%s", base, want);
	n = ag_upath_resolve(root ? r : NULL, root ? strlen(r) : 0, in, strlen(in), out,
			     sizeof(out));
	cr_assert(n > 0, "resolve(%s): %ld", in, n);
	cr_expect_eq((size_t)n, strlen(out));
	cr_expect_str_eq(out, exp, "resolve(%s%s%s)", root ? r : "", root ? " : " : "", in);
}

Test(upath, resolves_symlinked_directories_as_the_kernel_does, .init = fixture, .fini = teardown)
{
	resolves(NULL, "via/x", "real/x");
	resolves(NULL, "abs/x", "real/x");
	resolves(NULL, "abs/deep/./x", "real/deep/x");
	/* ".." after a symlink is the parent of its target, not of the link */
	resolves(NULL, "deep/../x", "real/x");
	resolves(NULL, "via/deep/../../via/x", "real/x");
	/* trailing slashes (rmdir "a/b/"), doubled slashes; the last component is kept as is */
	resolves(NULL, "via//sub//", "real/sub");
	resolves(NULL, "via/via", "real/via");
}

Test(upath, a_root_bounds_dotdot_and_absolute_symlinks, .init = fixture, .fini = teardown)
{
	resolves("jail", "/x", "jail/x");
	resolves("jail", "/../../x", "jail/x");
	resolves("jail", "/lnk/x", "jail/d/x");
	resolves("jail", "/lnk/../../../x", "jail/x");
	resolves("jail", "/up/up/d/x", "jail/d/x");
}

Test(upath, refuses_what_it_cannot_name, .init = fixture, .fini = teardown)
{
	char in[PATH_MAX + 32], out[PATH_MAX + 1];

#define RES(rel, want)                                                                             \
	do {                                                                                       \
		snprintf(in, sizeof(in), "%s/%s", base, rel);                                      \
		cr_expect_eq(ag_upath_resolve(NULL, 0, in, strlen(in), out, sizeof(out)), want,    \
			     "resolve(%s)", in);                                                   \
	} while (0)
	RES("no-such-dir/x", -ENOENT);
	RES("via/no-such-dir/x", -ENOENT);
	RES("via/..", -EINVAL);
	RES("via/.", -EINVAL);
#undef RES
	cr_expect_eq(ag_upath_resolve(NULL, 0, "relative/x", 10, out, sizeof(out)), -EINVAL);
	/* an output buffer too small for the result */
	snprintf(in, sizeof(in), "%s/via/x", base);
	cr_expect_eq(ag_upath_resolve(NULL, 0, in, strlen(in), out, 8), -ENAMETOOLONG);
}
