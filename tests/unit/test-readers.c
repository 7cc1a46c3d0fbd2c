// SPDX-License-Identifier: Apache-2.0
/*
 * The event model (runtime/event.c) and the JSONL reader (runtime/jsonl.c):
 * JSONL edge cases, every dataset file, and a throughput measurement of the
 * JSONL reader (logged, never asserted). test-evtx.c has the EVTX reader,
 * test-route.c Windows routing; reader_fixtures.h the helpers.
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
#include "reader_fixtures.h"
#include "route.h"

/* Every test starts with the table built. */
TestSuite(readers, .init = lookup_init);

/* ---- helpers ---- */

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
	/* Full of copies of one field: -E2BIG for a field with no id, and counted. */
	for (i = 0; i < AG_MAX_EVENT_FIELDS; i++)
		cr_assert_eq(ag_event_add(&ev, "f", 1, "v", 1, 0, AG_FIELD_COMPUTER), 0);
	cr_assert_eq(ag_event_add(&ev, "g", 1, "v", 1, 0, AG_FIELD_NONE), -E2BIG);
	cr_assert_eq(ev.dropped, 1);
	/* a field with an id takes the place of the last copy a later one shadows */
	cr_assert_eq(ag_event_add(&ev, "Image", 5, "v", 1, 0, AG_FIELD_IMAGE), 0);
	cr_assert_eq(ev.dropped, 2);
	cr_assert_eq(ag_event_get(&ev, AG_FIELD_IMAGE), &ev.kv[AG_MAX_EVENT_FIELDS - 2]);
	cr_assert_eq(ag_event_get(&ev, AG_FIELD_COMPUTER), &ev.kv[AG_MAX_EVENT_FIELDS - 1]);
	ag_event_reset(&ev);
	cr_assert_eq(ev.dropped, 0);
	cr_assert_null(ag_event_get(&ev, AG_FIELD_COMPUTER));
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
	       "{a=[1,\"x y\",{\"b\":[]}]#C,c=[]#C,d=[\"\\xc3\\xa9\"]#U#C}\n", 0);
	/*
	 * Escapes inside an array are decoded, as in a string: a rule reads
	 * C:\Windows and a \u escape the same wherever the writer put them.
	 */
	expect("{\"a\":[\"x evil\\u006beyword y\",\"C:\\\\Windows\\\\x.exe\"],"
	       "\"b\":[{\"k\\u0031\":\"\\\"q\\\" \\t\\ud83d\\ude00\"}],\"c\":[\"\\udcff\"]}",
	       "{a=[\"x evilkeyword y\",\"C:\\Windows\\x.exe\"]#C,"
	       "b=[{\"k1\":\"\"q\" \\x09\\xf0\\x9f\\x98\\x80\"}]#U#C,c=[\"\\xff\"]#U#C}\n", 0);
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
	/* Invalid escape, bad hex: the object is skipped, the next is read. */
	expect("{\"a\":\"\\x\"}\n{\"ok\":1}\n", "{ok=1#N}\n", 1);
	expect("{\"a\":\"\\u12g4\"}\n{\"ok\":1}\n", "{ok=1#N}\n", 1);
	expect("{\"a\\q\":1}\n{\"ok\":1}\n", "{ok=1#N}\n", 1);
	/*
	 * A lone surrogate costs only itself: U+DC80..U+DCFF (Python's escape of
	 * a byte that is not UTF-8) is that byte, any other U+FFFD; a high half
	 * followed by no low half is U+FFFD and what follows is read on its own.
	 */
	expect("{\"a\":\"\\ud800\"}\n{\"ok\":1}\n", "{a=\\xef\\xbf\\xbd#U}\n{ok=1#N}\n", 0);
	expect("{\"a\":\"\\udc00x\"}", "{a=\\xef\\xbf\\xbdx#U}\n", 0);
	expect("{\"a\":\"\\ud800\\u0041\"}", "{a=\\xef\\xbf\\xbdA#U}\n", 0);
	expect("{\"a\":\"\\ud800\\ud800\\udc00\"}", "{a=\\xef\\xbf\\xbd\\xf0\\x90\\x80\\x80#U}\n", 0);
	expect("{\"a\":\"nc\\udcff\\udc80 -e\", \"k\\udcfe\":1}",
	       "{a=nc\\xff\\x80 -e#U,k\\xfe=1#N}\n", 0);
	expect("{\"a\":\"\\udc7f\\ude00\"}", "{a=\\xef\\xbf\\xbd\\xef\\xbf\\xbd#U}\n", 0);
	/* NaN and the infinities (Python's json writes them) are text */
	expect("{\"n\":NaN,\"i\":Infinity,\"m\":-Infinity,\"a\":[NaN,-Infinity],\"x\":-1}",
	       "{n=NaN,i=Infinity,m=-Infinity,a=[NaN,-Infinity]#C,x=-1#N}\n", 0);
	expect("{\"n\":Nan}\n{\"ok\":1}\n", "{ok=1#N}\n", 1);
}

/*
 * Field ids through the reader's name cache: names of every length class
 * the cache keys differently (below 8, 8-16, 17-24, over 24 bytes), near
 * misses of known names (one byte changed, added or missing), an escaped
 * key and a flattened one, in a different order in every event; each id
 * must be what lookup() says for the name read.
 */
Test(readers, jsonl_field_ids_through_cache)
{
	static const char *const names[] = {
		"Image", "Imagf", "Imag", "Image_", "User", "Usr", "CommandLine", "CommandLinf",
		"commandLine", "ParentCommandLine", "ParentCommandLinf", "ParentCommandLin",
		"TargetFilename", "TargetFilenamf", "CurrentDirectory", "CurrentDirectorz",
		"Signature", "Filename", "Filenamf", "EventType", "ThreatName", "ParentImage",
		"ParentImagf", "ParentCommandLineIsLongerThan24", "ParentCommandLineIsLongerThan2X",
		"", "a", "Im\\u0061ge", "x.Image", "ParentProcessGuid", "ParentProcessGuie"};
	const size_t n = sizeof(names) / sizeof(names[0]);
	struct sbuf in = {0};
	struct ag_event ev;
	struct ag_jsonl *r;
	uint64_t seed = 12345, events = 0, known = 0;
	size_t i, j, k;
	FILE *f = tmpfile();

	cr_assert(f);
	sb_str(&in, "");
	for (i = 0; i < 300; i++) {
		size_t order[64];

		for (j = 0; j < n; j++)
			order[j] = j;
		for (j = n - 1; j > 0; j--) {
			size_t t = order[j];

			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			k = (size_t)(seed >> 33) % (j + 1);
			order[j] = order[k];
			order[k] = t;
		}
		sb_str(&in, "{");
		for (j = 0; j < n; j++) {
			const char *nm = names[order[j]];

			if (j)
				sb_str(&in, ",");
			if (!strcmp(nm, "x.Image")) {
				sb_str(&in, "\"x\":{\"Image\":\"v\"}");
				continue;
			}
			sb_str(&in, "\"");
			sb_str(&in, nm);
			sb_str(&in, "\":\"v\"");
		}
		sb_str(&in, "}\n");
	}
	cr_assert_eq(fwrite(in.s, 1, strlen(in.s), f), strlen(in.s));
	rewind(f);
	cr_assert_eq(ag_event_init(&ev, F_NFIELDS), 0);
	cr_assert_eq(ag_jsonl_open_file(&r, f, NULL, lookup, NULL), 0);
	while (ag_jsonl_next(r, &ev) == 0) {
		events++;
		cr_assert_eq(ev.nkv, n);
		for (i = 0; i < ev.nkv; i++) {
			const struct ag_kv *kv = &ev.kv[i];
			uint32_t want = lookup(NULL, kv->name, kv->name_len);

			cr_assert_eq(kv->id, want, "field '%s' (%u bytes): id %u, lookup says %u",
				     kv->name, kv->name_len, kv->id, want);
			known += want != AG_FIELD_NONE;
		}
		cr_assert(ag_event_get(&ev, AG_FIELD_IMAGE));
		cr_assert_str_eq(ag_event_get(&ev, AG_FIELD_IMAGE)->name, "Image");
	}
	cr_assert_eq(events, 300);
	cr_assert_gt(known, 300 * 8, "the names include known fields");
	ag_jsonl_close(r);
	ag_event_done(&ev);
	fclose(f);
	free(in.s);
}

/*
 * Strings with escapes longer than the scratch block (64 KiB at first):
 * decoded in one pass into scratch, which grows and the object is parsed
 * again; the same text at every chunk size tried.
 */
Test(readers, jsonl_long_escaped_strings)
{
	struct sbuf in = {0}, want = {0};
	size_t i, chunks[] = {0, 4096, 65537};
	char *got;

	sb_str(&in, "{\"k\":\"");
	sb_str(&want, "{k=");
	/* a long plain prefix before the first escape */
	for (i = 0; i < 20; i++) {
		sb_str(&in, "0123456789");
		sb_str(&want, "0123456789");
	}
	for (i = 0; i < 9000; i++) {
		sb_str(&in, i % 7 ? "C:\\\\Windows\\\\x" : "\\u00e9\\ud83d\\ude00\\n\\\"q");
		sb_str(&want, i % 7 ? "C:\\Windows\\x" : "\\xc3\\xa9\\xf0\\x9f\\x98\\x80\\x0a\"q");
		if (i % 5 == 0) { /* a plain run over several chunks */
			sb_str(&in, "System32-drivers-etc-hosts-and-then-some");
			sb_str(&want, "System32-drivers-etc-hosts-and-then-some");
		}
	}
	sb_str(&in, "\",\"next\":\"plain\"}\n{\"b\":\"\\\\\"}\n");
	sb_str(&want, "#U,next=plain}\n{b=\\}\n");
	cr_assert_gt(strlen(in.s), 128u << 10);
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		got = run(in.s, strlen(in.s), chunks[i], NULL);
		cr_assert(!strcmp(got, want.s), "chunk %zu: %zu bytes rendered, %zu expected",
			  chunks[i], strlen(got), strlen(want.s));
		free(got);
	}
	free(in.s);
	free(want.s);
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

/* A truncated object is named by the line it starts on, not the end of the input. */
Test(readers, jsonl_truncated_object_named_by_its_start)
{
	static const char *const ins[] = {
		"{\"a\":1}\n{\"b\":2}\n{\"c\":\"3\", \"d\":",
		"{\"a\":1}\n{\"b\":2}\n{\"c\":\"3\", \"d\":\n",
		"{\"a\":1}\n{\"b\":2}\n{\"c\":\"3\",\n  \"d\": [\n 1,\n\n",
	};
	size_t k;

	for (k = 0; k < sizeof(ins) / sizeof(ins[0]); k++) {
		struct ag_jsonl_problem pr;
		struct ag_jsonl_stats st;
		struct ag_jsonl *r;
		struct ag_event ev;
		FILE *f = fmemopen((void *)ins[k], strlen(ins[k]), "r");
		int n = 0;

		cr_assert_not_null(f);
		cr_assert_eq(ag_event_init(&ev, F_NFIELDS), 0);
		cr_assert_eq(ag_jsonl_open_file(&r, f, NULL, lookup, NULL), 0);
		while (ag_jsonl_next(r, &ev) == 0)
			n++;
		cr_assert_eq(n, 2);
		ag_jsonl_stats(r, &st);
		cr_assert_eq(st.malformed, 1);
		cr_assert_eq(ag_jsonl_problems(r, &pr, 1), 1);
		cr_assert_str_eq(pr.reason, "truncated object at end of input");
		cr_assert_eq(pr.line, 3, "input %zu: line %llu", k, (unsigned long long)pr.line);
		cr_assert_eq(pr.offset, 16, "input %zu: offset %llu", k,
			     (unsigned long long)pr.offset);
		ag_jsonl_close(r);
		ag_event_done(&ev);
		fclose(f);
	}
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
			 "{\"h\":\"\xc3\x28\"}\n"	      /* 10: bad UTF-8, kept as it is */
			 "{\"i\":\"\xed\xa0\x80\"}\n"     /* 11: UTF-8 surrogate, kept */
			 "{\"j\":\"\xc0\xaf\"}\n"	      /* 12: overlong, kept */
			 "{\"k\":2}\n"		      /* 13 */
			 "{\"l\":\"unterminated";      /* 14: truncated at EOF */
	static const struct {
		uint64_t line;
		const char *reason;
	} want[AG_JSONL_PROBLEMS] = {
		{14, "truncated object at end of input"},
		{8, "expected ',' or '}'"},
		{6, "control character in string"},
		{5, "expected a key"},
		{4, "expected ',' or '}'"},
		{3, "invalid literal"},
		{2, "not a JSON object"},
	};
	static const char *const kept[] = {"h", "\xc3\x28", "i", "\xed\xa0\x80", "j", "\xc0\xaf"};
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
	for (i = 0; i < 3; i++) {
		cr_assert_eq(ag_jsonl_next(r, &ev), 0);
		cr_assert_str_eq(ev.kv[0].name, kept[2 * i]);
		cr_assert_str_eq(ev.kv[0].val, kept[2 * i + 1]);
		cr_assert_eq(ev.kv[0].flags, AG_V_NONASCII);
	}
	cr_assert_eq(ag_jsonl_next(r, &ev), 0);
	cr_assert_str_eq(ev.kv[0].name, "k");
	cr_assert_eq(ev.seq, 11, "seq %lu", (unsigned long)ev.seq);
	cr_assert_eq(ag_jsonl_next(r, &ev), -ENODATA);
	ag_jsonl_stats(r, &st);
	cr_assert_eq(st.objects, 5);
	cr_assert_eq(st.malformed, 7);
	cr_assert_eq(st.bytes, strlen(in));
	cr_assert_eq(st.lines, 13);
	n = ag_jsonl_problems(r, pr, AG_JSONL_PROBLEMS);
	cr_assert_eq(n, 7);
	for (i = 0; i < n; i++) {
		cr_expect_str_eq(pr[i].reason, want[i].reason, "problem %zu", i);
		cr_expect_eq(pr[i].line, want[i].line, "problem %zu: line %lu", i,
			     (unsigned long)pr[i].line);
	}
	/* a truncated object is named by where it starts */
	cr_assert_eq(pr[0].offset, strlen(in) - strlen("{\"l\":\"unterminated"));
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

/*
 * A record cut short costs only itself: the next try is the first later
 * line that may start an object, even one the cut record ran into (after
 * blanks or a BOM too).
 */
Test(readers, jsonl_cut_record_spares_the_next_line)
{
	expect("{\"partial\":\"abc\"\n{\"good\":1}\n", "{good=1#N}\n", 1);
	expect("{\"partial\":\n{\"good\":1}\n{\"good\":2}\n", "{good=1#N}\n{good=2#N}\n", 1);
	expect("{\"x\":1,\n  {\"good\":3}\n", "{good=3#N}\n", 1);
	expect("{\"x\":[1,\n\t{\"good\":4}\n", "{good=4#N}\n", 1);
	expect("{\"x\":\n\xef\xbb\xbf{\"good\":5}\n", "{good=5#N}\n", 1);
	/* a pretty-printed object is still one event */
	expect("{\n  \"a\": {\n    \"b\": 1\n  },\n  \"c\": [\n    {\"d\": 2}\n  ]\n}\n",
	       "{a.b=1#N,c=[{\"d\":2}]#C}\n", 0);
	/* a line that does not start an object is still skipped after a bad one */
	expect("{\"x\":tru}\n\"a\":1}\n{\"good\":6}\n", "{good=6#N}\n", 1);
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
	/*
	 * Past AG_JSONL_MAX_DEPTH nested names, the rest is kept as its text:
	 * the field a.a...a (one name per object walked into) holds it.
	 */
	{
		struct sbuf w = {0};
		const int k = AG_JSONL_MAX_DEPTH;

		sb_str(&w, "{a");
		for (i = 1; i < k; i++)
			sb_str(&w, ".a");
		sb_str(&w, "=");
		for (i = 0; i < 200 - k; i++)
			sb_str(&w, "{\"a\":");
		sb_str(&w, "1");
		for (i = 0; i < 200 - k; i++)
			sb_str(&w, "}");
		sb_str(&w, "#C}\n{ok=[[[[1]]]]#C}\n");
		got = run(b.s, b.n, 0, &st);
		cr_assert_str_eq(got, w.s);
		cr_assert_eq(st.malformed, 0);
		free(got);
		free(w.s);
	}
	/* deep arrays, and a deep value with whitespace and brackets in strings */
	sb_str(&b, "{\"d\":");
	for (i = 0; i < 100; i++)
		sb_str(&b, "[ ");
	sb_str(&b, "\"]}[{\"");
	for (i = 0; i < 100; i++)
		sb_str(&b, " ]");
	sb_str(&b, ",\"after\":2}\n{\"bad\":");
	for (i = 0; i < 100; i++)
		sb_str(&b, "[");
	for (i = 0; i < 101; i++)
		sb_str(&b, "]");
	sb_str(&b, "}\n{\"ok\":3}\n");
	got = run(b.s, b.n, 0, &st);
	cr_assert(strstr(got, "}\n{ok=[[[[1]]]]#C}\n{d="), "%s", got);
	cr_assert(strstr(got, "\"]}[{\"]]]"), "the string inside is kept: %s", got);
	cr_assert(strstr(got, "]]#C,after=2#N}\n{ok=3#N}\n"), "%s", got);
	cr_assert_eq(st.malformed, 1, "the unbalanced one");
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

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/*
 * A full event still takes fields the rule set uses, each in the place of
 * the last field kept with no id: fields no rule names, put first, cannot
 * push out one a rule tests.
 */
Test(readers, event_full_keeps_fields_rules_use)
{
	struct ag_event ev;
	uint32_t i;

	cr_assert_eq(ag_event_init(&ev, F_NFIELDS), 0);
	for (i = 0; i + 1 < AG_MAX_EVENT_FIELDS; i++)
		cr_assert_eq(ag_event_add(&ev, "u", 1, "v", 1, 0, AG_FIELD_NONE), 0);
	cr_assert_eq(ag_event_add(&ev, "User", 4, "bob", 3, 0, AG_FIELD_USER), 0);
	cr_assert_eq(ev.nkv, AG_MAX_EVENT_FIELDS);
	/* an unknown field is dropped; a known one displaces the last unknown */
	cr_assert_eq(ag_event_add(&ev, "w", 1, "v", 1, 0, AG_FIELD_NONE), -E2BIG);
	cr_assert_eq(ag_event_add(&ev, "Image", 5, "a.exe", 5, 0, AG_FIELD_IMAGE), 0);
	cr_assert_eq(ev.nkv, AG_MAX_EVENT_FIELDS);
	cr_assert_eq(ev.dropped, 2);
	cr_assert_eq(ag_event_get(&ev, AG_FIELD_IMAGE), &ev.kv[AG_MAX_EVENT_FIELDS - 2]);
	cr_assert_str_eq(ag_event_get(&ev, AG_FIELD_USER)->val, "bob");
	/* an id >= nslots is no id */
	cr_assert_eq(ag_event_add(&ev, "Big", 3, "v", 1, 0, ev.nslots), -E2BIG);
	/* a later field with the same id takes the slot, as in an event not full */
	cr_assert_eq(ag_event_add(&ev, "Image", 5, "b.exe", 5, 0, AG_FIELD_IMAGE), 0);
	cr_assert_str_eq(ag_event_get(&ev, AG_FIELD_IMAGE)->val, "b.exe");
	cr_assert_eq(ag_event_get(&ev, AG_FIELD_IMAGE), &ev.kv[AG_MAX_EVENT_FIELDS - 3]);
	cr_assert_str_eq(ev.kv[AG_MAX_EVENT_FIELDS - 2].val, "a.exe");
	ag_event_alias(&ev, AG_FIELD_EVENTID, AG_FIELD_IMAGE);
	cr_assert_str_eq(ag_event_get(&ev, AG_FIELD_EVENTID)->val, "b.exe");
	/* known fields take every unknown one's place */
	for (i = 0; i + 3 < AG_MAX_EVENT_FIELDS; i++)
		cr_assert_eq(ag_event_add(&ev, "Computer", 8, "h", 1, 0, AG_FIELD_COMPUTER), 0);
	cr_assert_eq(ag_event_get(&ev, AG_FIELD_COMPUTER), &ev.kv[0]);
	for (i = 0; i < AG_MAX_EVENT_FIELDS; i++)
		cr_assert_neq(ev.kv[i].id, AG_FIELD_NONE, "kv[%u] still unknown", i);
	/* then the place of the last field a later copy shadows: a.exe */
	cr_assert_eq(ag_event_add(&ev, "Computer", 8, "h2", 2, 0, AG_FIELD_COMPUTER), 0);
	cr_assert_eq(ag_event_get(&ev, AG_FIELD_COMPUTER), &ev.kv[AG_MAX_EVENT_FIELDS - 2]);
	/* and of the Computer copies, until only fields no copy shadows are left */
	for (i = 0; ag_event_add(&ev, "Computer", 8, "h", 1, 0, AG_FIELD_COMPUTER) == 0; i++)
		cr_assert_lt(i, AG_MAX_EVENT_FIELDS);
	cr_assert_str_eq(ag_event_get(&ev, AG_FIELD_USER)->val, "bob");
	cr_assert_str_eq(ag_event_get(&ev, AG_FIELD_IMAGE)->val, "b.exe");
	cr_assert_str_eq(ag_event_get(&ev, AG_FIELD_EVENTID)->val, "b.exe");
	/* reset clears every slot, and the next full event displaces again */
	ag_event_reset(&ev);
	for (i = 0; i < ev.nslots; i++)
		cr_assert_eq(ev.slot[i], 0, "slot %u left set", i);
	for (i = 0; i < AG_MAX_EVENT_FIELDS; i++)
		cr_assert_eq(ag_event_add(&ev, "u", 1, "v", 1, 0, AG_FIELD_NONE), 0);
	cr_assert_eq(ag_event_add(&ev, "Image", 5, "c.exe", 5, 0, AG_FIELD_IMAGE), 0);
	cr_assert_eq(ag_event_get(&ev, AG_FIELD_IMAGE), &ev.kv[AG_MAX_EVENT_FIELDS - 1]);
	ag_event_done(&ev);
}

/* A copy an alias still points to is not displaced. */
Test(readers, event_full_keeps_alias_targets)
{
	struct ag_event ev;
	uint32_t i;

	cr_assert_eq(ag_event_init(&ev, F_NFIELDS), 0);
	cr_assert_eq(ag_event_add(&ev, "Image", 5, "a.exe", 5, 0, AG_FIELD_IMAGE), 0);
	ag_event_alias(&ev, AG_FIELD_EVENTID, AG_FIELD_IMAGE);
	cr_assert_eq(ag_event_add(&ev, "Image", 5, "b.exe", 5, 0, AG_FIELD_IMAGE), 0);
	while (ev.nkv < AG_MAX_EVENT_FIELDS)
		cr_assert_eq(ag_event_add(&ev, "Computer", 8, "h", 1, 0, AG_FIELD_COMPUTER), 0);
	for (i = 0; ag_event_add(&ev, "User", 4, "u", 1, 0, AG_FIELD_USER) == 0; i++)
		cr_assert_lt(i, AG_MAX_EVENT_FIELDS);
	cr_assert_str_eq(ag_event_get(&ev, AG_FIELD_EVENTID)->val, "a.exe");
	cr_assert_str_eq(ag_event_get(&ev, AG_FIELD_IMAGE)->val, "b.exe");
	cr_assert_str_eq(ag_event_get(&ev, AG_FIELD_COMPUTER)->val, "h");
	cr_assert_str_eq(ag_event_get(&ev, AG_FIELD_USER)->val, "u");
	ag_event_done(&ev);
}

/* The same through the JSONL reader: top-level keys with an id get in, nested ones are counted. */
Test(readers, jsonl_full_event_keeps_fields_rules_use)
{
	struct sbuf in = {0};
	char k[32];
	struct ag_event ev;
	struct ag_jsonl *r;
	FILE *f = tmpfile();
	uint32_t i;

	sb_str(&in, "{");
	for (i = 0; i < AG_MAX_EVENT_FIELDS + 8; i++) {
		snprintf(k, sizeof(k), "\"pad%u\":%u,", i, i);
		sb_str(&in, k);
	}
	sb_str(&in, "\"a\":{\"ParentImage\":\"nested.exe\"},\"Image\":\"evil.exe\","
		    "\"CommandLine\":\"evil.exe -x\",\"b\":{}}\n");
	cr_assert(f);
	cr_assert_eq(fwrite(in.s, 1, strlen(in.s), f), strlen(in.s));
	rewind(f);
	cr_assert_eq(ag_event_init(&ev, F_NFIELDS), 0);
	cr_assert_eq(ag_jsonl_open_file(&r, f, NULL, lookup, NULL), 0);
	cr_assert_eq(ag_jsonl_next(r, &ev), 0);
	cr_assert_eq(ev.nkv, AG_MAX_EVENT_FIELDS);
	/* the padding beyond the cap (8), a.ParentImage, the two displaced, and "b" */
	cr_assert_eq(ev.dropped, 8 + 1 + 2 + 1);
	cr_assert_str_eq(ag_event_get(&ev, AG_FIELD_IMAGE)->val, "evil.exe");
	cr_assert_str_eq(ag_event_get(&ev, AG_FIELD_COMMANDLINE)->val, "evil.exe -x");
	cr_assert_str_eq(ag_event_get(&ev, AG_FIELD_IMAGE)->name, "Image");
	/* a nested key is not looked up by its last part alone */
	cr_assert_null(ag_event_get(&ev, AG_FIELD_PARENTIMAGE));
	cr_assert_str_eq(ag_event_get(&ev, AG_FIELD_IMAGE)->name, "Image");
	/* a nested key is not looked up by its last part alone */
	cr_assert_null(ag_event_get(&ev, AG_FIELD_PARENTIMAGE));
	cr_assert_eq(ag_jsonl_next(r, &ev), -ENODATA);
	ag_jsonl_close(r);
	ag_event_done(&ev);
	fclose(f);
	free(in.s);
}

/* The fixture's lookup, and one nested name the rule set would know. */
static uint32_t lookup_nested(void *ctx, const char *name, size_t len)
{
	if (len == 23 && !memcmp(name, "responseElements.result", 23))
		return F_THREATNAME;
	return lookup(ctx, name, len);
}

/* An event from JSON text through a reader with lookup_nested, open until read_done(). */
static struct ag_jsonl *read_one(const char *json, struct ag_event *ev, FILE **f)
{
	struct ag_jsonl *r;

	*f = fmemopen((void *)json, strlen(json), "r");
	cr_assert(*f);
	cr_assert_eq(ag_event_init(ev, F_NFIELDS), 0);
	cr_assert_eq(ag_jsonl_open_file(&r, *f, NULL, lookup_nested, NULL), 0);
	cr_assert_eq(ag_jsonl_next(r, ev), 0);
	return r;
}

static void read_done(struct ag_jsonl *r, struct ag_event *ev, FILE *f)
{
	ag_jsonl_close(r);
	fclose(f);
	ag_event_done(ev);
}

/*
 * A full event still takes a nested field with an id (its dotted name
 * built for the lookup), the routing keys of a generic event, and a field
 * after hundreds of copies of another.
 */
Test(readers, jsonl_full_event_nested_routing_and_copies)
{
	struct sbuf in = {0};
	struct ag_event ev;
	const struct ag_kv *kv;
	struct ag_jsonl *r;
	char k[32];
	uint32_t i, routing = 0;
	FILE *f;

	sb_str(&in, "{\"requestParameters\":{");
	for (i = 0; i < 600; i++) {
		snprintf(k, sizeof(k), "%s\"p%u\":%u", i ? "," : "", i, i);
		sb_str(&in, k);
	}
	sb_str(&in, "},\"responseElements\":{\"result\":\"evil\",\"other\":1},"
		    "\"logsource\":{\"product\":\"linux\",\"category\":\"process_creation\"}}\n");
	r = read_one(in.s, &ev, &f);
	cr_assert_eq(ev.nkv, AG_MAX_EVENT_FIELDS);
	kv = ag_event_get(&ev, F_THREATNAME);
	cr_assert_not_null(kv, "the nested field with an id got in");
	cr_assert_str_eq(kv->name, "responseElements.result");
	cr_assert_str_eq(kv->val, "evil");
	for (i = 0; i < ev.nkv; i++)
		if (!strcmp(ev.kv[i].name, "logsource.product") ? !strcmp(ev.kv[i].val, "linux")
		    : !strcmp(ev.kv[i].name, "logsource.category") &&
			      !strcmp(ev.kv[i].val, "process_creation"))
			routing++;
	cr_assert_eq(routing, 2, "both routing keys got in");
	/* the padding past the cap, three displaced, and responseElements.other */
	cr_assert_eq(ev.dropped, 600 - AG_MAX_EVENT_FIELDS + 3 + 1);
	read_done(r, &ev, f);
	free(in.s);

	/* 600 copies of User, then Image: the last User and the Image are kept */
	in = (struct sbuf){0};
	sb_str(&in, "{");
	for (i = 0; i < 600; i++)
		sb_str(&in, "\"User\":\"u\",");
	sb_str(&in, "\"User\":\"last\",\"Image\":\"evil.exe\"}\n");
	r = read_one(in.s, &ev, &f);
	cr_assert_str_eq(ag_event_get(&ev, AG_FIELD_USER)->val, "last");
	cr_assert_str_eq(ag_event_get(&ev, AG_FIELD_IMAGE)->val, "evil.exe");
	read_done(r, &ev, f);
	free(in.s);
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
