// SPDX-License-Identifier: Apache-2.0
/*
 * The rule and threat sections of an alert (alert.c has the design): rule
 * metadata, and ATT&CK tags mapped to ECS threat.* (tactics by name to the
 * 14 enterprise tactics, techniques and sub-techniques, groups, software).
 */
#include <errno.h>
#include <string.h>

#include "alert_int.h"

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
				if (eq_fold(tag, n, tactics[k].slug, strlen(tactics[k].slug),
					    true)) {
					if (!memchr(a->tactic, (int)k + 1, a->ntactic))
						a->tactic[a->ntactic++] = (uint8_t)(k + 1);
					break;
				}
			}
		}
	}
}

/*
 * An ATT&CK page: "https://attack.mitre.org/<kind>/<id>/" where a
 * sub-technique id "T1059.001" becomes "T1059/001".
 */
static void put_attack_ref(struct ag_jsonw *w, const char *kind, const char *id)
{
	static const char base[] = "https://attack.mitre.org/";
	size_t kn = strlen(kind), in = strlen(id), n = sizeof(base) - 1;
	char buf[64];

	if (n + kn + in + 2 > sizeof(buf))
		return;
	memcpy(buf, base, n);
	memcpy(buf + n, kind, kn);
	n += kn;
	buf[n++] = '/';
	memcpy(buf + n, id, in);
	if (in == 9 && id[5] == '.')
		buf[n + 5] = '/';
	n += in;
	buf[n++] = '/';
	ag_jsonw_str(w, NULL, buf, n);
}

static void put_attack_parsed(struct ag_jsonw *w, const struct attack *a)
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
		for (i = 0; i < a->ntactic; i++)
			put_attack_ref(w, "tactics", tactics[a->tactic[i] - 1].id);
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
		for (i = 0; i < a->ntech; i++)
			put_attack_ref(w, "techniques", a->tech[i]);
		ag_jsonw_arr_end(w);
		if (a->nsub) {
			ag_jsonw_obj_begin(w, "subtechnique");
			ag_jsonw_arr_begin(w, "id");
			for (i = 0; i < a->nsub; i++)
				ag_jsonw_cstr(w, NULL, a->sub[i]);
			ag_jsonw_arr_end(w);
			ag_jsonw_arr_begin(w, "reference");
			for (i = 0; i < a->nsub; i++)
				put_attack_ref(w, "techniques", a->sub[i]);
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

void al_put_rule(struct ag_jsonw *w, const struct ag_alert_ctx *ac, const struct sgr_rule *r)
{
	const char *ver = str_set(r->modified) ? r->modified : r->date;

	ag_jsonw_obj_begin(w, "rule");
	ag_jsonw_str_begin(w, "id");
	/* IOC and YARA alerts carry their engine's prefix in the id. */
	if (!str_set(r->id) || !strstr(r->id, "::"))
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

void al_put_attack(struct ag_jsonw *w, const struct sgr_rule *r)
{
	struct attack a;

	parse_attack(r, &a);
	put_attack_parsed(w, &a);
}
