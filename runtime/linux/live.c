// SPDX-License-Identifier: Apache-2.0
/*
 * `sigmac-agent run` (live.h): settings, start-up, the main loop, counters.
 *
 * Design. One thread does everything, in the order replay does it: a
 * ring-buffer record is normalised into a struct ag_event (normalize.c),
 * captured when asked, counted and filtered (exclude.*) by the operating
 * layer (ops.h), run through the generated rules (ag_detect), each match
 * handed to ag_ops_alert() (ECS alert, dedup, sinks, active response),
 * then checked against the IOC tables and queued for hashing and YARA
 * (live_intel.h, a worker pool off the event path; its results become
 * alerts when the loop polls them). Nothing is allocated per record.
 *
 * Settings: built-in defaults, the YAML file (--config FILE, config.h:
 * the same file as replay, with a `live:` section), then the command line.
 *
 * Active response needs the process's identity: the record header's start
 * time (CLOCK_BOOTTIME, the kernel's start_boottime) is added to events as
 * ProcessStartTicks in /proc/PID/stat units when response is on, so the
 * response module never signals a process that reused the pid.
 *
 * Start-up order: checks (root or capabilities, kernel, BTF, tracefs),
 * the rule engine, ops (sinks, status writer), IOC/YARA, the collectors
 * (records queue in the ring buffer from then on), the process table from
 * /proc, then "running" on standard error. Stop (SIGTERM/SIGINT,
 * --duration): what the ring buffer holds is drained, pending scans are
 * finished (bounded), ops flushes dedup windows and sinks and writes the
 * final status. SIGHUP reopens the alert file (ops). Overload: the kernel
 * drops what the ring buffer cannot hold and counts it (health:
 * drops.kernel); memory is fixed by the settings, so the agent keeps
 * running.
 *
 * Not here: the BPF side (bpf/, collector.c), decoding (normalize.c).
 */
#include "live.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "capture.h"
#include "collector.h"
#include "config.h"
#include "detect.h"
#include "gen_abi.h"
#include "health.h"
#include "live_intel.h"
#include "normalize.h"
#include "ops.h"
#include "proctab.h"

#ifndef AG_VERSION
#define AG_VERSION "0.0.0"
#endif

/* Records handled before the loop goes back to output, scans and signals. */
#define AG_LIVE_BATCH 8192
/* Seconds between two warnings about new kernel drops. */
#define AG_LIVE_DROP_REPORT 10
/* Longest wait for pending file scans at stop (ms). */
#define AG_LIVE_DRAIN_MS 5000

enum { EXIT_OK = 0, EXIT_START = 1, EXIT_USAGE = 2 };

struct live {
	struct ag_config cfg; /* settings (owned; read-only once started) */
	double duration;      /* --duration: seconds, 0 until stopped */
	uint32_t collect;     /* enum ag_coll_group bits */
	bool respond;	      /* response on: events carry ProcessStartTicks */
	struct ag_engine eng;
	struct ag_norm norm;
	struct ag_proctab *pt;	     /* owned */
	struct ag_collector *coll;   /* owned */
	struct ag_ops *ops;	     /* owned: alerts, dedup, sinks, response, health */
	struct ag_live_intel *intel; /* owned, NULL when IOC/YARA are off */
	struct ag_alert_ctx ac;	     /* IOC/YARA alerts */
	struct ag_capture cap;
	bool capturing;
	char host[256];
	char ticks[24];	      /* ProcessStartTicks of the current event */
	uint64_t ns_per_tick; /* /proc/PID/stat start time unit */
	uint64_t events;      /* events detected on */
	uint64_t matches;     /* Sigma matches */
	uint32_t batch;	      /* records since the loop last ran */
	uint64_t kdrops_seen; /* kernel drops already warned about */
	uint64_t kdrops_health;
	uint64_t malformed_health;
	double last_drop_report;
	double start;
};

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
	fputs("usage: sigmac-agent run [--config FILE] [--alerts FILE|-] [--response off|dry-run|kill]\n"
	      "                        [--status-file FILE] [--capture FILE|-] [--duration SECONDS]\n"
	      "                        [--collect LIST] [--pid-tree PID] [--ring-mb MIB]\n"
	      "                        [--wakeup-kb KIB] [--poll-ms MS] [--proc-max N] [--proc-mb MIB]\n"
	      "                        [--stats-interval S] [--scan-written] [--ia32-syscalls]\n"
	      "                        [--verbose]\n"
	      "\n"
	      "Live detection with the eBPF collectors: every process, network, DNS, file and\n"
	      "process-control event of the machine goes through the compiled rules, the IOC\n"
	      "feeds and (for new process images, and written files with --scan-written) the\n"
	      "YARA rules; each match is one ECS NDJSON alert on the configured outputs, with\n"
	      "dedup, rotation and active response as the configuration says. Needs root, or\n"
	      "CAP_BPF, CAP_PERFMON and CAP_SYS_RESOURCE, on Linux 5.8+ with BTF. Stops on\n"
	      "SIGINT/SIGTERM or after --duration (queued events and alerts are flushed), then\n"
	      "prints its counters on standard error. SIGHUP reopens the alert file.\n"
	      "\n"
	      "  --config FILE        YAML settings (tools/sigmac-agent.yml; live: section)\n"
	      "  --alerts FILE|-      alerts to FILE only ('-': standard output only)\n"
	      "  --response MODE      off, dry-run or kill (overrides response.mode)\n"
	      "  --status-file FILE   health and counters ('sigmac-agent status' reads it)\n"
	      "  --capture FILE       also record every event as JSONL for 'sigmac-agent replay'\n"
	      "  --collect LIST       process,network,dns,file,ptrace,setid,memfd,bpf,module|all\n"
	      "  --pid-tree PID       only events of PID and its descendants (filtered in the kernel)\n"
	      "  --ring-mb MIB        ring buffer size (queues.ring_mb, default 16)\n"
	      "  --wakeup-kb KIB      wake up when this much is queued (default 64; 0: per event)\n"
	      "  --poll-ms MS         longest delay before queued events are read (default 50)\n"
	      "  --proc-max N         process table entries (default 32768)\n"
	      "  --proc-mb MIB        process table string memory (default 16)\n"
	      "  --stats-interval S   print counters every S seconds (default: at exit only)\n"
	      "  --scan-written       hash and YARA-scan files when written (live.scan_written)\n"
	      "  --ia32-syscalls      also collect 32-bit (int 0x80) syscalls, at a cost on every\n"
	      "                       syscall of the machine (live.ia32_syscalls)\n"
	      "  --verbose            libbpf's messages and every hook left out\n",
	      f);
}

/* ---- the event path ---- */

static void on_match(void *arg, const struct ag_event *ev, uint32_t rule)
{
	struct live *l = arg;

	ag_ops_alert(l->ops, rule, ev, now_ns());
	l->matches++;
}

/* ProcessStartTicks for the response module, when the event is the record's process. */
static void add_start_ticks(struct live *l, struct ag_event *ev, const struct ag_rec_hdr *h)
{
	const struct ag_kv *pid = ag_event_get(ev, AG_FIELD_PROCESSID);
	uint64_t v = 0;
	uint32_t i;
	int n;

	if (!pid || !pid->val_len || pid->val_len > 10)
		return;
	for (i = 0; i < pid->val_len; i++) {
		if (pid->val[i] < '0' || pid->val[i] > '9')
			return;
		v = v * 10 + (uint64_t)(pid->val[i] - '0');
	}
	if (v != h->tgid)
		return;
	n = snprintf(l->ticks, sizeof(l->ticks), "%llu",
		     (unsigned long long)(h->start_ns / l->ns_per_tick));
	ag_event_add(ev, "ProcessStartTicks", 17, l->ticks, (uint32_t)n, AG_V_NUMBER,
		     AG_FIELD_NONE);
}

/* The ring buffer's callback: one record, start to finish. */
static int on_record(void *ctx, void *data, size_t size)
{
	struct live *l = ctx;
	struct ag_event *ev = &l->norm.ev;
	const struct ag_rec_hdr *h = data;
	int r;

	/* one event per record, or two (ag_norm_again) */
	for (r = ag_norm_record(&l->norm, data, size); r == 1; r = ag_norm_again(&l->norm)) {
		if (l->capturing)
			ag_capture_event(&l->cap, ev);
		ag_ops_count_event(l->ops, ev->ncategory ? ev->category[0] : NULL);
		if (!ag_ops_event_excluded(l->ops, ev)) {
			if (l->respond)
				add_start_ticks(l, ev, h);
			ag_detect(&l->eng, ev, on_match, l);
			ag_live_intel_event(l->intel, ev, h->tgid, h->start_ns, now_ns());
		}
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
	[AG_REC_FILE_LINK] = "link",
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
	struct ag_health *h;
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
		"  kernel other:           %llu stash full, %llu paths cut, %llu tree full, %llu "
		"names changed during their syscall\n",
		(unsigned long long)k[AG_STAT_PENDING_FULL],
		(unsigned long long)k[AG_STAT_PATH_TRUNC],
		(unsigned long long)k[AG_STAT_TREE_FULL], (unsigned long long)k[AG_STAT_RACED]);
	fprintf(stderr,
		"  events:                 %llu (%llu malformed records, %llu unknown "
		"processes, %llu non-DNS port-53 payloads, %llu strings cut)\n",
		(unsigned long long)l->events, (unsigned long long)ns->malformed,
		(unsigned long long)ns->no_process, (unsigned long long)ns->dns_unparsed,
		(unsigned long long)ns->truncated);
	fprintf(stderr, "  names given to syscalls: %llu resolved, %llu cleaned as text\n",
		(unsigned long long)ns->paths_resolved, (unsigned long long)ns->paths_lexical);
	h = ag_ops_health(l->ops);
	fprintf(stderr,
		"  alerts:                 %llu (%llu Sigma matches, %llu collapsed by dedup, %llu "
		"write errors, %llu dropped, %llu too large)\n",
		(unsigned long long)ag_health_get(h, AG_H_ALERTS_WRITTEN),
		(unsigned long long)l->matches,
		(unsigned long long)ag_health_get(h, AG_H_ALERTS_SUPPRESSED),
		(unsigned long long)ag_health_get(h, AG_H_WRITE_FAILURES),
		(unsigned long long)ag_health_get(h, AG_H_ALERTS_DROPPED),
		(unsigned long long)ag_health_get(h, AG_H_ALERTS_ENCODE_ERR));
	if (ag_health_get(h, AG_H_RESP_KILLED) || ag_health_get(h, AG_H_RESP_DRY_RUN) ||
	    ag_health_get(h, AG_H_RESP_SKIPPED) || ag_health_get(h, AG_H_RESP_FAILED))
		fprintf(stderr,
			"  responses:              %llu killed, %llu dry-run, %llu skipped, %llu "
			"failed\n",
			(unsigned long long)ag_health_get(h, AG_H_RESP_KILLED),
			(unsigned long long)ag_health_get(h, AG_H_RESP_DRY_RUN),
			(unsigned long long)ag_health_get(h, AG_H_RESP_SKIPPED),
			(unsigned long long)ag_health_get(h, AG_H_RESP_FAILED));
	if (l->intel) {
		struct ag_live_intel_stats is;

		ag_live_intel_stats(l->intel, &is);
		fprintf(stderr,
			"  IOC/YARA:               %llu IOC alerts on fields, %llu on file hashes, "
			"%llu YARA alerts; %llu files queued (%llu images through /proc/PID/exe, "
			"%llu by path), %llu dropped, %llu unreadable\n",
			(unsigned long long)is.ioc_alerts, (unsigned long long)is.hash_alerts,
			(unsigned long long)is.yara_alerts, (unsigned long long)is.submitted,
			(unsigned long long)is.image_fd, (unsigned long long)is.image_path,
			(unsigned long long)is.dropped, (unsigned long long)is.errors);
	}
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

/* Kernel drops and malformed records into the health counters; warn (rate-limited) on new drops. */
static void check_drops(struct live *l, double now)
{
	struct ag_health *h = ag_ops_health(l->ops);
	uint64_t k[64], d;

	if (ag_collector_counters(l->coll, k) < 0)
		return;
	d = kernel_drops(k);
	if (d > l->kdrops_health) {
		ag_health_add(h, AG_H_DROPS_KERNEL, d - l->kdrops_health);
		l->kdrops_health = d;
	}
	if (l->norm.st.malformed > l->malformed_health) {
		ag_health_add(h, AG_H_EVENTS_MALFORMED, l->norm.st.malformed - l->malformed_health);
		l->malformed_health = l->norm.st.malformed;
	}
	ag_live_intel_health(l->intel);
	if (now - l->last_drop_report < AG_LIVE_DROP_REPORT || d <= l->kdrops_seen)
		return;
	fprintf(stderr,
		"sigmac-agent: warning: the kernel dropped %llu records (ring buffer full; "
		"%llu in all): events arrive faster than they are read\n",
		(unsigned long long)(d - l->kdrops_seen), (unsigned long long)d);
	l->kdrops_seen = d;
	l->last_drop_report = now;
}

/* ---- settings ---- */

static int parse_u32(const char *v, uint32_t min, uint32_t max, uint32_t *ret)
{
	unsigned long long x;
	char *end;

	if (!*v || *v == '-' || *v == '+')
		return -EINVAL;
	errno = 0;
	x = strtoull(v, &end, 10);
	if (errno || *end || x < min || x > max)
		return -EINVAL;
	*ret = (uint32_t)x;
	return 0;
}

static const uint32_t group_bits[] = {
	AG_G_PROCESS, AG_G_NETWORK, AG_G_DNS, AG_G_FILE,   AG_G_PTRACE,
	AG_G_SETID,   AG_G_MEMFD,   AG_G_BPF, AG_G_MODULE, AG_G_ALL,
};

/* The bits of one group name (n bytes), 0 when unknown. */
static uint32_t group_of(const char *name, size_t n)
{
	size_t i;

	for (i = 0; ag_config_collect_names[i]; i++)
		if (strlen(ag_config_collect_names[i]) == n &&
		    strncmp(name, ag_config_collect_names[i], n) == 0)
			return i < sizeof(group_bits) / sizeof(group_bits[0]) ? group_bits[i] : 0;
	return 0;
}

/* --collect LIST: comma-separated names. Returns 0 or -EINVAL. */
static int parse_collect(const char *v, uint32_t *ret)
{
	uint32_t bits = 0, b;
	size_t n;

	while (*v) {
		n = strcspn(v, ",");
		b = group_of(v, n);
		if (!b)
			return -EINVAL;
		bits |= b;
		v += n;
		if (*v == ',')
			v++;
	}
	if (!bits)
		return -EINVAL;
	*ret = bits;
	return 0;
}

static int set_capture(struct ag_config *cfg, const char *v)
{
	char *s = strdup(v);

	if (!s)
		return -ENOMEM;
	free(cfg->live.capture);
	cfg->live.capture = s;
	return 0;
}

/* One command-line option over the file's settings. Returns 0 or -EINVAL/-ENOMEM. */
static int set_option(struct live *l, int c, const char *v)
{
	struct ag_config *cfg = &l->cfg;
	char *end;

	switch (c) {
	case 'a':
		return ag_config_set_alerts(cfg, v);
	case 'R':
		return ag_config_set_response(cfg, v);
	case 'S':
		return ag_config_set_status_file(cfg, v);
	case 'C':
		return *v ? set_capture(cfg, v) : -EINVAL;
	case 'd':
		errno = 0;
		l->duration = strtod(v, &end);
		return (!*v || *end || errno || !isfinite(l->duration) || l->duration < 0 ||
			l->duration > 1e9)
			       ? -EINVAL
			       : 0;
	case 'o':
		return parse_collect(v, &l->collect);
	case 'p':
		return parse_u32(v, 1, 0x7fffffff, &cfg->live.pid_tree);
	case 'r':
		return parse_u32(v, 1, 1024, &cfg->queues.ring_mb);
	case 'w':
		return parse_u32(v, 0, 1u << 20, &cfg->live.wakeup_kb);
	case 'P':
		return parse_u32(v, 1, 10000, &cfg->live.poll_ms);
	case 'm':
		return parse_u32(v, 64, 1u << 22, &cfg->live.proc_max);
	case 'M':
		return parse_u32(v, 1, 4096, &cfg->live.proc_mb);
	case 's':
		return parse_u32(v, 0, 86400, &cfg->live.stats_interval_s);
	case 'W':
		cfg->live.scan_written = true;
		return 0;
	case '3':
		cfg->live.ia32_syscalls = true;
		return 0;
	case 'v':
		cfg->live.verbose = true;
		return 0;
	default:
		return -EINVAL;
	}
}

static int parse_args(struct live *l, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"alerts", required_argument, NULL, 'a'},
		{"response", required_argument, NULL, 'R'},
		{"status-file", required_argument, NULL, 'S'},
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
		{"scan-written", no_argument, NULL, 'W'},
		{"ia32-syscalls", no_argument, NULL, '3'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char err[1024];
	const char *config = NULL;
	uint32_t i;
	int c, idx;

	/* the file first, wherever --config is: the command line wins */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, &idx)) != -1)
		if (c == 'c')
			config = optarg;
	opterr = 1;
	if (config && ag_config_load(&l->cfg, config, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	l->collect = 0;
	for (i = 0; i < l->cfg.live.collect.n; i++)
		l->collect |= group_of(l->cfg.live.collect.v[i], strlen(l->cfg.live.collect.v[i]));
	if (!l->collect)
		l->collect = AG_G_ALL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, &idx)) != -1) {
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
		if (set_option(l, c, optarg) < 0) {
			fprintf(stderr, "sigmac-agent: bad value '%s' for --%s\n",
				optarg ? optarg : "", longopts[idx].name);
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

/* The status file's directory (/run/sigmac-agent) when it is missing: one level, 0755. */
static void make_status_dir(const char *path)
{
	char dir[4096];
	char *slash;

	if (!path || strlen(path) >= sizeof(dir))
		return;
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = 0;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		fprintf(stderr, "sigmac-agent: warning: cannot create %s: %s\n", dir,
			strerror(errno));
}

static int start(struct live *l)
{
	const struct ag_config *cfg = &l->cfg;
	struct ag_collector_opts o = {0};
	char err[1024];
	uint32_t att, total;
	uint64_t ring = 4096;
	long tck = sysconf(_SC_CLK_TCK);
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
	if (ag_proctab_new(&l->pt, cfg->live.proc_max, (size_t)cfg->live.proc_mb << 20) < 0 ||
	    ag_norm_init(&l->norm, &sgr_ruleset, l->pt, l->collect) < 0) {
		fputs("sigmac-agent: out of memory\n", stderr);
		return EXIT_START;
	}
	make_status_dir(cfg->status.file);
	r = ag_ops_open(&l->ops, cfg, &sgr_ruleset, "run", err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "sigmac-agent: %s\n", err[0] ? err : strerror(-r));
		return EXIT_START;
	}
	ag_ops_signals_install();
	l->respond = cfg->response.mode != AG_RESPONSE_OFF;
	l->ns_per_tick = tck > 0 ? 1000000000ull / (uint64_t)tck : 10000000ull;
	if (cfg->live.capture) {
		r = ag_capture_open(&l->cap, cfg->live.capture);
		if (r < 0) {
			fprintf(stderr, "sigmac-agent: cannot open %s: %s\n", cfg->live.capture,
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
	r = ag_live_intel_new(&l->intel, &sgr_intel, &sgr_ruleset, cfg, l->ops, &l->ac);
	if (r < 0) {
		fprintf(stderr, "sigmac-agent: IOC/YARA checks disabled: %s\n",
			r == -EPROTO ? "the YARA rules do not load (libyara version?)"
				     : strerror(-r));
		l->intel = NULL;
	}
	while (ring < (uint64_t)cfg->queues.ring_mb << 20)
		ring *= 2;
	o.self_tgid = (uint32_t)getpid();
	o.writer_tgid = (uint32_t)ag_ops_writer_pid(l->ops);
	o.writer_start = o.writer_tgid ? ag_proc_start(o.writer_tgid) : 0;
	o.follow_pid = cfg->live.pid_tree;
	o.ring_bytes = ring;
	o.wakeup_bytes = (uint64_t)cfg->live.wakeup_kb << 10;
	o.groups = l->collect | (cfg->live.ia32_syscalls ? AG_G_IA32 : 0);
	o.verbose = cfg->live.verbose;
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
	ag_health_set_collection(ag_ops_health(l->ops), att, total, ag_collector_ia32(l->coll));
	fprintf(stderr,
		"sigmac-agent: running: %u of %u collectors attached, %u rules, %llu indicators, "
		"%u YARA rules, %d processes known, ring buffer %llu MiB, response %s%s\n",
		att, total, sgr_ruleset.nrules, (unsigned long long)sgr_intel.nindicators,
		sgr_intel.yara_rules, r < 0 ? 0 : r, (unsigned long long)(ring >> 20),
		ag_response_mode_name(cfg->response.mode),
		cfg->live.pid_tree ? ", following one process tree" : "");
	return EXIT_OK;
}

static void flush_output(struct live *l)
{
	if (l->capturing && l->cap.w.len)
		ag_capture_flush(&l->cap);
}

static int loop(struct live *l)
{
	double last_tick = mono(), last_stats = last_tick, now, end = 0;
	bool backlog = false;
	int r, wait_ms;

	if (l->duration > 0)
		end = mono() + l->duration;
	while (!ag_ops_stop_requested()) {
		/* with scans in flight, come back soon for their results */
		wait_ms = (int)l->cfg.live.poll_ms;
		if (ag_live_intel_pending(l->intel) && wait_ms > 10)
			wait_ms = 10;
		r = ag_collector_poll(l->coll, backlog ? 0 : wait_ms);
		backlog = r == -EAGAIN;
		if (r < 0 && r != -EAGAIN && r != -EINTR) {
			fprintf(stderr, "sigmac-agent: reading the ring buffer failed: %s\n",
				strerror(-r));
			return EXIT_START;
		}
		ag_live_intel_poll(l->intel, 0);
		flush_output(l);
		ag_ops_tick(l->ops);
		now = mono();
		if (now - last_tick >= 1.0) {
			ag_norm_clock(&l->norm);
			check_drops(l, now);
			last_tick = now;
		}
		if (l->cfg.live.stats_interval_s &&
		    now - last_stats >= l->cfg.live.stats_interval_s) {
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
	end = mono() + AG_LIVE_DRAIN_MS / 1000.0;
	while (ag_live_intel_pending(l->intel) && mono() < end)
		ag_live_intel_poll(l->intel, 100);
	check_drops(l, mono());
	return EXIT_OK;
}

static void teardown(struct live *l)
{
	ag_collector_close(l->coll);
	if (l->capturing)
		ag_capture_close(&l->cap);
	ag_live_intel_free(l->intel);
	ag_ops_close(l->ops); /* dedup windows, sinks, final status */
	ag_norm_done(&l->norm);
	ag_proctab_free(l->pt);
	ag_engine_done(&l->eng);
	ag_config_done(&l->cfg);
	free(l);
}

int ag_cmd_run(int argc, char **argv)
{
	struct live *l;
	int r;

	l = calloc(1, sizeof(*l));
	if (!l || ag_config_init(&l->cfg, AG_CONFIG_RUN) < 0) {
		fputs("sigmac-agent: out of memory\n", stderr);
		if (l)
			ag_config_done(&l->cfg);
		free(l);
		return EXIT_START;
	}
	r = parse_args(l, argc, argv);
	if (r) {
		ag_config_done(&l->cfg);
		free(l);
		return r < 0 ? EXIT_OK : r;
	}
	l->start = mono();
	r = start(l);
	if (r == EXIT_OK) {
		r = loop(l);
		print_stats(l, true);
	}
	teardown(l);
	return r;
}
