/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the normaliser's files share (normalize.c: values, processes,
 * paths, the process/network/DNS/file classes; normalize_sys.c: the
 * classes of single syscalls). Not for other modules: normalize.h is the
 * interface.
 *
 * Every value added points into n->buf (valid until the next record) or
 * is a static string; nothing is allocated.
 */
#ifndef AG_LINUX_NORMALIZE_INT_H
#define AG_LINUX_NORMALIZE_INT_H

#include "normalize.h"

/* A record's strings, located. */
struct ag_norm_strs {
	const char *p[AG_REC_NSTR];
	uint32_t n[AG_REC_NSTR];
	uint16_t f[AG_REC_NSTR];
};

/* The process of a record, its strings copied into the value buffer. */
struct ag_norm_proc {
	const char *image, *cmd, *cwd;
	uint32_t ilen, clen, wlen;
	uint32_t euid;
	uint32_t ppid; /* the process that forked it (known only) */
	bool known;
};

/* Start an event of category (static), also routed to ag_route_linux_also(category). */
void ag_norm_begin(struct ag_norm *n, const struct ag_rec_hdr *h, const char *category);

/* Field f = v (len bytes, n->buf or static; NULL: counted as dropped). */
void ag_norm_add(struct ag_norm *n, enum ag_norm_field f, const char *v, size_t len,
		 uint32_t flags);
/* Field f = s, a static string (not copied). */
void ag_norm_add_static(struct ag_norm *n, enum ag_norm_field f, const char *s);
/* Field f = a copy of s into n->buf. */
void ag_norm_add_copy(struct ag_norm *n, enum ag_norm_field f, const char *s, size_t len);
/* Field f = v in decimal, a number. */
void ag_norm_add_num(struct ag_norm *n, enum ag_norm_field f, int64_t v);
/* Field f = the name of uid (cached), or its number. */
void ag_norm_add_user(struct ag_norm *n, enum ag_norm_field f, uint32_t uid);

/* Process pid (start_ns, 0: any) from the table, its strings copied into n->buf. */
void ag_norm_proc_ctx(struct ag_norm *n, uint32_t pid, uint64_t start_ns, struct ag_norm_proc *ret);
/* The fields every class has about its process and its parent. */
void ag_norm_add_process(struct ag_norm *n, const struct ag_rec_hdr *h);

/* A path of the kernel's dentry walk as /proc shows it, copied into n->buf. */
const char *ag_norm_kpath(struct ag_norm *n, const char *s, uint32_t len, uint16_t flags,
			  size_t *ret_len);

/* The classes of normalize_sys.c: 1 (an event), 0 (class off), -EINVAL. */
int ag_norm_on_ptrace(struct ag_norm *n, const struct ag_rec *r);
int ag_norm_on_setid(struct ag_norm *n, const struct ag_rec *r);
int ag_norm_on_memfd(struct ag_norm *n, const struct ag_rec *r, const struct ag_norm_strs *rs);
int ag_norm_on_bpf(struct ag_norm *n, const struct ag_rec *r, const struct ag_norm_strs *rs);
int ag_norm_on_module(struct ag_norm *n, const struct ag_rec *r, const struct ag_norm_strs *rs);

#endif /* AG_LINUX_NORMALIZE_INT_H */
