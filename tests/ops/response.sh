#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Active response with real processes (TAP). The test starts victims (a
# copy of sleep(1) named sigmac-ops-victim, which a critical test rule
# matches), feeds the agent events carrying their real /proc values (pid,
# executable, command line, start time) and checks what happened:
#   kill mode kills, dry-run does not (and writes the dry-run event), an
#   allowlisted image or path is never killed, a pid whose start time no
#   longer matches (a reused pid) is not killed, an image that differs is
#   not killed, pid 1 / kernel threads / the agent's ancestors are
#   protected, min_level and opt-in/opt-out hold, and replay never acts
#   from the configuration alone. Each decision is an ECS event linked to
#   its alert (sigmac.response.alert_id = the alert's event.id).
#
# Usage: response.sh AGENT SOURCE_ROOT BUILD_DIR
set -u
agent=$1
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'cleanup_pids; rm -rf "$tmp"' EXIT
mkdir "$tmp/bin" "$tmp/allow"
sleep_bin=$(command -v sleep)
cp "$sleep_bin" "$tmp/bin/sigmac-ops-victim"
cp "$sleep_bin" "$tmp/allow/sigmac-ops-victim"
cp "$sleep_bin" "$tmp/bin/sigmac-ops-high"

# Start a victim; sets $vpid.
victim() {
	"$1" 300 &
	vpid=$!
	track $vpid
	wait_for "[ \"\$(readlink /proc/$vpid/exe)\" = \"$1\" ]" 5
}
start_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $20 }'; }
# The event of a live process, from /proc: proc_ev PID [START_TICKS]
proc_ev() {
	ev "$(readlink "/proc/$1/exe")" "$(tr '\0' ' ' <"/proc/$1/cmdline" | sed 's/ $//')" \
		"$1" "${2:-$(start_ticks "$1")}"
}
alive() { kill -0 "$1" 2>/dev/null && [ "$(sed 's/.*) //' "/proc/$1/stat" | cut -c1)" != Z ]; }
# Wait for a victim to die; succeeds when it was killed by SIGKILL.
killed() {
	wait_for "! alive $1" 5 || return 1
	wait "$1"
	[ $? -eq 137 ]
}
resp() { jlines "$1" "[o['sigmac']['response'][$2] for o in L if o['event']['kind'] == 'event']"; }

# ---- kill mode ----
victim "$tmp/bin/sigmac-ops-victim"
proc_ev $vpid >"$tmp/e1.jsonl"
"$agent" replay --response kill --alerts "$tmp/a1" "$tmp/e1.jsonl" 2>"$tmp/s1"
check "kill: the matched process is killed (SIGKILL)" killed $vpid
check "kill: every line parses" all_parse "$tmp/a1"
check "kill: one alert and one response event" \
	test "$(jlines "$tmp/a1" "[o['event']['kind'] for o in L]")" = "['alert', 'event']"
check "kill: the event says process-kill, success, killed" \
	test "$(jlines "$tmp/a1" "[(o['event']['action'], o['event']['outcome'], o['sigmac']['response']['result']) for o in L if o['event']['kind'] == 'event']")" = "[('process-kill', 'success', 'killed')]"
check "kill: the event is linked to its alert (alert_id = event.id)" \
	test "$(jlines "$tmp/a1" "L[0]['event']['id'] == L[1]['sigmac']['response']['alert_id'] and len(L[0]['event']['id']) == 36")" = True
check "kill: the event names the process" \
	test "$(jlines "$tmp/a1" "L[1]['process']['pid'] == $vpid and L[1]['process']['executable'] == '$tmp/bin/sigmac-ops-victim'")" = True

# ---- dry-run ----
victim "$tmp/bin/sigmac-ops-victim"
proc_ev $vpid >"$tmp/e2.jsonl"
"$agent" replay --response dry-run --alerts "$tmp/a2" "$tmp/e2.jsonl" 2>"$tmp/s2"
sleep 0.2
check "dry-run: the process is not killed" alive $vpid
check "dry-run: the dry-run event is written (would-kill, dry_run true)" \
	test "$(resp "$tmp/a2" "'result'"),$(resp "$tmp/a2" "'dry_run'")" = "['would-kill'],[True]"
kill $vpid

# ---- allowlists ----
victim "$tmp/allow/sigmac-ops-victim"
proc_ev $vpid >"$tmp/e3.jsonl"
printf 'response:\n  allow_paths: [%s/allow/]\n' "$tmp" >"$tmp/allow.yml"
"$agent" replay --config "$tmp/allow.yml" --response kill --alerts "$tmp/a3" "$tmp/e3.jsonl" 2>/dev/null
sleep 0.2
check "allow_paths: an image under an allowed prefix is never killed" alive $vpid
check "allow_paths: skipped, reason allowlisted image" \
	test "$(resp "$tmp/a3" "'result'")" = "['skipped']" -a \
	"$(jlines "$tmp/a3" "[o['event']['reason'] for o in L if o['event']['kind'] == 'event']")" = "['allowlisted image']"
kill $vpid
victim "$tmp/bin/sigmac-ops-victim"
proc_ev $vpid >"$tmp/e4.jsonl"
printf 'response:\n  allow_images: [sigmac-ops-victim]\n' >"$tmp/allow2.yml"
"$agent" replay --config "$tmp/allow2.yml" --response kill --alerts "$tmp/a4" "$tmp/e4.jsonl" 2>/dev/null
sleep 0.2
check "allow_images (basename): never killed" alive $vpid

# ---- a reused pid: the start time no longer matches ----
st=$(start_ticks $vpid)
proc_ev $vpid $((st + 12345)) >"$tmp/e5.jsonl"
"$agent" replay --response kill --alerts "$tmp/a5" "$tmp/e5.jsonl" 2>/dev/null
sleep 0.2
check "pid reuse: a process whose start time differs is not killed" alive $vpid
check "pid reuse: skipped with the reason" \
	test "$(jlines "$tmp/a5" "[o['event']['reason'].startswith('pid reused') for o in L if o['event']['kind'] == 'event']")" = "[True]"
# The image differs (another program now has the pid), start time unknown.
ev /opt/elsewhere/sigmac-ops-victim "x" $vpid >"$tmp/e6.jsonl"
"$agent" replay --response kill --alerts "$tmp/a6" "$tmp/e6.jsonl" 2>/dev/null
sleep 0.2
check "image mismatch: not killed" alive $vpid

# ---- replay never acts from the configuration alone ----
printf 'response:\n  mode: kill\n' >"$tmp/kill.yml"
proc_ev $vpid >"$tmp/e7.jsonl"
"$agent" replay --config "$tmp/kill.yml" --alerts "$tmp/a7" "$tmp/e7.jsonl" 2>/dev/null
sleep 0.2
check "replay without --response: not killed although the config says kill" alive $vpid
check "replay without --response: no response event" \
	test "$(jlines "$tmp/a7" "[o['event']['kind'] for o in L]")" = "['alert']"

# ---- policy: min_level, opt-out, opt-in ----
printf 'response:\n  exclude_rules: [sigmac.ops.victim]\n' >"$tmp/out.yml"
"$agent" replay --config "$tmp/out.yml" --response kill --alerts "$tmp/a8" "$tmp/e7.jsonl" 2>/dev/null
check "opt-out by tag: not killed, no response event" \
	test "$(jlines "$tmp/a8" "len(L)")" = 1
printf 'response:\n  rules: [sigma::3f0d8a52-6c1e-4d7b-9a63-0c5e2f1b7a02]\n' >"$tmp/in.yml"
"$agent" replay --config "$tmp/in.yml" --response kill --alerts "$tmp/a9" "$tmp/e7.jsonl" 2>/dev/null
sleep 0.2
check "opt-in list without this rule: not killed" alive $vpid
kill $vpid
victim "$tmp/bin/sigmac-ops-high"
proc_ev $vpid >"$tmp/e10.jsonl"
"$agent" replay --response kill --alerts "$tmp/a10" "$tmp/e10.jsonl" 2>/dev/null
sleep 0.2
check "min_level critical (default): a high rule's process is not killed" alive $vpid
printf 'response:\n  min_level: high\n' >"$tmp/high.yml"
"$agent" replay --config "$tmp/high.yml" --response kill --alerts "$tmp/a11" "$tmp/e10.jsonl" 2>/dev/null
check "min_level high: it is killed" killed $vpid

# ---- protected processes ----
ev /sbin/sigmac-ops-victim "init" 1 >"$tmp/e12.jsonl"
ev "$tmp/bin/sigmac-ops-victim" "shell" $$ >>"$tmp/e12.jsonl"
kt=$(awk '$4 == 2 { print $1; exit }' /proc/[0-9]*/stat 2>/dev/null)
[ -n "$kt" ] && ev "$tmp/bin/sigmac-ops-victim" "kthread" "$kt" >>"$tmp/e12.jsonl"
"$agent" replay --response kill --alerts "$tmp/a12" "$tmp/e12.jsonl" 2>/dev/null
check "protected: pid 1, the agent's ancestor (this shell) and a kernel thread are skipped" \
	test "$(jlines "$tmp/a12" "[o['event']['reason'].split(':')[0] for o in L if o['event']['kind'] == 'event']")" = \
	"$( [ -n "$kt" ] && echo "['protected', 'protected', 'protected']" || echo "['protected', 'protected']")"
check "protected: this shell is alive" kill -0 $$

finish
