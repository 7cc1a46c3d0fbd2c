// SPDX-License-Identifier: Apache-2.0
/*
 * IOC and YARA alerts: the same ECS line as a Sigma alert (alert.c), from
 * a rule made up for the hit, plus an "ioc" or "yara" object:
 *
 *   IOC:  rule.id ioc::<type>::<value>, rule.name ioc:<type>:<value>,
 *         rule.description "<comment> | observed: <value> | source: <feed>",
 *         severity high; ioc.{type, value, observed, field, feed, comment}
 *   YARA: rule.id yara::<rule>, rule.name the rule, rule.description the
 *         meta description, severity from meta severity/level/score
 *         (default high), ATT&CK from meta technique/tactic/mitre_attack
 *         and the rule's tags; yara.{rule, namespace, tags[], path}
 *
 * Nothing is allocated: the made-up rule lives on the stack.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "alert_int.h"
#include "ioc.h"
#include "yara_scan.h"

struct ioc_extra {
	const char *type, *value, *observed, *field, *feed, *comment;
	size_t observed_len;
};

static void put_ioc(struct ag_jsonw *w, const void *arg)
{
	const struct ioc_extra *x = arg;

	ag_jsonw_obj_begin(w, "ioc");
	ag_jsonw_cstr(w, "type", x->type);
	ag_jsonw_cstr(w, "value", x->value);
	if (x->observed_len)
		ag_jsonw_str(w, "observed", x->observed, x->observed_len);
	if (x->field)
		ag_jsonw_cstr(w, "field", x->field);
	ag_jsonw_cstr(w, "feed", x->feed);
	if (str_set(x->comment))
		ag_jsonw_cstr(w, "comment", x->comment);
	ag_jsonw_obj_end(w);
}

int ag_alert_ioc(struct ag_jsonw *out, const struct ag_alert_ctx *ac, const struct sgr_intel *in,
		 const struct ag_ioc_hit *hit, const char *field, const char *observed,
		 size_t observed_len, const struct ag_event *ev, const struct ag_alert_hook *hashes,
		 uint64_t now_ns)
{
	char value[AG_IOC_VALUE_MAX], id[AG_IOC_VALUE_MAX + 32], name[AG_IOC_VALUE_MAX + 32];
	char desc[2 * AG_IOC_VALUE_MAX + 512];
	struct ioc_extra x = {0};
	struct ag_alert_hook hook = {0};
	struct sgr_rule r = {0};
	const struct sgr_ioc_src *src;

	if (hit->src >= in->nsrcs)
		return -EINVAL;
	src = &in->srcs[hit->src];
	ag_ioc_hit_value(in, hit, value, sizeof(value));
	x.type = ag_ioc_hit_type(hit);
	x.value = value;
	x.observed = observed;
	x.observed_len = observed ? observed_len : 0;
	x.field = field;
	x.feed = src->feed < in->nfeeds ? in->feeds[src->feed] : "";
	x.comment = in->comments + src->comment;
	snprintf(id, sizeof(id), "ioc::%s::%s", x.type, value);
	snprintf(name, sizeof(name), "ioc:%s:%s", x.type, value);
	snprintf(desc, sizeof(desc), "%s%s%s | observed: %.*s | source: %s", x.comment,
		 str_set(x.comment) ? "" : "indicator ", str_set(x.comment) ? "" : value,
		 (int)(x.observed_len > AG_IOC_VALUE_MAX ? AG_IOC_VALUE_MAX : x.observed_len),
		 x.observed_len ? observed : "", x.feed);
	r.id = id;
	r.title = name;
	r.description = desc;
	r.level = "high";
	r.severity = 73;
	r.file = x.feed;
	if (hashes)
		hook = *hashes;
	hook.put = put_ioc;
	hook.arg = &x;
	return ag_alert_write(out, ac, &r, ev, &hook, now_ns);
}

/* ---- YARA ---- */

struct yara_extra {
	const struct ag_yara_match *m;
	const char *path;
};

static void put_yara(struct ag_jsonw *w, const void *arg)
{
	const struct yara_extra *x = arg;
	uint32_t i;

	ag_jsonw_obj_begin(w, "yara");
	ag_jsonw_cstr(w, "rule", x->m->name);
	if (str_set(x->m->ns))
		ag_jsonw_cstr(w, "namespace", x->m->ns);
	if (x->m->ntags) {
		ag_jsonw_arr_begin(w, "tags");
		for (i = 0; i < x->m->ntags; i++)
			ag_jsonw_cstr(w, NULL, x->m->tags[i]);
		ag_jsonw_arr_end(w);
	}
	if (str_set(x->path))
		ag_jsonw_cstr(w, "path", x->path);
	ag_jsonw_obj_end(w);
}

int ag_alert_yara(struct ag_jsonw *out, const struct ag_alert_ctx *ac,
		  const struct ag_yara_match *m, const char *path, const struct ag_event *ev,
		  const struct ag_alert_hook *hashes, uint64_t now_ns)
{
	static const char *const levels[] = {"informational", "low", "medium", "high", "critical"};
	static const uint8_t sev[] = {10, 21, 47, 73, 99};
	char id[320];
	struct yara_extra x = {m, path};
	struct ag_alert_hook hook = {0};
	struct sgr_rule r = {0};
	unsigned lv = m->level < 5 ? m->level : 3;

	snprintf(id, sizeof(id), "yara::%s", m->name);
	r.id = id;
	r.title = m->name;
	r.description = m->description;
	r.author = m->author;
	r.level = levels[lv];
	r.severity = sev[lv];
	r.tags = m->attack;
	r.ntags = (uint16_t)m->nattack;
	if (m->reference) {
		r.references = &m->reference;
		r.nreferences = 1;
	}
	if (hashes)
		hook = *hashes;
	hook.put = put_yara;
	hook.arg = &x;
	return ag_alert_write(out, ac, &r, ev, &hook, now_ns);
}
