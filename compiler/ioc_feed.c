// SPDX-License-Identifier: Apache-2.0
/*
 * IOC feed parsing (see ioc_feed.h for the formats). One pass over the file,
 * line by line; each line is trimmed, comment lines are skipped, and the
 * value is validated by the type the file name (line format) or the type
 * column (CSV) gives:
 *
 *   hashes   hex, lower-cased; 32 digits MD5, 40 SHA1, 64 SHA256
 *   ips      IPv4/IPv6 address, or a network ADDR/PREFIX (host bits are
 *            masked with a warning)
 *   domains  lower-cased, trailing '.' dropped; '.x' or '*.x' is x and all
 *            its subdomains; labels of [a-z0-9_-], 1..63 bytes, 253 total
 *   paths    a glob ('*' any run, '?' one byte), ASCII lower-cased
 *
 * Columns count code points from 1, as every diagnostic does. Duplicates
 * are found later, when the tables are built (codegen/ioc_tables.c).
 * Not here: matching (the agent, runtime/ioc.c).
 */
#include "ioc_feed.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "arena.h"
#include "ctx.h"
#include "diag.h"
#include "source.h"

enum feed_type {
	FT_NONE = 0,
	FT_HASHES,
	FT_IPS,
	FT_DOMAINS,
	FT_PATHS,
	FT_CSV,
};

/* One line being parsed: its bytes and where it starts. */
struct line {
	const char *file; /* display path (arena) */
	const uint8_t *s; /* line start */
	size_t n;	  /* bytes, without the line break */
	uint32_t lineno;
};

struct sc_ioc *sc_ioc_get(struct sc_ctx *ctx)
{
	if (!ctx->ioc) {
		ctx->ioc = calloc(1, sizeof(*ctx->ioc));
		if (!ctx->ioc)
			sc_oom();
	}
	return ctx->ioc;
}

void sc_ioc_free(struct sc_ioc *ioc)
{
	if (!ioc)
		return;
	free(ioc->ent);
	free(ioc->src);
	free(ioc->src_hash);
	free(ioc->feeds);
	free(ioc->paths);
	free(ioc);
}

const char *sc_ioc_kind_type(enum sc_ioc_kind k)
{
	switch (k) {
	case SC_IOC_MD5:
		return "md5";
	case SC_IOC_SHA1:
		return "sha1";
	case SC_IOC_SHA256:
		return "sha256";
	case SC_IOC_IP4:
	case SC_IOC_IP6:
	case SC_IOC_CIDR4:
	case SC_IOC_CIDR6:
		return "ip";
	case SC_IOC_DOMAIN:
	case SC_IOC_SUBDOMAIN:
		return "domain";
	case SC_IOC_PATH:
		return "path";
	default:
		return "unknown";
	}
}

/* Column (code points, 1-based) of byte offset off in the line. */
static uint32_t col_of(const struct line *l, size_t off)
{
	uint32_t col = 1;
	size_t i;

	for (i = 0; i < off && i < l->n; i++)
		col += (l->s[i] & 0xc0) != 0x80;
	return col;
}

static void line_diag(struct sc_ctx *ctx, const struct line *l, size_t off, enum sc_code code,
		      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void line_diag(struct sc_ctx *ctx, const struct line *l, size_t off, enum sc_code code,
		      const char *fmt, ...)
{
	struct sc_pos pos = {l->lineno, col_of(l, off)};
	va_list ap;

	va_start(ap, fmt);
	sc_vdiag(&ctx->diags, code, l->file, pos, fmt, ap);
	va_end(ap);
	if (sc_code_severity(code) == SC_SEV_ERROR)
		sc_ioc_get(ctx)->bad_lines++;
}

/* ---- sources: (feed, comment) pairs, interned ---- */

static void src_rehash(struct sc_ioc *ioc)
{
	uint32_t size = ioc->src_hash_size ? ioc->src_hash_size * 2 : 1024, i;

	free(ioc->src_hash);
	ioc->src_hash = calloc(size, sizeof(*ioc->src_hash));
	if (!ioc->src_hash)
		sc_oom();
	ioc->src_hash_size = size;
	for (i = 0; i < ioc->nsrc; i++) {
		const struct sc_ioc_src *s = &ioc->src[i];
		uint64_t h = XXH3_64bits_withSeed(s->comment, strlen(s->comment), s->feed);
		uint32_t k = (uint32_t)h & (size - 1);

		while (ioc->src_hash[k])
			k = (k + 1) & (size - 1);
		ioc->src_hash[k] = i + 1;
	}
}

/* The index of source (feed, comment c[0..cn)), added when new. */
static uint32_t src_intern(struct sc_ioc *ioc, uint32_t feed, struct sc_arena *a, const uint8_t *c,
			   size_t cn)
{
	uint64_t h = XXH3_64bits_withSeed(c, cn, feed);
	uint32_t k;

	if ((ioc->nsrc + 1) * 2 > ioc->src_hash_size)
		src_rehash(ioc);
	for (k = (uint32_t)h & (ioc->src_hash_size - 1); ioc->src_hash[k];
	     k = (k + 1) & (ioc->src_hash_size - 1)) {
		const struct sc_ioc_src *s = &ioc->src[ioc->src_hash[k] - 1];

		if (s->feed == feed && strlen(s->comment) == cn && memcmp(s->comment, c, cn) == 0)
			return ioc->src_hash[k] - 1;
	}
	if (ioc->nsrc == ioc->capsrc) {
		ioc->capsrc = ioc->capsrc ? 2 * ioc->capsrc : 64;
		ioc->src = sc_xreallocarray(ioc->src, ioc->capsrc, sizeof(*ioc->src));
	}
	ioc->src[ioc->nsrc].feed = feed;
	ioc->src[ioc->nsrc].comment = sc_arena_strndup(a, (const char *)c, cn);
	ioc->src_hash[k] = ++ioc->nsrc;
	return ioc->nsrc - 1;
}

static void add_ent(struct sc_ctx *ctx, enum sc_ioc_kind kind, const uint8_t *key, uint32_t len,
		    uint8_t prefix, uint32_t src, const struct line *l, size_t off)
{
	struct sc_ioc *ioc = sc_ioc_get(ctx);
	struct sc_ioc_ent *e;

	if (ioc->n == ioc->cap) {
		ioc->cap = ioc->cap ? 2 * ioc->cap : 256;
		ioc->ent = sc_xreallocarray(ioc->ent, ioc->cap, sizeof(*ioc->ent));
	}
	e = &ioc->ent[ioc->n++];
	memset(e, 0, sizeof(*e));
	e->key = sc_arena_alloc(ctx->arena, len ? len : 1);
	memcpy((uint8_t *)e->key, key, len);
	e->len = len;
	e->kind = (uint8_t)kind;
	e->prefix = prefix;
	e->src = src;
	e->line = l->lineno;
	e->col = col_of(l, off);
}

/* ---- values ---- */

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * A hash of want hex digits (0: 32, 40 or 64) at v[0..n) (line offset off).
 * Returns false after a diagnostic.
 */
static bool parse_hash(struct sc_ctx *ctx, const struct line *l, size_t off, const uint8_t *v,
		       size_t n, size_t want, uint32_t src)
{
	uint8_t raw[32];
	enum sc_ioc_kind kind;
	size_t i;

	for (i = 0; i < n; i++) {
		if (hexval(v[i]) < 0) {
			line_diag(ctx, l, off + i, SC_E_IOC_BAD_HASH,
				  "hash '%.*s' holds a character that is not a hex digit",
				  (int)(n > 80 ? 80 : n), (const char *)v);
			return false;
		}
	}
	if ((want && n != want) || (!want && n != 32 && n != 40 && n != 64)) {
		if (want)
			line_diag(ctx, l, off, SC_E_IOC_BAD_HASH,
				  "hash has %zu hex digits where its type needs %zu", n, want);
		else
			line_diag(ctx, l, off, SC_E_IOC_BAD_HASH,
				  "hash has %zu hex digits (MD5 has 32, SHA1 40, SHA256 64)", n);
		return false;
	}
	for (i = 0; i < n / 2; i++)
		raw[i] = (uint8_t)(hexval(v[2 * i]) << 4 | hexval(v[2 * i + 1]));
	kind = n == 32 ? SC_IOC_MD5 : n == 40 ? SC_IOC_SHA1 : SC_IOC_SHA256;
	add_ent(ctx, kind, raw, (uint32_t)(n / 2), 0, src, l, off);
	return true;
}

static bool parse_ip(struct sc_ctx *ctx, const struct line *l, size_t off, const uint8_t *v,
		     size_t n, uint32_t src)
{
	char buf[64];
	uint8_t addr[16];
	const uint8_t *slash = memchr(v, '/', n);
	size_t an = slash ? (size_t)(slash - v) : n;
	unsigned prefix = 0, maxp, i;
	bool v6 = memchr(v, ':', an) != NULL, host = false;

	if (!an || an >= sizeof(buf)) {
		line_diag(ctx, l, off, SC_E_IOC_BAD_IP, "'%.*s' is not an IP address or network",
			  (int)(n > 80 ? 80 : n), (const char *)v);
		return false;
	}
	memcpy(buf, v, an);
	buf[an] = '\0';
	if (inet_pton(v6 ? AF_INET6 : AF_INET, buf, addr) != 1) {
		line_diag(ctx, l, off, SC_E_IOC_BAD_IP, "'%s' is not an IPv%d address", buf,
			  v6 ? 6 : 4);
		return false;
	}
	maxp = v6 ? 128 : 32;
	if (!slash) {
		add_ent(ctx, v6 ? SC_IOC_IP6 : SC_IOC_IP4, addr, v6 ? 16 : 4, 0, src, l, off);
		return true;
	}
	for (i = 1; an + i < n; i++) {
		uint8_t c = v[an + i];

		if (c < '0' || c > '9' || prefix > 1000) {
			line_diag(ctx, l, off + an + i, SC_E_IOC_BAD_IP,
				  "network prefix is not a number");
			return false;
		}
		prefix = prefix * 10 + (c - '0');
	}
	if (i == 1 || prefix > maxp) {
		line_diag(ctx, l, off + an + 1, SC_E_IOC_BAD_IP,
			  "network prefix must be a number from 0 to %u", maxp);
		return false;
	}
	for (i = 0; i < maxp / 8; i++) {
		unsigned keep = prefix >= 8 * (i + 1) ? 8 : prefix > 8 * i ? prefix - 8 * i : 0;
		uint8_t mask = (uint8_t)(keep ? 0xff << (8 - keep) : 0);

		host |= (addr[i] & (uint8_t)~mask) != 0;
		addr[i] &= mask;
	}
	if (host)
		line_diag(ctx, l, off, SC_W_IOC_CIDR_HOST_BITS,
			  "network '%.*s' has host bits set; they are ignored", (int)n,
			  (const char *)v);
	if (prefix == maxp)
		add_ent(ctx, v6 ? SC_IOC_IP6 : SC_IOC_IP4, addr, v6 ? 16 : 4, 0, src, l, off);
	else
		add_ent(ctx, v6 ? SC_IOC_CIDR6 : SC_IOC_CIDR4, addr, v6 ? 16 : 4, (uint8_t)prefix,
			src, l, off);
	return true;
}

static bool parse_domain(struct sc_ctx *ctx, const struct line *l, size_t off, const uint8_t *v,
			 size_t n, uint32_t src)
{
	uint8_t buf[256];
	bool sub = false;
	size_t skip = 0, i, label = 0;

	if (n >= 2 && v[0] == '*' && v[1] == '.')
		skip = 2;
	else if (n >= 1 && v[0] == '.')
		skip = 1;
	sub = skip > 0;
	if (n > skip && v[n - 1] == '.')
		n--;
	if (n <= skip) {
		line_diag(ctx, l, off, SC_E_IOC_BAD_DOMAIN, "empty domain name");
		return false;
	}
	if (n - skip > 253) {
		line_diag(ctx, l, off, SC_E_IOC_BAD_DOMAIN,
			  "domain name longer than 253 characters");
		return false;
	}
	for (i = skip; i < n; i++) {
		uint8_t c = v[i];

		if (c >= 'A' && c <= 'Z')
			c |= 0x20;
		if (c == '.') {
			if (!label) {
				line_diag(ctx, l, off + i, SC_E_IOC_BAD_DOMAIN,
					  "empty label in domain name");
				return false;
			}
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
			   c == '_') {
			if (++label > 63) {
				line_diag(ctx, l, off + i, SC_E_IOC_BAD_DOMAIN,
					  "domain label longer than 63 characters");
				return false;
			}
		} else {
			line_diag(ctx, l, off + i, SC_E_IOC_BAD_DOMAIN,
				  "character not allowed in a domain name (IDNs are written in "
				  "punycode, xn--...)");
			return false;
		}
		buf[i - skip] = c;
	}
	add_ent(ctx, sub ? SC_IOC_SUBDOMAIN : SC_IOC_DOMAIN, buf, (uint32_t)(n - skip), 0, src, l,
		off);
	return true;
}

static bool parse_path(struct sc_ctx *ctx, const struct line *l, size_t off, const uint8_t *v,
		       size_t n, uint32_t src)
{
	uint8_t *buf;
	size_t i;

	if (!n) {
		line_diag(ctx, l, off, SC_E_IOC_BAD_PATH, "empty path pattern");
		return false;
	}
	if (n > 4096) {
		line_diag(ctx, l, off, SC_E_IOC_BAD_PATH, "path pattern longer than 4096 bytes");
		return false;
	}
	buf = sc_xmalloc(n);
	for (i = 0; i < n; i++) {
		uint8_t c = v[i];

		if (c < 0x20 || c == 0x7f) {
			line_diag(ctx, l, off + i, SC_E_IOC_BAD_PATH,
				  "control character in path pattern");
			free(buf);
			return false;
		}
		buf[i] = c >= 'A' && c <= 'Z' ? (uint8_t)(c | 0x20) : c;
	}
	add_ent(ctx, SC_IOC_PATH, buf, (uint32_t)n, 0, src, l, off);
	free(buf);
	return true;
}

/* ---- lines ---- */

static bool is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Trim [*b, *e) of white space. */
static void trim(const uint8_t *s, size_t *b, size_t *e)
{
	while (*b < *e && is_space(s[*b]))
		(*b)++;
	while (*e > *b && is_space(s[*e - 1]))
		(*e)--;
}

static bool parse_value(struct sc_ctx *ctx, const struct line *l, enum feed_type ft,
			size_t hash_len, size_t vb, size_t ve, uint32_t src)
{
	const uint8_t *v = l->s + vb;
	size_t n = ve - vb;

	switch (ft) {
	case FT_HASHES:
		if (!n) {
			line_diag(ctx, l, vb, SC_E_IOC_BAD_HASH, "empty hash");
			return false;
		}
		return parse_hash(ctx, l, vb, v, n, hash_len, src);
	case FT_IPS:
		return parse_ip(ctx, l, vb, v, n, src);
	case FT_DOMAINS:
		return parse_domain(ctx, l, vb, v, n, src);
	case FT_PATHS:
		return parse_path(ctx, l, vb, v, n, src);
	default:
		return false;
	}
}

/* The line format: VALUE[;COMMENT]. */
static void parse_plain_line(struct sc_ctx *ctx, const struct line *l, enum feed_type ft,
			     uint32_t feed)
{
	struct sc_ioc *ioc = sc_ioc_get(ctx);
	size_t vb = 0, ve, cb, ce = l->n;
	const uint8_t *semi = memchr(l->s, ';', l->n);
	uint32_t src;

	ve = semi ? (size_t)(semi - l->s) : l->n;
	cb = semi ? ve + 1 : l->n;
	trim(l->s, &vb, &ve);
	trim(l->s, &cb, &ce);
	src = src_intern(ioc, feed, ctx->arena, l->s + cb, ce - cb);
	parse_value(ctx, l, ft, 0, vb, ve, src);
}

/*
 * One CSV field starting at *pos: quoted ("..." with "" for a quote,
 * copied into out) or bare (up to the next comma). Returns false for an
 * unclosed quote. *pos moves past the field and its comma.
 */
static bool csv_field(const struct line *l, size_t *pos, uint8_t *out, size_t cap, size_t *ret_b,
		      size_t *ret_e, size_t *ret_n, bool *ret_quoted)
{
	size_t i = *pos, b, e, n = 0;

	while (i < l->n && is_space(l->s[i]))
		i++;
	if (i < l->n && l->s[i] == '"') {
		b = i;
		for (i++; i < l->n; i++) {
			if (l->s[i] == '"') {
				if (i + 1 < l->n && l->s[i + 1] == '"') {
					i++;
				} else {
					break;
				}
			}
			if (n < cap)
				out[n++] = l->s[i];
		}
		if (i >= l->n)
			return false;
		e = ++i;
		while (i < l->n && l->s[i] != ',')
			i++;
		*ret_quoted = true;
	} else {
		b = i;
		while (i < l->n && l->s[i] != ',')
			i++;
		e = i;
		trim(l->s, &b, &e);
		*ret_quoted = false;
	}
	*ret_b = b;
	*ret_e = e;
	*ret_n = n;
	*pos = i < l->n ? i + 1 : i;
	return true;
}

static bool csv_is_header(const struct line *l)
{
	static const char *const want[3] = {"type", "value", "comment"};
	size_t pos = 0, b, e, n;
	uint8_t tmp[16];
	bool q;
	int k;

	for (k = 0; k < 3; k++) {
		if (!csv_field(l, &pos, tmp, sizeof(tmp), &b, &e, &n, &q) || q ||
		    e - b != strlen(want[k]) || strncasecmp((const char *)l->s + b, want[k], e - b))
			return false;
	}
	return pos >= l->n;
}

static const struct {
	const char *name;
	enum feed_type ft;
	size_t hash_len;
} csv_types[] = {
	{"md5", FT_HASHES, 32}, {"sha1", FT_HASHES, 40},   {"sha256", FT_HASHES, 64},
	{"ip", FT_IPS, 0},	{"domain", FT_DOMAINS, 0}, {"path", FT_PATHS, 0},
};

static void parse_csv_line(struct sc_ctx *ctx, const struct line *l, uint32_t feed)
{
	struct sc_ioc *ioc = sc_ioc_get(ctx);
	size_t pos = 0, tb, te, tn, vb, ve, vn, cb, ce, cn, k;
	uint8_t *tmp = sc_xmalloc(3 * (l->n + 1));
	uint8_t *tq = tmp, *vq = tmp + l->n + 1, *cq = tmp + 2 * (l->n + 1);
	bool q1, q2, q3 = false;
	struct line vl;
	uint32_t src;

	if (!csv_field(l, &pos, tq, l->n, &tb, &te, &tn, &q1) ||
	    !csv_field(l, &pos, vq, l->n, &vb, &ve, &vn, &q2)) {
		line_diag(ctx, l, l->n, SC_E_IOC_CSV_SYNTAX, "unclosed quote");
		goto out;
	}
	if (pos == l->n && (l->n == 0 || l->s[l->n - 1] != ',') && ve == l->n && !q2 && vb == ve) {
		line_diag(ctx, l, l->n, SC_E_IOC_CSV_SYNTAX,
			  "row has one field; CSV feeds have type,value[,comment]");
		goto out;
	}
	cb = ce = pos;
	cn = 0;
	if (pos < l->n) {
		if (l->s[pos] == '"' || (pos < l->n && is_space(l->s[pos]))) {
			size_t p2 = pos;

			if (!csv_field(l, &p2, cq, l->n, &cb, &ce, &cn, &q3)) {
				line_diag(ctx, l, l->n, SC_E_IOC_CSV_SYNTAX, "unclosed quote");
				goto out;
			}
		}
		if (!q3) {
			/* The comment is the rest of the row, commas included. */
			cb = pos;
			ce = l->n;
			trim(l->s, &cb, &ce);
		}
	}
	for (k = 0; k < sizeof(csv_types) / sizeof(csv_types[0]); k++)
		if (!q1 && te - tb == strlen(csv_types[k].name) &&
		    strncasecmp((const char *)l->s + tb, csv_types[k].name, te - tb) == 0)
			break;
	if (k == sizeof(csv_types) / sizeof(csv_types[0])) {
		line_diag(ctx, l, tb, SC_E_IOC_BAD_TYPE,
			  "unknown indicator type '%.*s' (md5, sha1, sha256, ip, domain, path)",
			  (int)((q1 ? tn : te - tb) > 40 ? 40 : (q1 ? tn : te - tb)),
			  q1 ? (const char *)tq : (const char *)l->s + tb);
		goto out;
	}
	src = q3 ? src_intern(ioc, feed, ctx->arena, cq, cn)
		 : src_intern(ioc, feed, ctx->arena, l->s + cb, ce - cb);
	if (q2) {
		/* Validate the unquoted copy; positions still point at the quote. */
		vl = *l;
		vl.s = vq;
		vl.n = vn;
		if (csv_types[k].ft == FT_HASHES || csv_types[k].ft == FT_IPS ||
		    csv_types[k].ft == FT_DOMAINS || csv_types[k].ft == FT_PATHS) {
			size_t mark = ctx->diags.n, i;

			parse_value(ctx, &vl, csv_types[k].ft, csv_types[k].hash_len, 0, vn, src);
			for (i = mark; i < ctx->diags.n; i++)
				ctx->diags.v[i].pos.col = col_of(l, vb);
			if (ioc->n && ioc->ent[ioc->n - 1].line == l->lineno)
				ioc->ent[ioc->n - 1].col = col_of(l, vb);
		}
	} else {
		parse_value(ctx, l, csv_types[k].ft, csv_types[k].hash_len, vb, ve, src);
	}
out:
	free(tmp);
}

/* The feed type from the file's base name, or FT_NONE. */
static enum feed_type type_of_name(const char *name)
{
	const char *base = strrchr(name, '/');
	size_t n;

	base = base ? base + 1 : name;
	n = strlen(base);
	if (n > 4 && strcasecmp(base + n - 4, ".csv") == 0)
		return FT_CSV;
	if (strncasecmp(base, "hashes", 6) == 0)
		return FT_HASHES;
	if (strncasecmp(base, "ips", 3) == 0)
		return FT_IPS;
	if (strncasecmp(base, "domains", 7) == 0)
		return FT_DOMAINS;
	if (strncasecmp(base, "paths", 5) == 0)
		return FT_PATHS;
	return FT_NONE;
}

static uint32_t add_feed(struct sc_ctx *ctx, const char *name)
{
	struct sc_ioc *ioc = sc_ioc_get(ctx);
	const char *base = strrchr(name, '/');

	if (ioc->nfeeds == ioc->capfeeds) {
		ioc->capfeeds = ioc->capfeeds ? 2 * ioc->capfeeds : 8;
		ioc->feeds = sc_xreallocarray(ioc->feeds, ioc->capfeeds, sizeof(*ioc->feeds));
		ioc->paths = sc_xreallocarray(ioc->paths, ioc->capfeeds, sizeof(*ioc->paths));
	}
	ioc->feeds[ioc->nfeeds] = sc_arena_strdup(ctx->arena, base ? base + 1 : name);
	ioc->paths[ioc->nfeeds] = sc_arena_strdup(ctx->arena, name);
	return ioc->nfeeds++;
}

void sc_ioc_load_buffer(struct sc_ctx *ctx, const char *name, const uint8_t *data, size_t len)
{
	enum feed_type ft = type_of_name(name);
	struct line l = {sc_arena_strdup(ctx->arena, name), NULL, 0, 0};
	struct sc_ioc *ioc = sc_ioc_get(ctx);
	size_t pos = 0, before = ioc->n;
	bool header_seen = false, first = true;
	uint32_t feed = add_feed(ctx, name);

	while (pos < len) {
		const uint8_t *nl = memchr(data + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - data) : len, b, e;

		l.s = data + pos;
		l.n = end - pos;
		l.lineno++;
		pos = nl ? end + 1 : len;
		if (l.n && l.s[l.n - 1] == '\r')
			l.n--;
		b = 0;
		e = l.n;
		trim(l.s, &b, &e);
		if (l.lineno == 1 && e - b >= 3 && memcmp(l.s + b, "\xef\xbb\xbf", 3) == 0) {
			/* UTF-8 byte order mark */
			l.s += 3;
			l.n -= 3;
			e -= 3;
		}
		if (b == e || l.s[b] == '#' || (e - b >= 2 && l.s[b] == '/' && l.s[b + 1] == '/'))
			continue;
		if (first) {
			first = false;
			if ((ft == FT_CSV || ft == FT_NONE) && csv_is_header(&l)) {
				ft = FT_CSV;
				header_seen = true;
				continue;
			}
			if (ft == FT_CSV) {
				line_diag(ctx, &l, b, SC_E_IOC_CSV_HEADER,
					  "CSV feed does not start with the header "
					  "'type,value,comment'; file skipped");
				return;
			}
			if (ft == FT_NONE) {
				sc_diag(&ctx->diags, SC_E_IOC_FILE_TYPE, l.file,
					(struct sc_pos){0, 0},
					"cannot tell the indicator type of '%s': name it hashes*, "
					"ips*, domains*, paths* or *.csv (header type,value,comment)",
					name);
				ioc->bad_lines++;
				return;
			}
		}
		if (header_seen)
			parse_csv_line(ctx, &l, feed);
		else
			parse_plain_line(ctx, &l, ft, feed);
	}
	if (ioc->n == before && !ioc->bad_lines)
		sc_diag(&ctx->diags, SC_W_IOC_EMPTY_FEED, l.file, (struct sc_pos){0, 0},
			"IOC feed '%s' holds no indicator", name);
}

int sc_ioc_load(struct sc_ctx *ctx, const char *path)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int err;

	err = sc_read_file(path, &buf, &len);
	if (err < 0) {
		sc_diag(&ctx->diags, SC_E_IO, sc_arena_strdup(ctx->arena, path),
			(struct sc_pos){0, 0}, "cannot read IOC feed '%s': %s", path,
			strerror(-err));
		sc_ioc_get(ctx)->bad_lines++;
		return err;
	}
	sc_ioc_load_buffer(ctx, path, buf, len);
	free(buf);
	return 0;
}
