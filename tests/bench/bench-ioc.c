// SPDX-License-Identifier: Apache-2.0
/*
 * IOC and YARA benchmark (meson benchmark 'ioc'; prints figures, checks
 * nothing). Generated feeds: 1M SHA256 hashes, 1M domains (half exact,
 * half subdomain entries), 100k IPv4/IPv6 networks. For each: the time
 * sigmac-c takes to parse the feed and build its tables, the bytes per
 * entry of the tables the agent carries, and lookups per second on one
 * core (hits and misses mixed). Then YARA: scan throughput over one binary
 * and the cache hit rate when the same binary is submitted again and
 * again (the exec-loop case), through the scan pool.
 *
 * Usage: bench-ioc [SCALE]   (SCALE divides the entry counts; default 1)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctx.h"
#include "fscan.h"
#include "gen_abi.h"
#include "ioc.h"
#include "ioc_feed.h"
#include "yara_compile.h"
#include "yara_scan.h"
#include "codegen/ioc_tables.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

struct text {
	char *p;
	size_t n, cap;
};

static void add(struct text *t, const char *s, size_t n)
{
	if (t->n + n + 1 > t->cap) {
		t->cap = (t->n + n + 1) * 2;
		t->p = realloc(t->p, t->cap);
		if (!t->p)
			exit(2);
	}
	memcpy(t->p + t->n, s, n);
	t->n += n;
}

static size_t set_bytes(const struct sc_ioc_set_out *o)
{
	return o->keys_len + (o->width ? 0 : 4 * ((size_t)o->nkeys + 1)) +
	       4 * (size_t)o->ph.nslots + 4 * (size_t)o->ph.nbuckets + 8 * (size_t)o->nruns +
	       sizeof(struct sgr_ioc_set);
}

static size_t cidr_bytes(const struct sc_ioc_cidr_out *o)
{
	return (size_t)o->n * (o->width + 1 + 4 + 4) + sizeof(struct sgr_ioc_cidrs);
}

/* Parse a generated feed and build the tables; prints the compile figures. */
static struct sc_ctx *compile(const char *what, const char *name, const struct text *t,
			      struct sc_ioc_tables *tab, struct sc_intel_view *v)
{
	struct sc_ctx *ctx = sc_ctx_new();
	double t0 = now(), t1, t2;

	sc_ioc_load_buffer(ctx, name, (const uint8_t *)t->p, t->n);
	t1 = now();
	if (sc_ioc_tables_build(ctx, tab) < 0) {
		fprintf(stderr, "bench-ioc: table build failed\n");
		exit(2);
	}
	t2 = now();
	sc_ioc_tables_view(ctx, tab, v);
	printf("%-22s compile: parse %.2f s + tables %.2f s = %.2f s (%zu entries, %.1f MB of feed)\n",
	       what, t1 - t0, t2 - t1, t2 - t0, ctx->ioc->n, t->n / 1e6);
	return ctx;
}

static void report(const char *what, size_t bytes, uint64_t n, double secs, uint64_t lookups,
		   uint64_t hits)
{
	printf("%-22s %.1f bytes/entry (%.1f MB), %.2f M lookups/s per core (%llu of %llu hit)\n",
	       what, (double)bytes / (double)n, bytes / 1e6, lookups / secs / 1e6,
	       (unsigned long long)hits, (unsigned long long)lookups);
}

static void bench_hashes(uint32_t n)
{
	struct sc_ioc_tables tab;
	struct sc_intel_view v;
	struct text t = {0};
	struct sc_ctx *ctx;
	struct ag_ioc_hit h[2];
	uint8_t(*keys)[32] = malloc((size_t)n * 32);
	uint64_t hits = 0, lookups = 0, i;
	double t0, secs;
	char line[80];

	for (i = 0; i < n; i++) {
		size_t k;

		for (k = 0; k < 32; k++)
			keys[i][k] = (uint8_t)next();
		for (k = 0; k < 32; k++)
			snprintf(line + 2 * k, 3, "%02x", keys[i][k]);
		add(&t, line, 64);
		add(&t, ";sample\n", 8);
	}
	ctx = compile("sha256 (1M)", "hashes.txt", &t, &tab, &v);
	t0 = now();
	for (lookups = 0; lookups < 4ull * n; lookups++) {
		uint8_t k[32];

		memcpy(k, keys[(lookups * 2654435761u) % n], 32);
		if (lookups & 1)
			k[0] ^= 0x5a; /* a miss */
		hits += ag_ioc_hash_find(&v.intel, k, 32, h, 2);
	}
	secs = now() - t0;
	report("sha256 (1M)", set_bytes(&tab.sets[SGR_IOC_SHA256]), tab.sets[SGR_IOC_SHA256].nkeys,
	       secs, lookups, hits);
	sc_ioc_tables_done(&tab);
	sc_ctx_free(ctx);
	free(keys);
	free(t.p);
}

static void bench_domains(uint32_t n)
{
	static const char *const tld[] = {"com", "net", "org", "io", "ru", "info"};
	struct sc_ioc_tables tab;
	struct sc_intel_view v;
	struct text t = {0};
	struct sc_ctx *ctx;
	struct ag_ioc_hit h[4];
	char(*names)[48] = malloc((size_t)n * 48);
	uint64_t hits = 0, lookups, i;
	size_t bytes;
	double t0, secs;

	for (i = 0; i < n; i++) {
		uint64_t r = next();
		int len = 6 + (int)(r % 10), k;
		char lbl[20];

		for (k = 0; k < len; k++)
			lbl[k] = (char)('a' + (next() % 26));
		lbl[len] = '\0';
		snprintf(names[i], 48, "%s%u.%s", lbl, (unsigned)(i % 1000), tld[r % 6]);
		if (i & 1)
			add(&t, ".", 1); /* half are subdomain entries */
		add(&t, names[i], strlen(names[i]));
		add(&t, ";feed\n", 6);
	}
	ctx = compile("domains (1M)", "domains.txt", &t, &tab, &v);
	t0 = now();
	for (lookups = 0; lookups < 2ull * n; lookups++) {
		char q[80];
		const char *name = names[(lookups * 2654435761u) % n];
		int ql;

		switch (lookups % 4) {
		case 0:
			ql = snprintf(q, sizeof(q), "%s", name);
			break;
		case 1:
			ql = snprintf(q, sizeof(q), "www.cdn.%s",
				      name); /* hit when a subdomain entry */
			break;
		case 2:
			ql = snprintf(q, sizeof(q), "x%s", name); /* look-alike: miss */
			break;
		default:
			ql = snprintf(q, sizeof(q), "a.b.c.%s.example", name); /* miss */
			break;
		}
		hits += ag_ioc_domain_find(&v.intel, q, (size_t)ql, h, 4) > 0;
	}
	secs = now() - t0;
	bytes = set_bytes(&tab.sets[SGR_IOC_DOMAIN]) + set_bytes(&tab.sets[SGR_IOC_SUBDOMAIN]);
	report("domains (1M)", bytes,
	       tab.sets[SGR_IOC_DOMAIN].nkeys + tab.sets[SGR_IOC_SUBDOMAIN].nkeys, secs, lookups,
	       hits);
	sc_ioc_tables_done(&tab);
	sc_ctx_free(ctx);
	free(names);
	free(t.p);
}

static void bench_cidrs(uint32_t n)
{
	struct sc_ioc_tables tab;
	struct sc_intel_view v;
	struct text t = {0};
	struct sc_ctx *ctx;
	struct ag_ioc_hit h[8];
	uint64_t hits = 0, lookups, i;
	double t0, secs;
	char line[80];

	for (i = 0; i < n; i++) {
		uint64_t r = next();
		int l;

		if (i % 4 == 3) /* a quarter IPv6 */
			l = snprintf(line, sizeof(line), "2001:%x:%x::/48;v6\n",
				     (unsigned)(r & 0xffff), (unsigned)((r >> 16) & 0xffff));
		else
			l = snprintf(line, sizeof(line), "%u.%u.%u.0/%u;v4\n", (unsigned)(r & 0xff),
				     (unsigned)((r >> 8) & 0xff), (unsigned)((r >> 16) & 0xff),
				     16 + (unsigned)((r >> 24) % 9));
		add(&t, line, (size_t)l);
	}
	ctx = compile("networks (100k)", "ips.txt", &t, &tab, &v);
	t0 = now();
	for (lookups = 0; lookups < 40ull * n; lookups++) {
		uint64_t r = next();
		int l;

		if (lookups % 4 == 3)
			l = snprintf(line, sizeof(line), "2001:%x:%x::1", (unsigned)(r & 0xffff),
				     (unsigned)((r >> 16) & 0xffff));
		else
			l = snprintf(line, sizeof(line), "%u.%u.%u.%u", (unsigned)(r & 0xff),
				     (unsigned)((r >> 8) & 0xff), (unsigned)((r >> 16) & 0xff),
				     (unsigned)((r >> 24) & 0xff));
		hits += ag_ioc_ip_find(&v.intel, line, (size_t)l, h, 8) > 0;
	}
	secs = now() - t0;
	report("networks (100k)", cidr_bytes(&tab.cidr[0]) + cidr_bytes(&tab.cidr[1]),
	       tab.cidr[0].n + tab.cidr[1].n, secs, lookups, hits);
	printf("%-22s (lookups include parsing the address text with inet_pton)\n", "");
	sc_ioc_tables_done(&tab);
	sc_ctx_free(ctx);
	free(t.p);
}

static void bench_yara(const char *target)
{
	static const char rules[] =
		"rule b1 { strings: $a = \"SIGMAC_BENCH_NEVER_PRESENT_1\" condition: $a }\n"
		"rule b2 { strings: $a = { 4D 5A 90 00 03 00 00 00 } condition: $a at 0 }\n"
		"rule b3 { strings: $a = /https?:\\/\\/[a-z0-9.]{4,40}\\/[a-z]{3,10}\\.php/ "
		"condition: $a }\n"
		"rule b4 { strings: $a = \"cmd.exe /c\" nocase wide ascii condition: $a }\n";
	char path[] = "/tmp/sigmac-bench-yara-XXXXXX";
	struct sc_ctx *ctx = sc_ctx_new();
	struct sgr_intel in = {.abi_version = SGR_ABI_VERSION};
	struct ag_fscan_opts o = {.threads = 1, .hash = true};
	struct ag_fscan_stats st;
	struct ag_fscan_result *r = malloc(sizeof(*r));
	struct ag_fscan *fs;
	struct ag_yara *y;
	double t0, secs, first;
	int fd = mkstemp(path), i, rounds = 200;

	if (fd < 0 || write(fd, rules, sizeof(rules) - 1) != (ssize_t)sizeof(rules) - 1 || !r)
		exit(2);
	close(fd);
	sc_yara_add_path(ctx, path);
	if (sc_yara_finish(ctx) < 0 || !ctx->yara->blob) {
		fprintf(stderr, "bench-ioc: YARA rules do not compile\n");
		exit(2);
	}
	unlink(path);
	in.yara = ctx->yara->blob;
	in.yara_len = ctx->yara->len;
	if (ag_yara_load(&in, &y) < 0 || ag_fscan_new(&o, y, &fs) < 0)
		exit(2);
	/* First scan: a miss (hash + YARA); the rest: the exec loop, cache hits. */
	t0 = now();
	first = 0;
	for (i = 0; i < rounds; i++) {
		if (i == 1)
			first = now() - t0;
		if (ag_fscan_submit(fs, -1, target, (uint64_t)i) < 0 ||
		    ag_fscan_poll(fs, r, -1) < 0 || r->status < 0) {
			fprintf(stderr, "bench-ioc: cannot scan %s\n", target);
			exit(2);
		}
	}
	secs = now() - t0 - first;
	ag_fscan_stats(fs, &st);
	printf("yara+hash, 1 binary    first scan: %.1f MB at %.1f MB/s (YARA + MD5/SHA1/SHA256); "
	       "exec loop: %d submissions, cache hit rate %.1f%%, %.0f results/s\n",
	       st.scanned_bytes / 1e6, st.scanned_bytes / first / 1e6, rounds,
	       100.0 * (double)st.cache_hits / (double)(st.cache_hits + st.cache_misses),
	       (rounds - 1) / secs);
	ag_fscan_free(fs);
	/* Throughput without the cache: one scanner, repeated scans of the file. */
	{
		void *sc = ag_yara_scanner_new(y, 10);
		uint32_t m[4], nm;
		uint64_t bytes = 0;
		int k;

		fd = open(target, O_RDONLY);
		t0 = now();
		for (k = 0; k < 20 && fd >= 0; k++) {
			ag_yara_scan_fd(sc, fd, m, 4, &nm);
			bytes += (uint64_t)lseek(fd, 0, SEEK_END);
		}
		secs = now() - t0;
		printf("yara scan throughput   %.1f MB/s (%s, %.1f MB, 4 rules, uncached)\n",
		       bytes / secs / 1e6, target, bytes / 20 / 1e6);
		if (fd >= 0)
			close(fd);
		ag_yara_scanner_free(sc);
	}
	ag_yara_free(y);
	sc_ctx_free(ctx);
	free(r);
}

int main(int argc, char **argv)
{
	uint32_t scale = argc > 1 ? (uint32_t)atoi(argv[1]) : 1;
	char self[4096];
	ssize_t l;

	if (!scale)
		scale = 1;
	bench_hashes(1000000 / scale);
	bench_domains(1000000 / scale);
	bench_cidrs(100000 / scale);
	l = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (l > 0) {
		self[l] = '\0';
		bench_yara(self);
	}
	return 0;
}
