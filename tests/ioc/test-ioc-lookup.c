// SPDX-License-Identifier: Apache-2.0
/*
 * IOC lookups: tables built by the compiler (codegen/ioc_tables.c) and
 * read by the agent (runtime/ioc.c), as the generated code would hand
 * them over. Perfect-hash sets, network edges (first and last address,
 * one past, nesting, IPv4-mapped IPv6), subdomains and look-alikes, path
 * globs, the value text of rule.id, and event checks.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "event.h"
#include "ioc.h"
#include "ioc_feed.h"
#include "codegen/ioc_tables.h"

static struct sc_ctx *ctx;
static struct sc_ioc_tables tab;
static struct sc_intel_view view;
static const struct sgr_intel *in;

static void feed(const char *name, const char *text)
{
	sc_ioc_load_buffer(ctx, name, (const uint8_t *)text, strlen(text));
}

static void setup(void)
{
	char buf[64 * 1024];
	size_t off = 0;
	int i;

	ctx = sc_ctx_new();
	feed("hashes.txt",
	     "0c2674c3a97c53082187d930efb645c2;md5 sample\n"
	     "da39a3ee5e6b4b0d3255bfef95601890afd80709;sha1 sample\n"
	     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855;empty\n");
	/* Many keys, so that the perfect hash has real buckets. */
	for (i = 0; i < 1000; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%032x;bulk\n", i * 7919 + 1);
	feed("hashes-bulk.txt", buf);
	feed("ips.txt", "203.0.113.5;exact\n"
			"10.0.0.0/8;ten\n"
			"10.1.0.0/16;ten-one\n"
			"10.1.2.0/24;ten-one-two\n"
			"192.168.0.0/31;pair\n"
			"0.0.0.0/0;everything v4\n"
			"2001:db8::/32;doc\n"
			"2001:db8:ffff::/48;doc-tail\n"
			"::1;v6 loopback\n");
	feed("domains.txt", "example.com;exact example\n"
			    ".evil.example;evil and subs\n"
			    "*.deep.sub.test;deep\n"
			    "exact.only.test;exact only\n");
	feed("paths.txt", "/tmp/evil/*;evil dir\n"
			  "*\\public\\*.exe;public exe\n"
			  "/usr/bin/n?;two letters\n");
	cr_assert_eq(ctx->diags.nerrors, 0);
	cr_assert_eq(sc_ioc_tables_build(ctx, &tab), 0);
	sc_ioc_tables_view(ctx, &tab, &view);
	in = &view.intel;
}

static void teardown(void)
{
	sc_ioc_tables_done(&tab);
	sc_ctx_free(ctx);
}

TestSuite(ioc_lookup, .init = setup, .fini = teardown);

static const char *value(const struct ag_ioc_hit *h)
{
	static char buf[AG_IOC_VALUE_MAX];

	ag_ioc_hit_value(in, h, buf, sizeof(buf));
	return buf;
}

static const char *comment(const struct ag_ioc_hit *h)
{
	return in->comments + in->srcs[h->src].comment;
}

static size_t ip(const char *s, struct ag_ioc_hit *h)
{
	return ag_ioc_ip_find(in, s, strlen(s), h, 8);
}

static size_t dom(const char *s, struct ag_ioc_hit *h)
{
	return ag_ioc_domain_find(in, s, strlen(s), h, 8);
}

static void hex2raw(const char *hex, uint8_t *out)
{
	size_t i;

	for (i = 0; hex[2 * i]; i++) {
		unsigned v;

		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
}

Test(ioc_lookup, hashes_by_perfect_hash)
{
	struct ag_ioc_hit h[4];
	uint8_t raw[32];
	char hex[40];
	int i;

	hex2raw("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", raw);
	cr_assert_eq(ag_ioc_hash_find(in, raw, 32, h, 4), 1);
	cr_expect_str_eq(ag_ioc_hit_type(&h[0]), "sha256");
	cr_expect_str_eq(value(&h[0]),
			 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	cr_expect_str_eq(comment(&h[0]), "empty");
	raw[31] ^= 1;
	cr_expect_eq(ag_ioc_hash_find(in, raw, 32, h, 4), 0);
	hex2raw("da39a3ee5e6b4b0d3255bfef95601890afd80709", raw);
	cr_expect_eq(ag_ioc_hash_find(in, raw, 20, h, 4), 1);
	for (i = 0; i < 1000; i++) {
		snprintf(hex, sizeof(hex), "%032x", i * 7919 + 1);
		hex2raw(hex, raw);
		cr_assert_eq(ag_ioc_hash_find(in, raw, 16, h, 4), 1, "bulk key %d", i);
		cr_assert_str_eq(comment(&h[0]), "bulk");
		snprintf(hex, sizeof(hex), "%032x", i * 7919 + 2);
		hex2raw(hex, raw);
		cr_assert_eq(ag_ioc_hash_find(in, raw, 16, h, 4), 0);
	}
	hex2raw("0c2674c3a97c53082187d930efb645c2", raw);
	cr_expect_eq(ag_ioc_hash_find(in, raw, 16, h, 4), 1);
	cr_expect_str_eq(comment(&h[0]), "md5 sample");
	cr_expect_str_eq(in->feeds[in->srcs[h[0].src].feed], "hashes.txt");
}

Test(ioc_lookup, ipv4_networks_most_specific_first)
{
	struct ag_ioc_hit h[8];

	cr_assert_eq(ip("10.1.2.3", h), 4);
	cr_expect_str_eq(value(&h[0]), "10.1.2.0/24");
	cr_expect_str_eq(value(&h[1]), "10.1.0.0/16");
	cr_expect_str_eq(value(&h[2]), "10.0.0.0/8");
	cr_expect_str_eq(value(&h[3]), "0.0.0.0/0");
	cr_expect_eq(ip("10.1.2.255", h), 4, "last address of the /24");
	cr_expect_eq(ip("10.1.3.0", h), 3, "one past the /24");
	cr_expect_str_eq(value(&h[0]), "10.1.0.0/16");
	cr_expect_eq(ip("10.1.1.255", h), 3, "one before the /24");
	cr_expect_eq(ip("10.0.0.0", h), 2, "first address of the /8");
	cr_expect_eq(ip("10.255.255.255", h), 2, "last address of the /8");
	cr_expect_eq(ip("11.0.0.0", h), 1, "one past the /8: only /0");
	cr_expect_eq(ip("192.168.0.1", h), 2);
	cr_expect_eq(ip("192.168.0.2", h), 1);
	cr_expect_eq(ip("203.0.113.5", h), 2, "exact and /0");
	cr_expect_str_eq(value(&h[0]), "203.0.113.5");
	cr_expect_str_eq(comment(&h[0]), "exact");
	cr_expect_eq(ip("::ffff:10.1.2.3", h), 4, "IPv4-mapped IPv6 is IPv4");
	cr_expect_eq(ip("not an ip", h), 0);
	cr_expect_eq(ip("", h), 0);
}

Test(ioc_lookup, ipv6_networks)
{
	struct ag_ioc_hit h[8];

	cr_expect_eq(ip("2001:db8::1", h), 1);
	cr_expect_str_eq(value(&h[0]), "2001:db8::/32");
	cr_expect_eq(ip("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", h), 2);
	cr_expect_str_eq(value(&h[0]), "2001:db8:ffff::/48");
	cr_expect_eq(ip("2001:db9::", h), 0, "one past the /32");
	cr_expect_eq(ip("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", h), 0, "one before");
	cr_expect_eq(ip("::1", h), 1);
	cr_expect_eq(ip("[::1]", h), 1, "bracketed");
	cr_expect_eq(ip("::2", h), 0);
}

Test(ioc_lookup, domains_and_subdomains)
{
	struct ag_ioc_hit h[8];

	cr_expect_eq(dom("example.com", h), 1);
	cr_expect_eq(dom("EXAMPLE.com.", h), 1, "case and trailing dot");
	cr_expect_eq(dom("www.example.com", h), 0, "exact entry: no subdomains");
	cr_expect_eq(dom("evil.example", h), 1, "the apex of a subdomain entry");
	cr_expect_str_eq(value(&h[0]), ".evil.example");
	cr_expect_eq(dom("a.b.evil.example", h), 1);
	cr_expect_str_eq(comment(&h[0]), "evil and subs");
	cr_expect_eq(dom("notevil.example", h), 0, "not a subdomain");
	cr_expect_eq(dom("evil.example.com", h), 0);
	cr_expect_eq(dom("xevil.example", h), 0);
	cr_expect_eq(dom("deep.sub.test", h), 1);
	cr_expect_eq(dom("x.deep.sub.test", h), 1);
	cr_expect_eq(dom("sub.test", h), 0, "a parent of the apex");
	cr_expect_eq(dom("exact.only.test", h), 1);
	cr_expect_eq(dom("a.exact.only.test", h), 0);
	cr_expect_eq(dom("", h), 0);
	cr_expect_eq(dom(".", h), 0);
}

Test(ioc_lookup, path_globs)
{
	struct ag_ioc_hit h[8];
	const char *p;

	p = "/tmp/evil/x.sh";
	cr_expect_eq(ag_ioc_path_find(in, p, strlen(p), h, 8), 1);
	p = "/TMP/Evil/deeper/x";
	cr_expect_eq(ag_ioc_path_find(in, p, strlen(p), h, 8), 1, "case-insensitive, * spans /");
	p = "/tmp/evil";
	cr_expect_eq(ag_ioc_path_find(in, p, strlen(p), h, 8), 0);
	p = "C:\\Users\\Public\\drop.exe";
	cr_expect_eq(ag_ioc_path_find(in, p, strlen(p), h, 8), 1);
	cr_expect_str_eq(value(&h[0]), "*\\public\\*.exe");
	p = "C:\\Users\\Public\\drop.exe.txt";
	cr_expect_eq(ag_ioc_path_find(in, p, strlen(p), h, 8), 0);
	p = "/usr/bin/nc";
	cr_expect_eq(ag_ioc_path_find(in, p, strlen(p), h, 8), 1);
	p = "/usr/bin/ncat";
	cr_expect_eq(ag_ioc_path_find(in, p, strlen(p), h, 8), 0);
	cr_expect(ag_ioc_glob((const uint8_t *)"a*b*c", 5, (const uint8_t *)"aXbYbZc", 7));
	cr_expect(!ag_ioc_glob((const uint8_t *)"a*b*c", 5, (const uint8_t *)"aXbYbZ", 6));
	cr_expect(ag_ioc_glob((const uint8_t *)"**", 2, (const uint8_t *)"", 0));
}

struct seen {
	char v[8][AG_IOC_VALUE_MAX];
	char field[8][32];
	int n;
};

static void on_hit(void *arg, const struct ag_ioc_hit *hit, const char *field, const char *obs,
		   size_t on)
{
	struct seen *s = arg;

	(void)obs;
	(void)on;
	if (s->n < 8) {
		ag_ioc_hit_value(in, hit, s->v[s->n], AG_IOC_VALUE_MAX);
		snprintf(s->field[s->n], 32, "%s", field);
		s->n++;
	}
}

Test(ioc_lookup, event_fields)
{
	struct ag_event ev;
	struct seen s = {0};
	static const char hashes[] =
		"SHA1=DA39A3EE5E6B4B0D3255BFEF95601890AFD80709,MD5=fffffffffffffffffffffffffffffff0,"
		"IMPHASH=0c2674c3a97c53082187d930efb645c2";

	cr_assert_eq(ag_event_init(&ev, AG_FIELD_CORE_MAX), 0);
	ag_event_add(&ev, "DestinationIp", 13, "10.200.0.1", 10, 0, AG_FIELD_DESTINATIONIP);
	ag_event_add(&ev, "QueryName", 9, "c2.evil.example", 15, 0, AG_FIELD_QUERYNAME);
	ag_event_add(&ev, "Image", 5, "/tmp/evil/run", 13, 0, AG_FIELD_IMAGE);
	ag_event_add(&ev, "Hashes", 6, hashes, sizeof(hashes) - 1, 0, AG_FIELD_HASHES);
	cr_assert_eq(ag_ioc_check_event(in, &ev, on_hit, &s), 5);
	cr_expect_str_eq(s.v[0], "10.0.0.0/8");
	cr_expect_str_eq(s.field[0], "DestinationIp");
	cr_expect_str_eq(s.v[1], "0.0.0.0/0");
	cr_expect_str_eq(s.v[2], ".evil.example");
	cr_expect_str_eq(s.field[2], "QueryName");
	cr_expect_str_eq(s.v[3], "/tmp/evil/*");
	cr_expect_str_eq(s.v[4], "da39a3ee5e6b4b0d3255bfef95601890afd80709",
			 "IMPHASH is not an MD5");
	ag_event_done(&ev);
}

Test(ioc_lookup, empty_tables)
{
	struct sc_ctx *c2 = sc_ctx_new();
	struct sc_ioc_tables t2;
	struct sc_intel_view v2;
	struct ag_ioc_hit h[2];

	cr_assert_eq(sc_ioc_tables_build(c2, &t2), 0);
	sc_ioc_tables_view(c2, &t2, &v2);
	cr_expect_eq(ag_ioc_ip_find(&v2.intel, "10.0.0.1", 8, h, 2), 0);
	cr_expect_eq(ag_ioc_domain_find(&v2.intel, "a.b", 3, h, 2), 0);
	cr_expect_eq(ag_ioc_path_find(&v2.intel, "/x", 2, h, 2), 0);
	sc_ioc_tables_done(&t2);
	sc_ctx_free(c2);
}
