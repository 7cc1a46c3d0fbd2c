/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alerts as ECS NDJSON (ARCHITECTURE.md section 6): one nested JSON object
 * per line, keys in a fixed order, always valid UTF-8. The writer appends
 * to a caller-owned struct ag_jsonw and never leaves a partial line in it,
 * so the caller can hand the buffer to one write(2) and ag_jsonw_reset()
 * it: no allocation per alert once the buffer has grown.
 *
 * Key order (members are left out when the event or rule has no value for
 * them, never written empty; see alert.c for the exact mapping):
 *   @timestamp, ecs.version,
 *   event.{id, kind, category[], type[], code, provider, module, dataset,
 *          severity, created, sequence, original},
 *   log.file.path (replay: the input file the event came from),
 *   rule.{id, name, description, reference, ruleset, author[], version},
 *   threat.{framework, tactic.{id[], name[], reference[]},
 *           technique.{id[], reference[], subtechnique.{id[], reference[]}},
 *           group.id, software.id},
 *   tags[], host.{name, os.type}, agent.{type, version},
 *   process.{pid, entity_id, executable, name, command_line,
 *            working_directory, exit_code, hash.{md5, sha1, sha256},
 *            pe.{imphash, original_file_name},
 *            parent.{pid, entity_id, executable, name, command_line}},
 *   user.{name, domain},
 *   file.{path, name, directory, extension, hash.{...}, pe.{...}},
 *   dll.{path, name, hash.{...}, pe.{...}},
 *   source.{ip, port, domain}, destination.{ip, port, domain},
 *   network.{transport, type, direction}, dns.question.name,
 *   registry.{hive, path, key, value, data.strings[]},
 *   sigma.{level, status, references[], dropped_fields, fields{...}}
 */
#ifndef AG_RUNTIME_ALERT_H
#define AG_RUNTIME_ALERT_H

#include <stdint.h>

struct ag_event;
struct ag_jsonw;
struct sgr_rule;

/* ecs.version when the context does not say. */
#define AG_ECS_VERSION "8.11.0"

/*
 * What the agent knows about itself; every pointer is borrowed, may be
 * NULL (the key is then left out, or defaulted where noted) and must stay
 * valid during the call.
 */
struct ag_alert_ctx {
	const char *host_name;	    /* host.name when the event has no Computer field */
	const char *os_type;	    /* host.os.type when the event's product is not an OS */
	const char *agent_version;  /* agent.version */
	const char *ruleset_digest; /* rule.ruleset */
	const char *ecs_version;    /* ecs.version (NULL: AG_ECS_VERSION) */
	const char *source_path;    /* log.file.path: the replayed file, or NULL */
	const char *event_id;	    /* event.id (first in event), or NULL: left out; response
				     * events name it in sigmac.response.alert_id */
};

/*
 * Append one alert line (a JSON object and '\n') to out for rule r
 * matching event ev; now_ns (ns since the epoch) is event.created and the
 * fallback @timestamp. ac may be NULL. Nothing is retained from r, ev or
 * ac. Returns 0, or -ENOMEM / -E2BIG (out's limit) with out unchanged.
 */
int ag_alert_sigma(struct ag_jsonw *out, const struct ag_alert_ctx *ac, const struct sgr_rule *r,
		   const struct ag_event *ev, uint64_t now_ns);

/*
 * What the IOC and YARA engines add to an alert (alert_intel.c): file
 * hashes the agent computed (lower-case hex, NULL when not computed; the
 * event's own Hashes win), and a writer for extra members (an "ioc" or
 * "yara" object) put after the entity sections. Borrowed for the call.
 */
struct ag_alert_hook {
	const char *md5, *sha1, *sha256;
	void (*put)(struct ag_jsonw *w, const void *arg);
	const void *arg;
};

/*
 * ag_alert_sigma() with a hook (may be NULL). A rule id that holds "::"
 * ("ioc::ip::10.0.0.0/8", "yara::name") is written as rule.id as it is;
 * other ids get the "sigma::" prefix.
 */
int ag_alert_write(struct ag_jsonw *out, const struct ag_alert_ctx *ac, const struct sgr_rule *r,
		   const struct ag_event *ev, const struct ag_alert_hook *hook, uint64_t now_ns);

#endif /* AG_RUNTIME_ALERT_H */
