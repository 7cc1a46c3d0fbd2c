/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Streaming reader of JSON events (JSONL and its sloppy relatives) for
 * replay: one struct ag_event per top-level JSON object, read in chunks
 * from a file descriptor or a FILE *, for inputs of any size.
 *
 * Accepted: one object per line; several objects on a line; objects
 * spanning lines (pretty-printed); objects concatenated without separators;
 * blank lines; a UTF-8 BOM; CRLF line ends. Values become UTF-8 text:
 * strings decoded (all JSON escapes), numbers/true/false/null as their
 * source text with AG_V_NUMBER/AG_V_BOOL/AG_V_NULL, AG_V_NONASCII when a
 * byte >= 0x80 is present. Nested objects are flattened into dotted names
 * ("userIdentity.arn"); an empty nested object is the field with text "{}";
 * arrays are kept as their compact text with AG_V_COMPOUND, the escapes in
 * their strings decoded (for matching and the alert, not JSON any more).
 *
 * What a writer may emit for odd input costs only its own value: bytes
 * that are not UTF-8 are kept as they are; a lone surrogate escape is the
 * byte Python's "surrogateescape" stands for (U+DC80..U+DCFF) or U+FFFD;
 * NaN, Infinity and -Infinity are text; a value nested deeper than
 * AG_JSONL_MAX_DEPTH is kept as its JSON text.
 *
 * A malformed top-level value (bad JSON, not an object, an invalid escape,
 * a raw control character in a string, an object over the size cap,
 * truncation at the end of input) is skipped and counted, named by the
 * line where it starts: the reader goes on at the first later line that
 * starts with '{' (after blanks or a BOM), even one the bad value ran
 * into, so a record cut short does not take the next one along. It never
 * stops because of its input.
 *
 * Not here: routing (route.h), field-name hashing (the caller's lookup).
 */
#ifndef AG_RUNTIME_JSONL_H
#define AG_RUNTIME_JSONL_H

#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>

struct ag_event;
struct ag_jsonl;

/* Largest object kept by default; larger ones are skipped as malformed. */
#ifndef AG_JSONL_MAX_OBJECT
#define AG_JSONL_MAX_OBJECT (16u << 20)
#endif

/* Bytes asked of each read() by default. */
#ifndef AG_JSONL_CHUNK
#define AG_JSONL_CHUNK (1u << 20)
#endif

/* Deepest nesting of objects and arrays accepted. */
#ifndef AG_JSONL_MAX_DEPTH
#define AG_JSONL_MAX_DEPTH 64
#endif

/* Problems remembered for diagnostics (the most recent ones). */
#define AG_JSONL_PROBLEMS 8

struct ag_jsonl_opts {
	size_t chunk;	   /* bytes per read, 0 = AG_JSONL_CHUNK */
	size_t max_object; /* size cap of one object, 0 = AG_JSONL_MAX_OBJECT */
	/*
	 * fd readers only: when non-NULL and set, a read interrupted by a
	 * signal fails with -EINTR instead of being retried (a clean stop on
	 * SIGTERM while waiting on a pipe). Pipes, FIFOs and sockets are read
	 * as data arrives rather than a chunk at a time, so a live feed is
	 * processed without waiting for a full chunk.
	 */
	const volatile sig_atomic_t *stop;
};

struct ag_jsonl_stats {
	uint64_t objects;   /* events returned */
	uint64_t malformed; /* top-level values skipped (each counted once) */
	uint64_t bytes;	    /* input bytes read so far */
	uint64_t lines;	    /* newlines seen so far */
};

struct ag_jsonl_problem {
	/*
	 * 1-based line and byte offset where the problem was found; for an
	 * object cut by the end of the input or over the size cap, where the
	 * object starts.
	 */
	uint64_t line;
	uint64_t offset;
	const char *reason; /* static text, e.g. "invalid escape" */
};

/*
 * Open a reader on fd (borrowed: never closed by the reader) or on f
 * (borrowed likewise). opts may be NULL. lookup maps a field name (len
 * bytes, not NUL-terminated) to its field id, AG_FIELD_NONE when the rule
 * set does not use it; it may be NULL (every id is AG_FIELD_NONE). ctx is
 * passed to lookup. On success *ret is a reader to free with
 * ag_jsonl_close(). Returns 0, -EINVAL or -ENOMEM.
 */
int ag_jsonl_open_fd(struct ag_jsonl **ret, int fd, const struct ag_jsonl_opts *opts,
		     uint32_t (*lookup)(void *ctx, const char *name, size_t len), void *ctx);
int ag_jsonl_open_file(struct ag_jsonl **ret, FILE *f, const struct ag_jsonl_opts *opts,
		       uint32_t (*lookup)(void *ctx, const char *name, size_t len), void *ctx);

/* Free the reader and its buffers (not the fd or FILE). Accepts NULL. */
void ag_jsonl_close(struct ag_jsonl *r);

/*
 * Read the next object into ev (reset first; ev must have been sized with
 * ag_event_init()). Every name and value points into the reader's buffers,
 * is followed by a NUL byte, and stays valid until the next call or
 * ag_jsonl_close(). ev->seq is the 1-based index of the object among the
 * top-level values of the input (malformed ones included); ev->raw is NULL.
 * Returns 0 when an event was read, -ENODATA at the end of the input, or
 * -errno of a failed read (the reader may be called again).
 */
int ag_jsonl_next(struct ag_jsonl *r, struct ag_event *ev);

/* Counters so far. */
void ag_jsonl_stats(const struct ag_jsonl *r, struct ag_jsonl_stats *ret);

/*
 * Copy up to n of the most recent problems, newest first, into ret; returns
 * how many were copied.
 */
size_t ag_jsonl_problems(const struct ag_jsonl *r, struct ag_jsonl_problem *ret, size_t n);

#endif /* AG_RUNTIME_JSONL_H */
