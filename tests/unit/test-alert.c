// SPDX-License-Identifier: Apache-2.0
/*
 * The alert writer (runtime/alert.c). Every line the tests produce goes
 * through a strict JSON parser (tests/helpers/jcheck.c) that also indexes
 * values by path ("process/pid", "tags/0"), and once through python3's
 * json module when it is installed.
 *
 * Events and rules are built by hand with runtime/event.c; nothing
 * generated is linked. The throughput measurement runs only when
 * AG_ALERT_BENCH is set in the environment (no timed assertions).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alert_fixtures.h"
#include "taxonomy.h"


/* ---- alerts ---- */

static const char std_keys[] =
	"@timestamp,ecs,ecs/version,"
	"event,event/kind,event/category,event/type,event/code,event/provider,event/module,"
	"event/dataset,event/severity,event/created,event/sequence,"
	"log,log/file,log/file/path,"
	"rule,rule/id,rule/name,rule/description,rule/reference,rule/ruleset,rule/author,"
	"rule/version,"
	"threat,threat/framework,threat/tactic,threat/tactic/id,threat/tactic/name,"
	"threat/tactic/reference,threat/technique,threat/technique/id,"
	"threat/technique/reference,threat/technique/subtechnique,"
	"threat/technique/subtechnique/id,threat/technique/subtechnique/reference,"
	"threat/group,threat/group/id,threat/software,threat/software/id,"
	"tags,host,host/name,host/os,host/os/type,agent,agent/type,agent/version,"
	"process,process/pid,process/entity_id,process/executable,process/name,"
	"process/command_line,process/working_directory,process/hash,process/hash/md5,"
	"process/hash/sha1,process/hash/sha256,process/pe,process/pe/original_file_name,"
	"process/parent,process/parent/pid,process/parent/entity_id,process/parent/executable,"
	"process/parent/name,process/parent/command_line,"
	"user,user/name,user/domain,"
	"sigma,sigma/level,sigma/status,sigma/references,sigma/fields";

Test(alert, sysmon_process_creation_keys_in_order)
{
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;
	char *keys;

	sysmon1(&ev);
	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	d = alert_doc(&std_rule, &ev, &w);
	keys = jkeys(d);
	cr_assert_str_eq(keys, std_keys);
	free(keys);
	jfree(d);
	ag_jsonw_done(&w);
	ag_event_done(&ev);
}

Test(alert, sysmon_process_creation_values)
{
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;

	sysmon1(&ev);
	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	d = alert_doc(&std_rule, &ev, &w);

	expect_str(d, "@timestamp", "2023-05-01T10:20:30.456Z");
	expect_str(d, "ecs/version", AG_ECS_VERSION);
	expect_str(d, "event/kind", "alert");
	expect_str(d, "event/category/0", "process");
	expect_absent(d, "event/category/1");
	expect_str(d, "event/type/0", "start");
	expect_absent(d, "event/type/1");
	expect_str(d, "event/code", "1");
	expect_str(d, "event/provider", "Microsoft-Windows-Sysmon");
	expect_str(d, "log/file/path", "/cases/ir-17/Sysmon.evtx");
	expect_str(d, "event/module", "sigmac");
	expect_str(d, "event/dataset", "sigmac.process_creation");
	expect_raw(d, "event/severity", "73");
	expect_str(d, "event/created", "2023-11-14T22:13:20.123Z");
	expect_raw(d, "event/sequence", "17");

	expect_str(d, "rule/id", "sigma::5b4d0b2e-2cf8-4a2a-9d1e-1234567890ab");
	expect_str(d, "rule/name", "Suspicious \"cmd\" Child");
	expect_str(d, "rule/description", "Detects cmd.exe\nspawned by Explorer");
	expect_str(d, "rule/reference", "https://example.org/a");
	expect_str(d, "rule/ruleset", "d1e5f00d");
	expect_type(d, "rule/author", 'a');
	expect_str(d, "rule/author/0", "Florian Roth (Nextron Systems)");
	expect_str(d, "rule/author/1", "Jane Doe (@jd, ACME)");
	expect_str(d, "rule/author/2", "X");
	expect_absent(d, "rule/author/3");
	expect_str(d, "rule/version", "2023-02-03");

	expect_type(d, "tags", 'a');
	expect_str(d, "tags/0", "attack.execution");
	expect_str(d, "tags/10", "detection.threat-hunting");
	expect_absent(d, "tags/11");

	expect_str(d, "host/name", "WS01.corp.example");
	expect_str(d, "host/os/type", "windows");
	expect_str(d, "agent/type", "sigmac-agent");
	expect_str(d, "agent/version", "0.1.0");

	expect_type(d, "process/pid", 'n');
	expect_raw(d, "process/pid", "4242");
	expect_str(d, "process/entity_id", "{a1b2c3d4-0001-0002-0003-000000000001}");
	expect_str(d, "process/executable", "C:\\Windows\\System32\\cmd.exe");
	expect_str(d, "process/name", "cmd.exe");
	expect_str(d, "process/command_line", "cmd.exe /c \"whoami /all\"");
	expect_str(d, "process/working_directory", "C:\\Users\\bob\\");
	expect_str(d, "process/hash/md5", "0123456789abcdef0123456789abcdef");
	expect_str(d, "process/hash/sha1", "8b7c2e1a9d3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b");
	expect_str(d, "process/hash/sha256",
		   "aaaabbbbccccddddeeeeffff0000111122223333444455556666777788889999");
	expect_absent(d, "process/pe/imphash"); /* all zero */
	expect_str(d, "process/pe/original_file_name", "Cmd.Exe");
	expect_raw(d, "process/parent/pid", "1000"); /* 0x3e8 */
	expect_str(d, "process/parent/entity_id", "{a1b2c3d4-0001-0002-0003-000000000000}");
	expect_str(d, "process/parent/executable", "C:\\Windows\\explorer.exe");
	expect_str(d, "process/parent/name", "explorer.exe");
	expect_str(d, "process/parent/command_line", "C:\\Windows\\Explorer.EXE");
	expect_str(d, "user/name", "bob");
	expect_str(d, "user/domain", "CORP");
	expect_absent(d, "file");
	expect_absent(d, "destination");

	expect_str(d, "sigma/level", "high");
	expect_str(d, "sigma/status", "test");
	expect_str(d, "sigma/references/1", "https://example.org/b");
	expect_type(d, "sigma/fields", 'o');
	expect_raw(d, "sigma/fields/EventID", "1");
	expect_raw(d, "sigma/fields/TerminalSessionId", "1");
	expect_str(d, "sigma/fields/ProcessId", "4242");
	expect_str(d, "sigma/fields/Hashes", HASHES);
	expect_str(d, "sigma/fields/Product", "Microsoft® Windows® Operating System");
	expect_str(d, "sigma/fields/ParentUser", "CORP\\bob");

	jfree(d);
	ag_jsonw_done(&w);
	ag_event_done(&ev);
}

Test(alert, sigma_fields_every_field_in_reading_order)
{
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;
	size_t i, k = 0;

	sysmon1(&ev);
	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	d = alert_doc(&std_rule, &ev, &w);
	for (i = 0; i < d->n; i++) {
		const struct jent *e = &d->e[i];
		char want[256];

		if (strncmp(e->path, "sigma/fields/", 13) != 0)
			continue;
		cr_assert_lt(k, ev.nkv);
		snprintf(want, sizeof(want), "sigma/fields/%.*s", (int)ev.kv[k].name_len,
			 ev.kv[k].name);
		cr_assert_str_eq(e->path, want);
		k++;
	}
	cr_assert_eq(k, ev.nkv);
	jfree(d);
	ag_jsonw_done(&w);
	ag_event_done(&ev);
}

Test(alert, attack_mapping)
{
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;

	sysmon1(&ev);
	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "threat/framework", "MITRE ATT&CK");
	/* Tag order; attack.defense_evasion is the same tactic as attack.defense-evasion. */
	expect_str(d, "threat/tactic/id/0", "TA0002");
	expect_str(d, "threat/tactic/name/0", "Execution");
	expect_str(d, "threat/tactic/id/1", "TA0005");
	expect_str(d, "threat/tactic/name/1", "Defense Evasion");
	expect_str(d, "threat/tactic/id/2", "TA0011");
	expect_str(d, "threat/tactic/name/2", "Command and Control");
	expect_absent(d, "threat/tactic/id/3");
	expect_str(d, "threat/tactic/reference/2", "https://attack.mitre.org/tactics/TA0011/");
	/* t1059.001 brings T1059; the later attack.t1059 is not repeated. */
	expect_str(d, "threat/technique/id/0", "T1059");
	expect_str(d, "threat/technique/id/1", "T1027");
	expect_absent(d, "threat/technique/id/2");
	expect_str(d, "threat/technique/reference/1", "https://attack.mitre.org/techniques/T1027/");
	expect_str(d, "threat/technique/subtechnique/id/0", "T1059.001");
	expect_absent(d, "threat/technique/subtechnique/id/1");
	expect_str(d, "threat/technique/subtechnique/reference/0",
		   "https://attack.mitre.org/techniques/T1059/001/");
	expect_str(d, "threat/group/id", "G0032");
	expect_str(d, "threat/software/id", "S0002");
	jfree(d);
	ag_jsonw_done(&w);
	ag_event_done(&ev);
}

Test(alert, attack_all_tactics_and_odd_tags)
{
	static const char *const tags[] = {
		"attack.reconnaissance",
		"attack.resource-development",
		"attack.initial-access",
		"attack.execution",
		"attack.persistence",
		"attack.privilege-escalation",
		"attack.defense-evasion",
		"attack.credential-access",
		"attack.discovery",
		"attack.lateral-movement",
		"attack.collection",
		"attack.command-and-control",
		"attack.exfiltration",
		"attack.impact",
		"ATTACK.T1003",
		"attack.t10",
		"attack.t1003.1",
		"attack.t1003x001",
		"attack.unknown-tactic",
		"attack.",
		"attack",
		"",
		"attack.tA003",
	};
	static const char *const ids[] = {"TA0043", "TA0042", "TA0001", "TA0002", "TA0003",
					  "TA0004", "TA0005", "TA0006", "TA0007", "TA0008",
					  "TA0009", "TA0011", "TA0010", "TA0040"};
	static const char *const names[] = {
		"Reconnaissance",  "Resource Development",
		"Initial Access",  "Execution",
		"Persistence",	   "Privilege Escalation",
		"Defense Evasion", "Credential Access",
		"Discovery",	   "Lateral Movement",
		"Collection",	   "Command and Control",
		"Exfiltration",	   "Impact",
	};
	struct sgr_rule r = std_rule;
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;
	char path[64];
	size_t i;

	r.tags = tags;
	r.ntags = sizeof(tags) / sizeof(tags[0]);
	sysmon1(&ev);
	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	d = alert_doc(&r, &ev, &w);
	for (i = 0; i < 14; i++) {
		snprintf(path, sizeof(path), "threat/tactic/id/%zu", i);
		expect_str(d, path, ids[i]);
		snprintf(path, sizeof(path), "threat/tactic/name/%zu", i);
		expect_str(d, path, names[i]);
	}
	expect_absent(d, "threat/tactic/id/14");
	expect_str(d, "threat/technique/id/0", "T1003");
	expect_absent(d, "threat/technique/id/1");
	expect_absent(d, "threat/technique/subtechnique");
	expect_absent(d, "threat/group");
	/* Empty tags are not written; the rest are, as they are. */
	expect_str(d, "tags/14", "ATTACK.T1003");
	expect_str(d, "tags/21", "attack.tA003");
	expect_absent(d, "tags/22");
	jfree(d);
	ag_jsonw_done(&w);
	ag_event_done(&ev);
}

Test(alert, no_attack_tags_no_threat)
{
	static const char *const tags[] = {"cve.2021-44228"};
	struct sgr_rule r = std_rule;
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;

	r.tags = tags;
	r.ntags = 1;
	sysmon1(&ev);
	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	d = alert_doc(&r, &ev, &w);
	expect_absent(d, "threat");
	expect_str(d, "tags/0", "cve.2021-44228");
	jfree(d);
	ag_jsonw_done(&w);
	ag_event_done(&ev);
}

/* An event with the given category and fields (name, value pairs, NULL-terminated). */
Test(alert, deterministic_bytes)
{
	struct ag_event ev;
	struct ag_jsonw a, b;
	int k;

	sysmon1(&ev);
	cr_assert_eq(ag_jsonw_init(&a, 0, 0), 0);
	cr_assert_eq(ag_jsonw_init(&b, 64, 0), 0);
	cr_assert_eq(ag_alert_sigma(&a, &std_ctx, &std_rule, &ev, NOW_NS), 0);
	for (k = 0; k < 3; k++)
		cr_assert_eq(ag_alert_sigma(&b, &std_ctx, &std_rule, &ev, NOW_NS), 0);
	cr_assert_eq(b.len, 3 * a.len);
	for (k = 0; k < 3; k++)
		cr_assert(memcmp(a.buf, b.buf + (size_t)k * a.len, a.len) == 0);
	/* Reusing the buffer after a reset gives the same bytes again. */
	ag_jsonw_reset(&b);
	cr_assert_eq(ag_alert_sigma(&b, &std_ctx, &std_rule, &ev, NOW_NS), 0);
	cr_assert(b.len == a.len && memcmp(a.buf, b.buf, a.len) == 0);
	ag_jsonw_done(&a);
	ag_jsonw_done(&b);
	ag_event_done(&ev);
}

Test(alert, limit_keeps_whole_lines)
{
	struct ag_event ev, big;
	struct ag_jsonw w;
	size_t first;

	cr_assert_eq(ag_event_init(&ev, 0), 0);
	sysmon1(&big);
	/* Room for the small alert and a little more, not for the big one. */
	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	cr_assert_eq(ag_alert_sigma(&w, &std_ctx, &std_rule, &ev, NOW_NS), 0);
	first = w.len;
	ag_jsonw_done(&w);
	cr_assert_eq(ag_jsonw_init(&w, 0, first + 64), 0);
	cr_assert_eq(ag_alert_sigma(&w, &std_ctx, &std_rule, &ev, NOW_NS), 0);
	cr_assert_eq(w.len, first);
	cr_assert_eq(ag_alert_sigma(&w, &std_ctx, &std_rule, &big, NOW_NS), -E2BIG);
	cr_assert_eq(w.len, first);
	cr_assert_eq(w.buf[first - 1], '\n');
	/* The writer is usable again at once. */
	cr_assert_eq(ag_alert_sigma(&w, &std_ctx, &std_rule, &ev, NOW_NS), -E2BIG);
	ag_jsonw_reset(&w);
	cr_assert_eq(ag_alert_sigma(&w, &std_ctx, &std_rule, &ev, NOW_NS), 0);
	cr_assert_eq(w.len, first);
	ag_jsonw_done(&w);
	ag_event_done(&ev);
	ag_event_done(&big);
}

/*
 * A value too long for the line (a padded command line) costs the alert
 * nothing: it is written again with every string cut (sigma.value_cap),
 * never inside a UTF-8 character.
 */
Test(alert, long_value_cut_not_the_alert)
{
	const size_t big = 3u << 20;
	char *cmd = malloc(big + 1);
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;
	char *got;
	size_t n, i;

	cr_assert(cmd);
	/* "cmd.exe /c " then e-acute (2 bytes) from an odd offset on, to the end */
	memcpy(cmd, "cmd.exe /c ", 11);
	for (i = 11; i + 2 <= big; i += 2)
		memcpy(cmd + i, "\xc3\xa9", 2);
	cmd[i] = '\0';
	sysmon1(&ev);
	addf(&ev, "CommandLine", cmd, AG_V_NONASCII);
	addf(&ev, "Payload", cmd, AG_V_NONASCII);
	cr_assert_eq(ag_jsonw_init(&w, 0, 1u << 20), 0);
	cr_assert_eq(ag_alert_sigma(&w, &std_ctx, &std_rule, &ev, NOW_NS), 0);
	cr_assert_eq(w.str_cap, 0, "the cap is the writer's own again");
	cr_assert_leq(w.len, 1u << 20);
	d = jparse(w.buf, w.len);
	cr_assert_str_empty(d->err, "%s", d->err);
	expect_raw(d, "sigma/value_cap", "65536");
	got = jstr(d, "process/command_line", &n);
	cr_assert_not_null(got);
	/* 65536 bytes, less the half character at the cut */
	cr_assert_eq(n, 65535);
	cr_assert_eq(memcmp(got, cmd, n), 0);
	free(got);
	expect_str(d, "process/executable", "C:\\Windows\\System32\\cmd.exe");
	jfree(d);
	/* the next alert, small, is written whole, with no cap */
	ag_jsonw_reset(&w);
	ag_event_done(&ev);
	sysmon1(&ev);
	d = alert_doc(&std_rule, &ev, &w);
	expect_absent(d, "sigma/value_cap");
	expect_str(d, "process/command_line", "cmd.exe /c \"whoami /all\"");
	jfree(d);
	ag_jsonw_done(&w);
	ag_event_done(&ev);
	free(cmd);
}

/* Every kind of line above, once more through an independent parser. */
Test(alert, python_json_agrees)
{
	static const char bad[] = "x\xff\xc0\xaf\xed\xa0\x80\x01\n\"\\\xe2\x80\xa8\xf0\x9f\x98\x80";
	char path[] = "/tmp/test-alert-XXXXXX";
	uint64_t seed = 42;
	char cmd[1024];
	struct ag_event ev;
	struct ag_jsonw w;
	FILE *f;
	int fd, rc, k;

	if (system("python3 -c 'import json' >/dev/null 2>&1") != 0)
		cr_skip_test("python3 is not installed");
	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	sysmon1(&ev);
	cr_assert_eq(ag_alert_sigma(&w, &std_ctx, &std_rule, &ev, NOW_NS), 0);
	ag_event_done(&ev);
	mkev(&ev, "network_connection", "CommandLine", bad, "Data", "1", "Data", bad, "", "e", bad,
	     bad, "DestinationIp", "::1", "DestinationPort", "53", NULL);
	addf(&ev, "N", "-0.5E-7", AG_V_NUMBER);
	cr_assert_eq(ag_alert_sigma(&w, &std_ctx, &std_rule, &ev, NOW_NS), 0);
	ag_event_done(&ev);
	cr_assert_eq(ag_event_init(&ev, 0), 0);
	cr_assert_eq(ag_alert_sigma(&w, NULL, &std_rule, &ev, NOW_NS), 0);
	ag_event_done(&ev);
	/* Random bytes: Python's own decoder must agree on every U+FFFD. */
	for (k = 0; k < 500; k++) {
		unsigned char rnd[64];
		char hex[129];
		size_t n, i, m;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		n = (size_t)(seed >> 33) % sizeof(rnd);
		for (i = 0; i < n; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			rnd[i] = (unsigned char)(seed >> 56);
			if (rnd[i] < 0x80 && (seed & 1))
				rnd[i] = (unsigned char)(0x80 | (seed >> 48));
			sprintf(hex + 2 * i, "%02x", rnd[i]);
		}
		hex[2 * n] = '\0';
		m = ag_jsonw_line_begin(&w);
		ag_jsonw_obj_begin(&w, NULL);
		ag_jsonw_cstr(&w, "hex", hex);
		ag_jsonw_str(&w, "s", (const char *)rnd, n);
		ag_jsonw_obj_end(&w);
		cr_assert_eq(ag_jsonw_line_end(&w, m), 0);
	}

	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	f = fdopen(fd, "wb");
	cr_assert_eq(fwrite(w.buf, 1, w.len, f), w.len);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "python3 -c '"
		 "import json,sys\n"
		 "def nodup(p):\n"
		 "    d = dict(p)\n"
		 "    assert len(d) == len(p), p\n"
		 "    return d\n"
		 "data = open(sys.argv[1], \"rb\").read()\n"
		 "lines = data.split(b\"\\n\")\n"
		 "assert lines[-1] == b\"\" and len(lines) == 504\n"
		 "for l in lines[:3]:\n"
		 "    o = json.loads(l.decode(\"utf-8\", \"strict\"), object_pairs_hook=nodup)\n"
		 "    assert o[\"event\"][\"kind\"] == \"alert\"\n"
		 "for l in lines[3:-1]:\n"
		 "    o = json.loads(l.decode(\"utf-8\", \"strict\"))\n"
		 "    want = bytes.fromhex(o[\"hex\"]).decode(\"utf-8\", \"replace\")\n"
		 "    assert o[\"s\"] == want, (o, want)\n"
		 "' %s",
		 path);
	rc = system(cmd);
	unlink(path);
	cr_assert_eq(rc, 0, "python3 rejected the output");
	ag_jsonw_done(&w);
}

/*
 * Alerts per second for a typical Sysmon process_creation event: set
 * AG_ALERT_BENCH=1 (one million alerts) or to a number of alerts.
 */
Test(alert, throughput)
{
	long iters = 1000000;
	struct timespec t0, t1;
	struct ag_event ev;
	struct ag_jsonw w;
	size_t bytes = 0, one;
	double secs;
	long i;

	if (!getenv("AG_ALERT_BENCH"))
		cr_skip_test("set AG_ALERT_BENCH=1 (or the number of alerts) to measure");
	if (atol(getenv("AG_ALERT_BENCH")) > 1)
		iters = atol(getenv("AG_ALERT_BENCH"));
	sysmon1(&ev);
	cr_assert_eq(ag_jsonw_init(&w, 1 << 20, 0), 0);
	cr_assert_eq(ag_alert_sigma(&w, &std_ctx, &std_rule, &ev, NOW_NS), 0);
	one = w.len;
	ag_jsonw_reset(&w);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < iters; i++) {
		if (w.len > (1 << 20) - 4096) {
			bytes += w.len;
			ag_jsonw_reset(&w);
		}
		ag_alert_sigma(&w, &std_ctx, &std_rule, &ev, NOW_NS + (uint64_t)i);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	bytes += w.len;
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	cr_assert_eq(bytes, one * (size_t)iters);
	fprintf(stderr, "alert writer: %.0f alerts/s, %.1f MB/s, %zu bytes/alert\n",
		(double)iters / secs, (double)bytes / secs / 1e6, one);
	ag_jsonw_done(&w);
	ag_event_done(&ev);
}

