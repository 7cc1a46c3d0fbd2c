// SPDX-License-Identifier: Apache-2.0
/*
 * IOC lookups (ioc.h). The tables are sigmac-c's (compiler/codegen/
 * ioc_tables.c has the layout and its reasons):
 *
 *  - sets: the perfect hash of ag_phash_find() over compact keys, one
 *    hash and one comparison per probe;
 *  - domains: the exact set, then the apex set probed with the name and
 *    each parent domain ("a.b.example.com", "b.example.com",
 *    "example.com", "com"): one probe per label, so "notexample.com" never
 *    matches an entry for example.com;
 *  - networks: binary search for the last network <= address, then up the
 *    parent chain while a network does not contain the address;
 *  - paths: the globs, one by one (feeds hold few).
 *
 * No allocation: names and addresses are normalised into stack buffers.
 */
#include "ioc.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "event.h"
#include "taxonomy.h"

int32_t ag_ioc_set_find(const struct sgr_ioc_set *s, const uint8_t *key, size_t len)
{
	uint64_t h;
	uint32_t b, k;

	if (!s || !s->nkeys || (s->width && len != s->width))
		return -1;
	h = XXH3_64bits_withSeed(key, len, s->seed);
	b = sgr_phash_bucket(h, s->nbuckets);
	k = s->slots[sgr_phash_slot(h, s->disp[b], s->nslots)];
	if (!k--)
		return -1;
	if (s->width)
		return memcmp(s->keys + (size_t)k * s->width, key, len) == 0 ? (int32_t)k : -1;
	if (s->off[k + 1] - s->off[k] != len || memcmp(s->keys + s->off[k], key, len) != 0)
		return -1;
	return (int32_t)k;
}

uint32_t ag_ioc_set_src(const struct sgr_ioc_set *s, uint32_t k)
{
	uint32_t lo = 0, hi = s->nruns;

	/* The first run whose end is past k. */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (s->run_end[mid] <= k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->nruns ? s->run_src[lo] : 0;
}

static size_t add_set_hit(const struct sgr_intel *in, enum sgr_ioc_setid set, int32_t k,
			  struct ag_ioc_hit *hits, size_t n, size_t max)
{
	if (k < 0 || n >= max)
		return n;
	hits[n].table = AG_IOC_T_SET;
	hits[n].set = (uint8_t)set;
	hits[n].index = (uint32_t)k;
	hits[n].src = ag_ioc_set_src(in->sets[set], (uint32_t)k);
	return n + 1;
}

size_t ag_ioc_domain_find(const struct sgr_intel *in, const char *name, size_t len,
			  struct ag_ioc_hit *hits, size_t max)
{
	const struct sgr_ioc_set *sub = in->sets[SGR_IOC_SUBDOMAIN];
	uint8_t buf[256];
	size_t i, n = 0;

	if (len && name[len - 1] == '.')
		len--;
	if (!len || len > 253 || (!in->sets[SGR_IOC_DOMAIN] && !sub))
		return 0;
	for (i = 0; i < len; i++) {
		uint8_t c = (uint8_t)name[i];

		buf[i] = c >= 'A' && c <= 'Z' ? (uint8_t)(c | 0x20) : c;
	}
	n = add_set_hit(in, SGR_IOC_DOMAIN, ag_ioc_set_find(in->sets[SGR_IOC_DOMAIN], buf, len),
			hits, n, max);
	if (!sub)
		return n;
	for (i = 0; i < len; i++) {
		if (i && buf[i - 1] != '.')
			continue;
		n = add_set_hit(in, SGR_IOC_SUBDOMAIN, ag_ioc_set_find(sub, buf + i, len - i), hits,
				n, max);
	}
	return n;
}

static bool net_contains(const uint8_t *net, unsigned prefix, const uint8_t *a)
{
	unsigned full = prefix / 8, rest = prefix % 8;

	if (memcmp(net, a, full) != 0)
		return false;
	return !rest || ((net[full] ^ a[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

static size_t cidr_find(const struct sgr_ioc_cidrs *c, enum ag_ioc_table t, const uint8_t *a,
			struct ag_ioc_hit *hits, size_t n, size_t max)
{
	uint32_t lo = 0, hi, e;

	if (!c || !c->n)
		return n;
	hi = c->n;
	/* The last entry with net <= a. */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (memcmp(c->net + (size_t)mid * c->width, a, c->width) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return n;
	for (e = lo - 1; e != UINT32_MAX && n < max; e = c->parent[e]) {
		if (!net_contains(c->net + (size_t)e * c->width, c->prefix[e], a))
			continue;
		hits[n].table = (uint8_t)t;
		hits[n].set = 0;
		hits[n].index = e;
		hits[n].src = c->src[e];
		n++;
	}
	return n;
}

size_t ag_ioc_ip_find(const struct sgr_intel *in, const char *text, size_t len,
		      struct ag_ioc_hit *hits, size_t max)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	char buf[64];
	uint8_t a[16];
	size_t n = 0;

	if (!len || len >= sizeof(buf))
		return 0;
	memcpy(buf, text, len);
	buf[len] = '\0';
	if (len > 2 && buf[0] == '[' && buf[len - 1] == ']') {
		memmove(buf, buf + 1, len - 2);
		buf[len - 2] = '\0';
	}
	if (inet_pton(AF_INET, buf, a) == 1)
		goto v4;
	if (inet_pton(AF_INET6, buf, a) != 1)
		return 0;
	if (memcmp(a, mapped, 12) == 0) {
		memmove(a, a + 12, 4);
		goto v4;
	}
	n = add_set_hit(in, SGR_IOC_IP6, ag_ioc_set_find(in->sets[SGR_IOC_IP6], a, 16), hits, n,
			max);
	return cidr_find(in->cidr6, AG_IOC_T_CIDR6, a, hits, n, max);
v4:
	n = add_set_hit(in, SGR_IOC_IP4, ag_ioc_set_find(in->sets[SGR_IOC_IP4], a, 4), hits, n,
			max);
	return cidr_find(in->cidr4, AG_IOC_T_CIDR4, a, hits, n, max);
}

bool ag_ioc_glob(const uint8_t *p, size_t pn, const uint8_t *s, size_t sn)
{
	size_t pi = 0, si = 0, star_p = SIZE_MAX, star_s = 0;

	/* Iterative wildcard matching with one backtrack point: linear in practice. */
	while (si < sn) {
		uint8_t c = s[si];

		c = c >= 'A' && c <= 'Z' ? (uint8_t)(c | 0x20) : c;
		if (pi < pn && p[pi] == '*') {
			star_p = pi++;
			star_s = si;
		} else if (pi < pn && (p[pi] == '?' || p[pi] == c)) {
			pi++;
			si++;
		} else if (star_p != SIZE_MAX) {
			pi = star_p + 1;
			si = ++star_s;
		} else {
			return false;
		}
	}
	while (pi < pn && p[pi] == '*')
		pi++;
	return pi == pn;
}

size_t ag_ioc_path_find(const struct sgr_intel *in, const char *path, size_t len,
			struct ag_ioc_hit *hits, size_t max)
{
	const struct sgr_ioc_paths *p = in->paths;
	uint32_t i;
	size_t n = 0;

	for (i = 0; p && i < p->n && n < max; i++) {
		if (!ag_ioc_glob(p->pool + p->off[i], p->off[i + 1] - p->off[i],
				 (const uint8_t *)path, len))
			continue;
		hits[n].table = AG_IOC_T_PATH;
		hits[n].set = 0;
		hits[n].index = i;
		hits[n].src = p->src[i];
		n++;
	}
	return n;
}

size_t ag_ioc_hash_find(const struct sgr_intel *in, const uint8_t *digest, size_t len,
			struct ag_ioc_hit *hits, size_t max)
{
	enum sgr_ioc_setid set;

	if (len == 16)
		set = SGR_IOC_MD5;
	else if (len == 20)
		set = SGR_IOC_SHA1;
	else if (len == 32)
		set = SGR_IOC_SHA256;
	else
		return 0;
	return add_set_hit(in, set, ag_ioc_set_find(in->sets[set], digest, len), hits, 0, max);
}

const char *ag_ioc_hit_type(const struct ag_ioc_hit *h)
{
	static const char *const set_types[_SGR_IOC_SET_MAX] = {
		"md5", "sha1", "sha256", "ip", "ip", "domain", "domain",
	};

	switch (h->table) {
	case AG_IOC_T_SET:
		return h->set < _SGR_IOC_SET_MAX ? set_types[h->set] : "unknown";
	case AG_IOC_T_CIDR4:
	case AG_IOC_T_CIDR6:
		return "ip";
	default:
		return "path";
	}
}

size_t ag_ioc_hit_value(const struct sgr_intel *in, const struct ag_ioc_hit *h, char *buf,
			size_t cap)
{
	const struct sgr_ioc_set *s;
	const struct sgr_ioc_cidrs *c;
	size_t n = 0, i, l;

	if (!cap)
		return 0;
	buf[0] = '\0';
	switch (h->table) {
	case AG_IOC_T_SET:
		s = in->sets[h->set];
		if (h->set <= SGR_IOC_SHA256) {
			for (i = 0; i < s->width && 2 * i + 2 < cap; i++)
				n += (size_t)snprintf(buf + n, cap - n, "%02x",
						      s->keys[(size_t)h->index * s->width + i]);
		} else if (h->set == SGR_IOC_IP4 || h->set == SGR_IOC_IP6) {
			if (cap >= INET6_ADDRSTRLEN)
				inet_ntop(s->width == 4 ? AF_INET : AF_INET6,
					  s->keys + (size_t)h->index * s->width, buf,
					  (socklen_t)cap);
			n = strlen(buf);
		} else {
			l = s->off[h->index + 1] - s->off[h->index];
			if (h->set == SGR_IOC_SUBDOMAIN && n + 1 < cap)
				buf[n++] = '.';
			if (l > cap - n - 1)
				l = cap - n - 1;
			memcpy(buf + n, s->keys + s->off[h->index], l);
			n += l;
			buf[n] = '\0';
		}
		break;
	case AG_IOC_T_CIDR4:
	case AG_IOC_T_CIDR6:
		c = h->table == AG_IOC_T_CIDR4 ? in->cidr4 : in->cidr6;
		if (cap >= INET6_ADDRSTRLEN + 5) {
			inet_ntop(c->width == 4 ? AF_INET : AF_INET6,
				  c->net + (size_t)h->index * c->width, buf, (socklen_t)cap);
			n = strlen(buf);
			n += (size_t)snprintf(buf + n, cap - n, "/%u", c->prefix[h->index]);
		}
		break;
	default:
		l = in->paths->off[h->index + 1] - in->paths->off[h->index];
		if (l > cap - 1)
			l = cap - 1;
		memcpy(buf, in->paths->pool + in->paths->off[h->index], l);
		n = l;
		buf[n] = '\0';
		break;
	}
	return n;
}

/* ---- events ---- */

#define MAX_HITS 16

static size_t report(ag_ioc_cb cb, void *arg, const struct ag_ioc_hit *hits, size_t n,
		     const char *field, const char *v, size_t vn)
{
	size_t i;

	for (i = 0; i < n; i++)
		cb(arg, &hits[i], field, v, vn);
	return n;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Sysmon Hashes ("SHA1=..,MD5=..,SHA256=..,IMPHASH=.."), or one bare hex digest. */
static size_t check_hashes_field(const struct sgr_intel *in, const struct ag_kv *kv, ag_ioc_cb cb,
				 void *arg)
{
	struct ag_ioc_hit hits[MAX_HITS];
	size_t i = 0, n = kv->val_len, found = 0;
	const char *s = kv->val;

	while (i < n) {
		size_t end = i, b, k, hn;
		uint8_t raw[32];
		bool ok = true;

		while (end < n && s[end] != ',')
			end++;
		b = i;
		while (b < end && s[b] != '=')
			b++;
		b = b < end ? b + 1 : i;
		while (b < end && s[b] == ' ')
			b++;
		hn = end - b;
		if ((b == i || strncasecmp(s + i, "IMPHASH", 7) != 0) &&
		    (hn == 32 || hn == 40 || hn == 64)) {
			for (k = 0; k < hn / 2 && ok; k++) {
				int hi = hexval(s[b + 2 * k]), lo = hexval(s[b + 2 * k + 1]);

				ok = hi >= 0 && lo >= 0;
				raw[k] = (uint8_t)(hi << 4 | lo);
			}
			if (ok) {
				size_t h = ag_ioc_hash_find(in, raw, hn / 2, hits, MAX_HITS);

				found += report(cb, arg, hits, h, "Hashes", s + b, hn);
			}
		}
		i = end + 1;
	}
	return found;
}

size_t ag_ioc_check_event(const struct sgr_intel *in, const struct ag_event *ev, ag_ioc_cb cb,
			  void *arg)
{
	static const uint32_t ips[] = {AG_FIELD_DESTINATIONIP, AG_FIELD_SOURCEIP};
	static const uint32_t names[] = {AG_FIELD_QUERYNAME, AG_FIELD_DESTINATIONHOSTNAME};
	static const uint32_t paths[] = {AG_FIELD_IMAGE, AG_FIELD_PARENTIMAGE,
					 AG_FIELD_TARGETFILENAME, AG_FIELD_SOURCEFILENAME,
					 AG_FIELD_IMAGELOADED};
	static const char *const ip_names[] = {"DestinationIp", "SourceIp"};
	static const char *const name_names[] = {"QueryName", "DestinationHostname"};
	static const char *const path_names[] = {"Image", "ParentImage", "TargetFilename",
						 "SourceFilename", "ImageLoaded"};
	struct ag_ioc_hit hits[MAX_HITS];
	const struct ag_kv *kv;
	size_t i, found = 0, n;

	if (!in || !in->nindicators)
		return 0;
	for (i = 0; i < sizeof(ips) / sizeof(ips[0]); i++) {
		kv = ag_event_get(ev, ips[i]);
		if (!kv || !kv->val_len)
			continue;
		n = ag_ioc_ip_find(in, kv->val, kv->val_len, hits, MAX_HITS);
		found += report(cb, arg, hits, n, ip_names[i], kv->val, kv->val_len);
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		kv = ag_event_get(ev, names[i]);
		if (!kv || !kv->val_len)
			continue;
		n = ag_ioc_domain_find(in, kv->val, kv->val_len, hits, MAX_HITS);
		found += report(cb, arg, hits, n, name_names[i], kv->val, kv->val_len);
	}
	for (i = 0; in->paths && i < sizeof(paths) / sizeof(paths[0]); i++) {
		kv = ag_event_get(ev, paths[i]);
		if (!kv || !kv->val_len)
			continue;
		n = ag_ioc_path_find(in, kv->val, kv->val_len, hits, MAX_HITS);
		found += report(cb, arg, hits, n, path_names[i], kv->val, kv->val_len);
	}
	kv = ag_event_get(ev, AG_FIELD_HASHES);
	if (kv && kv->val_len)
		found += check_hashes_field(in, kv, cb, arg);
	return found;
}

size_t ag_ioc_check_hashes(const struct sgr_intel *in, const uint8_t *md5, const uint8_t *sha1,
			   const uint8_t *sha256, const char *path, ag_ioc_cb cb, void *arg)
{
	const uint8_t *d[3] = {md5, sha1, sha256};
	static const size_t dl[3] = {16, 20, 32};
	struct ag_ioc_hit hits[MAX_HITS];
	size_t i, found = 0, n;

	if (!in)
		return 0;
	for (i = 0; i < 3; i++) {
		if (!d[i])
			continue;
		n = ag_ioc_hash_find(in, d[i], dl[i], hits, MAX_HITS);
		found += report(cb, arg, hits, n, "file", path, path ? strlen(path) : 0);
	}
	return found;
}
