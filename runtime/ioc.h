/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The IOC engine of the agent: lookups in the tables sigmac-c generated
 * (struct sgr_intel, include/agent/gen_abi.h) and the checks of one event.
 * Everything here is read-only over the shared tables and allocation-free:
 * safe to call from any thread, on the event path.
 *
 * API for the live loop (runtime/linux/):
 *   - per event, after Sigma detection: ag_ioc_check_event(&sgr_intel, ev,
 *     cb, arg): destination and source IPs, DNS QueryName and
 *     DestinationHostname (exact and subdomain entries), Image, ParentImage,
 *     TargetFilename, SourceFilename and ImageLoaded against the path
 *     globs, and hashes the event already carries (Sysmon Hashes). cb gets
 *     one call per matching indicator; alert with ag_alert_ioc().
 *   - file hashes the agent computes itself (runtime/fscan.h) are checked
 *     with ag_ioc_check_hashes().
 */
#ifndef AG_RUNTIME_IOC_H
#define AG_RUNTIME_IOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gen_abi.h"

struct ag_event;
struct ag_jsonw;
struct ag_alert_ctx;

/* Where a hit is: a set (enum sgr_ioc_setid), a network table or the paths. */
enum ag_ioc_table {
	AG_IOC_T_SET = 0,
	AG_IOC_T_CIDR4,
	AG_IOC_T_CIDR6,
	AG_IOC_T_PATH,
};

struct ag_ioc_hit {
	uint8_t table;	/* enum ag_ioc_table */
	uint8_t set;	/* AG_IOC_T_SET: enum sgr_ioc_setid */
	uint32_t index; /* key, network or glob index */
	uint32_t src;	/* index into intel->srcs */
};

/* Longest indicator text ag_ioc_hit_value() writes (a path glob may be cut). */
#define AG_IOC_VALUE_MAX 512

/* Index of key in set s (NULL allowed), or -1. */
int32_t ag_ioc_set_find(const struct sgr_ioc_set *s, const uint8_t *key, size_t len);

/* The source index of key k of set s. */
uint32_t ag_ioc_set_src(const struct sgr_ioc_set *s, uint32_t k);

/*
 * A domain name (any case, optional trailing dot): the exact entry, then
 * the subdomain entries of the name and each of its parent domains (the
 * longest first). Fills up to max hits; returns the number found.
 */
size_t ag_ioc_domain_find(const struct sgr_intel *in, const char *name, size_t len,
			  struct ag_ioc_hit *hits, size_t max);

/*
 * An IP address as text (IPv4, IPv6, IPv4-mapped IPv6): the exact entry,
 * then the networks that contain it, the most specific first.
 */
size_t ag_ioc_ip_find(const struct sgr_intel *in, const char *text, size_t len,
		      struct ag_ioc_hit *hits, size_t max);

/* A path against the globs (ASCII case-insensitive, whole path). */
size_t ag_ioc_path_find(const struct sgr_intel *in, const char *path, size_t len,
			struct ag_ioc_hit *hits, size_t max);

/* A raw digest (16, 20 or 32 bytes: MD5, SHA1, SHA256). */
size_t ag_ioc_hash_find(const struct sgr_intel *in, const uint8_t *digest, size_t len,
			struct ag_ioc_hit *hits, size_t max);

/* Glob match: '*' any run, '?' one byte; p is lower-case, s folded (ASCII). */
bool ag_ioc_glob(const uint8_t *p, size_t pn, const uint8_t *s, size_t sn);

/* "md5", "sha1", "sha256", "ip", "domain", "path". */
const char *ag_ioc_hit_type(const struct ag_ioc_hit *h);

/* The indicator as written in rule.id, NUL-terminated into buf; returns its length. */
size_t ag_ioc_hit_value(const struct sgr_intel *in, const struct ag_ioc_hit *h, char *buf,
			size_t cap);

/* Called for each indicator an event matches: field is the Sigma field name. */
typedef void (*ag_ioc_cb)(void *arg, const struct ag_ioc_hit *hit, const char *field,
			  const char *observed, size_t observed_len);

/* Check every IOC-relevant field of ev; returns the number of hits. */
size_t ag_ioc_check_event(const struct sgr_intel *in, const struct ag_event *ev, ag_ioc_cb cb,
			  void *arg);

/* Check computed digests (any may be NULL); observed is the file's path. */
size_t ag_ioc_check_hashes(const struct sgr_intel *in, const uint8_t *md5, const uint8_t *sha1,
			   const uint8_t *sha256, const char *path, ag_ioc_cb cb, void *arg);

/*
 * Append one IOC alert line for hit on event ev (observed: the value seen,
 * field: where). rule.id ioc::<type>::<value>, rule.name ioc:<type>:<value>,
 * rule.description "<comment> | observed: <value> | source: <feed>",
 * severity high (73), and an "ioc" object {type, value, observed, field,
 * feed, comment}. hashes: computed hex digests for file.hash / process.hash
 * (may be NULL). Returns 0 or -ENOMEM / -E2BIG (out unchanged).
 */
struct ag_alert_hook;
int ag_alert_ioc(struct ag_jsonw *out, const struct ag_alert_ctx *ac, const struct sgr_intel *in,
		 const struct ag_ioc_hit *hit, const char *field, const char *observed,
		 size_t observed_len, const struct ag_event *ev, const struct ag_alert_hook *hashes,
		 uint64_t now_ns);

#endif /* AG_RUNTIME_IOC_H */
