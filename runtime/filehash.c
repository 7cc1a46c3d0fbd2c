// SPDX-License-Identifier: Apache-2.0
/*
 * File hashing (filehash.h): one pass of 64 KiB preads feeding three EVP
 * digests. The buffer and digest contexts belong to the hasher (one per
 * worker thread), so hashing allocates nothing.
 */
#include "filehash.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#define CHUNK (64u << 10)

struct ag_hasher {
	EVP_MD_CTX *ctx[3]; /* md5, sha1, sha256 */
	uint8_t buf[CHUNK];
};

int ag_file_id_of(int fd, struct ag_file_id *ret)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	ret->dev = (uint64_t)st.st_dev;
	ret->ino = (uint64_t)st.st_ino;
	ret->size = (uint64_t)st.st_size;
	ret->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	ret->ctime_ns = (int64_t)st.st_ctim.tv_sec * 1000000000 + st.st_ctim.tv_nsec;
	return 0;
}

bool ag_file_id_eq(const struct ag_file_id *a, const struct ag_file_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns;
}

struct ag_hasher *ag_hasher_new(void)
{
	struct ag_hasher *h = calloc(1, sizeof(*h));
	int i;

	if (!h)
		return NULL;
	for (i = 0; i < 3; i++) {
		h->ctx[i] = EVP_MD_CTX_new();
		if (!h->ctx[i]) {
			ag_hasher_free(h);
			return NULL;
		}
	}
	return h;
}

void ag_hasher_free(struct ag_hasher *h)
{
	int i;

	if (!h)
		return;
	for (i = 0; i < 3; i++)
		EVP_MD_CTX_free(h->ctx[i]);
	free(h);
}

int ag_hasher_fd(struct ag_hasher *h, int fd, uint64_t max_size, struct ag_file_hashes *ret)
{
	const EVP_MD *md[3] = {EVP_md5(), EVP_sha1(), EVP_sha256()};
	uint8_t *out[3] = {ret->md5, ret->sha1, ret->sha256};
	struct stat st;
	off_t off = 0;
	int i;

	if (fstat(fd, &st) < 0)
		return -errno;
	if ((uint64_t)st.st_size > max_size)
		return -EFBIG;
	for (i = 0; i < 3; i++)
		if (EVP_DigestInit_ex(h->ctx[i], md[i], NULL) != 1)
			return -EIO;
	for (;;) {
		ssize_t r = pread(fd, h->buf, CHUNK, off);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		off += r;
		if ((uint64_t)off > max_size)
			return -EFBIG; /* grew while we read */
		for (i = 0; i < 3; i++)
			if (EVP_DigestUpdate(h->ctx[i], h->buf, (size_t)r) != 1)
				return -EIO;
	}
	for (i = 0; i < 3; i++)
		if (EVP_DigestFinal_ex(h->ctx[i], out[i], NULL) != 1)
			return -EIO;
	return 0;
}

void ag_hex(const uint8_t *p, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
	out[2 * n] = '\0';
}
