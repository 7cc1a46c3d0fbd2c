// SPDX-License-Identifier: Apache-2.0
/*
 * Sigma alerts as ECS NDJSON (alert.h has the key order).
 *
 * Design. One pass writes the line straight into the caller's buffer
 * through jsonw.c; nothing is allocated and nothing is sorted, so the same
 * rule and event always give the same bytes. The event's fields are read
 * through their slots (ag_event_get) for the core taxonomy ids; an event
 * sized for fewer ids (a reader that filled no slots) is searched by name
 * instead, and the few fields outside the taxonomy that alerts use
 * (ParentProcessGuid, SourceHostname, ...) are found in one scan of kv[].
 *
 * Mapping decisions (where ECS leaves a choice):
 *  - event.category/type come from the event's first Sigma category
 *    (cat_maps[] below); unknown categories are host/info.
 *  - event.dataset is "sigmac." + category, else service, else product,
 *    else "generic", folded to [a-z0-9_] (data stream names forbid '-').
 *  - rule.reference is the first reference (ECS has one keyword);
 *    sigma.references lists them all.
 *  - rule.version is Sigma's modified date, else date, "/" written as "-".
 *  - rule.author is Sigma's author split at commas outside parentheses.
 *  - ATT&CK: attack.tNNNN -> threat.technique.id; attack.tNNNN.NNN ->
 *    subtechnique.id plus its technique.id; tactic names -> the 14
 *    enterprise tactics (name, TA id, reference); attack.gNNNN /
 *    attack.sNNNN -> threat.group.id / threat.software.id (the first one).
 *  - host.name is the event's Computer (replayed logs come from another
 *    host), else the agent's; host.os.type is the event's product when it
 *    is an OS name, else the agent's.
 *  - Numbers (pids, ports, exit codes) are written only when the text is a
 *    decimal or 0x-hex integer in range; IPs only when inet_pton accepts
 *    them, so Elasticsearch never rejects a document for a bad value.
 *  - Hashes ("SHA1=..,MD5=..,SHA256=..,IMPHASH=..", or Sysmon 15 "Hash")
 *    go to dll.* for image_load, file.* for file and driver classes, else
 *    process.*; hex is lower-cased, all-zero hashes are dropped, IMPHASH is
 *    pe.imphash (ECS has no hash.imphash).
 *  - sigma.fields holds every field under its original name in reading
 *    order: JSON numbers, booleans and nulls keep their type, everything
 *    else is a string. A name seen twice becomes one key whose value is an
 *    array of all its values (duplicate keys break Elasticsearch), and an
 *    empty name is written as "_".
 *
 * Not here: the JSON encoding (jsonw.c), where lines go (sinks).
 */
#include "alert.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "event.h"
#include "gen_abi.h"
#include "jsonw.h"
#include "taxonomy.h"

/* A byte string view. */
struct sv {
	const char *p;
	size_t n;
};

#define SV(lit) {lit, sizeof(lit) - 1}

/* ---- small string helpers ---- */

static bool sv_eq(struct sv a, const char *b, size_t bn)
{
	return a.n == bn && memcmp(a.p, b, bn) == 0;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* ASCII case-insensitive equality, with '_' equal to '-' when dash is set. */
static bool eq_fold(const char *a, size_t an, const char *b, size_t bn, bool dash)
{
	size_t i;

	if (an != bn)
		return false;
	for (i = 0; i < an; i++) {
		char x = lower(a[i]), y = lower(b[i]);

		if (dash) {
			x = x == '_' ? '-' : x;
			y = y == '_' ? '-' : y;
		}
		if (x != y)
			return false;
	}
	return true;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static bool str_set(const char *s)
{
	return s && *s;
}

/*
 * An unsigned integer in decimal or "0x" hex, the whole text, at most max.
 * Returns false (ret untouched) for anything else.
 */
static bool parse_uint(const char *s, size_t n, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i = 0;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (i = 2; i < n; i++) {
			int d = hexval(s[i]);

			if (d < 0 || v > (max - (uint64_t)d) / 16)
				return false;
			v = v * 16 + (uint64_t)d;
		}
	} else {
		if (!n)
			return false;
		for (i = 0; i < n; i++) {
			if (!is_digit(s[i]) || v > (max - (uint64_t)(s[i] - '0')) / 10)
				return false;
			v = v * 10 + (uint64_t)(s[i] - '0');
		}
	}
	*ret = v;
	return true;
}

/* Index of the last '/' or '\\' in s, or n when there is none. */
static size_t last_sep(const char *s, size_t n)
{
	size_t i = n;

	while (i-- > 0)
		if (s[i] == '/' || s[i] == '\\')
			return i;
	return n;
}

/* ---- event fields ---- */

static const struct sv core_names[AG_FIELD_CORE_MAX] = {
	[AG_FIELD_NONE] = SV(""),
#define AG_FIELD_NAME(suffix, name) [AG_FIELD_##suffix] = SV(name),
	AG_TAXONOMY_FIELDS(AG_FIELD_NAME)
#undef AG_FIELD_NAME
};

/* Fields outside the taxonomy that alerts use, found by name. */
enum extra_field {
	X_PARENTPROCESSGUID,
	X_SOURCEHOSTNAME,
	X_DETAILS,
	X_HASH,
	X_SUBJECTDOMAINNAME,
	_X_MAX,
};

static const struct sv extra_names[_X_MAX] = {
	[X_PARENTPROCESSGUID] = SV("ParentProcessGuid"),
	[X_SOURCEHOSTNAME] = SV("SourceHostname"),
	[X_DETAILS] = SV("Details"),
	[X_HASH] = SV("Hash"),
	[X_SUBJECTDOMAINNAME] = SV("SubjectDomainName"),
};

/* Everything read from the event once per alert. */
struct alert_in {
	const struct ag_event *ev;
	const struct ag_kv *x[_X_MAX]; /* extra fields (last occurrence) */
};

static bool kv_name_eq(const struct ag_kv *kv, struct sv name)
{
	return kv->name_len == name.n && memcmp(kv->name, name.p, name.n) == 0;
}

/*
 * The core field id of ev as a non-empty value, or NULL. Ids the event has
 * no slot for are searched by name (the last occurrence wins, as in slots).
 */
static const struct ag_kv *field(const struct alert_in *in, uint32_t id)
{
	const struct ag_event *ev = in->ev;
	const struct ag_kv *kv = NULL;
	uint32_t i;

	if (id < ev->nslots) {
		kv = ag_event_get(ev, id);
	} else if (id < AG_FIELD_CORE_MAX) {
		for (i = ev->nkv; i-- > 0;) {
			if (kv_name_eq(&ev->kv[i], core_names[id])) {
				kv = &ev->kv[i];
				break;
			}
		}
	}
	return kv && kv->val_len && !(kv->flags & AG_V_NULL) ? kv : NULL;
}

/* The first of two core fields that is present (e.g. Image, NewProcessName). */
static const struct ag_kv *field2(const struct alert_in *in, uint32_t id, uint32_t alt)
{
	const struct ag_kv *kv = field(in, id);

	return kv ? kv : field(in, alt);
}

static const struct ag_kv *extra(const struct alert_in *in, enum extra_field x)
{
	const struct ag_kv *kv = in->x[x];

	return kv && kv->val_len && !(kv->flags & AG_V_NULL) ? kv : NULL;
}

static void find_extras(struct alert_in *in)
{
	const struct ag_event *ev = in->ev;
	uint32_t i;
	int x;

	for (i = 0; i < ev->nkv; i++)
		for (x = 0; x < _X_MAX; x++)
			if (kv_name_eq(&ev->kv[i], extra_names[x]))
				in->x[x] = &ev->kv[i];
}

static void put_kv(struct ag_jsonw *w, const char *key, const struct ag_kv *kv)
{
	if (kv)
		ag_jsonw_str(w, key, kv->val, kv->val_len);
}

/* An integer field as a JSON number; false (nothing written) if it is not one. */
static bool kv_uint(const struct ag_kv *kv, uint64_t max, uint64_t *ret)
{
	return kv && parse_uint(kv->val, kv->val_len, max, ret);
}

static void put_uint_kv(struct ag_jsonw *w, const char *key, const struct ag_kv *kv, uint64_t max)
{
	uint64_t v;

	if (kv_uint(kv, max, &v))
		ag_jsonw_u64(w, key, v);
}

/* ---- event classes ---- */

enum hash_target {
	HT_PROCESS,
	HT_FILE,
	HT_DLL,
};

struct cat_map {
	const char *name;     /* Sigma category */
	const char *ecs_cat;  /* event.category */
	const char *types[2]; /* event.type (NULL-terminated) */
	uint8_t hash_target;  /* where Hashes/OriginalFileName go */
};

static const struct cat_map cat_maps[] = {
	{"process_creation", "process", {"start"}, HT_PROCESS},
	{"process_termination", "process", {"end"}, HT_PROCESS},
	{"process_access", "process", {"access"}, HT_PROCESS},
	{"process_tampering", "process", {"change"}, HT_PROCESS},
	{"create_remote_thread", "process", {"change"}, HT_PROCESS},
	{"network_connection", "network", {"connection", "start"}, HT_PROCESS},
	{"firewall", "network", {"connection"}, HT_PROCESS},
	{"dns_query", "network", {"protocol"}, HT_PROCESS},
	{"dns", "network", {"protocol"}, HT_PROCESS},
	{"file_event", "file", {"creation"}, HT_FILE},
	{"file_delete", "file", {"deletion"}, HT_FILE},
	{"file_rename", "file", {"change"}, HT_FILE},
	{"file_change", "file", {"change"}, HT_FILE},
	{"file_access", "file", {"access"}, HT_FILE},
	{"create_stream_hash", "file", {"creation"}, HT_FILE},
	{"pipe_created", "file", {"creation"}, HT_PROCESS},
	{"raw_access_thread", "file", {"access"}, HT_PROCESS},
	{"image_load", "library", {"start"}, HT_DLL},
	{"driver_load", "driver", {"start"}, HT_FILE},
	{"registry_add", "registry", {"creation"}, HT_PROCESS},
	{"registry_delete", "registry", {"deletion"}, HT_PROCESS},
	{"registry_set", "registry", {"change"}, HT_PROCESS},
	{"registry_rename", "registry", {"change"}, HT_PROCESS},
	{"registry_event", "registry", {"change"}, HT_PROCESS},
	{"ps_script", "process", {"info"}, HT_PROCESS},
	{"ps_module", "process", {"info"}, HT_PROCESS},
	{"ps_classic_start", "process", {"info"}, HT_PROCESS},
	{"ps_classic_provider_start", "process", {"info"}, HT_PROCESS},
	{"ps_classic_script", "process", {"info"}, HT_PROCESS},
	{"antivirus", "malware", {"info"}, HT_FILE},
	{"webserver", "web", {"access"}, HT_PROCESS},
	{"proxy", "web", {"access"}, HT_PROCESS},
};

static const struct cat_map cat_registry = {"registry_", "registry", {"change"}, HT_PROCESS};
static const struct cat_map cat_default = {"", "host", {"info"}, HT_PROCESS};

static const struct cat_map *cat_lookup(const char *cat)
{
	size_t i;

	if (!cat)
		return &cat_default;
	for (i = 0; i < sizeof(cat_maps) / sizeof(cat_maps[0]); i++)
		if (strcmp(cat, cat_maps[i].name) == 0)
			return &cat_maps[i];
	if (strncmp(cat, "registry_", 9) == 0)
		return &cat_registry;
	return &cat_default;
}

/* ---- time ---- */

#define NS_PER_SEC 1000000000ull

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *ret_y, unsigned *ret_m, unsigned *ret_d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*ret_d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	*ret_m = m;
	*ret_y = (int)((int64_t)yoe + era * 400 + (m <= 2));
}

static void put_digits(char *p, unsigned v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* RFC 3339 UTC with milliseconds: "2024-01-02T03:04:05.678Z" (24 bytes + NUL). */
static void fmt_time(char buf[32], uint64_t ns)
{
	uint64_t secs = ns / NS_PER_SEC;
	unsigned sod = (unsigned)(secs % 86400);
	unsigned m, d;
	int y;

	civil_from_days((int64_t)(secs / 86400), &y, &m, &d);
	put_digits(buf, (unsigned)y, 4);
	buf[4] = '-';
	put_digits(buf + 5, m, 2);
	buf[7] = '-';
	put_digits(buf + 8, d, 2);
	buf[10] = 'T';
	put_digits(buf + 11, sod / 3600, 2);
	buf[13] = ':';
	put_digits(buf + 14, sod / 60 % 60, 2);
	buf[16] = ':';
	put_digits(buf + 17, sod % 60, 2);
	buf[19] = '.';
	put_digits(buf + 20, (unsigned)(ns % NS_PER_SEC / 1000000), 3);
	buf[23] = 'Z';
	buf[24] = '\0';
}

static bool num_at(const char *s, size_t n, size_t i, int w, unsigned *ret)
{
	unsigned v = 0;
	int k;

	if (i + (size_t)w > n)
		return false;
	for (k = 0; k < w; k++) {
		if (!is_digit(s[i + (size_t)k]))
			return false;
		v = v * 10 + (unsigned)(s[i + (size_t)k] - '0');
	}
	*ret = v;
	return true;
}

/*
 * Parse "YYYY-MM-DD[T ]hh:mm:ss[.frac][Z|+hh:mm|-hh:mm]" (no zone: UTC),
 * the forms of Sysmon's UtcTime and of TimeCreated. A value holding an
 * object ({"SystemTime": "..."}) is searched for its SystemTime. Returns
 * false for anything else or a time before 1970.
 */
static bool parse_time(const char *s, size_t n, uint64_t *ret_ns)
{
	static const unsigned char mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	unsigned y, mo, d, h, mi, sec, oh = 0, om = 0;
	uint64_t frac = 0, scale = 100000000;
	int64_t days, t;
	size_t i = 0;
	const char *st;

	if (n && s[0] == '{') {
		st = memmem(s, n, "SystemTime", 10);
		if (!st)
			return false;
		i = (size_t)(st - s) + 10;
		while (i < n && !is_digit(s[i]))
			i++;
		s += i;
		n -= i;
		i = 0;
	}
	if (!num_at(s, n, 0, 4, &y) || n < 19 || s[4] != '-' || !num_at(s, n, 5, 2, &mo) ||
	    s[7] != '-' || !num_at(s, n, 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') ||
	    !num_at(s, n, 11, 2, &h) || s[13] != ':' || !num_at(s, n, 14, 2, &mi) ||
	    s[16] != ':' || !num_at(s, n, 17, 2, &sec))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 60)
		return false;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return false;
	i = 19;
	if (i < n && (s[i] == '.' || s[i] == ',')) {
		size_t f = ++i;

		while (i < n && is_digit(s[i])) {
			frac += (uint64_t)(s[i] - '0') * scale;
			scale /= 10;
			i++;
		}
		if (i == f)
			return false;
	}
	t = 0;
	if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < n && (s[i] == '+' || s[i] == '-')) {
		int sign = s[i] == '-' ? -1 : 1;

		i++;
		if (!num_at(s, n, i, 2, &oh))
			return false;
		i += 2;
		if (i < n && s[i] == ':')
			i++;
		if (i < n && num_at(s, n, i, 2, &om))
			i += 2;
		if (oh > 23 || om > 59)
			return false;
		t = -(int64_t)sign * (int64_t)(oh * 3600 + om * 60);
	}
	/* Trailing text is allowed only in the object form ("...", ...}). */
	if (i < n && s[i] != '"')
		return false;
	days = days_from_civil(y, mo, d);
	t += days * 86400 + (int64_t)(h * 3600 + mi * 60 + sec);
	if (t < 0)
		return false;
	*ret_ns = (uint64_t)t * NS_PER_SEC + frac;
	return true;
}

/* ---- ATT&CK ---- */

static const struct {
	const char *slug; /* Sigma tag after "attack." */
	const char *name;
	const char *id;
} tactics[] = {
	{"reconnaissance", "Reconnaissance", "TA0043"},
	{"resource-development", "Resource Development", "TA0042"},
	{"initial-access", "Initial Access", "TA0001"},
	{"execution", "Execution", "TA0002"},
	{"persistence", "Persistence", "TA0003"},
	{"privilege-escalation", "Privilege Escalation", "TA0004"},
	{"defense-evasion", "Defense Evasion", "TA0005"},
	{"credential-access", "Credential Access", "TA0006"},
	{"discovery", "Discovery", "TA0007"},
	{"lateral-movement", "Lateral Movement", "TA0008"},
	{"collection", "Collection", "TA0009"},
	{"command-and-control", "Command and Control", "TA0011"},
	{"exfiltration", "Exfiltration", "TA0010"},
	{"impact", "Impact", "TA0040"},
};

#define NTACTICS (sizeof(tactics) / sizeof(tactics[0]))

/* Techniques kept per alert; more stay in tags only. */
#define MAX_TECH 32

struct attack {
	uint8_t tactic[NTACTICS]; /* indices into tactics[], in tag order */
	uint8_t ntactic;
	char tech[MAX_TECH][6]; /* "T1059" */
	uint8_t ntech;
	char sub[MAX_TECH][10]; /* "T1059.001" */
	uint8_t nsub;
	char group[6];	  /* "G0032" or "" */
	char software[6]; /* "S0002" or "" */
};

/* "x" + 4 digits, optionally ".ddd" when sub is set; the id upper-cased into out. */
static bool attack_id(const char *t, size_t n, char x, bool sub, char *out)
{
	size_t i;

	if ((n != 5 && !(sub && n == 9)) || lower(t[0]) != x)
		return false;
	for (i = 1; i < n; i++)
		if (!(i == 5 ? t[i] == '.' : is_digit(t[i])))
			return false;
	out[0] = (char)(x - 32);
	memcpy(out + 1, t + 1, n - 1);
	out[n] = '\0';
	return true;
}

static void add_id(char (*list)[10], uint8_t *nlist, const char *id)
{
	uint8_t i;

	for (i = 0; i < *nlist; i++)
		if (strcmp(list[i], id) == 0)
			return;
	if (*nlist < MAX_TECH)
		strcpy(list[(*nlist)++], id);
}

static void add_tech(struct attack *a, const char *id)
{
	uint8_t i;

	for (i = 0; i < a->ntech; i++)
		if (strcmp(a->tech[i], id) == 0)
			return;
	if (a->ntech < MAX_TECH)
		strcpy(a->tech[a->ntech++], id);
}

static void parse_attack(const struct sgr_rule *r, struct attack *a)
{
	uint16_t i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < r->ntags; i++) {
		const char *tag = r->tags[i];
		char id[10];
		size_t n, k;

		if (!tag || !eq_fold(tag, strlen(tag) < 7 ? 0 : 7, "attack.", 7, false))
			continue;
		tag += 7;
		n = strlen(tag);
		if (attack_id(tag, n, 't', true, id)) {
			if (n == 9) {
				add_id(a->sub, &a->nsub, id);
				id[5] = '\0';
			}
			add_tech(a, id);
		} else if (attack_id(tag, n, 'g', false, id)) {
			if (!a->group[0])
				memcpy(a->group, id, 6);
		} else if (attack_id(tag, n, 's', false, id)) {
			if (!a->software[0])
				memcpy(a->software, id, 6);
		} else {
			for (k = 0; k < NTACTICS; k++) {
				if (eq_fold(tag, n, tactics[k].slug, strlen(tactics[k].slug), true)) {
					if (!memchr(a->tactic, (int)k + 1, a->ntactic))
						a->tactic[a->ntactic++] = (uint8_t)(k + 1);
					break;
				}
			}
		}
	}
}

static void put_attack(struct ag_jsonw *w, const struct attack *a)
{
	uint8_t i;

	if (!a->ntactic && !a->ntech && !a->group[0] && !a->software[0])
		return;
	ag_jsonw_obj_begin(w, "threat");
	ag_jsonw_cstr(w, "framework", "MITRE ATT&CK");
	if (a->ntactic) {
		ag_jsonw_obj_begin(w, "tactic");
		ag_jsonw_arr_begin(w, "id");
		for (i = 0; i < a->ntactic; i++)
			ag_jsonw_cstr(w, NULL, tactics[a->tactic[i] - 1].id);
		ag_jsonw_arr_end(w);
		ag_jsonw_arr_begin(w, "name");
		for (i = 0; i < a->ntactic; i++)
			ag_jsonw_cstr(w, NULL, tactics[a->tactic[i] - 1].name);
		ag_jsonw_arr_end(w);
		ag_jsonw_arr_begin(w, "reference");
		for (i = 0; i < a->ntactic; i++) {
			ag_jsonw_str_begin(w, NULL);
			ag_jsonw_str_append(w, "https://attack.mitre.org/tactics/", 33);
			ag_jsonw_str_append(w, tactics[a->tactic[i] - 1].id, 6);
			ag_jsonw_str_append(w, "/", 1);
			ag_jsonw_str_end(w);
		}
		ag_jsonw_arr_end(w);
		ag_jsonw_obj_end(w);
	}
	if (a->ntech) {
		ag_jsonw_obj_begin(w, "technique");
		ag_jsonw_arr_begin(w, "id");
		for (i = 0; i < a->ntech; i++)
			ag_jsonw_cstr(w, NULL, a->tech[i]);
		ag_jsonw_arr_end(w);
		ag_jsonw_arr_begin(w, "reference");
		for (i = 0; i < a->ntech; i++) {
			ag_jsonw_str_begin(w, NULL);
			ag_jsonw_str_append(w, "https://attack.mitre.org/techniques/", 36);
			ag_jsonw_str_append(w, a->tech[i], 5);
			ag_jsonw_str_append(w, "/", 1);
			ag_jsonw_str_end(w);
		}
		ag_jsonw_arr_end(w);
		if (a->nsub) {
			ag_jsonw_obj_begin(w, "subtechnique");
			ag_jsonw_arr_begin(w, "id");
			for (i = 0; i < a->nsub; i++)
				ag_jsonw_cstr(w, NULL, a->sub[i]);
			ag_jsonw_arr_end(w);
			ag_jsonw_arr_begin(w, "reference");
			for (i = 0; i < a->nsub; i++) {
				ag_jsonw_str_begin(w, NULL);
				ag_jsonw_str_append(w, "https://attack.mitre.org/techniques/", 36);
				ag_jsonw_str_append(w, a->sub[i], 5);
				ag_jsonw_str_append(w, "/", 1);
				ag_jsonw_str_append(w, a->sub[i] + 6, 3);
				ag_jsonw_str_append(w, "/", 1);
				ag_jsonw_str_end(w);
			}
			ag_jsonw_arr_end(w);
			ag_jsonw_obj_end(w);
		}
		ag_jsonw_obj_end(w);
	}
	if (a->group[0]) {
		ag_jsonw_obj_begin(w, "group");
		ag_jsonw_cstr(w, "id", a->group);
		ag_jsonw_obj_end(w);
	}
	if (a->software[0]) {
		ag_jsonw_obj_begin(w, "software");
		ag_jsonw_cstr(w, "id", a->software);
		ag_jsonw_obj_end(w);
	}
	ag_jsonw_obj_end(w);
}

/* ---- hashes ---- */

struct hashes {
	struct sv md5, sha1, sha256, imphash;
};

static bool hex_hash(const char *s, size_t n, size_t want)
{
	bool nonzero = false;
	size_t i;

	if (n != want)
		return false;
	for (i = 0; i < n; i++) {
		if (hexval(s[i]) < 0)
			return false;
		nonzero |= s[i] != '0';
	}
	return nonzero;
}

/*
 * Sysmon's "SHA1=..,MD5=..,SHA256=..,IMPHASH=.." (any order and case,
 * unknown algorithms ignored); a bare hex string is told by its length.
 */
static void parse_hashes(const char *s, size_t n, struct hashes *h)
{
	size_t i = 0;

	while (i < n) {
		size_t end = i, eqp;
		struct sv alg, val;

		while (end < n && s[end] != ',')
			end++;
		while (i < end && s[i] == ' ')
			i++;
		eqp = i;
		while (eqp < end && s[eqp] != '=')
			eqp++;
		if (eqp < end) {
			alg = (struct sv){s + i, eqp - i};
			val = (struct sv){s + eqp + 1, end - eqp - 1};
		} else {
			alg = (struct sv){NULL, 0};
			val = (struct sv){s + i, end - i};
		}
		while (val.n && val.p[val.n - 1] == ' ')
			val.n--;
		if (alg.p ? eq_fold(alg.p, alg.n, "md5", 3, false) : val.n == 32) {
			if (hex_hash(val.p, val.n, 32))
				h->md5 = val;
		} else if (alg.p ? eq_fold(alg.p, alg.n, "sha1", 4, false) : val.n == 40) {
			if (hex_hash(val.p, val.n, 40))
				h->sha1 = val;
		} else if (alg.p ? eq_fold(alg.p, alg.n, "sha256", 6, false) : val.n == 64) {
			if (hex_hash(val.p, val.n, 64))
				h->sha256 = val;
		} else if (alg.p && eq_fold(alg.p, alg.n, "imphash", 7, false)) {
			if (hex_hash(val.p, val.n, 32))
				h->imphash = val;
		}
		i = end + 1;
	}
}

static void put_hex_lower(struct ag_jsonw *w, const char *key, struct sv v)
{
	char buf[64];
	size_t i;

	for (i = 0; i < v.n && i < sizeof(buf); i++)
		buf[i] = lower(v.p[i]);
	ag_jsonw_str(w, key, buf, i);
}

/* hash.* and pe.* of the object that the class gives the hashes to. */
static void put_hash_pe(struct ag_jsonw *w, const struct hashes *h, const struct ag_kv *ofn)
{
	if (h->md5.n || h->sha1.n || h->sha256.n) {
		ag_jsonw_obj_begin(w, "hash");
		if (h->md5.n)
			put_hex_lower(w, "md5", h->md5);
		if (h->sha1.n)
			put_hex_lower(w, "sha1", h->sha1);
		if (h->sha256.n)
			put_hex_lower(w, "sha256", h->sha256);
		ag_jsonw_obj_end(w);
	}
	if (h->imphash.n || ofn) {
		ag_jsonw_obj_begin(w, "pe");
		if (h->imphash.n)
			put_hex_lower(w, "imphash", h->imphash);
		put_kv(w, "original_file_name", ofn);
		ag_jsonw_obj_end(w);
	}
}

static bool have_hash_pe(const struct hashes *h, const struct ag_kv *ofn)
{
	return h->md5.n || h->sha1.n || h->sha256.n || h->imphash.n || ofn;
}

/* ---- paths ---- */

static void put_basename(struct ag_jsonw *w, const char *key, const struct ag_kv *kv)
{
	size_t sep;

	if (!kv)
		return;
	sep = last_sep(kv->val, kv->val_len);
	sep = sep == kv->val_len ? 0 : sep + 1;
	if (sep < kv->val_len)
		ag_jsonw_str(w, key, kv->val + sep, kv->val_len - sep);
}

/* file.path, name, directory and extension of a path field (set). */
static void put_path_parts(struct ag_jsonw *w, const struct ag_kv *path)
{
	size_t n = path->val_len, sep, base, dot;
	const char *p = path->val;

	ag_jsonw_str(w, "path", p, n);
	put_basename(w, "name", path);
	sep = last_sep(p, n);
	base = sep == n ? 0 : sep + 1;
	if (sep == 0)
		ag_jsonw_str(w, "directory", p, 1); /* "/x" is in "/" */
	else if (sep == 2 && p[1] == ':')
		ag_jsonw_str(w, "directory", p, 3); /* "C:\x" is in "C:\" */
	else if (sep != n)
		ag_jsonw_str(w, "directory", p, sep);
	for (dot = n; dot > base; dot--)
		if (p[dot - 1] == '.')
			break;
	/* Not for ".bashrc" or "name.": the dot must follow a name and precede text. */
	if (dot > base + 1 && dot < n)
		ag_jsonw_str(w, "extension", p + dot, n - dot);
}

/* ---- the sections of an alert ---- */

static bool os_type_valid(const char *s)
{
	static const char *const os[] = {"windows", "linux", "macos", "unix", "ios", "android"};
	size_t i;

	for (i = 0; s && i < sizeof(os) / sizeof(os[0]); i++)
		if (strcmp(s, os[i]) == 0)
			return true;
	return false;
}

/* "sigmac." + name folded to [a-z0-9_], at most 64 bytes of name. */
static void put_dataset(struct ag_jsonw *w, const struct ag_event *ev)
{
	const char *src = NULL;
	char buf[7 + 64];
	size_t i, n = 7;

	if (ev->ncategory && str_set(ev->category[0]))
		src = ev->category[0];
	else if (str_set(ev->service))
		src = ev->service;
	else if (str_set(ev->product))
		src = ev->product;
	else
		src = "generic";
	memcpy(buf, "sigmac.", 7);
	for (i = 0; src[i] && n < sizeof(buf); i++) {
		char c = lower(src[i]);

		buf[n++] = (c >= 'a' && c <= 'z') || is_digit(c) ? c : '_';
	}
	ag_jsonw_str(w, "dataset", buf, n);
}

static void put_event(struct ag_jsonw *w, const struct alert_in *in, const struct sgr_rule *r,
		      const struct cat_map *cm, uint64_t now_ns)
{
	const struct ag_event *ev = in->ev;
	char ts[32];
	int i;

	ag_jsonw_obj_begin(w, "event");
	ag_jsonw_cstr(w, "kind", "alert");
	ag_jsonw_arr_begin(w, "category");
	ag_jsonw_cstr(w, NULL, cm->ecs_cat);
	ag_jsonw_arr_end(w);
	ag_jsonw_arr_begin(w, "type");
	for (i = 0; i < 2 && cm->types[i]; i++)
		ag_jsonw_cstr(w, NULL, cm->types[i]);
	ag_jsonw_arr_end(w);
	put_kv(w, "code", field(in, AG_FIELD_EVENTID));
	put_kv(w, "provider", field(in, AG_FIELD_PROVIDER_NAME));
	ag_jsonw_cstr(w, "module", "sigmac");
	put_dataset(w, ev);
	ag_jsonw_u64(w, "severity", r->severity);
	fmt_time(ts, now_ns);
	ag_jsonw_str(w, "created", ts, 24);
	if (ev->seq)
		ag_jsonw_u64(w, "sequence", ev->seq);
	if (ev->raw && ev->raw_len)
		ag_jsonw_str(w, "original", ev->raw, ev->raw_len);
	ag_jsonw_obj_end(w);
}

/* Sigma's author string, split at commas outside parentheses and trimmed. */
static void put_authors(struct ag_jsonw *w, const char *a)
{
	size_t i, start = 0, n = strlen(a);
	int depth = 0;

	ag_jsonw_arr_begin(w, "author");
	for (i = 0; i <= n; i++) {
		size_t b = start, e = i;

		if (i < n) {
			if (a[i] == '(')
				depth++;
			else if (a[i] == ')' && depth)
				depth--;
			if (a[i] != ',' || depth)
				continue;
		}
		while (b < e && (a[b] == ' ' || a[b] == '\t' || a[b] == '\n'))
			b++;
		while (e > b && (a[e - 1] == ' ' || a[e - 1] == '\t' || a[e - 1] == '\n'))
			e--;
		if (e > b)
			ag_jsonw_str(w, NULL, a + b, e - b);
		start = i + 1;
	}
	ag_jsonw_arr_end(w);
}

static void put_rule(struct ag_jsonw *w, const struct ag_alert_ctx *ac, const struct sgr_rule *r)
{
	const char *ver = str_set(r->modified) ? r->modified : r->date;

	ag_jsonw_obj_begin(w, "rule");
	ag_jsonw_str_begin(w, "id");
	ag_jsonw_str_append(w, "sigma::", 7);
	if (str_set(r->id))
		ag_jsonw_str_append(w, r->id, strlen(r->id));
	else if (str_set(r->file))
		ag_jsonw_str_append(w, r->file, strlen(r->file));
	else
		ag_jsonw_str_append(w, "unknown", 7);
	ag_jsonw_str_end(w);
	if (str_set(r->title))
		ag_jsonw_cstr(w, "name", r->title);
	if (str_set(r->description))
		ag_jsonw_cstr(w, "description", r->description);
	if (r->nreferences && str_set(r->references[0]))
		ag_jsonw_cstr(w, "reference", r->references[0]);
	if (ac && str_set(ac->ruleset_digest))
		ag_jsonw_cstr(w, "ruleset", ac->ruleset_digest);
	if (str_set(r->author))
		put_authors(w, r->author);
	if (str_set(ver)) {
		char buf[10];
		size_t i;

		/* Older rules write dates as 2020/01/31. */
		if (strlen(ver) == 10 && ver[4] == '/' && ver[7] == '/') {
			for (i = 0; i < 10; i++)
				buf[i] = ver[i] == '/' ? '-' : ver[i];
			ag_jsonw_str(w, "version", buf, 10);
		} else {
			ag_jsonw_cstr(w, "version", ver);
		}
	}
	ag_jsonw_obj_end(w);
}

static void put_host_agent(struct ag_jsonw *w, const struct alert_in *in,
			   const struct ag_alert_ctx *ac)
{
	const struct ag_kv *computer = field(in, AG_FIELD_COMPUTER);
	const char *os = NULL;

	if (os_type_valid(in->ev->product))
		os = in->ev->product;
	else if (ac && str_set(ac->os_type))
		os = ac->os_type;
	if (computer || (ac && str_set(ac->host_name)) || os) {
		ag_jsonw_obj_begin(w, "host");
		if (computer)
			put_kv(w, "name", computer);
		else if (ac && str_set(ac->host_name))
			ag_jsonw_cstr(w, "name", ac->host_name);
		if (os) {
			ag_jsonw_obj_begin(w, "os");
			ag_jsonw_cstr(w, "type", os);
			ag_jsonw_obj_end(w);
		}
		ag_jsonw_obj_end(w);
	}
	ag_jsonw_obj_begin(w, "agent");
	ag_jsonw_cstr(w, "type", "sigmac-agent");
	if (ac && str_set(ac->agent_version))
		ag_jsonw_cstr(w, "version", ac->agent_version);
	ag_jsonw_obj_end(w);
}

#define PID_MAX ((uint64_t)INT64_MAX)

static void put_process(struct ag_jsonw *w, const struct alert_in *in, const struct cat_map *cm,
			const struct hashes *h)
{
	const struct ag_kv *pid = field(in, AG_FIELD_PROCESSID);
	const struct ag_kv *guid = field(in, AG_FIELD_PROCESSGUID);
	const struct ag_kv *exe = field2(in, AG_FIELD_IMAGE, AG_FIELD_NEWPROCESSNAME);
	const struct ag_kv *cmd = field(in, AG_FIELD_COMMANDLINE);
	const struct ag_kv *cwd = field(in, AG_FIELD_CURRENTDIRECTORY);
	const struct ag_kv *code = field(in, AG_FIELD_EXITCODE);
	const struct ag_kv *ppid = field(in, AG_FIELD_PARENTPROCESSID);
	const struct ag_kv *pguid = extra(in, X_PARENTPROCESSGUID);
	const struct ag_kv *pexe = field2(in, AG_FIELD_PARENTIMAGE, AG_FIELD_PARENTPROCESSNAME);
	const struct ag_kv *pcmd = field(in, AG_FIELD_PARENTCOMMANDLINE);
	const struct ag_kv *ofn = field(in, AG_FIELD_ORIGINALFILENAME);
	bool hp = cm->hash_target == HT_PROCESS && have_hash_pe(h, ofn);
	uint64_t v;
	bool parent;

	if (!kv_uint(pid, PID_MAX, &v))
		pid = NULL;
	if (!kv_uint(ppid, PID_MAX, &v))
		ppid = NULL;
	if (!kv_uint(code, UINT32_MAX, &v))
		code = NULL;
	parent = ppid || pguid || pexe || pcmd;
	if (!pid && !guid && !exe && !cmd && !cwd && !code && !hp && !parent)
		return;
	ag_jsonw_obj_begin(w, "process");
	put_uint_kv(w, "pid", pid, PID_MAX);
	put_kv(w, "entity_id", guid);
	put_kv(w, "executable", exe);
	put_basename(w, "name", exe);
	put_kv(w, "command_line", cmd);
	put_kv(w, "working_directory", cwd);
	put_uint_kv(w, "exit_code", code, UINT32_MAX);
	if (hp)
		put_hash_pe(w, h, ofn);
	if (parent) {
		ag_jsonw_obj_begin(w, "parent");
		put_uint_kv(w, "pid", ppid, PID_MAX);
		put_kv(w, "entity_id", pguid);
		put_kv(w, "executable", pexe);
		put_basename(w, "name", pexe);
		put_kv(w, "command_line", pcmd);
		ag_jsonw_obj_end(w);
	}
	ag_jsonw_obj_end(w);
}

/* user.name and user.domain from "DOMAIN\user" (exactly one backslash). */
static void put_user(struct ag_jsonw *w, const struct alert_in *in)
{
	const struct ag_kv *u = field(in, AG_FIELD_USER);
	const struct ag_kv *dom = NULL;
	const char *bs, *bs2 = NULL;

	if (!u) {
		u = field(in, AG_FIELD_SUBJECTUSERNAME);
		dom = extra(in, X_SUBJECTDOMAINNAME);
	}
	if (!u)
		return;
	ag_jsonw_obj_begin(w, "user");
	bs = memchr(u->val, '\\', u->val_len);
	if (bs)
		bs2 = memchr(bs + 1, '\\', u->val_len - (size_t)(bs + 1 - u->val));
	if (bs && !bs2 && bs > u->val && bs + 1 < u->val + u->val_len) {
		ag_jsonw_str(w, "name", bs + 1, u->val_len - (size_t)(bs + 1 - u->val));
		ag_jsonw_str(w, "domain", u->val, (size_t)(bs - u->val));
	} else {
		put_kv(w, "name", u);
		put_kv(w, "domain", dom);
	}
	ag_jsonw_obj_end(w);
}

static void put_files(struct ag_jsonw *w, const struct alert_in *in, const struct cat_map *cm,
		      const struct hashes *h)
{
	const struct ag_kv *ofn = field(in, AG_FIELD_ORIGINALFILENAME);
	const struct ag_kv *target = field(in, AG_FIELD_TARGETFILENAME);
	const struct ag_kv *loaded = field(in, AG_FIELD_IMAGELOADED);
	const struct ag_kv *fpath = target;
	bool fh = cm->hash_target == HT_FILE && have_hash_pe(h, ofn);
	bool dh = cm->hash_target == HT_DLL && have_hash_pe(h, ofn);

	/* A loaded image is a dll, except for drivers, which are files. */
	if (!fpath && loaded && cm->hash_target != HT_DLL)
		fpath = loaded;
	if (fpath || fh) {
		ag_jsonw_obj_begin(w, "file");
		if (fpath)
			put_path_parts(w, fpath);
		if (fh)
			put_hash_pe(w, h, ofn);
		ag_jsonw_obj_end(w);
	}
	if ((loaded && cm->hash_target == HT_DLL) || dh) {
		ag_jsonw_obj_begin(w, "dll");
		if (loaded && cm->hash_target == HT_DLL) {
			put_kv(w, "path", loaded);
			put_basename(w, "name", loaded);
		}
		if (dh)
			put_hash_pe(w, h, ofn);
		ag_jsonw_obj_end(w);
	}
}

/* An IP address field that inet_pton accepts: 4 or 6, else 0. */
static int ip_family(const struct ag_kv *kv)
{
	unsigned char addr[16];
	char buf[64];

	if (!kv || kv->val_len >= sizeof(buf))
		return 0;
	memcpy(buf, kv->val, kv->val_len);
	buf[kv->val_len] = '\0';
	if (inet_pton(AF_INET, buf, addr) == 1)
		return 4;
	if (inet_pton(AF_INET6, buf, addr) == 1)
		return 6;
	return 0;
}

static void put_endpoint(struct ag_jsonw *w, const char *key, const struct ag_kv *ip,
			 const struct ag_kv *port, const struct ag_kv *domain)
{
	uint64_t v;

	if (!ip_family(ip))
		ip = NULL;
	if (!kv_uint(port, 65535, &v))
		port = NULL;
	if (!ip && !port && !domain)
		return;
	ag_jsonw_obj_begin(w, key);
	put_kv(w, "ip", ip);
	put_uint_kv(w, "port", port, 65535);
	put_kv(w, "domain", domain);
	ag_jsonw_obj_end(w);
}

static void put_network(struct ag_jsonw *w, const struct alert_in *in)
{
	const struct ag_kv *dip = field(in, AG_FIELD_DESTINATIONIP);
	const struct ag_kv *sip = field(in, AG_FIELD_SOURCEIP);
	const struct ag_kv *proto = field(in, AG_FIELD_PROTOCOL);
	const struct ag_kv *init = field(in, AG_FIELD_INITIATED);
	const struct ag_kv *qname = field(in, AG_FIELD_QUERYNAME);
	const char *dir = NULL, *type = NULL;
	char tbuf[16];
	size_t i, tn = 0;
	int fam;

	put_endpoint(w, "source", sip, field(in, AG_FIELD_SOURCEPORT), extra(in, X_SOURCEHOSTNAME));
	put_endpoint(w, "destination", dip, field(in, AG_FIELD_DESTINATIONPORT),
		     field(in, AG_FIELD_DESTINATIONHOSTNAME));
	/* network.transport: a short protocol name, lower case ("tcp", "ipv6-icmp"). */
	if (proto && proto->val_len <= sizeof(tbuf)) {
		for (i = 0; i < proto->val_len; i++) {
			char c = lower(proto->val[i]);

			if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '-'))
				break;
			tbuf[i] = c;
		}
		if (i == proto->val_len)
			tn = i;
	}
	fam = ip_family(dip);
	if (!fam)
		fam = ip_family(sip);
	if (fam)
		type = fam == 4 ? "ipv4" : "ipv6";
	if (init && eq_fold(init->val, init->val_len, "true", 4, false))
		dir = "egress";
	else if (init && eq_fold(init->val, init->val_len, "false", 5, false))
		dir = "ingress";
	if (tn || type || dir) {
		ag_jsonw_obj_begin(w, "network");
		if (tn)
			ag_jsonw_str(w, "transport", tbuf, tn);
		if (type)
			ag_jsonw_cstr(w, "type", type);
		if (dir)
			ag_jsonw_cstr(w, "direction", dir);
		ag_jsonw_obj_end(w);
	}
	if (qname) {
		ag_jsonw_obj_begin(w, "dns");
		ag_jsonw_obj_begin(w, "question");
		put_kv(w, "name", qname);
		ag_jsonw_obj_end(w);
		ag_jsonw_obj_end(w);
	}
}

static const struct {
	struct sv prefix; /* first path component, case-insensitive */
	const char *hive;
} hives[] = {
	{SV("HKLM"), "HKLM"},
	{SV("HKEY_LOCAL_MACHINE"), "HKLM"},
	{SV("HKU"), "HKU"},
	{SV("HKEY_USERS"), "HKU"},
	{SV("HKCU"), "HKCU"},
	{SV("HKEY_CURRENT_USER"), "HKCU"},
	{SV("HKCR"), "HKCR"},
	{SV("HKEY_CLASSES_ROOT"), "HKCR"},
	{SV("HKCC"), "HKCC"},
	{SV("HKEY_CURRENT_CONFIG"), "HKCC"},
	{SV("\\REGISTRY\\MACHINE"), "HKLM"},
	{SV("\\REGISTRY\\USER"), "HKU"},
};

/*
 * registry.hive, path, key (without the hive), value and data.strings. Only
 * value events (registry_set) name a value: their last path component.
 */
static void put_registry(struct ag_jsonw *w, const struct alert_in *in)
{
	const struct ag_kv *obj = field(in, AG_FIELD_TARGETOBJECT);
	const struct ag_kv *details = extra(in, X_DETAILS);
	bool value_ev = in->ev->ncategory && in->ev->category[0] &&
			strcmp(in->ev->category[0], "registry_set") == 0;
	const char *hive = NULL, *p;
	size_t i, n, key = 0, sep;

	if (!obj)
		return;
	p = obj->val;
	n = obj->val_len;
	for (i = 0; i < sizeof(hives) / sizeof(hives[0]); i++) {
		size_t hn = hives[i].prefix.n;

		if (n >= hn && eq_fold(p, hn, hives[i].prefix.p, hn, false) &&
		    (n == hn || p[hn] == '\\')) {
			hive = hives[i].hive;
			key = n == hn ? n : hn + 1;
			break;
		}
	}
	ag_jsonw_obj_begin(w, "registry");
	if (hive)
		ag_jsonw_cstr(w, "hive", hive);
	ag_jsonw_str(w, "path", p, n);
	sep = value_ev ? last_sep(p, n) : n;
	if (hive && sep > key && sep != n)
		ag_jsonw_str(w, "key", p + key, sep - key);
	else if (hive && !value_ev && key < n)
		ag_jsonw_str(w, "key", p + key, n - key);
	if (value_ev && sep != n && sep + 1 < n)
		ag_jsonw_str(w, "value", p + sep + 1, n - sep - 1);
	if (value_ev && details) {
		ag_jsonw_obj_begin(w, "data");
		ag_jsonw_arr_begin(w, "strings");
		put_kv(w, NULL, details);
		ag_jsonw_arr_end(w);
		ag_jsonw_obj_end(w);
	}
	ag_jsonw_obj_end(w);
}

/* One field value in sigma.fields: JSON scalars keep their type. */
static void put_value(struct ag_jsonw *w, const struct ag_kv *kv)
{
	if (kv->flags & AG_V_NULL)
		ag_jsonw_null(w, NULL);
	else if ((kv->flags & AG_V_BOOL) && (sv_eq((struct sv){kv->val, kv->val_len}, "true", 4) ||
					     sv_eq((struct sv){kv->val, kv->val_len}, "false", 5)))
		ag_jsonw_raw(w, NULL, kv->val, kv->val_len);
	else if ((kv->flags & AG_V_NUMBER) && ag_json_number_valid(kv->val, kv->val_len))
		ag_jsonw_raw(w, NULL, kv->val, kv->val_len);
	else
		ag_jsonw_str(w, NULL, kv->val, kv->val_len);
}

#define FT_SIZE (2 * AG_MAX_EVENT_FIELDS)

static struct sv kv_key(const struct ag_kv *kv)
{
	if (!kv->name_len)
		return (struct sv)SV("_");
	return (struct sv){kv->name, kv->name_len};
}

/*
 * sigma.fields: every field in reading order; a repeated name is written
 * once, at its first position, with an array of its values. Duplicates are
 * linked through next[] with an open-addressing table of first positions.
 */
static void put_fields(struct ag_jsonw *w, const struct ag_event *ev)
{
	uint16_t table[FT_SIZE]; /* first kv index + 1 of a name, 0 = empty */
	uint16_t next[AG_MAX_EVENT_FIELDS]; /* next kv index + 1 with the same name */
	uint16_t last[AG_MAX_EVENT_FIELDS]; /* (first occurrences) last index + 1 in the chain */
	bool dup[AG_MAX_EVENT_FIELDS];	    /* not a first occurrence */
	uint32_t i, nkv = ev->nkv < AG_MAX_EVENT_FIELDS ? ev->nkv : AG_MAX_EVENT_FIELDS;
	bool any_dup = false;

	memset(table, 0, sizeof(table));
	for (i = 0; i < nkv; i++) {
		struct sv k = kv_key(&ev->kv[i]);
		uint32_t h = 2166136261u;
		size_t j;

		for (j = 0; j < k.n; j++)
			h = (h ^ (unsigned char)k.p[j]) * 16777619u;
		h %= FT_SIZE;
		next[i] = 0;
		dup[i] = false;
		while (table[h]) {
			uint32_t f = table[h] - 1u;
			struct sv fk = kv_key(&ev->kv[f]);

			if (fk.n == k.n && memcmp(fk.p, k.p, k.n) == 0) {
				next[last[f] - 1] = (uint16_t)(i + 1);
				last[f] = (uint16_t)(i + 1);
				dup[i] = true;
				any_dup = true;
				break;
			}
			h = (h + 1) % FT_SIZE;
		}
		if (!dup[i]) {
			table[h] = (uint16_t)(i + 1);
			last[i] = (uint16_t)(i + 1);
		}
	}
	ag_jsonw_obj_begin(w, "fields");
	for (i = 0; i < nkv; i++) {
		const struct ag_kv *kv = &ev->kv[i];
		struct sv k;

		if (any_dup && dup[i])
			continue;
		k = kv_key(kv);
		ag_jsonw_key(w, k.p, k.n);
		if (!next[i]) {
			put_value(w, kv);
			continue;
		}
		ag_jsonw_arr_begin(w, NULL);
		for (uint32_t j = i + 1; j; j = next[j - 1])
			put_value(w, &ev->kv[j - 1]);
		ag_jsonw_arr_end(w);
	}
	ag_jsonw_obj_end(w);
}

static void put_sigma(struct ag_jsonw *w, const struct sgr_rule *r, const struct ag_event *ev)
{
	uint16_t i;

	ag_jsonw_obj_begin(w, "sigma");
	if (str_set(r->level))
		ag_jsonw_cstr(w, "level", r->level);
	if (str_set(r->status))
		ag_jsonw_cstr(w, "status", r->status);
	if (r->nreferences) {
		ag_jsonw_arr_begin(w, "references");
		for (i = 0; i < r->nreferences; i++)
			if (str_set(r->references[i]))
				ag_jsonw_cstr(w, NULL, r->references[i]);
		ag_jsonw_arr_end(w);
	}
	if (ev->dropped)
		ag_jsonw_u64(w, "dropped_fields", ev->dropped);
	put_fields(w, ev);
	ag_jsonw_obj_end(w);
}

/* @timestamp: the event's time, else its UtcTime or TimeCreated, else now. */
static uint64_t event_time(const struct alert_in *in, uint64_t now_ns)
{
	static const uint32_t ids[] = {AG_FIELD_UTCTIME, AG_FIELD_TIMECREATED};
	uint64_t t;
	size_t i;

	if (in->ev->ts_ns)
		return in->ev->ts_ns;
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		const struct ag_kv *kv = field(in, ids[i]);

		if (kv && parse_time(kv->val, kv->val_len, &t))
			return t;
	}
	return now_ns;
}

int ag_alert_sigma(struct ag_jsonw *out, const struct ag_alert_ctx *ac, const struct sgr_rule *r,
		   const struct ag_event *ev, uint64_t now_ns)
{
	const struct cat_map *cm = cat_lookup(ev->ncategory ? ev->category[0] : NULL);
	struct alert_in in = {.ev = ev};
	struct hashes h = {0};
	const struct ag_kv *hk;
	struct attack att;
	size_t mark;
	char ts[32];
	uint16_t i;

	find_extras(&in);
	hk = field(&in, AG_FIELD_HASHES);
	if (!hk)
		hk = extra(&in, X_HASH);
	if (hk)
		parse_hashes(hk->val, hk->val_len, &h);
	parse_attack(r, &att);

	mark = ag_jsonw_line_begin(out);
	ag_jsonw_obj_begin(out, NULL);
	fmt_time(ts, event_time(&in, now_ns));
	ag_jsonw_str(out, "@timestamp", ts, 24);
	ag_jsonw_obj_begin(out, "ecs");
	ag_jsonw_cstr(out, "version",
		      ac && str_set(ac->ecs_version) ? ac->ecs_version : AG_ECS_VERSION);
	ag_jsonw_obj_end(out);
	put_event(out, &in, r, cm, now_ns);
	put_rule(out, ac, r);
	put_attack(out, &att);
	if (r->ntags) {
		ag_jsonw_arr_begin(out, "tags");
		for (i = 0; i < r->ntags; i++)
			if (str_set(r->tags[i]))
				ag_jsonw_cstr(out, NULL, r->tags[i]);
		ag_jsonw_arr_end(out);
	}
	put_host_agent(out, &in, ac);
	put_process(out, &in, cm, &h);
	put_user(out, &in);
	put_files(out, &in, cm, &h);
	put_network(out, &in);
	put_registry(out, &in);
	put_sigma(out, r, ev);
	ag_jsonw_obj_end(out);
	return ag_jsonw_line_end(out, mark);
}
