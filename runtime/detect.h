/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The detection engine: runs the compiled rule set (struct sgr_ruleset)
 * over normalised events. Per event: route to the rule groups of the
 * event's logsource, run each group's literal matchers once per field
 * (setting atoms and collecting candidate rules from the anchors that
 * fired), then call the generated condition of each candidate, in rule
 * order. Atoms the matchers do not set (regex, CIDR, numbers, ...) are
 * computed on demand and memoised for the event.
 *
 * An engine is single-threaded state over a shared, immutable rule set;
 * all per-event memory is allocated once, at ag_engine_init().
 */
#ifndef AG_DETECT_H
#define AG_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect_memo.h"
#include "event.h"
#include "gen_abi.h"

/* Largest field value the engine folds or scans whole (longer ones are cut). */
#ifndef AG_MAX_VALUE
#define AG_MAX_VALUE (1u << 20)
#endif

struct ag_group_cache; /* routing cache (detect.c) */
struct ag_fm_rt;       /* per-matcher data (detect_int.h) */

/* Bytes of folded values kept per event; values beyond it are folded again. */
#define AG_FOLD_ARENA (1u << 20)

struct ag_fold_slot {
	uint32_t epoch;
	uint32_t off; /* in farena */
	uint32_t len;
};

struct ag_detect_stats {
	uint64_t events;	/* events given to ag_detect() */
	uint64_t routed;	/* events that reached at least one group */
	uint64_t candidates;	/* rules evaluated (candidates) */
	uint64_t matches;	/* rule matches */
	uint64_t truncated;	/* values cut at AG_MAX_VALUE */
	uint64_t rules_in_groups; /* rules of the groups events were routed to */
	uint64_t scanned;	/* bytes the contains matchers scanned */
	uint64_t passed;	/* positions that passed their gram filter */
	uint64_t confirms;	/* pattern comparisons */
	uint64_t lazy[16];	/* atoms computed on demand, by enum sgr_atom_kind */
	uint64_t memo_lookups;	/* matcher runs looked up in the memo */
	uint64_t memo_found;	/* ... and replayed from it */
};

/* The hash of a value of the current event (see ag_engine.vhash). */
struct ag_vhash {
	uint32_t epoch;
	uint64_t h;
};

struct ag_engine {
	const struct sgr_ruleset *rs;
	struct ag_match m;	  /* astate for the condition functions */
	uint8_t *abase;		  /* by atom: its state when an event starts (0 or 1) */
	uint32_t *touched;	  /* atoms set this event */
	uint32_t ntouched;
	uint8_t *is_cand;	  /* by rule */
	uint32_t *cand;		  /* candidate rules this event */
	uint32_t ncand;
	uint8_t *fold;		  /* scratch: folded field value (2 * AG_MAX_VALUE) */
	uint8_t *fold2;		  /* scratch: a second folded value (fieldref) */
	/* folded values of the current event, by kv index (see ag_folded) */
	struct ag_fold_slot *fslot; /* [AG_MAX_EVENT_FIELDS] */
	uint8_t *farena;	    /* AG_FOLD_ARENA bytes */
	size_t fused;		    /* arena bytes used by the current event */
	uint32_t fepoch;	    /* current event; a slot is valid when its epoch equals it */
	const struct ag_event *ev; /* event being evaluated */
	struct ag_group_cache *cache;
	uint32_t *groups;	  /* groups of the current event */
	uint32_t ngroups;
	uint64_t *rule_hits;	  /* matches per rule */
	bool (**eval)(struct ag_match *m); /* by rule: its condition (rules[r].eval, packed) */
	uint8_t *kw_one_pass;	  /* by group: its keyword matcher scans all values at once */
	uint8_t *kw_minlen;	  /* by group: its keyword patterns' shortest length (0: any) */
	bool kw_built;		  /* the current event's run of values is built (kw_build) */
	size_t kw_off, kw_len;	  /* the run in farena: values, each followed by a NUL */
	/* derived from each literal matcher at init (detect_int.h) */
	uint32_t *fm_base;	  /* by group: index of its first matcher in fmrt */
	struct ag_fm_rt *fmrt;	  /* by matcher */
	uint8_t *fmrt_pairs;	  /* storage of the pair filters fmrt points to */
	uint8_t *fmrt_bytes;	  /* storage of the trie chains and byte filters fmrt points to */
	struct ag_memo memo;	  /* what matchers fired for values met before (detect_memo.h) */
	struct ag_vhash *vhash;	  /* [AG_MAX_EVENT_FIELDS]: by kv index, valid at epoch fepoch */
	struct ag_detect_stats st;
};

/*
 * Prepare an engine for rule set rs (checks the ABI version). Returns 0,
 * -EPROTO for an ABI mismatch, or -ENOMEM.
 */
int ag_engine_init(struct ag_engine *e, const struct sgr_ruleset *rs);
void ag_engine_done(struct ag_engine *e);

/* Forget the values the memo holds (a benchmark round starts cold). */
void ag_engine_forget(struct ag_engine *e);

/*
 * The bytes the matchers test for kv of the current event: the value as it
 * is when cased, else its case folding, computed once per event and value
 * (kept in the engine's fold arena; scratch, 2 * AG_MAX_VALUE bytes, is
 * used when the arena is full). Values are cut at AG_MAX_VALUE. The result
 * stays valid until the event ends or scratch is reused.
 */
const uint8_t *ag_folded(struct ag_engine *e, const struct ag_kv *kv, bool cased, uint8_t *scratch,
			 size_t *n);

/* The folding of the current event's value kv[idx] when this event has it already, else NULL. */
static inline const uint8_t *ag_fold_slot(const struct ag_engine *e, size_t idx, size_t *n)
{
	if (idx < AG_MAX_EVENT_FIELDS && e->fslot[idx].epoch == e->fepoch) {
		*n = e->fslot[idx].len;
		return e->farena + e->fslot[idx].off;
	}
	return NULL;
}

/*
 * ag_folded() into e->fold, with the case of a value already folded this
 * event inline: the matchers and the atoms computed on demand ask for the
 * same values many times.
 */
static inline const uint8_t *ag_folded_cached(struct ag_engine *e, const struct ag_kv *kv,
					      bool cased, size_t *n)
{
	const struct ag_event *ev = e->ev;
	const uint8_t *s;

	if (!cased && kv >= ev->kv && kv < ev->kv + ev->nkv &&
	    (s = ag_fold_slot(e, (size_t)(kv - ev->kv), n)))
		return s;
	return ag_folded(e, kv, cased, e->fold, n);
}

typedef void (*ag_match_cb)(void *arg, const struct ag_event *ev, uint32_t rule);

/*
 * Evaluate every rule of ev's logsource; call cb for each match, in rule
 * order. Returns the number of matches.
 */
uint32_t ag_detect(struct ag_engine *e, const struct ag_event *ev, ag_match_cb cb, void *arg);

/* True when group g's logsource covers event ev's routing. */
bool ag_group_matches(const struct sgr_group *g, const struct ag_event *ev);

/* The field id of a name in rule set rs, or AG_FIELD_NONE. */
uint32_t ag_field_lookup(const struct sgr_ruleset *rs, const char *name, size_t len);

/* Index of key in a perfect-hash set, or -1. */
int32_t ag_phash_find(const struct sgr_phash *ph, const uint8_t *key, size_t len);

#endif /* AG_DETECT_H */
