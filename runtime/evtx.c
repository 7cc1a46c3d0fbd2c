// SPDX-License-Identifier: Apache-2.0
/*
 * EVTX reader (evtx.h) on top of libevtx.
 *
 * Design. libevtx renders each record as the XML text Windows would show
 * (libevtx_record_get_utf8_xml_string). We copy it into one reused buffer
 * and parse it with a small tokenizer that only knows what that renderer
 * emits: start tags with attributes, end tags, empty-element tags, text
 * and the five named entities (comments, processing instructions and CDATA
 * sections are skipped). Text and
 * attribute values are entity-decoded in place (decoding only shrinks them,
 * and never writes past the end of the text being decoded, so the tokenizer
 * can go on); NULs are written after the values only once the whole record
 * is parsed. So no allocation per record of our own: the XML buffer and a
 * scratch buffer (for "System_<key>" names and the joined unnamed Data) grow
 * to the largest record and are reused. libevtx allocates its record object
 * internally; that is outside our control.
 *
 * The field set mirrors the JSONL conversion of the datasets, which was
 * checked key by key against this reader (tests/unit/test-readers.c):
 * System values in a fixed order; EventData/UserData leaf elements at any
 * depth (`Data Name=` under its name, other leaves under their tag name);
 * other sections (ProcessingErrorData, ...) ignored; unnamed Data texts
 * joined with ' ' skipping empty ones; key collisions resolved as a Python
 * dict would (the new value takes the key, the old one moves to
 * System_<key>). Hexadecimal integers are rendered by libevtx zero-padded
 * to 8 or 16 digits (0x00001410) where Windows and the JSONL have 0x1410:
 * a data value of exactly 0x + 8 or 16 hex digits with a leading zero is
 * printed without the leading zeros, in lower case. A string that happens
 * to look the same (rare; none in the datasets) is changed too.
 *
 * Not here: routing (route.c), the Channel/EventID meaning.
 */
#include "evtx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libevtx.h>

#include "event.h"

/* Entries per record before fields are dropped (unnamed Data pieces count). */
#define ENT_MAX (2 * AG_MAX_EVENT_FIELDS)
/* Depth of the XML element stack we track. */
#define XML_DEPTH 32

enum ent_flags {
	ENT_DATA = 1u << 0,    /* an EventData/UserData value (hex normalised) */
	ENT_UNNAMED = 1u << 1, /* a piece of the unnamed Data text */
	ENT_NUMBER = 1u << 2,  /* AG_V_NUMBER */
};

/* One field of the record being built. */
struct ent {
	const char *name;
	char *val; /* in xml[] (not yet NUL-terminated) or in scratch[] */
	uint32_t name_len;
	uint32_t val_len;
	uint32_t flags; /* enum ent_flags */
};

/* The System values, by JSONL key order. */
enum sys_key {
	SYS_EVENTID,
	SYS_CHANNEL,
	SYS_PROVIDER,
	SYS_PROVIDER_NAME,
	SYS_TIMECREATED,
	SYS_COMPUTER,
	SYS_EVENTRECORDID,
	SYS_LEVEL,
	SYS_TASK,
	SYS_OPCODE,
	SYS_KEYWORDS,
	SYS_VERSION,
	SYS_EXEC_PID,
	SYS_EXEC_TID,
	SYS_USERID,
	_SYS_MAX,
};

static const char *const sys_names[_SYS_MAX] = {
	[SYS_EVENTID] = "EventID",
	[SYS_CHANNEL] = "Channel",
	[SYS_PROVIDER] = "Provider",
	[SYS_PROVIDER_NAME] = "Provider_Name",
	[SYS_TIMECREATED] = "TimeCreated",
	[SYS_COMPUTER] = "Computer",
	[SYS_EVENTRECORDID] = "EventRecordID",
	[SYS_LEVEL] = "Level",
	[SYS_TASK] = "Task",
	[SYS_OPCODE] = "Opcode",
	[SYS_KEYWORDS] = "Keywords",
	[SYS_VERSION] = "Version",
	[SYS_EXEC_PID] = "Execution_ProcessID",
	[SYS_EXEC_TID] = "Execution_ThreadID",
	[SYS_USERID] = "Security_UserID",
};

struct ag_evtx {
	libevtx_file_t *file;
	uint32_t (*lookup)(void *ctx, const char *name, size_t len);
	void *ctx;
	int nrec;	 /* allocated records */
	int nrecov;	 /* recovered records */
	int next;	 /* next position: [0, nrec) allocated, then recovered */
	bool recovered;	 /* return recovered records */
	uint64_t *ids;	 /* identifiers of the allocated records read (owned) */
	size_t nids;	 /* used entries of ids[] */
	size_t ids_cap;	 /* entries allocated */
	bool ids_sorted; /* ids[] sorted for the recovered pass */

	char *xml;	  /* XML of the current record (owned) */
	size_t xml_cap;	  /* bytes allocated */
	char *scratch;	  /* System_ names, joined Data (owned) */
	size_t sc_cap;	  /* bytes allocated */
	size_t sc_used;	  /* bytes used for the current record */
	struct ent *leaves; /* EventData/UserData values in document order (owned) */
	uint32_t nleaves;
	struct ent *ents; /* the fields, collisions resolved (owned) */
	uint32_t nents;
	uint32_t dropped; /* entries beyond ENT_MAX in this record */
	struct {
		char *s;
		uint32_t n;
		bool set;
	} sys[_SYS_MAX];

	struct ag_evtx_stats st;
};

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
	int fd, err, rc;

	if (!ret || !path || (opts && opts->recovered >= _AG_EVTX_RECOVERED_MAX))
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		set_err(errbuf, errlen, "cannot open", path, NULL);
		return err;
	}
	close(fd);
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

/* ---- XML ---- */

static char *scratch_alloc(struct ag_evtx *x, size_t n)
{
	char *p;

	if (n > x->sc_cap - x->sc_used)
		return NULL;
	p = x->scratch + x->sc_used;
	x->sc_used += n;
	return p;
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * Decode the five named entities of [s, s + n) in place (libevtx writes no
 * other references); returns the new length. Anything else is kept.
 */
static uint32_t xml_unescape(char *s, uint32_t n)
{
	static const struct {
		const char *ent;
		uint8_t len;
		char ch;
	} named[] = {{"&lt;", 4, '<'},	   {"&gt;", 4, '>'},	 {"&amp;", 5, '&'},
		     {"&quot;", 6, '"'}, {"&apos;", 6, '\''}};
	char *o, *e = s + n, *q = memchr(s, '&', n);
	size_t i;

	if (!q)
		return n;
	for (o = q; q < e;) {
		for (i = 0; *q == '&' && i < sizeof(named) / sizeof(named[0]); i++)
			if ((size_t)(e - q) >= named[i].len && !memcmp(q, named[i].ent, named[i].len))
				break;
		if (*q == '&' && i < sizeof(named) / sizeof(named[0])) {
			*o++ = named[i].ch;
			q += named[i].len;
		} else {
			*o++ = *q++;
		}
	}
	return (uint32_t)(o - s);
}

static bool eq(const char *s, uint32_t n, const char *lit)
{
	return strlen(lit) == n && !memcmp(s, lit, n);
}

/* 0x + 8 or 16 hex digits with a leading zero: Windows' shorter form, in place. */
static void hex_normalise(struct ent *en)
{
	char *v = en->val;
	uint32_t n = en->val_len, i, z;

	if ((n != 10 && n != 18) || v[0] != '0' || v[1] != 'x' || v[2] != '0')
		return;
	for (i = 2; i < n; i++)
		if (hexval((unsigned char)v[i]) < 0)
			return;
	for (z = 2; z < n - 1 && v[z] == '0'; z++)
		;
	for (i = z; i < n; i++)
		if (v[i] >= 'A' && v[i] <= 'F')
			v[i] = (char)(v[i] - 'A' + 'a');
	v[z - 2] = '0';
	v[z - 1] = 'x';
	en->val = v + z - 2;
	en->val_len = n - (z - 2);
}

/* Add a data value under name, as a Python dict assignment would. */
static void put_data(struct ag_evtx *x, const char *name, uint32_t nlen, char *val, uint32_t vlen,
		     uint32_t flags)
{
	struct ent *old = NULL, *sys = NULL;
	uint32_t i;
	char *sn;

	for (i = 0; i < x->nents; i++) {
		struct ent *en = &x->ents[i];

		if (en->name_len != nlen || memcmp(en->name, name, nlen))
			continue;
		old = en;
		break;
	}
	if (old) {
		sn = scratch_alloc(x, 8 + (size_t)nlen);
		for (i = 0; sn && i < x->nents; i++) {
			struct ent *en = &x->ents[i];

			if (en->name_len == 7 + nlen && !memcmp(en->name, "System_", 7) &&
			    !memcmp(en->name + 7, name, nlen))
				sys = en;
		}
		if (sys) {
			x->sc_used -= 8 + (size_t)nlen;
		} else if (sn && x->nents < ENT_MAX) {
			memcpy(sn, "System_", 7);
			memcpy(sn + 7, name, nlen);
			sn[7 + nlen] = '\0';
			sys = &x->ents[x->nents++];
			sys->name = sn;
			sys->name_len = 7 + nlen;
		} else {
			x->dropped++;
		}
		if (sys) {
			sys->val = old->val;
			sys->val_len = old->val_len;
			sys->flags = old->flags;
		}
		old->val = val;
		old->val_len = vlen;
		old->flags = flags;
		return;
	}
	if (x->nents >= ENT_MAX) {
		x->dropped++;
		return;
	}
	old = &x->ents[x->nents++];
	old->name = name;
	old->name_len = nlen;
	old->val = val;
	old->val_len = vlen;
	old->flags = flags;
}

enum section { SEC_NONE, SEC_SYSTEM, SEC_DATA };

struct xel {
	const char *name; /* tag name in xml[] */
	uint32_t name_len;
	char *dname; /* Name="" attribute value, or NULL */
	uint32_t dname_len;
	char *text; /* start of the content */
	bool child; /* has child elements */
};

static void sys_set(struct ag_evtx *x, enum sys_key k, char *s, uint32_t n)
{
	x->sys[k].s = s;
	x->sys[k].n = n;
	x->sys[k].set = true;
}

/* An element of the System section, with its decoded text (may be empty). */
static void on_system(struct ag_evtx *x, const struct xel *el, char *text, uint32_t n)
{
	static const struct {
		const char *tag;
		enum sys_key k;
	} tags[] = {{"EventID", SYS_EVENTID},	    {"Version", SYS_VERSION},
		    {"Level", SYS_LEVEL},	    {"Task", SYS_TASK},
		    {"Opcode", SYS_OPCODE},	    {"Keywords", SYS_KEYWORDS},
		    {"EventRecordID", SYS_EVENTRECORDID}, {"Channel", SYS_CHANNEL},
		    {"Computer", SYS_COMPUTER}};
	size_t i;

	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (eq(el->name, el->name_len, tags[i].tag)) {
			sys_set(x, tags[i].k, text, n);
			return;
		}
}

/* An attribute of a System element. */
static void on_system_attr(struct ag_evtx *x, const char *tag, uint32_t tlen, const char *an,
			   uint32_t alen, char *v, uint32_t vlen)
{
	if (eq(tag, tlen, "Provider") && eq(an, alen, "Name")) {
		sys_set(x, SYS_PROVIDER, v, vlen);
		sys_set(x, SYS_PROVIDER_NAME, v, vlen);
	} else if (eq(tag, tlen, "TimeCreated") && eq(an, alen, "SystemTime")) {
		sys_set(x, SYS_TIMECREATED, v, vlen);
	} else if (eq(tag, tlen, "Execution") && eq(an, alen, "ProcessID")) {
		sys_set(x, SYS_EXEC_PID, v, vlen);
	} else if (eq(tag, tlen, "Execution") && eq(an, alen, "ThreadID")) {
		sys_set(x, SYS_EXEC_TID, v, vlen);
	} else if (eq(tag, tlen, "Security") && eq(an, alen, "UserID")) {
		sys_set(x, SYS_USERID, v, vlen);
	}
}

/* A leaf element of EventData/UserData (depth >= 3), kept for fill(). */
static void on_data_leaf(struct ag_evtx *x, const struct xel *el, char *text, uint32_t n)
{
	struct ent *en;

	if (x->nleaves >= ENT_MAX) {
		x->dropped++;
		return;
	}
	en = &x->leaves[x->nleaves++];
	en->val = text;
	en->val_len = n;
	en->flags = ENT_DATA;
	if (!eq(el->name, el->name_len, "Data")) {
		en->name = el->name;
		en->name_len = el->name_len;
	} else if (el->dname) {
		en->name = el->dname;
		en->name_len = el->dname_len;
	} else {
		en->name = NULL;
		en->name_len = 0;
		en->flags = ENT_UNNAMED;
	}
}

static bool is_name_char(unsigned char ch)
{
	return ch > ' ' && ch != '/' && ch != '>' && ch != '=' && ch != '<';
}

/* Parse the XML of one record into x->sys and x->ents. Returns 0 or -EBADMSG. */
static int parse_xml(struct ag_evtx *x, char *p)
{
	struct xel st[XML_DEPTH];
	enum section sec = SEC_NONE;
	int depth = 0; /* open elements */

	for (;;) {
		char *lt = strchr(p, '<'), *tag;
		uint32_t tlen;
		bool closing;

		if (!lt)
			return depth == 0 ? 0 : -EBADMSG;
		p = lt + 1;
		if (*p == '?' || *p == '!') {
			const char *close = !strncmp(p, "!--", 3)	  ? "-->"
					    : !strncmp(p, "![CDATA[", 8) ? "]]>"
									  : ">";
			char *q = strstr(p, close);

			if (!q)
				return -EBADMSG;
			p = q + strlen(close);
			continue;
		}
		closing = *p == '/';
		tag = p + closing;
		for (p = tag; is_name_char((unsigned char)*p); p++)
			;
		tlen = (uint32_t)(p - tag);
		if (!tlen)
			return -EBADMSG;
		if (closing) {
			struct xel *el;

			p = strchr(p, '>');
			if (!p || depth == 0)
				return -EBADMSG;
			p++;
			depth--;
			if (depth >= XML_DEPTH)
				continue;
			el = &st[depth];
			if (el->child)
				continue;
			if (el->name_len != tlen || memcmp(el->name, tag, tlen))
				return -EBADMSG;
			if (sec == SEC_SYSTEM && depth == 2)
				on_system(x, el, el->text, xml_unescape(el->text, (uint32_t)(lt - el->text)));
			else if (sec == SEC_DATA && depth >= 2)
				on_data_leaf(x, el, el->text, xml_unescape(el->text, (uint32_t)(lt - el->text)));
			continue;
		}
		/* A start tag: its parent now has a child. */
		if (depth > 0 && depth <= XML_DEPTH)
			st[depth - 1].child = true;
		if (depth == 1)
			sec = eq(tag, tlen, "System")	   ? SEC_SYSTEM
			      : eq(tag, tlen, "EventData") ? SEC_DATA
			      : eq(tag, tlen, "UserData")  ? SEC_DATA
							   : SEC_NONE;
		if (depth < XML_DEPTH)
			st[depth] = (struct xel){.name = tag, .name_len = tlen};
		/* Attributes: name="value" or name='value'. */
		for (;;) {
			char *an, *v, *vq;
			uint32_t alen, vlen;

			while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
				p++;
			if (*p == '>' || (p[0] == '/' && p[1] == '>'))
				break;
			an = p;
			while (is_name_char((unsigned char)*p))
				p++;
			alen = (uint32_t)(p - an);
			if (!alen || *p != '=' || (p[1] != '"' && p[1] != '\''))
				return -EBADMSG;
			vq = strchr(p + 2, p[1]);
			if (!vq)
				return -EBADMSG;
			v = p + 2;
			p = vq + 1;
			vlen = xml_unescape(v, (uint32_t)(vq - v));
			if (sec == SEC_SYSTEM && depth == 2)
				on_system_attr(x, tag, tlen, an, alen, v, vlen);
			else if (depth < XML_DEPTH && eq(an, alen, "Name")) {
				st[depth].dname = v;
				st[depth].dname_len = vlen;
			}
		}
		if (*p == '/') {
			/* <x/>: a leaf with no text. */
			p += 2;
			if (depth < XML_DEPTH) {
				if (sec == SEC_SYSTEM && depth == 2)
					on_system(x, &st[depth], p - 2, 0);
				else if (sec == SEC_DATA && depth >= 2)
					on_data_leaf(x, &st[depth], p - 2, 0);
			}
			continue;
		}
		p++;
		if (depth < XML_DEPTH)
			st[depth].text = p;
		depth++;
	}
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

static uint32_t nonascii(const char *s, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return AG_V_NONASCII;
	return 0;
}

/* Join the unnamed Data pieces into scratch; NULL when there are none. */
static struct ent *join_unnamed(struct ag_evtx *x, struct ent *out)
{
	uint32_t i, len = 0, k = 0;
	char *s;

	for (i = 0; i < x->nleaves; i++)
		if (x->leaves[i].flags & ENT_UNNAMED && x->leaves[i].val_len)
			len += x->leaves[i].val_len + (k++ ? 1 : 0);
	if (!k)
		return NULL;
	s = scratch_alloc(x, len + 1);
	if (!s)
		return NULL;
	out->name = "Data";
	out->name_len = 4;
	out->val = s;
	out->val_len = len;
	out->flags = 0;
	for (i = 0, k = 0; i < x->nleaves; i++) {
		struct ent *en = &x->leaves[i];

		if (!(en->flags & ENT_UNNAMED) || !en->val_len)
			continue;
		if (k++)
			*s++ = ' ';
		memcpy(s, en->val, en->val_len);
		s += en->val_len;
	}
	*s = '\0';
	return out;
}

static void add(struct ag_evtx *x, struct ag_event *ev, const struct ent *en)
{
	uint32_t flags = nonascii(en->val, en->val_len) | (en->flags & ENT_NUMBER ? AG_V_NUMBER : 0);
	uint32_t id = AG_FIELD_NONE;

	if (ev->nkv >= AG_MAX_EVENT_FIELDS) {
		ev->dropped++;
		return;
	}
	if (x->lookup)
		id = x->lookup(x->ctx, en->name, en->name_len);
	ag_event_add(ev, en->name, en->name_len, en->val, en->val_len, flags, id);
}

/*
 * Build the event from the parsed record: the System values in the JSONL
 * order (Channel always), then the data values as dict assignments, then
 * the joined unnamed Data.
 */
static void fill(struct ag_evtx *x, struct ag_event *ev)
{
	struct ent data;
	const struct ent *joined;
	uint32_t i;
	int k;

	for (k = 0; k < _SYS_MAX; k++) {
		if (!x->sys[k].set && k != SYS_CHANNEL)
			continue;
		x->ents[x->nents++] = (struct ent){
			.name = sys_names[k],
			.name_len = (uint32_t)strlen(sys_names[k]),
			.val = x->sys[k].set ? x->sys[k].s : x->scratch,
			.val_len = x->sys[k].n,
			.flags = k == SYS_EVENTID || k == SYS_EVENTRECORDID ? ENT_NUMBER : 0,
		};
	}
	for (i = 0; i < x->nleaves; i++) {
		struct ent *en = &x->leaves[i];

		if (en->flags & ENT_UNNAMED)
			continue;
		hex_normalise(en);
		put_data(x, en->name, en->name_len, en->val, en->val_len, 0);
	}
	joined = join_unnamed(x, &data);
	for (i = 0; i < x->nents; i++)
		add(x, ev, &x->ents[i]);
	if (joined)
		add(x, ev, joined);
	ev->dropped += x->dropped;
	/* Views into xml[] end with a NUL now that nothing is parsed any more. */
	for (i = 0; i < ev->nkv; i++) {
		const struct ag_kv *kv = &ev->kv[i];

		if (kv->val >= x->xml && kv->val < x->xml + x->xml_cap)
			((char *)kv->val)[kv->val_len] = '\0';
		if (kv->name >= x->xml && kv->name < x->xml + x->xml_cap)
			((char *)kv->name)[kv->name_len] = '\0';
	}
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
		if (parse_xml(x, x->xml)) {
			x->st.bad++;
			continue;
		}
		fill(x, ev);
		ev->seq = (uint64_t)x->next;
		ev->raw = NULL;
		ev->raw_len = 0;
		x->st.events++;
		return 0;
	}
}
