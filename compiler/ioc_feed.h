/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IOC feeds (--ioc FILE): parsing into a list of typed indicators. Two
 * formats: the reference system's line format (`VALUE;COMMENT`, `#` and
 * `//` comment lines), typed by the file's name (hashes*, ips*, domains*,
 * paths*), and CSV with the header `type,value,comment` (a `.csv` name or
 * that header on the first line). Every malformed line is a diagnostic
 * (SC_E_IOC_*) at its file:line:col; the other lines are kept. The tables
 * the agent carries are built from the list by codegen/ioc_tables.c.
 */
#ifndef SC_IOC_FEED_H
#define SC_IOC_FEED_H

#include <stddef.h>
#include <stdint.h>

struct sc_ctx;

/* Indicator kinds; the order is the order of the generated tables. */
enum sc_ioc_kind {
	SC_IOC_MD5 = 0,	  /* key: 16 raw bytes */
	SC_IOC_SHA1,	  /* key: 20 raw bytes */
	SC_IOC_SHA256,	  /* key: 32 raw bytes */
	SC_IOC_IP4,	  /* key: 4 bytes, network order */
	SC_IOC_IP6,	  /* key: 16 bytes */
	SC_IOC_DOMAIN,	  /* key: lower-case name, no trailing dot */
	SC_IOC_SUBDOMAIN, /* key: the apex; matches it and every subdomain */
	SC_IOC_CIDR4,	  /* key: 4-byte network (host bits zero), prefix */
	SC_IOC_CIDR6,	  /* key: 16-byte network, prefix */
	SC_IOC_PATH,	  /* key: glob ('*', '?'), ASCII lower-cased */
	_SC_IOC_MAX,
};

struct sc_ioc_ent {
	const uint8_t *key; /* arena */
	uint32_t len;	    /* key bytes */
	uint8_t kind;	    /* enum sc_ioc_kind */
	uint8_t prefix;	    /* CIDR prefix length */
	uint16_t _pad;
	uint32_t src;  /* source index: feed and comment (struct sc_ioc.src) */
	uint32_t line; /* where it was read (duplicate diagnostics) */
	uint32_t col;
};

/* A (feed, comment) pair that indicators share. */
struct sc_ioc_src {
	uint32_t feed;	     /* index into feeds */
	const char *comment; /* arena, "" when none */
};

struct sc_ioc {
	struct sc_ioc_ent *ent; /* heap array, input order */
	size_t n, cap;
	struct sc_ioc_src *src; /* heap array */
	uint32_t nsrc, capsrc;
	uint32_t *src_hash; /* open addressing over src (index + 1), heap */
	uint32_t src_hash_size;
	const char **feeds; /* display names (file base names, arena) */
	const char **paths; /* paths as given (arena) */
	uint32_t nfeeds, capfeeds;
	uint32_t bad_lines; /* lines rejected with an error */
};

/* The context's IOC list, created on first use (owned by ctx). */
struct sc_ioc *sc_ioc_get(struct sc_ctx *ctx);

/*
 * Parse feed file path into ctx's IOC list, reporting problems into
 * ctx->diags. Returns 0, or -errno when the file cannot be read (reported
 * as SC_E_IO).
 */
int sc_ioc_load(struct sc_ctx *ctx, const char *path);

/*
 * The same for a buffer (tests, fuzzers): name is the display path (its
 * base name types the feed). data needs no NUL terminator.
 */
void sc_ioc_load_buffer(struct sc_ctx *ctx, const char *name, const uint8_t *data, size_t len);

/* Free the list (ctx does it). Accepts NULL. */
void sc_ioc_free(struct sc_ioc *ioc);

/* "md5", "sha1", "sha256", "ip", "domain", "path": the rule.id type of a kind. */
const char *sc_ioc_kind_type(enum sc_ioc_kind k);

#endif /* SC_IOC_FEED_H */
