// SPDX-License-Identifier: Apache-2.0
/*
 * Differential test of the re2c regex code generator (compiler/codegen/
 * regex_emit.c) against the reference matcher (re_match.c).
 *
 *   test-regex-emit [options] RE2C CC PATTERNS [SHARED]
 *
 * PATTERNS is a list of regexes, one per line: "FLAGS PATTERN" where FLAGS
 * is '-' or some of i m s (the |i |m |s sub-modifiers), then one space,
 * then the pattern to the end of the line (UTF-8; use \n for a newline).
 * A line "! FLAGS PATTERN" expects -ENOTSUP; '#' starts a comment line.
 * SHARED, when given and holding corpus/sigmahq, adds every distinct regex
 * of the SigmaHQ rules (folders rules*); it is skipped with a note when
 * absent (or, with --skip-without-shared, the whole test is skipped: exit
 * status 77, as meson expects).
 *
 * Every regex goes through sc_regex_emit() into one .re file (prelude,
 * functions, a table), which is run through RE2C (re2c --utf8 -W -Werror
 * --no-generation-date --no-version -i) and compiled by CC with the
 * project's warning flags (-Werror) as a shared object, loaded with
 * dlopen(). Each function is then compared with ti_re_exec() on generated
 * texts (samples drawn from the regex's AST, mutated, case-flipped, with
 * newlines, NUL bytes and non-ASCII code points; a fixed seed), each in a
 * buffer of exactly n + 1 bytes whose last byte is the NUL sentinel.
 *
 * Options: --work DIR (keep the generated files there; default a fresh
 * directory under /tmp, removed at the end), --texts N (texts per regex,
 * default 200), --seed N, --allow-enotsup (a regex the generator rejects
 * is a note, not a failure: for random pattern lists), --long N (also
 * match N-byte texts, default 65536, against every regex; 0 skips),
 * --skip-without-shared (see SHARED).
 *
 * Output is TAP (one test per regex plus the build), then a summary and
 * the line "N passed, N failed". Exit status 0 when nothing failed.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "ctx.h"
#include "ir.h"
#include "re_match.h"
#include "regex.h"
#include "regex_emit.h"
#include "ruleset.h"
#include "utf8.h"

struct pat {
	char *src;	/* pattern text */
	size_t len;
	unsigned flags; /* SC_RE_FLAG_I/M/S */
	bool expect_enotsup;
	const char *origin; /* "list" or "corpus" */
	struct sc_re *re;
	int rc; /* parse or emit result */
	int fn; /* index in the generated table, or -1 */
	struct sc_regex_emit_info info;
	char why[256];
};

static struct pat *pats;
static size_t npats, cappats;
static struct sc_arena *arena;

static void add_pat(const char *src, size_t len, unsigned flags, bool enotsup, const char *origin)
{
	size_t i;

	for (i = 0; i < npats; i++)
		if (pats[i].len == len && pats[i].flags == flags && !memcmp(pats[i].src, src, len))
			return;
	if (npats == cappats) {
		cappats = cappats ? 2 * cappats : 256;
		pats = realloc(pats, cappats * sizeof(*pats));
		if (!pats)
			abort();
	}
	memset(&pats[npats], 0, sizeof(pats[npats]));
	pats[npats].src = malloc(len + 1);
	memcpy(pats[npats].src, src, len);
	pats[npats].src[len] = 0;
	pats[npats].len = len;
	pats[npats].flags = flags;
	pats[npats].expect_enotsup = enotsup;
	pats[npats].origin = origin;
	pats[npats].fn = -1;
	npats++;
}

static unsigned parse_flags(const char *f, size_t n)
{
	unsigned fl = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (f[i] == 'i')
			fl |= SC_RE_FLAG_I;
		else if (f[i] == 'm')
			fl |= SC_RE_FLAG_M;
		else if (f[i] == 's')
			fl |= SC_RE_FLAG_S;
	}
	return fl;
}

static int load_list(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f) {
		fprintf(stderr, "test-regex-emit: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		char *p = line, *sp;
		bool enotsup = false;

		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		if (n == 0 || line[0] == '#')
			continue;
		if (p[0] == '!' && p[1] == ' ') {
			enotsup = true;
			p += 2;
		}
		sp = strchr(p, ' ');
		if (!sp) {
			fprintf(stderr, "test-regex-emit: %s: bad line: %s\n", path, line);
			continue;
		}
		add_pat(sp + 1, strlen(sp + 1), parse_flags(p, (size_t)(sp - p)), enotsup, "list");
	}
	free(line);
	fclose(f);
	return 0;
}

static size_t load_corpus(const char *shared)
{
	static const char *const folders[] = {"rules", "rules-threat-hunting",
					      "rules-emerging-threats", "rules-placeholder",
					      "rules-compliance", NULL};
	char path[4096];
	struct stat st;
	struct sc_ctx *ctx;
	size_t before = npats, i;
	uint32_t id;

	snprintf(path, sizeof(path), "%s/corpus/sigmahq", shared);
	if (stat(path, &st) != 0)
		return 0;
	ctx = sc_ctx_new();
	for (i = 0; folders[i]; i++) {
		snprintf(path, sizeof(path), "%s/corpus/sigmahq/%s", shared, folders[i]);
		if (stat(path, &st) == 0)
			sc_ruleset_add_path(ctx, path);
	}
	sc_ruleset_finish(ctx);
	for (id = 1; id < sc_ir_natoms(ctx->ir); id++) {
		const struct sc_atom *a = sc_ir_get_atom(ctx->ir, id);
		unsigned fl = 0;

		if (!a || a->kind != SC_ATOM_REGEX)
			continue;
		if (a->flags & SC_AF_RE_I)
			fl |= SC_RE_FLAG_I;
		if (a->flags & SC_AF_RE_M)
			fl |= SC_RE_FLAG_M;
		if (a->flags & SC_AF_RE_S)
			fl |= SC_RE_FLAG_S;
		add_pat((const char *)a->val, a->len, fl, false, "corpus");
	}
	sc_ctx_free(ctx);
	return npats - before;
}

/* ---- deterministic text generation ---- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return (uint32_t)(x >> 16);
}

static uint32_t rnd_below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

static const uint32_t alphabet[] = {
	'a',	'b',	'c',	'A',	'B',	'x',	'z',	'0',	'1',	'9',	'_',
	'-',	' ',	'.',	'/',	'\\',	'"',	'\'',	'\n',	'\t',	0,	0xE9,
	0xC9,	0x3C3,	0x3C2,	0x3A3,	'K',	'k',	0x212A, 's',	'S',	0x17F,	0xDF,
	0x130,	'i',	'I',	0x131,	0x20AC, 0x1F600, 0x663, 0xA0,	0x2013, 0x1C5,	'{',
	'}',	':',	'%',	'&',	'@',	'+',	'=',	'\r',	0x1E9E, 0x10400};

static uint32_t rnd_cp(void)
{
	return alphabet[rnd_below(sizeof(alphabet) / sizeof(alphabet[0]))];
}

struct cpv {
	uint32_t *v;
	size_t n, cap;
};

static void cv_push(struct cpv *c, uint32_t cp)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->v = realloc(c->v, c->cap * sizeof(*c->v));
		if (!c->v)
			abort();
	}
	c->v[c->n++] = cp;
}

static uint32_t pick_class(const struct sc_re_node *n)
{
	uint32_t i, k;

	for (k = 0; k < 16; k++) {
		const struct sc_re_range *r;
		uint32_t cp;

		if (n->nranges == 0)
			break;
		/* half the time a character of the alphabet that is in the class */
		if (rnd_below(2)) {
			cp = rnd_cp();
			for (i = 0; i < n->nranges; i++)
				if (cp >= n->ranges[i].lo && cp <= n->ranges[i].hi)
					return cp;
			continue;
		}
		r = &n->ranges[rnd_below(n->nranges)];
		switch (rnd_below(3)) {
		case 0:
			cp = r->lo;
			break;
		case 1:
			cp = r->hi;
			break;
		default:
			cp = r->lo + rnd_below(r->hi - r->lo + 1 > 4096 ? 4096 : r->hi - r->lo + 1);
			break;
		}
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		return cp;
	}
	return 'q';
}

static void sample(const struct sc_re_node *n, struct cpv *out, unsigned depth)
{
	uint32_t i, k, cps[8], nc;

	if (out->n > 4000)
		return;
	switch (n->op) {
	case SC_RE_CHAR:
		if (n->fold) {
			nc = (uint32_t)sc_ucd_fold_class(n->cp, cps, 8);
			cv_push(out, cps[rnd_below(nc)]);
		} else {
			cv_push(out, n->cp);
		}
		break;
	case SC_RE_CLASS:
		cv_push(out, pick_class(n));
		break;
	case SC_RE_ANY: {
		uint32_t cp = rnd_cp();

		cv_push(out, cp == '\n' && !n->dotall ? 'y' : cp);
		break;
	}
	case SC_RE_CONCAT:
		for (i = 0; i < n->nkids; i++)
			sample(n->kids[i], out, depth + 1);
		break;
	case SC_RE_ALT:
		sample(n->kids[rnd_below(n->nkids)], out, depth + 1);
		break;
	case SC_RE_GROUP:
		sample(n->kids[0], out, depth + 1);
		break;
	case SC_RE_REPEAT: {
		uint32_t hi = n->max == SC_RE_INF ? n->min + 6 : n->max;

		if (rnd_below(5) && hi > n->min + 6)
			hi = n->min + 6;
		k = n->min + rnd_below(hi - n->min + 1);
		if (depth > 8 && k > n->min)
			k = n->min;
		for (i = 0; i < k; i++)
			sample(n->kids[0], out, depth + 1);
		break;
	}
	case SC_RE_BOL:
	case SC_RE_EOL:
		if (rnd_below(4) == 0)
			cv_push(out, '\n');
		break;
	default:
		break;
	}
}

static void mutate(struct cpv *c)
{
	unsigned m = 1 + rnd_below(3), i;

	for (i = 0; i < m; i++) {
		size_t at = c->n ? rnd_below((uint32_t)c->n + 1) : 0;
		uint32_t r = rnd_below(100);

		if (r < 25 && c->n) {
			if (at == c->n)
				at--;
			memmove(c->v + at, c->v + at + 1, (c->n - at - 1) * sizeof(*c->v));
			c->n--;
		} else if (r < 50) {
			cv_push(c, 0);
			memmove(c->v + at + 1, c->v + at, (c->n - 1 - at) * sizeof(*c->v));
			c->v[at] = r < 40 ? rnd_cp() : '\n';
		} else if (r < 65 && c->n) {
			c->v[at == c->n ? at - 1 : at] = rnd_cp();
		} else if (r < 80 && c->n) {
			/* case flip */
			size_t j;

			for (j = 0; j < c->n; j++) {
				uint32_t cp = c->v[j];

				if (rnd_below(2) && cp < 0x80 && ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z'))
					c->v[j] = cp ^ 0x20;
				else if (rnd_below(4) == 0) {
					uint32_t f[8];
					size_t nf = sc_ucd_fold_class(cp, f, 8);

					c->v[j] = f[rnd_below((uint32_t)nf)];
				}
			}
		} else if (r < 90 && c->n) {
			/* truncate */
			if (rnd_below(2))
				c->n = at;
			else {
				memmove(c->v, c->v + at, (c->n - at) * sizeof(*c->v));
				c->n -= at;
			}
		} else if (c->n && c->n < 2000) {
			/* duplicate a piece */
			size_t from = rnd_below((uint32_t)c->n), len = rnd_below(20), j;

			if (from + len > c->n)
				len = c->n - from;
			for (j = 0; j < len; j++)
				cv_push(c, c->v[from + j]);
		}
	}
}

static void gen_text(const struct sc_re *re, struct cpv *c)
{
	uint32_t r = rnd_below(100), i;

	c->n = 0;
	if (r < 8) {
		uint32_t k = rnd_below(12);

		for (i = 0; i < k; i++)
			cv_push(c, rnd_cp());
		return;
	}
	if (r < 30) {
		uint32_t k = rnd_below(4);

		for (i = 0; i < k; i++)
			cv_push(c, rnd_cp());
	}
	sample(re->root, c, 0);
	if (r >= 20 && r < 40) {
		uint32_t k = rnd_below(4);

		for (i = 0; i < k; i++)
			cv_push(c, rnd_cp());
	}
	if (r >= 40 && r < 85)
		mutate(c);
	if (r >= 85) {
		cv_push(c, rnd_cp());
		sample(re->root, c, 0);
	}
}

/* UTF-8 of c into a fresh buffer of exactly n + 1 bytes (NUL sentinel). */
static uint8_t *encode(const struct cpv *c, size_t *n)
{
	uint8_t *b = malloc(4 * c->n + 1), *t;
	size_t k = 0, i;

	if (!b)
		abort();
	for (i = 0; i < c->n; i++)
		k += sc_utf8_encode(c->v[i], b + k);
	t = malloc(k + 1);
	if (!t)
		abort();
	memcpy(t, b, k);
	t[k] = 0;
	free(b);
	*n = k;
	return t;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void show(FILE *f, const uint8_t *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < 200; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7F && s[i] != '\\')
			fputc(s[i], f);
		else
			fprintf(f, "\\x%02x", s[i]);
	}
	if (n > 200)
		fputs("...", f);
}

typedef bool (*re_fn)(const uint8_t *, size_t);

static const char *strategy_name(enum sc_regex_strategy s)
{
	switch (s) {
	case SC_REGEX_DFA:
		return "dfa";
	case SC_REGEX_ANCHORED:
		return "anchored";
	case SC_REGEX_RUN:
		return "run";
	case SC_REGEX_CONST:
		return "const";
	case SC_REGEX_SPLIT:
		return "split";
	}
	return "?";
}

int main(int argc, char **argv)
{
	const char *re2c = NULL, *cc = NULL, *list = NULL, *shared = NULL, *work = NULL;
	unsigned ntexts = 200, nlong = 65536;
	bool allow_enotsup = false, keep = false, need_shared = false;
	char dir[4096], cmd[16384], path[4096 + 64];
	struct sc_buf src = SC_BUF_INIT;
	size_t i, ncorpus = 0, nfn = 0, passed = 0, failed = 0, tapn = 0;
	size_t counts[5] = {0}, ncmp = 0, nmatch = 0, nenotsup = 0;
	double t0, t_emit, t_re2c, t_cc, t_run;
	void *so;
	const re_fn *table;
	int k, pos = 0;
	FILE *f;

	for (k = 1; k < argc; k++) {
		if (!strcmp(argv[k], "--work") && k + 1 < argc)
			work = argv[++k];
		else if (!strcmp(argv[k], "--texts") && k + 1 < argc)
			ntexts = (unsigned)strtoul(argv[++k], NULL, 10);
		else if (!strcmp(argv[k], "--seed") && k + 1 < argc)
			rng_state = strtoull(argv[++k], NULL, 10) * 2654435761u + 1;
		else if (!strcmp(argv[k], "--long") && k + 1 < argc)
			nlong = (unsigned)strtoul(argv[++k], NULL, 10);
		else if (!strcmp(argv[k], "--allow-enotsup"))
			allow_enotsup = true;
		else if (!strcmp(argv[k], "--skip-without-shared"))
			need_shared = true;
		else if (pos == 0 && ++pos)
			re2c = argv[k];
		else if (pos == 1 && ++pos)
			cc = argv[k];
		else if (pos == 2 && ++pos)
			list = argv[k];
		else if (pos == 3 && ++pos)
			shared = argv[k];
	}
	if (!list) {
		fprintf(stderr, "usage: test-regex-emit [--work DIR] [--texts N] [--seed N] "
				"[--long N] [--allow-enotsup] [--skip-without-shared] RE2C CC "
				"PATTERNS [SHARED]\n");
		return 2;
	}
	if (load_list(list) != 0)
		return 2;
	if (shared) {
		ncorpus = load_corpus(shared);
		if (!ncorpus && need_shared) {
			printf("1..0 # SKIP %s/corpus/sigmahq absent\n", shared);
			return 77;
		}
		if (!ncorpus)
			printf("# %s/corpus/sigmahq absent: corpus regexes skipped\n", shared);
	} else if (need_shared) {
		printf("1..0 # SKIP no SHARED directory given\n");
		return 77;
	}
	if (work) {
		snprintf(dir, sizeof(dir), "%s", work);
		mkdir(dir, 0755);
		keep = true;
	} else {
		snprintf(dir, sizeof(dir), "/tmp/test-regex-emit-XXXXXX");
		if (!mkdtemp(dir)) {
			perror("mkdtemp");
			return 2;
		}
	}
	printf("# %zu regexes (%zu from the list, %zu from the corpus)\n", npats, npats - ncorpus,
	       ncorpus);

	/* parse and emit */
	arena = sc_arena_new();
	t0 = now();
	sc_buf_puts(&src, "/* generated by test-regex-emit */\n"
			  "#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n\n");
	sc_regex_emit_prelude(&src);
	for (i = 0; i < npats; i++) {
		struct pat *p = &pats[i];
		struct sc_re_error err;
		struct sc_buf why = SC_BUF_INIT;
		char name[32];

		p->rc = sc_re_parse(arena, p->src, p->len, p->flags, &p->re, &err);
		if (p->rc) {
			snprintf(p->why, sizeof(p->why), "parse error: %s", err.msg);
			continue;
		}
		snprintf(name, sizeof(name), "re_%zu", nfn);
		p->rc = sc_regex_emit_ex(&src, name, p->re, &why, &p->info);
		if (p->rc == 0) {
			p->fn = (int)nfn++;
			counts[p->info.strategy]++;
		} else {
			nenotsup++;
			snprintf(p->why, sizeof(p->why), "%s", why.len ? sc_buf_cstr(&why) : "?");
		}
		sc_buf_done(&why);
	}
	sc_buf_puts(&src, "typedef bool (*tre_fn)(const uint8_t *, size_t);\n"
			  "extern const tre_fn tre_table[];\n"
			  "const tre_fn tre_table[] = {\n");
	for (i = 0; i < nfn; i++)
		sc_buf_printf(&src, "\tre_%zu,\n", i);
	sc_buf_puts(&src, "\tNULL\n};\n");
	t_emit = now() - t0;
	snprintf(path, sizeof(path), "%s/regexes.re", dir);
	f = fopen(path, "w");
	if (!f || sc_buf_write(&src, f) != 0) {
		perror(path);
		return 2;
	}
	fclose(f);

	/* re2c, cc, dlopen */
	t0 = now();
	snprintf(cmd, sizeof(cmd),
		 "'%s' --utf8 -W -Werror --no-generation-date --no-version -i '%s/regexes.re' -o "
		 "'%s/regexes.c'",
		 re2c, dir, dir);
	k = system(cmd);
	t_re2c = now() - t0;
	tapn++;
	if (k != 0) {
		printf("not ok %zu - re2c (%s)\n", tapn, cmd);
		printf("0 passed, 1 failed\n");
		return 1;
	}
	printf("ok %zu - re2c\n", tapn);
	t0 = now();
	snprintf(cmd, sizeof(cmd),
		 "'%s' -std=gnu11 -O2 -Wall -Wextra -Werror -Wmissing-prototypes "
		 "-Wstrict-prototypes -Wundef -Wshadow -fPIC -shared '%s/regexes.c' -o "
		 "'%s/regexes.so'",
		 cc, dir, dir);
	k = system(cmd);
	t_cc = now() - t0;
	tapn++;
	if (k != 0) {
		printf("not ok %zu - cc (%s)\n", tapn, cmd);
		printf("1 passed, 1 failed\n");
		return 1;
	}
	printf("ok %zu - cc\n", tapn);
	passed += 2;
	snprintf(path, sizeof(path), "%s/regexes.so", dir);
	so = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!so || !(table = (const re_fn *)dlsym(so, "tre_table"))) {
		printf("Bail out! dlopen: %s\n", dlerror());
		return 1;
	}

	/* compare */
	t0 = now();
	for (i = 0; i < npats; i++) {
		struct pat *p = &pats[i];
		struct ti_re_prog *prog;
		struct cpv c = {0};
		unsigned t, bad = 0;
		bool ok = true;

		tapn++;
		if (p->rc != 0) {
			bool expected = p->expect_enotsup && p->rc == -ENOTSUP;

			if (expected || (allow_enotsup && p->rc == -ENOTSUP)) {
				printf("ok %zu - %s %s # -ENOTSUP: %s\n", tapn, p->origin, p->src,
				       p->why);
				passed++;
			} else {
				printf("not ok %zu - %s %s # %s\n", tapn, p->origin, p->src, p->why);
				failed++;
			}
			continue;
		}
		if (p->expect_enotsup) {
			printf("not ok %zu - %s %s # expected -ENOTSUP, got code\n", tapn, p->origin,
			       p->src);
			failed++;
			continue;
		}
		prog = ti_re_compile(p->re);
		for (t = 0; t < ntexts + (nlong ? 1 : 0); t++) {
			uint8_t *s;
			size_t n;
			bool want, got;

			if (t == ntexts) {
				/* a long text: random code points, and the regex's samples */
				c.n = 0;
				while (c.n < nlong / 2) {
					if (rnd_below(8) == 0)
						sample(p->re->root, &c, 0);
					else
						cv_push(&c, rnd_cp());
				}
			} else {
				gen_text(p->re, &c);
			}
			s = encode(&c, &n);
			want = ti_re_exec(prog, s, n);
			got = table[p->fn](s, n);
			ncmp++;
			nmatch += want;
			if (want != got) {
				if (bad++ < 3) {
					printf("# %s: /%s/%s: reference %d, generated %d on \"",
					       p->origin, p->src,
					       p->flags & SC_RE_FLAG_I ? "i" : "", want, got);
					show(stdout, s, n);
					printf("\"\n");
				}
				ok = false;
			}
			free(s);
		}
		ti_re_free(prog);
		free(c.v);
		printf("%s %zu - %s %s # %s, %u states, cost %llu (search %u/%llu)%s\n",
		       ok ? "ok" : "not ok", tapn, p->origin, p->src, strategy_name(p->info.strategy),
		       p->info.dfa_states, (unsigned long long)p->info.dfa_cost,
		       p->info.search_states, (unsigned long long)p->info.search_cost,
		       bad ? " (differences)" : "");
		if (ok)
			passed++;
		else
			failed++;
	}
	t_run = now() - t0;
	printf("1..%zu\n", tapn);
	printf("# strategies: %zu dfa, %zu anchored, %zu split, %zu run, %zu const, %zu -ENOTSUP\n",
	       counts[SC_REGEX_DFA], counts[SC_REGEX_ANCHORED], counts[SC_REGEX_SPLIT],
	       counts[SC_REGEX_RUN], counts[SC_REGEX_CONST], nenotsup);
	printf("# generated: %zu bytes of re2c source; emit %.2fs, re2c %.2fs, cc %.2fs\n", src.len,
	       t_emit, t_re2c, t_cc);
	printf("# compared %zu texts (%zu matches), %.2fs\n", ncmp, nmatch, t_run);
	printf("%zu passed, %zu failed\n", passed, failed);
	dlclose(so);
	if (!keep) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "test-regex-emit: could not remove %s\n", dir);
	}
	sc_buf_done(&src);
	for (i = 0; i < npats; i++)
		free(pats[i].src);
	free(pats);
	sc_arena_free(arena);
	return failed ? 1 : 0;
}
