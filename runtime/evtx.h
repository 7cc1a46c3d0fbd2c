/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reader of Windows .evtx files (libevtx) for replay: one struct ag_event
 * per record, with the same field names and texts as the JSONL form of the
 * datasets (shared/datasets/README.md): EventID and EventRecordID (numbers),
 * Channel ("" when the record has none), Provider and Provider_Name,
 * TimeCreated (SystemTime), Computer, Level, Task, Opcode, Keywords,
 * Version, Execution_ProcessID, Execution_ThreadID, Security_UserID (each
 * when present), then every EventData/UserData value: `Data Name=` values
 * under their name, other leaf elements under their tag name, unnamed
 * `<Data>` texts joined with spaces as "Data". A data name equal to an
 * earlier key takes that key, and the earlier value moves to "System_<key>".
 * Zero-padded hexadecimal integers are printed as Windows does (0x1410, not
 * 0x00001410).
 *
 * A record libevtx cannot read or render is skipped and counted; a file
 * that is not an EVTX file, or that libevtx cannot open, is an error with a
 * message. Recovered records (deleted or from a dirty file) are returned
 * after the allocated ones when asked, minus those whose record identifier
 * an allocated record already has.
 *
 * Not here: routing (route.h).
 */
#ifndef AG_RUNTIME_EVTX_H
#define AG_RUNTIME_EVTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ag_event;
struct ag_evtx;

enum ag_evtx_recovered {
	AG_EVTX_RECOVERED_AUTO = 0, /* only when the file is dirty or corrupted */
	AG_EVTX_RECOVERED_NEVER,
	AG_EVTX_RECOVERED_ALWAYS,
	_AG_EVTX_RECOVERED_MAX,
};

struct ag_evtx_opts {
	enum ag_evtx_recovered recovered;
};

struct ag_evtx_stats {
	uint64_t records;    /* allocated records in the file */
	uint64_t recovered;  /* recovered records libevtx found */
	uint64_t events;     /* events returned so far */
	uint64_t bad;	     /* records skipped: unreadable, unrenderable or not parsable */
	uint64_t duplicates; /* recovered records skipped as copies of allocated ones */
	bool dirty;	     /* the file header says the log was not closed cleanly */
	bool corrupted;	     /* libevtx found corruption */
	bool truncated;	     /* the file ends inside a chunk: cut short */
	uint64_t size;	     /* bytes in the file */
};

/* An EVTX file is a 4 KiB header followed by whole 64 KiB chunks. */
#define AG_EVTX_HEADER_SIZE 4096u
#define AG_EVTX_CHUNK_SIZE 65536u

/*
 * Open path. opts may be NULL (defaults). lookup maps a field name (len
 * bytes, not NUL-terminated) to its field id, AG_FIELD_NONE when unknown;
 * it may be NULL. On failure a one-line reason is written to errbuf (when
 * not NULL). Returns 0 (*ret set, free with ag_evtx_close()), -ENOENT or
 * another -errno of open(2), -EINVAL (not an EVTX file, or cut inside its
 * file header), -EIO (libevtx
 * could not open it) or -ENOMEM.
 */
int ag_evtx_open(struct ag_evtx **ret, const char *path, const struct ag_evtx_opts *opts,
		 uint32_t (*lookup)(void *ctx, const char *name, size_t len), void *ctx,
		 char *errbuf, size_t errlen);

/* Close the file and free the reader. Accepts NULL. */
void ag_evtx_close(struct ag_evtx *x);

/*
 * Read the next record into ev (reset first). Names and values point into
 * the reader's buffers or static storage, are NUL-terminated and stay valid
 * until the next call or ag_evtx_close(). ev->seq is the 1-based position
 * of the record (allocated records first, then recovered ones). Returns 0,
 * or -ENODATA after the last record. Bad records are skipped and counted.
 */
int ag_evtx_next(struct ag_evtx *x, struct ag_event *ev);

/* Counters so far. */
void ag_evtx_stats(const struct ag_evtx *x, struct ag_evtx_stats *ret);

#endif /* AG_RUNTIME_EVTX_H */
