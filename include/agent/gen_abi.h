/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ABI between the C that sigmac-c generates and the agent runtime. The
 * generated code defines exactly one exported object, `sgr_ruleset`, whose
 * tables describe the compiled rule set; the runtime (runtime/detect*.c)
 * walks them. Everything here is immutable data: the runtime never
 * interprets rules, it runs the generated condition functions over atom
 * results that the tables let it compute in one pass per field.
 *
 * SGR_ABI_VERSION changes whenever a struct below changes; the agent checks
 * it at start-up and tests pin the layout (tests/unit/test-abi.c).
 */
#ifndef AG_GEN_ABI_H
#define AG_GEN_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SGR_ABI_VERSION 7

struct ag_match; /* per-event evaluation state of the runtime (runtime/detect.h) */

/* ---- atoms ---- */

enum sgr_atom_kind {
	SGR_A_STR = 1,	 /* string test: match says how */
	SGR_A_NUM,	 /* numeric comparison: cmp */
	SGR_A_REGEX,	 /* regular expression search: aux = regex index */
	SGR_A_CIDR,	 /* address in network: aux = cidr index */
	SGR_A_NULL,	 /* field absent or JSON null */
	SGR_A_EXISTS,	 /* field present */
	SGR_A_FIELDREF,	 /* compare with another field: aux = its field id */
	SGR_A_TIMEPART,	 /* part of a timestamp field equals num: cmp = part */
	SGR_A_KEYWORD,	 /* field-less: val against the raw message or every field */
};

enum sgr_match {
	SGR_M_EQ = 1,
	SGR_M_CONTAINS,
	SGR_M_PREFIX,
	SGR_M_SUFFIX,
	SGR_M_GLOB, /* val in Sigma canonical form: '*' '?' wildcards, '\\' escapes */
	SGR_M_ANY,  /* any string value */
};

enum sgr_cmp {
	SGR_C_EQ = 1,
	SGR_C_LT,
	SGR_C_LTE,
	SGR_C_GT,
	SGR_C_GTE,
};

enum sgr_timepart {
	SGR_T_MINUTE = 1,
	SGR_T_HOUR,
	SGR_T_DAY,
	SGR_T_WEEK,
	SGR_T_MONTH,
	SGR_T_YEAR,
};

enum sgr_atom_flags {
	SGR_AF_CASED = 1u << 0,	  /* STR/FIELDREF/KEYWORD: exact case */
	SGR_AF_INDEXED = 1u << 1, /* set by the group matchers when true; never evaluated lazily */
	SGR_AF_INT = 1u << 2,	  /* NUM/TIMEPART: inum is exact */
	SGR_AF_PREFILTER = 1u << 3, /* REGEX/glob STR: false unless a prefilter hit fired */
};

struct sgr_atom {
	uint8_t kind;	    /* enum sgr_atom_kind */
	uint8_t match;	    /* enum sgr_match (STR, FIELDREF, KEYWORD) */
	uint8_t cmp;	    /* enum sgr_cmp (NUM) or enum sgr_timepart (TIMEPART) */
	uint8_t flags;	    /* enum sgr_atom_flags */
	uint32_t field;	    /* field id (0 for KEYWORD) */
	uint32_t aux;	    /* see kind */
	uint32_t len;	    /* bytes in val */
	const uint8_t *val; /* STR/KEYWORD: folded literal or glob; NUM: decimal text */
	double num;	    /* NUM, TIMEPART */
	int64_t inum;	    /* NUM, TIMEPART when SGR_AF_INT */
};

struct sgr_cidr {
	uint8_t family;	  /* 4 or 6 */
	uint8_t prefix;	  /* prefix length */
	uint8_t addr[16]; /* network, host bits zero */
};

/* A compiled regular expression: returns true when it matches anywhere in s. */
typedef bool (*sgr_regex_fn)(const uint8_t *s, size_t n);

/* ---- literal matchers of one field in one group ---- */

/*
 * What fires when a matcher finds something: the atom becomes true and the
 * rules listed at anchors[anc .. anc + nanc) become candidates.
 */
/*
 * A prefilter hit (a literal every match of a regex or glob atom contains)
 * marks its atom "maybe" (SGR_M_STATE_MAYBE) instead of true: the atom is
 * then evaluated on demand; a prefiltered atom whose hit did not fire is
 * false without evaluation.
 */
#define SGR_HIT_MAYBE 0x80000000u

struct sgr_hit {
	uint32_t atom; /* atom index, | SGR_HIT_MAYBE for a prefilter */
	uint32_t anc;  /* first index into the group's anchors[] */
	uint32_t nanc; /* number of candidate rules */
};

/*
 * Anchored trie (startswith from the front, endswith from the back of the
 * value): state s has the edges edge_off[s] .. edge_off[s + 1], sorted by
 * byte (ASCII folded unless cased); a byte without an edge ends the walk.
 * Reaching state s fires the hits out[out_off[s] .. out_off[s + 1]).
 */
struct sgr_trie {
	const uint32_t *edge_off; /* [nstates + 1] */
	const uint8_t *edge_byte;
	const uint32_t *edge_to;
	const uint32_t *out_off;  /* [nstates + 1] */
	const uint32_t *out;
	uint32_t nstates;
};

/*
 * Contains patterns (compiler/codegen/grams.c). Long patterns (four bytes or
 * more) are each represented by `stride` consecutive 4-byte grams, so that
 * only positions i that are multiples of stride need testing: at each such
 * position with i + 4 <= n, let w be the
 * little-endian value of bytes i..i+3. When bit
 *     (w * 0x9E3779B1) >> (32 - filter_log2)
 * of filter is set (ABI 7; 6 took a 64-bit product), the gram table is probed from slot
 *     (w * 0x85EBCA77) >> (32 - tab_log2)
 * (linearly, while tab_n[slot] != 0) for tab_gram[slot] == w, whose
 * entries tab_first[slot] .. + tab_n[slot] name a pattern ent_pat[k] to
 * compare at i - ent_off[k]. Short patterns (one to three bytes, and
 * sometimes a few longer ones whose grams would force a small stride)
 * starting with byte b are short_pat[short_off[b] .. short_off[b + 1]),
 * compared at every position. A pattern p
 * found fires hit[p]. Arithmetic is on uint32_t unless noted.
 */
struct sgr_contains {
	const uint64_t *filter;	   /* [(1 << filter_log2) / 64] */
	const uint32_t *tab_gram;  /* [1 << tab_log2] */
	const uint32_t *tab_first; /* [1 << tab_log2] */
	const uint32_t *tab_n;	   /* [1 << tab_log2], 0: empty slot */
	const uint32_t *ent_pat;
	const uint32_t *ent_off;
	const uint32_t *short_off; /* [257] */
	const uint32_t *short_pat;
	const uint8_t *const *pat; /* pattern bytes (folded unless the matcher is cased) */
	const uint32_t *len;	   /* pattern lengths */
	const uint32_t *hit;	   /* hit index of each pattern */
	uint32_t filter_log2;
	uint32_t tab_log2;
	uint32_t nent;
	uint32_t nshort;
	uint32_t npat;
	uint32_t stride; /* positions tested: i = 0, stride, 2 * stride, ... */
};

/*
 * A set of byte strings behind a hash-and-displace perfect hash:
 *   h = XXH3_64bits_withSeed(key, len, seed), b = sgr_phash_bucket(h, nbuckets),
 *   slot = sgr_phash_slot(h, disp[b], nslots)
 * (below: multiply-shift range reduction, no division; ABI 7); slots[slot]
 * holds the key index + 1 (0 = empty) and the key's bytes are compared.
 */
struct sgr_phash {
	uint64_t seed;
	uint32_t nbuckets;
	uint32_t nslots;
	const uint32_t *disp;  /* [nbuckets] */
	const uint32_t *slots; /* [nslots] */
	const uint8_t *const *key;
	const uint32_t *klen;
	uint32_t nkeys;
};

/* x * n / 2^32: a value below n from 32 well-mixed bits (Lemire's fastrange). */
static inline uint32_t sgr_range32(uint32_t x, uint32_t n)
{
	return (uint32_t)(((uint64_t)x * n) >> 32);
}

/* The bucket of hash h: from its low half. */
static inline uint32_t sgr_phash_bucket(uint64_t h, uint32_t nbuckets)
{
	return sgr_range32((uint32_t)h, nbuckets);
}

/* The slot of hash h with displacement disp: its high half through MurmurHash3's finaliser. */
static inline uint32_t sgr_phash_slot(uint64_t h, uint32_t disp, uint32_t nslots)
{
	uint64_t x = (h >> 32) ^ ((uint64_t)disp * 0x9E3779B97F4A7C15ull);

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return sgr_range32((uint32_t)(x >> 32), nslots);
}

/* Numeric equality index: sorted values, each with a hit. */
struct sgr_numidx {
	const double *val;
	const uint32_t *hit;
	uint32_t n;
};

struct sgr_fmatch {
	uint32_t field;		      /* field id */
	uint32_t cased;		      /* 1: bytes compared as they are (|cased atoms) */
	const struct sgr_phash *eq;   /* equals, or NULL; key k fires hits */
	const uint32_t *eq_hit_off;   /*   eq_hits[eq_hit_off[k] .. eq_hit_off[k + 1]) */
	const uint32_t *eq_hits;
	const struct sgr_trie *prefix; /* startswith */
	const struct sgr_trie *suffix; /* endswith (walked from the end) */
	const struct sgr_contains *contains;
	const struct sgr_numidx *num;  /* numeric equality */
	const uint32_t *any_hits;      /* hits that fire on any present string value */
	uint32_t nany;
};

/* ---- rule groups (one per distinct logsource) ---- */

struct sgr_group {
	const char *product;  /* NULL: any */
	const char *category; /* NULL: any */
	const char *service;  /* NULL: any */
	const struct sgr_fmatch *fm; /* literal matchers, by field */
	uint32_t nfm;
	const struct sgr_fmatch *keywords; /* keyword matcher (field 0), or NULL */
	const struct sgr_hit *hits;
	uint32_t nhits;
	const uint32_t *anchors; /* rule indices, see struct sgr_hit */
	const uint32_t *rules;	 /* every rule of the group */
	uint32_t nrules;
	const uint32_t *always; /* rules without an anchor: evaluated for every event */
	uint32_t nalways;
};

/* ---- rules ---- */

struct sgr_rule {
	const char *id;		 /* UUID, or "" */
	const char *title;
	const char *description;
	const char *author;
	const char *status;
	const char *level; /* informational, low, medium, high, critical */
	const char *date;
	const char *modified;
	const char *file; /* input path, relative to the rules root */
	const char *const *tags;
	const char *const *references;
	const char *const *falsepositives;
	uint16_t ntags, nreferences, nfalsepositives;
	uint8_t severity;  /* ECS event.severity: 21, 47, 73, 99 (informational..critical) */
	uint8_t _pad;
	uint32_t group;	   /* its group */
	/*
	 * The condition. Called only for a candidate: a rule with anchors only
	 * in an event where one of its anchor hits fired (the generated code
	 * takes that anchor's part of the condition as true); one without,
	 * in any event of its group.
	 */
	bool (*eval)(struct ag_match *m);
};

/* ---- the rule set ---- */

struct sgr_ruleset {
	uint32_t abi_version; /* SGR_ABI_VERSION */
	const char *digest;   /* hex SHA-256-like digest of the inputs (xxh3-128 based) */
	const char *compiler; /* "sigmac-c 0.1.0" */
	const char *target;   /* "linux", "windows", "replay" */
	const char *const *fields; /* field names by id (fields[0] = "") */
	uint32_t nfields;
	const struct sgr_phash *field_index; /* key k is the name of field id k + 1 */
	const struct sgr_atom *atoms; /* by atom index */
	uint32_t natoms;
	const struct sgr_cidr *cidrs;
	uint32_t ncidrs;
	const sgr_regex_fn *regexes;
	uint32_t nregexes;
	const struct sgr_group *groups;
	uint32_t ngroups;
	const struct sgr_rule *rules;
	uint32_t nrules;
};

extern const struct sgr_ruleset sgr_ruleset;

/*
 * Atom results for condition functions. The runtime memoises every atom it
 * evaluates for the current event in m->astate (0 unknown, 1 false, 2 true,
 * 3 maybe: a prefilter fired); ag_atom_slow() computes the others.
 */
struct ag_match {
	uint8_t *astate; /* by atom index */
	void *priv;	 /* runtime state */
};

bool ag_atom_slow(struct ag_match *m, uint32_t atom);

static inline bool sgr_atom(struct ag_match *m, uint32_t atom)
{
	uint8_t s = m->astate[atom];

	if (s == 1 || s == 2)
		return s == 2;
	return ag_atom_slow(m, atom);
}

/* Any / all of a list of atoms (generated code uses them for long lists). */
static inline bool sgr_any(struct ag_match *m, const uint32_t *atom, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (sgr_atom(m, atom[i]))
			return true;
	return false;
}

/*
 * Any of the n consecutive atoms first .. first + n - 1 (the compiler emits
 * it for long lists whose atoms have consecutive indexes, such as the
 * hundreds of DLL names of one selection): eight states read at a time,
 * since most are known false (1); the others go through sgr_atom().
 */
static inline bool sgr_any_run(struct ag_match *m, uint32_t first, uint32_t n)
{
	const uint8_t *s = m->astate + first;
	uint32_t i = 0, k;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, sizeof(w));
		if (w == 0x0101010101010101ull)
			continue;
		for (k = i; k < i + 8; k++)
			if (s[k] != 1 && sgr_atom(m, first + k))
				return true;
	}
	for (; i < n; i++)
		if (s[i] != 1 && sgr_atom(m, first + i))
			return true;
	return false;
}

static inline bool sgr_all(struct ag_match *m, const uint32_t *atom, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (!sgr_atom(m, atom[i]))
			return false;
	return true;
}

/* ---- IOC feeds and YARA rules (sgr_intel.c, ABI 6) ---- */

/*
 * A set of IOC keys behind the perfect hash of struct sgr_phash (same
 * function, same seed use), with the keys stored compactly: fixed width
 * (width > 0: key k is keys[k * width .. + width), raw bytes) or a string
 * pool (width == 0: key k is keys[off[k] .. off[k + 1])). Keys are grouped
 * by source: keys [run_end[r - 1], run_end[r]) have source run_src[r]
 * (struct sgr_intel.srcs), found by binary search.
 */
struct sgr_ioc_set {
	uint64_t seed;
	uint32_t nbuckets;
	uint32_t nslots;
	const uint32_t *disp;  /* [nbuckets] */
	const uint32_t *slots; /* [nslots]: key index + 1, 0 empty */
	const uint8_t *keys;
	const uint32_t *off;   /* width == 0: [nkeys + 1] */
	const uint32_t *run_end; /* [nruns], increasing, last == nkeys */
	const uint32_t *run_src; /* [nruns] */
	uint32_t width;
	uint32_t nkeys;
	uint32_t nruns;
};

/*
 * IP networks of one family, sorted by (network, prefix): entry i is
 * net[i * width ..] / prefix[i], parent[i] the nearest entry that contains
 * it (UINT32_MAX: none). The networks containing an address a are the last
 * entry with net <= a and its ancestors that contain a.
 */
struct sgr_ioc_cidrs {
	const uint8_t *net;	/* [n * width], big-endian */
	const uint8_t *prefix;	/* [n] */
	const uint32_t *parent; /* [n] */
	const uint32_t *src;	/* [n] */
	uint32_t width;		/* 4 or 16 */
	uint32_t n;
};

/* Path globs ('*', '?'; ASCII lower-case), matched against whole paths. */
struct sgr_ioc_paths {
	const uint8_t *pool;
	const uint32_t *off; /* [n + 1] */
	const uint32_t *src; /* [n] */
	uint32_t n;
};

/* Where indicators come from: a feed (its base name) and a comment. */
struct sgr_ioc_src {
	uint32_t feed;	  /* index into feeds */
	uint32_t comment; /* offset of a NUL-terminated string in comments */
};

enum sgr_ioc_setid {
	SGR_IOC_MD5 = 0,
	SGR_IOC_SHA1,
	SGR_IOC_SHA256,
	SGR_IOC_IP4,
	SGR_IOC_IP6,
	SGR_IOC_DOMAIN,	   /* exact names */
	SGR_IOC_SUBDOMAIN, /* apexes: the name and all its subdomains */
	_SGR_IOC_SET_MAX,
};

struct sgr_intel {
	uint32_t abi_version; /* SGR_ABI_VERSION */
	const struct sgr_ioc_set *sets[_SGR_IOC_SET_MAX]; /* NULL when empty */
	const struct sgr_ioc_cidrs *cidr4, *cidr6;	   /* NULL when empty */
	const struct sgr_ioc_paths *paths;		   /* NULL when empty */
	const char *const *feeds;
	uint32_t nfeeds;
	uint32_t nsrcs;
	const struct sgr_ioc_src *srcs;
	const char *comments;
	uint64_t nindicators;
	const uint8_t *yara; /* yr_rules_save_stream() output, or NULL */
	uint64_t yara_len;
	uint32_t yara_rules;
};

extern const struct sgr_intel sgr_intel;

#endif /* AG_GEN_ABI_H */
