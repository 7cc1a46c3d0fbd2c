// SPDX-License-Identifier: Apache-2.0
/*
 * The event model (runtime/event.c), the replay readers (runtime/jsonl.c,
 * runtime/evtx.c) and Windows routing (runtime/route.c): JSONL edge cases,
 * EVTX against its JSONL twins over the whole evtx-attack-samples dataset,
 * corrupt EVTX files, routing of representative and of all dataset events,
 * and a throughput measurement of the JSONL reader (logged, never asserted).
 *
 * Tests that need ../shared/datasets skip with a message when it is absent.
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "event.h"
#include "evtx.h"
#include "jsonl.h"
#include "route.h"

#ifndef TU_SOURCE_ROOT
#error "TU_SOURCE_ROOT must be defined by the build"
#endif

#define DATASETS TU_SOURCE_ROOT "/../shared/datasets"
#define EVTX_DIR DATASETS "/evtx-attack-samples"

/* Field ids beyond the core taxonomy that the tests' "rule set" uses. */
enum { F_SIGNATURE = AG_FIELD_CORE_MAX, F_FILENAME, F_THREATNAME, F_EVENTTYPE, F_NFIELDS };

static const char *const core_names[] = {
	NULL,
#define AG_FIELD_NAME(suffix, name) name,
	AG_TAXONOMY_FIELDS(AG_FIELD_NAME)
#undef AG_FIELD_NAME
	"Signature", "Filename", "ThreatName", "EventType",
};

/* A small open-addressing hash of the names above. */
#define HBITS 8
#define HMASK ((1u << HBITS) - 1)
static uint16_t htab[1u << HBITS];
static uint8_t hlen[F_NFIELDS];

/* gperf-style: length and two characters (a generated perfect hash does the same). */
static uint32_t hash(const char *s, size_t n)
{
	return n ? (uint32_t)(n * 31 + (unsigned char)s[0] * 7 + (unsigned char)s[n - 1] * 3) : 0;
}

static void lookup_init(void)
{
	static bool done;
	uint32_t id, k;

	if (done)
		return;
	for (id = 1; id < F_NFIELDS; id++) {
		hlen[id] = (uint8_t)strlen(core_names[id]);
		for (k = hash(core_names[id], hlen[id]) & HMASK; htab[k]; k = (k + 1) & HMASK)
			;
		htab[k] = (uint16_t)id;
	}
	done = true;
}

static uint32_t lookup(void *ctx, const char *name, size_t len)
{
	uint32_t i;

	(void)ctx;
	for (i = hash(name, len) & HMASK; htab[i]; i = (i + 1) & HMASK)
		if (hlen[htab[i]] == len && !memcmp(core_names[htab[i]], name, len))
			return htab[i];
	return AG_FIELD_NONE;
}

/* Every test starts with the table built. */
TestSuite(readers, .init = lookup_init);

/* ---- helpers ---- */

struct sbuf {
	char *s;
	size_t n, cap;
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		cr_assert(b->s);
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

/* name=value with flag letters, bytes outside printable ASCII as \xHH. */
static void render_text(struct sbuf *b, const char *s, uint32_t n)
{
	char hx[8];
	uint32_t i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= 0x20 && ch < 0x7f) {
			sb_put(b, s + i, 1);
		} else {
			snprintf(hx, sizeof(hx), "\\x%02x", ch);
			sb_str(b, hx);
		}
	}
}

static void render(struct sbuf *b, const struct ag_event *ev)
{
	uint32_t i;

	sb_str(b, "{");
	for (i = 0; i < ev->nkv; i++) {
		const struct ag_kv *kv = &ev->kv[i];

		cr_assert_eq(kv->name[kv->name_len], '\0', "name not NUL-terminated");
		cr_assert_eq(kv->val[kv->val_len], '\0', "value not NUL-terminated");
		if (i)
			sb_str(b, ",");
		render_text(b, kv->name, kv->name_len);
		sb_str(b, "=");
		render_text(b, kv->val, kv->val_len);
		if (kv->flags & AG_V_NUMBER)
			sb_str(b, "#N");
		if (kv->flags & AG_V_BOOL)
			sb_str(b, "#B");
		if (kv->flags & AG_V_NULL)
			sb_str(b, "#Z");
		if (kv->flags & AG_V_NONASCII)
			sb_str(b, "#U");
		if (kv->flags & AG_V_COMPOUND)
			sb_str(b, "#C");
	}
	sb_str(b, "}");
}

/* All events of in[0..len) read with the given chunk size, rendered one per line. */
static char *run(const char *in, size_t len, size_t chunk, struct ag_jsonl_stats *st)
{
	struct ag_jsonl_opts o = {.chunk = chunk};
	struct sbuf b = {0};
	struct ag_event ev;
	struct ag_jsonl *r;
	FILE *f = tmpfile();
	int rc;

	cr_assert(f);
	cr_assert_eq(fwrite(in, 1, len, f), len);
	rewind(f);
	cr_assert_eq(ag_event_init(&ev, F_NFIELDS), 0);
	cr_assert_eq(ag_jsonl_open_file(&r, f, &o, lookup, NULL), 0);
	sb_str(&b, "");
	while ((rc = ag_jsonl_next(r, &ev)) == 0) {
		render(&b, &ev);
		sb_str(&b, "\n");
	}
	cr_assert_eq(rc, -ENODATA);
	if (st)
		ag_jsonl_stats(r, st);
	ag_jsonl_close(r);
	ag_event_done(&ev);
	fclose(f);
	return b.s;
}

static void expect(const char *in, const char *want, uint64_t malformed)
{
	struct ag_jsonl_stats st;
	char *got = run(in, strlen(in), 0, &st);

	cr_expect_str_eq(got, want, "input: %s\ngot:  %s\nwant: %s", in, got, want);
	cr_expect_eq(st.malformed, malformed, "malformed %lu, expected %lu for: %s",
		     (unsigned long)st.malformed, (unsigned long)malformed, in);
	free(got);
}

static bool have_datasets(void)
{
	struct stat s;

	return stat(EVTX_DIR "/events.jsonl", &s) == 0;
}

/* ---- event model ---- */

Test(readers, event_add_get_alias_reset)
{
	struct ag_event ev;
	uint32_t i;

	cr_assert_eq(ag_event_init(&ev, 10), 0);
	cr_assert_eq(ag_event_add(&ev, "Image", 5, "a.exe", 5, 0, AG_FIELD_IMAGE), 0);
	cr_assert_eq(ag_event_add(&ev, "X", 1, "1", 1, AG_V_NUMBER, AG_FIELD_NONE), 0);
	cr_assert_eq(ag_event_add(&ev, "Big", 3, "v", 1, 0, 99), 0); /* >= nslots: unknown */
	cr_assert_eq(ev.kv[2].id, AG_FIELD_NONE);
	cr_assert_str_eq(ag_event_get(&ev, AG_FIELD_IMAGE)->val, "a.exe");
	cr_assert_null(ag_event_get(&ev, 99));
	/* A later field with the same id takes the slot. */
	cr_assert_eq(ag_event_add(&ev, "Image", 5, "b.exe", 5, 0, AG_FIELD_IMAGE), 0);
	cr_assert_str_eq(ag_event_get(&ev, AG_FIELD_IMAGE)->val, "b.exe");
	ag_event_alias(&ev, AG_FIELD_EVENTID, AG_FIELD_IMAGE);
	cr_assert_str_eq(ag_event_get(&ev, AG_FIELD_EVENTID)->val, "b.exe");
	ag_event_alias(&ev, AG_FIELD_CHANNEL, AG_FIELD_COMPUTER); /* absent source: nothing */
	cr_assert_null(ag_event_get(&ev, AG_FIELD_CHANNEL));
	ev.category[0] = "x";
	ev.ncategory = 1;
	ag_event_reset(&ev);
	cr_assert_eq(ev.nkv, 0);
	cr_assert_eq(ev.ncategory, 0);
	for (i = 0; i < ev.nslots; i++)
		cr_assert_eq(ev.slot[i], 0, "slot %u left set", i);
	/* Full event: -E2BIG and counted. */
	for (i = 0; i < AG_MAX_EVENT_FIELDS; i++)
		cr_assert_eq(ag_event_add(&ev, "f", 1, "v", 1, 0, AG_FIELD_USER), 0);
	cr_assert_eq(ag_event_add(&ev, "g", 1, "v", 1, 0, AG_FIELD_IMAGE), -E2BIG);
	cr_assert_eq(ev.dropped, 1);
	cr_assert_null(ag_event_get(&ev, AG_FIELD_IMAGE));
	ag_event_reset(&ev);
	cr_assert_eq(ev.dropped, 0);
	cr_assert_null(ag_event_get(&ev, AG_FIELD_USER));
	ag_event_done(&ev);
	ag_event_done(&ev); /* safe twice */
}

Test(readers, event_reset_between_reader_events)
{
	const char *in = "{\"Image\":\"a\",\"CommandLine\":\"c\"}\n{\"User\":\"u\"}\n";
	struct ag_event ev;
	struct ag_jsonl *r;
	FILE *f = fmemopen((void *)in, strlen(in), "r");
	uint32_t i, set = 0;

	cr_assert_eq(ag_event_init(&ev, F_NFIELDS), 0);
	cr_assert_eq(ag_jsonl_open_file(&r, f, NULL, lookup, NULL), 0);
	cr_assert_eq(ag_jsonl_next(r, &ev), 0);
	cr_assert_str_eq(ag_event_get(&ev, AG_FIELD_COMMANDLINE)->val, "c");
	cr_assert_eq(ev.seq, 1);
	cr_assert_null(ev.raw);
	cr_assert_eq(ag_jsonl_next(r, &ev), 0);
	cr_assert_eq(ev.seq, 2);
	cr_assert_null(ag_event_get(&ev, AG_FIELD_IMAGE));
	cr_assert_null(ag_event_get(&ev, AG_FIELD_COMMANDLINE));
	cr_assert_str_eq(ag_event_get(&ev, AG_FIELD_USER)->val, "u");
	for (i = 0; i < ev.nslots; i++)
		set += ev.slot[i] != 0;
	cr_assert_eq(set, 1);
	cr_assert_eq(ag_jsonl_next(r, &ev), -ENODATA);
	ag_jsonl_close(r);
	ag_event_done(&ev);
	fclose(f);
}

/* ---- JSONL ---- */

Test(readers, jsonl_value_types)
{
	expect("{\"s\":\"x\",\"n\":-1.5e+3,\"z\":0,\"t\":true,\"f\":false,\"u\":null,\"e\":\"\"}\n",
	       "{s=x,n=-1.5e+3#N,z=0#N,t=true#B,f=false#B,u=null#Z,e=}\n", 0);
	expect("{\"a\":[1, \"x y\" ,{\"b\": [ ]}],\"c\":[],\"d\":[\"\\u00e9\"]}",
	       "{a=[1,\"x y\",{\"b\":[]}]#C,c=[]#C,d=[\"\\u00e9\"]#C}\n", 0);
	expect("{\"k\":\"caf\xc3\xa9 \xf0\x9f\x98\x80\"}", "{k=caf\\xc3\\xa9 \\xf0\\x9f\\x98\\x80#U}\n",
	       0);
	expect("{\"a\":[\"\xc3\xa9\"]}", "{a=[\"\\xc3\\xa9\"]#U#C}\n", 0);
}

Test(readers, jsonl_flattening)
{
	expect("{\"userIdentity\":{\"arn\":\"x\",\"sessionContext\":{\"mfa\":true,\"a\":[1]}},"
	       "\"e\":{},\"k\":1}",
	       "{userIdentity.arn=x,userIdentity.sessionContext.mfa=true#B,"
	       "userIdentity.sessionContext.a=[1]#C,e={}#C,k=1#N}\n",
	       0);
	expect("{\"a\\u002eb\":{\"c\\\"\":1}}", "{a.b.c\"=1#N}\n", 0);
}

Test(readers, jsonl_escapes)
{
	expect("{\"e\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20ac\\ud83d\\ude00\\u0000\"}",
	       "{e=\"\\/\\x08\\x0c\\x0a\\x0d\\x09A\\xc3\\xa9\\xe2\\x82\\xac\\xf0\\x9f\\x98\\x80\\x00#U}\n",
	       0);
	/* Invalid escape, lone surrogates, bad hex: the object is skipped, the next is read. */
	expect("{\"a\":\"\\x\"}\n{\"ok\":1}\n", "{ok=1#N}\n", 1);
	expect("{\"a\":\"\\ud800\"}\n{\"ok\":1}\n", "{ok=1#N}\n", 1);
	expect("{\"a\":\"\\udc00x\"}\n{\"ok\":1}\n", "{ok=1#N}\n", 1);
	expect("{\"a\":\"\\ud800\\u0041\"}\n{\"ok\":1}\n", "{ok=1#N}\n", 1);
	expect("{\"a\":\"\\u12g4\"}\n{\"ok\":1}\n", "{ok=1#N}\n", 1);
	expect("{\"a\\q\":1}\n{\"ok\":1}\n", "{ok=1#N}\n", 1);
}

Test(readers, jsonl_tolerances)
{
	/* several per line, concatenated, blank lines, CRLF, BOM, pretty-printed */
	expect("\xef\xbb\xbf{\"a\":1} {\"b\":2}{\"c\":3}\r\n\r\n\n{\"d\":4}\r\n"
	       "{\n  \"e\": {\n    \"f\": \"g\"\n  },\n  \"h\": [\n    1,\n    2\n  ]\n}\n",
	       "{a=1#N}\n{b=2#N}\n{c=3#N}\n{d=4#N}\n{e.f=g,h=[1,2]#C}\n", 0);
	expect("\xef\xbb\xbf", "", 0);
	expect("\n\n  \r\n", "", 0);
	/* A BOM between concatenated files. */
	expect("{\"a\":1}\n\xef\xbb\xbf{\"b\":2}\n", "{a=1#N}\n{b=2#N}\n", 0);
}

Test(readers, jsonl_empty_input)
{
	struct ag_jsonl_stats st;
	char *got = run("", 0, 0, &st);

	cr_assert_str_eq(got, "");
	cr_assert_eq(st.objects, 0);
	cr_assert_eq(st.malformed, 0);
	cr_assert_eq(st.bytes, 0);
	free(got);
}

Test(readers, jsonl_malformed_skipped_and_reported)
{
	const char *in = "{\"a\":1}\n"		      /* 1 */
			 "garbage {\"lost\":1}\n"     /* 2: not an object, rest of line skipped */
			 "{\"b\":tru}\n"	      /* 3: literal */
			 "{\"c\":01}\n"		      /* 4: number */
			 "{\"d\":1,}\n"		      /* 5: trailing comma */
			 "{\"e\":\"x\ny\"}\n"	      /* 6: raw newline in a string */
			 "{\"f\":1 \"g\":2}\n"	      /* 8: missing comma */
			 "[1,2]\n"		      /* 9: skipped with the rest of 8 */
			 "{\"h\":\"\xc3\x28\"}\n"	      /* 10: bad UTF-8 */
			 "{\"i\":\"\xed\xa0\x80\"}\n"     /* 11: UTF-8 surrogate */
			 "{\"j\":\"\xc0\xaf\"}\n"	      /* 12: overlong */
			 "{\"k\":2}\n"		      /* 13 */
			 "{\"l\":\"unterminated";      /* 14: truncated at EOF */
	static const struct {
		uint64_t line;
		const char *reason;
	} want[AG_JSONL_PROBLEMS] = {
		{14, "truncated object at end of input"},
		{12, "invalid UTF-8 in string"},
		{11, "invalid UTF-8 in string"},
		{10, "invalid UTF-8 in string"},
		{8, "expected ',' or '}'"},
		{6, "control character in string"},
		{5, "expected a key"},
		{4, "expected ',' or '}'"},
	};
	struct ag_jsonl_problem pr[AG_JSONL_PROBLEMS];
	struct ag_jsonl_stats st;
	struct ag_event ev;
	struct ag_jsonl *r;
	FILE *f = fmemopen((void *)in, strlen(in), "r");
	size_t n, i;

	cr_assert_eq(ag_event_init(&ev, F_NFIELDS), 0);
	cr_assert_eq(ag_jsonl_open_file(&r, f, NULL, lookup, NULL), 0);
	cr_assert_eq(ag_jsonl_next(r, &ev), 0);
	cr_assert_eq(ev.seq, 1);
	cr_assert_eq(ag_jsonl_next(r, &ev), 0);
	cr_assert_str_eq(ev.kv[0].name, "k");
	cr_assert_eq(ev.seq, 11, "seq %lu", (unsigned long)ev.seq);
	cr_assert_eq(ag_jsonl_next(r, &ev), -ENODATA);
	ag_jsonl_stats(r, &st);
	cr_assert_eq(st.objects, 2);
	cr_assert_eq(st.malformed, 10);
	cr_assert_eq(st.bytes, strlen(in));
	cr_assert_eq(st.lines, 13);
	n = ag_jsonl_problems(r, pr, AG_JSONL_PROBLEMS);
	cr_assert_eq(n, AG_JSONL_PROBLEMS);
	for (i = 0; i < n; i++) {
		cr_expect_str_eq(pr[i].reason, want[i].reason, "problem %zu", i);
		cr_expect_eq(pr[i].line, want[i].line, "problem %zu: line %lu", i,
			     (unsigned long)pr[i].line);
	}
	cr_assert_eq(pr[0].offset, strlen(in));
	ag_jsonl_close(r);
	fclose(f);
	/* The oldest problem above, on its own. */
	f = fmemopen((void *)in, 30, "r");
	cr_assert_eq(ag_jsonl_open_file(&r, f, NULL, lookup, NULL), 0);
	while (ag_jsonl_next(r, &ev) == 0)
		;
	cr_assert_eq(ag_jsonl_problems(r, pr, AG_JSONL_PROBLEMS), 2);
	cr_assert_str_eq(pr[1].reason, "not a JSON object");
	cr_assert_eq(pr[1].line, 2);
	cr_assert_eq(pr[1].offset, 8);
	ag_jsonl_close(r);
	ag_event_done(&ev);
	fclose(f);
}

Test(readers, jsonl_deep_nesting)
{
	struct sbuf b = {0};
	struct ag_jsonl_stats st;
	char *got;
	int i;

	for (i = 0; i < 200; i++)
		sb_str(&b, "{\"a\":");
	sb_str(&b, "1");
	for (i = 0; i < 200; i++)
		sb_str(&b, "}");
	sb_str(&b, "\n{\"ok\":[[[[1]]]]}\n");
	got = run(b.s, b.n, 0, &st);
	cr_assert_str_eq(got, "{ok=[[[[1]]]]#C}\n");
	cr_assert_eq(st.malformed, 1);
	free(got);
	free(b.s);
}

Test(readers, jsonl_chunk_boundaries)
{
	const char *in = "\xef\xbb\xbf{\"userIdentity\":{\"arn\":\"a\\u00e9\\ud83d\\ude00\"},\"n\":12345,"
			 "\"arr\":[1, 2, {\"x\": \"y\"}],\"t\":true,\"u\":null,\"s\":\"\xe2\x82\xac\"}"
			 "{\"b\":\"x\"}\r\n{\"bad\":\"\\q\"}\n{\"c\":\"last\"}";
	struct ag_jsonl_stats st;
	char *ref = run(in, strlen(in), 0, &st), *got;
	size_t chunk;

	cr_assert_eq(st.objects, 3);
	cr_assert_eq(st.malformed, 1);
	for (chunk = 1; chunk <= 80; chunk++) {
		got = run(in, strlen(in), chunk, &st);
		cr_assert_str_eq(got, ref, "chunk %zu", chunk);
		cr_assert_eq(st.malformed, 1);
		free(got);
	}
	free(ref);
}

Test(readers, jsonl_pipe_fd)
{
	const char *in = "{\"a\":\"1\"}\n{\"b\":[2]}\n";
	struct ag_event ev;
	struct ag_jsonl *r;
	int p[2], n = 0;

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(write(p[1], in, strlen(in)), (ssize_t)strlen(in));
	close(p[1]);
	cr_assert_eq(ag_event_init(&ev, F_NFIELDS), 0);
	cr_assert_eq(ag_jsonl_open_fd(&r, p[0], NULL, NULL, NULL), 0);
	while (ag_jsonl_next(r, &ev) == 0)
		n++;
	cr_assert_eq(n, 2);
	ag_jsonl_close(r);
	ag_event_done(&ev);
	close(p[0]);
}

Test(readers, jsonl_object_over_cap_skipped, .timeout = 60)
{
	size_t big = 20u << 20, i;
	char *in = malloc(big + 64);
	struct ag_jsonl_problem pr;
	struct ag_jsonl_stats st;
	struct ag_event ev;
	struct ag_jsonl *r;
	FILE *f = tmpfile();
	int n = 0;

	cr_assert(in && f);
	memcpy(in, "{\"a\":1}\n{\"big\":\"", 16);
	for (i = 16; i < big; i++)
		in[i] = 'x';
	memcpy(in + big, "\"}\n{\"after\":2}\n", 15);
	cr_assert_eq(fwrite(in, 1, big + 15, f), big + 15);
	rewind(f);
	cr_assert_eq(ag_event_init(&ev, F_NFIELDS), 0);
	cr_assert_eq(ag_jsonl_open_file(&r, f, NULL, lookup, NULL), 0);
	while (ag_jsonl_next(r, &ev) == 0) {
		cr_assert_neq(strcmp(ev.kv[0].name, "big"), 0);
		n++;
	}
	cr_assert_eq(n, 2);
	cr_assert_str_eq(ev.kv[0].name, "after");
	cr_assert_eq(ev.seq, 3);
	ag_jsonl_stats(r, &st);
	cr_assert_eq(st.malformed, 1);
	cr_assert_eq(ag_jsonl_problems(r, &pr, 1), 1);
	cr_assert_str_eq(pr.reason, "object larger than the size cap");
	cr_assert_eq(pr.line, 2);
	ag_jsonl_close(r);
	/* Under the cap with a smaller chunk: the same object is read whole. */
	rewind(f);
	cr_assert_eq(ag_jsonl_open_file(&r, f, &(struct ag_jsonl_opts){.chunk = 4096,
								       .max_object = 32u << 20},
				     lookup, NULL),
		     0);
	n = 0;
	while (ag_jsonl_next(r, &ev) == 0)
		if (n++ == 1)
			cr_assert_eq(ev.kv[0].val_len, big - 16);
	cr_assert_eq(n, 3);
	ag_jsonl_close(r);
	ag_event_done(&ev);
	fclose(f);
	free(in);
}

/* ---- datasets ---- */

/* Every .jsonl file of security-datasets (paths into list, count returned). */
static size_t find_jsonl(const char *dir, char **list, size_t max, size_t n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];

	if (!d)
		return n;
	while ((e = readdir(d)) && n < max) {
		size_t l = strlen(e->d_name);

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (e->d_type == DT_DIR)
			n = find_jsonl(path, list, max, n);
		else if (l > 6 && !strcmp(e->d_name + l - 6, ".jsonl"))
			list[n++] = strdup(path);
	}
	closedir(d);
	return n;
}

static size_t dataset_files(char **list, size_t max)
{
	list[0] = strdup(EVTX_DIR "/events.jsonl");
	return find_jsonl(DATASETS "/security-datasets", list, max, 1);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

Test(readers, jsonl_datasets_and_throughput, .timeout = 300)
{
	char *files[128];
	size_t nf, i, lines;
	uint64_t bytes = 0, events = 0;
	struct ag_event ev;
	double t0, dt;
	int pass;

	if (!have_datasets())
		cr_skip_test("no datasets at %s", DATASETS);
	nf = dataset_files(files, 128);
	cr_assert_geq(nf, 2);
	cr_assert_eq(ag_event_init(&ev, F_NFIELDS), 0);
	/* Pass 0 checks counts (and warms the page cache); pass 1 is timed. */
	for (pass = 0; pass < 2; pass++) {
		t0 = now();
		for (i = 0; i < nf; i++) {
			struct ag_jsonl_stats st;
			struct ag_jsonl *r;
			int fd = open(files[i], O_RDONLY), c;
			char buf[65536];
			ssize_t k;

			cr_assert_geq(fd, 0);
			cr_assert_eq(ag_jsonl_open_fd(&r, fd, NULL, lookup, NULL), 0);
			while (ag_jsonl_next(r, &ev) == 0)
				cr_assert_eq(ev.dropped, 0);
			ag_jsonl_stats(r, &st);
			ag_jsonl_close(r);
			bytes += pass ? st.bytes : 0;
			events += pass ? st.objects : 0;
			if (pass) {
				close(fd);
				continue;
			}
			cr_assert_eq(st.malformed, 0, "%s", files[i]);
			lseek(fd, 0, SEEK_SET);
			for (lines = 0; (k = read(fd, buf, sizeof(buf))) > 0;)
				for (c = 0; c < k; c++)
					lines += buf[c] == '\n';
			cr_assert_eq(st.objects, lines, "%s", files[i]);
			close(fd);
		}
	}
	dt = now() - t0;
	cr_log_info("jsonl reader: %zu files, %.1f MB in %.3f s: %.1f MB/s, %.0f events/s", nf,
		    (double)bytes / 1e6, dt, (double)bytes / 1e6 / dt, (double)events / dt);
	fprintf(stderr, "jsonl reader: %.1f MB/s, %.0f events/s (%lu events)\n",
		(double)bytes / 1e6 / dt, (double)events / dt, (unsigned long)events);
	for (i = 0; i < nf; i++)
		free(files[i]);
	ag_event_done(&ev);
}

/* ---- EVTX ---- */

/* The kv of ev called name, or NULL. */
static const struct ag_kv *kv_named(const struct ag_event *ev, const char *name, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < ev->nkv; i++)
		if (ev->kv[i].name_len == n && !memcmp(ev->kv[i].name, name, n))
			return &ev->kv[i];
	return NULL;
}

struct agreement {
	uint64_t records, records_equal, keys, keys_equal;
	uint64_t missing, extra, value; /* kinds of differences */
};

/* Compare one EVTX event with its JSONL twin key by key ("_source" ignored). */
static void compare(const struct ag_event *x, const struct ag_event *j, struct agreement *a,
		    const char *src)
{
	uint64_t before = a->keys - a->keys_equal;
	uint32_t i;

	for (i = 0; i < j->nkv; i++) {
		const struct ag_kv *jk = &j->kv[i], *xk;

		if (jk->name_len == 7 && !memcmp(jk->name, "_source", 7))
			continue;
		a->keys++;
		xk = kv_named(x, jk->name, jk->name_len);
		if (!xk) {
			a->missing++;
			cr_log_warn("%s #%lu: '%s' missing from EVTX", src, (unsigned long)x->seq,
				    jk->name);
		} else if (xk->val_len != jk->val_len || memcmp(xk->val, jk->val, jk->val_len) ||
			   (xk->flags & AG_V_NUMBER) != (jk->flags & AG_V_NUMBER)) {
			a->value++;
			cr_log_warn("%s #%lu: '%s' is '%s' in EVTX, '%s' in JSONL", src,
				    (unsigned long)x->seq, jk->name, xk->val, jk->val);
		} else {
			a->keys_equal++;
		}
	}
	for (i = 0; i < x->nkv; i++)
		if (!kv_named(j, x->kv[i].name, x->kv[i].name_len)) {
			a->keys++;
			a->extra++;
			cr_log_warn("%s #%lu: extra key '%s' in EVTX", src, (unsigned long)x->seq,
				    x->kv[i].name);
		}
	a->records++;
	a->records_equal += a->keys - a->keys_equal == before;
}

Test(readers, evtx_agrees_with_jsonl_twins, .timeout = 600)
{
	struct ag_event jev, xev;
	struct agreement a = {0};
	struct ag_evtx *x = NULL;
	struct ag_jsonl *r;
	char cur[4096] = "", path[4608], err[512];
	uint64_t files = 0, bad = 0;
	int fd, rc;

	if (!have_datasets())
		cr_skip_test("no datasets at %s", DATASETS);
	fd = open(EVTX_DIR "/events.jsonl", O_RDONLY);
	cr_assert_geq(fd, 0);
	cr_assert_eq(ag_event_init(&jev, F_NFIELDS), 0);
	cr_assert_eq(ag_event_init(&xev, F_NFIELDS), 0);
	cr_assert_eq(ag_jsonl_open_fd(&r, fd, NULL, lookup, NULL), 0);
	/* The twins of one .evtx file are consecutive lines, in record order. */
	while ((rc = ag_jsonl_next(r, &jev)) == 0) {
		const struct ag_kv *src = kv_named(&jev, "_source", 7);

		cr_assert(src && src->val_len > 2 && src->val_len < sizeof(cur));
		if (strcmp(src->val, cur)) {
			struct ag_evtx_stats st;

			if (x) {
				ag_evtx_stats(x, &st);
				cr_expect_eq(ag_evtx_next(x, &xev), -ENODATA, "%s: more records", cur);
				bad += st.bad;
				ag_evtx_close(x);
			}
			strcpy(cur, src->val);
			snprintf(path, sizeof(path), "%s/%s", EVTX_DIR, cur + 2);
			cr_assert_eq(ag_evtx_open(&x, path, NULL, lookup, NULL, err, sizeof(err)), 0,
				     "%s", err);
			files++;
		}
		cr_assert_eq(ag_evtx_next(x, &xev), 0, "%s: fewer records than JSONL lines", cur);
		compare(&xev, &jev, &a, cur);
	}
	cr_assert_eq(rc, -ENODATA);
	if (x) {
		struct ag_evtx_stats st;

		ag_evtx_stats(x, &st);
		bad += st.bad;
		ag_evtx_close(x);
	}
	cr_log_info("evtx vs jsonl: %lu files, %lu/%lu records equal, %lu/%lu keys equal "
		    "(%.4f%%), %lu missing, %lu extra, %lu values differ, %lu bad records",
		    (unsigned long)files, (unsigned long)a.records_equal, (unsigned long)a.records,
		    (unsigned long)a.keys_equal, (unsigned long)a.keys,
		    100.0 * (double)a.keys_equal / (double)a.keys, (unsigned long)a.missing,
		    (unsigned long)a.extra, (unsigned long)a.value, (unsigned long)bad);
	fprintf(stderr, "evtx vs jsonl: %lu files, %lu/%lu records, %lu/%lu keys equal\n",
		(unsigned long)files, (unsigned long)a.records_equal, (unsigned long)a.records,
		(unsigned long)a.keys_equal, (unsigned long)a.keys);
	cr_expect_eq(files, 277);
	cr_expect_eq(a.records, 8255);
	cr_expect_eq(a.keys_equal, a.keys);
	cr_expect_eq(bad, 0);
	ag_jsonl_close(r);
	close(fd);
	ag_event_done(&jev);
	ag_event_done(&xev);
}

/* Read every record of path (any outcome but a crash is fine); returns events. */
static uint64_t drain(const char *path, enum ag_evtx_recovered rec, int *ret_open)
{
	struct ag_evtx_opts o = {.recovered = rec};
	struct ag_evtx_stats st;
	struct ag_event ev;
	struct ag_evtx *x;
	char err[512] = "";
	uint64_t n = 0;

	cr_assert_eq(ag_event_init(&ev, F_NFIELDS), 0);
	*ret_open = ag_evtx_open(&x, path, &o, lookup, NULL, err, sizeof(err));
	if (*ret_open) {
		cr_assert_neq(err[0], '\0', "no error message");
		ag_event_done(&ev);
		return 0;
	}
	while (ag_evtx_next(x, &ev) == 0) {
		const struct ag_kv *id = ag_event_get(&ev, AG_FIELD_EVENTID);

		cr_assert(!id || id->val[id->val_len] == '\0');
		n++;
	}
	ag_evtx_stats(x, &st);
	cr_assert_eq(st.events, n);
	ag_evtx_close(x);
	ag_event_done(&ev);
	return n;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;

	cr_assert(f, "%s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	b = malloc((size_t)n);
	cr_assert_eq(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

static void spit(const char *path, const char *b, size_t n)
{
	FILE *f = fopen(path, "wb");

	cr_assert(f);
	cr_assert_eq(fwrite(b, 1, n, f), n);
	fclose(f);
}

Test(readers, evtx_corrupt_and_truncated_files, .timeout = 300)
{
	static const size_t cuts[] = {0, 100, 4095, 4096, 4200, 8192, 65536, 70000, 200000, 600000};
	const char *src = EVTX_DIR "/Lateral Movement/LM_5145_Remote_FileCopy.evtx";
	char tmp[] = "/tmp/test-readers-XXXXXX";
	size_t len, i, k;
	uint64_t full, n;
	char *orig, *b;
	int fd, rc;

	if (!have_datasets())
		cr_skip_test("no datasets at %s", DATASETS);
	fd = mkstemp(tmp);
	cr_assert_geq(fd, 0);
	close(fd);
	orig = slurp(src, &len);
	full = drain(src, AG_EVTX_RECOVERED_AUTO, &rc);
	cr_assert_eq(rc, 0);
	cr_assert_gt(full, 100);
	/* Missing file, not an EVTX file. */
	drain("/nonexistent/x.evtx", AG_EVTX_RECOVERED_AUTO, &rc);
	cr_assert_eq(rc, -ENOENT);
	spit(tmp, "{\"not\":\"evtx\"}\n", 15);
	drain(tmp, AG_EVTX_RECOVERED_AUTO, &rc);
	cr_assert_eq(rc, -EINVAL);
	/* Truncated copies: an error or fewer records, never a crash. */
	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		spit(tmp, orig, cuts[i] < len ? cuts[i] : len);
		n = drain(tmp, AG_EVTX_RECOVERED_ALWAYS, &rc);
		cr_log_info("truncated at %zu: open %d, %lu events", cuts[i], rc, (unsigned long)n);
		cr_assert(rc == 0 || n == 0);
	}
	/* Flipped bytes in a smaller file: a fixed pseudo-random sequence of damage. */
	free(orig);
	orig = slurp(EVTX_DIR "/UACME_59_Sysmon.evtx", &len);
	b = malloc(len);
	srand(42);
	for (i = 0; i < 60; i++) {
		memcpy(b, orig, len);
		for (k = 0; k < 1 + i % 8; k++) {
			size_t at = i < 10 ? (size_t)rand() % 4096 : (size_t)rand() % len;

			b[at] = (char)(b[at] ^ (1 << (rand() % 8)));
		}
		spit(tmp, b, len);
		n = drain(tmp, i % 2 ? AG_EVTX_RECOVERED_ALWAYS : AG_EVTX_RECOVERED_AUTO, &rc);
		cr_assert(rc == 0 || n == 0);
	}
	unlink(tmp);
	free(b);
	free(orig);
}

/* ---- routing ---- */

/* An event from JSONL text, routed; the reader is kept open by the caller. */
static struct ag_jsonl *route_one(const char *json, struct ag_event *ev, FILE **f)
{
	struct ag_route_fields rf;
	struct ag_jsonl *r;

	*f = fmemopen((void *)json, strlen(json), "r");
	cr_assert(*f);
	cr_assert_eq(ag_jsonl_open_file(&r, *f, NULL, lookup, NULL), 0);
	cr_assert_eq(ag_jsonl_next(r, ev), 0);
	ag_route_fields_init(&rf, lookup, NULL);
	ag_route_windows_fields(ev, &rf);
	return r;
}

static void expect_route(const char *json, const char *service, const char *cats)
{
	struct sbuf b = {0};
	struct ag_event ev;
	struct ag_jsonl *r;
	FILE *f;
	int i;

	cr_assert_eq(ag_event_init(&ev, F_NFIELDS), 0);
	r = route_one(json, &ev, &f);
	cr_expect_str_eq(ev.product, "windows");
	if (service)
		cr_expect_str_eq(ev.service ? ev.service : "(null)", service, "%s", json);
	else
		cr_expect_null(ev.service, "%s", json);
	sb_str(&b, "");
	for (i = 0; i < ev.ncategory; i++) {
		sb_str(&b, i ? "," : "");
		sb_str(&b, ev.category[i]);
	}
	cr_expect_str_eq(b.s, cats, "%s", json);
	free(b.s);
	ag_jsonl_close(r);
	fclose(f);
	ag_event_done(&ev);
}

#define SYSMON "\"Channel\":\"Microsoft-Windows-Sysmon/Operational\""

Test(readers, route_representative_events)
{
	struct ag_event ev;
	struct ag_jsonl *r;
	FILE *f;

	expect_route("{\"EventID\":1," SYSMON "}", "sysmon", "process_creation");
	expect_route("{\"EventID\":\"3\"," SYSMON "}", "sysmon", "network_connection");
	expect_route("{\"EventID\":12," SYSMON ",\"EventType\":\"CreateKey\"}", "sysmon",
		     "registry_add,registry_event");
	expect_route("{\"EventID\":12," SYSMON ",\"EventType\":\"DeleteValue\"}", "sysmon",
		     "registry_delete,registry_event");
	expect_route("{\"EventID\":12," SYSMON ",\"EventType\":\"DeleteKey\"}", "sysmon",
		     "registry_delete,registry_event");
	expect_route("{\"EventID\":13," SYSMON "}", "sysmon", "registry_set,registry_event");
	expect_route("{\"EventID\":14," SYSMON "}", "sysmon", "registry_rename,registry_event");
	expect_route("{\"EventID\":18," SYSMON "}", "sysmon", "pipe_created");
	expect_route("{\"EventID\":24," SYSMON "}", "sysmon", "clipboard_capture,clipboard_change");
	expect_route("{\"EventID\":16," SYSMON "}", "sysmon", "sysmon_status");
	expect_route("{\"EventID\":255," SYSMON "}", "sysmon", "sysmon_error");
	expect_route("{\"EventID\":29," SYSMON "}", "sysmon", "file_executable_detected");
	expect_route("{\"EventID\":99," SYSMON "}", "sysmon", "");
	expect_route("{\"EventID\":4688,\"Channel\":\"security\"}", "security", "process_creation");
	expect_route("{\"EventID\":4624,\"Channel\":\"Security\"}", "security", "");
	expect_route("{\"EventID\":1,\"Channel\":\"Security\"}", "security", "");
	expect_route("{\"EventID\":4104,\"Channel\":\"Microsoft-Windows-PowerShell/Operational\"}",
		     "powershell", "ps_script");
	expect_route("{\"EventID\":4103,\"Channel\":\"PowerShellCore/Operational\"}", "powershell",
		     "ps_module");
	expect_route("{\"EventID\":400,\"Channel\":\"Windows PowerShell\"}", "powershell-classic",
		     "ps_classic_start");
	expect_route("{\"EventID\":600,\"Channel\":\"Windows PowerShell\"}", "powershell-classic",
		     "ps_classic_provider_start");
	expect_route("{\"EventID\":800,\"Channel\":\"Windows PowerShell\"}", "powershell-classic",
		     "ps_classic_script");
	expect_route("{\"EventID\":1116,\"Channel\":\"Microsoft-Windows-Windows Defender/Operational\"}",
		     "windefend", "antivirus");
	expect_route("{\"EventID\":1117,\"Channel\":\"Microsoft-Windows-Windows Defender/Operational\"}",
		     "windefend", "");
	expect_route("{\"EventID\":7045,\"Channel\":\"System\"}", "system", "");
	expect_route("{\"EventID\":59,\"Channel\":\"Microsoft-Windows-Bits-Client/Operational\"}",
		     "bits-client", "");
	expect_route("{\"EventID\":1,\"Channel\":\"Microsoft-Windows-DNS Client Events/Operational\"}",
		     "dns-client", "");
	expect_route("{\"EventID\":1,\"Channel\":\"\"}", NULL, "");
	expect_route("{\"EventID\":1}", NULL, "");

	/* 4688: Image and ParentImage are the NewProcessName and ParentProcessName. */
	cr_assert_eq(ag_event_init(&ev, F_NFIELDS), 0);
	r = route_one("{\"EventID\":4688,\"Channel\":\"Security\",\"NewProcessName\":\"C:\\\\a.exe\","
		      "\"ParentProcessName\":\"C:\\\\p.exe\",\"TimeCreated\":"
		      "\"2020-10-22T01:54:20.493Z\"}",
		      &ev, &f);
	cr_assert_str_eq(ag_event_get(&ev, AG_FIELD_IMAGE)->val, "C:\\a.exe");
	cr_assert_str_eq(ag_event_get(&ev, AG_FIELD_PARENTIMAGE)->val, "C:\\p.exe");
	cr_assert_eq(ev.ts_ns, 1603331660493000000ull);
	cr_assert_eq(ev.nalias, 2);
	ag_jsonl_close(r);
	fclose(f);
	/* The aliases go with the reset. */
	ag_event_reset(&ev);
	cr_assert_null(ag_event_get(&ev, AG_FIELD_IMAGE));
	/* Defender: Signature and Filename from ThreatName (has an id) and Path (has none). */
	r = route_one("{\"EventID\":1116,\"Channel\":\"Microsoft-Windows-Windows Defender/Operational\","
		      "\"Threat Name\":\"no\",\"ThreatName\":\"HackTool:X\",\"Path\":\"file:_C:\\\\x\"}",
		      &ev, &f);
	cr_assert_str_eq(ag_event_get(&ev, F_SIGNATURE)->val, "HackTool:X");
	cr_assert_str_eq(ag_event_get(&ev, F_FILENAME)->val, "file:_C:\\x");
	ag_jsonl_close(r);
	fclose(f);
	/* Sysmon for Linux. */
	r = route_one("{\"EventID\":1,\"Channel\":\"Linux-Sysmon/Operational\"}", &ev, &f);
	cr_assert_str_eq(ev.product, "linux");
	cr_assert_str_eq(ev.category[0], "process_creation");
	ag_jsonl_close(r);
	fclose(f);
	ag_event_done(&ev);
}

Test(readers, route_generic_logsource_keys)
{
	const char *in = "{\"logsource\":{\"product\":\"Linux\",\"category\":\"process_creation\","
			 "\"service\":\"my-own-service\"},\"CommandLine\":\"x\"}\n"
			 "{\"EventID\":4104,\"Channel\":\"Microsoft-Windows-PowerShell/Operational\"}\n"
			 "{\"a\":1}\n";
	FILE *f = fmemopen((void *)in, strlen(in), "r");
	struct ag_event ev;
	struct ag_jsonl *r;

	cr_assert_eq(ag_event_init(&ev, F_NFIELDS), 0);
	cr_assert_eq(ag_jsonl_open_file(&r, f, NULL, lookup, NULL), 0);
	cr_assert_eq(ag_jsonl_next(r, &ev), 0);
	ag_route_generic(&ev);
	cr_assert_str_eq(ev.product, "linux");
	cr_assert_eq(ev.ncategory, 1);
	cr_assert_str_eq(ev.category[0], "process_creation");
	cr_assert_str_eq(ev.service, "my-own-service");
	cr_assert_eq(ag_jsonl_next(r, &ev), 0);
	ag_route_generic(&ev);
	cr_assert_str_eq(ev.product, "windows");
	cr_assert_str_eq(ev.category[0], "ps_script");
	cr_assert_eq(ag_jsonl_next(r, &ev), 0);
	ag_route_generic(&ev);
	cr_assert_null(ev.product);
	cr_assert_eq(ev.ncategory, 0);
	ag_jsonl_close(r);
	fclose(f);
	ag_event_done(&ev);
}

Test(readers, route_datasets_coverage, .timeout = 300)
{
	struct {
		const char *cat;
		uint64_t n;
	} per[64];
	char *files[128];
	size_t nf, i, nper = 0;
	uint64_t total = 0, routed = 0, with_service = 0, sysmon = 0, sysmon_routed = 0;
	struct ag_route_fields rf;
	struct ag_event ev;
	struct sbuf b = {0};

	if (!have_datasets())
		cr_skip_test("no datasets at %s", DATASETS);
	nf = dataset_files(files, 128);
	cr_assert_eq(ag_event_init(&ev, F_NFIELDS), 0);
	ag_route_fields_init(&rf, lookup, NULL);
	for (i = 0; i < nf; i++) {
		int fd = open(files[i], O_RDONLY);
		struct ag_jsonl *r;

		cr_assert_eq(ag_jsonl_open_fd(&r, fd, NULL, lookup, NULL), 0);
		while (ag_jsonl_next(r, &ev) == 0) {
			const struct ag_kv *ch = ag_event_get(&ev, AG_FIELD_CHANNEL);
			int c;
			size_t k;

			ag_route_windows_fields(&ev, &rf);
			total++;
			with_service += ev.service != NULL;
			routed += ev.ncategory > 0;
			if (ch && !strcmp(ch->val, "Microsoft-Windows-Sysmon/Operational")) {
				sysmon++;
				sysmon_routed += ev.ncategory > 0;
			}
			for (c = 0; c < ev.ncategory; c++) {
				for (k = 0; k < nper && strcmp(per[k].cat, ev.category[c]); k++)
					;
				if (k == nper && nper < 64)
					per[nper++] = (typeof(per[0])){ev.category[c], 0};
				if (k < nper)
					per[k].n++;
			}
		}
		ag_jsonl_close(r);
		close(fd);
		free(files[i]);
	}
	sb_str(&b, "");
	for (i = 0; i < nper; i++) {
		char line[128];

		snprintf(line, sizeof(line), " %s=%lu", per[i].cat, (unsigned long)per[i].n);
		sb_str(&b, line);
	}
	cr_log_info("routing: %lu events, %lu with a category, %lu with a service;%s",
		    (unsigned long)total, (unsigned long)routed, (unsigned long)with_service, b.s);
	fprintf(stderr, "routing: %lu events, %lu with a category, %lu with a service;%s\n",
		(unsigned long)total, (unsigned long)routed, (unsigned long)with_service, b.s);
	/* Every Sysmon event of the datasets has an EventID with a category. */
	cr_expect_eq(sysmon_routed, sysmon);
	cr_expect_gt(routed, 40000);
	free(b.s);
	ag_event_done(&ev);
}
