// SPDX-License-Identifier: Apache-2.0
/*
 * sigmac-c: the command line. Parses arguments, runs the front end over the
 * inputs, prints diagnostics and results. The only place that prints.
 *
 * Exit codes (ARCHITECTURE.md section 1): 0 every input accepted, 1 at least
 * one input rejected, 2 usage or internal error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ctx.h"
#include "diag.h"
#include "ioc_feed.h"
#include "ir_dump.h"
#include "placeholders.h"
#include "rule.h"
#include "ruleset.h"
#include "yara_compile.h"
#include "codegen/cg.h"
#include "codegen/ioc_tables.h"

#ifndef SC_VERSION
#define SC_VERSION "0.0.0"
#endif

enum {
	EXIT_ACCEPTED = 0,
	EXIT_REJECTED = 1,
	EXIT_USAGE = 2,
};

static void usage(FILE *f)
{
	fputs("usage: sigmac-c check   [--format text|json|sarif] [--placeholders FILE]\n"
	      "                        [--target linux|windows|replay] [--ioc FILE]...\n"
	      "                        [--yara PATH]... PATH...\n"
	      "       sigmac-c compile -o OUTDIR [--target linux|windows|replay]\n"
	      "                        [--ioc FILE]... [--yara PATH]...\n"
	      "                        [--placeholders FILE] [--min-level LEVEL]\n"
	      "                        [--status S,...] PATH...\n"
	      "       sigmac-c dump-ir [--format json] [--placeholders FILE] PATH...\n"
	      "       sigmac-c version\n"
	      "\n"
	      "PATH is a Sigma rule file or a directory searched recursively for *.yml\n"
	      "and *.yaml. --ioc FILE is an IOC feed (hashes*, ips*, domains*, paths*:\n"
	      "VALUE;COMMENT lines; or CSV type,value,comment); --yara PATH a YARA rule\n"
	      "file or a directory of *.yar/*.yara. Diagnostics read FILE:LINE:COL: error|warning: CODE: message\n"
	      "[rule-id]; codes are documented in compiler/DIAGNOSTICS.md.\n"
	      "Exit status: 0 all inputs accepted, 1 some input rejected, 2 usage error.\n",
	      f);
}

#define SC_MAX_INTEL_ARGS 256

struct opts {
	enum sc_diag_format format;
	const char *placeholders;
	enum sc_target target;
	const char *outdir;   /* compile */
	unsigned status_mask; /* compile: bit per enum sc_status */
	int min_level;	      /* compile: enum sc_level, 0 = all */
	const char *ioc[SC_MAX_INTEL_ARGS];  /* --ioc feeds */
	int nioc;
	const char *yara[SC_MAX_INTEL_ARGS]; /* --yara paths */
	int nyara;
};

/* Default statuses compiled: everything but deprecated and unsupported. */
#define DEFAULT_STATUS_MASK                                                                    \
	((1u << SC_STATUS_NONE) | (1u << SC_STATUS_STABLE) | (1u << SC_STATUS_TEST) |           \
	 (1u << SC_STATUS_EXPERIMENTAL))

static int parse_status(const char *arg, unsigned *mask)
{
	char buf[256], *tok, *save = NULL;
	int i;

	snprintf(buf, sizeof(buf), "%s", arg);
	*mask = 1u << SC_STATUS_NONE;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 1; i < _SC_STATUS_MAX; i++)
			if (strcmp(tok, sc_status_name((enum sc_status)i)) == 0)
				break;
		if (i == _SC_STATUS_MAX) {
			fprintf(stderr, "sigmac-c: unknown status '%s' in --status\n", tok);
			return -EINVAL;
		}
		*mask |= 1u << i;
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o, bool dump)
{
	static const struct option longopts[] = {
		{"format", required_argument, NULL, 'f'},
		{"placeholders", required_argument, NULL, 'p'},
		{"target", required_argument, NULL, 't'},
		{"output", required_argument, NULL, 'o'},
		{"status", required_argument, NULL, 's'},
		{"min-level", required_argument, NULL, 'l'},
		{"ioc", required_argument, NULL, 'I'},
		{"yara", required_argument, NULL, 'Y'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c, i;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:p:t:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->outdir = optarg;
			break;
		case 'I':
		case 'Y':
			if (dump || (c == 'I' ? o->nioc : o->nyara) == SC_MAX_INTEL_ARGS) {
				fprintf(stderr, "sigmac-c: %s: too many or not allowed here\n",
					c == 'I' ? "--ioc" : "--yara");
				return -EINVAL;
			}
			if (c == 'I')
				o->ioc[o->nioc++] = optarg;
			else
				o->yara[o->nyara++] = optarg;
			break;
		case 's':
			if (parse_status(optarg, &o->status_mask) < 0)
				return -EINVAL;
			break;
		case 'l':
			for (i = 1; i < _SC_LEVEL_MAX; i++)
				if (strcmp(optarg, sc_level_name((enum sc_level)i)) == 0)
					break;
			if (i == _SC_LEVEL_MAX) {
				fprintf(stderr, "sigmac-c: unknown level '%s' in --min-level\n", optarg);
				return -EINVAL;
			}
			o->min_level = i;
			break;
		case 'f':
			if (strcmp(optarg, "text") == 0 && !dump)
				o->format = SC_FMT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				o->format = SC_FMT_JSON;
			else if (strcmp(optarg, "sarif") == 0 && !dump)
				o->format = SC_FMT_SARIF;
			else {
				fprintf(stderr, "sigmac-c: unknown --format '%s'\n", optarg);
				return -EINVAL;
			}
			break;
		case 'p':
			o->placeholders = optarg;
			break;
		case 't':
			if (strcmp(optarg, "linux") == 0)
				o->target = SC_TARGET_LINUX;
			else if (strcmp(optarg, "windows") == 0)
				o->target = SC_TARGET_WINDOWS;
			else if (strcmp(optarg, "replay") == 0)
				o->target = SC_TARGET_REPLAY;
			else {
				fprintf(stderr, "sigmac-c: unknown --target '%s'\n", optarg);
				return -EINVAL;
			}
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_ACCEPTED);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind >= argc && !o->nioc && !o->nyara) {
		fputs("sigmac-c: no input PATH given\n", stderr);
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

/* Load every PATH; returns the context (caller frees). */
static struct sc_ctx *run_front_end(int argc, char **argv, const struct opts *o)
{
	struct sc_ctx *ctx = sc_ctx_new();
	int i;

	ctx->target = o->target;
	if (o->placeholders)
		sc_placeholders_load(ctx, o->placeholders);
	for (i = optind; i < argc; i++)
		sc_ruleset_add_path(ctx, argv[i]);
	sc_ruleset_finish(ctx);
	for (i = 0; i < o->nioc; i++)
		sc_ioc_load(ctx, o->ioc[i]);
	for (i = 0; i < o->nyara; i++)
		sc_yara_add_path(ctx, o->yara[i]);
	sc_yara_finish(ctx);
	sc_diags_sort(&ctx->diags);
	return ctx;
}

static int exit_status(const struct sc_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->diags.n; i++)
		if (ctx->diags.v[i].code == SC_E_INTERNAL)
			return EXIT_USAGE;
	return ctx->diags.nerrors ? EXIT_REJECTED : EXIT_ACCEPTED;
}

static void summary(const struct sc_ctx *ctx, FILE *f)
{
	struct sc_ruleset_stats st;

	sc_ruleset_stats(ctx, &st);
	fprintf(f,
		"sigmac-c: %zu file%s (%zu unreadable or not valid YAML), %zu document%s (%zu "
		"rules, %zu correlations, %zu filters): %zu accepted, %zu rejected; %zu error%s, "
		"%zu warning%s\n",
		st.files, st.files == 1 ? "" : "s", st.bad_files, st.docs, st.docs == 1 ? "" : "s",
		st.rules,
		st.correlations, st.filters, st.accepted, st.rejected, ctx->diags.nerrors,
		ctx->diags.nerrors == 1 ? "" : "s", ctx->diags.nwarnings,
		ctx->diags.nwarnings == 1 ? "" : "s");
	if (ctx->ioc)
		fprintf(f, "sigmac-c: %zu indicator%s read from %u IOC feed%s (%u line%s rejected)\n",
			ctx->ioc->n, ctx->ioc->n == 1 ? "" : "s", ctx->ioc->nfeeds,
			ctx->ioc->nfeeds == 1 ? "" : "s", ctx->ioc->bad_lines,
			ctx->ioc->bad_lines == 1 ? "" : "s");
	if (ctx->yara)
		fprintf(f, "sigmac-c: %u YARA rule%s compiled from %u of %u file%s\n",
			ctx->yara->nrules, ctx->yara->nrules == 1 ? "" : "s", ctx->yara->nfiles,
			ctx->yara->npaths, ctx->yara->npaths == 1 ? "" : "s");
}

static int cmd_check(int argc, char **argv)
{
	struct opts o = {SC_FMT_TEXT, NULL, SC_TARGET_REPLAY, NULL, DEFAULT_STATUS_MASK, 0};
	struct sc_buf out = SC_BUF_INIT;
	struct sc_ctx *ctx;
	int ret;

	if (parse_opts(argc, argv, &o, false) < 0)
		return EXIT_USAGE;
	ctx = run_front_end(argc, argv, &o);
	if (ctx->ioc) {
		struct sc_ioc_tables t; /* duplicates are found building the tables */

		if (sc_ioc_tables_build(ctx, &t) == 0)
			sc_ioc_tables_done(&t);
		sc_diags_sort(&ctx->diags);
	}
	sc_diags_render(&ctx->diags, o.format, SC_VERSION, &out);
	if (sc_buf_write(&out, stdout) < 0 || fflush(stdout) != 0) {
		fputs("sigmac-c: cannot write output\n", stderr);
		ret = EXIT_USAGE;
	} else {
		ret = exit_status(ctx);
	}
	if (o.format == SC_FMT_TEXT)
		summary(ctx, stderr);
	sc_buf_done(&out);
	sc_ctx_free(ctx);
	return ret;
}

static int cmd_dump_ir(int argc, char **argv)
{
	struct opts o = {SC_FMT_JSON, NULL, SC_TARGET_REPLAY, NULL, DEFAULT_STATUS_MASK, 0};
	struct sc_buf out = SC_BUF_INIT, diags = SC_BUF_INIT;
	struct sc_ctx *ctx;
	size_t i;
	int ret;

	if (parse_opts(argc, argv, &o, true) < 0)
		return EXIT_USAGE;
	ctx = run_front_end(argc, argv, &o);
	sc_diags_render(&ctx->diags, SC_FMT_TEXT, SC_VERSION, &diags);
	sc_buf_write(&diags, stderr);
	for (i = 0; i < ctx->nrules; i++)
		sc_ir_dump_rule(ctx, ctx->rules[i], &out);
	if (sc_buf_write(&out, stdout) < 0 || fflush(stdout) != 0) {
		fputs("sigmac-c: cannot write output\n", stderr);
		ret = EXIT_USAGE;
	} else {
		ret = exit_status(ctx);
	}
	sc_buf_done(&out);
	sc_buf_done(&diags);
	sc_ctx_free(ctx);
	return ret;
}

static int cmd_compile(int argc, char **argv)
{
	struct opts o = {SC_FMT_TEXT, NULL, SC_TARGET_REPLAY, NULL, DEFAULT_STATUS_MASK, 0};
	struct sc_buf diags = SC_BUF_INIT;
	struct sc_cg_opts co;
	struct sc_cg *cg = NULL;
	struct sc_ctx *ctx;
	int ret, err;

	if (parse_opts(argc, argv, &o, false) < 0)
		return EXIT_USAGE;
	if (!o.outdir) {
		fputs("sigmac-c: compile needs -o OUTDIR\n", stderr);
		return EXIT_USAGE;
	}
	ctx = run_front_end(argc, argv, &o);
	memset(&co, 0, sizeof(co));
	co.target = o.target;
	co.status_mask = o.status_mask;
	co.min_level = o.min_level;
	err = sc_cg_build(ctx, &co, &cg);
	if (err == 0)
		err = sc_cg_emit(cg, o.outdir);
	sc_diags_sort(&ctx->diags);
	sc_diags_render(&ctx->diags, SC_FMT_TEXT, SC_VERSION, &diags);
	sc_buf_write(&diags, stderr);
	summary(ctx, stderr);
	if (cg)
		fprintf(stderr, "sigmac-c: compiled %u rules in %u groups (%u atoms, %u regexes) into %s\n",
			cg->nrules, cg->ngroups, cg->natoms, cg->nregex, o.outdir);
	ret = err < 0 ? EXIT_USAGE : exit_status(ctx);
	sc_cg_free(cg);
	sc_buf_done(&diags);
	sc_ctx_free(ctx);
	return ret;
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(cmd, "dump-ir") == 0)
		return cmd_dump_ir(argc - 1, argv + 1);
	if (strcmp(cmd, "compile") == 0)
		return cmd_compile(argc - 1, argv + 1);
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		printf("sigmac-c %s\n", SC_VERSION);
		return EXIT_ACCEPTED;
	}
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		usage(stdout);
		return EXIT_ACCEPTED;
	}
	fprintf(stderr, "sigmac-c: unknown command '%s'\n", cmd);
	usage(stderr);
	return EXIT_USAGE;
}
