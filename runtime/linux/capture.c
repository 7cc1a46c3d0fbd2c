// SPDX-License-Identifier: Apache-2.0
/*
 * Capture of live events as JSONL (capture.h), written with the same JSON
 * writer as alerts, so every line is valid UTF-8 JSON whatever bytes a
 * path or command line holds (invalid UTF-8 becomes U+FFFD; replay then
 * sees the same replacement the alert showed).
 */
#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "event.h"

int ag_capture_open(struct ag_capture *c, const char *path)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	if (ag_jsonw_init(&c->w, 2 * AG_CAPTURE_FLUSH, 64u << 20) < 0)
		return -ENOMEM;
	if (strcmp(path, "-") == 0) {
		c->fd = STDOUT_FILENO;
		return 0;
	}
	c->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (c->fd < 0) {
		int r = -errno;

		ag_jsonw_done(&c->w);
		return r;
	}
	return 0;
}

void ag_capture_event(struct ag_capture *c, const struct ag_event *ev)
{
	size_t mark = ag_jsonw_line_begin(&c->w);
	uint32_t i;

	ag_jsonw_obj_begin(&c->w, NULL);
	ag_jsonw_cstr(&c->w, "logsource.product", ev->product ? ev->product : "linux");
	if (ev->ncategory)
		ag_jsonw_cstr(&c->w, "logsource.category", ev->category[0]);
	for (i = 0; i < ev->nkv; i++) {
		const struct ag_kv *kv = &ev->kv[i];

		ag_jsonw_key(&c->w, kv->name, kv->name_len);
		if ((kv->flags & AG_V_NUMBER) && ag_json_number_valid(kv->val, kv->val_len))
			ag_jsonw_raw(&c->w, NULL, kv->val, kv->val_len);
		else
			ag_jsonw_str(&c->w, NULL, kv->val, kv->val_len);
	}
	ag_jsonw_obj_end(&c->w);
	if (ag_jsonw_line_end(&c->w, mark) < 0) {
		c->encode_errors++;
		return;
	}
	c->events++;
	if (c->w.len >= AG_CAPTURE_FLUSH)
		ag_capture_flush(c);
}

int ag_capture_flush(struct ag_capture *c)
{
	const char *p = c->w.buf;
	size_t n = c->w.len;
	int r = 0;

	while (n) {
		ssize_t w = write(c->fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			r = w < 0 ? -errno : -EIO;
			c->write_errors++;
			break;
		}
		p += w;
		n -= (size_t)w;
	}
	ag_jsonw_reset(&c->w);
	return r;
}

void ag_capture_close(struct ag_capture *c)
{
	if (c->fd >= 0) {
		ag_capture_flush(c);
		if (c->fd != STDOUT_FILENO)
			close(c->fd);
	}
	c->fd = -1;
	ag_jsonw_done(&c->w);
}
