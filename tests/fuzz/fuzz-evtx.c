// SPDX-License-Identifier: Apache-2.0
/*
 * libFuzzer target: the EVTX reader (libevtx underneath, and our own
 * reading of its records: XML of the event data, routing) on arbitrary
 * bytes. The input becomes an in-memory file (memfd) opened by path, every
 * record is read, and every event is checked for the reader's promises:
 * values and names NUL-terminated, slots pointing at fields of their id.
 * Seeds: the recorded .evtx files of ../shared when present (run-fuzzer.sh
 * copies them into its work directory; nothing third-party is committed).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "event.h"
#include "evtx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t lookup(void *ctx, const char *name, size_t len)
{
	static const char *const names[] = {NULL,	   "EventID",	     "Channel", "Provider_Name",
					    "Computer",	   "TimeCreated",    "Image",	"CommandLine",
					    "EventRecordID", "NewProcessName", "User"};
	uint32_t i;

	(void)ctx;
	for (i = 1; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == len && !memcmp(names[i], name, len))
			return i;
	return AG_FIELD_NONE;
}

static void check(const struct ag_event *ev)
{
	uint32_t i;

	for (i = 0; i < ev->nkv; i++) {
		const struct ag_kv *kv = &ev->kv[i];

		if (kv->name[kv->name_len] != '\0' || kv->val[kv->val_len] != '\0')
			__builtin_trap();
		if (kv->id && kv->id < ev->nslots && !ag_event_get(ev, kv->id))
			__builtin_trap();
	}
	for (i = 1; i < ev->nslots; i++) {
		const struct ag_kv *kv = ag_event_get(ev, i);

		if (kv && (kv < ev->kv || kv >= ev->kv + ev->nkv))
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ag_evtx_stats st;
	struct ag_event ev;
	struct ag_evtx *x;
	char path[64], err[256];
	int fd = memfd_create("fuzz-evtx", 0);
	size_t off = 0;

	if (fd < 0)
		return 0;
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);

		if (w <= 0) {
			close(fd);
			return 0;
		}
		off += (size_t)w;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (ag_event_init(&ev, 11) < 0) {
		close(fd);
		return 0;
	}
	if (ag_evtx_open(&x, path, NULL, lookup, NULL, err, sizeof(err)) == 0) {
		while (ag_evtx_next(x, &ev) == 0)
			check(&ev);
		ag_evtx_stats(x, &st);
		ag_evtx_close(x);
	}
	ag_event_done(&ev);
	close(fd);
	return 0;
}
