/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fixtures of the alert writer tests (alert_fixtures.c): events built by
 * hand with runtime/event.c, a standard rule and context, and assertions
 * over one alert line parsed by jcheck.
 */
#ifndef TU_ALERT_FIXTURES_H
#define TU_ALERT_FIXTURES_H

#include <criterion/criterion.h>
#include <stdint.h>

#include "alert.h"
#include "event.h"
#include "gen_abi.h"
#include "jcheck.h"
#include "jsonw.h"

#define expect_str(d, path, want)                                                                  \
	do {                                                                                       \
		char *got_ = jstr(d, path, NULL);                                                  \
		cr_assert_not_null(got_, "%s: missing or not a string", path);                     \
		cr_assert_str_eq(got_, want, "%s", path);                                          \
		free(got_);                                                                        \
	} while (0)

#define expect_raw(d, path, want)                                                                  \
	do {                                                                                       \
		char *got_ = jraw(d, path);                                                        \
		cr_assert_not_null(got_, "%s: missing", path);                                     \
		cr_assert_str_eq(got_, want, "%s", path);                                          \
		free(got_);                                                                        \
	} while (0)

#define expect_type(d, path, t)                                                                    \
	do {                                                                                       \
		const struct jent *e_ = jget(d, path);                                             \
		cr_assert_not_null(e_, "%s: missing", path);                                       \
		cr_assert_eq(e_->type, t, "%s: type %c, want %c", path, e_->type, t);              \
	} while (0)

#define expect_absent(d, path) cr_assert_null(jget(d, path), "%s: should be absent", path)

#define NOW_NS 1700000000123456789ull

#define HASHES                                                                                     \
	"SHA1=8B7C2E1A9D3F4A5B6C7D8E9F0A1B2C3D4E5F6A7B,MD5=0123456789ABCDEF0123456789ABCDEF,"      \
	"SHA256=AAAABBBBCCCCDDDDEEEEFFFF0000111122223333444455556666777788889999,"                 \
	"IMPHASH=00000000000000000000000000000000"


extern const char *const std_tags[];
extern const char *const std_refs[];
extern const struct sgr_rule std_rule;
extern const struct ag_alert_ctx std_ctx;

/* The core field id of a taxonomy name, or AG_FIELD_NONE. */
uint32_t core_id(const char *name, size_t n);
/* Add a field (the name resolved with core_id) with value flags. */
void addf(struct ag_event *ev, const char *name, const char *val, uint32_t flags);
void add(struct ag_event *ev, const char *name, const char *val);
/* A Sysmon 1 process creation with every field alerts map. */
void sysmon1(struct ag_event *ev);
/* An event of category cat from NULL-terminated name, value pairs. */
void mkev(struct ag_event *ev, const char *cat, ...);
/* Write the alert of r on ev into w (reset first), check it and parse it. */
struct jdoc *alert_doc(const struct sgr_rule *r, const struct ag_event *ev, struct ag_jsonw *w);

#endif /* TU_ALERT_FIXTURES_H */
