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
 *
 * The file is written by a process of its own, the alert writer (forked at
 * open, named "sigmac-alerts"): the agent hands it each line through a
 * pipe. Linux stops a write(2) cut by a fatal signal between two pages of
 * the file (generic_perform_write() checks between folios), so a kill -9
 * or a crash of the process doing the write can leave part of a line; the
 * agent, the big process that is killed, crashes or is chosen by the OOM
 * killer, is not that process. When the agent dies the writer reads what
 * is left in the pipe, writes every whole line of it, drops a line cut in
 * the pipe (counted) and exits. Only a kill -9 of the writer itself in the
 * middle of a write can still leave a partial last line: the next open
 * cuts it. Without a writer (fork failed, or it died) the agent writes the
 * file itself, with the same code.
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
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <poll.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "health.h"

static volatile sig_atomic_t reopen_gen;
static volatile sig_atomic_t writer_pid; /* the agent's alert writer, for SIGHUP */

/* Pipe to the writer: room for bursts while the disk is slow. */
#define WRITER_PIPE_BYTES (1 << 20)

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
	/* the alert writer process (in the agent: its pid and our pipe end) */
	pid_t writer; /* 0: none, the file is written here */
	int wpipe;    /* write end of the pipe, -1 none */
	pid_t reap;   /* a lost writer not waited for yet, 0 none */
	/* other sinks */
	bool out;    /* standard output */
	bool syslog; /* syslog(3) */
};

void ag_sink_request_reopen(void)
{
	int e = errno;
	pid_t w = writer_pid;

	reopen_gen++;
	if (w > 0)
		kill(w, SIGHUP);
	errno = e;
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

/* The file part of a write (here or in the writer process). */
static int file_write(struct ag_sink *s, const char *line, size_t len)
{
	int r;

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

/* Collect the exit of a writer that is gone (wait: block until it ends). */
static void writer_reap(struct ag_sink *s, bool wait)
{
	pid_t r;

	if (s->reap <= 0)
		return;
	do
		r = waitpid(s->reap, NULL, wait ? 0 : WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == s->reap || (r < 0 && errno == ECHILD))
		s->reap = 0;
}

/*
 * The writer is gone (it died, or the pipe broke): the file is written here
 * from now on. Its exit is collected now or at a later tick (writer_reap).
 */
static void writer_lost(struct ag_sink *s)
{
	if (s->wpipe >= 0)
		close(s->wpipe);
	s->wpipe = -1;
	s->reap = s->writer;
	s->writer = 0;
	writer_pid = 0;
	fail(s, EPIPE);
	s->next_try = 0; /* write at once, here */
	writer_reap(s, false);
}

/* Hand one line to the writer; a blocked pipe (slow disk) waits. */
static int pipe_put(struct ag_sink *s, const char *line, size_t len)
{
	while (len) {
		ssize_t n = write(s->wpipe, line, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EPIPE;
		line += n;
		len -= (size_t)n;
	}
	return 0;
}

int ag_sink_write(struct ag_sink *s, const char *line, size_t len)
{
	int ro = 0;

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
	if (s->writer > 0) {
		if (pipe_put(s, line, len) == 0)
			return 0;
		/* A line cut in the pipe is dropped by the writer: write it here. */
		writer_lost(s);
	}
	writer_reap(s, false);
	return file_write(s, line, len);
}

void ag_sink_tick(struct ag_sink *s)
{
	if (!s->path)
		return;
	/* reaped here, the writer_reap() in writer_lost() sees ECHILD */
	if (s->writer > 0) {
		if (waitpid(s->writer, NULL, WNOHANG) != s->writer)
			return;
		writer_lost(s);
	}
	writer_reap(s, false);
	file_maintain(s, 0);
	if (s->npend && mono_ms() >= s->next_try)
		pend_flush(s);
}

int ag_sink_writer_pid(const struct ag_sink *s)
{
	return s && s->writer > 0 ? s->writer : 0;
}

size_t ag_sink_pending(const struct ag_sink *s)
{
	return s->writer > 0 ? (size_t)ag_health_get(s->h, AG_H_PENDING_BYTES) : s->npend;
}

static void writer_on_hup(int sig)
{
	(void)sig;
	reopen_gen++;
}

/* Close every descriptor but 0-2, a and b (the writer needs no other). */
static void close_others(int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;

	if (lo > 3)
		close_range(3, (unsigned)lo - 1, 0);
	if (hi > lo + 1)
		close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
	close_range((unsigned)hi + 1, ~0u, 0);
}

/*
 * The alert writer process: whole lines from rfd to the file, with the
 * file sink's retries, reopen on SIGHUP and rotation, until the agent
 * closes its end (or dies). Never returns.
 */
static _Noreturn void writer_main(struct ag_sink *s, int rfd)
{
	size_t cap = (size_t)s->cfg->alerts.max_line_bytes + 65536, have = 0;
	char *buf = malloc(cap);
	struct sigaction sa;
	bool skip = false; /* dropping a line longer than the buffer */

	writer_pid = 0;
	s->writer = 0;
	s->out = false;
	s->syslog = false;
	(void)prctl(PR_SET_NAME, "sigmac-alerts", 0, 0, 0);
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* The agent ends this process by closing the pipe, after its last line. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = writer_on_hup;
	sigaction(SIGHUP, &sa, NULL);
	close_others(rfd, s->fd);
	if (!buf)
		_exit(1);
	for (;;) {
		struct pollfd pfd = {.fd = rfd, .events = POLLIN};
		ssize_t n = 0;
		char *p, *nl;

		if (poll(&pfd, 1, s->npend ? RETRY_MS : 1000) > 0) {
			n = read(rfd, buf + have, cap - have);
			if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
				break;
		}
		if (n > 0) {
			have += (size_t)n;
			for (p = buf; (nl = memchr(p, '\n', have - (size_t)(p - buf)));
			     p = nl + 1) {
				if (!skip)
					file_write(s, p, (size_t)(nl - p) + 1);
				skip = false;
			}
			have -= (size_t)(p - buf);
			memmove(buf, p, have);
			if (have == cap) {
				/* No line is this long (alerts.max_line_kb): drop it, counted. */
				ag_health_add(s->h, AG_H_ALERTS_DROPPED, skip ? 0 : 1);
				skip = true;
				have = 0;
			}
		}
		ag_sink_tick(s);
	}
	if (have && !skip)
		ag_health_add(s->h, AG_H_ALERTS_DROPPED, 1); /* the agent died inside a line */
	free(buf);
	ag_sink_close(s);
	_exit(0);
}

/*
 * Fork the alert writer, which takes over the open file. Returns 0, or
 * -errno with the file still written here.
 */
static int writer_spawn(struct ag_sink *s)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	(void)fcntl(p[1], F_SETPIPE_SZ, WRITER_PIPE_BYTES); /* best effort */
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(p[0]);
		close(p[1]);
		return -e;
	}
	if (pid == 0) {
		close(p[1]);
		writer_main(s, p[0]);
	}
	close(p[0]);
	close(s->fd);
	s->fd = -1;
	s->wpipe = p[1];
	s->writer = pid;
	writer_pid = pid;
	return 0;
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
	s->wpipe = -1;
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
		r = writer_spawn(s);
		if (r < 0)
			fprintf(stderr,
				"sigmac-agent: no alert writer process (%s): writing '%s' "
				"from the agent\n",
				strerror(-r), s->path);
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
	if (s->writer > 0) {
		/* Its last lines are in the pipe: it writes them and exits. */
		int st = 0;

		close(s->wpipe);
		s->wpipe = -1;
		while (waitpid(s->writer, &st, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			fail(s, EPIPE);
		s->writer = 0;
		writer_pid = 0;
	} else if (s->path) {
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
	writer_reap(s, true);
	if (s->fd >= 0)
		close(s->fd);
	if (s->syslog)
		closelog();
	free(s->pend);
	free(s);
}
