// SPDX-License-Identifier: Apache-2.0
/*
 * Windows routing (runtime/route.c): representative events, the generic
 * logsource keys, and every dataset event.
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
	/* EventID as rules read it: any text that is the whole number */
	expect_route("{\"EventID\":1.0," SYSMON "}", "sysmon", "process_creation");
	expect_route("{\"EventID\":1e0," SYSMON "}", "sysmon", "process_creation");
	expect_route("{\"EventID\":\" 1\"," SYSMON "}", "sysmon", "process_creation");
	expect_route("{\"EventID\":\"0013\"," SYSMON "}", "sysmon", "registry_set,registry_event");
	expect_route("{\"EventID\":1.5," SYSMON "}", "sysmon", "");
	expect_route("{\"EventID\":-1," SYSMON "}", "sysmon", "");
	expect_route("{\"EventID\":\"1x\"," SYSMON "}", "sysmon", "");
	expect_route("{\"EventID\":4294967296," SYSMON "}", "sysmon", "");
	/*
	 * Event 104 names the log it cleared in a data value Channel; the log it
	 * is in is then System_Channel (evtx_map.c, the datasets' JSONL).
	 */
	expect_route("{\"EventID\":104,\"Channel\":\"Microsoft-Windows-Sysmon/Operational\","
		     "\"Provider_Name\":\"Microsoft-Windows-Eventlog\",\"System_Channel\":\"System\"}",
		     "system", "");
	expect_route("{\"EventID\":104,\"Channel\":\"Security\",\"System_Channel\":\"System\"}",
		     "system", "");

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

/* A capture records a Linux live event's first class; replay adds the second. */
Test(readers, route_linux_second_class)
{
	const char *in = "{\"logsource.product\":\"linux\",\"logsource.category\":\"ptrace\"}\n"
			 "{\"logsource.product\":\"linux\",\"logsource.category\":\"module_load\"}\n"
			 "{\"logsource.product\":\"linux\",\"logsource.category\":\"setid\"}\n"
			 "{\"logsource.product\":\"macos\",\"logsource.category\":\"ptrace\"}\n";
	static const char *const want[][2] = {{"ptrace", "process_access"},
					      {"module_load", "driver_load"},
					      {"setid", NULL},
					      {"ptrace", NULL}};
	FILE *f = fmemopen((void *)in, strlen(in), "r");
	struct ag_event ev;
	struct ag_jsonl *r;
	size_t i;

	cr_assert_eq(ag_event_init(&ev, F_NFIELDS), 0);
	cr_assert_eq(ag_jsonl_open_file(&r, f, NULL, lookup, NULL), 0);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		cr_assert_eq(ag_jsonl_next(r, &ev), 0);
		ag_route_generic(&ev);
		cr_assert_str_eq(ev.category[0], want[i][0]);
		cr_assert_eq(ev.ncategory, want[i][1] ? 2 : 1, "event %zu", i);
		if (want[i][1])
			cr_assert_str_eq(ev.category[1], want[i][1]);
	}
	ag_jsonl_close(r);
	fclose(f);
	ag_event_done(&ev);
}

/* The logsource.* keys route the event and are marked as routing data; nothing else is. */
Test(readers, route_logsource_keys_meta)
{
	const char *in = "{\"msg\":\"a\",\"logsource.product\":\"linux\",\"logsource.Service\":\"x\","
			 "\"logsource.service\":\"auth\",\"logsource.service\":\"cron\","
			 "\"logsource\":\"y\",\"logsource.\":\"z\",\"x.logsource.product\":\"w\"}\n";
	static const bool meta[] = {false, true, true, true, true, false, false, false};
	FILE *f = fmemopen((void *)in, strlen(in), "r");
	struct ag_event ev;
	struct ag_jsonl *r;
	uint32_t i;

	cr_assert_eq(ag_event_init(&ev, F_NFIELDS), 0);
	cr_assert_eq(ag_jsonl_open_file(&r, f, NULL, lookup, NULL), 0);
	cr_assert_eq(ag_jsonl_next(r, &ev), 0);
	ag_route_generic(&ev);
	cr_assert_str_eq(ev.product, "linux");
	cr_assert_str_eq(ev.service, "auth"); /* the first logsource.service, names exact */
	cr_assert_eq(ev.nkv, sizeof(meta) / sizeof(meta[0]));
	for (i = 0; i < ev.nkv; i++)
		cr_assert_eq((ev.kv[i].flags & AG_V_META) != 0, meta[i], "field %u (%.*s)", i,
			     (int)ev.kv[i].name_len, ev.kv[i].name);
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
