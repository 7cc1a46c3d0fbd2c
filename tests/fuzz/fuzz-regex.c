// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target for the |re regex parser (compiler/regex.h). The first
 * input byte gives the flags (its low five bits are SC_RE_FLAG_I, M, S, X
 * and A; the parser ignores the others, so the seeds in corpus/regex/ start
 * with a printable selector: ' ' none, '!' I, '\'' I|M|S, '(' X, '0' A);
 * the rest is the pattern, not NUL-terminated. Each input is parsed,
 * dumped and described, and the result is checked against the invariants
 * regex.h promises; a violation aborts. The arena is freed every time, so
 * LeakSanitizer sees any leak.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "regex.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

/* Structural invariants of the AST; returns the node count. */
static size_t check_node(const struct sc_re_node *n, size_t len, uint32_t ngroups)
{
	size_t count = 1;
	uint32_t i;

	CHECK(n->offset <= len);
	switch (n->op) {
	case SC_RE_CLASS:
		for (i = 0; i < n->nranges; i++) {
			CHECK(n->ranges[i].lo <= n->ranges[i].hi);
			CHECK(n->ranges[i].hi <= 0x10FFFF);
			CHECK(i == 0 || n->ranges[i].lo > n->ranges[i - 1].hi + 1);
		}
		CHECK(n->nkids == 0);
		break;
	case SC_RE_CHAR:
		CHECK(n->cp <= 0x10FFFF);
		CHECK(n->nkids == 0);
		break;
	case SC_RE_CONCAT:
	case SC_RE_ALT:
		CHECK(n->nkids >= 2);
		break;
	case SC_RE_REPEAT:
		CHECK(n->nkids == 1);
		CHECK(n->min <= n->max);
		break;
	case SC_RE_GROUP:
		CHECK(n->nkids == 1);
		CHECK(!n->capture || (n->min >= 1 && n->min <= ngroups));
		break;
	case SC_RE_LOOK:
	case SC_RE_ATOMIC:
		CHECK(n->nkids == 1);
		break;
	case SC_RE_COND:
		CHECK(n->nkids == 2);
		CHECK(n->min >= 1 && n->min <= ngroups);
		break;
	case SC_RE_BACKREF:
		CHECK(n->min >= 1 && n->min <= ngroups);
		CHECK(n->nkids == 0);
		break;
	default:
		CHECK(n->nkids == 0);
		break;
	}
	for (i = 0; i < n->nkids; i++) {
		CHECK(n->kids[i] != NULL);
		count += check_node(n->kids[i], len, ngroups);
	}
	return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_buf out = SC_BUF_INIT;
	struct sc_re_error err;
	struct sc_re *re = NULL;
	struct sc_arena *a;
	size_t len;
	int rc;

	if (size < 1)
		return 0;
	len = size - 1;
	a = sc_arena_new();
	rc = sc_re_parse(a, (const char *)data + 1, len, data[0], &re, &err);
	if (rc == 0) {
		CHECK(re && re->root);
		check_node(re->root, len, re->ngroups);
		sc_re_dump(re->root, &out);
		CHECK(out.len > 0 && sc_utf8_valid((const uint8_t *)out.data, out.len));
		sc_buf_puts(&out, " ");
		sc_re_features_describe(re->features, &out);
		CHECK(strcmp(sc_re_class_name(re->cls), "?") != 0);
		/* The class follows from the deciding features. */
		if (re->features & 0x3F80u)
			CHECK(re->cls == SC_RE_UNSUPPORTED);
		else if (re->features & 0x007Fu)
			CHECK(re->cls == SC_RE_REWRITE);
		else
			CHECK(re->cls == SC_RE_DFA);
		CHECK(!(data[0] & 0x1F) == !(re->features & SC_RE_F_MOD_FLAGS));
	} else {
		CHECK(rc == -EINVAL && re == NULL);
		CHECK(err.offset <= len);
		CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
		CHECK(err.msg[0] != '\0');
		CHECK(sc_utf8_valid((const uint8_t *)err.msg, strlen(err.msg)));
	}
	sc_buf_done(&out);
	sc_arena_free(a);
	return 0;
}
