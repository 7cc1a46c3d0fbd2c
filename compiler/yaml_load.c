// SPDX-License-Identifier: Apache-2.0
/*
 * YAML loader: libyaml's event stream turned into struct sc_node trees, one
 * per document, with positions. The tree is built by recursive descent over
 * the events; anchors are per document and aliases share the anchored node
 * (the tree is immutable, so sharing is safe). Every node carries a weight,
 * the number of nodes reachable from it counting shared ones each time they
 * are reached, so that an alias bomb is refused before any later phase
 * walks it.
 */
#include "yaml_load.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "arena.h"
#include "utf8.h"

struct anchor {
	const char *name;
	struct sc_node *node;
	uint64_t weight;
};

struct loader {
	struct sc_arena *a;
	struct sc_diags *d;
	struct sc_yaml_file *f;
	yaml_parser_t p;
	size_t *doc_diag;	/* diagnostic ranges of the kept documents (heap) */
	struct anchor *anchors; /* current document's anchors (heap) */
	size_t nanchors, capanchors;
	bool failed; /* error already reported; unwind */
};

/* Scratch vector of node pointers while a collection is being read. */
struct nodevec {
	struct sc_node **v;
	size_t n, cap;
};

static void nodevec_push(struct nodevec *nv, struct sc_node *n)
{
	if (nv->n == nv->cap) {
		nv->cap = nv->cap ? 2 * nv->cap : 8;
		nv->v = sc_xreallocarray(nv->v, nv->cap, sizeof(*nv->v));
	}
	nv->v[nv->n++] = n;
}

static struct sc_pos mark_pos(yaml_mark_t m)
{
	struct sc_pos p = {(uint32_t)m.line + 1, (uint32_t)m.column + 1};

	return p;
}

/* Build the table of line starts. Breaks are those of YAML 1.1 (libyaml). */
static void build_lines(struct sc_arena *a, struct sc_yaml_file *f)
{
	const uint8_t *s = f->src;
	size_t i, n = 1;
	uint32_t *off;

	for (i = 0; i < f->len; i++) {
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= f->len || s[i + 1] != '\n')))
			n++;
		else if (s[i] == 0xC2 && i + 1 < f->len && s[i + 1] == 0x85)
			n++;
		else if (s[i] == 0xE2 && i + 2 < f->len && s[i + 1] == 0x80 &&
			 (s[i + 2] == 0xA8 || s[i + 2] == 0xA9))
			n++;
	}
	off = sc_arena_array(a, n, sizeof(*off));
	n = 1;
	off[0] = 0;
	for (i = 0; i < f->len; i++) {
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= f->len || s[i + 1] != '\n'))) {
			off[n++] = (uint32_t)(i + 1);
		} else if (s[i] == 0xC2 && i + 1 < f->len && s[i + 1] == 0x85) {
			off[n++] = (uint32_t)(i + 2);
			i += 1;
		} else if (s[i] == 0xE2 && i + 2 < f->len && s[i + 1] == 0x80 &&
			   (s[i + 2] == 0xA8 || s[i + 2] == 0xA9)) {
			off[n++] = (uint32_t)(i + 3);
			i += 2;
		}
	}
	f->line_off = off;
	f->nlines = (uint32_t)n;
}

/* Position of a byte offset (for reader errors, which report bytes). */
static struct sc_pos offset_pos(const struct sc_yaml_file *f, size_t off)
{
	uint32_t lo = 0, hi = f->nlines;
	struct sc_pos p;

	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (f->line_off[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	p.line = lo + 1;
	p.col = 1 + (uint32_t)sc_utf8_count(f->src + f->line_off[lo], off - f->line_off[lo]);
	return p;
}

/* Byte offset of a position (column counted in code points). */
static size_t pos_offset(const struct sc_yaml_file *f, struct sc_pos p)
{
	size_t off, end;
	uint32_t c;

	if (p.line == 0 || p.line > f->nlines)
		return f->len;
	off = f->line_off[p.line - 1];
	end = p.line < f->nlines ? f->line_off[p.line] : f->len;
	for (c = 1; c < p.col && off < end; c++) {
		size_t k;

		sc_utf8_decode(f->src + off, end - off, &k);
		off += k;
	}
	return off;
}

static void report_parser_error(struct loader *L)
{
	yaml_parser_t *p = &L->p;
	const char *problem = p->problem ? p->problem : "malformed YAML";
	struct sc_pos pos;

	L->failed = true;
	L->f->failed = true;
	if (p->error == YAML_READER_ERROR) {
		size_t off = 0, k;

		/* libyaml reports where it noticed; name the sequence that is wrong. */
		while (off < L->f->len) {
			if (sc_utf8_decode(L->f->src + off, L->f->len - off, &k) == SC_UTF8_INVALID)
				break;
			off += k;
		}
		if (off < L->f->len) {
			pos = offset_pos(L->f, off);
			sc_diag(L->d, SC_E_YAML_BAD_UTF8, L->f->path, pos,
				"invalid UTF-8: byte 0x%02x does not start a valid sequence",
				L->f->src[off]);
		} else {
			pos = offset_pos(L->f, p->problem_offset);
			sc_diag(L->d, SC_E_YAML_BAD_UTF8, L->f->path, pos, "%s (byte 0x%02x)",
				problem,
				p->problem_value >= 0 ? (unsigned)p->problem_value & 0xffu : 0u);
		}
		return;
	}
	if (p->error == YAML_MEMORY_ERROR)
		sc_oom();
	pos = mark_pos(p->problem_mark);
	if (p->context)
		sc_diag(L->d, SC_E_YAML_SYNTAX, L->f->path, pos, "%s %s (line %u)", problem,
			p->context, (unsigned)p->context_mark.line + 1);
	else
		sc_diag(L->d, SC_E_YAML_SYNTAX, L->f->path, pos, "%s", problem);
}

static bool next_event(struct loader *L, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&L->p, ev)) {
		report_parser_error(L);
		return false;
	}
	return true;
}

static const char *resolve_tag(struct loader *L, const yaml_char_t *tag)
{
	if (!tag)
		return NULL;
	return sc_arena_strdup(L->a, (const char *)tag);
}

static void add_anchor(struct loader *L, const yaml_char_t *name, struct sc_node *n, uint64_t w)
{
	if (!name)
		return;
	if (L->nanchors == L->capanchors) {
		L->capanchors = L->capanchors ? 2 * L->capanchors : 8;
		L->anchors = sc_xreallocarray(L->anchors, L->capanchors, sizeof(*L->anchors));
	}
	/* A redefined anchor shadows the earlier one: search from the end. */
	L->anchors[L->nanchors].name = sc_arena_strdup(L->a, (const char *)name);
	L->anchors[L->nanchors].node = n;
	L->anchors[L->nanchors].weight = w;
	L->nanchors++;
}

static int key_cmp(const void *pa, const void *pb)
{
	const struct sc_node *a = *(struct sc_node *const *)pa;
	const struct sc_node *b = *(struct sc_node *const *)pb;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->str, b->str, n);

	if (c)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	/* Equal keys: order by position so the later one is reported. */
	if (a->pos.line != b->pos.line)
		return a->pos.line < b->pos.line ? -1 : 1;
	return a->pos.col < b->pos.col ? -1 : (a->pos.col > b->pos.col);
}

static bool key_eq(const struct sc_node *a, const struct sc_node *b)
{
	return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
}

/* Report every key that repeats an earlier key of the same mapping. */
static void check_duplicates(struct loader *L, struct sc_node *map)
{
	struct sc_node **sorted;
	size_t i, j;

	if (map->n < 2)
		return;
	if (map->n <= 16) {
		for (i = 1; i < map->n; i++)
			for (j = 0; j < i; j++)
				if (key_eq(map->keys[i], map->keys[j])) {
					sc_diag(L->d, SC_E_YAML_DUPLICATE_KEY, L->f->path,
						map->keys[i]->pos,
						"duplicate key '%s' (first at line %u)",
						map->keys[i]->str, map->keys[j]->pos.line);
					break;
				}
		return;
	}
	sorted = sc_xreallocarray(NULL, map->n, sizeof(*sorted));
	memcpy(sorted, map->keys, map->n * sizeof(*sorted));
	qsort(sorted, map->n, sizeof(*sorted), key_cmp);
	for (i = 1; i < map->n; i++)
		if (key_eq(sorted[i], sorted[i - 1]))
			sc_diag(L->d, SC_E_YAML_DUPLICATE_KEY, L->f->path, sorted[i]->pos,
				"duplicate key '%s' (first at line %u)", sorted[i]->str,
				sorted[i - 1]->pos.line);
	free(sorted);
}

static bool has_key(const struct nodevec *keys, const struct sc_node *k)
{
	size_t i;

	for (i = 0; i < keys->n; i++)
		if (key_eq(keys->v[i], k))
			return true;
	return false;
}

/* YAML 1.1 merge key "<<": add the entries of src not already present. */
static void merge_into(struct nodevec *keys, struct nodevec *vals, const struct sc_node *src)
{
	size_t i;

	for (i = 0; i < src->n; i++) {
		if (has_key(keys, src->keys[i]))
			continue;
		nodevec_push(keys, src->keys[i]);
		nodevec_push(vals, src->items[i]);
	}
}

static bool is_merge_key(const struct sc_node *k)
{
	return k->style == SC_STYLE_PLAIN && !k->tag && k->len == 2 && memcmp(k->str, "<<", 2) == 0;
}

static struct sc_node *parse_node(struct loader *L, yaml_event_t *ev, int depth, uint64_t *ret_w);

static struct sc_node *parse_scalar(struct loader *L, yaml_event_t *ev)
{
	struct sc_node *n = sc_arena_alloc(L->a, sizeof(*n));

	n->kind = SC_NODE_SCALAR;
	switch (ev->data.scalar.style) {
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
		n->style = SC_STYLE_SINGLE;
		break;
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		n->style = SC_STYLE_DOUBLE;
		break;
	case YAML_LITERAL_SCALAR_STYLE:
		n->style = SC_STYLE_LITERAL;
		break;
	case YAML_FOLDED_SCALAR_STYLE:
		n->style = SC_STYLE_FOLDED;
		break;
	default:
		n->style = SC_STYLE_PLAIN;
	}
	n->pos = mark_pos(ev->start_mark);
	n->end = mark_pos(ev->end_mark);
	n->tag = resolve_tag(L, ev->data.scalar.tag);
	n->len = ev->data.scalar.length;
	n->str = sc_arena_strndup(L->a, (const char *)ev->data.scalar.value, n->len);
	return n;
}

static struct sc_node *parse_seq(struct loader *L, yaml_event_t *start, int depth, uint64_t *ret_w)
{
	struct sc_node *n = sc_arena_alloc(L->a, sizeof(*n));
	struct nodevec items = {0};
	uint64_t w = 1;

	n->kind = SC_NODE_SEQ;
	n->pos = mark_pos(start->start_mark);
	n->tag = resolve_tag(L, start->data.sequence_start.tag);
	for (;;) {
		yaml_event_t ev;
		struct sc_node *item;
		uint64_t iw;

		if (!next_event(L, &ev))
			goto out_fail;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			n->end = mark_pos(ev.end_mark);
			yaml_event_delete(&ev);
			break;
		}
		item = parse_node(L, &ev, depth + 1, &iw);
		yaml_event_delete(&ev);
		if (!item)
			goto out_fail;
		w += iw;
		if (w > SC_YAML_MAX_WEIGHT) {
			sc_diag(L->d, SC_E_YAML_ALIAS, L->f->path, n->pos,
				"document expands to more than %u nodes (alias bomb?)",
				SC_YAML_MAX_WEIGHT);
			goto out_fail;
		}
		nodevec_push(&items, item);
	}
	n->n = items.n;
	n->items = sc_arena_array(L->a, items.n, sizeof(*n->items));
	if (items.n)
		memcpy(n->items, items.v, items.n * sizeof(*n->items));
	free(items.v);
	*ret_w = w;
	return n;
out_fail:
	L->failed = true;
	L->f->failed = true;
	free(items.v);
	return NULL;
}

static struct sc_node *parse_map(struct loader *L, yaml_event_t *start, int depth, uint64_t *ret_w)
{
	struct sc_node *n = sc_arena_alloc(L->a, sizeof(*n));
	struct nodevec keys = {0}, vals = {0}, merges = {0};
	uint64_t w = 1;
	size_t i;

	n->kind = SC_NODE_MAP;
	n->pos = mark_pos(start->start_mark);
	n->tag = resolve_tag(L, start->data.mapping_start.tag);
	for (;;) {
		yaml_event_t ev;
		struct sc_node *k, *v;
		uint64_t kw, vw;

		if (!next_event(L, &ev))
			goto out_fail;
		if (ev.type == YAML_MAPPING_END_EVENT) {
			n->end = mark_pos(ev.end_mark);
			yaml_event_delete(&ev);
			break;
		}
		k = parse_node(L, &ev, depth + 1, &kw);
		yaml_event_delete(&ev);
		if (!k)
			goto out_fail;
		if (!next_event(L, &ev))
			goto out_fail;
		v = parse_node(L, &ev, depth + 1, &vw);
		yaml_event_delete(&ev);
		if (!v)
			goto out_fail;
		if (k->kind != SC_NODE_SCALAR) {
			sc_diag(L->d, SC_E_YAML_COMPLEX_KEY, L->f->path, k->pos,
				"mapping key is a %s; Sigma keys are plain strings",
				sc_node_type_name(k));
			goto out_fail;
		}
		w += kw + vw;
		if (w > SC_YAML_MAX_WEIGHT) {
			sc_diag(L->d, SC_E_YAML_ALIAS, L->f->path, n->pos,
				"document expands to more than %u nodes (alias bomb?)",
				SC_YAML_MAX_WEIGHT);
			goto out_fail;
		}
		if (is_merge_key(k) && (v->kind == SC_NODE_MAP || v->kind == SC_NODE_SEQ)) {
			nodevec_push(&merges, v);
			continue;
		}
		nodevec_push(&keys, k);
		nodevec_push(&vals, v);
	}
	n->n = keys.n;
	n->keys = keys.v;
	check_duplicates(L, n);
	/* Explicit keys win over merged ones; earlier merge sources over later. */
	for (i = 0; i < merges.n; i++) {
		const struct sc_node *m = merges.v[i];
		size_t j;

		if (m->kind == SC_NODE_MAP) {
			merge_into(&keys, &vals, m);
			continue;
		}
		for (j = 0; j < m->n; j++) {
			if (m->items[j]->kind != SC_NODE_MAP) {
				sc_diag(L->d, SC_E_YAML_SYNTAX, L->f->path, m->items[j]->pos,
					"merge key '<<' needs mappings");
				goto out_fail_nokeys;
			}
			merge_into(&keys, &vals, m->items[j]);
		}
	}
	n->n = keys.n;
	n->keys = sc_arena_array(L->a, keys.n, sizeof(*n->keys));
	n->items = sc_arena_array(L->a, vals.n, sizeof(*n->items));
	if (keys.n) {
		memcpy(n->keys, keys.v, keys.n * sizeof(*n->keys));
		memcpy(n->items, vals.v, vals.n * sizeof(*n->items));
	}
	free(keys.v);
	free(vals.v);
	free(merges.v);
	*ret_w = w;
	return n;
out_fail_nokeys:
	n->keys = NULL;
	n->n = 0;
out_fail:
	L->failed = true;
	L->f->failed = true;
	free(keys.v);
	free(vals.v);
	free(merges.v);
	return NULL;
}

/*
 * Read the node that starts with event ev (owned by the caller). Returns
 * the node, or NULL after reporting an error.
 */
static struct sc_node *parse_node(struct loader *L, yaml_event_t *ev, int depth, uint64_t *ret_w)
{
	struct sc_node *n = NULL;
	const yaml_char_t *anchor = NULL;
	size_t i;

	*ret_w = 1;
	if (depth > SC_YAML_MAX_DEPTH) {
		sc_diag(L->d, SC_E_YAML_DEPTH, L->f->path, mark_pos(ev->start_mark),
			"nesting deeper than %d levels", SC_YAML_MAX_DEPTH);
		L->failed = true;
		L->f->failed = true;
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		n = parse_scalar(L, ev);
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		n = parse_seq(L, ev, depth, ret_w);
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		n = parse_map(L, ev, depth, ret_w);
		break;
	case YAML_ALIAS_EVENT:
		for (i = L->nanchors; i > 0; i--) {
			struct anchor *an = &L->anchors[i - 1];

			if (strcmp(an->name, (const char *)ev->data.alias.anchor) == 0) {
				*ret_w = an->weight;
				return an->node;
			}
		}
		sc_diag(L->d, SC_E_YAML_ALIAS, L->f->path, mark_pos(ev->start_mark),
			"undefined alias '*%s'", (const char *)ev->data.alias.anchor);
		L->failed = true;
		L->f->failed = true;
		return NULL;
	default:
		sc_diag(L->d, SC_E_INTERNAL, L->f->path, mark_pos(ev->start_mark),
			"unexpected YAML event %d", (int)ev->type);
		L->failed = true;
		L->f->failed = true;
		return NULL;
	}
	if (n)
		add_anchor(L, anchor, n, *ret_w);
	return n;
}

/* Read one document after its DOCUMENT-START event. Returns false to stop. */
static bool parse_document(struct loader *L, struct nodevec *docs, yaml_event_t *start)
{
	struct sc_pos pos = mark_pos(start->start_mark);
	size_t first = sc_diag_mark(L->d);
	struct sc_node *root = NULL;
	yaml_event_t ev;
	uint64_t w;

	L->nanchors = 0;
	if (!next_event(L, &ev))
		return false;
	if (ev.type == YAML_DOCUMENT_END_EVENT) {
		yaml_event_delete(&ev);
		return true;
	}
	root = parse_node(L, &ev, 0, &w);
	yaml_event_delete(&ev);
	if (!root)
		return false;
	if (!next_event(L, &ev))
		return false;
	yaml_event_delete(&ev); /* DOCUMENT-END */
	if (root->kind == SC_NODE_SCALAR && sc_scalar_type(root) == SC_SCALAR_NULL) {
		/* "---" with nothing (or only comments) after it, e.g. a trailing one. */
		sc_diag(L->d, SC_W_EMPTY_DOC, L->f->path, pos, "empty YAML document ignored");
		return true;
	}
	L->doc_diag = sc_xreallocarray(L->doc_diag, 2 * (docs->n + 1), sizeof(*L->doc_diag));
	L->doc_diag[2 * docs->n] = first;
	L->doc_diag[2 * docs->n + 1] = sc_diag_mark(L->d);
	nodevec_push(docs, root);
	return true;
}

int sc_yaml_load(struct sc_arena *a, struct sc_diags *d, const char *path, const uint8_t *src,
		 size_t len, struct sc_yaml_file **ret)
{
	struct sc_yaml_file *f = sc_arena_alloc(a, sizeof(*f));
	struct nodevec docs = {0};
	struct loader L;
	uint8_t *copy;
	size_t i;

	memset(&L, 0, sizeof(L));
	L.a = a;
	L.d = d;
	L.f = f;
	f->path = sc_arena_strdup(a, path);
	f->rel = f->path;
	/* A UTF-8 byte order mark is not content: columns start after it. */
	if (len >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF) {
		src += 3;
		len -= 3;
	}
	copy = sc_arena_alloc(a, len + 1);
	if (len)
		memcpy(copy, src, len);
	f->src = copy;
	f->len = len;
	build_lines(a, f);

	if (!yaml_parser_initialize(&L.p))
		sc_oom();
	yaml_parser_set_encoding(&L.p, YAML_UTF8_ENCODING);
	yaml_parser_set_input_string(&L.p, f->src, len);
	for (;;) {
		yaml_event_t ev;
		bool go_on;

		if (!next_event(&L, &ev))
			break;
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type != YAML_DOCUMENT_START_EVENT) {
			yaml_event_delete(&ev); /* STREAM-START */
			continue;
		}
		go_on = parse_document(&L, &docs, &ev);
		yaml_event_delete(&ev);
		if (!go_on)
			break;
	}
	yaml_parser_delete(&L.p);
	free(L.anchors);

	f->ndocs = (uint32_t)docs.n;
	f->docs = sc_arena_array(a, docs.n, sizeof(*f->docs));
	for (i = 0; i < docs.n; i++) {
		f->docs[i].root = docs.v[i];
		f->docs[i].pos = docs.v[i]->pos;
		f->docs[i].index = (uint32_t)i;
		f->docs[i].diag_first = L.doc_diag[2 * i];
		f->docs[i].diag_end = L.doc_diag[2 * i + 1];
	}
	free(docs.v);
	free(L.doc_diag);
	*ret = f;
	return 0;
}

struct sc_node *sc_node_get(const struct sc_node *map, const char *key)
{
	size_t i, kl;

	if (!map || map->kind != SC_NODE_MAP)
		return NULL;
	kl = strlen(key);
	for (i = 0; i < map->n; i++)
		if (map->keys[i]->len == kl && memcmp(map->keys[i]->str, key, kl) == 0)
			return map->items[i];
	return NULL;
}

struct sc_node *sc_node_key(const struct sc_node *map, const char *key)
{
	size_t i, kl;

	if (!map || map->kind != SC_NODE_MAP)
		return NULL;
	kl = strlen(key);
	for (i = 0; i < map->n; i++)
		if (map->keys[i]->len == kl && memcmp(map->keys[i]->str, key, kl) == 0)
			return map->keys[i];
	return NULL;
}

bool sc_node_is(const struct sc_node *n, const char *s)
{
	return n && n->kind == SC_NODE_SCALAR && n->len == strlen(s) && memcmp(n->str, s, n->len) == 0;
}

/* Value bytes produced by a double-quoted escape starting at raw[0] == '\\'. */
static size_t dq_escape(const uint8_t *raw, size_t avail, size_t *ret_rawlen)
{
	uint32_t cp = 0;
	size_t hex = 0, i;
	uint8_t tmp[4];

	if (avail < 2) {
		*ret_rawlen = avail;
		return 0;
	}
	switch (raw[1]) {
	case 'x':
		hex = 2;
		break;
	case 'u':
		hex = 4;
		break;
	case 'U':
		hex = 8;
		break;
	case 'N':
	case '_':
		*ret_rawlen = 2;
		return 2;
	case 'L':
	case 'P':
		*ret_rawlen = 2;
		return 3;
	default:
		*ret_rawlen = 2;
		return 1;
	}
	for (i = 0; i < hex && 2 + i < avail; i++) {
		uint8_t c = raw[2 + i];

		cp = cp * 16 + (uint32_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	*ret_rawlen = 2 + hex;
	if (cp > 0x10FFFF)
		return 1;
	return sc_utf8_encode(cp, tmp);
}

/*
 * Plain multi-line and block scalars: walk the value and the source side by
 * side. Folding turns line breaks and indentation into one space or '\n';
 * everything else is copied, so the two only part where the source has
 * white space the value does not.
 */
static struct sc_pos align_pos(const struct sc_yaml_file *f, const struct sc_node *n, size_t off)
{
	size_t si = pos_offset(f, n->pos), vi = 0;

	if (n->style == SC_STYLE_LITERAL || n->style == SC_STYLE_FOLDED) {
		/* Content starts on the line after the '|' or '>' indicator line. */
		while (si < f->len && f->src[si] != '\n')
			si++;
	}
	while (vi < off && si < f->len) {
		uint8_t v = (uint8_t)n->str[vi], c = f->src[si];

		if (c == v) {
			si++;
			vi++;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			si++;
			if (v == ' ' || v == '\n')
				vi++;
			while (si < f->len && (f->src[si] == ' ' || f->src[si] == '\t' ||
					       f->src[si] == '\n' || f->src[si] == '\r'))
				si++;
			continue;
		}
		return n->pos; /* source and value disagree: give the scalar's start */
	}
	while (si < f->len && (f->src[si] == ' ' || f->src[si] == '\t' || f->src[si] == '\n' ||
			       f->src[si] == '\r'))
		si++;
	return offset_pos(f, si);
}

struct sc_pos sc_node_value_pos(const struct sc_yaml_file *f, const struct sc_node *n, size_t off)
{
	struct sc_pos p = n->pos;
	size_t ri, vi = 0, end;

	if (n->kind != SC_NODE_SCALAR || off > n->len)
		return p;
	if (n->style == SC_STYLE_LITERAL || n->style == SC_STYLE_FOLDED ||
	    (n->style == SC_STYLE_PLAIN && n->pos.line != n->end.line))
		return align_pos(f, n, off);
	if (n->pos.line != n->end.line)
		return p;
	if (n->style == SC_STYLE_PLAIN) {
		p.col += (uint32_t)sc_utf8_count((const uint8_t *)n->str, off);
		return p;
	}
	ri = pos_offset(f, n->pos) + 1; /* after the opening quote */
	end = f->len;
	p.col++;
	while (vi < off && ri < end) {
		size_t k;

		if (n->style == SC_STYLE_SINGLE && f->src[ri] == '\'' && ri + 1 < end &&
		    f->src[ri + 1] == '\'') {
			ri += 2;
			vi += 1;
			p.col += 2;
			continue;
		}
		if (n->style == SC_STYLE_DOUBLE && f->src[ri] == '\\') {
			size_t produced = dq_escape(f->src + ri, end - ri, &k);

			if (vi + produced > off)
				break;
			ri += k;
			vi += produced;
			p.col += (uint32_t)k;
			continue;
		}
		sc_utf8_decode(f->src + ri, end - ri, &k);
		ri += k;
		vi += k;
		p.col++;
	}
	return p;
}
