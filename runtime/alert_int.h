/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the parts of the alert writer: alert.c (the line, the
 * event and sigma sections, time), alert_rule.c (rule metadata, ATT&CK) and
 * alert_entities.c (process, user, file, network, registry). Not an API.
 */
#ifndef AG_RUNTIME_ALERT_INT_H
#define AG_RUNTIME_ALERT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "alert.h"
#include "event.h"
#include "gen_abi.h"
#include "jsonw.h"
#include "taxonomy.h"

/* A byte string view. */
struct sv {
	const char *p;
	size_t n;
};

/* An initializer for a view of a string literal. */
/* clang-format off */
#define SV(lit) {lit, sizeof(lit) - 1}
/* clang-format on */

static inline bool sv_eq(struct sv a, const char *b, size_t bn)
{
	return a.n == bn && memcmp(a.p, b, bn) == 0;
}

static inline char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* ASCII case-insensitive equality, with '_' equal to '-' when dash is set. */
static inline bool eq_fold(const char *a, size_t an, const char *b, size_t bn, bool dash)
{
	size_t i;

	if (an != bn)
		return false;
	for (i = 0; i < an; i++) {
		char x = lower(a[i]), y = lower(b[i]);

		if (dash) {
			x = x == '_' ? '-' : x;
			y = y == '_' ? '-' : y;
		}
		if (x != y)
			return false;
	}
	return true;
}

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static inline bool str_set(const char *s)
{
	return s && *s;
}

/*
 * An unsigned integer in decimal or "0x" hex, the whole text, at most max.
 * Returns false (ret_v untouched) for anything else.
 */
static inline bool parse_uint(const char *s, size_t n, uint64_t max, uint64_t *ret_v)
{
	uint64_t v = 0;
	size_t i = 0;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (i = 2; i < n; i++) {
			int d = hexval(s[i]);

			if (d < 0 || v > (max - (uint64_t)d) / 16)
				return false;
			v = v * 16 + (uint64_t)d;
		}
	} else {
		if (!n)
			return false;
		for (i = 0; i < n; i++) {
			if (!is_digit(s[i]) || v > (max - (uint64_t)(s[i] - '0')) / 10)
				return false;
			v = v * 10 + (uint64_t)(s[i] - '0');
		}
	}
	*ret_v = v;
	return true;
}

/* Index of the last '/' or '\\' in s, or n when there is none. */
static inline size_t last_sep(const char *s, size_t n)
{
	size_t i = n;

	while (i-- > 0)
		if (s[i] == '/' || s[i] == '\\')
			return i;
	return n;
}

/* Fields outside the taxonomy that alerts use, found by name. */
enum extra_field {
	X_PARENTPROCESSGUID,
	X_SOURCEHOSTNAME,
	X_DETAILS,
	X_HASH,
	X_SUBJECTDOMAINNAME,
	_X_MAX,
};

/* Everything read from the event once per alert. */
struct alert_in {
	const struct ag_event *ev;
	const struct ag_kv *x[_X_MAX]; /* extra fields (last occurrence) */
};

enum hash_target {
	HT_PROCESS,
	HT_FILE,
	HT_DLL,
};

struct cat_map {
	const char *name;     /* Sigma category */
	const char *ecs_cat;  /* event.category */
	const char *types[2]; /* event.type (NULL-terminated) */
	uint8_t hash_target;  /* where Hashes/OriginalFileName go */
};

struct hashes {
	struct sv md5, sha1, sha256, imphash;
};

/* alert.c: event fields (non-empty values only) and small writers. */
const struct ag_kv *al_field(const struct alert_in *in, uint32_t id);
const struct ag_kv *al_field2(const struct alert_in *in, uint32_t id, uint32_t alt);
const struct ag_kv *al_extra(const struct alert_in *in, enum extra_field x);
void al_put_kv(struct ag_jsonw *w, const char *key, const struct ag_kv *kv);
bool al_kv_uint(const struct ag_kv *kv, uint64_t max, uint64_t *ret_v);
void al_put_uint_kv(struct ag_jsonw *w, const char *key, const struct ag_kv *kv, uint64_t max);

/* alert_rule.c */
void al_put_rule(struct ag_jsonw *w, const struct ag_alert_ctx *ac, const struct sgr_rule *r);
void al_put_attack(struct ag_jsonw *w, const struct sgr_rule *r);

/* alert_entities.c */
void al_parse_hashes(const char *s, size_t n, struct hashes *h);
void al_put_process(struct ag_jsonw *w, const struct alert_in *in, const struct cat_map *cm,
		    const struct hashes *h);
void al_put_user(struct ag_jsonw *w, const struct alert_in *in);
void al_put_files(struct ag_jsonw *w, const struct alert_in *in, const struct cat_map *cm,
		  const struct hashes *h);
void al_put_network(struct ag_jsonw *w, const struct alert_in *in);
void al_put_registry(struct ag_jsonw *w, const struct alert_in *in);

#endif /* AG_RUNTIME_ALERT_INT_H */
