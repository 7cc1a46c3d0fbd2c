// SPDX-License-Identifier: Apache-2.0
/* Helpers of the reader and routing unit tests (reader_fixtures.h). */
#include "reader_fixtures.h"

#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

void lookup_init(void)
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

uint32_t lookup(void *ctx, const char *name, size_t len)
{
	uint32_t i;

	(void)ctx;
	for (i = hash(name, len) & HMASK; htab[i]; i = (i + 1) & HMASK)
		if (hlen[htab[i]] == len && !memcmp(core_names[htab[i]], name, len))
			return htab[i];
	return AG_FIELD_NONE;
}

void sb_put(struct sbuf *b, const char *s, size_t n)
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

void sb_str(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

bool have_datasets(void)
{
	struct stat s;

	return stat(EVTX_DIR "/events.jsonl", &s) == 0;
}

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

size_t dataset_files(char **list, size_t max)
{
	list[0] = strdup(EVTX_DIR "/events.jsonl");
	return find_jsonl(DATASETS "/security-datasets", list, max, 1);
}
