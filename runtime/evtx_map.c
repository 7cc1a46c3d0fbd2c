// SPDX-License-Identifier: Apache-2.0
/*
 * EVTX reader (evtx.h): the rendered XML of a record mapped to the
 * event's fields (evtx.c reads the records and renders them).
 *
 * The XML is parsed with a small tokenizer that only knows what libevtx's
 * renderer emits: start tags with attributes, end tags, empty-element
 * tags, text and the five named entities (comments, processing
 * instructions and CDATA sections are skipped). Text and attribute values
 * are entity-decoded in place (decoding only shrinks them, and never
 * writes past the end of the text being decoded, so the tokenizer can go
 * on); NULs are written after the values only once the whole record is
 * parsed.
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
 */
#include "evtx_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"

/* Depth of the XML element stack we track. */
#define XML_DEPTH 32

/* The System values' field names, by enum sys_key. */
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

/* A leaf element of EventData/UserData (depth >= 3), kept for ag_evtx_fill(). */
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
int ag_evtx_parse_xml(struct ag_evtx *x, char *p)
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

/* ---- fields ---- */

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

	/* a full event still takes a field with an id (ag_event_add) */
	if (x->lookup)
		id = x->lookup(x->ctx, en->name, en->name_len);
	ag_event_add(ev, en->name, en->name_len, en->val, en->val_len, flags, id);
}

/*
 * Build the event from the parsed record: the System values in the JSONL
 * order (Channel always), then the data values as dict assignments, then
 * the joined unnamed Data.
 */
void ag_evtx_fill(struct ag_evtx *x, struct ag_event *ev)
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
