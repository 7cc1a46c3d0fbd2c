// SPDX-License-Identifier: Apache-2.0
/*
 * Alert sinks: file, standard output, syslog (sink.h).
 *
 * The file is the one that must survive trouble. Invariants:
 *   - the file only ever grows by whole lines: one write(2) per line, and
 *     when the kernel takes only part of it (disk full), the part is cut
 *     off again with ftruncate(2) at (size after the write - bytes taken);
 *   - lines reach the file in the order they were produced: while anything
 *     waits in the retry buffer, new lines queue behind it;
 *   - nothing here exits or aborts: every failure is counted and the line
 *     is kept (bounded) or dropped (counted).
 * A crash in the middle of write(2) (kill -9 between the pages of one
 * write) can still leave a partial last line; the next open cuts it.
 */
#include "sink.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "health.h"

static volatile sig_atomic_t reopen_gen;

struct ag_sink {
	const struct ag_config *cfg; /* borrowed */
	struct ag_health *h;	     /* borrowed */
	/* file */
	const char *path;	 /* cfg->alerts.file or NULL */
	int fd;			 /* -1: not open (failed, retried at tick) */
	mode_t mode;		 /* 0600 or 0640 */
	bool regular;		 /* a regular file (else a FIFO or device: no rotation, no cuts) */
	unsigned long long size; /* bytes in the file, as far as we know */
	long day;		 /* UTC day of the open, for daily rotation */
	sig_atomic_t gen;	 /* reopen_gen seen */
	time_t next_open;	 /* earliest retry of a failed open */
	uint64_t next_try;	 /* earliest retry of a failed write (monotonic ms) */
	char *pend;		 /* retry buffer: whole lines (owned) */
	size_t npend, cap;	 /* bytes used, capacity */
	/* other sinks */
	bool out;    /* standard output */
	bool syslog; /* syslog(3) */
};

void ag_sink_request_reopen(void)
{
	reopen_gen++;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static long utc_day(void)
{
	return (long)(time(NULL) / 86400);
}

/* Retry failed writes at most every this many ms (a full disk costs one try per period). */
#define RETRY_MS 100

static void fail(struct ag_sink *s, int err)
{
	s->next_try = mono_ms() + RETRY_MS;
	ag_health_add(s->h, AG_H_WRITE_FAILURES, 1);
	ag_health_set_error(s->h, err);
}

/*
 * Cut a partial last line (a crash during write) so the file ends with
 * '\n'. Looks back at most 1 MiB; best effort.
 */
static void repair_tail(const char *path, int fd, unsigned long long *size)
{
	char buf[4096];
	off_t end = (off_t)*size, pos = end;
	off_t floor = end > (1 << 20) ? end - (1 << 20) : 0;
	int rfd;

	if (end == 0)
		return;
	/* The sink's fd is write-only: read through a second one. */
	rfd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (rfd < 0)
		return;
	if (pread(rfd, buf, 1, end - 1) != 1 || buf[0] == '\n')
		goto out;
	while (pos > floor) {
		size_t n = (size_t)(pos - floor > (off_t)sizeof(buf) ? (off_t)sizeof(buf)
								     : pos - floor);
		ssize_t got = pread(rfd, buf, n, pos - (off_t)n);
		char *nl;

		if (got != (ssize_t)n)
			goto out;
		nl = memrchr(buf, '\n', n);
		pos -= (off_t)n;
		if (nl) {
			pos += nl - buf + 1;
			break;
		}
	}
	if (pos == floor && floor > 0)
		goto out; /* no newline in reach: leave it */
	if (ftruncate(fd, pos) == 0)
		*size = (unsigned long long)pos;
out:
	close(rfd);
}

/* Open (or reopen) the file. Returns 0 or -errno; counts failures. */
static int file_open(struct ag_sink *s)
{
	struct stat st;
	int fd;

	if (s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
	}
	fd = open(s->path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, s->mode);
	if (fd < 0)
		goto fail;
	if (fstat(fd, &st) < 0)
		goto fail_close;
	/* A FIFO or a character device (/dev/null) is written as is. */
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode)) {
		errno = EINVAL;
		goto fail_close;
	}
	s->regular = S_ISREG(st.st_mode);
	if (s->regular && (st.st_mode & 07777) != s->mode && st.st_uid == geteuid())
		(void)fchmod(fd, s->mode);
	s->fd = fd;
	s->size = (unsigned long long)st.st_size;
	if (s->regular)
		repair_tail(s->path, fd, &s->size);
	s->day = utc_day();
	return 0;
fail_close : {
	int e = errno;

	close(fd);
	errno = e;
}
fail:
	fail(s, errno);
	s->next_open = time(NULL) + 1;
	return -errno;
}

static int path_n(char *buf, size_t n, const char *path, unsigned k)
{
	return snprintf(buf, n, "%s.%u", path, k) < (int)n ? 0 : -ENAMETOOLONG;
}

/* FILE -> FILE.1 -> ... -> FILE.keep (dropped), then a new FILE. */
static void file_rotate(struct ag_sink *s)
{
	unsigned keep = s->cfg->alerts.rotate_keep, k;
	char from[4096], to[4096];

	if (keep == 0) {
		(void)unlink(s->path);
	} else {
		if (path_n(to, sizeof(to), s->path, keep) == 0)
			(void)unlink(to);
		for (k = keep - 1; k >= 1; k--)
			if (path_n(from, sizeof(from), s->path, k) == 0 &&
			    path_n(to, sizeof(to), s->path, k + 1) == 0)
				(void)rename(from, to);
		if (path_n(to, sizeof(to), s->path, 1) == 0)
			(void)rename(s->path, to);
	}
	ag_health_add(s->h, AG_H_ROTATIONS, 1);
	file_open(s);
}

/* Reopen, rotate, retry an open, as due. */
static void file_maintain(struct ag_sink *s, size_t incoming)
{
	const struct ag_config *cfg = s->cfg;
	sig_atomic_t gen = reopen_gen;

	if (gen != s->gen) {
		s->gen = gen;
		ag_health_add(s->h, AG_H_REOPENS, 1);
		file_open(s);
	}
	if (s->fd < 0) {
		if (time(NULL) < s->next_open)
			return;
		ag_health_add(s->h, AG_H_REOPENS, 1);
		if (file_open(s) < 0)
			return;
	}
	if (!s->regular)
		return;
	if (cfg->alerts.rotate_daily && utc_day() != s->day) {
		file_rotate(s);
		return;
	}
	if (cfg->alerts.rotate_bytes && s->size && s->size + incoming > cfg->alerts.rotate_bytes) {
		struct stat st;

		/* Someone may have truncated it (copytruncate): believe the file. */
		if (fstat(s->fd, &st) == 0)
			s->size = (unsigned long long)st.st_size;
		if (s->size && s->size + incoming > cfg->alerts.rotate_bytes)
			file_rotate(s);
	}
}

/*
 * One line, one write(2). Returns 0, or -errno with the file as it was
 * before (a partial write is cut off again).
 */
static int file_put(struct ag_sink *s, const char *line, size_t len)
{
	ssize_t n;

	if (s->fd < 0)
		return -EBADF;
	do
		n = write(s->fd, line, len);
	while (n < 0 && errno == EINTR);
	/* A pipe may take a long line in parts: finish it (cannot be cut back). */
	while (!s->regular && n > 0 && n < (ssize_t)len) {
		ssize_t k = write(s->fd, line + n, len - (size_t)n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += k;
	}
	if (n == (ssize_t)len) {
		s->size += len;
		return 0;
	}
	if (n < 0) {
		int e = errno;

		fail(s, e);
		if (e == EBADF || e == EIO || e == ESTALE)
			s->fd = (close(s->fd), -1);
		return -e;
	}
	/* Short write: the disk filled up in the middle of the line. */
	{
		struct stat st;

		if (s->regular && fstat(s->fd, &st) == 0 && st.st_size >= n)
			(void)ftruncate(s->fd, st.st_size - n);
	}
	fail(s, ENOSPC);
	return -ENOSPC;
}

/* Write the retry buffer's lines in order; keep what still fails. */
static void pend_flush(struct ag_sink *s)
{
	size_t off = 0;

	while (off < s->npend && s->fd >= 0) {
		char *nl = memchr(s->pend + off, '\n', s->npend - off);
		size_t len = (size_t)(nl - (s->pend + off)) + 1;

		file_maintain(s, len);
		if (file_put(s, s->pend + off, len) < 0)
			break;
		off += len;
		ag_health_add(s->h, AG_H_WRITE_RETRIED, 1);
		ag_health_add(s->h, AG_H_ALERTS_WRITTEN, 1);
	}
	if (off) {
		memmove(s->pend, s->pend + off, s->npend - off);
		s->npend -= off;
		ag_health_sub(s->h, AG_H_PENDING_BYTES, off);
	}
}

static int pend_add(struct ag_sink *s, const char *line, size_t len)
{
	if (s->npend + len > s->cfg->alerts.retry_bytes) {
		ag_health_add(s->h, AG_H_ALERTS_DROPPED, 1);
		return -ENOBUFS;
	}
	if (s->npend + len > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 65536;
		char *nb;

		while (ncap < s->npend + len)
			ncap *= 2;
		nb = realloc(s->pend, ncap);
		if (!nb) {
			ag_health_add(s->h, AG_H_ALERTS_DROPPED, 1);
			return -ENOBUFS;
		}
		s->pend = nb;
		s->cap = ncap;
	}
	memcpy(s->pend + s->npend, line, len);
	s->npend += len;
	ag_health_add(s->h, AG_H_PENDING_BYTES, len);
	return -EAGAIN;
}

static int out_put(struct ag_sink *s, const char *line, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, line, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fail(s, n < 0 ? errno : EIO);
			return n < 0 ? -errno : -EIO;
		}
		line += n;
		len -= (size_t)n;
	}
	return 0;
}

int ag_sink_write(struct ag_sink *s, const char *line, size_t len)
{
	int r = 0, ro = 0;

	if (!len || line[len - 1] != '\n' || memchr(line, '\n', len - 1))
		return -EINVAL;
	if (s->syslog)
		syslog(s->cfg->alerts.syslog_facility | LOG_WARNING, "%.*s", (int)(len - 1), line);
	if (s->out)
		ro = out_put(s, line, len);
	if (!s->path) {
		if (ro == 0)
			ag_health_add(s->h, AG_H_ALERTS_WRITTEN, 1);
		return ro;
	}
	file_maintain(s, len);
	if (s->npend && mono_ms() >= s->next_try)
		pend_flush(s);
	if (s->npend || s->fd < 0 || mono_ms() < s->next_try)
		return pend_add(s, line, len);
	r = file_put(s, line, len);
	if (r < 0)
		return pend_add(s, line, len);
	ag_health_add(s->h, AG_H_ALERTS_WRITTEN, 1);
	return 0;
}

void ag_sink_tick(struct ag_sink *s)
{
	if (!s->path)
		return;
	file_maintain(s, 0);
	if (s->npend && mono_ms() >= s->next_try)
		pend_flush(s);
}

size_t ag_sink_pending(const struct ag_sink *s)
{
	return s->npend;
}

int ag_sink_open(struct ag_sink **ret, const struct ag_config *cfg, struct ag_health *h, char *err,
		 size_t errlen)
{
	struct ag_sink *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	s->cfg = cfg;
	s->h = h;
	s->fd = -1;
	s->gen = reopen_gen;
	s->mode = cfg->alerts.group_read ? 0640 : 0600;
	s->out = cfg->alerts.stdout_;
	s->syslog = cfg->alerts.syslog;
	s->path = cfg->alerts.file;
	if (s->path) {
		r = file_open(s);
		if (r < 0) {
			snprintf(err, errlen, "cannot open '%s': %s", s->path, strerror(-r));
			free(s);
			return r;
		}
	}
	if (s->syslog)
		openlog(cfg->alerts.syslog_ident, LOG_PID | LOG_NDELAY,
			cfg->alerts.syslog_facility);
	*ret = s;
	return 0;
}

void ag_sink_close(struct ag_sink *s)
{
	if (!s)
		return;
	if (s->path) {
		s->next_open = 0;
		s->next_try = 0;
		ag_sink_tick(s);
		if (s->npend) {
			/* Lost at exit: say so in the final status. */
			size_t off, lines = 0;

			for (off = 0; off < s->npend; off++)
				lines += s->pend[off] == '\n';
			ag_health_add(s->h, AG_H_ALERTS_DROPPED, lines);
			ag_health_sub(s->h, AG_H_PENDING_BYTES, s->npend);
		}
	}
	if (s->fd >= 0)
		close(s->fd);
	if (s->syslog)
		closelog();
	free(s->pend);
	free(s);
}
