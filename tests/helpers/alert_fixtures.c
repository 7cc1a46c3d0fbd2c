// SPDX-License-Identifier: Apache-2.0
/*
 * Fixtures of the alert writer tests (alert_fixtures.h).
 */
#include "alert_fixtures.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "taxonomy.h"

static const char *const core_name[AG_FIELD_CORE_MAX] = {
#define TA_NAME(suffix, name) [AG_FIELD_##suffix] = name,
	AG_TAXONOMY_FIELDS(TA_NAME)
#undef TA_NAME
};

uint32_t core_id(const char *name, size_t n)
{
	uint32_t i;

	for (i = 1; i < AG_FIELD_CORE_MAX; i++)
		if (strlen(core_name[i]) == n && memcmp(core_name[i], name, n) == 0)
			return i;
	return AG_FIELD_NONE;
}

void addf(struct ag_event *ev, const char *name, const char *val, uint32_t flags)
{
	cr_assert_eq(ag_event_add(ev, name, (uint32_t)strlen(name), val, (uint32_t)strlen(val),
				  flags, core_id(name, strlen(name))),
		     0);
}

void add(struct ag_event *ev, const char *name, const char *val)
{
	addf(ev, name, val, 0);
}

/* 2023-11-14T22:13:20.123Z */

const char *const std_tags[] = {
	"attack.execution",
	"attack.t1059.001",
	"attack.defense-evasion",
	"attack.t1027",
	"attack.command-and-control",
	"attack.t1059",
	"attack.g0032",
	"attack.s0002",
	"attack.defense_evasion",
	"cve.2021-44228",
	"detection.threat-hunting",
};
const char *const std_refs[] = {
	"https://example.org/a",
	"https://example.org/b",
};

const struct sgr_rule std_rule = {
	.id = "5b4d0b2e-2cf8-4a2a-9d1e-1234567890ab",
	.title = "Suspicious \"cmd\" Child",
	.description = "Detects cmd.exe\nspawned by Explorer",
	.author = "Florian Roth (Nextron Systems), Jane Doe (@jd, ACME),  X ",
	.status = "test",
	.level = "high",
	.date = "2020/01/31",
	.modified = "2023-02-03",
	.file = "windows/process_creation/proc_creation_win_cmd.yml",
	.tags = std_tags,
	.references = std_refs,
	.ntags = sizeof(std_tags) / sizeof(std_tags[0]),
	.nreferences = 2,
	.severity = 73,
};

const struct ag_alert_ctx std_ctx = {
	.host_name = "agent-host",
	.os_type = "linux",
	.agent_version = "0.1.0",
	.ruleset_digest = "d1e5f00d",
	.ecs_version = NULL,
	.source_path = "/cases/ir-17/Sysmon.evtx",
};


void sysmon1(struct ag_event *ev)
{
	cr_assert_eq(ag_event_init(ev, AG_FIELD_CORE_MAX + 4), 0);
	ev->product = "windows";
	ev->service = "sysmon";
	ev->category[0] = "process_creation";
	ev->ncategory = 1;
	ev->seq = 17;
	addf(ev, "EventID", "1", AG_V_NUMBER);
	add(ev, "Channel", "Microsoft-Windows-Sysmon/Operational");
	add(ev, "Provider_Name", "Microsoft-Windows-Sysmon");
	add(ev, "Computer", "WS01.corp.example");
	add(ev, "RuleName", "-");
	add(ev, "UtcTime", "2023-05-01 10:20:30.456");
	add(ev, "ProcessGuid", "{a1b2c3d4-0001-0002-0003-000000000001}");
	add(ev, "ProcessId", "4242");
	add(ev, "Image", "C:\\Windows\\System32\\cmd.exe");
	add(ev, "FileVersion", "10.0.19041.1 (WinBuild.160101.0800)");
	add(ev, "Description", "Windows Command Processor");
	add(ev, "Product", "Microsoft® Windows® Operating System");
	add(ev, "Company", "Microsoft Corporation");
	add(ev, "OriginalFileName", "Cmd.Exe");
	add(ev, "CommandLine", "cmd.exe /c \"whoami /all\"");
	add(ev, "CurrentDirectory", "C:\\Users\\bob\\");
	add(ev, "User", "CORP\\bob");
	add(ev, "LogonGuid", "{a1b2c3d4-0000-0000-0000-000000000002}");
	add(ev, "LogonId", "0x3e7");
	addf(ev, "TerminalSessionId", "1", AG_V_NUMBER);
	add(ev, "IntegrityLevel", "High");
	add(ev, "Hashes", HASHES);
	add(ev, "ParentProcessGuid", "{a1b2c3d4-0001-0002-0003-000000000000}");
	add(ev, "ParentProcessId", "0x3e8");
	add(ev, "ParentImage", "C:\\Windows\\explorer.exe");
	add(ev, "ParentCommandLine", "C:\\Windows\\Explorer.EXE");
	add(ev, "ParentUser", "CORP\\bob");
}

/* Write one alert into a fresh writer and parse it; the line must be whole and valid. */
struct jdoc *alert_doc(const struct sgr_rule *r, const struct ag_event *ev,
			      struct ag_jsonw *w)
{
	struct jdoc *d;

	ag_jsonw_reset(w);
	cr_assert_eq(ag_alert_sigma(w, &std_ctx, r, ev, NOW_NS), 0);
	cr_assert_gt(w->len, 2);
	cr_assert_eq(w->buf[w->len - 1], '\n');
	cr_assert_null(memchr(w->buf, '\n', w->len - 1), "embedded newline");
	d = jparse(w->buf, w->len - 1);
	cr_assert_eq(d->err[0], '\0', "invalid JSON: %s\n%.*s", d->err, (int)w->len, w->buf);
	cr_assert_eq(d->e[0].type, 'o');
	return d;
}

void mkev(struct ag_event *ev, const char *cat, ...)
{
	va_list ap;
	const char *n;

	cr_assert_eq(ag_event_init(ev, AG_FIELD_CORE_MAX), 0);
	ev->product = "windows";
	if (cat) {
		ev->category[0] = cat;
		ev->ncategory = 1;
	}
	va_start(ap, cat);
	while ((n = va_arg(ap, const char *))) {
		const char *v = va_arg(ap, const char *);

		add(ev, n, v);
	}
	va_end(ap);
}
