#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Configuration files the agent must refuse (TAP): each malformed file
# stops `sigmac-agent replay --config FILE` with exit 2 and exactly one
# message "FILE:LINE:COL: error: key 'KEY': ..." naming the right line,
# column, key and problem. Then the documented example configuration
# (tools/sigmac-agent.yml) and the empty file are accepted.
#
# Usage: config-errors.sh AGENT SOURCE_ROOT BUILD_DIR
set -u
agent=$1
src=$2
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/empty.jsonl"

# refused NAME LINE COL KEY FRAGMENT < yaml
refused() {
	f="$tmp/$1.yml"
	cat >"$f"
	"$agent" replay --config "$f" "$tmp/empty.jsonl" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	want="$f:$2:$3: error: key '$4': "
	if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qF -- "$want" "$tmp/err" &&
		grep -qF -- "$5" "$tmp/err"; then
		ok "$1: $2:$3 key '$4': $5"
	else
		not_ok "$1: want exit 2 and '$want...$5'"
		diag "got exit $rc: $(cat "$tmp/err")"
	fi
}

refused unknown-top 2 1 'alert' 'unknown setting' <<'Y'
log_level: info
alert:
  file: /tmp/x
Y
refused unknown-nested 3 3 'alerts.rotate_size' 'unknown setting' <<'Y'
alerts:
  file: /var/log/x.ndjson
  rotate_size: 10
Y
refused bad-bool 2 11 'alerts.stdout' 'expected true or false' <<'Y'
alerts:
  stdout: yes
Y
refused out-of-range 2 16 'alerts.rotate_keep' 'out of range (0 to 1000)' <<'Y'
alerts:
  rotate_keep: 5000
Y
refused not-a-number 2 13 'dedup.window_s' "expected a whole number, not '60s'" <<'Y'
dedup:
  window_s: 60s
Y
refused negative 3 16 'dedup.max_entries' "expected a whole number, not '-5'" <<'Y'
dedup:
  window_s: 60
  max_entries: -5
Y
refused overflow 2 12 'queues.ring_mb' 'expected a whole number' <<'Y'
queues:
  ring_mb: 99999999999999999999999
Y
refused zero-interval 3 15 'status.interval_s' 'out of range (1 to 86400)' <<'Y'
status:
  file: /run/x.json
  interval_s: 0
Y
refused bad-mode 2 9 'response.mode' "'explode' is not a response mode" <<'Y'
response:
  mode: explode
Y
refused bad-level 3 14 'response.min_level' "'severe' is not a level" <<'Y'
response:
  mode: kill
  min_level: severe
Y
refused bad-log-level 1 12 'log_level' "'verbose' is not a log level" <<'Y'
log_level: verbose
Y
refused list-expected 2 17 'response.allow_images' 'expected a list' <<'Y'
response:
  allow_images: /usr/bin/sshd
Y
refused relative-prefix 2 28 'response.allow_paths' "'usr/sbin/' is not an absolute path prefix" <<'Y'
response:
  allow_paths: [/usr/bin/, usr/sbin/]
Y
refused relative-file 2 9 'alerts.file' "'alerts.ndjson' is not an absolute path" <<'Y'
alerts:
  file: alerts.ndjson
Y
refused section-scalar 1 9 'alerts' 'expected a mapping of settings' <<'Y'
alerts: 5
Y
refused mapping-for-value 3 5 'yara.workers' 'expected a single value, not a mapping' <<'Y'
yara:
  workers:
    count: 2
Y
refused duplicate 3 3 'alerts.stdout' 'duplicate key (first at line 2)' <<'Y'
alerts:
  stdout: true
  stdout: false
Y
refused top-list 1 1 '(document)' 'must be a mapping of settings' <<'Y'
- alerts
- dedup
Y
refused syntax 3 10 'file' 'invalid YAML: mapping values are not allowed' <<'Y'
alerts:
  file: /var/log/a.ndjson
   stdout: true
Y
refused anchor 2 15 'group_read' 'YAML anchors are not supported' <<'Y'
alerts:
  group_read: &gr true
  stdout: *gr
Y
refused alias 2 11 'stdout' 'YAML aliases are not supported' <<'Y'
alerts:
  stdout: *gr
Y
refused list-entry-map 2 19 'exclude.paths' 'list entries must be strings' <<'Y'
exclude:
  paths: [/proc/, {a: b}]
Y
refused empty-ident 2 17 'alerts.syslog_ident' 'must not be empty' <<'Y'
alerts:
  syslog_ident: ""
Y
refused bad-facility 2 20 'alerts.syslog_facility' "'kern' is not a syslog facility" <<'Y'
alerts:
  syslog_facility: kern
Y
refused bad-group 2 22 'live.collect' "'bogus' is not an event group" <<'Y'
live:
  collect: [process, bogus]
Y
refused two-docs 2 1 '(document)' 'only one YAML document' <<'Y'
log_level: info
---
log_level: debug
Y

# Accepted.
"$agent" replay --config "$src/tools/sigmac-agent.yml" --alerts - "$tmp/empty.jsonl" \
	>/dev/null 2>"$tmp/err"
check "the example configuration (tools/sigmac-agent.yml) is accepted" test $? -eq 0
: >"$tmp/empty.yml"
"$agent" replay --config "$tmp/empty.yml" "$tmp/empty.jsonl" >/dev/null 2>&1
check "an empty configuration is accepted" test $? -eq 0
printf 'dedup:\nresponse:\n  mode: off\n' >"$tmp/null.yml"
"$agent" replay --config "$tmp/null.yml" "$tmp/empty.jsonl" >/dev/null 2>&1
check "an empty section and a bare off are accepted" test $? -eq 0
"$agent" replay --config "$tmp/missing.yml" "$tmp/empty.jsonl" >/dev/null 2>"$tmp/err"
rc=$?
check "a missing configuration file is refused (exit 2, named)" \
	test $rc -eq 2 -a -n "$(grep -F "$tmp/missing.yml" "$tmp/err")"
"$agent" replay --response maybe "$tmp/empty.jsonl" >/dev/null 2>&1
check "--response with a bad mode is refused (exit 2)" test $? -eq 2
finish
