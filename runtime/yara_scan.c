// SPDX-License-Identifier: Apache-2.0
/*
 * YARA rules loaded from the generated image, and scans (yara_scan.h).
 *
 * Metadata decisions (the reference system's, where it has one):
 *  - level: the first of meta severity, level, score that is valid; names
 *    informational/low/medium/high/critical (any case), or a score 0..100
 *    (0 informational, 1-39 low, 40-59 medium, 60-79 high, 80-100
 *    critical); default high.
 *  - ATT&CK: meta mitre_attack, attack, technique, tactic (comma or space
 *    separated "T1059.001" / "execution" / "attack.execution"), and rule
 *    tags that look like technique ids; written as Sigma tags
 *    (attack.t1059.001) so the Sigma alert code maps them to threat.*.
 */
#include "yara_scan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yara.h>

#include "gen_abi.h"

/* ATT&CK tag strings are kept in one block per rule set. */
#define ATTACK_LEN 40

struct ag_yara {
	YR_RULES *rules;
	uint32_t nrules;
	struct ag_yara_match *info;		      /* [nrules] */
	char (*attack)[AG_YARA_MAX_TAGS][ATTACK_LEN]; /* [nrules] */
};

struct mem_stream {
	const uint8_t *p;
	size_t n, off;
};

static size_t mem_read(void *ptr, size_t size, size_t count, void *arg)
{
	struct mem_stream *m = arg;
	size_t want = size * count, left = m->n - m->off;

	if (!size)
		return 0;
	if (want > left)
		want = left - left % size;
	memcpy(ptr, m->p + m->off, want);
	m->off += want;
	return want / size;
}

static int level_of_name(const char *s)
{
	static const char *const names[] = {"informational", "low", "medium", "high", "critical"};
	int i;

	for (i = 0; i < 5; i++)
		if (strcasecmp(s, names[i]) == 0)
			return i;
	if (strcasecmp(s, "info") == 0)
		return 0;
	return -1;
}

static int level_of_score(int64_t v)
{
	if (v < 0 || v > 100)
		return -1;
	return v == 0 ? 0 : v < 40 ? 1 : v < 60 ? 2 : v < 80 ? 3 : 4;
}

static void add_attack(struct ag_yara *y, uint32_t r, const char *tok, size_t n)
{
	struct ag_yara_match *m = &y->info[r];
	char *dst;
	size_t i;

	if (n > 7 && strncasecmp(tok, "attack.", 7) == 0) {
		tok += 7;
		n -= 7;
	}
	if (!n || n + 8 > ATTACK_LEN || m->nattack == AG_YARA_MAX_TAGS)
		return;
	dst = y->attack[r][m->nattack];
	memcpy(dst, "attack.", 7);
	for (i = 0; i < n; i++) {
		char c = tok[i];

		c = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
		dst[7 + i] = c == ' ' || c == '_' ? '-' : c;
	}
	dst[7 + n] = '\0';
	for (i = 0; i < m->nattack; i++)
		if (strcmp(m->attack[i], dst) == 0)
			return;
	m->attack[m->nattack++] = dst;
}

/* Split a meta value at commas, semicolons and spaces into ATT&CK tags. */
static void add_attack_list(struct ag_yara *y, uint32_t r, const char *s)
{
	while (*s) {
		size_t n = strcspn(s, ",; ");

		add_attack(y, r, s, n);
		s += n;
		s += strspn(s, ",; ");
	}
}

static bool technique_like(const char *t)
{
	size_t n = strlen(t), i;

	if ((n != 5 && n != 9) || (t[0] != 'T' && t[0] != 't'))
		return false;
	for (i = 1; i < n; i++)
		if (!(i == 5 ? t[i] == '.' : t[i] >= '0' && t[i] <= '9'))
			return false;
	return true;
}

static void prepare(struct ag_yara *y, uint32_t r, const YR_RULE *rule)
{
	struct ag_yara_match *m = &y->info[r];
	const YR_META *meta;
	const char *tag;
	int lv = -1, lv_sev = -1, lv_level = -1, lv_score = -1;

	m->name = rule->identifier;
	m->ns = rule->ns ? rule->ns->name : NULL;
	yr_rule_tags_foreach(rule, tag)
	{
		if (m->ntags < AG_YARA_MAX_TAGS)
			m->tags[m->ntags++] = tag;
		if (technique_like(tag))
			add_attack(y, r, tag, strlen(tag));
	}
	yr_rule_metas_foreach(rule, meta)
	{
		const char *id = meta->identifier;
		bool str = meta->type == META_TYPE_STRING;

		if (strcasecmp(id, "description") == 0 && str && !m->description)
			m->description = meta->string;
		else if (strcasecmp(id, "author") == 0 && str && !m->author)
			m->author = meta->string;
		else if (strcasecmp(id, "reference") == 0 && str && !m->reference)
			m->reference = meta->string;
		else if (strcasecmp(id, "severity") == 0 && lv_sev < 0)
			lv_sev = str ? level_of_name(meta->string) : level_of_score(meta->integer);
		else if (strcasecmp(id, "level") == 0 && lv_level < 0)
			lv_level =
				str ? level_of_name(meta->string) : level_of_score(meta->integer);
		else if (strcasecmp(id, "score") == 0 && lv_score < 0)
			lv_score = str ? level_of_score(atoll(meta->string))
				       : level_of_score(meta->integer);
		else if (str &&
			 (strcasecmp(id, "mitre_attack") == 0 || strcasecmp(id, "attack") == 0 ||
			  strcasecmp(id, "technique") == 0 || strcasecmp(id, "tactic") == 0 ||
			  strcasecmp(id, "mitre_att") == 0))
			add_attack_list(y, r, meta->string);
	}
	lv = lv_sev >= 0 ? lv_sev : lv_level >= 0 ? lv_level : lv_score >= 0 ? lv_score : 3;
	m->level = (uint8_t)lv;
}

int ag_yara_load(const struct sgr_intel *in, struct ag_yara **ret)
{
	struct mem_stream ms;
	YR_STREAM st;
	struct ag_yara *y;
	const YR_RULE *rule;
	uint32_t r = 0;
	int err;

	*ret = NULL;
	if (!in || !in->yara || !in->yara_len)
		return 0;
	if (yr_initialize() != ERROR_SUCCESS)
		return -ENOMEM;
	y = calloc(1, sizeof(*y));
	if (!y) {
		err = -ENOMEM;
		goto out_fini;
	}
	ms = (struct mem_stream){in->yara, (size_t)in->yara_len, 0};
	st.user_data = &ms;
	st.read = mem_read;
	st.write = NULL;
	if (yr_rules_load_stream(&st, &y->rules) != ERROR_SUCCESS) {
		err = -EPROTO;
		goto out_free;
	}
	yr_rules_foreach(y->rules, rule)
	{
		y->nrules++;
	}
	y->info = calloc(y->nrules ? y->nrules : 1, sizeof(*y->info));
	y->attack = calloc(y->nrules ? y->nrules : 1, sizeof(*y->attack));
	if (!y->info || !y->attack) {
		err = -ENOMEM;
		goto out_free;
	}
	yr_rules_foreach(y->rules, rule)
	{
		prepare(y, r++, rule);
	}
	*ret = y;
	return 0;
out_free:
	ag_yara_free(y);
	return err;
out_fini:
	yr_finalize();
	return err;
}

void ag_yara_free(struct ag_yara *y)
{
	if (!y)
		return;
	if (y->rules)
		yr_rules_destroy(y->rules);
	free(y->info);
	free(y->attack);
	free(y);
	yr_finalize();
}

uint32_t ag_yara_nrules(const struct ag_yara *y)
{
	return y ? y->nrules : 0;
}

const struct ag_yara_match *ag_yara_rule(const struct ag_yara *y, uint32_t i)
{
	return y && i < y->nrules ? &y->info[i] : NULL;
}

/* Per-thread scanner state: the rules (for indices) and the scan's matches. */
struct scanner {
	YR_SCANNER *sc;
	struct ag_yara *y;
	uint32_t *out;
	uint32_t max, n;
};

static int on_scan(YR_SCAN_CONTEXT *ctx, int message, void *data, void *arg)
{
	struct scanner *s = arg;

	(void)ctx;
	if (message == CALLBACK_MSG_RULE_MATCHING) {
		const YR_RULE *rule = data;
		uint32_t idx = (uint32_t)(rule - s->y->rules->rules_table);

		if (s->n < s->max)
			s->out[s->n] = idx;
		s->n++;
	}
	return CALLBACK_CONTINUE;
}

void *ag_yara_scanner_new(struct ag_yara *y, int timeout_s)
{
	struct scanner *s;

	if (!y)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	if (yr_scanner_create(y->rules, &s->sc) != ERROR_SUCCESS) {
		free(s);
		return NULL;
	}
	s->y = y;
	yr_scanner_set_callback(s->sc, on_scan, s);
	yr_scanner_set_timeout(s->sc, timeout_s > 0 ? timeout_s : 10);
	yr_scanner_set_flags(s->sc, SCAN_FLAGS_FAST_MODE);
	return s;
}

void ag_yara_scanner_free(void *scanner)
{
	struct scanner *s = scanner;

	if (!s)
		return;
	yr_scanner_destroy(s->sc);
	free(s);
}

int ag_yara_scan_fd(void *scanner, int fd, uint32_t *ret_rules, uint32_t max, uint32_t *ret_n)
{
	struct scanner *s = scanner;
	int r;

	s->out = ret_rules;
	s->max = max;
	s->n = 0;
	r = yr_scanner_scan_fd(s->sc, fd);
	*ret_n = s->n < max ? s->n : max;
	if (r == ERROR_SCAN_TIMEOUT)
		return -ETIME;
	return r == ERROR_SUCCESS ? 0 : -EIO;
}
