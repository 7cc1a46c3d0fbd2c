#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# A full disk (TAP): the alert file on a small tmpfs filled to 100%. The
# agent keeps running and detecting, counts its failed writes in the status
# file (written elsewhere), keeps the alerts in its retry buffer, and writes
# them (in order, whole) once space returns. Needs root for mount(8); skips
# (TAP "1..0 # SKIP", exit 0) with the reason when the mount is refused.
#
# Usage: diskfull.sh AGENT SOURCE_ROOT BUILD_DIR
set -u
agent=$1
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
mnt="$tmp/mnt"
mkdir "$mnt"
mounted=0
trap 'cleanup_pids; exec 3>&- 2>/dev/null; [ $mounted -eq 1 ] && umount "$mnt"; rm -rf "$tmp"' EXIT

if ! mount -t tmpfs -o size=256k,mode=0700 tmpfs "$mnt" 2>"$tmp/mount.err"; then
	echo "1..0 # SKIP cannot mount a tmpfs: $(cat "$tmp/mount.err")"
	exit 0
fi
mounted=1

cat >"$tmp/c.yml" <<YML
alerts:
  file: $mnt/alerts.ndjson
  retry_buffer_kb: 2048
status:
  file: $tmp/status.json
  interval_s: 1
YML
agent_on_fifo "$tmp/in" "$tmp/err" --stats --config "$tmp/c.yml"
exec 3<>"$tmp/in"
burst 5 before >&3
wait_for "[ \$(lines $mnt/alerts.ndjson) -eq 5 ]" 10
check "before: 5 alerts written" test "$(lines "$mnt/alerts.ndjson")" -eq 5

# Fill the file system to the last byte.
dd if=/dev/zero of="$mnt/fill" bs=4096 2>/dev/null
dd if=/dev/zero of="$mnt/fill2" bs=1 2>/dev/null
avail=$(df --output=avail "$mnt" | tail -1 | tr -d ' ')
check "the tmpfs is full (avail $avail)" test "$avail" -eq 0

burst 40 full >&3
sfail() { jstatus "$tmp/status.json" "S['sinks']['write_failures']"; }
wait_for "[ \"\$(sfail)\" != none ] && [ \$(sfail) -gt 0 ]" 10
check "full: the agent is still running" kill -0 $apid
check "full: the status file reports write failures ($(sfail))" test "$(sfail)" -gt 0
check "full: the status names the error" \
	test "$(jstatus "$tmp/status.json" "S['sinks']['last_error']")" = "No space left on device"
wait_for "[ \$(jstatus $tmp/status.json \"S['sinks']['pending_bytes']\") -gt 0 ]" 5
check "full: the alerts wait in the retry buffer" \
	test "$(jstatus "$tmp/status.json" "S['sinks']['pending_bytes']")" -gt 0
check "full: the file holds only whole lines" all_parse "$mnt/alerts.ndjson"
"$agent" status --status-file "$tmp/status.json" >"$tmp/st.out" 2>&1
check "full: sigmac-agent status shows the failures" \
	grep -q '"write_failures": [1-9]' "$tmp/st.out"
burst 10 full2 >&3
stotal() { jstatus "$tmp/status.json" "S['events']['total']"; }
wait_for "[ \"\$(stotal)\" != none ] && [ \$(stotal) -eq 55 ]" 5
check "full: still detecting (events counted: $(stotal) of 55)" test "$(stotal)" -eq 55

# Space returns: the next alerts flush the buffer first, in order.
rm -f "$mnt/fill" "$mnt/fill2"
sleep 0.2
burst 5 after >&3
wait_for "[ \$(lines $mnt/alerts.ndjson) -eq 60 ]" 10
check "after: every alert is on disk (5 + 40 + 10 + 5 = 60, got $(lines "$mnt/alerts.ndjson"))" \
	test "$(lines "$mnt/alerts.ndjson")" -eq 60
check "after: every line parses" all_parse "$mnt/alerts.ndjson"
check "after: in order (the last alert is the last event)" \
	test "$(jlines "$mnt/alerts.ndjson" "L[-1]['process']['command_line']")" = "ops-burst-marker after-5"
wait_for "[ \$(jstatus $tmp/status.json \"S['sinks']['pending_bytes']\") -eq 0 ]" 5
check "after: the status shows the retried alerts and nothing pending" \
	test "$(jstatus "$tmp/status.json" "(S['sinks']['retried'] > 0, S['sinks']['pending_bytes'], S['alerts']['dropped'], S['alerts']['written'])")" = "(True, 0, 0, 60)"
kill -TERM $apid
wait $apid
rc=$?
check "exit 0 after SIGTERM" test "$rc" -eq 0
finish
