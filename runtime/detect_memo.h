/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The matcher memo of the detection engine: what a literal matcher fired
 * for a field value, remembered so that the same value met again (the
 * same image path, command line, host or user, event after event) replays
 * those hits instead of folding and scanning it again.
 *
 * An entry is keyed by the matcher and the value's bytes as read (with its
 * non-ASCII flag): everything a matcher's result depends on. The bytes are
 * kept in a ring and compared in full on every lookup, so a hash collision
 * can only cost a miss, never a wrong result. Entries whose bytes the ring
 * has written over are dead; a new entry simply replaces the one in its
 * slot. Fixed size (AG_MEMO_SLOTS entries, AG_MEMO_RING bytes), allocated
 * once; nothing allocates per event.
 */
#ifndef AG_RUNTIME_DETECT_MEMO_H
#define AG_RUNTIME_DETECT_MEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define AG_MEMO_SLOTS_LOG2 12
#define AG_MEMO_SLOTS (1u << AG_MEMO_SLOTS_LOG2)
#define AG_MEMO_RING (1u << 20)
#define AG_MEMO_HITS 6	      /* a value that fires more is not remembered */
#define AG_MEMO_MAXLEN 4096u /* nor is a longer value */

struct ag_memo_ent {
	uint64_t key;  /* value hash mixed with the matcher; 0: empty */
	uint64_t pos;  /* the value's bytes: ring[pos % AG_MEMO_RING ..], while not overwritten */
	uint32_t mi;   /* matcher (index into the engine's fmrt) */
	uint32_t len;  /* value length, bit 31: non-ASCII */
	uint32_t nhits;
	uint32_t hits[AG_MEMO_HITS];
};

struct ag_memo {
	struct ag_memo_ent *ent; /* [AG_MEMO_SLOTS], NULL: the memo is off */
	uint8_t *ring;		 /* [AG_MEMO_RING] */
	uint64_t wpos;		 /* bytes ever written to the ring */
	/* the hits of the matcher run being recorded (ag_memo_record) */
	uint32_t cap[AG_MEMO_HITS];
	uint32_t ncap;
	bool recording;
	bool overflow;
};

/* Allocate m (off when SIGMAC_AGENT_NO_MEMO is set to other than 0). Returns 0 or -ENOMEM. */
int ag_memo_init(struct ag_memo *m);
void ag_memo_done(struct ag_memo *m);

/* Forget every entry (the benchmark starts each round cold). */
void ag_memo_clear(struct ag_memo *m);

static inline uint64_t ag_memo_mum(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/*
 * The memo's hash of a value: its length and up to 48 of its bytes (the
 * first and last 16, and 16 from the middle). Values alike in those share a
 * slot and take turns in it: a collision costs a miss, never a wrong
 * answer (entries are compared in full), and hashing stays a few
 * instructions whatever the length.
 */
static inline uint64_t ag_memo_hash(const char *p, uint32_t n)
{
	uint64_t a, b, c = 0, d = 0, h;

	if (n >= 16) {
		memcpy(&a, p, 8);
		memcpy(&b, p + 8, 8);
		memcpy(&c, p + n - 16, 8);
		memcpy(&d, p + n - 8, 8);
	} else if (n >= 8) {
		memcpy(&a, p, 8);
		memcpy(&b, p + n - 8, 8);
	} else if (n >= 4) {
		uint32_t x, y;

		memcpy(&x, p, 4);
		memcpy(&y, p + n - 4, 4);
		a = x;
		b = y;
	} else {
		a = n ? (uint64_t)(uint8_t)p[0] | (uint64_t)(uint8_t)p[n / 2] << 8 |
				(uint64_t)(uint8_t)p[n - 1] << 16
		      : 0;
		b = 0;
	}
	h = ag_memo_mum(a ^ 0x9E3779B97F4A7C15ull, b ^ 0xC2B2AE3D27D4EB4Full ^ n) ^
	    ag_memo_mum(c ^ 0x165667B19E3779F9ull, d ^ 0x27D4EB2F165667C5ull);
	if (n > 32) {
		memcpy(&a, p + n / 2 - 8, 8);
		memcpy(&b, p + n / 2, 8);
		h ^= ag_memo_mum(a ^ 0x85EBCA77C2B2AE63ull, b ^ h);
	}
	return h;
}

/* The key of value hash h for matcher mi (never 0). */
static inline uint64_t ag_memo_key(uint64_t h, uint32_t mi, uint32_t lenf)
{
	uint64_t k = (h ^ lenf) + ((uint64_t)(mi + 1) * 0x9E3779B97F4A7C15ull);

	return k ? k : 1;
}

/*
 * The entry of matcher mi for value v[0 .. len) (lenf: len, bit 31 for a
 * non-ASCII value) and its key, or NULL.
 */
const struct ag_memo_ent *ag_memo_get(const struct ag_memo *m, uint64_t key, uint32_t mi,
				      const char *v, uint32_t lenf);

/* Start recording the hits a matcher run fires (see struct ag_memo). */
static inline void ag_memo_record(struct ag_memo *m)
{
	m->ncap = 0;
	m->overflow = false;
	m->recording = true;
}

/* A hit fired while recording. */
static inline void ag_memo_note(struct ag_memo *m, uint32_t hit)
{
	if (m->ncap < AG_MEMO_HITS)
		m->cap[m->ncap++] = hit;
	else
		m->overflow = true;
}

/* Stop recording and remember the hits for (key, mi, v, lenf), unless too many. */
void ag_memo_put(struct ag_memo *m, uint64_t key, uint32_t mi, const char *v, uint32_t lenf);

#endif /* AG_RUNTIME_DETECT_MEMO_H */
