// SPDX-License-Identifier: Apache-2.0
/*
 * The entity sections of an alert (alert.c has the design and the mapping
 * decisions): process, user, file/dll with hashes, source/destination and
 * network, dns, registry.
 */
#include <errno.h>
#include <string.h>

#include "alert_int.h"
#include "values.h"

/* ---- hashes ---- */


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
void al_parse_hashes(const char *s, size_t n, struct hashes *h)
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
		al_put_kv(w, "original_file_name", ofn);
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

#define PID_MAX ((uint64_t)INT64_MAX)

void al_put_process(struct ag_jsonw *w, const struct alert_in *in, const struct cat_map *cm,
			const struct hashes *h)
{
	const struct ag_kv *pid = al_field(in, AG_FIELD_PROCESSID);
	const struct ag_kv *guid = al_field(in, AG_FIELD_PROCESSGUID);
	const struct ag_kv *exe = al_field2(in, AG_FIELD_IMAGE, AG_FIELD_NEWPROCESSNAME);
	const struct ag_kv *cmd = al_field(in, AG_FIELD_COMMANDLINE);
	const struct ag_kv *cwd = al_field(in, AG_FIELD_CURRENTDIRECTORY);
	const struct ag_kv *code = al_field(in, AG_FIELD_EXITCODE);
	const struct ag_kv *ppid = al_field(in, AG_FIELD_PARENTPROCESSID);
	const struct ag_kv *pguid = al_extra(in, X_PARENTPROCESSGUID);
	const struct ag_kv *pexe = al_field2(in, AG_FIELD_PARENTIMAGE, AG_FIELD_PARENTPROCESSNAME);
	const struct ag_kv *pcmd = al_field(in, AG_FIELD_PARENTCOMMANDLINE);
	const struct ag_kv *ofn = al_field(in, AG_FIELD_ORIGINALFILENAME);
	bool hp = cm->hash_target == HT_PROCESS && have_hash_pe(h, ofn);
	uint64_t v;
	bool parent;

	if (!al_kv_uint(pid, PID_MAX, &v))
		pid = NULL;
	if (!al_kv_uint(ppid, PID_MAX, &v))
		ppid = NULL;
	if (!al_kv_uint(code, UINT32_MAX, &v))
		code = NULL;
	parent = ppid || pguid || pexe || pcmd;
	if (!pid && !guid && !exe && !cmd && !cwd && !code && !hp && !parent)
		return;
	ag_jsonw_obj_begin(w, "process");
	al_put_uint_kv(w, "pid", pid, PID_MAX);
	al_put_kv(w, "entity_id", guid);
	al_put_kv(w, "executable", exe);
	put_basename(w, "name", exe);
	al_put_kv(w, "command_line", cmd);
	al_put_kv(w, "working_directory", cwd);
	al_put_uint_kv(w, "exit_code", code, UINT32_MAX);
	if (hp)
		put_hash_pe(w, h, ofn);
	if (parent) {
		ag_jsonw_obj_begin(w, "parent");
		al_put_uint_kv(w, "pid", ppid, PID_MAX);
		al_put_kv(w, "entity_id", pguid);
		al_put_kv(w, "executable", pexe);
		put_basename(w, "name", pexe);
		al_put_kv(w, "command_line", pcmd);
		ag_jsonw_obj_end(w);
	}
	ag_jsonw_obj_end(w);
}

/* user.name and user.domain from "DOMAIN\user" (exactly one backslash). */
void al_put_user(struct ag_jsonw *w, const struct alert_in *in)
{
	const struct ag_kv *u = al_field(in, AG_FIELD_USER);
	const struct ag_kv *dom = NULL;
	const char *bs, *bs2 = NULL;

	if (!u) {
		u = al_field(in, AG_FIELD_SUBJECTUSERNAME);
		dom = al_extra(in, X_SUBJECTDOMAINNAME);
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
		al_put_kv(w, "name", u);
		al_put_kv(w, "domain", dom);
	}
	ag_jsonw_obj_end(w);
}

void al_put_files(struct ag_jsonw *w, const struct alert_in *in, const struct cat_map *cm,
		      const struct hashes *h)
{
	const struct ag_kv *ofn = al_field(in, AG_FIELD_ORIGINALFILENAME);
	const struct ag_kv *target = al_field(in, AG_FIELD_TARGETFILENAME);
	const struct ag_kv *loaded = al_field(in, AG_FIELD_IMAGELOADED);
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
			al_put_kv(w, "path", loaded);
			put_basename(w, "name", loaded);
		}
		if (dh)
			put_hash_pe(w, h, ofn);
		ag_jsonw_obj_end(w);
	}
}

/*
 * The address family of an IP field (4 or 6), or 0 when it is not an
 * address that Elasticsearch's ip type takes: the parser the cidr atoms
 * use (no inet_pton, which the Windows build lacks), with no blank around.
 */
static int ip_family(const struct ag_kv *kv)
{
	uint8_t addr[16], fam;

	/* ag_parse_ip() skips the blanks around a value (a field that holds one) */
	if (!kv || !kv->val_len || kv->val[0] <= ' ' || kv->val[kv->val_len - 1] <= ' ' ||
	    !ag_parse_ip(kv->val, kv->val_len, addr, &fam))
		return 0;
	return fam;
}

static void put_endpoint(struct ag_jsonw *w, const char *key, const struct ag_kv *ip,
			 const struct ag_kv *port, const struct ag_kv *domain)
{
	uint64_t v;

	if (!ip_family(ip))
		ip = NULL;
	if (!al_kv_uint(port, 65535, &v))
		port = NULL;
	if (!ip && !port && !domain)
		return;
	ag_jsonw_obj_begin(w, key);
	al_put_kv(w, "ip", ip);
	al_put_uint_kv(w, "port", port, 65535);
	al_put_kv(w, "domain", domain);
	ag_jsonw_obj_end(w);
}

void al_put_network(struct ag_jsonw *w, const struct alert_in *in)
{
	const struct ag_kv *dip = al_field(in, AG_FIELD_DESTINATIONIP);
	const struct ag_kv *sip = al_field(in, AG_FIELD_SOURCEIP);
	const struct ag_kv *proto = al_field(in, AG_FIELD_PROTOCOL);
	const struct ag_kv *init = al_field(in, AG_FIELD_INITIATED);
	const struct ag_kv *qname = al_field(in, AG_FIELD_QUERYNAME);
	const char *dir = NULL, *type = NULL;
	char tbuf[16];
	size_t i, tn = 0;
	int fam;

	put_endpoint(w, "source", sip, al_field(in, AG_FIELD_SOURCEPORT), al_extra(in, X_SOURCEHOSTNAME));
	put_endpoint(w, "destination", dip, al_field(in, AG_FIELD_DESTINATIONPORT),
		     al_field(in, AG_FIELD_DESTINATIONHOSTNAME));
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
		al_put_kv(w, "name", qname);
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
void al_put_registry(struct ag_jsonw *w, const struct alert_in *in)
{
	const struct ag_kv *obj = al_field(in, AG_FIELD_TARGETOBJECT);
	const struct ag_kv *details = al_extra(in, X_DETAILS);
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
		al_put_kv(w, NULL, details);
		ag_jsonw_arr_end(w);
		ag_jsonw_obj_end(w);
	}
	ag_jsonw_obj_end(w);
}
