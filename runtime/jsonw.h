/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small streaming JSON writer into one growable buffer, for the agent's
 * NDJSON output. It writes compact JSON (no spaces), puts the commas
 * itself, and always produces valid UTF-8: string bytes that are not
 * well-formed UTF-8 become U+FFFD (one per maximal ill-formed subpart, as
 * the Unicode standard recommends), control characters, '"' and '\\' are
 * escaped, and so are U+2028/U+2029 (valid JSON, but not valid JavaScript).
 *
 * Errors are sticky: after the first failure (-ENOMEM; -E2BIG when the
 * buffer would pass its limit or nesting passes AG_JSONW_MAX_DEPTH; -EINVAL
 * for a value where JSON allows none: a member outside an object, an
 * element without a key in an object, two values at the top level, a
 * mismatched close) every call is a no-op, and ag_jsonw_line_end() reports
 * it and removes the partial line, so the buffer only ever holds whole
 * lines of valid JSON.
 *
 * Ownership: the writer owns buf; callers may read buf[0 .. len) between
 * calls (e.g. write(2) it) and then ag_jsonw_reset() to reuse the memory.
 * Nothing is allocated once the buffer has grown to its working size.
 * Not thread-safe: one writer per thread.
 */
#ifndef AG_RUNTIME_JSONW_H
#define AG_RUNTIME_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Nesting limit of objects and arrays (one bit each in ag_jsonw.more). */
#define AG_JSONW_MAX_DEPTH 64

struct ag_jsonw {
	char *buf;	/* output bytes (owned; NULL until the first write); not NUL-terminated */
	size_t len;	/* bytes used */
	size_t cap;	/* bytes allocated */
	size_t limit;	/* maximum len, 0 = no limit */
	int err;	/* first error since the last reset or line end, 0 if none */
	uint32_t depth; /* open objects and arrays */
	uint64_t more;	/* bit d: the container at depth d has a member already */
	uint64_t obj;	/* bit d: the container at depth d is an object */
	bool keyed;	/* ag_jsonw_key() wrote a key: the next value belongs to it */
	size_t str_cap; /* strings and keys longer are cut to it (a UTF-8 boundary); 0: none */
	uint64_t cut;	/* strings and keys cut since init (see str_cap) */
};

/*
 * Start an empty writer, preallocating reserve bytes (0: none) and refusing
 * to grow past limit bytes (0: no limit). Returns 0 or -ENOMEM (the writer
 * is then empty and usable; ag_jsonw_done() is safe).
 */
int ag_jsonw_init(struct ag_jsonw *w, size_t reserve, size_t limit);

/* Free the buffer (not w itself); safe on a zeroed writer. */
void ag_jsonw_done(struct ag_jsonw *w);

/* Empty the buffer and clear errors and nesting; the memory is kept. */
void ag_jsonw_reset(struct ag_jsonw *w);

/*
 * Lines. ag_jsonw_line_begin() returns a mark (the current length) and
 * clears the nesting state; ag_jsonw_line_end() appends '\n' and returns 0
 * when everything since the mark was written and makes one complete value;
 * otherwise it truncates the buffer back to the mark, clears the error and
 * returns it (-ENOMEM, -E2BIG, or -EINVAL for misplaced or unbalanced
 * values, or none at all).
 */
size_t ag_jsonw_line_begin(struct ag_jsonw *w);
int ag_jsonw_line_end(struct ag_jsonw *w, size_t mark);

/*
 * Values. key is the member name inside an object (a NUL-terminated
 * string, escaped like any string), and must be NULL for array elements,
 * the top-level value and the value after ag_jsonw_key(). A line holds one
 * top-level value (for NDJSON, an object).
 */
void ag_jsonw_obj_begin(struct ag_jsonw *w, const char *key);
void ag_jsonw_obj_end(struct ag_jsonw *w);
void ag_jsonw_arr_begin(struct ag_jsonw *w, const char *key);
void ag_jsonw_arr_end(struct ag_jsonw *w);

/* A member name of n bytes (any bytes; escaped); the next call writes its value. */
void ag_jsonw_key(struct ag_jsonw *w, const char *k, size_t n);

/* A string of n bytes (any bytes: see the file comment). */
void ag_jsonw_str(struct ag_jsonw *w, const char *key, const char *s, size_t n);

/* A NUL-terminated string; NULL writes null. */
void ag_jsonw_cstr(struct ag_jsonw *w, const char *key, const char *s);

/*
 * A string written in pieces: begin, any number of appends (each piece is
 * checked as UTF-8 on its own, so do not split a character), end.
 */
void ag_jsonw_str_begin(struct ag_jsonw *w, const char *key);
void ag_jsonw_str_append(struct ag_jsonw *w, const char *s, size_t n);
void ag_jsonw_str_end(struct ag_jsonw *w);

void ag_jsonw_u64(struct ag_jsonw *w, const char *key, uint64_t v);
void ag_jsonw_i64(struct ag_jsonw *w, const char *key, int64_t v);
void ag_jsonw_bool(struct ag_jsonw *w, const char *key, bool v);
void ag_jsonw_null(struct ag_jsonw *w, const char *key);

/* n bytes of JSON copied as they are: the caller guarantees they are one valid JSON value. */
void ag_jsonw_raw(struct ag_jsonw *w, const char *key, const char *s, size_t n);

/* True when s[0 .. n) is exactly one JSON number (RFC 8259 grammar). */
bool ag_json_number_valid(const char *s, size_t n);

#endif /* AG_RUNTIME_JSONW_H */
