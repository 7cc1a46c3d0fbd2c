// SPDX-License-Identifier: Apache-2.0
/*
 * EVTX reader (evtx.h) on top of libevtx: files, records, rendering.
 *
 * Design. libevtx renders each record as the XML text Windows would show
 * (libevtx_record_get_utf8_xml_string). We copy it into one reused buffer
 * and map it to the event's fields (evtx_map.c: a small XML tokenizer and
 * the field set). So no allocation per record of our own: the XML buffer
 * and a scratch buffer (for "System_<key>" names and the joined unnamed
 * Data) grow to the largest record and are reused. libevtx allocates its
 * record object internally; that is outside our control.
 *
 * Not here: routing (route.c), the Channel/EventID meaning.
 */
#include "evtx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libevtx.h>

#include "event.h"
#include "evtx_int.h"

static void set_err(char *errbuf, size_t errlen, const char *what, const char *path,
		    libevtx_error_t *e)
{
	char detail[256] = "";

	if (!errbuf || !errlen)
		return;
	if (e) {
		char *nl;

		libevtx_error_sprint(e, detail, sizeof(detail));
		nl = strchr(detail, '\n');
		if (nl)
			*nl = '\0';
	}
	snprintf(errbuf, errlen, "%s '%s'%s%s", what, path, *detail ? ": " : "", detail);
}

/*
 * Open path with libevtx (see evtx.h). Checks the file exists and has the
 * EVTX signature first, so that the common failures get a clear errno and
 * message. Returns 0 or -errno; *ret is owned by the caller.
 */
int ag_evtx_open(struct ag_evtx **ret, const char *path, const struct ag_evtx_opts *opts,
		 uint32_t (*lookup)(void *ctx, const char *name, size_t len), void *ctx,
		 char *errbuf, size_t errlen)
{
	libevtx_error_t *e = NULL;
	struct ag_evtx *x;
	uint32_t fflags = 0;
	struct stat sb;
	int fd, err, rc;

	if (!ret || !path || (opts && opts->recovered >= _AG_EVTX_RECOVERED_MAX))
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) < 0) {
		err = -errno;
		set_err(errbuf, errlen, "cannot open", path, NULL);
		if (fd >= 0)
			close(fd);
		return err;
	}
	close(fd);
	if (S_ISREG(sb.st_mode) && sb.st_size < AG_EVTX_HEADER_SIZE) {
		set_err(errbuf, errlen, "truncated EVTX file (no whole file header)", path, NULL);
		return -EINVAL;
	}
	rc = libevtx_check_file_signature(path, &e);
	if (rc != 1) {
		set_err(errbuf, errlen, "not an EVTX file", path, e);
		libevtx_error_free(&e);
		return rc == 0 ? -EINVAL : -EIO;
	}
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	err = -ENOMEM;
	x->ents = calloc(ENT_MAX, sizeof(*x->ents));
	x->leaves = calloc(ENT_MAX, sizeof(*x->leaves));
	if (!x->ents || !x->leaves || libevtx_file_initialize(&x->file, &e) != 1)
		goto err_free;
	x->lookup = lookup;
	x->ctx = ctx;
	err = -EIO;
	if (libevtx_file_open(x->file, path, LIBEVTX_OPEN_READ, &e) != 1) {
		set_err(errbuf, errlen, "cannot read EVTX file", path, e);
		goto err_free;
	}
	if (libevtx_file_get_number_of_records(x->file, &x->nrec, &e) != 1 ||
	    libevtx_file_get_number_of_recovered_records(x->file, &x->nrecov, &e) != 1) {
		set_err(errbuf, errlen, "cannot read EVTX file", path, e);
		goto err_close;
	}
	if (libevtx_file_get_flags(x->file, &fflags, &e) != 1) {
		libevtx_error_free(&e);
		fflags = 0;
	}
	x->st.dirty = fflags & LIBEVTX_FILE_FLAG_IS_DIRTY;
	rc = libevtx_file_is_corrupted(x->file, &e);
	libevtx_error_free(&e);
	x->st.corrupted = rc == 1;
	x->st.size = (uint64_t)sb.st_size;
	x->st.truncated = S_ISREG(sb.st_mode) &&
			  (x->st.size - AG_EVTX_HEADER_SIZE) % AG_EVTX_CHUNK_SIZE != 0;
	x->st.records = (uint64_t)x->nrec;
	x->st.recovered = (uint64_t)x->nrecov;
	rc = opts ? (int)opts->recovered : AG_EVTX_RECOVERED_AUTO;
	x->recovered = rc == AG_EVTX_RECOVERED_ALWAYS ||
		       (rc == AG_EVTX_RECOVERED_AUTO && (x->st.dirty || x->st.corrupted));
	*ret = x;
	return 0;

err_close:
	libevtx_file_close(x->file, NULL);
err_free:
	libevtx_error_free(&e);
	if (x->file)
		libevtx_file_free(&x->file, NULL);
	free(x->leaves);
	free(x->ents);
	free(x);
	return err;
}

/* Close the file and free x. Accepts NULL. */
void ag_evtx_close(struct ag_evtx *x)
{
	if (!x)
		return;
	libevtx_file_close(x->file, NULL);
	libevtx_file_free(&x->file, NULL);
	free(x->ids);
	free(x->xml);
	free(x->scratch);
	free(x->leaves);
	free(x->ents);
	free(x);
}

/* Copy the counters into *ret. */
void ag_evtx_stats(const struct ag_evtx *x, struct ag_evtx_stats *ret)
{
	*ret = x->st;
}

/* ---- records ---- */

static int render(struct ag_evtx *x, libevtx_record_t *rec)
{
	libevtx_error_t *e = NULL;
	size_t sz = 0;

	if (libevtx_record_get_utf8_xml_string_size(rec, &sz, &e) != 1 || sz < 2)
		goto err;
	if (sz + 1 > x->xml_cap) {
		char *nb = realloc(x->xml, sz + 1);

		if (!nb)
			return -ENOMEM;
		x->xml = nb;
		x->xml_cap = sz + 1;
	}
	if (libevtx_record_get_utf8_xml_string(rec, (uint8_t *)x->xml, sz, &e) != 1)
		goto err;
	x->xml[sz] = '\0';
	/* Names of System_ copies and the joined Data both fit in 2 * sz + 64. */
	if (2 * sz + 64 > x->sc_cap) {
		char *nb = realloc(x->scratch, 2 * sz + 64);

		if (!nb)
			return -ENOMEM;
		x->scratch = nb;
		x->sc_cap = 2 * sz + 64;
	}
	return 0;
err:
	libevtx_error_free(&e);
	return -EBADMSG;
}

static int cmp_id(const void *a, const void *b)
{
	uint64_t u = *(const uint64_t *)a, v = *(const uint64_t *)b;

	return u < v ? -1 : u > v;
}

/*
 * Next record into ev: allocated records, then (when enabled) recovered
 * ones that are not copies of allocated ones. Unreadable records are
 * skipped and counted. Returns 0, -ENODATA at the end, or -ENOMEM.
 */
int ag_evtx_next(struct ag_evtx *x, struct ag_event *ev)
{
	libevtx_error_t *e = NULL;

	ag_event_reset(ev);
	for (;;) {
		libevtx_record_t *rec = NULL;
		bool recov = x->next >= x->nrec;
		int idx = recov ? x->next - x->nrec : x->next, rc, err;
		uint64_t id = 0;

		if (recov && (!x->recovered || idx >= x->nrecov))
			return -ENODATA;
		x->next++;
		if (recov && !x->ids_sorted) {
			if (x->nids)
				qsort(x->ids, x->nids, sizeof(*x->ids), cmp_id);
			x->ids_sorted = true;
		}
		rc = recov ? libevtx_file_get_recovered_record_by_index(x->file, idx, &rec, &e)
			   : libevtx_file_get_record_by_index(x->file, idx, &rec, &e);
		if (rc != 1) {
			libevtx_error_free(&e);
			x->st.bad++;
			continue;
		}
		if (libevtx_record_get_identifier(rec, &id, &e) != 1)
			libevtx_error_free(&e);
		if (recov) {
			if (x->nids && bsearch(&id, x->ids, x->nids, sizeof(*x->ids), cmp_id)) {
				libevtx_record_free(&rec, NULL);
				x->st.duplicates++;
				continue;
			}
		} else if (x->recovered) {
			if (x->nids == x->ids_cap) {
				size_t ncap = x->ids_cap ? 2 * x->ids_cap : 1024;
				uint64_t *n = reallocarray(x->ids, ncap, sizeof(*n));

				if (n) {
					x->ids = n;
					x->ids_cap = ncap;
				}
			}
			if (x->nids < x->ids_cap)
				x->ids[x->nids++] = id;
		}
		err = render(x, rec);
		libevtx_record_free(&rec, NULL);
		if (err == -ENOMEM)
			return err;
		if (err) { /* no XML: scratch may not even exist yet */
			x->st.bad++;
			continue;
		}
		memset(x->sys, 0, sizeof(x->sys));
		x->nents = 0;
		x->nleaves = 0;
		x->dropped = 0;
		/* scratch[0] is the empty string of a missing Channel. */
		x->scratch[0] = '\0';
		x->sc_used = 1;
		if (ag_evtx_parse_xml(x, x->xml)) {
			x->st.bad++;
			continue;
		}
		ag_evtx_fill(x, ev);
		ev->seq = (uint64_t)x->next;
		ev->raw = NULL;
		ev->raw_len = 0;
		x->st.events++;
		return 0;
	}
}
