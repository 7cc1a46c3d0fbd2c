#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Alert sinks and the agent's life cycle, with the real agent in replay
# mode (TAP):
#   - SIGTERM while alerts are in flight: exit 0, every alert on disk, whole
#     (plain, and with dedup windows open: the summaries are flushed);
#   - kill -9 during a burst: every line on disk parses (the alert writer
#     process finishes them); the writer killed: the agent writes itself;
#   - SIGHUP after the file was renamed away: later alerts go to a new file;
#   - size rotation with a kept count; file modes 0600 / 0640; O_NOFOLLOW;
#     a partial last line left by a crash is cut at the next open;
#   - dedup (first + summary, summary only); exclusions; standard output;
#   - the status file and `sigmac-agent status` (running, then stopped).
# Input is a FIFO where the agent must stay alive while the test acts.
#
# Usage: run-ops.sh AGENT SOURCE_ROOT BUILD_DIR
set -u
agent=$1
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
trap 'cleanup_pids; rm -rf "$tmp"' EXIT

# ---- SIGTERM with alerts in flight ----
agent_on_fifo "$tmp/in1" "$tmp/s1" --stats --alerts "$tmp/a1"
(burst 200000 t1 >"$tmp/in1") 2>/dev/null &
wpid=$!
track $wpid
wait_for "[ \$(lines $tmp/a1) -gt 100 ]" 10
kill -TERM $apid
wait $apid
rc=$?
kill $wpid 2>/dev/null
check "sigterm: the agent exits 0" test "$rc" -eq 0
check "sigterm: every line on disk parses" all_parse "$tmp/a1"
written=$(lines "$tmp/a1")
reported=$(stat_of alerts "$tmp/s1")
check "sigterm: every alert reported is on disk ($written of $reported)" test "$written" = "$reported"
check "sigterm: it stopped early (burst not finished: $written < 200000)" test "$written" -lt 200000

# ---- SIGTERM with dedup windows open: summaries flushed at exit ----
cat >"$tmp/dedup.yml" <<YML
dedup:
  window_s: 600
YML
agent_on_fifo "$tmp/in2" "$tmp/s2" --stats --config "$tmp/dedup.yml" --alerts "$tmp/a2"
exec 3<>"$tmp/in2"
for i in 1 2 3 4 5 6 7; do ev /usr/bin/ops-burst "ops-burst-marker same"; done >&3
ev /usr/bin/ops-burst "ops-burst-marker other" >&3
wait_for "[ \$(lines $tmp/a2) -ge 2 ]" 10
kill -TERM $apid
wait $apid
rc=$?
exec 3>&-
check "dedup+sigterm: exit 0" test "$rc" -eq 0
check "dedup+sigterm: every line parses" all_parse "$tmp/a2"
check "dedup+sigterm: first alerts at once, one summary at exit (3 lines)" test "$(lines "$tmp/a2")" -eq 3
check "dedup+sigterm: the summary counts all 7 matches" \
	test "$(jlines "$tmp/a2" "[o['sigmac']['dedup']['count'] for o in L if 'sigmac' in o]")" = "[7]"
check "dedup+sigterm: --stats reports 6 collapsed" test "$(stat_of 'dedup collapsed' "$tmp/s2")" = 6

# ---- dedup without emit_first: only summaries ----
cat >"$tmp/dedup2.yml" <<YML
dedup:
  window_s: 600
  emit_first: false
YML
{ for i in 1 2 3; do ev /usr/bin/ops-burst "ops-burst-marker x"; done
  ev /usr/bin/ops-burst "ops-burst-marker y"; } >"$tmp/d.jsonl"
"$agent" replay --config "$tmp/dedup2.yml" --alerts "$tmp/a3" "$tmp/d.jsonl"
check "dedup summary only: one line per key with its count" \
	test "$(jlines "$tmp/a3" "sorted(o['sigmac']['dedup']['count'] for o in L)")" = "[1, 3]"

# ---- kill -9 during a burst ----
# The agent hands its lines to its alert writer process (sink.c); killed,
# it leaves the writer to write out every whole line it was given and
# exit. Five rounds at different points of the burst.
burst 150000 k9 >"$tmp/big.jsonl"
writer_of() { cat "/proc/$1/task/$1/children" 2>/dev/null | tr -d ' '; }
for round in 1 2 3 4 5; do
	"$agent" replay --alerts "$tmp/a4" "$tmp/big.jsonl" 2>/dev/null &
	apid=$!
	track $apid
	wait_for "[ -n \"\$(writer_of $apid)\" ]" 10
	wpid=$(writer_of $apid)
	track "$wpid"
	wait_for "[ \$(lines $tmp/a4) -gt $((round * 2000)) ]" 20
	kill -KILL $apid
	wait $apid 2>/dev/null
	check "kill -9 round $round: the alert writer ($wpid) exits by itself" \
		wait_for "! kill -0 $wpid 2>/dev/null" 10
	check "kill -9 round $round: every line on disk parses ($(lines "$tmp/a4") lines)" \
		all_parse "$tmp/a4"
done

# ---- the alert writer killed: the agent writes the file itself ----
agent_on_fifo "$tmp/in13" "$tmp/s13" --stats --alerts "$tmp/a13"
exec 6<>"$tmp/in13"
burst 5 w1 >&6
wait_for "[ \$(lines $tmp/a13) -eq 5 ]" 10
wpid=$(writer_of $apid)
check "writer: the agent has an alert writer process named sigmac-alerts" \
	test "$(cat /proc/$wpid/comm 2>/dev/null)" = sigmac-alerts
kill -KILL "$wpid"
sleep 0.2
burst 6 w2 >&6
wait_for "[ \$(lines $tmp/a13) -eq 11 ]" 10
check "writer: alerts after its death are written by the agent (11 lines)" \
	test "$(lines "$tmp/a13")" -eq 11
check "writer: the agent is still running" kill -0 $apid
kill -TERM $apid
wait $apid
rc=$?
exec 6>&-
check "writer: exit 0 after SIGTERM" test "$rc" -eq 0
check "writer: the file parses" all_parse "$tmp/a13"

# ---- a partial last line (a crash) is cut at the next open ----
printf '{"kept":1}\n{"partial":' >"$tmp/a5"
ev /usr/bin/ops-burst "ops-burst-marker p" >"$tmp/p.jsonl"
"$agent" replay --alerts "$tmp/a5" "$tmp/p.jsonl"
check "repair: the partial line is gone, the whole one kept, the new alert appended" \
	test "$(jlines "$tmp/a5" "[('kept' in o, '@timestamp' in o) for o in L]")" = \
	"[(True, False), (False, True)]"
check "repair: every line parses" all_parse "$tmp/a5"

# ---- SIGHUP after an external rename ----
agent_on_fifo "$tmp/in6" "$tmp/s6" --alerts "$tmp/a6"
exec 4<>"$tmp/in6"
burst 10 h1 >&4
wait_for "[ \$(lines $tmp/a6) -eq 10 ]" 10
mv "$tmp/a6" "$tmp/a6.old"
kill -HUP $apid
sleep 0.2
burst 7 h2 >&4
wait_for "[ \$(lines $tmp/a6) -eq 7 ]" 10
check "sighup: later alerts go to a new file (7 lines)" test "$(lines "$tmp/a6")" -eq 7
check "sighup: the renamed file kept the first 10" test "$(lines "$tmp/a6.old")" -eq 10
check "sighup: the agent is still running" kill -0 $apid
kill -TERM $apid
wait $apid
rc=$?
exec 4>&-
check "sighup: exit 0 after SIGTERM" test "$rc" -eq 0
check "sighup: both files parse" all_parse "$tmp/a6" "$tmp/a6.old"

# ---- size rotation, kept count ----
cat >"$tmp/rot.yml" <<YML
alerts:
  file: $tmp/a7
  rotate_size_mb: 1
  rotate_keep: 2
YML
burst 6000 r >"$tmp/r.jsonl"
"$agent" replay --config "$tmp/rot.yml" "$tmp/r.jsonl"
check "rotation: FILE, FILE.1, FILE.2 exist, FILE.3 does not" \
	test -f "$tmp/a7" -a -f "$tmp/a7.1" -a -f "$tmp/a7.2" -a ! -e "$tmp/a7.3"
big=0
for f in "$tmp/a7" "$tmp/a7.1" "$tmp/a7.2"; do
	[ "$(stat -c %s "$f")" -le 1048576 ] || big=1
done
check "rotation: no file passes 1 MiB" test $big -eq 0
check "rotation: every file parses" all_parse "$tmp/a7" "$tmp/a7.1" "$tmp/a7.2"

# ---- modes and O_NOFOLLOW ----
ev /usr/bin/ops-burst "ops-burst-marker m" >"$tmp/m.jsonl"
"$agent" replay --alerts "$tmp/a8" "$tmp/m.jsonl"
check "mode: a new alert file is 0600" test "$(stat -c %a "$tmp/a8")" = 600
printf 'alerts:\n  file: %s\n  group_read: true\n' "$tmp/a9" >"$tmp/g.yml"
"$agent" replay --config "$tmp/g.yml" "$tmp/m.jsonl"
check "mode: group_read gives 0640" test "$(stat -c %a "$tmp/a9")" = 640
ln -s "$tmp/target" "$tmp/link"
"$agent" replay --alerts "$tmp/link" "$tmp/m.jsonl" 2>"$tmp/s10"
rc=$?
check "O_NOFOLLOW: a symlinked alert path refuses the start (exit 2)" test "$rc" -eq 2
check "O_NOFOLLOW: nothing written through the link" test ! -e "$tmp/target"

# ---- exclusions, standard output ----
printf 'exclude:\n  images: [ops-burst]\n' >"$tmp/x.yml"
{ ev /usr/bin/ops-burst "ops-burst-marker e"; ev /usr/bin/other "ops-burst-marker f"; } >"$tmp/x.jsonl"
"$agent" replay --config "$tmp/x.yml" --alerts - "$tmp/x.jsonl" >"$tmp/a11"
check "exclude.images: the excluded image's event gives no alert" \
	test "$(jlines "$tmp/a11" "[o['process']['executable'] for o in L]")" = "['/usr/bin/other']"
check "stdout sink: lines parse" all_parse "$tmp/a11"

# ---- status file and `sigmac-agent status` ----
cat >"$tmp/st.yml" <<YML
alerts:
  file: $tmp/a12
status:
  file: $tmp/status.json
  interval_s: 1
YML
agent_on_fifo "$tmp/in12" /dev/null --config "$tmp/st.yml"
exec 5<>"$tmp/in12"
burst 25 s >&5
wait_for "[ \"\$(jstatus $tmp/status.json \"S['alerts']['written']\")\" = 25 ]" 10
check "status: the file shows 25 alerts written" \
	test "$(jstatus "$tmp/status.json" "S['alerts']['written']")" = 25
check "status: events per class" \
	test "$(jstatus "$tmp/status.json" "S['events']['by_class']['process_creation']")" = 25
check "status: rules loaded, drop counters present" \
	test "$(jstatus "$tmp/status.json" "(S['rules_loaded'], S['drops']['kernel'], S['drops']['user'])")" = "(3, 0, 0)"
"$agent" status --status-file "$tmp/status.json" >"$tmp/st.out" 2>&1
rc=$?
check "status command: exit 0 while the agent runs" test "$rc" -eq 0
check "status command: prints the counters" grep -q '"write_failures": 0' "$tmp/st.out"
kill -TERM $apid
wait $apid
rc=$?
exec 5>&-
check "status: exit 0 after SIGTERM" test "$rc" -eq 0
check "status: the final status says stopped" \
	test "$(jstatus "$tmp/status.json" "S['agent']['state']")" = stopped
"$agent" status --status-file "$tmp/status.json" >/dev/null 2>&1
check "status command: exit 3 once the agent stopped" test $? -eq 3
"$agent" status --status-file "$tmp/nothing.json" >/dev/null 2>&1
check "status command: exit 2 without a status file" test $? -eq 2

finish
