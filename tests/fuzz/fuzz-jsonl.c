// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: the JSONL reader on arbitrary bytes, through a memory
 * FILE (fmemopen), consuming every event. The first input byte picks the
 * read chunk size (1..64 bytes, or the default) so that objects split
 * across reads, refills and restarts are exercised; a small object cap
 * makes the over-the-cap path reachable. Every event is checked for the
 * reader's promises: values and names NUL-terminated, slots consistent.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "event.h"
#include "jsonl.h"
#include "route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t lookup(void *ctx, const char *name, size_t len)
{
	static const char *const names[] = {NULL, "EventID", "Channel", "Provider_Name", "Computer",
					    "TimeCreated", "UtcTime", "EventRecordID", "Image",
					    "a", "a.b", "logsource.product"};
	uint32_t i;

	(void)ctx;
	for (i = 1; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == len && !memcmp(names[i], name, len))
			return i;
	return AG_FIELD_NONE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ag_jsonl_opts o = {.max_object = 4096};
	struct ag_jsonl_problem pr[AG_JSONL_PROBLEMS];
	struct ag_jsonl_stats st;
	struct ag_event ev;
	struct ag_jsonl *r;
	FILE *f;
	uint32_t i;
	int rc;

	if (size < 1)
		return 0;
	o.chunk = data[0] < 192 ? (size_t)(data[0] % 64) + 1 : 0;
	data++;
	size--;
	/* fmemopen needs a non-zero size; the empty input is read from /dev/null. */
	f = size ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "r");
	if (!f)
		return 0;
	if (ag_event_init(&ev, 12))
		goto out_close;
	if (ag_jsonl_open_file(&r, f, &o, lookup, NULL))
		goto out_event;
	while ((rc = ag_jsonl_next(r, &ev)) == 0) {
		for (i = 0; i < ev.nkv; i++) {
			const struct ag_kv *kv = &ev.kv[i];

			if (kv->name[kv->name_len] || kv->val[kv->val_len])
				__builtin_trap();
			if (kv->id != AG_FIELD_NONE && ag_event_get(&ev, kv->id) == NULL)
				__builtin_trap();
		}
		ag_route_generic(&ev);
	}
	if (rc != -ENODATA)
		__builtin_trap();
	ag_jsonl_stats(r, &st);
	if (st.bytes != size)
		__builtin_trap();
	ag_jsonl_problems(r, pr, AG_JSONL_PROBLEMS);
	ag_jsonl_close(r);
out_event:
	ag_event_done(&ev);
out_close:
	fclose(f);
	return 0;
}
