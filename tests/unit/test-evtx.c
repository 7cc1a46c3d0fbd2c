// SPDX-License-Identifier: Apache-2.0
/*
 * The EVTX reader (runtime/evtx.c): EVTX against its JSONL twins over the
 * whole evtx-attack-samples dataset, and corrupt and truncated EVTX files.
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
/* The reader's truncated flag for the last file drain() opened. */
static bool drained_truncated;

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
	drained_truncated = st.truncated;
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
	cr_assert_not(drained_truncated, "a whole file is not truncated");
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
		/* Said so: refused without a whole header, flagged when a chunk is cut. */
		if (cuts[i] < AG_EVTX_HEADER_SIZE)
			cr_assert_neq(rc, 0, "cut at %zu: opened", cuts[i]);
		else if (rc == 0)
			cr_assert_eq(drained_truncated,
				     cuts[i] < len && (cuts[i] - AG_EVTX_HEADER_SIZE) % AG_EVTX_CHUNK_SIZE,
				     "cut at %zu: truncated flag", cuts[i]);
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
