// SPDX-License-Identifier: Apache-2.0
/*
 * sem-cases: turns the `sigmac-tests` blocks of the semantics rules into
 * replayable events and the expectations that go with them.
 *
 *   sem-cases EVENTS.jsonl EXPECT.tsv FILE...
 *
 * Every rule document of FILE may carry a custom key
 *
 *   sigmac-tests:
 *       match:   [ {Field: value, ...}, ... ]   events the rule must match
 *       nomatch: [ {Field: value, ...}, ... ]   near misses it must not match
 *
 * Each event becomes one JSONL line: the rule's logsource as
 * logsource.product/category/service (how the replay router and the
 * interpreter route an event without a channel), then the fields in order.
 * Plain YAML numbers, booleans and nulls stay JSON numbers, booleans and
 * nulls; every other scalar is a JSON string; a nested map is a JSON object.
 * EXPECT.tsv gets one line per event: "SEQ\tRULE-ID\tmatch|nomatch\tFILE:LINE"
 * where SEQ is the 1-based line of the event in EVENTS.jsonl (the agent's
 * event.sequence). Exit status 0, or 1 with a message on a malformed block.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "yaml_load.h"

struct out {
	FILE *ev, *ex;
	unsigned long seq;
	int bad;
};

static void json_scalar(struct sc_buf *b, const struct sc_node *n)
{
	switch (sc_scalar_type(n)) {
	case SC_SCALAR_NULL:
		sc_buf_puts(b, "null");
		return;
	case SC_SCALAR_BOOL:
		sc_buf_puts(b, sc_scalar_bool(n) ? "true" : "false");
		return;
	case SC_SCALAR_INT:
	case SC_SCALAR_FLOAT:
		sc_buf_add(b, n->str, n->len);
		return;
	case SC_SCALAR_STR:
		break;
	}
	sc_buf_json_str(b, n->str, n->len);
}

static int json_map(struct sc_buf *b, const struct sc_node *m, const char *path, bool first)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		const struct sc_node *k = m->keys[i], *v = m->items[i];

		if (!first)
			sc_buf_puts(b, ",");
		first = false;
		sc_buf_json_str(b, k->str, k->len);
		sc_buf_puts(b, ":");
		if (v->kind == SC_NODE_MAP) {
			sc_buf_puts(b, "{");
			if (json_map(b, v, path, true))
				return -1;
			sc_buf_puts(b, "}");
		} else if (v->kind == SC_NODE_SCALAR) {
			json_scalar(b, v);
		} else {
			fprintf(stderr, "%s:%u:%u: sem-cases: lists are not supported in test events\n",
				path, v->pos.line, v->pos.col);
			return -1;
		}
	}
	return 0;
}

static void logsource(struct sc_buf *b, const struct sc_node *rule)
{
	static const char *const keys[] = {"product", "category", "service"};
	const struct sc_node *ls = sc_node_get(rule, "logsource");
	bool first = true;
	size_t i;

	sc_buf_puts(b, "{");
	for (i = 0; i < 3; i++) {
		const struct sc_node *v = sc_node_get(ls, keys[i]);

		if (!v || v->kind != SC_NODE_SCALAR)
			continue;
		sc_buf_puts(b, first ? "\"logsource." : ",\"logsource.");
		sc_buf_puts(b, keys[i]);
		sc_buf_puts(b, "\":");
		sc_buf_json_str(b, v->str, v->len);
		first = false;
	}
	if (first)
		sc_buf_puts(b, "\"sigmac.test\":true");
}

static void cases(struct out *o, const char *path, const struct sc_node *rule,
		  const struct sc_node *tests)
{
	static const char *const kinds[] = {"match", "nomatch"};
	const struct sc_node *id = sc_node_get(rule, "id");
	size_t k, i;

	if (!id || id->kind != SC_NODE_SCALAR) {
		fprintf(stderr, "%s:%u:%u: sem-cases: a tested rule needs an id\n", path,
			rule->pos.line, rule->pos.col);
		o->bad = 1;
		return;
	}
	for (k = 0; k < 2; k++) {
		const struct sc_node *list = sc_node_get(tests, kinds[k]);

		if (!list)
			continue;
		if (list->kind != SC_NODE_SEQ) {
			fprintf(stderr, "%s:%u:%u: sem-cases: '%s' must be a list of maps\n", path,
				list->pos.line, list->pos.col, kinds[k]);
			o->bad = 1;
			continue;
		}
		for (i = 0; i < list->n; i++) {
			const struct sc_node *e = list->items[i];
			struct sc_buf b = SC_BUF_INIT;

			if (e->kind != SC_NODE_MAP) {
				fprintf(stderr, "%s:%u:%u: sem-cases: an event must be a map\n", path,
					e->pos.line, e->pos.col);
				o->bad = 1;
				continue;
			}
			logsource(&b, rule);
			if (json_map(&b, e, path, false)) {
				o->bad = 1;
				sc_buf_done(&b);
				continue;
			}
			sc_buf_puts(&b, "}\n");
			fwrite(b.data, 1, b.len, o->ev);
			sc_buf_done(&b);
			fprintf(o->ex, "%lu\t%s\t%s\t%s:%u\n", ++o->seq, id->str, kinds[k], path,
				e->pos.line);
		}
	}
}

static int one_file(struct out *o, const char *path)
{
	struct sc_arena *a = sc_arena_new();
	struct sc_diags d;
	struct sc_yaml_file *f = NULL;
	uint8_t *src = NULL;
	size_t len = 0, cap = 0, got;
	FILE *in = fopen(path, "rb");
	uint32_t i;
	int ret = -1;

	sc_diags_init(&d, a);
	if (!in) {
		fprintf(stderr, "sem-cases: %s: %s\n", path, strerror(errno));
		goto out;
	}
	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			src = realloc(src, cap);
			if (!src)
				sc_oom();
		}
		got = fread(src + len, 1, cap - len, in);
		len += got;
	} while (got);
	fclose(in);
	if (sc_yaml_load(a, &d, path, src, len, &f) < 0 || f->failed) {
		fprintf(stderr, "sem-cases: %s: not valid YAML\n", path);
		goto out;
	}
	for (i = 0; i < f->ndocs; i++) {
		const struct sc_node *root = f->docs[i].root;
		const struct sc_node *t = sc_node_get(root, "sigmac-tests");

		if (t)
			cases(o, path, root, t);
	}
	ret = 0;
out:
	free(src);
	sc_diags_done(&d);
	sc_arena_free(a);
	return ret;
}

int main(int argc, char **argv)
{
	struct out o = {0};
	int i;

	if (argc < 4) {
		fputs("usage: sem-cases EVENTS.jsonl EXPECT.tsv FILE...\n", stderr);
		return 2;
	}
	o.ev = fopen(argv[1], "w");
	o.ex = fopen(argv[2], "w");
	if (!o.ev || !o.ex) {
		perror("sem-cases");
		return 2;
	}
	for (i = 3; i < argc; i++)
		if (one_file(&o, argv[i]))
			o.bad = 1;
	if (fclose(o.ev) || fclose(o.ex)) {
		perror("sem-cases");
		return 2;
	}
	return o.bad;
}
