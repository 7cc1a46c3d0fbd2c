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
#include <errno.h>
#include <string.h>

#include "alert_int.h"

/* ---- event fields ---- */

/* Names of the core field ids (AG_FIELD_NONE has none). */
static const struct sv core_names[AG_FIELD_CORE_MAX] = {
#define AG_FIELD_NAME(suffix, name) [AG_FIELD_##suffix] = SV(name),
	AG_TAXONOMY_FIELDS(AG_FIELD_NAME)
#undef AG_FIELD_NAME
};


static const struct sv extra_names[_X_MAX] = {
	[X_PARENTPROCESSGUID] = SV("ParentProcessGuid"),
	[X_SOURCEHOSTNAME] = SV("SourceHostname"),
	[X_DETAILS] = SV("Details"),
	[X_HASH] = SV("Hash"),
	[X_SUBJECTDOMAINNAME] = SV("SubjectDomainName"),
};


static bool kv_name_eq(const struct ag_kv *kv, struct sv name)
{
	return kv->name_len == name.n && memcmp(kv->name, name.p, name.n) == 0;
}

/*
 * The core field id of ev as a non-empty value, or NULL. Ids the event has
 * no slot for are searched by name (the last occurrence wins, as in slots).
 */
const struct ag_kv *al_field(const struct alert_in *in, uint32_t id)
{
	const struct ag_event *ev = in->ev;
	const struct ag_kv *kv = NULL;
	uint32_t i;

	if (id < ev->nslots) {
		kv = ag_event_get(ev, id);
	} else if (id > AG_FIELD_NONE && id < AG_FIELD_CORE_MAX) {
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
const struct ag_kv *al_field2(const struct alert_in *in, uint32_t id, uint32_t alt)
{
	const struct ag_kv *kv = al_field(in, id);

	return kv ? kv : al_field(in, alt);
}

const struct ag_kv *al_extra(const struct alert_in *in, enum extra_field x)
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

void al_put_kv(struct ag_jsonw *w, const char *key, const struct ag_kv *kv)
{
	if (kv)
		ag_jsonw_str(w, key, kv->val, kv->val_len);
}

/* An integer field as a JSON number; false (nothing written) if it is not one. */
bool al_kv_uint(const struct ag_kv *kv, uint64_t max, uint64_t *ret_v)
{
	return kv && parse_uint(kv->val, kv->val_len, max, ret_v);
}

void al_put_uint_kv(struct ag_jsonw *w, const char *key, const struct ag_kv *kv, uint64_t max)
{
	uint64_t v;

	if (al_kv_uint(kv, max, &v))
		ag_jsonw_u64(w, key, v);
}

/* ---- event classes ---- */



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

/* w decimal digits at s[i] (within n) into ret_v. */
static bool num_at(const char *s, size_t n, size_t i, int w, unsigned *ret_v)
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
	*ret_v = v;
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
	bool obj = n && s[0] == '{';
	size_t i = 0;
	const char *st;

	if (obj) {
		/* Find "SystemTime" (no memmem: the Windows build lacks it). */
		for (st = NULL; i + 10 <= n; i++) {
			if (memcmp(s + i, "SystemTime", 10) == 0) {
				st = s + i;
				break;
			}
		}
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
	    !num_at(s, n, 11, 2, &h) || s[13] != ':' || !num_at(s, n, 14, 2, &mi) || s[16] != ':' ||
	    !num_at(s, n, 17, 2, &sec))
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
	if (i < n && (!obj || s[i] != '"'))
		return false;
	days = days_from_civil(y, mo, d);
	t += days * 86400 + (int64_t)(h * 3600 + mi * 60 + sec);
	if (t < 0)
		return false;
	*ret_ns = (uint64_t)t * NS_PER_SEC + frac;
	return true;
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
		      const struct cat_map *cm, uint64_t now_ns, const char *event_id)
{
	const struct ag_event *ev = in->ev;
	char ts[32];
	int i;

	ag_jsonw_obj_begin(w, "event");
	if (str_set(event_id))
		ag_jsonw_cstr(w, "id", event_id);
	ag_jsonw_cstr(w, "kind", "alert");
	ag_jsonw_arr_begin(w, "category");
	ag_jsonw_cstr(w, NULL, cm->ecs_cat);
	ag_jsonw_arr_end(w);
	ag_jsonw_arr_begin(w, "type");
	for (i = 0; i < 2 && cm->types[i]; i++)
		ag_jsonw_cstr(w, NULL, cm->types[i]);
	ag_jsonw_arr_end(w);
	al_put_kv(w, "code", al_field(in, AG_FIELD_EVENTID));
	al_put_kv(w, "provider", al_field(in, AG_FIELD_PROVIDER_NAME));
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

static void put_host_agent(struct ag_jsonw *w, const struct alert_in *in,
			   const struct ag_alert_ctx *ac)
{
	const struct ag_kv *computer = al_field(in, AG_FIELD_COMPUTER);
	const char *os = NULL;

	if (os_type_valid(in->ev->product))
		os = in->ev->product;
	else if (ac && str_set(ac->os_type))
		os = ac->os_type;
	if (computer || (ac && str_set(ac->host_name)) || os) {
		ag_jsonw_obj_begin(w, "host");
		if (computer)
			al_put_kv(w, "name", computer);
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

/* One field value in sigma.fields: JSON scalars keep their type. */
static void put_value(struct ag_jsonw *w, const struct ag_kv *kv)
{
	if (kv->flags & AG_V_NULL)
		ag_jsonw_null(w, NULL);
	else if ((kv->flags & AG_V_BOOL) && (sv_eq((struct sv){kv->val, kv->val_len}, "true", 4) ||
					     sv_eq((struct sv){kv->val, kv->val_len}, "false", 5)))
		ag_jsonw_raw(w, NULL, kv->val, kv->val_len);
	else if ((kv->flags & AG_V_NUMBER) && (!w->str_cap || kv->val_len <= w->str_cap) &&
		 ag_json_number_valid(kv->val, kv->val_len))
		ag_jsonw_raw(w, NULL, kv->val, kv->val_len);
	else /* a number too long for the cap (see ag_alert_write) is cut as a string */
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
	uint16_t table[FT_SIZE];	    /* first kv index + 1 of a name, 0 = empty */
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
	if (w->str_cap) /* see ag_alert_write */
		ag_jsonw_u64(w, "value_cap", w->str_cap);
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
		const struct ag_kv *kv = al_field(in, ids[i]);

		if (kv && parse_time(kv->val, kv->val_len, &t))
			return t;
	}
	return now_ns;
}

int ag_alert_sigma(struct ag_jsonw *out, const struct ag_alert_ctx *ac, const struct sgr_rule *r,
		   const struct ag_event *ev, uint64_t now_ns)
{
	return ag_alert_write(out, ac, r, ev, NULL, now_ns);
}

/* A computed hash where the event has none. */
static void hook_hash(struct sv *h, const char *hex)
{
	if (!h->n && hex && *hex)
		*h = (struct sv){hex, strlen(hex)};
}

static int alert_once(struct ag_jsonw *out, const struct ag_alert_ctx *ac,
		      const struct sgr_rule *r, const struct ag_event *ev,
		      const struct ag_alert_hook *hook, uint64_t now_ns)
{
	const struct cat_map *cm = cat_lookup(ev->ncategory ? ev->category[0] : NULL);
	struct alert_in in = {.ev = ev};
	struct hashes h = {0};
	const struct ag_kv *hk;
	size_t mark;
	char ts[32];
	uint16_t i;

	find_extras(&in);
	hk = al_field(&in, AG_FIELD_HASHES);
	if (!hk)
		hk = al_extra(&in, X_HASH);
	if (hk)
		al_parse_hashes(hk->val, hk->val_len, &h);
	if (hook) {
		hook_hash(&h.md5, hook->md5);
		hook_hash(&h.sha1, hook->sha1);
		hook_hash(&h.sha256, hook->sha256);
	}

	mark = ag_jsonw_line_begin(out);
	ag_jsonw_obj_begin(out, NULL);
	fmt_time(ts, event_time(&in, now_ns));
	ag_jsonw_str(out, "@timestamp", ts, 24);
	ag_jsonw_obj_begin(out, "ecs");
	ag_jsonw_cstr(out, "version",
		      ac && str_set(ac->ecs_version) ? ac->ecs_version : AG_ECS_VERSION);
	ag_jsonw_obj_end(out);
	put_event(out, &in, r, cm, now_ns, ac ? ac->event_id : NULL);
	if (ac && str_set(ac->source_path)) {
		ag_jsonw_obj_begin(out, "log");
		ag_jsonw_obj_begin(out, "file");
		ag_jsonw_cstr(out, "path", ac->source_path);
		ag_jsonw_obj_end(out);
		ag_jsonw_obj_end(out);
	}
	al_put_rule(out, ac, r);
	al_put_attack(out, r);
	if (r->ntags) {
		ag_jsonw_arr_begin(out, "tags");
		for (i = 0; i < r->ntags; i++)
			if (str_set(r->tags[i]))
				ag_jsonw_cstr(out, NULL, r->tags[i]);
		ag_jsonw_arr_end(out);
	}
	put_host_agent(out, &in, ac);
	al_put_process(out, &in, cm, &h);
	al_put_user(out, &in);
	al_put_files(out, &in, cm, &h);
	al_put_network(out, &in);
	al_put_registry(out, &in);
	if (hook && hook->put)
		hook->put(out, hook->arg);
	put_sigma(out, r, ev);
	ag_jsonw_obj_end(out);
	return ag_jsonw_line_end(out, mark);
}

/*
 * An alert too long for its line (the writer's limit, alerts.max_line_kb)
 * is written again with every string and key cut shorter, 64 KiB, then
 * 8 KiB, 1 KiB, 128 bytes, and says so in sigma.value_cap: a long value
 * (a padded command line) must not cost the alert itself.
 */
int ag_alert_write(struct ag_jsonw *out, const struct ag_alert_ctx *ac, const struct sgr_rule *r,
		   const struct ag_event *ev, const struct ag_alert_hook *hook, uint64_t now_ns)
{
	size_t cap0 = out->str_cap, cap;
	int rc = alert_once(out, ac, r, ev, hook, now_ns);

	for (cap = 65536; rc == -E2BIG && cap >= 128 && (!cap0 || cap < cap0); cap /= 8) {
		out->str_cap = cap;
		rc = alert_once(out, ac, r, ev, hook, now_ns);
	}
	out->str_cap = cap0;
	return rc;
}
