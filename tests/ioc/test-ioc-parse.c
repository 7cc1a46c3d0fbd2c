// SPDX-License-Identifier: Apache-2.0
/*
 * The IOC feed parser (compiler/ioc.c): both formats, typing by file name
 * and by CSV column, and every malformed line reported with its exact
 * FILE:LINE:COL and code while the other lines are kept.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "ioc_feed.h"
#include "test_util.h"
#include "codegen/ioc_tables.h"

static struct sc_ctx *load(const char *name, const char *text)
{
	struct sc_ctx *ctx = sc_ctx_new();

	sc_ioc_load_buffer(ctx, name, (const uint8_t *)text, strlen(text));
	return ctx;
}

static size_t nkind(const struct sc_ctx *ctx, enum sc_ioc_kind k)
{
	size_t i, n = 0;

	for (i = 0; ctx->ioc && i < ctx->ioc->n; i++)
		n += ctx->ioc->ent[i].kind == k;
	return n;
}

/* The diagnostic text for code at line:col exists and names file. */
static void expect_diag(const struct sc_ctx *ctx, const char *want)
{
	char *all = tu_diags_text(ctx);

	cr_expect(strstr(all, want) != NULL, "missing '%s' in:\n%s", want, all);
	free(all);
}

Test(ioc_parse, hashes_typed_by_length)
{
	struct sc_ctx *ctx = load(
		"feeds/hashes.txt",
		"# comment\n"
		"// another comment\n"
		"\n"
		"0C2674C3A97C53082187D930EFB645C2;Malware sample hash\n"
		"da39a3ee5e6b4b0d3255bfef95601890afd80709\n"
		"  e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 ; empty\r\n");

	cr_assert_eq(ctx->diags.n, 0);
	cr_assert_eq(nkind(ctx, SC_IOC_MD5), 1);
	cr_assert_eq(nkind(ctx, SC_IOC_SHA1), 1);
	cr_assert_eq(nkind(ctx, SC_IOC_SHA256), 1);
	cr_assert_eq(ctx->ioc->ent[0].key[0], 0x0c); /* raw bytes, case folded */
	cr_assert_str_eq(ctx->ioc->src[ctx->ioc->ent[0].src].comment, "Malware sample hash");
	cr_assert_str_eq(ctx->ioc->src[ctx->ioc->ent[2].src].comment, "empty");
	cr_assert_str_eq(ctx->ioc->feeds[0], "hashes.txt");
	sc_ctx_free(ctx);
}

Test(ioc_parse, malformed_hashes_have_positions)
{
	struct sc_ctx *ctx = load("hashes.txt", "0c2674c3a97c53082187d930efb645c2;ok\n"
						"0c2674c3a97c53082187d930efb645cZ;bad char\n"
						"   abc;short\n"
						";only a comment\n"
						"0c2674c3a97c53082187d930efb645c2aa;34 digits\n");

	cr_expect(tu_has(ctx, SC_E_IOC_BAD_HASH, 2, 32));
	cr_expect(tu_has(ctx, SC_E_IOC_BAD_HASH, 3, 4));
	cr_expect(tu_has(ctx, SC_E_IOC_BAD_HASH, 4, 1));
	cr_expect(tu_has(ctx, SC_E_IOC_BAD_HASH, 5, 1));
	expect_diag(ctx, "hashes.txt:2:32: error: SC_E_IOC_BAD_HASH:");
	cr_expect_eq(nkind(ctx, SC_IOC_MD5), 1, "the good line is kept");
	cr_expect_eq(ctx->ioc->bad_lines, 4);
	sc_ctx_free(ctx);
}

Test(ioc_parse, ips_and_networks)
{
	struct sc_ctx *ctx = load("ips-c2.txt", "203.0.113.1;C2\n"
						"10.0.0.0/8;lab\n"
						"2001:db8::/32\n"
						"::ffff:1.2.3.4\n"
						"192.168.1.1/24;host bits\n"
						"10.0.0.300;bad\n"
						"10.0.0.0/33\n"
						"10.0.0.0/x8\n"
						"1.2.3.4/32;a /32 is an address\n"
						"fe80::1%eth0\n");

	cr_expect_eq(nkind(ctx, SC_IOC_IP4), 2);
	cr_expect_eq(nkind(ctx, SC_IOC_CIDR4), 2);
	cr_expect_eq(nkind(ctx, SC_IOC_CIDR6), 1);
	cr_expect_eq(nkind(ctx, SC_IOC_IP6), 1);
	cr_expect(tu_has(ctx, SC_W_IOC_CIDR_HOST_BITS, 5, 1));
	cr_expect(tu_has(ctx, SC_E_IOC_BAD_IP, 6, 1));
	cr_expect(tu_has(ctx, SC_E_IOC_BAD_IP, 7, 10));
	cr_expect(tu_has(ctx, SC_E_IOC_BAD_IP, 8, 10));
	cr_expect(tu_has(ctx, SC_E_IOC_BAD_IP, 10, 1));
	sc_ctx_free(ctx);
}

Test(ioc_parse, domains_exact_and_subdomains)
{
	struct sc_ctx *ctx = load("domains.txt", "Evil.Example.COM.;exact, folded, trailing dot\n"
						 ".example.org;subdomains\n"
						 "*.example.net\n"
						 "bad domain.com\n"
						 "a..b.com\n"
						 "\xc3\xa9vil.com\n"
						 "*.\n");

	cr_expect_eq(nkind(ctx, SC_IOC_DOMAIN), 1);
	cr_expect_eq(nkind(ctx, SC_IOC_SUBDOMAIN), 2);
	cr_assert_eq(ctx->ioc->ent[0].len, 16);
	cr_expect(memcmp(ctx->ioc->ent[0].key, "evil.example.com", 16) == 0);
	cr_expect(memcmp(ctx->ioc->ent[1].key, "example.org", 11) == 0);
	cr_expect(tu_has(ctx, SC_E_IOC_BAD_DOMAIN, 4, 4));
	cr_expect(tu_has(ctx, SC_E_IOC_BAD_DOMAIN, 5, 3));
	cr_expect(tu_has(ctx, SC_E_IOC_BAD_DOMAIN, 6, 1));
	cr_expect(tu_has(ctx, SC_E_IOC_BAD_DOMAIN, 7, 1));
	sc_ctx_free(ctx);
}

Test(ioc_parse, csv_rows)
{
	struct sc_ctx *ctx = load(
		"intel.csv",
		"type,value,comment\n"
		"sha256,e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855,empty\n"
		"MD5,d41d8cd98f00b204e9800998ecf8427e,\"quoted, with comma\"\n"
		"ip,192.0.2.0/24,range, with a comma in the comment\n"
		"domain,\"*.evil.example\",sub\n"
		"path,C:\\Users\\Public\\*.exe,drop\n"
		"url,http://x,bad type\n"
		"md5,da39a3ee5e6b4b0d3255bfef95601890afd80709,sha1 as md5\n"
		"sha1\n"
		"domain,\"evil.example,open quote\n"
		"ip,10.0.0.1\n");

	cr_expect_eq(nkind(ctx, SC_IOC_SHA256), 1);
	cr_expect_eq(nkind(ctx, SC_IOC_MD5), 1);
	cr_expect_eq(nkind(ctx, SC_IOC_CIDR4), 1);
	cr_expect_eq(nkind(ctx, SC_IOC_SUBDOMAIN), 1);
	cr_expect_eq(nkind(ctx, SC_IOC_PATH), 1);
	cr_expect_eq(nkind(ctx, SC_IOC_IP4), 1);
	cr_expect(tu_has(ctx, SC_E_IOC_BAD_TYPE, 7, 1));
	cr_expect(tu_has(ctx, SC_E_IOC_BAD_HASH, 8, 5));
	cr_expect(tu_has(ctx, SC_E_IOC_CSV_SYNTAX, 9, 5));
	cr_expect(tu_has(ctx, SC_E_IOC_CSV_SYNTAX, 10, 0));
	expect_diag(ctx, "intel.csv:7:1: error: SC_E_IOC_BAD_TYPE: unknown indicator type 'url'");
	for (size_t i = 0; i < ctx->ioc->n; i++)
		if (ctx->ioc->ent[i].kind == SC_IOC_MD5)
			cr_expect_str_eq(ctx->ioc->src[ctx->ioc->ent[i].src].comment,
					 "quoted, with comma");
		else if (ctx->ioc->ent[i].kind == SC_IOC_CIDR4)
			cr_expect_str_eq(ctx->ioc->src[ctx->ioc->ent[i].src].comment,
					 "range, with a comma in the comment");
	sc_ctx_free(ctx);
}

Test(ioc_parse, csv_header_detected_without_csv_name)
{
	struct sc_ctx *ctx = load("intel.txt", "# x\nType, Value, Comment\nip,10.0.0.1,c\n");

	cr_expect_eq(ctx->diags.n, 0);
	cr_expect_eq(nkind(ctx, SC_IOC_IP4), 1);
	sc_ctx_free(ctx);
}

Test(ioc_parse, csv_without_header_is_skipped)
{
	struct sc_ctx *ctx = load("x.csv", "kind,indicator,note\nip,10.0.0.1,c\n");

	cr_expect(tu_has(ctx, SC_E_IOC_CSV_HEADER, 1, 1));
	cr_expect_eq(ctx->ioc->n, 0);
	sc_ctx_free(ctx);
}

Test(ioc_parse, untyped_name_is_an_error)
{
	struct sc_ctx *ctx = load("intel.txt", "10.0.0.1;c2\n");

	cr_expect(tu_has(ctx, SC_E_IOC_FILE_TYPE, 0, 0));
	expect_diag(ctx, "intel.txt:0:0: error: SC_E_IOC_FILE_TYPE:");
	sc_ctx_free(ctx);
}

Test(ioc_parse, empty_feed_warns)
{
	struct sc_ctx *ctx = load("paths.txt", "# nothing\n\n");

	cr_expect(tu_has(ctx, SC_W_IOC_EMPTY_FEED, 0, 0));
	sc_ctx_free(ctx);
}

Test(ioc_parse, paths_folded_and_control_characters_rejected)
{
	struct sc_ctx *ctx = load("paths.txt", "/TMP/Evil/*;drop\n/tmp/\x01x\n");

	cr_expect_eq(nkind(ctx, SC_IOC_PATH), 1);
	cr_expect(memcmp(ctx->ioc->ent[0].key, "/tmp/evil/*", 11) == 0);
	cr_expect(tu_has(ctx, SC_E_IOC_BAD_PATH, 2, 6));
	sc_ctx_free(ctx);
}

Test(ioc_parse, columns_count_code_points)
{
	/* The comment's 'é' is after the value: the column of Z counts 'é' as one. */
	struct sc_ctx *ctx = load("domains.txt", "\xc3\xa9\xc3\xa9x.com\n");

	cr_expect(tu_has(ctx, SC_E_IOC_BAD_DOMAIN, 1, 1));
	sc_ctx_free(ctx);
	ctx = load("ips.txt", "10.0.0.0/3\xc3\xa9\n");
	cr_expect(tu_has(ctx, SC_E_IOC_BAD_IP, 1, 11));
	sc_ctx_free(ctx);
}

Test(ioc_parse, duplicates_warn_when_tables_are_built)
{
	struct sc_ctx *ctx = sc_ctx_new();
	struct sc_ioc_tables t;
	const char *a = "evil.example.com;first\n";
	const char *b = "type,value,comment\ndomain,EVIL.example.com,second\n";

	sc_ioc_load_buffer(ctx, "domains.txt", (const uint8_t *)a, strlen(a));
	sc_ioc_load_buffer(ctx, "more.csv", (const uint8_t *)b, strlen(b));
	cr_assert_eq(sc_ioc_tables_build(ctx, &t), 0);
	cr_expect_eq(t.sets[SGR_IOC_DOMAIN].nkeys, 1);
	cr_expect(tu_has(ctx, SC_W_IOC_DUPLICATE, 2, 8));
	expect_diag(ctx, "already listed at domains.txt:1");
	sc_ioc_tables_done(&t);
	sc_ctx_free(ctx);
}
