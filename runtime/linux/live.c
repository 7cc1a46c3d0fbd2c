// SPDX-License-Identifier: Apache-2.0
/*
 * `sigmac-agent run` (live.h): settings, start-up, the main loop, counters.
 *
 * Design. One thread does everything, in the order replay does it: a
 * ring-buffer record is normalised into a struct ag_event (normalize.c),
 * captured when asked, run through the generated rules (ag_detect) and
 * every match written as an ECS alert (ag_alert_sigma). Nothing is
 * allocated per record. Alerts and captured events are buffered and
 * written after each drain of the ring buffer (at most poll-ms apart, and
 * at least every AG_LIVE_BATCH records under load), whole lines only.
 *
 * Start-up order: checks (root or capabilities, kernel, BTF, tracefs),
 * the rule engine and outputs, the collectors (records queue in the ring
 * buffer from then on), the process table from /proc, then "running" on
 * standard error. Overload: the kernel drops what the ring buffer cannot
 * hold and counts it; the agent reports new drops at most every
 * AG_LIVE_DROP_REPORT seconds and at exit; its own memory is fixed by the
 * settings (ring, table, buffers), so it keeps running.
 *
 * Not here: the BPF side (bpf/, collector.c), decoding (normalize.c).
 */
#include "live.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "capture.h"
#include "collector.h"
#include "detect.h"
#include "gen_abi.h"
#include "jsonw.h"
#include "live_config.h"
#include "normalize.h"
#include "proctab.h"

#ifndef AG_VERSION
#define AG_VERSION "0.0.0"
#endif

/* Records handled before the loop flushes output and checks the clock. */
#define AG_LIVE_BATCH 8192
/* Seconds between two reports of new kernel drops. */
#define AG_LIVE_DROP_REPORT 10
/* Alert bytes buffered before a write. */
#define AG_LIVE_FLUSH (64u * 1024)

enum { EXIT_OK = 0, EXIT_START = 1, EXIT_USAGE = 2 };

struct live {
	struct ag_live_config cfg;
	struct ag_engine eng;
	struct ag_norm norm;
	struct ag_proctab *pt;
	struct ag_collector *coll;
	struct ag_jsonw out; /* pending alert lines */
	struct ag_alert_ctx ac;
	struct ag_capture cap;
	bool capturing;
	int afd; /* alert output */
	char host[256];
	uint64_t events; /* events detected on */
	uint64_t alerts;
	uint64_t alert_write_errors;
	uint64_t alert_encode_errors;
	uint32_t batch;	      /* records since the last flush */
	uint64_t kdrops_seen; /* kernel drops already reported */
	double last_drop_report;
	double start;
};

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void note(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "sigmac-agent: %s\n", msg);
}

static void usage(FILE *f)
{
	fputs("usage: sigmac-agent run [--config FILE] [--alerts FILE|-] [--capture FILE|-]\n"
	      "                        [--duration SECONDS] [--collect LIST] [--pid-tree PID]\n"
	      "                        [--ring-mb MIB] [--wakeup-kb KIB] [--poll-ms MS]\n"
	      "                        [--proc-max N] [--proc-mb MIB] [--stats-interval S] "
	      "[--verbose]\n"
	      "\n"
	      "Live detection with the eBPF collectors: every process, network, DNS, file and\n"
	      "process-control event of the machine goes through the compiled rules; each match\n"
	      "is one ECS NDJSON alert on --alerts (default: standard output). Needs root, or\n"
	      "CAP_BPF, CAP_PERFMON and CAP_SYS_RESOURCE, on Linux 5.8+ with BTF. Stops on\n"
	      "SIGINT/SIGTERM or after --duration, then prints its counters on standard error.\n"
	      "\n"
	      "  --config FILE        settings as 'key = value' lines (keys: the long options)\n"
	      "  --capture FILE       also record every event as JSONL for 'sigmac-agent replay'\n"
	      "  --collect LIST       process,network,dns,file,ptrace,setid,memfd,bpf,module|all\n"
	      "  --pid-tree PID       only events of PID and its descendants (filtered in the kernel)\n"
	      "  --ring-mb MIB        ring buffer size (default 16)\n"
	      "  --wakeup-kb KIB      wake up when this much is queued (default 64; 0: per event)\n"
	      "  --poll-ms MS         longest delay before queued events are read (default 50)\n"
	      "  --proc-max N         process table entries (default 32768)\n"
	      "  --proc-mb MIB        process table string memory (default 16)\n"
	      "  --stats-interval S   print counters every S seconds (default: at exit only)\n"
	      "  --verbose            libbpf's messages and every hook left out\n",
	      f);
}

/* ---- output ---- */

static void write_all(int fd, const char *p, size_t n, uint64_t *errors)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			(*errors)++;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

static void flush_output(struct live *l)
{
	if (l->out.len) {
		write_all(l->afd, l->out.buf, l->out.len, &l->alert_write_errors);
		ag_jsonw_reset(&l->out);
	}
	if (l->capturing && l->cap.w.len)
		ag_capture_flush(&l->cap);
}

static void on_match(void *arg, const struct ag_event *ev, uint32_t rule)
{
	struct live *l = arg;

	if (ag_alert_sigma(&l->out, &l->ac, &l->eng.rs->rules[rule], ev, now_ns()) == 0)
		l->alerts++;
	else
		l->alert_encode_errors++;
	if (l->out.len >= AG_LIVE_FLUSH) {
		write_all(l->afd, l->out.buf, l->out.len, &l->alert_write_errors);
		ag_jsonw_reset(&l->out);
	}
}

/* The ring buffer's callback: one record, start to finish. */
static int on_record(void *ctx, void *data, size_t size)
{
	struct live *l = ctx;

	if (ag_norm_record(&l->norm, data, size) == 1) {
		if (l->capturing)
			ag_capture_event(&l->cap, &l->norm.ev);
		ag_detect(&l->eng, &l->norm.ev, on_match, l);
		l->events++;
	}
	if (++l->batch >= AG_LIVE_BATCH) {
		l->batch = 0;
		return -EAGAIN; /* consumed; back to the loop for output and signals */
	}
	return 0;
}

/* ---- counters ---- */

static const char *const rec_names[AG_REC_TYPE_MAX] = {
	[AG_REC_EXEC] = "exec",
	[AG_REC_FORK] = "fork",
	[AG_REC_EXIT] = "exit",
	[AG_REC_CONNECT] = "connect",
	[AG_REC_ACCEPT] = "accept",
	[AG_REC_UDP_SEND] = "udp",
	[AG_REC_DNS] = "dns",
	[AG_REC_FILE_CREATE] = "create",
	[AG_REC_FILE_CHANGE] = "change",
	[AG_REC_FILE_DELETE] = "delete",
	[AG_REC_FILE_RENAME] = "rename",
	[AG_REC_PTRACE] = "ptrace",
	[AG_REC_SETID] = "setid",
	[AG_REC_MEMFD] = "memfd",
	[AG_REC_BPF] = "bpf",
	[AG_REC_MODULE] = "module",
};

static uint64_t kernel_drops(const uint64_t k[64])
{
	uint64_t d = 0;
	int t;

	for (t = 1; t < AG_REC_TYPE_MAX; t++)
		d += k[AG_STAT_DROP + t];
	return d;
}

static void print_stats(struct live *l, bool final)
{
	const struct ag_norm_stats *ns = &l->norm.st;
	struct ag_proctab_stats ps;
	uint64_t k[64], sent = 0;
	struct rusage ru;
	char line[1024];
	size_t n = 0;
	int t;

	if (ag_collector_counters(l->coll, k) < 0)
		memset(k, 0, sizeof(k));
	for (t = 1; t < AG_REC_TYPE_MAX; t++) {
		sent += k[AG_STAT_EMIT + t];
		if (k[AG_STAT_EMIT + t] || k[AG_STAT_DROP + t])
			n += (size_t)snprintf(line + n, sizeof(line) - n, " %s %llu", rec_names[t],
					      (unsigned long long)k[AG_STAT_EMIT + t]);
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
	}
	ag_proctab_stats(l->pt, &ps);
	getrusage(RUSAGE_SELF, &ru);
	fprintf(stderr, "sigmac-agent: %s after %.1f s\n", final ? "stopped" : "counters",
		mono() - l->start);
	fprintf(stderr, "  kernel records sent:    %llu (%.*s )\n", (unsigned long long)sent,
		(int)n, line);
	fprintf(stderr, "  kernel records dropped: %llu (ring buffer full)\n",
		(unsigned long long)kernel_drops(k));
	fprintf(stderr,
		"  kernel other:           %llu stash full, %llu paths cut, %llu tree full\n",
		(unsigned long long)k[AG_STAT_PENDING_FULL],
		(unsigned long long)k[AG_STAT_PATH_TRUNC],
		(unsigned long long)k[AG_STAT_TREE_FULL]);
	fprintf(stderr,
		"  events:                 %llu (%llu malformed records, %llu unknown "
		"processes, %llu non-DNS port-53 payloads, %llu strings cut)\n",
		(unsigned long long)l->events, (unsigned long long)ns->malformed,
		(unsigned long long)ns->no_process, (unsigned long long)ns->dns_unparsed,
		(unsigned long long)ns->truncated);
	fprintf(stderr, "  alerts:                 %llu (%llu write errors, %llu too large)\n",
		(unsigned long long)l->alerts, (unsigned long long)l->alert_write_errors,
		(unsigned long long)l->alert_encode_errors);
	if (l->capturing)
		fprintf(stderr, "  captured:               %llu events (%llu write errors)\n",
			(unsigned long long)l->cap.events, (unsigned long long)l->cap.write_errors);
	fprintf(stderr,
		"  process table:          %llu live, %llu exited, %.1f MiB strings, %llu full, "
		"%llu without strings, %llu/%llu looked up in /proc\n",
		(unsigned long long)ps.live, (unsigned long long)ps.dead, ps.bytes / 1048576.0,
		(unsigned long long)ps.full, (unsigned long long)ps.no_strings,
		(unsigned long long)ps.lazy_ok, (unsigned long long)(ps.lazy_ok + ps.lazy_missed));
	fprintf(stderr, "  peak RSS:               %.1f MiB; CPU %.2f s user, %.2f s system\n",
		ru.ru_maxrss / 1024.0, ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
		ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
}

/* Report kernel drops that are new since the last report (rate-limited). */
static void check_drops(struct live *l, double now)
{
	uint64_t k[64], d;

	if (now - l->last_drop_report < AG_LIVE_DROP_REPORT)
		return;
	if (ag_collector_counters(l->coll, k) < 0)
		return;
	d = kernel_drops(k);
	if (d > l->kdrops_seen) {
		fprintf(stderr,
			"sigmac-agent: warning: the kernel dropped %llu records (ring buffer full; "
			"%llu in all): events arrive faster than they are read\n",
			(unsigned long long)(d - l->kdrops_seen), (unsigned long long)d);
		l->kdrops_seen = d;
	}
	l->last_drop_report = now;
}

/* ---- settings ---- */

static int parse_args(struct live *l, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"alerts", required_argument, NULL, 'a'},
		{"capture", required_argument, NULL, 'C'},
		{"duration", required_argument, NULL, 'd'},
		{"collect", required_argument, NULL, 'o'},
		{"pid-tree", required_argument, NULL, 'p'},
		{"ring-mb", required_argument, NULL, 'r'},
		{"wakeup-kb", required_argument, NULL, 'w'},
		{"poll-ms", required_argument, NULL, 'P'},
		{"proc-max", required_argument, NULL, 'm'},
		{"proc-mb", required_argument, NULL, 'M'},
		{"stats-interval", required_argument, NULL, 's'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char err[600];
	int c, i, idx;

	/* the file first, whatever its position: the command line wins */
	for (i = 1; i < argc; i++) {
		const char *path = NULL;

		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			path = argv[i] + 9;
		if (path && ag_live_config_load(&l->cfg, path, err, sizeof(err)) < 0) {
			fprintf(stderr, "sigmac-agent: %s\n", err);
			return EXIT_USAGE;
		}
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, &idx)) != -1) {
		const char *name;

		if (c == 'h') {
			usage(stdout);
			return -1;
		}
		if (c == '?') {
			usage(stderr);
			return EXIT_USAGE;
		}
		if (c == 'c')
			continue;
		name = longopts[idx].name;
		if (ag_live_config_set(&l->cfg, name, strlen(name), c == 'v' ? "true" : optarg, err,
				       sizeof(err)) < 0) {
			fprintf(stderr, "sigmac-agent: --%s\n", err);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "sigmac-agent: run takes no arguments ('%s')\n", argv[optind]);
		return EXIT_USAGE;
	}
	return 0;
}

/* ---- start, loop, stop ---- */

static int start(struct live *l)
{
	struct ag_collector_opts o = {0};
	char err[512];
	uint32_t att, total;
	uint64_t ring = 4096;
	int r;

	r = ag_collector_preflight(err, sizeof(err), note, NULL);
	if (r < 0) {
		fprintf(stderr, "sigmac-agent: cannot start: %s\n", err);
		return EXIT_START;
	}
	r = ag_engine_init(&l->eng, &sgr_ruleset);
	if (r < 0) {
		fprintf(stderr, "sigmac-agent: cannot start the engine: %s\n",
			r == -EPROTO ? "rule set ABI mismatch" : strerror(-r));
		return EXIT_START;
	}
	if (ag_proctab_new(&l->pt, l->cfg.proc_max, (size_t)l->cfg.proc_mb << 20) < 0 ||
	    ag_norm_init(&l->norm, &sgr_ruleset, l->pt, l->cfg.collect) < 0 ||
	    ag_jsonw_init(&l->out, 2 * AG_LIVE_FLUSH, 64u << 20) < 0) {
		fputs("sigmac-agent: out of memory\n", stderr);
		return EXIT_START;
	}
	l->afd = strcmp(l->cfg.alerts, "-") == 0
			 ? STDOUT_FILENO
			 : open(l->cfg.alerts,
				O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (l->afd < 0) {
		fprintf(stderr, "sigmac-agent: cannot open %s: %s\n", l->cfg.alerts,
			strerror(errno));
		return EXIT_USAGE;
	}
	if (l->cfg.capture) {
		r = ag_capture_open(&l->cap, l->cfg.capture);
		if (r < 0) {
			fprintf(stderr, "sigmac-agent: cannot open %s: %s\n", l->cfg.capture,
				strerror(-r));
			return EXIT_USAGE;
		}
		l->capturing = true;
	}
	if (gethostname(l->host, sizeof(l->host) - 1) < 0)
		strcpy(l->host, "localhost");
	l->ac.host_name = l->host;
	l->ac.os_type = "linux";
	l->ac.agent_version = AG_VERSION;
	l->ac.ruleset_digest = sgr_ruleset.digest;
	while (ring < (uint64_t)l->cfg.ring_mb << 20)
		ring *= 2;
	o.self_tgid = (uint32_t)getpid();
	o.follow_pid = l->cfg.pid_tree;
	o.ring_bytes = ring;
	o.wakeup_bytes = (uint64_t)l->cfg.wakeup_kb << 10;
	o.groups = l->cfg.collect;
	o.verbose = l->cfg.verbose;
	o.on_record = on_record;
	o.record_ctx = l;
	o.note = note;
	r = ag_collector_open(&l->coll, &o, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "sigmac-agent: cannot start: %s\n", err);
		return EXIT_START;
	}
	r = ag_proctab_seed(l->pt);
	if (r < 0)
		fprintf(stderr,
			"sigmac-agent: cannot read /proc (%s): process details will be "
			"missing for processes started before the agent\n",
			strerror(-r));
	ag_collector_programs(l->coll, &att, &total);
	fprintf(stderr,
		"sigmac-agent: running: %u of %u collectors attached, %u rules, %d processes "
		"known, ring buffer %llu MiB%s\n",
		att, total, sgr_ruleset.nrules, r < 0 ? 0 : r, (unsigned long long)(ring >> 20),
		l->cfg.pid_tree ? ", following one process tree" : "");
	return EXIT_OK;
}

static int loop(struct live *l)
{
	double last_tick = mono(), last_stats = last_tick, now, end = 0;
	bool backlog = false;
	int r;

	if (l->cfg.duration > 0)
		end = mono() + l->cfg.duration;
	while (!stop_flag) {
		r = ag_collector_poll(l->coll, backlog ? 0 : (int)l->cfg.poll_ms);
		backlog = r == -EAGAIN;
		if (r < 0 && r != -EAGAIN && r != -EINTR) {
			fprintf(stderr, "sigmac-agent: reading the ring buffer failed: %s\n",
				strerror(-r));
			return EXIT_START;
		}
		flush_output(l);
		now = mono();
		if (now - last_tick >= 1.0) {
			ag_norm_clock(&l->norm);
			check_drops(l, now);
			last_tick = now;
		}
		if (l->cfg.stats_interval && now - last_stats >= l->cfg.stats_interval) {
			print_stats(l, false);
			last_stats = now;
		}
		if (end && now >= end)
			break;
	}
	/* what is queued already: the events happened before the stop */
	do {
		r = ag_collector_poll(l->coll, 0);
		flush_output(l);
	} while (r == -EAGAIN);
	return EXIT_OK;
}

static void teardown(struct live *l)
{
	ag_collector_close(l->coll);
	if (l->capturing)
		ag_capture_close(&l->cap);
	if (l->afd >= 0 && l->afd != STDOUT_FILENO)
		close(l->afd);
	ag_jsonw_done(&l->out);
	ag_norm_done(&l->norm);
	ag_proctab_free(l->pt);
	ag_engine_done(&l->eng);
	ag_live_config_done(&l->cfg);
	free(l);
}

int ag_cmd_run(int argc, char **argv)
{
	struct sigaction sa = {0};
	struct live *l;
	int r;

	l = calloc(1, sizeof(*l));
	if (!l || ag_live_config_init(&l->cfg) < 0) {
		fputs("sigmac-agent: out of memory\n", stderr);
		free(l);
		return EXIT_START;
	}
	l->afd = -1;
	r = parse_args(l, argc, argv);
	if (r) {
		ag_live_config_done(&l->cfg);
		free(l);
		return r < 0 ? EXIT_OK : r;
	}
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	l->start = mono();
	r = start(l);
	if (r == EXIT_OK) {
		r = loop(l);
		print_stats(l, true);
	}
	teardown(l);
	return r;
}
