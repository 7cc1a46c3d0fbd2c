// SPDX-License-Identifier: Apache-2.0
/*
 * IOC and YARA checks for an event loop (intel.h). Which file an event
 * names: the Image of process_creation, the TargetFilename of file_event,
 * file_change and file_rename, the ImageLoaded of image_load and
 * driver_load. Files are hashed only when the IOC tables hold hashes (or
 * Hashes must be filled), scanned only when there are YARA rules.
 */
#include "intel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert.h"
#include "event.h"
#include "fscan.h"
#include "gen_abi.h"
#include "ioc.h"
#include "jsonw.h"
#include "taxonomy.h"
#include "yara_scan.h"

struct ag_intel {
	const struct sgr_intel *in;
	struct ag_intel_opts o;
	struct ag_yara *y;
	struct ag_fscan *fs;
	bool need_hash; /* hash sets present */
	struct ag_intel_stats st;
	char hashes[16 + 41 + 33 + 65 + 8]; /* the Hashes value ag_intel_prepare added */
	/* the alert being written (ioc callback) */
	struct ag_jsonw *out;
	const struct ag_alert_ctx *ac;
	const struct ag_event *ev;
	const struct ag_alert_hook *hook;
	uint64_t now_ns;
	uint32_t nalerts;
	struct ag_fscan_result res; /* scratch result (replay) */
};

int ag_intel_new(const struct sgr_intel *in, const struct sgr_ruleset *rs,
		 const struct ag_intel_opts *o, struct ag_intel **ret)
{
	struct ag_intel *it = calloc(1, sizeof(*it));
	struct ag_fscan_opts fo = {0};
	int err;

	(void)rs;
	if (!it)
		return -ENOMEM;
	it->in = in;
	it->o = *o;
	if (in && in->abi_version != SGR_ABI_VERSION) {
		free(it);
		return -EPROTO;
	}
	err = ag_yara_load(in, &it->y);
	if (err < 0) {
		free(it);
		return err;
	}
	it->need_hash =
		in && (in->sets[SGR_IOC_MD5] || in->sets[SGR_IOC_SHA1] || in->sets[SGR_IOC_SHA256]);
	if (o->files && (it->need_hash || it->y || o->fill_hashes)) {
		fo.threads = o->threads;
		fo.max_size = o->max_size;
		fo.yara_timeout_s = o->yara_timeout_s;
		fo.hash = it->need_hash || o->fill_hashes;
		err = ag_fscan_new(&fo, it->y, &it->fs);
		if (err < 0) {
			ag_intel_free(it);
			return err;
		}
	}
	*ret = it;
	return 0;
}

void ag_intel_free(struct ag_intel *it)
{
	if (!it)
		return;
	ag_fscan_free(it->fs);
	ag_yara_free(it->y);
	free(it);
}

struct ag_fscan *ag_intel_fscan(struct ag_intel *it)
{
	return it ? it->fs : NULL;
}

static bool has_category(const struct ag_event *ev, const char *const *cats)
{
	uint8_t i;
	size_t k;

	for (i = 0; i < ev->ncategory; i++)
		for (k = 0; cats[k]; k++)
			if (ev->category[i] && strcmp(ev->category[i], cats[k]) == 0)
				return true;
	return false;
}

/* The file ev names, as a NUL-terminated copy in buf, or NULL. */
static const char *named_file(const struct ag_event *ev, char *buf, size_t cap)
{
	static const char *const proc[] = {"process_creation", NULL};
	static const char *const file[] = {"file_event", "file_change", "file_rename", NULL};
	static const char *const image[] = {"image_load", "driver_load", NULL};
	const struct ag_kv *kv = NULL;

	if (has_category(ev, proc))
		kv = ag_event_get(ev, AG_FIELD_IMAGE);
	else if (has_category(ev, file))
		kv = ag_event_get(ev, AG_FIELD_TARGETFILENAME);
	else if (has_category(ev, image))
		kv = ag_event_get(ev, AG_FIELD_IMAGELOADED);
	if (!kv || !kv->val_len || kv->val_len >= cap || kv->val[0] != '/')
		return NULL;
	memcpy(buf, kv->val, kv->val_len);
	buf[kv->val_len] = '\0';
	if (strlen(buf) != kv->val_len)
		return NULL; /* a NUL inside */
	return buf;
}

/* Submit path and wait for its result (replay: synchronous). */
static int scan_now(struct ag_intel *it, const char *path, struct ag_fscan_result *r)
{
	int err;

	if (access(path, F_OK) < 0) {
		it->st.files_missing++;
		return -ENOENT;
	}
	/* Results come back in order: drain anything older first. */
	while (ag_fscan_pending(it->fs))
		ag_fscan_poll(it->fs, r, -1);
	err = ag_fscan_submit(it->fs, -1, path, 0);
	if (err < 0)
		return err;
	err = ag_fscan_poll(it->fs, r, -1);
	if (err < 0)
		return err;
	it->st.files_checked++;
	return r->status;
}

void ag_intel_prepare(struct ag_intel *it, struct ag_event *ev)
{
	static const char *const proc[] = {"process_creation", NULL};
	struct ag_fscan_result *r;
	char path[AG_FSCAN_PATH_MAX], md5[33], sha1[41], sha256[65];
	int n;

	if (!it || !it->fs || !it->o.fill_hashes || !has_category(ev, proc) ||
	    ag_event_get(ev, AG_FIELD_HASHES) || !named_file(ev, path, sizeof(path)))
		return;
	r = &it->res;
	if (scan_now(it, path, r) == 0 && r->hashed) {
		ag_hex(r->h.md5, 16, md5);
		ag_hex(r->h.sha1, 20, sha1);
		ag_hex(r->h.sha256, 32, sha256);
		n = snprintf(it->hashes, sizeof(it->hashes), "SHA1=%s,MD5=%s,SHA256=%s", sha1, md5,
			     sha256);
		if (ag_event_add(ev, "Hashes", 6, it->hashes, (uint32_t)n, 0, AG_FIELD_HASHES) == 0)
			it->st.hashes_filled++;
	}
}

static void on_ioc(void *arg, const struct ag_ioc_hit *hit, const char *field, const char *observed,
		   size_t observed_len)
{
	struct ag_intel *it = arg;

	if (ag_alert_ioc(it->out, it->ac, it->in, hit, field, observed, observed_len, it->ev,
			 it->hook, it->now_ns) == 0) {
		it->nalerts++;
		it->st.ioc_alerts++;
	}
}

uint32_t ag_intel_file_result(struct ag_intel *it, const struct ag_fscan_result *r,
			      const struct ag_event *ev, struct ag_jsonw *out,
			      const struct ag_alert_ctx *ac, uint64_t now_ns)
{
	char md5[33], sha1[41], sha256[65];
	struct ag_alert_hook hook = {0};
	uint32_t i;

	if (r->status < 0)
		return 0;
	if (r->hashed) {
		ag_hex(r->h.md5, 16, md5);
		ag_hex(r->h.sha1, 20, sha1);
		ag_hex(r->h.sha256, 32, sha256);
		hook.md5 = md5;
		hook.sha1 = sha1;
		hook.sha256 = sha256;
	}
	it->out = out;
	it->ac = ac;
	it->ev = ev;
	it->hook = &hook;
	it->now_ns = now_ns;
	it->nalerts = 0;
	if (r->hashed && it->need_hash)
		ag_ioc_check_hashes(it->in, r->h.md5, r->h.sha1, r->h.sha256, r->path, on_ioc, it);
	for (i = 0; r->scanned && i < r->nmatch; i++) {
		const struct ag_yara_match *m = ag_yara_rule(it->y, r->match[i]);

		if (m && ag_alert_yara(out, ac, m, r->path, ev, &hook, now_ns) == 0) {
			it->nalerts++;
			it->st.yara_alerts++;
		}
	}
	it->hook = NULL;
	return it->nalerts;
}

uint32_t ag_intel_event(struct ag_intel *it, const struct ag_event *ev, struct ag_jsonw *out,
			const struct ag_alert_ctx *ac, uint64_t now_ns)
{
	struct ag_fscan_result *r;
	char path[AG_FSCAN_PATH_MAX];
	uint32_t n;

	if (!it)
		return 0;
	it->out = out;
	it->ac = ac;
	it->ev = ev;
	it->hook = NULL;
	it->now_ns = now_ns;
	it->nalerts = 0;
	ag_ioc_check_event(it->in, ev, on_ioc, it);
	n = it->nalerts;
	if (!it->fs || (!it->need_hash && !it->y) || !named_file(ev, path, sizeof(path)))
		return n;
	r = &it->res;
	if (scan_now(it, path, r) == 0)
		n += ag_intel_file_result(it, r, ev, out, ac, now_ns);
	return n;
}

void ag_intel_stats(const struct ag_intel *it, struct ag_intel_stats *ret)
{
	if (it)
		*ret = it->st;
	else
		memset(ret, 0, sizeof(*ret));
}
