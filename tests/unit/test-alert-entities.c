// SPDX-License-Identifier: Apache-2.0
/*
 * The alert writer (runtime/alert.c), entity sections: hashes, pids,
 * network, addresses, registry, classes, datasets, odd input. Every line the tests produce goes
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


Test(alert, hashes_parsing)
{
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);

	/* image_load: dll.*, with imphash; bad and unknown entries ignored. */
	mkev(&ev, "image_load", "Image", "C:\\a\\b.exe", "ImageLoaded", "C:\\Windows\\x.DLL",
	     "OriginalFileName", "X.dll", "Hashes",
	     " MD5=ZZ23456789ABCDEF0123456789ABCDEF, sha1=0123 ,SHA256=00,"
	     "IMPHASH=F34D5F2D4577ED6D9CEEC516C1F5A744 ,SSDEEP=3:abc,SHA384=ab",
	     NULL);
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "event/category/0", "library");
	expect_str(d, "event/type/0", "start");
	expect_str(d, "dll/path", "C:\\Windows\\x.DLL");
	expect_str(d, "dll/name", "x.DLL");
	expect_str(d, "dll/pe/imphash", "f34d5f2d4577ed6d9ceec516c1f5a744");
	expect_str(d, "dll/pe/original_file_name", "X.dll");
	expect_absent(d, "dll/hash");
	expect_absent(d, "file");
	expect_absent(d, "process/hash");
	expect_absent(d, "process/pe");
	expect_str(d, "process/name", "b.exe");
	jfree(d);
	ag_event_done(&ev);

	/* file_delete: file.hash; the file path's parts. */
	mkev(&ev, "file_delete", "TargetFilename", "C:\\Users\\bob\\Down loads\\evil.tar.GZ",
	     "Hashes", "SHA256=0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
	     NULL);
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "event/category/0", "file");
	expect_str(d, "event/type/0", "deletion");
	expect_str(d, "file/path", "C:\\Users\\bob\\Down loads\\evil.tar.GZ");
	expect_str(d, "file/name", "evil.tar.GZ");
	expect_str(d, "file/directory", "C:\\Users\\bob\\Down loads");
	expect_str(d, "file/extension", "GZ");
	expect_str(d, "file/hash/sha256",
		   "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	expect_absent(d, "process");
	jfree(d);
	ag_event_done(&ev);

	/* A bare hash is told by its length; driver_load puts ImageLoaded in file.*. */
	mkev(&ev, "driver_load", "ImageLoaded", "C:\\Windows\\System32\\drivers\\x.sys", "Hashes",
	     "0123456789abcdef0123456789abcdef", NULL);
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "event/category/0", "driver");
	expect_str(d, "file/path", "C:\\Windows\\System32\\drivers\\x.sys");
	expect_str(d, "file/extension", "sys");
	expect_str(d, "file/hash/md5", "0123456789abcdef0123456789abcdef");
	expect_absent(d, "dll");
	jfree(d);
	ag_event_done(&ev);

	/* Sysmon 15 uses "Hash". */
	mkev(&ev, "create_stream_hash", "TargetFilename", "/tmp/.hidden", "Hash",
	     "SHA1=0123456789ABCDEF0123456789ABCDEF01234567", NULL);
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "file/hash/sha1", "0123456789abcdef0123456789abcdef01234567");
	expect_str(d, "file/name", ".hidden");
	expect_str(d, "file/directory", "/tmp");
	expect_absent(d, "file/extension");
	jfree(d);
	ag_event_done(&ev);

	/* Nothing parseable: no hash objects at all. */
	mkev(&ev, "process_creation", "Image", "/bin/sh", "Hashes", ",,=,MD5=,garbage", NULL);
	d = alert_doc(&std_rule, &ev, &w);
	expect_absent(d, "process/hash");
	expect_absent(d, "process/pe");
	expect_str(d, "process/name", "sh");
	jfree(d);
	ag_event_done(&ev);
	ag_jsonw_done(&w);
}

Test(alert, pid_forms)
{
	static const struct {
		const char *in;
		const char *out; /* NULL: absent */
	} cases[] = {
		{"4242", "4242"},
		{"0x1a4", "420"},
		{"0X1A4", "420"},
		{"0", "0"},
		{"9223372036854775807", "9223372036854775807"},
		{"9223372036854775808", NULL},
		{"99999999999999999999999", NULL},
		{"0xffffffffffffffff", NULL},
		{"-5", NULL},
		{"12abc", NULL},
		{"0x", NULL},
		{" 12", NULL},
		{"1.0", NULL},
		{"", NULL},
	};
	struct ag_jsonw w;
	size_t i;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ag_event ev;
		struct jdoc *d;

		mkev(&ev, "process_creation", "ProcessId", cases[i].in, "Image", "/bin/true", NULL);
		d = alert_doc(&std_rule, &ev, &w);
		if (cases[i].out) {
			expect_type(d, "process/pid", 'n');
			expect_raw(d, "process/pid", cases[i].out);
		} else {
			expect_absent(d, "process/pid");
		}
		/* The original text stays in sigma.fields, as a string. */
		expect_str(d, "sigma/fields/ProcessId", cases[i].in);
		jfree(d);
		ag_event_done(&ev);
	}
	ag_jsonw_done(&w);
}

Test(alert, network_connection)
{
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	mkev(&ev, "network_connection", "Image", "C:\\x\\curl.exe", "Protocol", "TCP", "Initiated",
	     "true", "SourceIp", "10.0.0.5", "SourceHostname", "ws01", "SourcePort", "50000",
	     "DestinationIp", "2001:db8::1", "DestinationHostname", "evil.example",
	     "DestinationPort", "443", NULL);
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "event/category/0", "network");
	expect_str(d, "event/type/0", "connection");
	expect_str(d, "event/type/1", "start");
	expect_str(d, "source/ip", "10.0.0.5");
	expect_raw(d, "source/port", "50000");
	expect_str(d, "source/domain", "ws01");
	expect_str(d, "destination/ip", "2001:db8::1");
	expect_raw(d, "destination/port", "443");
	expect_str(d, "destination/domain", "evil.example");
	expect_str(d, "network/transport", "tcp");
	expect_str(d, "network/type", "ipv6");
	expect_str(d, "network/direction", "egress");
	jfree(d);
	ag_event_done(&ev);

	/* Bad values are left out of ECS (they would make Elasticsearch reject the document). */
	mkev(&ev, "network_connection", "Protocol", "t c p", "Initiated", "maybe", "DestinationIp",
	     "999.1.1.1", "DestinationPort", "65536", "SourceIp", "192.168.1.1", "SourcePort",
	     "0x50", NULL);
	d = alert_doc(&std_rule, &ev, &w);
	expect_absent(d, "destination");
	expect_str(d, "source/ip", "192.168.1.1");
	expect_raw(d, "source/port", "80");
	expect_absent(d, "network/transport");
	expect_absent(d, "network/direction");
	expect_str(d, "network/type", "ipv4");
	expect_str(d, "sigma/fields/DestinationIp", "999.1.1.1");
	jfree(d);
	ag_event_done(&ev);

	mkev(&ev, "network_connection", "Initiated", "False", NULL);
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "network/direction", "ingress");
	jfree(d);
	ag_event_done(&ev);

	mkev(&ev, "dns_query", "QueryName", "evil.example", "Image", "C:\\a.exe", NULL);
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "event/category/0", "network");
	expect_str(d, "event/type/0", "protocol");
	expect_str(d, "dns/question/name", "evil.example");
	jfree(d);
	ag_event_done(&ev);
	ag_jsonw_done(&w);
}

Test(alert, ip_addresses)
{
	static const struct {
		const char *ip, *type; /* type NULL: not an address */
	} cases[] = {
		{"10.0.0.1", "ipv4"},
		{"255.255.255.255", "ipv4"},
		{"0.0.0.0", "ipv4"},
		{"256.1.1.1", NULL},
		{"01.2.3.4", NULL},
		{"1.2.3", NULL},
		{"1.2.3.4.5", NULL},
		{"1.2.3.4 ", NULL},
		{"\t1.2.3.4", NULL},
		{"1..3.4", NULL},
		{"::", "ipv6"},
		{"::1", "ipv6"},
		{"1::", "ipv6"},
		{"fe80::1:2", "ipv6"},
		{"1:2:3:4:5:6:7:8", "ipv6"},
		{"1:2:3:4:5:6:7::", "ipv6"},
		{"::ffff:10.0.0.1", "ipv6"},
		{"1:2:3:4:5:6:1.2.3.4", "ipv6"},
		{"FE80:0:0:0:0:0:0:ABCD", "ipv6"},
		{"1:2:3:4:5:6:7:8:9", NULL},
		{"1:2:3:4:5:6:7", NULL},
		{"1:2:3:4:5:6:7:1.2.3.4", NULL},
		{"1::2::3", NULL},
		{":1", NULL},
		{"1:", NULL},
		{":::", NULL},
		{"12345::", NULL},
		{"fe80::1%eth0", NULL},
		{"::ffff:010.0.0.1", NULL},
		{" ::1", NULL},
		{"g::1", NULL},
		{"", NULL},
		{"localhost", NULL},
	};
	struct ag_jsonw w;
	size_t i;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ag_event ev;
		struct jdoc *d;

		mkev(&ev, "network_connection", "DestinationIp", cases[i].ip, NULL);
		d = alert_doc(&std_rule, &ev, &w);
		if (cases[i].type) {
			expect_str(d, "destination/ip", cases[i].ip);
			expect_str(d, "network/type", cases[i].type);
		} else {
			expect_absent(d, "destination/ip");
			expect_absent(d, "network/type");
		}
		jfree(d);
		ag_event_done(&ev);
	}
	ag_jsonw_done(&w);
}

Test(alert, registry)
{
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	mkev(&ev, "registry_set", "TargetObject",
	     "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\evil", "Details",
	     "C:\\evil.exe", NULL);
	ev.category[1] = "registry_event";
	ev.ncategory = 2;
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "event/category/0", "registry");
	expect_str(d, "event/type/0", "change");
	expect_str(d, "event/dataset", "sigmac.registry_set");
	expect_str(d, "registry/hive", "HKLM");
	expect_str(d, "registry/path",
		   "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\evil");
	expect_str(d, "registry/key", "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run");
	expect_str(d, "registry/value", "evil");
	expect_str(d, "registry/data/strings/0", "C:\\evil.exe");
	jfree(d);
	ag_event_done(&ev);

	mkev(&ev, "registry_add", "TargetObject", "HKU\\S-1-5-21\\Software\\Evil", NULL);
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "event/type/0", "creation");
	expect_str(d, "registry/hive", "HKU");
	expect_str(d, "registry/key", "S-1-5-21\\Software\\Evil");
	expect_absent(d, "registry/value");
	expect_absent(d, "registry/data");
	jfree(d);
	ag_event_done(&ev);

	mkev(&ev, "registry_delete", "TargetObject", "\\REGISTRY\\MACHINE\\SYSTEM\\X", NULL);
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "event/type/0", "deletion");
	expect_str(d, "registry/hive", "HKLM");
	expect_str(d, "registry/key", "SYSTEM\\X");
	jfree(d);
	ag_event_done(&ev);
	ag_jsonw_done(&w);
}

Test(alert, category_table)
{
	static const struct {
		const char *sigma, *cat, *type0, *type1;
	} cases[] = {
		{"process_creation", "process", "start", NULL},
		{"process_termination", "process", "end", NULL},
		{"process_access", "process", "access", NULL},
		{"network_connection", "network", "connection", "start"},
		{"dns_query", "network", "protocol", NULL},
		{"file_event", "file", "creation", NULL},
		{"file_delete", "file", "deletion", NULL},
		{"file_rename", "file", "change", NULL},
		{"file_change", "file", "change", NULL},
		{"file_access", "file", "access", NULL},
		{"registry_event", "registry", "change", NULL},
		{"registry_something_new", "registry", "change", NULL},
		{"image_load", "library", "start", NULL},
		{"driver_load", "driver", "start", NULL},
		{"ps_script", "process", "info", NULL},
		{"wmi_event", "host", "info", NULL},
		{NULL, "host", "info", NULL},
	};
	struct ag_jsonw w;
	size_t i;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ag_event ev;
		struct jdoc *d;

		mkev(&ev, cases[i].sigma, NULL);
		d = alert_doc(&std_rule, &ev, &w);
		expect_str(d, "event/category/0", cases[i].cat);
		expect_absent(d, "event/category/1");
		expect_str(d, "event/type/0", cases[i].type0);
		if (cases[i].type1)
			expect_str(d, "event/type/1", cases[i].type1);
		else
			expect_absent(d, "event/type/1");
		jfree(d);
		ag_event_done(&ev);
	}
	ag_jsonw_done(&w);
}

Test(alert, dataset_fallbacks)
{
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	mkev(&ev, NULL, NULL);
	ev.service = "Powershell-Classic";
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "event/dataset", "sigmac.powershell_classic");
	jfree(d);
	ev.service = NULL;
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "event/dataset", "sigmac.windows");
	jfree(d);
	ev.product = NULL;
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "event/dataset", "sigmac.generic");
	expect_str(d, "host/os/type", "linux"); /* from the agent */
	expect_str(d, "host/name", "agent-host");
	jfree(d);
	ag_event_done(&ev);
	ag_jsonw_done(&w);
}

Test(alert, invalid_utf8_and_controls)
{
	static const char bad[] = "a\xff"
				  "b\xc0\xaf"
				  "c\xed\xa0\x80"
				  "d\xe2\x82"
				  "\x01\x1f\"\\\n\r\t\xf0\x9f\x98\x80"
				  "\xe2\x80\xa8";
	static const char want[] = "a\xef\xbf\xbd"
				   "b\xef\xbf\xbd\xef\xbf\xbd"
				   "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
				   "d\xef\xbf\xbd"
				   "\x01\x1f\"\\\n\r\t\xf0\x9f\x98\x80"
				   "\xe2\x80\xa8";
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;
	const char *name;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	mkev(&ev, "process_creation", "CommandLine", bad, "Image", "C:\\\xff\\x.exe", NULL);
	add(&ev, "Weird\xff\x01Name", "v");
	addf(&ev, "Num", "01", AG_V_NUMBER);	  /* not a JSON number: string */
	addf(&ev, "Num2", "-1.5e3", AG_V_NUMBER); /* a JSON number */
	addf(&ev, "Bool", "true", AG_V_BOOL);
	addf(&ev, "Bool2", "TRUE", AG_V_BOOL); /* not JSON: string */
	addf(&ev, "Nul", "null", AG_V_NULL);
	addf(&ev, "Obj", "{\"a\":1}", AG_V_COMPOUND);
	addf(&ev, "NumStr", "1", 0);
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "process/command_line", want);
	expect_str(d, "process/executable", "C:\\\xef\xbf\xbd\\x.exe");
	expect_str(d, "sigma/fields/CommandLine", want);
	name = "sigma/fields/Weird\xef\xbf\xbd\x01Name";
	expect_str(d, name, "v");
	expect_type(d, "sigma/fields/Num", 's');
	expect_str(d, "sigma/fields/Num", "01");
	expect_raw(d, "sigma/fields/Num2", "-1.5e3");
	expect_raw(d, "sigma/fields/Bool", "true");
	expect_str(d, "sigma/fields/Bool2", "TRUE");
	expect_type(d, "sigma/fields/Nul", 'z');
	expect_str(d, "sigma/fields/Obj", "{\"a\":1}");
	expect_str(d, "sigma/fields/NumStr", "1");
	/* The escapes themselves: nothing below 0x20 and no U+2028 is written raw. */
	for (size_t i = 0; i < w.len - 1; i++)
		cr_assert((unsigned char)w.buf[i] >= 0x20, "raw control at %zu", i);
	cr_assert_null(memmem(w.buf, w.len, "\xe2\x80\xa8", 3));
	cr_assert_not_null(memmem(w.buf, w.len, "\\u0001\\u001f\\\"\\\\\\n\\r\\t", 20));
	jfree(d);
	ag_event_done(&ev);
	ag_jsonw_done(&w);
}

Test(alert, duplicate_and_empty_field_names)
{
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	mkev(&ev, "process_creation", "Data", "one", "Image", "/bin/a", "Data", "two", "", "e1",
	     "Image", "/bin/b", "_", "e2", NULL);
	addf(&ev, "Data", "3", AG_V_NUMBER);
	d = alert_doc(&std_rule, &ev, &w);
	expect_type(d, "sigma/fields/Data", 'a');
	expect_str(d, "sigma/fields/Data/0", "one");
	expect_str(d, "sigma/fields/Data/1", "two");
	expect_raw(d, "sigma/fields/Data/2", "3");
	expect_str(d, "sigma/fields/Image/0", "/bin/a");
	expect_str(d, "sigma/fields/Image/1", "/bin/b");
	expect_str(d, "sigma/fields/_/0", "e1");
	expect_str(d, "sigma/fields/_/1", "e2");
	/* The slot holds the last Image. */
	expect_str(d, "process/executable", "/bin/b");
	{
		/* First-occurrence order: Data, Image, _. */
		size_t i, k = 0;
		const char *order[] = {"sigma/fields/Data", "sigma/fields/Image", "sigma/fields/_"};

		for (i = 0; i < d->n; i++)
			if (d->e[i].member && strncmp(d->e[i].path, "sigma/fields/", 13) == 0) {
				cr_assert_lt(k, 3);
				cr_assert_str_eq(d->e[i].path, order[k]);
				k++;
			}
		cr_assert_eq(k, 3);
	}
	jfree(d);
	ag_event_done(&ev);
	ag_jsonw_done(&w);
}

Test(alert, one_megabyte_command_line)
{
	const size_t n = 1u << 20;
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;
	char *cmd = malloc(n + 1), *got;
	size_t i, gotn;

	for (i = 0; i < n; i++)
		cmd[i] = (char)('a' + i % 26);
	cmd[n / 2] = '"';
	cmd[n / 3] = '\\';
	cmd[n] = '\0';
	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	mkev(&ev, "process_creation", "Image", "/usr/bin/python3", "CommandLine", cmd, NULL);
	d = alert_doc(&std_rule, &ev, &w);
	got = jstr(d, "process/command_line", &gotn);
	cr_assert_not_null(got);
	cr_assert_eq(gotn, n);
	cr_assert(memcmp(got, cmd, n) == 0);
	free(got);
	got = jstr(d, "sigma/fields/CommandLine", &gotn);
	cr_assert_eq(gotn, n);
	free(got);
	cr_assert_gt(w.len, 2 * n);
	jfree(d);
	ag_event_done(&ev);
	ag_jsonw_done(&w);
	free(cmd);
}

Test(alert, no_fields_at_all)
{
	static const struct sgr_rule bare = {
		.id = "",
		.file = "",
		.title = "",
		.description = NULL,
		.severity = 21,
	};
	struct ag_event ev;
	struct ag_jsonw w;
	struct jdoc *d;
	char *keys;

	cr_assert_eq(ag_event_init(&ev, 0), 0);
	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	ag_jsonw_reset(&w);
	cr_assert_eq(ag_alert_sigma(&w, NULL, &bare, &ev, NOW_NS), 0);
	d = jparse(w.buf, w.len - 1);
	cr_assert_eq(d->err[0], '\0', "%s", d->err);
	keys = jkeys(d);
	cr_assert_str_eq(keys, "@timestamp,ecs,ecs/version,event,event/kind,event/category,"
			       "event/type,event/module,event/dataset,event/severity,"
			       "event/created,rule,rule/id,agent,agent/type,sigma,sigma/fields");
	free(keys);
	expect_str(d, "@timestamp", "2023-11-14T22:13:20.123Z");
	expect_str(d, "rule/id", "sigma::unknown");
	expect_str(d, "event/dataset", "sigmac.generic");
	expect_raw(d, "event/severity", "21");
	expect_raw(d, "sigma/fields", "{}");
	jfree(d);

	/* A rule without an id is named by its file. */
	{
		struct sgr_rule r = bare;

		r.file = "rules/x.yml";
		ag_jsonw_reset(&w);
		cr_assert_eq(ag_alert_sigma(&w, NULL, &r, &ev, NOW_NS), 0);
		d = jparse(w.buf, w.len - 1);
		expect_str(d, "rule/id", "sigma::rules/x.yml");
		jfree(d);
	}
	ag_jsonw_done(&w);
	ag_event_done(&ev);
}

Test(alert, event_without_slots_is_read_by_name)
{
	struct ag_kv kv[3] = {
		{.name = "Image", .name_len = 5, .val = "/bin/ls", .val_len = 7},
		{.name = "ProcessId", .name_len = 9, .val = "12", .val_len = 2},
		{.name = "Image", .name_len = 5, .val = "/bin/cat", .val_len = 8},
	};
	struct ag_event ev = {.kv = kv, .nkv = 3, .product = "linux"};
	struct ag_jsonw w;
	struct jdoc *d;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	d = alert_doc(&std_rule, &ev, &w);
	expect_str(d, "process/executable", "/bin/cat");
	expect_str(d, "process/name", "cat");
	expect_raw(d, "process/pid", "12");
	expect_str(d, "host/os/type", "linux");
	jfree(d);
	ag_jsonw_done(&w);
}

Test(alert, timestamps)
{
	static const struct {
		const char *field, *val, *want;
	} cases[] = {
		{"UtcTime", "2023-05-01 10:20:30.456", "2023-05-01T10:20:30.456Z"},
		{"UtcTime", "2023-05-01 10:20:30", "2023-05-01T10:20:30.000Z"},
		{"TimeCreated", "2019-06-24T14:12:57.1234567Z", "2019-06-24T14:12:57.123Z"},
		{"TimeCreated", "2019-06-24T14:12:57.999+02:00", "2019-06-24T12:12:57.999Z"},
		{"TimeCreated", "2019-06-24T23:30:00-0130", "2019-06-25T01:00:00.000Z"},
		{"TimeCreated", "{\"SystemTime\": \"2020-02-29T00:00:00.5Z\"}",
		 "2020-02-29T00:00:00.500Z"},
		{"TimeCreated", "2019-02-29T00:00:00Z", NULL}, /* not a leap year */
		{"TimeCreated", "2019-13-01T00:00:00Z", NULL},
		{"TimeCreated", "1969-12-31T23:59:59Z", NULL},
		{"TimeCreated", "2019-06-24T14:12:57Zjunk", NULL},
		{"TimeCreated", "2019-06-24T14:12:57Z\"", NULL},
		{"TimeCreated", "{\"SystemTime\": \"2019-06-24T14:12:57.5Zx\"}", NULL},
		{"TimeCreated", "yesterday", NULL},
		{"UtcTime", "", NULL},
	};
	struct ag_jsonw w;
	size_t i;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ag_event ev;
		struct jdoc *d;

		mkev(&ev, NULL, cases[i].field, cases[i].val, NULL);
		d = alert_doc(&std_rule, &ev, &w);
		expect_str(d, "@timestamp",
			   cases[i].want ? cases[i].want : "2023-11-14T22:13:20.123Z");
		jfree(d);
		ag_event_done(&ev);
	}
	/* ts_ns wins over the fields; UtcTime over TimeCreated. */
	{
		struct ag_event ev;
		struct jdoc *d;

		mkev(&ev, NULL, "TimeCreated", "2001-01-01T00:00:00Z", "UtcTime",
		     "2002-02-02 02:02:02.002", NULL);
		d = alert_doc(&std_rule, &ev, &w);
		expect_str(d, "@timestamp", "2002-02-02T02:02:02.002Z");
		jfree(d);
		ev.ts_ns = 951782400000000000ull + 999999999ull; /* 2000-02-29T00:00:00.999 */
		d = alert_doc(&std_rule, &ev, &w);
		expect_str(d, "@timestamp", "2000-02-29T00:00:00.999Z");
		jfree(d);
		ag_event_done(&ev);
	}
	ag_jsonw_done(&w);
}

Test(alert, user_forms)
{
	static const struct {
		const char *in, *name, *domain;
	} cases[] = {
		{"CORP\\bob", "bob", "CORP"}, {"NT AUTHORITY\\SYSTEM", "SYSTEM", "NT AUTHORITY"},
		{"root", "root", NULL},	      {"\\bob", "\\bob", NULL},
		{"a\\b\\c", "a\\b\\c", NULL}, {"CORP\\", "CORP\\", NULL},
	};
	struct ag_jsonw w;
	size_t i;

	cr_assert_eq(ag_jsonw_init(&w, 0, 0), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ag_event ev;
		struct jdoc *d;

		mkev(&ev, NULL, "User", cases[i].in, NULL);
		d = alert_doc(&std_rule, &ev, &w);
		expect_str(d, "user/name", cases[i].name);
		if (cases[i].domain)
			expect_str(d, "user/domain", cases[i].domain);
		else
			expect_absent(d, "user/domain");
		jfree(d);
		ag_event_done(&ev);
	}
	ag_jsonw_done(&w);
}
