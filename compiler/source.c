// SPDX-License-Identifier: Apache-2.0
/*
 * Reading input files and walking rule directories (see source.h).
 */
#include "source.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"

int sc_read_file(const char *path, uint8_t **ret_buf, size_t *ret_len)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t cap, len = 0;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		err = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		err = -EISDIR;
		goto out;
	}
	if (st.st_size > (off_t)SC_MAX_FILE_SIZE) {
		err = -EFBIG;
		goto out;
	}
	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536;
	buf = sc_xmalloc(cap);
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			if (cap > SC_MAX_FILE_SIZE) {
				err = -EFBIG;
				goto out;
			}
			cap *= 2;
			buf = sc_xrealloc(buf, cap);
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*ret_buf = buf;
	*ret_len = len;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return err;
}

static void list_add(struct sc_pathlist *l, char *p)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = sc_xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n++] = p;
}

static bool is_rule_name(const char *name)
{
	size_t n = strlen(name);

	return (n > 4 && strcmp(name + n - 4, ".yml") == 0) ||
	       (n > 5 && strcmp(name + n - 5, ".yaml") == 0);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	char *p = sc_xmalloc(dl + nl + 2);

	memcpy(p, dir, dl);
	if (dl && dir[dl - 1] != '/')
		p[dl++] = '/';
	memcpy(p + dl, name, nl + 1);
	return p;
}

static int walk(const char *dir, struct sc_pathlist *out, int depth)
{
	struct sc_pathlist here = {0};
	struct dirent *de;
	DIR *d;
	size_t i;
	int err = 0;

	if (depth > 64)
		return -ELOOP;
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue; /* ., .., and hidden entries (.git) */
		list_add(&here, join(dir, de->d_name));
	}
	closedir(d);
	qsort(here.v, here.n, sizeof(*here.v), str_cmp);
	for (i = 0; i < here.n; i++) {
		struct stat st;

		if (stat(here.v[i], &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int r = walk(here.v[i], out, depth + 1);

			if (r < 0 && !err)
				err = r;
		} else if (S_ISREG(st.st_mode) && is_rule_name(here.v[i])) {
			list_add(out, here.v[i]);
			here.v[i] = NULL;
		}
	}
	sc_pathlist_done(&here);
	return err;
}

int sc_find_rule_files(const char *path, struct sc_pathlist *list)
{
	struct stat st;
	size_t start = list->n;
	int err;

	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode)) {
		char *p = sc_xmalloc(strlen(path) + 1);

		strcpy(p, path);
		list_add(list, p);
		return 0;
	}
	err = walk(path, list, 0);
	/* walk() sorts per directory; sort the whole result by full path. */
	qsort(list->v + start, list->n - start, sizeof(*list->v), str_cmp);
	return err;
}

void sc_pathlist_done(struct sc_pathlist *list)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		free(list->v[i]);
	free(list->v);
	list->v = NULL;
	list->n = list->cap = 0;
}
