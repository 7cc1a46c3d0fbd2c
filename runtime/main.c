// SPDX-License-Identifier: Apache-2.0
/*
 * sigmac-agent: the command line of the agent (ARCHITECTURE.md section 1).
 * This file holds the commands that need no live collection: replay of
 * recorded events (JSONL, EVTX), the compiled rule list and the version.
 * Input problems (unreadable files, malformed records) are counted and
 * reported; they never stop the other inputs.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "bench.h"
#include "config.h"
#include "detect.h"
#include "event.h"
#include "evtx.h"
#include "gen_abi.h"
#include "health.h"
#include "intel.h"
#include "jsonl.h"
#include "jsonw.h"
#include "live.h"
#include "ops.h"
#include "route.h"

#ifndef AG_VERSION
#define AG_VERSION "0.0.0"
#endif

enum {
	EXIT_OK = 0,
	EXIT_INPUT = 1, /* some input could not be read */
	EXIT_USAGE = 2,
};

static void usage(FILE *f)
{
	fputs("usage: sigmac-agent run     [--config FILE] [--alerts FILE|-] [--capture FILE] "
	      "[--duration S] ...\n"
	      "       sigmac-agent replay  [--format auto|jsonl|evtx] [--alerts FILE|-] [--stats] "
	      "FILE...\n"
	      "                            [--config FILE] [--response off|dry-run|kill] "
	      "[--status-file FILE]\n"
	      "       sigmac-agent status  [--config FILE] [--status-file FILE] [--format text|json]\n"
	      "       sigmac-agent rules   [--format text|json]\n"
	      "       sigmac-agent version\n"
	      "\n"
	      "replay reads recorded events (JSONL: one JSON object per event; EVTX: Windows\n"
	      "event logs; '-' is standard input) and writes one ECS NDJSON alert per rule\n"
	      "match. Malformed records are counted and skipped. Events are also checked\n"
	      "against the compiled IOC feeds, and files they name (process image, written\n"
	      "file) that exist here are hashed and YARA-scanned (--no-file-checks: not;\n"
	      "--hash-files: add Hashes to process events that lack it). With --config, replay\n"
	      "uses the file's alert outputs, dedup, exclusions and status settings; active\n"
	      "response acts only with an explicit --response, never from the file alone.\n",
	      f);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint32_t lookup(void *arg, const char *name, size_t len)
{
	return ag_field_lookup(arg, name, len);
}

struct replay {
	struct ag_engine eng;
	struct ag_jsonw out;
	struct ag_alert_ctx ac;
	uint64_t alerts;
	uint64_t events;
	uint64_t malformed;
	uint64_t dropped; /* fields past AG_MAX_EVENT_FIELDS, or displaced (event.h) */
	uint64_t bytes;
	char host[256];
	struct ag_intel *intel; /* IOC and YARA checks (intel.h), or NULL */
	struct ag_config cfg;	/* settings (config.h) */
	struct ag_ops *ops;	/* alert lines to sinks, dedup, response, health (ops.h) */
};

/* Lines already encoded into rp->out (IOC/YARA alerts) go to the sinks. */
static void flush_alerts(struct replay *rp, bool force)
{
	(void)force;
	if (!rp->out.len)
		return;
	ag_ops_write_lines(rp->ops, rp->out.buf, rp->out.len);
	ag_jsonw_reset(&rp->out);
}

/* Sigma matches: alert, dedup, sinks and response through ops.h. */
static void on_match(void *arg, const struct ag_event *ev, uint32_t rule)
{
	struct replay *rp = arg;

	ag_ops_alert(rp->ops, rule, ev, now_ns());
	rp->alerts++;
}

/* Per event before detection: counters, periodic work, exclude.* (true: skip it). */
static bool replay_excluded(struct replay *rp, const struct ag_event *ev)
{
	rp->dropped += ev->dropped;
	ag_ops_count_event(rp->ops, ev->ncategory ? ev->category[0] : NULL);
	if (((rp->events + 1) & 255) == 0)
		ag_ops_tick(rp->ops);
	if (!ag_ops_event_excluded(rp->ops, ev))
		return false;
	rp->events++;
	return true;
}

/* IOC and YARA checks of one event, after its Sigma alerts. */
static void intel_event(struct replay *rp, const struct ag_event *ev)
{
	if (!rp->intel)
		return;
	rp->alerts += ag_intel_event(rp->intel, ev, &rp->out, &rp->ac, now_ns());
	flush_alerts(rp, false);
}

static bool is_evtx(const char *path)
{
	char magic[8] = {0};
	size_t l = strlen(path);
	struct stat st;
	FILE *f;

	if (l > 5 && strcasecmp(path + l - 5, ".evtx") == 0)
		return true;
	/* Sniff regular files only: reading a FIFO would eat the first event. */
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	f = fopen(path, "rb");
	if (!f)
		return false;
	if (fread(magic, 1, 8, f) != 8)
		magic[0] = 0;
	fclose(f);
	return memcmp(magic, "ElfFile", 8) == 0;
}

/* Say on standard error what a damaged EVTX file cost (the events it held are replayed). */
static void evtx_report(const char *path, const struct ag_evtx_stats *st)
{
	unsigned long long body = st->size - AG_EVTX_HEADER_SIZE; /* ag_evtx_open() checked */

	if (st->truncated)
		fprintf(stderr,
			"sigmac-agent: %s: truncated EVTX file: %llu bytes, ends %llu bytes into "
			"chunk %llu; the records of that chunk are lost (%llu events read)\n",
			path, (unsigned long long)st->size, body % AG_EVTX_CHUNK_SIZE,
			body / AG_EVTX_CHUNK_SIZE, (unsigned long long)st->events);
	else if (st->corrupted)
		fprintf(stderr, "sigmac-agent: %s: libevtx reports a corrupted file (%llu events read)\n",
			path, (unsigned long long)st->events);
	if (st->bad)
		fprintf(stderr, "sigmac-agent: %s: %llu EVTX record(s) skipped: unreadable or unrenderable\n",
			path, (unsigned long long)st->bad);
}

static int replay_file(struct replay *rp, const char *path, int format, struct ag_event *ev)
{
	const struct sgr_ruleset *rs = rp->eng.rs;
	struct ag_route_fields rf;
	char err[256] = "";
	int r;

	ag_route_fields_init(&rf, lookup, (void *)rs);
	rp->ac.source_path = strcmp(path, "-") == 0 ? NULL : path;
	ag_ops_set_source(rp->ops, rp->ac.source_path);
	if (format == 2 || (format == 0 && strcmp(path, "-") != 0 && is_evtx(path))) {
		struct ag_evtx *x;
		struct ag_evtx_stats st;

		r = ag_evtx_open(&x, path, NULL, lookup, (void *)rs, err, sizeof(err));
		if (r < 0) {
			fprintf(stderr, "sigmac-agent: %s: %s\n", path, err[0] ? err : strerror(-r));
			return r;
		}
		while (ag_evtx_next(x, ev) == 0 && !ag_ops_stop_requested()) {
			ag_route_windows_fields(ev, &rf);
			if (replay_excluded(rp, ev))
				continue;
			ag_intel_prepare(rp->intel, ev);
			ag_detect(&rp->eng, ev, on_match, rp);
			intel_event(rp, ev);
			rp->events++;
		}
		ag_evtx_stats(x, &st);
		rp->malformed += st.bad;
		ag_evtx_close(x);
		evtx_report(path, &st);
	} else {
		struct ag_jsonl *j;
		struct ag_jsonl_stats st;
		struct ag_jsonl_opts jo = {.stop = &ag_ops_stop}; /* SIGTERM ends a blocked read */
		int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);

		if (fd < 0) {
			fprintf(stderr, "sigmac-agent: %s: %s\n", path, strerror(errno));
			return -errno;
		}
		r = ag_jsonl_open_fd(&j, fd, &jo, lookup, (void *)rs);
		if (r < 0) {
			fprintf(stderr, "sigmac-agent: %s: %s\n", path, strerror(-r));
			if (fd != STDIN_FILENO)
				close(fd);
			return r;
		}
		for (;;) {
			r = ag_jsonl_next(j, ev);
			if (r == -ENODATA || ag_ops_stop_requested())
				break;
			if (r < 0) {
				fprintf(stderr, "sigmac-agent: %s: read error: %s\n", path,
					strerror(-r));
				break;
			}
			if (ag_event_get(ev, AG_FIELD_CHANNEL))
				ag_route_windows_fields(ev, &rf);
			else
				ag_route_generic(ev);
			if (replay_excluded(rp, ev))
				continue;
			ag_intel_prepare(rp->intel, ev);
			ag_detect(&rp->eng, ev, on_match, rp);
			intel_event(rp, ev);
			rp->events++;
		}
		ag_jsonl_stats(j, &st);
		rp->malformed += st.malformed;
		rp->bytes += st.bytes;
		if (st.malformed) {
			struct ag_jsonl_problem pb[AG_JSONL_PROBLEMS];
			size_t n = ag_jsonl_problems(j, pb, AG_JSONL_PROBLEMS), i;

			fprintf(stderr, "sigmac-agent: %s: %llu malformed record(s) skipped\n", path,
				(unsigned long long)st.malformed);
			for (i = 0; i < n; i++)
				fprintf(stderr, "sigmac-agent: %s:%llu: %s\n", path,
					(unsigned long long)pb[i].line, pb[i].reason);
		}
		ag_jsonl_close(j);
		if (fd != STDIN_FILENO)
			close(fd);
	}
	flush_alerts(rp, true);
	return 0;
}

static void print_stats(const struct replay *rp, double secs)
{
	const struct sgr_ruleset *rs = rp->eng.rs;
	const struct ag_detect_stats *st = &rp->eng.st;
	uint32_t r, nfired = 0;

	fprintf(stderr, "events read:      %llu (%llu routed to rule groups)\n",
		(unsigned long long)rp->events, (unsigned long long)st->routed);
	fprintf(stderr, "malformed:        %llu skipped\n", (unsigned long long)rp->malformed);
	if (rp->dropped)
		fprintf(stderr, "fields dropped:   %llu (events of more than %u fields)\n",
			(unsigned long long)rp->dropped, AG_MAX_EVENT_FIELDS);
	fprintf(stderr, "alerts:           %llu\n", (unsigned long long)rp->alerts);
	if (ag_health_get(ag_ops_health(rp->ops), AG_H_ALERTS_SUPPRESSED))
		fprintf(stderr, "dedup collapsed:  %llu\n",
			(unsigned long long)ag_health_get(ag_ops_health(rp->ops),
							  AG_H_ALERTS_SUPPRESSED));
	if (ag_health_get(ag_ops_health(rp->ops), AG_H_WRITE_FAILURES))
		fprintf(stderr, "write errors:     %llu (%llu alerts dropped)\n",
			(unsigned long long)ag_health_get(ag_ops_health(rp->ops),
							  AG_H_WRITE_FAILURES),
			(unsigned long long)ag_health_get(ag_ops_health(rp->ops),
							  AG_H_ALERTS_DROPPED));
	fprintf(stderr, "rules evaluated:  %.2f per event (%.3f%% of the rule set)\n",
		rp->events ? (double)st->candidates / (double)rp->events : 0.0,
		rp->events && rs->nrules
			? 100.0 * (double)st->candidates / (double)rp->events / rs->nrules
			: 0.0);
	fprintf(stderr, "time:             %.3f s, %.0f events/s", secs,
		secs > 0 ? (double)rp->events / secs : 0.0);
	if (rp->bytes)
		fprintf(stderr, ", %.1f MB/s (JSONL)", secs > 0 ? rp->bytes / secs / 1e6 : 0.0);
	fputc('\n', stderr);
	{
		struct rusage ru;

		if (getrusage(RUSAGE_SELF, &ru) == 0)
			fprintf(stderr, "peak RSS:         %.1f MiB\n", ru.ru_maxrss / 1024.0);
	}
	for (r = 0; r < rs->nrules; r++)
		nfired += rp->eng.rule_hits[r] > 0;
	fprintf(stderr, "alerts per rule (%u rules fired):\n", nfired);
	for (r = 0; r < rs->nrules; r++)
		if (rp->eng.rule_hits[r])
			fprintf(stderr, "  %8llu  %s  %s\n",
				(unsigned long long)rp->eng.rule_hits[r],
				rs->rules[r].id[0] ? rs->rules[r].id : rs->rules[r].file,
				rs->rules[r].title ? rs->rules[r].title : "");
}

static int cmd_replay(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"format", required_argument, NULL, 'f'},
		{"alerts", required_argument, NULL, 'a'},
		{"stats", no_argument, NULL, 's'},
		{"bench-detect", required_argument, NULL, 'B'},
		{"hash-files", no_argument, NULL, 'H'},
		{"no-file-checks", no_argument, NULL, 'N'},
		{"config", required_argument, NULL, 'c'},
		{"response", required_argument, NULL, 'R'},
		{"status-file", required_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *alerts = NULL, *config = NULL, *response = NULL, *status_file = NULL;
	char msg[1024];
	struct replay *rp;
	struct ag_event ev;
	int c, format = 0, i, ret = EXIT_OK, err, bench = 0;
	bool stats = false;
	struct ag_intel_opts io = {.files = true};
	double t0;

	while ((c = getopt_long(argc, argv, "f:a:sh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "auto") == 0)
				format = 0;
			else if (strcmp(optarg, "jsonl") == 0)
				format = 1;
			else if (strcmp(optarg, "evtx") == 0)
				format = 2;
			else {
				fprintf(stderr, "sigmac-agent: unknown --format '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'a':
			alerts = optarg;
			break;
		case 's':
			stats = true;
			break;
		case 'B':
			bench = atoi(optarg);
			break;
		case 'H':
			io.fill_hashes = true;
			break;
		case 'N':
			io.files = false;
			break;
		case 'c':
			config = optarg;
			break;
		case 'R':
			response = optarg;
			break;
		case 'S':
			status_file = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fputs("sigmac-agent: replay needs at least one FILE\n", stderr);
		return EXIT_USAGE;
	}
	if (bench)
		return ag_bench_detect(&sgr_ruleset, argv + optind, argc - optind, bench) < 0
			       ? EXIT_USAGE
			       : EXIT_OK;
	rp = calloc(1, sizeof(*rp));
	if (!rp)
		return EXIT_USAGE;
	err = ag_engine_init(&rp->eng, &sgr_ruleset);
	if (err < 0) {
		fprintf(stderr, "sigmac-agent: cannot start the engine: %s\n",
			err == -EPROTO ? "rule set ABI mismatch" : strerror(-err));
		free(rp);
		return EXIT_USAGE;
	}
	if (ag_jsonw_init(&rp->out, 1u << 20, 64u << 20) < 0 ||
	    ag_event_init(&ev, sgr_ruleset.nfields) < 0) {
		fputs("sigmac-agent: out of memory\n", stderr);
		ag_engine_done(&rp->eng);
		free(rp);
		return EXIT_USAGE;
	}
	/* Settings: replay defaults, then --config FILE, then the options (config.h). */
	if (ag_config_init(&rp->cfg, AG_CONFIG_REPLAY) < 0) {
		ret = EXIT_USAGE;
		goto out;
	}
	if (config && ag_config_load(&rp->cfg, config, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "%s\n", msg);
		ret = EXIT_USAGE;
		goto out;
	}
	if ((alerts && ag_config_set_alerts(&rp->cfg, alerts) < 0) ||
	    (status_file && ag_config_set_status_file(&rp->cfg, status_file) < 0) ||
	    (response && ag_config_set_response(&rp->cfg, response) < 0)) {
		fprintf(stderr, "sigmac-agent: bad --alerts, --status-file or --response '%s' (off, "
				"dry-run, kill)\n",
			response ? response : "");
		ret = EXIT_USAGE;
		goto out;
	}
	if (ag_ops_open(&rp->ops, &rp->cfg, &sgr_ruleset, "replay", msg, sizeof(msg)) < 0) {
		fprintf(stderr, "sigmac-agent: %s\n", msg);
		ret = EXIT_USAGE;
		goto out;
	}
	ag_ops_signals_install();
	err = ag_intel_new(&sgr_intel, &sgr_ruleset, &io, &rp->intel);
	if (err < 0)
		fprintf(stderr, "sigmac-agent: IOC/YARA checks disabled: %s\n",
			err == -EPROTO ? "the YARA rules do not load (libyara version?)"
				       : strerror(-err));
	if (gethostname(rp->host, sizeof(rp->host) - 1) < 0)
		strcpy(rp->host, "localhost");
	rp->ac.host_name = rp->host;
	rp->ac.os_type = "linux";
	rp->ac.agent_version = AG_VERSION;
	rp->ac.ruleset_digest = sgr_ruleset.digest;
	t0 = mono();
	for (i = optind; i < argc; i++)
		if (replay_file(rp, argv[i], format, &ev) < 0)
			ret = EXIT_INPUT;
	flush_alerts(rp, true);
	if (stats) {
		struct ag_intel_stats is;

		print_stats(rp, mono() - t0);
		ag_intel_stats(rp->intel, &is);
		if (rp->intel)
			fprintf(stderr, "intel:            %llu IOC, %llu YARA alerts; %llu files "
					"checked, %llu named files missing, %llu Hashes filled\n",
				(unsigned long long)is.ioc_alerts, (unsigned long long)is.yara_alerts,
				(unsigned long long)is.files_checked,
				(unsigned long long)is.files_missing,
				(unsigned long long)is.hashes_filled);
	}
out:
	ag_ops_close(rp->ops); /* dedup windows, sinks, final status */
	ag_config_done(&rp->cfg);
	ag_intel_free(rp->intel);
	ag_event_done(&ev);
	ag_jsonw_done(&rp->out);
	ag_engine_done(&rp->eng);
	free(rp);
	return ret;
}

/* sigmac-agent status: the status file of a running agent (health.h). */
static int cmd_status(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"status-file", required_argument, NULL, 'S'},
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *config = NULL, *file = NULL;
	struct ag_config cfg;
	char msg[1024];
	bool json = false;
	int c, ret;

	while ((c = getopt_long(argc, argv, "c:S:f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'S':
			file = optarg;
			break;
		case 'f':
			json = strcmp(optarg, "json") == 0;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (ag_config_init(&cfg, AG_CONFIG_RUN) < 0)
		return EXIT_USAGE;
	if (config && ag_config_load(&cfg, config, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "%s\n", msg);
		ag_config_done(&cfg);
		return EXIT_USAGE;
	}
	if (!file)
		file = cfg.status.file;
	ret = file ? ag_health_print(file, json, stdout, stderr) : EXIT_USAGE;
	if (!file)
		fputs("sigmac-agent: status: the configuration writes no status file\n", stderr);
	ag_config_done(&cfg);
	return ret;
}

static int cmd_rules(int argc, char **argv)
{
	const struct sgr_ruleset *rs = &sgr_ruleset;
	bool json = false;
	uint32_t i;

	if (argc >= 3 && strcmp(argv[1], "--format") == 0)
		json = strcmp(argv[2], "json") == 0;
	for (i = 0; i < rs->nrules; i++) {
		const struct sgr_rule *r = &rs->rules[i];
		const struct sgr_group *g = &rs->groups[r->group];

		if (json) {
			struct ag_jsonw w;
			size_t mark;

			if (ag_jsonw_init(&w, 1024, 1u << 20) < 0)
				return EXIT_USAGE;
			mark = ag_jsonw_line_begin(&w);
			ag_jsonw_obj_begin(&w, NULL);
			ag_jsonw_cstr(&w, "id", r->id);
			ag_jsonw_cstr(&w, "title", r->title);
			ag_jsonw_cstr(&w, "level", r->level);
			ag_jsonw_cstr(&w, "status", r->status);
			ag_jsonw_cstr(&w, "file", r->file);
			ag_jsonw_obj_begin(&w, "logsource");
			if (g->product)
				ag_jsonw_cstr(&w, "product", g->product);
			if (g->category)
				ag_jsonw_cstr(&w, "category", g->category);
			if (g->service)
				ag_jsonw_cstr(&w, "service", g->service);
			ag_jsonw_obj_end(&w);
			ag_jsonw_obj_end(&w);
			if (ag_jsonw_line_end(&w, mark) < 0) {
				fprintf(stderr, "sigmac-agent: rules: cannot encode rule %u\n", i);
				ag_jsonw_done(&w);
				return EXIT_USAGE;
			}
			fwrite(w.buf, 1, w.len, stdout);
			ag_jsonw_done(&w);
		} else {
			printf("%-36s  %-13s  %s/%s/%s  %s\n", r->id[0] ? r->id : r->file,
			       r->level ? r->level : "-", g->product ? g->product : "*",
			       g->category ? g->category : "*", g->service ? g->service : "*",
			       r->title ? r->title : "");
		}
	}
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "run") == 0)
		return ag_cmd_run(argc - 1, argv + 1); /* runtime/linux/live.h */
	if (strcmp(argv[1], "replay") == 0)
		return cmd_replay(argc - 1, argv + 1);
	if (strcmp(argv[1], "rules") == 0)
		return cmd_rules(argc - 1, argv + 1);
	if (strcmp(argv[1], "status") == 0)
		return cmd_status(argc - 1, argv + 1);
	if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("sigmac-agent %s\nruleset %s (%u rules, target %s, %s)\nABI %u\n", AG_VERSION,
		       sgr_ruleset.digest, sgr_ruleset.nrules, sgr_ruleset.target,
		       sgr_ruleset.compiler, sgr_ruleset.abi_version);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	fprintf(stderr, "sigmac-agent: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
