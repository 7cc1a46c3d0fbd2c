/* SPDX-License-Identifier: Apache-2.0 */
/* live-trigger's actions in other files than live-trigger.c (see its usage). */
#ifndef SGL_TESTS_LIVE_TRIGGER_H
#define SGL_TESTS_LIVE_TRIGGER_H

#include <stdbool.h>
#include <stddef.h>

#define SKIP 77

/* Print "live-trigger: WHAT: strerror(errno)" and return 1. */
int fail(const char *what);

int uring_files(const char *dir, const char *tag);
int uring_connect(int port);
int uring_accept(int port);
int uring_personality(const char *dir, const char *tag);
int uring_nops(long n);

struct msghdr;
int uring_send(int s, const void *buf, size_t len, const struct msghdr *m);

int ia32_check(void);
int ia32_files(const char *dir, const char *tag);
int ia32_connect(int port);
int ia32_sys(void);
int ia32_traced(const char *dir, const char *tag);
struct sockaddr_in;
int ia32_dns(const char *mode, int s, const void *q1, size_t l1, const void *q2, size_t l2,
	     const struct sockaddr_in *dst);

#endif /* SGL_TESTS_LIVE_TRIGGER_H */
