// SPDX-License-Identifier: Apache-2.0
/*
 * Routing of replayed events to Sigma logsources (route.h).
 *
 * Design. Two flat const tables, written for this project from Sigma's
 * taxonomy (sigma-reference.md A7; SigmaHQ's tests/thor.yml is the mapping
 * its regression runner uses and the one these tables agree with):
 *
 *   channels[]: event-log channel -> Sigma service, plus the class table
 *               (kind) that gives categories by EventID for that channel;
 *   classes[]:  (kind, EventID) -> up to three categories and a field
 *               mapping to apply.
 *
 * A lookup is a length-then-strncasecmp scan of ~60 channels (the datasets
 * spell "Security" both ways) and a scan of the per-kind class rows; both
 * are a few hundred nanoseconds, well below the cost of reading an event.
 * Everything stored in the event is a static string, except what
 * ag_route_generic() takes from an event's own logsource.* values.
 *
 * Sysmon EventID 12 is registry_add (EventType CreateKey) or registry_delete
 * (DeleteKey, DeleteValue), and registry_event like 13 and 14. EventID 24
 * is clipboard_capture in the taxonomy and clipboard_change in thor.yml:
 * the event carries both names.
 *
 * Not here: matching rules to classes (the detection engine).
 */
#include "route.h"

#include <string.h>
#include <strings.h>

#include "event.h"
#include "values.h"

enum kind { K_NONE, K_SYSMON, K_SECURITY, K_PS, K_PS_CLASSIC, K_DEFENDER, K_LINUX_SYSMON };

enum mapping { M_NONE, M_4688, M_DEFENDER };

struct channel {
	const char *name;
	size_t len; /* strlen(name) */
	const char *service;
	enum kind kind;
};

#define CH(name, service, kind) {name, sizeof(name) - 1, service, kind}

static const struct channel channels[] = {
	CH("Microsoft-Windows-Sysmon/Operational", "sysmon", K_SYSMON),
	CH("Security", "security", K_SECURITY),
	CH("System", "system", K_NONE),
	CH("Application", "application", K_NONE),
	CH("Microsoft-Windows-PowerShell/Operational", "powershell", K_PS),
	CH("PowerShellCore/Operational", "powershell", K_PS),
	CH("Windows PowerShell", "powershell-classic", K_PS_CLASSIC),
	CH("Microsoft-Windows-Windows Defender/Operational", "windefend", K_DEFENDER),
	CH("Microsoft-Windows-TaskScheduler/Operational", "taskscheduler", K_NONE),
	CH("Microsoft-Windows-WMI-Activity/Operational", "wmi", K_NONE),
	CH("Microsoft-Windows-Bits-Client/Operational", "bits-client", K_NONE),
	CH("Microsoft-Windows-NTLM/Operational", "ntlm", K_NONE),
	CH("Microsoft-Windows-DHCP-Server/Operational", "dhcp", K_NONE),
	CH("Microsoft-Windows-PrintService/Admin", "printservice-admin", K_NONE),
	CH("Microsoft-Windows-PrintService/Operational", "printservice-operational", K_NONE),
	CH("Microsoft-Windows-SmbClient/Security", "smbclient-security", K_NONE),
	CH("Microsoft-Windows-SmbClient/Connectivity", "smbclient-connectivity", K_NONE),
	CH("Microsoft-Windows-SMBServer/Connectivity", "smbserver-connectivity", K_NONE),
	CH("Microsoft-Windows-TerminalServices-LocalSessionManager/Operational",
	   "terminalservices-localsessionmanager", K_NONE),
	CH("Microsoft-Windows-CodeIntegrity/Operational", "codeintegrity-operational", K_NONE),
	CH("Microsoft-Windows-AppLocker/MSI and Script", "applocker", K_NONE),
	CH("Microsoft-Windows-AppLocker/EXE and DLL", "applocker", K_NONE),
	CH("Microsoft-Windows-AppLocker/Packaged app-Deployment", "applocker", K_NONE),
	CH("Microsoft-Windows-AppLocker/Packaged app-Execution", "applocker", K_NONE),
	CH("MSExchange Management", "msexchange-management", K_NONE),
	CH("Microsoft-Windows-Windows Firewall With Advanced Security/Firewall", "firewall-as",
	   K_NONE),
	CH("Microsoft-Windows-Security-Mitigations/Kernel Mode", "security-mitigations", K_NONE),
	CH("Microsoft-Windows-Security-Mitigations/User Mode", "security-mitigations", K_NONE),
	CH("Microsoft-Windows-Diagnosis-Scripted/Operational", "diagnosis-scripted", K_NONE),
	CH("Microsoft-Windows-Shell-Core/Operational", "shell-core", K_NONE),
	CH("OpenSSH/Operational", "openssh", K_NONE),
	CH("Microsoft-Windows-LDAP-Client/Debug", "ldap", K_NONE),
	CH("Microsoft-Windows-BitLocker/BitLocker Management", "bitlocker", K_NONE),
	CH("Microsoft-Windows-VHDMP/Operational", "vhdmp", K_NONE),
	CH("Microsoft-Windows-AppXDeploymentServer/Operational", "appxdeployment-server", K_NONE),
	CH("Microsoft-Windows-LSA/Operational", "lsa-server", K_NONE),
	CH("Microsoft-Windows-AppxPackaging/Operational", "appxpackaging-om", K_NONE),
	CH("Microsoft-Windows-DNS Client Events/Operational", "dns-client", K_NONE),
	CH("Microsoft-Windows-AppModel-Runtime/Admin", "appmodel-runtime", K_NONE),
	CH("Microsoft-Windows-CAPI2/Operational", "capi2", K_NONE),
	CH("Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational",
	   "certificateservicesclient-lifecycle-system", K_NONE),
	CH("Microsoft-Windows-Kernel-ShimEngine/Operational", "kernel-shimengine", K_NONE),
	CH("Microsoft-Windows-Kernel-ShimEngine/Diagnostic", "kernel-shimengine", K_NONE),
	CH("Microsoft-Windows-Application-Experience/Program-Telemetry", "application-experience",
	   K_NONE),
	CH("Microsoft-Windows-Application-Experience/Program-Compatibility-Assistant",
	   "application-experience", K_NONE),
	CH("Microsoft-Windows-Ntfs/Operational", "ntfs", K_NONE),
	CH("Microsoft-Windows-Hyper-V-Worker", "hyper-v-worker", K_NONE),
	CH("Microsoft-Windows-Hyper-V-Worker-Admin", "hyper-v-worker", K_NONE),
	CH("Microsoft-Windows-Kernel-EventTracing", "kernel-event-tracing", K_NONE),
	CH("Microsoft-Windows-Kernel-EventTracing/Admin", "kernel-event-tracing", K_NONE),
	CH("Microsoft-Windows-SENSE/Operational", "sense", K_NONE),
	CH("Microsoft-ServiceBus-Client/Admin", "servicebus-client", K_NONE),
	CH("Microsoft-ServiceBus-Client/Operational", "servicebus-client", K_NONE),
	CH("Microsoft-IIS-Configuration/Operational", "iis-configuration", K_NONE),
	CH("DNS Server", "dns-server", K_NONE),
	CH("Microsoft-Windows-DNS-Server/Audit", "dns-server-audit", K_NONE),
	CH("Microsoft-Windows-DNS-Server/Analytical", "dns-server-analytic", K_NONE),
	CH("Microsoft-Windows-DriverFrameworks-UserMode/Operational", "driver-framework", K_NONE),
	CH("Linux-Sysmon/Operational", "sysmon", K_LINUX_SYSMON),
};

struct class {
	enum kind kind;
	uint32_t lo, hi;	/* EventID range */
	const char *cat[3];	/* categories, NULL-padded */
	enum mapping mapping;
};

static const struct class classes[] = {
	{K_SYSMON, 1, 1, {"process_creation"}, M_NONE},
	{K_SYSMON, 2, 2, {"file_change"}, M_NONE},
	{K_SYSMON, 3, 3, {"network_connection"}, M_NONE},
	{K_SYSMON, 4, 4, {"sysmon_status"}, M_NONE},
	{K_SYSMON, 5, 5, {"process_termination"}, M_NONE},
	{K_SYSMON, 6, 6, {"driver_load"}, M_NONE},
	{K_SYSMON, 7, 7, {"image_load"}, M_NONE},
	{K_SYSMON, 8, 8, {"create_remote_thread"}, M_NONE},
	{K_SYSMON, 9, 9, {"raw_access_thread"}, M_NONE},
	{K_SYSMON, 10, 10, {"process_access"}, M_NONE},
	{K_SYSMON, 11, 11, {"file_event"}, M_NONE},
	{K_SYSMON, 12, 12, {"registry_event"}, M_NONE}, /* + add/delete by EventType */
	{K_SYSMON, 13, 13, {"registry_set", "registry_event"}, M_NONE},
	{K_SYSMON, 14, 14, {"registry_rename", "registry_event"}, M_NONE},
	{K_SYSMON, 15, 15, {"create_stream_hash"}, M_NONE},
	{K_SYSMON, 16, 16, {"sysmon_status"}, M_NONE},
	{K_SYSMON, 17, 18, {"pipe_created"}, M_NONE},
	{K_SYSMON, 19, 21, {"wmi_event"}, M_NONE},
	{K_SYSMON, 22, 22, {"dns_query"}, M_NONE},
	{K_SYSMON, 23, 23, {"file_delete"}, M_NONE},
	{K_SYSMON, 24, 24, {"clipboard_capture", "clipboard_change"}, M_NONE},
	{K_SYSMON, 25, 25, {"process_tampering"}, M_NONE},
	{K_SYSMON, 26, 26, {"file_delete_detected"}, M_NONE},
	{K_SYSMON, 27, 27, {"file_block_executable"}, M_NONE},
	{K_SYSMON, 28, 28, {"file_block_shredding"}, M_NONE},
	{K_SYSMON, 29, 29, {"file_executable_detected"}, M_NONE},
	{K_SYSMON, 255, 255, {"sysmon_error"}, M_NONE},
	{K_SECURITY, 4688, 4688, {"process_creation"}, M_4688},
	{K_PS, 4103, 4103, {"ps_module"}, M_NONE},
	{K_PS, 4104, 4104, {"ps_script"}, M_NONE},
	{K_PS_CLASSIC, 400, 400, {"ps_classic_start"}, M_NONE},
	{K_PS_CLASSIC, 600, 600, {"ps_classic_provider_start"}, M_NONE},
	{K_PS_CLASSIC, 800, 800, {"ps_classic_script"}, M_NONE},
	{K_DEFENDER, 1006, 1012, {"antivirus"}, M_DEFENDER},
	{K_DEFENDER, 1017, 1019, {"antivirus"}, M_DEFENDER},
	{K_DEFENDER, 1115, 1116, {"antivirus"}, M_DEFENDER},
	{K_LINUX_SYSMON, 1, 1, {"process_creation"}, M_NONE},
	{K_LINUX_SYSMON, 3, 3, {"network_connection"}, M_NONE},
	{K_LINUX_SYSMON, 4, 4, {"sysmon_status"}, M_NONE},
	{K_LINUX_SYSMON, 5, 5, {"process_termination"}, M_NONE},
	{K_LINUX_SYSMON, 9, 9, {"raw_access_read"}, M_NONE},
	{K_LINUX_SYSMON, 11, 11, {"file_event"}, M_NONE},
	{K_LINUX_SYSMON, 16, 16, {"sysmon_status"}, M_NONE},
	{K_LINUX_SYSMON, 23, 23, {"file_delete"}, M_NONE},
	{K_LINUX_SYSMON, 255, 255, {"sysmon_error"}, M_NONE},
};

/* Other names ag_route_generic() turns into static strings. */
static const char *const generic_names[] = {
	"windows", "linux", "macos", "aws", "azure", "gcp", "m365", "okta", "github",
	"cloudtrail", "auditd", "auth", "clamav", "cron", "sshd", "sudo", "syslog", "vsftpd",
	"antivirus", "database", "dns", "firewall", "proxy", "webserver", "application",
	"file_access", "file_rename", "network", "registry_add", "registry_delete",
};

static const struct ag_kv *find_name(const struct ag_event *ev, const char *name)
{
	size_t n = strlen(name);
	uint32_t i;

	for (i = 0; i < ev->nkv; i++)
		if (ev->kv[i].name_len == n && !memcmp(ev->kv[i].name, name, n))
			return &ev->kv[i];
	return NULL;
}

/* The field by core id, or by name when the event has no slot for it. */
static const struct ag_kv *find(const struct ag_event *ev, uint32_t id, const char *name)
{
	const struct ag_kv *kv = ag_event_get(ev, id);

	return kv ? kv : find_name(ev, name);
}

static bool is(const struct ag_kv *kv, const char *s)
{
	size_t n = strlen(s);

	return kv && kv->val_len == n && !strncasecmp(kv->val, s, n);
}

static void add_category(struct ag_event *ev, const char *cat)
{
	if (cat && ev->ncategory < sizeof(ev->category) / sizeof(ev->category[0]))
		ev->category[ev->ncategory++] = cat;
}

/* EventID as a number; false when it is not a decimal integer. */
/*
 * The event id: digits (the common case), else any text rules would read
 * as the same whole number (ag_parse_number: "1.0", "1e0", " 1"), so that
 * routing and rules agree on what EventID 1 is.
 */
static bool event_id(const struct ag_kv *kv, uint32_t *ret)
{
	uint64_t v = 0;
	uint32_t i;
	double d;

	if (!kv || !kv->val_len)
		return false;
	for (i = 0; i < kv->val_len && i <= 10; i++) {
		if (kv->val[i] < '0' || kv->val[i] > '9')
			break;
		v = v * 10 + (uint64_t)(kv->val[i] - '0');
	}
	if (i == kv->val_len) {
		if (v > UINT32_MAX)
			return false;
		*ret = (uint32_t)v;
		return true;
	}
	if (!ag_parse_number(kv->val, kv->val_len, &d) || !(d >= 0 && d <= UINT32_MAX) ||
	    d != (double)(uint32_t)d)
		return false;
	*ret = (uint32_t)d;
	return true;
}

static unsigned num(const char *s, int n, bool *ok)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			*ok = false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v;
}

/* "YYYY-MM-DDTHH:MM:SS[.f...][Z]" (or ' ' for 'T') as ns since the epoch; 0 if not. */
static uint64_t parse_time(const struct ag_kv *kv)
{
	const char *s = kv->val;
	bool ok = true;
	unsigned y, mo, d, h, mi, sec, i;
	uint64_t ns = 0, scale = 100000000, days;
	int64_t yy;

	if (kv->val_len < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') ||
	    s[13] != ':' || s[16] != ':')
		return 0;
	y = num(s, 4, &ok);
	mo = num(s + 5, 2, &ok);
	d = num(s + 8, 2, &ok);
	h = num(s + 11, 2, &ok);
	mi = num(s + 14, 2, &ok);
	sec = num(s + 17, 2, &ok);
	if (!ok || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return 0;
	if (kv->val_len > 20 && s[19] == '.')
		for (i = 20; i < kv->val_len && s[i] >= '0' && s[i] <= '9'; i++, scale /= 10)
			ns += (uint64_t)(s[i] - '0') * scale;
	/* Days from the civil date (H. Hinnant's algorithm). */
	yy = (int64_t)y - (mo <= 2);
	{
		int64_t era = yy / 400, yoe = yy - era * 400;
		int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
		int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

		days = (uint64_t)(era * 146097 + doe - 719468);
	}
	return ((days * 86400 + h * 3600 + mi * 60 + sec) * 1000000000ull) + ns;
}

/* Resolve the ids of the non-core mapping targets (AG_FIELD_NONE if unused). */
void ag_route_fields_init(struct ag_route_fields *rf,
			  uint32_t (*lookup)(void *ctx, const char *name, size_t len), void *ctx)
{
	rf->signature = lookup ? lookup(ctx, "Signature", 9) : AG_FIELD_NONE;
	rf->filename = lookup ? lookup(ctx, "Filename", 8) : AG_FIELD_NONE;
}

/* Field id `to` reads the value of the field called `from` (alias or copy). */
static void map_field(struct ag_event *ev, uint32_t to, const char *to_name, const char *from)
{
	const struct ag_kv *kv;

	if (to == AG_FIELD_NONE || to >= ev->nslots || ev->slot[to])
		return;
	kv = find_name(ev, from);
	if (!kv)
		return;
	if (kv->id != AG_FIELD_NONE)
		ag_event_alias(ev, to, kv->id);
	else
		ag_event_add(ev, to_name, (uint32_t)strlen(to_name), kv->val, kv->val_len, kv->flags,
			     to);
}

/*
 * Route by Channel and EventID (static strings only); apply the class's
 * field mapping; set ts_ns from TimeCreated when 0. rf may be NULL.
 */
void ag_route_windows_fields(struct ag_event *ev, const struct ag_route_fields *rf)
{
	/*
	 * The log the event is from: System_Channel when a data value named
	 * Channel took the name (event 104 names the log it cleared there;
	 * evtx_map.c, and the datasets' JSONL), else Channel.
	 */
	const struct ag_kv *ch = find_name(ev, "System_Channel"), *kv;
	const struct channel *c = NULL;
	uint32_t eid, i;
	int j;

	ev->product = "windows";
	ev->ls_static = true; /* this router sets static strings only */
	if (!ev->ts_ns && (kv = find(ev, AG_FIELD_TIMECREATED, "TimeCreated")) != NULL)
		ev->ts_ns = parse_time(kv);
	if (!ch)
		ch = find(ev, AG_FIELD_CHANNEL, "Channel");
	if (!ch)
		return;
	for (i = 0; i < sizeof(channels) / sizeof(channels[0]); i++)
		if (ch->val_len == channels[i].len && is(ch, channels[i].name)) {
			c = &channels[i];
			break;
		}
	if (!c)
		return;
	ev->service = c->service;
	if (c->kind == K_LINUX_SYSMON)
		ev->product = "linux";
	if (c->kind == K_NONE || !event_id(find(ev, AG_FIELD_EVENTID, "EventID"), &eid))
		return;
	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		const struct class *cl = &classes[i];

		if (cl->kind != c->kind || eid < cl->lo || eid > cl->hi)
			continue;
		if (c->kind == K_SYSMON && eid == 12) {
			kv = find_name(ev, "EventType");
			if (is(kv, "CreateKey"))
				add_category(ev, "registry_add");
			else if (is(kv, "DeleteKey") || is(kv, "DeleteValue"))
				add_category(ev, "registry_delete");
		}
		for (j = 0; j < 3; j++)
			add_category(ev, cl->cat[j]);
		if (cl->mapping == M_4688) {
			map_field(ev, AG_FIELD_IMAGE, "Image", "NewProcessName");
			map_field(ev, AG_FIELD_PARENTIMAGE, "ParentImage", "ParentProcessName");
		} else if (cl->mapping == M_DEFENDER && rf) {
			map_field(ev, rf->signature, "Signature", "ThreatName");
			map_field(ev, rf->filename, "Filename", "Path");
		}
		return;
	}
}

/* ag_route_windows_fields() without the non-core field mappings. */
void ag_route_windows(struct ag_event *ev)
{
	ag_route_windows_fields(ev, NULL);
}

/*
 * A static string for a known logsource name, else the event's own text
 * (*stat becomes false: the event's routing is not all static).
 */
static const char *intern(const struct ag_kv *kv, bool *stat)
{
	size_t i;
	int j;

	for (i = 0; i < sizeof(channels) / sizeof(channels[0]); i++)
		if (is(kv, channels[i].service))
			return channels[i].service;
	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		for (j = 0; j < 3 && classes[i].cat[j]; j++)
			if (is(kv, classes[i].cat[j]))
				return classes[i].cat[j];
	for (i = 0; i < sizeof(generic_names) / sizeof(generic_names[0]); i++)
		if (is(kv, generic_names[i]))
			return generic_names[i];
	*stat = false;
	return kv->val;
}

const char *ag_route_linux_also(const char *category)
{
	if (!strcmp(category, "ptrace"))
		return "process_access";
	if (!strcmp(category, "module_load"))
		return "driver_load";
	return NULL;
}

/*
 * Windows routing when there is a Channel, else the logsource.* keys,
 * which are marked AG_V_META: they say where the event came from, and a
 * keyword search of the event's values skips them.
 */
void ag_route_generic(struct ag_event *ev)
{
	static const char pfx[] = "logsource.";
	const size_t np = sizeof(pfx) - 1;
	const struct ag_kv *product = NULL, *category = NULL, *service = NULL;
	bool stat = true;
	uint32_t i;

	if (find(ev, AG_FIELD_CHANNEL, "Channel")) {
		ag_route_windows(ev);
		return;
	}
	for (i = 0; i < ev->nkv; i++) {
		struct ag_kv *kv = &ev->kv[i];
		const char *key;
		size_t kn;

		if (kv->name_len <= np || memcmp(kv->name, pfx, np) != 0)
			continue;
		kv->flags |= AG_V_META;
		key = kv->name + np;
		kn = kv->name_len - np;
		/* the first of each */
		if (!product && kn == 7 && !memcmp(key, "product", 7))
			product = kv;
		else if (!category && kn == 8 && !memcmp(key, "category", 8))
			category = kv;
		else if (!service && kn == 7 && !memcmp(key, "service", 7))
			service = kv;
	}
	if (product && product->val_len)
		ev->product = intern(product, &stat);
	if (category && category->val_len) {
		add_category(ev, intern(category, &stat));
		if (ev->product && !strcmp(ev->product, "linux"))
			add_category(ev, ag_route_linux_also(ev->category[ev->ncategory - 1]));
	}
	if (service && service->val_len)
		ev->service = intern(service, &stat);
	ev->ls_static = stat;
}
