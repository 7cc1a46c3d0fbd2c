/* SPDX-License-Identifier: Apache-2.0 */
/*
 * File identity and file hashing (MD5, SHA1, SHA256 in one read, through
 * OpenSSL's EVP interface). Used by the scan workers (fscan.h), never on
 * the event path.
 */
#ifndef AG_RUNTIME_FILEHASH_H
#define AG_RUNTIME_FILEHASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What makes a file "the same file" for the caches: rewritten files differ. */
struct ag_file_id {
	uint64_t dev;
	uint64_t ino;
	uint64_t size;
	int64_t mtime_ns;
	int64_t ctime_ns;
};

struct ag_file_hashes {
	uint8_t md5[16];
	uint8_t sha1[20];
	uint8_t sha256[32];
};

/* The identity of open file fd. Returns 0, -errno, or -EISDIR / -EINVAL (not a regular file). */
int ag_file_id_of(int fd, struct ag_file_id *ret);

bool ag_file_id_eq(const struct ag_file_id *a, const struct ag_file_id *b);

struct ag_hasher; /* per-thread digest state (opaque) */

struct ag_hasher *ag_hasher_new(void);
void ag_hasher_free(struct ag_hasher *h);

/*
 * Hash fd from offset 0 (pread: the descriptor's offset is not moved).
 * Returns 0, -EFBIG when the file is larger than max_size (nothing
 * hashed), or -errno.
 */
int ag_hasher_fd(struct ag_hasher *h, int fd, uint64_t max_size, struct ag_file_hashes *ret);

/* Lower-case hex of n bytes into out (2 * n + 1 bytes, NUL-terminated). */
void ag_hex(const uint8_t *p, size_t n, char *out);

#endif /* AG_RUNTIME_FILEHASH_H */
