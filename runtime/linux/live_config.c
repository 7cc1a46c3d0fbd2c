// SPDX-License-Identifier: Apache-2.0
/*
 * Settings of `sigmac-agent run` (live_config.h). Every number is checked
 * for its whole text and its range; nothing from the file is trusted.
 */
#include "live_config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"

static const struct {
	const char *name;
	uint32_t bits;
} groups[] = {
	{"process", AG_G_PROCESS}, {"network", AG_G_NETWORK}, {"dns", AG_G_DNS},
	{"file", AG_G_FILE},	   {"ptrace", AG_G_PTRACE},   {"setid", AG_G_SETID},
	{"memfd", AG_G_MEMFD},	   {"bpf", AG_G_BPF},	      {"module", AG_G_MODULE},
	{"all", AG_G_ALL},
};

int ag_live_config_init(struct ag_live_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->alerts = strdup("-");
	if (!cfg->alerts)
		return -ENOMEM;
	cfg->collect = AG_G_ALL;
	cfg->ring_mb = 16;
	cfg->wakeup_kb = 64;
	cfg->poll_ms = 50;
	cfg->proc_max = 32768;
	cfg->proc_mb = 16;
	return 0;
}

void ag_live_config_done(struct ag_live_config *cfg)
{
	free(cfg->alerts);
	free(cfg->capture);
	cfg->alerts = cfg->capture = NULL;
}

/* key == name with '-' and '_' alike. */
static bool key_is(const char *key, size_t n, const char *name)
{
	size_t i;

	if (strlen(name) != n)
		return false;
	for (i = 0; i < n; i++) {
		char a = key[i] == '_' ? '-' : key[i];

		if (a != name[i])
			return false;
	}
	return true;
}

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

static int parse_collect(const char *v, uint32_t *ret)
{
	uint32_t bits = 0;
	const char *p = v;
	size_t i, n;

	while (*p) {
		n = strcspn(p, ",");
		while (n && p[n - 1] == ' ')
			n--;
		for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
			if (strlen(groups[i].name) == n && strncmp(p, groups[i].name, n) == 0)
				break;
		if (i == sizeof(groups) / sizeof(groups[0]))
			return -EINVAL;
		bits |= groups[i].bits;
		p += strcspn(p, ",");
		while (*p == ',' || *p == ' ')
			p++;
	}
	if (!bits)
		return -EINVAL;
	*ret = bits;
	return 0;
}

static int set_str(char **dst, const char *v)
{
	char *s = strdup(v);

	if (!s)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

int ag_live_config_set(struct ag_live_config *cfg, const char *key, size_t n, const char *value,
		       char *err, size_t errlen)
{
	const char *what = NULL;
	double d;
	char *end;
	int r = 0;

	if (key_is(key, n, "alerts")) {
		r = *value ? set_str(&cfg->alerts, value) : -EINVAL;
		what = "a file name or '-'";
	} else if (key_is(key, n, "capture")) {
		r = *value ? set_str(&cfg->capture, value) : -EINVAL;
		what = "a file name or '-'";
	} else if (key_is(key, n, "duration")) {
		errno = 0;
		d = strtod(value, &end);
		r = (!*value || *end || errno || !isfinite(d) || d < 0 || d > 1e9) ? -EINVAL : 0;
		if (!r)
			cfg->duration = d;
		what = "seconds (0: until stopped)";
	} else if (key_is(key, n, "collect")) {
		r = parse_collect(value, &cfg->collect);
		what = "a list of process, network, dns, file, ptrace, setid, memfd, bpf, module, all";
	} else if (key_is(key, n, "pid-tree")) {
		r = parse_u32(value, 1, 0x7fffffff, &cfg->pid_tree);
		what = "a process id";
	} else if (key_is(key, n, "ring-mb")) {
		r = parse_u32(value, 1, 1024, &cfg->ring_mb);
		what = "MiB, 1 to 1024";
	} else if (key_is(key, n, "wakeup-kb")) {
		r = parse_u32(value, 0, 1u << 20, &cfg->wakeup_kb);
		what = "KiB, 0 to 1048576";
	} else if (key_is(key, n, "poll-ms")) {
		r = parse_u32(value, 1, 10000, &cfg->poll_ms);
		what = "milliseconds, 1 to 10000";
	} else if (key_is(key, n, "proc-max")) {
		r = parse_u32(value, 64, 1u << 22, &cfg->proc_max);
		what = "entries, 64 to 4194304";
	} else if (key_is(key, n, "proc-mb")) {
		r = parse_u32(value, 1, 4096, &cfg->proc_mb);
		what = "MiB, 1 to 4096";
	} else if (key_is(key, n, "stats-interval")) {
		r = parse_u32(value, 0, 86400, &cfg->stats_interval);
		what = "seconds, 0 to 86400";
	} else if (key_is(key, n, "verbose")) {
		if (strcmp(value, "true") == 0 || strcmp(value, "1") == 0)
			cfg->verbose = true;
		else if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0)
			cfg->verbose = false;
		else
			r = -EINVAL;
		what = "true or false";
	} else {
		snprintf(err, errlen, "unknown setting '%.*s'", (int)n, key);
		return -EINVAL;
	}
	if (r == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	else if (r)
		snprintf(err, errlen, "bad value '%s' for '%.*s': expected %s", value, (int)n, key,
			 what);
	return r;
}

int ag_live_config_load(struct ag_live_config *cfg, const char *path, char *err, size_t errlen)
{
	char line[4096], msg[512];
	unsigned lineno = 0;
	FILE *f = fopen(path, "re");
	int r = 0;

	if (!f) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return r;
	}
	while (fgets(line, sizeof(line), f)) {
		char *k, *v, *eq, *e;
		bool q;
		size_t kn;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errlen, "%s:%u: line too long", path, lineno);
			r = -EINVAL;
			break;
		}
		for (e = line, q = false; *e; e++) { /* a comment: '#' outside quotes */
			if (*e == '"')
				q = !q;
			else if (*e == '#' && !q) {
				*e = '\0';
				break;
			}
		}
		k = line + strspn(line, " \t");
		e = k + strlen(k);
		while (e > k && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (!*k)
			continue;
		eq = strchr(k, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%u: expected 'key = value'", path, lineno);
			r = -EINVAL;
			break;
		}
		for (kn = (size_t)(eq - k); kn && (k[kn - 1] == ' ' || k[kn - 1] == '\t');)
			kn--;
		v = eq + 1 + strspn(eq + 1, " \t");
		e = v + strlen(v);
		if (*v == '"') {
			if (e - v < 2 || e[-1] != '"') {
				snprintf(err, errlen, "%s:%u: unterminated quoted value", path,
					 lineno);
				r = -EINVAL;
				break;
			}
			v++;
			e[-1] = '\0';
		}
		if (!kn) {
			snprintf(err, errlen, "%s:%u: missing key before '='", path, lineno);
			r = -EINVAL;
			break;
		}
		r = ag_live_config_set(cfg, k, kn, v, msg, sizeof(msg));
		if (r) {
			snprintf(err, errlen, "%s:%u: %s", path, lineno, msg);
			break;
		}
	}
	if (!r && ferror(f)) {
		r = -EIO;
		snprintf(err, errlen, "%s: read error", path);
	}
	fclose(f);
	return r;
}
